//! The one place where errors become HTTP responses: every error is an RFC 7644 §3.12 body
//! sent as `application/scim+json`, and a 401 carries `WWW-Authenticate: Bearer`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use scim_core::{ScimError, ScimType};

/// The media type of every SCIM response (RFC 7644 §8.1).
pub const SCIM_JSON: &str = "application/scim+json";

/// An error answer. Wraps the SCIM error body; internal details are logged, never sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ApiError(pub ScimError);

impl ApiError {
    /// 400 with a `scimType`.
    pub fn bad_request(t: ScimType, detail: impl Into<String>) -> Self {
        ApiError(ScimError::bad_request(t, detail))
    }

    /// 400 `invalidValue`.
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        ApiError::bad_request(ScimType::InvalidValue, detail)
    }

    /// 400 `mutability`.
    pub fn mutability(detail: impl Into<String>) -> Self {
        ApiError::bad_request(ScimType::Mutability, detail)
    }

    /// Any status, no `scimType`.
    pub fn status(status: u16, detail: impl Into<String>) -> Self {
        ApiError(ScimError::new(status, detail))
    }

    /// 404 for a resource id.
    pub fn not_found(kind: &str, id: &str) -> Self {
        ApiError(ScimError::not_found(format!("{kind} {id:?} not found")))
    }

    /// The HTTP status.
    pub fn status_code(&self) -> u16 {
        self.0.status
    }
}

macro_rules! from_scim_core {
    ($($t:ty),*) => {$(
        impl From<$t> for ApiError {
            fn from(e: $t) -> Self {
                ApiError(ScimError::from(e))
            }
        }
    )*};
}

from_scim_core!(
    scim_core::filter::ParseError,
    scim_core::filter::CompileError,
    scim_core::patch::PatchError,
    scim_core::schema::ValueError
);

impl From<ScimError> for ApiError {
    fn from(e: ScimError) -> Self {
        ApiError(e)
    }
}

/// The longest `detail` an error carries, in bytes: details quote what the client sent (an
/// attribute name, a filter), and a client that sends half a megabyte must not get it back.
pub const MAX_DETAIL: usize = 1024;

/// `detail` cut to [`MAX_DETAIL`] bytes (at a character boundary), saying how long it was.
fn bounded(detail: String) -> String {
    if detail.len() <= MAX_DETAIL {
        return detail;
    }
    let mut end = MAX_DETAIL;
    while !detail.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… (cut; {} bytes in all)", &detail[..end], detail.len())
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.0.detail = self.0.detail.take().map(bounded);
        let body = serde_json::to_vec(&self.0).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"SCIM\""),
            );
        }
        response
    }
}
