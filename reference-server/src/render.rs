//! Records as SCIM JSON.

use scim_core::{datetime, urn};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::respond::etag;
use crate::store::{GroupRecord, GroupView, UserView};

/// The URI of a user.
pub fn user_location(base: &str, id: &str) -> String {
    [base, "/Users/", id].concat()
}

/// The URI of a team.
pub fn group_location(base: &str, id: &str) -> String {
    [base, "/Groups/", id].concat()
}

/// `{base}{kind}{id}`, written straight into the JSON being serialised (no `String` built
/// for each `$ref` and `location`).
#[derive(Debug)]
struct Uri<'a>(&'a str, &'static str, &'a str);

impl Serialize for Uri<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Joined on the stack when it fits, which any sensible base URL does: `collect_str`
        // runs each piece through the formatting machinery.
        let parts = [self.0, self.1, self.2];
        let mut joined = [0u8; 256];
        if let Some(len) = parts.iter().try_fold(0, |at, part| {
            let end = at + part.len();
            joined.get_mut(at..end)?.copy_from_slice(part.as_bytes());
            Some(end)
        }) && let Ok(text) = std::str::from_utf8(&joined[..len])
        {
            return s.serialize_str(text);
        }
        s.collect_str(&format_args!("{}{}{}", self.0, self.1, self.2))
    }
}

/// `meta`, keys in the order a `serde_json::Map` (a `BTreeMap` here) would sort them, as in
/// every struct below: the typed document and the map made from it serialise to the same
/// bytes (a test holds each one to it).
#[derive(Debug, Serialize)]
struct MetaDoc<'a> {
    created: datetime::Formatted,
    #[serde(rename = "lastModified")]
    last_modified: datetime::Formatted,
    location: Uri<'a>,
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    version: String,
}

impl<'a> MetaDoc<'a> {
    fn new(
        kind: &'static str,
        location: Uri<'a>,
        created: chrono::DateTime<chrono::Utc>,
        modified: chrono::DateTime<chrono::Utc>,
        version: u64,
    ) -> MetaDoc<'a> {
        MetaDoc {
            created: datetime::Formatted::new(created),
            last_modified: datetime::Formatted::new(modified),
            location,
            resource_type: kind,
            version: etag(version),
        }
    }
}

#[derive(Debug, Serialize)]
struct EmailDoc<'a> {
    primary: bool,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    value: &'a str,
}

#[derive(Debug, Serialize)]
struct NameDoc<'a> {
    #[serde(rename = "familyName", skip_serializing_if = "Option::is_none")]
    family_name: Option<&'a str>,
    #[serde(rename = "givenName", skip_serializing_if = "Option::is_none")]
    given_name: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct RoleDoc<'a> {
    primary: bool,
    value: &'a str,
}

/// A `groups` or `members` entry.
#[derive(Debug, Serialize)]
struct RefDoc<'a> {
    #[serde(rename = "$ref")]
    uri: Uri<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'static str,
    value: &'a str,
}

/// A user's full representation, as a typed document that borrows the record: what a
/// response without `attributes`/`excludedAttributes` serialises directly, and what
/// [`user`] turns into a map for filters, sorting, projections and PATCH. One definition
/// of a user's JSON, two ways to use it.
#[derive(Debug, Serialize)]
pub struct UserDoc<'a> {
    active: bool,
    emails: [EmailDoc<'a>; 1],
    #[serde(rename = "externalId", skip_serializing_if = "Option::is_none")]
    external_id: Option<&'a str>,
    groups: Vec<RefDoc<'a>>,
    id: &'a str,
    meta: MetaDoc<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<NameDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<[RoleDoc<'a>; 1]>,
    schemas: [&'static str; 1],
    #[serde(rename = "userName")]
    user_name: &'a str,
}

/// A user's full representation, typed (see [`UserDoc`]).
pub fn user_doc<'a>(view: &'a UserView, base: &'a str) -> UserDoc<'a> {
    let u = &view.user;
    let f = &u.fields;
    let name = (f.given_name.is_some() || f.family_name.is_some()).then_some(NameDoc {
        family_name: f.family_name.as_deref(),
        given_name: f.given_name.as_deref(),
    });
    UserDoc {
        active: f.active,
        emails: [EmailDoc {
            primary: true,
            kind: f.email_type.as_deref(),
            value: &f.email,
        }],
        external_id: f.external_id.as_deref(),
        groups: view
            .groups
            .iter()
            .map(|g| RefDoc {
                uri: Uri(base, "/Groups/", &g.id),
                display: Some(&g.display_name),
                kind: "direct",
                value: &g.id,
            })
            .collect(),
        id: &u.id,
        meta: MetaDoc::new(
            "User",
            Uri(base, "/Users/", &u.id),
            u.created,
            u.modified,
            u.version,
        ),
        name,
        roles: f.role.as_deref().map(|r| {
            [RoleDoc {
                primary: true,
                value: r,
            }]
        }),
        schemas: [urn::USER],
        user_name: &f.user_name,
    }
}

/// A typed document as a map (it always is an object).
pub fn to_map(doc: &impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(doc) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// A user's full representation, as a map.
pub fn user(view: &UserView, base: &str) -> Map<String, Value> {
    to_map(&user_doc(view, base))
}

/// A team's full representation, typed (see [`UserDoc`]); `members` only when asked for.
#[derive(Debug, Serialize)]
pub struct GroupDoc<'a> {
    #[serde(rename = "displayName")]
    display_name: &'a str,
    #[serde(rename = "externalId", skip_serializing_if = "Option::is_none")]
    external_id: Option<&'a str>,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    members: Option<Vec<RefDoc<'a>>>,
    meta: MetaDoc<'a>,
    schemas: [&'static str; 1],
}

/// A team's representation, typed; `members` only when the view carries them.
pub fn group_doc<'a>(view: &'a GroupView, base: &'a str) -> GroupDoc<'a> {
    let members = view.members.as_ref().map(|members| {
        members
            .iter()
            .map(|m| member(base, &m.id, Some(&m.user_name)))
            .collect()
    });
    group_with(view, base, members)
}

fn member<'a>(base: &'a str, id: &'a str, display: Option<&'a str>) -> RefDoc<'a> {
    RefDoc {
        uri: Uri(base, "/Users/", id),
        display,
        kind: "User",
        value: id,
    }
}

/// A team's representation, as a map; `members` only when the view carries them.
pub fn group(view: &GroupView, base: &str) -> Map<String, Value> {
    to_map(&group_doc(view, base))
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
        .map(|id| member(base, id, None))
        .collect();
    to_map(&group_with(&view, base, Some(members)))
}

fn group_with<'a>(
    view: &'a GroupView,
    base: &'a str,
    members: Option<Vec<RefDoc<'a>>>,
) -> GroupDoc<'a> {
    GroupDoc {
        display_name: &view.display_name,
        external_id: view.external_id.as_deref(),
        id: &view.id,
        members,
        meta: MetaDoc::new(
            "Group",
            Uri(base, "/Groups/", &view.id),
            view.created,
            view.modified,
            view.version,
        ),
        schemas: [urn::GROUP],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{GroupRef, MemberRef, UserFields, UserRecord};
    use chrono::TimeZone;
    use scim_core::projection::Projection;
    use serde_json::json;

    fn when(s: i64) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap()
    }

    fn user_view(full: bool) -> UserView {
        let some = |v: &str| full.then(|| v.to_owned());
        UserView {
            user: std::sync::Arc::new(UserRecord {
                id: "u1".into(),
                seq: 1,
                fields: UserFields {
                    user_name: "Ann@example.com".into(),
                    email: "ann@example.com".into(),
                    email_type: some("work"),
                    given_name: some("Ann \"Q\""),
                    family_name: some("Lee"),
                    active: full,
                    role: some("Account Analyst"),
                    external_id: some("00u1"),
                },
                created: when(0),
                modified: when(5),
                version: 7,
            }),
            groups: if full {
                vec![GroupRef {
                    id: "g1".into(),
                    display_name: "Eng".into(),
                }]
            } else {
                Vec::new()
            },
        }
    }

    /// Typed and map renderings are the same bytes: each struct lists its keys in the
    /// order a map sorts them.
    #[test]
    fn typed_documents_serialise_as_their_maps() {
        let base = "http://h/scim/v2";
        for full in [true, false] {
            let v = user_view(full);
            let typed = serde_json::to_string(&user_doc(&v, base)).unwrap();
            let map = serde_json::to_string(&Value::Object(user(&v, base))).unwrap();
            assert_eq!(typed, map);
            let g = GroupView {
                id: "g1".into(),
                display_name: "Eng".into(),
                external_id: some_if(full, "x1"),
                member_count: 1,
                members: full.then(|| {
                    vec![MemberRef {
                        id: "u1".into(),
                        user_name: "ann".into(),
                    }]
                }),
                created: when(0),
                modified: when(1),
                version: 2,
            };
            let typed = serde_json::to_string(&group_doc(&g, base)).unwrap();
            let map = serde_json::to_string(&Value::Object(group(&g, base))).unwrap();
            assert_eq!(typed, map);
        }
    }

    /// What lets a response without `attributes`/`excludedAttributes` skip the projection:
    /// the default one keeps every attribute these documents have.
    #[test]
    fn the_default_projection_keeps_whole_documents() {
        let base = "http://h/scim/v2";
        let none = Projection::default();
        assert!(none.is_default());
        let v = user_view(true);
        assert_eq!(
            none.apply(user(&v, base), crate::schemas::user()),
            user(&v, base)
        );
        let g = GroupView {
            id: "g1".into(),
            display_name: "Eng".into(),
            external_id: Some("x".into()),
            member_count: 1,
            members: Some(vec![MemberRef {
                id: "u1".into(),
                user_name: "ann".into(),
            }]),
            created: when(0),
            modified: when(1),
            version: 2,
        };
        assert_eq!(
            none.apply(group(&g, base), crate::schemas::group()),
            group(&g, base)
        );
    }

    #[test]
    fn uris_are_written_whole_and_escaped_however_long_their_base() {
        for base in [
            "http://h/scim/v2".to_owned(),
            "http://h/\"é\"/scim/v2".to_owned(),
            format!("http://{}/scim/v2", "h".repeat(300)),
        ] {
            let written = serde_json::to_string(&Uri(&base, "/Users/", "u1")).unwrap();
            assert_eq!(
                written,
                serde_json::to_string(&format!("{base}/Users/u1")).unwrap()
            );
        }
    }

    fn some_if(yes: bool, v: &str) -> Option<String> {
        yes.then(|| v.to_owned())
    }

    #[test]
    fn a_user_renders_every_attribute_it_has() {
        let v = user_view(true);
        let m = Value::Object(user(&v, "http://h/scim/v2"));
        assert_eq!(
            m,
            json!({
                "schemas": [urn::USER],
                "id": "u1",
                "externalId": "00u1",
                "userName": "Ann@example.com",
                "name": {"givenName": "Ann \"Q\"", "familyName": "Lee"},
                "emails": [{"value": "ann@example.com", "type": "work", "primary": true}],
                "active": true,
                "roles": [{"value": "Account Analyst", "primary": true}],
                "groups": [{"value": "g1", "display": "Eng", "$ref": "http://h/scim/v2/Groups/g1", "type": "direct"}],
                "meta": {
                    "resourceType": "User",
                    "created": "2023-11-14T22:13:20.000Z",
                    "lastModified": "2023-11-14T22:13:25.000Z",
                    "location": "http://h/scim/v2/Users/u1",
                    "version": "W/\"7\""
                }
            })
        );
        let bare = Value::Object(user(&user_view(false), "http://h/scim/v2"));
        for absent in ["externalId", "name", "roles"] {
            assert!(bare.get(absent).is_none(), "{absent}");
        }
        assert_eq!(
            bare["emails"],
            json!([{"value": "ann@example.com", "primary": true}])
        );
        assert_eq!(bare["groups"], json!([]));
    }
}
