//! Deserialising the model from the located tree: every error carries the place and the path
//! of the node it is about, and says in plain words what was expected and what was found.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, EnumAccess, Expected, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};

use crate::yaml::{Content, Node, Pos, Seg, Style};

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
    fn located(mut self, node: &Node) -> Error {
        if self.at.is_none() {
            self.at = Some(node.start);
        }
        self
    }

    /// Names the kind of word an unknown variant was meant to be (`unknown method `FETCH``),
    /// from the enum's name (`Method`, `ReferenceAction`: "reference action").
    fn in_enum(mut self, name: &str) -> Error {
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

    /// Adds a step in front of the path, as the error travels up.
    fn under(mut self, seg: Seg) -> Error {
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
fn found(u: &Unexpected<'_>) -> String {
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
fn other(message: impl Into<String>) -> Error {
    Error::new(message, ErrorKind::Other)
}

fn words(list: &[&str]) -> String {
    list.iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// YAML 1.2 core schema: a plain scalar's null.
fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn as_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn as_u64(text: &str) -> Option<u64> {
    let t = text.strip_prefix('+').unwrap_or(text);
    if let Some(hex) = t.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok();
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return u64::from_str_radix(oct, 8).ok();
    }
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn as_i64(text: &str) -> Option<i64> {
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty() => {
            text.parse().ok()
        }
        _ => as_u64(text).and_then(|n| i64::try_from(n).ok()),
    }
}

fn as_f64(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ => {
            let body = text.trim_start_matches(['-', '+']);
            let looks_numeric = !body.is_empty()
                && body
                    .bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
                && body
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_digit() || b == b'.');
            if looks_numeric {
                text.parse().ok()
            } else {
                None
            }
        }
    }
}

/// Deserialises from one node.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NodeDe<'a>(pub(crate) &'a Node);

impl<'a> NodeDe<'a> {
    fn scalar(&self) -> Option<(&'a str, Style)> {
        match &self.0.content {
            Content::Scalar(t, s) => Some((t.as_str(), *s)),
            _ => None,
        }
    }

    fn unexpected(&self) -> Unexpected<'a> {
        match &self.0.content {
            Content::Scalar(t, Style::Plain) if is_null(t) => Unexpected::Unit,
            Content::Scalar(t, _) => Unexpected::Str(t),
            Content::Seq(_) => Unexpected::Seq,
            Content::Map(_) => Unexpected::Map,
        }
    }

    fn wrong(&self, what: &str) -> Error {
        other(format!(
            "expected {what}, found {}",
            found(&self.unexpected())
        ))
        .located(self.0)
    }

    fn plain(&self) -> Option<&'a str> {
        match self.scalar() {
            Some((t, Style::Plain)) => Some(t),
            _ => None,
        }
    }
}

macro_rules! unsigned {
    ($name:ident, $t:ty, $visit:ident, $what:expr) => {
        fn $name<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            match self
                .plain()
                .and_then(as_u64)
                .and_then(|n| <$t>::try_from(n).ok())
            {
                Some(n) => v.$visit(n).map_err(|e: Error| e.located(self.0)),
                None => Err(self.wrong($what)),
            }
        }
    };
}

impl<'de> de::Deserializer<'de> for NodeDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let result = match &self.0.content {
            Content::Map(entries) => v.visit_map(Entries::new(entries)),
            Content::Seq(items) => v.visit_seq(Items::new(items)),
            Content::Scalar(t, Style::Text) => v.visit_str(t),
            Content::Scalar(t, Style::Plain) => {
                if is_null(t) {
                    v.visit_unit()
                } else if let Some(b) = as_bool(t) {
                    v.visit_bool(b)
                } else if let Some(n) = as_u64(t) {
                    v.visit_u64(n)
                } else if let Some(n) = as_i64(t) {
                    v.visit_i64(n)
                } else if let Some(f) = as_f64(t) {
                    v.visit_f64(f)
                } else {
                    v.visit_str(t)
                }
            }
        };
        result.map_err(|e: Error| e.located(self.0))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.plain().and_then(as_bool) {
            Some(b) => v.visit_bool(b).map_err(|e: Error| e.located(self.0)),
            None => Err(self.wrong("true or false")),
        }
    }

    unsigned!(deserialize_u8, u8, visit_u8, "a whole number from 0 to 255");
    unsigned!(
        deserialize_u16,
        u16,
        visit_u16,
        "a whole number from 0 to 65535"
    );
    unsigned!(deserialize_u32, u32, visit_u32, "a whole number");
    unsigned!(deserialize_u64, u64, visit_u64, "a whole number");

    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.plain().and_then(as_i64) {
            Some(n) => v.visit_i64(n).map_err(|e: Error| e.located(self.0)),
            None => Err(self.wrong("a whole number")),
        }
    }

    fn deserialize_i8<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_i64(v)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_i64(v)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_i64(v)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.plain().and_then(as_f64) {
            Some(n) => v.visit_f64(n).map_err(|e: Error| e.located(self.0)),
            None => Err(self.wrong("a number")),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_f64(v)
    }

    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.scalar() {
            Some((t, _)) => v.visit_str(t).map_err(|e: Error| e.located(self.0)),
            None => Err(self.wrong("text")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.plain() {
            Some(t) if is_null(t) => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.plain() {
            Some(t) if is_null(t) => v.visit_unit(),
            _ => Err(self.wrong("nothing (null)")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, Error> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.0.content {
            Content::Seq(items) => v
                .visit_seq(Items::new(items))
                .map_err(|e: Error| e.located(self.0)),
            _ => Err(self.wrong("a list")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, v: V) -> Result<V::Value, Error> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        v: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.0.content {
            Content::Map(entries) => v
                .visit_map(Entries::new(entries))
                .map_err(|e: Error| e.located(self.0)),
            _ => Err(self.wrong("a mapping")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        match &self.0.content {
            Content::Map(entries) => v
                .visit_map(Entries::new(entries))
                .map_err(|e: Error| e.located(self.0)),
            _ => Err(self.wrong(&format!("a mapping of {}", words(fields)))),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        let result = match &self.0.content {
            Content::Scalar(..) => v.visit_enum(Variant {
                key: self.0,
                value: None,
            }),
            Content::Map(entries) if entries.len() == 1 => v.visit_enum(Variant {
                key: &entries[0].0,
                value: Some(&entries[0].1),
            }),
            _ => {
                return Err(self.wrong(&format!(
                    "one of {} (a word, or a mapping with one of them as its only key)",
                    words(variants)
                )));
            }
        };
        result.map_err(|e: Error| e.located(self.0).in_enum(name))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_unit()
    }
}

/// A mapping's entries, for a visitor.
struct Entries<'a> {
    entries: &'a [(Node, Node)],
    next: usize,
}

impl<'a> Entries<'a> {
    fn new(entries: &'a [(Node, Node)]) -> Entries<'a> {
        Entries { entries, next: 0 }
    }
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, _)) = self.entries.get(self.next) else {
            return Ok(None);
        };
        let name = key.text().unwrap_or_default().to_owned();
        seed.deserialize(NodeDe(key))
            .map(Some)
            .map_err(|e: Error| e.located(key).under(Seg::Key(name)))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.entries.get(self.next) else {
            return Err(other("a value without a key"));
        };
        self.next += 1;
        let name = key.text().unwrap_or_default().to_owned();
        seed.deserialize(NodeDe(value))
            .map_err(|e: Error| e.located(value).under(Seg::Key(name)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.next)
    }
}

/// A sequence's items, for a visitor.
struct Items<'a> {
    items: &'a [Node],
    next: usize,
}

impl<'a> Items<'a> {
    fn new(items: &'a [Node]) -> Items<'a> {
        Items { items, next: 0 }
    }
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.get(self.next) else {
            return Ok(None);
        };
        let index = self.next;
        self.next += 1;
        seed.deserialize(NodeDe(item))
            .map(Some)
            .map_err(|e: Error| e.located(item).under(Seg::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

/// An enum value: a word (unit variant), or a one-key mapping (the key names the variant).
struct Variant<'a> {
    key: &'a Node,
    value: Option<&'a Node>,
}

impl<'de, 'a> EnumAccess<'de> for Variant<'a> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), Error> {
        let name = self.key.text().unwrap_or_default().to_owned();
        let key = self.key;
        let chosen = seed.deserialize(NodeDe(key)).map_err(|e| {
            let e = e.located(key);
            // The word names the variant: the path is the variant's own key, if it has one.
            match self.value {
                Some(_) => e.under(Seg::Key(name)),
                None => e,
            }
        })?;
        Ok((chosen, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            None => Ok(()),
            Some(v) => match &v.content {
                Content::Scalar(t, Style::Plain) if is_null(t) => Ok(()),
                _ => Err(other(format!(
                    "`{}` takes nothing; write it as a plain word",
                    self.key.text().unwrap_or_default()
                ))
                .located(v)
                .under(Seg::Key(self.key.text().unwrap_or_default().to_owned()))),
            },
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let name = self.key.text().unwrap_or_default().to_owned();
        match self.value {
            Some(v) => seed
                .deserialize(NodeDe(v))
                .map_err(|e: Error| e.located(v).under(Seg::Key(name))),
            None => Err(other(format!("`{name}` needs a value: `{name}: ...`")).located(self.key)),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, v: V) -> Result<V::Value, Error> {
        let name = self.key.text().unwrap_or_default().to_owned();
        match self.value {
            Some(node) => de::Deserializer::deserialize_seq(NodeDe(node), v)
                .map_err(|e: Error| e.located(node).under(Seg::Key(name))),
            None => Err(other(format!("`{name}` needs a list")).located(self.key)),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        let name = self.key.text().unwrap_or_default().to_owned();
        match self.value {
            Some(node) => de::Deserializer::deserialize_struct(NodeDe(node), "", fields, v)
                .map_err(|e: Error| e.located(node).under(Seg::Key(name))),
            None => Err(other(format!(
                "`{name}` needs its fields: `{name}: {{{}}}`",
                fields
                    .first()
                    .map_or(String::new(), |f| format!("{f}: ..."))
            ))
            .located(self.key)),
        }
    }
}

impl<'de> IntoDeserializer<'de, Error> for NodeDe<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}
