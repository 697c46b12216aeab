//! `reference-server`: serve the Fivetran-style SCIM API.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use reference_server::{AppState, Config, Plan, SCIM_PREFIX, app};

/// A Fivetran-style SCIM 2.0 service provider, for testing Okta provisioning.
/// (No `Debug`: it holds the tokens.)
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// The SCIM bearer token. Without it (or SCIM_TOKEN), one is generated and printed once.
    #[arg(long, env = "SCIM_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The admin API credential. Without it (or ADMIN_TOKEN), one is generated and printed once.
    #[arg(long, env = "ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// The account's plan (SCIM needs enterprise or business-critical).
    #[arg(long, value_enum)]
    plan: Option<Plan>,
    /// A custom account-level role (repeatable).
    #[arg(long = "custom-role", value_name = "NAME")]
    custom_roles: Vec<String>,
    /// Refuse a userName that differs from the primary email (off: Okta's SPEC test sends
    /// differing ones).
    #[arg(long)]
    require_username_email: bool,
    /// The most resources per page (filter.maxResults).
    #[arg(long)]
    max_results: Option<usize>,
    /// Start with SCIM provisioning switched off.
    #[arg(long)]
    scim_disabled: bool,
    /// Serve /ServiceProviderConfig, /Schemas and /ResourceTypes without a token.
    #[arg(long)]
    public_discovery: bool,
    /// Turn Bulk off (/Bulk answers 501; Fivetran documents no Bulk, and Okta never sends it).
    #[arg(long)]
    no_bulk: bool,
    /// The public base URL for Location headers (e.g. https://scim.example.com/scim/v2).
    #[arg(long)]
    public_url: Option<String>,
    /// A YAML configuration file; flags override it.
    #[arg(long)]
    config: Option<PathBuf>,
}

impl Args {
    fn into_config(self) -> anyhow::Result<Config> {
        let mut c = match &self.config {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        if let Some(l) = self.listen {
            c.listen = l;
        }
        if self.token.is_some() {
            c.token = self.token;
        }
        if self.admin_token.is_some() {
            c.admin_token = self.admin_token;
        }
        if let Some(p) = self.plan {
            c.plan = p;
        }
        c.custom_roles.extend(self.custom_roles);
        if let Some(m) = self.max_results {
            c.max_results = m;
        }
        if self.require_username_email {
            c.require_username_email = true;
        }
        if self.scim_disabled {
            c.scim_enabled = false;
        }
        if self.public_discovery {
            c.public_discovery = true;
        }
        if self.no_bulk {
            c.bulk_max_operations = 0;
        }
        if self.public_url.is_some() {
            c.public_url = self.public_url;
        }
        Ok(c)
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// mimalloc rather than the system allocator: a request allocates and frees many small
/// blocks across worker threads, where glibc's malloc spent an eighth of the server's time
/// (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "reference_server=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Args::parse().into_config()?;
    let state = AppState::new(&config);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;

    // The one line scripts look for, on stdout.
    let base = state
        .public_url()
        .map_or_else(|| format!("http://{addr}{SCIM_PREFIX}"), str::to_owned);
    println!("SCIM base URL: {base}");
    if config.token.is_none() {
        println!(
            "SCIM API token (generated, shown once): {}",
            state.settings().token
        );
    }
    if config.admin_token.is_none() {
        println!(
            "Admin token (generated, shown once): {}",
            state.admin_token()
        );
    }
    if !config.plan.allows_scim() {
        eprintln!(
            "note: the {} plan has no SCIM; every SCIM route answers 403",
            config.plan.display_name()
        );
    }

    let limits = reference_server::serve::ConnectionLimits::from_config(&config);
    reference_server::serve::serve(listener, app(state), limits, shutdown_signal()).await?;
    Ok(())
}
