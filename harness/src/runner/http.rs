//! Raw SCIM requests from scenario steps, recorded in the same transcript form as mock-okta's.

use std::time::{Duration, Instant};

use mock_okta::client::{SendError, error_chain, path_and_query};
use mock_okta::transcript::{Exchange, MASKED, RecordedRequest, RecordedResponse};
use reqwest::Method;

/// A request ready to send.
#[derive(Clone, Debug)]
pub(super) struct Prepared {
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: String,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Option<Vec<u8>>,
}

/// Sends a request and records it; a failure to get any answer is recorded too.
///
/// `secret` is the run's token: it is masked wherever it appears in the record. Any other
/// credential (a scenario's deliberately wrong token) is kept verbatim, so that the replay
/// command sends the same wrong token the step did.
pub(super) async fn send(
    http: &reqwest::Client,
    p: &Prepared,
    timeout: Duration,
    secret: &str,
) -> Exchange {
    let mut req = http.request(p.method.clone(), &p.url).timeout(timeout);
    for (k, v) in &p.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    if let Some(b) = &p.body {
        req = req.body(b.clone());
    }
    let scrub = |text: &str| scrub(text, secret);
    let request = RecordedRequest {
        method: p.method.to_string(),
        path: scrub(&path_and_query(&p.url)),
        headers: p
            .headers
            .iter()
            .map(|(k, v)| {
                let shown = if k.eq_ignore_ascii_case("authorization")
                    && !secret.is_empty()
                    && v.split_once(' ').map(|(_, t)| t) == Some(secret)
                {
                    MASKED.to_owned()
                } else {
                    scrub(v)
                };
                (k.clone(), shown)
            })
            .collect(),
        body: p.body.as_ref().map(|b| scrub(&String::from_utf8_lossy(b))),
    };
    let started = Instant::now();
    let result = async {
        let r = req.send().await?;
        let status = r.status().as_u16();
        let headers: Vec<(String, String)> = r
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    scrub(&String::from_utf8_lossy(v.as_bytes())),
                )
            })
            .collect();
        let bytes = r.bytes().await?;
        Ok::<_, reqwest::Error>((status, headers, bytes))
    }
    .await;
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match result {
        Ok((status, headers, bytes)) => {
            let text = scrub(&String::from_utf8_lossy(&bytes));
            Exchange {
                request,
                response: Some(RecordedResponse {
                    status,
                    headers,
                    body: (!text.is_empty()).then_some(text),
                    elapsed_ms,
                }),
                error: None,
                then_waited_secs: None,
            }
        }
        Err(e) => {
            // Worded as mock-okta words its own failures, so that both read alike in a report.
            let message = if e.is_timeout() {
                SendError::Timeout(timeout).to_string()
            } else {
                scrub(&SendError::Connection(error_chain(&e)).to_string())
            };
            Exchange {
                request,
                response: None,
                error: Some(message),
                then_waited_secs: None,
            }
        }
    }
}

/// `text` with every standalone occurrence of the run's token replaced, so that a server
/// echoing the token back (in an error message, say) cannot leak it into a report.
/// "Standalone" means not inside a longer run of token characters: a short token such as `t`
/// must not turn `application/json` into `applica********ion/json`.
fn scrub(text: &str, secret: &str) -> String {
    if secret.is_empty() || !text.contains(secret) {
        return text.to_owned();
    }
    // RFC 6750's b64token characters.
    let token_char = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in text.match_indices(secret) {
        let end = at + secret.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        if before.is_some_and(token_char) || after.is_some_and(token_char) {
            continue;
        }
        out.push_str(&text[copied..at]);
        out.push_str("********");
        copied = end;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn scrubs_only_the_secret() {
        assert_eq!(scrub("token s3cr3t here", "s3cr3t"), "token ******** here");
        assert_eq!(scrub("nothing", "s3cr3t"), "nothing");
        assert_eq!(scrub("anything", ""), "anything");
        assert_eq!(scrub("s3cr3t", "s3cr3t"), "********");
        assert_eq!(scrub(r#"{"t":"s3cr3t"}"#, "s3cr3t"), r#"{"t":"********"}"#);
        assert_eq!(
            scrub("application/json t", "t"),
            "application/json ********"
        );
        assert_eq!(scrub("xs3cr3t s3cr3t", "s3cr3t"), "xs3cr3t ********");
    }
}
