//! The full request transcript of every action, in both client modes, against a canned SCIM
//! server: what Okta sends is the product, so every byte of it is snapshotted.

mod common;

use common::*;
use mock_okta::model::HeaderProfile;
use mock_okta::{ClientMode, ProfileChange};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};

fn mode_name(mode: ClientMode) -> &'static str {
    match mode {
        ClientMode::OinPatch => "oin_patch",
        ClientMode::AiwPut => "aiw_put",
    }
}

/// The inactive app user found by the lookup, then reactivated.
fn reactivation() -> Vec<wiremock::Mock> {
    let mut mocks = vec![lookup(vec![user(USER_ID, LOGIN, false)])];
    mocks.extend(user_endpoint(false, true));
    mocks
}

async fn user_lifecycle(mode: ClientMode) {
    let mut h = Harness::new(mode).await;
    let mut out = String::new();

    h.answer(vec![on("GET", "/scim/v2/Users", scim(200, list(vec![])))])
        .await;
    out += &transcript(&h.okta.test_api_credentials().await);

    h.answer(vec![lookup(vec![]), created_user()]).await;
    out += &transcript(&h.assign().await);

    h.answer(user_endpoint(true, true)).await;
    out += &transcript(
        &h.okta
            .set_app_attributes(LOGIN, role("Account Reviewer"))
            .await
            .unwrap(),
    );

    h.answer(user_endpoint(true, true)).await;
    let change = ProfileChange {
        first_name: Some("Another".into()),
        ..ProfileChange::default()
    };
    out += &transcript(&h.okta.update_user(LOGIN, change).await.unwrap());

    h.answer(user_endpoint(true, false)).await;
    out += &transcript(&h.okta.unassign_user(LOGIN).await.unwrap());

    // Reassignment finds the inactive user, reactivates the same id, and pushes Okta's
    // profile (in PATCH mode a GET and PUT follow the PATCH; in PUT mode the one PUT carries
    // it), so the name changed while unassigned reaches the app.
    h.answer(reactivation()).await;
    out += &transcript(&h.assign().await);

    h.answer(vec![]).await;
    out += &transcript(&h.okta.suspend_user(LOGIN).unwrap());
    out += &transcript(&h.okta.unsuspend_user(LOGIN).unwrap());
    assert!(h.received().await.is_empty(), "suspension sends nothing");

    insta::assert_snapshot!(format!("user_lifecycle_{}", mode_name(mode)), out);
}

#[tokio::test]
async fn user_lifecycle_oin_patch() {
    user_lifecycle(ClientMode::OinPatch).await;
}

#[tokio::test]
async fn user_lifecycle_aiw_put() {
    user_lifecycle(ClientMode::AiwPut).await;
}

async fn link_and_provision(mode: ClientMode) {
    let mut h = Harness::new(mode).await;
    let mut out = String::new();

    // An app user that already exists and is active is linked, then its profile is pushed.
    let mut mocks = vec![lookup(vec![user(USER_ID, LOGIN, true)])];
    mocks.extend(user_endpoint(true, true));
    h.answer(mocks).await;
    out += &transcript(&h.assign().await);

    // An assignment made while provisioning was off waits for Provision User.
    h.add_user("late@okta.local", "Late", "Comer");
    h.okta.org_mut().app.api.enabled = false;
    h.answer(vec![]).await;
    out += &transcript(
        &h.okta
            .assign_user("late@okta.local", role("Account Billing"))
            .await
            .unwrap(),
    );
    assert!(h.received().await.is_empty());
    h.okta.org_mut().app.api.enabled = true;
    h.answer(vec![
        on("GET", "/scim/v2/Users", scim(200, list(vec![]))),
        on(
            "POST",
            "/scim/v2/Users",
            scim(201, user("late-id", "late@okta.local", true)),
        ),
    ])
    .await;
    out += &transcript(&h.okta.provision_user("late@okta.local").await.unwrap());

    insta::assert_snapshot!(format!("link_and_provision_{}", mode_name(mode)), out);
}

#[tokio::test]
async fn link_and_provision_oin_patch() {
    link_and_provision(ClientMode::OinPatch).await;
}

#[tokio::test]
async fn link_and_provision_aiw_put() {
    link_and_provision(ClientMode::AiwPut).await;
}

async fn group_assignment_and_okta_lifecycle(mode: ClientMode) {
    let mut h = Harness::new(mode).await;
    let mut out = String::new();
    h.okta.create_group("Analysts", &[]).unwrap();
    h.join_group("Analysts", LOGIN);

    // The member is provisioned, then the group becomes a team (the latest Fivetran app).
    h.answer(analysts_become_a_team()).await;
    out += &transcript(
        &h.okta
            .assign_group("Analysts", role("Account Analyst"))
            .await
            .unwrap(),
    );

    h.answer(user_endpoint(true, false)).await;
    out += &transcript(&h.okta.deactivate_user(LOGIN).await.unwrap());

    // Reactivated in Okta while its group is still assigned: provisioned again, same id.
    h.answer(reactivation()).await;
    out += &transcript(&h.okta.reactivate_user(LOGIN).await.unwrap());

    insta::assert_snapshot!(format!("group_assignment_{}", mode_name(mode)), out);
}

#[tokio::test]
async fn group_assignment_oin_patch() {
    group_assignment_and_okta_lifecycle(ClientMode::OinPatch).await;
}

#[tokio::test]
async fn group_assignment_aiw_put() {
    group_assignment_and_okta_lifecycle(ClientMode::AiwPut).await;
}

async fn import(mode: ClientMode) {
    let mut h = Harness::new(mode).await;
    h.okta.org_mut().app.import_groups = true;
    let mut out = String::new();
    h.answer(vec![
        on("GET", "/scim/v2/Users", scim(200, list(vec![]))),
        on("GET", "/scim/v2/Groups", scim(200, list(vec![]))),
    ])
    .await;
    out += &transcript(&h.okta.save_settings().await);

    // Two pages: the server says 150 users in all, so Okta asks again at startIndex=101.
    let page = |start: u64, resources: Vec<serde_json::Value>| {
        wiremock::Mock::given(method("GET"))
            .and(path("/scim/v2/Users"))
            .and(query_param("startIndex", start.to_string()))
            .respond_with(scim(200, list_page(resources, 150, start)))
    };
    h.answer(vec![
        page(
            1,
            vec![
                user("u-exact", "Test.User@okta.local", true),
                user("u-gone", "gone@okta.local", false),
            ],
        ),
        page(
            101,
            vec![{
                let mut u = user("u-new", "new.person@okta.local", true);
                u["name"] = json!({"givenName": "New", "familyName": "Person"});
                u
            }],
        ),
        on(
            "GET",
            "/scim/v2/Groups",
            scim(200, list(vec![group(GROUP_ID, "Engineering", vec![])])),
        ),
    ])
    .await;
    let report = h.okta.import_now().await;
    let summary = report.import.as_ref().unwrap();
    assert_eq!(
        (
            summary.users_scanned,
            summary.users_skipped_inactive,
            summary.groups_scanned
        ),
        (2, 1, 1)
    );
    out += &transcript(&report);

    h.answer(vec![]).await;
    out += &transcript(
        &h.okta
            .confirm_assignments(&[LOGIN.into(), "new.person@okta.local".into()])
            .unwrap(),
    );
    assert!(
        h.received().await.is_empty(),
        "Confirm Assignments sends nothing"
    );
    assert_eq!(h.okta.org().app.assignments.len(), 2);

    insta::assert_snapshot!(format!("import_{}", mode_name(mode)), out);
}

#[tokio::test]
async fn import_oin_patch() {
    import(ClientMode::OinPatch).await;
}

#[tokio::test]
async fn import_aiw_put() {
    import(ClientMode::AiwPut).await;
}

async fn group_push(mode: ClientMode) {
    let mut h = Harness::new(mode).await;
    h.add_user("second@okta.local", "Second", "User");
    h.link(LOGIN, USER_ID);
    h.link("second@okta.local", "second-id");
    h.okta.create_group("Analysts", &[]).unwrap();
    h.join_group("Analysts", LOGIN);
    let gpath = format!("/scim/v2/Groups/{GROUP_ID}");
    let mut out = String::new();

    let mut mocks = group_create(201);
    mocks.extend(group_endpoint(vec![member(USER_ID, LOGIN)]));
    h.answer(mocks).await;
    out += &transcript(&h.okta.push_group("Analysts").await.unwrap());

    h.answer(group_endpoint(vec![
        member(USER_ID, LOGIN),
        member("second-id", "second@okta.local"),
    ]))
    .await;
    out += &transcript(
        &h.okta
            .add_group_member("Analysts", "second@okta.local")
            .await
            .unwrap(),
    );

    let one = || vec![member("second-id", "second@okta.local")];
    // Mounted first, so the PATCH answers 204 with no body.
    let mut mocks = vec![on("PATCH", &gpath, wiremock::ResponseTemplate::new(204))];
    mocks.extend(group_endpoint(one()));
    h.answer(mocks).await;
    out += &transcript(&h.okta.remove_group_member("Analysts", LOGIN).await.unwrap());

    h.answer(group_endpoint(one())).await;
    out += &transcript(&h.okta.push_now("Analysts").await.unwrap());
    out += &transcript(
        &h.okta
            .rename_group("Analysts", "Data Analysts")
            .await
            .unwrap(),
    );

    h.answer(vec![on(
        "DELETE",
        &gpath,
        wiremock::ResponseTemplate::new(204),
    )])
    .await;
    out += &transcript(&h.okta.unlink_group("Data Analysts", true).await.unwrap());

    insta::assert_snapshot!(format!("group_push_{}", mode_name(mode)), out);
}

#[tokio::test]
async fn group_push_oin_patch() {
    group_push(ClientMode::OinPatch).await;
}

#[tokio::test]
async fn group_push_aiw_put() {
    group_push(ClientMode::AiwPut).await;
}

/// Answers a create with the user it was sent, whose id is `id-<userName>`: each of
/// several creates at once gets an id of its own, the same on every run.
struct EchoCreate;

impl wiremock::Respond for EchoCreate {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let mut user: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        user["id"] = json!(format!("id-{}", user["userName"].as_str().unwrap()));
        scim(201, user)
    }
}

/// Tasks at once (`provisioning_concurrency`): several people assigned together, then a
/// group of new members assigned, whose team is pushed beside their creates (inferences 22
/// and 23). The transcript lists the tasks in the users' order, the team's after.
async fn tasks_at_once(mode: ClientMode) {
    let mut h = Harness::new(mode).await;
    h.okta.change_settings(&mock_okta::Settings {
        provisioning_concurrency: Some(2),
        ..mock_okta::Settings::default()
    });
    h.add_user("second@okta.local", "Second", "User");
    h.add_user("third@okta.local", "Third", "User");
    h.add_user("fourth@okta.local", "Fourth", "User");
    let creates = || {
        vec![
            on("GET", "/scim/v2/Users", scim(200, list(vec![]))),
            wiremock::Mock::given(method("POST"))
                .and(path("/scim/v2/Users"))
                .respond_with(EchoCreate),
        ]
    };
    let mut out = String::new();

    h.answer(creates()).await;
    let people = [LOGIN.to_owned(), "second@okta.local".to_owned()];
    out += &transcript(
        &h.okta
            .assign_users(&people, role("Account Analyst"))
            .await
            .unwrap(),
    );

    h.okta
        .create_group("Analysts", &["third@okta.local", "fourth@okta.local"])
        .unwrap();
    let mut mocks = creates();
    mocks.extend(group_create(201));
    mocks.extend(group_endpoint(vec![
        member("id-third@okta.local", "third@okta.local"),
        member("id-fourth@okta.local", "fourth@okta.local"),
    ]));
    h.answer(mocks).await;
    out += &transcript(
        &h.okta
            .assign_group("Analysts", role("Account Reviewer"))
            .await
            .unwrap(),
    );
    insta::assert_snapshot!(format!("tasks_at_once_{}", mode_name(mode)), out);
}

#[tokio::test]
async fn tasks_at_once_oin_patch() {
    tasks_at_once(ClientMode::OinPatch).await;
}

#[tokio::test]
async fn tasks_at_once_aiw_put() {
    tasks_at_once(ClientMode::AiwPut).await;
}

#[tokio::test]
async fn runscope_header_profile() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.okta.org_mut().app.headers = HeaderProfile::Runscope;
    let mut out = String::new();
    h.answer(vec![lookup(vec![]), created_user()]).await;
    out += &transcript(&h.assign().await);
    insta::assert_snapshot!("runscope_headers", out);
}

/// The transcript records what went over the wire: every header it lists arrived at the server
/// with that value (the token excepted, which the transcript masks), in both header profiles.
#[tokio::test]
async fn recorded_headers_are_what_the_server_received() {
    for profile in [HeaderProfile::Okta, HeaderProfile::Runscope] {
        let mut h = Harness::new(ClientMode::OinPatch).await;
        h.okta.org_mut().app.headers = profile;
        h.answer(vec![lookup(vec![]), created_user()]).await;
        let report = h.assign().await;
        let received = h.received().await;
        assert_eq!(received.len(), report.exchanges.len());
        for (ex, wire) in report.exchanges.iter().zip(&received) {
            assert_eq!(ex.request.method, wire.method.to_string());
            let wire_path = match wire.url.query() {
                Some(q) => format!("{}?{q}", wire.url.path()),
                None => wire.url.path().to_owned(),
            };
            assert_eq!(ex.request.path, wire_path);
            for (k, v) in &ex.request.headers {
                let got = wire
                    .headers
                    .get(k.as_str())
                    .and_then(|x| x.to_str().ok())
                    .unwrap_or_else(|| panic!("{k} did not reach the server"));
                if k == "Authorization" {
                    assert_eq!(got, "Bearer secret-token-that-must-not-leak");
                } else {
                    assert_eq!(got, v, "{profile:?} {k}");
                }
            }
            assert_eq!(
                ex.request.body.as_deref().map(str::as_bytes),
                (!wire.body.is_empty()).then_some(wire.body.as_slice())
            );
        }
    }
}
