//! Error responses and their body (RFC 7644 §3.12), and the media type of every body (§8.1).

use std::sync::LazyLock;

use regex::Regex;
use scim_core::{ScimType, urn};
use serde_json::Value;

use super::{Verdict, View, broken, short};

/// `R7644-3.12-error-envelope`: Error responses (other than 429, which gateways often send bare) carry a top-level SCIM Error JSON body.
pub fn error_envelope(v: &View<'_>) -> Verdict {
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
            v.instead_of_an_object(),
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

/// `R7644-3.12-status-string`: An error's `status` is the HTTP status code as a JSON string.
pub fn error_status_is_a_string(v: &View<'_>) -> Verdict {
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

/// `R7644-3.12-scimType-values`: An error's `scimType` is one of the RFC's keywords.
pub fn scim_type_is_a_keyword(v: &View<'_>) -> Verdict {
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

/// `R7644-3.12-client-errors-not-5xx`: The server answers without 5xx errors. A 501 is the
/// RFC's own answer to an operation the server does not support (Table 8), not a failure.
pub fn no_server_errors(v: &View<'_>) -> Verdict {
    Some(if v.status >= 500 && v.status != 501 {
        Err(broken(
            format!("the server answered {}", v.status),
            "a 2xx or 4xx status",
            v.status.to_string(),
        ))
    } else {
        Ok(())
    })
}

/// `R7644-8.1-response-media-type`: Responses with a body are labelled application/scim+json.
pub fn scim_media_type(v: &View<'_>) -> Verdict {
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

/// `okta.no-redirect`: the endpoint answers itself; a `3xx` (other than `304`) says where it
/// sent the client instead.
pub fn no_redirect(v: &View<'_>) -> Verdict {
    if !(300..400).contains(&v.status) || v.status == 304 {
        return Some(Ok(()));
    }
    let location = v.header("location").unwrap_or("(no Location)");
    Some(Err(broken(
        format!("the target redirected ({}) to {location}", v.status),
        "an answer from the endpoint itself",
        format!("{} with Location: {location}", v.status),
    )))
}

/// `okta.rate-limit.retry-after`: a `429` says when to come back, in whole seconds. Okta
/// waits exactly that long; without it (or with an HTTP-date, or anything not an integer) it
/// waits five minutes, doubling on each further 429 (okta-wire §1.4).
pub fn retry_after_seconds(v: &View<'_>) -> Verdict {
    if v.status != 429 {
        return None;
    }
    match v.header("retry-after").map(str::trim) {
        Some(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => Some(Ok(())),
        other => Some(Err(broken(
            "the 429 does not say, in whole seconds, when to come back: Okta waits five minutes, \
             doubling on each further 429",
            "Retry-After: <seconds>",
            other.map_or_else(
                || "no Retry-After".to_owned(),
                |s| format!("Retry-After: {s}"),
            ),
        ))),
    }
}

/// Signatures of a database engine's or a runtime's own error text: unmistakable, so that a
/// message a person wrote never matches. Each names what it betrays.
const INTERNALS: &[(&str, &str)] = &[
    (
        r"(?i)duplicate key value violates unique constraint",
        "a PostgreSQL error",
    ),
    (r"SQLSTATE", "an SQL error code"),
    (r"\bORA-\d{5}\b", "an Oracle error"),
    (r"(?i)UNIQUE constraint failed", "an SQLite error"),
    (r"(?i)Duplicate entry '.*' for key", "a MySQL error"),
    (
        r"(?i)Cannot insert duplicate key row",
        "an SQL Server error",
    ),
    (r"\bE11000 duplicate key", "a MongoDB error"),
    (r"Sequelize\w*Error", "an ORM error"),
    (r"Traceback \(most recent call last\)", "a Python traceback"),
    (
        r"\bat [\w$.]+\([\w$]+\.(java|kt|scala):\d+\)",
        "a JVM stack trace",
    ),
    (r"(?m)^\s+at .+\(.+:\d+:\d+\)$", "a JavaScript stack trace"),
    (
        r"\bNull(Pointer|Reference)Exception\b",
        "a runtime exception",
    ),
];

/// [`INTERNALS`], compiled once.
static SIGNATURES: LazyLock<Vec<(Regex, &str)>> = LazyLock::new(|| {
    INTERNALS
        .iter()
        .filter_map(|(p, what)| Regex::new(p).ok().map(|re| (re, *what)))
        .collect()
});

/// `okta.error.detail-readable`: an error's `detail`, which Okta shows the admin, reads as a
/// message and betrays no database or stack internals.
pub fn detail_is_readable(v: &View<'_>) -> Verdict {
    if v.status < 400 {
        return None;
    }
    let detail = v.error_body()?.get("detail")?.as_str()?;
    for (re, what) in SIGNATURES.iter() {
        if re.is_match(detail) {
            return Some(Err(broken(
                format!("the error's detail shows {what}"),
                "a message for the admin, without database or stack internals",
                short(&Value::String(detail.to_owned())),
            )));
        }
    }
    Some(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::{INTERNALS, SIGNATURES};

    #[test]
    fn every_signature_compiles_and_none_matches_a_written_message() {
        assert_eq!(SIGNATURES.len(), INTERNALS.len());
        let leaks = [
            "ERROR: duplicate key value violates unique constraint \"users_username_key\"",
            "ORA-00001: unique constraint (APP.USERS_UK) violated",
            "SQLITE_CONSTRAINT: UNIQUE constraint failed: users.user_name",
            "Duplicate entry 'bob@example.com' for key 'users.user_name'",
            "E11000 duplicate key error collection: app.users index: userName_1",
            "SequelizeUniqueConstraintError: Validation error",
            "Traceback (most recent call last):\n  File \"app.py\", line 3",
            "java.lang.IllegalStateException\n\tat com.acme.scim.Users.create(Users.java:42)",
            "TypeError: x is undefined\n    at create (/srv/app/users.js:10:5)",
            "System.NullReferenceException: Object reference not set",
        ];
        for leak in leaks {
            assert!(SIGNATURES.iter().any(|(re, _)| re.is_match(leak)), "{leak}");
        }
        let fine = [
            "User already exists in the database.",
            "userName bob@example.com is already taken",
            "the body is not valid JSON: EOF while parsing an object at line 1 column 127",
            "invalid filter: expected a value after 'eq' (at byte 11)",
            "Resource 2819c223 not found",
        ];
        for ok in fine {
            assert!(!SIGNATURES.iter().any(|(re, _)| re.is_match(ok)), "{ok}");
        }
    }
}
