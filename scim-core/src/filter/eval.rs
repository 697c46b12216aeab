//! Evaluating a filter against resources.
//!
//! A [`Filter`] is first compiled against a [`ResourceSchema`] into a [`Matcher`]. Compiling
//! resolves every attribute path once, picks each comparison's rules from the attribute's
//! characteristics (type, `caseExact`, multi-valuedness), pre-folds string operands, and
//! rejects what the RFC calls an invalid filter (`gt` on a boolean, a complex attribute
//! compared as a whole). Errors therefore never depend on the data: a filter is either
//! invalid for every resource set or valid for all of them. The matcher then tests resources
//! without allocating on the common path.
//!
//! Semantics, where the RFC leaves room:
//! - an attribute the schema does not define is compared by the JSON type of its value, as a
//!   `caseExact: false` string when it is one, and matches nothing when absent;
//! - a comparison on a multi-valued attribute matches when any value matches (RFC 7644
//!   §3.4.2.2), so `ne` on an absent attribute does not match: `not (a eq "x")` does;
//! - `eq null` matches an attribute with no value and `ne null` one with a value;
//! - comparing a multi-valued complex attribute without a sub-attribute (`emails co "x"`)
//!   compares its `value` sub-attribute, as the RFC's own examples do; `pr` (and `eq null`)
//!   on it looks at whole values, any non-empty sub-attribute counting;
//! - a boolean attribute also accepts the strings `"true"` and `"false"` in any case, which
//!   Microsoft Entra sends (`roles[primary eq "True"]`).

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde_json::{Map, Number, Value};

use super::{AttrPath, CompValue, CompareOp, Filter};
use crate::error::{ScimError, ScimType};
use crate::json::get_ci;
use crate::schema::{AttributeDef, AttributeType, Container, ResourceSchema, Unresolved};
use crate::text;

/// A filter that is valid but cannot be evaluated against this resource type. Servers answer
/// it with 400 `invalidFilter`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CompileError {
    /// What is wrong, naming the attribute.
    pub message: String,
}

impl CompileError {
    fn new(message: impl Into<String>) -> Self {
        CompileError {
            message: message.into(),
        }
    }
}

impl From<CompileError> for ScimError {
    fn from(e: CompileError) -> Self {
        ScimError::bad_request(ScimType::InvalidFilter, e.message)
    }
}

/// A filter compiled against one resource type, ready to test resources.
#[derive(Clone, Debug)]
pub struct Matcher {
    root: Node,
}

#[derive(Clone, Debug)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Present(Target),
    Compare(Target, Test),
    ValuePath(Target, Box<Node>),
}

/// Where a compared value lives.
#[derive(Clone, Debug)]
struct Target {
    /// The key of the extension object holding the attribute, if any.
    extension: Option<String>,
    name: String,
    sub: Option<String>,
}

#[derive(Clone, Debug)]
enum Test {
    /// String operators; `operand` is folded unless `case_exact`.
    Text {
        op: CompareOp,
        operand: String,
        case_exact: bool,
    },
    Bool {
        equal: bool,
        operand: bool,
    },
    Number {
        op: CompareOp,
        operand: Number,
    },
    Instant {
        op: CompareOp,
        operand: DateTime<Utc>,
    },
    /// An attribute the schema does not define: decided by the value's JSON type.
    Untyped {
        op: CompareOp,
        operand: CompValue,
    },
}

/// What the compiler knows about the attribute a path names.
#[derive(Clone, Copy)]
enum Known<'s> {
    Def(&'s AttributeDef),
    /// A whole extension object (`urn:...:enterprise:2.0:User` as a path).
    Extension,
    Unknown,
}

impl Matcher {
    /// Compiles a filter for resources described by `schema`.
    pub fn compile(filter: &Filter, schema: &ResourceSchema) -> Result<Matcher, CompileError> {
        Ok(Matcher {
            root: compile(filter, &Scope::Resource(schema))?,
        })
    }

    /// Compiles the filter inside a value path (`emails[type eq "work"]`), whose attribute
    /// paths name sub-attributes of `attr`.
    pub(crate) fn compile_element(
        filter: &Filter,
        attr: &AttributeDef,
    ) -> Result<Matcher, CompileError> {
        Ok(Matcher {
            root: compile(filter, &Scope::Element(Some(attr)))?,
        })
    }

    /// Whether the resource (a JSON object) matches. Anything that is not an object matches
    /// nothing.
    pub fn matches(&self, resource: &Value) -> bool {
        match resource {
            Value::Object(map) => self.matches_object(map),
            _ => false,
        }
    }

    /// Whether the resource's attribute map matches.
    pub fn matches_object(&self, resource: &Map<String, Value>) -> bool {
        eval(&self.root, resource)
    }
}

/// What attribute paths are relative to.
enum Scope<'s> {
    Resource(&'s ResourceSchema),
    /// Inside `attr[...]`: paths name sub-attributes of one value of `attr`.
    Element(Option<&'s AttributeDef>),
}

fn compile(filter: &Filter, scope: &Scope<'_>) -> Result<Node, CompileError> {
    Ok(match filter {
        Filter::And(items) => Node::And(
            items
                .iter()
                .map(|f| compile(f, scope))
                .collect::<Result<_, _>>()?,
        ),
        Filter::Or(items) => Node::Or(
            items
                .iter()
                .map(|f| compile(f, scope))
                .collect::<Result<_, _>>()?,
        ),
        Filter::Not(inner) => Node::Not(Box::new(compile(inner, scope)?)),
        Filter::Present(path) => Node::Present(resolve(path, scope).0),
        Filter::Compare { path, op, value } => compare(path, *op, value, scope)?,
        Filter::ValuePath { path, filter } => {
            let (target, known) = resolve(path, scope);
            let def = match known {
                Known::Def(d) if d.kind != AttributeType::Complex => {
                    return Err(CompileError::new(format!(
                        "'{path}' is not a complex attribute, so it cannot take a value filter ('[...]')"
                    )));
                }
                Known::Def(d) => Some(d),
                Known::Extension | Known::Unknown => None,
            };
            Node::ValuePath(target, Box::new(compile(filter, &Scope::Element(def))?))
        }
    })
}

fn resolve<'s>(path: &AttrPath, scope: &Scope<'s>) -> (Target, Known<'s>) {
    let as_written = |extension: Option<String>| Target {
        extension,
        name: path.name.clone(),
        sub: path.sub.clone(),
    };
    match scope {
        Scope::Element(parent) => {
            let def = parent.and_then(|p| p.sub_attribute(&path.name));
            match (def, &path.sub, &path.urn) {
                (Some(d), None, None) => (
                    Target {
                        extension: None,
                        name: d.name.clone(),
                        sub: None,
                    },
                    Known::Def(d),
                ),
                _ => (as_written(None), Known::Unknown),
            }
        }
        Scope::Resource(schema) => {
            if let Some(ext) = schema.whole_extension(path) {
                return (
                    Target {
                        extension: None,
                        name: ext.schema.id.clone(),
                        sub: None,
                    },
                    Known::Extension,
                );
            }
            match schema.resolve(path) {
                Ok(r) => {
                    let extension = match r.container {
                        Container::Top => None,
                        Container::Extension(s) => Some(s.id.clone()),
                    };
                    let target = Target {
                        extension,
                        name: r.attr.name.clone(),
                        sub: r.sub.map(|s| s.name.clone()),
                    };
                    (target, Known::Def(r.target()))
                }
                Err(Unresolved::UnknownSchema(u)) => (as_written(Some(u)), Known::Unknown),
                Err(_) => (
                    as_written(
                        path.urn
                            .as_ref()
                            .filter(|u| !crate::urn::eq(u, &schema.core.id))
                            .cloned(),
                    ),
                    Known::Unknown,
                ),
            }
        }
    }
}

fn compare(
    path: &AttrPath,
    op: CompareOp,
    value: &CompValue,
    scope: &Scope<'_>,
) -> Result<Node, CompileError> {
    let (mut target, mut known) = resolve(path, scope);

    if let CompValue::Null = value {
        return match op {
            CompareOp::Eq => Ok(Node::Not(Box::new(Node::Present(target)))),
            CompareOp::Ne => Ok(Node::Present(target)),
            _ => Err(CompileError::new(format!(
                "'{op}' cannot compare with null; use 'eq null', 'ne null' or 'pr'"
            ))),
        };
    }
    if op.is_ordering() && matches!(value, CompValue::Bool(_)) {
        return Err(CompileError::new(format!(
            "'{op}' does not apply to boolean values"
        )));
    }
    if matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew)
        && !matches!(value, CompValue::String(_))
    {
        return Err(CompileError::new(format!(
            "'{op}' compares strings; quote the value"
        )));
    }

    // A multi-valued complex attribute compared as a whole compares its `value`.
    if let Known::Def(d) = known
        && d.kind == AttributeType::Complex
    {
        match d.sub_attribute("value") {
            Some(v) if d.multi_valued && target.sub.is_none() => {
                target.sub = Some(v.name.clone());
                known = Known::Def(v);
            }
            _ => {
                return Err(CompileError::new(format!(
                    "'{path}' is a complex attribute; compare one of its sub-attributes (such as '{path}.{}')",
                    d.sub_attributes
                        .first()
                        .map_or("value", |s| s.name.as_str())
                )));
            }
        }
    }
    let def = match known {
        Known::Def(d) => d,
        Known::Extension => {
            return Err(CompileError::new(format!(
                "'{path}' is a schema extension; compare one of its attributes"
            )));
        }
        Known::Unknown => {
            let operand = match value {
                CompValue::String(s) => CompValue::String(text::fold(s).into_owned()),
                other => other.clone(),
            };
            return Ok(Node::Compare(target, Test::Untyped { op, operand }));
        }
    };

    let mismatch = |what: &str| {
        CompileError::new(format!(
            "'{path}' is {what}; it cannot be compared with {value} using '{op}'"
        ))
    };
    let test = match def.kind {
        AttributeType::Boolean => {
            if op.is_ordering() {
                return Err(CompileError::new(format!(
                    "'{op}' does not apply to the boolean attribute '{path}'"
                )));
            }
            let operand = match value {
                CompValue::Bool(b) => *b,
                CompValue::String(s) if s.eq_ignore_ascii_case("true") => true,
                CompValue::String(s) if s.eq_ignore_ascii_case("false") => false,
                _ => return Err(mismatch("a boolean")),
            };
            match op {
                CompareOp::Eq => Test::Bool {
                    equal: true,
                    operand,
                },
                CompareOp::Ne => Test::Bool {
                    equal: false,
                    operand,
                },
                _ => return Err(mismatch("a boolean")),
            }
        }
        AttributeType::Integer | AttributeType::Decimal => match value {
            CompValue::Number(n)
                if !matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew) =>
            {
                Test::Number {
                    op,
                    operand: n.clone(),
                }
            }
            _ => return Err(mismatch("a number")),
        },
        AttributeType::DateTime => match value {
            CompValue::String(s) if matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew) => {
                Test::Text {
                    op,
                    operand: text::fold(s).into_owned(),
                    case_exact: false,
                }
            }
            CompValue::String(s) => match crate::datetime::parse(s) {
                Some(t) => Test::Instant { op, operand: t },
                None => {
                    return Err(CompileError::new(format!(
                        "'{path}' is a dateTime, and {value} is not one (expected e.g. \"2024-01-31T12:00:00Z\")"
                    )));
                }
            },
            _ => return Err(mismatch("a dateTime")),
        },
        AttributeType::Binary if op.is_ordering() => {
            return Err(CompileError::new(format!(
                "'{op}' does not apply to the binary attribute '{path}'"
            )));
        }
        AttributeType::String
        | AttributeType::Reference
        | AttributeType::Binary
        | AttributeType::Complex => match value {
            CompValue::String(s) => {
                let operand = if def.case_exact {
                    s.clone()
                } else {
                    text::fold(s).into_owned()
                };
                Test::Text {
                    op,
                    operand,
                    case_exact: def.case_exact,
                }
            }
            _ => return Err(mismatch("a string")),
        },
    };
    Ok(Node::Compare(target, test))
}

fn eval(node: &Node, root: &Map<String, Value>) -> bool {
    match node {
        Node::And(items) => items.iter().all(|n| eval(n, root)),
        Node::Or(items) => items.iter().any(|n| eval(n, root)),
        Node::Not(inner) => !eval(inner, root),
        Node::Present(target) => any_value(target, root, is_present),
        Node::Compare(target, test) => any_value(target, root, |v| test.check(v)),
        Node::ValuePath(target, inner) => {
            let Some(v) = lookup(target, root) else {
                return false;
            };
            match v {
                Value::Array(items) => items
                    .iter()
                    .any(|item| item.as_object().is_some_and(|o| eval(inner, o))),
                Value::Object(o) => eval(inner, o),
                _ => false,
            }
        }
    }
}

fn lookup<'v>(target: &Target, root: &'v Map<String, Value>) -> Option<&'v Value> {
    let container = match &target.extension {
        None => root,
        Some(ext) => get_ci(root, ext)?.as_object()?,
    };
    get_ci(container, &target.name)
}

/// Whether `f` holds for any value the target names: each element of a multi-valued
/// attribute, and with a sub-attribute, that sub-attribute of each element.
fn any_value(
    target: &Target,
    root: &Map<String, Value>,
    mut f: impl FnMut(&Value) -> bool,
) -> bool {
    let Some(v) = lookup(target, root) else {
        return false;
    };
    let mut leaf = |v: &Value| match v {
        Value::Array(items) => items.iter().any(&mut f),
        other => f(other),
    };
    match (&target.sub, v) {
        (None, v) => leaf(v),
        (Some(sub), Value::Array(items)) => items.iter().any(|item| {
            item.as_object()
                .and_then(|o| get_ci(o, sub))
                .is_some_and(&mut leaf)
        }),
        (Some(sub), Value::Object(o)) => get_ci(o, sub).is_some_and(leaf),
        (Some(_), _) => false,
    }
}

/// `pr`: "If the attribute has a non-empty value, or if it contains a non-empty node for
/// complex attributes, there is a match."
pub(crate) fn is_present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => items.iter().any(is_present),
        Value::Object(o) => o.values().any(is_present),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

fn ordered(op: CompareOp, ord: Ordering) -> bool {
    match op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

fn text_test(op: CompareOp, value: &str, operand: &str, case_exact: bool) -> bool {
    match op {
        CompareOp::Eq => text::eq(value, operand, case_exact),
        CompareOp::Ne => !text::eq(value, operand, case_exact),
        CompareOp::Co => text::contains_folded(value, operand, case_exact),
        CompareOp::Sw => text::starts_with_folded(value, operand, case_exact),
        CompareOp::Ew => text::ends_with_folded(value, operand, case_exact),
        _ => ordered(op, text::cmp(value, operand, case_exact)),
    }
}

/// Orders two JSON numbers: exactly when both are integers, as floats otherwise.
pub(crate) fn cmp_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

fn bool_of(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

impl Test {
    fn check(&self, v: &Value) -> bool {
        match self {
            Test::Text {
                op,
                operand,
                case_exact,
            } => v
                .as_str()
                .is_some_and(|s| text_test(*op, s, operand, *case_exact)),
            Test::Bool { equal, operand } => bool_of(v).is_some_and(|b| (b == *operand) == *equal),
            Test::Number { op, operand } => match v {
                Value::Number(n) => cmp_numbers(n, operand).is_some_and(|o| ordered(*op, o)),
                _ => false,
            },
            Test::Instant { op, operand } => v
                .as_str()
                .and_then(crate::datetime::parse)
                .is_some_and(|t| ordered(*op, t.cmp(operand))),
            Test::Untyped { op, operand } => match (v, operand) {
                (Value::String(s), CompValue::String(o)) => text_test(*op, s, o, false),
                (Value::Bool(b), CompValue::Bool(o)) => match op {
                    CompareOp::Eq => b == o,
                    CompareOp::Ne => b != o,
                    _ => false,
                },
                (Value::Number(n), CompValue::Number(o)) => {
                    cmp_numbers(n, o).is_some_and(|ord| ordered(*op, ord))
                }
                _ => false,
            },
        }
    }
}
