//! Raw SCIM requests from scenario steps, recorded in the same transcript form as mock-okta's.

use std::time::{Duration, Instant};

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
pub(super) async fn send(http: &reqwest::Client, p: &Prepared, timeout: Duration) -> Exchange {
    let mut req = http.request(p.method.clone(), &p.url).timeout(timeout);
    for (k, v) in &p.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    if let Some(b) = &p.body {
        req = req.body(b.clone());
    }
    let path = match reqwest::Url::parse(&p.url) {
        Ok(u) => match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        },
        Err(_) => p.url.clone(),
    };
    let request = RecordedRequest {
        method: p.method.to_string(),
        path,
        headers: p
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    if k.eq_ignore_ascii_case("authorization") {
                        mask(v)
                    } else {
                        v.clone()
                    },
                )
            })
            .collect(),
        body: p
            .body
            .as_ref()
            .map(|b| String::from_utf8_lossy(b).into_owned()),
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
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
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
            let text = String::from_utf8_lossy(&bytes).into_owned();
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
            let message = if e.is_timeout() {
                format!("no response within {timeout:?}")
            } else {
                format!("connection failed: {e}")
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

/// Masks a bearer token (any other scheme's credentials too).
fn mask(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("bearer") => MASKED.to_owned(),
        Some((scheme, _)) => format!("{scheme} ********"),
        None => "********".to_owned(),
    }
}
