//! The `mock-okta` command line: a sequence of calls acting on one org through `--state`,
//! readable or JSON output, exit codes, and a token that never reaches the output or the
//! state file.

mod common;

use std::process::{Command, Output};

use common::*;

async fn run(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_mock-okta"))
            .args(&args)
            .env("MY_TOKEN", "cli-secret-token")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_sequence_of_commands_acts_on_one_org() {
    let server = wiremock::MockServer::start().await;
    lookup(vec![]).mount(&server).await;
    on(
        "POST",
        "/scim/v2/Users",
        scim(201, user(USER_ID, "test.user@okta.local", true)),
    )
    .mount(&server)
    .await;
    on(
        "PATCH",
        &format!("/scim/v2/Users/{USER_ID}"),
        scim(200, user(USER_ID, "test.user@okta.local", false)),
    )
    .mount(&server)
    .await;

    let dir = std::env::temp_dir().join(format!("mock-okta-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("org.json");
    let base = |cmd: &[&str]| {
        let mut v = vec![
            "--target".to_owned(),
            format!("{}/scim/v2", server.uri()),
            "--token-env".to_owned(),
            "MY_TOKEN".to_owned(),
            "--state".to_owned(),
            state.display().to_string(),
        ];
        v.extend(cmd.iter().map(|s| (*s).to_owned()));
        v
    };

    let out = run(base(&[
        "create-user",
        "--login",
        "test.user@okta.local",
        "--first",
        "Test",
        "--last",
        "User",
    ]))
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = run(base(&[
        "assign-user",
        "test.user@okta.local",
        "--role",
        "Account Analyst",
    ]))
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.starts_with("== assign-user: succeeded"), "{text}");
    assert!(text.contains("> POST /scim/v2/Users"), "{text}");
    assert!(text.contains("> Authorization: Bearer ********"), "{text}");

    let out = run(base(&["--json", "unassign-user", "test.user@okta.local"])).await;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"]["status"], "succeeded");
    assert_eq!(report["exchanges"][0]["request"]["method"], "PATCH");

    // Unknown users are a usage error (exit 2), not a provisioning failure.
    let out = run(base(&["assign-user", "nobody@okta.local"])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Okta user \"nobody@okta.local\""));

    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("test.user@okta.local"));
    assert!(
        !saved.contains("cli-secret-token"),
        "the token must not be stored"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_provisioning_failure_exits_1_with_the_task() {
    let server = wiremock::MockServer::start().await;
    on(
        "GET",
        "/scim/v2/Users",
        scim(401, scim_error(401, None, "bad token")),
    )
    .mount(&server)
    .await;
    let out = run(vec![
        "--target".into(),
        format!("{}/scim/v2", server.uri()),
        "--token-env".into(),
        "MY_TOKEN".into(),
        "test-api-credentials".into(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "An error has occurred: Unauthorized. Errors reported by remote server: bad token"
        ),
        "{text}"
    );
    assert!(!text.contains("cli-secret-token"));
}
