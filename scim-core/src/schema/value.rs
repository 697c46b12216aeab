//! Checking and normalising attribute values against their definitions.
//!
//! Clients are lenient about case and types in ways the RFC allows or real IdPs require:
//! attribute names in any case (RFC 7643 §2.1), `"True"`/`"False"` strings for booleans
//! (Microsoft Entra), `null` and `[]` meaning "unassigned" (RFC 7643 §2.5). Normalising turns
//! all of that into one canonical form, so the rest of a server only sees canonical names and
//! typed values; what cannot be made to fit is an `invalidValue` error naming the attribute.

use serde_json::{Map, Value};

use super::{AttributeDef, AttributeType, Mutability, ResourceSchema};
use crate::error::{ScimError, ScimType};
use crate::json::json_type;

/// A value that does not fit its attribute's definition.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ValueError {
    /// The attribute, as a path (`emails.primary`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl ValueError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ValueError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl From<ValueError> for ScimError {
    fn from(e: ValueError) -> Self {
        ScimError::bad_request(ScimType::InvalidValue, e.to_string())
    }
}

/// Whether a value is "unassigned" in the sense of RFC 7643 §2.5: null, or an empty array.
pub fn is_unassigned(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

impl AttributeDef {
    /// Checks and normalises a whole value of this attribute: an array of values if it is
    /// multi-valued, one value otherwise. `null` passes through for the caller to treat as
    /// "unassigned". At most one value of a multi-valued attribute may be `primary`.
    pub fn coerce(&self, v: &Value, path: &str) -> Result<Value, ValueError> {
        if v.is_null() {
            return Ok(Value::Null);
        }
        if !self.multi_valued {
            return self.coerce_one(v, path);
        }
        let Value::Array(items) = v else {
            return Err(ValueError::new(
                path,
                format!("expected an array, found {}", json_type(v)),
            ));
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if item.is_null() {
                continue;
            }
            out.push(self.coerce_one(item, path)?);
        }
        check_one_primary(&out, path)?;
        Ok(Value::Array(out))
    }

    /// Checks and normalises one value (one element, for a multi-valued attribute).
    pub fn coerce_one(&self, v: &Value, path: &str) -> Result<Value, ValueError> {
        let mismatch = |expected: &str| {
            ValueError::new(path, format!("expected {expected}, found {}", json_type(v)))
        };
        match self.kind {
            AttributeType::String | AttributeType::Reference | AttributeType::Binary => match v {
                Value::String(_) => Ok(v.clone()),
                _ => Err(mismatch("a string")),
            },
            AttributeType::Boolean => match v {
                Value::Bool(_) => Ok(v.clone()),
                Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
                _ => Err(mismatch("a boolean")),
            },
            AttributeType::Integer => match v {
                Value::Number(n) if n.is_i64() || n.is_u64() => Ok(v.clone()),
                _ => Err(mismatch("an integer")),
            },
            AttributeType::Decimal => match v {
                Value::Number(_) => Ok(v.clone()),
                _ => Err(mismatch("a number")),
            },
            AttributeType::DateTime => match v {
                Value::String(s) if crate::datetime::parse(s).is_some() => Ok(v.clone()),
                Value::String(s) => Err(ValueError::new(
                    path,
                    format!("{s:?} is not an xsd:dateTime"),
                )),
                _ => Err(mismatch("a dateTime string")),
            },
            AttributeType::Complex => {
                let fields = match v {
                    Value::Object(fields) => fields,
                    // A bare string for a complex attribute with a `value` sub-attribute is its
                    // value: Entra sends the enterprise `manager` as a plain id, and Okta and
                    // Entra send `roles` as strings.
                    Value::String(_) if self.sub_attribute("value").is_some() => {
                        let mut one = Map::new();
                        one.insert("value".to_owned(), v.clone());
                        return self.coerce_one(&Value::Object(one), path);
                    }
                    _ => return Err(mismatch("an object")),
                };
                let mut out = Map::new();
                for (key, value) in fields {
                    match self.sub_attribute(key) {
                        Some(sub) => {
                            let sub_path = format!("{path}.{}", sub.name);
                            let value = sub.coerce(value, &sub_path)?;
                            if !is_unassigned(&value) {
                                out.insert(sub.name.clone(), value);
                            }
                        }
                        // Sub-attributes this schema does not define survive untouched.
                        None if !value.is_null() => {
                            out.insert(key.clone(), value.clone());
                        }
                        None => {}
                    }
                }
                Ok(Value::Object(out))
            }
        }
    }
}

/// Fails when more than one value of a multi-valued attribute says `primary: true`
/// (RFC 7643 §2.4: "The primary attribute value 'true' MUST appear no more than once").
pub(crate) fn check_one_primary(items: &[Value], path: &str) -> Result<(), ValueError> {
    let primaries = items.iter().filter(|v| crate::json::is_primary(v)).count();
    if primaries > 1 {
        return Err(ValueError::new(
            path,
            "at most one value may have \"primary\": true",
        ));
    }
    Ok(())
}

impl ResourceSchema {
    /// Normalises a resource body sent by a client (POST, PUT): attribute names in canonical
    /// case, values checked and coerced, extension attributes under their canonical URN key,
    /// unassigned values (`null`, `[]`) dropped. Attributes this schema does not define are
    /// kept as they are, so extensions unknown to the server survive a round trip.
    pub fn normalize(&self, body: &Value) -> Result<Map<String, Value>, ValueError> {
        let Value::Object(fields) = body else {
            return Err(ValueError::new(
                "(body)",
                format!("expected a JSON object, found {}", json_type(body)),
            ));
        };
        let mut out = Map::new();
        for (key, value) in fields {
            if let Some(ext) = self.extension(key) {
                if value.is_null() {
                    continue;
                }
                let Value::Object(ext_fields) = value else {
                    return Err(ValueError::new(
                        key.as_str(),
                        format!("an extension must be an object, found {}", json_type(value)),
                    ));
                };
                let mut ext_out = Map::new();
                for (k, v) in ext_fields {
                    put(
                        &mut ext_out,
                        ext.schema.attribute(k),
                        k,
                        v,
                        &format!("{}:{k}", ext.schema.id),
                    )?;
                }
                if !ext_out.is_empty() {
                    out.insert(ext.schema.id.clone(), Value::Object(ext_out));
                }
                continue;
            }
            let def = self
                .common
                .iter()
                .chain(&self.core.attributes)
                .find(|d| d.name.eq_ignore_ascii_case(key));
            put(&mut out, def, key, value, key)?;
        }
        Ok(out)
    }

    /// Removes what a client may not set (RFC 7644 §3.5.1: read-only values "SHALL be
    /// ignored"): `id`, `meta`, `schemas`, User `groups`, and read-only sub-attributes such as
    /// the enterprise `manager.displayName`. Expects a [`normalize`](Self::normalize)d map.
    pub fn strip_read_only(&self, fields: &mut Map<String, Value>) {
        strip(fields, self.common.iter().chain(&self.core.attributes));
        for ext in &self.extensions {
            if let Some(Value::Object(inner)) = fields.get_mut(&ext.schema.id) {
                strip(inner, ext.schema.attributes.iter());
            }
        }
    }

    /// The first required, client-writable attribute missing from a normalised map, as an
    /// error (RFC 7644 §3.12 Table 9: a missing required value is `invalidValue`).
    pub fn check_required(&self, fields: &Map<String, Value>) -> Result<(), ValueError> {
        for def in &self.core.attributes {
            if def.required
                && def.mutability != Mutability::ReadOnly
                && !fields.contains_key(&def.name)
            {
                return Err(ValueError::new(def.name.as_str(), "is required"));
            }
        }
        for ext in &self.extensions {
            let inner = fields.get(&ext.schema.id).and_then(Value::as_object);
            if ext.required && inner.is_none() {
                return Err(ValueError::new(
                    ext.schema.id.as_str(),
                    "this extension is required",
                ));
            }
            for def in &ext.schema.attributes {
                if def.required && inner.is_some_and(|m| !m.contains_key(&def.name)) {
                    return Err(ValueError::new(
                        format!("{}:{}", ext.schema.id, def.name),
                        "is required",
                    ));
                }
            }
        }
        Ok(())
    }
}

fn put(
    out: &mut Map<String, Value>,
    def: Option<&AttributeDef>,
    key: &str,
    value: &Value,
    path: &str,
) -> Result<(), ValueError> {
    match def {
        Some(def) => {
            let value = def.coerce(value, path)?;
            if !is_unassigned(&value) {
                out.insert(def.name.clone(), value);
            }
        }
        None if !is_unassigned(value) => {
            out.insert(key.to_owned(), value.clone());
        }
        None => {}
    }
    Ok(())
}

fn strip<'a>(fields: &mut Map<String, Value>, defs: impl Iterator<Item = &'a AttributeDef>) {
    for def in defs {
        if def.mutability == Mutability::ReadOnly {
            fields.remove(&def.name);
            continue;
        }
        let read_only_subs: Vec<&str> = def
            .sub_attributes
            .iter()
            .filter(|s| s.mutability == Mutability::ReadOnly)
            .map(|s| s.name.as_str())
            .collect();
        if read_only_subs.is_empty() {
            continue;
        }
        match fields.get_mut(&def.name) {
            Some(Value::Object(o)) => read_only_subs.iter().for_each(|s| {
                o.remove(*s);
            }),
            Some(Value::Array(items)) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    read_only_subs.iter().for_each(|s| {
                        item.remove(*s);
                    });
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::schema::{group, user};

    #[test]
    fn normalises_names_types_and_unassigned_values() {
        let body = json!({
            "USERNAME": "bjensen@example.com",
            "Name": {"GIVENNAME": "Barbara", "familyName": null},
            "Active": "False",
            "emails": [{"Value": "bjensen@example.com", "Primary": "true"}],
            "nickName": null,
            "phoneNumbers": [],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": {"EmployeeNumber": "42"},
            "x-vendor": {"kept": true}
        });
        let out = user().normalize(&body).unwrap();
        assert_eq!(
            serde_json::Value::Object(out),
            json!({
                "userName": "bjensen@example.com",
                "name": {"givenName": "Barbara"},
                "active": false,
                "emails": [{"value": "bjensen@example.com", "primary": true}],
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "42"},
                "x-vendor": {"kept": true}
            })
        );
    }

    #[test]
    fn rejects_values_of_the_wrong_type_naming_the_attribute() {
        let e = user()
            .normalize(&json!({"userName": "a", "active": "yes"}))
            .unwrap_err();
        assert_eq!(e.path, "active");
        let e = user()
            .normalize(&json!({"userName": "a", "emails": "a@b"}))
            .unwrap_err();
        assert_eq!(e.to_string(), "emails: expected an array, found a string");
        let e = user()
            .normalize(&json!({"emails": [{"value": "a", "primary": true}, {"value": "b", "primary": true}]}))
            .unwrap_err();
        assert_eq!(e.path, "emails");
        let e = user()
            .normalize(&json!({"meta": {"created": "yesterday"}}))
            .unwrap_err();
        assert_eq!(e.path, "meta.created");
        assert!(user().normalize(&json!(["not", "an", "object"])).is_err());
    }

    #[test]
    fn strips_read_only_attributes_and_checks_required_ones() {
        let mut m = user()
            .normalize(&json!({
                "id": "client-chosen", "meta": {"resourceType": "Group"}, "groups": [{"value": "g"}],
                "schemas": ["x"], "userName": "a",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m", "displayName": "Boss"}}
            }))
            .unwrap();
        user().strip_read_only(&mut m);
        assert_eq!(
            serde_json::Value::Object(m.clone()),
            json!({"userName": "a", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m"}}})
        );
        assert!(user().check_required(&m).is_ok());
        m.remove("userName");
        assert_eq!(user().check_required(&m).unwrap_err().path, "userName");
        assert_eq!(
            group()
                .check_required(&serde_json::Map::new())
                .unwrap_err()
                .path,
            "displayName"
        );
    }
}
