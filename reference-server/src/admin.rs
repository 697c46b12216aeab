//! The admin API: what Fivetran's "Account Settings > General > SCIM Config" does, for scripts
//! and tests. Guarded by the admin credential, not the SCIM token. Errors use the SCIM error
//! body too.
//!
//! | request | does |
//! | --- | --- |
//! | `GET /admin/scim-config` | the plan, the toggle, the roles; never the token |
//! | `PATCH /admin/scim-config` `{"scimEnabled": bool, "plan": "...", "rateLimit": {"requests": n, "retryAfter": s}}` | switches SCIM on or off, changes the plan; `rateLimit` makes the next `n` SCIM requests answer `429` with `Retry-After: s` (a sandbox switch for clients' back-off); `"bulk": {"maxOperations": n, "maxPayloadSize": bytes}` sets Bulk's limits (`maxOperations` 0 turns Bulk off) |
//! | `POST /admin/scim-config/token` | "Generate": a new SCIM token, shown once; the old one stops working at once |
//! | `GET /admin/roles` | the standard and custom account roles |
//! | `POST /admin/roles` `{"name": "..."}` | adds a custom account role |

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use scim_core::text;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::Plan;
use crate::error::ApiError;
use crate::extract::ScimJson;
use crate::respond;
use crate::roles;
use crate::state::{AppState, generate_token};

fn config_json(state: &AppState) -> Value {
    let s = state.settings();
    let (users, teams) = state.store().counts();
    json!({
        "plan": s.plan,
        "scimEnabled": s.scim_enabled,
        "customRoles": s.custom_roles,
        "users": users,
        "teams": teams,
    })
}

/// `GET /admin/scim-config`.
pub async fn get_config(State(state): State<AppState>) -> Response {
    respond::json(StatusCode::OK, &config_json(&state))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ConfigChange {
    scim_enabled: Option<bool>,
    plan: Option<Plan>,
    rate_limit: Option<RateLimit>,
    bulk: Option<BulkChange>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct BulkChange {
    max_operations: usize,
    max_payload_size: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RateLimit {
    requests: u32,
    retry_after: u64,
}

/// `PATCH /admin/scim-config`.
pub async fn change_config(
    State(state): State<AppState>,
    ScimJson(body): ScimJson,
) -> Result<Response, ApiError> {
    let change: ConfigChange =
        serde_json::from_value(body).map_err(|e| ApiError::invalid_value(e.to_string()))?;
    {
        let mut s = state.settings_mut();
        if let Some(on) = change.scim_enabled {
            s.scim_enabled = on;
        }
        if let Some(limit) = change.rate_limit {
            s.throttle = (limit.requests > 0).then_some(crate::state::Throttle {
                remaining: limit.requests,
                retry_after: limit.retry_after,
            });
        }
        if let Some(p) = change.plan {
            s.plan = p;
        }
        if let Some(b) = change.bulk {
            s.bulk = crate::state::BulkLimits {
                max_operations: b.max_operations,
                max_payload_size: b.max_payload_size.min(state.limits().max_body_bytes),
            };
        }
    }
    Ok(respond::json(StatusCode::OK, &config_json(&state)))
}

/// `POST /admin/scim-config/token`.
pub async fn generate(State(state): State<AppState>) -> Response {
    let token = generate_token();
    state.settings_mut().token = token.clone();
    respond::json(StatusCode::CREATED, &json!({ "token": token }))
}

/// `GET /admin/roles`.
pub async fn list_roles(State(state): State<AppState>) -> Response {
    let custom = state.settings().custom_roles.clone();
    respond::json(
        StatusCode::OK,
        &json!({"standard": roles::ACCOUNT_ROLES, "custom": custom}),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRole {
    name: String,
}

/// `POST /admin/roles`.
pub async fn add_role(
    State(state): State<AppState>,
    ScimJson(body): ScimJson,
) -> Result<Response, ApiError> {
    let role: NewRole =
        serde_json::from_value(body).map_err(|e| ApiError::invalid_value(e.to_string()))?;
    let name = roles::check_custom_name(&role.name)
        .map_err(ApiError::invalid_value)?
        .to_owned();
    let mut s = state.settings_mut();
    if s.custom_roles.iter().any(|r| text::eq(r, &name, false)) {
        return Err(ApiError(scim_core::ScimError::conflict(format!(
            "the custom role {name:?} already exists"
        ))));
    }
    s.custom_roles.push(name.clone());
    Ok(respond::json(StatusCode::CREATED, &json!({"name": name})))
}
