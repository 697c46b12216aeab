//! The `scim-harness` command line: exit codes (0 passed, 1 a MUST failed, 2 usage or scenario
//! errors, 3 unreachable, 4 the token refused, 5 a report not written), reports written where
//! asked, and a token that never appears in any output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "cli-test-secret-token-123";

fn outcomes(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/outcomes")
        .join(name)
}

async fn harness(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_scim-harness"))
            .args(&args)
            .env("MY_SCIM_TOKEN", TOKEN)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn the_reference_run_passes_and_writes_reports() {
    let dir = std::env::temp_dir().join(format!("harness-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, junit) = (dir.join("r.json"), dir.join("r.xml"));
    let o = harness(args(&[
        "run",
        "--reference",
        "--scenarios",
        &outcomes("pass").display().to_string(),
        "--json",
        &json.display().to_string(),
        "--junit",
        &junit.display().to_string(),
    ]))
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("2 passed, 0 failed, 0 skipped"),
        "{}",
        text(&o)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["summary"]["passed"], 2);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<testsuite name=\"outcome.pass.user-roundtrip [oin-patch]\""),
        "{xml}"
    );
    assert!(
        xml.contains("name=\"rule\" value=\"okta.assign.creates-user\""),
        "{xml}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_failed_must_rule_exits_1_and_the_token_never_shows() {
    // A target that gets everything wrong: lists without a ListResponse, errors without bodies.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/ServiceProviderConfig"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": []})))
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("harness-cli-fail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, junit) = (dir.join("r.json"), dir.join("r.xml"));
    let o = harness(args(&[
        "run",
        "--target",
        &format!("{}/scim/v2", server.uri()),
        "--token-env",
        "MY_SCIM_TOKEN",
        "--scenarios",
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../scenarios/01-connection")
            .display()
            .to_string(),
        "--okta-mode",
        "oin-patch",
        "--json",
        &json.display().to_string(),
        "--junit",
        &junit.display().to_string(),
    ]))
    .await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("connection.test-api-credentials     PATCH FAIL"),
        "{out}"
    );
    assert!(
        out.contains("FAIL R7644-3.4.2-list-envelope (MUST, rfc)"),
        "{out}"
    );
    assert!(
        out.contains("\"Authorization: Bearer ${MY_SCIM_TOKEN}\""),
        "the replay names the variable --token-env names: {out}"
    );
    assert!(
        out.contains("--token-env MY_SCIM_TOKEN --scenarios"),
        "the rerun command too: {out}"
    );
    for written in [
        out,
        std::fs::read_to_string(&json).unwrap(),
        std::fs::read_to_string(&junit).unwrap(),
    ] {
        assert!(!written.contains(TOKEN), "the token leaked");
    }
    for request in server.received_requests().await.unwrap() {
        assert_eq!(
            request.headers.get("authorization").unwrap(),
            &format!("Bearer {TOKEN}")
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_unreachable_target_exits_3() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = harness(args(&[
        "run",
        "--target",
        &format!("http://127.0.0.1:{port}/scim/v2"),
        "--token-env",
        "MY_SCIM_TOKEN",
    ]))
    .await;
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("cannot reach"), "{}", text(&o));
}

#[tokio::test]
async fn usage_and_scenario_errors_exit_2() {
    let o = harness(args(&[
        "run",
        "--target",
        "http://127.0.0.1:9/scim/v2",
        "--token-env",
        "NOT_SET_ANYWHERE",
    ]))
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("NOT_SET_ANYWHERE holds no token"));
    let o = harness(args(&["lint", &outcomes("reject").display().to_string()])).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("did you mean `assign_user`?"),
        "{}",
        text(&o)
    );
    let o = harness(args(&[
        "run",
        "--reference",
        "--scenarios",
        &outcomes("reject").display().to_string(),
    ]))
    .await;
    assert_eq!(o.status.code(), Some(2));
    let o = harness(args(&["run"])).await;
    assert_eq!(
        o.status.code(),
        Some(2),
        "clap's own usage errors exit 2 too"
    );
    for bad in [
        "notaurl",
        "ftp://example.com/scim",
        "https://user:pw@example.com/scim",
        "https://example.com/scim?x=1",
    ] {
        let o = harness(args(&[
            "run",
            "--target",
            bad,
            "--token-env",
            "MY_SCIM_TOKEN",
        ]))
        .await;
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", text(&o));
        assert!(text(&o).contains("--target"), "{}", text(&o));
    }
}

#[tokio::test]
async fn lint_rules_and_schema_answer() {
    let o = harness(args(&["lint", &outcomes("pass").display().to_string()])).await;
    assert_eq!(o.status.code(), Some(0));
    let o = harness(args(&["rules", "--format", "json"])).await;
    let rules: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        rules.as_array().unwrap().len(),
        harness::rules::CATALOGUE.len()
    );
    let o = harness(args(&["rules"])).await;
    assert!(String::from_utf8_lossy(&o.stdout).contains("fivetran.role.account-level-only"));
    let o = harness(args(&["schema"])).await;
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        harness::cli::schema_text()
    );
    let o = harness(args(&["schema", "report"])).await;
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        harness::cli::report_schema_text()
    );
    let o = harness(args(&["--help"])).await;
    assert!(String::from_utf8_lossy(&o.stdout).contains("Exit codes: 0"));
}

#[tokio::test]
async fn run_target_checks_a_server_on_another_port() {
    let config = reference_server::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        token: Some(TOKEN.into()),
        ..reference_server::Config::default()
    };
    let server = reference_server::spawn(&config).await.unwrap();
    let o = harness(args(&[
        "run",
        "--target",
        &server.base_url,
        "--token-env",
        "MY_SCIM_TOKEN",
    ]))
    .await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains(" passed, 0 failed, "), "{out}");
    assert!(!out.contains(TOKEN));
    // What the run created was cleaned up.
    let (users, teams) = server.state.store().counts();
    assert_eq!((users, teams), (0, 0), "the run left users or teams behind");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_report_that_cannot_be_written_after_judging_exits_5() {
    let dir = std::env::temp_dir().join(format!("harness-cli-4-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("r.json");
    let o = harness(args(&[
        "run",
        "--reference",
        "--scenarios",
        &outcomes("pass").display().to_string(),
        "--junit",
        &dir.join("no-such-dir/r.xml").display().to_string(),
        "--json",
        &json.display().to_string(),
    ]))
    .await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(5), "{out}");
    assert!(
        out.contains("2 passed, 0 failed"),
        "the verdict is printed: {out}"
    );
    assert!(out.contains("cannot write"), "{out}");
    assert!(json.exists(), "the other report is still written");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_refused_token_stops_the_run_with_one_sentence_and_exit_4() {
    let config = reference_server::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        token: Some("the-right-token".into()),
        ..reference_server::Config::default()
    };
    let server = reference_server::spawn(&config).await.unwrap();
    let o = harness(args(&[
        "run",
        "--target",
        &server.base_url,
        "--token-env",
        "MY_SCIM_TOKEN",
    ]))
    .await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(4), "{out}");
    assert_eq!(out.lines().count(), 1, "one sentence: {out}");
    assert!(out.contains("refused the token (401"), "{out}");
    assert!(!out.contains(TOKEN));
    let (users, teams) = server.state.store().counts();
    assert_eq!((users, teams), (0, 0), "nothing was made");
    server.stop().await.unwrap();

    let o = harness(args(&[
        "run",
        "--target",
        "http://127.0.0.1:9/scim/v2",
        "--token-env",
        "MY-TOKEN",
    ]))
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[tokio::test]
async fn the_jobs_of_a_partition_run_each_scenario_once_with_all_its_modes() {
    let dir = std::env::temp_dir().join(format!("harness-cli-part-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut seen: Vec<(String, String)> = Vec::new();
    for k in 1..=3 {
        let json = dir.join(format!("r{k}.json"));
        let o = harness(args(&[
            "run",
            "--reference",
            "--scenarios",
            &outcomes("fail").display().to_string(),
            &outcomes("pass").display().to_string(),
            "--partition",
            &format!("{k}/3"),
            "--quiet",
            "--json",
            &json.display().to_string(),
        ]))
        .await;
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let runs = report["scenarios"].as_array().unwrap();
        assert!(!runs.is_empty(), "job {k}/3 ran nothing");
        for run in runs {
            seen.push((
                run["id"].as_str().unwrap().to_owned(),
                run["mode"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        seen.len(),
        "a scenario ran in two jobs: {seen:?}"
    );
    // Every scenario of the two folders ran, in every mode it runs in: user-roundtrip in both.
    assert_eq!(seen.len(), 6, "{seen:?}");
    let roundtrip = seen
        .iter()
        .filter(|(id, _)| id == "outcome.pass.user-roundtrip")
        .count();
    assert_eq!(roundtrip, 2, "{seen:?}");

    let o = harness(args(&["run", "--reference", "--partition", "4/3"])).await;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("between 1 and n"), "{}", text(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_deadline_that_passes_writes_the_reports_marked_incomplete_and_exits_3() {
    let dir = std::env::temp_dir().join(format!("harness-cli-deadline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, md) = (dir.join("r.json"), dir.join("r.md"));
    let o = harness(args(&[
        "run",
        "--reference",
        "--scenarios",
        &outcomes("pass").display().to_string(),
        "--deadline",
        "0",
        "--json",
        &json.display().to_string(),
        "--markdown",
        &md.display().to_string(),
    ]))
    .await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(3), "{out}");
    assert!(
        out.contains("INCOMPLETE: the run's deadline of 0 s passed"),
        "{out}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["incomplete"]["reason"], "deadline", "{report}");
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .contains("**Incomplete:**")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A target that answers the preflight, 404s discovery, and holds `GET /Users/hang` open,
/// saying on `held` when it does.
async fn hanging_target(held: tokio::sync::mpsc::UnboundedSender<()>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let held = held.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut seen = Vec::new();
                loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&seen[..end]).into_owned();
                    seen.drain(..end + 4);
                    let target = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                    if target.starts_with("/scim/v2/Users/hang") {
                        let _ = held.send(());
                        std::future::pending::<()>().await;
                    }
                    let (status, body) = if target.starts_with("/scim/v2/Users?") {
                        (
                            "200 OK",
                            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0}"#,
                        )
                    } else {
                        (
                            "404 Not Found",
                            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404"}"#,
                        )
                    };
                    let reply = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if socket.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}/scim/v2")
}

#[tokio::test]
async fn ctrl_c_finishes_the_step_under_way_writes_the_reports_and_exits_130() {
    let dir = std::env::temp_dir().join(format!("harness-cli-int-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, scenario) = (dir.join("r.json"), dir.join("hang.yaml"));
    let steps: String = (1..=4)
        .map(|i| format!("  - name: read {i}\n    scim: {{method: GET, path: /Users/hang}}\n    expect: {{status: 200}}\n"))
        .collect();
    std::fs::write(
        &scenario,
        format!("version: 1\nid: interrupt.me\ntitle: hangs\nsteps:\n{steps}"),
    )
    .unwrap();
    let (tx, mut held) = tokio::sync::mpsc::unbounded_channel();
    let base_url = hanging_target(tx).await;
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_scim-harness"))
        .args(args(&[
            "run",
            "--target",
            &base_url,
            "--token-env",
            "MY_SCIM_TOKEN",
            "--scenarios",
            &scenario.display().to_string(),
            "--okta-mode",
            "oin-patch",
            "--timeout",
            "2",
            "--json",
            &json.display().to_string(),
        ]))
        .env("MY_SCIM_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The first step is under way: interrupt.
    held.recv().await.unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let out = text(&o);
    assert_eq!(o.status.code(), Some(130), "{out}");
    assert!(out.contains("INCOMPLETE: the run was interrupted"), "{out}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["incomplete"]["reason"], "interrupted", "{report}");
    let steps = report["scenarios"][0]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 4);
    assert!(
        steps[1]["note"]
            .as_str()
            .unwrap()
            .starts_with("not run: the run was interrupted")
    );
    assert!(!out.contains(TOKEN) && !std::fs::read_to_string(&json).unwrap().contains(TOKEN));
    std::fs::remove_dir_all(&dir).unwrap();
}
