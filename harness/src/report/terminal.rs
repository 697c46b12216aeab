//! The terminal report, written for a vendor reading it for the first time: which scenarios
//! passed in which Okta mode, then each root cause once (its rule, citation, expected and
//! actual values, where it happened, a `curl` that replays it and the command that re-runs
//! its scenario), then a closing line. `--quiet` keeps only what failed; `--verbose` adds
//! every finding and every exchange. No colour under `NO_COLOR` or off a terminal.

use std::fmt::Write as _;

use indicatif::{ProgressBar, ProgressStyle};

use super::causes::RootCause;
use super::{RunReport, ScenarioRun, Status};
use crate::rules::Level;
use crate::runner::Event;
use crate::scenario::ClientMode;

/// How much to print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verbosity {
    /// What failed, and the closing line.
    Quiet,
    /// Every scenario's verdict, each root cause once, the closing line.
    #[default]
    Normal,
    /// Also every finding where it was made, and every exchange.
    Verbose,
}

/// How to print (the default: no colour, no bar, normal verbosity).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// A progress bar (a terminal).
    pub bar: bool,
    /// How much to print.
    pub verbosity: Verbosity,
}

impl Style {
    /// Colour and bar when stdout is a terminal, colour unless `NO_COLOR` is set.
    pub fn detect() -> Style {
        use std::io::IsTerminal;
        let tty = std::io::stdout().is_terminal();
        Style {
            color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            bar: tty,
            verbosity: Verbosity::Normal,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// A client mode in a vendor's words.
pub fn mode_label(mode: ClientMode) -> &'static str {
    match mode {
        ClientMode::OinPatch => "PATCH",
        ClientMode::AiwPut => "PUT",
    }
}

const MODES: &str = "Okta's client modes: PATCH = Okta's PATCH mode (OIN catalogue apps, such as \
Fivetran's); PUT = Okta's PUT mode (apps built in the App Integration Wizard).";

/// Progress while the run goes on: a bar on a terminal; otherwise, with `--verbose`, a line
/// per scenario run.
#[derive(Debug)]
pub struct Progress {
    style: Style,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress for a style.
    pub fn new(style: Style) -> Progress {
        Progress { style, bar: None }
    }

    /// Shows an event.
    pub fn on_event(&mut self, event: &Event<'_>) {
        match event {
            Event::Started { total } if self.style.bar => {
                let bar = ProgressBar::new(*total as u64);
                if let Ok(s) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
                    bar.set_style(s);
                }
                self.bar = Some(bar);
            }
            Event::Started { .. } => {}
            Event::Finished(run) => {
                let line = format!("{} {} [{}]", label(self.style, run), run.id, run.mode);
                match &self.bar {
                    Some(bar) => {
                        bar.inc(1);
                        bar.set_message(run.id.clone());
                    }
                    None if self.style.verbosity == Verbosity::Verbose => println!("{line}"),
                    None => {}
                }
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

fn label(style: Style, run: &ScenarioRun) -> String {
    match run.status {
        Status::Passed => style.paint("32", "PASS"),
        Status::Failed => style.paint("31", "FAIL"),
        Status::Skipped => style.paint("33", "SKIP"),
    }
}

/// A scenario's verdict in one mode, for the table.
fn cell(run: &ScenarioRun) -> String {
    match run.status {
        Status::Passed => "pass".into(),
        Status::Skipped => "skip".into(),
        Status::Failed if run.flow_held() => "FAIL*".into(),
        Status::Failed => "FAIL".into(),
    }
}

/// One line per scenario, its verdict in each mode it ran in.
fn scenarios(out: &mut String, report: &RunReport, style: Style) {
    let mut ids: Vec<&str> = Vec::new();
    for run in &report.scenarios {
        if !ids.contains(&run.id.as_str()) {
            ids.push(&run.id);
        }
    }
    let width = ids.iter().map(|i| i.len()).max().unwrap_or(0).max(8);
    let mut lines = Vec::new();
    let mut protocol_only = false;
    for id in ids {
        let runs: Vec<&ScenarioRun> = report.scenarios.iter().filter(|r| r.id == id).collect();
        let failed = runs.iter().any(|r| r.status == Status::Failed);
        if style.verbosity == Verbosity::Quiet && !failed {
            continue;
        }
        if let Some(reason) = runs
            .iter()
            .find_map(|r| r.skip_reason.as_deref())
            .filter(|_| runs.iter().all(|r| r.status == Status::Skipped))
        {
            lines.push(format!("  {id:<width$}  skipped: {reason}"));
            continue;
        }
        let cells: Vec<String> = runs
            .iter()
            .map(|r| format!("{} {}", mode_label(r.mode), cell(r)))
            .collect();
        protocol_only |= runs
            .iter()
            .any(|r| r.status == Status::Failed && r.flow_held());
        let line = format!("  {id:<width$}  {}", cells.join("  "));
        lines.push(if failed {
            style.paint("31", &line)
        } else {
            line
        });
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "{MODES}\n");
    let _ = writeln!(out, "Scenarios:");
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    if protocol_only {
        let _ = writeln!(
            out,
            "  (FAIL* = the Okta flow did what it should; only rules every response must keep broke)"
        );
    }
}

/// How many places, in words.
fn places(cause: &RootCause<'_>) -> String {
    let n = cause.occurrences.len();
    let runs = cause.runs();
    let what = if n == 1 { "time" } else { "times" };
    if runs == 1 {
        format!("{n} {what}")
    } else {
        format!("{n} {what} in {runs} scenario runs")
    }
}

/// The command that re-runs one scenario in one mode against the same target.
pub(crate) fn rerun(report: &RunReport, run: &ScenarioRun) -> String {
    let target = match &report.token_env {
        Some(var) => format!("--target '{}' --token-env {var}", report.target),
        None => "--reference".into(),
    };
    format!(
        "scim-harness run {target} --scenarios '{}' --only {} --okta-mode {} --keep",
        run.file, run.id, run.mode
    )
}

fn cause(out: &mut String, report: &RunReport, cause: &RootCause<'_>, style: Style) {
    let first = cause.first();
    let f = first.finding;
    let (label, code) = if cause.level == Level::Must {
        ("FAIL", "31")
    } else {
        ("WARN", "33")
    };
    let name = match (cause.rule, f.profile) {
        (Some(id), Some(p)) => format!("{id} ({}, {p})", cause.level),
        _ => format!(
            "a scenario expectation of {} ({})",
            first.run.id, cause.level
        ),
    };
    let _ = writeln!(
        out,
        "\n{} {name}: {}",
        style.paint(code, label),
        places(cause)
    );
    if let Some(rule) = cause.rule {
        let _ = writeln!(out, "  rule:     {}", rule.rule().title);
    }
    if let Some(c) = &f.citation {
        let _ = writeln!(out, "  cites:    {c}");
    }
    let _ = writeln!(out, "  problem:  {}", f.message);
    if let Some(e) = &f.expected {
        let _ = writeln!(out, "  expected: {e}");
    }
    if let Some(a) = &f.actual {
        let _ = writeln!(out, "  actual:   {a}");
    }
    // Where: the first few steps, each once.
    let mut at: Vec<(String, usize)> = Vec::new();
    for o in &cause.occurrences {
        let place = format!(
            "{} [{}] › {}",
            o.run.id,
            mode_label(o.run.mode),
            o.step.name
        );
        match at.iter_mut().find(|(p, _)| *p == place) {
            Some((_, n)) => *n += 1,
            None => at.push((place, 1)),
        }
    }
    const SHOWN: usize = 3;
    for (i, (place, n)) in at.iter().take(SHOWN).enumerate() {
        let times = if *n > 1 {
            format!(" ({n} times)")
        } else {
            String::new()
        };
        let head = if i == 0 {
            "  at:       "
        } else {
            "            "
        };
        let _ = writeln!(out, "{head}{place}{times}");
    }
    if at.len() > SHOWN {
        let _ = writeln!(out, "            … and {} more steps", at.len() - SHOWN);
    }
    if let Some(ex) = f.exchange_in(first.step) {
        let target = first.run.target.as_deref().unwrap_or(&report.target);
        let var = report.token_env.as_deref().unwrap_or("SCIM_TOKEN");
        let _ = writeln!(out, "  replay:   {}", super::curl::command(ex, target, var));
        if super::curl::needs_kept(ex, first.run) {
            let _ = writeln!(
                out,
                "            (it reads what the run made, which cleanup deleted: rerun with --keep first)"
            );
        }
    }
    let _ = writeln!(out, "  rerun:    {}", rerun(report, first.run));
}

/// Every finding where it was made, and every exchange (`--verbose`).
fn everything(out: &mut String, report: &RunReport) {
    for run in &report.scenarios {
        for step in &run.steps {
            let _ = writeln!(
                out,
                "\n== {} [{}] › {}: {:?}",
                run.id,
                mode_label(run.mode),
                step.name,
                step.status
            );
            if let Some(note) = &step.note {
                let _ = writeln!(out, "   note: {note}");
            }
            for f in &step.findings {
                let rule = f.rule.map_or("expectation", |r| r.as_str());
                let _ = writeln!(out, "   {} ({}): {}", rule, f.level, f.message);
                if let Some(c) = &f.consequence_of {
                    let _ = writeln!(out, "     follows from the failure of `{c}`");
                }
            }
            for (i, ex) in step.exchanges.iter().enumerate() {
                if let Some(o) = step.omitted.filter(|o| o.after == i) {
                    let _ = writeln!(
                        out,
                        "\n   ... {} exchanges without findings left out (--exchanges-per-step)",
                        o.count
                    );
                }
                let _ = write!(out, "\n{ex}");
            }
        }
    }
}

/// The report for a terminal.
pub fn render(report: &RunReport, style: Style) -> String {
    let mut out = String::new();
    if style.verbosity == Verbosity::Verbose {
        everything(&mut out, report);
        out.push('\n');
    }
    scenarios(&mut out, report, style);
    let causes = report.root_causes();
    if !causes.is_empty() {
        let must = causes.iter().filter(|c| c.level == Level::Must).count();
        let _ = writeln!(
            out,
            "\nRoot causes: {must} that fail the run (MUST), {} warnings (SHOULD)",
            causes.len() - must
        );
        for c in &causes {
            if style.verbosity == Verbosity::Quiet && c.level != Level::Must {
                continue;
            }
            cause(&mut out, report, c, style);
        }
    }
    // Steps the halt left unrun are counted once below, not listed.
    let halted = report.incomplete.as_ref().map(|h| format!("not run: {h}"));
    let cut_short = |note: Option<&String>| halted.is_some() && note == halted.as_ref();
    let not_run: Vec<String> = report
        .scenarios
        .iter()
        .flat_map(|run| run.steps.iter().map(move |st| (run, st)))
        .filter(|(_, st)| st.status == Status::Skipped && !cut_short(st.note.as_ref()))
        .map(|(run, st)| {
            format!(
                "  {} [{}] › {}: {}",
                run.id,
                mode_label(run.mode),
                st.name,
                st.note.as_deref().unwrap_or("not run")
            )
        })
        .collect();
    if !not_run.is_empty() {
        let _ = writeln!(out, "\nSteps not run:");
        for l in not_run {
            let _ = writeln!(out, "{l}");
        }
    }
    let consequences = report.consequences();
    if consequences > 0 {
        let _ = writeln!(
            out,
            "\n{consequences} more failures follow from these: their steps needed what a failed step should have made, or they checked the body of an answer whose status was already wrong."
        );
    }
    if let Some(halt) = &report.incomplete {
        let steps = report
            .scenarios
            .iter()
            .flat_map(|r| &r.steps)
            .filter(|st| cut_short(st.note.as_ref()))
            .count();
        let runs = report
            .scenarios
            .iter()
            .filter(|r| r.skip_reason.as_ref() == halted.as_ref())
            .count();
        let _ = writeln!(
            out,
            "\n{} {halt}. Not run: {steps} steps of scenario runs under way, and {runs} scenario runs. What was judged above stands.",
            style.paint("31", "INCOMPLETE:")
        );
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\n{} passed, {} failed, {} skipped ({} warnings) in {} ms against {}",
        s.passed, s.failed, s.skipped, s.warnings, report.duration_ms, report.target
    );
    out
}
