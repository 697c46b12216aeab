//! The fault middleware: rewrites requests before the real handlers and responses after them,
//! as the faults in force say (`request` and `response` hold the rewrites).

mod bulk;
mod discovery;
mod edges;
mod queries;
mod request;
mod response;
mod writes;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use reference_server::error::ApiError;
use reference_server::state::AppState;
use reference_server::{SCIM_PREFIX, schemas};
use scim_core::ScimError;
use scim_core::schema::ResourceSchema;
use serde_json::{Map, Value};

use super::Fault;
use request::rewrite_request;
use response::{Asked, rewrite_response};

/// What the middleware needs: the server's state, and the faults in force.
#[derive(Clone, Debug)]
pub(crate) struct Faults {
    pub(crate) state: AppState,
    pub(crate) faults: Vec<Fault>,
    /// The token the server started with (`OldTokenStillWorks` keeps taking it).
    pub(crate) first_token: String,
    /// The names of the groups deleted so far (`DeletedNamesStayTaken` keeps them taken).
    pub(crate) deleted_group_names: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// The userNames of users created without `active` (`DefaultsUnfiltered`).
    pub(crate) defaulted_users: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// Users whose refused `userName` change shows as made: id to the new userName
    /// (`ImmutableChanged`).
    pub(crate) renamed_users:
        std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, String>>>,
}

/// `OtherVersionsServed`: `/scim/v1/...` (or any `/scim/vN/`) goes where `/scim/v2/...`
/// goes.
pub(crate) async fn any_version_is_v2(mut request: Request) -> Request {
    let path = request.uri().path().to_owned();
    if let Some(rest) = path.strip_prefix("/scim/v")
        && let Some((version, tail)) = rest.split_once('/')
        && version != "2"
        && version.chars().all(|c| c.is_ascii_digit())
    {
        let query = request
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        if let Ok(uri) = format!("{SCIM_PREFIX}/{tail}{query}").parse::<Uri>() {
            *request.uri_mut() = uri;
        }
    }
    request
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

/// The schema of `/Users` or `/Groups`.
fn schema_of(first: &str) -> &'static ResourceSchema {
    if first == "Users" {
        schemas::user()
    } else {
        schemas::group()
    }
}

/// Whether a path is the SCIM API's (faults leave the admin API and the rest alone).
fn in_scim_api(path: &str) -> bool {
    path.strip_prefix(SCIM_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The middleware.
pub(crate) async fn layer(State(f): State<Faults>, request: Request, next: Next) -> Response {
    if !in_scim_api(request.uri().path()) {
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
    if let Err(short) = edges::refuse(&f, &method, &segs, &parts.headers, &mut json) {
        return *short;
    }
    if let Err(short) = discovery::refuse(&f, &method, &segs) {
        return *short;
    }
    if let Err(short) = queries::rewrite_request(&f, &method, &segs, &mut params, &mut json) {
        return *short;
    }
    bulk::rewrite_request(&f, &segs, &mut json);
    let done = match writes::rewrite_request(&f, &method, &segs, &mut json) {
        Ok(done) => done,
        Err(short) => return *short,
    };
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
    let authorized = parts.headers.contains_key(header::AUTHORIZATION);
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
        authorized,
    };
    rewrite_response(&f, &asked, &mut status, &mut rparts.headers, &mut rjson);
    edges::rewrite(&f, &asked, &mut status, &mut rparts.headers, &mut rjson);
    queries::rewrite_response(&f, &asked, &mut rjson);
    writes::rewrite_response(&f, &asked, &done, &mut status, &mut rjson);
    bulk::rewrite_response(&f, &asked, &mut status, &mut rjson);
    discovery::rewrite(&f, &asked, &mut rjson);
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
    if !f.on(Fault::GroupDeleteDeletesUsers) || !in_scim_api(request.uri().path()) {
        return next.run(request).await;
    }
    let segs = segments(request.uri().path());
    if request.method() == "DELETE"
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
