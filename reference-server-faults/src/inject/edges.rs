//! Faults at the protocol's edges: media types, which resource an id reaches, what a write
//! answers, the values the server must assign itself.

use axum::http::{StatusCode, header};
use axum::response::Response;
use scim_core::ScimError;
use serde_json::{Value, json};

use super::response::Asked;
use super::{Faults, scim_error, walk_objects_mut};
use crate::Fault;

/// What a broken server refuses, or takes without the checks it should make.
pub(super) fn refuse(
    f: &Faults,
    method: &str,
    segs: &[String],
    headers: &axum::http::HeaderMap,
    body: &mut Option<Value>,
) -> Result<(), Box<Response>> {
    let header_is = |name: header::HeaderName, pred: &dyn Fn(&str) -> bool| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| pred(&v.to_ascii_lowercase()))
    };
    if f.on(Fault::RefuseAcceptJson) && header_is(header::ACCEPT, &|v| v == "application/json")
        || f.on(Fault::RefuseAcceptAny) && header_is(header::ACCEPT, &|v| v == "*/*")
    {
        return Err(scim_error(ScimError::new(
            406,
            "only application/scim+json",
        )));
    }
    if f.on(Fault::RefuseJsonContentType)
        && header_is(header::CONTENT_TYPE, &|v| {
            v.starts_with("application/json") || v.contains(';')
        })
    {
        return Err(scim_error(ScimError::new(
            415,
            "bodies must be application/scim+json, without parameters",
        )));
    }
    let first = segs.first().map(String::as_str).unwrap_or("");
    if f.on(Fault::DeleteKeepsGroups) && method == "DELETE" && first == "Groups" && segs.len() == 2
    {
        let status = if f.state.store().group(&segs[1], false).is_some() {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::NOT_FOUND
        };
        return Err(Box::new(
            Response::builder()
                .status(status)
                .body(axum::body::Body::empty())
                .unwrap_or_default(),
        ));
    }
    let users = first == "Users";
    let writes = method == "POST" || method == "PUT";
    if f.on(Fault::CaseSensitiveAttributeNames)
        && users
        && writes
        && let Some(Value::Object(b)) = body
    {
        const NAMES: [&str; 9] = [
            "schemas",
            "userName",
            "name",
            "emails",
            "active",
            "externalId",
            "displayName",
            "roles",
            "groups",
        ];
        b.retain(|k, _| !NAMES.iter().any(|n| n.eq_ignore_ascii_case(k) && n != k));
    }
    if f.on(Fault::RefuseReadOnlyInWrites)
        && users
        && writes
        && body
            .as_ref()
            .and_then(Value::as_object)
            .is_some_and(|b| b.keys().any(|k| k.eq_ignore_ascii_case("groups")))
    {
        return Err(scim_error(ScimError::bad_request(
            scim_core::ScimType::Mutability,
            "groups is read-only",
        )));
    }
    let groups = first == "Groups";
    if f.on(Fault::GroupMembersDroppedOnCreate)
        && groups
        && method == "POST"
        && let Some(Value::Object(b)) = body
    {
        b.remove("members");
    }
    if f.on(Fault::DeletedNamesStayTaken) && groups {
        let mut deleted = f
            .deleted_group_names
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if method == "DELETE"
            && let Some(view) = segs.get(1).and_then(|id| f.state.store().group(id, false))
        {
            deleted.push(view.display_name);
        }
        let name = body
            .as_ref()
            .and_then(|b| b.get("displayName"))
            .and_then(Value::as_str);
        if method == "POST"
            && name.is_some_and(|n| deleted.iter().any(|d| d.eq_ignore_ascii_case(n)))
        {
            return Err(scim_error(ScimError::conflict("that name was taken")));
        }
    }
    if f.on(Fault::PatchEnvelopeUnchecked)
        && method == "PATCH"
        && let Some(ops) = body
            .as_mut()
            .and_then(|b| b.get_mut("Operations"))
            .and_then(Value::as_array_mut)
    {
        // Operations it cannot apply are dropped, and a PATCH left with none is a success.
        ops.retain(|op| {
            let name = op.get("op").and_then(Value::as_str).unwrap_or("");
            match name.to_ascii_lowercase().as_str() {
                "add" => op.get("value").is_some(),
                "remove" | "replace" => true,
                _ => false,
            }
        });
        if ops.is_empty() {
            return Err(Box::new(
                Response::builder()
                    .status(StatusCode::NO_CONTENT)
                    .body(axum::body::Body::empty())
                    .unwrap_or_default(),
            ));
        }
    }
    Ok(())
}

/// What a broken server answers instead.
pub(super) fn rewrite(
    f: &Faults,
    asked: &Asked<'_>,
    status: &mut StatusCode,
    headers: &mut axum::http::HeaderMap,
    body: &mut Option<Value>,
) {
    if f.on(Fault::NoEtagHeader) {
        headers.remove(header::ETAG);
    }
    let first = asked.segs.first().map(String::as_str).unwrap_or("");
    let resource_type = matches!(first, "Users" | "Groups");
    let code = status.as_u16();
    if f.on(Fault::UnknownEndpointEmpty) && code == 404 && !resource_type && !first.is_empty() {
        let known = [
            "ServiceProviderConfig",
            "Schemas",
            "ResourceTypes",
            "Me",
            "Bulk",
        ];
        if !known.contains(&first) {
            *body = None;
        }
    }
    if f.on(Fault::UnsupportedAs404) && code == 501 {
        *status = StatusCode::NOT_FOUND;
        *body = Some(super::error_body(ScimError::not_found("no such endpoint")));
    }
    if f.on(Fault::SwallowPatchErrors) && asked.method == "PATCH" && code == 400 {
        *status = StatusCode::NO_CONTENT;
        *body = None;
    }
    // A group's id that is a user's reaches the user.
    if f.on(Fault::IdsAcrossTypes)
        && asked.method == "GET"
        && first == "Groups"
        && asked.segs.len() == 2
        && code == 404
        && let Some(view) = f.state.store().user(&asked.segs[1])
    {
        *status = StatusCode::OK;
        *body = Some(Value::Object(reference_server::render::user(&view, "")));
    }
    // A PUT to an unknown user is taken as a create of it.
    if f.on(Fault::PutCreates)
        && asked.method == "PUT"
        && first == "Users"
        && asked.segs.len() == 2
        && code == 404
        && let Some(sent) = asked.body
    {
        let mut created = sent.clone();
        created["id"] = json!(asked.segs[1]);
        *status = StatusCode::CREATED;
        *body = Some(created);
    }
    // A duplicate userName is taken as a new user.
    if f.on(Fault::DuplicatesCreated)
        && asked.method == "POST"
        && first == "Users"
        && code == 409
        && let Some(sent) = asked.body
    {
        let mut created = sent.clone();
        let name = sent.get("userName").and_then(Value::as_str).unwrap_or("");
        created["id"] = json!(format!("duplicate-{}", name.to_lowercase()));
        *status = StatusCode::CREATED;
        *body = Some(created);
    }
    if f.on(Fault::PutAnswers204) && asked.method == "PUT" && code == 200 {
        *status = StatusCode::NO_CONTENT;
        *body = None;
    }
    let Some(b) = body.as_mut() else { return };
    if f.on(Fault::MangleNonAscii) {
        mangle_non_ascii(b);
    }
    if f.on(Fault::MemberRefWrong) {
        walk_objects_mut(b, &mut |o| {
            if let Some(Value::String(r)) = o.get_mut("$ref") {
                *r = r.replace("/Users/", "/Groups/");
            }
        });
    }
    if f.on(Fault::ExternalIdLowercased) {
        walk_objects_mut(b, &mut |o| {
            if let Some(Value::String(s)) = o.get_mut("externalId") {
                *s = s.to_lowercase();
            }
        });
    }
    if f.on(Fault::DateOnlyTimestamps) || f.on(Fault::LocationWrongId) {
        walk_objects_mut(b, &mut |o| {
            let Some(Value::Object(meta)) = o.get_mut("meta") else {
                return;
            };
            if f.on(Fault::DateOnlyTimestamps)
                && let Some(Value::String(c)) = meta.get_mut("created")
            {
                c.truncate(10);
            }
            if f.on(Fault::LocationWrongId)
                && let Some(Value::String(l)) = meta.get_mut("location")
                && let Some(cut) = l.rfind('/')
            {
                l.truncate(cut);
            }
        });
    }
    let created = asked.method == "POST" && code == 201;
    if created
        && f.on(Fault::KeepClientId)
        && let Some(id) = asked.body.and_then(|r| r.get("id"))
    {
        b["id"] = id.clone();
    }
    if created
        && f.on(Fault::EchoClientMeta)
        && let Some(Value::Object(sent)) = asked.body.and_then(|r| r.get("meta"))
        && let Some(Value::Object(meta)) = b.get_mut("meta")
    {
        meta.extend(sent.clone());
    }
    if f.on(Fault::GetByIdAsList)
        && asked.method == "GET"
        && resource_type
        && asked.segs.len() == 2
        && code == 200
    {
        *b = json!({
            "schemas": [scim_core::urn::LIST_RESPONSE],
            "totalResults": 1,
            "startIndex": 1,
            "itemsPerPage": 1,
            "Resources": [b.take()],
        });
    }
}

fn mangle_non_ascii(v: &mut Value) {
    match v {
        Value::String(s) if !s.is_ascii() => {
            *s = s
                .chars()
                .map(|c| if c.is_ascii() { c } else { '?' })
                .collect();
        }
        Value::Array(items) => items.iter_mut().for_each(mangle_non_ascii),
        Value::Object(o) => o.values_mut().for_each(mangle_non_ascii),
        _ => {}
    }
}
