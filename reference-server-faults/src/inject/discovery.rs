//! Faults of the discovery endpoints: what they list, what they advertise, whether they can
//! be written.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::Faults;
use super::response::Asked;
use crate::Fault;

const DISCOVERY: [&str; 3] = ["ServiceProviderConfig", "Schemas", "ResourceTypes"];

/// Writes the discovery endpoints take, as if they could be written.
pub(super) fn refuse(f: &Faults, method: &str, segs: &[String]) -> Result<(), Box<Response>> {
    let first = segs.first().map(String::as_str).unwrap_or("");
    if f.on(Fault::DiscoveryWritable) && method != "GET" && DISCOVERY.contains(&first) {
        return Err(Box::new(
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/scim+json")
                .body(axum::body::Body::from("{}"))
                .unwrap_or_default(),
        ));
    }
    Ok(())
}

/// What the discovery endpoints answer instead.
pub(super) fn rewrite(f: &Faults, asked: &Asked<'_>, body: &mut Option<Value>) {
    let first = asked.segs.first().map(String::as_str).unwrap_or("");
    let Some(b) = body.as_mut() else { return };
    if asked.method != "GET" {
        return;
    }
    if f.on(Fault::MessageSchemasListed)
        && first == "Schemas"
        && asked.segs.len() == 1
        && let Some(Value::Array(resources)) = b.get_mut("Resources")
    {
        resources.push(json!({
            "schemas": [scim_core::urn::SCHEMA],
            "id": scim_core::urn::PATCH_OP,
            "name": "PatchOp",
            "attributes": [],
        }));
        let n = resources.len();
        b["totalResults"] = json!(n);
        b["itemsPerPage"] = json!(n);
    }
    if f.on(Fault::SchemaAttributesWithoutType) && first == "Schemas" {
        let mut strip = |schema: &mut Value| {
            if let Some(Value::Array(attrs)) = schema.get_mut("attributes") {
                for a in attrs.iter_mut().filter_map(Value::as_object_mut) {
                    a.remove("type");
                }
            }
        };
        match b.get_mut("Resources") {
            Some(Value::Array(all)) => all.iter_mut().for_each(&mut strip),
            _ => strip(b),
        }
    }
    if f.on(Fault::SpcWithoutLimits) && first == "ServiceProviderConfig" {
        for (member, limits) in [
            ("bulk", &["maxOperations", "maxPayloadSize"][..]),
            ("filter", &["maxResults"][..]),
        ] {
            if let Some(Value::Object(o)) = b.get_mut(member) {
                for l in limits {
                    o.remove(*l);
                }
            }
        }
    }
}
