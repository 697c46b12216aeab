//! YAML as a tree whose every node knows where it was written: the loader deserialises the
//! model from it (so a type error points at the offending node) and locates what it checks
//! afterwards by path (so an unknown fixture user points at that step's `user:`, not at the
//! first line of the file that happens to contain the same word).
//!
//! Scalars keep their text and style: a plain `007` is the number 7 where a number is
//! expected and the text "007" where text is, as YAML 1.2's core schema says.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};

/// A place in the text: 1-based line and column (in characters), and the byte offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset in the text.
    pub offset: usize,
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Without quotes: its type follows from its text (`true`, `12`, `null`, text).
    Plain,
    /// Quoted, or a block (`|`, `>`): always text.
    Text,
}

/// A node's content.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// A scalar, with its text after YAML's escapes.
    Scalar(String, Style),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in the order written.
    Map(Vec<(Node, Node)>),
}

/// A node and where it is: from its first character to just after its last.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What it holds.
    pub content: Content,
    /// Where it starts.
    pub start: Pos,
    /// Where it ends.
    pub end: Pos,
}

/// One step of a path into the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// The value under a mapping key.
    Key(String),
    /// An item of a sequence.
    Index(usize),
}

/// A path from the root.
pub type Path = Vec<Seg>;

/// Why a text is not YAML this loader takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub at: Pos,
}

fn pos(text: &str, m: &serde_saphyr::granit_parser::Marker) -> Pos {
    let offset = m.byte_offset().unwrap_or_else(|| {
        text.char_indices()
            .nth(m.index())
            .map_or(text.len(), |(i, _)| i)
    });
    Pos {
        line: m.line(),
        column: m.col() + 1,
        offset,
    }
}

impl Node {
    /// The scalar's text, if it is a scalar.
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            Content::Scalar(t, _) => Some(t),
            _ => None,
        }
    }

    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.content {
            Content::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.text() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key node of `key`, if this is a mapping that has it.
    pub fn key(&self, key: &str) -> Option<&Node> {
        match &self.content {
            Content::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.text() == Some(key))
                .map(|(k, _)| k),
            _ => None,
        }
    }

    /// The node at `path`, or the deepest node on the way to it that exists.
    pub fn at(&self, path: &[Seg]) -> &Node {
        let mut node = self;
        for seg in path {
            let next = match (seg, &node.content) {
                (Seg::Key(k), Content::Map(_)) => node.get(k),
                (Seg::Index(i), Content::Seq(items)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// Removes the node at `path` (a mapping entry, with its key, or a sequence item).
    /// Returns whether there was one.
    pub fn remove(&mut self, path: &[Seg]) -> bool {
        let Some((last, parent)) = path.split_last() else {
            return false;
        };
        let mut node = self;
        for seg in parent {
            let next = match (seg, &mut node.content) {
                (Seg::Key(k), Content::Map(entries)) => entries
                    .iter_mut()
                    .find(|(key, _)| key.text() == Some(k))
                    .map(|(_, v)| v),
                (Seg::Index(i), Content::Seq(items)) => items.get_mut(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return false,
            }
        }
        match (last, &mut node.content) {
            (Seg::Key(k), Content::Map(entries)) => {
                let before = entries.len();
                entries.retain(|(key, _)| key.text() != Some(k));
                entries.len() != before
            }
            (Seg::Index(i), Content::Seq(items)) if *i < items.len() => {
                items.remove(*i);
                true
            }
            _ => false,
        }
    }

    /// Every node of the subtree, keys included, in document order.
    pub fn walk(&self, f: &mut dyn FnMut(&Node)) {
        f(self);
        match &self.content {
            Content::Scalar(..) => {}
            Content::Seq(items) => items.iter().for_each(|i| i.walk(f)),
            Content::Map(entries) => entries.iter().for_each(|(k, v)| {
                k.walk(f);
                v.walk(f);
            }),
        }
    }
}

/// A node being built.
enum Open {
    Seq(Vec<Node>, Pos, usize),
    Map(Vec<(Node, Node)>, Option<Node>, Pos, usize),
}

/// Parses one YAML document into a located tree. Anchors and aliases work; a merge key
/// (`<<`) is an ordinary key (and so an unknown field); a second document, a tag other than
/// YAML's own, or a mapping key that is not a scalar is an error, as is a key written twice.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: Vec<(usize, Node)> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let error = |message: String, at: Pos| SyntaxError { message, at };
    for event in Parser::new_from_str(text) {
        let (event, span): (Event<'_>, Span) =
            event.map_err(|e| error(e.info().to_string(), pos(text, e.marker())))?;
        let start = pos(text, &span.start);
        let end = pos(text, &span.end);
        let done: Option<(Node, usize)> = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(error(
                        "a scenario file holds one YAML document; this is a second one".into(),
                        start,
                    ));
                }
                None
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    _ => Style::Text,
                };
                let style = match tag.as_deref() {
                    None => style,
                    Some(t) if t.is_yaml_core_schema_tag("str") => Style::Text,
                    Some(t) if t.is_yaml_core_schema() => style,
                    Some(t) => {
                        return Err(error(
                            format!("the tag `{}{}` means nothing here", t.handle(), t.suffix()),
                            start,
                        ));
                    }
                };
                Some((
                    Node {
                        content: Content::Scalar(value.into_owned(), style),
                        start,
                        end,
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(_, anchor, _) => {
                stack.push(Open::Seq(Vec::new(), start, anchor));
                None
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push(Open::Map(Vec::new(), None, start, anchor));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(items, start, anchor)) => Some((
                    Node {
                        content: Content::Seq(items),
                        start,
                        end,
                    },
                    anchor,
                )),
                _ => return Err(error("unbalanced sequence".into(), start)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(entries, _, start, anchor)) => Some((
                    Node {
                        content: Content::Map(entries),
                        start,
                        end,
                    },
                    anchor,
                )),
                _ => return Err(error("unbalanced mapping".into(), start)),
            },
            Event::Alias(id) => match anchors.iter().rev().find(|(a, _)| *a == id) {
                Some((_, node)) => Some((
                    Node {
                        start,
                        end,
                        ..node.clone()
                    },
                    0,
                )),
                None => return Err(error("an alias to no anchor".into(), start)),
            },
            _ => None,
        };
        let Some((node, anchor)) = done else { continue };
        if anchor != 0 {
            anchors.push((anchor, node.clone()));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq(items, ..)) => items.push(node),
            Some(Open::Map(entries, pending, ..)) => match pending.take() {
                None => {
                    let Some(key) = node.text() else {
                        return Err(error(
                            "a mapping key must be a plain word, not a list or a mapping".into(),
                            node.start,
                        ));
                    };
                    if entries.iter().any(|(k, _)| k.text() == Some(key)) {
                        return Err(error(format!("the key `{key}` appears twice"), node.start));
                    }
                    *pending = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }
    Ok(root.unwrap_or(Node {
        content: Content::Scalar(String::new(), Style::Plain),
        start: Pos {
            line: 1,
            column: 1,
            offset: 0,
        },
        end: Pos {
            line: 1,
            column: 1,
            offset: 0,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_where_they_are() {
        let text = "a: 1\nb:\n  - x\n  - {c: 'd'}\n";
        let root = parse(text).unwrap();
        let b = root.get("b").unwrap();
        let Content::Seq(items) = &b.content else {
            panic!("a list")
        };
        assert_eq!((items[0].start.line, items[0].start.column), (3, 5));
        let c = root.at(&[Seg::Key("b".into()), Seg::Index(1), Seg::Key("c".into())]);
        assert_eq!(c.content, Content::Scalar("d".into(), Style::Text));
        assert_eq!((c.start.line, c.start.column), (4, 9));
        assert_eq!(&text[c.start.offset..c.end.offset], "'d'");
        let a = root.get("a").unwrap();
        assert_eq!(a.content, Content::Scalar("1".into(), Style::Plain));
    }

    #[test]
    fn aliases_copy_their_anchor() {
        let root = parse("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(
            root.get("b").unwrap().content,
            root.get("a").unwrap().content
        );
    }

    #[test]
    fn refuses_what_a_scenario_cannot_mean() {
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.message, "the key `a` appears twice");
        assert_eq!((e.at.line, e.at.column), (2, 1));
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
        assert!(parse("a: [1\n").is_err());
        assert!(parse("a: !custom 1\n").is_err());
        assert_eq!(
            parse("a: !!str 12\n").unwrap().get("a").unwrap().content,
            Content::Scalar("12".into(), Style::Text)
        );
    }

    #[test]
    fn removes_entries_and_items() {
        let mut root = parse("a: [1, 2, 3]\nb: x\n").unwrap();
        assert!(root.remove(&[Seg::Key("a".into()), Seg::Index(1)]));
        assert!(root.remove(&[Seg::Key("b".into())]));
        assert!(!root.remove(&[Seg::Key("b".into())]));
        let Content::Seq(items) = &root.get("a").unwrap().content else {
            panic!("a list")
        };
        assert_eq!(items.len(), 2);
        assert!(root.get("b").is_none());
    }
}
