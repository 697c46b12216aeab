//! The SCIM error response body (RFC 7644 §3.12) and its `scimType` keywords.
//!
//! Servers in the wild get this body wrong more than anything else: `status` sent as a
//! number, `scimType: "null"`, the body wrapped in another object (see the evidence in
//! `docs/rfc-checklist.md`). [`ScimError`] serialises exactly the RFC's shape, and every error
//! in this crate converts into it, so a server builds its error bodies in one place.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::urn;

/// The `scimType` keywords of RFC 7644 §3.12, Table 9.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ScimType {
    /// The filter syntax was invalid, or the attribute and comparison combination is not
    /// supported.
    InvalidFilter,
    /// The filter would return more results than the server is willing to compute.
    TooMany,
    /// One or more unique attribute values are in use or reserved.
    Uniqueness,
    /// The modification is incompatible with an attribute's mutability.
    Mutability,
    /// The request body structure was invalid or did not conform to the schema.
    InvalidSyntax,
    /// The PATCH `path` was invalid or malformed.
    InvalidPath,
    /// The PATCH `path` did not yield an attribute or value that could be operated on.
    NoTarget,
    /// A required value was missing, or a value was not compatible with the attribute.
    InvalidValue,
    /// The protocol version is not supported.
    InvalidVers,
    /// The request cannot be completed because of sensitive data in the URI.
    Sensitive,
}

impl ScimType {
    /// Every keyword, in the order of Table 9.
    pub const ALL: [ScimType; 10] = [
        ScimType::InvalidFilter,
        ScimType::TooMany,
        ScimType::Uniqueness,
        ScimType::Mutability,
        ScimType::InvalidSyntax,
        ScimType::InvalidPath,
        ScimType::NoTarget,
        ScimType::InvalidValue,
        ScimType::InvalidVers,
        ScimType::Sensitive,
    ];

    /// The keyword as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::TooMany => "tooMany",
            ScimType::Uniqueness => "uniqueness",
            ScimType::Mutability => "mutability",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
            ScimType::Sensitive => "sensitive",
        }
    }
}

impl fmt::Display for ScimType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of the RFC's `scimType` keywords.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown scimType {0:?}")]
pub struct UnknownScimType(pub String);

impl FromStr for ScimType {
    type Err = UnknownScimType;

    /// Keywords are matched exactly: the RFC spells them in camelCase, and a harness that
    /// accepted `"InvalidValue"` would hide a server bug.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ScimType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownScimType(s.to_owned()))
    }
}

/// An RFC 7644 §3.12 error response body.
///
/// `status` is held as a number but always written as a JSON string (`"status":"404"`), as
/// the RFC requires; reading accepts a number too, since Okta's own samples send one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
pub struct ScimError {
    /// Always `[urn:ietf:params:scim:api:messages:2.0:Error]`.
    pub schemas: Vec<String>,
    /// The HTTP status code.
    #[serde(
        serialize_with = "status_as_string",
        deserialize_with = "status_from_either"
    )]
    pub status: u16,
    /// The error keyword, for 400 (and 409 `uniqueness`) responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_type: Option<ScimType>,
    /// A human-readable explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(t) = self.scim_type {
            write!(f, " {t}")?;
        }
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl ScimError {
    /// An error with a status and a detail, and no `scimType`.
    pub fn new(status: u16, detail: impl Into<String>) -> Self {
        ScimError {
            schemas: vec![urn::ERROR.to_owned()],
            status,
            scim_type: None,
            detail: Some(detail.into()),
        }
    }

    /// A 400 Bad Request with a `scimType`.
    pub fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> Self {
        ScimError::new(400, detail).with_type(scim_type)
    }

    /// Sets the `scimType`.
    #[must_use]
    pub fn with_type(mut self, scim_type: ScimType) -> Self {
        self.scim_type = Some(scim_type);
        self
    }

    /// 401: missing or wrong credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        ScimError::new(401, detail)
    }

    /// 403: authenticated but not allowed.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        ScimError::new(403, detail)
    }

    /// 404: no such resource or endpoint.
    pub fn not_found(detail: impl Into<String>) -> Self {
        ScimError::new(404, detail)
    }

    /// 409 with `scimType: uniqueness` (RFC 7644 §3.3).
    pub fn conflict(detail: impl Into<String>) -> Self {
        ScimError::new(409, detail).with_type(ScimType::Uniqueness)
    }

    /// 412: an `If-Match` precondition failed (RFC 7644 §3.14).
    pub fn precondition_failed(detail: impl Into<String>) -> Self {
        ScimError::new(412, detail)
    }

    /// 500: a fault of the server. The detail must not leak internals.
    pub fn internal(detail: impl Into<String>) -> Self {
        ScimError::new(500, detail)
    }
}

fn status_as_string<S: Serializer>(status: &u16, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(status)
}

fn status_from_either<'de, D: Deserializer<'de>>(d: D) -> Result<u16, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Number(u16),
        Text(String),
    }
    match Either::deserialize(d)? {
        Either::Number(n) => Ok(n),
        Either::Text(t) => t.trim().parse().map_err(|_| {
            serde::de::Error::custom(format!("status {t:?} is not an HTTP status code"))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_is_written_as_a_string() {
        let body = serde_json::to_value(ScimError::conflict("userName taken")).unwrap();
        assert_eq!(
            body,
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "409",
                "scimType": "uniqueness",
                "detail": "userName taken"
            })
        );
    }

    #[test]
    fn status_is_read_from_a_string_or_a_number() {
        let a: ScimError =
            serde_json::from_value(json!({"schemas": [urn::ERROR], "status": "404"})).unwrap();
        let b: ScimError =
            serde_json::from_value(json!({"schemas": [urn::ERROR], "status": 404})).unwrap();
        assert_eq!(a.status, 404);
        assert_eq!(a, b);
        assert!(
            serde_json::from_value::<ScimError>(json!({"schemas": [], "status": "four"})).is_err()
        );
    }

    #[test]
    fn every_scim_type_round_trips_through_its_keyword() {
        for t in ScimType::ALL {
            assert_eq!(t.as_str().parse::<ScimType>().unwrap(), t);
            assert_eq!(serde_json::to_value(t).unwrap(), json!(t.as_str()));
        }
        assert!("InvalidValue".parse::<ScimType>().is_err());
        assert!("null".parse::<ScimType>().is_err());
    }
}
