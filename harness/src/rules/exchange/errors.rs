//! Error responses and their body (RFC 7644 §3.12), and the media type of every body (§8.1).

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

/// `R7644-3.12-client-errors-not-5xx`: The server answers without 5xx errors.
pub fn no_server_errors(v: &View<'_>) -> Verdict {
    Some(if v.status >= 500 {
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
