//! One self-contained HTML page of a run (`--html`): no CDN, no fonts, no requests, so it opens
//! offline and travels as an attachment. It reads top to bottom without JavaScript (sections,
//! tables, `<details>`); a little vanilla JavaScript adds the filters and the copy buttons.
//! Verdicts are written in words as well as colours.
//!
//! Top: the target, the harness version, the profiles and modes, the verdict; the flow matrix
//! (the guide's flows by client mode); the root causes, MUST first. Then every scenario run,
//! step by step: the rules checked, each finding with its citation, expected against actual
//! and the replay command, and each exchange with its headers and bodies (the token masked,
//! as everywhere in a report). A failed scenario is open; a passing one is a line to click.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::causes::RootCause;
use super::terminal::mode_label;
use super::{Finding, RunReport, ScenarioRun, Status, StepRun};
use crate::rules::{Level, RuleId};
use crate::scenario::ClientMode;

/// The flows of the guide, by the folder a built-in scenario lives in, in the guide's order.
const FLOWS: &[(&str, &str)] = &[
    ("connection", "Connection"),
    ("assignment", "Assignment (create users)"),
    ("import", "Import users"),
    ("update", "Update user attributes"),
    ("deactivation", "Deactivation"),
    ("group-push", "Group Push"),
    ("negatives", "Negatives"),
    ("rfc", "RFC coverage"),
    ("okta-spec", "Okta's SPEC test"),
];

/// Escapes text for HTML content (quotes need no escaping there, and JSON is full of them).
fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes text for HTML attribute values (and content).
fn esc(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The flow a scenario file belongs to: its folder without the number (`02-assignment`).
fn flow_of(file: &str) -> (String, String) {
    let folder = file
        .rsplit('/')
        .nth(1)
        .unwrap_or("")
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-');
    let key = if folder.is_empty() { "other" } else { folder };
    let label = FLOWS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| key.to_owned(), |(_, l)| (*l).to_owned());
    (key.to_owned(), label)
}

fn anchor(run: &ScenarioRun) -> String {
    format!("run-{}-{}", run.id.replace(['.', ' '], "-"), run.mode)
}

fn status_word(status: Status, run: Option<&ScenarioRun>) -> &'static str {
    match status {
        Status::Passed => "pass",
        Status::Skipped => "skip",
        Status::Failed if run.is_some_and(ScenarioRun::flow_held) => "FAIL (protocol only)",
        Status::Failed => "FAIL",
    }
}

fn status_class(status: Status) -> &'static str {
    match status {
        Status::Passed => "pass",
        Status::Skipped => "skip",
        Status::Failed => "fail",
    }
}

/// How much of a body an exchange no finding is about shows: the page of a whole suite stays
/// small enough to mail; the JSON report (`--json`) keeps every body whole.
const QUIET_BODY: usize = 400;

/// Pretty-prints a body that is JSON (any other text as it came), cut to `limit` characters
/// when one is given.
fn pretty(body: &str, limit: Option<usize>) -> String {
    let text = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_owned());
    match limit {
        Some(n) if text.chars().count() > n => {
            let kept: String = text.chars().take(n).collect();
            format!("{kept}\n… cut here: the JSON report (--json) has the whole body")
        }
        _ => text,
    }
}

/// The page.
pub fn render(report: &RunReport) -> String {
    let mut out = String::with_capacity(256 * 1024);
    let s = &report.summary;
    let verdict = if report.passed() { "PASSED" } else { "FAILED" };
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>SCIM conformance report: {verdict}, {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&report.target)
    );
    header(&mut out, report, verdict);
    let _ = writeln!(
        out,
        "<nav id=\"filters\" aria-label=\"Filters\" hidden>\n<label><input type=\"checkbox\" id=\"failures-only\"> Failures only</label>\n<label>Rule <select id=\"rule-filter\"><option value=\"\">any</option>{}</select></label>\n<label>Profile <select id=\"profile-filter\"><option value=\"\">any</option>{}</select></label>\n<label>Flow <select id=\"flow-filter\"><option value=\"\">any</option>{}</select></label>\n<label>Search <input type=\"search\" id=\"text-filter\" placeholder=\"id, step, rule, path\"></label>\n<output id=\"shown\"></output>\n</nav>",
        options(rule_ids(report)),
        options(report.profiles.iter().map(ToString::to_string).collect()),
        options(flows(report).into_iter().map(|(k, _)| k).collect()),
    );
    matrix(&mut out, report);
    causes(&mut out, report);
    let _ = writeln!(out, "<section id=\"scenarios\">\n<h2>Scenario runs</h2>");
    for (key, label) in flows(report) {
        let _ = writeln!(out, "<h3 id=\"flow-{}\">{}</h3>", esc(&key), esc(&label));
        for run in report
            .scenarios
            .iter()
            .filter(|r| flow_of(&r.file).0 == key)
        {
            scenario(&mut out, report, run, &key);
        }
    }
    let _ = writeln!(out, "</section>");
    rule_index(&mut out, report);
    let _ = writeln!(
        out,
        "<footer><p>{} scenario runs: {} passed, {} failed, {} skipped; {} warnings.</p></footer>\n<script>{JS}</script>\n</body>\n</html>",
        report.scenarios.len(),
        s.passed,
        s.failed,
        s.skipped,
        s.warnings
    );
    out
}

fn header(out: &mut String, report: &RunReport, verdict: &str) {
    let s = &report.summary;
    let modes: Vec<&str> = ClientMode::ALL
        .into_iter()
        .filter(|m| report.scenarios.iter().any(|r| r.mode == *m))
        .map(mode_label)
        .collect();
    let profiles: Vec<String> = report.profiles.iter().map(ToString::to_string).collect();
    let class = if report.passed() { "pass" } else { "fail" };
    let _ = writeln!(
        out,
        "<header>\n<h1>SCIM conformance report</h1>\n<p class=\"verdict {class}\"><strong>{verdict}</strong>: {} scenario runs passed, {} failed, {} skipped, {} warnings.</p>",
        s.passed, s.failed, s.skipped, s.warnings
    );
    if let Some(halt) = &report.incomplete {
        let _ = writeln!(
            out,
            "<p class=\"verdict fail\"><strong>Incomplete:</strong> {}; what was not run is listed as skipped.</p>",
            esc(&halt.to_string())
        );
    }
    let _ = writeln!(
        out,
        "<dl>\n<dt>Target</dt><dd><code>{}</code></dd>\n<dt>Started</dt><dd><time>{}</time></dd>\n<dt>Harness</dt><dd>scim-harness {}</dd>\n<dt>Profiles</dt><dd>{}</dd>\n<dt>Okta client modes</dt><dd>{}</dd>\n<dt>Duration</dt><dd>{} ms</dd>\n</dl>\n</header>",
        esc(&report.target),
        esc(&report.started_at),
        esc(&report.harness_version),
        esc(&profiles.join(", ")),
        esc(&modes.join(", ")),
        report.duration_ms
    );
}

fn options(values: Vec<String>) -> String {
    values
        .iter()
        .map(|v| format!("<option>{}</option>", esc(v)))
        .collect()
}

/// The flows the report's runs belong to, in the guide's order (others after).
fn flows(report: &RunReport) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for run in &report.scenarios {
        let f = flow_of(&run.file);
        if !out.contains(&f) {
            out.push(f);
        }
    }
    let rank = |k: &str| {
        FLOWS
            .iter()
            .position(|(f, _)| *f == k)
            .unwrap_or(FLOWS.len())
    };
    out.sort_by_key(|(k, _)| rank(k));
    out
}

/// Every rule a finding names.
fn rule_ids(report: &RunReport) -> Vec<String> {
    let ids: BTreeSet<&str> = report
        .findings()
        .filter_map(|f| f.rule.map(|r| r.as_str()))
        .collect();
    ids.into_iter().map(str::to_owned).collect()
}

fn matrix(out: &mut String, report: &RunReport) {
    let modes: Vec<ClientMode> = ClientMode::ALL
        .into_iter()
        .filter(|m| report.scenarios.iter().any(|r| r.mode == *m))
        .collect();
    let _ = write!(
        out,
        "<section id=\"matrix\">\n<h2>Flows</h2>\n<table>\n<thead><tr><th scope=\"col\">Flow</th>"
    );
    for m in &modes {
        let _ = write!(out, "<th scope=\"col\">{}</th>", mode_label(*m));
    }
    let _ = writeln!(out, "</tr></thead>\n<tbody>");
    for (key, label) in flows(report) {
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><a href=\"#flow-{}\">{}</a></th>",
            esc(&key),
            esc(&label)
        );
        for m in &modes {
            let runs: Vec<&ScenarioRun> = report
                .scenarios
                .iter()
                .filter(|r| r.mode == *m && flow_of(&r.file).0 == key)
                .collect();
            if runs.is_empty() {
                let _ = write!(
                    out,
                    "<td class=\"skip\">— <span class=\"note\">(not run in this mode)</span></td>"
                );
                continue;
            }
            let count = |st: Status| runs.iter().filter(|r| r.status == st).count();
            let (pass, fail, skip) = (
                count(Status::Passed),
                count(Status::Failed),
                count(Status::Skipped),
            );
            let class = if fail > 0 {
                "fail"
            } else if pass > 0 {
                "pass"
            } else {
                "skip"
            };
            let first_failed = runs.iter().find(|r| r.status == Status::Failed);
            let link = first_failed.map_or_else(|| format!("flow-{key}"), |r| anchor(r));
            let _ = write!(
                out,
                "<td class=\"{class}\"><a href=\"#{}\">{pass} pass · {} · {skip} skip</a></td>",
                esc(&link),
                if fail > 0 {
                    format!("<strong>{fail} FAIL</strong>")
                } else {
                    "0 fail".to_owned()
                }
            );
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</tbody>\n</table>\n</section>");
}

fn causes(out: &mut String, report: &RunReport) {
    let causes = report.root_causes();
    let _ = writeln!(out, "<section id=\"causes\">\n<h2>Root causes</h2>");
    if causes.is_empty() {
        let _ = writeln!(out, "<p>None: every rule checked held.</p>\n</section>");
        return;
    }
    let consequences = report.consequences();
    if consequences > 0 {
        let _ = writeln!(
            out,
            "<p>{consequences} more failures follow from these (their steps needed what a failed step should have made).</p>"
        );
    }
    let _ = writeln!(out, "<ol>");
    for (i, c) in causes.iter().enumerate() {
        root_cause(out, report, c, i);
    }
    let _ = writeln!(out, "</ol>\n</section>");
}

fn root_cause(out: &mut String, report: &RunReport, cause: &RootCause<'_>, i: usize) {
    let first = cause.first();
    let f = first.finding;
    let word = if cause.level == Level::Must {
        "FAIL"
    } else {
        "WARN"
    };
    let class = if cause.level == Level::Must {
        "fail"
    } else {
        "warn"
    };
    let name = match cause.rule {
        Some(id) => format!("<code>{}</code>", esc(id.as_str())),
        None => format!("an expectation of <code>{}</code>", esc(&first.run.id)),
    };
    let _ = writeln!(
        out,
        "<li class=\"cause {class}\"><p><strong>{word}</strong> {name} ({}): {} time{} in {} scenario run{}</p>",
        cause.level,
        cause.occurrences.len(),
        if cause.occurrences.len() == 1 {
            ""
        } else {
            "s"
        },
        cause.runs(),
        if cause.runs() == 1 { "" } else { "s" },
    );
    if let Some(rule) = cause.rule {
        let _ = writeln!(
            out,
            "<p>{}</p><blockquote>{}</blockquote>",
            esc(rule.rule().title),
            esc(&rule.rule().citation())
        );
    }
    let _ = writeln!(
        out,
        "<p>At <a href=\"#{}\">{} [{}] › {}</a>: {}</p>",
        esc(&anchor(first.run)),
        esc(&first.run.id),
        mode_label(first.run.mode),
        esc(&first.step.name),
        esc(&f.message)
    );
    expected_actual(out, f);
    replay(out, report, first.run, first.step, f, &format!("cause-{i}"));
    let _ = writeln!(out, "</li>");
}

/// Every rule the run checked, once, with its level, profile and citation.
fn rule_index(out: &mut String, report: &RunReport) {
    let mut checked: Vec<&'static crate::rules::Rule> = Vec::new();
    for step in report.scenarios.iter().flat_map(|r| &r.steps) {
        for rule in step
            .held
            .iter()
            .copied()
            .chain(step.findings.iter().filter_map(|f| f.rule))
            .map(crate::rules::RuleId::rule)
        {
            if !checked.contains(&rule) {
                checked.push(rule);
            }
        }
    }
    checked.sort_by_key(|r| r.id);
    let _ = writeln!(
        out,
        "<section id=\"rules\">\n<h2>Rules checked</h2>\n<dl class=\"rules\">"
    );
    for r in checked {
        let _ = writeln!(
            out,
            "<dt id=\"rule-{0}\"><code>{0}</code> ({1}, {2}, {3})</dt><dd>{4}<blockquote>{5}</blockquote></dd>",
            esc(r.id),
            r.level,
            r.profile,
            r.kind,
            esc(r.title),
            esc(&r.citation())
        );
    }
    let _ = writeln!(out, "</dl>\n</section>");
}

fn expected_actual(out: &mut String, f: &Finding) {
    if f.expected.is_none() && f.actual.is_none() {
        return;
    }
    let _ = writeln!(
        out,
        "<table class=\"compare\"><tr><th scope=\"row\">Expected</th><td><code>{}</code></td></tr><tr><th scope=\"row\">Actual</th><td><code>{}</code></td></tr></table>",
        esc(f.expected.as_deref().unwrap_or("")),
        esc(f.actual.as_deref().unwrap_or(""))
    );
}

/// The replay and rerun commands of a finding, each with a copy button.
fn replay(
    out: &mut String,
    report: &RunReport,
    run: &ScenarioRun,
    step: &StepRun,
    f: &Finding,
    id: &str,
) {
    if let Some(ex) = f.exchange_in(step) {
        let target = run.target.as_deref().unwrap_or(&report.target);
        let var = report.token_env.as_deref().unwrap_or("SCIM_TOKEN");
        let command = super::curl::command(ex, target, var);
        let _ = writeln!(
            out,
            "<p class=\"command\">Replay: <code id=\"{id}-replay\">{}</code> <button type=\"button\" class=\"copy\" data-copy=\"{id}-replay\">Copy</button></p>",
            esc(&command)
        );
    }
    let rerun = super::terminal::rerun(report, run);
    let _ = writeln!(
        out,
        "<p class=\"command\">Rerun: <code id=\"{id}-rerun\">{}</code> <button type=\"button\" class=\"copy\" data-copy=\"{id}-rerun\">Copy</button></p>",
        esc(&rerun)
    );
}

fn scenario(out: &mut String, report: &RunReport, run: &ScenarioRun, flow: &str) {
    let rules: BTreeSet<&str> = run
        .steps
        .iter()
        .flat_map(|s| {
            s.held
                .iter()
                .copied()
                .chain(s.findings.iter().filter_map(|f| f.rule))
        })
        .map(|r| r.as_str())
        .collect();
    // The profiles of the rules the run checked (the profile filter shows runs that judged
    // that profile's rules, held or not).
    let profiles: BTreeSet<String> = rules
        .iter()
        .filter_map(|id| crate::rules::find(id))
        .map(|r| r.profile.to_string())
        .collect();
    let open = if run.status == Status::Failed {
        " open"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<details class=\"scenario {}\" id=\"{}\" data-status=\"{}\" data-flow=\"{}\" data-rules=\"{}\" data-profiles=\"{}\"{open}>\n<summary><span class=\"badge {}\">{}</span> <code>{}</code> [{}] {}</summary>",
        status_class(run.status),
        esc(&anchor(run)),
        status_class(run.status),
        esc(flow),
        esc(&rules.iter().copied().collect::<Vec<_>>().join(" ")),
        esc(&profiles.into_iter().collect::<Vec<_>>().join(" ")),
        status_class(run.status),
        status_word(run.status, Some(run)),
        esc(&run.id),
        mode_label(run.mode),
        esc(&run.title)
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} · {} ms{}</p>",
        esc(&run.file),
        run.duration_ms,
        run.prefix
            .as_deref()
            .map(|p| format!(" · prefix <code>{}</code>", esc(p)))
            .unwrap_or_default()
    );
    if let Some(why) = &run.skip_reason {
        let _ = writeln!(out, "<p>Skipped: {}</p>", esc(why));
    }
    for (i, step) in run.steps.iter().enumerate() {
        step_html(out, report, run, step, &format!("{}-{i}", anchor(run)));
    }
    let _ = writeln!(out, "</details>");
}

fn step_html(out: &mut String, report: &RunReport, run: &ScenarioRun, step: &StepRun, id: &str) {
    let _ = writeln!(
        out,
        "<section class=\"step {}\">\n<h4><span class=\"badge {}\">{}</span> {}</h4>",
        status_class(step.status),
        status_class(step.status),
        status_word(step.status, None),
        esc(&step.name)
    );
    if let Some(action) = &step.action {
        let _ = writeln!(out, "<p class=\"action\">{}</p>", esc(action));
    }
    if let Some(note) = &step.note {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(note));
    }
    for (i, f) in step.findings.iter().enumerate() {
        let word = if f.is_failure() { "FAIL" } else { "WARN" };
        let class = if f.is_failure() { "fail" } else { "warn" };
        let rule = f.rule.map_or_else(
            || "a scenario expectation".to_owned(),
            |r| format!("<code>{}</code>", esc(r.as_str())),
        );
        let _ = writeln!(
            out,
            "<div class=\"finding {class}\"><p><strong>{word}</strong> {rule} ({}): {}</p>",
            f.level,
            esc(&f.message)
        );
        if let Some(c) = &f.consequence_of {
            let _ = writeln!(
                out,
                "<p class=\"note\">Follows from the failure of “{}”.</p>",
                esc(c)
            );
        }
        if let Some(c) = &f.citation {
            let _ = writeln!(out, "<blockquote>{}</blockquote>", esc(c));
        }
        expected_actual(out, f);
        replay(out, report, run, step, f, &format!("{id}-{i}"));
        let _ = writeln!(out, "</div>");
    }
    if !step.held.is_empty() {
        // The flow rules the step asserted, by name; the exchange rules every response is
        // checked against, by count (each rule's text is in the index at the end).
        let (exchange_rules, flow_rules): (Vec<RuleId>, Vec<RuleId>) =
            step.held.iter().partition(|r| r.rule().kind.is_exchange());
        let named: Vec<String> = flow_rules
            .iter()
            .map(|r| {
                format!(
                    "<a href=\"#rule-{0}\"><code>{0}</code></a>",
                    esc(r.as_str())
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<p class=\"held\">Held: {}{}{} rules checked on every response.</p>",
            named.join(", "),
            if named.is_empty() { "" } else { "; " },
            exchange_rules.len()
        );
    }
    for (i, ex) in step.exchanges.iter().enumerate() {
        if let Some(o) = step.omitted.filter(|o| o.after == i) {
            let _ = writeln!(
                out,
                "<p class=\"note\">… {} exchanges without findings left out (<code>--exchanges-per-step</code>).</p>",
                o.count
            );
        }
        // An exchange a finding is about is shown whole; the others' bodies are cut.
        let cited = step.findings.iter().any(|f| f.exchange == Some(i));
        exchange(out, ex, (!cited).then_some(QUIET_BODY));
    }
    let _ = writeln!(out, "</section>");
}

fn exchange(out: &mut String, ex: &scim_client::Exchange, limit: Option<usize>) {
    let (status, class, ms) = match &ex.response {
        Some(r) => (
            r.status.to_string(),
            if r.status >= 400 { "bad" } else { "ok" },
            format!(" · {} ms", r.elapsed_ms),
        ),
        None => ("no answer".to_owned(), "bad", String::new()),
    };
    let _ = writeln!(
        out,
        "<details class=\"exchange\"><summary><code>{} {}</code> → <span class=\"{class}\">{}</span>{ms}</summary>",
        esc(&ex.request.method),
        esc(&ex.request.path),
        esc(&status)
    );
    let mut request = String::new();
    for (k, v) in &ex.request.headers {
        let _ = writeln!(request, "{k}: {v}");
    }
    if let Some(b) = &ex.request.body {
        let _ = write!(request, "\n{}", pretty(b, limit));
    }
    let _ = writeln!(
        out,
        "<h5>Request</h5><pre>{} {}\n{}</pre>",
        text(&ex.request.method),
        text(&ex.request.path),
        text(&request)
    );
    match &ex.response {
        Some(r) => {
            let mut response = String::new();
            for (k, v) in &r.headers {
                let _ = writeln!(response, "{k}: {v}");
            }
            if let Some(b) = &r.body {
                let _ = write!(response, "\n{}", pretty(b, limit));
            }
            if let Some(n) = r.full_length {
                let _ = write!(response, "\n… cut: {n} bytes in all");
            }
            let _ = writeln!(
                out,
                "<h5>Response</h5><pre>{}\n{}</pre>",
                r.status,
                text(&response)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "<p>{}</p>",
                esc(ex.error.as_deref().unwrap_or("no answer"))
            );
        }
    }
    let _ = writeln!(out, "</details>");
}

/// The page's style, inlined so that the page needs nothing else.
const CSS: &str = include_str!("html/report.css");

/// The filters and copy buttons, inlined; the page reads the same without them.
const JS: &str = include_str!("html/report.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_flows_come_from_folders() {
        assert_eq!(
            esc("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            flow_of("scenarios/06-group-push/membership.yaml"),
            ("group-push".to_owned(), "Group Push".to_owned())
        );
        assert_eq!(flow_of("mine.yaml").0, "other");
        assert_eq!(flow_of("/tmp/custom/x.yaml").0, "custom");
    }
}
