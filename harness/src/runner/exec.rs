//! One scenario in one client mode.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use mock_okta::{Action, ClientMode, ClientOptions, MockOkta, NewUser, Org, Outcome, Slot};
use reqwest::Method as HttpMethod;
use scim_client::{Exchange, Request};
use serde_json::Value;
use serde_json_path::JsonPath;

use super::checks::{self, Checked};
use super::target::{Capabilities, Endpoint, start_reference};
use super::{RunConfig, RunError, Target};
use crate::report::{ScenarioRun, Status, StepRun};
use crate::rules::exchange::Broken;
use crate::scenario::vars::{Undefined, Vars};
use crate::scenario::{Auth, Fixtures, Loaded, Method, OperandMut, ScimRequest, Step};

/// What every scenario run shares.
#[derive(Clone, Debug)]
pub(crate) struct Context {
    pub(crate) config: RunConfig,
    pub(crate) endpoint: Endpoint,
    pub(crate) capabilities: Capabilities,
}

fn skipped(loaded: &Loaded, mode: ClientMode, reason: String) -> ScenarioRun {
    ScenarioRun {
        id: loaded.scenario.id.clone(),
        title: loaded.scenario.title.clone(),
        file: loaded.path.clone(),
        target: None,
        mode,
        status: Status::Skipped,
        skip_reason: Some(reason),
        steps: Vec::new(),
        duration_ms: 0,
    }
}

/// Why a scenario does not run here, if it does not.
fn skip_reason(ctx: &Context, loaded: &Loaded, mode: ClientMode) -> Option<String> {
    let req = &loaded.scenario.requires;
    if !req.modes.is_empty() && !req.modes.contains(&mode) {
        return Some(format!(
            "runs only in {}",
            req.modes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(p) = req
        .profiles
        .iter()
        .find(|p| !ctx.config.profiles.contains(p))
    {
        return Some(format!("needs the {p} profile (--profile)"));
    }
    if req.reference && !matches!(ctx.config.target, Target::Reference) {
        return Some(
            "changes the reference server's account settings; runs only with --reference".into(),
        );
    }
    if let Some(c) = req.capabilities.iter().find(|c| !ctx.capabilities.has(**c)) {
        return Some(format!("the target does not offer {c}"));
    }
    None
}

/// A short random prefix, so that runs never collide on a shared endpoint.
fn run_prefix() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("h{}", &id[..7])
}

struct Run<'a> {
    ctx: &'a Context,
    endpoint: Endpoint,
    okta: MockOkta,
    /// The run's variables; `${run}` is its prefix.
    vars: Vars,
    fixtures: &'a Fixtures,
    /// Every user id the target gave out during the run (through Okta or raw requests), for
    /// cleanup: a user Okta later unassigned or deactivated is still on the target.
    users_seen: BTreeSet<String>,
    /// Every group id the target gave out during the run, for cleanup.
    groups_seen: BTreeSet<String>,
}

/// What a step produced so far.
#[derive(Default)]
struct StepOut {
    checked: Checked,
    exchanges: Vec<Exchange>,
    /// Each exchange's response body as JSON ([`checks::json_body`]), parsed once.
    bodies: Vec<Option<Value>>,
    note: Option<String>,
}

impl StepOut {
    /// Adds an exchange and its JSON body.
    fn push(&mut self, ex: Exchange, body: Option<Value>) {
        self.exchanges.push(ex);
        self.bodies.push(body);
    }
}

/// Runs one scenario in one mode. `Err` only when it could not run at all (its own reference
/// server did not start).
pub(crate) async fn run_scenario(
    ctx: &Context,
    loaded: &Loaded,
    mode: ClientMode,
) -> Result<ScenarioRun, RunError> {
    if let Some(reason) = skip_reason(ctx, loaded, mode) {
        return Ok(skipped(loaded, mode, reason));
    }
    let started = Instant::now();
    // A scenario that changes account settings gets a reference server of its own.
    let (own_server, endpoint) = if loaded.scenario.requires.reference {
        let (running, endpoint) =
            start_reference(&ctx.config.start_reference, ctx.config.timeout).await?;
        (Some(running), endpoint)
    } else {
        (None, ctx.endpoint.clone())
    };
    let target = own_server.as_ref().map(|_| endpoint.base_url.clone());
    let mut run = Run::new(ctx, endpoint, mode, &run_prefix(), loaded);
    let mut steps = Vec::new();
    for step in &loaded.scenario.steps {
        steps.push(run.step(step).await);
    }
    if !ctx.config.keep && own_server.is_none() {
        run.cleanup().await;
    }
    if let Some(server) = own_server {
        let _ = server.stop().await;
    }
    let status = if steps.iter().any(|s| s.status == Status::Failed) {
        Status::Failed
    } else {
        Status::Passed
    };
    Ok(ScenarioRun {
        id: loaded.scenario.id.clone(),
        title: loaded.scenario.title.clone(),
        file: loaded.path.clone(),
        target,
        mode,
        status,
        skip_reason: None,
        steps,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

impl<'a> Run<'a> {
    fn new(
        ctx: &'a Context,
        endpoint: Endpoint,
        mode: ClientMode,
        prefix: &str,
        loaded: &'a Loaded,
    ) -> Run<'a> {
        let mut org = Org::fivetran(&endpoint.base_url, mode);
        if let Some(s) = &loaded.scenario.fixtures.settings {
            s.apply(&mut org.app);
        }
        let mut options = ClientOptions::new(endpoint.wire.secret().clone());
        options.timeout = ctx.config.timeout;
        options.clock = Arc::clone(&ctx.config.clock);
        let mut okta = MockOkta::new(org, options);
        let mut vars = Vars::default();
        vars.set("run", prefix);
        vars.set("base_url", endpoint.base_url.clone());
        vars.set("email_domain", ctx.config.email_domain.clone());
        for (key, u) in &loaded.scenario.fixtures.users {
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
        for (key, g) in &loaded.scenario.fixtures.groups {
            let name = format!("{prefix} {}", g.name.as_deref().unwrap_or(key));
            if let Ok(group) = okta.create_group(&name) {
                let members: Vec<String> = g
                    .members
                    .iter()
                    .filter_map(|m| vars.get(&format!("users.{m}.okta_id")).map(str::to_owned))
                    .collect();
                if let Some(og) = okta.org_mut().groups.iter_mut().find(|x| x.id == group.id) {
                    og.members = members;
                }
            }
            vars.set(format!("groups.{key}.name"), name);
        }
        Run {
            ctx,
            endpoint,
            okta,
            vars,
            fixtures: &loaded.scenario.fixtures,
            users_seen: BTreeSet::new(),
            groups_seen: BTreeSet::new(),
        }
    }

    /// The run's prefix (`${run}`).
    fn prefix(&self) -> &str {
        self.vars.get("run").unwrap_or_default()
    }

    /// Login of a fixture user key.
    fn login(&self, key: &str) -> String {
        self.vars
            .get(&format!("users.{key}.login"))
            .unwrap_or(key)
            .to_owned()
    }

    /// Okta group name of a fixture group key.
    fn group(&self, key: &str) -> String {
        self.vars
            .get(&format!("groups.{key}.name"))
            .unwrap_or(key)
            .to_owned()
    }

    /// After an Okta action: the SCIM ids Okta now knows become `${users.KEY.id}` and
    /// `${groups.KEY.id}`.
    fn refresh_ids(&mut self) {
        let org = self.okta.org();
        let mut found = Vec::new();
        for key in self.fixtures.users.keys() {
            let okta_id = self
                .vars
                .get(&format!("users.{key}.okta_id"))
                .unwrap_or_default();
            if let Some(scim) = org.assignment(okta_id).and_then(|a| a.scim_id.clone()) {
                found.push((format!("users.{key}.id"), scim));
            }
        }
        for key in self.fixtures.groups.keys() {
            let name = self
                .vars
                .get(&format!("groups.{key}.name"))
                .unwrap_or_default();
            let scim = org
                .group(name)
                .and_then(|g| org.app.pushed_groups.iter().find(|p| p.group_id == g.id))
                .map(|p| p.scim_id.clone());
            if let Some(scim) = scim {
                found.push((format!("groups.{key}.id"), scim));
            }
        }
        for (k, v) in found {
            self.vars.set(k, v);
        }
        let org = self.okta.org();
        self.users_seen
            .extend(org.app.assignments.iter().filter_map(|a| a.scim_id.clone()));
        self.groups_seen
            .extend(org.app.pushed_groups.iter().map(|p| p.scim_id.clone()));
    }

    async fn step(&mut self, step: &Step) -> StepRun {
        let mut out = StepOut::default();
        let result = self.execute(step, &mut out).await;
        if let Err(u) = &result {
            out.note = Some(format!("skipped: {u} (an earlier step did not set it)"));
        }
        // A failure already found stands even if the step could not finish.
        let status = if out.checked.findings.iter().any(|f| f.is_failure()) {
            Status::Failed
        } else if result.is_err() {
            Status::Skipped
        } else {
            Status::Passed
        };
        StepRun {
            name: step.name.clone(),
            status,
            note: out.note,
            held: out.checked.held.into_iter().collect(),
            findings: out.checked.findings,
            exchanges: out.exchanges,
        }
    }

    async fn execute(&mut self, step: &Step, out: &mut StepOut) -> Result<(), Undefined> {
        // Expectations are resolved before anything is sent: a step whose expectation names a
        // variable no earlier step set is skipped without touching the target.
        if let Some(times) = step.repeat {
            // In a repeated step, an expectation speaks of the last request.
            self.vars.set("i", times.max(1).to_string());
        }
        let expect = step
            .expect
            .as_ref()
            .map(|e| self.interpolate_expect(e))
            .transpose()?;
        let outcome = if let Some(action) = &step.okta {
            let report = match self.okta_action(action.clone()).await? {
                Ok(report) => report,
                Err(e) => {
                    // The scenario asked for something the org cannot do: a scenario bug.
                    let failure = Broken {
                        message: format!("the Okta action could not run: {e}"),
                        expected: None,
                        actual: None,
                    };
                    out.checked.record(None, Err(failure), None);
                    return Ok(());
                }
            };
            for ex in report.exchanges {
                let body = checks::json_body(&ex);
                out.push(ex, body);
            }
            self.refresh_ids();
            Some(report.outcome)
        } else if let Some(request) = &step.scim {
            let times = step.repeat.unwrap_or(1).max(1);
            for i in 1..=times {
                if step.repeat.is_some() {
                    self.vars.set("i", i.to_string());
                }
                let request = self.prepare(request)?;
                let wire = &self.endpoint.wire;
                let sent = wire.send(&wire.prepare(request)).await;
                self.note_created(&sent.exchange, sent.json.as_ref());
                out.push(sent.exchange, sent.json);
            }
            None
        } else {
            if let Some(action) = &step.reference {
                match self.endpoint.change_settings(action).await {
                    Ok(note) => out.note = Some(note),
                    Err(why) => out.checked.record(
                        None,
                        Err(Broken {
                            message: format!("the account-settings change failed: {why}"),
                            expected: None,
                            actual: None,
                        }),
                        None,
                    ),
                }
            }
            return Ok(());
        };
        let ctx = self.ctx;
        let profiles = &ctx.config.profiles;
        checks::exchange_rules(
            &out.exchanges,
            &out.bodies,
            &self.endpoint.base_path,
            profiles,
            &mut out.checked,
        );
        match outcome {
            Some(outcome) => {
                if let Some(expect) = &expect {
                    checks::okta_expect(expect, &outcome, profiles, &mut out.checked);
                } else if let Outcome::TaskOpened { task } = &outcome {
                    out.note = Some(format!("Okta opened a task: {}", task.message));
                }
            }
            None => {
                let last = out
                    .exchanges
                    .len()
                    .checked_sub(1)
                    .map(|i| (i, &out.exchanges[i], out.bodies[i].as_ref()));
                if let Some(expect) = &expect {
                    checks::scim_expect(expect, last, profiles, &mut out.checked);
                }
                if let Some((_, _, body)) = last {
                    out.note = self.capture(step, body);
                }
            }
        }
        Ok(())
    }

    fn text(&self, s: &str) -> Result<String, Undefined> {
        self.vars.interpolate(s)
    }

    /// Performs an Okta action after resolving its fixture keys to logins and group names,
    /// and its text's variables.
    async fn okta_action(
        &mut self,
        action: Action,
    ) -> Result<Result<mock_okta::ActionReport, mock_okta::ActionError>, Undefined> {
        let renamed = match &action {
            Action::RenameGroup { group, .. } => Some(group.clone()),
            _ => None,
        };
        let resolved = action.try_map(|slot, _, value| match slot {
            Slot::User => Ok(self.login(&value)),
            Slot::Group => Ok(self.group(&value)),
            Slot::GroupName => Ok(format!("{} {}", self.prefix(), self.text(&value)?)),
            Slot::Text => self.text(&value),
        })?;
        let new_name = match &resolved {
            Action::RenameGroup { name, .. } => Some(name.clone()),
            _ => None,
        };
        let report = self.okta.perform(resolved).await;
        if let (Some(key), Some(name)) = (renamed, new_name) {
            self.vars.set(format!("groups.{key}.name"), name);
        }
        Ok(report)
    }

    fn prepare(&self, r: &ScimRequest) -> Result<Request, Undefined> {
        let method = match r.method {
            Method::Get => HttpMethod::GET,
            Method::Post => HttpMethod::POST,
            Method::Put => HttpMethod::PUT,
            Method::Patch => HttpMethod::PATCH,
            Method::Delete => HttpMethod::DELETE,
        };
        let mut url = format!("{}{}", self.endpoint.base_url, self.text(&r.path)?);
        let mut first = !url.contains('?');
        for (k, v) in &r.query {
            url.push(if first { '?' } else { '&' });
            first = false;
            url.push_str(&scim_client::encode(k));
            url.push('=');
            url.push_str(&scim_client::encode(&self.text(&v.0)?));
        }
        let body = match (&r.raw_body, &r.body) {
            (Some(raw), _) => Some(self.text(raw)?.into_bytes()),
            (None, Some(b)) => {
                Some(serde_json::to_vec(&self.vars.interpolate_json(b)?).unwrap_or_default())
            }
            (None, None) => None,
        };
        let mut headers: Vec<(String, String)> =
            vec![("Accept".into(), "application/scim+json".into())];
        if body.is_some() {
            headers.push((
                "Content-Type".into(),
                "application/scim+json; charset=utf-8".into(),
            ));
        }
        match &r.auth {
            Auth::Token => headers.push((
                "Authorization".into(),
                format!("Bearer {}", self.endpoint.wire.secret().expose()),
            )),
            Auth::None => {}
            Auth::Bearer(t) => {
                headers.push(("Authorization".into(), format!("Bearer {}", self.text(t)?)))
            }
        }
        for (k, v) in &r.headers {
            let v = self.text(v)?;
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case(k));
            headers.push((k.clone(), v));
        }
        Ok(Request {
            method,
            url,
            headers,
            body,
        })
    }

    fn interpolate_expect(
        &self,
        e: &crate::scenario::Expect,
    ) -> Result<crate::scenario::Expect, Undefined> {
        let mut e = e.clone();
        let operands = e
            .body
            .iter_mut()
            .flat_map(|b| b.operands_mut())
            .chain(e.headers.values_mut().flat_map(|c| c.operands_mut()));
        for operand in operands {
            match operand {
                OperandMut::Json(v) => *v = self.vars.interpolate_json(v)?,
                OperandMut::Text(t) => *t = self.text(t)?,
            }
        }
        if let Some(m) = &mut e.message_contains {
            *m = self.text(m)?;
        }
        Ok(e)
    }

    /// Sets captured variables from the last response's JSON body; a note says what could
    /// not be set.
    fn capture(&mut self, step: &Step, body: Option<&Value>) -> Option<String> {
        if step.capture.is_empty() {
            return None;
        }
        let body = body.unwrap_or(&Value::Null);
        let mut missing = Vec::new();
        for (name, path) in &step.capture {
            let value = JsonPath::parse(path)
                .ok()
                .and_then(|p| p.query(body).all().first().map(|v| (*v).clone()));
            match value {
                Some(Value::String(s)) => self.vars.set(name.clone(), s),
                Some(Value::Null) | None => missing.push(name.clone()),
                Some(other) => self.vars.set(name.clone(), other.to_string()),
            }
        }
        (!missing.is_empty()).then(|| format!("nothing to capture for {}", missing.join(", ")))
    }

    /// Remembers resources a raw request created (its response and JSON body), for cleanup.
    fn note_created(&mut self, ex: &Exchange, body: Option<&Value>) {
        let Some(resp) = &ex.response else { return };
        if ex.request.method != "POST" || resp.status != 201 {
            return;
        }
        let (path, _) = checks::relative(&ex.request.path, &self.endpoint.base_path);
        let collection = path.trim_matches('/');
        if let Some(id) = body
            .and_then(|b| b.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
        {
            if collection.eq_ignore_ascii_case("Groups") {
                self.groups_seen.insert(id);
            } else if collection.eq_ignore_ascii_case("Users") {
                self.users_seen.insert(id);
            }
        }
    }

    /// Deletes what the run created (users that cannot be deleted are deactivated).
    async fn cleanup(&mut self) {
        self.refresh_ids();
        let groups = std::mem::take(&mut self.groups_seen);
        let users = std::mem::take(&mut self.users_seen);
        let wire = &self.endpoint.wire;
        let auth = format!("Bearer {}", wire.secret().expose());
        let send = |method: HttpMethod, path: String, body: Option<Vec<u8>>| {
            let mut headers = vec![("Authorization".to_owned(), auth.clone())];
            if body.is_some() {
                headers.push((
                    "Content-Type".to_owned(),
                    "application/scim+json".to_owned(),
                ));
            }
            wire.prepare(Request {
                method,
                url: format!("{}{path}", self.endpoint.base_url),
                headers,
                body,
            })
        };
        for id in groups {
            let _ = wire
                .send(&send(HttpMethod::DELETE, format!("/Groups/{id}"), None))
                .await;
        }
        for id in users {
            let sent = wire
                .send(&send(HttpMethod::DELETE, format!("/Users/{id}"), None))
                .await;
            let deleted = sent
                .status()
                .is_some_and(|s| (200..300).contains(&s) || s == 404);
            if !deleted {
                let body = format!(
                    r#"{{"schemas":["{}"],"Operations":[{{"op":"replace","value":{{"active":false}}}}]}}"#,
                    scim_core::urn::PATCH_OP
                )
                .into_bytes();
                let _ = wire
                    .send(&send(HttpMethod::PATCH, format!("/Users/{id}"), Some(body)))
                    .await;
            }
        }
    }
}
