//! The whole built-in suite passes against the reference server, in both Okta client modes,
//! with every profile, without warnings; and every rule of the catalogue is checked by some
//! built-in scenario, so a normal run exercises it.

use std::collections::BTreeSet;

use harness::report::Status;
use harness::report::terminal::{self, Style};
use harness::rules::CATALOGUE;
use harness::runner::{self, RunConfig, Target};
use harness::scenario::{Capability, ClientMode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_built_in_suite_passes_against_the_reference_server_in_both_modes() {
    let (scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    let config = RunConfig::new(Target::Reference);
    assert_eq!(config.modes.len(), 2);
    let report = runner::run(&config, &scenarios, &|_| {}).await.unwrap();
    assert!(
        report.passed(),
        "{}",
        terminal::render(&report, Style::default())
    );
    assert_eq!(
        report.summary.warnings,
        0,
        "{}",
        terminal::render(&report, Style::default())
    );
    // Against the reference server nothing is skipped: a scenario runs in each mode it allows
    // (and is not listed in a mode it excludes), and no step is skipped for want of a
    // variable.
    for loaded in &scenarios {
        let modes = &loaded.scenario.requires.modes;
        let runs: Vec<_> = report
            .scenarios
            .iter()
            .filter(|r| r.id == loaded.scenario.id)
            .collect();
        let expected: Vec<_> = ClientMode::ALL
            .into_iter()
            .filter(|m| modes.is_empty() || modes.contains(m))
            .collect();
        assert_eq!(
            runs.iter().map(|r| r.mode).collect::<Vec<_>>(),
            expected,
            "{} runs once in each mode it allows",
            loaded.scenario.id
        );
        // The one exception: a scenario about a feature the reference server has (Bulk)
        // being unsupported.
        if loaded.scenario.requires.lacks.contains(&Capability::Bulk) {
            continue;
        }
        for run in runs {
            assert_eq!(
                run.status,
                Status::Passed,
                "{} [{}]: {:?}",
                run.id,
                run.mode,
                run.skip_reason
            );
            let skipped: Vec<&str> = run
                .steps
                .iter()
                .filter(|s| s.status == Status::Skipped)
                .map(|s| s.name.as_str())
                .collect();
            assert!(
                skipped.is_empty(),
                "{} [{}] skipped steps {skipped:?}",
                run.id,
                run.mode
            );
        }
    }

    let asserted: BTreeSet<&str> = report
        .steps()
        .flat_map(|st| st.held.iter())
        .map(|r| r.as_str())
        .collect();
    let missing: Vec<&str> = CATALOGUE
        .iter()
        .filter(|r| !asserted.contains(r.id))
        .map(|r| r.id)
        .collect();
    assert!(
        missing.is_empty(),
        "rules never checked by the built-in suite: {missing:?}"
    );

    // The suite's HTML page stays small enough to attach to a mail or an OIN submission.
    let html = harness::report::html::render(&report);
    assert!(
        html.len() < 1_900_000,
        "the HTML report of the built-in suite is {} bytes",
        html.len()
    );
}
