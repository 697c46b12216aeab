//! `mock-okta`: drive an Okta org's provisioning against a SCIM endpoint from the command
//! line. `--state FILE` keeps the org between calls, so a sequence of commands acts on one org.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use mock_okta::{
    ActionReport, ClientMode, ClientOptions, HeaderProfile, MockOkta, NewUser, Org, ProfileChange,
};

/// An Okta provisioning engine: sends exactly what Okta sends to a SCIM endpoint.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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
    CreateGroup { name: String },
    /// Provisioning > Integration > Test API Credentials.
    TestApiCredentials,
    /// Save the provisioning settings (tests the credentials; lists groups if Import Groups is on).
    SaveSettings,
    /// Change the app's switches.
    Settings {
        /// Enable API integration (provisioning).
        #[arg(long)]
        provisioning: Option<bool>,
        /// To App > Create Users.
        #[arg(long)]
        create_users: Option<bool>,
        /// To App > Update User Attributes.
        #[arg(long)]
        update_attributes: Option<bool>,
        /// To App > Deactivate Users.
        #[arg(long)]
        deactivate_users: Option<bool>,
        /// Import Groups.
        #[arg(long)]
        import_groups: Option<bool>,
    },
    /// Assign > Assign to People.
    AssignUser {
        login: String,
        /// The Role app-user attribute.
        #[arg(long)]
        role: Option<String>,
    },
    /// Assign > Assign to Groups.
    AssignGroup {
        name: String,
        /// The Role for the group's members.
        #[arg(long)]
        role: Option<String>,
    },
    /// Add a user to an Okta group.
    AddGroupMember { group: String, login: String },
    /// Remove a user from an Okta group.
    RemoveGroupMember { group: String, login: String },
    /// Change a user's Okta profile and push it.
    UpdateUser {
        login: String,
        #[arg(long)]
        first: Option<String>,
        #[arg(long)]
        last: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long = "new-login")]
        new_login: Option<String>,
    },
    /// Change a user's Role and push it.
    SetRole { login: String, role: String },
    /// Unassign a user (its app user is deactivated).
    UnassignUser { login: String },
    /// Deactivate a user in Okta.
    DeactivateUser { login: String },
    /// Reactivate a user in Okta.
    ReactivateUser { login: String },
    /// Suspend a user in Okta (nothing is sent).
    SuspendUser { login: String },
    /// Unsuspend a user in Okta (nothing is sent).
    UnsuspendUser { login: String },
    /// Provision User, for assignments made before provisioning was enabled.
    ProvisionUser { login: String },
    /// Import > Import Now.
    ImportNow,
    /// Import > Confirm Assignments, for imported userNames.
    ConfirmAssignments { user_names: Vec<String> },
    /// Push Groups: push a group.
    PushGroup { name: String },
    /// Push Groups: Push Now.
    PushNow { name: String },
    /// Rename an Okta group (a pushed group is renamed in the app).
    RenameGroup { name: String, new_name: String },
    /// Push Groups: unlink, keeping or deleting the app group.
    UnlinkGroup {
        name: String,
        #[arg(long)]
        delete: bool,
    },
    /// Retry a task.
    RetryTask { id: u64 },
    /// Print the org: users, groups, assignments, tasks, events.
    Show,
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
    let text = serde_json::to_string_pretty(org)?;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn role(role: Option<String>) -> BTreeMap<String, String> {
    role.map(|r| BTreeMap::from([("role".to_owned(), r)]))
        .unwrap_or_default()
}

/// The report as the CLI prints it: a readable transcript, or JSON.
fn render(report: &ActionReport, json: bool) -> anyhow::Result<String> {
    if json {
        return Ok(serde_json::to_string_pretty(report)? + "\n");
    }
    let mut s = String::new();
    let status = serde_json::to_value(&report.outcome)?["status"]
        .as_str()
        .unwrap_or("?")
        .to_owned();
    writeln!(s, "== {}: {status}", report.action)?;
    match &report.outcome {
        mock_okta::Outcome::NothingSent { reason } => writeln!(s, "   {reason}")?,
        mock_okta::Outcome::Failed { message } => writeln!(s, "   {message}")?,
        mock_okta::Outcome::TaskOpened { task } => {
            writeln!(s, "   task {}: {}", task.id, task.message)?
        }
        mock_okta::Outcome::Succeeded => {}
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

async fn run(cli: Cli) -> anyhow::Result<bool> {
    let org = load(&cli)?;
    let token = std::env::var(&cli.token_env).unwrap_or_default();
    let mut options = ClientOptions::new(token);
    options.timeout = Duration::from_secs(cli.timeout.max(1));
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
        Command::CreateGroup { name } => {
            let g = okta.create_group(&name)?;
            emit(&format!("created Okta group {} ({})\n", g.name, g.id))?;
            None
        }
        Command::Settings {
            provisioning,
            create_users,
            update_attributes,
            deactivate_users,
            import_groups,
        } => {
            let app = &mut okta.org_mut().app;
            if let Some(v) = provisioning {
                app.api.enabled = v;
            }
            if let Some(v) = create_users {
                app.to_app.create_users = v;
            }
            if let Some(v) = update_attributes {
                app.to_app.update_user_attributes = v;
            }
            if let Some(v) = deactivate_users {
                app.to_app.deactivate_users = v;
            }
            if let Some(v) = import_groups {
                app.import_groups = v;
            }
            let shown = serde_json::json!({
                "provisioning": app.api.enabled, "toApp": app.to_app, "importGroups": app.import_groups,
                "mode": app.mode, "headers": app.headers
            });
            emit(&format!("{}\n", serde_json::to_string_pretty(&shown)?))?;
            None
        }
        Command::TestApiCredentials => Some(okta.test_api_credentials().await),
        Command::SaveSettings => Some(okta.save_settings().await),
        Command::AssignUser { login, role: r } => Some(okta.assign_user(&login, role(r)).await?),
        Command::AssignGroup { name, role: r } => Some(okta.assign_group(&name, role(r)).await?),
        Command::AddGroupMember { group, login } => {
            Some(okta.add_group_member(&group, &login).await?)
        }
        Command::RemoveGroupMember { group, login } => {
            Some(okta.remove_group_member(&group, &login).await?)
        }
        Command::UpdateUser {
            login,
            first,
            last,
            email,
            new_login,
        } => Some(
            okta.update_user(
                &login,
                ProfileChange {
                    first_name: first,
                    last_name: last,
                    email,
                    login: new_login,
                },
            )
            .await?,
        ),
        Command::SetRole { login, role: r } => {
            Some(okta.set_app_attributes(&login, role(Some(r))).await?)
        }
        Command::UnassignUser { login } => Some(okta.unassign_user(&login).await?),
        Command::DeactivateUser { login } => Some(okta.deactivate_user(&login).await?),
        Command::ReactivateUser { login } => Some(okta.reactivate_user(&login).await?),
        Command::SuspendUser { login } => Some(okta.suspend_user(&login)?),
        Command::UnsuspendUser { login } => Some(okta.unsuspend_user(&login)?),
        Command::ProvisionUser { login } => Some(okta.provision_user(&login).await?),
        Command::ImportNow => Some(okta.import_now().await),
        Command::ConfirmAssignments { user_names } => Some(okta.confirm_assignments(&user_names)?),
        Command::PushGroup { name } => Some(okta.push_group(&name).await?),
        Command::PushNow { name } => Some(okta.push_now(&name).await?),
        Command::RenameGroup { name, new_name } => Some(okta.rename_group(&name, &new_name).await?),
        Command::UnlinkGroup { name, delete } => Some(okta.unlink_group(&name, delete).await?),
        Command::RetryTask { id } => Some(okta.retry_task(id).await?),
        Command::Show => {
            emit(&format!("{}\n", serde_json::to_string_pretty(okta.org())?))?;
            None
        }
    };
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

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
