//! The Okta org a scenario run starts with: its fixtures under the run's prefix, in a fresh
//! mock-okta org pointed at the endpoint, and the variables that name them; and, after each
//! Okta action, the SCIM ids Okta has learnt.

use std::collections::BTreeSet;
use std::sync::Arc;

use mock_okta::{ClientMode, ClientOptions, MockOkta, NewUser, Org};

use super::scenario_run::{Context, Run};
use super::target::Endpoint;
use crate::scenario::Loaded;
use crate::scenario::vars::Vars;

impl<'a> Run<'a> {
    /// A run of `loaded` in `mode`: a fresh org holding its fixtures, logins and group names
    /// prefixed with `prefix`.
    pub(super) fn new(
        ctx: &'a Context,
        endpoint: Endpoint,
        mode: ClientMode,
        prefix: &str,
        loaded: &'a Loaded,
    ) -> Run<'a> {
        let fixtures = &loaded.scenario.fixtures;
        let mut org = Org::fivetran(&endpoint.base_url, mode);
        if let Some(s) = &fixtures.settings {
            s.apply(&mut org.app);
        }
        let mut options = ClientOptions::new(endpoint.wire.secret().clone());
        options.timeout = ctx.config.timeout;
        options.max_body = ctx.config.max_body;
        options.clock = Arc::clone(&ctx.config.clock);
        let mut okta = MockOkta::new(org, options);
        let mut vars = Vars::default();
        vars.set("run", prefix);
        vars.set("base_url", endpoint.base_url.clone());
        vars.set("email_domain", ctx.config.email_domain.clone());
        for (key, u) in &fixtures.users {
            let login = format!(
                "{prefix}-{}@{}",
                key.to_lowercase(),
                ctx.config.email_domain
            );
            if let Ok(user) = okta.create_user(NewUser {
                login: login.clone(),
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                email: None,
            }) {
                vars.set(format!("users.{key}.okta_id"), user.id);
            }
            vars.set(format!("users.{key}.login"), login.clone());
            vars.set(format!("users.{key}.email"), login);
            vars.set(format!("users.{key}.first_name"), u.first_name.clone());
            vars.set(format!("users.{key}.last_name"), u.last_name.clone());
        }
        for (key, g) in &fixtures.groups {
            let name = format!("{prefix} {}", g.name.as_deref().unwrap_or(key));
            // By Okta id: only the users the org holds (two keys that differ only in case
            // name one Okta user, made once).
            let members: Vec<String> = g
                .members
                .iter()
                .filter_map(|m| vars.get(&format!("users.{m}.okta_id")).map(str::to_owned))
                .collect();
            let members: Vec<&str> = members.iter().map(String::as_str).collect();
            let _ = okta.create_group(&name, &members);
            vars.set(format!("groups.{key}.name"), name);
        }
        Run {
            ctx,
            endpoint,
            okta,
            vars,
            fixtures,
            users_seen: BTreeSet::new(),
            groups_seen: BTreeSet::new(),
        }
    }

    /// The run's prefix (`${run}`).
    pub(super) fn prefix(&self) -> &str {
        self.vars.get("run").unwrap_or_default()
    }

    /// The Okta user of a fixture user key, by its Okta id: a key names the same user after
    /// Okta changes its username or email (`${users.KEY.login}` and `.email` keep the
    /// fixture's values).
    pub(super) fn okta_user(&self, key: &str) -> String {
        self.vars
            .get(&format!("users.{key}.okta_id"))
            .unwrap_or(key)
            .to_owned()
    }

    /// The Okta username, now, of a fixture user key (the key itself when Okta has no such
    /// user): how a report names the user an action was about.
    pub(super) fn okta_login(&self, key: &str) -> String {
        let id = self.okta_user(key);
        self.okta.org().user(&id).map_or(id, |u| u.login.clone())
    }

    /// Okta group name of a fixture group key.
    pub(super) fn group(&self, key: &str) -> String {
        self.vars
            .get(&format!("groups.{key}.name"))
            .unwrap_or(key)
            .to_owned()
    }

    /// After an Okta action: the SCIM ids Okta now knows become `${users.KEY.id}` and
    /// `${groups.KEY.id}`, and are remembered for cleanup.
    pub(super) fn refresh_ids(&mut self) {
        let org = self.okta.org();
        let mut found = Vec::new();
        for key in self.fixtures.users.keys() {
            // By Okta id, which no profile change alters.
            let okta_id = self.vars.get(&format!("users.{key}.okta_id"));
            if let Some(id) = okta_id.and_then(|o| org.app_user_id(o)) {
                found.push((format!("users.{key}.id"), id.to_owned()));
            }
        }
        for key in self.fixtures.groups.keys() {
            if let Some(id) = org.app_group_id(&self.group(key)) {
                found.push((format!("groups.{key}.id"), id.to_owned()));
            }
        }
        let (users, groups) = org.app_ids();
        self.users_seen.extend(users.into_iter().map(str::to_owned));
        self.groups_seen
            .extend(groups.into_iter().map(str::to_owned));
        for (k, v) in found {
            self.vars.set(k, v);
        }
    }
}
