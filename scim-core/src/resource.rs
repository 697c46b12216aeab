//! Resources as JSON-backed values with typed accessors.
//!
//! A SCIM resource is open-ended: schema extensions, and attributes a server does not know,
//! must survive a read-modify-write (Okta's profile update PUTs back exactly what the server's
//! GET returned). So a [`Resource`] is its JSON object, and [`User`] and [`Group`] are views
//! that read typed values out of it, ignoring the case of attribute names.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::json::{get_ci, json_type};
use crate::urn;

/// A SCIM resource: one JSON object, kept whole.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Resource(Map<String, Value>);

/// A value that is not a JSON object cannot be a resource.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a resource must be a JSON object, found {0}")]
pub struct NotAnObject(pub &'static str);

impl TryFrom<Value> for Resource {
    type Error = NotAnObject;
    fn try_from(v: Value) -> Result<Self, Self::Error> {
        match v {
            Value::Object(m) => Ok(Resource(m)),
            other => Err(NotAnObject(json_type(&other))),
        }
    }
}

impl From<Map<String, Value>> for Resource {
    fn from(m: Map<String, Value>) -> Self {
        Resource(m)
    }
}

impl From<Resource> for Value {
    fn from(r: Resource) -> Self {
        Value::Object(r.0)
    }
}

impl Resource {
    /// The attribute called `name`, ignoring case.
    pub fn get(&self, name: &str) -> Option<&Value> {
        get_ci(&self.0, name)
    }

    /// A string attribute.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// The attribute map.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The attribute map, to change it.
    pub fn as_map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }

    /// The attribute map, owned.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    /// `id`.
    pub fn id(&self) -> Option<&str> {
        self.get_str("id")
    }

    /// `externalId`.
    pub fn external_id(&self) -> Option<&str> {
        self.get_str("externalId")
    }

    /// The `schemas` URIs.
    pub fn schemas(&self) -> Vec<&str> {
        self.get("schemas")
            .and_then(Value::as_array)
            .map_or_else(Vec::new, |s| s.iter().filter_map(Value::as_str).collect())
    }

    /// Whether `schemas` lists `id` (compared case-insensitively).
    pub fn has_schema(&self, id: &str) -> bool {
        self.schemas().iter().any(|s| urn::eq(s, id))
    }

    /// `meta`, when it is an object. Fields of the wrong type read as absent.
    pub fn meta(&self) -> Option<Meta> {
        let Value::Object(m) = self.get("meta")? else {
            return None;
        };
        let s = |k: &str| get_ci(m, k).and_then(Value::as_str).map(str::to_owned);
        Some(Meta {
            resource_type: s("resourceType"),
            created: s("created"),
            last_modified: s("lastModified"),
            location: s("location"),
            version: s("version"),
        })
    }

    /// A view of this resource as a User.
    pub fn as_user(&self) -> User<'_> {
        User(self)
    }

    /// A view of this resource as a Group.
    pub fn as_group(&self) -> Group<'_> {
        Group(self)
    }
}

/// Resource metadata (RFC 7643 §3.1). Timestamps stay as the server wrote them; compare them
/// with [`crate::datetime::parse`], never as text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// `User`, `Group`...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// When the resource was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When it last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Its URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Its entity-tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The components of a user's name (RFC 7643 §4.1.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Name<'r> {
    /// `name.formatted`.
    pub formatted: Option<&'r str>,
    /// `name.familyName` (last name).
    pub family_name: Option<&'r str>,
    /// `name.givenName` (first name).
    pub given_name: Option<&'r str>,
    /// `name.middleName`.
    pub middle_name: Option<&'r str>,
}

/// One value of a multi-valued attribute with the usual sub-attributes (RFC 7643 §2.4):
/// an email, a phone number, a role.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MultiValue<'r> {
    /// `value`.
    pub value: Option<&'r str>,
    /// `display`.
    pub display: Option<&'r str>,
    /// `type`.
    pub kind: Option<&'r str>,
    /// `primary`; absent reads as `false`.
    pub primary: bool,
}

impl<'r> MultiValue<'r> {
    fn read(v: &'r Value) -> Option<MultiValue<'r>> {
        match v {
            // Okta and Entra sometimes send roles as bare strings.
            Value::String(s) => Some(MultiValue {
                value: Some(s),
                ..MultiValue::default()
            }),
            Value::Object(o) => {
                let s = |k: &str| get_ci(o, k).and_then(Value::as_str);
                let primary = match get_ci(o, "primary") {
                    Some(Value::Bool(b)) => *b,
                    Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
                    _ => false,
                };
                Some(MultiValue {
                    value: s("value"),
                    display: s("display"),
                    kind: s("type"),
                    primary,
                })
            }
            _ => None,
        }
    }
}

fn multi<'r>(r: &'r Resource, name: &str) -> Vec<MultiValue<'r>> {
    match r.get(name) {
        Some(Value::Array(items)) => items.iter().filter_map(MultiValue::read).collect(),
        Some(single) => MultiValue::read(single).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The value marked primary, else the only value, else none (RFC 7643 §2.4).
fn primary_of<'r>(values: &[MultiValue<'r>]) -> Option<MultiValue<'r>> {
    values
        .iter()
        .find(|v| v.primary)
        .cloned()
        .or_else(|| match values {
            [only] => Some(only.clone()),
            _ => None,
        })
}

/// A read-only view of a resource as a User (RFC 7643 §4.1).
#[derive(Clone, Copy, Debug)]
pub struct User<'r>(&'r Resource);

impl<'r> User<'r> {
    /// `userName`.
    pub fn user_name(&self) -> Option<&'r str> {
        self.0.get_str("userName")
    }

    /// `displayName`.
    pub fn display_name(&self) -> Option<&'r str> {
        self.0.get_str("displayName")
    }

    /// `name`.
    pub fn name(&self) -> Option<Name<'r>> {
        let Value::Object(o) = self.0.get("name")? else {
            return None;
        };
        let s = |k: &str| get_ci(o, k).and_then(Value::as_str);
        Some(Name {
            formatted: s("formatted"),
            family_name: s("familyName"),
            given_name: s("givenName"),
            middle_name: s("middleName"),
        })
    }

    /// `active`; `None` when absent or not a boolean.
    pub fn active(&self) -> Option<bool> {
        self.0.get("active").and_then(Value::as_bool)
    }

    /// `emails`.
    pub fn emails(&self) -> Vec<MultiValue<'r>> {
        multi(self.0, "emails")
    }

    /// The primary email's address: the one marked `primary`, else the only one.
    pub fn primary_email(&self) -> Option<&'r str> {
        primary_of(&self.emails()).and_then(|e| e.value)
    }

    /// `roles`. A bare string, or an array of strings, reads as role values.
    pub fn roles(&self) -> Vec<MultiValue<'r>> {
        multi(self.0, "roles")
    }

    /// The primary role: the one marked `primary`, else the only one.
    pub fn primary_role(&self) -> Option<&'r str> {
        primary_of(&self.roles()).and_then(|r| r.value)
    }

    /// `groups` (read-only; maintained through the Groups).
    pub fn groups(&self) -> Vec<MultiValue<'r>> {
        multi(self.0, "groups")
    }
}

/// A member of a group (RFC 7643 §4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member<'r> {
    /// The member's `id`.
    pub value: &'r str,
    /// Its display name.
    pub display: Option<&'r str>,
    /// `User` or `Group`.
    pub kind: Option<&'r str>,
}

/// A read-only view of a resource as a Group (RFC 7643 §4.2).
#[derive(Clone, Copy, Debug)]
pub struct Group<'r>(&'r Resource);

impl<'r> Group<'r> {
    /// `displayName`.
    pub fn display_name(&self) -> Option<&'r str> {
        self.0.get_str("displayName")
    }

    /// `members`; values without a string `value` are skipped.
    pub fn members(&self) -> Vec<Member<'r>> {
        let Some(Value::Array(items)) = self.0.get("members") else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|m| {
                let o = m.as_object()?;
                let s = |k: &str| get_ci(o, k).and_then(Value::as_str);
                Some(Member {
                    value: s("value")?,
                    display: s("display"),
                    kind: s("type"),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn res(v: Value) -> Resource {
        Resource::try_from(v).unwrap()
    }

    #[test]
    fn user_accessors_ignore_case_and_keep_unknown_attributes() {
        let v = json!({
            "schemas": [urn::USER, urn::ENTERPRISE_USER],
            "id": "u1", "UserName": "Alice@Example.com",
            "name": {"givenName": "Alice", "FamilyName": "Liddell"},
            "emails": [{"value": "alt@example.com"}, {"value": "alice@example.com", "primary": true, "type": "work"}],
            "roles": [{"value": "Account Analyst", "primary": "True"}],
            "active": false,
            urn::ENTERPRISE_USER: {"department": "R&D"},
            "x-custom": [1, 2, 3],
            "meta": {"resourceType": "User", "created": "2024-01-01T00:00:00Z", "version": 7}
        });
        let r = res(v.clone());
        let u = r.as_user();
        assert_eq!(u.user_name(), Some("Alice@Example.com"));
        assert_eq!(u.name().unwrap().family_name, Some("Liddell"));
        assert_eq!(u.primary_email(), Some("alice@example.com"));
        assert_eq!(u.primary_role(), Some("Account Analyst"));
        assert_eq!(u.active(), Some(false));
        assert!(r.has_schema("URN:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
        let meta = r.meta().unwrap();
        assert_eq!(meta.resource_type.as_deref(), Some("User"));
        assert_eq!(meta.version, None, "a number is not a version string");
        // Everything survives the round trip, unknown attributes included.
        assert_eq!(Value::from(r), v);
    }

    #[test]
    fn roles_as_bare_strings_and_a_single_unmarked_value() {
        let r = res(json!({"roles": "Account Reviewer"}));
        assert_eq!(r.as_user().primary_role(), Some("Account Reviewer"));
        let r = res(json!({"roles": ["A", "B"]}));
        assert_eq!(r.as_user().roles().len(), 2);
        assert_eq!(
            r.as_user().primary_role(),
            None,
            "two unmarked roles: no primary"
        );
    }

    #[test]
    fn group_members_skip_malformed_values() {
        let r = res(
            json!({"displayName": "Team", "members": [{"value": "u1", "display": "a"}, {"display": "no id"}, 5]}),
        );
        let g = r.as_group();
        assert_eq!(g.display_name(), Some("Team"));
        assert_eq!(
            g.members(),
            vec![Member {
                value: "u1",
                display: Some("a"),
                kind: None
            }]
        );
        assert!(Resource::try_from(json!([1])).is_err());
    }
}
