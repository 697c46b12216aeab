//! Section 3: the reference server with a million users (loaded through the `Store` trait),
//! run in a child process of its own so that its peak resident memory is its own.
//!
//! Latencies here are of one request at a time on one keep-alive connection (no queueing):
//! the median of a fixed time's worth of requests, compared between a small and a large case.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::Method;
use reference_server::store::{Id, MemoryStore};
use serde::{Deserialize, Serialize};

use crate::fixtures::{self, Server};
use crate::load::{self, LoadResult, MakeRequest, Req, Runtimes, Shape};
use crate::stats::SplitMix;
use crate::sys;

/// The memory goal: under 1 GiB.
pub(crate) const MEMORY_GOAL: u64 = 1 << 30;
/// The large case may take at most this many times the small case's median.
pub(crate) const LATENCY_GOAL: f64 = 2.0;
/// The small store of the lookup comparison.
pub(crate) const SMALL_USERS: usize = 1_000;
/// The teams of the membership comparison.
pub(crate) const SMALL_TEAM: usize = 10;
pub(crate) const LARGE_TEAM: usize = 10_000;

/// One request's latency, one at a time.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Latency {
    pub(crate) p50_ns: u64,
    pub(crate) p99_ns: u64,
    pub(crate) requests: u64,
    pub(crate) errors: u64,
}

impl From<&LoadResult> for Latency {
    fn from(r: &LoadResult) -> Self {
        Latency {
            p50_ns: r.p50_ns,
            p99_ns: r.p99_ns,
            requests: r.requests,
            errors: r.errors,
        }
    }
}

/// A small case against a large one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Comparison {
    pub(crate) name: String,
    pub(crate) small_case: String,
    pub(crate) large_case: String,
    pub(crate) small: Latency,
    pub(crate) large: Latency,
    /// Large median over small median.
    pub(crate) ratio: f64,
    pub(crate) goal: f64,
    pub(crate) met: bool,
}

/// What the scale run measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ScaleResult {
    pub(crate) users: usize,
    pub(crate) load_secs: f64,
    /// Resident memory of the child before the large store was loaded.
    pub(crate) rss_start_bytes: Option<u64>,
    /// Resident memory with every user and the two teams loaded, before serving.
    pub(crate) rss_loaded_bytes: Option<u64>,
    /// Peak resident memory (`VmHWM`) over the whole child: loading, then serving.
    pub(crate) peak_rss_bytes: Option<u64>,
    /// (`rss_loaded` - `rss_start`) / users.
    pub(crate) bytes_per_user: Option<f64>,
    pub(crate) memory_goal_bytes: u64,
    pub(crate) memory_met: bool,
    /// `size_of::<UserRecord>()`: one user record, which the store's id map keeps behind an
    /// `Arc` (whose two counts add 16 bytes).
    pub(crate) user_entry_bytes: usize,
    pub(crate) comparisons: Vec<Comparison>,
}

fn measure(
    rts: &Runtimes,
    server: &Server,
    window: Duration,
    make: MakeRequest,
) -> anyhow::Result<Latency> {
    let shape = Shape {
        connections: 1,
        warmup: window / 4,
        duration: window,
    };
    let r = load::run(rts, &server.target, shape, 200, make)?;
    if let Some(e) = &r.first_error {
        eprintln!("    unexpected answer: {e}");
    }
    Ok(Latency::from(&r))
}

fn random_uris(
    rng: &mut SplitMix,
    count: usize,
    f: impl Fn(&mut SplitMix) -> anyhow::Result<hyper::Uri>,
) -> anyhow::Result<MakeRequest> {
    let uris = (0..count)
        .map(|_| f(rng))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Arc::new(move |_, i| {
        Req::get(uris[i as usize % uris.len()].clone())
    }))
}

/// Adds a member (measured), then removes it again (not measured), so the team keeps its size.
fn add_remove(team: &str, pool: &[Id]) -> anyhow::Result<MakeRequest> {
    let uri = fixtures::team_patch_uri(team)?;
    let pool = pool.to_vec();
    Ok(Arc::new(move |_, i| {
        let user = &pool[(i as usize / 2) % pool.len()];
        if i % 2 == 0 {
            Req::with_body(Method::PATCH, uri.clone(), fixtures::add_member_body(user))
        } else {
            let mut r = Req::with_body(
                Method::PATCH,
                uri.clone(),
                fixtures::remove_member_body(user),
            );
            r.measured = false;
            r
        }
    }))
}

fn compare(
    name: &str,
    small_case: String,
    large_case: String,
    small: Latency,
    large: Latency,
) -> Comparison {
    let ratio = large.p50_ns as f64 / small.p50_ns.max(1) as f64;
    Comparison {
        name: name.to_owned(),
        small_case,
        large_case,
        met: ratio <= LATENCY_GOAL && small.errors == 0 && large.errors == 0,
        small,
        large,
        ratio,
        goal: LATENCY_GOAL,
    }
}

/// The lowest median over rounds (interference from other work only slows a round down).
fn best(rounds: Vec<Latency>) -> anyhow::Result<Latency> {
    rounds
        .into_iter()
        .min_by_key(|l| l.p50_ns)
        .ok_or_else(|| anyhow::anyhow!("no rounds"))
}

/// One comparison to make: name, the two cases' labels, and each case's server and requests.
struct Case<'a> {
    name: &'static str,
    small_case: String,
    large_case: String,
    small: (&'a Server, MakeRequest),
    large: (&'a Server, MakeRequest),
}

/// The whole scale run: `users` users; each latency measured for `window` in each of `rounds`
/// rounds, small and large cases interleaved, the best round kept.
pub(crate) fn run(users: usize, window: Duration, rounds: usize) -> anyhow::Result<ScaleResult> {
    let fixed = SMALL_TEAM + 2 * LARGE_TEAM;
    anyhow::ensure!(
        users >= 2 * fixed + 200,
        "the scale run needs at least {} users",
        2 * fixed + 200
    );
    let rts = Runtimes::new()?;
    let mut rng = SplitMix::new(0x1e6);

    // The small case: 1,000 users.
    let small_store = Arc::new(MemoryStore::new());
    let small_ids: Vec<Id> = fixtures::load_users(&*small_store, SMALL_USERS, &|_| true)?
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let rss_start = sys::rss();

    // The large case. From the middle of the users (so that neither the first page nor the
    // last holds a team member, whose `groups` would make its page dearer): 10 form the small
    // team, the next 10,000 the large one, and the next 10,000 are added to and removed from
    // them; 4,096 more are picked at random for lookups.
    eprintln!("  scale: loading {users} users");
    let first_fixed = users / 2;
    let mut sample: Vec<usize> = (0..4096).map(|_| rng.below(users)).collect();
    sample.sort_unstable();
    let store = Arc::new(MemoryStore::new());
    let started = Instant::now();
    let kept = fixtures::load_users(&*store, users, &|i| {
        (first_fixed..first_fixed + fixed).contains(&i) || sample.binary_search(&i).is_ok()
    })?;
    let load_secs = started.elapsed().as_secs_f64();
    let by_index = |i: usize| -> Id {
        let k = kept.partition_point(|(j, _)| *j < i);
        kept[k].1.clone()
    };
    let fixed_ids: Vec<Id> = (first_fixed..first_fixed + fixed).map(by_index).collect();
    let sample_ids: Vec<Id> = sample.iter().map(|&i| by_index(i)).collect();
    let small_team = fixtures::team(&*store, "Scale team small", &fixed_ids[..SMALL_TEAM])?;
    let large_team = fixtures::team(
        &*store,
        "Scale team large",
        &fixed_ids[SMALL_TEAM..SMALL_TEAM + LARGE_TEAM],
    )?;
    let pool = &fixed_ids[SMALL_TEAM + LARGE_TEAM..];
    let rss_loaded = sys::rss();
    eprintln!("  scale: loaded in {load_secs:.1} s; measuring");

    let small_server = Server::start(&rts.server, Arc::clone(&small_store))?;
    let server = Server::start(&rts.server, Arc::clone(&store))?;
    let n = crate::stats::group_thousands(users as u64);
    let last_start = users - 99;
    let first_page = fixtures::page_uri(1)?;
    let last_page = fixtures::page_uri(last_start)?;
    let small_label = format!(
        "{} users",
        crate::stats::group_thousands(SMALL_USERS as u64)
    );
    let cases = vec![
        Case {
            name: "get by id",
            small_case: small_label.clone(),
            large_case: format!("{n} users"),
            small: (
                &small_server,
                random_uris(&mut rng, 4096, |r| {
                    fixtures::user_uri(&small_ids[r.below(small_ids.len())])
                })?,
            ),
            large: (
                &server,
                random_uris(&mut rng, 4096, |r| {
                    fixtures::user_uri(&sample_ids[r.below(sample_ids.len())])
                })?,
            ),
        },
        Case {
            name: "userName eq",
            small_case: small_label.clone(),
            large_case: format!("{n} users"),
            small: (
                &small_server,
                random_uris(&mut rng, 4096, |r| {
                    fixtures::filter_uri(&fixtures::user_name(r.below(SMALL_USERS)))
                })?,
            ),
            large: (
                &server,
                random_uris(&mut rng, 4096, |r| {
                    fixtures::filter_uri(&fixtures::user_name(r.below(users)))
                })?,
            ),
        },
        Case {
            name: "page of 100",
            small_case: "startIndex=1".into(),
            large_case: format!(
                "startIndex={}",
                crate::stats::group_thousands(last_start as u64)
            ),
            small: (&server, Arc::new(move |_, _| Req::get(first_page.clone()))),
            large: (&server, Arc::new(move |_, _| Req::get(last_page.clone()))),
        },
        Case {
            name: "add team member",
            small_case: format!("{SMALL_TEAM}-member team"),
            large_case: format!(
                "{}-member team",
                crate::stats::group_thousands(LARGE_TEAM as u64)
            ),
            small: (&server, add_remove(&small_team, pool)?),
            large: (&server, add_remove(&large_team, pool)?),
        },
    ];
    let mut measured: Vec<(Vec<Latency>, Vec<Latency>)> =
        cases.iter().map(|_| (Vec::new(), Vec::new())).collect();
    for round in 1..=rounds {
        eprintln!("  scale: round {round}/{rounds}");
        for (case, (small, large)) in cases.iter().zip(&mut measured) {
            small.push(measure(
                &rts,
                case.small.0,
                window,
                Arc::clone(&case.small.1),
            )?);
            large.push(measure(
                &rts,
                case.large.0,
                window,
                Arc::clone(&case.large.1),
            )?);
        }
    }
    let mut comparisons = Vec::new();
    for (case, (small, large)) in cases.iter().zip(measured) {
        comparisons.push(compare(
            case.name,
            case.small_case.clone(),
            case.large_case.clone(),
            best(small)?,
            best(large)?,
        ));
    }
    drop(cases);
    small_server.stop(&rts.server)?;
    server.stop(&rts.server)?;
    let peak = sys::peak_rss();

    let bytes_per_user = match (rss_start, rss_loaded) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a) as f64 / users as f64),
        _ => None,
    };
    Ok(ScaleResult {
        users,
        load_secs,
        rss_start_bytes: rss_start,
        rss_loaded_bytes: rss_loaded,
        peak_rss_bytes: peak,
        bytes_per_user,
        memory_goal_bytes: MEMORY_GOAL,
        memory_met: peak.is_some_and(|p| p < MEMORY_GOAL),
        user_entry_bytes: std::mem::size_of::<reference_server::store::UserRecord>(),
        comparisons,
    })
}
