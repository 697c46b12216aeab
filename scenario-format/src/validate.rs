//! What YAML cannot say: fixture references, rule ids, variables, JSON paths, checks that
//! check nothing. Each problem names the path of the node it is about, and what to point at
//! inside it, so the loader can put the caret on it.

use std::collections::BTreeSet;

use mock_okta::Slot;

use crate::diagnostic::{did_you_mean, nearest};
use crate::model::{Scenario, Step, ValueCheck};
use crate::vars;
use crate::yaml::{Path, Seg};
use crate::{RuleIds, RuleKind};

/// What to point at, inside the node at a problem's path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// The node itself.
    Node,
    /// The key that holds the node.
    Key,
    /// The scalar under `key` whose text is `value`, somewhere inside the node.
    Scalar(&'static str, String),
    /// The first reference to this variable in the step's strings.
    Variable(String),
}

/// A problem found after parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) path: Path,
    pub(crate) target: Target,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
}

pub(crate) fn key(k: &str) -> Seg {
    Seg::Key(k.to_owned())
}

/// The path of step `i`, then `rest`.
pub(crate) fn step(i: usize, rest: &[&str]) -> Path {
    let mut p = vec![key("steps"), Seg::Index(i)];
    p.extend(rest.iter().map(|k| key(k)));
    p
}

struct Problems(Vec<Problem>);

impl Problems {
    /// Whether enough problems were found: a file reports at most `MAX_PROBLEMS`.
    fn full(&self) -> bool {
        self.0.len() >= crate::MAX_PROBLEMS
    }

    fn add(
        &mut self,
        path: Path,
        target: Target,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        if self.full() {
            return;
        }
        self.0.push(Problem {
            path,
            target,
            message: message.into(),
            help,
        });
    }
}

fn user_vars(key: &str) -> impl Iterator<Item = String> + '_ {
    ["login", "email", "first_name", "last_name", "okta_id", "id"]
        .into_iter()
        .map(move |f| format!("users.{key}.{f}"))
}

/// Every problem of a parsed scenario.
pub(crate) fn validate(s: &Scenario, rules: &dyn RuleIds) -> Vec<Problem> {
    let mut out = Problems(Vec::new());
    if s.version != 1 {
        out.add(
            vec![key("version")],
            Target::Node,
            format!(
                "unsupported scenario version {}; this harness reads version 1",
                s.version
            ),
            None,
        );
    }
    if s.id.trim().is_empty() || s.id.contains(char::is_whitespace) {
        out.add(
            vec![key("id")],
            Target::Node,
            "the scenario id must be non-empty and without spaces",
            None,
        );
    }
    if s.steps.is_empty() {
        out.add(
            vec![key("steps")],
            Target::Key,
            "a scenario needs at least one step",
            None,
        );
    }
    let users: Vec<&str> = s.fixtures.users.keys().map(String::as_str).collect();
    let groups: Vec<&str> = s.fixtures.groups.keys().map(String::as_str).collect();
    for (group, g) in &s.fixtures.groups {
        for (i, m) in g.members.iter().enumerate() {
            if !users.contains(&m.as_str()) {
                out.add(
                    vec![
                        key("fixtures"),
                        key("groups"),
                        key(group),
                        key("members"),
                        Seg::Index(i),
                    ],
                    Target::Node,
                    format!("group `{group}` has member `{m}`, which is not a fixture user"),
                    did_you_mean(m, users.iter().copied()),
                );
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

    for (i, st) in s.steps.iter().enumerate() {
        step_problems(s, i, st, &users, &groups, rules, &mut out);
        // Variables: every reference must be set by then (`${i}` only in a repeated step).
        let repeated = st.repeat.is_some();
        let defined = |name: &str| known.contains(name) || (repeated && name == "i");
        st.strings(&mut |text| {
            for name in vars::references(text) {
                // "did you mean" searches every name: not once the file has enough problems.
                if !defined(name) && !out.full() {
                    let candidates = known
                        .iter()
                        .map(String::as_str)
                        .chain(repeated.then_some("i"));
                    out.add(
                        step(i, &[]),
                        Target::Variable(name.to_owned()),
                        format!("`${{{name}}}` is not defined at this step"),
                        nearest(name, candidates).map(|n| format!("did you mean `${{{n}}}`?")),
                    );
                }
            }
        });
        known.extend(st.capture.keys().cloned());
    }
    out.0
}

fn step_problems(
    s: &Scenario,
    i: usize,
    st: &Step,
    users: &[&str],
    groups: &[&str],
    rules: &dyn RuleIds,
    out: &mut Problems,
) {
    let kinds = [st.okta.is_some(), st.scim.is_some(), st.reference.is_some()]
        .iter()
        .filter(|b| **b)
        .count();
    if kinds != 1 {
        out.add(
            step(i, &[]),
            Target::Node,
            format!(
                "step `{}` must have exactly one of `okta`, `scim` or `reference`",
                st.name
            ),
            None,
        );
    }
    if st.repeat.is_some() && st.scim.is_none() {
        out.add(
            step(i, &["repeat"]),
            Target::Key,
            format!("step `{}`: `repeat` is for raw `scim` requests", st.name),
            None,
        );
    }
    let previous_token = st
        .scim
        .as_ref()
        .is_some_and(|r| r.auth == crate::model::Auth::PreviousToken);
    let regenerated = s.steps[..i]
        .iter()
        .any(|p| p.reference == Some(crate::model::ReferenceAction::RegenerateToken));
    if previous_token && !regenerated {
        out.add(
            step(i, &["scim", "auth"]),
            Target::Key,
            format!(
                "step `{}`: `auth: previous_token` needs an earlier `reference: regenerate_token` step",
                st.name
            ),
            None,
        );
    }
    if st.reference.is_some() && !s.requires.reference {
        out.add(
            step(i, &["reference"]),
            Target::Key,
            "`reference` steps need `requires: {reference: true}`",
            None,
        );
    }
    if let Some(action) = &st.okta {
        for (slot, field, value) in action.strings() {
            let (known, what) = match slot {
                Slot::User => (users, "fixture user"),
                Slot::Group => (groups, "fixture group"),
                Slot::GroupName | Slot::Text => continue,
            };
            if !known.contains(&value.as_str()) {
                out.add(
                    step(i, &["okta"]),
                    Target::Scalar(field, value.clone()),
                    format!("`{value}` is not a {what}"),
                    did_you_mean(&value, known.iter().copied()),
                );
            }
        }
    }
    if let Some(expect) = &st.expect {
        let at_expect = step(i, &["expect"]);
        if expect.status.is_none()
            && expect.headers.is_empty()
            && expect.body.is_empty()
            && expect.outcome.is_none()
            && expect.message_contains.is_none()
        {
            // A check that can neither pass nor fail: most likely a misplaced field.
            out.add(
                at_expect.clone(),
                Target::Key,
                format!("step `{}`: `expect` checks nothing", st.name),
                Some(
                    "give `status`, `headers` or `body` (raw `scim` steps), or `outcome` or `message_contains` (Okta actions)"
                        .into(),
                ),
            );
        }
        let okta = st.okta.is_some();
        if okta
            && (expect.status.is_some() || !expect.headers.is_empty() || !expect.body.is_empty())
        {
            out.add(at_expect.clone(), Target::Key, format!("step `{}`: an Okta action is checked with `outcome` and `message_contains`; status, headers and body checks are for raw `scim` steps", st.name), None);
        }
        if !okta && (expect.outcome.is_some() || expect.message_contains.is_some()) {
            out.add(
                at_expect.clone(),
                Target::Key,
                format!(
                    "step `{}`: `outcome` and `message_contains` are for Okta actions",
                    st.name
                ),
                None,
            );
        }
        let mut named: Vec<(Path, &String)> = Vec::new();
        if let Some(id) = &expect.rule {
            named.push((step(i, &["expect", "rule"]), id));
        }
        for (j, b) in expect.body.iter().enumerate() {
            if let Some(id) = &b.rule {
                let mut p = step(i, &["expect", "body"]);
                p.extend([Seg::Index(j), key("rule")]);
                named.push((p, id));
            }
        }
        for (path, id) in named {
            match rules.kind(id) {
                Some(RuleKind::Exchange) => out.add(
                    path,
                    Target::Node,
                    format!("`{id}` is an exchange rule, checked on every response; scenarios assert flow rules"),
                    None,
                ),
                Some(RuleKind::Flow) => {}
                None => {
                    let ids = rules.ids();
                    let help = did_you_mean(id, ids.iter().copied())
                        .or_else(|| Some("`scim-harness rules` lists every rule id".into()));
                    out.add(path, Target::Node, format!("unknown rule id `{id}`"), help);
                }
            }
        }
        for (name, check) in &expect.headers {
            let mut p = step(i, &["expect", "headers"]);
            p.push(key(name));
            check_value(p, &format!("header {name}"), check, out);
        }
        for (j, b) in expect.body.iter().enumerate() {
            let mut p = step(i, &["expect", "body"]);
            p.push(Seg::Index(j));
            if b.path.contains("${") {
                // Checked once its variables are known, at run time.
            } else if let Err(e) = serde_json_path::JsonPath::parse(&b.path) {
                let mut at = p.clone();
                at.push(key("path"));
                out.add(
                    at,
                    Target::Node,
                    format!("invalid JSON path `{}`: {e}", b.path),
                    Some("paths look like `$.Resources[0].id`".into()),
                );
            }
            check_value(p, &b.path, &b.check(), out);
        }
    }
    for (name, path) in st.capture.iter().filter(|(_, p)| !p.contains("${")) {
        if let Err(e) = serde_json_path::JsonPath::parse(path) {
            let mut p = step(i, &["capture"]);
            p.push(key(name));
            out.add(
                p,
                Target::Node,
                format!("invalid JSON path `{path}`: {e}"),
                None,
            );
        }
    }
}

fn check_value(path: Path, what: &str, check: &ValueCheck, out: &mut Problems) {
    if check.count() != 1 {
        out.add(path.clone(), Target::Node, format!("the check on `{what}` must have exactly one of equals, equals_ignoring_case, not_equals, exists, matches, contains, length, later_than, at_least"), None);
    }
    if let Some(re) = &check.matches
        && let Err(e) = regex::Regex::new(re)
    {
        let mut at = path.clone();
        at.push(key("matches"));
        out.add(
            at,
            Target::Node,
            format!("invalid regular expression: {e}"),
            None,
        );
    }
    // A value with a variable is known only at run time (usually one the server gave).
    if let Some(t) = &check.later_than
        && !t.contains("${")
        && scim_core::datetime::parse(t).is_none()
    {
        let mut at = path;
        at.push(key("later_than"));
        out.add(
            at,
            Target::Node,
            format!("`{t}` is not an xsd:dateTime (such as 2026-11-28T10:00:00Z)"),
            None,
        );
    }
}
