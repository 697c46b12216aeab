//! Request extractors that turn bad input into SCIM errors rather than the framework's
//! plain-text rejections.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, header, request::Parts};
use scim_core::ScimType;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// The SCIM base URL of this request (`http://host:port/scim/v2`), for `Location` and
/// `meta.location`: the configured public URL, else built from the `Host` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl(pub String);

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(url) = state.public_url() {
            return Ok(BaseUrl(url.to_owned()));
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .unwrap_or("localhost");
        Ok(BaseUrl(["http://", host, crate::SCIM_PREFIX].concat()))
    }
}

/// The conditional-request headers (`If-Match`, `If-None-Match`; RFC 7644 §3.14): all that
/// the resource handlers read of a request's headers, taken without copying the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preconditions {
    /// `If-Match`, as sent.
    pub if_match: Option<HeaderValue>,
    /// `If-None-Match`, as sent.
    pub if_none_match: Option<HeaderValue>,
}

impl<S: Sync> FromRequestParts<S> for Preconditions {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Preconditions {
            if_match: parts.headers.get(header::IF_MATCH).cloned(),
            if_none_match: parts.headers.get(header::IF_NONE_MATCH).cloned(),
        })
    }
}

/// The `{id}` segment of a resource path. An id that does not decode (invalid UTF-8 after
/// percent-decoding) names no resource: 404 in the SCIM error form, not the framework's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceId(pub String);

impl FromRequestParts<AppState> for ResourceId {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(ResourceId(id)),
            Err(_) => Err(ApiError::status(
                404,
                "no resource has this id (it is not valid UTF-8)",
            )),
        }
    }
}

/// A request body as sent: `application/scim+json` or `application/json` (with any
/// parameters, `charset=utf-8` included), at most the configured size, not empty. Handlers
/// that read a body their own way (a create reads Okta's shape typed) take this; the others
/// take [`ScimJson`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimBody(pub Bytes);

/// A JSON request body ([`ScimBody`]), parsed: a JSON object.
#[derive(Clone, Debug, PartialEq)]
pub struct ScimJson(pub Value);

/// Whether a `Content-Type` is one SCIM request bodies may have. A missing one is accepted:
/// some clients send none, and the body is parsed as JSON either way.
fn acceptable_media_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(ct) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let ct = ct.to_str().unwrap_or("");
    let essence = ct.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/scim+json")
        || essence.eq_ignore_ascii_case("application/json")
    {
        return Ok(());
    }
    Err(ApiError::status(
        415,
        format!("unsupported Content-Type {ct:?}; send application/scim+json or application/json"),
    ))
}

impl FromRequest<AppState> for ScimBody {
    type Rejection = ApiError;

    async fn from_request(req: Request<Body>, state: &AppState) -> Result<Self, Self::Rejection> {
        acceptable_media_type(req.headers())?;
        let limits = state.limits();
        let limit = limits.max_body_bytes;
        // A body that trickles in, or never comes (a Content-Length larger than what is
        // sent), holds the connection only this long.
        let bytes = tokio::time::timeout(
            limits.body_timeout,
            axum::body::to_bytes(req.into_body(), limit),
        )
        .await
        .map_err(|_| {
            ApiError::status(
                408,
                format!(
                    "the request body did not arrive within {} s",
                    limits.body_timeout.as_secs()
                ),
            )
        })?
        .map_err(|_| {
            ApiError::status(
                413,
                format!("the request body is larger than the limit of {limit} bytes"),
            )
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request(
                ScimType::InvalidSyntax,
                "the request body is empty",
            ));
        }
        Ok(ScimBody(bytes))
    }
}

/// Parses a request body that must be a JSON object; anything else is a 400
/// `invalidSyntax` saying what it is.
pub fn json_object(bytes: &[u8]) -> Result<Value, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            ScimType::InvalidSyntax,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            ScimType::InvalidSyntax,
            format!(
                "the body must be a JSON object, found {}",
                scim_core::json::json_type(&value)
            ),
        ));
    }
    Ok(value)
}

impl FromRequest<AppState> for ScimJson {
    type Rejection = ApiError;

    async fn from_request(req: Request<Body>, state: &AppState) -> Result<Self, Self::Rejection> {
        let ScimBody(bytes) = ScimBody::from_request(req, state).await?;
        json_object(&bytes).map(ScimJson)
    }
}
