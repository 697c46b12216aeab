//! Splits a filter or PATCH path into tokens, each with its byte offset.
//!
//! String and number literals follow JSON (the RFC's `compValue` rules come from RFC 7159),
//! so once the lexer has found a literal's end it hands the text to `serde_json`, which gets
//! every escape (`\"`, `\\`, `\u00e9`, surrogate pairs) right.

use serde_json::Number;

use super::ParseError;
use crate::attr_path::is_word_char;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok<'a> {
    /// An attribute path, operator or keyword: anything made of name characters.
    Word(&'a str),
    Str(String),
    Num(Number),
    LParen,
    RParen,
    LBracket,
    RBracket,
    /// A `.` that starts a token: only legal after `]` in a PATCH path (`emails[...].value`).
    Dot,
    Eof,
}

impl Tok<'_> {
    /// How the token reads in an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("'{w}'"),
            Tok::Str(s) => format!("the string {}", serde_json::Value::from(s.as_str())),
            Tok::Num(n) => format!("the number {n}"),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::LBracket => "'['".into(),
            Tok::RBracket => "']'".into(),
            Tok::Dot => "'.'".into(),
            Tok::Eof => "the end of the input".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token<'a> {
    pub(crate) tok: Tok<'a>,
    pub(crate) offset: usize,
}

/// Tokenises the whole input. The last token is always [`Tok::Eof`] at `input.len()`.
pub(crate) fn tokenize(input: &str) -> Result<Vec<Token<'_>>, ParseError> {
    let bytes = input.as_bytes();
    let mut tokens = Vec::with_capacity(8);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let tok = match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' => single(&mut i, Tok::LParen),
            b')' => single(&mut i, Tok::RParen),
            b'[' => single(&mut i, Tok::LBracket),
            b']' => single(&mut i, Tok::RBracket),
            b'.' => single(&mut i, Tok::Dot),
            b'"' => {
                let (s, end) = string(input, i)?;
                i = end;
                Tok::Str(s)
            }
            b'-' | b'0'..=b'9' => {
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                let text = &input[start..i];
                let n = serde_json::from_str::<Number>(text)
                    .map_err(|_| ParseError::new(start, format!("invalid number {text:?}")))?;
                Tok::Num(n)
            }
            b if b.is_ascii_alphabetic() || b == b'$' || b == b'_' => {
                while i < bytes.len() && is_word_char(char::from(bytes[i])) {
                    i += 1;
                }
                Tok::Word(&input[start..i])
            }
            _ => {
                let c = input[i..].chars().next().unwrap_or('\u{fffd}');
                let hint = if c == '\'' {
                    " (strings take double quotes)"
                } else {
                    ""
                };
                return Err(ParseError::new(
                    i,
                    format!("unexpected character {c:?}{hint}"),
                ));
            }
        };
        tokens.push(Token { tok, offset: start });
    }
    tokens.push(Token {
        tok: Tok::Eof,
        offset: input.len(),
    });
    Ok(tokens)
}

fn single<'a>(i: &mut usize, tok: Tok<'a>) -> Tok<'a> {
    *i += 1;
    tok
}

/// Reads the JSON string starting at the `"` at `start`; returns it and the offset after it.
fn string(input: &str, start: usize) -> Result<(String, usize), ParseError> {
    let bytes = input.as_bytes();
    let mut i = start + 1;
    let mut escaped = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                escaped = true;
                i += 2;
            }
            b'"' => {
                let end = i + 1;
                let body = &input[start + 1..i];
                if !escaped {
                    if let Some(at) = body.bytes().position(|b| b < 0x20) {
                        return Err(ParseError::new(
                            start + 1 + at,
                            "control characters in a string must be escaped",
                        ));
                    }
                    return Ok((body.to_owned(), end));
                }
                return serde_json::from_str::<String>(&input[start..end])
                    .map(|s| (s, end))
                    .map_err(|e| {
                        ParseError::new(start, format!("invalid string: {}", strip_position(&e)))
                    });
            }
            _ => i += 1,
        }
    }
    Err(ParseError::new(
        start,
        "unterminated string (missing closing '\"')",
    ))
}

/// serde_json appends "at line 1 column N", which would point into the string rather than
/// the filter; the offset of the string is reported instead.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok<'_>> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn words_strings_numbers_and_punctuation() {
        assert_eq!(
            toks(r#"emails[type eq "w\"x"] and x gt -1.5e3)"#),
            vec![
                Tok::Word("emails"),
                Tok::LBracket,
                Tok::Word("type"),
                Tok::Word("eq"),
                Tok::Str("w\"x".into()),
                Tok::RBracket,
                Tok::Word("and"),
                Tok::Word("x"),
                Tok::Word("gt"),
                Tok::Num(serde_json::from_str("-1.5e3").unwrap()),
                Tok::RParen,
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn json_escapes_are_decoded() {
        assert_eq!(
            toks(r#""caf\u00e9 \\ \/ \ud83d\ude00""#)[0],
            Tok::Str("café \\ / 😀".into())
        );
    }

    #[test]
    fn errors_carry_offsets() {
        assert_eq!(tokenize(r#"a eq "open"#).unwrap_err().offset, 5);
        assert_eq!(tokenize(r#"a eq 'x'"#).unwrap_err().offset, 5);
        assert_eq!(tokenize(r#"a eq "bad \q""#).unwrap_err().offset, 5);
        assert_eq!(tokenize(r#"a eq 1.2.3"#).unwrap_err().offset, 5);
        assert_eq!(tokenize("a eq \"x\ny\"").unwrap_err().offset, 7);
        assert_eq!(tokenize("é").unwrap_err().offset, 0);
        // A lone surrogate is not a valid JSON string.
        assert!(tokenize(r#""\ud800""#).is_err());
        // A backslash as the last byte must not run past the end.
        assert!(tokenize("\"\\").is_err());
    }
}
