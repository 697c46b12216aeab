//! Query responses: the ListResponse envelope (RFC 7644 §3.4.2) and Okta's integer counts.

use scim_core::filter::{self, CompValue, CompareOp, Filter};
use scim_core::{text, urn};
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

/// `okta.lookup.only-the-user-asked-for`: Okta's `userName eq` lookup answers only users with
/// that userName (ignoring case, RFC 7643 §4.1.1). A server that ignores or misapplies the
/// filter answers others, and whichever Okta takes, the link is a guess.
pub fn lookup_only_matches(v: &View<'_>) -> Verdict {
    if v.method != "GET" || !v.is_users() || !v.is_query() || v.status != 200 {
        return None;
    }
    let params: Vec<(String, String)> = form_urlencoded::parse(v.query.as_bytes())
        .into_owned()
        .collect();
    let (_, filter) = params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("filter"))?;
    // With `attributes` or `excludedAttributes`, a resource may come without its userName.
    let projected = params.iter().any(|(k, _)| {
        k.eq_ignore_ascii_case("attributes") || k.eq_ignore_ascii_case("excludedAttributes")
    });
    let Ok(Filter::Compare {
        path,
        op: CompareOp::Eq,
        value: CompValue::String(asked),
    }) = filter::parse(filter)
    else {
        return None;
    };
    let user_name = path.sub.is_none()
        && path.name.eq_ignore_ascii_case("userName")
        && path.urn.as_deref().is_none_or(|u| urn::eq(u, urn::USER));
    if !user_name {
        return None;
    }
    let resources = v.body?.get("Resources")?.as_array()?;
    let others: Vec<String> = resources
        .iter()
        .filter_map(|r| match r.get("userName").and_then(Value::as_str) {
            Some(n) if text::eq(n, &asked, false) => None,
            Some(n) => Some(format!("{n:?}")),
            None if projected => None,
            None => Some("a user without userName".to_owned()),
        })
        .collect();
    if others.is_empty() {
        return Some(Ok(()));
    }
    let shown: Vec<&str> = others.iter().take(3).map(String::as_str).collect();
    Some(Err(broken(
        format!(
            "the lookup for userName {asked:?} answered {} other user(s): the filter was ignored \
             or misapplied, so Okta cannot tell which account is the one it asked for",
            others.len()
        ),
        format!("only users whose userName is {asked:?}, ignoring case"),
        format!(
            "{}{}",
            shown.join(", "),
            if others.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        ),
    )))
}
