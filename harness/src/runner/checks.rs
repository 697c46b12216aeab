//! Turning exchanges and expectations into findings.

use std::collections::BTreeSet;

use scim_client::Exchange;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::report::Finding;
use crate::rules::exchange::{Broken, broken, short};
use crate::rules::{self, Kind, Level, Rule, RuleId};
use crate::scenario::{BodyCheck, Expect, OutcomeKind, Profile, ValueCheck};

/// What checking produced: the rules that held, and the findings.
#[derive(Debug, Default)]
pub(super) struct Checked {
    /// Rules that were checked and held.
    pub held: BTreeSet<RuleId>,
    /// What did not hold.
    pub findings: Vec<Finding>,
}

impl Checked {
    pub(super) fn record(
        &mut self,
        rule: Option<&'static Rule>,
        result: Result<(), Broken>,
        exchange: Option<usize>,
    ) {
        match (rule, result) {
            (Some(r), Ok(())) => {
                self.held.insert(RuleId::from(r));
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
                consequence_of: None,
            }),
        }
    }
}

/// A response body parsed as JSON, when it is JSON. Each exchange's body is parsed once,
/// here, and the value shared by the exchange rules, the step's expectations, captures and
/// cleanup.
pub(super) fn json_body(ex: &Exchange) -> Option<Value> {
    if ex.is_cut() {
        return None;
    }
    ex.response
        .as_ref()
        .and_then(|r| r.body.as_deref())
        .and_then(|b| serde_json::from_str(b).ok())
}

/// A recorded request path split into the path relative to the SCIM base path (`/Users/2`)
/// and the query (without `?`).
pub(super) fn relative<'a>(recorded: &'a str, base_path: &str) -> (&'a str, &'a str) {
    let (path, query) = recorded.split_once('?').unwrap_or((recorded, ""));
    (path.strip_prefix(base_path).unwrap_or(path), query)
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

/// The exchange rules of the selected profiles, on one exchange (the step's `i`th) if it got
/// a response; `body` is its [`json_body`]. An answer mock-okta cut to keep its transcript
/// bounded is not judged (what is left of it is not what the target sent): `false`.
pub(super) fn judge_exchange(
    ex: &Exchange,
    body: Option<&Value>,
    i: usize,
    base_path: &str,
    profiles: &BTreeSet<Profile>,
    out: &mut Checked,
) -> bool {
    let Some(resp) = &ex.response else {
        return true;
    };
    if ex.is_cut() {
        return false;
    }
    let (rel, query) = relative(&ex.request.path, base_path);
    let request: Option<Value> = ex
        .request
        .body
        .as_deref()
        .and_then(|b| serde_json::from_str(b).ok());
    let view = rules::exchange::View {
        method: &ex.request.method,
        path: rel,
        query,
        status: resp.status,
        headers: &resp.headers,
        body,
        has_body: resp.body.as_deref().is_some_and(|b| !b.trim().is_empty()),
        text: resp.body.as_deref().unwrap_or(""),
        count: requested_count(query, ex.request.body.as_deref()),
        request: request.as_ref(),
    };
    for rule in rules::CATALOGUE
        .iter()
        .filter(|r| profiles.contains(&r.profile))
    {
        if let Kind::Exchange(check) = rule.kind
            && let Some(result) = check(&view)
        {
            out.record(Some(rule), result, Some(i));
        }
    }
    true
}

/// Evaluates one check against the values a path selected (`nodes`).
pub(super) fn value_check(what: &str, check: &ValueCheck, nodes: &[&Value]) -> Result<(), Broken> {
    let shown = || match nodes {
        [] => "nothing".to_owned(),
        [one] => short(one),
        many => format!(
            "{} values: {}",
            many.len(),
            short(&Value::Array(many.iter().map(|v| (*v).clone()).collect()))
        ),
    };
    // The one value a check compares, or why there is not one; `wanted` says what the
    // check wanted, so an absent value reads "expected: true, actual: nothing".
    let single = |wanted: String| -> Result<&Value, Broken> {
        match nodes {
            [one] => Ok(*one),
            [] => Err(broken(format!("{what} is absent"), wanted, "nothing")),
            _ => Err(broken(
                format!("{what} selects {} values", nodes.len()),
                format!("exactly one value: {wanted}"),
                shown(),
            )),
        }
    };
    if let Some(want) = check.exists {
        return if want != nodes.is_empty() {
            Ok(())
        } else {
            Err(broken(
                format!("{what} {}", if want { "is absent" } else { "is present" }),
                if want { "present" } else { "absent" },
                shown(),
            ))
        };
    }
    if let Some(want) = &check.equals {
        let got = single(short(want))?;
        return if got == want {
            Ok(())
        } else {
            Err(broken(format!("{what} differs"), short(want), short(got)))
        };
    }
    if let Some(want) = &check.not_equals {
        let got = single(format!("not {}", short(want)))?;
        return if got != want {
            Ok(())
        } else {
            Err(broken(
                format!("{what} is still {}", short(want)),
                format!("not {}", short(want)),
                short(got),
            ))
        };
    }
    if let Some(want) = &check.equals_ignoring_case {
        let got = single(format!("{want} (in any case)"))?;
        return match got.as_str() {
            Some(s) if scim_core::text::eq(s, want, false) => Ok(()),
            _ => Err(broken(
                format!("{what} differs (ignoring case)"),
                want.clone(),
                short(got),
            )),
        };
    }
    if let Some(re) = &check.matches {
        let got = single(format!("a string matching /{re}/"))?;
        let Ok(regex) = regex::Regex::new(re) else {
            return Err(broken("invalid regular expression", re.clone(), ""));
        };
        return match got.as_str() {
            Some(s) if regex.is_match(s) => Ok(()),
            _ => Err(broken(
                format!("{what} does not match /{re}/"),
                format!("a string matching /{re}/"),
                short(got),
            )),
        };
    }
    if let Some(want) = &check.contains {
        let got = single(format!("containing {}", short(want)))?;
        let ok = match (got, want) {
            (Value::String(s), Value::String(w)) => s.contains(w.as_str()),
            (Value::Array(items), w) => items.contains(w),
            _ => false,
        };
        return if ok {
            Ok(())
        } else {
            Err(broken(
                format!("{what} does not contain {}", short(want)),
                format!("containing {}", short(want)),
                short(got),
            ))
        };
    }
    if let Some(n) = check.at_least {
        let got = single(format!("at least {n}"))?;
        return match got.as_f64() {
            Some(x) if x >= n as f64 => Ok(()),
            _ => Err(broken(
                format!("{what} is less than {n}"),
                format!("at least {n}"),
                short(got),
            )),
        };
    }
    if let Some(want) = &check.later_than {
        return later_than(what, want, single(format!("later than {want}"))?);
    }
    if let Some(n) = check.length {
        let got = single(format!("length {n}"))?;
        let len = match got {
            Value::Array(a) => Some(a.len()),
            Value::String(s) => Some(s.chars().count()),
            Value::Object(o) => Some(o.len()),
            _ => None,
        };
        return if len == Some(n) {
            Ok(())
        } else {
            Err(broken(
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

/// `later_than`: instants, not text (`+02:00` and `Z` forms of one instant are equal). Equal
/// values with whole seconds only hold: a server that keeps seconds cannot show a change made
/// within the second, and a correct server is never blamed for its precision.
fn later_than(what: &str, want: &str, got: &Value) -> Result<(), Broken> {
    let whole_seconds = |s: &str| !s.contains('.');
    let Some(before) = scim_core::datetime::parse(want) else {
        return Err(broken(
            format!("{what} cannot be compared: the earlier value is not an xsd:dateTime"),
            format!("a dateTime later than {want}"),
            short(got),
        ));
    };
    let text = got.as_str().unwrap_or_default();
    match scim_core::datetime::parse(text) {
        Some(after) if after > before => Ok(()),
        Some(after) if after == before && whole_seconds(text) && whole_seconds(want) => Ok(()),
        Some(_) => Err(broken(
            format!("{what} did not move forward"),
            format!("later than {want}"),
            short(got),
        )),
        None => Err(broken(
            format!("{what} is not an xsd:dateTime"),
            format!("a dateTime later than {want}"),
            short(got),
        )),
    }
}

fn rule_for<'a>(own: Option<&'a String>, step: Option<&'a String>) -> Option<&'static Rule> {
    own.or(step).and_then(|id| rules::find(id))
}

/// Whether a check about `rule` is made under the selected profiles (plain expectations
/// always are).
fn selected(rule: Option<&Rule>, profiles: &BTreeSet<Profile>) -> bool {
    rule.is_none_or(|r| profiles.contains(&r.profile))
}

/// Checks a raw SCIM step's expectations against its last exchange: its index in the step,
/// the exchange and its [`json_body`].
pub(super) fn scim_expect(
    expect: &Expect,
    last: Option<(usize, &Exchange, Option<&Value>)>,
    profiles: &BTreeSet<Profile>,
    out: &mut Checked,
) {
    let step_rule = expect.rule.as_ref();
    let Some((index, ex, body)) = last else {
        return;
    };
    let rule = rule_for(None, step_rule);
    let mut status_failed = false;
    let Some(resp) = &ex.response else {
        if selected(rule, profiles) {
            out.record(
                rule,
                Err(broken(
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
            let detail = body.and_then(|b| b.get("detail")).and_then(Value::as_str);
            let location = resp
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("location"))
                .map(|(_, v)| v.as_str());
            let actual = match (detail, location) {
                (Some(d), _) => format!("{} ({d})", resp.status),
                (None, Some(l)) if (300..400).contains(&resp.status) => {
                    format!("{} (a redirect to {l})", resp.status)
                }
                _ => resp.status.to_string(),
            };
            Err(broken(
                format!("unexpected status {}", resp.status),
                want,
                actual,
            ))
        };
        status_failed = result.is_err();
        out.record(rule, result, Some(index));
    }
    let after_status = out.findings.len();
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
    // A body that is not JSON is checked as `null`: every path selects nothing, and a
    // failure says where the text stopped being JSON.
    let not_json = match (body, resp.body.as_deref()) {
        (None, Some(text)) if !text.trim().is_empty() => serde_json::from_str::<Value>(text)
            .err()
            .map(|e| format!("a body that is not valid JSON ({e})")),
        _ => None,
    };
    let body = body.unwrap_or(&Value::Null);
    for b in &expect.body {
        let rule = rule_for(b.rule.as_ref(), step_rule);
        if !selected(rule, profiles) {
            continue;
        }
        let result = body_check(b, body).map_err(|mut broken| {
            if let Some(why) = &not_json {
                broken.actual = Some(why.clone());
            }
            broken
        });
        out.record(rule, result, Some(index));
    }
    // The checks on another answer than the one expected (a 200's body after a 400) fail
    // because the status did: under the status's own rule they are its consequences, so a
    // rule broken once is counted once.
    if status_failed {
        let status_rule = rule.map(RuleId::from);
        for f in &mut out.findings[after_status..] {
            if f.rule == status_rule {
                f.consequence_of = Some(STATUS_CHECK.to_owned());
            }
        }
    }
}

/// What the findings that follow from a step's wrong status name as their cause.
const STATUS_CHECK: &str = "the step's status check";

fn body_check(b: &BodyCheck, body: &Value) -> Result<(), Broken> {
    let path = JsonPath::parse(&b.path)
        .map_err(|e| broken("invalid JSON path", b.path.clone(), e.to_string()))?;
    let nodes: Vec<&Value> = path.query(body).all();
    value_check(&b.path, &b.check(), &nodes)
}

/// What came of an Okta action, as an Okta admin would say it.
fn in_words(kind: OutcomeKind) -> &'static str {
    match kind {
        OutcomeKind::Succeeded => "sent everything and the app accepted it",
        OutcomeKind::NothingSent => "sent nothing",
        OutcomeKind::Failed => "showed an error on the page",
        OutcomeKind::TaskOpened => "opened a provisioning task (the admin sees an error)",
    }
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
    let (kind, message) = (outcome.kind(), outcome.message());
    if let Some(want) = expect.outcome {
        let result = if want == kind {
            Ok(())
        } else {
            let actual = match message {
                Some(m) => format!("{}: {m}", in_words(kind)),
                None => in_words(kind).to_owned(),
            };
            Err(broken(
                format!("Okta {}", in_words(kind)),
                format!("Okta {}", in_words(want)),
                actual,
            ))
        };
        out.record(rule, result, None);
    }
    if let Some(text) = &expect.message_contains {
        let result = match message {
            Some(m) if m.contains(text.as_str()) => Ok(()),
            other => Err(broken(
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{later_than, value_check};
    use crate::scenario::ValueCheck;

    #[test]
    fn at_least_holds_for_numbers_no_smaller() {
        let check = ValueCheck {
            at_least: Some(105),
            ..ValueCheck::default()
        };
        let at = |v: serde_json::Value| value_check("totalResults", &check, &[&v]);
        assert!(at(json!(105)).is_ok());
        assert!(at(json!(2000)).is_ok());
        assert!(at(json!(100)).is_err());
        assert!(at(json!("105")).is_err(), "a string is not a count");
        assert!(value_check("totalResults", &check, &[]).is_err());
    }

    #[test]
    fn later_than_compares_instants_and_forgives_only_whole_second_precision() {
        let at = |s: &str| later_than("lastModified", "2026-11-28T10:00:00.120Z", &json!(s));
        assert!(at("2026-11-28T10:00:00.121Z").is_ok());
        assert!(at("2026-11-28T12:00:00.121+02:00").is_ok());
        assert!(at("2026-11-28T10:00:00.120Z").is_err(), "unchanged");
        assert!(at("2026-11-28T09:59:59Z").is_err(), "backwards");
        assert!(at("yesterday").is_err());
        let whole = |s: &str| later_than("lastModified", "2026-11-28T10:00:00Z", &json!(s));
        assert!(
            whole("2026-11-28T10:00:00Z").is_ok(),
            "a second is the precision"
        );
        assert!(whole("2026-11-28T09:00:00Z").is_err());
        assert!(later_than("x", "not a date", &json!("2026-11-28T10:00:00Z")).is_err());
        assert!(later_than("x", "2026-11-28T10:00:00Z", &json!(5)).is_err());
    }
}
