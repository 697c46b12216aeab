//! Okta's SCIM client: Okta's headers and query encoding, its 429 back-off and its timeout,
//! on top of the workspace's one recording client ([`scim_client`]), which keeps the
//! transcript.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use scim_client::{Clock, Exchange, Request, Secret, encode};
use serde_json::Value;

use crate::model::HeaderProfile;

/// Okta's default wait after a 429 without a usable `Retry-After` (okta-wire §1.4).
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(300);
/// Okta closes the socket after 60 seconds without an answer (okta-wire §1.4).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Okta gives up after this many attempts of a rate-limited request.
pub const MAX_ATTEMPTS: u32 = 10;
/// The most characters of an answer a task quotes (its `detail`, or its text): tasks are kept
/// in the org, so a target's megabyte-long `detail` is kept as a sentence.
pub const QUOTED_CHARS: usize = 300;
/// The most answer bytes one action's transcript keeps whole (64 MiB). An import pages
/// through whatever the app lists, so its transcript grows with the app; past this budget the
/// oldest answers are cut to [`CUT_ANSWER_TO`], so that an action's memory stays bounded
/// whatever the target sends. The newest answer is never cut: it is what the engine is
/// reading. A real app's page of 100 users is about 62 KB, so this is a thousand pages.
pub const TRANSCRIPT_BODY_BUDGET: usize = 64 * 1024 * 1024;
/// What is kept of an answer cut for the transcript's budget: its first 4 KiB.
pub const CUT_ANSWER_TO: usize = 4 * 1024;

/// How the client talks to the server. Its `Debug` shows no token.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The SCIM API token (sent as `Authorization: Bearer`, scrubbed from every record).
    pub token: Secret,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Attempts of a rate-limited request before the task fails.
    pub max_attempts: u32,
    /// Where waiting happens.
    pub clock: Arc<dyn Clock>,
    /// The most of an answer's body read; a longer answer is an error, left unread.
    pub max_body: usize,
}

impl ClientOptions {
    /// Okta's defaults with a token and real time.
    pub fn new(token: impl Into<Secret>) -> Self {
        ClientOptions {
            token: token.into(),
            timeout: DEFAULT_TIMEOUT,
            max_attempts: MAX_ATTEMPTS,
            clock: Arc::new(scim_client::SystemClock),
            max_body: scim_client::DEFAULT_MAX_BODY,
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
            return scim_client::shorten(d, QUOTED_CHARS);
        }
        let text = self.text.trim();
        if text.is_empty() {
            return format!("HTTP {}", self.status);
        }
        format!(
            "HTTP {}: {}",
            self.status,
            scim_client::shorten(text, QUOTED_CHARS)
        )
    }
}

/// Why a request got no usable answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No answer at all (connection failed, timeout).
    #[error(transparent)]
    Wire(#[from] scim_client::SendError),
    /// Still rate-limited after the last attempt.
    #[error("still rate limited (429) after {0} attempts")]
    RateLimited(u32),
}

/// Sends SCIM requests the way Okta does, and keeps their transcript.
#[derive(Debug)]
pub struct ScimClient {
    wire: scim_client::Client,
    base_url: String,
    profile: HeaderProfile,
    max_attempts: u32,
    clock: Arc<dyn Clock>,
    exchanges: Vec<Exchange>,
    /// Answer bytes held whole in `exchanges`.
    whole_bytes: usize,
    /// The first exchange that may still be whole (all before it are cut).
    oldest_whole: usize,
}

/// The query Okta sends to find a resource by one attribute:
/// `?filter=<attr>%20eq%20%22<value>%22&startIndex=1&count=100` (the value JSON-escaped).
pub fn lookup_query(attribute: &str, value: &str) -> String {
    let filter = format!("{attribute} eq {}", serde_json::Value::from(value));
    format!("?filter={}&startIndex=1&count=100", encode(&filter))
}

impl ScimClient {
    /// A client for `base_url` (the SCIM base, without a trailing slash).
    pub fn new(base_url: &str, profile: HeaderProfile, options: ClientOptions) -> ScimClient {
        ScimClient {
            // Okta's documented requests write header names title-cased (okta-wire §1.1; an
            // inference: the one capture comes through a server that lower-cases them).
            wire: scim_client::Client::with_header_case(
                options.token,
                options.timeout,
                scim_client::HeaderCase::Title,
            )
            .with_max_body(options.max_body),
            base_url: base_url.trim_end_matches('/').to_owned(),
            profile,
            max_attempts: options.max_attempts,
            clock: options.clock,
            exchanges: Vec::new(),
            whole_bytes: 0,
            oldest_whole: 0,
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

    /// A client like this one (the same connection pool, token and settings) with a
    /// transcript of its own: one of several provisioning tasks running at once. Its
    /// exchanges come back with [`ScimClient::absorb`].
    pub(crate) fn fork(&self) -> ScimClient {
        ScimClient {
            wire: self.wire.clone(),
            base_url: self.base_url.clone(),
            profile: self.profile,
            max_attempts: self.max_attempts,
            clock: Arc::clone(&self.clock),
            exchanges: Vec::new(),
            whole_bytes: 0,
            oldest_whole: 0,
        }
    }

    /// Takes a fork's exchanges into this transcript, in the order given.
    pub(crate) fn absorb(&mut self, exchanges: Vec<Exchange>) {
        for ex in exchanges {
            self.record(ex);
        }
    }

    /// Replaces the API token, as an admin pasting a regenerated one into Okta.
    pub fn set_token(&mut self, token: scim_client::Secret) {
        self.wire.set_secret(token);
    }

    /// Everything sent since the last call.
    pub fn take_exchanges(&mut self) -> Vec<Exchange> {
        self.whole_bytes = 0;
        self.oldest_whole = 0;
        std::mem::take(&mut self.exchanges)
    }

    /// Records an exchange, cutting the oldest answers while the transcript holds more than
    /// [`TRANSCRIPT_BODY_BUDGET`] of them whole.
    fn record(&mut self, exchange: Exchange) {
        self.whole_bytes += exchange.response_body_len();
        self.exchanges.push(exchange);
        let newest = self.exchanges.len() - 1;
        while self.whole_bytes > TRANSCRIPT_BODY_BUDGET && self.oldest_whole < newest {
            let ex = &mut self.exchanges[self.oldest_whole];
            self.whole_bytes -= ex.response_body_len();
            ex.cut_response_body(CUT_ANSWER_TO);
            self.oldest_whole += 1;
        }
    }

    /// The headers of a request, in the order Okta sends them (okta-wire §1.1).
    fn headers(&self, method: &Method, has_body: bool) -> Vec<(&'static str, String)> {
        let auth = format!("Bearer {}", self.wire.secret().expose());
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
        let request = Request {
            method: method.clone(),
            url: format!("{}{path}", self.base_url),
            headers: self
                .headers(&method, body.is_some())
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            body: body.map(<[u8]>::to_vec),
        };
        // The same request goes again after a 429: it is prepared (and recorded) once.
        let prepared = self.wire.prepare(request);
        let mut previous_wait: Option<Duration> = None;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self.wire.send(&prepared).await;
            let retry_after = sent
                .header("retry-after")
                .and_then(|v| v.trim().parse::<u64>().ok());
            let text = sent.text().to_owned();
            self.record(sent.exchange);
            let answer = sent.outcome?;
            let status = answer.status;
            if status == 429 {
                if attempt >= self.max_attempts {
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
                self.clock.sleep(wait).await;
                continue;
            }
            return Ok(Reply {
                status,
                json: answer.json,
                text,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let r = Reply {
            status: 400,
            json: Some(serde_json::json!({"detail": "d".repeat(5000)})),
            text: String::new(),
        };
        assert_eq!(r.error_detail().chars().count(), QUOTED_CHARS + 1);
    }
}
