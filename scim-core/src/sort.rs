//! Sorting query results (RFC 7644 §3.4.2.3).
//!
//! Values compare by the attribute's type: strings case-insensitively unless `caseExact`
//! (so `alice < Bob < carol`), numbers numerically, dateTimes as instants, `false < true`.
//! A multi-valued attribute sorts by its primary value, else its first. Resources without a
//! value sort last in ascending order and first in descending order.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::attr_path::AttrPath;
use crate::json::get_ci;
use crate::schema::{AttributeType, Container, ResourceSchema};
use crate::text;

/// The order of a sort.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Smallest first (the default).
    #[default]
    Ascending,
    /// Largest first.
    Descending,
}

impl SortOrder {
    /// Reads `ascending` or `descending`, in any case.
    pub fn parse(s: &str) -> Option<SortOrder> {
        if s.eq_ignore_ascii_case("ascending") {
            Some(SortOrder::Ascending)
        } else if s.eq_ignore_ascii_case("descending") {
            Some(SortOrder::Descending)
        } else {
            None
        }
    }
}

/// A value extracted for sorting, comparable on its own.
#[derive(Clone, Debug, PartialEq)]
pub enum SortKey {
    /// Booleans: `false` before `true`.
    Bool(bool),
    /// Numbers.
    Number(f64),
    /// Instants.
    Instant(DateTime<Utc>),
    /// Strings, already folded when the attribute is not `caseExact`.
    Text(String),
}

impl SortKey {
    fn cmp(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Bool(a), SortKey::Bool(b)) => a.cmp(b),
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Instant(a), SortKey::Instant(b)) => a.cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            // Mixed kinds only happen for attributes the schema does not define.
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            SortKey::Bool(_) => 0,
            SortKey::Number(_) => 1,
            SortKey::Instant(_) => 2,
            SortKey::Text(_) => 3,
        }
    }
}

/// Sorts resources of one type by one attribute path.
#[derive(Clone, Debug)]
pub struct Sorter {
    extension: Option<String>,
    name: String,
    sub: Option<String>,
    kind: Option<AttributeType>,
    case_exact: bool,
    /// The sort's direction.
    pub order: SortOrder,
}

impl Sorter {
    /// A sorter for `path`. An attribute the schema does not define sorts as a
    /// case-insensitive string (or by its JSON type).
    pub fn new(path: &AttrPath, schema: &ResourceSchema, order: SortOrder) -> Sorter {
        match schema.resolve(path) {
            Ok(r) => {
                let mut sub = r.sub.map(|s| s.name.clone());
                let mut target = r.target();
                // `emails` sorts by the primary email's `value`.
                if sub.is_none()
                    && r.attr.kind == AttributeType::Complex
                    && let Some(v) = r.attr.sub_attribute("value")
                {
                    sub = Some(v.name.clone());
                    target = v;
                }
                Sorter {
                    extension: match r.container {
                        Container::Top => None,
                        Container::Extension(s) => Some(s.id.clone()),
                    },
                    name: r.attr.name.clone(),
                    sub,
                    kind: Some(target.kind),
                    case_exact: target.case_exact,
                    order,
                }
            }
            Err(_) => Sorter {
                extension: path
                    .urn
                    .clone()
                    .filter(|u| !crate::urn::eq(u, &schema.core.id)),
                name: path.name.clone(),
                sub: path.sub.clone(),
                kind: None,
                case_exact: false,
                order,
            },
        }
    }

    /// The key a resource sorts by, or `None` when it has no value.
    pub fn key(&self, resource: &Map<String, Value>) -> Option<SortKey> {
        let container = match &self.extension {
            None => resource,
            Some(ext) => get_ci(resource, ext)?.as_object()?,
        };
        let mut v = get_ci(container, &self.name)?;
        if let Value::Array(items) = v {
            v = items
                .iter()
                .find(|i| crate::json::is_primary(i))
                .or_else(|| items.first())?;
        }
        if let Some(sub) = &self.sub {
            v = get_ci(v.as_object()?, sub)?;
        }
        self.key_of(v)
    }

    fn key_of(&self, v: &Value) -> Option<SortKey> {
        match (v, self.kind) {
            (Value::Bool(b), _) => Some(SortKey::Bool(*b)),
            (Value::Number(n), _) => n.as_f64().map(SortKey::Number),
            (Value::String(s), Some(AttributeType::DateTime)) => {
                crate::datetime::parse(s).map(SortKey::Instant)
            }
            (Value::String(s), _) if s.is_empty() => None,
            (Value::String(s), _) => Some(SortKey::Text(if self.case_exact {
                s.clone()
            } else {
                text::fold(s).into_owned()
            })),
            _ => None,
        }
    }

    /// Orders two keys: missing values last (ascending) or first (descending).
    pub fn compare(&self, a: &Option<SortKey>, b: &Option<SortKey>) -> Ordering {
        let ascending = match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(a), Some(b)) => a.cmp(b),
        };
        match self.order {
            SortOrder::Ascending => ascending,
            SortOrder::Descending => ascending.reverse(),
        }
    }

    /// Sorts resources, stably: each key is computed once.
    pub fn sort(&self, resources: &mut Vec<Map<String, Value>>) {
        let mut keyed: Vec<(Option<SortKey>, Map<String, Value>)> = std::mem::take(resources)
            .into_iter()
            .map(|r| (self.key(&r), r))
            .collect();
        // `sort_by` is stable, so equal keys keep their order.
        keyed.sort_by(|(a, _), (b, _)| self.compare(a, b));
        resources.extend(keyed.into_iter().map(|(_, r)| r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::user;
    use serde_json::json;

    fn users() -> Vec<Map<String, Value>> {
        [
            json!({"id": "1", "userName": "carol", "emails": [{"value": "z@x"}, {"value": "a@x", "primary": true}]}),
            json!({"id": "2", "userName": "Bob", "title": "b", "meta": {"lastModified": "2024-01-01T02:00:00+02:00"}}),
            json!({"id": "3", "userName": "alice", "title": "a", "meta": {"lastModified": "2024-01-01T00:30:00Z"}}),
        ]
        .into_iter()
        .map(|v| match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        })
        .collect()
    }

    fn ids(path: &str, order: SortOrder) -> Vec<String> {
        let mut us = users();
        Sorter::new(&AttrPath::parse(path).unwrap(), user(), order).sort(&mut us);
        us.iter()
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn strings_sort_case_insensitively() {
        assert_eq!(ids("userName", SortOrder::Ascending), ["3", "2", "1"]);
        assert_eq!(ids("userName", SortOrder::Descending), ["1", "2", "3"]);
    }

    #[test]
    fn missing_values_go_last_ascending_and_first_descending() {
        assert_eq!(ids("title", SortOrder::Ascending), ["3", "2", "1"]);
        assert_eq!(ids("title", SortOrder::Descending), ["1", "2", "3"]);
    }

    #[test]
    fn multi_valued_sorts_by_the_primary_value_and_dates_as_instants() {
        assert_eq!(ids("emails", SortOrder::Ascending)[0], "1");
        // 02:00+02:00 is midnight UTC, before 00:30Z.
        assert_eq!(
            ids("meta.lastModified", SortOrder::Ascending),
            ["2", "3", "1"]
        );
    }
}
