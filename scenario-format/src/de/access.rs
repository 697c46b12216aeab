//! How a visitor walks a mapping, a sequence or an enum of the tree; each error on the way
//! is located at its node and adds its step to the path.

use serde::de::{self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

use super::NodeDe;
use super::error::{Error, other};
use super::scalar::is_null;
use crate::yaml::{Content, Node, Seg, Style};

/// A mapping's entries, for a visitor.
pub(super) struct Entries<'a> {
    entries: &'a [(Node, Node)],
    next: usize,
}

impl<'a> Entries<'a> {
    pub(super) fn new(entries: &'a [(Node, Node)]) -> Entries<'a> {
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
pub(super) struct Items<'a> {
    items: &'a [Node],
    next: usize,
}

impl<'a> Items<'a> {
    pub(super) fn new(items: &'a [Node]) -> Items<'a> {
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
pub(super) struct Variant<'a> {
    pub(super) key: &'a Node,
    pub(super) value: Option<&'a Node>,
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
