//! The PATCH engine: applies operations to a resource's JSON, driven by its schema.

use serde_json::{Map, Value};

use super::{PatchError, PatchOpKind, PatchOperation, PatchPath, PatchRequest};
use crate::attr_path::AttrPath;
use crate::filter::{CompValue, CompareOp, Filter, Matcher};
use crate::json::{get_ci, is_primary, json_type, take_ci};
use crate::schema::{
    AttributeDef, AttributeType, Container, Mutability, ResourceSchema, is_unassigned,
};
use crate::text;

/// Where an attribute named in an operation came from: its `path`, or a key of a path-less
/// operation's value object. Read-only attributes named by a path are an error
/// (`mutability`); inside a value they are ignored, as in a PUT body (RFC 7644 §3.5.1).
/// Okta's group rename sends `{"op":"replace","value":{"id":..., "displayName":...}}`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Path,
    ValueKey,
}

/// Applies a PATCH request to a resource and returns the patched resource.
///
/// Atomic (RFC 7644 §3.5.2): operations apply in order, each seeing the result of the
/// previous one, to a copy; if any fails, the error is returned and nothing is changed.
/// `schemas` is kept in step with the extensions the resource carries.
///
/// Choices where the RFC leaves room, or where clients need more than it says:
/// - `add` of a value already present changes nothing; values of a multi-valued complex
///   attribute are the same when their `value`s are equal (and their `type`s, when both have
///   one); sub-attributes of an `add`ed duplicate are merged into the existing value.
/// - `add` or `replace` on a single-valued complex attribute merges sub-attributes.
/// - `replace` on `attr[filter]` merges the value's sub-attributes into each matching value;
///   a filter matching nothing is `noTarget`.
/// - `add` on `attr[filter]` (or `attr[filter].sub`) that matches nothing creates the value the
///   filter describes when it is a conjunction of `eq` tests (Entra adds
///   `emails[type eq "work"].value` this way); otherwise it is `noTarget`.
/// - `remove` of something not present succeeds and changes nothing (RFC 7644 §3.5.2.2 text;
///   Table 9 would allow `noTarget`).
/// - `remove` with a `value` on a multi-valued attribute removes only the listed values, the
///   form Entra sends for group members.
/// - Setting `primary: true` on one value clears it on the others.
/// - `replace` with `null` (or `[]`) unassigns the attribute.
pub fn apply(
    resource: &Value,
    request: &PatchRequest,
    schema: &ResourceSchema,
) -> Result<Value, PatchError> {
    let Value::Object(map) = resource else {
        return Err(PatchError::InvalidSyntax(format!(
            "the resource is {}, not an object",
            json_type(resource)
        )));
    };
    let mut work = map.clone();
    for (i, op) in request.operations.iter().enumerate() {
        apply_operation(&mut work, op, schema).map_err(|e| e.in_operation(i, op))?;
    }
    sync_schemas(&mut work, schema);
    Ok(Value::Object(work))
}

fn apply_operation(
    work: &mut Map<String, Value>,
    op: &PatchOperation,
    schema: &ResourceSchema,
) -> Result<(), PatchError> {
    match (&op.path, op.op) {
        (Some(path), kind) => apply_path(work, kind, path, op.value.as_ref(), schema, Origin::Path),
        (None, PatchOpKind::Remove) => Err(PatchError::NoTarget("'remove' needs a path".into())),
        (None, kind) => {
            let value = op.value.as_ref().unwrap_or(&Value::Null);
            let Value::Object(fields) = value else {
                return Err(PatchError::InvalidValue(format!(
                    "'{kind}' without a path needs an object of attributes as its value, found {}",
                    json_type(value)
                )));
            };
            for (key, v) in fields {
                apply_value_key(work, kind, key, v, schema)?;
            }
            Ok(())
        }
    }
}

/// One key of a path-less `add`/`replace` value: an attribute name, a dotted path
/// (`name.givenName`, as Entra sends), a URN-qualified name, or an extension URN whose value
/// is an object of that extension's attributes.
fn apply_value_key(
    work: &mut Map<String, Value>,
    kind: PatchOpKind,
    key: &str,
    v: &Value,
    schema: &ResourceSchema,
) -> Result<(), PatchError> {
    if key.eq_ignore_ascii_case("schemas") {
        // The server keeps `schemas` in step with the resource's extensions.
        return Ok(());
    }
    let path = PatchPath::parse(key).map_err(|e| {
        PatchError::InvalidPath(format!(
            "the value's key {key:?} is not an attribute path: {e}"
        ))
    })?;
    apply_path(work, kind, &path, Some(v), schema, Origin::ValueKey)
}

fn apply_path(
    work: &mut Map<String, Value>,
    kind: PatchOpKind,
    path: &PatchPath,
    value: Option<&Value>,
    schema: &ResourceSchema,
    origin: Origin,
) -> Result<(), PatchError> {
    if path.filter.is_none()
        && let Some(ext) = schema.whole_extension(&path.attr)
    {
        return apply_whole_extension(work, kind, &ext.schema.id, ext.required, value, schema);
    }
    let resolved = schema
        .resolve(&path.attr)
        .map_err(|e| PatchError::InvalidPath(e.to_string()))?;
    let attr = resolved.attr;
    let sub = match (&path.filter, &path.sub) {
        (Some(_), Some(s)) => Some(attr.sub_attribute(s).ok_or_else(|| {
            PatchError::InvalidPath(format!("'{}' has no sub-attribute '{s}'", attr.name))
        })?),
        _ => resolved.sub,
    };
    let target = sub.unwrap_or(attr);
    if attr.mutability == Mutability::ReadOnly || target.mutability == Mutability::ReadOnly {
        return match origin {
            Origin::ValueKey => Ok(()),
            Origin::Path => Err(PatchError::Mutability(format!(
                "'{}' is read-only",
                path_name(attr, sub)
            ))),
        };
    }

    let container = match resolved.container {
        Container::Top => work,
        Container::Extension(ext) => {
            let slot = match take_ci(work, &ext.id) {
                Some(Value::Object(o)) => o,
                _ => Map::new(),
            };
            work.insert(ext.id.clone(), Value::Object(slot));
            match work.get_mut(&ext.id) {
                Some(Value::Object(o)) => o,
                _ => unreachable!("just inserted an object"),
            }
        }
    };

    let value = match (kind, value) {
        (PatchOpKind::Add, None | Some(Value::Null)) => {
            return Err(PatchError::InvalidValue(
                "'add' needs a non-null value".into(),
            ));
        }
        (_, v) => v,
    };
    let mut slot = Slot::take(container, attr);
    match (&path.filter, sub) {
        (Some(filter), sub) => filtered(&mut slot, attr, filter, sub, kind, value)?,
        (None, Some(sub)) => sub_attribute(&mut slot, attr, sub, kind, value)?,
        (None, None) => whole(&mut slot, attr, kind, value, origin)?,
    }
    slot.put_back(container);
    Ok(())
}

/// The current value of one attribute, taken out of its container (whatever the case of its
/// key) and put back under its canonical name, or dropped when unassigned.
struct Slot {
    name: String,
    value: Option<Value>,
}

impl Slot {
    fn take(container: &mut Map<String, Value>, attr: &AttributeDef) -> Slot {
        Slot {
            name: attr.name.clone(),
            value: take_ci(container, &attr.name).filter(|v| !v.is_null()),
        }
    }

    fn put_back(self, container: &mut Map<String, Value>) {
        if let Some(v) = self.value
            && !is_unassigned(&v)
            && v.as_object().is_none_or(|o| !o.is_empty())
        {
            container.insert(self.name, v);
        }
    }

    /// The values of a multi-valued attribute (a lone object is read as one value).
    fn items(&mut self) -> Vec<Value> {
        match self.value.take() {
            Some(Value::Array(items)) => items,
            Some(other) => vec![other],
            None => Vec::new(),
        }
    }
}

fn path_name(attr: &AttributeDef, sub: Option<&AttributeDef>) -> String {
    match sub {
        Some(s) => format!("{}.{}", attr.name, s.name),
        None => attr.name.clone(),
    }
}

fn coerce(def: &AttributeDef, v: &Value, path: &str) -> Result<Value, PatchError> {
    let v = def
        .coerce(v, path)
        .map_err(|e| PatchError::InvalidValue(e.to_string()))?;
    Ok(strip_read_only_subs(def, v))
}

fn coerce_one(def: &AttributeDef, v: &Value, path: &str) -> Result<Value, PatchError> {
    let v = def
        .coerce_one(v, path)
        .map_err(|e| PatchError::InvalidValue(e.to_string()))?;
    Ok(strip_read_only_subs(def, v))
}

/// Read-only sub-attributes inside a written value (the enterprise `manager.displayName`) are
/// ignored, as in a PUT body.
fn strip_read_only_subs(def: &AttributeDef, v: Value) -> Value {
    let strip = |o: &mut Map<String, Value>| {
        for sub in def
            .sub_attributes
            .iter()
            .filter(|s| s.mutability == Mutability::ReadOnly)
        {
            o.remove(&sub.name);
        }
    };
    match v {
        Value::Object(mut o) => {
            strip(&mut o);
            Value::Object(o)
        }
        Value::Array(mut items) => {
            items
                .iter_mut()
                .filter_map(Value::as_object_mut)
                .for_each(strip);
            Value::Array(items)
        }
        other => other,
    }
}

/// An operation on a whole attribute: `active`, `name`, `emails`, `members`.
fn whole(
    slot: &mut Slot,
    attr: &AttributeDef,
    kind: PatchOpKind,
    value: Option<&Value>,
    origin: Origin,
) -> Result<(), PatchError> {
    let unassign = match (kind, value) {
        (PatchOpKind::Remove, Some(v)) if attr.multi_valued && !v.is_null() => {
            // Entra: remove only the listed values.
            let listed = coerce(attr, &wrap(v), &attr.name)?;
            let listed = listed.as_array().cloned().unwrap_or_default();
            let mut items = slot.items();
            items.retain(|item| !listed.iter().any(|l| same_value(attr, item, l)));
            slot.value = Some(Value::Array(items));
            return Ok(());
        }
        (PatchOpKind::Remove, _) => true,
        (PatchOpKind::Replace, v) => v.is_none_or(is_unassigned),
        (PatchOpKind::Add, _) => false,
    };
    if unassign {
        if attr.required {
            return Err(PatchError::Mutability(format!(
                "'{}' is required and cannot be removed",
                attr.name
            )));
        }
        if attr.mutability == Mutability::Immutable && slot.value.is_some() {
            return Err(PatchError::Mutability(format!(
                "'{}' is immutable",
                attr.name
            )));
        }
        slot.value = None;
        return Ok(());
    }
    let raw = value.unwrap_or(&Value::Null);
    // A single value for a multi-valued attribute named by `path` is read as a one-element
    // array; inside a path-less value object the attribute's own shape is required.
    let raw = if attr.multi_valued && origin == Origin::Path {
        wrap(raw)
    } else {
        raw.clone()
    };
    let incoming = coerce(attr, &raw, &attr.name)?;

    let merged = match (kind, incoming) {
        (PatchOpKind::Add, Value::Array(new)) => {
            let mut items = slot.items();
            let mut winner = None;
            for value in new {
                let i = match items.iter().position(|item| same_value(attr, item, &value)) {
                    Some(i) => {
                        merge_into(attr, &mut items[i], value)?;
                        i
                    }
                    None => {
                        items.push(value);
                        items.len() - 1
                    }
                };
                if is_primary(&items[i]) {
                    winner = Some(i);
                }
            }
            settle_primary(&mut items, winner);
            Value::Array(items)
        }
        (_, Value::Object(new)) if attr.kind == AttributeType::Complex && !attr.multi_valued => {
            let mut current = match slot.value.take() {
                Some(v @ Value::Object(_)) => v,
                _ => Value::Object(Map::new()),
            };
            merge_into(attr, &mut current, Value::Object(new))?;
            current
        }
        (_, incoming) => {
            if attr.mutability == Mutability::Immutable
                && let Some(current) = &slot.value
                && !same_immutable(attr, current, &incoming)
            {
                return Err(PatchError::Mutability(format!(
                    "'{}' is immutable and already set",
                    attr.name
                )));
            }
            incoming
        }
    };
    slot.value = Some(merged);
    Ok(())
}

/// An operation on `attr.sub` without a value filter: `name.givenName`, `emails.primary`.
fn sub_attribute(
    slot: &mut Slot,
    attr: &AttributeDef,
    sub: &AttributeDef,
    kind: PatchOpKind,
    value: Option<&Value>,
) -> Result<(), PatchError> {
    let name = path_name(attr, Some(sub));
    let new = match (kind, value) {
        (PatchOpKind::Remove, _) => None,
        (_, None) => None,
        (_, Some(v)) => Some(coerce(sub, v, &name)?).filter(|v| !is_unassigned(v)),
    };
    if attr.multi_valued {
        let mut items = slot.items();
        if items.is_empty() && kind != PatchOpKind::Remove {
            return Err(PatchError::NoTarget(format!(
                "'{}' has no values whose '{}' could be set",
                attr.name, sub.name
            )));
        }
        for item in items.iter_mut() {
            set_sub(item, sub, new.clone())?;
        }
        if new.as_ref().is_some_and(|v| *v == Value::Bool(true))
            && sub.name == "primary"
            && items.len() > 1
        {
            return Err(PatchError::InvalidValue(format!(
                "'{name}' cannot be true for every value"
            )));
        }
        slot.value = Some(Value::Array(items));
    } else {
        if new.is_none() && sub.required {
            return Err(PatchError::Mutability(format!(
                "'{name}' is required and cannot be removed"
            )));
        }
        let mut obj = match slot.value.take() {
            Some(v @ Value::Object(_)) => v,
            _ => Value::Object(Map::new()),
        };
        set_sub(&mut obj, sub, new)?;
        slot.value = Some(obj);
    }
    Ok(())
}

/// An operation on `attr[filter]` or `attr[filter].sub`.
fn filtered(
    slot: &mut Slot,
    attr: &AttributeDef,
    filter: &Filter,
    sub: Option<&AttributeDef>,
    kind: PatchOpKind,
    value: Option<&Value>,
) -> Result<(), PatchError> {
    if !attr.is_multi_complex() {
        return Err(PatchError::InvalidPath(format!(
            "'{}' is not a multi-valued complex attribute, so it cannot take a value filter",
            attr.name
        )));
    }
    let matcher =
        Matcher::compile_element(filter, attr).map_err(|e| PatchError::InvalidFilter(e.message))?;
    let mut items = slot.items();
    let mut matched: Vec<usize> = (0..items.len())
        .filter(|&i| {
            items[i]
                .as_object()
                .is_some_and(|o| matcher.matches_object(o))
        })
        .collect();

    if kind == PatchOpKind::Remove {
        match sub {
            Some(sub) => {
                for &i in &matched {
                    set_sub(&mut items[i], sub, None)?;
                }
            }
            None => {
                for &i in matched.iter().rev() {
                    items.remove(i);
                }
            }
        }
        slot.value = Some(Value::Array(items));
        return Ok(());
    }

    let described = || format!("{}[{filter}]", attr.name);
    if matched.is_empty() {
        let created = match kind {
            PatchOpKind::Add => element_described_by(filter, attr)?,
            _ => None,
        };
        let Some(created) = created else {
            return Err(PatchError::NoTarget(format!(
                "no value matches {}",
                described()
            )));
        };
        items.push(created);
        matched.push(items.len() - 1);
    }

    let raw = value.unwrap_or(&Value::Null);
    match sub {
        Some(sub) => {
            let name = format!("{}.{}", described(), sub.name);
            let new = Some(coerce(sub, raw, &name)?).filter(|v| !is_unassigned(v));
            for &i in &matched {
                set_sub(&mut items[i], sub, new.clone())?;
            }
        }
        None if raw.is_null() => {
            for &i in matched.iter().rev() {
                items.remove(i);
            }
            slot.value = Some(Value::Array(items));
            return Ok(());
        }
        None => {
            let incoming = coerce_one(attr, raw, &described())?;
            for &i in &matched {
                merge_into(attr, &mut items[i], incoming.clone())?;
            }
        }
    }
    let primaries: Vec<usize> = matched
        .iter()
        .copied()
        .filter(|&i| is_primary(&items[i]))
        .collect();
    if primaries.len() > 1 {
        return Err(PatchError::InvalidValue(format!(
            "'primary' would be true for several values of {}",
            described()
        )));
    }
    let winner = primaries.first().copied();
    settle_primary(&mut items, winner);
    slot.value = Some(Value::Array(items));
    Ok(())
}

/// The value a filter such as `type eq "work"` or `type eq "work" and primary eq true`
/// describes, for an `add` that matched nothing. `None` for any other filter.
fn element_described_by(filter: &Filter, attr: &AttributeDef) -> Result<Option<Value>, PatchError> {
    fn collect<'f>(f: &'f Filter, out: &mut Vec<(&'f AttrPath, &'f CompValue)>) -> bool {
        match f {
            Filter::Compare {
                path,
                op: CompareOp::Eq,
                value,
            } if path.urn.is_none() && path.sub.is_none() => {
                out.push((path, value));
                true
            }
            Filter::And(items) => items.iter().all(|i| collect(i, out)),
            _ => false,
        }
    }
    let mut tests = Vec::new();
    if !collect(filter, &mut tests) {
        return Ok(None);
    }
    let mut obj = Map::new();
    for (path, value) in tests {
        let v = match value {
            CompValue::Null => continue,
            CompValue::Bool(b) => Value::Bool(*b),
            CompValue::Number(n) => Value::Number(n.clone()),
            CompValue::String(s) => Value::String(s.clone()),
        };
        obj.insert(path.name.clone(), v);
    }
    coerce_one(attr, &Value::Object(obj), &attr.name).map(Some)
}

fn wrap(v: &Value) -> Value {
    match v {
        Value::Array(_) => v.clone(),
        other => Value::Array(vec![other.clone()]),
    }
}

/// Sets (or with `None`, removes) a sub-attribute of one complex value, refusing to change an
/// immutable one that is already set.
fn set_sub(item: &mut Value, sub: &AttributeDef, new: Option<Value>) -> Result<(), PatchError> {
    let Value::Object(o) = item else {
        return Ok(());
    };
    let current = take_ci(o, &sub.name);
    if sub.mutability == Mutability::Immutable
        && let Some(current) = current
    {
        // Writing the value it already has (`"User"` again as `"user"`) is no change.
        let unchanged = new
            .as_ref()
            .is_some_and(|new| same_scalar(sub, &current, new));
        o.insert(sub.name.clone(), current);
        if unchanged {
            return Ok(());
        }
        return Err(PatchError::Mutability(format!(
            "'{}' is immutable and already set",
            sub.name
        )));
    }
    if let Some(v) = new {
        o.insert(sub.name.clone(), v);
    }
    Ok(())
}

/// Merges a coerced complex value's sub-attributes into `target`.
fn merge_into(attr: &AttributeDef, target: &mut Value, incoming: Value) -> Result<(), PatchError> {
    let Value::Object(incoming) = incoming else {
        *target = incoming;
        return Ok(());
    };
    for (key, v) in incoming {
        match attr.sub_attribute(&key) {
            Some(sub) => set_sub(target, sub, Some(v))?,
            None => {
                if let Value::Object(o) = target {
                    o.insert(key, v);
                }
            }
        }
    }
    Ok(())
}

/// Whether two values of a multi-valued attribute are the same value (see [`apply`]): the
/// same `value` and, when both name one, the same `type`.
fn same_value(attr: &AttributeDef, a: &Value, b: &Value) -> bool {
    same_value_key(attr, a, b)
        && match (a, b) {
            (Value::Object(x), Value::Object(y)) => match (get_ci(x, "type"), get_ci(y, "type")) {
                (Some(Value::String(tx)), Some(Value::String(ty))) => tx.eq_ignore_ascii_case(ty),
                _ => true,
            },
            _ => true,
        }
}

/// Whether two values of a multi-valued attribute hold the same `value` (or, for simple
/// values and complex ones without a `value`, are equal), under `value`'s `caseExact`.
fn same_value_key(attr: &AttributeDef, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            match (
                attr.sub_attribute("value"),
                get_ci(x, "value"),
                get_ci(y, "value"),
            ) {
                (Some(def), Some(vx), Some(vy)) => same_scalar(def, vx, vy),
                _ => a == b,
            }
        }
        _ => same_scalar(attr, a, b),
    }
}

/// Whether a write to an immutable attribute keeps what it holds. For a multi-valued one
/// that is the same set of values (in any order, `type` and `primary` aside): restating an
/// email in another case, or without its `primary` flag, changes nothing an immutability
/// rule guards.
fn same_immutable(attr: &AttributeDef, current: &Value, incoming: &Value) -> bool {
    match (current, incoming) {
        (Value::Array(old), Value::Array(new)) => {
            let covers = |xs: &[Value], ys: &[Value]| {
                xs.iter()
                    .all(|x| ys.iter().any(|y| same_value_key(attr, x, y)))
            };
            covers(old, new) && covers(new, old)
        }
        _ => same_scalar(attr, current, incoming),
    }
}

/// Equality of two simple values under the attribute's `caseExact`.
fn same_scalar(def: &AttributeDef, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => text::eq(x, y, def.case_exact),
        _ => a == b,
    }
}

/// Makes `winner` the only primary value (RFC 7643 §2.4).
fn settle_primary(items: &mut [Value], winner: Option<usize>) {
    let Some(w) = winner else { return };
    for (i, item) in items.iter_mut().enumerate() {
        if i != w
            && is_primary(item)
            && let Value::Object(o) = item
        {
            o.insert("primary".into(), Value::Bool(false));
        }
    }
}

fn apply_whole_extension(
    work: &mut Map<String, Value>,
    kind: PatchOpKind,
    id: &str,
    required: bool,
    value: Option<&Value>,
    schema: &ResourceSchema,
) -> Result<(), PatchError> {
    let unassign = match (kind, value) {
        (PatchOpKind::Remove, _) => true,
        (PatchOpKind::Replace, v) => v.is_none_or(Value::is_null),
        (PatchOpKind::Add, None | Some(Value::Null)) => {
            return Err(PatchError::InvalidValue(
                "'add' needs a non-null value".into(),
            ));
        }
        (PatchOpKind::Add, Some(_)) => false,
    };
    if unassign {
        if required {
            return Err(PatchError::Mutability(format!(
                "the extension '{id}' is required"
            )));
        }
        take_ci(work, id);
        return Ok(());
    }
    let Some(Value::Object(fields)) = value else {
        return Err(PatchError::InvalidValue(format!(
            "the extension '{id}' takes an object of its attributes, found {}",
            json_type(value.unwrap_or(&Value::Null))
        )));
    };
    for (key, v) in fields {
        let mut path = PatchPath::parse(key).map_err(|e| {
            PatchError::InvalidPath(format!(
                "the value's key {key:?} is not an attribute path: {e}"
            ))
        })?;
        path.attr.urn = Some(id.to_owned());
        apply_path(work, kind, &path, Some(v), schema, Origin::ValueKey)?;
    }
    Ok(())
}

/// Keeps `schemas` listing exactly the core schema and the extensions the resource carries,
/// and drops extension objects left empty.
fn sync_schemas(work: &mut Map<String, Value>, schema: &ResourceSchema) {
    for ext in &schema.extensions {
        let id = &ext.schema.id;
        let present = match take_ci(work, id) {
            Some(Value::Object(o)) if !o.is_empty() => {
                work.insert(id.clone(), Value::Object(o));
                true
            }
            _ => false,
        };
        let Some(Value::Array(schemas)) = work.get_mut("schemas") else {
            if present {
                work.insert(
                    "schemas".into(),
                    Value::Array(vec![schema.core.id.clone().into(), id.clone().into()]),
                );
            }
            continue;
        };
        let listed = schemas
            .iter()
            .any(|s| s.as_str().is_some_and(|s| crate::urn::eq(s, id)));
        if present && !listed {
            schemas.push(id.clone().into());
        } else if !present && listed {
            schemas.retain(|s| !s.as_str().is_some_and(|s| crate::urn::eq(s, id)));
        }
    }
}
