//! Faults of `/Bulk`: what a BulkResponse leaves out, how bulkIds and failures are handled,
//! whether the limits hold.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::response::Asked;
use super::{Faults, walk_objects_mut};
use crate::Fault;

fn is_bulk(segs: &[String]) -> bool {
    segs.first().is_some_and(|s| s == "Bulk")
}

/// The request-side rewrite: bulkId references in operations' data are not resolved.
pub(super) fn rewrite_request(f: &Faults, segs: &[String], body: &mut Option<Value>) {
    if !f.on(Fault::BulkIdsUnresolved) || !is_bulk(segs) {
        return;
    }
    let Some(Value::Array(ops)) = body.as_mut().and_then(|b| b.get_mut("Operations")) else {
        return;
    };
    for op in ops {
        if let Some(data) = op.get_mut("data") {
            literal(data);
        }
    }
}

fn literal(v: &mut Value) {
    match v {
        Value::String(s) => *s = s.replace("bulkId:", "bulkid-literal:"),
        Value::Array(items) => items.iter_mut().for_each(literal),
        Value::Object(o) => o.values_mut().for_each(literal),
        _ => {}
    }
}

/// The response-side rewrites of a BulkResponse.
pub(super) fn rewrite_response(
    f: &Faults,
    asked: &Asked<'_>,
    status: &mut StatusCode,
    body: &mut Option<Value>,
) {
    if !is_bulk(asked.segs) || asked.method != "POST" {
        return;
    }
    if f.on(Fault::BulkLimitsUnenforced) && *status == StatusCode::PAYLOAD_TOO_LARGE {
        *status = StatusCode::OK;
        *body = Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],
            "Operations": [],
        }));
        return;
    }
    let Some(b) = body.as_mut() else { return };
    if f.on(Fault::BulkResultsBare) {
        walk_objects_mut(b, &mut |o| {
            if o.contains_key("method") {
                o.remove("location");
                o.remove("bulkId");
            }
        });
    }
    let Some(Value::Array(results)) = b.get_mut("Operations") else {
        return;
    };
    if f.on(Fault::BulkStopsAtFirstError)
        && let Some(first) = results.iter().position(|r| r.get("response").is_some())
    {
        results.truncate(first + 1);
    }
    if f.on(Fault::BulkCircularDropped) {
        results.retain(|r| r.get("status").and_then(Value::as_str) != Some("409"));
    }
}
