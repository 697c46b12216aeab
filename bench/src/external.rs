//! Section 8: the released binaries as a user runs them. `reference-server --listen
//! 127.0.0.1:0 --token T` and a bare hyper server (this program, as `child-baseline`) each
//! run as a process of their own with tokio's default runtime (one worker per core, or
//! `TOKIO_WORKER_THREADS`), and this process drives them over loopback. Unlike the
//! in-process sections, client and servers here compete for the machine's cores as they
//! would under any external load generator.
//!
//! The tables: every scenario in the default configuration; a worker sweep (1 and 2
//! workers, on a quiet machine and while another process keeps one core busy), again with
//! this program pinned to a core of its own (`pin`), and two workers' rate over one's for
//! each; and a concurrency sweep (1, 16, 64 and 256 connections).

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use http_body_util::{BodyExt, Full};
use hyper::Method;
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper_util::rt::TokioIo;
use serde::Serialize;

use crate::children::{TOKEN, build_reference, start_baseline, start_reference, start_spinner};
use crate::fixtures;
use crate::load::{self, LoadResult, Req, Runtimes, Shape};
use crate::pin::{self, Pinned};
use crate::throughput::{self, Fixture, Kind, Scenario};

/// Connections that load the servers while they are being filled.
const SEED_CONNECTIONS: usize = 16;

/// How the servers run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Setup {
    /// `TOKIO_WORKER_THREADS`; `None` is tokio's default (one per core).
    pub(crate) workers: Option<usize>,
    pub(crate) connections: usize,
    /// Whether another process kept one core busy.
    pub(crate) busy_core: bool,
    /// Whether this program (the load generator) ran on a core of its own, and the server
    /// and the busy process on the others (see `pin`).
    pub(crate) pinned: bool,
}

impl Setup {
    /// Runs `start` with the current thread on the server's cores when the setup is pinned,
    /// so that the process it starts (and every thread of it) stays there.
    fn on_server_cores<T>(self, start: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
        let _pinned = self.split()?.map(|s| Pinned::to(s.server)).transpose()?;
        start()
    }

    /// Pins the current thread (and the runtimes it then builds) to the generator's core
    /// when the setup is pinned.
    fn generator_pin(self) -> anyhow::Result<Option<Pinned>> {
        self.split()?.map(|s| Pinned::to(s.generator)).transpose()
    }

    fn split(self) -> anyhow::Result<Option<pin::Split>> {
        if !self.pinned {
            return Ok(None);
        }
        pin::split()
            .map(Some)
            .context("pinning needs at least two cores, on Linux")
    }
}

/// Fills a fresh reference server over HTTP as the in-process sections fill their store:
/// [`throughput::USERS`] users and one team per connection.
fn seed(rts: &Runtimes, addr: SocketAddr, connections: usize) -> anyhow::Result<Fixture> {
    let n = throughput::USERS;
    let mut tasks = Vec::new();
    for c in 0..SEED_CONNECTIONS {
        tasks.push(rts.client.spawn(async move {
            let mut conn = Conn::open(addr).await?;
            let mut ids = Vec::new();
            for i in (c..n).step_by(SEED_CONNECTIONS) {
                let body = fixtures::create_body(&fixtures::user_name(i));
                let id = conn.create("/scim/v2/Users", body).await?;
                ids.push((i, id));
            }
            anyhow::Ok(ids)
        }));
    }
    let mut ids = vec![String::new(); n];
    for t in tasks {
        for (i, id) in rts.client.block_on(t)?? {
            ids[i] = id;
        }
    }
    let ids: Vec<reference_server::store::Id> = ids.into_iter().map(Into::into).collect();
    let team_ids = ids.clone();
    let teams = rts.client.block_on(async move {
        let mut conn = Conn::open(addr).await?;
        let mut teams = Vec::new();
        for c in 0..connections {
            let start = (c * throughput::TEAM_START_MEMBERS) % (n - throughput::TEAM_START_MEMBERS);
            let members: Vec<serde_json::Value> = team_ids
                [start..start + throughput::TEAM_START_MEMBERS]
                .iter()
                .map(|id| serde_json::json!({"value": &**id}))
                .collect();
            let body = serde_json::json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": format!("Load team {c}"),
                "members": members,
            });
            teams.push(
                conn.create("/scim/v2/Groups", body.to_string())
                    .await?
                    .into(),
            );
        }
        anyhow::Ok(teams)
    })?;
    Ok(Fixture { ids, teams })
}

/// One keep-alive connection for filling a server.
struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    host: String,
}

impl Conn {
    async fn open(addr: SocketAddr) -> anyhow::Result<Conn> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Conn {
            sender,
            host: addr.to_string(),
        })
    }

    /// POSTs `body` and returns the new resource's id.
    async fn create(&mut self, path: &str, body: String) -> anyhow::Result<String> {
        let request = hyper::Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(HOST, &self.host)
            .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(CONTENT_TYPE, "application/scim+json")
            .body(Full::new(Bytes::from(body)))?;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        if status != 201 {
            bail!(
                "{path} answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        let json: serde_json::Value = serde_json::from_slice(&body)?;
        json["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("{path} answered without an id"))
    }
}

/// One measurement: a fresh server of `server`'s kind, loaded by `scenario` (the
/// baseline when `None`).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Measure {
    /// `baseline` or the scenario's name.
    pub(crate) name: &'static str,
    pub(crate) request: &'static str,
    pub(crate) kind: Option<Kind>,
    pub(crate) setup: Setup,
    /// The baseline's body size, for a baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) body_bytes: Option<usize>,
    pub(crate) result: LoadResult,
}

fn measure_baseline(setup: Setup, body_bytes: usize, shape: Shape) -> anyhow::Result<Measure> {
    let _busy = setup.on_server_cores(|| setup.busy_core.then(start_spinner).transpose())?;
    let _generator = setup.generator_pin()?;
    let rts = Runtimes::new()?;
    let server = setup.on_server_cores(|| start_baseline(setup.workers, body_bytes))?;
    let u = fixtures::uri("/scim/v2/Users?count=0")?;
    let result = load::run(
        &rts,
        &server.target(None),
        Shape {
            connections: setup.connections,
            ..shape
        },
        200,
        Arc::new(move |_, _| Req::get(u.clone())),
    )?;
    Ok(Measure {
        name: "baseline",
        request: "GET, bare hyper, fixed body",
        kind: None,
        setup,
        body_bytes: Some(body_bytes),
        result,
    })
}

fn measure_scenario(scenario: Scenario, setup: Setup, shape: Shape) -> anyhow::Result<Measure> {
    let (name, request, kind, expect) = scenario.spec();
    let _generator = setup.generator_pin()?;
    let rts = Runtimes::new()?;
    let server = setup.on_server_cores(|| start_reference(setup.workers))?;
    let fixture = seed(&rts, server.addr, setup.connections.max(1))?;
    let make = scenario.maker(&fixture, setup.connections)?;
    let _busy = setup.on_server_cores(|| setup.busy_core.then(start_spinner).transpose())?;
    let result = load::run(
        &rts,
        &server.target(Some(TOKEN)),
        Shape {
            connections: setup.connections,
            ..shape
        },
        expect,
        make,
    )?;
    if let Some(e) = &result.first_error {
        eprintln!("    unexpected answer: {e}");
    }
    Ok(Measure {
        name,
        request,
        kind: Some(kind),
        setup,
        body_bytes: None,
        result,
    })
}

/// A row: the best of its rounds, and each round's rate.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Row {
    pub(crate) best: Measure,
    pub(crate) rounds_rps: Vec<f64>,
    /// Best-round rate over the best round of the baseline with the same setup (and, for a
    /// page, the same body size).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ratio: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) goal: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) met: Option<bool>,
}

/// What the external section measured.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ExternalResult {
    /// Every scenario against the baseline, default runtime, the usual connections.
    pub(crate) scenarios: Vec<Row>,
    /// Baseline and get by id with 1 and 2 workers, quiet and with one core busy.
    pub(crate) workers: Vec<Row>,
    /// The same with the load generator on a core of its own (empty on one core).
    pub(crate) pinned_workers: Vec<Row>,
    /// Two workers against one, from each of those sweeps.
    pub(crate) scaling: Vec<Scaling>,
    /// Baseline and get by id at 1, 16, 64 and 256 connections.
    pub(crate) concurrency: Vec<Row>,
}

fn best_of(rounds: Vec<Measure>) -> anyhow::Result<Row> {
    let rounds_rps = rounds.iter().map(|m| m.result.requests_per_sec).collect();
    let best = rounds
        .into_iter()
        .max_by(|a, b| {
            a.result
                .requests_per_sec
                .total_cmp(&b.result.requests_per_sec)
        })
        .context("no round")?;
    Ok(Row {
        best,
        rounds_rps,
        ratio: None,
        goal: None,
        met: None,
    })
}

/// One measurement to repeat each round.
#[derive(Clone, Copy, Debug)]
enum Job {
    /// The baseline, answering bodies of this many bytes (0: the usual small one).
    Baseline(Setup, usize),
    Scenario(Scenario, Setup),
}

impl Job {
    fn measure(self, shape: Shape) -> anyhow::Result<Measure> {
        match self {
            Job::Baseline(setup, bytes) => measure_baseline(setup, bytes, shape),
            Job::Scenario(scenario, setup) => measure_scenario(scenario, setup, shape),
        }
    }
}

/// Measures each of `jobs` `rounds` times, round after round, keeps each one's best, and
/// compares each scenario with its baseline.
fn rounds_of(jobs: &[Job], shape: Shape, rounds: usize) -> anyhow::Result<Vec<Row>> {
    let mut all: Vec<Vec<Measure>> = vec![Vec::new(); jobs.len()];
    for round in 1..=rounds {
        eprintln!("  external round {round}/{rounds}");
        for (i, job) in jobs.iter().enumerate() {
            all[i].push(job.measure(shape)?);
        }
    }
    let mut rows = all
        .into_iter()
        .map(best_of)
        .collect::<anyhow::Result<Vec<_>>>()?;
    compare(&mut rows);
    Ok(rows)
}

/// Sets each reference-server row's ratio against the baseline row of the same setup.
fn compare(rows: &mut [Row]) {
    let baselines: Vec<(Setup, Option<usize>, f64)> = rows
        .iter()
        .filter(|r| r.best.kind.is_none())
        .map(|r| {
            (
                r.best.setup,
                r.best.body_bytes,
                r.best.result.requests_per_sec,
            )
        })
        .collect();
    for row in rows.iter_mut().filter(|r| r.best.kind.is_some()) {
        let page = row.best.name == "page of 100";
        let same = baselines.iter().find(|(setup, bytes, _)| {
            *setup == row.best.setup && (bytes.unwrap_or(0) > load::BASELINE_BODY.len()) == page
        });
        if let Some((_, _, rps)) = same {
            let ratio = row.best.result.requests_per_sec / rps;
            row.ratio = Some(ratio);
            if !page {
                let goal = row.best.kind.map_or(0.0, Kind::goal);
                row.goal = Some(goal);
                row.met = Some(ratio >= goal);
            }
        }
    }
}

/// The section: see the module's documentation. The page's baseline serves a body as large
/// as a page of 100 users from a freshly filled server.
pub(crate) fn run(
    shape: Shape,
    rounds: usize,
    only: Option<&str>,
) -> anyhow::Result<ExternalResult> {
    build_reference()?;
    // Worked out before anything is pinned (see `pin::split`).
    let can_pin = pin::split().is_some();
    let default = Setup {
        workers: None,
        connections: shape.connections,
        busy_core: false,
        pinned: false,
    };
    let page_bytes = page_size()?;
    let chosen: Vec<Scenario> = throughput::SCENARIOS
        .into_iter()
        .filter(|s| only.is_none_or(|o| s.spec().0.contains(o)))
        .collect();

    eprintln!("external: every scenario, default runtime");
    let mut jobs = vec![
        Job::Baseline(default, 0),
        Job::Baseline(default, page_bytes),
    ];
    jobs.extend(chosen.into_iter().map(|s| Job::Scenario(s, default)));
    let scenarios = rounds_of(&jobs, shape, rounds)?;

    eprintln!("external: workers 1 and 2, quiet and with one core busy");
    let workers = sweep(&worker_setups(shape, false), shape, rounds)?;
    let pinned_workers = if can_pin {
        eprintln!("external: the same, with this program on a core of its own");
        sweep(&worker_setups(shape, true), shape, rounds)?
    } else {
        eprintln!("external: one core only, or not Linux: no pinned worker sweep");
        Vec::new()
    };
    let pinned_cores = pin::split().map(|s| s.server.list().len());
    let mut verdicts = scaling(&workers, None);
    verdicts.extend(scaling(&pinned_workers, pinned_cores));

    eprintln!("external: 1, 16, 64 and 256 connections");
    let setups: Vec<Setup> = [1, 16, 64, 256]
        .into_iter()
        .map(|connections| Setup {
            connections,
            ..default
        })
        .collect();
    let concurrency = sweep(&setups, shape, rounds)?;

    Ok(ExternalResult {
        scenarios,
        workers,
        pinned_workers,
        scaling: verdicts,
        concurrency,
    })
}

/// Workers 1 and 2, quiet and with one core busy.
fn worker_setups(shape: Shape, pinned: bool) -> Vec<Setup> {
    let mut setups = Vec::new();
    for busy_core in [false, true] {
        for workers in [1, 2] {
            setups.push(Setup {
                workers: Some(workers),
                connections: shape.connections,
                busy_core,
                pinned,
            });
        }
    }
    setups
}

/// Two workers against one: get by id's best rate with two over its best with one, for
/// each setup that differs only in its workers. The goal is no loss (at least 1.00).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Scaling {
    pub(crate) busy_core: bool,
    pub(crate) pinned: bool,
    /// The cores the server had, when it was pinned to fewer than all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) server_cores: Option<usize>,
    pub(crate) one_worker_rps: f64,
    pub(crate) two_workers_rps: f64,
    pub(crate) ratio: f64,
    /// `None` when the server had one core: two workers on it can only add switching
    /// between them (and take a larger share of the core from a busy process), so the
    /// verdict would be the setup's, not the server's.
    pub(crate) met: Option<bool>,
}

/// The verdicts of one sweep, whose server had `server_cores` cores (`None`: all of them).
fn scaling(rows: &[Row], server_cores: Option<usize>) -> Vec<Scaling> {
    let get = |busy_core: bool, workers: usize| {
        rows.iter()
            .find(|r| {
                r.best.kind.is_some()
                    && r.best.setup.busy_core == busy_core
                    && r.best.setup.workers == Some(workers)
            })
            .map(|r| (r.best.setup.pinned, r.best.result.requests_per_sec))
    };
    [false, true]
        .into_iter()
        .filter_map(|busy_core| {
            let (pinned, one) = get(busy_core, 1)?;
            let (_, two) = get(busy_core, 2)?;
            let ratio = two / one;
            Some(Scaling {
                busy_core,
                pinned,
                server_cores,
                one_worker_rps: one,
                two_workers_rps: two,
                ratio,
                met: (server_cores != Some(1)).then_some(ratio >= 1.0),
            })
        })
        .collect()
}

/// Baseline and get by id for each setup.
fn sweep(setups: &[Setup], shape: Shape, rounds: usize) -> anyhow::Result<Vec<Row>> {
    let jobs: Vec<Job> = setups
        .iter()
        .flat_map(|&setup| {
            [
                Job::Baseline(setup, 0),
                Job::Scenario(Scenario::GetById, setup),
            ]
        })
        .collect();
    rounds_of(&jobs, shape, rounds)
}

/// The size of a page of 100 users from a freshly filled server, in bytes.
fn page_size() -> anyhow::Result<usize> {
    let rts = Runtimes::new()?;
    let server = start_reference(None)?;
    seed(&rts, server.addr, 1)?;
    let addr = server.addr;
    let bytes = rts.client.block_on(async move {
        let mut conn = Conn::open(addr).await?;
        let request = hyper::Request::builder()
            .uri(fixtures::page_uri(1)?)
            .header(HOST, &conn.host)
            .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Full::new(Bytes::new()))?;
        conn.sender.ready().await?;
        let response = conn.sender.send_request(request).await?;
        anyhow::Ok(response.into_body().collect().await?.to_bytes().len())
    })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(name: &'static str, kind: Option<Kind>, body: Option<usize>, rps: f64) -> Row {
        let setup = Setup {
            workers: None,
            connections: 64,
            busy_core: false,
            pinned: false,
        };
        let result = LoadResult::empty(rps);
        Row {
            best: Measure {
                name,
                request: "",
                kind,
                setup,
                body_bytes: body,
                result,
            },
            rounds_rps: vec![rps],
            ratio: None,
            goal: None,
            met: None,
        }
    }

    /// A scenario is compared with the baseline of its setup; a page with the baseline
    /// whose body is as large, and it has no goal.
    #[test]
    fn each_row_is_compared_with_its_own_baseline() {
        let mut rows = vec![
            measure("baseline", None, Some(0), 100_000.0),
            measure("baseline", None, Some(60_000), 20_000.0),
            measure("get by id", Some(Kind::Read), None, 65_000.0),
            measure("page of 100", Some(Kind::Read), None, 2_000.0),
            measure("create", Some(Kind::Write), None, 30_000.0),
        ];
        compare(&mut rows);
        assert_eq!(rows[2].ratio, Some(0.65));
        assert_eq!(rows[2].met, Some(true));
        assert_eq!(rows[3].ratio, Some(0.1));
        assert_eq!(rows[3].goal, None);
        assert_eq!(rows[4].met, Some(false));
        assert_eq!(rows[0].ratio, None);
    }

    /// Two workers are held to one worker's rate in the same setup, quiet and busy alike;
    /// the baselines do not count.
    #[test]
    fn scaling_compares_two_workers_with_one_in_the_same_setup() {
        let row = |kind, workers, busy_core, rps| {
            let mut r = measure("get by id", kind, None, rps);
            r.best.setup.workers = Some(workers);
            r.best.setup.busy_core = busy_core;
            r.best.setup.pinned = true;
            r
        };
        let rows = vec![
            row(None, 1, false, 90_000.0),
            row(Some(Kind::Read), 1, false, 60_000.0),
            row(None, 2, false, 10_000.0),
            row(Some(Kind::Read), 2, false, 66_000.0),
            row(Some(Kind::Read), 1, true, 40_000.0),
            row(Some(Kind::Read), 2, true, 30_000.0),
        ];
        let s = scaling(&rows, Some(2));
        assert_eq!(s.len(), 2);
        assert!(!s[0].busy_core && s[0].pinned);
        assert!((s[0].ratio - 1.1).abs() < 1e-9);
        assert_eq!(s[0].met, Some(true));
        assert!(s[1].busy_core);
        assert!((s[1].ratio - 0.75).abs() < 1e-9);
        assert_eq!(s[1].met, Some(false));
        assert!(
            scaling(&rows[..2], Some(2)).is_empty(),
            "no two-worker row, no verdict"
        );
        // A server pinned to one core gets ratios but no verdicts.
        let one_core = scaling(&rows, Some(1));
        assert_eq!(one_core.len(), 2);
        assert!(one_core.iter().all(|s| s.met.is_none()));
    }
}
