//! The `scim-harness` command line. `main.rs` only calls [`main`].

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report::{self, terminal};
use crate::rules;
use crate::runner::{self, RunConfig, RunError, Target};
use crate::scenario::{self, ClientMode, Loaded, Profile};

/// Exit codes.
pub mod exit {
    /// Every MUST rule held.
    pub const PASSED: u8 = 0;
    /// A MUST rule failed.
    pub const FAILED: u8 = 1;
    /// A usage or scenario error: nothing was judged.
    pub const USAGE: u8 = 2;
    /// The target could not be reached, stopped answering during the run, or the run's
    /// deadline passed: what was judged is reported, marked incomplete.
    pub const UNREACHABLE: u8 = 3;
    /// The target refused the token: nothing was judged or made.
    pub const TOKEN_REFUSED: u8 = 4;
    /// The run was judged (the verdict is printed), but a report file asked for could not be
    /// written.
    pub const REPORT_NOT_WRITTEN: u8 = 5;
    /// Interrupted (Ctrl-C): what was judged is reported, marked incomplete.
    pub const INTERRUPTED: u8 = 130;
}

const AFTER_HELP: &str = "Exit codes: 0 every MUST rule held; 1 a MUST rule failed; 2 usage or scenario errors \
(nothing was judged); 3 the target cannot be reached, stopped answering, or --deadline passed (reports are \
written, marked incomplete); 4 the target refused the token (nothing was judged); 5 judged, but a report file \
could not be written; 130 interrupted (reports are written, marked incomplete).";

/// SCIM 2.0 conformance for Okta provisioning: replays Okta's flows through a mock Okta and
/// checks every response against RFC 7643/7644, Okta and the Fivetran guide.
#[derive(Debug, Parser)]
#[command(name = "scim-harness", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output format of `rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// A table for the terminal.
    Table,
    /// Markdown (`docs/rules.md`).
    Markdown,
    /// JSON.
    Json,
}

/// Which JSON Schema `schema` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The scenario format (`schemas/scenario-v1.json`).
    Scenario,
    /// The JSON report, `run --json` (`schemas/report-v1.json`).
    Report,
}

/// `scim-harness run`'s options.
#[derive(Debug, clap::Args)]
struct RunArgs {
    /// The SCIM base URL (e.g. https://api.example.com/scim/v2).
    #[arg(
        long,
        conflicts_with = "reference",
        required_unless_present = "reference",
        value_parser = parse_target
    )]
    target: Option<String>,
    /// The environment variable holding the bearer token.
    #[arg(long, default_value = "SCIM_TOKEN")]
    token_env: String,
    /// Start the reference server in-process on a free port and run against it.
    #[arg(long)]
    reference: bool,
    /// Scenario files or folders (default: the built-in scenarios).
    #[arg(long, num_args = 1..)]
    scenarios: Vec<PathBuf>,
    /// Only scenarios with this tag (repeatable).
    #[arg(long)]
    tag: Vec<String>,
    /// Only the scenario with this id (repeatable), as a failure's rerun command gives it.
    #[arg(long)]
    only: Vec<String>,
    /// Run only job k of n (e.g. 2/4): every n-th selected scenario, with all its client
    /// modes. The n jobs together run what one run would.
    #[arg(long)]
    partition: Option<runner::Partition>,
    /// Print only what failed, and the closing line.
    #[arg(long, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print every finding where it was made, and every exchange.
    #[arg(long)]
    verbose: bool,
    /// Rule profiles to check (default: rfc,okta; with --reference, also fivetran).
    #[arg(long, value_delimiter = ',')]
    profile: Vec<Profile>,
    /// Okta client modes: oin-patch (OIN apps), aiw-put (App Integration Wizard apps), or
    /// both.
    #[arg(long, value_parser = parse_modes, default_value = "both")]
    okta_mode: ::std::vec::Vec<ClientMode>,
    /// Write a JUnit XML report.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Write a JSON report.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write a Markdown summary (verdicts per scenario and mode, root causes with their
    /// citations; nothing that changes from run to run).
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Write one self-contained HTML page (no network needed to open it): the flow matrix,
    /// the root causes, and every step with its exchanges, rules, citations and replays.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Keep what the run created (no cleanup).
    #[arg(long)]
    keep: bool,
    /// Scenario runs at once.
    #[arg(long)]
    jobs: Option<usize>,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// The longest the whole run may take, in seconds: then the steps not begun are not run,
    /// and the reports are written, marked incomplete (exit 3).
    #[arg(long)]
    deadline: Option<u64>,
    /// The most of any answer's body read: bytes, or with K, M (KiB, MiB). A longer answer
    /// fails its step and is not read further.
    #[arg(long, default_value = "10M", value_parser = scim_client::parse_size)]
    max_body: usize,
    /// The domain of the test users' logins.
    #[arg(long, default_value = "example.com")]
    email_domain: String,
    /// The most exchanges one step keeps in the reports (0: all): the first and last halves,
    /// and every exchange a finding is about; the rest are counted.
    #[arg(long, default_value_t = runner::DEFAULT_EXCHANGES_PER_STEP)]
    exchanges_per_step: usize,
    /// The longest single wait after a 429, in seconds. Okta's own back-off grows to
    /// hours; the report still shows the wait Okta would have made.
    #[arg(long, default_value_t = 30)]
    max_retry_wait: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run scenarios against a SCIM endpoint (or the built-in reference server).
    #[command(after_help = AFTER_HELP)]
    Run(Box<RunArgs>),
    /// Check scenario files without running them.
    Lint {
        /// Files or folders.
        paths: Vec<PathBuf>,
    },
    /// List the rules.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: RulesFormat,
    },
    /// Print a JSON Schema: the scenario format's, or the JSON report's.
    Schema {
        /// Which.
        #[arg(value_enum, default_value = "scenario")]
        kind: SchemaKind,
    },
    /// Render a saved JSON report (`run --json`) as HTML, Markdown or JUnit, so that CI can
    /// keep the JSON and render it later.
    Report {
        /// The JSON report.
        json: PathBuf,
        /// Write the HTML page here.
        #[arg(long)]
        html: Option<PathBuf>,
        /// Write the Markdown summary here.
        #[arg(long)]
        markdown: Option<PathBuf>,
        /// Write the JUnit XML here.
        #[arg(long)]
        junit: Option<PathBuf>,
    },
}

/// Reads a saved JSON report: its format version must be this harness's, and every rule it
/// names must be in this catalogue.
pub fn read_report(text: &str) -> Result<report::RunReport, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let version = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(report::FORMAT_VERSION)) {
        return Err(format!(
            "format_version {} is not {} (this harness's)",
            version.map_or_else(|| "missing".to_owned(), |v| v.to_string()),
            report::FORMAT_VERSION
        ));
    }
    serde_json::from_value(value).map_err(|e| format!("not a report of this harness: {e}"))
}

/// `--target`: an `http` or `https` URL with a host, and nothing a base URL cannot carry (a
/// query, a fragment, or credentials, which would end up in every report).
fn parse_target(s: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(s).map_err(|e| {
        format!("not a URL ({e}); give the SCIM base URL, such as https://api.example.com/scim/v2")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme must be http or https, not {:?}",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("a base URL has no query or fragment".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "put no credentials in the URL: the token goes in the variable --token-env names"
                .to_owned(),
        );
    }
    Ok(s.trim_end_matches('/').to_owned())
}

/// `--okta-mode`: one client mode, or `both`.
fn parse_modes(s: &str) -> Result<Vec<ClientMode>, String> {
    if s == "both" {
        return Ok(ClientMode::ALL.to_vec());
    }
    ClientMode::from_str(s, false)
        .map(|m| vec![m])
        .map_err(|_| format!("expected oin-patch, aiw-put or both, not {s:?}"))
}

/// Loads scenarios from paths, or the built-in ones.
pub fn load(paths: &[PathBuf]) -> (Vec<Loaded>, Vec<scenario::Diagnostic>) {
    if paths.is_empty() {
        scenario::load_sources(crate::BUILTIN.iter().copied(), &rules::Catalogue)
    } else {
        scenario::load_paths(paths, &rules::Catalogue)
    }
}

/// The rules as text.
pub fn rules_text(format: RulesFormat) -> String {
    match format {
        RulesFormat::Json => {
            serde_json::to_string_pretty(rules::CATALOGUE).unwrap_or_default() + "\n"
        }
        RulesFormat::Table => {
            let mut out = String::new();
            for r in rules::CATALOGUE {
                out.push_str(&format!(
                    "{:<44} {:<6} {:<8} {:<8} {}\n",
                    r.id, r.level, r.profile, r.kind, r.title
                ));
            }
            out
        }
        RulesFormat::Markdown => rules_markdown(),
    }
}

fn rules_markdown() -> String {
    use rules::checklist;
    let mut out = String::from(
        "# Rules\n\n<!-- Generated by `scim-harness rules --format markdown`; a test keeps it current. -->\n\n\
         Every check the harness makes. **Exchange** rules run on every response; **flow** rules are asserted by \
         scenario steps. A failed MUST fails the run; SHOULD is a warning. RFC rules carry the ids of \
         [rfc-checklist.md](rfc-checklist.md) and are listed under its sections, in its order, so that the RFC can \
         be walked requirement by requirement; [rfc-coverage.md](rfc-coverage.md) shows every row, judged or not. \
         Where the RFC contradicts itself (the checklist's Appendix B), no rule fails a server.\n",
    );
    let header = "\n| id | level | kind | rule | source |\n| --- | --- | --- | --- | --- |\n";
    let line = |r: &rules::Rule| {
        format!(
            "| `{}` | {} | {} | {} | {}: \"{}\" |\n",
            r.id,
            r.level,
            r.kind,
            r.title.replace('|', "\\|"),
            r.source.replace('|', "\\|"),
            r.quote.replace('|', "\\|")
        )
    };
    out.push_str("\n## RFC 7643 and RFC 7644, by the checklist's sections\n");
    for section in checklist::sections() {
        out.push_str(&format!("\n### {section}\n"));
        // In the checklist's order; a rule judging part of a row follows the row's own.
        let judged: Vec<&rules::Rule> = checklist::rows()
            .iter()
            .filter(|row| row.section == section)
            .flat_map(|row| {
                rules::CATALOGUE
                    .iter()
                    .filter(|r| checklist::row_of(r.id).is_some_and(|of| of.id == row.id))
                    .filter(|r| r.profile == scenario::Profile::Rfc)
            })
            .collect();
        if judged.is_empty() {
            out.push_str("\nNo rule yet.\n");
            continue;
        }
        out.push_str(header);
        for r in judged {
            out.push_str(&line(r));
        }
    }
    for (profile, heading) in [
        (scenario::Profile::Okta, "Okta"),
        (scenario::Profile::Fivetran, "The Fivetran guide"),
    ] {
        out.push_str(&format!("\n## {heading}\n"));
        out.push_str(header);
        for r in rules::CATALOGUE.iter().filter(|r| r.profile == profile) {
            out.push_str(&line(r));
        }
    }
    out
}

/// The scenario format's JSON Schema.
pub fn schema_text() -> String {
    scenario::json_schema()
}

/// The JSON report's JSON Schema (`schemas/report-v1.json`), generated from the report's
/// types. Every object in it is closed (`additionalProperties: false`), so a report that
/// validates holds nothing the schema does not describe, and a reporter rendering a saved
/// report (`scim-harness report`) can read nothing else.
pub fn report_schema_text() -> String {
    serde_json::to_string_pretty(&schemars::schema_for!(report::RunReport)).unwrap_or_default()
        + "\n"
}

fn print_diagnostics(errors: &[scenario::Diagnostic]) {
    for e in errors {
        eprint!("{e}");
    }
}

/// Runs the command line.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Rules { format } => {
            print!("{}", rules_text(format));
            ExitCode::from(exit::PASSED)
        }
        Command::Schema { kind } => {
            print!(
                "{}",
                match kind {
                    SchemaKind::Scenario => schema_text(),
                    SchemaKind::Report => report_schema_text(),
                }
            );
            ExitCode::from(exit::PASSED)
        }
        Command::Report {
            json,
            html,
            markdown,
            junit,
        } => {
            let read = std::fs::read_to_string(&json)
                .map_err(|e| e.to_string())
                .and_then(|t| read_report(&t));
            let report = match read {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {}: {e}", json.display());
                    return ExitCode::from(exit::USAGE);
                }
            };
            if html.is_none() && markdown.is_none() && junit.is_none() {
                eprintln!("error: give --html, --markdown or --junit");
                return ExitCode::from(exit::USAGE);
            }
            type Render = fn(&report::RunReport) -> String;
            let writers: [(Option<PathBuf>, Render); 3] = [
                (html, report::html::render),
                (markdown, |r| report::markdown::render(r, 3)),
                (junit, report::junit::render),
            ];
            for (path, render) in writers {
                if let Some(p) = path
                    && let Err(e) = std::fs::write(&p, render(&report))
                {
                    eprintln!("error: cannot write {}: {e}", p.display());
                    return ExitCode::from(exit::REPORT_NOT_WRITTEN);
                }
            }
            ExitCode::from(exit::PASSED)
        }
        Command::Lint { paths } => {
            let (loaded, errors) = load(&paths);
            print_diagnostics(&errors);
            if errors.is_empty() {
                println!("{} scenario files are valid", loaded.len());
                ExitCode::from(exit::PASSED)
            } else {
                eprintln!("{} problem(s)", errors.len());
                ExitCode::from(exit::USAGE)
            }
        }
        Command::Run(args) => {
            let RunArgs {
                target,
                token_env,
                reference,
                scenarios,
                tag,
                only,
                partition,
                quiet,
                verbose,
                profile,
                okta_mode,
                junit,
                json,
                markdown,
                html,
                keep,
                jobs,
                timeout,
                deadline,
                max_body,
                email_domain,
                max_retry_wait,
                exchanges_per_step,
            } = *args;
            let target = if reference {
                Target::Reference
            } else {
                let Some(base_url) = target else {
                    eprintln!("error: give --target URL or --reference");
                    return ExitCode::from(exit::USAGE);
                };
                let shell_word = token_env
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && token_env
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !shell_word {
                    eprintln!(
                        "error: --token-env names an environment variable: letters, digits and _, not {token_env:?}"
                    );
                    return ExitCode::from(exit::USAGE);
                }
                let token = std::env::var(&token_env).unwrap_or_default();
                if token.is_empty() {
                    eprintln!(
                        "error: the environment variable {token_env} holds no token (set it, or name another with --token-env)"
                    );
                    return ExitCode::from(exit::USAGE);
                }
                Target::Url {
                    base_url,
                    token: token.into(),
                }
            };
            let (loaded, errors) = load(&scenarios);
            if !errors.is_empty() {
                print_diagnostics(&errors);
                return ExitCode::from(exit::USAGE);
            }
            let mut config = RunConfig::new(target);
            if !profile.is_empty() {
                config.profiles = profile.into_iter().collect::<BTreeSet<_>>();
            }
            config.modes = okta_mode;
            config.tags = tag;
            config.only = only;
            config.partition = partition;
            if !reference {
                config.token_env = Some(token_env);
            }
            config.keep = keep;
            if let Some(j) = jobs {
                config.jobs = j; // the runner runs at least one
            }
            config.timeout = Duration::from_secs(timeout.max(1));
            config.max_body = max_body;
            config.exchanges_per_step = exchanges_per_step;
            config.deadline = deadline.map(Duration::from_secs);
            // Ctrl-C stops the run at the next step and still writes the reports; a second
            // Ctrl-C ends the process at once.
            let stop = config.stop.clone();
            let interrupt = tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    eprintln!(
                        "\ninterrupted: finishing the steps under way, then writing the reports (Ctrl-C again to quit now)"
                    );
                    stop.halt(runner::Halt::Interrupted);
                    if tokio::signal::ctrl_c().await.is_ok() {
                        std::process::exit(i32::from(exit::INTERRUPTED));
                    }
                }
            });
            config.email_domain = email_domain;
            config.clock = Arc::new(scim_client::CappedClock {
                cap: Duration::from_secs(max_retry_wait),
            });
            let mut style = terminal::Style::detect();
            style.verbosity = if quiet {
                terminal::Verbosity::Quiet
            } else if verbose {
                terminal::Verbosity::Verbose
            } else {
                terminal::Verbosity::Normal
            };
            let progress = std::sync::Mutex::new(terminal::Progress::new(style));
            let result = runner::run(&config, &loaded, &|e| {
                if let Ok(mut p) = progress.lock() {
                    p.on_event(e);
                }
            })
            .await;
            interrupt.abort();
            if let Ok(mut p) = progress.lock() {
                p.finish();
            }
            let report = match result {
                Ok(r) => r,
                Err(e @ RunError::Unreachable { .. }) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(exit::UNREACHABLE);
                }
                Err(e @ RunError::TokenRefused { .. }) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(exit::TOKEN_REFUSED);
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(exit::USAGE);
                }
            };
            print!("{}", terminal::render(&report, style));
            // Each report is rendered only when asked for.
            type Render = fn(&report::RunReport) -> String;
            let writers: [(Option<PathBuf>, Render); 4] = [
                (json, report::json::render),
                (junit, report::junit::render),
                (markdown, |r| report::markdown::render(r, 3)),
                (html, report::html::render),
            ];
            let mut written = true;
            for (path, render) in writers {
                if let Some(p) = path
                    && let Err(e) = std::fs::write(&p, render(&report))
                {
                    // The run was judged: the other reports are still written.
                    eprintln!("error: cannot write {}: {e}", p.display());
                    written = false;
                }
            }
            ExitCode::from(match (written, &report.incomplete, report.passed()) {
                (false, _, _) => exit::REPORT_NOT_WRITTEN,
                (true, Some(runner::Halt::Interrupted), _) => exit::INTERRUPTED,
                (true, Some(_), _) => exit::UNREACHABLE,
                (true, None, true) => exit::PASSED,
                (true, None, false) => exit::FAILED,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_target;

    #[test]
    fn a_target_is_an_http_url_with_a_host() {
        assert_eq!(
            parse_target("https://api.example.com/scim/v2/").as_deref(),
            Ok("https://api.example.com/scim/v2")
        );
        for bad in [
            "notaurl",
            "file:///etc/passwd",
            "http://u:p@h/scim",
            "http://h/scim#x",
        ] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }
}
