//! The SCIM client: Okta's headers and query encoding, its 429 back-off and its timeout, and a
//! transcript of everything sent.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use crate::clock::Clock;
use crate::model::HeaderProfile;
use crate::transcript::{Exchange, MASKED, RecordedRequest, RecordedResponse};

/// Okta's default wait after a 429 without a usable `Retry-After` (okta-wire §1.4).
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(300);
/// Okta closes the socket after 60 seconds without an answer (okta-wire §1.4).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Okta gives up after this many attempts of a rate-limited request.
pub const MAX_ATTEMPTS: u32 = 10;

/// How the client talks to the server.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The SCIM API token (sent as `Authorization: Bearer`).
    pub token: String,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Attempts of a rate-limited request before the task fails.
    pub max_attempts: u32,
    /// Where waiting happens.
    pub clock: Arc<dyn Clock>,
}

impl ClientOptions {
    /// Okta's defaults with a token and real time.
    pub fn new(token: impl Into<String>) -> Self {
        ClientOptions {
            token: token.into(),
            timeout: DEFAULT_TIMEOUT,
            max_attempts: MAX_ATTEMPTS,
            clock: Arc::new(crate::clock::SystemClock),
        }
    }
}

/// A response, parsed as JSON when it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The body as JSON, if it parsed.
    pub json: Option<Value>,
    /// The body as text.
    pub text: String,
}

impl Reply {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// What Okta shows of an error: the SCIM error's `detail` (Okta parses error bodies as
    /// JSON), else the body text, else the status.
    pub fn error_detail(&self) -> String {
        if let Some(d) = self
            .json
            .as_ref()
            .and_then(|v| v.get("detail"))
            .and_then(Value::as_str)
        {
            return d.to_owned();
        }
        let text = self.text.trim();
        if text.is_empty() {
            return format!("HTTP {}", self.status);
        }
        let mut shown: String = text.chars().take(300).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        format!("HTTP {}: {shown}", self.status)
    }
}

/// Why a request got no usable answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The connection failed.
    #[error("connection failed: {0}")]
    Connection(String),
    /// No answer within the timeout.
    #[error("no response within {0:?}")]
    Timeout(Duration),
    /// Still rate-limited after the last attempt.
    #[error("still rate limited (429) after {0} attempts")]
    RateLimited(u32),
}

/// Sends SCIM requests the way Okta does, and records them.
#[derive(Debug)]
pub struct ScimClient {
    http: reqwest::Client,
    base_url: String,
    profile: HeaderProfile,
    options: ClientOptions,
    exchanges: Vec<Exchange>,
}

/// The query Okta sends to find a resource by one attribute:
/// `?filter=<attr>%20eq%20%22<value>%22&startIndex=1&count=100` (the value JSON-escaped).
pub fn lookup_query(attribute: &str, value: &str) -> String {
    let filter = format!("{attribute} eq {}", serde_json::Value::from(value));
    format!("?filter={}&startIndex=1&count=100", encode(&filter))
}

/// Percent-encodes a query value the way Okta does: `%20` for spaces, `%22` for quotes,
/// `%40` for `@`; unreserved characters stay.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 2);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The path and query of a URL, as a transcript records them.
pub fn path_and_query(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        },
        Err(_) => url.to_owned(),
    }
}

impl ScimClient {
    /// A client for `base_url` (the SCIM base, without a trailing slash).
    pub fn new(base_url: &str, profile: HeaderProfile, options: ClientOptions) -> ScimClient {
        let http = reqwest::Client::builder()
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        ScimClient {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            profile,
            options,
            exchanges: Vec::new(),
        }
    }

    /// Points the client at another base URL and header profile, keeping its connection
    /// pool, options and transcript.
    pub fn retarget(&mut self, base_url: &str, profile: HeaderProfile) {
        base_url
            .trim_end_matches('/')
            .clone_into(&mut self.base_url);
        self.profile = profile;
    }

    /// Everything sent since the last call.
    pub fn take_exchanges(&mut self) -> Vec<Exchange> {
        std::mem::take(&mut self.exchanges)
    }

    /// The headers of a request, in the order Okta sends them (okta-wire §1.1).
    fn headers(&self, method: &Method, has_body: bool) -> Vec<(&'static str, String)> {
        let auth = format!("Bearer {}", self.options.token);
        match self.profile {
            HeaderProfile::Okta => {
                let mut h = vec![
                    ("Accept", "application/scim+json".to_owned()),
                    ("Accept-Charset", "utf-8".to_owned()),
                ];
                // The old DELETE sample carries a Content-Type without a body.
                if has_body || *method == Method::DELETE {
                    h.push((
                        "Content-Type",
                        "application/scim+json; charset=utf-8".to_owned(),
                    ));
                }
                h.push(("User-Agent", "Okta SCIM Client 1.0.0".to_owned()));
                h.push(("Authorization", auth));
                h.push(("Connection", "Keep-Alive".to_owned()));
                h.push(("Accept-Encoding", "gzip,deflate".to_owned()));
                h
            }
            HeaderProfile::Runscope => {
                let content_type = if *method == Method::POST {
                    "application/json"
                } else {
                    "application/scim+json; charset=utf-8"
                };
                vec![
                    ("Accept", "application/scim+json".to_owned()),
                    ("Accept-Charset", "utf-8".to_owned()),
                    ("Content-Type", content_type.to_owned()),
                    ("Authorization", auth),
                    ("User-Agent", "OKTA SCIM Integration".to_owned()),
                ]
            }
        }
    }

    /// `GET base + path`.
    pub async fn get(&mut self, path: &str) -> Result<Reply, SendError> {
        self.send(Method::GET, path, None).await
    }

    /// Sends a request to `base + path` (the path includes any query, already encoded), and
    /// honours 429s: an integer `Retry-After` is waited exactly, anything else means 300 s;
    /// each further 429 doubles the previous wait (or waits `Retry-After`, if longer); after
    /// `max_attempts` attempts the request fails.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<Reply, SendError> {
        let url = format!("{}{path}", self.base_url);
        // The same request goes again after a 429: its headers and its record are built once.
        let headers = self.headers(&method, body.is_some());
        let recorded = RecordedRequest {
            method: method.to_string(),
            path: path_and_query(&url),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    let shown = if *k == "Authorization" { MASKED } else { v };
                    ((*k).to_owned(), shown.to_owned())
                })
                .collect(),
            body: body.map(|b| String::from_utf8_lossy(b).into_owned()),
        };
        let mut previous_wait: Option<Duration> = None;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self
                .http
                .request(method.clone(), &url)
                .timeout(self.options.timeout);
            for (k, v) in &headers {
                request = request.header(*k, v);
            }
            if let Some(b) = body {
                request = request.body(b.to_vec());
            }
            let started = Instant::now();
            let result = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let headers: Vec<(String, String)> = response
                        .headers()
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.as_str().to_owned(),
                                String::from_utf8_lossy(v.as_bytes()).into_owned(),
                            )
                        })
                        .collect();
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok());
                    response
                        .bytes()
                        .await
                        .map(|b| (status, headers, b, retry_after))
                }
                Err(e) => Err(e),
            };
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let (status, headers, bytes, retry_after) = match result {
                Ok(parts) => parts,
                Err(e) => {
                    let error = if e.is_timeout() {
                        SendError::Timeout(self.options.timeout)
                    } else {
                        SendError::Connection(error_chain(&e))
                    };
                    self.exchanges.push(Exchange {
                        request: recorded,
                        response: None,
                        error: Some(error.to_string()),
                        then_waited_secs: None,
                    });
                    return Err(error);
                }
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            self.exchanges.push(Exchange {
                request: recorded.clone(),
                response: Some(RecordedResponse {
                    status,
                    headers,
                    body: (!text.is_empty()).then(|| text.clone()),
                    elapsed_ms,
                }),
                error: None,
                then_waited_secs: None,
            });
            if status == 429 {
                if attempt >= self.options.max_attempts {
                    return Err(SendError::RateLimited(attempt));
                }
                // A huge Retry-After is still a wait, not an overflow.
                let asked = retry_after.map(|s| Duration::from_secs(s.min(u64::from(u32::MAX))));
                let wait = match previous_wait {
                    None => asked.unwrap_or(DEFAULT_RETRY_AFTER),
                    Some(prev) => prev.saturating_mul(2).max(asked.unwrap_or_default()),
                };
                previous_wait = Some(wait);
                if let Some(last) = self.exchanges.last_mut() {
                    last.then_waited_secs = Some(wait.as_secs());
                }
                self.options.clock.sleep(wait).await;
                continue;
            }
            let json = serde_json::from_slice(&bytes).ok();
            return Ok(Reply { status, json, text });
        }
    }
}

/// An error and all its sources, on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_okta() {
        assert_eq!(
            encode("userName eq \"test.user@okta.local\""),
            "userName%20eq%20%22test.user%40okta.local%22"
        );
        assert_eq!(encode("Ünï"), "%C3%9Cn%C3%AF");
    }

    #[test]
    fn error_detail_prefers_the_scim_detail() {
        let r = Reply {
            status: 409,
            json: Some(serde_json::json!({"detail": "taken"})),
            text: String::new(),
        };
        assert_eq!(r.error_detail(), "taken");
        let r = Reply {
            status: 502,
            json: None,
            text: "<html>Bad Gateway</html>".into(),
        };
        assert_eq!(r.error_detail(), "HTTP 502: <html>Bad Gateway</html>");
        let r = Reply {
            status: 500,
            json: None,
            text: String::new(),
        };
        assert_eq!(r.error_detail(), "HTTP 500");
    }
}
