//! Files generated from code must be current, and every shipped scenario must validate against
//! the committed JSON Schema (the one editors use).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

#[test]
fn the_json_schema_is_current() {
    assert!(
        read("schemas/scenario-v1.json") == harness::cli::schema_text(),
        "schemas/scenario-v1.json is stale: run `cargo run -p harness -- schema > schemas/scenario-v1.json`"
    );
}

#[test]
fn the_report_schema_is_current() {
    assert!(
        read("schemas/report-v1.json") == harness::cli::report_schema_text(),
        "schemas/report-v1.json is stale: run `cargo run -p harness -- schema report > schemas/report-v1.json`"
    );
}

/// The catalogue keeps to the id shape the report's schema gives rule ids.
#[test]
fn every_rule_id_has_the_schema_s_shape() {
    let shape = regex::Regex::new(harness::rules::RULE_ID_PATTERN).unwrap();
    for rule in harness::rules::CATALOGUE {
        assert!(shape.is_match(rule.id), "{}", rule.id);
    }
}

#[test]
fn the_rules_doc_is_current() {
    assert!(
        read("docs/rules.md") == harness::cli::rules_text(harness::cli::RulesFormat::Markdown),
        "docs/rules.md is stale: run `cargo run -p harness -- rules --format markdown > docs/rules.md`"
    );
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

#[test]
fn every_shipped_scenario_validates_against_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&read("schemas/scenario-v1.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut files = Vec::new();
    yaml_files(&root().join("scenarios"), &mut files);
    assert!(!files.is_empty());
    for f in files {
        let value: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {}", f.display(), errors.join("; "));
    }
}

#[test]
fn every_shipped_scenario_loads() {
    let (loaded, errors) = harness::cli::load(&[root().join("scenarios")]);
    assert!(
        errors.is_empty(),
        "{}",
        errors.iter().map(ToString::to_string).collect::<String>()
    );
    let (builtin, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    assert_eq!(
        builtin.len(),
        loaded.len(),
        "the binary embeds every scenario"
    );
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let schema: serde_json::Value =
        serde_json::from_str(&read("schemas/scenario-v1.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let bad = serde_json::json!({"version": 1, "id": "x", "title": "t", "steps": [{"name": "s", "okta": "import_now", "surprise": 1}]});
    assert!(
        !validator.is_valid(&bad),
        "unknown fields are errors in the schema too"
    );
}

/// The first table after `heading` in a markdown text: each row's first cell and second
/// cell.
fn table<'a>(doc: &'a str, heading: &str) -> Vec<(&'a str, &'a str)> {
    let start = doc
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no heading {heading:?}"));
    doc[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // the header and the separator
        .map(|row| {
            let mut cells = row.split(" | ");
            let first = cells.next().unwrap_or("").trim_start_matches("| ");
            (first, cells.next().unwrap_or(""))
        })
        .collect()
}

/// The names a cell spells in backticks (`` `role?` `` and `` `equals: v` `` give `role` and
/// `equals`), in order.
fn names(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|n| {
            n.split([':', ' '])
                .next()
                .unwrap_or("")
                .trim_end_matches('?')
                .to_owned()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

fn properties(schema: &serde_json::Value) -> std::collections::BTreeSet<String> {
    schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn the_format_references_field_tables_match_the_types() {
    let doc = read("docs/scenario-format.md");
    let schema: serde_json::Value = serde_json::from_str(&harness::cli::schema_text()).unwrap();
    let defs = &schema["$defs"];
    let tables = [
        ("### The file", &schema),
        ("### requires", &defs["Requires"]),
        ("### fixtures", &defs["Fixtures"]),
        ("### steps", &defs["Step"]),
        ("### SCIM requests", &defs["ScimRequest"]),
        ("### expect", &defs["Expect"]),
        ("### Checks", &defs["ValueCheck"]),
    ];
    for (heading, def) in tables {
        let documented: std::collections::BTreeSet<String> = table(&doc, heading)
            .iter()
            .flat_map(|(first, _)| names(first))
            .collect();
        assert_eq!(documented, properties(def), "the table under {heading:?}");
    }

    // The Okta actions: every action and each one's fields.
    let mut actions = std::collections::BTreeMap::new();
    for variant in defs["Action"]["oneOf"].as_array().unwrap() {
        if let Some(word) = variant["const"].as_str() {
            actions.insert(word.to_owned(), std::collections::BTreeSet::new());
            continue;
        }
        let (name, body) = variant["properties"]
            .as_object()
            .unwrap()
            .iter()
            .next()
            .unwrap();
        let fields = match body.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => properties(&defs[r.trim_start_matches("#/$defs/")]),
            None => properties(body),
        };
        actions.insert(name.clone(), fields);
    }
    let mut documented = std::collections::BTreeMap::new();
    for (first, second) in table(&doc, "### Okta actions") {
        for action in names(first) {
            documented.insert(action, names(second).into_iter().collect());
        }
    }
    assert_eq!(documented, actions, "the table under \"### Okta actions\"");
}
