//! A Markdown summary of a run, for a pull request, a CI job summary or the interop matrix
//! (`docs/interop.md`): each scenario's verdict per Okta mode, then each root cause once
//! with its rule, level, citation and where it happened. It holds nothing that changes from
//! run to run (no ids, ports, timings or replays), so two runs against the same server read
//! the same.

use std::fmt::Write as _;

use super::terminal::mode_label;
use super::{RunReport, ScenarioRun, Status};
use crate::rules::Level;
use crate::scenario::ClientMode;

fn cell(run: Option<&&ScenarioRun>) -> String {
    match run {
        None => "—".into(),
        Some(r) => match r.status {
            Status::Passed => "pass".into(),
            Status::Skipped => format!(
                "skip: {}",
                r.skip_reason.as_deref().unwrap_or("").replace('|', "\\|")
            ),
            Status::Failed if r.flow_held() => "**FAIL** (protocol only)".into(),
            Status::Failed => "**FAIL**".into(),
        },
    }
}

/// The summary as Markdown, under headings of level `depth` and below.
pub fn render(report: &RunReport, depth: usize) -> String {
    let h = "#".repeat(depth.max(1));
    let mut out = String::new();
    let s = &report.summary;
    let causes = report.root_causes();
    let must = causes.iter().filter(|c| c.level == Level::Must).count();
    let profiles: Vec<String> = report.profiles.iter().map(ToString::to_string).collect();
    if let Some(halt) = &report.incomplete {
        let _ = writeln!(
            out,
            "**Incomplete:** {halt}; what was not run is listed as skipped.\n"
        );
    }
    let _ = writeln!(
        out,
        "{} scenario runs passed, {} failed, {} skipped, under the {} profiles: {must} root causes fail the run (MUST), {} warn (SHOULD).\n",
        s.passed,
        s.failed,
        s.skipped,
        profiles.join(", "),
        causes.len() - must
    );
    let _ = writeln!(
        out,
        "| scenario | {} | {} |\n| --- | --- | --- |",
        mode_label(ClientMode::OinPatch),
        mode_label(ClientMode::AiwPut)
    );
    let mut ids: Vec<&str> = Vec::new();
    for run in &report.scenarios {
        if !ids.contains(&run.id.as_str()) {
            ids.push(&run.id);
        }
    }
    for id in ids {
        let runs: Vec<&ScenarioRun> = report.scenarios.iter().filter(|r| r.id == id).collect();
        let by_mode = |m: ClientMode| runs.iter().find(|r| r.mode == m);
        let _ = writeln!(
            out,
            "| `{id}` | {} | {} |",
            cell(by_mode(ClientMode::OinPatch)),
            cell(by_mode(ClientMode::AiwPut))
        );
    }
    if causes.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\n{h} Root causes\n");
    for c in &causes {
        let first = c.first();
        let f = first.finding;
        let name = match c.rule {
            Some(r) => format!("`{r}`"),
            None => format!("an expectation of `{}`", first.run.id),
        };
        // The run's prefix differs from run to run.
        let message = match &first.run.prefix {
            Some(p) => f.message.replace(p.as_str(), "<run>"),
            None => f.message.clone(),
        };
        let n = c.occurrences.len();
        let _ = writeln!(
            out,
            "- **{name}** ({}): {} ({n} {} in {} scenario {}; first in `{}` › {})",
            c.level,
            message,
            if n == 1 { "time" } else { "times" },
            c.runs(),
            if c.runs() == 1 { "run" } else { "runs" },
            first.run.id,
            first.step.name
        );
        if let Some(rule) = c.rule {
            let _ = writeln!(out, "  - the rule: {}", rule.rule().title);
        }
        if let Some(cite) = &f.citation {
            let _ = writeln!(out, "  - cites {cite}");
        }
    }
    let consequences = report.consequences();
    if consequences > 0 {
        let _ = writeln!(
            out,
            "\n{consequences} more failures follow from these (their steps needed what a failed step should have made, or they checked the body of an answer whose status was already wrong)."
        );
    }
    out
}
