//! Deserialising the model from the located tree: every error carries the place and the path
//! of the node it is about, and says in plain words what was expected and what was found.

mod access;
mod error;
mod scalar;

use serde::de::{self, IntoDeserializer, Unexpected, Visitor};

use access::{Entries, Items, Variant};
pub(crate) use error::{Error, ErrorKind};
use error::{found, other, words};
use scalar::{as_bool, as_f64, as_i64, as_u64, is_null};

use crate::yaml::{Content, Node, Style};

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

    /// What the node is, for a message: a plain scalar by what it resolves to.
    fn unexpected(&self) -> Unexpected<'a> {
        match &self.0.content {
            Content::Scalar(t, Style::Plain) => {
                if is_null(t) {
                    Unexpected::Unit
                } else if let Some(b) = as_bool(t) {
                    Unexpected::Bool(b)
                } else if let Some(n) = as_u64(t) {
                    Unexpected::Unsigned(n)
                } else if let Some(n) = as_i64(t) {
                    Unexpected::Signed(n)
                } else if let Some(f) = as_f64(t) {
                    Unexpected::Float(f)
                } else {
                    Unexpected::Str(t)
                }
            }
            Content::Scalar(t, Style::Text) => Unexpected::Str(t),
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

    /// A scalar's text where a number or a boolean is expected: there, `"200"` means 200
    /// as plainly as `200` does.
    fn typed(&self) -> Option<&'a str> {
        self.scalar().map(|(t, _)| t.trim())
    }

    fn is_null(&self) -> bool {
        self.plain().is_some_and(is_null)
    }
}

macro_rules! unsigned {
    ($name:ident, $t:ty, $visit:ident, $what:expr) => {
        fn $name<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            match self
                .typed()
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
                    if !f.is_finite() {
                        // JSON, which these values become, has no infinity and no NaN.
                        return Err(self.wrong("a number JSON can hold"));
                    }
                    v.visit_f64(f)
                } else {
                    v.visit_str(t)
                }
            }
        };
        result.map_err(|e: Error| e.located(self.0))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.typed().and_then(as_bool) {
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
        match self.typed().and_then(as_i64) {
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
        match self.typed().and_then(as_f64) {
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
            // An empty value, `~` or `null` is nothing, not the text "~": quote it to mean it.
            Some(_) if self.is_null() => Err(self.wrong("text")),
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
            Content::Scalar(..) if !self.is_null() => v.visit_enum(Variant {
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

impl<'de> IntoDeserializer<'de, Error> for NodeDe<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}
