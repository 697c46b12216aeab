//! YAML as a tree whose every node knows where it was written: the loader deserialises the
//! model from it (so a type error points at the offending node) and locates what it checks
//! afterwards by path (so an unknown fixture user points at that step's `user:`, not at the
//! first line of the file that happens to contain the same word).
//!
//! Scalars keep their text and style, so the deserialiser decides what they are: YAML 1.2's
//! core schema where any value goes (a JSON body: `yes` is text, `12` a number), and the
//! field's own type where the format says (`name: 007` is the text "007", `status: '200'`
//! the number 200).

use std::collections::{HashMap, HashSet};

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
    /// Quoted, a block (`|`, `>`), or tagged `!!str`: text wherever any value goes.
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

/// The most nodes a file may expand to, aliases counted in full: a scenario holds a few
/// hundred; an alias bomb (aliases of aliases of lists) would otherwise grow without bound.
pub const MAX_NODES: usize = 100_000;

/// The deepest a file may nest, aliases included (recursion over the tree stays bounded).
pub const MAX_DEPTH: usize = 128;

/// A node being built, with the keys its mapping has seen.
enum Open {
    Seq(Vec<Node>, Pos, usize),
    Map(Vec<(Node, Node)>, Option<Node>, HashSet<String>, Pos, usize),
}

/// A finished node's size and depth, to charge an alias of it against the budgets.
#[derive(Clone, Copy)]
struct Measure {
    nodes: usize,
    depth: usize,
}

fn measure(node: &Node) -> Measure {
    match &node.content {
        Content::Scalar(..) => Measure { nodes: 1, depth: 1 },
        Content::Seq(items) => {
            items
                .iter()
                .map(measure)
                .fold(Measure { nodes: 1, depth: 1 }, |m, c| Measure {
                    nodes: m.nodes + c.nodes,
                    depth: m.depth.max(c.depth + 1),
                })
        }
        Content::Map(entries) => entries.iter().flat_map(|(k, v)| [k, v]).map(measure).fold(
            Measure { nodes: 1, depth: 1 },
            |m, c| Measure {
                nodes: m.nodes + c.nodes,
                depth: m.depth.max(c.depth + 1),
            },
        ),
    }
}

/// Refuses a tag that means nothing to the format (anything but YAML's own).
fn check_tag(tag: Option<&serde_saphyr::granit_parser::Tag>, at: Pos) -> Result<(), SyntaxError> {
    match tag {
        Some(t) if !t.is_yaml_core_schema() => Err(SyntaxError {
            message: format!("the tag `{}{}` means nothing here", t.handle(), t.suffix()),
            at,
        }),
        _ => Ok(()),
    }
}

/// Parses one YAML document into a located tree. Anchors and aliases work, within
/// [`MAX_NODES`] and [`MAX_DEPTH`]; a merge key (`<<`) is an ordinary key (and so an unknown
/// field); a second document, a tag other than YAML's own, a mapping key that is not a
/// scalar, and a key written twice are errors. `!!str` makes a plain scalar text.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, (Node, Measure)> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let mut nodes = 0usize;
    let error = |message: String, at: Pos| SyntaxError { message, at };
    for event in Parser::new_from_str(text) {
        let (event, span): (Event<'_>, Span) =
            event.map_err(|e| error(e.info().to_string(), pos(text, e.marker())))?;
        let start = pos(text, &span.start);
        let end = pos(text, &span.end);
        // What the event adds: its values, and how deep it reaches below the open nodes.
        let mut added = Measure { nodes: 0, depth: 0 };
        let done: Option<(Node, usize)> = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(error(
                        "a scenario file holds one YAML document; this is a second one".into(),
                        start,
                    ));
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                check_tag(tag.as_deref(), start)?;
                added = Measure { nodes: 1, depth: 1 };
                let style = match (style, tag.as_deref()) {
                    (_, Some(t)) if t.is_yaml_core_schema_tag("str") => Style::Text,
                    (ScalarStyle::Plain, _) => Style::Plain,
                    _ => Style::Text,
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
            Event::SequenceStart(_, anchor, tag) => {
                check_tag(tag.as_deref(), start)?;
                added = Measure { nodes: 1, depth: 1 };
                stack.push(Open::Seq(Vec::new(), start, anchor));
                None
            }
            Event::MappingStart(_, anchor, tag) => {
                check_tag(tag.as_deref(), start)?;
                added = Measure { nodes: 1, depth: 1 };
                stack.push(Open::Map(Vec::new(), None, HashSet::new(), start, anchor));
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
                Some(Open::Map(entries, _, _, start, anchor)) => Some((
                    Node {
                        content: Content::Map(entries),
                        start,
                        end,
                    },
                    anchor,
                )),
                _ => return Err(error("unbalanced mapping".into(), start)),
            },
            Event::Alias(id) => match anchors.get(&id) {
                Some((node, m)) => {
                    added = *m;
                    Some((
                        Node {
                            start,
                            end,
                            ..node.clone()
                        },
                        0,
                    ))
                }
                None => return Err(error("an alias to no anchor".into(), start)),
            },
            _ => None,
        };
        nodes += added.nodes;
        if nodes > MAX_NODES {
            return Err(error(
                format!(
                    "the file expands to more than {MAX_NODES} values (aliases counted in full)"
                ),
                start,
            ));
        }
        // A collection that starts is already on the stack; anything else goes below it.
        let depth = match done {
            None => stack.len(),
            Some(_) => stack.len() + added.depth,
        };
        if depth > MAX_DEPTH {
            return Err(error(
                format!("the file nests deeper than {MAX_DEPTH} levels"),
                start,
            ));
        }
        let Some((node, anchor)) = done else { continue };
        if anchor != 0 {
            let m = measure(&node);
            anchors.insert(anchor, (node.clone(), m));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq(items, ..)) => items.push(node),
            Some(Open::Map(entries, pending, keys, ..)) => match pending.take() {
                None => {
                    let Some(key) = node.text() else {
                        return Err(error(
                            "a mapping key must be a plain word, not a list or a mapping".into(),
                            node.start,
                        ));
                    };
                    if !keys.insert(key.to_owned()) {
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
    fn aliases_cannot_blow_up() {
        // Ten aliases of ten aliases of ... : 10^7 values from a few hundred bytes.
        let mut text = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for n in 1..8 {
            let prev = n - 1;
            let items = vec![format!("*l{prev}"); 10].join(", ");
            text.push_str(&format!("l{n}: &l{n} [{items}]\n"));
        }
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("more than"), "{e:?}");

        // Deep anchors, each holding an alias of the last, nest past any limit.
        let mut text = String::from("a0: &a0 [[[[x]]]]\n");
        for n in 1..60 {
            let prev = n - 1;
            text.push_str(&format!("a{n}: &a{n} [[[[*a{prev}]]]]\n"));
        }
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("deeper than"), "{e:?}");
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
