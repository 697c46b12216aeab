//! The HTML report in a real browser: headless Chromium (Debian's `chromium` package) opens
//! the page of a run against a broken server, runs its script, and the DOM it leaves says that
//! the failing rule shows, that the failures-only filter hides what passed, that each copy
//! button holds its command, that the layout did not collapse, and that nothing went wrong in
//! the console. A screenshot is kept in `target/browser/` (not committed).
//!
//! `cargo test` alone does not run it (it needs Chromium): this ignored test says so in every
//! run. `.ci/run` installs Chromium when it is missing and runs it
//! (`cargo test -p harness --test browser -- --ignored`).

use std::path::{Path, PathBuf};
use std::process::Command;

use harness::runner::{self, RunConfig, StartReference, Target};
use harness::scenario::{ClientMode, Loaded};
use reference_server_faults::Fault;

fn chromium() -> PathBuf {
    let candidates = ["chromium", "chromium-browser", "google-chrome"];
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            candidates.iter().find_map(|c| {
                Command::new("which")
                    .arg(c)
                    .output()
                    .ok()
                    .filter(|o| o.status.success())
                    .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
            })
        })
        .expect("no Chromium: install Debian's chromium package, or set CHROMIUM")
}

/// Runs Chromium headless on `url` with `extra` flags; its stdout and stderr.
fn headless(url: &str, extra: &[&str], dir: &Path) -> (String, String) {
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {out:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The opening tag of the element with this id.
fn tag_of<'a>(dom: &'a str, id: &str) -> &'a str {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element {id}"));
    let start = dom[..at].rfind('<').unwrap();
    let end = at + dom[at..].find('>').unwrap();
    &dom[start..=end]
}

/// An attribute of the `<html>` element.
fn root_attr<'a>(dom: &'a str, name: &str) -> Option<&'a str> {
    let html = &dom[dom.find("<html")?..];
    let html = &html[..html.find('>')?];
    let at = html.find(&format!("{name}=\""))? + name.len() + 2;
    Some(&html[at..at + html[at..].find('"')?])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs headless Chromium (Debian's chromium package); .ci/run installs and runs it"]
async fn the_report_works_in_a_browser() {
    let (scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    let ids = ["assignment.create", "rfc.discovery"];
    let chosen: Vec<Loaded> = scenarios
        .into_iter()
        .filter(|l| ids.contains(&l.scenario.id.as_str()))
        .collect();
    let mut config = RunConfig::new(Target::Reference);
    config.modes = vec![ClientMode::OinPatch];
    config.start_reference = StartReference::new(|server| {
        Box::pin(async move { reference_server_faults::spawn(&server, &[Fault::NoLocation]).await })
    });
    let report = runner::run(&config, &chosen, &|_| {}).await.unwrap();
    assert!(
        !report.passed(),
        "the broken server fails assignment.create"
    );

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("report.html");
    std::fs::write(&page, harness::report::html::render(&report)).unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());

    let (dom, console) = headless(&format!("{url}#failures-only"), &["--dump-dom"], &dir);
    assert_eq!(
        root_attr(&dom, "data-script"),
        Some("ran"),
        "the script ran to its end"
    );
    for line in console.lines() {
        assert!(
            !(line.contains("CONSOLE") && (line.contains("Uncaught") || line.contains("Error"))),
            "a console error: {line}"
        );
    }
    // The failing rule is named where a reader starts.
    let causes = &dom[dom.find("id=\"causes\"").unwrap()..dom.find("id=\"scenarios\"").unwrap()];
    assert!(causes.contains("R7644-3.3-create-location"));
    // Failures only: the scenario that passed is hidden, the one that failed is not.
    let failed = tag_of(&dom, "run-assignment-create-oin-patch");
    let passed = tag_of(&dom, "run-rfc-discovery-oin-patch");
    assert!(!failed.contains("hidden"), "{failed}");
    assert!(passed.contains("hidden"), "{passed}");
    // Each copy button names the command it copies, and that command is the replay.
    let button = tag_of(&dom, "cause-0-replay");
    assert!(button.starts_with("<code"));
    let replay = &dom[dom.find("id=\"cause-0-replay\">").unwrap()..];
    assert!(replay["id=\"cause-0-replay\">".len()..].starts_with("curl "));
    assert!(dom.contains("data-copy=\"cause-0-replay\""));
    // The layout did not collapse: every section takes room, and the page has a sane height.
    assert_eq!(
        root_attr(&dom, "data-laid-out"),
        Some("matrix causes scenarios rules")
    );
    assert_eq!(
        root_attr(&dom, "data-badges-readable"),
        Some("yes"),
        "a verdict badge's text is the colour of its background"
    );
    let height: u32 = root_attr(&dom, "data-height").unwrap().parse().unwrap();
    assert!((800..200_000).contains(&height), "page height {height}px");

    // A screenshot, for a person to look at (an artifact, not committed).
    let shot = dir.join("report.png");
    headless(
        &url,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600",
        ],
        &dir,
    );
    assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000));
}
