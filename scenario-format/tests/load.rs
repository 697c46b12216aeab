//! The loader: every problem of a file, each located by the YAML parser with a caret and a
//! suggestion, type errors in plain words, and no problem reported twice; and the model it
//! builds is the one serde's own YAML reader builds, for every shipped file.

use std::path::{Path, PathBuf};

use scenario_format::{Diagnostic, RuleIds, RuleKind, Scenario, load_str};

/// A catalogue of three rules.
struct Rules;

impl RuleIds for Rules {
    fn kind(&self, id: &str) -> Option<RuleKind> {
        match id {
            "okta.assign.creates-user" | "okta.filter.username-eq" => Some(RuleKind::Flow),
            "R7644-3.12-error-envelope" => Some(RuleKind::Exchange),
            _ => None,
        }
    }

    fn ids(&self) -> Vec<&str> {
        vec![
            "okta.assign.creates-user",
            "okta.filter.username-eq",
            "R7644-3.12-error-envelope",
        ]
    }
}

const GOOD: &str = r#"version: 1
id: demo
title: A demo
fixtures:
  users:
    alice: {first_name: Alice, last_name: Liddell}
steps:
  - name: assign
    okta: {assign_user: {user: alice, role: Account Analyst}}
    expect: {outcome: succeeded, rule: okta.assign.creates-user}
  - name: read
    scim: {method: GET, path: "/Users/${users.alice.id}"}
    expect:
      status: 200
      body:
        - {path: $.active, equals: true}
    capture: {alice_id: $.id}
  - name: again
    scim: {method: GET, path: "/Users/${alice_id}"}
"#;

fn errors(text: &str) -> Vec<Diagnostic> {
    load_str("f.yaml", text, &Rules).unwrap_err()
}

fn at(d: &Diagnostic) -> (usize, usize) {
    (d.line, d.column)
}

#[test]
fn a_good_scenario_loads() {
    let s = load_str("good.yaml", GOOD, &Rules).unwrap();
    assert_eq!(s.steps.len(), 3);
}

#[test]
fn unknown_fields_and_variants_are_located_with_a_suggestion() {
    let e = &errors(&GOOD.replace("assign_user: {user", "asign_user: {user"))[0];
    assert_eq!(at(e), (9, 12));
    assert_eq!(e.help.as_deref(), Some("did you mean `assign_user`?"));
    let shown = e.to_string();
    assert!(shown.contains("--> f.yaml:9:12"), "{shown}");
    assert!(shown.contains("9 |     okta: {asign_user"), "{shown}");
    assert!(shown.contains("  |            ^"), "{shown}");

    let e = &errors(&GOOD.replace("role: Account", "rol: Account"))[0];
    assert_eq!(e.help.as_deref(), Some("did you mean `role`?"));
    assert_eq!(at(e), (9, 39));
}

#[test]
fn semantic_errors_are_located_too() {
    let e = &errors(&GOOD.replace("okta.assign.creates-user", "okta.asign.creates-user"))[0];
    assert_eq!(at(e), (10, 40));
    assert_eq!(
        e.help.as_deref(),
        Some("did you mean `okta.assign.creates-user`?")
    );

    let e = &errors(&GOOD.replace("{user: alice,", "{user: alcie,"))[0];
    assert_eq!(e.message, "`alcie` is not a fixture user");
    assert_eq!(e.help.as_deref(), Some("did you mean `alice`?"));
    assert_eq!(at(e), (9, 32));

    let e = &errors(&GOOD.replace("/Users/${alice_id}", "/Users/${alice_di}"))[0];
    assert_eq!(e.message, "`${alice_di}` is not defined at this step");
    assert_eq!(e.help.as_deref(), Some("did you mean `${alice_id}`?"));
    assert_eq!(at(e), (19, 39));

    let e = &errors(&GOOD.replace("equals: true}", "equals: true, exists: true}"))[0];
    assert!(e.message.contains("exactly one of"), "{e}");
    assert_eq!(at(e), (16, 11));

    let e = &errors(&GOOD.replace(
        "rule: okta.assign.creates-user",
        "rule: R7644-3.12-error-envelope",
    ))[0];
    assert!(e.message.contains("is an exchange rule"), "{e}");
}

#[test]
fn an_undefined_variable_in_a_body_path_is_reported_once() {
    let errors = errors(&GOOD.replace("{path: $.active,", r#"{path: "$.${nope}","#));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].message, "`${nope}` is not defined at this step");
    assert_eq!(at(&errors[0]), (16, 21));
}

#[test]
fn an_expectation_that_checks_nothing_is_rejected() {
    let errors = errors(&GOOD.replace(
        "expect: {outcome: succeeded, rule: okta.assign.creates-user}",
        "expect: {rule: okta.assign.creates-user}",
    ));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].message, "step `assign`: `expect` checks nothing");
    assert_eq!(at(&errors[0]), (10, 5));
}

#[test]
fn a_step_is_located_by_its_place_not_its_name() {
    let text = r#"version: 1
id: twins
title: Two steps with one name
steps:
  - name: list
    scim: {method: GET, path: /Users}
  # a comment between steps
  -   name: list
      scim: {method: GET, path: /Users}
      repeat: 2
      okta: import_now
  - scim: {method: GET, path: /Groups}
    name: list
    reference: {plan: starter}
"#;
    let errors = errors(text);
    let places: Vec<(usize, usize)> = errors.iter().map(at).collect();
    // Step 2 has two kinds; step 3 too, and needs `requires.reference`.
    assert_eq!(places, [(8, 7), (12, 5), (14, 5)], "{errors:#?}");
    assert!(errors[0].message.contains("exactly one of"));
    assert!(errors[2].message.contains("requires: {reference: true}"));
}

#[test]
fn every_problem_of_a_file_is_reported() {
    let text = r#"version: 1
id: many
title: Several mistakes
fixtures:
  users:
    alice: {first_name: Alice, last_nmae: Liddell}
steps:
  - name: one
    okta: {asign_user: {user: alice}}
  - name: two
    scim: {method: GET, path: /Users}
    expect: {status: lots}
  - name: three
    scim: {method: FETCH, path: /Users}
    repat: 2
"#;
    let errors = errors(text);
    let shown: Vec<(usize, usize, &str)> = errors
        .iter()
        .map(|e| (e.line, e.column, e.message.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            (
                6,
                32,
                "unknown field `last_nmae`; expected one of `first_name`, `last_name`"
            ),
            (
                9,
                12,
                "unknown action `asign_user`; expected one of `test_api_credentials`, `save_settings`, `settings`, `assign_user`, `assign_users`, `assign_group`, `add_group_member`, `remove_group_member`, `update_user`, `set_role`, `unassign_user`, `deactivate_user`, `reactivate_user`, `suspend_user`, `unsuspend_user`, `provision_user`, `import_now`, `confirm_assignments`, `push_group`, `push_now`, `rename_group`, `unlink_group`, `retry_task`"
            ),
            (
                12,
                22,
                "expected an HTTP status code (a whole number) or a list of them, found the text \"lots\""
            ),
            (
                14,
                20,
                "unknown method `FETCH`; expected one of `GET`, `POST`, `PUT`, `PATCH`, `DELETE`"
            ),
            (
                15,
                5,
                "unknown field `repat`; expected one of `name`, `okta`, `scim`, `reference`, `repeat`, `expect`, `capture`"
            ),
        ],
        "{errors:#?}"
    );
    assert_eq!(errors[0].help.as_deref(), Some("did you mean `last_name`?"));
    assert_eq!(errors[4].help.as_deref(), Some("did you mean `repeat`?"));
}

#[test]
fn type_errors_read_as_plain_words() {
    let message = |from: &str, to: &str| errors(&GOOD.replace(from, to))[0].message.clone();
    assert_eq!(
        message("version: 1", "version: one"),
        "expected a whole number, found the text \"one\""
    );
    assert_eq!(
        message("status: 200", "status: 70000"),
        "expected an HTTP status code (a whole number) or a list of them, found the number 70000"
    );
    assert_eq!(
        message("status: 200", "status: [200, x]"),
        "expected a whole number from 0 to 65535, found the text \"x\""
    );
    assert_eq!(
        message("equals: true}", "equals: true, exists: maybe}"),
        "expected true or false, found the text \"maybe\""
    );
    assert_eq!(
        message("title: A demo", "title: [A, demo]"),
        "expected text, found a list"
    );
    assert_eq!(
        message("  - name: again\n", "  - nme: again\n"),
        "unknown field `nme`; expected one of `name`, `okta`, `scim`, `reference`, `repeat`, `expect`, `capture`"
    );
}

#[test]
fn a_problem_that_follows_from_another_is_not_reported() {
    // A step whose required `name` is unusable: one problem, not also "missing `name`".
    let found = errors(&GOOD.replace("  - name: again\n", "  - name: [again]\n"));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].message, "expected text, found a list");
    // A required top-level field that is missing is reported, once.
    let found = errors(&GOOD.replace("title: A demo\n", ""));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].message, "missing `title`");
    assert_eq!(at(&found[0]), (1, 1));
}

#[test]
fn syntax_errors_and_duplicate_keys_are_located() {
    let e = &errors("version: 1\nid: x\nid: y\n")[0];
    assert_eq!(e.message, "the key `id` appears twice");
    assert_eq!(at(e), (3, 1));
    let e = &errors("version: 1\nsteps: [\n")[0];
    assert!(e.line >= 2, "{e}");
    let e = &errors("")[0];
    assert!(e.message.starts_with("expected a mapping"), "{e}");
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

/// The shipped scenarios and the harness's own test scenarios that load.
fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    yaml_files(&root.join("scenarios"), &mut files);
    yaml_files(&root.join("harness/tests/outcomes/pass"), &mut files);
    yaml_files(&root.join("harness/tests/outcomes/fail"), &mut files);
    assert!(files.len() > 30);
    files
}

#[test]
fn the_model_is_the_one_serdes_yaml_reader_builds() {
    struct Any;
    impl RuleIds for Any {
        fn kind(&self, _: &str) -> Option<RuleKind> {
            Some(RuleKind::Flow)
        }
        fn ids(&self) -> Vec<&str> {
            Vec::new()
        }
    }
    for file in corpus() {
        let text = std::fs::read_to_string(&file).unwrap();
        let ours =
            load_str("f.yaml", &text, &Any).unwrap_or_else(|e| panic!("{}: {e:?}", file.display()));
        let theirs: Scenario = serde_saphyr::from_str(&text).unwrap();
        if !theirs.fixtures.crowds.is_empty() {
            // The loader turns crowds into users after reading (tested in `crowds.rs`).
            assert_eq!(ours.fixtures.crowds, theirs.fixtures.crowds);
            assert_eq!(ours.steps.len(), theirs.steps.len());
            continue;
        }
        assert_eq!(ours, theirs, "{}", file.display());
    }
}

#[test]
fn a_real_problem_next_to_a_removed_one_is_still_reported() {
    let text = "version: 1\nid: x\ntitle: t\nsteps:\n  - scim: {method: FETCH, path: /Users}\n";
    let messages: Vec<String> = errors(text).into_iter().map(|e| e.message).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with("missing `name`"), "{messages:?}");
    assert!(
        messages[1].starts_with("unknown method `FETCH`"),
        "{messages:?}"
    );

    let text = "version: one\nid: x\nsteps:\n  - {name: s, okta: import_now}\n";
    let messages: Vec<String> = errors(text).into_iter().map(|e| e.message).collect();
    assert_eq!(
        messages,
        [
            "missing `title`",
            "expected a whole number, found the text \"one\""
        ]
    );
}

#[test]
fn nothing_is_not_text_but_a_quoted_number_is_a_number() {
    let e = &errors(&GOOD.replace("title: A demo", "title:"))[0];
    assert_eq!(e.message, "expected text, found nothing (null)");
    let e = &errors(&GOOD.replace("title: A demo", "title: ~"))[0];
    assert_eq!(e.message, "expected text, found nothing (null)");
    assert_eq!(
        load_str(
            "f.yaml",
            &GOOD.replace("title: A demo", "title: '~'"),
            &Rules
        )
        .unwrap()
        .title,
        "~"
    );
    let quoted = GOOD
        .replace("version: 1", "version: \"1\"")
        .replace("status: 200", "status: '200'");
    let s = load_str("f.yaml", &quoted, &Rules).unwrap();
    assert_eq!(s.version, 1);
    assert_eq!(
        errors(&GOOD.replace("  - name: again\n", "  - name: again\n    repeat: -1\n"))[0].message,
        "expected a whole number, found the number -1"
    );
    let e = &errors(&GOOD.replace(
        "scim: {method: GET, path: \"/Users/${alice_id}\"}",
        "scim: {method: GET, path: \"/Users/${alice_id}\", auth: }",
    ))[0];
    assert!(e.message.starts_with("expected one of `token`"), "{e}");
    assert!(e.message.ends_with("found nothing (null)"), "{e}");
    let e = &errors(&GOOD.replace("equals: true}", "equals: .inf}"))[0];
    assert_eq!(
        e.message,
        "expected a number JSON can hold, found the number inf"
    );
}

#[test]
fn an_undefined_variable_points_at_its_use() {
    let text = GOOD.replace(
        "  - name: again\n    scim: {method: GET, path: \"/Users/${alice_id}\"}\n",
        "  - name: \"again ${nope}\"\n    scim: {method: GET, path: \"/Users/$${nope}/${ nope }\", headers: {X-A: \"${nope}\"}}\n",
    );
    let found = errors(&text);
    assert_eq!(
        found.len(),
        1,
        "one problem, however often it is used: {found:#?}"
    );
    assert_eq!(found[0].message, "`${nope}` is not defined at this step");
    // Not the step's name, not the escaped `$${nope}`: the `${ nope }` of the path.
    assert_eq!(at(&found[0]), (19, 48));
}

#[test]
fn a_file_reports_at_most_so_many_problems() {
    let mut text = String::from("version: 1\nid: many\ntitle: t\nsteps:\n");
    for i in 0..200 {
        text.push_str(&format!("  - {{name: s{i}, okta: nope, repat: 2}}\n"));
    }
    let found = errors(&text);
    assert_eq!(found.len(), scenario_format::MAX_PROBLEMS);
}

#[test]
fn lone_carriage_returns_break_lines_as_yaml_does() {
    let text = GOOD
        .replace('\n', "\r")
        .replace("/Users/${alice_id}", "/Users/${alice_di}");
    let e = &errors(&text)[0];
    assert_eq!(at(e), (19, 39));
    assert_eq!(
        e.source_line.as_deref(),
        Some("    scim: {method: GET, path: \"/Users/${alice_di}\"}")
    );
}

#[cfg(unix)]
#[test]
fn a_link_loop_ends_and_loads_each_file_once() {
    let dir = std::env::temp_dir().join(format!("scenario-format-links-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("good.yaml"), GOOD).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("a")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("b")).unwrap();
    let (loaded, found) = scenario_format::load_paths(&[dir.clone(), dir.join("a")], &Rules);
    assert_eq!(loaded.len(), 1);
    assert!(found.is_empty(), "{found:#?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_previous_token_needs_a_regeneration_before_it() {
    let text = r#"version: 1
id: token
title: The old token
requires: {reference: true}
steps:
  - name: too early
    scim: {method: GET, path: /Users, auth: previous_token}
  - name: regenerate
    reference: regenerate_token
  - name: in time
    scim: {method: GET, path: /Users, auth: previous_token}
"#;
    let errors = errors(text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0]
            .message
            .contains("needs an earlier `reference: regenerate_token` step"),
        "{}",
        errors[0].message
    );
    assert_eq!(at(&errors[0]).0, 7);
}
