//! `/Users`: Fivetran users.
//!
//! Deactivation is a soft delete: `active: false` keeps the user readable, listed and found
//! by filter, and reactivation keeps its id (the guide: "Okta soft deletes users in
//! Fivetran"). `DELETE` removes a user for good; Okta never sends it.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use scim_core::patch::{self, PatchOpKind, PatchRequest};
use scim_core::projection::Projection;
use serde_json::Value;

use crate::error::ApiError;
use crate::extract::{BaseUrl, Preconditions, ResourceId, ScimBody, ScimJson};
use crate::fivetran;
use crate::list;
use crate::params::ListParams;
use crate::render;
use crate::respond;
use crate::schemas;
use crate::state::AppState;
use crate::store::{UserFields, UserView};
use crate::user_input::UserDocument;

/// The answer to a request about one user: it, as `projection` shows it.
fn respond(view: &UserView, base: &str, projection: &Projection, status: StatusCode) -> Response {
    let location =
        (status == StatusCode::CREATED).then(|| render::user_location(base, &view.user.id));
    respond::projected(
        status,
        &render::user_doc(view, base),
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
    ScimBody(bytes): ScimBody,
) -> Result<Response, ApiError> {
    let body = UserDocument::parse(&bytes)?;
    let projection = ListParams::parse(q.as_deref())?.projection()?;
    let policy = state.settings().policy();
    let draft = fivetran::new_user(body.read(&policy, None)?);
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
    pre: Preconditions,
) -> Result<Response, ApiError> {
    let projection = ListParams::parse(q.as_deref())?.projection()?;
    let view = state
        .store()
        .user(&id)
        .ok_or_else(|| ApiError::not_found("User", &id))?;
    if let Some(current) = respond::not_modified(&pre, view.user.version) {
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
    pre: Preconditions,
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
                respond::check_if_match(&pre, current.user.version)?;
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
    pre: Preconditions,
    ScimJson(body): ScimJson,
) -> Result<Response, ApiError> {
    let projection = ListParams::parse(q.as_deref())?.projection()?;
    let request = PatchRequest::from_json(&body)?;
    let policy = state.settings().policy();
    let sets_active = only_sets_active(&request);
    let view = state
        .store()
        .update_user(
            &id,
            &mut |current| {
                respond::check_if_match(&pre, current.user.version)?;
                if let Some(active) = sets_active {
                    return Ok(with_active(&current.user.fields, active));
                }
                patch_generic(current, &base, &request, &policy)
            },
            state.clock().now(),
        )
        .map_err(|e| e.into_api("User", &id))?;
    Ok(respond(&view, &base, &projection, StatusCode::OK))
}

/// A PATCH applied by the RFC 7644 §3.5.2 engine to the user's representation, then read
/// back like a PUT: the new fields, or `None` when nothing changed.
fn patch_generic(
    current: &UserView,
    base: &str,
    request: &PatchRequest,
    policy: &fivetran::Policy,
) -> Result<Option<UserFields>, ApiError> {
    let before = Value::Object(render::user(current, base));
    let after = patch::apply(&before, request, schemas::user())?;
    if after == before {
        return Ok(None);
    }
    fivetran::patched(&before, &after, policy, &current.user.fields).map(Some)
}

/// The `active` a PATCH sets, when all it does is set it to a JSON boolean: Okta's
/// deactivation and reactivation (`replace` with the value `{"active": false}`, or with the
/// path `active`). Such a PATCH changes one field, so it is applied to the record as it is,
/// without rendering the user for the generic engine and reading it all back: the same
/// result (a test holds the two to it) for a fifth of the work. Anything else (a string
/// `"False"`, another attribute, a URN path) goes the generic way.
fn only_sets_active(request: &PatchRequest) -> Option<bool> {
    let mut active = None;
    for op in &request.operations {
        if op.op != PatchOpKind::Replace {
            return None;
        }
        let value = match (&op.path, &op.value) {
            (None, Some(Value::Object(m))) if m.len() == 1 => m.get("active")?,
            (Some(p), Some(v))
                if p.filter.is_none()
                    && p.sub.is_none()
                    && p.attr.urn.is_none()
                    && p.attr.sub.is_none()
                    && p.attr.name == "active" =>
            {
                v
            }
            _ => return None,
        };
        active = Some(value.as_bool()?);
    }
    active
}

/// `fields` with `active` set, or `None` when it already is.
fn with_active(fields: &UserFields, active: bool) -> Option<UserFields> {
    (fields.active != active).then(|| UserFields {
        active,
        ..fields.clone()
    })
}

/// `DELETE /Users/{id}`: a hard delete (204, then 404), which also takes the user out of its
/// teams.
pub async fn delete(
    State(state): State<AppState>,
    ResourceId(id): ResourceId,
    pre: Preconditions,
) -> Result<Response, ApiError> {
    state
        .store()
        .delete_user(
            &id,
            &mut |current| respond::check_if_match(&pre, current.user.version),
            state.clock().now(),
        )
        .map_err(|e| e.into_api("User", &id))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{GroupRef, UserRecord};
    use serde_json::json;

    fn view(active: bool, role: Option<&str>) -> UserView {
        UserView {
            user: std::sync::Arc::new(UserRecord {
                id: "u1".into(),
                seq: 1,
                fields: UserFields {
                    user_name: "ann@example.com".into(),
                    email: "ann@example.com".into(),
                    email_type: Some("work".into()),
                    given_name: Some("Ann".into()),
                    family_name: None,
                    active,
                    role: role.map(str::to_owned),
                    external_id: Some("00u1".into()),
                },
                created: chrono::DateTime::UNIX_EPOCH,
                modified: chrono::DateTime::UNIX_EPOCH,
                version: 3,
            }),
            groups: vec![GroupRef {
                id: "g1".into(),
                display_name: "Eng".into(),
            }],
        }
    }

    fn request(ops: Value) -> PatchRequest {
        PatchRequest::from_json(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": ops
        }))
        .unwrap()
    }

    /// The shortcut gives what the generic engine gives, for every shape it takes.
    #[test]
    fn setting_active_directly_is_what_the_engine_would_do() {
        let policy = fivetran::Policy {
            custom_roles: Vec::new(),
            require_username_email: false,
        };
        let shapes = [
            json!([{"op": "replace", "value": {"active": false}}]),
            json!([{"op": "replace", "value": {"active": true}}]),
            json!([{"op": "Replace", "path": "active", "value": false}]),
            json!([{"op": "replace", "path": "active", "value": true},
                   {"op": "replace", "value": {"active": false}}]),
        ];
        for ops in shapes {
            let request = request(ops.clone());
            let active = only_sets_active(&request).unwrap_or_else(|| panic!("{ops}"));
            for current in [true, false] {
                for role in [None, Some("Account Analyst")] {
                    let v = view(current, role);
                    let generic = patch_generic(&v, "http://h/scim/v2", &request, &policy).unwrap();
                    assert_eq!(with_active(&v.user.fields, active), generic, "{ops}");
                }
            }
        }
    }

    #[test]
    fn every_other_patch_goes_the_generic_way() {
        for ops in [
            json!([{"op": "replace", "path": "active", "value": "False"}]),
            json!([{"op": "replace", "value": {"active": false, "name": {"givenName": "B"}}}]),
            json!([{"op": "replace", "value": {"Active": false}}]),
            json!([{"op": "add", "path": "active", "value": false}]),
            json!([{"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:active", "value": false}]),
            json!([{"op": "replace", "path": "active", "value": false},
                   {"op": "replace", "path": "name.givenName", "value": "B"}]),
        ] {
            assert_eq!(only_sets_active(&request(ops.clone())), None, "{ops}");
        }
    }
}
