//! The run's bearer token: sent on the wire, never shown. Its `Debug` and `Display` print
//! `********`, and [`Secret::scrub`] takes it out of any text before that text is recorded.

use std::fmt;

/// What a scrubbed token is replaced with.
pub const REDACTED: &str = "********";

/// A bearer token. Cloning it is cheap enough (it is short); printing it shows `********`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Secret {
        Secret(token.into())
    }

    /// The token itself, to put on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether there is no token at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with every standalone occurrence of the token replaced by `********`, so that
    /// a server echoing the token back (in an error message, a header) cannot leak it into a
    /// transcript or a report. "Standalone" means not inside a longer run of token
    /// characters: a short token such as `t` must not turn `application/json` into
    /// `applica********ion/json`.
    pub fn scrub(&self, text: &str) -> String {
        let secret = self.0.as_str();
        if secret.is_empty() || !text.contains(secret) {
            return text.to_owned();
        }
        // RFC 6750's b64token characters; `=` only ends one, so a match right after `=`
        // (`?t=TOKEN`) is not inside a longer token.
        let token_char = |c: char| c.is_ascii_alphanumeric() || "-._~+/".contains(c);
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (at, _) in text.match_indices(secret) {
            let end = at + secret.len();
            let before = text[..at].chars().next_back();
            let after = text[end..].chars().next();
            if before.is_some_and(token_char) || after.is_some_and(|c| token_char(c) || c == '=') {
                continue;
            }
            out.push_str(&text[copied..at]);
            out.push_str(REDACTED);
            copied = end;
        }
        out.push_str(&text[copied..]);
        out
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(token: String) -> Secret {
        Secret(token)
    }
}

impl From<&str> for Secret {
    fn from(token: &str) -> Secret {
        Secret(token.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_only_the_secret() {
        let s = Secret::new("s3cr3t");
        assert_eq!(s.scrub("token s3cr3t here"), "token ******** here");
        assert_eq!(s.scrub("nothing"), "nothing");
        assert_eq!(Secret::default().scrub("anything"), "anything");
        assert_eq!(s.scrub("s3cr3t"), "********");
        assert_eq!(s.scrub(r#"{"t":"s3cr3t"}"#), r#"{"t":"********"}"#);
        assert_eq!(
            Secret::new("t").scrub("application/json t"),
            "application/json ********"
        );
        assert_eq!(s.scrub("xs3cr3t s3cr3t"), "xs3cr3t ********");
        assert_eq!(s.scrub("/Users?t=s3cr3t"), "/Users?t=********");
        assert_eq!(s.scrub("s3cr3t== s3cr3t"), "s3cr3t== ********");
    }

    #[test]
    fn printing_never_shows_it() {
        let s = Secret::new("s3cr3t");
        assert_eq!(format!("{s:?} {s}"), "******** ********");
        assert_eq!(s.expose(), "s3cr3t");
        assert_eq!(
            s.scrub("Bearer s3cr3t"),
            crate::MASKED,
            "a masked header is the scrubbed one"
        );
    }
}
