//! A `curl` command that replays a request, with the run's token written as `$SCIM_TOKEN` so
//! the command can be shared without leaking it. A deliberately wrong token that a step sent
//! is replayed as it was.

use scim_client::Exchange;

/// Quotes a shell word in single quotes.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The origin (`http://host:port`) of a URL.
fn origin(base_url: &str) -> String {
    match reqwest::Url::parse(base_url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => base_url.to_owned(),
    }
}

/// The replay command for an exchange sent to the target at `base_url`.
pub fn command(ex: &Exchange, base_url: &str) -> String {
    let r = &ex.request;
    let mut parts = vec![
        "curl".to_owned(),
        "-X".to_owned(),
        r.method.clone(),
        quote(&format!("{}{}", origin(base_url), r.path)),
    ];
    for (k, v) in &r.headers {
        if k.eq_ignore_ascii_case("authorization") && v == scim_client::MASKED {
            parts.push("-H".into());
            parts.push("\"Authorization: Bearer $SCIM_TOKEN\"".into());
        } else {
            parts.push("-H".into());
            parts.push(quote(&format!("{k}: {v}")));
        }
    }
    if let Some(b) = &r.body {
        parts.push("--data-raw".into());
        parts.push(quote(b));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use scim_client::RecordedRequest;

    #[test]
    fn replays_without_the_token() {
        let ex = Exchange {
            request: RecordedRequest {
                method: "PATCH".into(),
                path: "/scim/v2/Users/u1".into(),
                headers: vec![
                    ("Content-Type".into(), "application/scim+json".into()),
                    ("Authorization".into(), "Bearer ********".into()),
                ],
                body: Some(r#"{"name":"O'Brien"}"#.into()),
            },
            response: None,
            error: None,
            then_waited_secs: None,
        };
        assert_eq!(
            command(&ex, "http://127.0.0.1:8080/scim/v2"),
            r#"curl -X PATCH 'http://127.0.0.1:8080/scim/v2/Users/u1' -H 'Content-Type: application/scim+json' -H "Authorization: Bearer $SCIM_TOKEN" --data-raw '{"name":"O'\''Brien"}'"#
        );
    }
}
