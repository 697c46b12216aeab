//! `docs/guide-coverage.md` maps the guide's sentences to rules and scenarios: every rule id
//! and scenario id it names exists, and every guide sentence it quotes is in the guide, so the
//! table cannot drift from the catalogue, the scenarios or the guide.

use std::collections::BTreeSet;

const TABLE: &str = include_str!("../../docs/guide-coverage.md");
const GUIDE: &str = include_str!("../../docs/fivetran-okta-scim-guide.md");

/// The text between backticks in a cell.
fn ticked(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

#[test]
fn every_rule_scenario_and_quote_in_the_guide_table_exists() {
    let (scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty(), "{errors:?}");
    let ids: BTreeSet<&str> = scenarios.iter().map(|l| l.scenario.id.as_str()).collect();
    let rows: Vec<Vec<&str>> = TABLE
        .lines()
        .filter(|l| l.starts_with("| \""))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    assert!(rows.len() >= 30, "{} rows", rows.len());
    let mut rules_named = 0;
    let mut scenarios_named = 0;
    for row in &rows {
        let [guide, rules, scenario_cell] = row.as_slice() else {
            panic!("a row of three cells: {row:?}")
        };
        for quote in guide.split(" / ") {
            let quote = quote.trim().trim_matches('"');
            assert!(GUIDE.contains(quote), "not in the guide: {quote:?}");
        }
        for id in ticked(rules) {
            assert!(harness::rules::find(id).is_some(), "no rule {id:?}");
            rules_named += 1;
        }
        for id in ticked(scenario_cell)
            .into_iter()
            .filter(|t| t.contains('.') && !t.contains('/'))
        {
            assert!(ids.contains(id), "no scenario {id:?}");
            scenarios_named += 1;
        }
    }
    assert!(rules_named >= 30 && scenarios_named >= 30);
}
