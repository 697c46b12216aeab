//! Expected-outcome folders (`tests/outcomes/`): scenarios that must pass against the reference
//! server, scenarios that must fail with the rules named in their first line
//! (`# fails: rule, rule, (expectation)`), and files that must be rejected at load. Each report
//! is snapshotted, with run prefixes, ids, ports and timings redacted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use harness::report::terminal::{self, Style};
use harness::runner::{self, RunConfig, Target};
use harness::scenario::{self, ClientMode};

fn folder(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/outcomes")
        .join(name)
}

fn files(name: &str) -> Vec<PathBuf> {
    let mut f: Vec<PathBuf> = std::fs::read_dir(folder(name))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    f.sort();
    assert!(!f.is_empty(), "{} holds no files", folder(name).display());
    f
}

/// Removes what changes from run to run.
fn redact(text: &str) -> String {
    // Okta ids first: one may hold what looks like a run prefix (`h` and 7 hex digits).
    let rules = [
        (r"00u[0-9A-Za-z]{17}", "[okta-id]"),
        (r"h[0-9a-f]{7}", "[run]"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[id]",
        ),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
        (r"in \d+ ms", "in [n] ms"),
    ];
    let mut out = text.to_owned();
    for (re, with) in rules {
        out = regex::Regex::new(re)
            .unwrap()
            .replace_all(&out, with)
            .into_owned();
    }
    // Paths differ between machines.
    out.replace(&folder("").display().to_string(), "outcomes/")
}

async fn run(path: &Path) -> harness::report::RunReport {
    let (loaded, errors) = scenario::load_paths(&[path.to_owned()], &harness::rules::Catalogue);
    assert!(
        errors.is_empty(),
        "{}",
        errors.iter().map(ToString::to_string).collect::<String>()
    );
    let mut config = RunConfig::new(Target::Reference);
    config.modes = vec![ClientMode::OinPatch];
    runner::run(&config, &loaded, &|_| {}).await.unwrap()
}

#[tokio::test]
async fn pass_folder_passes() {
    for f in files("pass") {
        let report = run(&f).await;
        assert!(
            report.passed(),
            "{}",
            terminal::render(&report, Style::default())
        );
        assert_eq!(report.summary.failed, 0);
    }
}

#[tokio::test]
async fn fail_folder_fails_with_the_named_rules() {
    for f in files("fail") {
        let text = std::fs::read_to_string(&f).unwrap();
        let want: BTreeSet<String> = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# fails:"))
            .unwrap_or_else(|| panic!("{} lacks a `# fails:` line", f.display()))
            .split(',')
            .map(|s| s.trim().to_owned())
            .collect();
        let report = run(&f).await;
        assert!(!report.passed(), "{} should fail", f.display());
        let got: BTreeSet<String> = report
            .findings()
            .filter(|f| f.is_failure())
            .map(|f| f.rule.map_or("(expectation)", |r| r.as_str()).to_owned())
            .collect();
        assert_eq!(got, want, "{}", f.display());
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(
            format!("fail_{name}"),
            redact(&terminal::render(&report, Style::default()))
        );
    }
}

#[test]
fn reject_folder_is_rejected_with_located_errors() {
    for f in files("reject") {
        let (loaded, errors) =
            scenario::load_paths(std::slice::from_ref(&f), &harness::rules::Catalogue);
        assert!(
            loaded.is_empty() && !errors.is_empty(),
            "{} should be rejected",
            f.display()
        );
        let shown: String = errors.iter().map(ToString::to_string).collect();
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("reject_{name}"), redact(&shown));
    }
}
