//! How mock-okta reacts to failures, as Okta documents it (okta-wire §1.4): 429 back-off
//! through the injectable clock (so five minutes take no time), the request timeout, a 404
//! before an update, 5xx answers, refused connections, and tasks with or without Retry.

mod common;

use std::time::Duration;

use common::*;
use mock_okta::ClientMode;
use mock_okta::engine::Outcome;
use mock_okta::model::{RetryAction, TaskKind};
use scim_core::ScimType;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn too_many(retry_after: Option<&str>) -> ResponseTemplate {
    let t = ResponseTemplate::new(429);
    match retry_after {
        Some(v) => t.insert_header("Retry-After", v),
        None => t,
    }
}

#[tokio::test]
async fn an_integer_retry_after_is_honoured_exactly() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(too_many(Some("7")))
        .up_to_n_times(1)
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(scim(200, list(vec![])))
        .mount(&h.server)
        .await;
    let report = h.okta.test_api_credentials().await;
    assert_eq!(report.outcome, Outcome::Succeeded);
    assert_eq!(h.clock.waits(), vec![Duration::from_secs(7)]);
    assert_eq!(report.exchanges.len(), 2);
    assert_eq!(report.exchanges[0].then_waited_secs, Some(7));
    // The task's visible state: paused, and when it was rescheduled.
    assert_eq!(
        report.events,
        [
            "task paused: GET /scim/v2/Users?startIndex=1&count=2 was rate limited (429); \
             rescheduled after 7 s (attempt 1 of 10)",
            "API credentials for Fivetran verified"
        ]
    );
}

#[tokio::test]
async fn a_missing_or_non_integer_retry_after_means_five_minutes_then_doubling() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(too_many(None))
        .up_to_n_times(1)
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(too_many(Some("Wed, 21 Oct 2026 07:28:00 GMT")))
        .up_to_n_times(1)
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(too_many(Some("1")))
        .up_to_n_times(1)
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(scim(200, list(vec![])))
        .mount(&h.server)
        .await;
    let report = h.okta.test_api_credentials().await;
    assert_eq!(report.outcome, Outcome::Succeeded);
    // 300 s by default, then each further 429 doubles the previous wait (a shorter
    // Retry-After does not shorten it).
    assert_eq!(
        h.clock.waits(),
        vec![
            Duration::from_secs(300),
            Duration::from_secs(600),
            Duration::from_secs(1200)
        ]
    );
}

#[tokio::test]
async fn ten_rate_limited_attempts_fail_the_task() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(too_many(Some("2")))
        .mount(&h.server)
        .await;
    let report = h.assign().await;
    let task = opened_task(&report);
    assert_eq!(task.kind, TaskKind::Provisioning);
    assert!(
        task.message
            .contains("still rate limited (429) after 10 attempts"),
        "{}",
        task.message
    );
    assert_eq!(report.exchanges.len(), 10);
    let waits: Vec<u64> = h.clock.waits().iter().map(Duration::as_secs).collect();
    assert_eq!(waits, vec![2, 4, 8, 16, 32, 64, 128, 256, 512]);
}

#[tokio::test]
async fn a_request_that_outlives_the_timeout_fails_with_a_retryable_task() {
    let mut h = Harness::with_options(ClientMode::OinPatch, |o| {
        o.timeout = Duration::from_millis(200);
    })
    .await;
    h.answer(vec![on(
        "GET",
        "/scim/v2/Users",
        scim(200, list(vec![])).set_delay(Duration::from_secs(30)),
    )])
    .await;
    let report = h.assign().await;
    let task = opened_task(&report);
    assert!(
        task.message.contains("no response within 200ms"),
        "{}",
        task.message
    );
    assert!(task.retry.is_some());
    assert_eq!(
        report.exchanges[0].error.as_deref(),
        Some("no response within 200ms")
    );
}

#[tokio::test]
async fn a_404_before_an_update_halts_it_without_re_creating() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.link(LOGIN, USER_ID);
    let user_path = format!("/scim/v2/Users/{USER_ID}");
    h.answer(vec![on(
        "GET",
        &user_path,
        scim(404, scim_error(404, None, "User not found")),
    )])
    .await;
    let report = h
        .okta
        .set_app_attributes(LOGIN, role("Account Billing"))
        .await
        .unwrap();
    let task = opened_task(&report);
    assert_eq!(task.kind, TaskKind::ProfilePush);
    assert!(task.message.contains("not found (404)"), "{}", task.message);
    assert!(task.retry.is_none(), "no auto-retry after a 404");
    assert_eq!(h.methods().await, ["GET"], "no PUT, no re-search, no POST");
}

#[tokio::test]
async fn a_failed_deactivation_makes_a_manual_task_without_retry() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.link(LOGIN, USER_ID);
    let user_path = format!("/scim/v2/Users/{USER_ID}");
    h.answer(vec![on(
        "PATCH",
        &user_path,
        ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"),
    )])
    .await;
    let report = h.okta.unassign_user(LOGIN).await.unwrap();
    let task = opened_task(&report);
    assert_eq!(task.kind, TaskKind::Deprovisioning);
    assert!(
        task.message
            .starts_with("Application accounts need deprovisioning"),
        "{}",
        task.message
    );
    assert!(task.message.contains("Bad Gateway"), "{}", task.message);
    assert_eq!(h.received().await.len(), 1, "attempted once");
    let e = h.okta.retry_task(task.id).await.unwrap_err();
    assert!(e.to_string().contains("has no Retry"), "{e}");
}

/// A server whose lookup finds nothing and whose create answers 409 with `detail`.
fn conflict_on_create(detail: &str) -> Vec<Mock> {
    vec![
        lookup(vec![]),
        on(
            "POST",
            "/scim/v2/Users",
            scim(409, scim_error(409, Some(ScimType::Uniqueness), detail)),
        ),
    ]
}

#[tokio::test]
async fn error_details_reach_the_task_and_retry_resends() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.answer(conflict_on_create("User already exists in the database."))
        .await;
    let report = h.assign().await;
    let task = opened_task(&report);
    assert_eq!(
        task.message,
        "Automatic provisioning of user test.user@okta.local to app Fivetran failed: Error while creating user \
         test.user@okta.local: Conflict. Errors reported by remote server: User already exists in the database."
    );
    // The server is fixed; Retry provisions the user.
    h.answer(vec![
        lookup(vec![]),
        on(
            "POST",
            "/scim/v2/Users",
            scim(201, user(USER_ID, LOGIN, true)),
        ),
    ])
    .await;
    let retried = h.okta.retry_task(task.id).await.unwrap();
    assert_eq!(retried.outcome, Outcome::Succeeded);
    assert_eq!(
        retried.action, "retry-task",
        "the CLI's name for the action"
    );
    assert!(h.okta.org().tasks.is_empty());
    assert_eq!(
        h.assignment(LOGIN).unwrap().scim_id.as_deref(),
        Some(USER_ID)
    );
}

#[tokio::test]
async fn a_500_with_a_non_json_body_is_reported_with_its_text() {
    let mut h = Harness::new(ClientMode::AiwPut).await;
    h.answer(vec![on(
        "GET",
        "/scim/v2/Users",
        ResponseTemplate::new(500).set_body_string("oops"),
    )])
    .await;
    let report = h.assign().await;
    let task = opened_task(&report);
    assert!(task.message.contains("Error while verifying if user exists: Internal Server Error. Errors reported by remote server: HTTP 500: oops"), "{}", task.message);
}

#[tokio::test]
async fn an_empty_create_response_is_a_failure() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.answer(vec![
        lookup(vec![]),
        on("POST", "/scim/v2/Users", ResponseTemplate::new(201)),
    ])
    .await;
    let report = h.assign().await;
    let task = opened_task(&report);
    assert!(
        task.message
            .ends_with("Create new user returned empty user."),
        "{}",
        task.message
    );
}

#[tokio::test]
async fn a_refused_connection_leaves_a_retryable_task() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    // Bind and drop a listener to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Changed between actions, as the CLI's --target does: the next action goes there.
    h.okta.org_mut().app.api.base_url = format!("http://127.0.0.1:{port}/scim/v2");
    let report = h.assign().await;
    let task = opened_task(&report);
    assert!(
        task.message
            .contains("Error while verifying if user exists: connection failed"),
        "{}",
        task.message
    );
    assert!(task.retry.is_some());
    let creds = h.okta.test_api_credentials().await;
    assert!(
        matches!(creds.outcome, Outcome::Failed { ref message } if message.starts_with("An error has occurred"))
    );
}

#[tokio::test]
async fn test_api_credentials_fails_on_a_bad_token_without_a_task() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.answer(vec![on(
        "GET",
        "/scim/v2/Users",
        scim(401, scim_error(401, None, "invalid token")),
    )])
    .await;
    let report = h.okta.test_api_credentials().await;
    assert_eq!(report.outcome, Outcome::Failed { message: "An error has occurred: Unauthorized. Errors reported by remote server: invalid token".into() });
    assert!(h.okta.org().tasks.is_empty());
}

#[tokio::test]
async fn switches_that_are_off_send_nothing() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.okta.org_mut().app.to_app.create_users = false;
    h.answer(vec![]).await;
    let r = h.assign().await;
    assert_eq!(
        r.outcome,
        Outcome::NothingSent {
            reason: "Create Users is off".into()
        }
    );
    h.link(LOGIN, USER_ID);
    h.okta.org_mut().app.to_app.update_user_attributes = false;
    let r = h
        .okta
        .set_app_attributes(LOGIN, role("Account Billing"))
        .await
        .unwrap();
    assert_eq!(
        r.outcome,
        Outcome::NothingSent {
            reason: "Update User Attributes is off".into()
        }
    );
    h.okta.org_mut().app.to_app.deactivate_users = false;
    let r = h.okta.unassign_user(LOGIN).await.unwrap();
    assert!(matches!(r.outcome, Outcome::NothingSent { .. }));
    assert!(h.received().await.is_empty());
}

#[tokio::test]
async fn a_huge_retry_after_neither_overflows_nor_panics() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(too_many(Some("18446744073709551615")))
        .mount(&h.server)
        .await;
    let report = h.okta.test_api_credentials().await;
    assert!(matches!(report.outcome, Outcome::Failed { .. }));
    let waits = h.clock.waits();
    assert_eq!(waits.len(), 9);
    assert!(
        waits.windows(2).all(|w| w[1] >= w[0]),
        "waits never shrink: {waits:?}"
    );
}

#[tokio::test]
async fn retrying_a_failed_group_create_pushes_the_group_again() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.okta.create_group("Analysts", &[]).unwrap();
    h.answer(group_create(500)).await;
    let report = h.okta.push_group("Analysts").await.unwrap();
    let task = opened_task(&report);
    let mut mocks = group_create(201);
    mocks.extend(group_endpoint(vec![]));
    h.answer(mocks).await;
    let retried = h.okta.retry_task(task.id).await.unwrap();
    assert_eq!(retried.outcome, Outcome::Succeeded);
    assert_eq!(
        h.methods().await,
        ["GET", "POST", "PATCH"],
        "lookup, create, reconcile"
    );
}

#[tokio::test]
async fn retrying_a_failed_profile_push_pushes_the_profile_again() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.link(LOGIN, USER_ID);
    let user_path = format!("/scim/v2/Users/{USER_ID}");
    h.answer(vec![on(
        "GET",
        &user_path,
        scim(503, scim_error(503, None, "maintenance")),
    )])
    .await;
    let report = h
        .okta
        .set_app_attributes(LOGIN, role("Account Billing"))
        .await
        .unwrap();
    let task = opened_task(&report);
    assert_eq!(task.kind, TaskKind::ProfilePush);
    assert_eq!(
        task.retry,
        Some(RetryAction::PushProfile(h.okta_id(LOGIN))),
        "a failed GET (not a 404) can be retried"
    );
    assert!(task.message.contains("maintenance"), "{}", task.message);

    h.answer(user_endpoint(true, true)).await;
    let retried = h.okta.retry_task(task.id).await.unwrap();
    assert_eq!(retried.action, "retry-task");
    assert_eq!(retried.outcome, Outcome::Succeeded);
    assert_eq!(h.methods().await, ["GET", "PUT"], "GET then PUT, as a push");
    let put = h.received().await.pop().unwrap();
    let body: serde_json::Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(
        body["roles"],
        serde_json::json!([{"primary": true, "value": "Account Billing"}]),
        "the retry pushes the current attribute values"
    );
    assert!(h.okta.org().tasks.is_empty(), "the retried task is closed");
}

/// A create that lost a race to another create of the same user (the 409 of OKTA-KB-SNOW):
/// the task's Retry finds the winner by the lookup and links it, with no second POST.
#[tokio::test]
async fn a_create_that_lost_a_race_is_linked_on_retry_not_created_twice() {
    let mut h = Harness::new(ClientMode::OinPatch).await;
    h.answer(conflict_on_create("User already exists.")).await;
    let task = opened_task(&h.assign().await).clone();
    // The other create won: the lookup now finds the user.
    let mut mocks = vec![lookup(vec![user(USER_ID, LOGIN, true)])];
    mocks.extend(user_endpoint(true, true));
    h.answer(mocks).await;
    let retried = h.okta.retry_task(task.id).await.unwrap();
    assert_eq!(retried.outcome, Outcome::Succeeded, "{:?}", retried.outcome);
    assert_eq!(
        h.methods().await,
        ["GET", "GET", "PUT"],
        "linked, then its profile pushed"
    );
    assert_eq!(
        h.assignment(LOGIN).unwrap().scim_id.as_deref(),
        Some(USER_ID)
    );
    assert!(h.okta.org().tasks.is_empty());
}
