//! `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a
//! response carries.
//!
//! - `returned: never` attributes (`password`) are never included, even when asked for;
//! - `returned: always` attributes (`id`) and `schemas` are always included;
//! - `attributes=a,b` replaces the default set with `a`, `b` and the always-returned ones;
//!   `name.givenName` keeps only that sub-attribute of `name`; a schema URN keeps that
//!   whole extension;
//! - `excludedAttributes=a` removes `a` from the default set;
//! - `returned: request` attributes appear only when named in `attributes`;
//! - names are case-insensitive and may be URN-qualified.
//!
//! When both parameters are given, `attributes` wins, and `excludedAttributes` is ignored
//! (the RFC says a client should not send both).

use serde_json::{Map, Value};

use crate::attr_path::AttrPath;
use crate::filter::ParseError;
use crate::json::take_ci;
use crate::schema::{AttributeDef, Extension, ResourceSchema, Returned};

/// A parsed `attributes` / `excludedAttributes` pair.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Projection {
    /// The `attributes` list; empty means "the default set".
    pub attributes: Vec<AttrPath>,
    /// The `excludedAttributes` list.
    pub excluded: Vec<AttrPath>,
}

/// Parses a comma-separated list of attribute paths; blanks between commas are skipped.
fn parse_list(list: &str) -> Result<Vec<AttrPath>, ParseError> {
    let mut out = Vec::new();
    let mut at = 0;
    for part in list.split(',') {
        if !part.trim().is_empty() {
            out.push(AttrPath::parse(part).map_err(|e| ParseError {
                offset: e.offset + at,
                ..e
            })?);
        }
        at += part.len() + 1;
    }
    Ok(out)
}

impl Projection {
    /// Reads the two query parameters (either may be absent).
    pub fn parse(
        attributes: Option<&str>,
        excluded: Option<&str>,
    ) -> Result<Projection, ParseError> {
        Ok(Projection {
            attributes: attributes.map(parse_list).transpose()?.unwrap_or_default(),
            excluded: excluded.map(parse_list).transpose()?.unwrap_or_default(),
        })
    }

    /// Whether neither list was given: the default set of attributes, which is every
    /// attribute a resource has but those returned `never` or only on `request`.
    pub fn is_default(&self) -> bool {
        self.attributes.is_empty() && self.excluded.is_empty()
    }

    /// Whether the projection keeps any part of the core attribute `key` (one returned by
    /// default): servers use it to skip gathering what no response will show, such as a
    /// large team's members under `excludedAttributes=members`.
    pub fn keeps(&self, key: &str, schema: &ResourceSchema) -> bool {
        let names = |p: &AttrPath| names_attribute(p, key, None, schema);
        if self.attributes.is_empty() {
            !self.excluded.iter().any(|p| names(p) && p.sub.is_none())
        } else {
            self.attributes.iter().any(names)
        }
    }

    /// Applies the projection to a full resource representation.
    pub fn apply(
        &self,
        resource: Map<String, Value>,
        schema: &ResourceSchema,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, value) in resource {
            if let Some(ext) = schema.extension(&key) {
                let Value::Object(inner) = value else {
                    continue;
                };
                let kept = self.extension(ext, inner, schema);
                if !kept.is_empty() {
                    out.insert(ext.schema.id.clone(), Value::Object(kept));
                }
                continue;
            }
            let def = schema.top_level(&key);
            if let Some(v) = self.attribute(&key, def, value, None, schema) {
                out.insert(key, v);
            }
        }
        out
    }

    fn extension(
        &self,
        ext: &Extension,
        inner: Map<String, Value>,
        schema: &ResourceSchema,
    ) -> Map<String, Value> {
        let id = ext.schema.id.as_str();
        let whole = |paths: &[AttrPath]| {
            paths.iter().any(|p| {
                schema
                    .whole_extension(p)
                    .is_some_and(|e| crate::urn::eq(&e.schema.id, id))
            })
        };
        if !self.attributes.is_empty() && whole(&self.attributes) {
            return inner;
        }
        if self.attributes.is_empty() && whole(&self.excluded) {
            return Map::new();
        }
        let mut out = Map::new();
        for (key, value) in inner {
            let def = ext.schema.attribute(&key);
            if let Some(v) = self.attribute(&key, def, value, Some(id), schema) {
                out.insert(key, v);
            }
        }
        out
    }

    /// What remains of one attribute: all of it, some sub-attributes, or nothing.
    fn attribute(
        &self,
        key: &str,
        def: Option<&AttributeDef>,
        value: Value,
        extension: Option<&str>,
        schema: &ResourceSchema,
    ) -> Option<Value> {
        let returned = def.map_or(Returned::Default, |d| d.returned);
        if returned == Returned::Never {
            return None;
        }
        if returned == Returned::Always || key.eq_ignore_ascii_case("schemas") {
            return Some(value);
        }
        let names = |p: &AttrPath| names_attribute(p, key, extension, schema);
        if !self.attributes.is_empty() {
            // Named whole, or some of its sub-attributes named.
            let (whole, subs) = selection(&self.attributes, names);
            return if whole {
                Some(value)
            } else if subs.is_empty() {
                None
            } else {
                keep_subs(value, &subs, def)
            };
        }
        if returned == Returned::Request {
            return None;
        }
        let (whole, subs) = selection(&self.excluded, names);
        if whole {
            None
        } else if subs.is_empty() {
            Some(value)
        } else {
            drop_subs(value, &subs)
        }
    }
}

/// Among `paths`, those that name an attribute: whether one names it whole, and the
/// sub-attributes the others name.
fn selection(paths: &[AttrPath], names: impl Fn(&AttrPath) -> bool) -> (bool, Vec<&str>) {
    let mut whole = false;
    let mut subs = Vec::new();
    for p in paths.iter().filter(|p| names(p)) {
        match p.sub.as_deref() {
            None => whole = true,
            Some(s) => subs.push(s),
        }
    }
    (whole, subs)
}

/// Whether `path` names the attribute `key` (in `extension`, when set).
fn names_attribute(
    path: &AttrPath,
    key: &str,
    extension: Option<&str>,
    schema: &ResourceSchema,
) -> bool {
    if !path.name.eq_ignore_ascii_case(key) {
        return false;
    }
    match (&path.urn, extension) {
        (None, None) => true,
        (Some(u), None) => crate::urn::eq(u, &schema.core.id),
        (Some(u), Some(ext)) => crate::urn::eq(u, ext),
        // A bare name also reaches an extension attribute when the core has no such name.
        (None, Some(_)) => schema.top_level(&path.name).is_none(),
    }
}

fn sub_def<'d>(def: Option<&'d AttributeDef>, name: &str) -> Option<&'d AttributeDef> {
    def.and_then(|d| d.sub_attribute(name))
}

fn keep_subs(value: Value, subs: &[&str], def: Option<&AttributeDef>) -> Option<Value> {
    let keep = |o: Map<String, Value>| -> Map<String, Value> {
        o.into_iter()
            .filter(|(k, _)| {
                subs.iter().any(|s| s.eq_ignore_ascii_case(k))
                    || sub_def(def, k).is_some_and(|d| d.returned == Returned::Always)
            })
            .collect()
    };
    project_objects(value, keep)
}

fn drop_subs(value: Value, subs: &[&str]) -> Option<Value> {
    let drop = |mut o: Map<String, Value>| -> Map<String, Value> {
        for s in subs {
            take_ci(&mut o, s);
        }
        o
    };
    project_objects(value, drop)
}

/// Applies `f` to a complex value, or to each value of a multi-valued one; what ends up
/// empty is dropped.
fn project_objects(
    value: Value,
    f: impl Fn(Map<String, Value>) -> Map<String, Value>,
) -> Option<Value> {
    let object = |o: Map<String, Value>| Some(f(o)).filter(|o| !o.is_empty());
    match value {
        Value::Object(o) => object(o).map(Value::Object),
        Value::Array(items) => {
            let items: Vec<Value> = items
                .into_iter()
                .filter_map(|i| match i {
                    Value::Object(o) => object(o).map(Value::Object),
                    _ => None,
                })
                .collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{group, user};
    use serde_json::json;

    #[test]
    fn keeps_tells_whether_any_of_an_attribute_survives() {
        let g = group();
        let p = |a: Option<&str>, x: Option<&str>| Projection::parse(a, x).unwrap();
        assert!(p(None, None).keeps("members", g));
        assert!(!p(None, Some("members")).keeps("members", g));
        assert!(
            !p(
                None,
                Some("urn:ietf:params:scim:schemas:core:2.0:Group:members")
            )
            .keeps("members", g)
        );
        assert!(p(None, Some("members.display")).keeps("members", g));
        assert!(p(Some("members.value"), None).keeps("members", g));
        assert!(!p(Some("displayName"), None).keeps("members", g));
    }

    fn user_json() -> Map<String, Value> {
        let Value::Object(m) = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "id": "u1",
            "userName": "bjensen",
            "password": "never",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": "b@x.test", "type": "work", "primary": true}],
            "active": true,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "7", "department": "R&D"},
            "meta": {"resourceType": "User", "location": "http://x/Users/u1"}
        }) else {
            unreachable!()
        };
        m
    }

    fn project(attributes: Option<&str>, excluded: Option<&str>) -> Value {
        Value::Object(
            Projection::parse(attributes, excluded)
                .unwrap()
                .apply(user_json(), user()),
        )
    }

    #[test]
    fn default_drops_never_returned_attributes() {
        let v = project(None, None);
        assert!(v.get("password").is_none());
        assert_eq!(v["userName"], "bjensen");
    }

    #[test]
    fn attributes_keep_the_named_and_the_always_returned() {
        let v = project(Some("USERNAME"), None);
        assert_eq!(
            v,
            json!({"schemas": user_json()["schemas"], "id": "u1", "userName": "bjensen"})
        );
        let v = project(Some("name.givenName,password"), None);
        assert_eq!(v["name"], json!({"givenName": "Barbara"}));
        assert!(
            v.get("password").is_none(),
            "never returned, even when asked for"
        );
        let v = project(
            Some("urn:ietf:params:scim:schemas:core:2.0:User:userName"),
            None,
        );
        assert_eq!(v["userName"], "bjensen");
        let v = project(
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"),
            None,
        );
        assert_eq!(
            v["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            json!({"employeeNumber": "7"})
        );
        assert!(v.get("userName").is_none());
        let v = project(
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            None,
        );
        assert_eq!(
            v["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"],
            "R&D"
        );
        let v = project(Some("emails.value"), None);
        assert_eq!(v["emails"], json!([{"value": "b@x.test"}]));
    }

    #[test]
    fn excluded_attributes_remove_from_the_default_set_but_not_always_returned_ones() {
        let v = project(None, Some("emails,id,name.familyName"));
        assert!(v.get("emails").is_none());
        assert_eq!(v["id"], "u1");
        assert_eq!(v["name"], json!({"givenName": "Barbara"}));
        assert_eq!(v["active"], true);
        let v = project(
            None,
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
        );
        assert!(
            v.get("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
                .is_none()
        );
        let v = project(None, Some("department"));
        assert_eq!(
            v["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            json!({"employeeNumber": "7"})
        );
    }

    #[test]
    fn group_members_can_be_excluded() {
        let Value::Object(g) = json!({"id": "g", "displayName": "T", "members": [{"value": "u1"}]})
        else {
            unreachable!()
        };
        let p = Projection::parse(None, Some("members")).unwrap();
        assert_eq!(
            Value::Object(p.apply(g, group())),
            json!({"id": "g", "displayName": "T"})
        );
    }

    #[test]
    fn bad_lists_fail_with_an_offset_into_the_whole_parameter() {
        let e = Projection::parse(Some("userName, na me"), None).unwrap_err();
        assert_eq!(e.offset, 12);
        assert!(
            Projection::parse(Some("userName,,"), None)
                .unwrap()
                .attributes
                .len()
                == 1
        );
    }
}
