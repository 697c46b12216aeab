//! Discovery (RFC 7644 §4): `/ServiceProviderConfig`, `/Schemas`, `/ResourceTypes`.
//!
//! Truthful: it advertises exactly what this server does: PATCH, filtering with
//! `maxResults`, sorting, ETags and Bulk with its current limits (none when it is off); no
//! password change.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use scim_core::list::ListResponse;
use scim_core::schema::{ResourceSchema, Schema};
use scim_core::urn;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::extract::{BaseUrl, ResourceId};
use crate::respond;
use crate::schemas;
use crate::state::AppState;

/// `GET /ServiceProviderConfig`.
pub async fn service_provider_config(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
) -> Response {
    let bulk = state.settings().bulk;
    let body = json!({
        "schemas": [urn::SERVICE_PROVIDER_CONFIG],
        "documentationUri": "https://fivetran.com/docs/using-fivetran/fivetran-dashboard/account-settings/scim/okta-scim",
        "patch": {"supported": true},
        "bulk": {
            "supported": bulk.max_operations > 0,
            "maxOperations": bulk.max_operations,
            "maxPayloadSize": bulk.max_payload_size,
        },
        "filter": {"supported": true, "maxResults": state.limits().max_results},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "The SCIM API token generated in Account Settings > General > SCIM Config, sent as 'Authorization: Bearer <token>'",
            "primary": true
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")}
    });
    respond::json(StatusCode::OK, &body)
}

fn schema_json(s: &Schema, base: &str) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or_default();
    v["schemas"] = json!([urn::SCHEMA]);
    v["meta"] = json!({"resourceType": "Schema", "location": format!("{base}/Schemas/{}", s.id)});
    v
}

fn all_schemas() -> [&'static Schema; 2] {
    [&schemas::user().core, &schemas::group().core]
}

/// `GET /Schemas`.
pub async fn schemas_list(BaseUrl(base): BaseUrl) -> Response {
    let items: Vec<Value> = all_schemas()
        .iter()
        .map(|s| schema_json(s, &base))
        .collect();
    let total = items.len() as u64;
    respond::json(StatusCode::OK, &ListResponse::new(items, total, 1))
}

/// `GET /Schemas/{id}`.
pub async fn schema(
    BaseUrl(base): BaseUrl,
    ResourceId(id): ResourceId,
) -> Result<Response, ApiError> {
    let s = all_schemas()
        .into_iter()
        .find(|s| urn::eq(&s.id, &id))
        .ok_or_else(|| ApiError::not_found("Schema", &id))?;
    Ok(respond::json(StatusCode::OK, &schema_json(s, &base)))
}

fn resource_type_json(r: &ResourceSchema, base: &str) -> Value {
    json!({
        "schemas": [urn::RESOURCE_TYPE],
        "id": r.name,
        "name": r.name,
        "endpoint": r.endpoint,
        "description": if r.name == "User" { "Fivetran users" } else { "Fivetran teams" },
        "schema": r.core.id,
        "schemaExtensions": r.extensions.iter().map(|e| json!({"schema": e.schema.id, "required": e.required})).collect::<Vec<_>>(),
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{}", r.name)}
    })
}

/// `GET /ResourceTypes`.
pub async fn resource_types(BaseUrl(base): BaseUrl) -> Response {
    let items: Vec<Value> = [schemas::user(), schemas::group()]
        .iter()
        .map(|r| resource_type_json(r, &base))
        .collect();
    let total = items.len() as u64;
    respond::json(StatusCode::OK, &ListResponse::new(items, total, 1))
}

/// `GET /ResourceTypes/{name}`.
pub async fn resource_type(
    BaseUrl(base): BaseUrl,
    ResourceId(name): ResourceId,
) -> Result<Response, ApiError> {
    let r = [schemas::user(), schemas::group()]
        .into_iter()
        .find(|r| r.name.eq_ignore_ascii_case(&name))
        .ok_or_else(|| ApiError::not_found("ResourceType", &name))?;
    Ok(respond::json(StatusCode::OK, &resource_type_json(r, &base)))
}
