//! The `reference-server` binary as the README runs it: it prints its base URL on stdout,
//! serves real HTTP on that port, and stops gracefully on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_binary_prints_its_url_serves_and_stops() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reference-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--plan",
            "business-critical",
            "--custom-role",
            "Data Steward",
        ])
        .env("SCIM_TOKEN", "from-env")
        .env_remove("ADMIN_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first
        .strip_prefix("SCIM base URL: ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(
        base.starts_with("http://127.0.0.1:")
            && base.ends_with("/scim/v2")
            && !base.contains(":0/"),
        "{base}"
    );
    // The SCIM token came from the environment, so only the admin token is printed.
    let second = lines.next().unwrap().unwrap();
    assert!(
        second.starts_with("Admin token (generated, shown once): "),
        "{second}"
    );
    assert!(!second.contains("from-env"));

    let client = reqwest::Client::new();
    let r = client
        .get(format!("{base}/Users?startIndex=1&count=2"))
        .bearer_auth("from-env")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client
        .get(format!("{base}/Users"))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // SIGTERM: a graceful stop with exit status 0.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_bad_config_file_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("refsrv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.yaml");
    std::fs::write(&file, "plann: starter\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_reference-server"))
        .arg("--config")
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("plann"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
