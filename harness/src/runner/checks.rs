//! Turning exchanges and expectations into findings.

use std::collections::BTreeSet;

use mock_okta::Exchange;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::report::Finding;
use crate::rules::{self, Kind, Level, Rule};
use crate::scenario::{BodyCheck, Expect, OutcomeKind, Profile, ValueCheck};

/// What checking produced: the rules that held, and the findings.
#[derive(Debug, Default)]
pub(super) struct Checked {
    /// Rule ids that were checked and held.
    pub held: BTreeSet<String>,
    /// What did not hold.
    pub findings: Vec<Finding>,
}

impl Checked {
    fn record(
        &mut self,
        rule: Option<&Rule>,
        result: Result<(), Failure>,
        exchange: Option<usize>,
    ) {
        match (rule, result) {
            (Some(r), Ok(())) => {
                self.held.insert(r.id.to_owned());
            }
            (None, Ok(())) => {}
            (Some(r), Err(f)) => self
                .findings
                .push(Finding::of(r, f.message, f.expected, f.actual, exchange)),
            (None, Err(f)) => self.findings.push(Finding {
                rule: None,
                level: Level::Must,
                profile: None,
                message: f.message,
                expected: f.expected,
                actual: f.actual,
                citation: None,
                exchange,
            }),
        }
    }
}

/// A failed expectation.
#[derive(Debug)]
pub(super) struct Failure {
    message: String,
    expected: Option<String>,
    actual: Option<String>,
}

fn fail(
    message: impl Into<String>,
    expected: impl Into<String>,
    actual: impl Into<String>,
) -> Failure {
    Failure {
        message: message.into(),
        expected: Some(expected.into()),
        actual: Some(actual.into()),
    }
}

/// The `count` a request asked for: its query parameter, or a search body's member.
fn requested_count(query: &str, body: Option<&str>) -> Option<i64> {
    let from_query = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k.eq_ignore_ascii_case("count"))
        .and_then(|(_, c)| c.trim().parse().ok());
    from_query.or_else(|| {
        let body: Value = serde_json::from_str(body?).ok()?;
        body.as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("count"))
            .and_then(|(_, c)| c.as_i64())
    })
}

/// The exchange rules of the selected profiles, on every exchange that got a response.
pub(super) fn exchange_rules(
    exchanges: &[Exchange],
    base_path: &str,
    profiles: &BTreeSet<Profile>,
    out: &mut Checked,
) {
    for (i, ex) in exchanges.iter().enumerate() {
        let Some(resp) = &ex.response else { continue };
        let (path, query) = ex
            .request
            .path
            .split_once('?')
            .unwrap_or((ex.request.path.as_str(), ""));
        let rel = path.strip_prefix(base_path).unwrap_or(path);
        let body = resp
            .body
            .as_deref()
            .and_then(|b| serde_json::from_str::<Value>(b).ok());
        let view = rules::exchange::View {
            method: &ex.request.method,
            path: rel,
            query,
            status: resp.status,
            headers: &resp.headers,
            body: body.as_ref(),
            has_body: resp.body.as_deref().is_some_and(|b| !b.trim().is_empty()),
            count: requested_count(query, ex.request.body.as_deref()),
        };
        for rule in rules::CATALOGUE
            .iter()
            .filter(|r| r.kind == Kind::Exchange && profiles.contains(&r.profile))
        {
            if let Some(result) = rules::exchange::check(rule, &view) {
                out.record(
                    Some(rule),
                    result.map_err(|b| Failure {
                        message: b.message,
                        expected: b.expected,
                        actual: b.actual,
                    }),
                    Some(i),
                );
            }
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// Evaluates one check against the values a path selected (`nodes`).
pub(super) fn value_check(what: &str, check: &ValueCheck, nodes: &[&Value]) -> Result<(), Failure> {
    let shown = || match nodes {
        [] => "nothing".to_owned(),
        [one] => short(one),
        many => format!(
            "{} values: {}",
            many.len(),
            short(&Value::Array(many.iter().map(|v| (*v).clone()).collect()))
        ),
    };
    let single = || -> Result<&Value, Failure> {
        match nodes {
            [one] => Ok(*one),
            [] => Err(fail(format!("{what} is absent"), "a value", "nothing")),
            _ => Err(fail(
                format!("{what} selects {} values", nodes.len()),
                "exactly one value",
                shown(),
            )),
        }
    };
    if let Some(want) = check.exists {
        return if want != nodes.is_empty() {
            Ok(())
        } else {
            Err(fail(
                format!("{what} {}", if want { "is absent" } else { "is present" }),
                if want { "present" } else { "absent" },
                shown(),
            ))
        };
    }
    if check.absent == Some(true) {
        return if nodes.is_empty() {
            Ok(())
        } else {
            Err(fail(format!("{what} is present"), "absent", shown()))
        };
    }
    if check.absent == Some(false) {
        return if nodes.is_empty() {
            Err(fail(format!("{what} is absent"), "present", "nothing"))
        } else {
            Ok(())
        };
    }
    if let Some(want) = &check.equals {
        let got = single()?;
        return if got == want {
            Ok(())
        } else {
            Err(fail(format!("{what} differs"), short(want), short(got)))
        };
    }
    if let Some(want) = &check.not_equals {
        let got = single()?;
        return if got != want {
            Ok(())
        } else {
            Err(fail(
                format!("{what} is still {}", short(want)),
                format!("not {}", short(want)),
                short(got),
            ))
        };
    }
    if let Some(want) = &check.equals_ignoring_case {
        let got = single()?;
        return match got.as_str() {
            Some(s) if s.to_lowercase() == want.to_lowercase() => Ok(()),
            _ => Err(fail(
                format!("{what} differs (ignoring case)"),
                want.clone(),
                short(got),
            )),
        };
    }
    if let Some(re) = &check.matches {
        let got = single()?;
        let Ok(regex) = regex::Regex::new(re) else {
            return Err(fail("invalid regular expression", re.clone(), ""));
        };
        return match got.as_str() {
            Some(s) if regex.is_match(s) => Ok(()),
            _ => Err(fail(
                format!("{what} does not match /{re}/"),
                format!("a string matching /{re}/"),
                short(got),
            )),
        };
    }
    if let Some(want) = &check.contains {
        let got = single()?;
        let ok = match (got, want) {
            (Value::String(s), Value::String(w)) => s.contains(w.as_str()),
            (Value::Array(items), w) => items.contains(w),
            _ => false,
        };
        return if ok {
            Ok(())
        } else {
            Err(fail(
                format!("{what} does not contain {}", short(want)),
                format!("containing {}", short(want)),
                short(got),
            ))
        };
    }
    if let Some(n) = check.length {
        let got = single()?;
        let len = match got {
            Value::Array(a) => Some(a.len()),
            Value::String(s) => Some(s.chars().count()),
            Value::Object(o) => Some(o.len()),
            _ => None,
        };
        return if len == Some(n) {
            Ok(())
        } else {
            Err(fail(
                format!(
                    "{what} has length {}",
                    len.map_or("(none)".into(), |l| l.to_string())
                ),
                format!("length {n}"),
                short(got),
            ))
        };
    }
    Ok(())
}

fn rule_for<'a>(own: Option<&'a String>, step: Option<&'a String>) -> Option<&'static Rule> {
    own.or(step).and_then(|id| rules::find(id))
}

/// Whether a check about `rule` is made under the selected profiles (plain expectations
/// always are).
fn selected(rule: Option<&Rule>, profiles: &BTreeSet<Profile>) -> bool {
    rule.is_none_or(|r| profiles.contains(&r.profile))
}

/// Checks a raw SCIM step's expectations against its last exchange.
pub(super) fn scim_expect(
    expect: &Expect,
    last: Option<(usize, &Exchange)>,
    profiles: &BTreeSet<Profile>,
    out: &mut Checked,
) {
    let step_rule = expect.rule.as_ref();
    let Some((index, ex)) = last else { return };
    let rule = rule_for(None, step_rule);
    let Some(resp) = &ex.response else {
        if selected(rule, profiles) {
            out.record(
                rule,
                Err(fail(
                    "no response",
                    "a response",
                    ex.error.clone().unwrap_or_default(),
                )),
                Some(index),
            );
        }
        return;
    };
    if let Some(status) = &expect.status
        && selected(rule, profiles)
    {
        let want = match status {
            crate::scenario::StatusExpect::One(s) => s.to_string(),
            crate::scenario::StatusExpect::AnyOf(list) => format!("one of {list:?}"),
        };
        let result = if status.allows(resp.status) {
            Ok(())
        } else {
            let detail = resp
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<Value>(b).ok())
                .and_then(|b| b.get("detail").and_then(Value::as_str).map(str::to_owned));
            let actual = match detail {
                Some(d) => format!("{} ({d})", resp.status),
                None => resp.status.to_string(),
            };
            Err(fail(
                format!("unexpected status {}", resp.status),
                want,
                actual,
            ))
        };
        out.record(rule, result, Some(index));
    }
    for (name, check) in &expect.headers {
        if !selected(rule, profiles) {
            continue;
        }
        let value = resp
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| Value::String(v.clone()));
        let nodes: Vec<&Value> = value.iter().collect();
        out.record(
            rule,
            value_check(&format!("header {name}"), check, &nodes),
            Some(index),
        );
    }
    if expect.body.is_empty() {
        return;
    }
    let body = resp
        .body
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok())
        .unwrap_or(Value::Null);
    for b in &expect.body {
        let rule = rule_for(b.rule.as_ref(), step_rule);
        if !selected(rule, profiles) {
            continue;
        }
        out.record(rule, body_check(b, &body), Some(index));
    }
}

fn body_check(b: &BodyCheck, body: &Value) -> Result<(), Failure> {
    let path = JsonPath::parse(&b.path)
        .map_err(|e| fail("invalid JSON path", b.path.clone(), e.to_string()))?;
    let nodes: Vec<&Value> = path.query(body).all();
    value_check(&b.path, &b.check(), &nodes)
}

/// Checks an Okta step's expectations against its outcome.
pub(super) fn okta_expect(
    expect: &Expect,
    outcome: &mock_okta::Outcome,
    profiles: &BTreeSet<Profile>,
    out: &mut Checked,
) {
    let rule = rule_for(None, expect.rule.as_ref());
    if !selected(rule, profiles) {
        return;
    }
    let (kind, message) = match outcome {
        mock_okta::Outcome::Succeeded => (OutcomeKind::Succeeded, None),
        mock_okta::Outcome::NothingSent { reason } => {
            (OutcomeKind::NothingSent, Some(reason.as_str()))
        }
        mock_okta::Outcome::Failed { message } => (OutcomeKind::Failed, Some(message.as_str())),
        mock_okta::Outcome::TaskOpened { task } => {
            (OutcomeKind::TaskOpened, Some(task.message.as_str()))
        }
    };
    let shown = |k: OutcomeKind| {
        serde_json::to_value(k)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    if let Some(want) = expect.outcome {
        let result = if want == kind {
            Ok(())
        } else {
            let actual = match message {
                Some(m) => format!("{}: {m}", shown(kind)),
                None => shown(kind),
            };
            Err(fail(
                format!("the Okta action ended {}", shown(kind)),
                shown(want),
                actual,
            ))
        };
        out.record(rule, result, None);
    }
    if let Some(text) = &expect.message_contains {
        let result = match message {
            Some(m) if m.contains(text.as_str()) => Ok(()),
            other => Err(fail(
                "the Okta message lacks the expected text",
                format!("a message containing {text:?}"),
                other.unwrap_or("no message"),
            )),
        };
        out.record(rule, result, None);
    }
}

#[cfg(test)]
mod count_tests {
    use super::requested_count;

    #[test]
    fn count_comes_from_the_query_or_the_search_body() {
        assert_eq!(requested_count("startIndex=1&count=0", None), Some(0));
        assert_eq!(requested_count("Count=-5", None), Some(-5));
        assert_eq!(requested_count("count=lots", None), None);
        assert_eq!(requested_count("", Some(r#"{"count":0}"#)), Some(0));
        assert_eq!(requested_count("", Some("not json")), None);
        assert_eq!(requested_count("", None), None);
    }
}
