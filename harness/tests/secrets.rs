//! The run's token never reaches a report, even when the target echoes it back; a wrong token a
//! step sends on purpose is kept, so that the replay command sends that same wrong token.

use base64::Engine;
use harness::report::curl;
use harness::runner::{self, RunConfig, Target};
use harness::scenario::{ClientMode, Loaded, load_str};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "secrets-test-token-4f9a";

const SCENARIO: &str = r#"version: 1
id: secrets.echo
title: a target that echoes the token
steps:
  - name: with the run's token
    scim: {method: GET, path: /Users}
  - name: with a wrong token
    scim: {method: GET, path: /Users, auth: {bearer: wrong-token}}
"#;

#[tokio::test]
async fn the_token_is_scrubbed_and_a_wrong_token_is_replayed_as_sent() {
    let server = MockServer::start().await;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("Bearer {TOKEN}"));
    let echo = format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"token {TOKEN} is not welcome; as sent: {encoded}; as a link: /cb?t={TOKEN}"}}"#
    );
    // The preflight (Okta's Test API Credentials) takes the token; the steps' requests echo it.
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(query_param("count", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0}"#,
            "application/scim+json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-seen-token", TOKEN)
                .insert_header("x-seen-encoded", encoded.as_str())
                .insert_header("www-authenticate", "Bearer")
                .set_body_raw(echo, "application/scim+json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(ResponseTemplate::new(401).insert_header("www-authenticate", "Bearer"))
        .mount(&server)
        .await;

    let scenario = Loaded {
        path: "secrets.yaml".into(),
        scenario: load_str("secrets.yaml", SCENARIO, &harness::rules::Catalogue)
            .expect("the scenario loads"),
    };
    let base_url = format!("{}/scim/v2", server.uri());
    let mut config = RunConfig::new(Target::Url {
        base_url: base_url.clone(),
        token: TOKEN.into(),
    });
    config.modes = vec![ClientMode::OinPatch];
    let report = runner::run(&config, &[scenario], &|_| {}).await.unwrap();

    let json = serde_json::to_string(&report).unwrap();
    let junit = harness::report::junit::render(&report);
    let terminal = harness::report::terminal::render(
        &report,
        harness::report::terminal::Style {
            verbosity: harness::report::terminal::Verbosity::Verbose,
            ..harness::report::terminal::Style::default()
        },
    );
    let html = harness::report::html::render(&report);
    for (what, text) in [
        ("JSON", &json),
        ("JUnit", &junit),
        ("terminal", &terminal),
        ("HTML", &html),
    ] {
        assert!(
            !text.contains(TOKEN),
            "the token leaked into the {what} report"
        );
        // All but the few edge characters of its Base64 form, which depend on what surrounds it.
        let core = &encoded[4..encoded.len() - 4];
        assert!(
            !text.contains(core),
            "its Base64 form leaked into the {what} report"
        );
    }
    assert!(
        json.contains("is not welcome"),
        "the echoed body is kept, scrubbed"
    );

    let steps = &report.scenarios[0].steps;
    let first = &steps[0].exchanges[0];
    let second = &steps[1].exchanges[0];
    let auth = |ex: &scim_client::Exchange| {
        ex.request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(auth(first).as_deref(), Some(scim_client::MASKED));
    assert_eq!(auth(second).as_deref(), Some("Bearer wrong-token"));
    assert!(
        curl::command(first, &base_url, "SCIM_TOKEN")
            .contains("\"Authorization: Bearer ${SCIM_TOKEN}\"")
    );
    assert!(
        curl::command(second, &base_url, "SCIM_TOKEN")
            .contains("'Authorization: Bearer wrong-token'")
    );
}

#[test]
fn debug_output_never_shows_the_token() {
    let config = RunConfig::new(Target::Url {
        base_url: "http://127.0.0.1:9/scim/v2".into(),
        token: TOKEN.into(),
    });
    let okta = mock_okta::ClientOptions::new(TOKEN);
    for shown in [format!("{config:?}"), format!("{okta:?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(shown.contains("********"), "{shown}");
    }
}
