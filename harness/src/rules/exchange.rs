//! Exchange rules: checks made on every response the harness sees, whichever step caused it.
//!
//! A check answers "not applicable" (`None`), "holds" (`Some(Ok)`) or "broken" (`Some(Err)`,
//! saying what was expected and what came). Checks never guess: where a response could
//! legitimately differ (a projected body without `meta`, a weak `ETag`), they do not apply.

use scim_core::{ScimType, urn};
use serde_json::{Map, Value};

use super::Rule;

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
    /// The `count` the request asked for (query parameter, or a `.search` body's member).
    pub count: Option<i64>,
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

type Verdict = Option<Result<(), Broken>>;

fn all<'a>(
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

/// Runs one exchange rule on one response.
pub fn check(rule: &Rule, v: &View<'_>) -> Verdict {
    match rule.id {
        "R7644-3.12-error-envelope" => {
            // A 429 often comes from a gateway in front of the SCIM service; Okta reads only
            // its status and Retry-After.
            if v.status < 400 || v.status == 429 {
                return None;
            }
            if !v.has_body {
                return Some(Err(broken(
                    "the error response has no body",
                    "a SCIM Error JSON body",
                    "an empty body",
                )));
            }
            let Some(body) = v.body else {
                return Some(Err(broken(
                    "the error body is not JSON",
                    "a SCIM Error JSON body",
                    "a non-JSON body",
                )));
            };
            match v.error_body() {
                Some(_) => Some(Ok(())),
                None => Some(Err(broken(
                    "the error body is not a top-level SCIM Error",
                    format!("\"schemas\": [\"{}\"] at the top level", urn::ERROR),
                    short(body),
                ))),
            }
        }
        "R7644-3.12-status-string" => {
            if v.status < 400 {
                return None;
            }
            let body = v.error_body()?;
            let want = v.status.to_string();
            match body.get("status") {
                Some(Value::String(s)) if *s == want => Some(Ok(())),
                Some(other) => Some(Err(broken(
                    "the error's status is not the HTTP status as a string",
                    format!("\"{want}\""),
                    other.to_string(),
                ))),
                None => Some(Err(broken(
                    "the error has no status",
                    format!("\"status\": \"{want}\""),
                    "no status",
                ))),
            }
        }
        "R7644-3.12-scimType-values" => {
            let t = v.error_body()?.get("scimType")?;
            match t.as_str().map(str::parse::<ScimType>) {
                Some(Ok(_)) => Some(Ok(())),
                _ => Some(Err(broken(
                    "scimType is not one of the RFC's keywords",
                    format!("one of {}", ScimType::ALL.map(ScimType::as_str).join(", ")),
                    t.to_string(),
                ))),
            }
        }
        "R7644-3.12-client-errors-not-5xx" => Some(if v.status >= 500 {
            Err(broken(
                format!("the server answered {}", v.status),
                "a 2xx or 4xx status",
                v.status.to_string(),
            ))
        } else {
            Ok(())
        }),
        "R7644-8.1-response-media-type" => {
            if !v.has_body {
                return None;
            }
            let ct = v.header("content-type").unwrap_or("");
            let essence = ct.split(';').next().unwrap_or("").trim();
            Some(if essence.eq_ignore_ascii_case("application/scim+json") {
                Ok(())
            } else {
                Err(broken(
                    "the response is not labelled application/scim+json",
                    "Content-Type: application/scim+json",
                    if ct.is_empty() { "no Content-Type" } else { ct },
                ))
            })
        }
        "R7644-3.4.2-list-envelope" => {
            if !v.is_query() || v.status != 200 {
                return None;
            }
            let Some(body) = v.body.and_then(Value::as_object) else {
                return Some(Err(broken(
                    "the query response is not a JSON object",
                    "a ListResponse",
                    "something else",
                )));
            };
            let listed = body
                .get("schemas")
                .and_then(Value::as_array)
                .is_some_and(|s| {
                    s.iter()
                        .any(|u| u.as_str().is_some_and(|u| urn::eq(u, urn::LIST_RESPONSE)))
                });
            if !listed {
                return Some(Err(broken(
                    "the query response does not name the ListResponse schema",
                    format!("\"schemas\": [\"{}\"]", urn::LIST_RESPONSE),
                    short(body.get("schemas").unwrap_or(&Value::Null)),
                )));
            }
            let Some(total) = body.get("totalResults").and_then(Value::as_u64) else {
                return Some(Err(broken(
                    "totalResults is missing or not a non-negative integer",
                    "an integer totalResults",
                    short(body.get("totalResults").unwrap_or(&Value::Null)),
                )));
            };
            if body.contains_key("resources") && !body.contains_key("Resources") {
                return Some(Err(broken(
                    "the resources are under \"resources\"",
                    "\"Resources\" (capital R)",
                    "\"resources\"",
                )));
            }
            // A request for no resources (count=0, or negative, which RFC 7644 §3.4.2.4 says
            // means 0) may get totalResults alone.
            let asked_none = v.count.is_some_and(|c| c <= 0);
            if total > 0 && !asked_none && !body.get("Resources").is_some_and(Value::is_array) {
                return Some(Err(broken(
                    "totalResults is positive but there is no Resources array",
                    "a \"Resources\" array",
                    "none",
                )));
            }
            Some(Ok(()))
        }
        "okta.list.integer-counts" => {
            if !v.is_query() || v.status != 200 {
                return None;
            }
            let body = v.body?.as_object()?;
            for k in ["totalResults", "startIndex", "itemsPerPage"] {
                match body.get(k) {
                    Some(n) if n.is_u64() => {}
                    other => {
                        return Some(Err(broken(
                            format!("{k} is not an integer"),
                            format!("an integer {k}"),
                            other.map_or("absent".to_owned(), short),
                        )));
                    }
                }
            }
            Some(Ok(()))
        }
        "R7644-3.3-create-201" => {
            if v.method != "POST" || v.collection().is_none() || !v.is_success() {
                return None;
            }
            Some(if v.status == 201 {
                Ok(())
            } else {
                Err(broken(
                    "a successful create did not answer 201",
                    "201 Created",
                    v.status.to_string(),
                ))
            })
        }
        "R7644-3.3-create-location" => {
            if v.method != "POST" || v.collection().is_none() || v.status != 201 {
                return None;
            }
            let Some(location) = v.header("location") else {
                return Some(Err(broken(
                    "the 201 has no Location header",
                    "Location: <the new resource's URI>",
                    "no Location header",
                )));
            };
            if !(location.starts_with("http://") || location.starts_with("https://")) {
                return Some(Err(broken(
                    "Location is not an absolute URI",
                    "an absolute http(s) URI",
                    location,
                )));
            }
            let meta_location = v
                .body
                .and_then(|b| b.get("meta"))
                .and_then(|m| m.get("location"))
                .and_then(Value::as_str);
            match meta_location {
                Some(m) if m != location => Some(Err(broken(
                    "Location differs from meta.location",
                    m,
                    location,
                ))),
                _ => Some(Ok(())),
            }
        }
        "okta.create.returns-user" => {
            if v.method != "POST" || !v.is_users() || v.collection().is_none() || !v.is_success() {
                return None;
            }
            let id = v
                .body
                .and_then(|b| b.get("id"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            Some(if id.is_some() {
                Ok(())
            } else {
                Err(broken(
                    "the create response has no user with an id",
                    "the created user, with its id",
                    if v.has_body {
                        "a body without an id"
                    } else {
                        "an empty body"
                    },
                ))
            })
        }
        "R7643-3.1-id-present-stable" => all(v.resources(), |r| match r.get("id") {
            Some(Value::String(s)) if !s.is_empty() => Ok(()),
            other => Err(broken(
                "a resource has no id",
                "a non-empty string id",
                other.map_or("absent".to_owned(), short),
            )),
        }),
        "R7643-3.1-meta-complete" => {
            if v.projected() {
                return None;
            }
            all(v.resources(), |r| {
                let meta = r.get("meta").and_then(Value::as_object);
                let missing: Vec<&str> = ["resourceType", "created", "lastModified", "location"]
                    .into_iter()
                    .filter(|k| {
                        !meta.is_some_and(|m| {
                            m.get(*k)
                                .is_some_and(|x| x.as_str().is_some_and(|s| !s.is_empty()))
                        })
                    })
                    .collect();
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(broken(
                        format!("meta lacks {}", missing.join(", ")),
                        "meta.resourceType, created, lastModified, location",
                        r.get("meta").map_or("no meta".to_owned(), short),
                    ))
                }
            })
        }
        "R7643-7-never-returned" => all(v.resources(), |r| {
            if r.keys().any(|k| k.eq_ignore_ascii_case("password")) {
                Err(broken(
                    "password was returned",
                    "no password attribute",
                    "a password attribute",
                ))
            } else {
                Ok(())
            }
        }),
        "R7643-2.4-multivalued" => all(v.resources(), |r| {
            for (k, val) in r {
                let multi = [
                    "emails",
                    "phoneNumbers",
                    "ims",
                    "photos",
                    "addresses",
                    "entitlements",
                    "roles",
                    "x509Certificates",
                    "groups",
                    "members",
                ];
                if !multi.iter().any(|m| m.eq_ignore_ascii_case(k)) || val.is_null() {
                    continue;
                }
                let Some(items) = val.as_array() else {
                    return Err(broken(
                        format!("{k} is not an array"),
                        format!("\"{k}\": [ ... ]"),
                        short(val),
                    ));
                };
                let primaries = items
                    .iter()
                    .filter(|i| i.get("primary") == Some(&Value::Bool(true)))
                    .count();
                if primaries > 1 {
                    return Err(broken(
                        format!("{k} has {primaries} primary values"),
                        "at most one primary: true",
                        short(val),
                    ));
                }
            }
            Ok(())
        }),
        "R7644-3.14-meta-version" => {
            let etag = v.header("etag")?;
            let version = v
                .body
                .and_then(|b| b.get("meta"))
                .and_then(|m| m.get("version"))
                .and_then(Value::as_str)?;
            Some(if etag == version {
                Ok(())
            } else {
                Err(broken(
                    "meta.version differs from the ETag header",
                    etag,
                    version,
                ))
            })
        }
        "R7644-3.5.2-success-codes" => {
            if v.method != "PATCH" || !v.is_success() {
                return None;
            }
            Some(if v.status == 200 || v.status == 204 {
                Ok(())
            } else {
                Err(broken(
                    "a successful PATCH answered neither 200 nor 204",
                    "200 or 204",
                    v.status.to_string(),
                ))
            })
        }
        "R7644-3.6-delete-204" => {
            if v.method != "DELETE" || !v.is_success() {
                return None;
            }
            Some(if v.status == 204 {
                Ok(())
            } else {
                Err(broken(
                    "a successful DELETE did not answer 204",
                    "204 No Content",
                    v.status.to_string(),
                ))
            })
        }
        "okta.user.core-fields" => {
            if !v.is_users() || v.projected() {
                return None;
            }
            all(v.resources(), |r| {
                let non_empty = |val: Option<&Value>| match val {
                    Some(Value::String(s)) => !s.is_empty(),
                    Some(Value::Bool(_)) => true,
                    _ => false,
                };
                let name = r.get("name");
                let email = r
                    .get("emails")
                    .and_then(|e| e.get(0))
                    .and_then(|e| e.get("value"));
                let missing: Vec<&str> = [
                    ("id", non_empty(r.get("id"))),
                    ("userName", non_empty(r.get("userName"))),
                    ("active", non_empty(r.get("active"))),
                    (
                        "name.givenName",
                        non_empty(name.and_then(|n| n.get("givenName"))),
                    ),
                    (
                        "name.familyName",
                        non_empty(name.and_then(|n| n.get("familyName"))),
                    ),
                    ("emails[0].value", non_empty(email)),
                ]
                .into_iter()
                .filter(|(_, ok)| !ok)
                .map(|(k, _)| k)
                .collect();
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(broken(
                        format!("the user lacks {}", missing.join(", ")),
                        "id, userName, active, name.givenName, name.familyName, emails[0].value",
                        short(&Value::Object(r.clone())),
                    ))
                }
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(id: &str) -> &'static Rule {
        crate::rules::find(id).expect("rule exists")
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
            count: None,
        }
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
