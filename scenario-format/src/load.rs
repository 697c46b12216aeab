//! Loading scenario files: YAML into a located tree, the tree into the model, then the checks
//! YAML cannot express. Every problem of a file is reported, each located by the parser
//! (`file:line:column`), shown with its line and a caret, and with a "did you mean" where a
//! near name exists.
//!
//! Reporting every problem, not only the first: deserialisation stops at an error, so the
//! loader removes the offending node from its copy of the tree and tries again, until the
//! rest deserialises. A problem that only follows from an earlier removal is not reported:
//! a required field missing because the loader removed it, or a value left invalid because
//! the loader removed something inside it (an enum left without its variant). Steps are
//! loaded one by one, so that a broken step never hides the problems of the next. A file
//! reports at most [`MAX_PROBLEMS`].

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use crate::RuleIds;
use crate::de::{Error, ErrorKind, NodeDe};
use crate::diagnostic::{Diagnostic, did_you_mean, nearest};
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
pub const MAX_PROBLEMS: usize = 50;

/// A node the loader removed, and the field an unknown key there was most likely meant to
/// be (its "did you mean").
struct Removed {
    path: Vec<Seg>,
    meant: Option<&'static str>,
}

/// Whether an error only follows from the loader's own removals: a missing field it removed
/// (or that a misspelt key it removed was meant to be), or, for any other error, a value
/// with something removed inside it.
fn is_cascade(e: &Error, removed: &[Removed]) -> bool {
    match &e.kind {
        ErrorKind::MissingField(field) => removed.iter().any(|r| {
            r.path.len() == e.path.len() + 1
                && r.path.starts_with(&e.path)
                && (r.path.last() == Some(&Seg::Key((*field).to_owned()))
                    || r.meant == Some(*field))
        }),
        ErrorKind::Other => removed
            .iter()
            .any(|r| r.path.len() > e.path.len() && r.path.starts_with(&e.path)),
        ErrorKind::UnknownField { .. } | ErrorKind::UnknownVariant { .. } => false,
    }
}

/// Deserialises `T` from `tree`, removing each offending node and trying again: every
/// problem found (at most `budget`), located, and the value if there were none.
fn deserialize_all<T: DeserializeOwned>(mut tree: Node, budget: usize) -> (Option<T>, Vec<Error>) {
    let mut errors: Vec<Error> = Vec::new();
    let mut removed: Vec<Removed> = Vec::new();
    loop {
        match T::deserialize(NodeDe(&tree)) {
            Ok(value) => return (errors.is_empty().then_some(value), errors),
            Err(e) => {
                let path = e.path.clone();
                let meant = match &e.kind {
                    ErrorKind::UnknownField { field, expected } => {
                        nearest(field, expected.iter().copied())
                    }
                    _ => None,
                };
                if !is_cascade(&e, &removed) {
                    errors.push(e);
                }
                if path.is_empty() || errors.len() >= budget || !tree.remove(&path) {
                    return (None, errors);
                }
                removed.push(Removed { path, meant });
            }
        }
    }
}

/// The keys a scenario file must have, as the model's JSON Schema lists them.
fn required_keys() -> &'static [String] {
    static KEYS: OnceLock<Vec<String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let schema = schemars::schema_for!(Scenario);
        schema
            .get("required")
            .and_then(|r| r.as_array())
            .map(|keys| {
                keys.iter()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// "missing `key`" for each required key a file's top-level mapping lacks.
fn missing_keys(root: &Node) -> Vec<Error> {
    if !matches!(root.content, Content::Map(_)) {
        return Vec::new();
    }
    required_keys()
        .iter()
        .filter(|k| root.get(k).is_none())
        .map(|k| Error::missing(k, root.start))
        .collect()
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

/// The line and column of a byte offset (lines broken as YAML breaks them).
fn pos_of(text: &str, offset: usize) -> Pos {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    Pos {
        line: crate::diagnostic::lines(before).count().max(1)
            + usize::from(before.ends_with(['\n', '\r'])),
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
        Target::Variable(name) => {
            // The first string of the step that refers to it (not its `name`, which is never
            // interpolated), and there the reference itself.
            let mut found = None;
            if let Content::Map(entries) = &node.content {
                for (_, value) in entries.iter().filter(|(k, _)| k.text() != Some("name")) {
                    value.walk(&mut |n| {
                        let refers = n
                            .text()
                            .is_some_and(|t| crate::vars::references(t).contains(&name.as_str()));
                        if found.is_none() && refers {
                            found = Some(
                                text.get(n.start.offset..n.end.offset)
                                    .and_then(|raw| reference_at(raw, name))
                                    .map_or(n.start, |i| pos_of(text, n.start.offset + i)),
                            );
                        }
                    });
                }
            }
            found.unwrap_or(node.start)
        }
    }
}

/// Where `${name}` (or `${ name }`) is written in a scalar's source, not counting `$${`.
fn reference_at(raw: &str, name: &str) -> Option<usize> {
    raw.match_indices("${").map(|(i, _)| i).find(|&i| {
        let escaped = raw[..i].ends_with('$');
        let rest = raw[i + 2..].trim_start();
        !escaped
            && rest
                .strip_prefix(name)
                .is_some_and(|after| after.trim_start().starts_with('}'))
    })
}

/// Parses and checks one scenario text. `rules` are the rules its `expect`s may name.
pub fn load_str(file: &str, text: &str, rules: &dyn RuleIds) -> Result<Scenario, Vec<Diagnostic>> {
    let diagnose = |e: Error| {
        let help = help(&e);
        Diagnostic::at(file, text, e.at.unwrap_or_default(), e.message, help)
    };
    let tree =
        yaml::parse(text).map_err(|e| vec![Diagnostic::at(file, text, e.at, e.message, None)])?;

    // The keys the file must have, checked first: a required key the loader removes later
    // (its value was wrong) must not hide one that was never there.
    let mut errors: Vec<Error> = missing_keys(&tree);
    let mut steps: Vec<Step> = Vec::new();
    let mut rest = tree.clone();
    if let Content::Map(entries) = &mut rest.content
        && let Some((_, value)) = entries.iter_mut().find(|(k, _)| k.text() == Some("steps"))
        && let Content::Seq(items) = &mut value.content
    {
        for item in std::mem::take(items) {
            let budget = MAX_PROBLEMS.saturating_sub(errors.len());
            if budget == 0 {
                break;
            }
            let (step, mut errs) = deserialize_all::<Step>(item, budget);
            errors.append(&mut errs);
            steps.extend(step);
        }
    }
    let budget = MAX_PROBLEMS.saturating_sub(errors.len()).max(1);
    let (scenario, mut errs) = deserialize_all::<Scenario>(rest, budget);
    errors.append(&mut errs);
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.at.map(|p| p.offset));
        // One problem found twice (a missing key, a node reached through an alias) is one.
        let mut seen = HashSet::new();
        errors.retain(|e| seen.insert((e.at.map(|p| p.offset), e.message.clone())));
        return Err(errors.into_iter().map(diagnose).collect());
    }
    let Some(mut scenario) = scenario else {
        return Err(vec![Diagnostic::file_only(
            file,
            "the file holds no scenario",
        )]);
    };
    scenario.steps = steps;

    // Crowds become fixture users first, so that everything after sees them as such.
    let mut problems = crate::crowds::expand(&mut scenario);
    if problems.is_empty() {
        problems = validate(&scenario, rules);
    }
    if problems.is_empty() {
        return Ok(scenario);
    }
    let mut located: Vec<(Pos, Diagnostic)> = problems
        .into_iter()
        .take(MAX_PROBLEMS)
        .map(|p| {
            let at = locate(&tree, text, &p.path, &p.target);
            (at, Diagnostic::at(file, text, at, p.message, p.help))
        })
        .collect();
    located.sort_by_key(|(at, _)| at.offset);
    // A variable used twice in a step is one problem.
    located.dedup();
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
    let mut seen = HashSet::new();
    for p in paths {
        collect(p, &mut files, &mut errors, &mut seen);
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

/// The scenario files under `path`. Each directory and file is visited once, however many
/// links lead to it, so a link loop ends.
fn collect(
    path: &Path,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<Diagnostic>,
    seen: &mut HashSet<PathBuf>,
) {
    if let Ok(real) = path.canonicalize()
        && !seen.insert(real)
    {
        return;
    }
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
                collect(&e, files, errors, seen);
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
