//! Access to the SCIM API and to the admin API.
//!
//! Every SCIM route needs the bearer token (discovery can be made public with
//! `public-discovery`). Order of checks: the plan, then the "Enable SCIM Provisioning" toggle,
//! then the bearer token. Plan and toggle come first because they say what to fix in the
//! account, which is what an admin clicking "Test API Credentials" needs to read.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use scim_core::ScimError;
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::state::{AppState, Settings};

/// The bearer token of a request, if it has one (`Authorization: Bearer <token>`; the scheme
/// is case-insensitive).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Compares tokens in constant time (for equal lengths), so response timing does not reveal
/// how much of a guess was right.
fn same_token(given: &str, expected: &str) -> bool {
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

fn check_token(headers: &HeaderMap, expected: &str, what: &str) -> Result<(), ApiError> {
    match bearer(headers) {
        None => Err(ApiError(ScimError::unauthorized(format!(
            "missing credentials: send the {what} as 'Authorization: Bearer <token>'"
        )))),
        Some(t) if same_token(t, expected) => Ok(()),
        Some(_) => Err(ApiError(ScimError::unauthorized(format!(
            "the {what} is not valid"
        )))),
    }
}

/// The plan and toggle checks every SCIM route makes.
pub fn check_available(settings: &Settings) -> Result<(), ApiError> {
    if !settings.plan.allows_scim() {
        return Err(ApiError(ScimError::forbidden(format!(
            "SCIM is not available on the {} plan: \"You must have an Enterprise or Business Critical plan to use \
             Fivetran SCIM\"",
            settings.plan.display_name()
        ))));
    }
    if !settings.scim_enabled {
        return Err(ApiError(ScimError::forbidden(
            "SCIM provisioning is switched off: turn on \"Enable SCIM Provisioning\" in Account Settings > General > \
             SCIM Config",
        )));
    }
    Ok(())
}

/// Plan, toggle and (when `token` is set) the SCIM bearer token, under one read of the
/// settings.
fn check_scim(state: &AppState, headers: &HeaderMap, token: bool) -> Result<(), ApiError> {
    let settings = state.settings();
    check_available(&settings)?;
    if token {
        check_token(headers, &settings.token, "SCIM API token")?;
    }
    Ok(())
}

/// Middleware for discovery routes: as [`scim_token`], but without the token when discovery
/// is configured public (RFC 7643 §5 suggests the service provider configuration be readable
/// without authentication).
pub async fn discovery(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if state.public_discovery() {
        check_scim(&state, request.headers(), false)?;
        return Ok(next.run(request).await);
    }
    scim_token(State(state), request, next).await
}

/// Middleware for resource routes: plan, toggle and the SCIM bearer token.
pub async fn scim_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    check_scim(&state, request.headers(), true)?;
    if let Some(retry_after) = take_throttled(&state) {
        return Ok(too_many_requests(retry_after));
    }
    Ok(next.run(request).await)
}

/// Counts one request against the admin API's rate limit: `Some(Retry-After)` when it is
/// to be refused.
fn take_throttled(state: &AppState) -> Option<u64> {
    state.settings().throttle?;
    let mut s = state.settings_mut();
    let t = s.throttle.as_mut()?;
    let retry_after = t.retry_after;
    t.remaining = t.remaining.saturating_sub(1);
    if t.remaining == 0 {
        s.throttle = None;
    }
    Some(retry_after)
}

/// `429` with a SCIM error and `Retry-After`.
fn too_many_requests(retry_after: u64) -> Response {
    let mut r = ApiError(ScimError::new(
        429,
        "too many requests: the account's rate limit (set through the admin API) is reached",
    ))
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// Middleware for the admin API: the admin credential.
pub async fn admin_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    check_token(request.headers(), state.admin_token(), "admin token")?;
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_bearer_tokens_in_any_scheme_case() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abd", "abc"));
        assert!(!same_token("ab", "abc"));
    }
}
