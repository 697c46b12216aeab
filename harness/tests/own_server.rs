//! A scenario that changes account settings gets a reference server of its own: its settings
//! change through that server's admin API, its replays name that server, and a server that
//! cannot start stops the run instead of passing for a skip.

use harness::report::terminal::{self, Style};
use harness::runner::{self, RunConfig, RunError, StartReference, Target};
use harness::scenario::ClientMode;
use reference_server_faults::Fault;

fn wrong_plan() -> Vec<harness::scenario::Loaded> {
    let (scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    scenarios
        .into_iter()
        .filter(|l| l.scenario.id == "negative.wrong-plan")
        .collect()
}

#[tokio::test]
async fn settings_change_through_the_admin_api_and_replays_name_the_scenarios_server() {
    let mut config = RunConfig::new(Target::Reference);
    config.modes = vec![ClientMode::OinPatch];
    let report = runner::run(&config, &wrong_plan(), &|_| {}).await.unwrap();
    assert!(
        report.passed(),
        "{}",
        terminal::render(&report, Style::default())
    );
    let run = &report.scenarios[0];
    assert_eq!(run.steps[0].note.as_deref(), Some("plan set to Starter"));
    let own = run.target.as_deref().expect("the scenario's own server");
    assert_ne!(own, report.target);

    // A server that ignores the plan fails the scenario; the replay points at its server.
    config.start_reference = StartReference::new(|server| {
        Box::pin(async move { reference_server_faults::spawn(&server, &[Fault::IgnorePlan]).await })
    });
    let report = runner::run(&config, &wrong_plan(), &|_| {}).await.unwrap();
    assert!(!report.passed());
    let own = report.scenarios[0].target.clone().unwrap();
    let shown = terminal::render(&report, Style::default());
    let replays: Vec<&str> = shown.lines().filter(|l| l.contains("replay:")).collect();
    assert!(!replays.is_empty(), "{shown}");
    let origin = own.trim_end_matches("/scim/v2");
    for line in replays {
        assert!(
            line.contains(&format!("'{origin}/scim/v2/")),
            "{line}\nnot {origin}"
        );
    }
}

#[tokio::test]
async fn a_reference_server_that_cannot_start_stops_the_run() {
    let mut config = RunConfig::new(Target::Reference);
    config.modes = vec![ClientMode::OinPatch];
    config.start_reference =
        StartReference::new(|_| Box::pin(async { Err(std::io::Error::other("no ports left")) }));
    let err = runner::run(&config, &wrong_plan(), &|_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, RunError::Reference(_)), "{err}");
    assert!(err.to_string().contains("no ports left"), "{err}");

    // Only the scenario's own server fails: the shared one starts.
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&calls);
    config.start_reference = StartReference::new(move |server| {
        let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async move {
            if n == 0 {
                reference_server::spawn(&server).await
            } else {
                Err(std::io::Error::other("no ports left"))
            }
        })
    });
    let err = runner::run(&config, &wrong_plan(), &|_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, RunError::Reference(_)), "{err}");
}

#[test]
fn the_formats_plan_names_are_the_servers() {
    use clap::ValueEnum;
    use harness::scenario::PlanName;
    // A plan added to the format fails to compile here until it is listed.
    let listed = |p: PlanName| match p {
        PlanName::Enterprise
        | PlanName::BusinessCritical
        | PlanName::Standard
        | PlanName::Starter => p,
    };
    let ours: Vec<String> = [
        PlanName::Enterprise,
        PlanName::BusinessCritical,
        PlanName::Standard,
        PlanName::Starter,
    ]
    .into_iter()
    .map(|p| {
        serde_json::to_value(listed(p))
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    })
    .collect();
    let theirs: Vec<String> = reference_server::Plan::value_variants()
        .iter()
        .map(|p| {
            serde_json::to_value(p)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ours, theirs);
}
