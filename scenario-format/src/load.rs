//! Loading scenario files: YAML into a located tree, the tree into the model, then the checks
//! YAML cannot express. Every problem of a file is reported, each located by the parser
//! (`file:line:column`), shown with its line and a caret, and with a "did you mean" where a
//! near name exists.
//!
//! Reporting every problem, not only the first: deserialisation stops at an error, so the
//! loader removes the offending node from its copy of the tree and tries again, until the
//! rest deserialises. A problem that only follows from an earlier removal (a required field
//! now missing, an enum left without its variant) is not reported again. Steps are loaded
//! one by one, so that a broken step never hides the problems of the next.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::RuleIds;
use crate::de::{Error, ErrorKind, NodeDe};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{Scenario, Step};
use crate::validate::{Target, validate};
use crate::yaml::{self, Content, Node, Pos, Seg};

/// A scenario and the file it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// The file, as given.
    pub path: String,
    /// The scenario.
    pub scenario: Scenario,
}

/// Stop after this many problems in one file: past that, the file is not what the format
/// expects at all, and more messages would not help.
const MAX_PROBLEMS: usize = 50;

/// Deserialises `T` from `tree`, removing each offending node and trying again: every
/// problem found, located, and the value if there were none.
fn deserialize_all<T: DeserializeOwned>(mut tree: Node) -> (Option<T>, Vec<Error>) {
    let mut errors: Vec<Error> = Vec::new();
    let mut removed: Vec<Vec<Seg>> = Vec::new();
    loop {
        match T::deserialize(NodeDe(&tree)) {
            Ok(value) => return (errors.is_empty().then_some(value), errors),
            Err(e) => {
                // What follows only from an earlier removal (a required field now missing,
                // an enum left without its variant) is not a problem of the file.
                let cascade = removed
                    .iter()
                    .any(|r| r.len() > e.path.len() && r.starts_with(&e.path));
                let path = e.path.clone();
                if !cascade {
                    errors.push(e);
                }
                if path.is_empty() || errors.len() >= MAX_PROBLEMS || !tree.remove(&path) {
                    return (None, errors);
                }
                removed.push(path);
            }
        }
    }
}

/// The help for a deserialisation error: the nearest allowed name.
fn help(e: &Error) -> Option<String> {
    match &e.kind {
        ErrorKind::UnknownField { field, expected } => {
            did_you_mean(field, expected.iter().copied())
        }
        ErrorKind::UnknownVariant { variant, expected } => {
            did_you_mean(variant, expected.iter().copied())
        }
        ErrorKind::MissingField(_) | ErrorKind::Other => None,
    }
}

/// Where `needle` is written between two places of `text`, if it is.
fn find_in(text: &str, from: Pos, to: Pos, needle: &str) -> Option<Pos> {
    let span = text.get(from.offset..to.offset.max(from.offset))?;
    let at = from.offset + span.find(needle)?;
    Some(pos_of(text, at))
}

/// The line and column of a byte offset.
fn pos_of(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        offset,
    }
}

/// Where a problem found after parsing is: its node, its key, or the text it is about.
fn locate(tree: &Node, text: &str, path: &[Seg], target: &Target) -> Pos {
    let node = tree.at(path);
    match target {
        Target::Node => node.start,
        Target::Key => match path.split_last() {
            Some((Seg::Key(k), parent)) => {
                tree.at(parent).key(k).map_or(node.start, |key| key.start)
            }
            _ => node.start,
        },
        Target::Scalar(field, value) => {
            let mut found = None;
            node.walk(&mut |n| {
                if found.is_none()
                    && let Content::Map(entries) = &n.content
                {
                    found = entries
                        .iter()
                        .find(|(k, v)| {
                            k.text() == Some(field)
                                && (v.text() == Some(value.as_str())
                                    || matches!(&v.content, Content::Seq(items) if items.iter().any(|i| i.text() == Some(value.as_str()))))
                        })
                        .map(|(_, v)| match &v.content {
                            Content::Seq(items) => items
                                .iter()
                                .find(|i| i.text() == Some(value.as_str()))
                                .map_or(v.start, |i| i.start),
                            _ => v.start,
                        });
                }
            });
            found
                .or_else(|| find_in(text, node.start, node.end, value))
                .unwrap_or(node.start)
        }
        Target::Text(needle) => find_in(text, node.start, node.end, needle).unwrap_or(node.start),
    }
}

/// Parses and checks one scenario text. `rules` are the rules its `expect`s may name.
pub fn load_str(file: &str, text: &str, rules: &dyn RuleIds) -> Result<Scenario, Vec<Diagnostic>> {
    let diagnose = |e: Error| {
        let help = help(&e);
        Diagnostic::at(file, text, e.at.unwrap_or_default(), e.message, help)
    };
    let tree =
        yaml::parse(text).map_err(|e| vec![Diagnostic::at(file, text, e.at, e.message, None)])?;

    // The steps one by one, then the rest with no steps: a broken step hides nothing.
    let mut errors: Vec<Error> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut rest = tree.clone();
    if let Content::Map(entries) = &mut rest.content
        && let Some((_, value)) = entries.iter_mut().find(|(k, _)| k.text() == Some("steps"))
        && let Content::Seq(items) = &mut value.content
    {
        for (i, item) in std::mem::take(items).into_iter().enumerate() {
            let (step, mut errs) = deserialize_all::<Step>(item);
            for e in &mut errs {
                e.path
                    .splice(0..0, [Seg::Key("steps".into()), Seg::Index(i)]);
            }
            errors.append(&mut errs);
            steps.extend(step);
        }
    }
    let (scenario, mut errs) = deserialize_all::<Scenario>(rest);
    errors.append(&mut errs);
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.at.map(|p| p.offset));
        return Err(errors.into_iter().map(diagnose).collect());
    }
    let Some(mut scenario) = scenario else {
        return Err(vec![Diagnostic::file_only(
            file,
            "the file holds no scenario",
        )]);
    };
    scenario.steps = steps;

    let problems = validate(&scenario, rules);
    if problems.is_empty() {
        return Ok(scenario);
    }
    let mut located: Vec<(Pos, Diagnostic)> = problems
        .into_iter()
        .map(|p| {
            let at = locate(&tree, text, &p.path, &p.target);
            (at, Diagnostic::at(file, text, at, p.message, p.help))
        })
        .collect();
    located.sort_by_key(|(at, _)| at.offset);
    Err(located.into_iter().map(|(_, d)| d).collect())
}

/// Loads scenarios from (file name, text) pairs, in order. Returns what loaded and every
/// problem found, duplicate ids included.
pub fn load_sources<'a>(
    sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    rules: &dyn RuleIds,
) -> (Vec<Loaded>, Vec<Diagnostic>) {
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    let mut ids: BTreeMap<String, &str> = BTreeMap::new();
    for (file, text) in sources {
        match load_str(file, text, rules) {
            Ok(scenario) => {
                if let Some(other) = ids.insert(scenario.id.clone(), file) {
                    let at = yaml::parse(text)
                        .ok()
                        .and_then(|t| t.get("id").map(|n| n.start))
                        .unwrap_or_default();
                    errors.push(Diagnostic::at(
                        file,
                        text,
                        at,
                        format!("scenario id `{}` is also used by {other}", scenario.id),
                        None,
                    ));
                    continue;
                }
                loaded.push(Loaded {
                    path: file.to_owned(),
                    scenario,
                });
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    (loaded, errors)
}

/// Loads every scenario under the given files and directories (`*.yaml`, `*.yml`,
/// recursively, in name order). Returns what loaded and every problem found, duplicate ids
/// included.
pub fn load_paths(paths: &[PathBuf], rules: &dyn RuleIds) -> (Vec<Loaded>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        collect(p, &mut files, &mut errors);
    }
    let mut sources = Vec::with_capacity(files.len());
    for file in files {
        let shown = file.display().to_string();
        match std::fs::read_to_string(&file) {
            Ok(text) => sources.push((shown, text)),
            Err(e) => errors.push(Diagnostic::file_only(shown, format!("cannot read: {e}"))),
        }
    }
    let (loaded, mut load_errors) =
        load_sources(sources.iter().map(|(f, t)| (f.as_str(), t.as_str())), rules);
    errors.append(&mut load_errors);
    (loaded, errors)
}

fn collect(path: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Diagnostic>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
            Err(e) => {
                errors.push(Diagnostic::file_only(
                    path.display().to_string(),
                    format!("cannot read directory: {e}"),
                ));
                return;
            }
        };
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                collect(&e, files, errors);
            }
        }
    } else if path.exists() {
        files.push(path.to_owned());
    } else {
        errors.push(Diagnostic::file_only(
            path.display().to_string(),
            "no such file or directory",
        ));
    }
}
