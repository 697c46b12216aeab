//! PATCH paths (RFC 7644 §3.5.2): `PATH = attrPath / valuePath [subAttr]`.
//!
//! `active`, `name.givenName`, `members[value eq "2819c223"]`,
//! `emails[type eq "work"].value`, `urn:...:enterprise:2.0:User:manager.value`.

use std::fmt;
use std::str::FromStr;

use crate::attr_path::AttrPath;
use crate::filter::lexer::Tok;
use crate::filter::{Filter, ParseError, Parser};

/// A parsed PATCH path. When `filter` is set, `attr` has no sub-attribute of its own and
/// the optional sub-attribute after the brackets is in `sub`.
#[derive(Clone, Debug, PartialEq)]
pub struct PatchPath {
    /// The attribute (with its sub-attribute when there is no value filter).
    pub attr: AttrPath,
    /// The value filter in brackets, selecting values of a multi-valued attribute.
    pub filter: Option<Filter>,
    /// The sub-attribute after the brackets (`.value` in `emails[type eq "work"].value`).
    pub sub: Option<String>,
}

impl PatchPath {
    /// A path naming an attribute (or `attr.sub`) with no value filter.
    pub fn attr(attr: AttrPath) -> Self {
        PatchPath {
            attr,
            filter: None,
            sub: None,
        }
    }

    /// Parses a path. Errors carry the byte offset of the problem.
    pub fn parse(input: &str) -> Result<PatchPath, ParseError> {
        let mut p = Parser::new(input)?;
        if *p.peek_tok() == Tok::Eof {
            return Err(ParseError::new(p.offset(), "the path is empty"));
        }
        let attr_at = p.offset();
        let attr = p.attr_path("an attribute path")?;
        let mut path = PatchPath::attr(attr);
        if *p.peek_tok() == Tok::LBracket {
            path.filter = Some(p.value_filter(&path.attr, attr_at)?);
            if *p.peek_tok() == Tok::Dot {
                path.sub = Some(p.sub_after_bracket()?);
            }
        }
        match p.peek_tok() {
            Tok::Eof => Ok(path),
            other => Err(ParseError::new(
                p.offset(),
                format!("unexpected {} after the path", other.describe()),
            )),
        }
    }
}

impl FromStr for PatchPath {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PatchPath::parse(s)
    }
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.attr)?;
        if let Some(filter) = &self.filter {
            write!(f, "[{filter}]")?;
        }
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}
