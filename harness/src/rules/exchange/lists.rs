//! Query responses: the ListResponse envelope (RFC 7644 §3.4.2) and Okta's integer counts.

use scim_core::urn;
use serde_json::Value;

use super::{Verdict, View, broken, short};

/// `R7644-3.4.2-list-envelope`: Query responses are ListResponses with an integer totalResults and a `Resources` array.
pub fn list_envelope(v: &View<'_>) -> Verdict {
    if !v.is_query() || v.status != 200 {
        return None;
    }
    let Some(body) = v.body.and_then(Value::as_object) else {
        return Some(Err(broken(
            "the query response is not a JSON object",
            "a ListResponse",
            v.instead_of_an_object(),
        )));
    };
    let listed = body
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|u| u.as_str().is_some_and(|u| urn::eq(u, urn::LIST_RESPONSE)))
        });
    if !listed {
        return Some(Err(broken(
            "the query response does not name the ListResponse schema",
            format!("\"schemas\": [\"{}\"]", urn::LIST_RESPONSE),
            short(body.get("schemas").unwrap_or(&Value::Null)),
        )));
    }
    let Some(total) = body.get("totalResults").and_then(Value::as_u64) else {
        return Some(Err(broken(
            "totalResults is missing or not a non-negative integer",
            "an integer totalResults",
            short(body.get("totalResults").unwrap_or(&Value::Null)),
        )));
    };
    if body.contains_key("resources") && !body.contains_key("Resources") {
        return Some(Err(broken(
            "the resources are under \"resources\"",
            "\"Resources\" (capital R)",
            "\"resources\"",
        )));
    }
    // A request for no resources (count=0, or negative, which RFC 7644 §3.4.2.4 says
    // means 0) may get totalResults alone.
    let asked_none = v.count.is_some_and(|c| c <= 0);
    if total > 0 && !asked_none && !body.get("Resources").is_some_and(Value::is_array) {
        return Some(Err(broken(
            "totalResults is positive but there is no Resources array",
            "a \"Resources\" array",
            "none",
        )));
    }
    Some(Ok(()))
}

/// `okta.list.integer-counts`: totalResults, startIndex and itemsPerPage are JSON integers.
pub fn integer_counts(v: &View<'_>) -> Verdict {
    if !v.is_query() || v.status != 200 {
        return None;
    }
    let body = v.body?.as_object()?;
    for k in ["totalResults", "startIndex", "itemsPerPage"] {
        match body.get(k) {
            Some(n) if n.is_u64() => {}
            other => {
                return Some(Err(broken(
                    format!("{k} is not an integer"),
                    format!("an integer {k}"),
                    other.map_or("absent".to_owned(), short),
                )));
            }
        }
    }
    Some(Ok(()))
}
