//! Section 5: mock-okta's Import Now over a reference server holding `users` users, in a child
//! process of its own. The server's users are loaded first; the peak resident memory is then
//! reset to the current figure (`/proc/self/clear_refs`), so the peak measured after the
//! import is what the import added on top of the loaded server, plus the server itself.

use std::sync::Arc;
use std::time::Instant;

use mock_okta::{ClientMode, ClientOptions, MockOkta, Org};
use reference_server::store::MemoryStore;
use serde::{Deserialize, Serialize};

use crate::fixtures::{self, Server};
use crate::load::Runtimes;
use crate::sys;

/// What Import Now measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ImportResult {
    pub(crate) users: usize,
    /// `GET /Users` pages sent.
    pub(crate) requests: usize,
    pub(crate) wall_secs: f64,
    pub(crate) requests_per_sec: f64,
    pub(crate) users_per_sec: f64,
    pub(crate) users_scanned: usize,
    pub(crate) succeeded: bool,
    /// Resident memory with the server's users loaded, just before the import.
    pub(crate) rss_before_bytes: Option<u64>,
    /// Peak resident memory during the import (server included).
    pub(crate) peak_rss_bytes: Option<u64>,
    /// Whether the peak could be reset before the import; if not, the peak includes loading.
    pub(crate) peak_reset: bool,
    /// Peak during the import minus the memory before it: what mock-okta (the transcript of
    /// every page, the review list) and the server's in-flight pages took.
    pub(crate) import_growth_bytes: Option<u64>,
    /// Cores' worth of CPU other processes used during the import.
    pub(crate) others_cores: Option<f64>,
}

/// Import Now of `users` users.
pub(crate) fn run(users: usize) -> anyhow::Result<ImportResult> {
    let rts = Runtimes::new()?;
    let store = Arc::new(MemoryStore::new());
    eprintln!("  import: loading {users} users");
    fixtures::load_users(&*store, users, &|_| false)?;
    let server = Server::start(&rts.server, Arc::clone(&store))?;
    let org = Org::fivetran(&server.running.base_url, ClientMode::OinPatch);
    let mut okta = MockOkta::new(org, ClientOptions::new(fixtures::TOKEN));
    let rss_before = sys::rss();
    let peak_reset = sys::reset_peak();
    eprintln!("  import: Import Now");
    let started = Instant::now();
    let others = sys::OtherLoad::start();
    let (report, okta) = rts.client.block_on(async {
        rts.client
            .spawn(async move {
                let report = okta.import_now().await;
                (report, okta)
            })
            .await
    })?;
    let wall = started.elapsed().as_secs_f64();
    let others_cores = others.cores();
    let peak = sys::peak_rss();
    let summary = report.import.clone().unwrap_or_default();
    let requests = report.exchanges.len();
    let succeeded = report.outcome.is_ok();
    drop((report, okta));
    server.stop(&rts.server)?;
    Ok(ImportResult {
        users,
        requests,
        wall_secs: wall,
        requests_per_sec: requests as f64 / wall,
        users_per_sec: summary.users_scanned as f64 / wall,
        users_scanned: summary.users_scanned,
        succeeded,
        rss_before_bytes: rss_before,
        peak_rss_bytes: peak,
        peak_reset,
        import_growth_bytes: match (rss_before, peak) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        },
        others_cores,
    })
}
