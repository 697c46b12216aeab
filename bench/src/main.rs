//! `scim-bench`: the reference server's throughput and scale, the harness's and mock-okta's
//! speed, each throughput also as a ratio to a bare hyper server measured in the same run
//! (issue #6). See `bench/README.md` and `docs/benchmarks.md`.
//!
//! ```sh
//! cargo run --release -p scim-bench -- [--quick] [--json FILE]
//! ```

mod children;
mod external;
mod fixtures;
mod group_push;
mod heap;
mod hostile;
mod import;
mod load;
mod pin;
mod report;
mod scale;
mod stats;
mod suite;
mod sys;
mod throughput;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::load::Shape;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;
use crate::report::{Results, Settings};

/// Benchmarks of the reference server, the harness and mock-okta, against a bare hyper
/// baseline measured in the same run.
#[derive(Debug, Parser)]
#[command(name = "scim-bench", version)]
struct Cli {
    /// A smoke check in under a minute: shorter windows and smaller counts.
    #[arg(long)]
    quick: bool,
    /// Where to write the results as JSON.
    #[arg(long, value_name = "FILE", default_value = "target/scim-bench.json")]
    json: PathBuf,
    /// Run only these sections (comma-separated); the baseline always runs.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Section>,
    /// Run only the reference-server scenarios whose name contains TEXT (to profile one).
    #[arg(long, value_name = "TEXT")]
    scenario: Option<String>,
    /// Wait up to SECS seconds for the machine to be quiet (other processes using under a
    /// tenth of a core) before starting.
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    wait_quiet: u64,
    #[command(subcommand)]
    child: Option<Child>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Section {
    /// The reference server under load.
    Load,
    /// A million users: memory and latencies.
    Scale,
    /// The harness's full built-in suite.
    Suite,
    /// mock-okta's Import Now.
    Import,
    /// The harness and mock-okta against targets that answer huge bodies: peak memory.
    Hostile,
    /// Group Push of a 10,000-member group, in both modes: the slowest request.
    GroupPush,
    /// The released reference-server binary and a bare hyper server, each a process of its
    /// own with the default runtime, under this program's load: scenarios, workers and
    /// connections.
    External,
}

/// Sections that run in a child process, so that their peak memory is their own.
#[derive(Debug, Subcommand)]
enum Child {
    #[command(hide = true, name = "child-scale")]
    Scale {
        #[arg(long)]
        users: usize,
        #[arg(long)]
        window_ms: u64,
        #[arg(long)]
        rounds: usize,
    },
    #[command(hide = true, name = "child-import")]
    Import {
        #[arg(long)]
        users: usize,
    },
    #[command(hide = true, name = "child-hostile")]
    Hostile {
        #[arg(long, value_enum)]
        case: hostile::Case,
    },
    #[command(hide = true, name = "child-baseline")]
    Baseline {
        #[arg(long)]
        body_bytes: usize,
    },
    #[command(hide = true, name = "child-spin")]
    Spin,
}

impl Cli {
    fn settings(&self) -> Settings {
        if self.quick {
            Settings {
                quick: true,
                connections: 64,
                rounds: 1,
                warmup_secs: 0.3,
                window_secs: 1.5,
                load_users: throughput::USERS,
                scale_users: 100_000,
                scale_window_secs: 0.2,
                scale_rounds: 2,
                import_users: 10_000,
                suite_runs: 2,
            }
        } else {
            Settings {
                quick: false,
                connections: 64,
                rounds: 3,
                warmup_secs: 0.5,
                window_secs: 4.0,
                load_users: throughput::USERS,
                scale_users: 1_000_000,
                scale_window_secs: 0.5,
                scale_rounds: 5,
                import_users: 100_000,
                suite_runs: 5,
            }
        }
    }

    fn runs(&self, s: Section) -> bool {
        self.only.is_empty() || self.only.contains(&s)
    }
}

fn main() -> anyhow::Result<()> {
    // The hostile cases measure their heap: count from before anything else is allocated.
    if std::env::args_os().any(|a| a == "child-hostile") {
        heap::enable();
    }
    let cli = Cli::parse();
    match cli.child {
        Some(Child::Scale {
            users,
            window_ms,
            rounds,
        }) => {
            let r = scale::run(users, Duration::from_millis(window_ms), rounds)?;
            println!("{}", serde_json::to_string(&r)?);
            Ok(())
        }
        Some(Child::Import { users }) => {
            let r = import::run(users)?;
            println!("{}", serde_json::to_string(&r)?);
            Ok(())
        }
        Some(Child::Hostile { case }) => {
            let r = hostile::run(case)?;
            println!("{}", serde_json::to_string(&r)?);
            Ok(())
        }
        Some(Child::Baseline { body_bytes }) => children::serve_baseline(body_bytes),
        Some(Child::Spin) => children::spin(),
        None => bench(&cli),
    }
}

/// Runs this program again as a child for one section and reads its JSON answer.
fn child<T: serde::de::DeserializeOwned>(args: &[String]) -> anyhow::Result<T> {
    let exe = std::env::current_exe().context("cannot find this program to run a section")?;
    let out = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run a section in a child process")?;
    if !out.status.success() {
        bail!("the {} section failed ({})", args[0], out.status);
    }
    serde_json::from_slice(&out.stdout).with_context(|| format!("bad output from {}", args[0]))
}

/// Other processes using less than this many cores: a quiet machine.
const QUIET: f64 = 0.1;

/// Samples other processes' CPU use over a second, again and again until it is under
/// [`QUIET`] or `patience` has passed; returns the last sample.
fn wait_quiet(patience: Duration) -> Option<f64> {
    let deadline = std::time::Instant::now() + patience;
    loop {
        let load = sys::OtherLoad::start();
        std::thread::sleep(Duration::from_secs(1));
        let c = load.cores();
        if c.is_none_or(|c| c < QUIET) || std::time::Instant::now() >= deadline {
            return c;
        }
        eprintln!(
            "waiting for a quiet machine: others use {:.2} cores",
            c.unwrap_or(0.0)
        );
    }
}

fn bench(cli: &Cli) -> anyhow::Result<()> {
    let settings = cli.settings();
    let started_at = chrono::Utc::now().to_rfc3339();
    let shape = Shape {
        connections: settings.connections,
        warmup: Duration::from_secs_f64(settings.warmup_secs),
        duration: Duration::from_secs_f64(settings.window_secs),
    };

    let others_at_start = wait_quiet(Duration::from_secs(cli.wait_quiet));
    if let Some(c) = others_at_start.filter(|c| *c > QUIET) {
        eprintln!(
            "warning: other processes are using {c:.2} cores; figures will be noisy (see the `others` column)"
        );
    }

    // Rounds: the baseline, then every scenario, again and again, so that slow spells from
    // other work on the machine hit both alike; each figure is its best round.
    let mut baseline_rounds = Vec::new();
    let mut load_rounds = Vec::new();
    for round in 1..=settings.rounds {
        eprintln!(
            "round {round}/{}: baseline (bare hyper server)",
            settings.rounds
        );
        baseline_rounds.push(throughput::baseline(shape)?);
        if cli.runs(Section::Load) {
            load_rounds.push(throughput::reference_round(shape, cli.scenario.as_deref())?);
        }
    }
    let load_workers = if cli.runs(Section::Load) && cli.scenario.is_none() {
        eprintln!("worker sweep (in-process)");
        throughput::worker_sweep(shape, settings.rounds)?
    } else {
        Vec::new()
    };
    let (baseline, baseline_rounds_rps) =
        throughput::best(baseline_rounds).context("no baseline round")?;
    let baseline_rps = baseline.requests_per_sec;
    let load = throughput::rows(&load_rounds, baseline_rps);

    let suite = if cli.runs(Section::Suite) {
        eprintln!("harness: full built-in suite x{}", settings.suite_runs);
        Some(suite::run(settings.suite_runs, baseline_rps)?)
    } else {
        None
    };
    let scale = if cli.runs(Section::Scale) {
        eprintln!("scale: child process");
        Some(child::<scale::ScaleResult>(&[
            "child-scale".into(),
            "--users".into(),
            settings.scale_users.to_string(),
            "--window-ms".into(),
            ((settings.scale_window_secs * 1e3) as u64).to_string(),
            "--rounds".into(),
            settings.scale_rounds.to_string(),
        ])?)
    } else {
        None
    };
    let import = if cli.runs(Section::Import) {
        eprintln!("import: child process");
        Some(child::<import::ImportResult>(&[
            "child-import".into(),
            "--users".into(),
            settings.import_users.to_string(),
        ])?)
    } else {
        None
    };

    let group_push = if cli.runs(Section::GroupPush) {
        eprintln!("group push: {} members", group_push::MEMBERS);
        Some(group_push::run()?)
    } else {
        None
    };

    let external = if cli.runs(Section::External) {
        Some(external::run(
            shape,
            settings.rounds,
            cli.scenario.as_deref(),
        )?)
    } else {
        None
    };

    let mut hostile = Vec::new();
    if cli.runs(Section::Hostile) {
        for case in hostile::Case::ALL {
            eprintln!("hostile: child process");
            let name = case
                .to_possible_value()
                .context("every case has a name")?
                .get_name()
                .to_owned();
            hostile.push(child::<hostile::HostileResult>(&[
                "child-hostile".into(),
                "--case".into(),
                name,
            ])?);
        }
    }

    let results = Results {
        format_version: 1,
        started_at,
        others_at_start,
        machine: sys::Machine::detect(),
        settings,
        baseline,
        baseline_rounds_rps,
        baseline_rps,
        load,
        scale,
        suite,
        import,
        hostile,
        group_push,
        load_workers,
        external,
    };
    println!("{}", report::render(&results));
    if let Some(dir) = cli.json.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&cli.json, serde_json::to_string_pretty(&results)?)
        .with_context(|| format!("cannot write {}", cli.json.display()))?;
    eprintln!("results written to {}", cli.json.display());
    Ok(())
}
