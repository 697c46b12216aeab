//! The results, as JSON and as Markdown tables.

use serde::Serialize;

use crate::group_push::GroupPushResult;
use crate::hostile::HostileResult;
use crate::import::ImportResult;
use crate::load::LoadResult;
use crate::scale::ScaleResult;
use crate::stats::{
    fmt_duration, fmt_factor, fmt_latency, fmt_mib, fmt_percent, fmt_rate, group_thousands, table,
};
use crate::suite::SuiteResult;
use crate::sys::Machine;
use crate::throughput::LoadRow;

/// How the run was shaped.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Settings {
    pub(crate) quick: bool,
    pub(crate) connections: usize,
    /// Rounds of the throughput runs (each figure is its best round).
    pub(crate) rounds: usize,
    pub(crate) warmup_secs: f64,
    pub(crate) window_secs: f64,
    pub(crate) load_users: usize,
    pub(crate) scale_users: usize,
    /// Each scale latency: this long per round, best of `scale_rounds`.
    pub(crate) scale_window_secs: f64,
    pub(crate) scale_rounds: usize,
    pub(crate) import_users: usize,
    pub(crate) suite_runs: usize,
}

/// Everything one run measured.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Results {
    pub(crate) format_version: u32,
    pub(crate) started_at: String,
    /// Cores' worth of CPU other processes used in the second before the run.
    pub(crate) others_at_start: Option<f64>,
    pub(crate) machine: Machine,
    pub(crate) settings: Settings,
    /// The bare hyper server's best round.
    pub(crate) baseline: LoadResult,
    /// Its requests per second in each round.
    pub(crate) baseline_rounds_rps: Vec<f64>,
    /// What every ratio divides by: the best baseline round.
    pub(crate) baseline_rps: f64,
    pub(crate) load: Vec<LoadRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) scale: Option<ScaleResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) suite: Option<SuiteResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) import: Option<ImportResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) hostile: Vec<HostileResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) group_push: Option<GroupPushResult>,
    /// Get by id in-process with 1 and 2 server threads.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) load_workers: Vec<crate::throughput::WorkerRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) external: Option<crate::external::ExternalResult>,
}

/// "met" or "**missed**".
pub(crate) fn verdict(met: bool) -> String {
    if met { "met" } else { "**missed**" }.to_owned()
}

fn cpu(share: Option<f64>) -> String {
    share.map_or_else(|| "?".to_owned(), fmt_percent)
}

fn others(cores: Option<f64>) -> String {
    cores.map_or_else(|| "?".to_owned(), |c| format!("{c:.2}"))
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "?".to_owned(), fmt_mib)
}

/// The spread of rates over rounds: `41,200–43,950`, or the one rate.
pub(crate) fn spread(rates: &[f64]) -> String {
    let lo = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = rates.iter().copied().fold(0.0, f64::max);
    if rates.len() < 2 {
        fmt_rate(hi)
    } else {
        format!("{}–{}", fmt_rate(lo), fmt_rate(hi))
    }
}

/// One row of the throughput table.
pub(crate) fn load_cells(
    name: &str,
    request: &str,
    r: &LoadResult,
    rounds_rps: &[f64],
    ratio: f64,
    goal: Option<(f64, bool)>,
) -> Vec<String> {
    vec![
        name.to_owned(),
        format!("`{request}`"),
        fmt_rate(r.requests_per_sec),
        spread(rounds_rps),
        fmt_percent(ratio),
        goal.map_or_else(|| "—".to_owned(), |(g, _)| format!("≥ {}", fmt_percent(g))),
        fmt_latency(r.p50_ns),
        fmt_latency(r.p99_ns),
        cpu(r.server_cpu),
        cpu(r.client_cpu),
        others(r.other_cpu),
        group_thousands(r.errors),
        goal.map_or_else(|| "—".to_owned(), |(_, met)| verdict(met)),
    ]
}

/// The throughput table: the baseline, then each reference-server scenario.
pub(crate) fn throughput_table(res: &Results) -> String {
    let mut rows = vec![load_cells(
        "baseline",
        &format!(
            "GET, bare hyper, fixed {}-byte body",
            crate::load::BASELINE_BODY.len()
        ),
        &res.baseline,
        &res.baseline_rounds_rps,
        1.0,
        None,
    )];
    for row in &res.load {
        rows.push(load_cells(
            row.name,
            row.request,
            &row.result,
            &row.rounds_rps,
            row.ratio,
            Some((row.goal, row.met)),
        ));
    }
    table(
        &[
            "scenario",
            "request",
            "req/s",
            "every round",
            "vs baseline",
            "goal",
            "p50",
            "p99",
            "server CPU",
            "client CPU",
            "others (cores)",
            "errors",
            "verdict",
        ],
        &rows,
    )
}

/// The scale tables: memory, then the small-versus-large latencies.
pub(crate) fn scale_tables(s: &ScaleResult) -> String {
    let users = group_thousands(s.users as u64);
    let memory = table(
        &["memory", "value", "goal", "verdict"],
        &[
            vec![
                format!("load {users} users through `Store::insert_user`"),
                format!("{:.1} s", s.load_secs),
                "—".into(),
                "—".into(),
            ],
            vec![
                "resident before loading".into(),
                mib(s.rss_start_bytes),
                "—".into(),
                "—".into(),
            ],
            vec![
                format!("resident with {users} users loaded"),
                mib(s.rss_loaded_bytes),
                "—".into(),
                "—".into(),
            ],
            vec![
                "per user (loaded - before) / users".into(),
                s.bytes_per_user.map_or_else(
                    || "?".into(),
                    |b| format!("{} bytes", group_thousands(b.round() as u64)),
                ),
                "about 1 KB".into(),
                "—".into(),
            ],
            vec![
                "one user record (`UserRecord`, without the `Arc`'s two counts; its id-map entry is 24 bytes)"
                    .into(),
                format!("{} bytes", s.user_entry_bytes),
                "—".into(),
                "—".into(),
            ],
            vec![
                "peak resident (VmHWM: loading, then serving)".into(),
                mib(s.peak_rss_bytes),
                format!("< {}", fmt_mib(s.memory_goal_bytes)),
                verdict(s.memory_met),
            ],
        ],
    );
    let rows: Vec<Vec<String>> = s
        .comparisons
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.small_case.clone(),
                format!(
                    "{} / {}",
                    fmt_latency(c.small.p50_ns),
                    fmt_latency(c.small.p99_ns)
                ),
                c.large_case.clone(),
                format!(
                    "{} / {}",
                    fmt_latency(c.large.p50_ns),
                    fmt_latency(c.large.p99_ns)
                ),
                fmt_factor(c.ratio),
                format!("≤ {}", fmt_factor(c.goal)),
                verdict(c.met),
            ]
        })
        .collect();
    let latency = table(
        &[
            "latency",
            "small case",
            "p50 / p99",
            "large case",
            "p50 / p99",
            "large / small (p50)",
            "goal",
            "verdict",
        ],
        &rows,
    );
    format!("{memory}\n{latency}")
}

/// The harness and mock-okta table.
pub(crate) fn tools_table(res: &Results) -> String {
    let mut rows = Vec::new();
    if let Some(s) = &res.suite {
        rows.push(vec![
            "harness: full built-in suite, in-process reference server".into(),
            format!(
                "{} (median of {}); {} scenario runs, {} exchanges",
                fmt_duration(std::time::Duration::from_secs_f64(s.median_wall_ms / 1e3)),
                s.runs.len(),
                s.runs.first().map_or(0, |r| r.scenario_runs),
                group_thousands(s.exchanges as u64),
            ),
            fmt_rate(s.requests_per_sec),
            fmt_percent(s.ratio),
            "—".into(),
            others(s.others_cores),
        ]);
    }
    if let Some(i) = &res.import {
        rows.push(vec![
            format!(
                "mock-okta: Import Now of {} users",
                group_thousands(i.users as u64)
            ),
            format!(
                "{:.2} s; {} pages; {} users/s{}",
                i.wall_secs,
                group_thousands(i.requests as u64),
                fmt_rate(i.users_per_sec),
                if i.succeeded { "" } else { " (FAILED)" }
            ),
            fmt_rate(i.requests_per_sec),
            fmt_percent(i.requests_per_sec / res.baseline_rps),
            format!(
                "peak {} (server with its users: {} before; import added {})",
                mib(i.peak_rss_bytes),
                mib(i.rss_before_bytes),
                mib(i.import_growth_bytes),
            ),
            others(i.others_cores),
        ]);
    }
    table(
        &[
            "measure",
            "time",
            "req/s",
            "vs baseline",
            "memory",
            "others (cores)",
        ],
        &rows,
    )
}

/// The hostile-target table: what each run held at most, and what its reports weigh.
pub(crate) fn hostile_table(results: &[HostileResult]) -> String {
    let bytes = |b: Option<usize>| match b {
        None => "—".to_owned(),
        Some(b) if b < 1 << 20 => format!("{} KiB", group_thousands(b.div_ceil(1024) as u64)),
        Some(b) => fmt_mib(b as u64),
    };
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|h| {
            vec![
                h.case.describe().to_owned(),
                format!(
                    "{} requests; {} offered",
                    group_thousands(h.requests as u64),
                    fmt_mib(h.offered_bytes)
                ),
                format!("{:.2} s", h.wall_secs),
                bytes(Some(h.heap_peak_bytes)),
                bytes(Some(h.heap_kept_bytes)),
                mib(h.growth_bytes),
                bytes(h.json_report_bytes),
                bytes(h.junit_bytes),
                h.outcome.clone(),
            ]
        })
        .collect();
    table(
        &[
            "case",
            "target sent",
            "time",
            "heap at most",
            "heap kept at the end",
            "resident growth",
            "JSON report",
            "JUnit",
            "outcome",
        ],
        &rows,
    )
}

/// The Group Push table: one row per mode and action (repeated actions as a range).
pub(crate) fn group_push_table(g: &GroupPushResult) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for a in &g.actions {
        if seen.contains(&(a.mode.as_str(), a.action.as_str())) {
            continue;
        }
        seen.push((&a.mode, &a.action));
        let same: Vec<_> = g
            .actions
            .iter()
            .filter(|b| b.mode == a.mode && b.action == a.action)
            .collect();
        let walls: Vec<f64> = same.iter().map(|b| b.wall_secs).collect();
        let lo = walls.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = walls.iter().copied().fold(0.0, f64::max);
        let secs = |s: f64| fmt_duration(std::time::Duration::from_secs_f64(s));
        let time = if same.len() > 1 {
            format!("{}–{} ({}×)", secs(lo), secs(hi), same.len())
        } else {
            secs(hi)
        };
        let outcomes: Vec<&str> = same.iter().map(|b| b.outcome.as_str()).collect();
        let outcome = if outcomes.iter().all(|o| *o == outcomes[0]) {
            outcomes[0].to_owned()
        } else {
            outcomes.join(", ")
        };
        rows.push(vec![
            a.mode.clone(),
            a.action.clone(),
            time,
            group_thousands(same.iter().map(|b| b.requests as u64).max().unwrap_or(0)),
            format!(
                "{} ms",
                group_thousands(same.iter().map(|b| b.slowest_ms).max().unwrap_or(0))
            ),
            format!(
                "{} KiB",
                group_thousands(
                    (same.iter().map(|b| b.largest_body).max().unwrap_or(0) as u64).div_ceil(1024)
                )
            ),
            outcome,
        ]);
    }
    table(
        &[
            "mode",
            "action",
            "time",
            "requests",
            "slowest request",
            "largest body",
            "outcome",
        ],
        &rows,
    )
}

/// Every table, with headings.
/// One of the external section's tables.
pub(crate) fn external_table(rows: &[crate::external::Row]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let m = &row.best;
            let r = &m.result;
            let server = if m.kind.is_none() {
                match m.body_bytes {
                    Some(b) if b > crate::load::BASELINE_BODY.len() => {
                        format!("baseline, {}-byte body", group_thousands(b as u64))
                    }
                    _ => "baseline".to_owned(),
                }
            } else {
                m.name.to_owned()
            };
            vec![
                server,
                m.setup
                    .workers
                    .map_or_else(|| "default".to_owned(), |w| w.to_string()),
                m.setup.connections.to_string(),
                if m.setup.busy_core { "yes" } else { "no" }.to_owned(),
                if m.setup.pinned { "yes" } else { "no" }.to_owned(),
                fmt_rate(r.requests_per_sec),
                spread(&row.rounds_rps),
                format!("{:.1} MB/s", r.body_bytes_per_sec / 1e6),
                row.ratio.map_or_else(|| "—".to_owned(), fmt_percent),
                row.goal
                    .map_or_else(|| "—".to_owned(), |g| format!("≥ {}", fmt_percent(g))),
                cpu(r.server_cpu),
                cpu(r.client_cpu),
                others(r.other_cpu),
                group_thousands(r.errors),
                row.met.map_or_else(|| "—".to_owned(), verdict),
            ]
        })
        .collect();
    table(
        &[
            "server",
            "workers",
            "connections",
            "busy core",
            "pinned",
            "req/s",
            "every round",
            "body bytes",
            "vs baseline",
            "goal",
            "server CPU",
            "client CPU",
            "others (cores)",
            "errors",
            "verdict",
        ],
        &cells,
    )
}

/// Two workers' best rate over one worker's, per setup.
fn scaling_table(rows: &[crate::external::Scaling]) -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|s| {
            vec![
                yes_no(s.pinned),
                yes_no(s.busy_core),
                fmt_rate(s.one_worker_rps),
                fmt_rate(s.two_workers_rps),
                format!("{:.2}", s.ratio),
                "≥ 1.00".to_owned(),
                s.met.map_or_else(
                    || format!("n/a: the server had {} core", s.server_cores.unwrap_or(1)),
                    verdict,
                ),
            ]
        })
        .collect();
    table(
        &[
            "pinned",
            "busy core",
            "one worker",
            "two workers",
            "two / one",
            "goal",
            "verdict",
        ],
        &cells,
    )
}

pub(crate) fn render(res: &Results) -> String {
    let mut out = format!(
        "scim-bench {} on {} cores, {}, {}\n\n",
        if res.settings.quick {
            "--quick"
        } else {
            "(full)"
        },
        res.machine.cores,
        mib(res.machine.memory_bytes),
        res.machine.cpu.as_deref().unwrap_or("unknown CPU"),
    );
    out.push_str(&format!(
        "Throughput: {} keep-alive connections, {:.1} s each after {:.1} s warm-up, best of {} rounds, {} users loaded\n\n",
        res.settings.connections,
        res.settings.window_secs,
        res.settings.warmup_secs,
        res.settings.rounds,
        group_thousands(res.settings.load_users as u64),
    ));
    out.push_str(&throughput_table(res));
    if let Some(s) = &res.scale {
        out.push_str(&format!(
            "\nScale: {} users; latencies one request at a time, {:.1} s per round, best of {} rounds\n\n",
            group_thousands(s.users as u64),
            res.settings.scale_window_secs,
            res.settings.scale_rounds,
        ));
        out.push_str(&scale_tables(s));
    }
    if res.suite.is_some() || res.import.is_some() {
        out.push_str("\nHarness and mock-okta\n\n");
        out.push_str(&tools_table(res));
    }
    if !res.load_workers.is_empty() {
        out.push_str("\nIn-process worker sweep: get by id, server threads\n\n");
        let rows: Vec<Vec<String>> = res
            .load_workers
            .iter()
            .map(|w| {
                vec![
                    w.workers.to_string(),
                    fmt_rate(w.result.requests_per_sec),
                    spread(&w.rounds_rps),
                    cpu(w.result.server_cpu),
                    cpu(w.result.client_cpu),
                    others(w.result.other_cpu),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "server threads",
                "req/s",
                "every round",
                "server CPU",
                "client CPU",
                "others (cores)",
            ],
            &rows,
        ));
    }
    if let Some(e) = &res.external {
        out.push_str(
            "\nExternal load: released binaries in processes of their own, default runtime\n\n",
        );
        out.push_str(&external_table(&e.scenarios));
        out.push_str(
            "\nWorkers (TOKIO_WORKER_THREADS), quiet and with another process busy on one core\n\n",
        );
        out.push_str(&external_table(&e.workers));
        if !e.pinned_workers.is_empty() {
            out.push_str(
                "\nWorkers again, with this program (the load) on a core of its own and the servers on the others\n\n",
            );
            out.push_str(&external_table(&e.pinned_workers));
        }
        out.push_str("\nTwo workers against one (get by id)\n\n");
        out.push_str(&scaling_table(&e.scaling));
        out.push_str("\nConnections\n\n");
        out.push_str(&external_table(&e.concurrency));
    }
    if let Some(g) = &res.group_push {
        out.push_str(&format!(
            "\nGroup Push: a {}-member group, batches of {}\n\n",
            group_thousands(g.members as u64),
            g.batch_size
        ));
        out.push_str(&group_push_table(g));
    }
    if !res.hostile.is_empty() {
        out.push_str("\nHostile targets: the judge's memory\n\n");
        out.push_str(&hostile_table(&res.hostile));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(rps: f64) -> LoadResult {
        LoadResult {
            requests: 1000,
            errors: 0,
            first_error: None,
            requests_per_sec: rps,
            body_bytes_per_sec: rps * 100.0,
            p50_ns: 1_250_000,
            p99_ns: 4_000_000,
            server_cpu: Some(0.98),
            client_cpu: None,
            other_cpu: Some(0.031),
            connections: 64,
            window_secs: 5.0,
        }
    }

    #[test]
    fn a_throughput_row_shows_rate_ratio_goal_and_verdict() {
        let cells = load_cells(
            "get by id",
            "GET /Users/{id}",
            &result(30_500.4),
            &[29_000.0, 30_500.4],
            0.55,
            Some((0.6, false)),
        );
        assert_eq!(
            cells,
            [
                "get by id",
                "`GET /Users/{id}`",
                "30,500",
                "29,000–30,500",
                "55%",
                "≥ 60%",
                "1.25 ms",
                "4.00 ms",
                "98%",
                "?",
                "0.03",
                "0",
                "**missed**"
            ]
        );
        let baseline = load_cells("baseline", "GET", &result(50_000.0), &[50_000.0], 1.0, None);
        assert_eq!(baseline[3], "50,000");
        assert_eq!(baseline[5], "—");
        assert_eq!(baseline[12], "—");
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(true), "met");
        assert_eq!(verdict(false), "**missed**");
    }
}
