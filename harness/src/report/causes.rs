//! Findings grouped by root cause, so a vendor reads one problem once: an exchange rule that
//! fails on 274 responses is one cause with 274 occurrences, and a failure that only follows
//! from an earlier one (its step needed what that step should have made) is counted as a
//! consequence, not as a cause of its own.

use super::{Finding, RunReport, ScenarioRun, StepRun};
use crate::rules::{Level, RuleId};

/// Where a finding was made.
#[derive(Clone, Copy, Debug)]
pub struct Occurrence<'a> {
    /// The scenario run.
    pub run: &'a ScenarioRun,
    /// The step.
    pub step: &'a StepRun,
    /// The finding.
    pub finding: &'a Finding,
}

/// One root cause: a rule (or a scenario's own expectation) that did not hold, everywhere it
/// did not.
#[derive(Clone, Debug)]
pub struct RootCause<'a> {
    /// The rule; `None` for a scenario's own expectation.
    pub rule: Option<RuleId>,
    /// Its level.
    pub level: Level,
    /// Every place it did not hold, in report order.
    pub occurrences: Vec<Occurrence<'a>>,
}

impl<'a> RootCause<'a> {
    /// The first place it did not hold.
    pub fn first(&self) -> Occurrence<'a> {
        self.occurrences[0]
    }

    /// How many scenario runs it touched.
    pub fn runs(&self) -> usize {
        let mut seen: Vec<(&str, crate::scenario::ClientMode)> = Vec::new();
        for o in &self.occurrences {
            let key = (o.run.id.as_str(), o.run.mode);
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        seen.len()
    }
}

/// The key findings are grouped by: the rule, or for a plain expectation its scenario, step
/// and message (the same expectation failing in both client modes is one cause).
fn key<'a>(o: &Occurrence<'a>) -> (Option<&'static str>, &'a str, &'a str, &'a str) {
    match o.finding.rule {
        Some(r) => (Some(r.as_str()), "", "", ""),
        None => (
            None,
            o.run.id.as_str(),
            o.step.name.as_str(),
            o.finding.message.as_str(),
        ),
    }
}

impl RunReport {
    /// The root causes of what did not hold, MUST first, then by how often; consequences of
    /// earlier failures are left out (see [`RunReport::consequences`]).
    pub fn root_causes(&self) -> Vec<RootCause<'_>> {
        let mut causes: Vec<RootCause<'_>> = Vec::new();
        for run in &self.scenarios {
            for step in &run.steps {
                for finding in step.findings.iter().filter(|f| f.consequence_of.is_none()) {
                    let o = Occurrence { run, step, finding };
                    match causes.iter_mut().find(|c| key(&c.first()) == key(&o)) {
                        Some(c) => c.occurrences.push(o),
                        None => causes.push(RootCause {
                            rule: finding.rule,
                            level: finding.level,
                            occurrences: vec![o],
                        }),
                    }
                }
            }
        }
        // Stable: among equals, the order they were first seen in.
        causes.sort_by_key(|c| (c.level, std::cmp::Reverse(c.occurrences.len())));
        causes
    }

    /// How many findings are consequences of earlier failures.
    pub fn consequences(&self) -> usize {
        self.findings()
            .filter(|f| f.consequence_of.is_some())
            .count()
    }
}

impl ScenarioRun {
    /// Whether the scenario's own checks held: every failure is of an exchange rule (the
    /// responses broke a protocol rule, but the flow did what it should).
    pub fn flow_held(&self) -> bool {
        self.steps
            .iter()
            .flat_map(|s| &s.findings)
            .filter(|f| f.is_failure())
            .all(|f| f.rule.is_some_and(|r| r.rule().kind.is_exchange()))
    }
}
