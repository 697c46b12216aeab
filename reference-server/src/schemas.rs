//! The schemas this server advertises and enforces: the core User and Group schemas cut down
//! to what Fivetran keeps, so that `/Schemas` is truthful (RFC 7644 §4: discovery describes
//! what the service provider supports).
//!
//! - `userName` and `emails` are `immutable`: the guide's Fivetran "only allows you to update
//!   the 'Family name', 'Given name', and 'Role' fields" (and `active`, for deactivation).
//! - `name` keeps `givenName` and `familyName`; `roles` keeps `value` and `primary`.
//! - Team members' `display`, `$ref` and `type` are computed by the server (`readOnly`).
//! - No schema extension is kept, so none is advertised.
//!
//! Attributes outside these schemas are accepted in requests and ignored.

use std::sync::LazyLock;

use scim_core::schema::{self, AttributeDef, Mutability, ResourceSchema};

fn keep(def: &AttributeDef, subs: &[&str]) -> AttributeDef {
    let mut d = def.clone();
    d.sub_attributes.retain(|s| subs.contains(&s.name.as_str()));
    d
}

fn find<'a>(s: &'a scim_core::schema::Schema, name: &str) -> &'a AttributeDef {
    s.attribute(name)
        .unwrap_or_else(|| unreachable!("RFC 7643 defines {name}"))
}

static USER: LazyLock<ResourceSchema> = LazyLock::new(|| {
    let core = schema::user_schema();
    let mut user_name = find(core, "userName").clone();
    user_name.mutability = Mutability::Immutable;
    let mut emails = keep(find(core, "emails"), &["value", "type", "primary"]);
    emails.mutability = Mutability::Immutable;
    let mut s = core.clone();
    s.attributes = vec![
        user_name,
        keep(find(core, "name"), &["givenName", "familyName"]),
        find(core, "active").clone(),
        emails,
        keep(find(core, "roles"), &["value", "primary"]),
        find(core, "groups").clone(),
    ];
    ResourceSchema {
        extensions: Vec::new(),
        core: s,
        ..schema::user().clone()
    }
});

static GROUP: LazyLock<ResourceSchema> = LazyLock::new(|| {
    let core = schema::group_schema();
    let mut displayname = find(core, "displayName").clone();
    displayname.uniqueness = scim_core::schema::Uniqueness::Server;
    let mut members = find(core, "members").clone();
    for sub in &mut members.sub_attributes {
        if sub.name != "value" {
            sub.mutability = Mutability::ReadOnly;
        }
    }
    let mut s = core.clone();
    s.attributes = vec![displayname, members];
    ResourceSchema {
        core: s,
        ..schema::group().clone()
    }
});

/// The User resource type as this server keeps it.
pub fn user() -> &'static ResourceSchema {
    &USER
}

/// The Group (team) resource type as this server keeps it.
pub fn group() -> &'static ResourceSchema {
    &GROUP
}
