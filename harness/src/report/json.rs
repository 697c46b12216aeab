//! The JSON report: the [`RunReport`] as it is, with a `format_version`.

use super::RunReport;

/// The report as pretty JSON.
pub fn render(report: &RunReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}
