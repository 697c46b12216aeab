//! A `curl` command that replays a request, with the run's token written as the environment
//! variable it came from (`--token-env`, `$SCIM_TOKEN` by default), so the command can be
//! shared without leaking it. A deliberately wrong token that a step sent is replayed as it
//! was. Every word is single-quoted, so any body is safe to paste into a shell. Okta's
//! `Accept-Encoding: gzip,deflate` becomes `--compressed`, so the answer prints as text.

use scim_client::Exchange;

use super::ScenarioRun;

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

/// The replay command for an exchange sent to the target at `base_url`, with the run's token
/// read from the environment variable `token_env`.
pub fn command(ex: &Exchange, base_url: &str, token_env: &str) -> String {
    let r = &ex.request;
    let mut parts = vec![
        "curl".to_owned(),
        "-sS".to_owned(),
        "-X".to_owned(),
        r.method.clone(),
        quote(&format!("{}{}", origin(base_url), r.path)),
    ];
    for (k, v) in &r.headers {
        if k.eq_ignore_ascii_case("accept-encoding") {
            // curl would print the compressed bytes; `--compressed` asks the same and decodes.
            parts.push("--compressed".into());
        } else if k.eq_ignore_ascii_case("authorization") && v == scim_client::MASKED {
            parts.push("-H".into());
            parts.push(format!("\"Authorization: Bearer ${{{token_env}}}\""));
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

/// Whether replaying the request needs what the scenario run made (a resource by its id, a
/// query for the run's users): cleanup deleted it, so the scenario must be re-run with
/// `--keep` before the replay can show the same answer.
pub fn needs_kept(ex: &Exchange, run: &ScenarioRun) -> bool {
    let r = &ex.request;
    // A create makes what it needs.
    if r.method == "POST" && !r.path.contains("/.search") {
        return false;
    }
    let by_id = r
        .path
        .split('?')
        .next()
        .unwrap_or("")
        .split('/')
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| (w[0] == "Users" || w[0] == "Groups") && !w[1].is_empty() && w[1] != ".search");
    let mentions_run = run
        .prefix
        .as_deref()
        .is_some_and(|p| r.path.contains(p) || r.body.as_deref().is_some_and(|b| b.contains(p)));
    by_id || mentions_run
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
                    ("Accept-Encoding".into(), "gzip,deflate".into()),
                ],
                body: Some(r#"{"name":"O'Brien"}"#.into()),
            },
            response: None,
            error: None,
            silent: false,
            then_waited_secs: None,
        };
        assert_eq!(
            command(&ex, "http://127.0.0.1:8080/scim/v2", "MY_TOKEN"),
            r#"curl -sS -X PATCH 'http://127.0.0.1:8080/scim/v2/Users/u1' -H 'Content-Type: application/scim+json' -H "Authorization: Bearer ${MY_TOKEN}" --compressed --data-raw '{"name":"O'\''Brien"}'"#
        );
    }
}
