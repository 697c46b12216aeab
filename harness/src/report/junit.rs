//! JUnit XML: a test suite per scenario run, a test case per step, the rules checked as
//! properties.

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::{RunReport, Status};
use crate::rules::RuleId;

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
            let failures: Vec<String> = step
                .findings
                .iter()
                .filter(|f| f.is_failure())
                .map(|f| {
                    let mut line = format!(
                        "{} ({}): {}",
                        f.rule.map_or("expectation", RuleId::as_str),
                        f.level,
                        f.message
                    );
                    if let (Some(e), Some(a)) = (&f.expected, &f.actual) {
                        line.push_str(&format!("; expected {e}, got {a}"));
                    }
                    line
                })
                .collect();
            if let Some(first) = failures.first() {
                status.set_message(first.as_str());
                status.set_description(failures.join("\n"));
            }
            if let (Status::Skipped, Some(note)) = (step.status, &step.note) {
                status.set_message(note.as_str());
            }
            let mut case = TestCase::new(step.name.as_str(), status);
            case.set_classname(format!("{} [{mode}]", run.id));
            for rule in &step.held {
                case.add_property(Property::new("rule", rule.as_str()));
            }
            for f in &step.findings {
                if let Some(rule) = &f.rule {
                    case.add_property(Property::new(
                        if f.is_failure() {
                            "failed-rule"
                        } else {
                            "warned-rule"
                        },
                        rule.as_str(),
                    ));
                }
            }
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit.to_string().unwrap_or_default()
}
