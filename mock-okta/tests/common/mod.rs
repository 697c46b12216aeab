//! A canned SCIM server (wiremock) and helpers: each test step mounts what the server
//! answers, runs one mock-okta action, and snapshots the transcript.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use mock_okta::model::{Assignment, Task};
use mock_okta::{ActionReport, ClientMode, ClientOptions, MockOkta, NewUser, Org, Outcome};
use scim_client::RecordingClock;
use scim_core::{ListResponse, ScimError, ScimType};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The Okta user every harness starts with.
pub const LOGIN: &str = "test.user@okta.local";
/// Its app user's SCIM id, as the canned server hands it out.
pub const USER_ID: &str = "2819c223-7f76-453a-919d-413861904646";
pub const GROUP_ID: &str = "abf4dd94-a4c0-4f67-89c9-76b03340cb9b";

pub fn scim(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_raw(serde_json::to_vec(&body).unwrap(), "application/scim+json")
}

/// One page of a ListResponse, out of `total`, starting at `start`.
pub fn list_page(resources: Vec<Value>, total: u64, start: u64) -> Value {
    serde_json::to_value(ListResponse::new(resources, total, start)).unwrap()
}

/// A ListResponse holding every result.
pub fn list(resources: Vec<Value>) -> Value {
    let total = resources.len() as u64;
    list_page(resources, total, 1)
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

/// A group member as a server lists it.
pub fn member(id: &str, name: &str) -> Value {
    json!({"value": id, "display": name})
}

pub fn scim_error(status: u16, scim_type: Option<ScimType>, detail: &str) -> Value {
    let mut e = ScimError::new(status, detail);
    e.scim_type = scim_type;
    serde_json::to_value(e).unwrap()
}

/// A wiremock SCIM server and a mock Okta pointed at it, with a clock that records waits.
pub struct Harness {
    pub server: MockServer,
    pub okta: MockOkta,
    pub clock: Arc<RecordingClock>,
}

impl Harness {
    pub async fn new(mode: ClientMode) -> Harness {
        Harness::with_options(mode, |_| {}).await
    }

    /// A harness whose client options (timeout, attempts) are changed by `tweak`; the clock
    /// is always the recording one.
    pub async fn with_options(mode: ClientMode, tweak: impl FnOnce(&mut ClientOptions)) -> Harness {
        let server = MockServer::start().await;
        let mut org = Org::fivetran(&format!("{}/scim/v2", server.uri()), mode);
        // A fixed seed: the transcripts show the same ids on every run.
        org.ids = mock_okta::ids::IdGen::new(0x5c1d_0c7a);
        let clock = Arc::new(RecordingClock::default());
        let mut options = ClientOptions::new("secret-token-that-must-not-leak");
        options.clock = clock.clone();
        tweak(&mut options);
        let mut h = Harness {
            server,
            okta: MockOkta::new(org, options),
            clock,
        };
        h.add_user(LOGIN, "Test", "User");
        h
    }

    /// Adds an Okta user (nothing is sent); returns its Okta id.
    pub fn add_user(&mut self, login: &str, first: &str, last: &str) -> String {
        self.okta
            .create_user(NewUser {
                login: login.into(),
                first_name: first.into(),
                last_name: last.into(),
                email: None,
            })
            .unwrap()
            .id
    }

    /// The Okta id of a user.
    pub fn okta_id(&self, login: &str) -> String {
        self.okta.org().user(login).unwrap().id.clone()
    }

    /// The user's assignment, if any.
    pub fn assignment(&self, login: &str) -> Option<&Assignment> {
        self.okta.org().assignment(&self.okta_id(login))
    }

    /// Marks a user as assigned directly (Role "Account Analyst") and provisioned as the app
    /// user `scim_id`, active, without sending anything.
    pub fn link(&mut self, login: &str, scim_id: &str) {
        let user_id = self.okta_id(login);
        self.okta.org_mut().app.assignments.push(Assignment {
            user_id,
            attributes: role("Account Analyst"),
            direct: true,
            via_groups: vec![],
            scim_id: Some(scim_id.into()),
            app_active: true,
        });
    }

    /// Puts a user in an Okta group without sending anything (not `add_group_member`).
    pub fn join_group(&mut self, group: &str, login: &str) {
        let user_id = self.okta_id(login);
        let org = self.okta.org_mut();
        let at = org.groups.iter().position(|g| g.name == group).unwrap();
        org.groups[at].members.push(user_id);
    }

    /// Assign to People for the first user, with Role "Account Analyst".
    pub async fn assign(&mut self) -> ActionReport {
        self.okta
            .assign_user(LOGIN, role("Account Analyst"))
            .await
            .unwrap()
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

    /// The methods of the requests received since the last `answer`, in order.
    pub async fn methods(&self) -> Vec<String> {
        self.received()
            .await
            .iter()
            .map(|r| r.method.to_string())
            .collect()
    }
}

pub fn role(r: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("role".to_owned(), r.to_owned())])
}

/// The task an action opened; panics with the outcome if it opened none.
#[track_caller]
pub fn opened_task(report: &ActionReport) -> &Task {
    match &report.outcome {
        Outcome::TaskOpened { task } => task,
        other => panic!("expected a task, got {other:?}"),
    }
}

/// The lookup Okta sends for test.user@okta.local.
pub fn lookup(resources: Vec<Value>) -> Mock {
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(query_param("filter", format!("userName eq \"{LOGIN}\"")))
        .respond_with(scim(200, list(resources)))
}

/// The create Okta sends after an empty lookup, answered with `USER_ID`.
pub fn created_user() -> Mock {
    on(
        "POST",
        "/scim/v2/Users",
        scim(201, user(USER_ID, LOGIN, true)),
    )
}

/// A server on which assigning the group "Analysts", whose one member is the first user,
/// creates that user (`USER_ID`) and then the team (`GROUP_ID`, with the user).
pub fn analysts_become_a_team() -> Vec<Mock> {
    let mut mocks = vec![lookup(vec![]), created_user()];
    mocks.extend(group_create(201));
    mocks.extend(group_endpoint(vec![member(USER_ID, LOGIN)]));
    mocks
}

pub fn on(verb: &str, p: &str, response: ResponseTemplate) -> Mock {
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(response)
}

/// `/Users/{USER_ID}`: GET answers the user with `active: read_active`; PATCH and PUT answer
/// it with `active: write_active`.
pub fn user_endpoint(read_active: bool, write_active: bool) -> Vec<Mock> {
    let p = format!("/scim/v2/Users/{USER_ID}");
    vec![
        on("GET", &p, scim(200, user(USER_ID, LOGIN, read_active))),
        on("PATCH", &p, scim(200, user(USER_ID, LOGIN, write_active))),
        on("PUT", &p, scim(200, user(USER_ID, LOGIN, write_active))),
    ]
}

/// Push Groups' first requests: the `displayName eq` lookup finds nothing, and the create
/// answers `status` (the group "Analysts" as `GROUP_ID` on success, else a SCIM error).
pub fn group_create(status: u16) -> Vec<Mock> {
    let created = if (200..300).contains(&status) {
        group(GROUP_ID, "Analysts", vec![])
    } else {
        scim_error(status, None, "try later")
    };
    vec![
        on("GET", "/scim/v2/Groups", scim(200, list(vec![]))),
        on("POST", "/scim/v2/Groups", scim(status, created)),
    ]
}

/// `/Groups/{GROUP_ID}`: PATCH, GET and PUT all answer the group "Analysts" with `members`.
pub fn group_endpoint(members: Vec<Value>) -> Vec<Mock> {
    let p = format!("/scim/v2/Groups/{GROUP_ID}");
    let answer = || scim(200, group(GROUP_ID, "Analysts", members.clone()));
    vec![
        on("PATCH", &p, answer()),
        on("GET", &p, answer()),
        on("PUT", &p, answer()),
    ]
}

/// A report as a stable text: its outcome, each exchange, the events it logged and what
/// Import Now saw, with timings and dates removed (ids are fixed by the canned server and
/// the seeded generator; the token is masked by mock-okta itself).
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
    if let Some(import) = &report.import {
        writeln!(
            out,
            "\nimport: {} users scanned, {} inactive skipped, {} groups scanned",
            import.users_scanned, import.users_skipped_inactive, import.groups_scanned
        )
        .unwrap();
        for u in &import.review {
            writeln!(
                out,
                "  {} ({}): {}",
                u.user_name,
                u.scim_id,
                serde_json::to_value(&u.matched).unwrap()
            )
            .unwrap();
        }
    }
    if !report.events.is_empty() {
        out.push('\n');
        for e in &report.events {
            writeln!(out, "* {e}").unwrap();
        }
    }
    assert!(
        !out.contains("secret-token"),
        "the token leaked into a transcript"
    );
    out
}
