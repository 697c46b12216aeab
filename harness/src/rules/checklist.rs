//! The RFC checklist (`docs/rfc-checklist.md`), embedded: its 148 rows with their ids,
//! sections and levels. RFC rules take their ids from it, so the catalogue can be listed in
//! the RFC's order and `docs/rfc-coverage.md` can say, row by row, what judges it.

use std::sync::LazyLock;

/// The checklist as the project keeps it.
const TEXT: &str = include_str!("../../../docs/rfc-checklist.md");

/// One requirement of the checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// Its id (`R7644-3.5.1-no-create`): the id of the rule that judges it.
    pub id: &'static str,
    /// The checklist's section, as headed (`K. Replace (PUT)`).
    pub section: &'static str,
    /// The RFC sections it comes from (`7643 3.1; 7644 3.3`).
    pub rfc: &'static str,
    /// Its level as the checklist gives it (`MUST`, `MUST*`, `SHOULD (if ...)`).
    pub level: &'static str,
    /// The requirement, paraphrased.
    pub requirement: &'static str,
}

/// Rows that never fail a server: where the RFC contradicts itself (the checklist's
/// Appendix B), the row only records behaviour. Each with why.
pub const NOT_JUDGED: &[(&str, &str)] = &[
    (
        "R7644-3.5.2.2-remove-nomatch",
        "the RFC contradicts itself (Appendix B.2): §3.5.2.2's text says removing a value that is not there is a success with no change, Table 9 defines `noTarget` for a filter that matches nothing",
    ),
    (
        "R7644-3.14-weak-if-match",
        "the RFC contradicts itself (Appendix B.10): every SCIM example sends weak tags in If-Match, which RFC 7232's strong comparison never matches",
    ),
    (
        "R7644-3.7.3-status-form",
        "the RFC contradicts itself (Appendix B.4): the §3.7.2 example nests `{\"code\": \"201\"}`, §3.7.3 writes a bare string",
    ),
];

/// Rules that judge a part of a row, under ids of their own: the row's rule, when there is
/// one, judges the rest. (rule, row)
pub const PARTS: &[(&str, &str)] = &[
    // A resource trimmed by `attributes` may drop `schemas` (Appendix B.9): a SHOULD there.
    ("R7643-3-schemas-projected", "R7643-3-schemas"),
    ("R7643-3.1-meta-lastModified", "R7643-3.1-meta-timestamps"),
    // A malformed filter warns; only an unknown operator fails (the checklist's header).
    ("R7644-3.12-invalidFilter", "R7644-3.4.2.2-invalid"),
];

static ROWS: LazyLock<Vec<Row>> = LazyLock::new(|| parse(TEXT));

/// Every row, in the checklist's order.
pub fn rows() -> &'static [Row] {
    &ROWS
}

/// The row with this id.
pub fn row(id: &str) -> Option<&'static Row> {
    rows().iter().find(|r| r.id == id)
}

/// The row a rule judges, or judges a part of.
pub fn row_of(rule: &str) -> Option<&'static Row> {
    let id = PARTS
        .iter()
        .find(|(r, _)| *r == rule)
        .map_or(rule, |(_, row)| *row);
    row(id)
}

/// Why a row is never judged, if it is not.
pub fn not_judged(id: &str) -> Option<&'static str> {
    NOT_JUDGED
        .iter()
        .find(|(r, _)| *r == id)
        .map(|(_, why)| *why)
}

/// The sections A to Q, in order, each once.
pub fn sections() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in rows() {
        if out.last() != Some(&r.section) {
            out.push(r.section);
        }
    }
    out
}

/// Reads the rows of the tables under the lettered sections (`## A. ...` to `## Q. ...`).
fn parse(text: &'static str) -> Vec<Row> {
    let mut out = Vec::new();
    let mut section: Option<&'static str> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            let lettered = heading.as_bytes().get(1) == Some(&b'.')
                && heading.as_bytes()[0].is_ascii_uppercase();
            section = lettered.then_some(heading.trim());
            continue;
        }
        let Some(section) = section else { continue };
        let cells: Vec<&'static str> = line.split(" | ").collect();
        let Some(id) = cells.first().and_then(|c| c.strip_prefix("| ")) else {
            continue;
        };
        if !(id.starts_with("R7643-") || id.starts_with("R7644-")) || cells.len() < 4 {
            continue;
        }
        out.push(Row {
            id: id.trim(),
            section,
            rfc: cells[1].trim(),
            level: cells[2].trim(),
            requirement: cells[3].trim(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checklist_has_its_148_rows_in_17_sections() {
        assert_eq!(rows().len(), 148);
        let sections = sections();
        assert_eq!(sections.len(), 17, "{sections:?}");
        assert!(sections[0].starts_with("A. "));
        assert!(sections[16].starts_with("Q. "));
        let ids: std::collections::BTreeSet<&str> = rows().iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), 148, "ids are unique");
        let put = row("R7644-3.5.1-no-create").unwrap();
        assert_eq!(put.section, "K. Replace (PUT)");
        assert_eq!(put.level, "MUST");
        for (id, _) in NOT_JUDGED {
            assert!(row(id).is_some_and(|r| r.level == "INFO"), "{id}");
        }
    }
}
