//! The run's bearer token: sent on the wire, never shown. Its `Debug` and `Display` print
//! `********`, and [`Secret::scrub`] takes it out of any text before that text is recorded:
//! the token itself, its URL-encoded forms, and its Base64 forms (a target that echoes the
//! `Authorization` header back may encode it either way).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// What a scrubbed token is replaced with.
pub const REDACTED: &str = "********";

/// The shortest encoded form scrubbed wherever it appears, even inside a longer word: shorter
/// runs could match ordinary text by chance.
const MIN_ENCODED: usize = 8;

/// The length from which the token itself is scrubbed wherever it appears: a run of 16
/// token characters matching it is the token echoed back, not ordinary text.
const ANYWHERE: usize = 16;

/// A bearer token. Cloning it is cheap enough (it is short); printing it shows `********`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret {
    token: String,
    /// The token's encoded forms (see [`encoded_forms`]).
    encoded: Vec<String>,
    /// Tokens this one replaced ([`Secret::rotated`]), oldest first: still scrubbed, since a
    /// step may send the old one to show it is refused.
    retired: Vec<Secret>,
}

/// The forms a token takes when a target encodes what it echoes: percent-encoded (upper- and
/// lower-case hex, `+` or `%20` for spaces), and the part of its Base64 encoding that depends
/// on the token alone, at each of the three byte alignments it can start at inside a longer
/// encoded text (`Bearer TOKEN` encoded whole), in both alphabets. At most two characters at
/// either end of a Base64 form, which also depend on the bytes around it, stay.
fn encoded_forms(token: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let strict: String = token
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let form: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
    out.push(lower_hex(&strict));
    out.push(strict);
    out.push(form);
    let bytes = token.as_bytes();
    for offset in 0..3usize {
        let mut padded = vec![0u8; offset];
        padded.extend_from_slice(bytes);
        // Whole 3-byte groups made of token bytes only.
        let first_group = offset.div_ceil(3);
        let end_group = padded.len() / 3;
        if end_group <= first_group {
            continue;
        }
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&padded);
            if let Some(core) = encoded.get(first_group * 4..end_group * 4) {
                out.push(core.to_owned());
            }
        }
    }
    out.retain(|f| f != token && f.len() >= MIN_ENCODED);
    out.sort();
    out.dedup();
    out
}

/// `text` with the hex digits of its `%XX` escapes in lower case.
fn lower_hex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut hex_left = 0;
    for c in text.chars() {
        if c == '%' {
            hex_left = 2;
            out.push(c);
        } else if hex_left > 0 {
            hex_left -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl Secret {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Secret {
        let token = token.into();
        let encoded = encoded_forms(&token);
        Secret {
            token,
            encoded,
            retired: Vec::new(),
        }
    }

    /// The secret after the token is regenerated: `new` is the token sent from now on, and
    /// this one is kept as [`Secret::previous`] and still scrubbed from everything recorded.
    pub fn rotated(&self, new: impl Into<String>) -> Secret {
        let mut next = Secret::new(new);
        next.retired = self.retired.clone();
        next.retired.push(Secret {
            retired: Vec::new(),
            ..self.clone()
        });
        next
    }

    /// The token this one replaced, if it was rotated.
    pub fn previous(&self) -> Option<&str> {
        self.retired.last().map(|s| s.token.as_str())
    }

    /// The token itself, to put on the wire.
    pub fn expose(&self) -> &str {
        &self.token
    }

    /// Whether there is no token at all.
    pub fn is_empty(&self) -> bool {
        self.token.is_empty()
    }

    /// `text` with every standalone occurrence of the token, and every encoded form of it,
    /// replaced by `********`, so that a server echoing the token back (in an error message,
    /// a header, Base64-encoded) cannot leak it into a transcript or a report. "Standalone"
    /// means not inside a longer run of token characters: a short token such as `t` must not
    /// turn `application/json` into `applica********ion/json`. Encoded forms are at least
    /// eight characters long and replaced wherever they appear.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = self.scrub_one(text);
        for old in &self.retired {
            out = old.scrub_one(&out);
        }
        out
    }

    /// [`Secret::scrub`] for this token alone.
    fn scrub_one(&self, text: &str) -> String {
        let secret = self.token.as_str();
        if secret.is_empty() {
            return text.to_owned();
        }
        let mut text = std::borrow::Cow::Borrowed(text);
        for form in &self.encoded {
            if text.contains(form.as_str()) {
                text = std::borrow::Cow::Owned(text.replace(form.as_str(), REDACTED));
            }
        }
        if !text.contains(secret) {
            return text.into_owned();
        }
        // A token this long inside a longer word is still the token.
        if secret.len() >= ANYWHERE {
            return text.replace(secret, REDACTED);
        }
        // RFC 6750's b64token characters; `=` only ends one, so a match right after `=`
        // (`?t=TOKEN`) is not inside a longer token, and neither is one right after a
        // percent escape (`Bearer%20TOKEN`).
        let token_char = |c: char| c.is_ascii_alphanumeric() || "-._~+/".contains(c);
        let escaped = |head: &str| {
            let b = head.as_bytes();
            b.len() >= 3
                && b[b.len() - 3] == b'%'
                && b[b.len() - 2..].iter().all(u8::is_ascii_hexdigit)
        };
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (at, _) in text.match_indices(secret) {
            let end = at + secret.len();
            let before = text[..at].chars().next_back();
            let after = text[end..].chars().next();
            let inside = before.is_some_and(token_char) && !escaped(&text[..at]);
            if inside || after.is_some_and(|c| token_char(c) || c == '=') {
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
        Secret::new(token)
    }
}

impl From<&str> for Secret {
    fn from(token: &str) -> Secret {
        Secret::new(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotated_secret_sends_the_new_token_and_scrubs_both() {
        let s = Secret::new("first-token-0123456789").rotated("second-token-9876543210");
        assert_eq!(s.expose(), "second-token-9876543210");
        assert_eq!(s.previous(), Some("first-token-0123456789"));
        assert_eq!(
            s.scrub("old first-token-0123456789, new second-token-9876543210"),
            "old ********, new ********"
        );
        assert_eq!(Secret::new("x").previous(), None);
    }

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
        assert_eq!(s.scrub("?t=Bearer%20s3cr3t"), "?t=Bearer%20********");
        let long = Secret::new("a-long-random-token-0123");
        assert_eq!(
            long.scrub("xa-long-random-token-0123y"),
            "x********y",
            "a long token is masked inside a longer word too"
        );
    }

    #[test]
    fn scrubs_its_encoded_forms_wherever_they_appear() {
        use base64::Engine;
        use base64::engine::general_purpose::{STANDARD, URL_SAFE};

        let token = "tok/en+with=specials_0123456789";
        let s = Secret::new(token);
        for text in [
            format!("echo: {}", STANDARD.encode(format!("Bearer {token}"))),
            format!("echo: {}", STANDARD.encode(token)),
            format!(
                "echo: {}",
                URL_SAFE.encode(format!("Authorization: Bearer {token}"))
            ),
            format!("echo: {}", STANDARD.encode(format!("x{token}y"))),
            format!(
                "/cb?t={}",
                form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
            ),
            "echo: tok%2fen%2bwith%3dspecials_0123456789".to_owned(),
            "echo: tok%2Fen%2Bwith%3Dspecials_0123456789".to_owned(),
        ] {
            let scrubbed = s.scrub(&text);
            assert!(scrubbed.contains(REDACTED), "{text} -> {scrubbed}");
            // What is left of the token is at most a few edge characters.
            for window in token.as_bytes().windows(6) {
                let piece = std::str::from_utf8(window).unwrap();
                assert!(
                    !scrubbed.contains(piece),
                    "{text} -> {scrubbed} keeps {piece}"
                );
            }
        }
        // Short tokens have no encoded forms to match by chance.
        assert_eq!(
            Secret::new("abc").scrub("YWJj and abc"),
            "YWJj and ********"
        );
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
