//! The crate graph points only downward (ARCHITECTURE.md draws it): each crate depends only
//! on the crates below it; the fault injection is no part of the reference server; and the
//! harness uses the reference server only through its embedding entry point, as a black box.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cargo(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .arg("--offline")
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap_or_default()
}

/// Each workspace crate's dependencies on workspace crates: (normal, dev).
fn graph() -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    let meta: serde_json::Value =
        serde_json::from_str(&cargo(&["metadata", "--format-version", "1", "--no-deps"]))
            .unwrap_or_default();
    let packages = meta["packages"].as_array().cloned().unwrap_or_default();
    let names: BTreeSet<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    let mut out = BTreeMap::new();
    for p in &packages {
        let mut normal = BTreeSet::new();
        let mut dev = BTreeSet::new();
        for d in p["dependencies"].as_array().into_iter().flatten() {
            let name = d["name"].as_str().unwrap_or_default().to_owned();
            if !names.contains(&name) {
                continue;
            }
            match d["kind"].as_str() {
                Some("dev") => dev.insert(name),
                _ => normal.insert(name),
            };
        }
        out.insert(
            p["name"].as_str().unwrap_or_default().to_owned(),
            (normal, dev),
        );
    }
    out
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn the_crate_graph_points_downward() {
    let graph = graph();
    // What each library crate may depend on: the crates below it.
    let allowed: [(&str, &[&str]); 7] = [
        ("scim-core", &[]),
        ("scim-client", &["scim-core"]),
        ("reference-server", &["scim-core"]),
        (
            "reference-server-faults",
            &["reference-server", "scim-core"],
        ),
        ("mock-okta", &["scim-core", "scim-client"]),
        (
            "scenario-format",
            &["scim-core", "scim-client", "mock-okta"],
        ),
        (
            "harness",
            &[
                "scim-core",
                "scim-client",
                "mock-okta",
                "scenario-format",
                "reference-server",
            ],
        ),
    ];
    for (krate, may) in allowed {
        let (normal, _) = graph
            .get(krate)
            .unwrap_or_else(|| panic!("no crate {krate}"));
        let may = set(may);
        let extra: Vec<&String> = normal.difference(&may).collect();
        assert!(extra.is_empty(), "{krate} depends on {extra:?}");
    }
    // The faults are only ever a dev-dependency.
    for (krate, (normal, _)) in &graph {
        assert!(
            !normal.contains("reference-server-faults"),
            "{krate} depends on the faults outside its tests"
        );
    }
    assert!(graph["harness"].1.contains("reference-server-faults"));
}

#[test]
fn a_release_build_of_the_server_holds_no_faults() {
    let tree = cargo(&[
        "tree",
        "-p",
        "reference-server",
        "-e",
        "normal",
        "--prefix",
        "none",
    ]);
    assert!(tree.contains("scim-core"), "{tree}");
    assert!(!tree.contains("fault"), "{tree}");
}

/// Every `reference_server::NAME` a file of the harness's library names.
fn names_used(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.map(|e| e.path()).unwrap_or_default();
        if path.is_dir() {
            names_used(&path, out);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (at, _) in text.match_indices("reference_server::") {
            let rest = &text[at + "reference_server::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
}

#[test]
fn the_harness_uses_the_reference_server_only_through_its_embedding_entry_point() {
    let mut used = BTreeSet::new();
    names_used(&root().join("harness/src"), &mut used);
    assert_eq!(used, set(&["Config", "Running", "spawn"]));
}
