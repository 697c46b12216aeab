//! The HTML report (`--html`): one page that needs nothing from the network, whose text says
//! what a vendor needs (the flow matrix, the root cause with its rule text, expected against
//! actual, the replay), snapshotted for a clean run and for a run against a broken server.

use harness::report::RunReport;
use harness::runner::{self, RunConfig, StartReference, Target};
use harness::scenario::{ClientMode, Loaded};
use reference_server_faults::Fault;

/// These built-in scenarios, against a reference server broken by `faults`, in PATCH mode.
async fn run(ids: &[&str], faults: &'static [Fault]) -> RunReport {
    let (scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    let chosen: Vec<Loaded> = scenarios
        .into_iter()
        .filter(|l| ids.contains(&l.scenario.id.as_str()))
        .collect();
    assert_eq!(chosen.len(), ids.len());
    let mut config = RunConfig::new(Target::Reference);
    config.modes = vec![ClientMode::OinPatch];
    config.jobs = 1;
    config.clock = std::sync::Arc::new(scim_client::RecordingClock::default());
    config.start_reference = StartReference::new(move |server| {
        Box::pin(async move { reference_server_faults::spawn(&server, faults).await })
    });
    runner::run(&config, &chosen, &|_| {}).await.unwrap()
}

/// The page's text, as a reader without a browser sees it: tags gone, entities decoded, and
/// what changes from run to run redacted.
fn text_content(html: &str) -> String {
    let no_style = regex::Regex::new(r"(?s)<(style|script)>.*?</(style|script)>").unwrap();
    let tags = regex::Regex::new(r"<[^>]+>").unwrap();
    let unstyled = no_style.replace_all(html, "");
    // A cell or a term ends with a separator, so "Target" and its value do not run together.
    let cells = regex::Regex::new(r"</(dt|th|td|h5)>").unwrap();
    let separated = cells.replace_all(&unstyled, " | ");
    let stripped = tags.replace_all(&separated, "");
    let decoded = stripped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let rules: [(&str, &str); 10] = [
        (
            r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT",
            "[date]",
        ),
        // Each run's Okta org draws its ids and placeholder passwords at random.
        (r"00[ug][0-9A-Za-z]{17}", "[okta-id]"),
        (
            r#""password": ?"[a-z0-9]{8}""#,
            r#""password":"[password]""#,
        ),
        (r"content-length: \d+", "content-length: [n]"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[id]",
        ),
        (r"h[0-9a-f]{7}", "[run]"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
        (
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
            "[timestamp]",
        ),
        (r"\d+ ms", "[n] ms"),
        (r#"W/\\?"\d+\\?""#, "[etag]"),
    ];
    let mut out = decoded.to_string();
    for (re, with) in rules {
        out = regex::Regex::new(re)
            .unwrap()
            .replace_all(&out, with)
            .into_owned();
    }
    // Blank lines the tags left.
    out.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Nothing on the page reaches out: no scripts, styles, fonts or images from elsewhere.
fn assert_self_contained(html: &str) {
    for outside in ["<script src", "<link", "@import", "url(", "<img", "<iframe"] {
        assert!(
            !html.contains(outside),
            "the page loads something ({outside})"
        );
    }
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<html lang=\"en\">"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_run_reads_as_passed() {
    let report = run(&["assignment.create", "rfc.put"], &[]).await;
    assert!(report.passed());
    let html = harness::report::html::render(&report);
    assert_self_contained(&html);
    assert!(html.contains("<strong>PASSED</strong>"));
    assert!(
        !html.contains(" open>"),
        "a passing scenario is a line to click"
    );
    insta::assert_snapshot!("clean", text_content(&html));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_server_s_failure_leads_to_its_rule_and_request() {
    let report = run(&["assignment.create", "rfc.put"], &[Fault::NoLocation]).await;
    assert!(!report.passed());
    let html = harness::report::html::render(&report);
    assert_self_contained(&html);
    assert!(html.contains("<strong>FAILED</strong>"));
    // The root cause names the rule, quotes its text and carries the replay, with a button.
    let causes = &html[html.find("id=\"causes\"").unwrap()..html.find("id=\"scenarios\"").unwrap()];
    assert!(causes.contains("R7644-3.3-create-location"));
    assert!(causes.contains("RFC 7644 §3.3"));
    assert!(causes.contains("class=\"copy\" data-copy=\"cause-0-replay\""));
    assert!(causes.contains("id=\"cause-0-replay\">curl "));
    // The failed scenario is open, and the link from the cause reaches it.
    assert!(html.contains("id=\"run-assignment-create-oin-patch\" data-status=\"fail\""));
    insta::assert_snapshot!("broken", text_content(&html));
}

/// `scim-harness report` renders a saved JSON report as the run would have: the page from
/// the JSON is the page from the run. A report from elsewhere is refused, saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_json_report_renders_the_same_page() {
    let report = run(&["rfc.put"], &[Fault::NoLocation]).await;
    let json = harness::report::json::render(&report);
    let back = harness::cli::read_report(&json).expect("the JSON report reads back");
    assert_eq!(back, report);
    assert_eq!(
        harness::report::html::render(&back),
        harness::report::html::render(&report)
    );
    let refused = [
        ("not json", "not JSON"),
        (r#"{"format_version": 2}"#, "format_version 2 is not 1"),
        (
            &json.replace("R7644-3.3-create-location", "R0000-no-such-rule"),
            "no rule",
        ),
    ];
    for (text, why) in refused {
        let e = harness::cli::read_report(text).unwrap_err();
        assert!(e.contains(why), "{e}");
    }
}

/// The JSON report holds only what `schemas/report-v1.json` describes, so a reporter that
/// renders a saved report (this page, `scim-harness report`) reads nothing the schema does
/// not: a real run's report validates, and so does one with every optional part filled in,
/// while a field the schema does not name is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_report_holds_only_what_its_schema_describes() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/report-v1.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors = |report: &serde_json::Value| -> Vec<String> {
        validator
            .iter_errors(report)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect()
    };

    let mut report = run(&["assignment.create", "rfc.put"], &[Fault::NoLocation]).await;
    let value = serde_json::to_value(&report).unwrap();
    assert_eq!(errors(&value), Vec::<String>::new());

    // Every optional part, in the shape serde writes it.
    report.token_env = Some("SCIM_TOKEN".into());
    report.incomplete = Some(harness::runner::Halt::Unanswered {
        at: "x [oin-patch] › y".into(),
        error: "connection refused".into(),
    });
    let scenario = &mut report.scenarios[0];
    scenario.target = Some("http://127.0.0.1:1/scim/v2".into());
    scenario.skip_reason = Some("why".into());
    let step = report
        .scenarios
        .iter_mut()
        .flat_map(|s| &mut s.steps)
        .find(|s| !s.exchanges.is_empty())
        .expect("a step with an exchange");
    step.note = Some("a note".into());
    // Two more exchanges than any finding cites, so that one is left out.
    let more = step.exchanges[0].clone();
    step.exchanges.extend([more.clone(), more]);
    step.keep_exchanges(1);
    assert!(step.omitted.is_some());
    let exchange = &mut step.exchanges[0];
    exchange.response = None;
    exchange.error = Some("timed out".into());
    exchange.silent = true;
    exchange.then_waited_secs = Some(2);
    let failed = report
        .scenarios
        .iter_mut()
        .flat_map(|s| &mut s.steps)
        .flat_map(|s| &mut s.findings)
        .next()
        .expect("a finding");
    failed.consequence_of = Some("an earlier step".into());
    let full = serde_json::to_value(&report).unwrap();
    for part in [
        "/token_env",
        "/incomplete/reason",
        "/scenarios/0/target",
        "/scenarios/0/skip_reason",
    ] {
        assert!(full.pointer(part).is_some(), "{part}");
    }
    assert_eq!(errors(&full), Vec::<String>::new());

    for (at, field) in [
        ("", "surprise"),
        ("/summary", "surprise"),
        ("/scenarios/0", "surprise"),
        ("/scenarios/0/steps/0", "surprise"),
        ("/scenarios/0/steps/0/exchanges/0/request", "surprise"),
    ] {
        let mut extra = value.clone();
        extra
            .pointer_mut(at)
            .and_then(serde_json::Value::as_object_mut)
            .unwrap_or_else(|| panic!("{at}"))
            .insert(field.into(), serde_json::json!(1));
        assert!(!validator.is_valid(&extra), "{at}/{field} is not described");
    }
    let mut bad_rule = value.clone();
    bad_rule["scenarios"][0]["steps"][0]["held"] = serde_json::json!(["not a rule id"]);
    assert!(!validator.is_valid(&bad_rule));
    let mut bad_version = value;
    bad_version["format_version"] = serde_json::json!(2);
    assert!(!validator.is_valid(&bad_version));
}
