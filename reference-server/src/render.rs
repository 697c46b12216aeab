//! Records as SCIM JSON.

use scim_core::{datetime, urn};
use serde_json::{Map, Value, json};

use crate::respond::etag;
use crate::store::{GroupRecord, GroupView, UserView};

fn meta(
    kind: &str,
    location: &str,
    view_created: chrono::DateTime<chrono::Utc>,
    modified: chrono::DateTime<chrono::Utc>,
    version: u64,
) -> Value {
    json!({
        "resourceType": kind,
        "created": datetime::format(view_created),
        "lastModified": datetime::format(modified),
        "location": location,
        "version": etag(version),
    })
}

/// The URI of a user.
pub fn user_location(base: &str, id: &str) -> String {
    format!("{base}/Users/{id}")
}

/// The URI of a team.
pub fn group_location(base: &str, id: &str) -> String {
    format!("{base}/Groups/{id}")
}

/// A user's full representation.
pub fn user(view: &UserView, base: &str) -> Map<String, Value> {
    let u = &view.user;
    let mut m = Map::new();
    m.insert("schemas".into(), json!([urn::USER]));
    m.insert("id".into(), json!(&*u.id));
    if let Some(x) = &u.fields.external_id {
        m.insert("externalId".into(), json!(x));
    }
    m.insert("userName".into(), json!(u.fields.user_name));
    let mut name = Map::new();
    if let Some(g) = &u.fields.given_name {
        name.insert("givenName".into(), json!(g));
    }
    if let Some(f) = &u.fields.family_name {
        name.insert("familyName".into(), json!(f));
    }
    if !name.is_empty() {
        m.insert("name".into(), Value::Object(name));
    }
    let mut email = Map::new();
    email.insert("value".into(), json!(u.fields.email));
    if let Some(t) = &u.fields.email_type {
        email.insert("type".into(), json!(t));
    }
    email.insert("primary".into(), json!(true));
    m.insert("emails".into(), json!([email]));
    m.insert("active".into(), json!(u.fields.active));
    if let Some(r) = &u.fields.role {
        m.insert("roles".into(), json!([{"value": r, "primary": true}]));
    }
    let groups: Vec<Value> = view
        .groups
        .iter()
        .map(|g| {
            json!({"value": &*g.id, "display": g.display_name, "$ref": group_location(base, &g.id), "type": "direct"})
        })
        .collect();
    m.insert("groups".into(), Value::Array(groups));
    m.insert(
        "meta".into(),
        meta(
            "User",
            &user_location(base, &u.id),
            u.created,
            u.modified,
            u.version,
        ),
    );
    m
}

/// A team's representation; `members` only when the view carries them.
pub fn group(view: &GroupView, base: &str) -> Map<String, Value> {
    group_with(view, base, view.members.as_ref().map(|members| {
        members
            .iter()
            .map(|mr| {
                json!({"value": &*mr.id, "display": mr.user_name, "$ref": user_location(base, &mr.id), "type": "User"})
            })
            .collect()
    }))
}

/// A stored team's representation, its members without `display` (the record holds their
/// ids, not their names): what the generic PATCH engine edits.
pub fn group_ids(record: &GroupRecord, base: &str) -> Map<String, Value> {
    let view = GroupView {
        id: record.id.clone(),
        display_name: record.display_name.clone(),
        external_id: record.external_id.clone(),
        member_count: record.members.len(),
        members: None,
        created: record.created,
        modified: record.modified,
        version: record.version,
    };
    let members = record
        .members
        .iter()
        .map(|id| json!({"value": &**id, "$ref": user_location(base, id), "type": "User"}))
        .collect();
    group_with(&view, base, Some(members))
}

fn group_with(view: &GroupView, base: &str, members: Option<Vec<Value>>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("schemas".into(), json!([urn::GROUP]));
    m.insert("id".into(), json!(&*view.id));
    if let Some(x) = &view.external_id {
        m.insert("externalId".into(), json!(x));
    }
    m.insert("displayName".into(), json!(view.display_name));
    if let Some(members) = members {
        m.insert("members".into(), Value::Array(members));
    }
    m.insert(
        "meta".into(),
        meta(
            "Group",
            &group_location(base, &view.id),
            view.created,
            view.modified,
            view.version,
        ),
    );
    m
}
