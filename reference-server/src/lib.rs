//! # reference-server
//!
//! A SCIM 2.0 service provider that behaves as the Fivetran guide says Fivetran's does and as
//! RFC 7643/7644 require: the known-good target the conformance harness is proven against,
//! and a sandbox to point Okta (or mock-okta) at.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use reference_server::serve::{ConnectionLimits, serve};
//! use reference_server::{app, AppState, Config};
//!
//! let config = Config::default();
//! let state = AppState::new(&config);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! serve(listener, app(state), ConnectionLimits::from_config(&config), std::future::pending()).await
//! # }
//! ```
//!
//! [`serve::serve`] keeps the limits a server on a network needs (header and idle timeouts, a
//! connection cap); `axum::serve` keeps none. The app reads request bodies under a deadline,
//! so it needs a tokio runtime with timers (`#[tokio::main]` has them).
//!
//! Routes, under `/scim/v2`: `/Users` and `/Groups` (teams) with `GET`, `POST`, `.search`,
//! and `GET`/`PUT`/`PATCH`/`DELETE` by id; `/Bulk`; `/ServiceProviderConfig`, `/Schemas`,
//! `/ResourceTypes`. The admin API is under `/admin` (see [`admin`]). The rules of the guide
//! and every assumption are listed in `reference-server/README.md`.
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod admin;
pub mod auth;
pub mod bulk;
pub mod clock;
pub mod config;
pub mod discovery;
pub mod embed;
pub mod error;
pub mod extract;
pub mod fivetran;
pub mod groups;
pub mod input;
pub mod list;
pub mod params;
pub mod render;
pub mod respond;
pub mod roles;
pub mod schemas;
pub mod serve;
pub mod state;
pub mod store;
pub mod user_input;
pub mod users;

use axum::Router;
use axum::routing::{any, get, post};

use auth::{Gate, Guard};
pub use config::{Config, Plan};
pub use embed::{Running, spawn, spawn_app};
pub use error::ApiError;
pub use state::AppState;

/// Where the SCIM API lives.
pub const SCIM_PREFIX: &str = "/scim/v2";

async fn not_found() -> ApiError {
    ApiError::status(404, "no such endpoint; the SCIM API is under /scim/v2")
}

async fn method_not_allowed() -> ApiError {
    ApiError::status(405, "this method is not allowed on this endpoint")
}

pub(crate) async fn not_implemented() -> ApiError {
    ApiError::status(
        501,
        "not implemented by this service provider (see /scim/v2/ServiceProviderConfig)",
    )
}

/// `/scim/v2` followed by `path`: routes are registered under their full paths rather
/// than nested, which spares every request a prefix strip and a second router.
fn scim(path: &str) -> String {
    format!("{SCIM_PREFIX}{path}")
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let resources = Router::new()
        .route(&scim("/Users"), get(users::list).post(users::create))
        .route(&scim("/Users/.search"), post(users::search))
        .route(
            &scim("/Users/{id}"),
            get(users::get)
                .put(users::replace)
                .patch(users::modify)
                .delete(users::delete),
        )
        .route(&scim("/Groups"), get(groups::list).post(groups::create))
        .route(&scim("/Groups/.search"), post(groups::search))
        .route(
            &scim("/Groups/{id}"),
            get(groups::get)
                .put(groups::replace)
                .patch(groups::modify)
                .delete(groups::delete),
        )
        .route(&scim("/Me"), any(not_implemented))
        .route(
            &scim("/Bulk"),
            post(bulk::process).fallback(method_not_allowed),
        )
        .route_layer(Guard::new(state.clone(), Gate::Resources));
    let discovery = Router::new()
        .route(
            &scim("/ServiceProviderConfig"),
            get(discovery::service_provider_config),
        )
        .route(&scim("/Schemas"), get(discovery::schemas_list))
        .route(&scim("/Schemas/{id}"), get(discovery::schema))
        .route(&scim("/ResourceTypes"), get(discovery::resource_types))
        .route(
            &scim("/ResourceTypes/{name}"),
            get(discovery::resource_type),
        )
        .route_layer(Guard::new(state.clone(), Gate::Discovery));
    let admin = Router::new()
        .route(
            "/admin/scim-config",
            get(admin::get_config).patch(admin::change_config),
        )
        .route("/admin/scim-config/token", post(admin::generate))
        .route("/admin/roles", get(admin::list_roles).post(admin::add_role))
        .route_layer(Guard::new(state.clone(), Gate::Admin));
    resources
        .merge(discovery)
        .merge(admin)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}
