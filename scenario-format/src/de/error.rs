//! Deserialisation errors: located, with a path for the loader's recovery, a kind for its
//! suggestions, and messages in plain words ("expected a whole number, found the text \"x\"").

use std::fmt;

use serde::de::{self, Expected, Unexpected};

use crate::yaml::{Node, Pos, Seg};

/// What went wrong, so the loader can recover and suggest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// A key the format does not know; `expected` are the ones it does.
    UnknownField {
        /// The key.
        field: String,
        /// The keys allowed here.
        expected: Vec<&'static str>,
    },
    /// A word that is not one of the allowed ones.
    UnknownVariant {
        /// The word.
        variant: String,
        /// The words allowed here.
        expected: Vec<&'static str>,
    },
    /// A required key is absent.
    MissingField(&'static str),
    /// Anything else.
    Other,
}

/// A deserialisation error, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Error {
    /// What went wrong, in words.
    pub(crate) message: String,
    /// What kind of problem.
    pub(crate) kind: ErrorKind,
    /// Where: the node (or key) it is about.
    pub(crate) at: Option<Pos>,
    /// The path of that node from the root (for an unknown field, the field's own path; for
    /// a missing field, the mapping's).
    pub(crate) path: Vec<Seg>,
}

impl Error {
    fn new(message: impl Into<String>, kind: ErrorKind) -> Error {
        Error {
            message: message.into(),
            kind,
            at: None,
            path: Vec::new(),
        }
    }

    /// Places the error at `node` unless something deeper already placed it.
    pub(super) fn located(mut self, node: &Node) -> Error {
        if self.at.is_none() {
            self.at = Some(node.start);
        }
        self
    }

    /// Names the kind of word an unknown variant was meant to be (`unknown method `FETCH``),
    /// from the enum's name (`Method`, `ReferenceAction`: "reference action").
    pub(super) fn in_enum(mut self, name: &str) -> Error {
        if matches!(self.kind, ErrorKind::UnknownVariant { .. })
            && let Some(rest) = self.message.strip_prefix("unknown `")
        {
            let mut words = String::new();
            for (i, c) in name.chars().enumerate() {
                if c.is_uppercase() && i > 0 {
                    words.push(' ');
                }
                words.extend(c.to_lowercase());
            }
            self.message = format!("unknown {words} `{rest}");
        }
        self
    }

    /// "missing `key`", at a place (a check the loader makes itself).
    pub(crate) fn missing(key: &str, at: Pos) -> Error {
        Error {
            message: format!("missing `{key}`"),
            kind: ErrorKind::Other,
            at: Some(at),
            path: Vec::new(),
        }
    }

    /// Adds a step in front of the path, as the error travels up.
    pub(super) fn under(mut self, seg: Seg) -> Error {
        self.path.insert(0, seg);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// How a found value reads in a message.
pub(super) fn found(u: &Unexpected<'_>) -> String {
    match u {
        Unexpected::Bool(b) => format!("`{b}`"),
        Unexpected::Unsigned(n) => format!("the number {n}"),
        Unexpected::Signed(n) => format!("the number {n}"),
        Unexpected::Float(n) => format!("the number {n}"),
        Unexpected::Str(s) => format!("the text {s:?}"),
        Unexpected::Unit | Unexpected::Option => "nothing (null)".into(),
        Unexpected::Seq => "a list".into(),
        Unexpected::Map => "a mapping".into(),
        other => other.to_string(),
    }
}

/// How an expectation reads: serde's names of Rust types become words.
fn expected(exp: &dyn Expected) -> String {
    let e = exp.to_string();
    match e.as_str() {
        "a string" | "a borrowed string" => "text".into(),
        "a boolean" => "true or false".into(),
        "u16" | "u32" | "u64" | "usize" => "a whole number".into(),
        s if s.starts_with("struct ") => format!("a mapping ({})", &s["struct ".len()..]),
        s if s.starts_with("enum ") => format!("one of the {} words", &s["enum ".len()..]),
        "a sequence" => "a list".into(),
        "a map" => "a mapping".into(),
        _ => e,
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error::new(msg.to_string(), ErrorKind::Other)
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Error {
        Error::custom(format!(
            "expected {}, found {}",
            expected(exp),
            found(&unexp)
        ))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Error {
        Error::custom(format!(
            "expected {}, found {}",
            expected(exp),
            found(&unexp)
        ))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Error {
        Error::new(
            format!(
                "unknown field `{field}`; expected one of {}",
                words(expected)
            ),
            ErrorKind::UnknownField {
                field: field.to_owned(),
                expected: expected.to_vec(),
            },
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Error {
        Error::new(
            format!("unknown `{variant}`; expected one of {}", words(expected)),
            ErrorKind::UnknownVariant {
                variant: variant.to_owned(),
                expected: expected.to_vec(),
            },
        )
    }

    fn missing_field(field: &'static str) -> Error {
        Error::new(format!("missing `{field}`"), ErrorKind::MissingField(field))
    }

    fn duplicate_field(field: &'static str) -> Error {
        Error::custom(format!("`{field}` is given twice"))
    }
}

/// An error of no particular kind.
pub(super) fn other(message: impl Into<String>) -> Error {
    Error::new(message, ErrorKind::Other)
}

pub(super) fn words(list: &[&str]) -> String {
    list.iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
