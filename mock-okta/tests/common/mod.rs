//! A canned SCIM server (wiremock) and helpers: each test step mounts what the server
//! answers, runs one mock-okta action, and snapshots the transcript.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::sync::Arc;

use mock_okta::{ActionReport, ClientMode, ClientOptions, MockOkta, NewUser, Org, RecordingClock};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const USER_ID: &str = "2819c223-7f76-453a-919d-413861904646";
pub const GROUP_ID: &str = "abf4dd94-a4c0-4f67-89c9-76b03340cb9b";

pub fn scim(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_raw(serde_json::to_vec(&body).unwrap(), "application/scim+json")
}

pub fn list(resources: Vec<Value>) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": resources.len(), "startIndex": 1, "itemsPerPage": resources.len(), "Resources": resources
    })
}

pub fn user(id: &str, user_name: &str, active: bool) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": id,
        "userName": user_name,
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": true, "value": user_name, "type": "work"}],
        "active": active,
        "roles": [{"primary": true, "value": "Account Analyst"}],
        "groups": [],
        "meta": {"resourceType": "User", "location": format!("https://fivetran.test/scim/v2/Users/{id}")}
    })
}

pub fn group(id: &str, name: &str, members: Vec<Value>) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": id, "displayName": name, "members": members,
        "meta": {"resourceType": "Group"}
    })
}

pub fn scim_error(status: u16, scim_type: Option<&str>, detail: &str) -> Value {
    let mut e = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": status.to_string(), "detail": detail});
    if let Some(t) = scim_type {
        e["scimType"] = json!(t);
    }
    e
}

/// A wiremock SCIM server and a mock Okta pointed at it, with a clock that records waits.
pub struct Harness {
    pub server: MockServer,
    pub okta: MockOkta,
    pub clock: Arc<RecordingClock>,
}

impl Harness {
    pub async fn new(mode: ClientMode) -> Harness {
        let server = MockServer::start().await;
        let org = Org::fivetran(&format!("{}/scim/v2", server.uri()), mode);
        let clock = Arc::new(RecordingClock::default());
        let mut options = ClientOptions::new("secret-token-that-must-not-leak");
        options.clock = clock.clone();
        let mut okta = MockOkta::new(org, options);
        okta.create_user(NewUser {
            login: "test.user@okta.local".into(),
            first_name: "Test".into(),
            last_name: "User".into(),
            email: None,
        })
        .unwrap();
        Harness {
            server,
            okta,
            clock,
        }
    }

    /// Replaces what the server answers.
    pub async fn answer(&self, mocks: Vec<Mock>) {
        self.server.reset().await;
        for m in mocks {
            m.mount(&self.server).await;
        }
    }

    /// Requests the server received since the last `answer`.
    pub async fn received(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }
}

pub fn role(r: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("role".to_owned(), r.to_owned())])
}

/// The lookup Okta sends for test.user@okta.local.
pub fn lookup(resources: Vec<Value>) -> Mock {
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(query_param(
            "filter",
            "userName eq \"test.user@okta.local\"",
        ))
        .respond_with(scim(200, list(resources)))
}

pub fn on(verb: &str, p: &str, response: ResponseTemplate) -> Mock {
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(response)
}

/// A report as a stable text: its outcome, then each exchange, with timings and dates
/// removed (ids are fixed by the canned server and the seeded generator; the token is
/// masked by mock-okta itself).
pub fn transcript(report: &ActionReport) -> String {
    let mut out = format!(
        "== {} -> {}\n",
        report.action,
        serde_json::to_value(&report.outcome).unwrap()
    );
    for e in &report.exchanges {
        let mut e = e.clone();
        if let Some(r) = &mut e.response {
            r.elapsed_ms = 0;
            r.headers.retain(|(k, _)| k != "date");
        }
        out.push('\n');
        out.push_str(&e.to_string());
    }
    assert!(
        !out.contains("secret-token"),
        "the token leaked into a transcript"
    );
    out
}
