//! Access to the SCIM API and to the admin API.
//!
//! Every SCIM route needs the bearer token (discovery can be made public with
//! `public-discovery`). Order of checks: the plan, then the "Enable SCIM Provisioning" toggle,
//! then the bearer token. Plan and toggle come first because they say what to fix in the
//! account, which is what an admin clicking "Test API Credentials" needs to read.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::future::Either;
use scim_core::ScimError;
use subtle::ConstantTimeEq;
use tower::{Layer, Service};

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

/// Which checks a [`Guard`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Resource routes: plan, toggle and the SCIM bearer token, then the rate limit.
    Resources,
    /// Discovery routes: as `Resources`, but without the token when discovery is configured
    /// public (RFC 7643 §5 suggests the service provider configuration be readable without
    /// authentication).
    Discovery,
    /// The admin API: the admin credential.
    Admin,
}

impl Gate {
    /// The answer that refuses a request, or `None` to let it through.
    fn refusal(self, state: &AppState, headers: &HeaderMap) -> Option<Response> {
        // (the checks, whether the request counts against the rate limit)
        let (checked, counted) = match self {
            Gate::Admin => (
                check_token(headers, state.admin_token(), "admin token"),
                false,
            ),
            Gate::Discovery if state.public_discovery() => {
                (check_scim(state, headers, false), false)
            }
            Gate::Resources | Gate::Discovery => (check_scim(state, headers, true), true),
        };
        if let Err(e) = checked {
            return Some(e.into_response());
        }
        counted
            .then(|| take_throttled(state))
            .flatten()
            .map(too_many_requests)
    }
}

/// The access checks as a tower layer around a group of routes. Written as a service, not
/// with `axum::middleware::from_fn`: that boxes a future and clones the routes for every
/// request, 3% of a GET.
#[derive(Clone, Debug)]
pub struct Guard {
    state: AppState,
    gate: Gate,
}

impl Guard {
    /// A layer making `gate`'s checks against `state`.
    pub fn new(state: AppState, gate: Gate) -> Guard {
        Guard { state, gate }
    }
}

impl<S> Layer<S> for Guard {
    type Service = Guarded<S>;

    fn layer(&self, inner: S) -> Guarded<S> {
        Guarded {
            inner,
            guard: self.clone(),
        }
    }
}

/// Routes behind a [`Guard`].
#[derive(Clone, Debug)]
pub struct Guarded<S> {
    inner: S,
    guard: Guard,
}

impl<S> Service<Request> for Guarded<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self
            .guard
            .gate
            .refusal(&self.guard.state, request.headers())
        {
            Some(refused) => Either::Left(ready(Ok(refused))),
            None => Either::Right(self.inner.call(request)),
        }
    }
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
