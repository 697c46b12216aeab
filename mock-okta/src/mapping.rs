//! Okta's attribute mapping expressions (the app-user profile's "External name"), applied to
//! SCIM bodies.
//!
//! - `title`, `name.givenName`: an attribute or a sub-attribute;
//! - `roles.^[primary==true].value`: in the multi-valued `roles`, the value whose `primary`
//!   equals `true`, and its `value` sub-attribute. If no such value exists it is added with
//!   `primary: true` (okta-wire §4: the wire shape is `"roles": [{"primary": true, "value": ...}]`).
//!
//! The External namespace places the attribute: the core User URN means the top level; any
//! other URN means inside that extension's object, with the URN added to `schemas`.

use serde_json::{Map, Value};

/// A parsed External name.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// `attr` or `attr.sub`.
    Path {
        /// The attribute.
        attr: String,
        /// The sub-attribute.
        sub: Option<String>,
    },
    /// `attr.^[key==value].field`.
    Select {
        /// The multi-valued attribute.
        attr: String,
        /// The sub-attribute tested.
        key: String,
        /// The value it must have.
        equals: Value,
        /// The sub-attribute written.
        field: String,
    },
}

impl Target {
    /// The top-level attribute the expression writes.
    pub fn attribute(&self) -> &str {
        match self {
            Target::Path { attr, .. } | Target::Select { attr, .. } => attr,
        }
    }
}

/// Why an External name could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid external name {0:?}: expected attr, attr.sub or attr.^[key==value].sub")]
pub struct BadExpression(pub String);

fn literal(s: &str) -> Value {
    let s = s.trim();
    match s {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => {
            if let Some(inner) = s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
                return Value::String(inner.to_owned());
            }
            serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_owned()))
        }
    }
}

/// Parses an External name.
pub fn parse(expr: &str) -> Result<Target, BadExpression> {
    let bad = || BadExpression(expr.to_owned());
    if let Some((attr, rest)) = expr.split_once(".^[") {
        let (cond, field) = rest.split_once("].").ok_or_else(bad)?;
        let (key, equals) = cond.split_once("==").ok_or_else(bad)?;
        if attr.is_empty() || key.trim().is_empty() || field.is_empty() {
            return Err(bad());
        }
        return Ok(Target::Select {
            attr: attr.to_owned(),
            key: key.trim().to_owned(),
            equals: literal(equals),
            field: field.to_owned(),
        });
    }
    let mut parts = expr.split('.');
    let attr = parts.next().filter(|a| !a.is_empty()).ok_or_else(bad)?;
    let sub = parts.next().map(str::to_owned);
    if parts.next().is_some() || sub.as_deref() == Some("") {
        return Err(bad());
    }
    Ok(Target::Path {
        attr: attr.to_owned(),
        sub,
    })
}

/// Writes `value` where `target` points, inside `namespace` of `body`.
pub fn apply(body: &mut Map<String, Value>, namespace: &str, target: &Target, value: &str) {
    let container = if scim_core::urn::eq(namespace, scim_core::urn::USER) {
        body
    } else {
        if let Some(Value::Array(schemas)) = body.get_mut("schemas")
            && !schemas
                .iter()
                .any(|s| s.as_str().is_some_and(|s| scim_core::urn::eq(s, namespace)))
        {
            schemas.push(Value::String(namespace.to_owned()));
        }
        let slot = body
            .entry(namespace.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        match slot {
            Value::Object(m) => m,
            _ => return,
        }
    };
    match target {
        Target::Path { attr, sub: None } => {
            container.insert(attr.clone(), Value::String(value.to_owned()));
        }
        Target::Path {
            attr,
            sub: Some(sub),
        } => {
            let slot = container
                .entry(attr.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(o) = slot {
                o.insert(sub.clone(), Value::String(value.to_owned()));
            }
        }
        Target::Select {
            attr,
            key,
            equals,
            field,
        } => {
            let slot = container
                .entry(attr.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(items) = slot else { return };
            let at = items.iter().position(|i| i.get(key) == Some(equals));
            let i = match at {
                Some(i) => i,
                None => {
                    let mut fresh = Map::new();
                    fresh.insert(key.clone(), equals.clone());
                    items.push(Value::Object(fresh));
                    items.len() - 1
                }
            };
            if let Value::Object(o) = &mut items[i] {
                o.insert(field.clone(), Value::String(value.to_owned()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_guides_role_mapping() {
        let t = parse("roles.^[primary==true].value").unwrap();
        let mut body = json!({"schemas": [scim_core::urn::USER]})
            .as_object()
            .unwrap()
            .clone();
        apply(&mut body, scim_core::urn::USER, &t, "Account Analyst");
        assert_eq!(
            Value::Object(body.clone()),
            json!({"schemas": [scim_core::urn::USER], "roles": [{"primary": true, "value": "Account Analyst"}]})
        );
        // Read-modify-write keeps whatever else the server returned on that element.
        body.insert(
            "roles".into(),
            json!([{"value": "Account Billing", "primary": true, "display": "Billing"}]),
        );
        apply(&mut body, scim_core::urn::USER, &t, "Account Reviewer");
        assert_eq!(
            body["roles"],
            json!([{"value": "Account Reviewer", "primary": true, "display": "Billing"}])
        );
    }

    #[test]
    fn extension_namespaces_nest_and_add_the_schema() {
        let ns = scim_core::urn::ENTERPRISE_USER;
        let mut body = json!({"schemas": [scim_core::urn::USER]})
            .as_object()
            .unwrap()
            .clone();
        apply(&mut body, ns, &parse("department").unwrap(), "Engineering");
        assert_eq!(body[ns], json!({"department": "Engineering"}));
        assert_eq!(body["schemas"], json!([scim_core::urn::USER, ns]));
    }

    #[test]
    fn bad_expressions_are_refused() {
        for e in ["", "a.b.c", "roles.^[primary].value", "roles.^[a==b]", "a."] {
            assert!(parse(e).is_err(), "{e}");
        }
        assert_eq!(
            parse("roles.^[type=='Primary'].value").unwrap(),
            Target::Select {
                attr: "roles".into(),
                key: "type".into(),
                equals: json!("Primary"),
                field: "value".into()
            }
        );
    }
}
