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
