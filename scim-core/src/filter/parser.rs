//! A recursive-descent parser for the filter grammar of RFC 7644 §3.4.2.2.
//!
//! Precedence is encoded in the call structure: `filter` (or) → `conjunction` (and) →
//! `unary` (not, parentheses, attribute expressions). `and`/`or` chains are read in loops, so
//! only nesting (parentheses, `not`, brackets) recurses, and [`MAX_DEPTH`] bounds it.

use super::lexer::{Tok, Token, tokenize};
use super::{AttrPath, CompValue, CompareOp, Filter, MAX_DEPTH, ParseError};

pub(crate) struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    pos: usize,
    depth: usize,
    in_value_filter: bool,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(input: &'a str) -> Result<Self, ParseError> {
        Ok(Parser {
            tokens: tokenize(input)?,
            pos: 0,
            depth: 0,
            in_value_filter: false,
        })
    }

    fn peek(&self) -> &Token<'a> {
        &self.tokens[self.pos]
    }

    /// The byte offset of the current token.
    pub(crate) fn offset(&self) -> usize {
        self.peek().offset
    }

    pub(crate) fn peek_tok(&self) -> &Tok<'a> {
        &self.peek().tok
    }

    fn peek_second(&self) -> &Tok<'a> {
        &self.tokens[(self.pos + 1).min(self.tokens.len() - 1)].tok
    }

    /// Takes the current token (moving its string out) and advances, never past `Eof`.
    pub(crate) fn bump(&mut self) -> Token<'a> {
        let offset = self.peek().offset;
        if self.pos + 1 >= self.tokens.len() {
            return Token {
                tok: Tok::Eof,
                offset,
            };
        }
        let tok = std::mem::replace(&mut self.tokens[self.pos].tok, Tok::Eof);
        self.pos += 1;
        Token { tok, offset }
    }

    fn at_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek_tok(), Tok::Word(w) if w.eq_ignore_ascii_case(keyword))
    }

    fn error_here(&self, message: impl Into<String>) -> ParseError {
        ParseError::new(self.peek().offset, message)
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(format!("the filter nests deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    pub(crate) fn expect_end(&self) -> Result<(), ParseError> {
        match self.peek_tok() {
            Tok::Eof => Ok(()),
            other => Err(self.error_here(format!(
                "expected 'and', 'or' or the end of the filter, found {}",
                other.describe()
            ))),
        }
    }

    /// `FILTER`: a disjunction of conjunctions.
    pub(crate) fn filter(&mut self) -> Result<Filter, ParseError> {
        let first = self.conjunction()?;
        if !self.at_keyword("or") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.at_keyword("or") {
            self.bump();
            items.push(self.conjunction()?);
        }
        Ok(Filter::Or(items))
    }

    fn conjunction(&mut self) -> Result<Filter, ParseError> {
        let first = self.unary()?;
        if !self.at_keyword("and") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.at_keyword("and") {
            self.bump();
            items.push(self.unary()?);
        }
        Ok(Filter::And(items))
    }

    fn unary(&mut self) -> Result<Filter, ParseError> {
        match self.peek_tok() {
            Tok::Word(w) if w.eq_ignore_ascii_case("not") && *self.peek_second() == Tok::LParen => {
                self.bump();
                let inner = self.parenthesised()?;
                Ok(Filter::Not(Box::new(inner)))
            }
            Tok::LParen => self.parenthesised(),
            Tok::Word(_) => self.attribute_expression(),
            Tok::Eof => {
                Err(self
                    .error_here("the filter ends early: expected an attribute name, '(' or 'not'"))
            }
            other => Err(self.error_here(format!(
                "expected an attribute name, '(' or 'not', found {}",
                other.describe()
            ))),
        }
    }

    fn parenthesised(&mut self) -> Result<Filter, ParseError> {
        let open = self.bump().offset;
        self.enter()?;
        let inner = self.filter()?;
        if *self.peek_tok() != Tok::RParen {
            return Err(self.error_here(format!(
                "expected ')' to close the '(' at byte {open}, found {}",
                self.peek_tok().describe()
            )));
        }
        self.bump();
        self.depth -= 1;
        Ok(inner)
    }

    /// Reads an attribute-path word.
    pub(crate) fn attr_path(&mut self, what: &str) -> Result<AttrPath, ParseError> {
        let t = self.bump();
        match t.tok {
            Tok::Word(w) => AttrPath::from_word(w, t.offset),
            other => Err(ParseError::new(
                t.offset,
                format!("expected {what}, found {}", other.describe()),
            )),
        }
    }

    /// Reads `[valFilter]` after `path`.
    pub(crate) fn value_filter(
        &mut self,
        path: &AttrPath,
        path_offset: usize,
    ) -> Result<Filter, ParseError> {
        let open = self.peek().offset;
        if self.in_value_filter {
            return Err(self.error_here("value filters ('[...]') cannot be nested"));
        }
        if path.sub.is_some() {
            return Err(ParseError::new(
                path_offset,
                format!(
                    "a value filter applies to an attribute, not to the sub-attribute in '{path}'"
                ),
            ));
        }
        self.bump();
        self.enter()?;
        self.in_value_filter = true;
        let inner = self.filter()?;
        self.in_value_filter = false;
        if *self.peek_tok() != Tok::RBracket {
            return Err(self.error_here(format!(
                "expected ']' to close the '[' at byte {open}, found {}",
                self.peek_tok().describe()
            )));
        }
        self.bump();
        self.depth -= 1;
        Ok(inner)
    }

    /// Reads `.subAttr` after a value filter's `]`.
    pub(crate) fn sub_after_bracket(&mut self) -> Result<String, ParseError> {
        let dot = self.bump();
        debug_assert_eq!(dot.tok, Tok::Dot);
        let sub = self.attr_path("a sub-attribute name after '.'")?;
        if sub.urn.is_some() || sub.sub.is_some() {
            return Err(ParseError::new(
                dot.offset + 1,
                format!("expected a sub-attribute name, found '{sub}'"),
            ));
        }
        Ok(sub.name)
    }

    fn attribute_expression(&mut self) -> Result<Filter, ParseError> {
        let path_offset = self.peek().offset;
        let path = self.attr_path("an attribute name")?;
        if *self.peek_tok() == Tok::LBracket {
            let inner = self.value_filter(&path, path_offset)?;
            if *self.peek_tok() != Tok::Dot {
                return Ok(Filter::ValuePath {
                    path,
                    filter: Box::new(inner),
                });
            }
            // Entra's `emails[type eq "work"].value eq "x"`: the comparison on the
            // sub-attribute joins the bracketed condition.
            let sub = self.sub_after_bracket()?;
            let compare = self.comparison(AttrPath::new(sub))?;
            let filter = match inner {
                Filter::And(mut items) => {
                    items.push(compare);
                    Filter::And(items)
                }
                other => Filter::And(vec![other, compare]),
            };
            return Ok(Filter::ValuePath {
                path,
                filter: Box::new(filter),
            });
        }
        self.comparison(path)
    }

    /// Reads `op value` or `pr` after an attribute path.
    fn comparison(&mut self, path: AttrPath) -> Result<Filter, ParseError> {
        let t = self.bump();
        let word = match t.tok {
            Tok::Word(w) => w,
            Tok::Eof => {
                return Err(ParseError::new(
                    t.offset,
                    format!("the filter ends early: expected an operator after '{path}'"),
                ));
            }
            other => {
                return Err(ParseError::new(
                    t.offset,
                    format!(
                        "expected an operator after '{path}', found {}",
                        other.describe()
                    ),
                ));
            }
        };
        if word.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let Some(op) = CompareOp::from_keyword(word) else {
            return Err(ParseError::new(
                t.offset,
                format!(
                    "unknown operator '{word}'; expected one of eq, ne, co, sw, ew, gt, ge, lt, le, pr"
                ),
            ));
        };
        let v = self.bump();
        let value = match v.tok {
            Tok::Str(s) => CompValue::String(s),
            Tok::Num(n) => CompValue::Number(n),
            Tok::Word(w) if w.eq_ignore_ascii_case("true") => CompValue::Bool(true),
            Tok::Word(w) if w.eq_ignore_ascii_case("false") => CompValue::Bool(false),
            Tok::Word(w) if w.eq_ignore_ascii_case("null") => CompValue::Null,
            Tok::Word(w) => {
                return Err(ParseError::new(
                    v.offset,
                    format!(
                        "expected a value after '{op}', found '{w}' (strings must be in double quotes)"
                    ),
                ));
            }
            other => {
                return Err(ParseError::new(
                    v.offset,
                    format!(
                        "expected a value after '{op}' (a quoted string, a number, true, false or null), found {}",
                        other.describe()
                    ),
                ));
            }
        };
        Ok(Filter::Compare { path, op, value })
    }
}
