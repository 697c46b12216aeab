//! SCIM filters (RFC 7644 §3.4.2.2): the AST, its parser, its canonical text form, and an
//! evaluator driven by attribute characteristics.
//!
//! ```
//! use scim_core::filter::{self, Filter, CompareOp, CompValue};
//! use scim_core::attr_path::AttrPath;
//!
//! let f = filter::parse(r#"userName EQ "bjensen" AND not(active eq false)"#).unwrap();
//! assert_eq!(f.to_string(), r#"userName eq "bjensen" and not (active eq false)"#);
//! assert_eq!(filter::parse(&f.to_string()).unwrap(), f);
//! ```
//!
//! The whole grammar is supported: the ten operators, `and`/`or`/`not` with `not` binding
//! tighter than `and` and `and` tighter than `or`, parentheses, value paths
//! (`emails[type eq "work" and value co "@example.com"]`), sub-attributes, URN-qualified
//! paths, keywords in any case, and JSON literals. Nesting is limited to [`MAX_DEPTH`] so
//! that hostile input cannot exhaust the stack.
//!
//! One extension beyond the ABNF is accepted because Microsoft Entra sends it:
//! `emails[type eq "work"].value eq "x"` reads as `emails[type eq "work" and value eq "x"]`.

mod eval;
pub(crate) mod lexer;
mod parser;

use std::fmt;

use serde_json::Number;

pub use crate::attr_path::AttrPath;
pub use eval::{CompileError, Matcher};
pub(crate) use parser::Parser;

/// How deeply parentheses, `not` and value-path brackets may nest.
pub const MAX_DEPTH: usize = 64;

/// A filter expression.
///
/// `and` and `or` chains are n-ary (`a and b and c` is one [`Filter::And`] of three), which
/// keeps the tree shallow however long the chain. Parentheses leave no node of their own, but
/// an `and` written inside an `and` with parentheses stays nested, so that
/// `parse(display(ast)) == ast` holds for every tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// `attrPath op value`.
    Compare {
        /// The attribute compared.
        path: AttrPath,
        /// The comparison.
        op: CompareOp,
        /// The literal compared against.
        value: CompValue,
    },
    /// `attrPath pr`: the attribute has a non-empty value.
    Present(AttrPath),
    /// Every operand matches. Always at least two operands.
    And(Vec<Filter>),
    /// Some operand matches. Always at least two operands.
    Or(Vec<Filter>),
    /// `not (filter)`.
    Not(Box<Filter>),
    /// `attrPath[filter]`: some value of a multi-valued complex attribute matches the inner
    /// filter, whose paths name sub-attributes.
    ValuePath {
        /// The multi-valued attribute.
        path: AttrPath,
        /// The condition every matching value meets.
        filter: Box<Filter>,
    },
}

/// A comparison operator (`pr` is [`Filter::Present`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `eq`: equal.
    Eq,
    /// `ne`: not equal.
    Ne,
    /// `co`: contains.
    Co,
    /// `sw`: starts with.
    Sw,
    /// `ew`: ends with.
    Ew,
    /// `gt`: greater than.
    Gt,
    /// `ge`: greater than or equal.
    Ge,
    /// `lt`: less than.
    Lt,
    /// `le`: less than or equal.
    Le,
}

impl CompareOp {
    /// Every operator, in the RFC's order.
    pub const ALL: [CompareOp; 9] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Co,
        CompareOp::Sw,
        CompareOp::Ew,
        CompareOp::Gt,
        CompareOp::Lt,
        CompareOp::Ge,
        CompareOp::Le,
    ];

    /// The operator's keyword, in lower case.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }

    /// Reads an operator keyword in any case.
    pub fn from_keyword(word: &str) -> Option<CompareOp> {
        CompareOp::ALL
            .into_iter()
            .find(|op| op.as_str().eq_ignore_ascii_case(word))
    }

    /// Whether this is one of the ordering operators `gt`, `ge`, `lt`, `le`.
    pub fn is_ordering(self) -> bool {
        matches!(
            self,
            CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
        )
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A comparison literal: `compValue = false / null / true / number / string` (JSON rules).
#[derive(Clone, Debug, PartialEq)]
pub enum CompValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A JSON number.
    Number(Number),
    /// A JSON string, unescaped.
    String(String),
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompValue::Null => f.write_str("null"),
            CompValue::Bool(b) => write!(f, "{b}"),
            CompValue::Number(n) => write!(f, "{n}"),
            CompValue::String(s) => write!(f, "{}", serde_json::Value::from(s.as_str())),
        }
    }
}

impl From<&str> for CompValue {
    fn from(s: &str) -> Self {
        CompValue::String(s.to_owned())
    }
}

impl From<bool> for CompValue {
    fn from(b: bool) -> Self {
        CompValue::Bool(b)
    }
}

impl From<i64> for CompValue {
    fn from(n: i64) -> Self {
        CompValue::Number(n.into())
    }
}

/// A syntax error in a filter or path: where it is (a byte offset into the input) and what
/// is wrong. Servers answer it with 400 `invalidFilter` (or `invalidPath` for PATCH paths).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at byte {offset})")]
pub struct ParseError {
    /// Byte offset into the input where the problem was found.
    pub offset: usize,
    /// What is wrong, as a short lower-case sentence.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Self {
        ParseError {
            offset,
            message: message.into(),
        }
    }
}

impl From<ParseError> for crate::error::ScimError {
    fn from(e: ParseError) -> Self {
        crate::error::ScimError::bad_request(
            crate::error::ScimType::InvalidFilter,
            format!("invalid filter: {e}"),
        )
    }
}

/// Parses a filter.
pub fn parse(input: &str) -> Result<Filter, ParseError> {
    let mut p = Parser::new(input)?;
    let f = p.filter()?;
    p.expect_end()?;
    Ok(f)
}

impl std::str::FromStr for Filter {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl Filter {
    /// `path eq value`, for building filters in code.
    pub fn eq(path: AttrPath, value: impl Into<CompValue>) -> Filter {
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value: value.into(),
        }
    }
}

impl fmt::Display for Filter {
    /// Writes the canonical form: lower-case keywords and operators, single spaces,
    /// `not (...)`, JSON-escaped strings, and parentheses exactly where the tree needs them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Filter::Present(path) => write!(f, "{path} pr"),
            Filter::And(items) => join(f, items, " and ", |c| {
                matches!(c, Filter::And(_) | Filter::Or(_))
            }),
            Filter::Or(items) => join(f, items, " or ", |c| matches!(c, Filter::Or(_))),
            Filter::Not(inner) => write!(f, "not ({inner})"),
            Filter::ValuePath { path, filter } => write!(f, "{path}[{filter}]"),
        }
    }
}

fn join(
    f: &mut fmt::Formatter<'_>,
    items: &[Filter],
    sep: &str,
    needs_parens: impl Fn(&Filter) -> bool,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        if needs_parens(item) {
            write!(f, "({item})")?;
        } else {
            write!(f, "{item}")?;
        }
    }
    Ok(())
}
