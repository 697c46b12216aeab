//! SCIM PATCH (RFC 7644 §3.5.2): the request body, its paths, and an engine that applies
//! `add`, `remove` and `replace` to a resource.
//!
//! ```
//! use scim_core::patch::{self, PatchRequest};
//! use scim_core::schema;
//! use serde_json::json;
//!
//! // What Okta sends to deactivate a user.
//! let body = json!({
//!     "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
//!     "Operations": [{"op": "replace", "value": {"active": false}}]
//! });
//! let request = PatchRequest::from_json(&body).unwrap();
//! let user = json!({"id": "1", "userName": "a@example.com", "active": true});
//! let patched = patch::apply(&user, &request, schema::user()).unwrap();
//! assert_eq!(patched["active"], json!(false));
//! ```
//!
//! The parser accepts what real clients send: `op` in any case (Entra sends `"Replace"`),
//! keys in any case, and an empty `path` read as no path. The engine's choices where the RFC
//! leaves room are listed on [`apply`].

mod apply;
mod path;

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value, json};

pub use apply::apply;
pub use path::PatchPath;

use crate::error::{ScimError, ScimType};
use crate::json::{get_ci, json_type};
use crate::urn;

/// A PATCH operation's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PatchOpKind {
    /// `add`.
    Add,
    /// `remove`.
    Remove,
    /// `replace`.
    Replace,
}

impl PatchOpKind {
    /// The keyword, in lower case as the RFC writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            PatchOpKind::Add => "add",
            PatchOpKind::Remove => "remove",
            PatchOpKind::Replace => "replace",
        }
    }

    /// Reads a keyword in any case.
    pub fn from_keyword(s: &str) -> Option<Self> {
        [PatchOpKind::Add, PatchOpKind::Remove, PatchOpKind::Replace]
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for PatchOpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One operation of a PATCH request.
#[derive(Clone, Debug, PartialEq)]
pub struct PatchOperation {
    /// What to do.
    pub op: PatchOpKind,
    /// Where; `None` for a path-less `add`/`replace` whose value is an object of attributes.
    pub path: Option<PatchPath>,
    /// The value; always present for `add` and `replace` (it may be JSON `null`).
    pub value: Option<Value>,
}

/// The RFC's name for a PATCH request message (`urn:ietf:params:scim:api:messages:2.0:PatchOp`).
pub type PatchOp = PatchRequest;

/// A PATCH request body: `{"schemas": [PatchOp URN], "Operations": [...]}`.
#[derive(Clone, Debug, PartialEq)]
pub struct PatchRequest {
    /// The operations, applied in order.
    pub operations: Vec<PatchOperation>,
}

/// Why a PATCH could not be applied, typed by the `scimType` a server answers with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The body is not a PatchOp message (`invalidSyntax`).
    #[error("{0}")]
    InvalidSyntax(String),
    /// The path is malformed or names no attribute of the resource type (`invalidPath`).
    #[error("{0}")]
    InvalidPath(String),
    /// The path's value filter is not valid for the attribute (`invalidFilter`).
    #[error("{0}")]
    InvalidFilter(String),
    /// The path selects nothing to operate on (`noTarget`).
    #[error("{0}")]
    NoTarget(String),
    /// A value is missing or does not fit the attribute (`invalidValue`).
    #[error("{0}")]
    InvalidValue(String),
    /// The operation would modify a read-only, immutable or required attribute
    /// (`mutability`).
    #[error("{0}")]
    Mutability(String),
}

impl PatchError {
    /// The `scimType` to answer with.
    pub fn scim_type(&self) -> ScimType {
        match self {
            PatchError::InvalidSyntax(_) => ScimType::InvalidSyntax,
            PatchError::InvalidPath(_) => ScimType::InvalidPath,
            PatchError::InvalidFilter(_) => ScimType::InvalidFilter,
            PatchError::NoTarget(_) => ScimType::NoTarget,
            PatchError::InvalidValue(_) => ScimType::InvalidValue,
            PatchError::Mutability(_) => ScimType::Mutability,
        }
    }

    /// The same kind of error with its message rewritten.
    fn map_message(self, f: impl FnOnce(String) -> String) -> PatchError {
        match self {
            PatchError::InvalidSyntax(m) => PatchError::InvalidSyntax(f(m)),
            PatchError::InvalidPath(m) => PatchError::InvalidPath(f(m)),
            PatchError::InvalidFilter(m) => PatchError::InvalidFilter(f(m)),
            PatchError::NoTarget(m) => PatchError::NoTarget(f(m)),
            PatchError::InvalidValue(m) => PatchError::InvalidValue(f(m)),
            PatchError::Mutability(m) => PatchError::Mutability(f(m)),
        }
    }

    /// The same error, its message prefixed with the operation it came from.
    fn in_operation(self, index: usize, op: &PatchOperation) -> PatchError {
        let at = match &op.path {
            Some(p) => format!("operation {} ({} '{p}'): ", index + 1, op.op),
            None => format!("operation {} ({}): ", index + 1, op.op),
        };
        self.map_message(|m| format!("{at}{m}"))
    }
}

impl From<PatchError> for ScimError {
    fn from(e: PatchError) -> Self {
        let scim_type = e.scim_type();
        ScimError::bad_request(scim_type, e.to_string())
    }
}

impl PatchRequest {
    /// Reads a PATCH body. The `schemas` must name the PatchOp message and `Operations` must
    /// be a non-empty array; keys and `op` values are matched in any case.
    pub fn from_json(body: &Value) -> Result<PatchRequest, PatchError> {
        let syntax = |m: String| PatchError::InvalidSyntax(m);
        let Value::Object(fields) = body else {
            return Err(syntax(format!(
                "a PATCH body must be a JSON object, found {}",
                json_type(body)
            )));
        };
        let names_patch_op = get_ci(fields, "schemas")
            .and_then(Value::as_array)
            .is_some_and(|s| {
                s.iter()
                    .any(|u| u.as_str().is_some_and(|u| urn::eq(u, urn::PATCH_OP)))
            });
        if !names_patch_op {
            return Err(syntax(format!(
                "the body's \"schemas\" must contain \"{}\"",
                urn::PATCH_OP
            )));
        }
        let operations = match get_ci(fields, "Operations") {
            Some(Value::Array(ops)) if !ops.is_empty() => ops,
            Some(Value::Array(_)) => return Err(syntax("\"Operations\" is empty".into())),
            Some(other) => {
                return Err(syntax(format!(
                    "\"Operations\" must be an array, found {}",
                    json_type(other)
                )));
            }
            None => return Err(syntax("the body has no \"Operations\"".into())),
        };
        let operations = operations
            .iter()
            .enumerate()
            .map(|(i, op)| {
                PatchOperation::from_json(op)
                    .map_err(|e| e.map_message(|m| format!("operation {}: {m}", i + 1)))
            })
            .collect::<Result<_, _>>()?;
        Ok(PatchRequest { operations })
    }

    /// The request as the JSON a client sends.
    pub fn to_json(&self) -> Value {
        json!({
            "schemas": [urn::PATCH_OP],
            "Operations": self.operations.iter().map(PatchOperation::to_json).collect::<Vec<_>>(),
        })
    }
}

impl Serialize for PatchRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl PatchOperation {
    fn from_json(op: &Value) -> Result<PatchOperation, PatchError> {
        let Value::Object(fields) = op else {
            return Err(PatchError::InvalidSyntax(format!(
                "an operation must be an object, found {}",
                json_type(op)
            )));
        };
        let kind = match get_ci(fields, "op") {
            Some(Value::String(s)) => PatchOpKind::from_keyword(s).ok_or_else(|| {
                PatchError::InvalidSyntax(format!(
                    "unknown op {s:?}; expected \"add\", \"remove\" or \"replace\""
                ))
            })?,
            Some(other) => {
                return Err(PatchError::InvalidSyntax(format!(
                    "\"op\" must be a string, found {}",
                    json_type(other)
                )));
            }
            None => {
                return Err(PatchError::InvalidSyntax(
                    "the operation has no \"op\"".into(),
                ));
            }
        };
        let path = match get_ci(fields, "path") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(
                PatchPath::parse(s)
                    .map_err(|e| PatchError::InvalidPath(format!("invalid path {s:?}: {e}")))?,
            ),
            Some(other) => {
                return Err(PatchError::InvalidPath(format!(
                    "\"path\" must be a string, found {}",
                    json_type(other)
                )));
            }
        };
        let value = get_ci(fields, "value").cloned();
        if kind != PatchOpKind::Remove && value.is_none() {
            return Err(PatchError::InvalidValue(format!(
                "'{kind}' needs a \"value\""
            )));
        }
        Ok(PatchOperation {
            op: kind,
            path,
            value,
        })
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("op".into(), self.op.as_str().into());
        if let Some(p) = &self.path {
            m.insert("path".into(), p.to_string().into());
        }
        if let Some(v) = &self.value {
            m.insert("value".into(), v.clone());
        }
        Value::Object(m)
    }
}
