//! Sending one request and recording it.

use std::fmt;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use crate::encode::path_and_query;
use crate::secret::Secret;
use crate::transcript::{Exchange, RecordedRequest, RecordedResponse};

/// A request to send: exactly this method, URL, headers (in this order) and body. Its `Debug`
/// hides the `Authorization` header's value.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: String,
    /// Headers, in the order they go out.
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte.
    pub body: Option<Vec<u8>>,
}

impl Request {
    /// A request without headers or body.
    pub fn new(method: Method, url: impl Into<String>) -> Request {
        Request {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a header after the others.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = Some(body.into());
        self
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let shown = if k.eq_ignore_ascii_case("authorization") {
                    crate::secret::REDACTED
                } else {
                    v.as_str()
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(Vec::len))
            .finish()
    }
}

/// A request and its record, built once: a request sent again (after a 429) is recorded
/// the same way each time. Its `Debug` shows only the record, where the token is scrubbed.
#[derive(Clone, PartialEq, Eq)]
pub struct Prepared {
    request: Request,
    record: RecordedRequest,
}

impl Prepared {
    /// How it is recorded (the token scrubbed).
    pub fn record(&self) -> &RecordedRequest {
        &self.record
    }
}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prepared")
            .field("record", &self.record)
            .finish_non_exhaustive()
    }
}

/// Why a request got no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The connection failed.
    #[error("connection failed: {0}")]
    Connection(String),
    /// No answer within the timeout.
    #[error("no response within {0:?}")]
    Timeout(Duration),
    /// The answer's body was larger than the client reads; the rest was discarded unread.
    #[error(
        "the answer (HTTP {status}) has a body over the {limit} bytes read of any answer (--max-body); the rest was discarded unread"
    )]
    TooLarge {
        /// The status the answer had.
        status: u16,
        /// The most the client reads.
        limit: usize,
    },
}

/// The most of an answer's body a client reads by default: 10 MiB, far above any page a SCIM
/// server sends (100 users), far below what would exhaust the judge's memory.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;

/// A `--max-body` value: bytes, or KiB and MiB with `K` and `M` (`KiB`, `MiB` also read).
/// Shared by the harness's and mock-okta's command lines.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (digits, unit) = t
        .find(|c: char| !c.is_ascii_digit())
        .map_or((t, ""), |i| t.split_at(i));
    let factor: usize = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1024,
        "M" | "MB" | "MIB" => 1024 * 1024,
        other => return Err(format!("unknown unit {other:?}: use bytes, K or M")),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("expected a size such as 10M, not {s:?}"))?;
    match n.checked_mul(factor) {
        Some(0) | None => Err(format!(
            "expected a size above zero, such as 10M, not {s:?}"
        )),
        Some(bytes) => Ok(bytes),
    }
}

/// An answer, for whoever reacts to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body parsed as JSON, when it is JSON (parsed once, here, from the recorded text).
    pub json: Option<Value>,
}

/// What came of sending a request once: the record, and the answer or why there was none.
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    /// The record: request, response or error, timing; the token scrubbed.
    pub exchange: Exchange,
    /// The answer, or why none came.
    pub outcome: Result<Answer, SendError>,
}

impl Sent {
    /// The response status, when a response came.
    pub fn status(&self) -> Option<u16> {
        self.outcome.as_ref().ok().map(|a| a.status)
    }

    /// The response body as JSON, when a response came and its body is JSON.
    pub fn json(&self) -> Option<&Value> {
        self.outcome.as_ref().ok().and_then(|a| a.json.as_ref())
    }

    /// A response header, by name ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.exchange
            .response
            .as_ref()?
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The response body as text (empty when there was none).
    pub fn text(&self) -> &str {
        self.exchange
            .response
            .as_ref()
            .and_then(|r| r.body.as_deref())
            .unwrap_or("")
    }
}

/// How long a pooled connection may sit idle before it is closed: under the shortest
/// keep-alive common servers keep (Node's 5 s).
const IDLE_CONNECTION: Duration = Duration::from_secs(3);

/// How header names go out on the wire (HTTP/1.1 lets a client write them in any case; a
/// server that cares is wrong, but a mock should send what the client it mocks sends).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HeaderCase {
    /// `accept: ...`, hyper's default.
    #[default]
    Lower,
    /// `Accept: ...`, `User-Agent: ...`: each word capitalised, as Java's HTTP clients and
    /// Okta's documented samples write them.
    Title,
}

/// Sends requests and records them. One client keeps one connection pool; clone it to
/// share the pool.
///
/// Redirects are never followed: a `3xx` is recorded as the answer, because a SCIM client
/// that followed it would send a POST as a GET, or the token to another host, without the
/// transcript showing it.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    timeout: Duration,
    secret: Secret,
    max_body: usize,
}

impl Client {
    /// A client whose records scrub `secret`, with a per-request timeout; header names go
    /// out in lower case.
    pub fn new(secret: impl Into<Secret>, timeout: Duration) -> Client {
        Client::with_header_case(secret, timeout, HeaderCase::Lower)
    }

    /// A client as [`Client::new`], writing header names in `case`.
    #[expect(
        clippy::expect_used,
        reason = "a builder given only a redirect policy and header case has nothing that can fail"
    )]
    pub fn with_header_case(
        secret: impl Into<Secret>,
        timeout: Duration,
        case: HeaderCase,
    ) -> Client {
        // An idle connection is dropped before a server's keep-alive would close it: a request
        // sent on a connection the server is closing at that moment gets no answer, and a
        // judge must not blame the server for that. Node's default keep-alive is 5 s.
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(IDLE_CONNECTION);
        if case == HeaderCase::Title {
            builder = builder.http1_title_case_headers();
        }
        let http = builder.build().expect("a client without redirects");
        Client {
            http,
            timeout,
            secret: secret.into(),
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// The client, reading at most `max_body` bytes of any answer's body (decompressed); a
    /// longer answer is a [`SendError::TooLarge`], and the rest of it is never read.
    #[must_use]
    pub fn with_max_body(mut self, max_body: usize) -> Client {
        self.max_body = max_body;
        self
    }

    /// The token the records scrub (the run's bearer token).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// Replaces the token (after it is regenerated: see [`Secret::rotated`]).
    pub fn set_secret(&mut self, secret: Secret) {
        self.secret = secret;
    }

    /// Builds a request's record: the path and query, the headers, the body, each with the
    /// token scrubbed, so `Authorization: Bearer <the run's token>` reads
    /// [`MASKED`](crate::MASKED); any other credential (a scenario's deliberately wrong
    /// token) is kept, so that a replay sends the same wrong token.
    pub fn prepare(&self, request: Request) -> Prepared {
        let scrub = |text: &str| self.secret.scrub(text);
        let record = RecordedRequest {
            method: request.method.to_string(),
            path: scrub(&path_and_query(&request.url)),
            headers: request
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), scrub(v)))
                .collect(),
            body: request
                .body
                .as_ref()
                .map(|b| scrub(&String::from_utf8_lossy(b))),
        };
        Prepared { request, record }
    }

    /// Sends a prepared request once and records what came of it; a failure to get any
    /// answer is recorded too.
    pub async fn send(&self, prepared: &Prepared) -> Sent {
        let r = &prepared.request;
        let mut req = self
            .http
            .request(r.method.clone(), &r.url)
            .timeout(self.timeout);
        for (k, v) in &r.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        if let Some(b) = &r.body {
            req = req.body(b.clone());
        }
        let started = Instant::now();
        let limit = self.max_body;
        let result = async {
            let mut response = req.send().await?;
            let status = response.status().as_u16();
            let headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        self.secret.scrub(&String::from_utf8_lossy(v.as_bytes())),
                    )
                })
                .collect();
            let too_large = Read::TooLarge { status, limit };
            if response.content_length().is_some_and(|n| n > limit as u64) {
                return Ok(too_large);
            }
            let mut bytes: Vec<u8> = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if bytes.len() + chunk.len() > limit {
                    return Ok(too_large);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok::<_, reqwest::Error>(Read::Whole(status, headers, bytes))
        }
        .await;
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let unanswered = |error: SendError| Sent {
            exchange: Exchange {
                request: prepared.record.clone(),
                response: None,
                error: Some(error.to_string()),
                silent: !matches!(error, SendError::TooLarge { .. }),
                then_waited_secs: None,
            },
            outcome: Err(error),
        };
        match result {
            Ok(Read::TooLarge { status, limit }) => {
                unanswered(SendError::TooLarge { status, limit })
            }
            Ok(Read::Whole(status, headers, bytes)) => {
                let text = self.secret.scrub(&String::from_utf8_lossy(&bytes));
                let json = serde_json::from_str(&text).ok();
                Sent {
                    exchange: Exchange {
                        request: prepared.record.clone(),
                        response: Some(RecordedResponse {
                            status,
                            headers,
                            body: (!text.is_empty()).then_some(text),
                            elapsed_ms,
                            full_length: None,
                        }),
                        error: None,
                        silent: false,
                        then_waited_secs: None,
                    },
                    outcome: Ok(Answer { status, json }),
                }
            }
            Err(e) => unanswered(if e.is_timeout() {
                SendError::Timeout(self.timeout)
            } else {
                SendError::Connection(self.secret.scrub(&error_chain(&e)))
            }),
        }
    }
}

/// What reading an answer gave.
enum Read {
    /// The status, headers and whole body.
    Whole(u16, Vec<(String, String)>, Vec<u8>),
    /// A body over the limit, left unread.
    TooLarge { status: u16, limit: usize },
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
    use super::parse_size;

    #[test]
    fn sizes_read_as_bytes_kib_and_mib() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64K"), Ok(64 * 1024));
        assert_eq!(parse_size("10M"), Ok(10 * 1024 * 1024));
        assert_eq!(parse_size("10MiB"), Ok(10 * 1024 * 1024));
        for bad in ["", "0", "ten", "10G", "-1", "99999999999999999999M"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
