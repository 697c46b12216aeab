//! The external section's child processes: the released `reference-server` binary, the
//! bare hyper baseline (`child-baseline`) and the busy process (`child-spin`), each started
//! with its own runtime and killed when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::CONTENT_TYPE;
use hyper_util::rt::TokioIo;

use crate::load::{self, Target};

/// The token the reference server is started with.
pub(crate) const TOKEN: &str = "bench-external-token";

/// A server in a process of its own, killed when dropped.
#[derive(Debug)]
pub(crate) struct Process {
    child: Child,
    pub(crate) addr: SocketAddr,
}

impl Process {
    /// Starts `cmd` and waits for the first line of its standard output that names a
    /// loopback address (`127.0.0.1:PORT`).
    fn start(mut cmd: Command, what: &str) -> anyhow::Result<Process> {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {what}"))?;
        let stdout = child.stdout.take().context("no standard output")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let Some(line) = lines.next() else {
                let _ = child.kill();
                bail!("{what} ended before saying where it listens");
            };
            if let Some(addr) = loopback_addr(&line?) {
                break addr;
            }
        };
        // The rest of its output is drained, so that it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Process { child, addr })
    }

    pub(crate) fn target(&self, token: Option<&str>) -> Target {
        Target {
            addr: self.addr,
            token: token.map(str::to_owned),
            pid: Some(self.child.id()),
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first `127.0.0.1:PORT` in a line.
fn loopback_addr(line: &str) -> Option<SocketAddr> {
    let at = line.find("127.0.0.1:")?;
    let rest = &line[at..];
    let end = rest[10..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(rest.len(), |e| e + 10);
    rest[..end].parse().ok()
}

/// The `reference-server` binary built beside this one.
fn reference_exe() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?.with_file_name("reference-server");
    if !exe.exists() {
        bail!(
            "{} is missing: build it first with `cargo build --release -p reference-server`",
            exe.display()
        );
    }
    Ok(exe)
}

/// Under `cargo run`, builds the `reference-server` binary beside this one (a no-op when
/// it is current), so that the figures are of the code being measured; run directly, this
/// program uses the binary already there.
pub(crate) fn build_reference() -> anyhow::Result<()> {
    if let Some(cargo) = std::env::var_os("CARGO") {
        let exe = std::env::current_exe()?;
        let profile = exe
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("release");
        let mut cmd = Command::new(cargo);
        cmd.args([
            "build",
            "-q",
            "-p",
            "reference-server",
            "--bin",
            "reference-server",
        ]);
        if profile != "debug" {
            cmd.args([
                "--profile",
                if profile == "release" {
                    "release"
                } else {
                    profile
                },
            ]);
        }
        let status = cmd
            .status()
            .context("cannot run cargo to build reference-server")?;
        if !status.success() {
            bail!("building reference-server failed ({status})");
        }
    }
    reference_exe().map(drop)
}

fn with_workers(mut cmd: Command, workers: Option<usize>) -> Command {
    match workers {
        Some(n) => cmd.env("TOKIO_WORKER_THREADS", n.to_string()),
        None => cmd.env_remove("TOKIO_WORKER_THREADS"),
    };
    cmd
}

pub(crate) fn start_reference(workers: Option<usize>) -> anyhow::Result<Process> {
    let mut cmd = Command::new(reference_exe()?);
    cmd.args(["--listen", "127.0.0.1:0", "--token", TOKEN]);
    Process::start(with_workers(cmd, workers), "reference-server")
}

pub(crate) fn start_baseline(workers: Option<usize>, body_bytes: usize) -> anyhow::Result<Process> {
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["child-baseline", "--body-bytes", &body_bytes.to_string()]);
    Process::start(with_workers(cmd, workers), "the baseline server")
}

/// Another process that keeps one core busy while it lives.
pub(crate) fn start_spinner() -> anyhow::Result<Process> {
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.arg("child-spin");
    Process::start(cmd, "the busy process")
}

/// `child-spin`: says it started, then keeps one core busy until killed.
pub(crate) fn spin() -> anyhow::Result<()> {
    println!("spinning; pretend address 127.0.0.1:1");
    let mut x = 0u64;
    loop {
        x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
    }
}

/// The baseline's body: [`load::BASELINE_BODY`], or a list response padded to `bytes`.
fn baseline_body(bytes: usize) -> Bytes {
    let small = load::BASELINE_BODY;
    if bytes <= small.len() {
        return Bytes::from_static(small);
    }
    let head = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"pad":""#;
    let tail = "\"}";
    let pad = bytes.saturating_sub(head.len() + tail.len());
    Bytes::from(format!("{head}{}{tail}", "x".repeat(pad)))
}

/// `child-baseline`: a bare hyper server on a free loopback port, with tokio's default
/// runtime, answering every request with the same body, until killed.
pub(crate) fn serve_baseline(body_bytes: usize) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let body = baseline_body(body_bytes);
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("listening on {}", listener.local_addr()?);
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |_req| {
                    let body = body.clone();
                    async move {
                        hyper::Response::builder()
                            .header(CONTENT_TYPE, "application/scim+json")
                            .body(Full::new(body))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_address_a_server_prints() {
        assert_eq!(
            loopback_addr("SCIM base URL: http://127.0.0.1:4321/scim/v2"),
            Some("127.0.0.1:4321".parse().unwrap())
        );
        assert_eq!(
            loopback_addr("listening on 127.0.0.1:80"),
            Some("127.0.0.1:80".parse().unwrap())
        );
        assert_eq!(loopback_addr("nothing here"), None);
    }

    #[test]
    fn a_padded_baseline_body_has_the_size_asked_for() {
        assert_eq!(baseline_body(0), Bytes::from_static(load::BASELINE_BODY));
        let b = baseline_body(62_000);
        assert_eq!(b.len(), 62_000);
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["totalResults"], 0);
    }
}
