//! Success responses and entity-tags (RFC 7644 §3.14).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use scim_core::ScimError;
use scim_core::projection::Projection;
use scim_core::schema::ResourceSchema;
use serde_json::Value;

use crate::error::{ApiError, SCIM_JSON};
use crate::extract::Preconditions;

/// The entity-tag of a resource version. Weak, because representations vary with
/// `attributes` and `excludedAttributes`.
pub fn etag(version: u64) -> String {
    // Written digit by digit: two tags per response, and `format!` was a visible share of
    // a GET.
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = version;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut tag = String::with_capacity(25);
    tag.push_str("W/\"");
    tag.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
    tag.push('"');
    tag
}

/// Whether an `If-Match`/`If-None-Match` header value names `current`: `*`, or a list of
/// tags compared weakly (the `W/` prefix ignored, as SCIM's examples need).
fn names_tag(header_value: &str, current: &str) -> bool {
    let strip = |t: &str| {
        t.trim()
            .trim_start_matches("W/")
            .trim_start_matches("w/")
            .to_owned()
    };
    let current = strip(current);
    header_value
        .split(',')
        .any(|t| t.trim() == "*" || strip(t) == current)
}

/// `If-Match`: when present and not naming the current version, 412 (and nothing changes).
pub fn check_if_match(pre: &Preconditions, version: u64) -> Result<(), ApiError> {
    let Some(v) = &pre.if_match else {
        return Ok(());
    };
    let v = v.to_str().unwrap_or("");
    if names_tag(v, &etag(version)) {
        Ok(())
    } else {
        Err(ApiError(ScimError::precondition_failed(format!(
            "If-Match {v:?} does not match the current version {}",
            etag(version)
        ))))
    }
}

/// `If-None-Match` on a GET: when the client's copy is current, the 304 to answer.
pub fn not_modified(pre: &Preconditions, version: u64) -> Option<Response> {
    pre.if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| names_tag(v, &etag(version)))
        .then(|| unchanged(version))
}

/// A JSON body with the SCIM media type, serialised straight from `body` (no intermediate
/// `Value` tree).
pub fn json(status: StatusCode, body: &impl serde::Serialize) -> Response {
    // A user is about 700 bytes: one allocation, not four growing ones.
    let mut bytes = Vec::with_capacity(1024);
    if serde_json::to_writer(&mut bytes, body).is_err() {
        bytes.clear();
    }
    let mut r = (status, bytes).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    r
}

/// A resource: its body, `ETag`, and for a create, `Location`.
fn resource(
    status: StatusCode,
    body: &impl serde::Serialize,
    version: u64,
    location: Option<&str>,
) -> Response {
    let mut r = json(status, body);
    if let Ok(tag) = HeaderValue::try_from(etag(version)) {
        r.headers_mut().insert(header::ETAG, tag);
    }
    if let Some(loc) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        r.headers_mut().insert(header::LOCATION, loc);
    }
    r
}

/// A resource as the client asked to see it: `projection` (`attributes`,
/// `excludedAttributes`) applied to its full representation, with its `ETag`, and for a
/// create the `Location` (equal to `meta.location`).
///
/// Without a projection the typed document `doc` is serialised as it is (every attribute a
/// resource here has is returned by default, so the default projection keeps it whole); with
/// one, it is made a map to cut.
pub fn projected(
    status: StatusCode,
    doc: &impl serde::Serialize,
    schema: &ResourceSchema,
    version: u64,
    location: Option<&str>,
    projection: &Projection,
) -> Response {
    if projection.is_default() {
        resource(status, doc, version, location)
    } else {
        let body = Value::Object(projection.apply(crate::render::to_map(doc), schema));
        resource(status, &body, version, location)
    }
}

/// 304 Not Modified, with the current `ETag` and no body.
fn unchanged(version: u64) -> Response {
    let mut r = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(tag) = HeaderValue::from_str(&etag(version)) {
        r.headers_mut().insert(header::ETAG, tag);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_compare_weakly_and_in_lists() {
        assert!(names_tag("W/\"3\"", "W/\"3\""));
        assert!(names_tag("\"3\"", "W/\"3\""));
        assert!(names_tag("\"1\", W/\"3\"", "W/\"3\""));
        assert!(names_tag("*", "W/\"3\""));
        assert!(!names_tag("W/\"2\"", "W/\"3\""));
    }

    #[test]
    fn tags_are_weak_and_decimal() {
        for v in [0, 7, 10, 1234567890, u64::MAX] {
            assert_eq!(etag(v), format!("W/\"{v}\""));
        }
    }
}
