//! `/Users`: Fivetran users.
//!
//! Deactivation is a soft delete: `active: false` keeps the user readable, listed and found
//! by filter, and reactivation keeps its id (the guide: "Okta soft deletes users in
//! Fivetran"). `DELETE` removes a user for good; Okta never sends it.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use scim_core::patch::{self, PatchRequest};
use scim_core::projection::Projection;
use serde_json::Value;

use crate::error::ApiError;
use crate::extract::{BaseUrl, ResourceId, ScimJson};
use crate::fivetran;
use crate::list;
use crate::params::ListParams;
use crate::render;
use crate::respond;
use crate::schemas;
use crate::state::AppState;
use crate::store::UserView;

/// The answer to a request about one user: it, as `projection` shows it.
fn respond(view: &UserView, base: &str, projection: &Projection, status: StatusCode) -> Response {
    let location =
        (status == StatusCode::CREATED).then(|| render::user_location(base, &view.user.id));
    respond::projected(
        status,
        render::user_doc(view, base),
        |doc| render::to_map(&doc),
        schemas::user(),
        view.user.version,
        location.as_deref(),
        projection,
    )
}

/// `GET /Users`.
pub async fn list(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    list::users(&state, &base, &ListParams::parse(q.as_deref())?)
}

/// `POST /Users/.search`.
pub async fn search(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ScimJson(body): ScimJson,
) -> Result<Response, ApiError> {
    list::users(&state, &base, &list::search_params(body)?)
}

/// `POST /Users`.
pub async fn create(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    RawQuery(q): RawQuery,
    ScimJson(body): ScimJson,
) -> Result<Response, ApiError> {
    let projection = ListParams::parse(q.as_deref())?.projection()?;
    schemas::require(&body, scim_core::urn::USER)?;
    let policy = state.settings().policy();
    let draft = fivetran::new_user(fivetran::read_user(&body, &policy, None)?);
    let view = state
        .store()
        .insert_user(draft, state.clock().now())
        .map_err(|e| e.into_api("User", ""))?;
    Ok(respond(&view, &base, &projection, StatusCode::CREATED))
}

/// `GET /Users/{id}`, with `If-None-Match`.
pub async fn get(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ResourceId(id): ResourceId,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let projection = ListParams::parse(q.as_deref())?.projection()?;
    let view = state
        .store()
        .user(&id)
        .ok_or_else(|| ApiError::not_found("User", &id))?;
    if let Some(current) = respond::not_modified(&headers, view.user.version) {
        return Ok(current);
    }
    Ok(respond(&view, &base, &projection, StatusCode::OK))
}

/// `PUT /Users/{id}`: the whole user. `schemas` must name the User schema; `id`, `meta` and
/// unknown keys are ignored (Okta sends the server's own GET body back).
pub async fn replace(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ResourceId(id): ResourceId,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    ScimJson(body): ScimJson,
) -> Result<Response, ApiError> {
    let projection = ListParams::parse(q.as_deref())?.projection()?;
    // Read now, reported after the id and `If-Match` checks (a body for an unknown user is 404).
    let mut schemas_ok = Some(schemas::require(&body, scim_core::urn::USER));
    let policy = state.settings().policy();
    let view = state
        .store()
        .update_user(
            &id,
            &mut |current| {
                respond::check_if_match(&headers, current.user.version)?;
                schemas_ok.take().unwrap_or(Ok(()))?;
                fivetran::update(&body, &policy, &current.user.fields).map(Some)
            },
            state.clock().now(),
        )
        .map_err(|e| e.into_api("User", &id))?;
    Ok(respond(&view, &base, &projection, StatusCode::OK))
}

/// `PATCH /Users/{id}`: applied to the user's representation by the RFC 7644 §3.5.2 engine,
/// then checked like a PUT. Answers 200 with the user.
pub async fn modify(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ResourceId(id): ResourceId,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    ScimJson(body): ScimJson,
) -> Result<Response, ApiError> {
    let projection = ListParams::parse(q.as_deref())?.projection()?;
    let request = PatchRequest::from_json(&body)?;
    let policy = state.settings().policy();
    let view = state
        .store()
        .update_user(
            &id,
            &mut |current| {
                respond::check_if_match(&headers, current.user.version)?;
                let before = Value::Object(render::user(current, &base));
                let after = patch::apply(&before, &request, schemas::user())?;
                if after == before {
                    return Ok(None);
                }
                fivetran::patched(&before, &after, &policy, &current.user.fields).map(Some)
            },
            state.clock().now(),
        )
        .map_err(|e| e.into_api("User", &id))?;
    Ok(respond(&view, &base, &projection, StatusCode::OK))
}

/// `DELETE /Users/{id}`: a hard delete (204, then 404), which also takes the user out of its
/// teams.
pub async fn delete(
    State(state): State<AppState>,
    ResourceId(id): ResourceId,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    state
        .store()
        .delete_user(
            &id,
            &mut |current| respond::check_if_match(&headers, current.user.version),
            state.clock().now(),
        )
        .map_err(|e| e.into_api("User", &id))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
