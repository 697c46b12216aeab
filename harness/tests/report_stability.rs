//! The built-in suite's JSON report against the reference server, normalised (run prefixes,
//! ids, Okta ids and placeholder passwords, ports, ETag versions, lengths, timestamps and
//! timings redacted), is a committed snapshot: what
//! the harness sends and how it judges the answers changes only on purpose, and a refactoring
//! that claims to change nothing proves it here.
//!
//! One job, so that the scenarios meet the shared server one at a time and every list
//! response holds only the scenario's own resources.

use harness::runner::{self, RunConfig, Target};
use serde_json::Value;

/// Replaces what differs from run to run in one string.
fn redact(text: &str, rules: &[(regex::Regex, &str)]) -> String {
    let mut out = text.to_owned();
    for (re, with) in rules {
        out = re.replace_all(&out, *with).into_owned();
    }
    out
}

fn normalise(v: &mut Value, rules: &[(regex::Regex, &str)]) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "duration_ms" || k == "elapsed_ms" {
                    *child = Value::from(0);
                } else {
                    normalise(child, rules);
                }
            }
        }
        // A header `[name, value]`: the length follows the width of the redacted ETag version.
        Value::Array(pair)
            if pair.len() == 2
                && pair[0]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case("content-length")) =>
        {
            pair[1] = Value::from("[n]");
        }
        Value::Array(items) => items.iter_mut().for_each(|i| normalise(i, rules)),
        Value::String(s) => *s = redact(s, rules),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_report_is_stable() {
    let (mut scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    // The `scale` scenarios (a thousand users) would be most of the snapshot and say nothing
    // the others do not: their verdicts are tested with the suite, their requests in
    // mock-okta's transcripts.
    scenarios.retain(|l| !l.scenario.tags.iter().any(|t| t == "scale"));
    let mut config = RunConfig::new(Target::Reference);
    config.jobs = 1;
    let report = runner::run(&config, &scenarios, &|_| {}).await.unwrap();
    let rules: Vec<(regex::Regex, &str)> = [
        // ETag versions count every write on the server, the other scenarios' included.
        (r#"W/\\?"\d+\\?""#, "[etag]"),
        // Each scenario run's Okta org draws its ids and passwords at random; they go first,
        // as one may hold what looks like a run prefix (`h` and 7 hex digits).
        (r"00[ug][0-9A-Za-z]{17}", "[okta-id]"),
        (r#""password":"[a-z0-9]{8}""#, r#""password":"[password]""#),
        (r"h[0-9a-f]{7}", "[run]"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[id]",
        ),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
        (
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
            "[timestamp]",
        ),
        (
            r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT",
            "[date]",
        ),
    ]
    .into_iter()
    .map(|(re, with)| (regex::Regex::new(re).unwrap(), with))
    .collect();
    let mut value = serde_json::to_value(&report).unwrap();
    normalise(&mut value, &rules);
    insta::assert_snapshot!(serde_json::to_string_pretty(&value).unwrap());
}
