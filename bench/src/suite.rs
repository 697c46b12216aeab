//! Section 4: the harness's full built-in suite against the in-process reference server,
//! as `scim-harness run --reference` runs it (both client modes, every profile, two scenario
//! runs per core at once), on an ordinary multi-threaded runtime.

use std::time::Instant;

use anyhow::Context;
use harness::runner::{self, RunConfig, Target};
use serde::Serialize;

/// One run of the suite.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SuiteRun {
    pub(crate) wall_ms: f64,
    /// Requests the runner sent and checked (the exchanges of every step).
    pub(crate) exchanges: usize,
    pub(crate) scenario_runs: usize,
    pub(crate) passed: bool,
}

/// The suite, `runs` times.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SuiteResult {
    pub(crate) runs: Vec<SuiteRun>,
    pub(crate) median_wall_ms: f64,
    pub(crate) exchanges: usize,
    /// Exchanges over the median wall time.
    pub(crate) requests_per_sec: f64,
    pub(crate) ratio: f64,
    /// Cores' worth of CPU other processes used during the runs.
    pub(crate) others_cores: Option<f64>,
}

/// The built-in scenarios, as `scim-harness run` loads them.
pub(crate) fn built_in() -> anyhow::Result<Vec<harness::scenario::Loaded>> {
    let (scenarios, errors) = harness::cli::load(&[]);
    anyhow::ensure!(
        errors.is_empty(),
        "the built-in scenarios do not load: {errors:?}"
    );
    Ok(scenarios)
}

/// Runs the suite `runs` times (after one unmeasured run to warm up).
pub(crate) fn run(runs: usize, baseline_rps: f64) -> anyhow::Result<SuiteResult> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start a tokio runtime")?;
    let scenarios = built_in()?;
    let config = RunConfig::new(Target::Reference);
    let mut out = Vec::new();
    let mut others = crate::sys::OtherLoad::start();
    for i in 0..=runs {
        let started = Instant::now();
        let report = rt
            .block_on(runner::run(&config, &scenarios, &|_| {}))
            .context("the suite did not run")?;
        let wall_ms = started.elapsed().as_secs_f64() * 1e3;
        if i == 0 {
            others = crate::sys::OtherLoad::start();
            continue;
        }
        out.push(SuiteRun {
            wall_ms,
            exchanges: report.steps().map(|st| st.exchanges.len()).sum(),
            scenario_runs: report.scenarios.len(),
            passed: report.passed(),
        });
    }
    let mut walls: Vec<f64> = out.iter().map(|r| r.wall_ms).collect();
    walls.sort_by(f64::total_cmp);
    let median_wall_ms = walls.get(walls.len() / 2).copied().unwrap_or(0.0);
    let exchanges = out.first().map_or(0, |r| r.exchanges);
    let requests_per_sec = exchanges as f64 / (median_wall_ms / 1e3);
    Ok(SuiteResult {
        runs: out,
        median_wall_ms,
        exchanges,
        requests_per_sec,
        ratio: requests_per_sec / baseline_rps,
        others_cores: others.cores(),
    })
}
