//! A step whose variables were never set is skipped before anything is sent, and the rest of
//! the scenario goes on without it.

use harness::report::Status;
use harness::runner::{self, RunConfig, Target};
use harness::scenario::{ClientMode, Loaded, load_str};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SCENARIO: &str = r#"version: 1
id: skips.unset-variable
title: a capture that finds nothing
steps:
  - name: list, capturing an id that is not there
    scim: {method: GET, path: /Users, query: {count: 4}}
    capture: {first: "$.Resources[0].id"}
  - name: a request whose expectation needs the capture
    scim: {method: GET, path: /Users, query: {count: 5}}
    expect:
      status: 200
      body:
        - {path: "$.Resources[0].id", equals: "${first}"}
  - name: a request that needs nothing
    scim: {method: GET, path: /Users, query: {count: 6}}
    expect: {status: 200}
"#;

#[tokio::test]
async fn an_unset_variable_skips_the_step_without_sending_it() {
    let server = MockServer::start().await;
    let empty = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 0,
        "Resources": [],
        "startIndex": 1,
        "itemsPerPage": 0
    });
    for (count, times) in [("4", 1), ("5", 0), ("6", 1)] {
        Mock::given(method("GET"))
            .and(path("/scim/v2/Users"))
            .and(query_param("count", count))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(empty.to_string(), "application/scim+json"),
            )
            .expect(times)
            .mount(&server)
            .await;
    }

    let scenario = Loaded {
        path: "skips.yaml".into(),
        scenario: load_str("skips.yaml", SCENARIO, &harness::rules::Catalogue)
            .expect("the scenario loads"),
    };
    let mut config = RunConfig::new(Target::Url {
        base_url: format!("{}/scim/v2", server.uri()),
        token: "t".into(),
    });
    config.modes = vec![ClientMode::OinPatch];
    let report = runner::run(&config, &[scenario], &|_| {}).await.unwrap();

    let steps = &report.scenarios[0].steps;
    let statuses: Vec<Status> = steps.iter().map(|s| s.status).collect();
    assert_eq!(
        statuses,
        [Status::Passed, Status::Skipped, Status::Passed],
        "{steps:#?}"
    );
    assert!(steps[1].exchanges.is_empty());
    assert!(
        steps[1]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("first")),
        "{:?}",
        steps[1].note
    );
    // MockServer verifies the `expect(times)` counts when it drops.
}

const SCALE: &str = r#"version: 1
id: skips.scale
title: a scenario at real size
tags: [scale]
steps:
  - name: a request
    scim: {method: GET, path: /Users, query: {count: 7}}
    expect: {status: 200}
"#;

/// A scale scenario fills a vendor's endpoint with users: against a `--target` it runs only
/// when asked for, by tag or by id.
#[tokio::test]
async fn a_scale_scenario_runs_against_a_target_only_when_asked_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(query_param("count", "7"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0, "Resources": [], "startIndex": 1, "itemsPerPage": 0}).to_string(),
            "application/scim+json",
        ))
        .expect(2)
        .mount(&server)
        .await;
    let scenario = Loaded {
        path: "scale.yaml".into(),
        scenario: load_str("scale.yaml", SCALE, &harness::rules::Catalogue).expect("it loads"),
    };
    let run = |tags: Vec<String>, only: Vec<String>| {
        let mut config = RunConfig::new(Target::Url {
            base_url: format!("{}/scim/v2", server.uri()),
            token: "t".into(),
        });
        config.modes = vec![ClientMode::OinPatch];
        config.tags = tags;
        config.only = only;
        let scenarios = [scenario.clone()];
        async move { runner::run(&config, &scenarios, &|_| {}).await.unwrap() }
    };
    let report = run(Vec::new(), Vec::new()).await;
    let s = &report.scenarios[0];
    assert_eq!(s.status, Status::Skipped);
    assert!(
        s.skip_reason.as_deref().unwrap().contains("--tag scale"),
        "{s:?}"
    );
    for (tags, only) in [
        (vec!["scale".into()], vec![]),
        (vec![], vec!["skips.scale".into()]),
    ] {
        let report = run(tags, only).await;
        assert_eq!(report.scenarios[0].status, Status::Passed, "{report:#?}");
    }
}
