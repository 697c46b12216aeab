//! Every mock-okta flow, in both client modes, against the reference server on a real socket;
//! after each, the server's state is read back over SCIM and checked.

use std::collections::BTreeMap;

use mock_okta::{ClientMode, ClientOptions, MockOkta, NewUser, Org, Outcome, ProfileChange};
use reference_server::Running;
use scim_e2e::{TOKEN, reference_server};
use serde_json::Value;

struct World {
    server: Running,
    okta: MockOkta,
    http: reqwest::Client,
}

impl World {
    async fn new(mode: ClientMode) -> World {
        let server = reference_server(|c| c.custom_roles = vec!["Data Steward".into()]).await;
        let okta = MockOkta::new(
            Org::fivetran(&server.base_url, mode),
            ClientOptions::new(TOKEN),
        );
        World {
            server,
            okta,
            http: reqwest::Client::new(),
        }
    }

    fn person(&mut self, login: &str, first: &str) {
        self.okta
            .create_user(NewUser {
                login: login.into(),
                first_name: first.into(),
                last_name: "Example".into(),
                email: None,
            })
            .unwrap();
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.server.base_url))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The server's user with this userName.
    async fn user(&self, user_name: &str) -> Value {
        let filter = format!("userName eq \"{user_name}\"");
        let (_, list) = self
            .get(&format!("/Users?filter={}", scim_client::encode(&filter)))
            .await;
        assert_eq!(list["totalResults"], 1, "{user_name} on the server: {list}");
        list["Resources"][0].clone()
    }

    fn scim_id(&self, login: &str) -> String {
        let org = self.okta.org();
        org.assignment(&org.user(login).unwrap().id)
            .unwrap()
            .scim_id
            .clone()
            .unwrap()
    }
}

fn role(r: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("role".to_owned(), r.to_owned())])
}

fn succeeded(outcome: &Outcome) {
    assert_eq!(*outcome, Outcome::Succeeded);
}

fn task_detail(outcome: &Outcome) -> String {
    match outcome {
        Outcome::TaskOpened { task } => task.message.clone(),
        other => panic!("expected a task, got {other:?}"),
    }
}

async fn every_flow(mode: ClientMode) {
    let mut w = World::new(mode).await;
    w.person("alice@example.com", "Alice");
    w.person("bob@example.com", "Bob");

    succeeded(&w.okta.test_api_credentials().await.outcome);

    // Create users (assignment), with the mapped Role.
    succeeded(
        &w.okta
            .assign_user("alice@example.com", role("Account Analyst"))
            .await
            .unwrap()
            .outcome,
    );
    let alice = w.user("alice@example.com").await;
    assert_eq!(alice["roles"][0]["value"], "Account Analyst");
    assert_eq!(
        alice["externalId"],
        w.okta.org().user("alice@example.com").unwrap().id.as_str()
    );
    assert_eq!(alice["active"], true);
    let alice_id = alice["id"].as_str().unwrap().to_owned();
    assert_eq!(w.scim_id("alice@example.com"), alice_id);

    // Update user attributes: role, first name, last name.
    succeeded(
        &w.okta
            .set_app_attributes("alice@example.com", role("Account Reviewer"))
            .await
            .unwrap()
            .outcome,
    );
    let change = ProfileChange {
        first_name: Some("Alicia".into()),
        last_name: Some("Liddell".into()),
        ..ProfileChange::default()
    };
    succeeded(
        &w.okta
            .update_user("alice@example.com", change)
            .await
            .unwrap()
            .outcome,
    );
    let alice = w.user("alice@example.com").await;
    assert_eq!(
        (
            alice["roles"][0]["value"].as_str(),
            alice["name"]["givenName"].as_str(),
            alice["name"]["familyName"].as_str()
        ),
        (Some("Account Reviewer"), Some("Alicia"), Some("Liddell"))
    );

    // An email change (and so, with the Email username format, a userName change) is refused
    // by Fivetran's rules: the push fails with the server's detail.
    let change = ProfileChange {
        email: Some("alice@elsewhere.example".into()),
        ..ProfileChange::default()
    };
    let detail = task_detail(
        &w.okta
            .update_user("alice@example.com", change)
            .await
            .unwrap()
            .outcome,
    );
    assert!(detail.contains("cannot be changed"), "{detail}");
    let change = ProfileChange {
        email: Some("alice@example.com".into()),
        ..ProfileChange::default()
    };
    succeeded(
        &w.okta
            .update_user("alice@example.com", change)
            .await
            .unwrap()
            .outcome,
    );

    // Only account-level roles.
    let detail = task_detail(
        &w.okta
            .assign_user("bob@example.com", role("Destination Administrator"))
            .await
            .unwrap()
            .outcome,
    );
    assert!(
        detail.contains("only account-level roles can be set through SCIM"),
        "{detail}"
    );
    let task = w.okta.org().tasks.last().unwrap().id;
    w.okta
        .set_app_attributes("bob@example.com", role("Data Steward"))
        .await
        .unwrap();
    succeeded(&w.okta.retry_task(task).await.unwrap().outcome);
    assert_eq!(
        w.user("bob@example.com").await["roles"][0]["value"],
        "Data Steward"
    );

    // Deactivation is a soft delete; reassignment reactivates the same id.
    succeeded(
        &w.okta
            .unassign_user("alice@example.com")
            .await
            .unwrap()
            .outcome,
    );
    let (status, body) = w.get(&format!("/Users/{alice_id}")).await;
    assert_eq!((status, body["active"].clone()), (200, Value::Bool(false)));
    succeeded(
        &w.okta
            .assign_user("alice@example.com", role("Account Reviewer"))
            .await
            .unwrap()
            .outcome,
    );
    let alice = w.user("alice@example.com").await;
    assert_eq!(
        (alice["id"].as_str(), alice["active"].as_bool()),
        (Some(alice_id.as_str()), Some(true))
    );

    // Group Push: create with members, membership changes, rename, Push Now, delete.
    w.okta.create_group("Analysts", &[]).unwrap();
    w.okta
        .add_group_member("Analysts", "alice@example.com")
        .await
        .unwrap();
    w.okta
        .add_group_member("Analysts", "bob@example.com")
        .await
        .unwrap();
    succeeded(&w.okta.push_group("Analysts").await.unwrap().outcome);
    let team_id = w.okta.org().app.pushed_groups[0].scim_id.clone();
    let (_, team) = w.get(&format!("/Groups/{team_id}")).await;
    assert_eq!(team["displayName"], "Analysts");
    assert_eq!(team["members"].as_array().unwrap().len(), 2, "{team}");
    succeeded(
        &w.okta
            .remove_group_member("Analysts", "bob@example.com")
            .await
            .unwrap()
            .outcome,
    );
    let (_, team) = w.get(&format!("/Groups/{team_id}")).await;
    assert_eq!(team["members"][0]["value"], alice_id.as_str());
    assert_eq!(team["members"].as_array().unwrap().len(), 1);
    succeeded(
        &w.okta
            .rename_group("Analysts", "Data Analysts")
            .await
            .unwrap()
            .outcome,
    );
    succeeded(&w.okta.push_now("Data Analysts").await.unwrap().outcome);
    let (_, team) = w.get(&format!("/Groups/{team_id}")).await;
    assert_eq!(team["displayName"], "Data Analysts");
    assert_eq!(
        w.user("alice@example.com").await["groups"][0]["display"],
        "Data Analysts"
    );
    succeeded(
        &w.okta
            .unlink_group("Data Analysts", true)
            .await
            .unwrap()
            .outcome,
    );
    assert_eq!(w.get(&format!("/Groups/{team_id}")).await.0, 404);
    assert_eq!(
        w.user("alice@example.com").await["active"],
        true,
        "deleting a team leaves its users"
    );

    // Import: active users come back as exact matches; an inactive one is skipped.
    w.person("carol@example.com", "Carol");
    succeeded(
        &w.okta
            .assign_user("carol@example.com", role("Account Billing"))
            .await
            .unwrap()
            .outcome,
    );
    succeeded(
        &w.okta
            .deactivate_user("carol@example.com")
            .await
            .unwrap()
            .outcome,
    );
    let report = w.okta.import_now().await;
    let import = report.import.unwrap();
    assert_eq!(
        (import.users_scanned, import.users_skipped_inactive),
        (2, 1)
    );
    assert!(
        import
            .review
            .iter()
            .all(|u| matches!(u.matched, mock_okta::model::ImportMatch::Exact(_)))
    );

    // Provision User for an assignment made while provisioning was off.
    w.person("dave@example.com", "Dave");
    w.okta.org_mut().app.api.enabled = false;
    assert!(matches!(
        w.okta
            .assign_user("dave@example.com", role("Account Analyst"))
            .await
            .unwrap()
            .outcome,
        Outcome::NothingSent { .. }
    ));
    w.okta.org_mut().app.api.enabled = true;
    succeeded(
        &w.okta
            .provision_user("dave@example.com")
            .await
            .unwrap()
            .outcome,
    );
    assert_eq!(
        w.user("dave@example.com").await["roles"][0]["value"],
        "Account Analyst"
    );

    // A plan without SCIM: Test API Credentials shows the server's reason.
    w.server.state.settings_mut().plan = reference_server::Plan::Starter;
    let Outcome::Failed { message } = w.okta.test_api_credentials().await.outcome else {
        panic!("should fail")
    };
    assert!(
        message.contains("Enterprise or Business Critical"),
        "{message}"
    );
    w.server.stop().await.unwrap();
}

#[tokio::test]
async fn every_flow_oin_patch() {
    every_flow(ClientMode::OinPatch).await;
}

#[tokio::test]
async fn every_flow_aiw_put() {
    every_flow(ClientMode::AiwPut).await;
}

/// Assign to Groups with provisioning tasks running at once: every member is created once,
/// linked to its own app user, and the group becomes a team with all of them.
async fn a_group_provisioned_concurrently(mode: ClientMode) {
    let mut w = World::new(mode).await;
    w.okta.change_settings(&mock_okta::Settings {
        provisioning_concurrency: Some(8),
        ..mock_okta::Settings::default()
    });
    let logins: Vec<String> = (0..30)
        .map(|i| format!("member{i:02}@example.com"))
        .collect();
    for login in &logins {
        w.person(login, "Member");
    }
    // One member was assigned on their own before: linked already, not created again.
    succeeded(
        &w.okta
            .assign_user(&logins[0], role("Account Analyst"))
            .await
            .unwrap()
            .outcome,
    );
    let refs: Vec<&str> = logins.iter().map(String::as_str).collect();
    w.okta.create_group("Big", &refs).unwrap();
    let report = w
        .okta
        .assign_group("Big", role("Account Reviewer"))
        .await
        .unwrap();
    succeeded(&report.outcome);
    let posts = report
        .exchanges
        .iter()
        .filter(|e| e.request.method == "POST" && e.request.path.ends_with("/Users"))
        .count();
    assert_eq!(posts, 29, "each new member is created once");
    let (_, all) = w.get("/Users?count=100").await;
    assert_eq!(all["totalResults"], 30, "no second account for anyone");
    let mut ids: Vec<String> = logins.iter().map(|l| w.scim_id(l)).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30, "each member linked to its own app user");
    let (_, teams) = w.get("/Groups").await;
    assert_eq!(
        teams["Resources"][0]["members"].as_array().unwrap().len(),
        30
    );
}

#[tokio::test]
async fn a_group_provisioned_concurrently_oin_patch() {
    a_group_provisioned_concurrently(ClientMode::OinPatch).await;
}

#[tokio::test]
async fn a_group_provisioned_concurrently_aiw_put() {
    a_group_provisioned_concurrently(ClientMode::AiwPut).await;
}

/// A server on which no user can be created until a group has been: each `POST /Users`
/// waits for the first `POST /Groups`. Okta, pushing the team beside its members' creates
/// (inference 23), gets through; a client that waited for the members before pushing the
/// team would see every create time out.
async fn creates_wait_for_a_group() -> (String, tokio::task::JoinHandle<()>) {
    use axum::extract::State;
    use axum::routing::get;
    use axum::{Json, Router};
    use serde_json::json;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio::sync::watch;

    #[derive(Clone)]
    struct Latch {
        group_made: Arc<watch::Sender<bool>>,
        next: Arc<AtomicU64>,
    }
    let (tx, _) = watch::channel(false);
    let latch = Latch {
        group_made: Arc::new(tx),
        next: Arc::new(AtomicU64::new(1)),
    };
    let empty = || {
        Json(
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []}),
        )
    };
    let app = Router::new()
        .route(
            "/scim/v2/Users",
            get(move || async move { empty() }).post(
                |State(l): State<Latch>, Json(body): Json<Value>| async move {
                    let mut made = l.group_made.subscribe();
                    let _ = made.wait_for(|m| *m).await;
                    let id = format!("u{}", l.next.fetch_add(1, Ordering::SeqCst));
                    let mut user = body;
                    user["id"] = json!(id);
                    (axum::http::StatusCode::CREATED, Json(user))
                },
            ),
        )
        .route(
            "/scim/v2/Groups",
            get(move || async move { empty() }).post(
                |State(l): State<Latch>, Json(body): Json<Value>| async move {
                    l.group_made.send_replace(true);
                    let mut group = body;
                    group["id"] = json!("team");
                    (axum::http::StatusCode::CREATED, Json(group))
                },
            ),
        )
        .route(
            "/scim/v2/Groups/team",
            get(|| async { Json(json!({"id": "team", "displayName": "Big", "members": []})) })
                .patch(|| async { Json(json!({"id": "team", "displayName": "Big"})) })
                .put(|Json(body): Json<Value>| async move { Json(body) }),
        )
        .with_state(latch);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/scim/v2", listener.local_addr().unwrap());
    let serve = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, serve)
}

async fn the_team_is_pushed_while_its_members_are_created(mode: ClientMode) {
    let (base, serve) = creates_wait_for_a_group().await;
    let mut options = ClientOptions::new(TOKEN);
    // Only a regression waits this out: then every create would time out.
    options.timeout = std::time::Duration::from_secs(5);
    let mut okta = MockOkta::new(Org::fivetran(&base, mode), options);
    okta.change_settings(&mock_okta::Settings {
        provisioning_concurrency: Some(4),
        ..mock_okta::Settings::default()
    });
    let logins: Vec<String> = (0..6).map(|i| format!("m{i}@example.com")).collect();
    for login in &logins {
        okta.create_user(NewUser {
            login: login.clone(),
            first_name: "Member".into(),
            last_name: "Example".into(),
            email: None,
        })
        .unwrap();
    }
    let refs: Vec<&str> = logins.iter().map(String::as_str).collect();
    okta.create_group("Big", &refs).unwrap();
    let report = okta
        .assign_group("Big", role("Account Analyst"))
        .await
        .unwrap();
    succeeded(&report.outcome);
    let org = okta.org();
    for login in &logins {
        let a = org.assignment(&org.user(login).unwrap().id).unwrap();
        assert!(a.scim_id.is_some(), "{login} is linked");
    }
    // The members created meanwhile join the team afterwards.
    let last = report.exchanges.last().unwrap();
    assert!(
        matches!(last.request.method.as_str(), "PATCH" | "PUT"),
        "{}",
        last.request.method
    );
    let sent = last.request.body.as_deref().unwrap_or_default();
    if mode == ClientMode::AiwPut {
        assert_eq!(sent.matches("\"value\"").count(), 6, "{sent}");
    }
    serve.abort();
}

#[tokio::test]
async fn the_team_is_pushed_while_its_members_are_created_oin_patch() {
    the_team_is_pushed_while_its_members_are_created(ClientMode::OinPatch).await;
}

#[tokio::test]
async fn the_team_is_pushed_while_its_members_are_created_aiw_put() {
    the_team_is_pushed_while_its_members_are_created(ClientMode::AiwPut).await;
}
