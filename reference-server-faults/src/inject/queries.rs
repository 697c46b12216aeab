//! Faults of queries: how a filter's text is read, which parameters count, how a list is
//! sorted and framed, what `/.search` takes.

use axum::response::Response;
use scim_core::{ScimError, ScimType};
use serde_json::Value;

use super::response::Asked;
use super::{Faults, drop_param, param, scim_error};
use crate::Fault;

/// The request-side rewrites of a query.
pub(super) fn rewrite_request(
    f: &Faults,
    method: &str,
    segs: &[String],
    params: &mut Vec<(String, String)>,
    body: &mut Option<Value>,
) -> Result<(), Box<Response>> {
    if f.on(Fault::SortAdvertisedNotHonoured) && param(params, "sortBy").is_some() {
        return Err(scim_error(ScimError::bad_request(
            ScimType::InvalidValue,
            "sorting is not supported",
        )));
    }
    if let Some(text) = param(params, "filter") {
        let mut changed = text.clone();
        if f.on(Fault::NoPercentDecoding) {
            // The server reads the text as it travelled: still percent-encoded.
            changed = changed.replace('@', "%40").replace('+', "%2B");
        }
        if f.on(Fault::QuotesDropped) {
            changed = changed.replace("\\\"", "");
        }
        if changed != text {
            drop_param(params, "filter");
            params.push(("filter".into(), changed));
        }
    }
    if f.on(Fault::DefaultsUnfiltered)
        && method == "POST"
        && segs.len() == 1
        && segs.first().is_some_and(|s| s == "Users")
        && let Some(b) = body.as_ref()
        && b.get("active").is_none()
        && let Some(name) = b.get("userName").and_then(Value::as_str)
    {
        f.defaulted_users
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(name.to_lowercase());
    }
    if f.on(Fault::SortDescendingIgnored) {
        drop_param(params, "sortOrder");
    }
    if f.on(Fault::WriteIgnoresAttributes) && method != "GET" {
        drop_param(params, "attributes");
        drop_param(params, "excludedAttributes");
    }
    if f.on(Fault::PlainAttributeNamesOnly)
        && let Some(list) = param(params, "attributes")
    {
        let plain: Vec<&str> = list
            .split(',')
            .filter(|a| !a.contains(':') && !a.chars().any(|c| c.is_ascii_uppercase()))
            .collect();
        drop_param(params, "attributes");
        if !plain.is_empty() {
            params.push(("attributes".into(), plain.join(",")));
        }
    }
    if f.on(Fault::SearchIgnoresFilter)
        && method == "POST"
        && segs.last().is_some_and(|s| s == ".search")
        && let Some(Value::Object(b)) = body
    {
        b.remove("filter");
    }
    Ok(())
}

/// The response-side rewrites of a list.
pub(super) fn rewrite_response(f: &Faults, asked: &Asked<'_>, body: &mut Option<Value>) {
    let Some(Value::Object(list)) = body else {
        return;
    };
    let is_list = list.contains_key("Resources");
    if !is_list {
        return;
    }
    if f.on(Fault::NoPagingFields) {
        list.remove("startIndex");
        list.remove("itemsPerPage");
    }
    let Some(Value::Array(resources)) = list.get_mut("Resources") else {
        return;
    };
    if f.on(Fault::DefaultsUnfiltered)
        && param(asked.params, "filter").is_some_and(|t| t.contains("active eq"))
    {
        let defaulted = f
            .defaulted_users
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        resources.retain(|r| {
            r.get("userName")
                .and_then(Value::as_str)
                .is_none_or(|n| !defaulted.contains(&n.to_lowercase()))
        });
        let left = resources.len();
        list.insert("totalResults".into(), left.into());
        list.insert("itemsPerPage".into(), left.into());
        return;
    }
    if f.on(Fault::FirstMemberOnly)
        && let Some(id) = param(asked.params, "filter").and_then(|t| member_value(&t))
    {
        resources.retain(|r| r.pointer("/members/0/value").and_then(Value::as_str) == Some(&id));
    }
    let sort_by = param(asked.params, "sortBy");
    if f.on(Fault::MissingSortFirst)
        && let Some(by) = &sort_by
    {
        let pointer = format!("/{}", by.replace('.', "/"));
        let ascending =
            !param(asked.params, "sortOrder").is_some_and(|o| o.eq_ignore_ascii_case("descending"));
        // Stable: those without the value move to the wrong end.
        resources.sort_by_key(|r| r.pointer(&pointer).is_some() == ascending);
    }
    if f.on(Fault::SortReversed) && sort_by.is_some() {
        resources.reverse();
    }
    if f.on(Fault::SortCaseSensitive) && sort_by.is_some_and(|s| s.eq_ignore_ascii_case("userName"))
    {
        let descending =
            param(asked.params, "sortOrder").is_some_and(|o| o.eq_ignore_ascii_case("descending"));
        resources.sort_by(|a, b| {
            let key = |r: &Value| r.get("userName").and_then(Value::as_str).map(str::to_owned);
            let order = key(a).cmp(&key(b));
            if descending { order.reverse() } else { order }
        });
    }
}

/// The value of a `members.value eq "..."` or `members[value eq "..."]` filter.
fn member_value(filter: &str) -> Option<String> {
    let start = ["members.value eq \"", "members[value eq \""]
        .iter()
        .find_map(|form| filter.find(form).map(|at| at + form.len()))?;
    let rest = &filter[start..];
    Some(rest[..rest.find('"')?].to_owned())
}
