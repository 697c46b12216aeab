//! The `reference-server` binary as the README runs it: it prints its base URL on stdout,
//! serves real HTTP on that port, and stops gracefully on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long the binary may take to print a line or to stop: a guard against a hang, not a
/// timed assertion.
const PATIENCE: Duration = Duration::from_secs(60);

/// The child process, killed (and reaped) if the test ends before it stopped, so that a
/// failed assertion leaves no server behind.
struct Running(Option<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends SIGTERM and waits for the child to exit, for at most [`PATIENCE`].
fn terminate(running: &mut Running) -> ExitStatus {
    let mut child = running.0.take().unwrap();
    let pid = child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    // Wait on another thread, so that a server that ignores SIGTERM fails the test instead
    // of hanging it.
    let (tx, exited) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    match exited.recv_timeout(PATIENCE) {
        Ok(status) => status.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            panic!("the server did not stop within {PATIENCE:?} of SIGTERM");
        }
    }
}

#[tokio::test]
async fn the_binary_prints_its_url_serves_and_stops() {
    let mut running = Running(Some(
        Command::new(env!("CARGO_BIN_EXE_reference-server"))
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
            .unwrap(),
    ));
    // Lines are read on a thread, so that a server that prints nothing fails the test
    // instead of hanging it.
    let stdout = running.0.as_mut().unwrap().stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next_line = || {
        lines
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|e| panic!("no line on stdout within {PATIENCE:?}: {e}"))
            .unwrap()
    };
    let first = next_line();
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
    let second = next_line();
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
    assert!(terminate(&mut running).success());
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
