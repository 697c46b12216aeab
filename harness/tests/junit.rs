//! The JUnit report: a failure's message is its rule and one sentence; its body has the
//! citation, expected against actual and the replay, once per rule however many responses
//! broke it; SHOULD warnings go to `system-out`.

use harness::runner::{self, RunConfig, StartReference, Target};
use harness::scenario::ClientMode;
use reference_server_faults::Fault;

#[tokio::test]
async fn one_rule_broken_on_many_responses_reads_once() {
    let (scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    let chosen: Vec<_> = scenarios
        .into_iter()
        .filter(|l| ["import.pages", "rfc.pagination"].contains(&l.scenario.id.as_str()))
        .collect();
    let mut config = RunConfig::new(Target::Reference);
    config.modes = vec![ClientMode::OinPatch];
    config.start_reference = StartReference::new(|server| {
        Box::pin(async move {
            reference_server_faults::spawn(
                &server,
                &[Fault::NoLocation, Fault::ItemsPerPageIsCount],
            )
            .await
        })
    });
    let report = runner::run(&config, &chosen, &|_| {}).await.unwrap();
    let xml = harness::report::junit::render(&report);

    // The step that creates 105 users broke the Location rule 105 times: one entry.
    let case = xml
        .split("<testcase ")
        .find(|c| c.contains("name=\"105 users exist in the app\""))
        .expect("the step's test case");
    assert!(
        case.contains(
            "message=\"R7644-3.3-create-location (MUST): the 201 has no Location header\""
        ),
        "{case}"
    );
    assert!(
        case.contains("type=\"R7644-3.3-create-location\""),
        "{case}"
    );
    assert_eq!(case.matches("cites:").count(), 1, "{case}");
    assert!(case.contains("(105 times in this step)"), "{case}");
    assert!(case.contains("replay:   curl -sS -X POST"), "{case}");
    assert_eq!(
        case.matches("name=\"failed-rule\" value=\"R7644-3.3-create-location\"")
            .count(),
        1,
        "{case}"
    );

    // A SHOULD is a warning in system-out, not a failure.
    let warned = xml
        .split("<testcase ")
        .find(|c| c.contains("R7644-3.4.2-itemsPerPage (SHOULD)"))
        .expect("a warned case");
    let out = warned.split("<system-out>").nth(1).expect("system-out");
    assert!(
        out.contains("R7644-3.4.2-itemsPerPage (SHOULD)"),
        "{warned}"
    );
}
