//! The terminal report: progress while running (a bar on a terminal, plain lines otherwise),
//! then each failure with its rule, citation, expected and actual values and a `curl` that
//! replays it, and a closing line. No colour under `NO_COLOR` or off a terminal.

use std::fmt::Write as _;

use indicatif::{ProgressBar, ProgressStyle};

use super::{RunReport, Status};
use crate::runner::Event;

/// How to print (the default: no colour, no bar).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// A progress bar (a terminal), or a line per scenario run.
    pub bar: bool,
}

impl Style {
    /// Colour and bar when stdout is a terminal, colour unless `NO_COLOR` is set.
    pub fn detect() -> Style {
        use std::io::IsTerminal;
        let tty = std::io::stdout().is_terminal();
        Style {
            color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            bar: tty,
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

/// Progress while the run goes on.
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
                let label = match run.status {
                    Status::Passed => self.style.paint("32", "PASS"),
                    Status::Failed => self.style.paint("31", "FAIL"),
                    Status::Skipped => self.style.paint("33", "SKIP"),
                };
                let line = format!("{label} {} [{}]", run.id, run.mode);
                match &self.bar {
                    Some(bar) => {
                        bar.inc(1);
                        bar.set_message(run.id.clone());
                        if run.status == Status::Failed {
                            bar.println(line);
                        }
                    }
                    None => println!("{line}"),
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

/// The failures (and warnings) and the closing line.
pub fn render(report: &RunReport, style: Style) -> String {
    let mut out = String::new();
    for run in &report.scenarios {
        for step in &run.steps {
            for f in &step.findings {
                let (label, code) = if f.is_failure() {
                    ("FAIL", "31")
                } else {
                    ("WARN", "33")
                };
                let _ = writeln!(
                    out,
                    "\n{} {} [{}] › {}",
                    style.paint(code, label),
                    run.id,
                    run.mode,
                    step.name
                );
                let rule = match (&f.rule, f.profile) {
                    (Some(id), Some(p)) => format!("{id} ({}, {p})", f.level),
                    _ => format!("scenario expectation ({})", f.level),
                };
                let _ = writeln!(out, "  rule:     {rule}");
                let _ = writeln!(out, "  problem:  {}", f.message);
                if let Some(c) = &f.citation {
                    let _ = writeln!(out, "  cites:    {c}");
                }
                if let Some(e) = &f.expected {
                    let _ = writeln!(out, "  expected: {e}");
                }
                if let Some(a) = &f.actual {
                    let _ = writeln!(out, "  actual:   {a}");
                }
                let exchange = f
                    .exchange
                    .and_then(|i| step.exchanges.get(i))
                    .or_else(|| step.exchanges.last());
                if let Some(ex) = exchange {
                    let _ = writeln!(
                        out,
                        "  replay:   {}",
                        super::curl::command(ex, run.target.as_deref().unwrap_or(&report.target))
                    );
                }
            }
            if step.status == Status::Skipped
                && let Some(note) = &step.note
            {
                let _ = writeln!(
                    out,
                    "\n{} {} [{}] › {}: {note}",
                    style.paint("33", "SKIP"),
                    run.id,
                    run.mode,
                    step.name
                );
            }
        }
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\n{} passed, {} failed, {} skipped ({} warnings) in {} ms against {}",
        s.passed, s.failed, s.skipped, s.warnings, report.duration_ms, report.target
    );
    out
}
