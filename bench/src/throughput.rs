//! Section 1 and 2: the bare hyper baseline and the reference server under load, each scenario
//! on a fresh server holding the same users and teams.

use std::sync::Arc;

use hyper::Method;
use reference_server::store::{Id, MemoryStore};
use serde::Serialize;

use crate::fixtures::{self, Server};
use crate::load::{self, LoadResult, MakeRequest, Req, Runtimes, Shape, Target};
use crate::stats::SplitMix;

/// Users in the store during the load runs.
pub(crate) const USERS: usize = 10_000;
/// Teams (one per connection), each starting with this many members.
pub(crate) const TEAM_START_MEMBERS: usize = 10;

/// Reads must reach this share of the baseline, writes this one.
pub(crate) const READ_GOAL: f64 = 0.60;
pub(crate) const WRITE_GOAL: f64 = 0.40;

/// A request kind and its goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    Read,
    Write,
}

impl Kind {
    pub(crate) fn goal(self) -> f64 {
        match self {
            Kind::Read => READ_GOAL,
            Kind::Write => WRITE_GOAL,
        }
    }
}

/// One scenario: its best round, and every round's rate.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct LoadRow {
    pub(crate) name: &'static str,
    pub(crate) request: &'static str,
    pub(crate) kind: Kind,
    /// Best-round requests per second over the best baseline round's.
    pub(crate) ratio: f64,
    pub(crate) goal: f64,
    pub(crate) met: bool,
    /// The round with the most requests per second.
    pub(crate) result: LoadResult,
    /// Requests per second in each round, in order.
    pub(crate) rounds_rps: Vec<f64>,
}

/// The bare hyper server under the same load.
pub(crate) fn baseline(shape: Shape) -> anyhow::Result<LoadResult> {
    let rts = Runtimes::new()?;
    let addr = load::spawn_baseline(&rts.server)?;
    let target = Target {
        addr,
        token: None,
        pid: None,
    };
    let u = fixtures::uri("/scim/v2/Users?count=0")?;
    load::run(
        &rts,
        &target,
        shape,
        200,
        Arc::new(move |_, _| Req::get(u.clone())),
    )
}

/// The round with the highest rate, and every round's rate. Interference from other work on
/// the machine only ever slows a round down, so the best round is the best estimate.
pub(crate) fn best(rounds: Vec<LoadResult>) -> Option<(LoadResult, Vec<f64>)> {
    let rates = rounds.iter().map(|r| r.requests_per_sec).collect();
    let best = rounds
        .into_iter()
        .max_by(|a, b| a.requests_per_sec.total_cmp(&b.requests_per_sec))?;
    Some((best, rates))
}

/// The users' and teams' ids the requests name.
pub(crate) struct Fixture {
    pub(crate) ids: Vec<Id>,
    pub(crate) teams: Vec<Id>,
}

fn fixture(connections: usize) -> anyhow::Result<(Arc<MemoryStore>, Fixture)> {
    let store = Arc::new(MemoryStore::new());
    let ids: Vec<Id> = fixtures::load_users(&*store, USERS, &|_| true)?
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let mut teams = Vec::with_capacity(connections);
    for c in 0..connections {
        let start = (c * TEAM_START_MEMBERS) % (USERS - TEAM_START_MEMBERS);
        teams.push(fixtures::team(
            &*store,
            &format!("Load team {c}"),
            &ids[start..start + TEAM_START_MEMBERS],
        )?);
    }
    Ok((store, Fixture { ids, teams }))
}

/// The reference-server scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scenario {
    GetById,
    UserNameEq,
    Page,
    Create,
    Deactivate,
    AddMember,
}

pub(crate) const SCENARIOS: [Scenario; 6] = [
    Scenario::GetById,
    Scenario::UserNameEq,
    Scenario::Page,
    Scenario::Create,
    Scenario::Deactivate,
    Scenario::AddMember,
];

impl Scenario {
    /// Name, request, kind, expected status.
    pub(crate) fn spec(self) -> (&'static str, &'static str, Kind, u16) {
        match self {
            Scenario::GetById => ("get by id", "GET /Users/{id}", Kind::Read, 200),
            Scenario::UserNameEq => (
                "userName eq",
                "GET /Users?filter=userName eq \"...\"",
                Kind::Read,
                200,
            ),
            Scenario::Page => (
                "page of 100",
                "GET /Users?startIndex=..&count=100",
                Kind::Read,
                200,
            ),
            Scenario::Create => ("create", "POST /Users", Kind::Write, 201),
            Scenario::Deactivate => (
                "deactivate",
                "PATCH /Users/{id} replace active",
                Kind::Write,
                200,
            ),
            Scenario::AddMember => (
                "add team member",
                "PATCH /Groups/{id}?excludedAttributes=members add members",
                Kind::Write,
                200,
            ),
        }
    }

    /// Connection `c`'s `i`th request.
    pub(crate) fn maker(self, f: &Fixture, connections: usize) -> anyhow::Result<MakeRequest> {
        let n = f.ids.len();
        let mut rng = SplitMix::new(0x5c13);
        // Random picks, precomputed so the load generator only clones a URI per request.
        let pick = |uris: Vec<hyper::Uri>| -> MakeRequest {
            Arc::new(move |c, i| Req::get(uris[(c * 7919 + i as usize) % uris.len()].clone()))
        };
        Ok(match self {
            Scenario::GetById => pick(
                (0..4096)
                    .map(|_| fixtures::user_uri(&f.ids[rng.below(n)]))
                    .collect::<anyhow::Result<_>>()?,
            ),
            Scenario::UserNameEq => pick(
                (0..4096)
                    .map(|_| fixtures::filter_uri(&fixtures::user_name(rng.below(n))))
                    .collect::<anyhow::Result<_>>()?,
            ),
            Scenario::Page => pick(
                (0..1024)
                    .map(|_| fixtures::page_uri(1 + rng.below(n - 100)))
                    .collect::<anyhow::Result<_>>()?,
            ),
            Scenario::Create => {
                let users = fixtures::uri("/scim/v2/Users")?;
                Arc::new(move |c, i| {
                    Req::with_body(
                        Method::POST,
                        users.clone(),
                        fixtures::create_body(&format!("load.{c}.{i}@bench.example.com")),
                    )
                })
            }
            Scenario::Deactivate => {
                // Each connection owns a slice of the users and walks it; every pass flips
                // `active`, so every PATCH changes the user (one that changes nothing would
                // skip the write).
                let uris = f
                    .ids
                    .iter()
                    .map(|id| fixtures::user_uri(id))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                let off = hyper::body::Bytes::from(fixtures::active_body(false));
                let on = hyper::body::Bytes::from(fixtures::active_body(true));
                let per_conn = n / connections;
                Arc::new(move |c, i| {
                    let i = i as usize;
                    let body = if (i / per_conn).is_multiple_of(2) {
                        &off
                    } else {
                        &on
                    };
                    Req::with_body(
                        Method::PATCH,
                        uris[c * per_conn + i % per_conn].clone(),
                        body.clone(),
                    )
                })
            }
            Scenario::AddMember => {
                // Each connection adds users to its own team that the team does not have yet
                // (the first `connections * 10` users are the initial members): an add would
                // become a no-op only after `n - connections * 10` requests on one connection.
                let uris = f
                    .teams
                    .iter()
                    .map(|t| fixtures::team_patch_uri(t))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                let first_free = connections * TEAM_START_MEMBERS;
                let ids = f.ids.clone();
                Arc::new(move |c, i| {
                    let u = first_free + (c * 131 + i as usize) % (n - first_free);
                    Req::with_body(
                        Method::PATCH,
                        uris[c].clone(),
                        fixtures::add_member_body(&ids[u]),
                    )
                })
            }
        })
    }
}

/// One round: each scenario on a fresh server, in order.
/// `only` keeps the scenarios whose name contains it; the others get an empty result.
pub(crate) fn reference_round(
    shape: Shape,
    only: Option<&str>,
) -> anyhow::Result<Vec<Option<LoadResult>>> {
    let mut out = Vec::new();
    for scenario in SCENARIOS {
        let (name, _, _, expect) = scenario.spec();
        if only.is_some_and(|o| !name.contains(o)) {
            out.push(None);
            continue;
        }
        eprintln!("  reference-server: {name}");
        let rts = Runtimes::new()?;
        let (store, f) = fixture(shape.connections)?;
        let make = scenario.maker(&f, shape.connections)?;
        let server = Server::start(&rts.server, store)?;
        let result = load::run(&rts, &server.target, shape, expect, make)?;
        server.stop(&rts.server)?;
        if let Some(e) = &result.first_error {
            eprintln!("    unexpected answer: {e}");
        }
        out.push(Some(result));
    }
    Ok(out)
}

/// Rows from the rounds (`rounds[r][s]` is scenario `s` in round `r`), against the baseline
/// rate.
pub(crate) fn rows(rounds: &[Vec<Option<LoadResult>>], baseline_rps: f64) -> Vec<LoadRow> {
    SCENARIOS
        .iter()
        .enumerate()
        .filter_map(|(i, scenario)| {
            let (name, request, kind, _) = scenario.spec();
            let (result, rounds_rps) = best(
                rounds
                    .iter()
                    .filter_map(|r| r.get(i).cloned().flatten())
                    .collect(),
            )?;
            let ratio = result.requests_per_sec / baseline_rps;
            Some(LoadRow {
                name,
                request,
                kind,
                ratio,
                goal: kind.goal(),
                met: ratio >= kind.goal() && result.errors == 0,
                result,
                rounds_rps,
            })
        })
        .collect()
}

/// Get by id with `workers` server threads: a row of the in-process worker sweep.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct WorkerRow {
    pub(crate) workers: usize,
    /// The best round.
    pub(crate) result: LoadResult,
    pub(crate) rounds_rps: Vec<f64>,
}

/// The in-process worker sweep: get by id on a fresh server whose runtime has 1, then 2
/// worker threads (the load generator keeps its one), `rounds` times each, interleaved.
pub(crate) fn worker_sweep(shape: Shape, rounds: usize) -> anyhow::Result<Vec<WorkerRow>> {
    const WORKERS: [usize; 2] = [1, 2];
    let mut all: Vec<Vec<LoadResult>> = vec![Vec::new(); WORKERS.len()];
    for round in 1..=rounds {
        for (i, &workers) in WORKERS.iter().enumerate() {
            eprintln!("  worker sweep {round}/{rounds}: get by id, {workers} server threads");
            let rts = Runtimes::with_server_workers(workers)?;
            let (store, f) = fixture(shape.connections)?;
            let make = Scenario::GetById.maker(&f, shape.connections)?;
            let server = Server::start(&rts.server, store)?;
            all[i].push(load::run(&rts, &server.target, shape, 200, make)?);
            server.stop(&rts.server)?;
        }
    }
    WORKERS
        .iter()
        .zip(all)
        .map(|(&workers, results)| {
            let (result, rounds_rps) = best(results).ok_or_else(|| anyhow::anyhow!("no round"))?;
            Ok(WorkerRow {
                workers,
                result,
                rounds_rps,
            })
        })
        .collect()
}
