//! One scenario in one client mode: whether it runs here, its steps in order, and what it
//! leaves behind. What a step does is split by concern: `fixtures` (the org it starts
//! with), `actions` (Okta actions), `requests` (raw SCIM requests), `variables` (values in
//! and out of a step), `checks` (findings), `cleanup`.

use std::collections::BTreeSet;
use std::time::Instant;

use mock_okta::{ClientMode, MockOkta, Outcome};
use scim_client::Exchange;
use serde_json::Value;

use super::checks::{self, Checked};
use super::target::{Capabilities, Endpoint, start_reference};
use super::{RunConfig, RunError, Target};
use crate::report::{ScenarioRun, Status, StepRun};
use crate::rules::exchange::Broken;
use crate::scenario::vars::{Undefined, Vars};
use crate::scenario::{Capability, Fixtures, Loaded, Profile, Step};

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
        prefix: None,
        target: None,
        mode,
        status: Status::Skipped,
        skip_reason: Some(reason),
        steps: Vec::new(),
        duration_ms: 0,
    }
}

/// The tag of scenarios at real sizes (a thousand users assigned at once): they run against
/// the reference server, and against a vendor's endpoint only when asked for, since they
/// fill it with users and take minutes on a slow one.
pub(crate) const SCALE_TAG: &str = "scale";

/// Why a scenario does not run here, if it does not.
fn skip_reason(ctx: &Context, loaded: &Loaded, mode: ClientMode) -> Option<String> {
    let req = &loaded.scenario.requires;
    // The run never schedules a scenario in a mode it excludes (see `runner::run`).
    debug_assert!(req.modes.is_empty() || req.modes.contains(&mode));
    if let Some(p) = req
        .profiles
        .iter()
        .find(|p| !ctx.config.profiles.contains(p))
    {
        return Some(format!("needs the {p} profile (--profile)"));
    }
    let scale = loaded.scenario.tags.iter().any(|t| t == SCALE_TAG);
    let asked = ctx.config.tags.iter().any(|t| t == SCALE_TAG)
        || ctx.config.only.contains(&loaded.scenario.id);
    if scale && !asked && matches!(ctx.config.target, Target::Url { .. }) {
        return Some(
            "a scale scenario (hundreds of users): against a --target, it runs only with --tag scale or --only".into(),
        );
    }
    if req.reference && !matches!(ctx.config.target, Target::Reference) {
        return Some(
            "changes the reference server's account settings; runs only with --reference".into(),
        );
    }
    if let Some(c) = req.capabilities.iter().find(|c| !ctx.capabilities.has(**c)) {
        return Some(match c {
            Capability::Groups => "the target has no /Groups endpoint".to_owned(),
            Capability::Search => "the target does not answer POST /Users/.search".to_owned(),
            Capability::Me => "the target does not serve /Me".to_owned(),
            Capability::ImmutableUserName => {
                "the target's /Schemas does not declare userName immutable".to_owned()
            }
            Capability::Versioned => "the base URL does not end with /v2".to_owned(),
            _ => format!(
                "the target does not advertise {c} support (/ServiceProviderConfig {c}.supported)"
            ),
        });
    }
    if let Some(c) = req.lacks.iter().find(|c| ctx.capabilities.has(**c)) {
        return Some(format!(
            "the target supports {c}; the scenario is about a server that does not"
        ));
    }
    None
}

/// A short random prefix, so that runs never collide on a shared endpoint.
fn run_prefix() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("h{}", &id[..7])
}

/// A scenario run in progress.
pub(super) struct Run<'a> {
    pub(super) ctx: &'a Context,
    pub(super) endpoint: Endpoint,
    pub(super) okta: MockOkta,
    /// The run's variables; `${run}` is its prefix.
    pub(super) vars: Vars,
    pub(super) fixtures: &'a Fixtures,
    /// Every user id the target gave out during the run (through Okta or raw requests), for
    /// cleanup: a user Okta later unassigned or deactivated is still on the target.
    pub(super) users_seen: BTreeSet<String>,
    /// Every group id the target gave out during the run, for cleanup.
    pub(super) groups_seen: BTreeSet<String>,
}

/// What a step produced so far.
pub(super) struct StepOut<'a> {
    pub(super) checked: Checked,
    pub(super) exchanges: Vec<Exchange>,
    /// Each exchange's response body as JSON, parsed once; only the last one is kept (see
    /// [`StepOut::push`]).
    pub(super) bodies: Vec<Option<Value>>,
    pub(super) note: Option<String>,
    /// The identity provider's action, in words.
    pub(super) action: Option<String>,
    /// Answers mock-okta cut before they could be judged.
    unjudged: usize,
    base_path: String,
    profiles: &'a BTreeSet<Profile>,
}

impl<'a> StepOut<'a> {
    pub(super) fn new(base_path: String, profiles: &'a BTreeSet<Profile>) -> StepOut<'a> {
        StepOut {
            checked: Checked::default(),
            exchanges: Vec::new(),
            bodies: Vec::new(),
            note: None,
            action: None,
            unjudged: 0,
            base_path,
            profiles,
        }
    }

    /// Judges an exchange by the exchange rules as it arrives, and keeps it. The answer before
    /// it is cut to the report's size now, and its parsed body dropped: only a step's last
    /// answer is read again (by its expectations and captures), so a step of many requests
    /// holds one answer whole at a time, whatever size the target makes them.
    pub(super) fn push(&mut self, ex: Exchange, body: Option<Value>) {
        let i = self.exchanges.len();
        if !checks::judge_exchange(
            &ex,
            body.as_ref(),
            i,
            &self.base_path,
            self.profiles,
            &mut self.checked,
        ) {
            self.unjudged += 1;
        }
        if let Some(previous) = self.exchanges.last_mut() {
            previous.cut_response_body(scim_client::REPORTED_BODY_LIMIT);
        }
        if let Some(previous) = self.bodies.last_mut() {
            *previous = None;
        }
        self.exchanges.push(ex);
        self.bodies.push(body);
    }

    /// A failure that is not a rule's: the scenario asked for something that cannot be.
    pub(super) fn fail(&mut self, message: String) {
        let failure = Broken {
            message,
            expected: None,
            actual: None,
        };
        self.checked.record(None, Err(failure), None);
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
    let stop = &ctx.config.stop;
    if let Some(halt) = stop.halted() {
        return Ok(skipped(loaded, mode, format!("not run: {halt}")));
    }
    let started = Instant::now();
    // A scenario that changes account settings gets a reference server of its own.
    let (own_server, endpoint) = if loaded.scenario.requires.reference {
        let (running, endpoint) = start_reference(
            &ctx.config.start_reference,
            ctx.config.timeout,
            ctx.config.max_body,
        )
        .await?;
        (Some(running), endpoint)
    } else {
        (None, ctx.endpoint.clone())
    };
    let target = own_server.as_ref().map(|_| endpoint.base_url.clone());
    let prefix = run_prefix();
    let mut run = Run::new(ctx, endpoint, mode, &prefix, loaded);
    let mut steps = Vec::new();
    for step in &loaded.scenario.steps {
        if let Some(halt) = stop.halted() {
            steps.push(StepRun::not_run(&step.name, format!("not run: {halt}")));
            continue;
        }
        let done = run.step(step).await;
        stop.observe(&done.exchanges, ctx.config.silence_limit, || {
            format!("{} [{mode}] › {}", loaded.scenario.id, step.name)
        });
        steps.push(done);
    }
    super::consequences::mark(&loaded.scenario.steps, &mut steps);
    // A target that went silent would only make cleanup wait out its timeouts.
    if !ctx.config.keep && own_server.is_none() && !stop.target_silent() {
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
        prefix: Some(prefix),
        target,
        mode,
        status,
        skip_reason: None,
        steps,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

impl Run<'_> {
    async fn step(&mut self, step: &Step) -> StepRun {
        let mut out = StepOut::new(self.endpoint.base_path.clone(), &self.ctx.config.profiles);
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
        // Judged: what the report keeps of each answer is cut to a bounded size, so that a
        // run's memory and its reports stay small whatever the target sends.
        let mut exchanges = out.exchanges;
        for ex in &mut exchanges {
            ex.cut_response_body(scim_client::REPORTED_BODY_LIMIT);
        }
        let mut done = StepRun {
            name: step.name.clone(),
            action: out.action,
            status,
            note: out.note,
            held: out.checked.held.into_iter().collect(),
            findings: out.checked.findings,
            exchanges,
            omitted: None,
        };
        done.keep_exchanges(self.ctx.config.exchanges_per_step);
        done
    }

    /// Sends what the step says, then checks every exchange and the step's expectations.
    async fn execute(&mut self, step: &Step, out: &mut StepOut<'_>) -> Result<(), Undefined> {
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
            let (words, report) = self.okta_action(action.clone()).await?;
            out.action = Some(words);
            match report {
                Ok(report) => {
                    for ex in report.exchanges {
                        let body = checks::json_body(&ex);
                        out.push(ex, body);
                    }
                    self.refresh_ids();
                    Some(report.outcome)
                }
                Err(e) => {
                    out.fail(format!("the Okta action could not run: {e}"));
                    return Ok(());
                }
            }
        } else if let Some(request) = &step.scim {
            self.send_requests(step, request, out).await?;
            None
        } else {
            if let Some(action) = &step.reference {
                match self.endpoint.change_settings(action).await {
                    Ok(note) => {
                        // A regenerated token goes into Okta too, as the guide's admin pastes it.
                        self.okta.set_token(self.endpoint.wire.secret().clone());
                        out.note = Some(note);
                    }
                    Err(why) => out.fail(format!("the account-settings change failed: {why}")),
                }
            }
            return Ok(());
        };
        let profiles = &self.ctx.config.profiles;
        if out.unjudged > 0 {
            out.note = Some(format!(
                "{} of {} answers were not judged: mock-okta keeps at most {} MiB of \
                 one action's answers whole, and cut the oldest to their first {} KiB",
                out.unjudged,
                out.exchanges.len(),
                mock_okta::client::TRANSCRIPT_BODY_BUDGET >> 20,
                mock_okta::client::CUT_ANSWER_TO >> 10,
            ));
        }
        match outcome {
            Some(outcome) => {
                if let Some(expect) = &expect {
                    checks::okta_expect(expect, &outcome, profiles, &mut out.checked);
                } else if let Outcome::TaskOpened { task } = &outcome {
                    let task = format!("Okta opened a task: {}", task.message);
                    out.note = Some(match out.note.take() {
                        Some(before) => format!("{task}; {before}"),
                        None => task,
                    });
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
}

#[cfg(test)]
mod tests {
    use scim_client::{RecordedRequest, RecordedResponse};

    use super::*;

    fn answered(body: String) -> Exchange {
        Exchange {
            request: RecordedRequest {
                method: "POST".into(),
                path: "/scim/v2/Users".into(),
                headers: Vec::new(),
                body: None,
            },
            response: Some(RecordedResponse {
                status: 201,
                headers: vec![("content-type".into(), "application/scim+json".into())],
                body: Some(body),
                elapsed_ms: 0,
                full_length: None,
            }),
            error: None,
            silent: false,
            then_waited_secs: None,
        }
    }

    #[test]
    fn a_step_holds_only_its_last_answer_whole() {
        let profiles = BTreeSet::from([Profile::Rfc]);
        let mut out = StepOut::new("/scim/v2".into(), &profiles);
        let big = format!("{{\"padding\":\"{}\"}}", "x".repeat(1 << 20));
        for _ in 0..3 {
            out.push(
                answered(big.clone()),
                Some(serde_json::json!({"padding": "x"})),
            );
        }
        let lens: Vec<usize> = out
            .exchanges
            .iter()
            .map(Exchange::response_body_len)
            .collect();
        assert!(lens[0] < scim_client::REPORTED_BODY_LIMIT + 64, "{lens:?}");
        assert!(lens[1] < scim_client::REPORTED_BODY_LIMIT + 64, "{lens:?}");
        assert_eq!(lens[2], big.len(), "the last answer stays whole");
        assert_eq!(
            out.bodies.iter().map(Option::is_some).collect::<Vec<_>>(),
            [false, false, true]
        );
        assert_eq!(out.unjudged, 0, "each was judged before it was cut");
    }
}
