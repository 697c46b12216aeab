//! What the scenarios talk to: a vendor's endpoint, or a reference server the run starts,
//! which the harness treats as any operator would: its SCIM API, and its admin API for
//! account settings. What the target offers is read from its discovery endpoints.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use scim_client::{HeaderCase, Request, Secret, Sent};
use serde_json::{Value, json};

use super::RunError;
use crate::scenario::{Capability, ReferenceAction};

/// Where the suite runs.
#[derive(Clone, Debug)]
pub enum Target {
    /// A SCIM endpoint and its bearer token.
    Url {
        /// The SCIM base URL.
        base_url: String,
        /// The token (never printed or written to a report).
        token: Secret,
    },
    /// The reference server, started in-process on a free loopback port.
    Reference,
}

/// A reference server starting: what [`StartReference`] returns.
pub type Starting =
    Pin<Box<dyn Future<Output = std::io::Result<reference_server::Running>> + Send>>;

/// How the run starts a reference server (for `--reference`, and for each scenario that
/// changes account settings and so needs a server of its own). By default
/// [`reference_server::spawn`]; the harness's own tests start a deliberately broken one.
#[derive(Clone)]
pub struct StartReference(Arc<dyn Fn(reference_server::Config) -> Starting + Send + Sync>);

impl StartReference {
    /// Starts servers with `start`, given the configuration the run chose (a loopback
    /// address on a free port, a fresh token).
    pub fn new(
        start: impl Fn(reference_server::Config) -> Starting + Send + Sync + 'static,
    ) -> StartReference {
        StartReference(Arc::new(start))
    }

    async fn start(
        &self,
        config: reference_server::Config,
    ) -> std::io::Result<reference_server::Running> {
        (self.0)(config).await
    }
}

impl Default for StartReference {
    fn default() -> StartReference {
        StartReference::new(|config| {
            Box::pin(async move { reference_server::spawn(&config).await })
        })
    }
}

impl std::fmt::Debug for StartReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StartReference")
    }
}

/// A reference server's admin API: its URL and credential.
#[derive(Clone, Debug)]
pub(crate) struct Admin {
    url: String,
    wire: scim_client::Client,
}

/// One SCIM endpoint the scenarios talk to.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub(crate) base_url: String,
    /// The path part of the base URL (`/scim/v2`), which recorded exchange paths start with.
    pub(crate) base_path: String,
    /// The recording client, whose records scrub the endpoint's token.
    pub(crate) wire: scim_client::Client,
    /// The admin API, when the endpoint is a reference server the run started.
    admin: Option<Admin>,
}

impl Endpoint {
    /// A vendor's endpoint.
    pub(crate) fn new(
        base_url: &str,
        token: Secret,
        timeout: Duration,
        max_body: usize,
    ) -> Endpoint {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let base_path = reqwest::Url::parse(&base_url)
            .map(|u| u.path().trim_end_matches('/').to_owned())
            .unwrap_or_default();
        Endpoint {
            base_url,
            base_path,
            // A scenario's raw requests default to Okta's headers, names cased as Okta's.
            wire: scim_client::Client::with_header_case(token, timeout, HeaderCase::Title)
                .with_max_body(max_body),
            admin: None,
        }
    }

    /// A request to `base + path` with the endpoint's token.
    pub(crate) fn request(&self, method: Method, path: &str) -> Request {
        Request::new(method, format!("{}{path}", self.base_url)).header(
            "Authorization",
            format!("Bearer {}", self.wire.secret().expose()),
        )
    }

    /// Sends a request and records it.
    pub(crate) async fn send(&self, request: Request) -> Sent {
        self.wire.send(&self.wire.prepare(request)).await
    }

    /// Changes the reference server's account settings through its admin API, as an
    /// operator would. `Ok` holds a note for the report; `Err` says why the server refused.
    pub(crate) async fn change_settings(
        &mut self,
        action: &ReferenceAction,
    ) -> Result<String, String> {
        let Some(admin) = &self.admin else {
            return Err("the target is not a reference server this run started".into());
        };
        let (method, path, body, note) = match action {
            ReferenceAction::Plan(p) => (
                Method::PATCH,
                "/scim-config",
                json!({ "plan": p }),
                format!("plan set to {p:?}"),
            ),
            ReferenceAction::ScimEnabled(on) => (
                Method::PATCH,
                "/scim-config",
                json!({ "scimEnabled": on }),
                format!(
                    "SCIM provisioning switched {}",
                    if *on { "on" } else { "off" }
                ),
            ),
            ReferenceAction::CustomRole(name) => (
                Method::POST,
                "/roles",
                json!({ "name": name }),
                format!("custom role {name} added"),
            ),
            ReferenceAction::RateLimit(limit) => (
                Method::PATCH,
                "/scim-config",
                json!({ "rateLimit": {"requests": limit.requests, "retryAfter": limit.retry_after} }),
                format!(
                    "the next {} requests are answered 429 with Retry-After: {}",
                    limit.requests, limit.retry_after
                ),
            ),
            ReferenceAction::Bulk(limits) => (
                Method::PATCH,
                "/scim-config",
                json!({ "bulk": {"maxOperations": limits.max_operations, "maxPayloadSize": limits.max_payload_size} }),
                format!(
                    "Bulk takes at most {} operations and {} bytes",
                    limits.max_operations, limits.max_payload_size
                ),
            ),
            ReferenceAction::RegenerateToken => (
                Method::POST,
                "/scim-config/token",
                json!({}),
                "a new API token was generated, and Okta holds it".to_owned(),
            ),
        };
        let request = Request::new(method, format!("{}{path}", admin.url))
            .header(
                "Authorization",
                format!("Bearer {}", admin.wire.secret().expose()),
            )
            .header("Content-Type", "application/json")
            .body(body.to_string());
        let sent = admin.wire.send(&admin.wire.prepare(request)).await;
        match &sent.outcome {
            Ok(a) if (200..300).contains(&a.status) => {
                if matches!(action, ReferenceAction::RegenerateToken) {
                    let token = a
                        .json
                        .as_ref()
                        .and_then(|j| j.get("token"))
                        .and_then(Value::as_str)
                        .ok_or("the admin API answered no token")?;
                    let rotated = self.wire.secret().rotated(token);
                    self.wire.set_secret(rotated);
                }
                Ok(note)
            }
            Ok(a) => Err(format!(
                "the admin API answered {}: {}",
                a.status,
                sent.text()
            )),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Starts a reference server on a free loopback port.
pub(crate) async fn start_reference(
    start: &StartReference,
    timeout: Duration,
    max_body: usize,
) -> Result<(reference_server::Running, Endpoint), RunError> {
    // The server generates its tokens; the run reads them back, as an operator would.
    let config = reference_server::Config {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        ..reference_server::Config::default()
    };
    let running = start.start(config).await.map_err(RunError::Reference)?;
    let mut endpoint = Endpoint::new(
        &running.base_url,
        running.scim_token().into(),
        timeout,
        max_body,
    );
    endpoint.admin = Some(Admin {
        url: running.admin_url.clone(),
        wire: scim_client::Client::new(running.admin_token(), timeout),
    });
    Ok((running, endpoint))
}

/// What the target offers, read from its discovery endpoints before the run: what it
/// advertises decides which optional RFC features are judged (what Okta needs is judged
/// whatever it advertises).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// `/Groups` exists.
    pub groups: bool,
    /// `etag.supported`.
    pub etag: bool,
    /// `sort.supported`.
    pub sort: bool,
    /// `POST /Users/.search` answers.
    pub search: bool,
    /// `filter.supported`.
    pub filter: bool,
    /// `patch.supported`.
    pub patch: bool,
    /// `bulk.supported`.
    pub bulk: bool,
    /// `GET /Me` answers (2xx) or redirects (3xx).
    pub me: bool,
    /// `/Schemas` declares `userName` `immutable`.
    pub immutable_user_name: bool,
    /// The base URL ends with a version segment (`/v2`).
    pub versioned: bool,
}

impl Capabilities {
    /// Whether the target has a capability.
    pub fn has(&self, c: Capability) -> bool {
        match c {
            Capability::Groups => self.groups,
            Capability::Etag => self.etag,
            Capability::Sort => self.sort,
            Capability::Search => self.search,
            Capability::Filter => self.filter,
            Capability::Patch => self.patch,
            Capability::Bulk => self.bulk,
            Capability::Me => self.me,
            Capability::ImmutableUserName => self.immutable_user_name,
            Capability::Versioned => self.versioned,
        }
    }
}

/// Checks, before anything is judged or made, that the target takes the token: Okta's Test
/// API Credentials request (`GET /Users?startIndex=1&count=1`). A 401 or 403 stops the run
/// with one sentence; any other answer (one over `--max-body` included) is for the scenarios
/// to judge.
pub(crate) async fn preflight(endpoint: &Endpoint) -> Result<(), RunError> {
    let sent = endpoint
        .send(endpoint.request(Method::GET, "/Users?startIndex=1&count=1"))
        .await;
    match &sent.outcome {
        Err(e) if sent.exchange.silent => Err(RunError::Unreachable {
            base_url: endpoint.base_url.clone(),
            reason: e.to_string(),
        }),
        Ok(a) if a.status == 401 || a.status == 403 => Err(RunError::TokenRefused {
            base_url: endpoint.base_url.clone(),
            status: a.status,
            detail: a
                .json
                .as_ref()
                .and_then(|j| j.get("detail"))
                .and_then(Value::as_str)
                .map(|d| scim_client::shorten(d, MAX_QUOTED)),
        }),
        _ => Ok(()),
    }
}

/// The most of a target's own words quoted in a run error: a target that answers a
/// megabyte of `detail` gets a sentence.
const MAX_QUOTED: usize = 300;

/// Reads the target's capabilities; fails only when the target does not answer at all.
pub(crate) async fn discover(endpoint: &Endpoint) -> Result<Capabilities, RunError> {
    let answered = |sent: &Sent| sent.status().is_some_and(|s| (200..300).contains(&s));
    let spc = endpoint
        .send(endpoint.request(Method::GET, "/ServiceProviderConfig"))
        .await;
    // An answer over `--max-body` is an answer: the capabilities are unknown, not the target.
    if let Err(e) = &spc.outcome
        && spc.exchange.silent
    {
        return Err(RunError::Unreachable {
            base_url: endpoint.base_url.clone(),
            reason: e.to_string(),
        });
    }
    let spc = match spc.json() {
        Some(json) if answered(&spc) => json.clone(),
        _ => Value::Null,
    };
    let flag = |k: &str| {
        spc.get(k)
            .and_then(|v| v.get("supported"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    let groups = endpoint
        .send(endpoint.request(Method::GET, "/Groups?startIndex=1&count=1"))
        .await;
    let search = endpoint
        .request(Method::POST, "/Users/.search")
        .header("content-type", "application/scim+json")
        .body(format!(
            r#"{{"schemas":["{}"],"count":0}}"#,
            scim_core::urn::SEARCH_REQUEST
        ));
    let search = endpoint.send(search).await;
    // `/Me` is not advertised anywhere: a server that serves it answers, or redirects (§3.11).
    let me = endpoint.send(endpoint.request(Method::GET, "/Me")).await;
    let me = me.status().is_some_and(|s| (200..400).contains(&s));
    let schema = endpoint
        .send(endpoint.request(Method::GET, &format!("/Schemas/{}", scim_core::urn::USER)))
        .await;
    let immutable_user_name = schema
        .json()
        .filter(|_| answered(&schema))
        .and_then(|s| s.get("attributes")?.as_array().cloned())
        .is_some_and(|attrs| {
            attrs.iter().any(|a| {
                a.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case("userName"))
                    && a.get("mutability").and_then(Value::as_str) == Some("immutable")
            })
        });
    let versioned = endpoint
        .base_url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .is_some_and(|last| last.eq_ignore_ascii_case("v2"));
    Ok(Capabilities {
        me,
        immutable_user_name,
        versioned,
        groups: answered(&groups),
        etag: flag("etag"),
        sort: flag("sort"),
        search: answered(&search),
        filter: flag("filter"),
        patch: flag("patch"),
        bulk: flag("bulk"),
    })
}
