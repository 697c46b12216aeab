//! Paths the transcripts do not walk: assignments through groups ending (or not), a group
//! linked from the last import, partial import matches, and paging that a wrong
//! `totalResults` must not send into a long loop, and imports that would hold unbounded
//! memory or run forever.

mod common;

use common::*;
use mock_okta::model::{ImportMatch, ImportedGroup};
use mock_okta::{ClientMode, Outcome};
use serde_json::Value;
use wiremock::Mock;
use wiremock::matchers::{method, path, query_param};

/// The first user in group "Analysts", the group assigned to the app, and the user created
/// in the app through it (as `USER_ID`).
async fn assigned_through_analysts(h: &mut Harness) {
    // Assignments only: the group is not made a team (that is its own test).
    h.okta.org_mut().app.teams_from_group_assignments = false;
    h.okta.create_group("Analysts", &[]).unwrap();
    h.join_group("Analysts", LOGIN);
    h.answer(vec![lookup(vec![]), created_user()]).await;
    let report = h
        .okta
        .assign_group("Analysts", role("Account Analyst"))
        .await
        .unwrap();
    assert_eq!(report.outcome, Outcome::Succeeded);
    let a = h.assignment(LOGIN).unwrap();
    assert!(!a.direct);
    assert_eq!(a.scim_id.as_deref(), Some(USER_ID));
}

#[tokio::test]
async fn leaving_the_last_assigned_group_deactivates_the_app_user() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    assigned_through_analysts(&mut h).await;

    h.answer(user_endpoint(true, false)).await;
    let report = h.okta.remove_group_member("Analysts", LOGIN).await.unwrap();
    assert_eq!(report.outcome, Outcome::Succeeded);
    let received = h.received().await;
    assert_eq!(
        h.methods().await,
        ["PATCH"],
        "the deactivation, nothing else"
    );
    assert_eq!(received[0].url.path(), format!("/scim/v2/Users/{USER_ID}"));
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(
        body["Operations"][0]["value"],
        serde_json::json!({"active": false})
    );
    assert!(
        h.assignment(LOGIN).is_none(),
        "the assignment ended with its last group"
    );
    assert!(
        report
            .events
            .contains(&format!("{LOGIN} deactivated in Fivetran")),
        "{:?}",
        report.events
    );
}

#[tokio::test]
async fn unassigning_a_user_still_assigned_through_a_group_sends_nothing() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    assigned_through_analysts(&mut h).await;
    // Now assigned directly too: already provisioned and active, so its profile is pushed.
    h.answer(user_endpoint(true, true)).await;
    assert_eq!(h.assign().await.outcome, Outcome::Succeeded);
    assert!(h.assignment(LOGIN).unwrap().direct);

    h.answer(vec![]).await;
    let report = h.okta.unassign_user(LOGIN).await.unwrap();
    assert_eq!(
        report.outcome,
        Outcome::NothingSent {
            reason: "still assigned through a group".into()
        }
    );
    assert!(h.received().await.is_empty(), "no deactivation");
    let a = h.assignment(LOGIN).unwrap();
    assert!(!a.direct, "the direct assignment is gone");
    let group_id = h.okta.org().group("Analysts").unwrap().id.clone();
    assert_eq!(a.via_groups, [group_id], "the group assignment stays");
    assert_eq!(a.scim_id.as_deref(), Some(USER_ID));
    assert!(a.app_active);
}

#[tokio::test]
async fn a_group_seen_by_the_last_import_is_linked_without_a_lookup() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.link(LOGIN, USER_ID);
    h.okta.create_group("Analysts", &[]).unwrap();
    h.join_group("Analysts", LOGIN);
    h.okta.org_mut().app.import_groups = true;
    h.answer(vec![
        on("GET", "/scim/v2/Users", scim(200, list(vec![]))),
        on(
            "GET",
            "/scim/v2/Groups",
            scim(200, list(vec![group(GROUP_ID, "analysts", vec![])])),
        ),
    ])
    .await;
    let imported = h.okta.import_now().await;
    assert_eq!(imported.import.unwrap().groups_scanned, 1);
    assert_eq!(
        h.okta.org().app.imported_groups,
        [ImportedGroup {
            scim_id: GROUP_ID.into(),
            display_name: "analysts".into()
        }]
    );

    h.answer(group_endpoint(vec![member(USER_ID, LOGIN)])).await;
    let report = h.okta.push_group("Analysts").await.unwrap();
    assert_eq!(report.outcome, Outcome::Succeeded);
    // No `displayName eq` lookup and no create: the imported group (matched ignoring case)
    // is linked, then Push Now sends the members, the GET and the name PATCH.
    assert_eq!(h.methods().await, ["PATCH", "GET", "PATCH"]);
    let received = h.received().await;
    assert!(
        received
            .iter()
            .all(|r| r.url.path() == format!("/scim/v2/Groups/{GROUP_ID}"))
    );
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(
        body["Operations"][0]["value"],
        serde_json::json!([{"value": USER_ID, "display": LOGIN}])
    );
    let pushed = &h.okta.org().app.pushed_groups;
    assert_eq!(pushed.len(), 1);
    assert_eq!(pushed[0].scim_id, GROUP_ID);
    assert_eq!(
        report.events[0],
        format!("group Analysts linked to app group {GROUP_ID}")
    );
}

#[tokio::test]
async fn an_email_or_a_full_name_alone_is_a_partial_match() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    let okta_id = h.okta_id(LOGIN);
    // Another username, the Okta user's email, other names.
    let mut by_email = user("u-email", "t.user@fivetran.test", true);
    by_email["emails"][0]["value"] = LOGIN.into();
    by_email["name"] = serde_json::json!({"givenName": "Someone", "familyName": "Else"});
    // Another username and email, the Okta user's first and last names (Test User).
    let by_names = user("u-names", "tu@fivetran.test", true);
    let stranger = {
        let mut u = user("u-other", "other@fivetran.test", true);
        u["name"] = serde_json::json!({"givenName": "Test", "familyName": "Other"});
        u
    };
    h.answer(vec![on(
        "GET",
        "/scim/v2/Users",
        scim(200, list(vec![by_email, by_names, stranger])),
    )])
    .await;
    let report = h.okta.import_now().await;
    let matched: Vec<(&str, &ImportMatch)> = report
        .import
        .as_ref()
        .unwrap()
        .review
        .iter()
        .map(|u| (u.scim_id.as_str(), &u.matched))
        .collect();
    assert_eq!(
        matched,
        [
            ("u-email", &ImportMatch::Partial(okta_id.clone())),
            ("u-names", &ImportMatch::Partial(okta_id.clone())),
            ("u-other", &ImportMatch::Unmatched),
        ]
    );

    // Confirming a partial match links the Okta user to that app user; nothing is sent.
    h.answer(vec![]).await;
    h.okta
        .confirm_assignments(&["tu@fivetran.test".into()])
        .unwrap();
    assert!(h.received().await.is_empty());
    assert_eq!(h.okta.org().users.len(), 1, "no Okta user is made");
    assert_eq!(
        h.assignment(LOGIN).unwrap().scim_id.as_deref(),
        Some("u-names")
    );
}

#[tokio::test]
async fn import_stops_at_an_empty_page_when_total_results_is_wrong() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    let users = || Mock::given(method("GET")).and(path("/scim/v2/Users"));
    h.answer(vec![
        // The server claims 500 users but has one.
        users()
            .and(query_param("startIndex", "1"))
            .respond_with(scim(
                200,
                list_page(vec![user(USER_ID, LOGIN, true)], 500, 1),
            )),
        users().respond_with(scim(200, list_page(vec![], 500, 101))),
    ])
    .await;
    let report = h.okta.import_now().await;
    assert_eq!(report.outcome, Outcome::Succeeded);
    assert_eq!(report.import.unwrap().users_scanned, 1);
    let starts: Vec<String> = h
        .received()
        .await
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "startIndex")
                .unwrap()
                .1
                .into_owned()
        })
        .collect();
    assert_eq!(starts, ["1", "101"], "the empty page ends the import");
}

/// A page of `n` distinct users starting at `start`, with `padding` bytes of extra text.
fn padded_page(start: u64, n: u64, total: u64, padding: usize) -> Value {
    let users = (start..start + n)
        .map(|i| user(&format!("u-{i}"), &format!("user{i}@okta.local"), true))
        .collect();
    let mut page = list_page(users, total, start);
    page["padding"] = Value::String("x".repeat(padding));
    page
}

#[tokio::test]
async fn a_long_import_keeps_its_transcript_within_budget() {
    const PAGES: u64 = 24;
    const PADDING: usize = 4 << 20;
    let mut h = Harness::new(ClientMode::OinPatch).await;
    let mut mocks = Vec::new();
    for p in 0..PAGES {
        let start = 1 + p * 100;
        mocks.push(
            Mock::given(method("GET"))
                .and(path("/scim/v2/Users"))
                .and(query_param("startIndex", start.to_string()))
                .respond_with(scim(200, padded_page(start, 100, PAGES * 100, PADDING))),
        );
    }
    h.answer(mocks).await;
    let report = h.okta.import_now().await;
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.outcome);
    assert_eq!(report.import.unwrap().users_scanned, PAGES as usize * 100);
    let exchanges = &report.exchanges;
    assert_eq!(exchanges.len(), PAGES as usize);
    let whole: usize = exchanges
        .iter()
        .filter(|e| !e.is_cut())
        .map(|e| e.response_body_len())
        .sum();
    assert!(
        whole <= mock_okta::client::TRANSCRIPT_BODY_BUDGET,
        "{whole}"
    );
    let cut: Vec<_> = exchanges.iter().filter(|e| e.is_cut()).collect();
    assert!(!cut.is_empty(), "96 MiB of pages cannot all stay whole");
    for e in &cut {
        assert!(e.response_body_len() < mock_okta::client::CUT_ANSWER_TO + 64);
    }
    // The oldest are the ones cut, and the newest page is whole.
    let first_whole = exchanges.iter().position(|e| !e.is_cut()).unwrap();
    assert!(exchanges[first_whole..].iter().all(|e| !e.is_cut()));
    assert!(!exchanges.last().unwrap().is_cut());
}

#[tokio::test]
async fn an_app_that_lists_full_pages_forever_is_read_to_a_page_limit() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    // Always the same full page, and always "more to come".
    h.answer(vec![
        Mock::given(method("GET"))
            .and(path("/scim/v2/Users"))
            .respond_with(scim(200, padded_page(1, 1, u64::MAX >> 1, 0))),
    ])
    .await;
    let report = h.okta.import_now().await;
    let Outcome::TaskOpened { task } = &report.outcome else {
        panic!("{:?}", report.outcome)
    };
    assert!(
        task.message.contains("10000 pages") && task.message.contains("stopped"),
        "{}",
        task.message
    );
    assert_eq!(
        report.exchanges.len() as u64,
        mock_okta::MAX_IMPORT_PAGES,
        "not one page past the limit"
    );
}

/// Assigns the first user against a server whose lookup answers `lookup` and whose POST
/// creates the user, and checks that Okta created it (a GET, then a POST) and linked the new id.
async fn assigned_by_creating(lookup: Mock) {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.answer(vec![lookup, created_user()]).await;
    let report = h.assign().await;
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.outcome);
    assert_eq!(h.methods().await, ["GET", "POST"], "created, not linked");
    assert_eq!(
        h.assignment(LOGIN).unwrap().scim_id.as_deref(),
        Some(USER_ID)
    );
}

#[tokio::test]
async fn a_404_to_the_lookup_means_no_match_and_the_user_is_created() {
    assigned_by_creating(
        Mock::given(method("GET"))
            .and(path("/scim/v2/Users"))
            .respond_with(scim(404, scim_error(404, None, "User not found"))),
    )
    .await;
}

#[tokio::test]
async fn a_lookup_that_lists_other_users_links_none_of_them() {
    // A server that ignores the filter: it lists someone else.
    assigned_by_creating(lookup(vec![user(
        "u-stranger",
        "stranger@okta.local",
        true,
    )]))
    .await;
}

/// The membership PATCHes a report sent: per PATCH, its operations as `op:count` (a remove
/// counts 1, an add or replace counts its members).
fn membership_patches(report: &mock_okta::ActionReport) -> Vec<Vec<String>> {
    report
        .exchanges
        .iter()
        .filter(|e| e.request.method == "PATCH")
        .filter_map(|e| serde_json::from_str::<Value>(e.request.body.as_deref()?).ok())
        .filter(|b| {
            // Not the name PATCH that follows every membership update.
            b["Operations"][0]["path"] != "displayName"
                && b["Operations"][0]["value"].get("displayName").is_none()
        })
        .map(|b| {
            b["Operations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|op| {
                    let n = op["value"].as_array().map_or(1, Vec::len);
                    format!("{}:{n}", op["op"].as_str().unwrap())
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn membership_changes_go_out_in_batches_of_the_group_patch_batch_size() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.okta.change_settings(&mock_okta::Settings {
        group_patch_batch_size: Some(2),
        ..mock_okta::Settings::default()
    });
    let logins: Vec<String> = (1..=5).map(|i| format!("m{i}@okta.local")).collect();
    h.okta.create_group("Analysts", &[]).unwrap();
    for (i, login) in logins.iter().enumerate() {
        h.add_user(login, "M", &i.to_string());
        h.link(login, &format!("id-{i}"));
        h.join_group("Analysts", login);
    }
    let mut mocks = group_create(201);
    mocks.extend(group_endpoint(vec![]));
    h.answer(mocks).await;
    // Pushing the group: created empty, then its five members, two at a time.
    let report = h.okta.push_group("Analysts").await.unwrap();
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.outcome);
    assert_eq!(
        membership_patches(&report),
        [vec!["add:2"], vec!["add:2"], vec!["add:1"]]
    );
    // Every membership PATCH is followed by the group's GET and the name PATCH.
    let count = |report: &mock_okta::ActionReport, m: &str| {
        report
            .exchanges
            .iter()
            .filter(|e| e.request.method == m)
            .count()
    };
    // The name PATCH right after the create, then per batch the membership and name PATCHes.
    assert_eq!(count(&report, "PATCH"), 1 + 3 * 2);
    assert_eq!(
        count(&report, "GET"),
        1 + 3,
        "the lookup, then one per batch"
    );

    // Push Now: the whole list, the first batch replacing, the rest added.
    h.answer(group_endpoint(vec![])).await;
    let report = h.okta.push_now("Analysts").await.unwrap();
    assert_eq!(
        membership_patches(&report),
        [vec!["replace:2"], vec!["add:2"], vec!["add:1"]]
    );
}

#[tokio::test]
async fn assigning_a_group_makes_it_a_team_when_the_app_says_so() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.okta.create_group("Analysts", &[]).unwrap();
    h.join_group("Analysts", LOGIN);
    h.answer(analysts_become_a_team()).await;
    let report = h
        .okta
        .assign_group("Analysts", role("Account Analyst"))
        .await
        .unwrap();
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.outcome);
    let created: Vec<String> = h
        .received()
        .await
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(created, ["/scim/v2/Users", "/scim/v2/Groups"]);
    assert_eq!(h.okta.org().app.pushed_groups.len(), 1);

    // Switched off (an older Fivetran app), assigning a group creates no team.
    let mut h = Harness::new(ClientMode::OinPatch).await;
    assigned_through_analysts(&mut h).await;
    assert!(h.okta.org().app.pushed_groups.is_empty());
    assert!(
        h.received()
            .await
            .iter()
            .all(|r| !r.url.path().starts_with("/scim/v2/Groups"))
    );
}

#[tokio::test]
async fn a_member_not_provisioned_in_the_app_joining_a_pushed_group_sends_nothing() {
    for mode in [ClientMode::OinPatch, ClientMode::AiwPut] {
        let mut h = Harness::new(mode).await;
        let g = h.okta.create_group("Analysts", &[]).unwrap();
        h.okta
            .org_mut()
            .app
            .pushed_groups
            .push(mock_okta::model::PushedGroup {
                group_id: g.id,
                scim_id: GROUP_ID.into(),
            });
        h.answer(group_endpoint(vec![])).await;
        // The first user is in Okta but not assigned to the app.
        let report = h.okta.add_group_member("Analysts", LOGIN).await.unwrap();
        assert_eq!(
            report.outcome.kind(),
            mock_okta::OutcomeKind::NothingSent,
            "{mode}"
        );
        assert!(h.received().await.is_empty(), "{mode}: nothing sent");
    }
}
