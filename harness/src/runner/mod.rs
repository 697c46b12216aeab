//! The runner: for each scenario and client mode, a fresh Okta org (mock-okta) with the
//! scenario's fixtures under a unique prefix; its steps run in order; every response is checked
//! by the exchange rules and each step's expectations; what the run created is cleaned up.

mod actions;
mod checks;
mod cleanup;
mod consequences;
mod fixtures;
mod partition;
mod requests;
mod scenario_run;
mod stop;
mod target;
mod variables;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::report::{FORMAT_VERSION, RunReport, ScenarioRun};
use crate::scenario::{ClientMode, Loaded, Profile};
pub use partition::{Partition, PartitionError};
pub use stop::{DEFAULT_SILENCE_LIMIT, Halt, Stop};
pub use target::{Capabilities, StartReference, Starting, Target};
use target::{Endpoint, discover, start_reference};

/// The longest single 429 back-off wait by default: Okta's own back-off grows to hours, which
/// no test run can afford; the report still shows the wait Okta would have made.
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

/// How to run.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// The target.
    pub target: Target,
    /// The profiles whose rules are checked.
    pub profiles: BTreeSet<Profile>,
    /// The client modes to run scenarios in.
    pub modes: Vec<ClientMode>,
    /// Only scenarios with one of these tags (none: all).
    pub tags: Vec<String>,
    /// Only the scenarios with these ids (none: all).
    pub only: Vec<String>,
    /// Only this CI job's share of the selected scenarios (`--partition k/n`).
    pub partition: Option<Partition>,
    /// The environment variable the token came from, for replay commands (`--token-env`).
    pub token_env: Option<String>,
    /// Leave what the run created in place.
    pub keep: bool,
    /// Scenario runs at once.
    pub jobs: usize,
    /// The domain of fixture users' logins.
    pub email_domain: String,
    /// Per-request timeout.
    pub timeout: Duration,
    /// The most of any answer's body read (`--max-body`); a longer answer fails its step,
    /// and the rest of it is never read.
    pub max_body: usize,
    /// Where mock-okta waits (429 back-off). By default real time capped at
    /// [`DEFAULT_MAX_RETRY_WAIT`] per wait; tests pass a recording clock that never waits.
    pub clock: Arc<dyn scim_client::Clock>,
    /// How a reference server is started (`Target::Reference`, and scenarios that change
    /// account settings).
    pub start_reference: StartReference,
    /// The longest the whole run may take (`--deadline`); then the steps not begun are not
    /// run, and the report says so.
    pub deadline: Option<Duration>,
    /// How many requests in a row may go unanswered before the run stops.
    pub silence_limit: usize,
    /// The most exchanges a step keeps in the report (`--exchanges-per-step`; 0 keeps all):
    /// the first and last halves, and every exchange a finding is about; the rest are
    /// counted (a 1,000-user assignment would otherwise make a report of megabytes).
    pub exchanges_per_step: usize,
    /// The run's stop switch: a clone of it can interrupt the run (Ctrl-C).
    pub stop: Stop,
}

impl RunConfig {
    /// Defaults for a target: every profile for the reference server, `rfc` and `okta`
    /// otherwise; both modes; two jobs per core.
    pub fn new(target: Target) -> RunConfig {
        let profiles = match target {
            Target::Reference => [Profile::Rfc, Profile::Okta, Profile::Fivetran].into(),
            Target::Url { .. } => [Profile::Rfc, Profile::Okta].into(),
        };
        RunConfig {
            target,
            profiles,
            modes: ClientMode::ALL.to_vec(),
            tags: Vec::new(),
            only: Vec::new(),
            partition: None,
            token_env: None,
            keep: false,
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            email_domain: "example.com".into(),
            timeout: mock_okta::client::DEFAULT_TIMEOUT,
            max_body: scim_client::DEFAULT_MAX_BODY,
            clock: Arc::new(scim_client::CappedClock {
                cap: DEFAULT_MAX_RETRY_WAIT,
            }),
            start_reference: StartReference::default(),
            deadline: None,
            silence_limit: DEFAULT_SILENCE_LIMIT,
            exchanges_per_step: DEFAULT_EXCHANGES_PER_STEP,
            stop: Stop::new(),
        }
    }
}

/// The exchanges a step keeps in the report by default: more than any built-in scenario's
/// Okta action sends, short of the mass assignments.
pub const DEFAULT_EXCHANGES_PER_STEP: usize = 60;

/// Why a run could not happen at all.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The target did not answer.
    #[error("cannot reach {base_url}: {reason}")]
    Unreachable {
        /// The target.
        base_url: String,
        /// Why.
        reason: String,
    },
    /// The in-process reference server could not start.
    #[error("cannot start the reference server: {0}")]
    Reference(std::io::Error),
    /// The target answered, but refused the token: nothing could be judged.
    #[error(
        "{base_url} refused the token ({status}{}): check the token, and the variable --token-env names",
        detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
    )]
    TokenRefused {
        /// The target.
        base_url: String,
        /// The status it answered (401 or 403).
        status: u16,
        /// Its error's `detail`, if it gave one.
        detail: Option<String>,
    },
    /// A scenario run stopped without a result (it panicked: a bug in the harness), so the
    /// report would be incomplete.
    #[error("a scenario run stopped without a result (a bug in the harness): {0}")]
    Task(tokio::task::JoinError),
}

/// An event during a run, for progress display.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// The run is starting this many scenario runs.
    Started {
        /// How many.
        total: usize,
    },
    /// A scenario run finished (events come in the order runs finish, not the report's).
    Finished(&'a ScenarioRun),
}

/// Runs the scenarios and returns the report. `on_event` sees progress.
pub async fn run(
    config: &RunConfig,
    scenarios: &[Loaded],
    on_event: &(dyn Fn(&Event<'_>) + Send + Sync),
) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (_shared_server, endpoint) = match &config.target {
        Target::Url { base_url, token } => (
            None,
            Endpoint::new(base_url, token.clone(), config.timeout, config.max_body),
        ),
        Target::Reference => {
            let (running, endpoint) =
                start_reference(&config.start_reference, config.timeout, config.max_body).await?;
            (Some(running), endpoint)
        }
    };
    target::preflight(&endpoint).await?;
    let capabilities = discover(&endpoint).await?;

    let selected: Vec<&Loaded> = scenarios
        .iter()
        .filter(|l| {
            config.tags.is_empty() || l.scenario.tags.iter().any(|t| config.tags.contains(t))
        })
        .filter(|l| config.only.is_empty() || config.only.contains(&l.scenario.id))
        .enumerate()
        .filter(|(position, _)| config.partition.is_none_or(|p| p.takes(*position)))
        .map(|(_, l)| l)
        .collect();
    // A scenario written for one client mode is not run, or listed, in the other.
    let mut units: Vec<(usize, &Loaded, ClientMode)> = Vec::new();
    for l in &selected {
        let modes = &l.scenario.requires.modes;
        for mode in config
            .modes
            .iter()
            .filter(|m| modes.is_empty() || modes.contains(m))
        {
            units.push((units.len(), l, *mode));
        }
    }
    on_event(&Event::Started { total: units.len() });

    let deadline = config.deadline.and_then(|d| {
        let halt = Halt::Deadline { secs: d.as_secs() };
        if d.is_zero() {
            config.stop.halt(halt);
            return None;
        }
        let stop = config.stop.clone();
        Some(tokio::spawn(async move {
            tokio::time::sleep(d).await;
            stop.halt(halt);
        }))
    });
    let semaphore = Arc::new(Semaphore::new(config.jobs.max(1)));
    let ctx = Arc::new(scenario_run::Context {
        config: config.clone(),
        endpoint: endpoint.clone(),
        capabilities,
    });
    // Scenarios that must run alone wait until the others are over, then run one by one.
    let (alone, together): (Vec<_>, Vec<_>) = units
        .into_iter()
        .partition(|(_, l, _)| l.scenario.requires.alone);
    let mut tasks = JoinSet::new();
    for (index, loaded, mode) in together {
        let permit = Arc::clone(&semaphore);
        let ctx = Arc::clone(&ctx);
        let loaded = loaded.clone();
        tasks.spawn(async move {
            let _permit = permit.acquire_owned().await;
            (index, scenario_run::run_scenario(&ctx, &loaded, mode).await)
        });
    }
    // Progress follows the order runs finish in; the report keeps the scenarios' order.
    let mut results: Vec<(usize, ScenarioRun)> = Vec::with_capacity(tasks.len() + alone.len());
    while let Some(joined) = tasks.join_next().await {
        let (i, run) = joined.map_err(RunError::Task)?;
        let run = run?;
        on_event(&Event::Finished(&run));
        results.push((i, run));
    }
    for (i, loaded, mode) in alone {
        let run = scenario_run::run_scenario(&ctx, loaded, mode).await?;
        on_event(&Event::Finished(&run));
        results.push((i, run));
    }
    if let Some(timer) = deadline {
        timer.abort();
    }
    results.sort_by_key(|(i, _)| *i);
    let scenarios: Vec<ScenarioRun> = results.into_iter().map(|(_, r)| r).collect();
    let summary = RunReport::summarize(&scenarios);
    Ok(RunReport {
        format_version: FORMAT_VERSION,
        target: endpoint.base_url,
        started_at,
        harness_version: env!("CARGO_PKG_VERSION").to_owned(),
        token_env: config.token_env.clone(),
        profiles: config.profiles.iter().copied().collect(),
        scenarios,
        summary,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        incomplete: config.stop.halted(),
    })
}
