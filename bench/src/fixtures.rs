//! Users and teams loaded straight into a `MemoryStore` through the `Store` trait (no HTTP),
//! and the reference server started on them.

use std::sync::Arc;

use anyhow::{Context, anyhow};
use hyper::Uri;
use reference_server::store::{GroupDraft, Id, MemoryStore, Store, UserFields};
use reference_server::{AppState, Config, Running};

use crate::load::Target;

/// The token every benchmark server uses.
pub(crate) const TOKEN: &str = "scim-bench-token-0123456789abcdef";

/// User number `i`'s `userName` (also its email).
pub(crate) fn user_name(i: usize) -> String {
    format!("user{i:07}@bench.example.com")
}

/// User number `i`, with every field Fivetran keeps filled in, as Okta provisions them.
pub(crate) fn user_fields(i: usize) -> UserFields {
    let name = user_name(i);
    UserFields {
        email: name.clone(),
        user_name: name,
        email_type: Some("work".into()),
        given_name: Some(format!("Given{i}")),
        family_name: Some(format!("Family{i}")),
        active: true,
        role: Some("Account Analyst".into()),
        external_id: Some(format!("00u{i:017x}")),
    }
}

/// Inserts users `0..n` and returns the ids of those `keep` selects, with their numbers.
pub(crate) fn load_users(
    store: &dyn Store,
    n: usize,
    keep: &dyn Fn(usize) -> bool,
) -> anyhow::Result<Vec<(usize, Id)>> {
    let now = chrono::Utc::now();
    let mut kept = Vec::new();
    for i in 0..n {
        let view = store
            .insert_user(user_fields(i), now)
            .map_err(|e| anyhow!("cannot insert user {i}: {e}"))?;
        if keep(i) {
            kept.push((i, view.user.id.clone()));
        }
    }
    Ok(kept)
}

/// Creates a team with these members; returns its id.
pub(crate) fn team(store: &dyn Store, name: &str, members: &[Id]) -> anyhow::Result<Id> {
    let draft = GroupDraft {
        display_name: name.to_owned(),
        external_id: None,
        members: members.iter().map(|m| m.to_string()).collect(),
    };
    let view = store
        .insert_group(draft, chrono::Utc::now())
        .map_err(|e| anyhow!("cannot create team {name}: {e}"))?;
    Ok(view.id)
}

/// A reference server on a free loopback port, serving `store`, running on `rt`.
#[derive(Debug)]
pub(crate) struct Server {
    pub(crate) running: Running,
    pub(crate) target: Target,
}

impl Server {
    pub(crate) fn start(
        rt: &tokio::runtime::Runtime,
        store: Arc<MemoryStore>,
    ) -> anyhow::Result<Server> {
        let config = Config {
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            token: Some(TOKEN.into()),
            ..Config::default()
        };
        let state = AppState::with_parts(
            &config,
            store,
            Arc::new(reference_server::clock::SystemClock),
        );
        let running = rt
            .block_on(reference_server::spawn_app(
                &config,
                state.clone(),
                reference_server::app(state),
            ))
            .context("cannot start the reference server")?;
        let target = Target {
            addr: running.addr,
            token: Some(TOKEN.into()),
            pid: None,
        };
        Ok(Server { running, target })
    }

    pub(crate) fn stop(self, rt: &tokio::runtime::Runtime) -> anyhow::Result<()> {
        rt.block_on(self.running.stop())
            .context("the reference server did not stop cleanly")
    }
}

/// A request URI.
pub(crate) fn uri(s: &str) -> anyhow::Result<Uri> {
    Uri::try_from(s).with_context(|| format!("bad URI {s}"))
}

/// `/scim/v2/Users/{id}`.
pub(crate) fn user_uri(id: &str) -> anyhow::Result<Uri> {
    uri(&format!("/scim/v2/Users/{id}"))
}

/// `/scim/v2/Users?filter=userName eq "..."`, encoded as Okta encodes it.
pub(crate) fn filter_uri(user_name: &str) -> anyhow::Result<Uri> {
    let filter = scim_client::encode(&format!("userName eq \"{user_name}\""));
    uri(&format!("/scim/v2/Users?filter={filter}"))
}

/// `/scim/v2/Users?startIndex=..&count=100`.
pub(crate) fn page_uri(start_index: usize) -> anyhow::Result<Uri> {
    uri(&format!(
        "/scim/v2/Users?startIndex={start_index}&count=100"
    ))
}

/// `PATCH /scim/v2/Groups/{id}?excludedAttributes=members`: the answer leaves the member list
/// out, so its cost does not grow with the team.
pub(crate) fn team_patch_uri(team: &str) -> anyhow::Result<Uri> {
    uri(&format!(
        "/scim/v2/Groups/{team}?excludedAttributes=members"
    ))
}

/// Okta's Group Push body adding one member.
pub(crate) fn add_member_body(user: &str) -> String {
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"add","path":"members","value":[{{"value":"{user}"}}]}}]}}"#
    )
}

/// Okta's Group Push body removing one member.
pub(crate) fn remove_member_body(user: &str) -> String {
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"remove","path":"members[value eq \"{user}\"]"}}]}}"#
    )
}

/// Okta's deactivation (`active` false) or reactivation (`active` true) PATCH.
pub(crate) fn active_body(active: bool) -> String {
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"replace","value":{{"active":{active}}}}}]}}"#
    )
}

/// Okta's create-user body (OIN mode), for a new user.
pub(crate) fn create_body(user_name: &str) -> String {
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{user_name}","name":{{"givenName":"Load","familyName":"Test"}},"emails":[{{"primary":true,"value":"{user_name}","type":"work"}}],"displayName":"Load Test","locale":"en-US","externalId":"00uloadtest","groups":[],"password":"placeholder-Pw1!","active":true,"roles":[{{"primary":true,"value":"Account Analyst"}}]}}"#
    )
}
