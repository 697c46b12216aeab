//! The request bodies Okta sends, as typed structs so that keys go out in Okta's order
//! (okta-wire §2). Values Okta does not have are omitted, as Okta omits empty values.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

use scim_core::urn;

fn is_empty(s: &str) -> bool {
    s.is_empty()
}

/// `name` in a create body.
#[derive(Debug, Serialize)]
pub struct Name<'a> {
    /// First name.
    #[serde(rename = "givenName", skip_serializing_if = "is_empty")]
    pub given_name: &'a str,
    /// Last name.
    #[serde(rename = "familyName", skip_serializing_if = "is_empty")]
    pub family_name: &'a str,
}

/// An email in a create body: `{"primary": true, "value": ..., "type": "work"}`.
#[derive(Debug, Serialize)]
pub struct Email<'a> {
    /// Always true.
    pub primary: bool,
    /// The address.
    pub value: &'a str,
    /// Always `work`.
    #[serde(rename = "type")]
    pub kind: &'a str,
}

/// Okta's create-user body (okta-wire §2b, the documented sample's key order).
#[derive(Debug, Serialize)]
pub struct CreateUser<'a> {
    /// `[core User URN]` (plus any extension a mapping adds).
    pub schemas: Vec<String>,
    /// The app username.
    #[serde(rename = "userName")]
    pub user_name: &'a str,
    /// First and last name.
    pub name: Name<'a>,
    /// The primary work email.
    pub emails: Vec<Email<'a>>,
    /// `First Last`.
    #[serde(rename = "displayName", skip_serializing_if = "is_empty")]
    pub display_name: String,
    /// Only when the Okta user has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<&'a str>,
    /// Mapped app-user attributes (`roles`), after the standard ones and before `externalId`,
    /// in mapping order (as in the one capture with a mapped attribute, okta-wire §2b).
    #[serde(flatten)]
    pub mapped: OrderedFields,
    /// The Okta user id.
    #[serde(rename = "externalId")]
    pub external_id: &'a str,
    /// Always `[]`.
    pub groups: Vec<Value>,
    /// A random placeholder: Okta sends one "even if password sync isn't enabled".
    pub password: String,
    /// Always true.
    pub active: bool,
}

/// JSON fields kept in the order they were added.
#[derive(Debug, Default)]
pub struct OrderedFields(pub Vec<(String, Value)>);

impl Serialize for OrderedFields {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A PATCH operation.
#[derive(Debug, Serialize)]
pub struct Operation<V: Serialize> {
    /// `add`, `remove` or `replace`, lower case.
    pub op: &'static str,
    /// The path, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<V>,
}

/// A PatchOp message.
#[derive(Debug, Serialize)]
pub struct Patch<V: Serialize> {
    /// `[PatchOp URN]`.
    pub schemas: [&'static str; 1],
    /// The operations.
    #[serde(rename = "Operations")]
    pub operations: Vec<Operation<V>>,
}

impl<V: Serialize> Patch<V> {
    /// A PatchOp with these operations.
    pub fn new(operations: Vec<Operation<V>>) -> Self {
        Patch {
            schemas: [urn::PATCH_OP],
            operations,
        }
    }
}

/// `{"active": bool}`: the value of Okta's (de)activation PATCH.
#[derive(Debug, Serialize)]
pub struct Active {
    /// The new state.
    pub active: bool,
}

/// `{"id": ..., "displayName": ...}`: the value of Okta's group reconcile/rename PATCH.
#[derive(Debug, Serialize)]
pub struct Rename<'a> {
    /// The group's SCIM id (read-only; Okta sends it anyway).
    pub id: &'a str,
    /// The group name.
    #[serde(rename = "displayName")]
    pub display_name: &'a str,
}

/// A group member as Okta sends it: the app user's SCIM id and its username.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Member {
    /// SCIM id.
    pub value: String,
    /// The app username.
    pub display: String,
}

/// Okta's create-group (and AIW PUT) body.
#[derive(Debug, Serialize)]
pub struct Group<'a> {
    /// `[core Group URN]`.
    pub schemas: [&'static str; 1],
    /// The group name.
    #[serde(rename = "displayName")]
    pub display_name: &'a str,
    /// Members.
    pub members: &'a [Member],
}

impl<'a> Group<'a> {
    /// A group body with the core Group schema.
    pub fn new(display_name: &'a str, members: &'a [Member]) -> Self {
        Group {
            schemas: [urn::GROUP],
            display_name,
            members,
        }
    }
}

/// Serialises a body to the bytes sent.
pub fn to_bytes(body: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_default()
}
