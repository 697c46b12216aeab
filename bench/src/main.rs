//! `scim-bench`: the reference server's throughput and scale, the harness's and mock-okta's
//! speed, each throughput also as a ratio to a bare hyper server measured in the same run
//! (issue #6). See `bench/README.md` and `docs/benchmarks.md`.
//!
//! ```sh
//! cargo run --release -p scim-bench -- [--quick] [--json FILE]
//! ```

mod fixtures;
mod import;
mod load;
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
}

/// Sections that run in a child process, so that their peak memory is their own.
#[derive(Debug, Subcommand)]
enum Child {
    #[command(hide = true)]
    ChildScale {
        #[arg(long)]
        users: usize,
        #[arg(long)]
        window_ms: u64,
    },
    #[command(hide = true)]
    ChildImport {
        #[arg(long)]
        users: usize,
    },
}

impl Cli {
    fn settings(&self) -> Settings {
        if self.quick {
            Settings {
                quick: true,
                connections: 64,
                warmup_secs: 0.3,
                window_secs: 1.5,
                load_users: throughput::USERS,
                scale_users: 100_000,
                scale_window_secs: 0.5,
                import_users: 10_000,
                suite_runs: 2,
            }
        } else {
            Settings {
                quick: false,
                connections: 64,
                warmup_secs: 1.0,
                window_secs: 5.0,
                load_users: throughput::USERS,
                scale_users: 1_000_000,
                scale_window_secs: 2.0,
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
    let cli = Cli::parse();
    match cli.child {
        Some(Child::ChildScale { users, window_ms }) => {
            let r = scale::run(users, Duration::from_millis(window_ms))?;
            println!("{}", serde_json::to_string(&r)?);
            Ok(())
        }
        Some(Child::ChildImport { users }) => {
            let r = import::run(users)?;
            println!("{}", serde_json::to_string(&r)?);
            Ok(())
        }
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

fn bench(cli: &Cli) -> anyhow::Result<()> {
    let settings = cli.settings();
    let started_at = chrono::Utc::now().to_rfc3339();
    let shape = Shape {
        connections: settings.connections,
        warmup: Duration::from_secs_f64(settings.warmup_secs),
        duration: Duration::from_secs_f64(settings.window_secs),
    };

    eprintln!("baseline: bare hyper server");
    let mut baseline = vec![throughput::baseline(shape)?];
    let mut load = Vec::new();
    if cli.runs(Section::Load) {
        load = throughput::reference(shape, baseline[0].requests_per_sec)?;
        eprintln!("baseline: again");
        baseline.push(throughput::baseline(shape)?);
        // Ratios are to the mean of both baseline runs.
        let mean = baseline.iter().map(|b| b.requests_per_sec).sum::<f64>() / 2.0;
        for row in &mut load {
            row.ratio = row.result.requests_per_sec / mean;
            row.met = row.ratio >= row.goal && row.result.errors == 0;
        }
    }
    let baseline_rps =
        baseline.iter().map(|b| b.requests_per_sec).sum::<f64>() / baseline.len() as f64;

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

    let results = Results {
        format_version: 1,
        started_at,
        machine: sys::Machine::detect(),
        settings,
        baseline,
        baseline_rps,
        load,
        scale,
        suite,
        import,
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
