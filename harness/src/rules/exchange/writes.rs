//! What creates, PATCHes and DELETEs answer (RFC 7644 §3.3, §3.5.2, §3.6).

use serde_json::Value;

use super::{Verdict, View, broken};

/// `R7644-3.3-create-201`: A successful create answers 201 Created.
pub fn create_answers_201(v: &View<'_>) -> Verdict {
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

/// `R7644-3.3-create-location`: A 201 carries a Location header equal to meta.location.
pub fn create_location(v: &View<'_>) -> Verdict {
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

/// `okta.create.returns-user`: Creating a user returns the user with its id.
pub fn create_returns_the_user(v: &View<'_>) -> Verdict {
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

/// `R7644-3.5.2-success-codes`: A successful PATCH answers 200 or 204.
pub fn patch_success_codes(v: &View<'_>) -> Verdict {
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

/// `R7644-3.6-delete-204`: A successful DELETE answers 204 No Content.
pub fn delete_answers_204(v: &View<'_>) -> Verdict {
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
