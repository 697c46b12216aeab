//! The judge survives the accused: targets that answer garbage or redirect are judged, with
//! findings that say what came, and nothing they send is followed or trusted.

use harness::report::RunReport;
use harness::runner::{self, RunConfig, Target};
use harness::scenario::{ClientMode, Loaded, load_str};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "hostile-test-token-77c1";

/// A target whose preflight (`GET /Users?startIndex=1&count=1`) passes.
async fn target() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(query_param("count", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0}"#,
            "application/scim+json",
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    server
}

async fn run(server: &MockServer, scenario: &str) -> RunReport {
    run_with(server, scenario, |_| {}).await
}

async fn run_with(
    server: &MockServer,
    scenario: &str,
    configure: impl FnOnce(&mut RunConfig),
) -> RunReport {
    let scenario = Loaded {
        path: "hostile.yaml".into(),
        scenario: load_str("hostile.yaml", scenario, &harness::rules::Catalogue)
            .expect("the scenario loads"),
    };
    let mut config = RunConfig::new(Target::Url {
        base_url: format!("{}/scim/v2", server.uri()),
        token: TOKEN.into(),
    });
    config.modes = vec![ClientMode::OinPatch];
    configure(&mut config);
    runner::run(&config, &[scenario], &|_| {}).await.unwrap()
}

#[tokio::test]
async fn a_body_that_is_not_json_is_called_that_with_where_it_broke() {
    let server = target().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("{\"totalResults\": 1, oops", "application/scim+json"),
        )
        .mount(&server)
        .await;
    let report = run(
        &server,
        r#"version: 1
id: hostile.garbage
title: garbage
steps:
  - name: list
    scim: {method: GET, path: /Users, query: {filter: 'userName eq "a@example.com"'}}
    expect:
      status: 200
      body:
        - {path: $.totalResults, equals: 1}
"#,
    )
    .await;
    let findings: Vec<_> = report.findings().collect();
    let envelope = findings
        .iter()
        .find(|f| {
            f.rule
                .is_some_and(|r| r.as_str() == "R7644-3.4.2-list-envelope")
        })
        .expect("the list envelope is judged");
    let actual = envelope.actual.as_deref().unwrap_or_default();
    assert!(
        actual.starts_with("not valid JSON (") && actual.contains("column"),
        "{actual}"
    );
    let own = findings
        .iter()
        .find(|f| f.rule.is_none())
        .expect("the step's own check fails");
    assert!(
        own.actual
            .as_deref()
            .unwrap_or_default()
            .contains("not valid JSON"),
        "{:?}",
        own.actual
    );
}

#[tokio::test]
async fn a_redirect_is_the_answer_and_is_reported_with_its_location() {
    let server = target().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/Users"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/scim/v2/Users", elsewhere.uri()).as_str(),
        ))
        .mount(&server)
        .await;
    let report = run(
        &server,
        r#"version: 1
id: hostile.redirect
title: redirect
steps:
  - name: create
    scim:
      method: POST
      path: /Users
      body: {schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "${run}-r@example.com", active: true}
    expect: {status: 201}
"#,
    )
    .await;
    assert!(!report.passed());
    let redirect = report
        .findings()
        .find(|f| f.rule.is_some_and(|r| r.as_str() == "okta.no-redirect"))
        .expect("the redirect is reported");
    assert!(
        redirect.message.contains(&elsewhere.uri()),
        "{}",
        redirect.message
    );
    let status = report
        .findings()
        .find(|f| f.rule.is_none())
        .expect("the step's status fails");
    assert!(
        status
            .actual
            .as_deref()
            .unwrap_or_default()
            .contains("a redirect to"),
        "{:?}",
        status.actual
    );
    // Nothing was followed: the other server saw no request.
    assert!(
        elsewhere
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn an_answer_over_the_body_limit_fails_its_step_and_is_not_kept() {
    let server = target().await;
    // 2 MiB of JSON, twice the limit this run reads, and an answer just under it (300 KiB),
    // which is judged whole but kept in the report cut to a bounded size.
    let huge = format!(r#"{{"detail":"{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let big = format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0,"padding":"{}"}}"#,
        "p".repeat(300 * 1024)
    );
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/huge"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(huge, "application/scim+json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(query_param("filter", "userName eq \"big@example.com\""))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, "application/scim+json"))
        .mount(&server)
        .await;
    let report = run_with(
        &server,
        r#"version: 1
id: hostile.huge
title: huge
steps:
  - name: a huge answer
    scim: {method: GET, path: /Users/huge}
    expect: {status: 200}
  - name: a big answer
    scim: {method: GET, path: /Users, query: {filter: 'userName eq "big@example.com"'}}
    expect:
      status: 200
      body:
        - {path: $.totalResults, equals: 0}
"#,
        |c| c.max_body = 1024 * 1024,
    )
    .await;
    let steps = &report.scenarios[0].steps;
    let huge = steps[0]
        .findings
        .first()
        .expect("the huge answer fails its step");
    assert!(
        huge.actual
            .as_deref()
            .unwrap_or_default()
            .contains("over the 1048576 bytes"),
        "{huge:?}"
    );
    assert!(steps[0].exchanges[0].response.is_none());
    assert!(steps[1].findings.is_empty(), "{:?}", steps[1].findings);
    let kept = steps[1].exchanges[0]
        .response
        .as_ref()
        .and_then(|r| r.body.as_deref())
        .unwrap_or_default();
    assert!(
        kept.len() < 70 * 1024 && kept.contains("bytes in all]"),
        "{}",
        kept.len()
    );
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        json.len() < 256 * 1024,
        "the report is {} bytes",
        json.len()
    );
}

#[tokio::test]
async fn a_target_that_goes_silent_stops_the_run_where_it_did() {
    let server = target().await;
    // Every request after the preflight hangs far past the run's timeout.
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/silent"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(60)))
        .mount(&server)
        .await;
    let steps: String = (1..=6)
        .map(|i| format!("  - name: read {i}\n    scim: {{method: GET, path: /Users/silent}}\n    expect: {{status: 200}}\n"))
        .collect();
    let scenario = format!("version: 1\nid: hostile.silent\ntitle: silent\nsteps:\n{steps}");
    let report = run_with(&server, &scenario, |c| {
        c.timeout = std::time::Duration::from_millis(200);
        c.silence_limit = 3;
    })
    .await;
    let Some(harness::runner::Halt::Unanswered { at, error }) = &report.incomplete else {
        panic!("the run should have stopped: {:?}", report.incomplete);
    };
    assert!(at.ends_with("› read 3"), "{at}");
    assert!(error.contains("no response within"), "{error}");
    let steps = &report.scenarios[0].steps;
    assert_eq!(steps.iter().filter(|s| !s.exchanges.is_empty()).count(), 3);
    assert!(
        steps[3..].iter().all(|s| s
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("not run: the target stopped answering"))),
        "{steps:?}"
    );
    // No cleanup was attempted against a silent target (the run sent nothing more).
    let sent = server.received_requests().await.unwrap_or_default();
    assert!(
        sent.iter()
            .filter(|r| r.url.path() == "/scim/v2/Users/silent")
            .count()
            == 3
    );
}

/// A target that answers Okta's preflight, then resets every connection as soon as a request
/// arrives: a raw socket server, since no HTTP library answers that way on purpose.
async fn resetting_target() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                loop {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let line = String::from_utf8_lossy(&head);
                    let answer = if line.starts_with("GET /scim/v2/Users?startIndex=1&count=1 ") {
                        let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0}"#;
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/scim+json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        )
                    } else if line.starts_with("GET /scim/v2/ServiceProviderConfig ") {
                        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_owned()
                    } else {
                        // Linger 0: closing sends a reset, not a polite end.
                        let _ = stream.set_zero_linger();
                        return;
                    };
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}/scim/v2")
}

#[tokio::test]
async fn a_target_that_resets_every_connection_stops_the_run_where_it_did() {
    let base_url = resetting_target().await;
    let steps: String = (1..=6)
        .map(|i| format!("  - name: read {i}\n    scim: {{method: GET, path: /Users/{i}}}\n    expect: {{status: 200}}\n"))
        .collect();
    let scenario = Loaded {
        path: "hostile.yaml".into(),
        scenario: load_str(
            "hostile.yaml",
            &format!("version: 1\nid: hostile.reset\ntitle: reset\nsteps:\n{steps}"),
            &harness::rules::Catalogue,
        )
        .expect("the scenario loads"),
    };
    let mut config = RunConfig::new(Target::Url {
        base_url,
        token: TOKEN.into(),
    });
    config.modes = vec![ClientMode::OinPatch];
    config.silence_limit = 3;
    let report = runner::run(&config, &[scenario], &|_| {}).await.unwrap();
    let Some(harness::runner::Halt::Unanswered { at, error }) = &report.incomplete else {
        panic!("the run should have stopped: {:?}", report.incomplete);
    };
    assert!(at.ends_with("› read 3"), "{at}");
    assert!(!error.is_empty());
    let steps = &report.scenarios[0].steps;
    for step in &steps[..3] {
        assert_eq!(step.status, harness::report::Status::Failed, "{step:?}");
        assert!(
            step.exchanges
                .iter()
                .all(|e| e.response.is_none() && e.silent)
        );
    }
    assert!(steps[3..].iter().all(|s| s.exchanges.is_empty()));
}

#[tokio::test]
async fn discovery_over_the_body_limit_is_an_answer_not_an_unreachable_target() {
    let server = target().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/ServiceProviderConfig"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"padding":"{}"}}"#, "x".repeat(4096)),
            "application/scim+json",
        ))
        .mount(&server)
        .await;
    let report = run_with(
        &server,
        "version: 1\nid: hostile.discovery\ntitle: discovery\nsteps:\n  - name: list\n    scim: {method: GET, path: /Users, query: {count: '1', startIndex: '1'}}\n    expect: {status: 200}\n",
        |c| c.max_body = 1024,
    )
    .await;
    assert!(report.incomplete.is_none(), "{:?}", report.incomplete);
    assert_eq!(
        report.scenarios[0].steps[0].status,
        harness::report::Status::Passed
    );
}
