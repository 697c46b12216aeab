//! The load generator: closed-loop keep-alive HTTP/1.1 connections (hyper's client
//! connection API, one task per connection), each sending its next request as soon as the
//! previous answer is read in full.
//!
//! Client and server share one process but not a thread: the server runs on a tokio runtime
//! with one worker thread named `bench-server`, the load generator on another named
//! `bench-client`, and the main thread only sleeps and samples. On a 2-core machine each side
//! thus has a core to itself, and the CPU time of each thread group over the measured window
//! is recorded, so a reader can tell which side was the bottleneck (a side near 100% was).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use serde::Serialize;

use crate::stats;
use crate::sys;

/// The server side's thread name.
pub(crate) const SERVER_THREADS: &str = "bench-server";
/// The load generator's thread name.
pub(crate) const CLIENT_THREADS: &str = "bench-client";

/// A runtime with one worker thread, named `name`.
pub(crate) fn runtime(name: &str) -> anyhow::Result<tokio::runtime::Runtime> {
    runtime_with(name, 1)
}

/// A runtime with `workers` worker threads, named `name`.
pub(crate) fn runtime_with(name: &str, workers: usize) -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .thread_name(name)
        .enable_all()
        .build()
        .context("cannot start a tokio runtime")
}

/// The server and client runtimes of one measurement.
#[derive(Debug)]
pub(crate) struct Runtimes {
    pub(crate) server: tokio::runtime::Runtime,
    pub(crate) client: tokio::runtime::Runtime,
}

impl Runtimes {
    pub(crate) fn new() -> anyhow::Result<Runtimes> {
        Runtimes::with_server_workers(1)
    }

    /// The server's runtime with `workers` threads, the client's with one.
    pub(crate) fn with_server_workers(workers: usize) -> anyhow::Result<Runtimes> {
        Ok(Runtimes {
            server: runtime_with(SERVER_THREADS, workers)?,
            client: runtime(CLIENT_THREADS)?,
        })
    }
}

/// One request to send.
#[derive(Clone, Debug)]
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) uri: Uri,
    pub(crate) body: Option<Bytes>,
    /// Whether its latency counts (a setup request, such as the removal that keeps a team's
    /// size constant, is sent but not measured).
    pub(crate) measured: bool,
}

impl Req {
    pub(crate) fn get(uri: Uri) -> Req {
        Req {
            method: Method::GET,
            uri,
            body: None,
            measured: true,
        }
    }

    pub(crate) fn with_body(method: Method, uri: Uri, body: impl Into<Bytes>) -> Req {
        Req {
            method,
            uri,
            body: Some(body.into()),
            measured: true,
        }
    }
}

/// Makes connection `c`'s `i`th request.
pub(crate) type MakeRequest = Arc<dyn Fn(usize, u64) -> Req + Send + Sync>;

/// Where to send, and with what credentials.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub(crate) addr: SocketAddr,
    pub(crate) token: Option<String>,
    /// The server's process, when it runs in one of its own (its CPU is then that
    /// process's, not this one's `bench-server` threads').
    pub(crate) pid: Option<u32>,
}

/// How long and how wide.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shape {
    pub(crate) connections: usize,
    /// Requests before this are sent but not counted (connections open, caches warm).
    pub(crate) warmup: Duration,
    /// The measured window.
    pub(crate) duration: Duration,
}

/// What one load run measured.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct LoadResult {
    /// Measured requests completed inside the window.
    pub(crate) requests: u64,
    /// Of those, answers with a status other than the expected one.
    pub(crate) errors: u64,
    /// The first unexpected status and body, to say what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) first_error: Option<String>,
    pub(crate) requests_per_sec: f64,
    /// Response body bytes of the measured requests, per second.
    pub(crate) body_bytes_per_sec: f64,
    pub(crate) p50_ns: u64,
    pub(crate) p99_ns: u64,
    /// CPU used by the server's threads over the window, as a share of one core.
    pub(crate) server_cpu: Option<f64>,
    /// CPU used by the load generator's thread over the window, as a share of one core.
    pub(crate) client_cpu: Option<f64>,
    /// CPU used by everything outside this process over the window, in cores: other work on
    /// the machine that competed with the measurement (steal time included).
    pub(crate) other_cpu: Option<f64>,
    pub(crate) connections: usize,
    pub(crate) window_secs: f64,
}

impl LoadResult {
    /// A result of `rps` requests per second and nothing else, for tests of what is made of
    /// results.
    #[cfg(test)]
    pub(crate) fn empty(rps: f64) -> LoadResult {
        LoadResult {
            requests: 0,
            errors: 0,
            first_error: None,
            requests_per_sec: rps,
            body_bytes_per_sec: 0.0,
            p50_ns: 0,
            p99_ns: 0,
            server_cpu: None,
            client_cpu: None,
            other_cpu: None,
            connections: 64,
            window_secs: 1.0,
        }
    }
}

struct ConnStats {
    latencies: Vec<u64>,
    bytes: u64,
    errors: u64,
    first_error: Option<String>,
}

/// Runs `make` over `shape.connections` connections and measures the window after warmup.
/// Only requests that complete inside the window are counted; their latency is measured from
/// just before the request is handed to the connection to the last byte of the answer.
pub(crate) fn run(
    rts: &Runtimes,
    target: &Target,
    shape: Shape,
    expect: u16,
    make: MakeRequest,
) -> anyhow::Result<LoadResult> {
    let start = Instant::now() + Duration::from_millis(50);
    let window_start = start + shape.warmup;
    let end = window_start + shape.duration;
    let auth = target
        .token
        .as_ref()
        .map(|t| HeaderValue::from_str(&format!("Bearer {t}")))
        .transpose()?;
    let host = HeaderValue::from_str(&target.addr.to_string())?;
    let mut handles = Vec::with_capacity(shape.connections);
    for c in 0..shape.connections {
        let make = Arc::clone(&make);
        let auth = auth.clone();
        let host = host.clone();
        let addr = target.addr;
        handles.push(rts.client.spawn(async move {
            connection(addr, c, host, auth, make, expect, (window_start, end)).await
        }));
    }
    // The main thread only samples: CPU time at the window's edges.
    sleep_until(window_start);
    let cpu_before = cpu_sample(target.pid);
    sleep_until(end);
    let cpu_after = cpu_sample(target.pid);
    let others = cpu_before.others.cores();
    let mut latencies = Vec::new();
    let mut bytes = 0;
    let mut errors = 0;
    let mut first_error = None;
    for h in handles {
        let s = rts
            .client
            .block_on(h)
            .map_err(|e| anyhow!("a connection task failed: {e}"))??;
        latencies.extend(s.latencies);
        bytes += s.bytes;
        errors += s.errors;
        first_error = first_error.or(s.first_error);
    }
    let (p50_ns, p99_ns) = stats::latency_summary(&mut latencies);
    let secs = shape.duration.as_secs_f64();
    let share = |i: usize| match (cpu_before.threads[i], cpu_after.threads[i]) {
        (Some(a), Some(b)) => Some((b - a) / secs),
        _ => None,
    };
    // Outside this process, less the server's own process when it has one.
    let other_cpu = others.map(|c| {
        let server = target.pid.and(share(0)).unwrap_or(0.0);
        (c - server).max(0.0)
    });
    Ok(LoadResult {
        requests: latencies.len() as u64,
        errors,
        first_error,
        requests_per_sec: latencies.len() as f64 / secs,
        body_bytes_per_sec: bytes as f64 / secs,
        p50_ns,
        p99_ns,
        server_cpu: share(0),
        client_cpu: share(1),
        other_cpu,
        connections: shape.connections,
        window_secs: secs,
    })
}

struct CpuSample {
    threads: [Option<f64>; 2],
    others: sys::OtherLoad,
}

fn cpu_sample(server_pid: Option<u32>) -> CpuSample {
    CpuSample {
        threads: [
            server_pid.map_or_else(
                || sys::thread_cpu_secs(SERVER_THREADS),
                sys::process_cpu_secs,
            ),
            sys::thread_cpu_secs(CLIENT_THREADS),
        ],
        others: sys::OtherLoad::start(),
    }
}

fn sleep_until(t: Instant) {
    let now = Instant::now();
    if t > now {
        std::thread::sleep(t - now);
    }
}

async fn connection(
    addr: SocketAddr,
    c: usize,
    host: HeaderValue,
    auth: Option<HeaderValue>,
    make: MakeRequest,
    expect: u16,
    (window_start, end): (Instant, Instant),
) -> anyhow::Result<ConnStats> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut out = ConnStats {
        latencies: Vec::new(),
        bytes: 0,
        errors: 0,
        first_error: None,
    };
    let mut i = 0u64;
    while Instant::now() < end {
        let req = make(c, i);
        i += 1;
        let mut builder = Request::builder()
            .method(req.method)
            .uri(req.uri)
            .header(HOST, host.clone())
            .header(ACCEPT, "application/scim+json");
        if let Some(a) = &auth {
            builder = builder.header(AUTHORIZATION, a.clone());
        }
        if req.body.is_some() {
            builder = builder.header(CONTENT_TYPE, "application/scim+json");
        }
        let request = builder.body(Full::new(req.body.unwrap_or_default()))?;
        sender.ready().await?;
        let t0 = Instant::now();
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        let done = Instant::now();
        if req.measured && done >= window_start && done <= end {
            out.latencies
                .push(u64::try_from((done - t0).as_nanos()).unwrap_or(u64::MAX));
            out.bytes += body.len() as u64;
            if status != expect {
                out.errors += 1;
                if out.first_error.is_none() {
                    out.first_error = Some(format!(
                        "{status}: {}",
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    ));
                }
            }
        }
    }
    Ok(out)
}

/// The baseline server's answer.
pub(crate) const BASELINE_BODY: &[u8] =
    br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}"#;

/// A bare hyper server answering every request with the same small JSON body: the ceiling
/// for this machine under this load generator. Runs on `rt` until the runtime is dropped.
pub(crate) fn spawn_baseline(rt: &tokio::runtime::Runtime) -> anyhow::Result<SocketAddr> {
    use hyper::service::service_fn;
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    rt.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(|_req| async {
                    hyper::Response::builder()
                        .header(CONTENT_TYPE, "application/scim+json")
                        .body(Full::new(Bytes::from_static(BASELINE_BODY)))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}
