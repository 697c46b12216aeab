//! JUnit XML: a test suite per scenario run, a test case per step, the rules checked as
//! properties. A failure's message is its rule and one sentence; its body holds, for each
//! failure once, the citation, what was expected against what came, and the replay. SHOULD
//! warnings go to the case's `system-out`.

use std::fmt::Write as _;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::{Finding, RunReport, ScenarioRun, Status, StepRun};
use crate::rules::RuleId;

/// A finding's first line: its rule and what is wrong.
fn headline(f: &Finding) -> String {
    format!(
        "{} ({}): {}",
        f.rule.map_or("scenario expectation", RuleId::as_str),
        f.level,
        f.message
    )
}

/// A finding in full: its headline, citation, expected and actual values, and replay.
fn detail(report: &RunReport, run: &ScenarioRun, step: &StepRun, f: &Finding) -> String {
    let mut out = headline(f);
    if let Some(c) = &f.consequence_of {
        let _ = write!(out, "\n  follows from the failure of `{c}`");
    }
    if let Some(c) = &f.citation {
        let _ = write!(out, "\n  cites:    {c}");
    }
    if let Some(e) = &f.expected {
        let _ = write!(out, "\n  expected: {e}");
    }
    if let Some(a) = &f.actual {
        let _ = write!(out, "\n  actual:   {a}");
    }
    if let Some(ex) = f.exchange_in(step) {
        let target = run.target.as_deref().unwrap_or(&report.target);
        let var = report.token_env.as_deref().unwrap_or("SCIM_TOKEN");
        let _ = write!(
            out,
            "\n  replay:   {}",
            super::curl::command(ex, target, var)
        );
    }
    out
}

/// Each distinct text once, in order.
fn distinct(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// A step's findings, one entry per rule (or per expectation message): a rule broken on
/// 105 responses of a step is one entry, its first finding in full and the count.
fn grouped<'a>(
    report: &RunReport,
    run: &ScenarioRun,
    step: &StepRun,
    findings: impl Iterator<Item = &'a Finding>,
) -> Vec<String> {
    let mut groups: Vec<(&Finding, usize)> = Vec::new();
    for f in findings {
        let same = |g: &&mut (&Finding, usize)| match (g.0.rule, f.rule) {
            (Some(a), Some(b)) => a == b,
            (None, None) => g.0.message == f.message,
            _ => false,
        };
        match groups.iter_mut().find(same) {
            Some(g) => g.1 += 1,
            None => groups.push((f, 1)),
        }
    }
    distinct(groups.into_iter().map(|(f, n)| {
        let mut text = detail(report, run, step, f);
        if n > 1 {
            let _ = write!(text, "\n  ({n} times in this step)");
        }
        text
    }))
}

/// The report as JUnit XML.
pub fn render(report: &RunReport) -> String {
    let mut junit = Report::new("scim-harness");
    junit.set_time(std::time::Duration::from_millis(report.duration_ms));
    for run in &report.scenarios {
        let mode = run.mode;
        let mut suite = TestSuite::new(format!("{} [{mode}]", run.id));
        suite.add_property(Property::new("title", run.title.as_str()));
        suite.add_property(Property::new("file", run.file.as_str()));
        if let Some(reason) = &run.skip_reason {
            let mut status = TestCaseStatus::skipped();
            status.set_message(reason.as_str());
            suite.add_test_case(TestCase::new("(scenario)", status));
        }
        for step in &run.steps {
            let mut status = match step.status {
                Status::Passed => TestCaseStatus::success(),
                Status::Skipped => TestCaseStatus::skipped(),
                Status::Failed => TestCaseStatus::non_success(NonSuccessKind::Failure),
            };
            let failures: Vec<&Finding> = step.findings.iter().filter(|f| f.is_failure()).collect();
            if let Some(first) = failures.first() {
                status.set_message(headline(first));
                if let Some(rule) = first.rule {
                    status.set_type(rule.as_str());
                }
                let bodies = grouped(report, run, step, failures.iter().copied());
                status.set_description(bodies.join("\n\n"));
            }
            if let (Status::Skipped, Some(note)) = (step.status, &step.note) {
                status.set_message(note.as_str());
            }
            let mut case = TestCase::new(step.name.as_str(), status);
            case.set_classname(format!("{} [{mode}]", run.id));
            let warnings = grouped(
                report,
                run,
                step,
                step.findings.iter().filter(|f| !f.is_failure()),
            );
            if !warnings.is_empty() {
                case.set_system_out(warnings.join("\n\n"));
            }
            for rule in &step.held {
                case.add_property(Property::new("rule", rule.as_str()));
            }
            let broken = distinct(step.findings.iter().filter_map(|f| {
                let kind = if f.is_failure() {
                    "failed-rule"
                } else {
                    "warned-rule"
                };
                f.rule.map(|r| format!("{kind}\t{}", r.as_str()))
            }));
            for entry in broken {
                let (kind, rule) = entry.split_once('\t').unwrap_or(("failed-rule", ""));
                case.add_property(Property::new(kind, rule));
            }
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit.to_string().unwrap_or_default()
}
