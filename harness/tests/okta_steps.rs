//! Okta steps name users by fixture key; the key keeps naming the user after Okta changes its
//! username, and `${users.KEY.login}` keeps the fixture's login.

use harness::report::terminal::{self, Style};
use harness::runner::{self, RunConfig, Target};
use harness::scenario::{ClientMode, Loaded, load_str};

const SCENARIO: &str = r#"version: 1
id: okta-steps.login-change
title: A user's variables follow a change of Okta username
fixtures:
  users:
    alice: {first_name: Alice, last_name: Liddell}
steps:
  - name: assign Alice
    okta: {assign_user: {user: alice, role: Account Analyst}}
    expect: {outcome: succeeded}
  - name: a new Okta username (the Email username format keeps her userName)
    okta: {update_user: {user: alice, new_login: "${run}-alice.l@${email_domain}"}}
    expect: {outcome: succeeded}
  - name: the key still finds her
    okta: {set_role: {user: alice, role: Account Reviewer}}
    expect: {outcome: succeeded}
  - name: the role reached the server
    scim: {method: GET, path: "/Users/${users.alice.id}"}
    expect:
      status: 200
      body:
        - {path: "$.roles[0].value", equals: Account Reviewer}
  - name: the login variable is the fixture's
    scim: {method: GET, path: "/Users/${users.alice.id}", headers: {X-Login: "${users.alice.login}"}}
    expect: {status: 200}
"#;

#[tokio::test]
async fn a_fixture_key_follows_a_change_of_username() {
    let scenario = Loaded {
        path: "okta-steps.yaml".into(),
        scenario: load_str("okta-steps.yaml", SCENARIO, &harness::rules::Catalogue)
            .expect("the scenario loads"),
    };
    let mut config = RunConfig::new(Target::Reference);
    config.modes = vec![ClientMode::OinPatch];
    let report = runner::run(&config, &[scenario], &|_| {}).await.unwrap();
    assert!(
        report.passed(),
        "{}",
        terminal::render(&report, Style::default())
    );
    let last = report.steps().last().unwrap();
    let sent = &last.exchanges[0].request.headers;
    let login = sent.iter().find(|(k, _)| k == "X-Login").unwrap();
    assert!(login.1.ends_with("-alice@example.com"), "{login:?}");
}

/// Every `externalId` a report's user creates carry.
fn external_ids(report: &harness::report::RunReport) -> Vec<String> {
    report
        .steps()
        .flat_map(|s| &s.exchanges)
        .filter(|ex| ex.request.method == "POST" && ex.request.path.ends_with("/Users"))
        .filter_map(|ex| ex.request.body.as_deref())
        .filter_map(|b| serde_json::from_str::<serde_json::Value>(b).ok())
        .filter_map(|b| b["externalId"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn no_two_users_of_a_run_or_of_two_runs_share_an_okta_id() {
    let (scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    let chosen: Vec<Loaded> = scenarios
        .into_iter()
        .filter(|l| {
            [
                "assignment.create",
                "deactivation.soft-delete",
                "update.names-and-role",
            ]
            .contains(&l.scenario.id.as_str())
        })
        .collect();
    let config = RunConfig::new(Target::Reference);
    let mut ids = Vec::new();
    for _ in 0..2 {
        let report = runner::run(&config, &chosen, &|_| {}).await.unwrap();
        assert!(
            report.passed(),
            "{}",
            terminal::render(&report, Style::default())
        );
        ids.extend(external_ids(&report));
    }
    assert!(ids.len() >= 12, "{ids:?}");
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        distinct.len(),
        ids.len(),
        "an Okta id was sent twice: {ids:?}"
    );
}
