//! Running the server inside another program: the harness's `--reference` mode, the
//! end-to-end tests and the benchmarks start it here, on a real socket, in the background of
//! their tokio runtime. What they may then use is the server's HTTP surface (the SCIM API and
//! the admin API) and the credentials and addresses [`Running`] hands out.

use axum::Router;

use crate::{AppState, Config, SCIM_PREFIX, app};

/// A server running in the background of the current tokio runtime, on a real socket. Its
/// `Debug` shows no token.
#[derive(Debug)]
pub struct Running {
    /// The address it listens on (the real port, when port 0 was asked for).
    pub addr: std::net::SocketAddr,
    /// Its SCIM base URL, `http://ADDR/scim/v2`.
    pub base_url: String,
    /// Its admin API, `http://ADDR/admin` (see [`crate::admin`]).
    pub admin_url: String,
    /// Its state, for tests that look inside (the harness never does).
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// The SCIM API token now in force.
    pub fn scim_token(&self) -> String {
        self.state.settings().token.clone()
    }

    /// The admin API credential.
    pub fn admin_token(&self) -> &str {
        self.state.admin_token()
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task)
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts the server for `config` (a fresh in-memory store, the system clock) on
/// `config.listen`.
pub async fn spawn(config: &Config) -> std::io::Result<Running> {
    let state = AppState::new(config);
    spawn_app(config, state.clone(), app(state)).await
}

/// Serves `app`, built on `state`, on `config.listen`: for a caller that chose the store or
/// the clock, or wraps [`app`] in layers of its own (the harness's fault injection does).
pub async fn spawn_app(config: &Config, state: AppState, app: Router) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let limits = crate::serve::ConnectionLimits::from_config(config);
    let task = tokio::spawn(async move {
        crate::serve::serve(listener, app, limits, async move {
            let _ = rx.await;
        })
        .await
    });
    Ok(Running {
        addr,
        base_url: format!("http://{addr}{SCIM_PREFIX}"),
        admin_url: format!("http://{addr}/admin"),
        state,
        shutdown: Some(tx),
        task,
    })
}
