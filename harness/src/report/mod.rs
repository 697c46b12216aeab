//! What a run produced, as data: the runner fills a [`RunReport`]; the reporters render it
//! (terminal, JSON, JUnit). A failed rule is a result here, never an error.

pub mod causes;
pub mod curl;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod terminal;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use scim_client::Exchange;

use crate::rules::{Level, Rule, RuleId};
use crate::scenario::{ClientMode, Profile};

/// The JSON report's format version.
pub const FORMAT_VERSION: u32 = 1;

/// Passed, failed or skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every MUST held.
    Passed,
    /// A MUST failed.
    Failed,
    /// Not run (a requirement is unmet, or a variable it needs was never set).
    Skipped,
}

/// One check that did not hold (or, for SHOULD and MAY rules, a warning or a note).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Finding {
    /// The rule, or `None` for a scenario's own expectation.
    pub rule: Option<RuleId>,
    /// The rule's level (MUST for plain expectations).
    pub level: Level,
    /// The rule's profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// What failed.
    pub message: String,
    /// What was expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// Where the rule comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// The exchange (index in the step's exchanges) it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange: Option<usize>,
    /// The earlier step of the same scenario run whose failure this one follows from (the
    /// step needed what that one should have made): a consequence, not a root cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consequence_of: Option<String>,
}

impl Finding {
    /// A finding about a catalogue rule.
    pub fn of(
        rule: &'static Rule,
        message: String,
        expected: Option<String>,
        actual: Option<String>,
        exchange: Option<usize>,
    ) -> Finding {
        Finding {
            rule: Some(RuleId::from(rule)),
            level: rule.level,
            profile: Some(rule.profile),
            message,
            expected,
            actual,
            citation: Some(rule.citation()),
            exchange,
            consequence_of: None,
        }
    }

    /// The exchange of `step` it is about, or the step's last one when it names none: the
    /// request a replay sends.
    pub fn exchange_in<'a>(&self, step: &'a StepRun) -> Option<&'a Exchange> {
        self.exchange
            .and_then(|i| step.exchanges.get(i))
            .or_else(|| step.exchanges.last())
    }

    /// Whether it fails the run (a MUST).
    pub fn is_failure(&self) -> bool {
        self.level == Level::Must
    }
}

/// One step's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct StepRun {
    /// The step's name.
    pub name: String,
    /// What the identity provider's admin did, in its console's words (`Okta: Assignments ›
    /// Assign to People: alice@example.com`), for a step that acts in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Its status.
    pub status: Status,
    /// Why it was skipped, or another note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Rules that were checked and held.
    pub held: Vec<RuleId>,
    /// Checks that did not hold.
    pub findings: Vec<Finding>,
    /// What went over the wire (token masked); a long step keeps some of it (see
    /// `omitted_exchanges`).
    pub exchanges: Vec<Exchange>,
    /// Exchanges left out of the report: none was the subject of a finding. They were sent
    /// after `exchanges[omitted_after - 1]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omitted: Option<Omitted>,
}

/// Exchanges a step left out of its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Omitted {
    /// How many.
    pub count: usize,
    /// How many kept exchanges come before them.
    pub after: usize,
}

impl StepRun {
    /// Keeps at most `limit` exchanges (0: all) and every one a finding is about: the first
    /// half of the limit, the findings' ones, the last half. Findings then name the kept
    /// exchanges' new places.
    pub fn keep_exchanges(&mut self, limit: usize) {
        let total = self.exchanges.len();
        if limit == 0 || total <= limit {
            return;
        }
        let head = limit.div_ceil(2);
        let tail_from = total - limit / 2;
        let cited: std::collections::BTreeSet<usize> =
            self.findings.iter().filter_map(|f| f.exchange).collect();
        let keep = |i: usize| i < head || i >= tail_from || cited.contains(&i);
        let mut place = vec![None; total];
        let mut kept = Vec::with_capacity(limit + cited.len());
        let mut after = None;
        for (i, ex) in std::mem::take(&mut self.exchanges).into_iter().enumerate() {
            if keep(i) {
                place[i] = Some(kept.len());
                kept.push(ex);
            } else if after.is_none() {
                after = Some(kept.len());
            }
        }
        for f in &mut self.findings {
            f.exchange = f.exchange.and_then(|i| place.get(i).copied().flatten());
        }
        self.omitted = after.map(|after| Omitted {
            count: total - kept.len(),
            after,
        });
        self.exchanges = kept;
    }

    /// A step that was not run, and why.
    pub fn not_run(name: &str, why: String) -> StepRun {
        StepRun {
            name: name.to_owned(),
            action: None,
            status: Status::Skipped,
            note: Some(why),
            held: Vec::new(),
            findings: Vec::new(),
            exchanges: Vec::new(),
            omitted: None,
        }
    }
}

/// One scenario in one client mode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ScenarioRun {
    /// The scenario id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its file.
    pub file: String,
    /// The prefix its logins and names carry (`h1a2b3c4`), when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The SCIM base URL of the server this run had to itself (a scenario that changes
    /// account settings), when it was not the run's target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The client mode.
    pub mode: ClientMode,
    /// Its status.
    pub status: Status,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// Its steps.
    pub steps: Vec<StepRun>,
    /// How long it took.
    pub duration_ms: u64,
}

/// Totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Summary {
    /// Scenario runs that passed.
    pub passed: usize,
    /// Scenario runs that failed.
    pub failed: usize,
    /// Scenario runs skipped.
    pub skipped: usize,
    /// SHOULD and MAY findings.
    pub warnings: usize,
}

/// A whole run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RunReport {
    /// The JSON format version.
    #[schemars(extend("const" = FORMAT_VERSION))]
    pub format_version: u32,
    /// The SCIM base URL (never the token).
    pub target: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// The harness that made the report (`scim-harness` version).
    pub harness_version: String,
    /// The environment variable the token came from (`--token-env`); `None` for the
    /// in-process reference server. Replays read the token from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
    /// The profiles checked.
    pub profiles: Vec<Profile>,
    /// Scenario runs, in order.
    pub scenarios: Vec<ScenarioRun>,
    /// Totals.
    pub summary: Summary,
    /// How long the run took.
    pub duration_ms: u64,
    /// Why the run ended before it finished, if it did: what was judged stands, the rest
    /// was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<crate::runner::Halt>,
}

impl RunReport {
    /// Computes the totals.
    pub fn summarize(scenarios: &[ScenarioRun]) -> Summary {
        let mut s = Summary::default();
        for run in scenarios {
            match run.status {
                Status::Passed => s.passed += 1,
                Status::Failed => s.failed += 1,
                Status::Skipped => s.skipped += 1,
            }
            s.warnings += run
                .steps
                .iter()
                .flat_map(|st| &st.findings)
                .filter(|f| !f.is_failure())
                .count();
        }
        s
    }

    /// Whether every MUST held.
    pub fn passed(&self) -> bool {
        self.summary.failed == 0
    }

    /// Every step of every scenario run, in order.
    pub fn steps(&self) -> impl Iterator<Item = &StepRun> {
        self.scenarios.iter().flat_map(|s| &s.steps)
    }

    /// Every finding (failures, warnings and notes) of every step, in order.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.steps().flat_map(|st| &st.findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scim_client::RecordedRequest;

    fn step(exchanges: usize, cited: &[usize]) -> StepRun {
        let exchange = |i: usize| Exchange {
            request: RecordedRequest {
                method: "GET".into(),
                path: format!("/Users/{i}"),
                headers: Vec::new(),
                body: None,
            },
            response: None,
            error: None,
            silent: false,
            then_waited_secs: None,
        };
        let finding = |i: usize| Finding {
            rule: None,
            level: Level::Must,
            profile: None,
            message: format!("about {i}"),
            expected: None,
            actual: None,
            citation: None,
            exchange: Some(i),
            consequence_of: None,
        };
        StepRun {
            name: "many".into(),
            action: None,
            status: Status::Failed,
            note: None,
            held: Vec::new(),
            findings: cited.iter().copied().map(finding).collect(),
            exchanges: (0..exchanges).map(exchange).collect(),
            omitted: None,
        }
    }

    #[test]
    fn a_long_step_keeps_its_ends_and_what_findings_are_about() {
        let mut s = step(100, &[50, 2]);
        s.keep_exchanges(10);
        let paths: Vec<&str> = s
            .exchanges
            .iter()
            .map(|e| e.request.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "/Users/0",
                "/Users/1",
                "/Users/2",
                "/Users/3",
                "/Users/4",
                "/Users/50",
                "/Users/95",
                "/Users/96",
                "/Users/97",
                "/Users/98",
                "/Users/99"
            ]
        );
        assert_eq!(
            s.omitted,
            Some(Omitted {
                count: 89,
                after: 5
            })
        );
        // Each finding still names its own exchange.
        for f in &s.findings {
            let i = f.exchange.unwrap();
            assert_eq!(
                f.message,
                format!("about {}", &s.exchanges[i].request.path[7..])
            );
        }
    }

    #[test]
    fn a_short_step_or_no_limit_keeps_everything() {
        for (n, limit) in [(10, 10), (3, 10), (100, 0)] {
            let mut s = step(n, &[1]);
            s.keep_exchanges(limit);
            assert_eq!((s.exchanges.len(), s.omitted), (n, None));
            assert_eq!(s.findings[0].exchange, Some(1));
        }
    }
}
