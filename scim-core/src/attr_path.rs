//! Attribute paths: `userName`, `name.familyName`,
//! `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`.
//!
//! RFC 7644 §3.10 and the ABNF of §3.4.2.2: `attrPath = [URI ":"] ATTRNAME *1subAttr`.
//! Filters, PATCH paths, `attributes=`, `excludedAttributes=` and `sortBy` all use this one
//! notation, so it is parsed in one place.

use std::fmt;

use crate::filter::ParseError;

/// A parsed attribute path. Names keep the case they were written in; SCIM attribute names
/// compare case-insensitively, which [`AttrPath::matches_name`] and the schema lookups do.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AttrPath {
    /// The schema URI prefix, without the `:` that joins it to the name.
    pub urn: Option<String>,
    /// The attribute name.
    pub name: String,
    /// The sub-attribute name, after the `.`.
    pub sub: Option<String>,
}

impl AttrPath {
    /// A path naming a top-level attribute.
    pub fn new(name: impl Into<String>) -> Self {
        AttrPath {
            urn: None,
            name: name.into(),
            sub: None,
        }
    }

    /// A path naming a sub-attribute (`name.givenName`).
    pub fn with_sub(name: impl Into<String>, sub: impl Into<String>) -> Self {
        AttrPath {
            urn: None,
            name: name.into(),
            sub: Some(sub.into()),
        }
    }

    /// Parses a whole string as an attribute path (as in `sortBy=` or `attributes=`).
    /// Surrounding ASCII whitespace is ignored.
    pub fn parse(input: &str) -> Result<AttrPath, ParseError> {
        let start = input.len() - input.trim_start().len();
        let word = input.trim();
        if word.is_empty() {
            return Err(ParseError::new(start, "expected an attribute name"));
        }
        if let Some(bad) = word.char_indices().find(|&(_, c)| !is_word_char(c)) {
            return Err(ParseError::new(
                start + bad.0,
                format!("unexpected character {:?} in attribute path", bad.1),
            ));
        }
        AttrPath::from_word(word, start)
    }

    /// Splits a lexed word into URI prefix, name and sub-attribute, and checks each name
    /// against `ATTRNAME = ALPHA *(nameChar)` (plus `$ref`, which RFC 7643 uses).
    ///
    /// The URI prefix is everything before the last `:`. Schema URNs contain dots
    /// (`...:core:2.0:User`), so the sub-attribute dot is only looked for after that colon.
    pub(crate) fn from_word(word: &str, offset: usize) -> Result<AttrPath, ParseError> {
        let (urn, rest, rest_at) = match word.rfind(':') {
            Some(i) => {
                let urn = &word[..i];
                if urn.is_empty() {
                    return Err(ParseError::new(offset, "expected a schema URI before ':'"));
                }
                (Some(urn.to_owned()), &word[i + 1..], offset + i + 1)
            }
            None => (None, word, offset),
        };
        let (name, sub) = match rest.split_once('.') {
            Some((name, sub)) => (name, Some((sub, rest_at + name.len() + 1))),
            None => (rest, None),
        };
        check_name(name, rest_at)?;
        let sub = match sub {
            Some((sub, at)) => {
                if sub.contains('.') {
                    let extra = at + sub.find('.').unwrap_or(0);
                    return Err(ParseError::new(
                        extra,
                        "an attribute path has at most one sub-attribute (`name.sub`)",
                    ));
                }
                check_name(sub, at)?;
                Some(sub.to_owned())
            }
            None => None,
        };
        Ok(AttrPath {
            urn,
            name: name.to_owned(),
            sub,
        })
    }

    /// Whether this path's attribute name is `name`, ignoring case.
    pub fn matches_name(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// Characters that may appear in an attribute-path word: name characters (`-`, `_`), the
/// `.` of a sub-attribute, the `:` that ends a schema URI, and the `$` of `$ref`.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '$')
}

fn check_name(name: &str, offset: usize) -> Result<(), ParseError> {
    let body = name.strip_prefix('$').unwrap_or(name);
    let mut chars = body.char_indices();
    match chars.next() {
        None => return Err(ParseError::new(offset, "expected an attribute name")),
        Some((_, c)) if !c.is_ascii_alphabetic() => {
            return Err(ParseError::new(
                offset,
                format!("attribute name {name:?} must start with a letter"),
            ));
        }
        Some(_) => {}
    }
    let skip = name.len() - body.len();
    if let Some((i, c)) = chars.find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        return Err(ParseError::new(
            offset + skip + i,
            format!("unexpected character {c:?} in attribute name {name:?}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urn_name_and_sub() {
        let p =
            AttrPath::parse("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName").unwrap();
        assert_eq!(
            p.urn.as_deref(),
            Some("urn:ietf:params:scim:schemas:core:2.0:User")
        );
        assert_eq!(p.name, "name");
        assert_eq!(p.sub.as_deref(), Some("familyName"));
        assert_eq!(
            p.to_string(),
            "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName"
        );
    }

    #[test]
    fn accepts_dollar_ref() {
        assert_eq!(
            AttrPath::parse("members.$ref").unwrap(),
            AttrPath::with_sub("members", "$ref")
        );
    }

    #[test]
    fn rejects_bad_names_with_their_offset() {
        let e = AttrPath::parse("name.given.x").unwrap_err();
        assert_eq!(e.offset, 10);
        let e = AttrPath::parse("9lives").unwrap_err();
        assert_eq!(e.offset, 0);
        let e = AttrPath::parse("  user name").unwrap_err();
        assert_eq!(e.offset, 6);
        let e = AttrPath::parse(":x").unwrap_err();
        assert_eq!(e.offset, 0);
        let e = AttrPath::parse("urn:x:").unwrap_err();
        assert_eq!(e.offset, 6);
        assert!(AttrPath::parse("").is_err());
    }
}
