//! Exchange rules' checks: made on every response the harness sees, whichever step caused
//! it. Each is a function the catalogue names in its rule ([`super::Kind::Exchange`]).
//!
//! A check answers "not applicable" (`None`), "holds" (`Some(Ok)`) or "broken" (`Some(Err)`,
//! saying what was expected and what came). Checks never guess: where a response could
//! legitimately differ (a projected body without `meta`, a weak `ETag`), they do not apply.

use scim_core::urn;
use serde_json::{Map, Value};

/// A response and the request that caused it, as the checks see them.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    /// The request method (upper case).
    pub method: &'a str,
    /// The path relative to the SCIM base URL, without the query (`/Users/2819c223`).
    pub path: &'a str,
    /// The query string, without `?`.
    pub query: &'a str,
    /// The response status.
    pub status: u16,
    /// The response headers.
    pub headers: &'a [(String, String)],
    /// The response body, when it is JSON.
    pub body: Option<&'a Value>,
    /// Whether the response had a non-empty body at all.
    pub has_body: bool,
    /// The response body as received (empty when there was none), to say where a body that
    /// is not JSON stops being JSON.
    pub text: &'a str,
    /// The `count` the request asked for (query parameter, or a `.search` body's member).
    pub count: Option<i64>,
    /// The request body, when it is JSON: what the client itself sent, so that a check asks
    /// nothing the server would have to invent.
    pub request: Option<&'a Value>,
}

/// What a broken rule (or a failed scenario expectation) reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    /// What is wrong.
    pub message: String,
    /// What the rule wants.
    pub expected: Option<String>,
    /// What came.
    pub actual: Option<String>,
}

/// A [`Broken`] with what was expected and what came.
pub(crate) fn broken(
    message: impl Into<String>,
    expected: impl Into<String>,
    actual: impl Into<String>,
) -> Broken {
    Broken {
        message: message.into(),
        expected: Some(expected.into()),
        actual: Some(actual.into()),
    }
}

impl View<'_> {
    /// What came instead of a JSON object, in words: the JSON it was, no body, or where the
    /// text stopped being JSON.
    pub fn instead_of_an_object(&self) -> String {
        if let Some(body) = self.body {
            return short(body);
        }
        if self.text.trim().is_empty() {
            return "an empty body".to_owned();
        }
        match serde_json::from_str::<Value>(self.text) {
            Ok(v) => short(&v),
            Err(e) => {
                let start: String = self.text.chars().take(80).collect();
                let cut = if start.len() < self.text.len() {
                    "…"
                } else {
                    ""
                };
                format!("not valid JSON ({e}): {start}{cut}")
            }
        }
    }

    /// A response header, by name ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn segments(&self) -> Vec<&str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }

    /// `/Users` or `/Groups` (a resource collection).
    fn collection(&self) -> Option<&str> {
        match self.segments().as_slice() {
            [c] if c.eq_ignore_ascii_case("Users") || c.eq_ignore_ascii_case("Groups") => Some(c),
            _ => None,
        }
    }

    /// A list or search response.
    fn is_query(&self) -> bool {
        let segs = self.segments();
        (self.method == "GET" && self.collection().is_some())
            || (self.method == "POST" && segs.last().is_some_and(|s| *s == ".search"))
    }

    /// A single resource under `/Users/{id}` or `/Groups/{id}`.
    fn is_single(&self) -> bool {
        matches!(self.segments().as_slice(), [c, id]
            if (c.eq_ignore_ascii_case("Users") || c.eq_ignore_ascii_case("Groups")) && *id != ".search")
    }

    fn is_users(&self) -> bool {
        self.segments()
            .first()
            .is_some_and(|c| c.eq_ignore_ascii_case("Users"))
    }

    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Whether `attributes`/`excludedAttributes` trimmed the representation.
    fn projected(&self) -> bool {
        form_urlencoded::parse(self.query.as_bytes()).any(|(k, _)| {
            k.eq_ignore_ascii_case("attributes") || k.eq_ignore_ascii_case("excludedAttributes")
        })
    }

    /// The resources in a successful response: the body of a single-resource answer or a
    /// create, or the items of a query.
    fn resources(&self) -> Vec<&Map<String, Value>> {
        if !self.is_success() {
            return Vec::new();
        }
        let Some(body) = self.body.and_then(Value::as_object) else {
            return Vec::new();
        };
        if self.is_query() {
            return body
                .get("Resources")
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(Value::as_object).collect())
                .unwrap_or_default();
        }
        let creates = self.method == "POST" && self.collection().is_some();
        if self.is_single() || creates {
            vec![body]
        } else {
            Vec::new()
        }
    }

    fn error_body(&self) -> Option<&Map<String, Value>> {
        let body = self.body?.as_object()?;
        let schemas = body.get("schemas")?.as_array()?;
        schemas
            .iter()
            .any(|s| s.as_str().is_some_and(|s| urn::eq(s, urn::ERROR)))
            .then_some(body)
    }
}

/// What a check says of one response: not applicable (`None`), holds (`Some(Ok)`), or broken
/// (`Some(Err)`).
pub type Verdict = Option<Result<(), Broken>>;

/// An exchange rule's check.
pub type Check = fn(&View<'_>) -> Verdict;

mod errors;
mod lists;
mod resources;
mod writes;

pub use errors::*;
pub use lists::*;
pub use resources::*;
pub use writes::*;

pub(super) fn all<'a>(
    items: impl IntoIterator<Item = &'a Map<String, Value>>,
    f: impl Fn(&Map<String, Value>) -> Result<(), Broken>,
) -> Verdict {
    let mut any = false;
    for item in items {
        any = true;
        if let Err(b) = f(item) {
            return Some(Err(b));
        }
    }
    any.then_some(Ok(()))
}

/// A JSON value for a report, cut after 300 characters.
pub(crate) fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The check of an exchange rule, by id.
    fn rule(id: &str) -> Check {
        match crate::rules::find(id).expect("rule exists").kind {
            crate::rules::Kind::Exchange(check) => check,
            crate::rules::Kind::Flow => panic!("{id} is a flow rule"),
        }
    }

    fn check(c: Check, v: &View<'_>) -> Verdict {
        c(v)
    }

    fn view<'a>(method: &'a str, path: &'a str, status: u16, body: Option<&'a Value>) -> View<'a> {
        View {
            method,
            path,
            query: "",
            status,
            headers: &[],
            body,
            has_body: body.is_some(),
            text: "",
            count: None,
            request: None,
        }
    }

    #[test]
    fn a_user_written_without_active_may_come_back_without_it() {
        let r = rule("okta.user.core-fields");
        let user = json!({"id": "1", "userName": "a@x.test", "name": {"givenName": "A", "familyName": "B"},
                          "emails": [{"value": "a@x.test"}], "schemas": [urn::USER]});
        let sent_without = json!({"userName": "a@x.test"});
        let sent_with = json!({"userName": "a@x.test", "active": true});
        let at = |method: &'static str, path: &'static str, request: Option<&Value>| {
            let status = if method == "POST" { 201 } else { 200 };
            check(
                r,
                &View {
                    request,
                    ..view(method, path, status, Some(&user))
                },
            )
        };
        assert_eq!(at("POST", "/Users", Some(&sent_without)), Some(Ok(())));
        assert!(
            matches!(at("POST", "/Users", Some(&sent_with)), Some(Err(_))),
            "it sent active"
        );
        assert!(
            matches!(at("GET", "/Users/1", None), Some(Err(_))),
            "a read is judged as ever"
        );
    }

    #[test]
    fn a_lookup_may_answer_only_the_user_asked_for() {
        let r = rule("okta.lookup.only-the-user-asked-for");
        let page = |names: &[&str]| {
            let users: Vec<Value> = names.iter().map(|n| json!({"userName": n})).collect();
            json!({"schemas": [urn::LIST_RESPONSE], "totalResults": users.len(), "Resources": users})
        };
        let lookup = "filter=userName%20eq%20%22a%40x.test%22&startIndex=1&count=100";
        let at = |query: &'static str, body: &Value| {
            let mut v = view("GET", "/Users", 200, None);
            v.query = query;
            check(
                r,
                &View {
                    body: Some(body),
                    ..v
                },
            )
        };
        assert_eq!(at(lookup, &page(&["A@X.test"])), Some(Ok(())));
        assert_eq!(at(lookup, &page(&[])), Some(Ok(())));
        let Some(Err(b)) = at(lookup, &page(&["a@x.test", "b@x.test"])) else {
            panic!("another user is a failure")
        };
        assert_eq!(b.actual.as_deref(), Some("\"b@x.test\""));
        // Not a lookup: another filter, or none.
        assert_eq!(
            at("filter=name.givenName%20eq%20%22A%22", &page(&["b@x.test"])),
            None
        );
        assert_eq!(at("startIndex=1", &page(&["b@x.test"])), None);
        // Projected away, a userName is not missing.
        let projected =
            json!({"schemas": [urn::LIST_RESPONSE], "totalResults": 1, "Resources": [{"id": "1"}]});
        assert_eq!(
            at(
                "filter=userName%20eq%20%22a%40x.test%22&attributes=emails",
                &projected
            ),
            Some(Ok(()))
        );
        assert!(matches!(at(lookup, &projected), Some(Err(_))));
    }

    #[test]
    fn a_bare_429_is_not_an_envelope_failure_but_a_bare_500_is() {
        let r = rule("R7644-3.12-error-envelope");
        assert_eq!(check(r, &view("GET", "/Users", 429, None)), None);
        assert!(matches!(
            check(r, &view("GET", "/Users", 500, None)),
            Some(Err(_))
        ));
    }

    #[test]
    fn urns_compare_ignoring_case() {
        let error = json!({"schemas": [urn::ERROR.to_uppercase()], "status": "404"});
        let r = rule("R7644-3.12-error-envelope");
        assert_eq!(
            check(r, &view("GET", "/Users/x", 404, Some(&error))),
            Some(Ok(()))
        );
        let list = json!({
            "schemas": ["URN:ietf:params:scim:api:messages:2.0:listresponse"],
            "totalResults": 0
        });
        let r = rule("R7644-3.4.2-list-envelope");
        assert_eq!(
            check(r, &view("GET", "/Users", 200, Some(&list))),
            Some(Ok(()))
        );
    }

    #[test]
    fn a_wrong_scim_type_names_every_keyword() {
        let body = json!({"schemas": [urn::ERROR], "status": "400", "scimType": "InvalidValue"});
        let r = rule("R7644-3.12-scimType-values");
        let Some(Err(b)) = check(r, &view("POST", "/Users", 400, Some(&body))) else {
            panic!("a wrong scimType must break the rule");
        };
        assert_eq!(
            b.expected.as_deref(),
            Some(
                "one of invalidFilter, tooMany, uniqueness, mutability, invalidSyntax, invalidPath, noTarget, invalidValue, invalidVers, sensitive"
            )
        );
    }

    #[test]
    fn short_cuts_long_values_on_a_character_boundary() {
        let long = Value::String("é".repeat(400));
        let s = short(&long);
        assert_eq!(s.chars().count(), 301);
        assert!(s.ends_with('…'));
        assert_eq!(short(&json!("ok")), "\"ok\"");
    }

    #[test]
    fn asking_for_no_resources_excuses_a_missing_resources_array() {
        let r = rule("R7644-3.4.2-list-envelope");
        let body = json!({
            "schemas": [urn::LIST_RESPONSE],
            "totalResults": 3
        });
        let mut v = view("GET", "/Users", 200, Some(&body));
        assert!(matches!(check(r, &v), Some(Err(_))));
        for asked in [0, -1] {
            v.count = Some(asked);
            assert_eq!(check(r, &v), Some(Ok(())), "count={asked}");
        }
        v.count = Some(2);
        assert!(matches!(check(r, &v), Some(Err(_))));
    }
}
