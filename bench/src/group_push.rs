//! Section 7: Group Push at a real size (issue #12). A reference server holds 10,005 users;
//! mock-okta, with every one of them assigned and linked, pushes a group of 10,000 of them,
//! adds and removes a few, and pushes it again with Push Now, in both client modes. What
//! matters is that no single request comes near Okta's 60-second timeout, so the slowest
//! request of each action is reported beside the action's wall time.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, anyhow};
use mock_okta::model::Assignment;
use mock_okta::{ActionReport, ClientMode, ClientOptions, MockOkta, NewUser, Org};
use reference_server::store::MemoryStore;
use serde::{Deserialize, Serialize};

use crate::fixtures::{self, Server};
use crate::load::Runtimes;

/// The group's members.
pub(crate) const MEMBERS: usize = 10_000;
/// Users added and then removed after the push.
const CHANGED: usize = 5;

/// One action on the big group.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct GroupAction {
    pub(crate) mode: String,
    pub(crate) action: String,
    pub(crate) wall_secs: f64,
    pub(crate) requests: usize,
    /// The slowest single request of the action, in milliseconds (Okta gives up at 60,000).
    pub(crate) slowest_ms: u64,
    /// The largest request body sent, in bytes.
    pub(crate) largest_body: usize,
    pub(crate) outcome: String,
}

/// What the section measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct GroupPushResult {
    pub(crate) members: usize,
    pub(crate) batch_size: usize,
    pub(crate) actions: Vec<GroupAction>,
}

fn measured(mode: ClientMode, action: &str, started: Instant, r: &ActionReport) -> GroupAction {
    GroupAction {
        mode: mode.to_string(),
        action: action.to_owned(),
        wall_secs: started.elapsed().as_secs_f64(),
        requests: r.exchanges.len(),
        slowest_ms: r
            .exchanges
            .iter()
            .filter_map(|e| e.response.as_ref().map(|r| r.elapsed_ms))
            .max()
            .unwrap_or(0),
        largest_body: r
            .exchanges
            .iter()
            .filter_map(|e| e.request.body.as_ref().map(String::len))
            .max()
            .unwrap_or(0),
        outcome: format!("{:?}", r.outcome.kind()),
    }
}

/// Every action, in one client mode, on a fresh server.
fn run_mode(mode: ClientMode, out: &mut Vec<GroupAction>) -> anyhow::Result<()> {
    let rts = Runtimes::new()?;
    let store = Arc::new(MemoryStore::new());
    let users = fixtures::load_users(&*store, MEMBERS + CHANGED, &|_| true)?;
    let server = Server::start(&rts.server, Arc::clone(&store))?;
    let org = Org::fivetran(&server.running.base_url, mode);
    let mut okta = MockOkta::new(org, ClientOptions::new(fixtures::TOKEN));
    // Every user is in Okta, assigned, and linked to its app user: nothing is sent for that.
    for (i, id) in &users {
        let login = fixtures::user_name(*i);
        let user = okta
            .create_user(NewUser {
                login: login.clone(),
                first_name: format!("Given{i}"),
                last_name: format!("Family{i}"),
                email: None,
            })
            .map_err(|e| anyhow!("{e}"))?;
        okta.org_mut().app.assignments.push(Assignment {
            user_id: user.id,
            attributes: BTreeMap::from([("role".to_owned(), "Account Analyst".to_owned())]),
            direct: true,
            via_groups: Vec::new(),
            scim_id: Some(id.to_string()),
            app_active: true,
        });
    }
    let logins: Vec<String> = (0..MEMBERS).map(fixtures::user_name).collect();
    let refs: Vec<&str> = logins.iter().map(String::as_str).collect();
    okta.create_group("Big Team", &refs)
        .map_err(|e| anyhow!("{e}"))?;

    let client = &rts.client;
    let started = Instant::now();
    let r = client.block_on(okta.push_group("Big Team"))?;
    out.push(measured(mode, "push the group", started, &r));
    for i in MEMBERS..MEMBERS + CHANGED {
        let started = Instant::now();
        let r = client.block_on(okta.add_group_member("Big Team", &fixtures::user_name(i)))?;
        out.push(measured(mode, "add a member", started, &r));
    }
    for i in MEMBERS..MEMBERS + CHANGED {
        let started = Instant::now();
        let r = client.block_on(okta.remove_group_member("Big Team", &fixtures::user_name(i)))?;
        out.push(measured(mode, "remove a member", started, &r));
    }
    let started = Instant::now();
    let r = client.block_on(okta.push_now("Big Team"))?;
    out.push(measured(mode, "Push Now", started, &r));
    let (_, teams) = store_counts(&store);
    anyhow::ensure!(teams == 1, "the push made {teams} teams");
    server.stop(&rts.server).context("stopping the server")?;
    Ok(())
}

fn store_counts(store: &MemoryStore) -> (usize, usize) {
    use reference_server::store::Store;
    store.counts()
}

/// Both modes.
pub(crate) fn run() -> anyhow::Result<GroupPushResult> {
    let mut actions = Vec::new();
    for mode in ClientMode::ALL {
        eprintln!("  group push: {MEMBERS} members, {mode}");
        run_mode(mode, &mut actions)?;
    }
    Ok(GroupPushResult {
        members: MEMBERS,
        batch_size: mock_okta::model::DEFAULT_GROUP_PATCH_BATCH_SIZE,
        actions,
    })
}
