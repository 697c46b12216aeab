//! Every rule can fail: for each rule of the catalogue, a deliberately broken reference server
//! (a fault from `reference-server-faults`, a dev-dependency) makes the built-in scenarios
//! report that rule, by id.

use fault_cases::CASES;
use harness::report::RunReport;
use harness::rules::{CATALOGUE, Level};
use harness::runner::{self, RunConfig, StartReference, Target};
use harness::scenario::{ClientMode, Loaded};
use reference_server_faults::Fault;

mod fault_cases;

#[test]
fn every_rule_has_a_case() {
    let missing: Vec<&str> = CATALOGUE
        .iter()
        .map(|r| r.id)
        .filter(|id| !CASES.iter().any(|(r, _, _)| r == id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a test that makes them fail: {missing:?}"
    );
    for (rule, _, _) in CASES {
        assert!(
            harness::rules::find(rule).is_some(),
            "{rule} is not in the catalogue"
        );
    }
}

/// The scenarios with these ids.
fn choose(ids: &[&str], scenarios: &[Loaded]) -> Vec<Loaded> {
    let chosen: Vec<Loaded> = scenarios
        .iter()
        .filter(|l| ids.contains(&l.scenario.id.as_str()))
        .cloned()
        .collect();
    assert_eq!(chosen.len(), ids.len(), "unknown scenario among {ids:?}");
    chosen
}

async fn run_with(fault: Fault, chosen: &[Loaded]) -> RunReport {
    let mut config = RunConfig::new(Target::Reference);
    config.modes = vec![ClientMode::OinPatch];
    config.jobs = 1;
    // Back-off is recorded, never waited (a fault may drop Retry-After: five minutes).
    config.clock = std::sync::Arc::new(scim_client::RecordingClock::default());
    config.start_reference = StartReference::new(move |server| {
        Box::pin(async move { reference_server_faults::spawn(&server, &[fault]).await })
    });
    runner::run(&config, chosen, &|_| {}).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_makes_its_rule_fail() {
    let (scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    let mut handles = Vec::new();
    for (rule, fault, ids) in CASES {
        let chosen = choose(ids, &scenarios);
        handles.push(tokio::spawn(async move {
            (*rule, *fault, run_with(*fault, &chosen).await)
        }));
    }
    let mut wrong = Vec::new();
    for h in handles {
        let (rule, fault, report) = h.await.unwrap();
        let level = harness::rules::find(rule).unwrap().level;
        let reported = report
            .findings()
            .any(|f| f.rule.map(|r| r.as_str()) == Some(rule) && f.level == level);
        let judged = match level {
            Level::Must => !report.passed(),
            _ => report.summary.warnings > 0,
        };
        if !(reported && judged) {
            wrong.push(format!("{rule}: the fault {fault:?} did not make it fail"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
