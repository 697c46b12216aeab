//! The request-side rewrites: what a broken server ignores, refuses or misreads.

use axum::http::{HeaderValue, header};
use axum::response::Response;
use scim_core::filter::{self, AttrPath, CompValue, CompareOp, Filter};
use scim_core::{ScimError, ScimType};
use serde_json::{Value, json};

use reference_server::list::index_hint;
use reference_server::store::IndexHint;

use super::{Faults, drop_param, int, param, schema_of, scim_error, walk_objects_mut};
use crate::Fault;

/// Rewrites a filter's tree.
fn map_filter(f: Filter, g: &dyn Fn(Filter) -> Filter) -> Filter {
    let f = match f {
        Filter::And(items) => Filter::And(items.into_iter().map(|i| map_filter(i, g)).collect()),
        Filter::Or(items) => Filter::Or(items.into_iter().map(|i| map_filter(i, g)).collect()),
        Filter::Not(inner) => Filter::Not(Box::new(map_filter(*inner, g))),
        Filter::ValuePath { path, filter } => Filter::ValuePath {
            path,
            filter: Box::new(map_filter(*filter, g)),
        },
        other => other,
    };
    g(f)
}

fn any_path(f: &Filter, p: &dyn Fn(&AttrPath) -> bool) -> bool {
    match f {
        Filter::Compare { path, .. } | Filter::Present(path) => p(path),
        Filter::ValuePath { path, filter } => p(path) || any_path(filter, p),
        Filter::And(items) | Filter::Or(items) => items.iter().any(|i| any_path(i, p)),
        Filter::Not(inner) => any_path(inner, p),
    }
}

fn prefix_paths(f: Filter, parent: &AttrPath) -> Filter {
    map_filter(f, &|f| match f {
        Filter::Compare { path, op, value } if path.urn.is_none() && path.sub.is_none() => {
            Filter::Compare {
                path: AttrPath::with_sub(parent.name.clone(), path.name),
                op,
                value,
            }
        }
        Filter::Present(path) if path.urn.is_none() && path.sub.is_none() => {
            Filter::Present(AttrPath::with_sub(parent.name.clone(), path.name))
        }
        other => other,
    })
}

/// The request-side rewrites. `Err` short-circuits with a response.
pub(super) fn rewrite_request(
    f: &Faults,
    method: &str,
    segs: &[String],
    params: &mut Vec<(String, String)>,
    headers: &mut axum::http::HeaderMap,
    body: &mut Option<Value>,
) -> Result<(), Box<Response>> {
    let first = segs.first().map(String::as_str).unwrap_or("");
    if f.on(Fault::NoServiceProviderConfig) && first == "ServiceProviderConfig"
        || f.on(Fault::NoSchemas) && first == "Schemas"
        || f.on(Fault::NoResourceTypes) && first == "ResourceTypes"
    {
        return Err(scim_error(ScimError::not_found("not here")));
    }
    if f.on(Fault::AcceptAnyToken) {
        let token = f.state.settings().token.clone();
        if let Ok(v) = HeaderValue::from_str(&format!("Bearer {token}")) {
            headers.insert(header::AUTHORIZATION, v);
        }
    }
    if f.on(Fault::OldTokenStillWorks) {
        let current = f.state.settings().token.clone();
        let sent_first = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == format!("Bearer {}", f.first_token));
        if sent_first
            && current != f.first_token
            && let Ok(v) = HeaderValue::from_str(&format!("Bearer {current}"))
        {
            headers.insert(header::AUTHORIZATION, v);
        }
    }
    if f.on(Fault::IgnoreScimToggle) && !f.state.settings().scim_enabled {
        f.state.settings_mut().scim_enabled = true;
    }
    if f.on(Fault::UsernameMustEqualEmail) && !f.state.settings().require_username_email {
        f.state.settings_mut().require_username_email = true;
    }
    // The plan may change at run time (the admin API, a scenario's step): the write lock is
    // taken only when there is something to undo.
    if f.on(Fault::IgnorePlan) && !f.state.settings().plan.allows_scim() {
        f.state.settings_mut().plan = reference_server::Plan::Enterprise;
    }
    if f.on(Fault::IgnoreIfNoneMatch) {
        headers.remove(header::IF_NONE_MATCH);
    }
    if f.on(Fault::IgnoreIfMatch) {
        headers.remove(header::IF_MATCH);
    }
    if f.on(Fault::RefuseTestCredentials)
        && method == "GET"
        && first == "Users"
        && segs.len() == 1
        && int(params, "count") == Some(2)
    {
        return Err(scim_error(ScimError::internal("cannot list users")));
    }
    if f.on(Fault::RefuseLowStartIndex) && int(params, "startIndex").is_some_and(|s| s < 1) {
        return Err(scim_error(ScimError::bad_request(
            ScimType::InvalidValue,
            "startIndex must be at least 1",
        )));
    }
    if f.on(Fault::RefuseNegativeCount) && int(params, "count").is_some_and(|c| c < 0) {
        return Err(scim_error(ScimError::bad_request(
            ScimType::InvalidValue,
            "count must not be negative",
        )));
    }
    if f.on(Fault::ZeroBasedStartIndex)
        && let Some(s) = int(params, "startIndex")
    {
        drop_param(params, "startIndex");
        params.push(("startIndex".into(), (s + 1).to_string()));
    }
    if f.on(Fault::IgnoreCountZero) && int(params, "count") == Some(0) {
        drop_param(params, "count");
    }
    if f.on(Fault::IgnoreCount) {
        drop_param(params, "count");
    }
    if f.on(Fault::IgnoreAttributes) {
        drop_param(params, "attributes");
    }
    if f.on(Fault::IgnoreExcludedAttributes) {
        drop_param(params, "excludedAttributes");
    }
    if let Some(text) = param(params, "filter") {
        if f.on(Fault::IgnoreFilter) {
            drop_param(params, "filter");
        } else if f.on(Fault::CaseSensitiveOperators) && regex_like_upper(&text) {
            return Err(scim_error(ScimError::bad_request(
                ScimType::InvalidFilter,
                "operators must be lower case",
            )));
        } else if let Ok(parsed) = filter::parse(&text) {
            if f.on(Fault::RefuseQualifiedPaths)
                && any_path(&parsed, &|p| p.urn.is_some() || p.sub.is_some())
            {
                return Err(scim_error(ScimError::bad_request(
                    ScimType::InvalidFilter,
                    "only plain attribute names are supported",
                )));
            }
            if f.on(Fault::UnknownAttributeIgnored)
                && any_path(&parsed, &|p| schema_of(first).resolve(p).is_err())
            {
                drop_param(params, "filter");
                return Ok(());
            }
            let mut rewritten = parsed.clone();
            if f.on(Fault::OrBindsTighter) {
                rewritten = map_filter(rewritten, &|f| match f {
                    Filter::Or(mut items) if matches!(items.first(), Some(Filter::And(_))) => {
                        let Filter::And(mut ands) = items.remove(0) else {
                            unreachable!()
                        };
                        let last = ands.pop().unwrap_or(Filter::Present(AttrPath::new("id")));
                        let mut ors = vec![last];
                        ors.extend(items);
                        ands.push(Filter::Or(ors));
                        Filter::And(ands)
                    }
                    other => other,
                });
            }
            if f.on(Fault::SubstringAsEq) {
                rewritten = map_filter(rewritten, &|f| match f {
                    Filter::Compare {
                        path,
                        op: CompareOp::Co | CompareOp::Sw | CompareOp::Ew,
                        value,
                    } => Filter::Compare {
                        path,
                        op: CompareOp::Eq,
                        value,
                    },
                    other => other,
                });
            }
            if f.on(Fault::NeAsEq) || f.on(Fault::OrderingReversed) {
                let (ne, reversed) = (f.on(Fault::NeAsEq), f.on(Fault::OrderingReversed));
                rewritten = map_filter(rewritten, &|f| match f {
                    Filter::Compare { path, op, value } => {
                        let op = match op {
                            CompareOp::Ne if ne => CompareOp::Eq,
                            CompareOp::Gt if reversed => CompareOp::Lt,
                            CompareOp::Lt if reversed => CompareOp::Gt,
                            CompareOp::Ge if reversed => CompareOp::Le,
                            CompareOp::Le if reversed => CompareOp::Ge,
                            other => other,
                        };
                        Filter::Compare { path, op, value }
                    }
                    other => other,
                });
            }
            if f.on(Fault::OrderingOnBooleansAsEq) {
                rewritten = map_filter(rewritten, &|f| match f {
                    Filter::Compare {
                        path,
                        op: CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le,
                        value: value @ CompValue::Bool(_),
                    } => Filter::Compare {
                        path,
                        op: CompareOp::Eq,
                        value,
                    },
                    other => other,
                });
            }
            if f.on(Fault::PresentMatchesAll) {
                rewritten = map_filter(rewritten, &|f| match f {
                    Filter::Present(_) => Filter::Present(AttrPath::new("id")),
                    other => other,
                });
            }
            if f.on(Fault::FirstClauseOnly) {
                rewritten = map_filter(rewritten, &|f| match f {
                    Filter::And(mut items) if !items.is_empty() => items.swap_remove(0),
                    other => other,
                });
            }
            if f.on(Fault::IgnoreNot) {
                rewritten = map_filter(rewritten, &|f| match f {
                    Filter::Not(inner) => *inner,
                    other => other,
                });
            }
            if f.on(Fault::ValuePathAnyValue) {
                rewritten = map_filter(rewritten, &|f| match f {
                    Filter::ValuePath { path, filter } => prefix_paths(*filter, &path),
                    other => other,
                });
            }
            // The response side filters by `externalId` ignoring case instead.
            if f.on(Fault::CaseInsensitiveExternalId)
                && matches!(
                    index_hint(&parsed, schema_of(first)),
                    IndexHint::ExternalId(_)
                )
            {
                drop_param(params, "filter");
            } else if rewritten != parsed {
                drop_param(params, "filter");
                params.push(("filter".into(), rewritten.to_string()));
            }
        }
    }

    // Bodies.
    let Some(b) = body.as_mut() else {
        return Ok(());
    };
    let users = first == "Users";
    let groups = first == "Groups";
    if f.on(Fault::RefuseCreates) && method == "POST" && users && segs.len() == 1 {
        return Err(scim_error(ScimError::bad_request(
            ScimType::InvalidValue,
            "users cannot be created",
        )));
    }
    if f.on(Fault::RefusePathlessReplace) && method == "PATCH" {
        let pathless = b
            .get("Operations")
            .and_then(Value::as_array)
            .is_some_and(|ops| ops.iter().any(|o| o.get("path").is_none()));
        if pathless {
            return Err(scim_error(ScimError::bad_request(
                ScimType::InvalidPath,
                "every operation needs a path",
            )));
        }
    }
    if f.on(Fault::RemoveValuePathRemovesAll)
        && method == "PATCH"
        && let Some(ops) = b.get_mut("Operations").and_then(Value::as_array_mut)
    {
        for op in ops {
            let is_remove = op
                .get("op")
                .and_then(Value::as_str)
                .is_some_and(|o| o.eq_ignore_ascii_case("remove"));
            let path = op
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            if is_remove && path.starts_with("members[") {
                op["path"] = json!("members");
            }
        }
    }
    if f.on(Fault::AcceptAnyRole) && users {
        walk_objects_mut(b, &mut |o| {
            for (k, v) in o.iter_mut() {
                if k.eq_ignore_ascii_case("roles") {
                    *v = json!([{"value": "Account Analyst", "primary": true}]);
                }
            }
        });
    }
    if f.on(Fault::IgnoreReactivation) && users {
        // `"active": true` anywhere, and `{"op": ..., "path": "active", "value": true}`.
        walk_objects_mut(b, &mut |o| {
            for (k, v) in o.iter_mut() {
                if k.eq_ignore_ascii_case("active") && *v == Value::Bool(true) {
                    *v = Value::Bool(false);
                }
            }
            let path_active = o
                .get("path")
                .and_then(Value::as_str)
                .is_some_and(|p| p.eq_ignore_ascii_case("active"));
            if path_active && let Some(v) = o.get_mut("value") {
                *v = Value::Bool(false);
            }
        });
    }
    if f.on(Fault::IgnoreProfileUpdates)
        && users
        && method == "PUT"
        && let Some(id) = segs.get(1)
        && let Some(view) = f.state.store().user(id)
    {
        let current = reference_server::render::user(&view, "");
        for k in ["name", "roles"] {
            match current.get(k) {
                Some(v) => b[k] = v.clone(),
                None => {
                    if let Some(o) = b.as_object_mut() {
                        o.remove(k);
                    }
                }
            }
        }
    }
    if f.on(Fault::GroupNameMangled) && groups {
        // Every `displayName` a group request writes.
        walk_objects_mut(b, &mut |o| {
            if let Some(Value::String(s)) = o.get_mut("displayName") {
                s.push_str(" (mangled)");
            }
        });
    }
    if f.on(Fault::IgnoreGroupRename)
        && groups
        && segs.len() == 2
        && let Some(view) = f.state.store().group(&segs[1], false)
    {
        if method == "PUT" {
            b["displayName"] = json!(view.display_name);
        }
        if method == "PATCH"
            && let Some(ops) = b.get_mut("Operations").and_then(Value::as_array_mut)
        {
            for op in ops.iter_mut() {
                if let Some(v) = op.get_mut("value").and_then(Value::as_object_mut) {
                    v.insert("displayName".into(), json!(view.display_name));
                }
            }
        }
    }
    Ok(())
}

fn regex_like_upper(text: &str) -> bool {
    text.split_whitespace().any(|w| {
        let lower = w.to_ascii_lowercase();
        [
            "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr", "and", "or",
        ]
        .contains(&lower.as_str())
            && w != lower
    })
}
