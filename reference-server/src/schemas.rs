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

/// A POST or PUT body's `schemas` (RFC 7643 §3: REQUIRED, and "MUST only contain values
/// defined as `schema` and `schemaExtensions` for the resource's defined `resourceType`"): an
/// array of strings holding `core`. URIs of schema extensions
/// (`urn:ietf:params:scim:schemas:extension:...`) are accepted and their attributes ignored,
/// as every attribute this server does not keep is; any other URI (the Group schema on
/// `/Users`, a misspelling) is refused, since the body then describes another resource.
pub fn require(body: &serde_json::Value, core: &str) -> Result<(), crate::error::ApiError> {
    let Some(items) = body.get("schemas").and_then(serde_json::Value::as_array) else {
        return require_uris(None, core);
    };
    let mut uris = Vec::with_capacity(items.len());
    for item in items {
        let Some(uri) = item.as_str() else {
            return Err(invalid_schemas(format!(
                "schemas holds strings, not {item}"
            )));
        };
        uris.push(uri);
    }
    require_uris(Some(&uris), core)
}

/// [`require`], for `schemas` already read as strings (`None`: absent).
pub fn require_uris(uris: Option<&[&str]>, core: &str) -> Result<(), crate::error::ApiError> {
    let Some(uris) = uris else {
        return Err(invalid_schemas(format!(
            "the body needs \"schemas\": [\"{core}\"] (RFC 7643 §3: schemas is REQUIRED)"
        )));
    };
    let mut has_core = false;
    for uri in uris {
        if scim_core::urn::eq(uri, core) {
            has_core = true;
        } else if !uri
            .to_ascii_lowercase()
            .starts_with("urn:ietf:params:scim:schemas:extension:")
        {
            return Err(invalid_schemas(format!(
                "schemas names {uri:?}, which is not a schema of this resource type (its schema is {core:?})"
            )));
        }
    }
    if has_core {
        Ok(())
    } else {
        Err(invalid_schemas(format!("schemas must contain \"{core}\"")))
    }
}

fn invalid_schemas(detail: String) -> crate::error::ApiError {
    crate::error::ApiError::bad_request(scim_core::ScimType::InvalidSyntax, detail)
}
