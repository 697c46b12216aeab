//! Faults of writes: how a PATCH's operations are applied, what a PUT keeps, what a create
//! stores for null.

use axum::http::StatusCode;
use axum::response::Response;
use scim_core::{ScimError, ScimType};
use serde_json::{Value, json};

use super::response::Asked;
use super::{Faults, error_body};
use crate::Fault;

/// What the request-side rewrites did that the response side must know.
#[derive(Default)]
pub(super) struct Done {
    /// `PatchNotAtomic` applied the operations before one that fails, without it.
    applied_before_failure: bool,
    /// `ImmutableChanged`: the user and the userName a PUT or PATCH tried to give it.
    renaming: Option<(String, String)>,
}

fn op_name(op: &Value) -> String {
    op.get("op")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn path_of(op: &Value) -> Option<&str> {
    op.get("path").and_then(Value::as_str)
}

fn no_content() -> Box<Response> {
    Box::new(
        Response::builder()
            .status(StatusCode::NO_CONTENT)
            .body(axum::body::Body::empty())
            .unwrap_or_default(),
    )
}

/// The request-side rewrites of a write. `Err` short-circuits with a response.
pub(super) fn rewrite_request(
    f: &Faults,
    method: &str,
    segs: &[String],
    body: &mut Option<Value>,
) -> Result<Done, Box<Response>> {
    let mut done = Done::default();
    let first = segs.first().map(String::as_str).unwrap_or("");
    let Some(b) = body.as_mut() else {
        return Ok(done);
    };
    if method == "PATCH"
        && let Some(ops) = b.get_mut("Operations").and_then(Value::as_array_mut)
    {
        for op in ops.iter_mut() {
            let name = op_name(op);
            let members = path_of(op).is_some_and(|p| p.eq_ignore_ascii_case("members"));
            if f.on(Fault::AddReplaces) && name == "add" {
                op["op"] = json!("replace");
            }
            if f.on(Fault::ReplaceMembersAppends) && name == "replace" && members {
                op["op"] = json!("add");
            }
        }
        if f.on(Fault::RemoveAllIgnored) {
            ops.retain(|op| {
                !(op_name(op) == "remove"
                    && path_of(op).is_some_and(|p| p.eq_ignore_ascii_case("members")))
            });
            if ops.is_empty() {
                return Err(no_content());
            }
        }
        if f.on(Fault::ReplaceComplexWhole) {
            let whole: Vec<usize> = ops
                .iter()
                .enumerate()
                .filter(|(_, op)| {
                    op_name(op) == "replace"
                        && path_of(op).is_some_and(|p| p.eq_ignore_ascii_case("name"))
                })
                .map(|(i, _)| i)
                .collect();
            for i in whole.into_iter().rev() {
                ops.insert(i, json!({"op": "remove", "path": "name"}));
            }
        }
        if f.on(Fault::ValuePathSubIgnored) {
            for op in ops.iter_mut() {
                let path = path_of(op).unwrap_or("").to_owned();
                if op_name(op) == "replace"
                    && let Some(filter_end) = path.find("].")
                {
                    // The filter is dropped: every value is replaced by the sub-attribute.
                    let sub = path[filter_end + 2..].to_owned();
                    let attr = path[..path.find('[').unwrap_or(filter_end)].to_owned();
                    let value = op.get("value").cloned().unwrap_or(Value::Null);
                    op["path"] = json!(attr);
                    op["value"] = json!([{ sub: value }]);
                }
            }
        }
        if f.on(Fault::PatchOpsReversed) {
            ops.reverse();
        }
        if f.on(Fault::PatchNotAtomic) && ops.len() > 1 {
            let before = ops.len();
            ops.retain(|op| !(op_name(op) == "remove" && path_of(op).is_none()));
            done.applied_before_failure = ops.len() < before;
        }
    }
    if f.on(Fault::ImmutableChanged)
        && first == "Users"
        && let Some(id) = segs.get(1)
        && let Some(view) = f.state.store().user(id)
    {
        let wanted = match method {
            "PUT" => b.get("userName").and_then(Value::as_str).map(str::to_owned),
            "PATCH" => b
                .get("Operations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|op| path_of(op).is_some_and(|p| p.eq_ignore_ascii_case("userName")))
                .and_then(|op| op.get("value")?.as_str().map(str::to_owned)),
            _ => None,
        };
        done.renaming = wanted
            .filter(|w| !w.eq_ignore_ascii_case(&view.user.fields.user_name))
            .map(|w| (id.clone(), w));
    }
    let groups = first == "Groups";
    if method == "PUT"
        && groups
        && let Some(view) = segs.get(1).and_then(|id| f.state.store().group(id, true))
    {
        let current = reference_server::render::group(&view, "");
        if f.on(Fault::PutMergesMembers)
            && let (Some(Value::Array(sent)), Some(Value::Array(had))) =
                (b.get("members").cloned(), current.get("members"))
        {
            let mut merged = sent.clone();
            for m in had {
                if !sent.iter().any(|s| s.get("value") == m.get("value")) {
                    merged.push(json!({"value": m.get("value")}));
                }
            }
            b["members"] = Value::Array(merged);
        }
        if f.on(Fault::PutNullIgnored) {
            for k in ["externalId", "members"] {
                let cleared = match b.get(k) {
                    Some(Value::Null) => true,
                    Some(Value::Array(a)) => a.is_empty(),
                    _ => false,
                };
                if cleared && let Some(v) = current.get(k) {
                    b[k] = v.clone();
                }
            }
        }
        // The body's id re-keys the group onto another's, which is lost.
        if f.on(Fault::PutBodyIdRekeys)
            && let Some(other) = b.get("id").and_then(Value::as_str)
            && other != &*view.id
        {
            let _ = f.state.store().delete_group(other, &mut |_| Ok(()));
        }
        if f.on(Fault::PutFillsRequired) && b.get("displayName").is_none() {
            b["displayName"] = json!(view.display_name);
        }
    }
    if f.on(Fault::NullStoredAsString)
        && method == "POST"
        && let Value::Object(o) = b
    {
        for v in o.values_mut().filter(|v| v.is_null()) {
            *v = json!("null");
        }
    }
    Ok(done)
}

/// The response-side rewrites of a write.
pub(super) fn rewrite_response(
    f: &Faults,
    asked: &Asked<'_>,
    done: &Done,
    status: &mut StatusCode,
    body: &mut Option<Value>,
) {
    let first = asked.segs.first().map(String::as_str).unwrap_or("");
    let code = status.as_u16();
    if done.applied_before_failure && (200..300).contains(&code) {
        *status = StatusCode::BAD_REQUEST;
        *body = Some(error_body(ScimError::bad_request(
            ScimType::NoTarget,
            "'remove' needs a path",
        )));
    }
    let mut renamed = f
        .renamed_users
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((id, name)) = &done.renaming
        && code == 400
    {
        renamed.insert(id.clone(), name.clone());
    }
    if asked.method == "GET"
        && first == "Users"
        && let Some(b) = body.as_mut()
    {
        super::walk_objects_mut(b, &mut |o| {
            let new = o
                .get("id")
                .and_then(Value::as_str)
                .and_then(|id| renamed.get(id).cloned());
            if let Some(new) = new {
                o.insert("userName".into(), json!(new));
            }
        });
    }
    drop(renamed);
    if f.on(Fault::GroupIdsReuseUserIds)
        && asked.method == "POST"
        && first == "Groups"
        && code == 201
        && let Some(b) = body.as_mut()
        && let Some(member) = b.pointer("/members/0/value").cloned()
    {
        b["id"] = member;
    }
    if f.on(Fault::DuplicateMembersKept)
        && asked.method == "GET"
        && first == "Groups"
        && asked.segs.len() == 2
        && let Some(Value::Array(members)) = body.as_mut().and_then(|b| b.get_mut("members"))
        && members.len() > 1
        && let Some(last) = members.last().cloned()
    {
        members.push(last);
    }
}
