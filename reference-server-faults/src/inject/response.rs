//! The response-side rewrites: what a broken server answers instead.

use axum::http::{HeaderValue, StatusCode, header};
use scim_core::filter::{self, CompValue, CompareOp, Filter};
use scim_core::{ScimError, ScimType};
use serde_json::{Map, Value, json};

use reference_server::list::index_hint;
use reference_server::store::IndexHint;

use super::{Faults, error_body, param, schema_of};
use crate::Fault;

fn resources_mut(body: &mut Value, is_list: bool) -> Vec<&mut Map<String, Value>> {
    if is_list {
        return body
            .get_mut("Resources")
            .and_then(Value::as_array_mut)
            .map(|a| a.iter_mut().filter_map(Value::as_object_mut).collect())
            .unwrap_or_default();
    }
    body.as_object_mut().into_iter().collect()
}

/// What a response rewrite knows about the request.
pub(super) struct Asked<'a> {
    pub(super) method: &'a str,
    pub(super) segs: &'a [String],
    pub(super) params: &'a [(String, String)],
    pub(super) body: Option<&'a Value>,
    /// Whether the request carried an `Authorization` header.
    pub(super) authorized: bool,
}

/// The response-side rewrites.
pub(super) fn rewrite_response(
    f: &Faults,
    asked: &Asked<'_>,
    status: &mut StatusCode,
    headers: &mut axum::http::HeaderMap,
    body: &mut Option<Value>,
) {
    let Asked {
        method,
        segs,
        params,
        body: request_body,
        authorized,
    } = *asked;
    let first = segs.first().map(String::as_str).unwrap_or("");
    let is_list = method == "GET" && segs.len() == 1 && (first == "Users" || first == "Groups");
    let single = segs.len() == 2 && (first == "Users" || first == "Groups") && segs[1] != ".search";
    let code = status.as_u16();

    if f.on(Fault::RateLimitWithoutRetryAfter) && code == 429 {
        headers.remove(axum::http::header::RETRY_AFTER);
    }
    if f.on(Fault::UnknownIdAs200) && method == "GET" && single && code == 404 {
        *status = StatusCode::OK;
        *body = Some(json!({}));
        return;
    }
    if f.on(Fault::SwallowMutability)
        && code == 400
        && body
            .as_ref()
            .and_then(|b| b.get("scimType"))
            .and_then(Value::as_str)
            == Some("mutability")
    {
        *status = StatusCode::OK;
        *body = request_body.cloned();
        return;
    }
    if let Some(b) = body.as_mut() {
        if f.on(Fault::HideInactiveUsers) && first == "Users" {
            if single && method == "GET" && b.get("active") == Some(&Value::Bool(false)) {
                *status = StatusCode::NOT_FOUND;
                *b = error_body(ScimError::not_found("no such user"));
            }
            if is_list && let Some(items) = b.get_mut("Resources").and_then(Value::as_array_mut) {
                let before = items.len();
                items.retain(|u| u.get("active") != Some(&Value::Bool(false)));
                let removed = (before - items.len()) as u64;
                if let Some(t) = b.get("totalResults").and_then(Value::as_u64) {
                    b["totalResults"] = json!(t.saturating_sub(removed));
                }
            }
        }
        if f.on(Fault::CaseSensitiveUserName)
            && is_list
            && let Some(text) = param(params, "filter")
            && let Ok(Filter::Compare {
                path,
                op: CompareOp::Eq,
                value: CompValue::String(want),
            }) = filter::parse(&text)
            && path.matches_name("userName")
        {
            retain_resources(b, |u| {
                u.get("userName").and_then(Value::as_str) == Some(want.as_str())
            });
        }
        if f.on(Fault::CaseInsensitiveExternalId)
            && is_list
            && let Some(text) = param(params, "filter")
            && let Ok(parsed) = filter::parse(&text)
            && let IndexHint::ExternalId(want) = index_hint(&parsed, schema_of(first))
        {
            retain_resources(b, |u| {
                u.get("externalId")
                    .and_then(Value::as_str)
                    .is_some_and(|x| x.eq_ignore_ascii_case(&want))
            });
        }
        if f.on(Fault::LookupFindsNothing)
            && is_list
            && first == "Users"
            && param(params, "filter").is_some()
        {
            b["Resources"] = json!([]);
            b["totalResults"] = json!(0);
            b["itemsPerPage"] = json!(0);
        }
        if f.on(Fault::EmptyListAs404) && is_list && b.get("totalResults") == Some(&json!(0)) {
            *status = StatusCode::NOT_FOUND;
            *b = error_body(ScimError::not_found("nothing found"));
        }
        if f.on(Fault::RefuseBeyondEnd)
            && is_list
            && b.get("Resources")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
            && b.get("totalResults")
                .and_then(Value::as_u64)
                .is_some_and(|t| t > 0)
            && param(params, "count") != Some("0".into())
        {
            *status = StatusCode::BAD_REQUEST;
            *b = error_body(ScimError::bad_request(
                ScimType::InvalidValue,
                "startIndex is past the end",
            ));
        }
        if is_list && *status == StatusCode::OK {
            if f.on(Fault::TotalIsPageSize) {
                let n = b
                    .get("Resources")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                b["totalResults"] = json!(n);
            }
            if f.on(Fault::ItemsPerPageIsCount)
                && let Some(c) = param(params, "count").and_then(|c| c.parse::<u64>().ok())
            {
                b["itemsPerPage"] = json!(c);
            }
            if f.on(Fault::CountsAsStrings) {
                for k in ["totalResults", "startIndex", "itemsPerPage"] {
                    if let Some(n) = b.get(k).and_then(Value::as_u64) {
                        b[k] = json!(n.to_string());
                    }
                }
            }
            if f.on(Fault::LowercaseResources)
                && let Some(o) = b.as_object_mut()
                && let Some(r) = o.remove("Resources")
            {
                o.insert("resources".into(), r);
            }
        }
        if f.on(Fault::ExcludableId)
            && param(params, "excludedAttributes")
                .is_some_and(|e| e.split(',').any(|a| a.trim().eq_ignore_ascii_case("id")))
        {
            for r in resources_mut(b, is_list) {
                r.remove("id");
            }
        }
        let users = first == "Users";
        for r in resources_mut(b, is_list) {
            if f.on(Fault::NoId) {
                r.remove("id");
            }
            if f.on(Fault::NoMeta) {
                r.remove("meta");
            }
            if users && r.contains_key("userName") {
                if f.on(Fault::ReturnsPassword) {
                    r.insert("password".into(), json!("hunter2"));
                }
                if f.on(Fault::NoNames) {
                    r.remove("name");
                }
                if f.on(Fault::EmailsNotArray)
                    && let Some(first_email) = r.get("emails").and_then(|e| e.get(0)).cloned()
                {
                    r.insert("emails".into(), first_email);
                }
            }
            if f.on(Fault::VersionMismatch)
                && let Some(m) = r.get_mut("meta").and_then(Value::as_object_mut)
            {
                m.insert("version".into(), json!("W/\"mismatch\""));
            }
            if f.on(Fault::ConstantEtag)
                && let Some(m) = r.get_mut("meta").and_then(Value::as_object_mut)
            {
                m.insert("version".into(), json!("W/\"1\""));
            }
            if f.on(Fault::FrozenLastModified)
                && let Some(m) = r.get_mut("meta").and_then(Value::as_object_mut)
                && let Some(created) = m.get("created").cloned()
            {
                m.insert("lastModified".into(), created);
            }
            let projected = param(params, "attributes").is_some()
                || param(params, "excludedAttributes").is_some();
            if f.on(Fault::ResourcesWithoutSchemas)
                || (f.on(Fault::ProjectedWithoutSchemas) && projected)
            {
                r.remove("schemas");
            }
        }
        if code >= 400 || status.as_u16() >= 400 {
            if f.on(Fault::ErrorStatusAsNumber)
                && let Some(s) = b
                    .get("status")
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse::<u16>().ok())
            {
                b["status"] = json!(s);
            }
            if f.on(Fault::LeakDatabaseError) && code == 409 {
                b["detail"] = json!(
                    "ERROR: duplicate key value violates unique constraint \"users_username_key\" (SQLSTATE 23505)"
                );
            }
            if f.on(Fault::ErrorsWithoutScimType)
                && let Some(o) = b.as_object_mut()
            {
                o.remove("scimType");
            }
            if f.on(Fault::ErrorScimTypeNull) && b.get("scimType").is_some() {
                b["scimType"] = json!("null");
            }
            if f.on(Fault::ErrorBodyNotScim) {
                let detail = b.get("detail").cloned().unwrap_or(Value::Null);
                *b = json!({"error": {"code": status.as_u16(), "message": detail}});
            }
        }
    }
    if f.on(Fault::NoChallengeForWrongToken) && authorized && *status == StatusCode::UNAUTHORIZED {
        headers.remove(header::WWW_AUTHENTICATE);
    }
    if f.on(Fault::ConstantEtag) && headers.contains_key(header::ETAG) {
        headers.insert(header::ETAG, HeaderValue::from_static("W/\"1\""));
    }
    if f.on(Fault::ConflictAs400) && *status == StatusCode::CONFLICT {
        *status = StatusCode::BAD_REQUEST;
        if let Some(b) = body.as_mut() {
            b["status"] = json!("400");
        }
    }
    if f.on(Fault::ClientErrorsAs500)
        && status.is_client_error()
        && *status != StatusCode::UNAUTHORIZED
    {
        *status = StatusCode::INTERNAL_SERVER_ERROR;
        if let Some(b) = body.as_mut() {
            b["status"] = json!("500");
        }
    }
    let collection_post =
        method == "POST" && segs.len() == 1 && (first == "Users" || first == "Groups");
    if f.on(Fault::RedirectCreates) && collection_post {
        *status = StatusCode::FOUND;
        *body = None;
        if let Ok(v) = HeaderValue::from_str(&format!("/scim/v2/{first}/")) {
            headers.insert(header::LOCATION, v);
        }
        headers.remove(header::CONTENT_TYPE);
        return;
    }
    if collection_post && *status == StatusCode::CREATED {
        if f.on(Fault::NoLocation) {
            headers.remove(header::LOCATION);
        }
        if f.on(Fault::EmptyCreateBody) && first == "Users" {
            *body = None;
        }
        if f.on(Fault::CreateAnswers200) {
            *status = StatusCode::OK;
        }
    }
    if f.on(Fault::PatchAnswers202) && method == "PATCH" && status.is_success() {
        *status = StatusCode::ACCEPTED;
    }
    if f.on(Fault::DeleteAnswers200) && method == "DELETE" && *status == StatusCode::NO_CONTENT {
        *status = StatusCode::OK;
    }
    if f.on(Fault::JsonMediaType) && headers.contains_key(header::CONTENT_TYPE) {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
}

/// Keeps the list's resources that `keep` accepts, as if the server had found only those.
fn retain_resources(body: &mut Value, keep: impl Fn(&Value) -> bool) {
    if let Some(items) = body.get_mut("Resources").and_then(Value::as_array_mut) {
        items.retain(keep);
        let n = items.len();
        body["totalResults"] = json!(n);
        body["itemsPerPage"] = json!(n);
    }
}
