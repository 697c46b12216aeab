//! The `mock-okta` command line: drive an Okta org's provisioning against a SCIM endpoint.
//! `--state FILE` keeps the org between calls, so a sequence of commands acts on one org.
//! Every admin action is an [`Action`], the vocabulary the scenario format shares; `main.rs`
//! only calls [`run`].

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::{
    Action, ActionReport, ClientMode, ClientOptions, HeaderProfile, MockOkta, NewUser, Org, Outcome,
};

/// An Okta provisioning engine: sends exactly what Okta sends to a SCIM endpoint.
#[derive(Debug, Parser)]
#[command(name = "mock-okta", version, about)]
pub struct Cli {
    /// The SCIM base URL (e.g. http://127.0.0.1:8080/scim/v2).
    #[arg(long, global = true)]
    target: Option<String>,
    /// The environment variable holding the SCIM API token.
    #[arg(long, global = true, default_value = "SCIM_TOKEN")]
    token_env: String,
    /// PATCH mode (OIN apps such as Fivetran's) or PUT mode (App Integration Wizard apps).
    #[arg(long, global = true, value_enum)]
    mode: Option<ClientMode>,
    /// Request headers: Okta's provisioning engine, or Okta's Runscope test files.
    #[arg(long, global = true, value_enum)]
    headers: Option<HeaderProfile>,
    /// A JSON file holding the org between calls (created if missing).
    #[arg(long, global = true)]
    state: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long, global = true)]
    json: bool,
    /// Per-request timeout in seconds (Okta's is 60).
    #[arg(long, global = true, default_value_t = 60)]
    timeout: u64,
    /// The most of any answer's body read (bytes, or K and M): a longer answer fails the
    /// request, and the rest of it is never read.
    #[arg(long, global = true, default_value = "10M", value_parser = scim_client::parse_size)]
    max_body: usize,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// A subcommand: an admin action, or a change to the org itself.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add a user to the Okta org.
    CreateUser {
        /// Okta username (email-shaped).
        #[arg(long)]
        login: String,
        /// First name.
        #[arg(long)]
        first: String,
        /// Last name.
        #[arg(long)]
        last: String,
        /// Email (defaults to the login).
        #[arg(long)]
        email: Option<String>,
    },
    /// Add a group to the Okta org.
    CreateGroup {
        /// The group's name.
        name: String,
        /// A member, by login (repeatable).
        #[arg(long = "member", value_name = "LOGIN")]
        members: Vec<String>,
    },
    /// Print the org: users, groups, assignments, tasks, events.
    Show,
    /// An admin action.
    #[command(flatten)]
    Action(Action),
}

fn load(cli: &Cli) -> anyhow::Result<Org> {
    let mut org = match &cli.state {
        Some(path) if path.exists() => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not a mock-okta state file", path.display()))?
        }
        _ => {
            let Some(target) = &cli.target else {
                bail!("--target is required (or a --state file that has one)")
            };
            Org::fivetran(target, cli.mode.unwrap_or_default())
        }
    };
    if let Some(t) = &cli.target {
        org.app.api.base_url = t.trim_end_matches('/').to_owned();
    }
    if let Some(m) = cli.mode {
        org.app.mode = m;
    }
    if let Some(h) = cli.headers {
        org.app.headers = h;
    }
    Ok(org)
}

fn save(path: &Path, org: &Org) -> anyhow::Result<()> {
    Ok(crate::state_file::save(path, org)?)
}

/// The report as the CLI prints it: a readable transcript, or JSON.
fn render(report: &ActionReport, json: bool) -> anyhow::Result<String> {
    if json {
        return Ok(serde_json::to_string_pretty(report)? + "\n");
    }
    let mut s = String::new();
    writeln!(s, "== {}: {}", report.action, report.outcome.kind())?;
    match &report.outcome {
        Outcome::NothingSent { reason } => writeln!(s, "   {reason}")?,
        Outcome::Failed { message } => writeln!(s, "   {message}")?,
        Outcome::TaskOpened { task } => writeln!(s, "   task {}: {}", task.id, task.message)?,
        Outcome::Succeeded => {}
    }
    for exchange in &report.exchanges {
        write!(s, "\n{exchange}")?;
    }
    if let Some(import) = &report.import {
        writeln!(
            s,
            "\nimported: {} scanned, {} inactive skipped",
            import.users_scanned, import.users_skipped_inactive
        )?;
        for u in &import.review {
            writeln!(s, "  {} ({}): {:?}", u.user_name, u.scim_id, u.matched)?;
        }
    }
    if !report.events.is_empty() {
        writeln!(s)?;
        for e in &report.events {
            writeln!(s, "* {e}")?;
        }
    }
    Ok(s)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Runs one command; `Ok(false)` when an action failed (a task, a failed credentials test).
pub async fn run(cli: Cli) -> anyhow::Result<bool> {
    let org = load(&cli)?;
    let token = std::env::var(&cli.token_env).unwrap_or_default();
    let mut options = ClientOptions::new(token);
    options.timeout = Duration::from_secs(cli.timeout.max(1));
    options.max_body = cli.max_body;
    let mut okta = MockOkta::new(org, options);
    let report = match cli.command {
        Command::CreateUser {
            login,
            first,
            last,
            email,
        } => {
            let u = okta.create_user(NewUser {
                login,
                first_name: first,
                last_name: last,
                email,
            })?;
            emit(&format!("created Okta user {} ({})\n", u.login, u.id))?;
            None
        }
        Command::CreateGroup { name, members } => {
            let members: Vec<&str> = members.iter().map(String::as_str).collect();
            let g = okta.create_group(&name, &members)?;
            emit(&format!("created Okta group {} ({})\n", g.name, g.id))?;
            None
        }
        Command::Show => {
            emit(&format!("{}\n", serde_json::to_string_pretty(okta.org())?))?;
            None
        }
        Command::Action(action) => Some(okta.perform(action).await?),
    };
    // What is printed of each answer is cut as the harness's reports cut it, so that a
    // target's megabyte answers make a readable transcript.
    let report = report.map(|mut r| {
        for ex in &mut r.exchanges {
            ex.cut_response_body(scim_client::REPORTED_BODY_LIMIT);
        }
        r
    });
    let ok = match &report {
        Some(r) => {
            emit(&render(r, cli.json)?)?;
            r.outcome.is_ok()
        }
        None => true,
    };
    if let Some(path) = &cli.state {
        save(path, okta.org())?;
    }
    Ok(ok)
}
