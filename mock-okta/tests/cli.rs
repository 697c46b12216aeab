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

/// The arguments of a command against `server`, keeping the org in `state`.
fn command(server: &wiremock::MockServer, state: &std::path::Path, cmd: &[&str]) -> Vec<String> {
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
    let base = |cmd: &[&str]| command(&server, &state, cmd);

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

/// A target that echoes the token back in every form (as sent, Base64, URL-encoded) in its
/// headers and a long error `detail`, or redirects: what the command line prints and keeps
/// holds no token, quotes the target briefly, and follows nothing.
#[tokio::test]
async fn a_hostile_target_leaves_no_token_and_no_bulk_behind() {
    use base64::Engine;
    const TOKEN: &str = "cli-secret-token";
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/scim/v2/Users"))
        .respond_with(|req: &wiremock::Request| {
            let auth = req
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let b64 = base64::engine::general_purpose::STANDARD.encode(&auth);
            let detail = format!(
                "{auth} / {b64} / ?t={} / {}",
                auth.replace(' ', "%20"),
                "blah ".repeat(20_000)
            );
            wiremock::ResponseTemplate::new(500)
                .insert_header("x-echo", auth.as_str())
                .insert_header("x-echo-b64", b64.as_str())
                .set_body_raw(
                    serde_json::to_vec(&scim_error(500, None, &detail)).unwrap(),
                    "application/scim+json",
                )
        })
        .mount(&server)
        .await;
    // Test API Credentials (`count=2`) is redirected elsewhere.
    wiremock::Mock::given(wiremock::matchers::path("/scim/v2/Users"))
        .and(wiremock::matchers::query_param("count", "2"))
        .respond_with(
            wiremock::ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:9/x"),
        )
        .with_priority(1)
        .mount(&server)
        .await;

    let dir = std::env::temp_dir().join(format!("mock-okta-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("org.json");
    let base = |json: bool, cmd: &[&str]| {
        let mut cmd = cmd.to_vec();
        if json {
            cmd.insert(0, "--json");
        }
        command(&server, &state, &cmd)
    };
    let forms = [
        TOKEN.to_owned(),
        base64::engine::general_purpose::STANDARD.encode(format!("Bearer {TOKEN}")),
    ];
    let clean = |what: &str, text: &str| {
        for f in &forms {
            assert!(
                !text.contains(f.as_str()),
                "{what} holds the token as {f}: {text}"
            );
        }
    };

    let out = run(base(
        false,
        &[
            "create-user",
            "--login",
            "a@okta.local",
            "--first",
            "A",
            "--last",
            "B",
        ],
    ))
    .await;
    assert!(out.status.success());
    for json in [false, true] {
        let out = run(base(json, &["assign-user", "a@okta.local"])).await;
        assert_eq!(out.status.code(), Some(1), "the lookup failed");
        let stdout = String::from_utf8_lossy(&out.stdout);
        clean("stdout", &stdout);
        clean("stderr", &String::from_utf8_lossy(&out.stderr));
    }
    // The redirect is the answer: printed with its status, and never followed.
    let out = run(base(false, &["test-api-credentials"])).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("< 302") && stdout.contains("location: http://127.0.0.1:9/x"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("> GET").count(),
        1,
        "nothing followed: {stdout}"
    );

    let saved = std::fs::read_to_string(&state).unwrap();
    clean("the state file", &saved);
    let org: serde_json::Value = serde_json::from_str(&saved).unwrap();
    for task in org["tasks"].as_array().unwrap() {
        let message = task["message"].as_str().unwrap();
        assert!(
            message.chars().count() < 500,
            "a task quotes the target briefly: {} chars",
            message.chars().count()
        );
    }
    assert!(
        saved.len() < 64 * 1024,
        "the state is {} bytes",
        saved.len()
    );

    // An answer over --max-body fails the request, unread.
    let out = run(base(
        false,
        &["--max-body", "1K", "assign-user", "a@okta.local"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1024"), "{stdout}");
    clean("stdout", &stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}
