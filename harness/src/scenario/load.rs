//! Loading scenario files: YAML into the model, then the checks YAML cannot express, each
//! error located (file:line:column), shown with its line and a caret, and with a "did you
//! mean" where a near name exists.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use mock_okta::Slot;

use super::model::{Action, Auth, BodyCheck, Operand, Scenario, Step, ValueCheck};
use super::{nearest, vars};
use crate::rules;

/// A problem in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The offending line of the file.
    pub source_line: Option<String>,
    /// A suggestion.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file (it cannot be read, or does not exist): no line to show.
    fn file_only(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
            help: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if self.line == 0 {
            writeln!(f, "  --> {}", self.file)?;
        } else {
            writeln!(f, "  --> {}:{}:{}", self.file, self.line, self.column)?;
        }
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {src}")?;
            writeln!(f, "{pad} | {}^", " ".repeat(self.column.saturating_sub(1)))?;
        }
        if let Some(h) = &self.help {
            writeln!(f, "  = help: {h}")?;
        }
        Ok(())
    }
}

/// A scenario and the file it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// The file, as given.
    pub path: String,
    /// The scenario.
    pub scenario: Scenario,
}

struct Source<'a> {
    file: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn at(
        &self,
        line: usize,
        column: usize,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        Diagnostic {
            file: self.file.to_owned(),
            line,
            column,
            message: message.into(),
            source_line: (line > 0)
                .then(|| self.text.lines().nth(line - 1).map(str::to_owned))
                .flatten(),
            help,
        }
    }

    /// Locates `needle` (the first occurrence at or after line `from`), for errors found after
    /// parsing, when only the offending text is known.
    fn find(
        &self,
        needle: &str,
        from: usize,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        for (i, line) in self.text.lines().enumerate().skip(from.saturating_sub(1)) {
            if let Some(col) = line.find(needle) {
                return self.at(i + 1, line[..col].chars().count() + 1, message, help);
            }
        }
        self.at(0, 0, message, help)
    }

    /// The line where each step's entry starts (the `- ` items of the block sequence under the
    /// top-level `steps:`), in order. Empty when the steps are not written as a block sequence.
    fn step_lines(&self) -> Vec<usize> {
        let mut lines = self.text.lines().enumerate();
        if !lines.any(|(_, l)| l.starts_with("steps:")) {
            return Vec::new();
        }
        let mut indent = None;
        let mut out = Vec::new();
        for (i, l) in lines {
            let item = l.trim_start();
            if item.is_empty() || item.starts_with('#') {
                continue;
            }
            let depth = l.len() - item.len();
            let entry = item.starts_with("- ") || item == "-";
            match indent {
                None if entry => indent = Some(depth),
                None => break,
                Some(d) if depth < d || (depth == d && !entry) => break,
                Some(_) => {}
            }
            if indent == Some(depth) {
                out.push(i + 1);
            }
        }
        out
    }

    /// The line of step number `index` (0-based): where its entry starts, or else the first
    /// line naming it.
    fn step_line(&self, lines: &[usize], index: usize, step: &Step) -> usize {
        lines.get(index).copied().unwrap_or_else(|| {
            self.text
                .lines()
                .position(|l| l.contains("name:") && l.contains(step.name.as_str()))
                .map_or(0, |i| i + 1)
        })
    }
}

/// Reads "unknown field `x`, expected one of a, b" (and the variant and `a` or `b` forms) to
/// suggest the nearest expected name.
fn suggest_from_serde(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let got = &message[start..start + message[start..].find('`')?];
    let expected = &message[message.find("expected")? + "expected".len()..];
    let expected = expected.trim_start_matches(" one of").trim();
    let names: Vec<&str> = expected
        .split([',', ' '])
        .map(|s| s.trim_matches(|c: char| c == '`' || c == ',' || c.is_whitespace()))
        .filter(|s| !s.is_empty() && *s != "or")
        .collect();
    nearest(got, names.iter().copied()).map(|n| format!("did you mean `{n}`?"))
}

fn parse_error(src: &Source<'_>, e: &serde_saphyr::Error) -> Diagnostic {
    let text = e.without_snippet().to_string();
    // "error: line 4 column 35: unknown field ..." → "unknown field ..."
    let message = text
        .trim_start_matches("error: ")
        .split_once(": ")
        .filter(|(head, _)| head.starts_with("line "))
        .map_or(text.as_str(), |(_, m)| m)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned();
    // The location is shown on its own line below; drop serde's " at line N, column M".
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => message[..i].to_owned(),
        _ => message,
    };
    let help = suggest_from_serde(&message);
    match e.location() {
        Some(l) => src.at(
            usize::try_from(l.line()).unwrap_or(0),
            usize::try_from(l.column()).unwrap_or(0),
            message,
            help,
        ),
        None => src.at(0, 0, message, help),
    }
}

/// Parses and checks one scenario text.
pub fn load_str(file: &str, text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    let src = Source { file, text };
    let scenario: Scenario =
        serde_saphyr::from_str(text).map_err(|e| vec![parse_error(&src, &e)])?;
    let mut errors = Vec::new();
    validate(&src, &scenario, &mut errors);
    if errors.is_empty() {
        Ok(scenario)
    } else {
        Err(errors)
    }
}

fn user_vars(key: &str) -> impl Iterator<Item = String> + '_ {
    ["login", "email", "first_name", "last_name", "okta_id", "id"]
        .into_iter()
        .map(move |f| format!("users.{key}.{f}"))
}

fn validate(src: &Source<'_>, s: &Scenario, errors: &mut Vec<Diagnostic>) {
    if s.version != 1 {
        errors.push(src.find(
            "version",
            1,
            format!(
                "unsupported scenario version {}; this harness reads version 1",
                s.version
            ),
            None,
        ));
    }
    if s.id.trim().is_empty() || s.id.contains(char::is_whitespace) {
        errors.push(src.find(
            "id:",
            1,
            "the scenario id must be non-empty and without spaces",
            None,
        ));
    }
    if s.steps.is_empty() {
        errors.push(src.find("steps", 1, "a scenario needs at least one step", None));
    }
    let users: Vec<&str> = s.fixtures.users.keys().map(String::as_str).collect();
    let groups: Vec<&str> = s.fixtures.groups.keys().map(String::as_str).collect();
    for (key, g) in &s.fixtures.groups {
        for m in &g.members {
            if !users.contains(&m.as_str()) {
                let help =
                    nearest(m, users.iter().copied()).map(|n| format!("did you mean `{n}`?"));
                errors.push(src.find(
                    m,
                    1,
                    format!("group `{key}` has member `{m}`, which is not a fixture user"),
                    help,
                ));
            }
        }
    }

    let mut known: BTreeSet<String> = ["run", "base_url", "email_domain"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    for key in &users {
        known.extend(user_vars(key));
    }
    for key in &groups {
        known.insert(format!("groups.{key}.name"));
        known.insert(format!("groups.{key}.id"));
    }

    let step_lines = src.step_lines();
    for (index, step) in s.steps.iter().enumerate() {
        let line = src.step_line(&step_lines, index, step);
        let kinds = [
            step.okta.is_some(),
            step.scim.is_some(),
            step.reference.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if kinds != 1 {
            errors.push(src.at(
                line,
                1,
                format!(
                    "step `{}` must have exactly one of `okta`, `scim` or `reference`",
                    step.name
                ),
                None,
            ));
        }
        if step.repeat.is_some() && step.scim.is_none() {
            errors.push(src.at(
                line,
                1,
                format!("step `{}`: `repeat` is for raw `scim` requests", step.name),
                None,
            ));
        }
        if step.reference.is_some() && !s.requires.reference {
            errors.push(src.find(
                "reference:",
                line,
                "`reference` steps need `requires: {reference: true}`",
                None,
            ));
        }
        if let Some(action) = &step.okta {
            check_refs(src, line, action, &users, &groups, errors);
        }
        if let Some(expect) = &step.expect {
            if expect.status.is_none()
                && expect.headers.is_empty()
                && expect.body.is_empty()
                && expect.outcome.is_none()
                && expect.message_contains.is_none()
            {
                // A check that can neither pass nor fail: most likely a misplaced field.
                errors.push(src.find(
                    "expect",
                    line,
                    format!("step `{}`: `expect` checks nothing", step.name),
                    Some(
                        "give `status`, `headers` or `body` (raw `scim` steps), or `outcome` or `message_contains` (Okta actions)"
                            .into(),
                    ),
                ));
            }
            let okta = step.okta.is_some();
            if okta
                && (expect.status.is_some()
                    || !expect.headers.is_empty()
                    || !expect.body.is_empty())
            {
                errors.push(src.find("expect", line, format!("step `{}`: an Okta action is checked with `outcome` and `message_contains`; status, headers and body checks are for raw `scim` steps", step.name), None));
            }
            if !okta && (expect.outcome.is_some() || expect.message_contains.is_some()) {
                errors.push(src.find(
                    "expect",
                    line,
                    format!(
                        "step `{}`: `outcome` and `message_contains` are for Okta actions",
                        step.name
                    ),
                    None,
                ));
            }
            let mut rule_ids: Vec<&String> = expect.rule.iter().collect();
            rule_ids.extend(expect.body.iter().filter_map(|b| b.rule.as_ref()));
            for id in rule_ids {
                match rules::find(id) {
                    Some(r) if r.kind.is_exchange() => errors.push(src.find(id, line, format!("`{id}` is an exchange rule, checked on every response; scenarios assert flow rules"), None)),
                    Some(_) => {}
                    None => {
                        let help = rules::nearest(id).map(|n| format!("did you mean `{n}`?")).or_else(|| Some("`scim-harness rules` lists every rule id".into()));
                        errors.push(src.find(id, line, format!("unknown rule id `{id}`"), help));
                    }
                }
            }
            for (name, check) in &expect.headers {
                check_value(src, line, &format!("header {name}"), check, errors);
            }
            for b in &expect.body {
                if b.path.contains("${") {
                    // Checked once its variables are known, at run time.
                } else if let Err(e) = serde_json_path::JsonPath::parse(&b.path) {
                    errors.push(src.find(
                        &b.path,
                        line,
                        format!("invalid JSON path `{}`: {e}", b.path),
                        Some("paths look like `$.Resources[0].id`".into()),
                    ));
                }
                check_value(src, line, &b.path, &b.check(), errors);
            }
        }
        for path in step.capture.values().filter(|p| !p.contains("${")) {
            if let Err(e) = serde_json_path::JsonPath::parse(path) {
                errors.push(src.find(path, line, format!("invalid JSON path `{path}`: {e}"), None));
            }
        }
        // Variables: every reference must be set by then.
        let mut scope = known.clone();
        if step.repeat.is_some() {
            scope.insert("i".into());
        }
        step_strings(step, &mut |text| {
            for name in vars::references(text) {
                if !scope.contains(name) {
                    let help = nearest(name, scope.iter().map(String::as_str))
                        .map(|n| format!("did you mean `${{{n}}}`?"));
                    errors.push(src.find(
                        &format!("${{{name}"),
                        line,
                        format!("`${{{name}}}` is not defined at this step"),
                        help,
                    ));
                }
            }
        });
        known.extend(step.capture.keys().cloned());
    }
}

fn check_value(
    src: &Source<'_>,
    line: usize,
    what: &str,
    check: &ValueCheck,
    errors: &mut Vec<Diagnostic>,
) {
    if check.count() != 1 {
        errors.push(src.find(what, line, format!("the check on `{what}` must have exactly one of equals, equals_ignoring_case, not_equals, exists, matches, contains, length"), None));
    }
    if let Some(re) = &check.matches
        && let Err(e) = regex::Regex::new(re)
    {
        errors.push(src.find(re, line, format!("invalid regular expression: {e}"), None));
    }
}

fn check_refs(
    src: &Source<'_>,
    line: usize,
    action: &Action,
    users: &[&str],
    groups: &[&str],
    errors: &mut Vec<Diagnostic>,
) {
    for (slot, _, value) in action.strings() {
        let (known, what) = match slot {
            Slot::User => (users, "fixture user"),
            Slot::Group => (groups, "fixture group"),
            Slot::GroupName | Slot::Text => continue,
        };
        if !known.contains(&value.as_str()) {
            let help =
                nearest(&value, known.iter().copied()).map(|n| format!("did you mean `{n}`?"));
            errors.push(src.find(&value, line, format!("`{value}` is not a {what}"), help));
        }
    }
}

/// Calls `f` with every string of a step that may hold `${variables}`.
fn step_strings(step: &Step, f: &mut dyn FnMut(&str)) {
    /// Every string of a JSON value, object keys included (they are interpolated too).
    fn json(v: &Value, f: &mut dyn FnMut(&str)) {
        match v {
            Value::String(s) => f(s),
            Value::Array(items) => items.iter().for_each(|i| json(i, f)),
            Value::Object(m) => m.iter().for_each(|(k, v)| {
                f(k);
                json(v, f);
            }),
            _ => {}
        }
    }
    if let Some(r) = &step.scim {
        f(&r.path);
        r.query.values().for_each(|q| f(&q.0));
        r.headers.values().for_each(|h| f(h));
        if let Some(b) = &r.body {
            json(b, f);
        }
        if let Some(b) = &r.raw_body {
            f(b);
        }
        if let Auth::Bearer(t) = &r.auth {
            f(t);
        }
    }
    if let Some(action) = &step.okta {
        // Every string an action holds (emails, roles, names) may carry variables.
        for (_, _, value) in action.strings() {
            f(&value);
        }
    }
    if let Some(e) = &step.expect {
        if let Some(m) = &e.message_contains {
            f(m);
        }
        // A body check's operands include its path.
        let operands = e
            .body
            .iter()
            .flat_map(BodyCheck::operands)
            .chain(e.headers.values().flat_map(ValueCheck::operands));
        for operand in operands {
            match operand {
                Operand::Json(v) => json(v, f),
                Operand::Text(t) => f(t),
            }
        }
    }
    step.capture.values().for_each(|p| f(p));
}

/// Loads scenarios from (file name, text) pairs, in order. Returns what loaded and every
/// problem found, duplicate ids included.
pub fn load_sources<'a>(
    sources: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> (Vec<Loaded>, Vec<Diagnostic>) {
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    let mut ids: BTreeMap<String, &str> = BTreeMap::new();
    for (file, text) in sources {
        match load_str(file, text) {
            Ok(scenario) => {
                if let Some(other) = ids.insert(scenario.id.clone(), file) {
                    let src = Source { file, text };
                    errors.push(src.find(
                        "id:",
                        1,
                        format!("scenario id `{}` is also used by {other}", scenario.id),
                        None,
                    ));
                    continue;
                }
                loaded.push(Loaded {
                    path: file.to_owned(),
                    scenario,
                });
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    (loaded, errors)
}

/// Loads every scenario under the given files and directories (`*.yaml`, `*.yml`,
/// recursively, in name order). Returns what loaded and every problem found, duplicate ids
/// included.
pub fn load_paths(paths: &[PathBuf]) -> (Vec<Loaded>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        collect(p, &mut files, &mut errors);
    }
    let mut sources = Vec::with_capacity(files.len());
    for file in files {
        let shown = file.display().to_string();
        match std::fs::read_to_string(&file) {
            Ok(text) => sources.push((shown, text)),
            Err(e) => errors.push(Diagnostic::file_only(shown, format!("cannot read: {e}"))),
        }
    }
    let (loaded, mut load_errors) =
        load_sources(sources.iter().map(|(f, t)| (f.as_str(), t.as_str())));
    errors.append(&mut load_errors);
    (loaded, errors)
}

fn collect(path: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Diagnostic>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
            Err(e) => {
                errors.push(Diagnostic::file_only(
                    path.display().to_string(),
                    format!("cannot read directory: {e}"),
                ));
                return;
            }
        };
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                collect(&e, files, errors);
            }
        }
    } else if path.exists() {
        files.push(path.to_owned());
    } else {
        errors.push(Diagnostic::file_only(
            path.display().to_string(),
            "no such file or directory",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_good_scenario_loads() {
        let s = load_str("good.yaml", GOOD).unwrap();
        assert_eq!(s.steps.len(), 3);
    }

    #[test]
    fn unknown_fields_and_variants_are_located_with_a_suggestion() {
        let text = GOOD.replace("assign_user: {user", "asign_user: {user");
        let e = &load_str("f.yaml", &text).unwrap_err()[0];
        assert_eq!((e.line, e.column), (9, 12));
        assert_eq!(e.help.as_deref(), Some("did you mean `assign_user`?"));
        let shown = e.to_string();
        assert!(shown.contains("--> f.yaml:9:12"), "{shown}");
        assert!(shown.contains("9 |     okta: {asign_user"), "{shown}");

        let text = GOOD.replace("role: Account", "rol: Account");
        let e = &load_str("f.yaml", &text).unwrap_err()[0];
        assert_eq!(e.help.as_deref(), Some("did you mean `role`?"));
    }

    #[test]
    fn semantic_errors_are_located_too() {
        let text = GOOD.replace("okta.assign.creates-user", "okta.asign.creates-user");
        let e = &load_str("f.yaml", &text).unwrap_err()[0];
        assert_eq!(e.line, 10);
        assert_eq!(
            e.help.as_deref(),
            Some("did you mean `okta.assign.creates-user`?")
        );

        let text = GOOD.replace("{user: alice,", "{user: alcie,");
        let e = &load_str("f.yaml", &text).unwrap_err()[0];
        assert_eq!(e.message, "`alcie` is not a fixture user");
        assert_eq!(e.help.as_deref(), Some("did you mean `alice`?"));

        let text = GOOD.replace("/Users/${alice_id}", "/Users/${alice_di}");
        let e = &load_str("f.yaml", &text).unwrap_err()[0];
        assert_eq!(e.message, "`${alice_di}` is not defined at this step");
        assert_eq!(e.help.as_deref(), Some("did you mean `${alice_id}`?"));

        let text = GOOD.replace("equals: true}", "equals: true, exists: true}");
        assert!(
            load_str("f.yaml", &text).unwrap_err()[0]
                .message
                .contains("exactly one of")
        );
    }

    #[test]
    fn an_undefined_variable_in_a_body_path_is_reported_once() {
        let text = GOOD.replace("{path: $.active,", r#"{path: "$.${nope}","#);
        let errors = load_str("f.yaml", &text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].message, "`${nope}` is not defined at this step");
        assert_eq!(errors[0].line, 16);
    }

    #[test]
    fn an_expectation_that_checks_nothing_is_rejected() {
        let text = GOOD.replace(
            "expect: {outcome: succeeded, rule: okta.assign.creates-user}",
            "expect: {rule: okta.assign.creates-user}",
        );
        let errors = load_str("f.yaml", &text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].message, "step `assign`: `expect` checks nothing");
        assert_eq!((errors[0].line, errors[0].column), (10, 5));
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
        let errors = load_str("f.yaml", text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        // Step 2 has two kinds, step 3 too, and needs `requires.reference`.
        assert_eq!(lines, [8, 12, 14], "{errors:#?}");
        assert!(errors[0].message.contains("exactly one of"));

        let src = Source {
            file: "f.yaml",
            text,
        };
        assert_eq!(src.step_lines(), [5, 8, 12]);
        let flow = Source {
            file: "f.yaml",
            text: "version: 1\nsteps: [{name: a, okta: import_now}]\n",
        };
        assert!(flow.step_lines().is_empty());
    }
}
