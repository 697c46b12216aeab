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
