//! A reference server driven in-process, for tests: each test builds its own isolated
//! server with a manual clock, and sends real HTTP requests through the router.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use reference_server::clock::ManualClock;
use reference_server::store::MemoryStore;
use reference_server::{AppState, Config, app};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const TOKEN: &str = "test-scim-token";
pub const ADMIN: &str = "test-admin-token";
pub const BASE: &str = "/scim/v2";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// A response, its body parsed as JSON (`Value::Null` when empty or not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a SCIM error: status, RFC 7644 §3.12 shape, and (when given) `scimType`.
    pub fn assert_error(&self, status: u16, scim_type: Option<&str>) -> &Self {
        assert_eq!(self.status.as_u16(), status, "status; body: {}", self.body);
        assert_eq!(
            self.body["schemas"],
            json!(["urn:ietf:params:scim:api:messages:2.0:Error"]),
            "{}",
            self.body
        );
        assert_eq!(
            self.body["status"],
            json!(status.to_string()),
            "status is a string: {}",
            self.body
        );
        assert!(
            self.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "detail: {}",
            self.body
        );
        match scim_type {
            Some(t) => assert_eq!(self.body["scimType"], json!(t), "scimType: {}", self.body),
            None => assert!(
                self.body.get("scimType").is_none(),
                "no scimType expected: {}",
                self.body
            ),
        }
        assert!(
            self.header("content-type")
                .is_some_and(|c| c.starts_with("application/scim+json")),
            "content type: {:?}",
            self.header("content-type")
        );
        self
    }

    pub fn detail(&self) -> &str {
        self.body["detail"].as_str().unwrap_or("")
    }
}

/// One isolated server.
pub struct Server {
    pub state: AppState,
    router: Router,
    pub clock: Arc<ManualClock>,
}

impl Server {
    pub fn new() -> Server {
        Server::with(|_| {})
    }

    /// A server whose configuration `f` adjusts (the tokens are fixed for tests).
    pub fn with(f: impl FnOnce(&mut Config)) -> Server {
        let mut config = Config {
            token: Some(TOKEN.into()),
            admin_token: Some(ADMIN.into()),
            ..Config::default()
        };
        f(&mut config);
        let clock = Arc::new(ManualClock::new("2026-01-01T00:00:00Z".parse().unwrap()));
        let state = AppState::with_parts(&config, Arc::new(MemoryStore::new()), clock.clone());
        Server {
            router: app(state.clone()),
            state,
            clock,
        }
    }

    /// Sends a request with the given extra headers; `body` is sent as SCIM JSON.
    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header("host", "scim.test");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b
            .body(body.map(Body::from).unwrap_or_else(Body::empty))
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let raw = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            raw,
        }
    }

    /// An authenticated SCIM request; `path` is relative to `/scim/v2`.
    pub async fn scim(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        self.scim_with(method, path, &[], body).await
    }

    pub async fn scim_with(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Resp {
        let auth = format!("Bearer {TOKEN}");
        let mut h: Vec<(&str, &str)> = vec![
            ("authorization", &auth),
            ("content-type", "application/scim+json; charset=utf-8"),
        ];
        h.extend_from_slice(headers);
        self.send(
            method,
            &format!("{BASE}{path}"),
            &h,
            body.map(|b| serde_json::to_vec(&b).unwrap()),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.scim(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.scim(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.scim(Method::PUT, path, Some(body)).await
    }

    /// A PATCH with the given `Operations`.
    pub async fn patch(&self, path: &str, operations: Value) -> Resp {
        self.scim(
            Method::PATCH,
            path,
            Some(json!({"schemas": [PATCH_OP], "Operations": operations})),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.scim(Method::DELETE, path, None).await
    }

    /// An admin API request.
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let auth = format!("Bearer {ADMIN}");
        let h = [
            ("authorization", auth.as_str()),
            ("content-type", "application/json"),
        ];
        self.send(
            method,
            &format!("/admin{path}"),
            &h,
            body.map(|b| serde_json::to_vec(&b).unwrap()),
        )
        .await
    }

    /// Creates a user the way Okta does and returns its id.
    pub async fn create_user(&self, email: &str) -> String {
        let r = self
            .post("/Users", okta_user(email, "Test", "User", None))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// Creates a team with the given member ids and returns its id.
    pub async fn create_group(&self, name: &str, members: &[&str]) -> String {
        let r = self
            .post("/Groups", group_body(name, member_values(members)))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// A team's representation (200 asserted).
    pub async fn get_team(&self, id: &str) -> Value {
        let r = self.get(&format!("/Groups/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body
    }

    /// `totalResults` of a list (`path` is a collection, with or without a query).
    pub async fn total(&self, path: &str) -> u64 {
        let sep = if path.contains('?') { '&' } else { '?' };
        let r = self.get(&format!("{path}{sep}count=0")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["totalResults"].as_u64().unwrap()
    }
}

/// A team body: a name and `members` as given.
pub fn group_body(name: &str, members: Value) -> Value {
    json!({"schemas": [GROUP], "displayName": name, "members": members})
}

/// `members` naming these user ids.
pub fn member_values(ids: &[&str]) -> Value {
    Value::Array(ids.iter().map(|id| json!({"value": id})).collect())
}

/// A resource's `meta.version`.
pub fn version(body: &Value) -> &str {
    body["meta"]["version"]
        .as_str()
        .unwrap_or_else(|| panic!("no meta.version: {body}"))
}

/// Okta's create-user body (okta-wire §2b), with an optional mapped role.
pub fn okta_user(email: &str, given: &str, family: &str, role: Option<&str>) -> Value {
    let mut u = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": email,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": true, "value": email, "type": "work"}],
        "displayName": format!("{given} {family}"),
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": true
    });
    if let Some(r) = role {
        u["roles"] = json!([{"primary": true, "value": r}]);
    }
    u
}

/// Percent-encodes a filter the way Okta does (`%20` for spaces).
pub fn enc(filter: &str) -> String {
    form_urlencoded::byte_serialize(filter.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
