//! The resources in any successful answer (RFC 7643 §2.4, §3.1, §7; Okta's core fields).

use scim_core::urn;
use serde_json::{Map, Value};

use super::{Verdict, View, all, broken, short};

/// `R7643-3.1-id-present-stable`: Every resource has a non-empty string `id`.
pub fn resources_have_ids(v: &View<'_>) -> Verdict {
    all(v.resources(), |r| match r.get("id") {
        Some(Value::String(s)) if !s.is_empty() => Ok(()),
        other => Err(broken(
            "a resource has no id",
            "a non-empty string id",
            other.map_or("absent".to_owned(), short),
        )),
    })
}

/// Whether `r` carries a `schemas` array with its type's core schema (`User` or `Group`).
fn has_schemas(r: &Map<String, Value>, core: &str) -> Result<(), super::Broken> {
    let uris: Option<Vec<&str>> = r
        .get("schemas")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect());
    match uris {
        Some(uris) if uris.iter().any(|u| urn::eq(u, core)) => Ok(()),
        _ => Err(broken(
            if r.contains_key("schemas") {
                "a resource's schemas lacks its core schema"
            } else {
                "a resource has no schemas"
            },
            format!("schemas: an array holding {core}"),
            r.get("schemas").map_or("absent".to_owned(), short),
        )),
    }
}

fn core_schema(v: &View<'_>) -> &'static str {
    if v.is_users() { urn::USER } else { urn::GROUP }
}

/// `R7643-3-schemas`: every resource names its schemas, its type's core schema among them.
pub fn resources_have_schemas(v: &View<'_>) -> Verdict {
    if v.projected() {
        return None;
    }
    all(v.resources(), |r| has_schemas(r, core_schema(v)))
}

/// `R7643-3-schemas-projected`: so does a resource trimmed by `attributes`/`excludedAttributes`.
pub fn projected_resources_have_schemas(v: &View<'_>) -> Verdict {
    if !v.projected() {
        return None;
    }
    all(v.resources(), |r| has_schemas(r, core_schema(v)))
}

/// `R7643-3.1-meta-complete`: Resources carry meta with resourceType, created, lastModified and location.
pub fn meta_complete(v: &View<'_>) -> Verdict {
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

/// `R7643-7-never-returned`: `password` is never returned.
pub fn password_never_returned(v: &View<'_>) -> Verdict {
    all(v.resources(), |r| {
        if r.keys().any(|k| k.eq_ignore_ascii_case("password")) {
            Err(broken(
                "password was returned",
                "no password attribute",
                "a password attribute",
            ))
        } else {
            Ok(())
        }
    })
}

/// `R7643-2.4-multivalued`: Multi-valued attributes are arrays, with at most one primary value.
pub fn multi_valued_arrays(v: &View<'_>) -> Verdict {
    all(v.resources(), |r| {
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
    })
}

/// `R7644-3.14-meta-version`: When both are sent, meta.version equals the ETag header.
pub fn meta_version_is_the_etag(v: &View<'_>) -> Verdict {
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

/// `okta.user.core-fields`: Users carry id, userName, name.givenName, name.familyName, active and emails[0].value.
pub fn user_core_fields(v: &View<'_>) -> Verdict {
    if !v.is_users() || v.projected() {
        return None;
    }
    // A user written without `active` may come back without it: Okta always sends it, and
    // the server need not invent one.
    let active_asked = !(matches!(v.method, "POST" | "PUT")
        && !v.path.ends_with(".search")
        && v.request.is_some_and(|b| b.get("active").is_none()));
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
            ("active", !active_asked || non_empty(r.get("active"))),
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
