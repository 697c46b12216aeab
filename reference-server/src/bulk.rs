//! `POST /Bulk` (RFC 7644 §3.7): several writes in one request.
//!
//! Fivetran documents no Bulk endpoint, and Okta never sends one; the reference server
//! implements it (on by default, `maxOperations` 0 turns it off) so that the harness's Bulk
//! rules are proven against a real implementation. Each operation is sent through this very
//! server's routes, as a request of its own carrying the BulkRequest's credentials, so it is
//! checked and answered exactly as it would be alone.
//!
//! - `bulkId:<id>` anywhere in an operation's path or data is replaced by the id the POST
//!   with that `bulkId` created. An operation waits for the ones it refers to, whatever their
//!   order; references that can never be resolved (circular, or naming no POST's `bulkId`)
//!   fail with `409`, as §3.7.1 allows after a failed attempt.
//! - Processing goes on after a failed operation until `failOnErrors` errors have occurred;
//!   the response holds the result of every processed operation.
//! - Over `maxOperations` or `maxPayloadSize`, the request is refused with `413`, naming the
//!   limit (§3.7.4).

use std::collections::HashMap;

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use axum::response::Response;
use scim_core::{ScimError, ScimType};
use serde_json::{Map, Value, json};
use tower::ServiceExt;

use crate::error::ApiError;
use crate::extract::ScimJson;
use crate::respond;
use crate::state::AppState;

const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const BULK_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
const REFERENCE: &str = "bulkId:";

/// One operation of a BulkRequest, as read.
struct Operation {
    method: Method,
    path: String,
    bulk_id: Option<String>,
    data: Option<Value>,
}

/// `POST /Bulk`.
pub async fn process(
    State(state): State<AppState>,
    headers: HeaderMap,
    ScimJson(request): ScimJson,
) -> Result<Response, ApiError> {
    let limits = state.settings().bulk;
    if limits.max_operations == 0 {
        return Err(crate::not_implemented().await);
    }
    let schemas_ok = request
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|u| u.as_str() == Some(BULK_REQUEST)));
    if !schemas_ok {
        return Err(ApiError(ScimError::bad_request(
            ScimType::InvalidSyntax,
            format!("the body's schemas must contain \"{BULK_REQUEST}\""),
        )));
    }
    let Some(raw) = request.get("Operations").and_then(Value::as_array) else {
        return Err(ApiError(ScimError::bad_request(
            ScimType::InvalidSyntax,
            "a BulkRequest needs an \"Operations\" array",
        )));
    };
    if raw.len() > limits.max_operations {
        return Err(too_large(format!(
            "the BulkRequest holds {} operations; maxOperations is {}",
            raw.len(),
            limits.max_operations
        )));
    }
    // The body was read under the server's own limits; its size is measured as JSON.
    let size = serde_json::to_vec(&request).map_or(0, |b| b.len());
    if size > limits.max_payload_size {
        return Err(too_large(format!(
            "the BulkRequest is {size} bytes; maxPayloadSize is {}",
            limits.max_payload_size
        )));
    }
    let fail_on_errors = match request.get("failOnErrors") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::invalid_value("failOnErrors must be a whole number of at least 1")
        })?),
    };
    let ops = raw
        .iter()
        .enumerate()
        .map(|(i, op)| read_operation(i, op))
        .collect::<Result<Vec<_>, _>>()?;
    let results = run(&state, &headers, &ops, fail_on_errors).await;
    let body = json!({"schemas": [BULK_RESPONSE], "Operations": results});
    Ok(respond::json(StatusCode::OK, &body))
}

fn too_large(detail: String) -> ApiError {
    ApiError(ScimError::new(413, detail))
}

fn read_operation(i: usize, op: &Value) -> Result<Operation, ApiError> {
    let at = |what: &str| ApiError::invalid_value(format!("operation {}: {what}", i + 1));
    let method = match op.get("method").and_then(Value::as_str) {
        Some(m) if m.eq_ignore_ascii_case("POST") => Method::POST,
        Some(m) if m.eq_ignore_ascii_case("PUT") => Method::PUT,
        Some(m) if m.eq_ignore_ascii_case("PATCH") => Method::PATCH,
        Some(m) if m.eq_ignore_ascii_case("DELETE") => Method::DELETE,
        _ => return Err(at("method must be POST, PUT, PATCH or DELETE")),
    };
    let path = op
        .get("path")
        .and_then(Value::as_str)
        .filter(|p| p.starts_with("/Users") || p.starts_with("/Groups"))
        .ok_or_else(|| at("path must name /Users or /Groups"))?
        .to_owned();
    let bulk_id = op.get("bulkId").and_then(Value::as_str).map(str::to_owned);
    if method == Method::POST && bulk_id.is_none() {
        return Err(at("a POST needs a bulkId"));
    }
    Ok(Operation {
        method,
        path,
        bulk_id,
        data: op.get("data").cloned(),
    })
}

/// The characters a bulkId reference is read with (`bulkId:` then these).
fn id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// The bulkIds an operation refers to (`bulkId:<id>` in its path or data).
fn references(op: &Operation) -> Vec<String> {
    let mut out = Vec::new();
    let mut scan = |s: &str| {
        for (at, _) in s.match_indices(REFERENCE) {
            let id: String = s[at + REFERENCE.len()..]
                .chars()
                .take_while(|c| id_char(*c))
                .collect();
            if !id.is_empty() {
                out.push(id);
            }
        }
    };
    scan(&op.path);
    if let Some(d) = &op.data {
        strings(d, &mut scan);
    }
    out
}

fn strings(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|i| strings(i, f)),
        Value::Object(o) => o.values().for_each(|v| strings(v, f)),
        _ => {}
    }
}

/// Replaces each whole `bulkId:<id>` reference by the id it names (`bulkId:u` is not a part of
/// `bulkId:u2`).
fn substitute(s: &str, ids: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(REFERENCE) {
        out.push_str(&rest[..at]);
        let after = &rest[at + REFERENCE.len()..];
        let len = after
            .char_indices()
            .find(|(_, c)| !id_char(*c))
            .map_or(after.len(), |(i, _)| i);
        match ids.get(&after[..len]) {
            Some(id) => out.push_str(id),
            None => out.push_str(&rest[at..at + REFERENCE.len() + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

fn substitute_value(v: &Value, ids: &HashMap<String, String>) -> Value {
    match v {
        Value::String(s) => Value::String(substitute(s, ids)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| substitute_value(i, ids)).collect())
        }
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), substitute_value(v, ids)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// Processes the operations: each when every bulkId it refers to is resolved, until
/// `fail_on_errors` errors; the results in the operations' order.
async fn run(
    state: &AppState,
    headers: &HeaderMap,
    ops: &[Operation],
    fail_on_errors: Option<u64>,
) -> Vec<Value> {
    let defined: Vec<&str> = ops.iter().filter_map(|o| o.bulk_id.as_deref()).collect();
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut results: Vec<Option<Value>> = vec![None; ops.len()];
    let mut pending: Vec<usize> = (0..ops.len()).collect();
    let mut errors = 0u64;
    let router = crate::app(state.clone());
    'passes: while !pending.is_empty() {
        let mut progressed = false;
        for i in pending.clone() {
            let op = &ops[i];
            let refs = references(op);
            let unknown = refs.iter().find(|r| !defined.contains(&r.as_str()));
            let result = if let Some(r) = unknown {
                failed(
                    op,
                    400,
                    Some(ScimType::InvalidValue),
                    format!("no operation has bulkId {r:?}"),
                )
            } else if refs.iter().all(|r| ids.contains_key(r)) {
                execute(&router, headers, op, &mut ids).await
            } else {
                continue;
            };
            if result.get("response").is_some() {
                errors += 1;
            }
            results[i] = Some(result);
            pending.retain(|p| *p != i);
            progressed = true;
            if fail_on_errors.is_some_and(|limit| errors >= limit) {
                break 'passes;
            }
        }
        if !progressed {
            // Every operation left waits for another that waits too: circular references,
            // given up on after this attempt (§3.7.1).
            for i in std::mem::take(&mut pending) {
                results[i] = Some(failed(
                    &ops[i],
                    409,
                    None,
                    "circular bulkId references could not be resolved".to_owned(),
                ));
            }
        }
    }
    results.into_iter().flatten().collect()
}

/// A result for an operation that was not sent.
fn failed(op: &Operation, status: u16, kind: Option<ScimType>, detail: String) -> Value {
    let mut r = result_head(op);
    r.insert("status".into(), json!(status.to_string()));
    let mut error = ScimError::new(status, detail);
    error.scim_type = kind;
    r.insert(
        "response".into(),
        serde_json::to_value(error).unwrap_or_default(),
    );
    Value::Object(r)
}

fn result_head(op: &Operation) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("method".into(), json!(op.method.as_str()));
    if let Some(b) = &op.bulk_id {
        r.insert("bulkId".into(), json!(b));
    }
    r
}

/// Sends one operation through the server's own routes, and reads its answer into a result.
async fn execute(
    router: &axum::Router,
    headers: &HeaderMap,
    op: &Operation,
    ids: &mut HashMap<String, String>,
) -> Value {
    let path = substitute(&op.path, ids);
    let mut builder = Request::builder()
        .method(op.method.clone())
        .uri(format!("{}{path}", crate::SCIM_PREFIX))
        .header(header::CONTENT_TYPE, "application/scim+json");
    for name in [header::AUTHORIZATION, header::HOST] {
        if let Some(v) = headers.get(&name) {
            builder = builder.header(name, v.clone());
        }
    }
    let body = op
        .data
        .as_ref()
        .map(|d| serde_json::to_vec(&substitute_value(d, ids)).unwrap_or_default())
        .unwrap_or_default();
    let Ok(request) = builder.body(Body::from(body)) else {
        return failed(
            op,
            400,
            Some(ScimType::InvalidPath),
            format!("cannot send to {path:?}"),
        );
    };
    let answer = match router.clone().oneshot(request).await {
        Ok(answer) => answer,
        Err(never) => match never {},
    };
    let status = answer.status();
    let location = answer
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let version = answer
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = to_bytes(answer.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let json: Option<Value> = serde_json::from_slice(&bytes).ok();
    let mut r = result_head(op);
    let success = status.is_success();
    let location = location.or_else(|| {
        json.as_ref()
            .and_then(|j| j.pointer("/meta/location"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    if success
        && op.method == Method::POST
        && let (Some(b), Some(id)) = (
            &op.bulk_id,
            json.as_ref()
                .and_then(|j| j.get("id"))
                .and_then(Value::as_str),
        )
    {
        ids.insert(b.clone(), id.to_owned());
    }
    // A failed POST has no location; every other operation names its resource.
    match location {
        Some(l) if success || op.method != Method::POST => {
            r.insert("location".into(), json!(l));
        }
        None if op.method != Method::POST => {
            r.insert("location".into(), json!(path));
        }
        _ => {}
    }
    if let Some(v) = version {
        r.insert("version".into(), json!(v));
    }
    r.insert("status".into(), json!(status.as_u16().to_string()));
    if !success {
        r.insert("response".into(), json.unwrap_or_else(|| json!({})));
    }
    Value::Object(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_replaced_whole_and_only_when_known() {
        let ids: HashMap<String, String> = [("u", "id-u"), ("u2", "id-u2")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(
            substitute("/Groups/bulkId:u2 and bulkId:u, bulkId:x", &ids),
            "/Groups/id-u2 and id-u, bulkId:x"
        );
        assert_eq!(substitute("no reference", &ids), "no reference");
        assert_eq!(substitute("bulkId:", &ids), "bulkId:");
    }
}
