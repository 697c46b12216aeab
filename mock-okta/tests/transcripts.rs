//! The full request transcript of every action, in both client modes, against a canned SCIM
//! server: what Okta sends is the product, so every byte of it is snapshotted.

mod common;

use common::*;
use mock_okta::model::{Assignment, HeaderProfile};
use mock_okta::{ClientMode, NewUser, ProfileChange};
use serde_json::json;

fn mode_name(mode: ClientMode) -> &'static str {
    match mode {
        ClientMode::OinPatch => "oin_patch",
        ClientMode::AiwPut => "aiw_put",
    }
}

fn provisioned(h: &mut Harness, login: &str, scim_id: &str) {
    let id = h.okta.org().user(login).unwrap().id.clone();
    h.okta.org_mut().app.assignments.push(Assignment {
        user_id: id,
        attributes: role("Account Analyst"),
        direct: true,
        via_groups: vec![],
        scim_id: Some(scim_id.into()),
        provisioned: true,
        app_active: true,
    });
}

async fn user_lifecycle(mode: ClientMode) {
    let mut h = Harness::new(mode).await;
    let mut out = String::new();

    h.answer(vec![on("GET", "/scim/v2/Users", scim(200, list(vec![])))])
        .await;
    out += &transcript(&h.okta.test_api_credentials().await);

    h.answer(vec![
        lookup(vec![]),
        on(
            "POST",
            "/scim/v2/Users",
            scim(201, user(USER_ID, "test.user@okta.local", true)),
        ),
    ])
    .await;
    out += &transcript(
        &h.okta
            .assign_user("test.user@okta.local", role("Account Analyst"))
            .await
            .unwrap(),
    );

    let path = format!("/scim/v2/Users/{USER_ID}");
    let user_get = || {
        on(
            "GET",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", true)),
        )
    };
    h.answer(vec![
        user_get(),
        on(
            "PUT",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", true)),
        ),
    ])
    .await;
    out += &transcript(
        &h.okta
            .set_app_attributes("test.user@okta.local", role("Account Reviewer"))
            .await
            .unwrap(),
    );

    h.answer(vec![
        user_get(),
        on(
            "PUT",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", true)),
        ),
    ])
    .await;
    let change = ProfileChange {
        first_name: Some("Another".into()),
        ..ProfileChange::default()
    };
    out += &transcript(
        &h.okta
            .update_user("test.user@okta.local", change)
            .await
            .unwrap(),
    );

    let inactive = scim(200, user(USER_ID, "test.user@okta.local", false));
    h.answer(vec![
        user_get(),
        on("PATCH", &path, inactive.clone()),
        on("PUT", &path, inactive),
    ])
    .await;
    out += &transcript(&h.okta.unassign_user("test.user@okta.local").await.unwrap());

    // Reassignment finds the inactive user and reactivates the same id.
    h.answer(vec![
        lookup(vec![user(USER_ID, "test.user@okta.local", false)]),
        on(
            "GET",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", false)),
        ),
        on(
            "PATCH",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", true)),
        ),
        on(
            "PUT",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", true)),
        ),
    ])
    .await;
    out += &transcript(
        &h.okta
            .assign_user("test.user@okta.local", role("Account Analyst"))
            .await
            .unwrap(),
    );

    h.answer(vec![]).await;
    out += &transcript(&h.okta.suspend_user("test.user@okta.local").unwrap());
    out += &transcript(&h.okta.unsuspend_user("test.user@okta.local").unwrap());
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
    let path = format!("/scim/v2/Users/{USER_ID}");

    // An app user that already exists and is active is linked, then its profile is pushed.
    h.answer(vec![
        lookup(vec![user(USER_ID, "test.user@okta.local", true)]),
        on(
            "GET",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", true)),
        ),
        on(
            "PUT",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", true)),
        ),
    ])
    .await;
    out += &transcript(
        &h.okta
            .assign_user("test.user@okta.local", role("Account Analyst"))
            .await
            .unwrap(),
    );

    // An assignment made while provisioning was off waits for Provision User.
    h.okta
        .create_user(NewUser {
            login: "late@okta.local".into(),
            first_name: "Late".into(),
            last_name: "Comer".into(),
            email: None,
        })
        .unwrap();
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
        wiremock::Mock::given(wiremock::matchers::method("GET"))
            .and(wiremock::matchers::path("/scim/v2/Users"))
            .respond_with(scim(200, list(vec![]))),
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
    let path = format!("/scim/v2/Users/{USER_ID}");
    h.okta.create_group("Analysts").unwrap();
    let first = h.okta.org().users[0].id.clone();
    h.okta.org_mut().groups[0].members.push(first);

    h.answer(vec![
        lookup(vec![]),
        on(
            "POST",
            "/scim/v2/Users",
            scim(201, user(USER_ID, "test.user@okta.local", true)),
        ),
    ])
    .await;
    out += &transcript(
        &h.okta
            .assign_group("Analysts", role("Account Analyst"))
            .await
            .unwrap(),
    );

    let inactive = scim(200, user(USER_ID, "test.user@okta.local", false));
    h.answer(vec![
        on(
            "GET",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", true)),
        ),
        on("PATCH", &path, inactive.clone()),
        on("PUT", &path, inactive),
    ])
    .await;
    out += &transcript(
        &h.okta
            .deactivate_user("test.user@okta.local")
            .await
            .unwrap(),
    );

    // Reactivated in Okta while its group is still assigned: provisioned again, same id.
    h.answer(vec![
        lookup(vec![user(USER_ID, "test.user@okta.local", false)]),
        on(
            "GET",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", false)),
        ),
        on(
            "PATCH",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", true)),
        ),
        on(
            "PUT",
            &path,
            scim(200, user(USER_ID, "test.user@okta.local", true)),
        ),
    ])
    .await;
    out += &transcript(
        &h.okta
            .reactivate_user("test.user@okta.local")
            .await
            .unwrap(),
    );

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
        wiremock::Mock::given(wiremock::matchers::method("GET"))
            .and(wiremock::matchers::path("/scim/v2/Users"))
            .and(query_param_str("startIndex", &start.to_string()))
            .respond_with(scim(200, json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 150, "startIndex": start, "itemsPerPage": resources.len(), "Resources": resources
            })))
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
    let summary = report.import.clone().unwrap();
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
            .confirm_assignments(&[
                "test.user@okta.local".into(),
                "new.person@okta.local".into(),
            ])
            .unwrap(),
    );
    assert!(
        h.received().await.is_empty(),
        "Confirm Assignments sends nothing"
    );
    assert_eq!(h.okta.org().app.assignments.len(), 2);

    insta::assert_snapshot!(format!("import_{}", mode_name(mode)), out);
}

fn query_param_str(k: &'static str, v: &str) -> wiremock::matchers::QueryParamExactMatcher {
    wiremock::matchers::query_param(k, v.to_owned())
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
    h.okta
        .create_user(NewUser {
            login: "second@okta.local".into(),
            first_name: "Second".into(),
            last_name: "User".into(),
            email: None,
        })
        .unwrap();
    provisioned(&mut h, "test.user@okta.local", USER_ID);
    provisioned(&mut h, "second@okta.local", "second-id");
    h.okta.create_group("Analysts").unwrap();
    let first = h.okta.org().users[0].id.clone();
    h.okta.org_mut().groups[0].members.push(first);
    let gpath = format!("/scim/v2/Groups/{GROUP_ID}");
    let member = |id: &str, name: &str| json!({"value": id, "display": name});
    let mut out = String::new();

    h.answer(vec![
        on("GET", "/scim/v2/Groups", scim(200, list(vec![]))),
        on(
            "POST",
            "/scim/v2/Groups",
            scim(201, group(GROUP_ID, "Analysts", vec![])),
        ),
        on(
            "PATCH",
            &gpath,
            scim(
                200,
                group(
                    GROUP_ID,
                    "Analysts",
                    vec![member(USER_ID, "test.user@okta.local")],
                ),
            ),
        ),
        on(
            "GET",
            &gpath,
            scim(200, group(GROUP_ID, "Analysts", vec![])),
        ),
        on(
            "PUT",
            &gpath,
            scim(
                200,
                group(
                    GROUP_ID,
                    "Analysts",
                    vec![member(USER_ID, "test.user@okta.local")],
                ),
            ),
        ),
    ])
    .await;
    out += &transcript(&h.okta.push_group("Analysts").await.unwrap());

    let both = vec![
        member(USER_ID, "test.user@okta.local"),
        member("second-id", "second@okta.local"),
    ];
    h.answer(vec![
        on(
            "PATCH",
            &gpath,
            scim(200, group(GROUP_ID, "Analysts", both.clone())),
        ),
        on(
            "GET",
            &gpath,
            scim(200, group(GROUP_ID, "Analysts", both.clone())),
        ),
        on(
            "PUT",
            &gpath,
            scim(200, group(GROUP_ID, "Analysts", both.clone())),
        ),
    ])
    .await;
    out += &transcript(
        &h.okta
            .add_group_member("Analysts", "second@okta.local")
            .await
            .unwrap(),
    );

    let one = vec![member("second-id", "second@okta.local")];
    h.answer(vec![
        on("PATCH", &gpath, wiremock::ResponseTemplate::new(204)),
        on(
            "GET",
            &gpath,
            scim(200, group(GROUP_ID, "Analysts", one.clone())),
        ),
        on(
            "PUT",
            &gpath,
            scim(200, group(GROUP_ID, "Analysts", one.clone())),
        ),
    ])
    .await;
    out += &transcript(
        &h.okta
            .remove_group_member("Analysts", "test.user@okta.local")
            .await
            .unwrap(),
    );

    h.answer(vec![
        on(
            "PATCH",
            &gpath,
            scim(200, group(GROUP_ID, "Analysts", one.clone())),
        ),
        on(
            "GET",
            &gpath,
            scim(200, group(GROUP_ID, "Analysts", one.clone())),
        ),
        on(
            "PUT",
            &gpath,
            scim(200, group(GROUP_ID, "Analysts", one.clone())),
        ),
    ])
    .await;
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

#[tokio::test]
async fn runscope_header_profile() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.okta.org_mut().app.headers = HeaderProfile::Runscope;
    let mut out = String::new();
    h.answer(vec![
        lookup(vec![]),
        on(
            "POST",
            "/scim/v2/Users",
            scim(201, user(USER_ID, "test.user@okta.local", true)),
        ),
    ])
    .await;
    out += &transcript(
        &h.okta
            .assign_user("test.user@okta.local", role("Account Analyst"))
            .await
            .unwrap(),
    );
    insta::assert_snapshot!("runscope_headers", out);
}

/// The transcript records what went over the wire: every header it lists arrived at the server
/// with that value (the token excepted, which the transcript masks), in both header profiles.
#[tokio::test]
async fn recorded_headers_are_what_the_server_received() {
    for profile in [HeaderProfile::Okta, HeaderProfile::Runscope] {
        let mut h = Harness::new(ClientMode::OinPatch).await;
        h.okta.org_mut().app.headers = profile;
        h.answer(vec![
            lookup(vec![]),
            on(
                "POST",
                "/scim/v2/Users",
                scim(201, user(USER_ID, "test.user@okta.local", true)),
            ),
        ])
        .await;
        let report = h
            .okta
            .assign_user("test.user@okta.local", role("Account Analyst"))
            .await
            .unwrap();
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
