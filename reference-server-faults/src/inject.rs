//! The fault middleware: rewrites requests before the real handlers and responses after them.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use scim_core::filter::{self, AttrPath, CompValue, CompareOp, Filter};
use scim_core::schema::ResourceSchema;
use scim_core::{ScimError, ScimType};
use serde_json::{Map, Value, json};

use reference_server::error::ApiError;
use reference_server::list::index_hint;
use reference_server::state::AppState;
use reference_server::store::IndexHint;
use reference_server::{SCIM_PREFIX, schemas};

use super::Fault;

/// What the middleware needs: the server's state, and the faults in force.
#[derive(Clone, Debug)]
pub(crate) struct Faults {
    pub(crate) state: AppState,
    pub(crate) faults: Vec<Fault>,
}

impl Faults {
    fn on(&self, f: Fault) -> bool {
        self.faults.contains(&f)
    }
}

/// A SCIM error answer, as the real handlers give.
fn scim_error(error: ScimError) -> Box<Response> {
    Box::new(ApiError(error).into_response())
}

/// A SCIM error body, to put in place of a response's.
fn error_body(error: ScimError) -> Value {
    serde_json::to_value(error).unwrap_or_default()
}

/// A query parameter, by name ignoring case.
fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// An integer query parameter.
fn int(params: &[(String, String)], name: &str) -> Option<i64> {
    param(params, name).and_then(|v| v.parse::<i64>().ok())
}

/// Drops a query parameter, by name ignoring case.
fn drop_param(params: &mut Vec<(String, String)>, name: &str) {
    params.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
}

fn segments(path: &str) -> Vec<String> {
    path.trim_start_matches(SCIM_PREFIX)
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

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
fn rewrite_request(
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
            if f.on(Fault::PresentMatchesAll) {
                rewritten = map_filter(rewritten, &|f| match f {
                    Filter::Present(_) => Filter::Present(AttrPath::new("id")),
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

/// Calls `f` on every object in `v`, outermost first (then on the objects inside what `f`
/// left).
fn walk_objects_mut(v: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    match v {
        Value::Object(o) => {
            f(o);
            for child in o.values_mut() {
                walk_objects_mut(child, f);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk_objects_mut(item, f);
            }
        }
        _ => {}
    }
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
struct Asked<'a> {
    method: &'a str,
    segs: &'a [String],
    params: &'a [(String, String)],
    body: Option<&'a Value>,
}

/// The response-side rewrites.
fn rewrite_response(
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
    } = *asked;
    let first = segs.first().map(String::as_str).unwrap_or("");
    let is_list = method == "GET" && segs.len() == 1 && (first == "Users" || first == "Groups");
    let single = segs.len() == 2 && (first == "Users" || first == "Groups") && segs[1] != ".search";
    let code = status.as_u16();

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
            if f.on(Fault::ErrorScimTypeNull) && b.get("scimType").is_some() {
                b["scimType"] = json!("null");
            }
            if f.on(Fault::ErrorBodyNotScim) {
                let detail = b.get("detail").cloned().unwrap_or(Value::Null);
                *b = json!({"error": {"code": status.as_u16(), "message": detail}});
            }
        }
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

/// The schema of `/Users` or `/Groups`.
fn schema_of(first: &str) -> &'static ResourceSchema {
    if first == "Users" {
        schemas::user()
    } else {
        schemas::group()
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

/// The middleware.
pub(crate) async fn layer(State(f): State<Faults>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(SCIM_PREFIX) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let bytes = to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    let method = parts.method.as_str().to_owned();
    let segs = segments(parts.uri.path());
    let mut params: Vec<(String, String)> =
        form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let original_params = params.clone();
    let mut json: Option<Value> = serde_json::from_slice(&bytes).ok();
    let original_json = json.clone();
    if let Err(short) = rewrite_request(
        &f,
        &method,
        &segs,
        &mut params,
        &mut parts.headers,
        &mut json,
    ) {
        return *short;
    }
    if params != original_params {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter())
            .finish();
        let path = parts.uri.path().to_owned();
        if let Ok(uri) = format!("{path}?{query}").parse::<Uri>() {
            parts.uri = uri;
        }
    }
    let body = if json != original_json {
        Bytes::from(serde_json::to_vec(&json).unwrap_or_default())
    } else {
        bytes
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let request_body = json.clone();
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;

    let (mut rparts, rbody) = response.into_parts();
    let rbytes = to_bytes(rbody, 64 * 1024 * 1024).await.unwrap_or_default();
    let mut rjson: Option<Value> = serde_json::from_slice(&rbytes).ok();
    let before = rjson.clone();
    let mut status = rparts.status;
    let asked = Asked {
        method: &method,
        segs: &segs,
        params: &params,
        body: request_body.as_ref(),
    };
    rewrite_response(&f, &asked, &mut status, &mut rparts.headers, &mut rjson);
    rparts.status = status;
    let out = if rjson != before {
        rparts.headers.remove(header::CONTENT_LENGTH);
        match rjson {
            Some(v) => Bytes::from(serde_json::to_vec(&v).unwrap_or_default()),
            None => Bytes::new(),
        }
    } else {
        rbytes
    };
    Response::from_parts(rparts, Body::from(out))
}

/// `GroupDeleteDeletesUsers` needs the members before the group goes.
pub(crate) async fn delete_members_first(
    State(f): State<Faults>,
    request: Request,
    next: Next,
) -> Response {
    let segs = segments(request.uri().path());
    if f.on(Fault::GroupDeleteDeletesUsers)
        && request.uri().path().starts_with(SCIM_PREFIX)
        && request.method() == "DELETE"
        && segs.len() == 2
        && segs[0] == "Groups"
        && let Some(view) = f.state.store().group(&segs[1], true)
    {
        let response = next.run(request).await;
        if response.status() == StatusCode::NO_CONTENT {
            for m in view.members.unwrap_or_default() {
                let _ = f
                    .state
                    .store()
                    .delete_user(&m.id, &mut |_| Ok(()), f.state.clock().now());
            }
        }
        return response;
    }
    next.run(request).await
}
