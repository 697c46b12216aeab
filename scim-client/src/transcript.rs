//! What went over the wire: every request and response, in order, with the token masked,
//! readable as text and exact as JSON.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How `Authorization: Bearer <the run's token>` appears in a transcript: the scheme, and
/// [`REDACTED`](crate::secret::REDACTED) for the token.
pub const MASKED: &str = "Bearer ********";

/// A request as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// Path and query, exactly as sent (`/scim/v2/Users?filter=userName%20eq%20...`).
    pub path: String,
    /// The headers the client set, in the order it set them (the token masked).
    pub headers: Vec<(String, String)>,
    /// The body as sent (decoded as UTF-8, lossily for other bytes), the token scrubbed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// A response as received, the token scrubbed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct RecordedResponse {
    /// The status code.
    pub status: u16,
    /// The response headers, in the order received (values decoded as UTF-8, lossily).
    pub headers: Vec<(String, String)>,
    /// The body (decoded as UTF-8, lossily for other bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// How long the exchange took, in milliseconds.
    pub elapsed_ms: u64,
    /// The body's full length in bytes, when `body` keeps only its start (see
    /// [`Exchange::cut_response_body`]). A cut body is not the answer: nothing judges it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_length: Option<usize>,
}

/// One request and what came of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Exchange {
    /// The request.
    pub request: RecordedRequest,
    /// The response, unless the request failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<RecordedResponse>,
    /// Why no response came (connection refused, timeout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether the target said nothing at all: the connection failed or the request timed out
    /// (a body over the limit is an answer, refused).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub silent: bool,
    /// After a 429: how long the identity provider waited before sending the request again, in
    /// seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then_waited_secs: Option<u64>,
}

/// How much of a response body a report keeps by default: 64 KiB, a page of 100 users.
pub const REPORTED_BODY_LIMIT: usize = 64 * 1024;

impl Exchange {
    /// Cuts a response body longer than `limit` bytes (at a character boundary), noting its
    /// full length, so that a report stays small whatever a target sends. Request bodies are
    /// the scenario's own and stay whole: a replay sends them as they were.
    pub fn cut_response_body(&mut self, limit: usize) {
        let Some(response) = self.response.as_mut() else {
            return;
        };
        let Some(body) = response.body.as_mut() else {
            return;
        };
        if body.len() <= limit {
            return;
        }
        let full = response.full_length.unwrap_or(body.len());
        let mut end = limit;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        // A fresh allocation, not `truncate` and `shrink_to_fit`: a shrunk string keeps the
        // start of the big block, which pins it, and a run of cut answers then fragments the
        // heap until the process holds as much as if nothing had been cut.
        *body = format!("{}…[cut: {full} bytes in all]", &body[..end]);
        response.full_length = Some(full);
    }

    /// Whether the response body was cut, so that what is recorded is not what came.
    pub fn is_cut(&self) -> bool {
        self.response
            .as_ref()
            .is_some_and(|r| r.full_length.is_some())
    }

    /// The bytes this exchange's response body holds in memory.
    pub fn response_body_len(&self) -> usize {
        self.response
            .as_ref()
            .and_then(|r| r.body.as_ref())
            .map_or(0, String::len)
    }
}

/// The first `max_chars` characters of a target's text, with `…` when there was more: what
/// an error message or a task quotes of an answer, so that a huge answer is quoted briefly.
pub fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

/// Indents JSON text for reading without reordering its keys (a parsed `serde_json::Value`
/// would sort them, and the order is part of what an identity provider sends). Text that is not JSON is shown
/// as it is.
pub fn indent_json(text: &str) -> String {
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

fn write_body(f: &mut fmt::Formatter<'_>, prefix: &str, body: &str) -> fmt::Result {
    for line in indent_json(body).lines() {
        writeln!(f, "{prefix} {line}")?;
    }
    Ok(())
}

impl fmt::Display for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "> {} {}", self.request.method, self.request.path)?;
        for (k, v) in &self.request.headers {
            writeln!(f, "> {k}: {v}")?;
        }
        if let Some(b) = &self.request.body {
            writeln!(f, ">")?;
            write_body(f, ">", b)?;
        }
        match (&self.response, &self.error) {
            (Some(r), _) => {
                writeln!(f, "< {} ({} ms)", r.status, r.elapsed_ms)?;
                for (k, v) in &r.headers {
                    writeln!(f, "< {k}: {v}")?;
                }
                if let Some(b) = r.body.as_deref().filter(|b| !b.is_empty()) {
                    writeln!(f, "<")?;
                    write_body(f, "<", b)?;
                }
            }
            (None, Some(e)) => writeln!(f, "! {e}")?,
            (None, None) => {}
        }
        if let Some(w) = self.then_waited_secs {
            writeln!(f, "~ waited {w} s before retrying")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_response_body_is_cut_with_its_length() {
        let mut ex = super::Exchange {
            request: super::RecordedRequest {
                method: "GET".into(),
                path: "/Users".into(),
                headers: Vec::new(),
                body: Some("q".repeat(100)),
            },
            response: Some(super::RecordedResponse {
                status: 200,
                headers: Vec::new(),
                body: Some(format!("{}é{}", "a".repeat(9), "b".repeat(90))),
                elapsed_ms: 0,
                full_length: None,
            }),
            error: None,
            silent: false,
            then_waited_secs: None,
        };
        ex.cut_response_body(10);
        let body = ex.response.as_ref().and_then(|r| r.body.as_deref());
        assert_eq!(body, Some("aaaaaaaaa…[cut: 101 bytes in all]"));
        assert!(ex.is_cut());
        assert_eq!(ex.request.body.as_deref().map(str::len), Some(100));
        ex.cut_response_body(1000);
        assert_eq!(
            ex.response.as_ref().and_then(|r| r.body.as_deref()),
            Some("aaaaaaaaa…[cut: 101 bytes in all]")
        );
        // Cut again, shorter: the full length stays the answer's, not the first cut's.
        ex.cut_response_body(4);
        assert_eq!(
            ex.response.and_then(|r| r.body),
            Some("aaaa…[cut: 101 bytes in all]".to_owned())
        );
    }

    use super::*;

    #[test]
    fn shorten_keeps_short_text_and_marks_a_cut() {
        assert_eq!(shorten("taken", 300), "taken");
        assert_eq!(shorten("ééé", 3), "ééé");
        assert_eq!(shorten("éééé", 3), "ééé…");
    }

    #[test]
    fn indenting_keeps_key_order_and_strings() {
        let text =
            r#"{"schemas":["a"],"userName":"x, \"y\" {z}","emails":[],"name":{"b":1,"a":{}}}"#;
        let out = indent_json(text);
        assert_eq!(
            out,
            "{\n  \"schemas\": [\n    \"a\"\n  ],\n  \"userName\": \"x, \\\"y\\\" {z}\",\n  \"emails\": [],\n  \"name\": {\n    \"b\": 1,\n    \"a\": {}\n  }\n}"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
        assert_eq!(indent_json("not json"), "not json");
    }
}
