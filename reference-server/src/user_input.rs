//! What a user body says, borrowed from it: the input to the guide's rules
//! ([`fivetran::check_user`](crate::fivetran::check_user)).
//!
//! There are two ways in. Any body is read through the User schema
//! ([`ResourceSchema::normalize`](scim_core::schema::ResourceSchema::normalize): names in any
//! case, `"True"` strings, `null`s, bare role strings) and borrowed from the normalised map
//! ([`UserInput::from_map`]). The shape Okta sends on every create is also read straight from
//! the request's bytes into typed fields ([`TypedUser`]): that skips the `Value` tree and
//! the schema walk, which were about a quarter of a create's CPU time (issue 15).
//!
//! The typed reader accepts only what normalising would leave as it is: the exact attribute
//! names, each of the JSON type its definition has, no duplicate key, at most one primary
//! email and role, no team in `groups`. Anything else (another case, a `"true"` string, an
//! attribute it does not list, an extension) makes it step aside, and the body goes the
//! schema's way. A property test (`typed_and_schema_readings_agree`) holds the two readings
//! to the same result on bodies made to differ from Okta's in each of those ways.

use std::borrow::Cow;

use scim_core::json::{get_ci, is_primary};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::fivetran::{self, Policy, UserBody};
use crate::schemas;
use crate::store::UserFields;

/// A user body's fields that the guide's rules read, borrowed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserInput<'a> {
    /// `userName`, when it is a string.
    pub user_name: Option<&'a str>,
    /// `emails`, in order (elements that are not objects left out).
    pub emails: Vec<EmailInput<'a>>,
    /// `name.givenName`.
    pub given_name: Option<&'a str>,
    /// `name.familyName`.
    pub family_name: Option<&'a str>,
    /// `active`.
    pub active: Option<bool>,
    /// `roles`, in order.
    pub roles: Vec<RoleInput<'a>>,
    /// `externalId`.
    pub external_id: Option<&'a str>,
}

/// One element of `emails`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmailInput<'a> {
    /// `value`, when it is a string.
    pub value: Option<&'a str>,
    /// `primary` is `true`.
    pub primary: bool,
    /// `type`.
    pub kind: Option<&'a str>,
}

/// One element of `roles`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleInput<'a> {
    /// `value`, when the element is an object with a string value.
    pub value: Option<&'a str>,
    /// `primary` is `true`.
    pub primary: bool,
}

impl<'a> UserInput<'a> {
    /// Borrows the fields of a normalised user (canonical names and types).
    pub fn from_map(fields: &'a Map<String, Value>) -> UserInput<'a> {
        let str_at = |o: &'a Map<String, Value>, k: &str| o.get(k).and_then(Value::as_str);
        let items = |k: &str| {
            fields
                .get(k)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let name = fields.get("name").and_then(Value::as_object);
        UserInput {
            user_name: str_at(fields, "userName"),
            emails: items("emails")
                .iter()
                .filter_map(|e| Some((e.as_object()?, is_primary(e))))
                .map(|(e, primary)| EmailInput {
                    value: str_at(e, "value"),
                    primary,
                    kind: str_at(e, "type"),
                })
                .collect(),
            given_name: name.and_then(|n| str_at(n, "givenName")),
            family_name: name.and_then(|n| str_at(n, "familyName")),
            active: fields.get("active").and_then(Value::as_bool),
            roles: items("roles")
                .iter()
                .map(|r| RoleInput {
                    value: r
                        .as_object()
                        .and_then(|o| get_ci(o, "value"))
                        .and_then(Value::as_str),
                    primary: is_primary(r),
                })
                .collect(),
            external_id: str_at(fields, "externalId"),
        }
    }
}

/// Okta's create body, typed: the attributes its Fivetran integration sends, under their
/// exact names (`deny_unknown_fields` turns any other key, or another case, into a refusal,
/// and serde refuses a duplicate key). `null` reads as absent, as normalising makes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypedUser<'a> {
    #[serde(borrow, default)]
    schemas: Option<Vec<Cow<'a, str>>>,
    #[serde(rename = "userName", borrow, default)]
    user_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<TypedName<'a>>,
    #[serde(borrow, default)]
    emails: Option<Vec<TypedEmail<'a>>>,
    #[serde(rename = "displayName", borrow, default)]
    _display_name: Option<Cow<'a, str>>,
    #[serde(rename = "locale", borrow, default)]
    _locale: Option<Cow<'a, str>>,
    #[serde(rename = "externalId", borrow, default)]
    external_id: Option<Cow<'a, str>>,
    /// Read-only; only an empty list is taken here (normalising checks each element of
    /// another).
    #[serde(default)]
    groups: Option<Vec<IgnoredAny>>,
    #[serde(rename = "password", borrow, default)]
    _password: Option<Cow<'a, str>>,
    #[serde(default)]
    active: Option<bool>,
    #[serde(borrow, default)]
    roles: Option<Vec<TypedRole<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypedName<'a> {
    #[serde(rename = "givenName", borrow, default)]
    given_name: Option<Cow<'a, str>>,
    #[serde(rename = "familyName", borrow, default)]
    family_name: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypedEmail<'a> {
    #[serde(borrow, default)]
    value: Option<Cow<'a, str>>,
    #[serde(default)]
    primary: Option<bool>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypedRole<'a> {
    #[serde(borrow, default)]
    value: Option<Cow<'a, str>>,
    #[serde(default)]
    primary: Option<bool>,
    #[serde(rename = "display", borrow, default)]
    _display: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    _kind: Option<Cow<'a, str>>,
}

impl<'a> TypedUser<'a> {
    /// Reads `bytes` as Okta's create body, or `None` when it is anything else (which may
    /// still be a valid user: the schema's way reads it).
    pub fn read(bytes: &'a [u8]) -> Option<TypedUser<'a>> {
        // serde would also take a struct from a JSON array of its fields.
        if bytes.trim_ascii_start().first() != Some(&b'{') {
            return None;
        }
        let user: TypedUser<'a> = serde_json::from_slice(bytes).ok()?;
        let emails = user.emails.as_deref().unwrap_or_default();
        let roles = user.roles.as_deref().unwrap_or_default();
        let as_is = user.groups.as_ref().is_none_or(Vec::is_empty)
            && emails.iter().filter(|e| e.primary == Some(true)).count() <= 1
            && roles.iter().filter(|r| r.primary == Some(true)).count() <= 1;
        as_is.then_some(user)
    }

    /// The fields the guide's rules read.
    pub fn input(&self) -> UserInput<'_> {
        let name = self.name.as_ref();
        UserInput {
            user_name: self.user_name.as_deref(),
            emails: self
                .emails
                .iter()
                .flatten()
                .map(|e| EmailInput {
                    value: e.value.as_deref(),
                    primary: e.primary == Some(true),
                    kind: e.kind.as_deref(),
                })
                .collect(),
            given_name: name.and_then(|n| n.given_name.as_deref()),
            family_name: name.and_then(|n| n.family_name.as_deref()),
            active: self.active,
            roles: self
                .roles
                .iter()
                .flatten()
                .map(|r| RoleInput {
                    value: r.value.as_deref(),
                    primary: r.primary == Some(true),
                })
                .collect(),
            external_id: self.external_id.as_deref(),
        }
    }
}

/// A user body as sent: typed when it has Okta's shape, else parsed into a `Value`.
// One lives in a handler's frame for one request; boxing the typed one would add back an
// allocation the typed reading is there to save.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum UserDocument<'a> {
    /// Okta's shape, read without a `Value`.
    Typed(TypedUser<'a>),
    /// Anything else that is a JSON object.
    Generic(Value),
}

impl<'a> UserDocument<'a> {
    /// Reads a request body: a JSON object, or the same 400 `invalidSyntax` any other body
    /// gets ([`crate::extract::json_object`]).
    pub fn parse(bytes: &'a [u8]) -> Result<UserDocument<'a>, ApiError> {
        match TypedUser::read(bytes) {
            Some(user) => Ok(UserDocument::Typed(user)),
            None => crate::extract::json_object(bytes).map(UserDocument::Generic),
        }
    }

    /// Checks `schemas` and reads the user against the guide's rules, as
    /// [`fivetran::read_user`] does (`current` is the stored user, for a replacement).
    pub fn read(
        &self,
        policy: &Policy,
        current: Option<&UserFields>,
    ) -> Result<UserBody, ApiError> {
        match self {
            UserDocument::Typed(user) => {
                let uris = user
                    .schemas
                    .as_ref()
                    .map(|s| s.iter().map(AsRef::as_ref).collect::<Vec<&str>>());
                schemas::require_uris(uris.as_deref(), scim_core::urn::USER)?;
                fivetran::check_user(&user.input(), policy, current)
            }
            UserDocument::Generic(body) => {
                schemas::require(body, scim_core::urn::USER)?;
                fivetran::read_user(body, policy, current)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const OKTA_CREATE: &str = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},
        "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
        "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7",
        "groups":[],"password":"1mz050nq","active":true,
        "roles":[{"primary":true,"value":"Account Analyst"}]}"#;

    fn policy() -> Policy {
        Policy {
            custom_roles: vec!["Data Steward".to_owned()],
            require_username_email: false,
        }
    }

    fn current() -> UserFields {
        UserFields {
            user_name: "test.user@okta.local".into(),
            email: "test.user@okta.local".into(),
            email_type: None,
            given_name: None,
            family_name: None,
            active: true,
            role: Some("Account Reviewer".into()),
            external_id: None,
        }
    }

    /// The schema's way alone, as every body was read before the typed reader.
    fn by_schema(bytes: &[u8], current: Option<&UserFields>) -> Result<UserBody, ApiError> {
        let body = crate::extract::json_object(bytes)?;
        schemas::require(&body, scim_core::urn::USER)?;
        fivetran::read_user(&body, &policy(), current)
    }

    fn is_typed(doc: &UserDocument<'_>) -> bool {
        matches!(doc, UserDocument::Typed(_))
    }

    fn by_document(bytes: &[u8], current: Option<&UserFields>) -> Result<UserBody, ApiError> {
        UserDocument::parse(bytes)?.read(&policy(), current)
    }

    #[test]
    fn okta_create_body_is_read_typed_and_as_the_schema_reads_it() {
        let doc = UserDocument::parse(OKTA_CREATE.as_bytes()).unwrap();
        assert!(is_typed(&doc));
        let typed = doc.read(&policy(), None).unwrap();
        assert_eq!(typed, by_schema(OKTA_CREATE.as_bytes(), None).unwrap());
        assert_eq!(
            typed.role,
            fivetran::RoleChoice::Set("Account Analyst".into())
        );
        assert_eq!(typed.given_name.as_deref(), Some("Test"));
        assert_eq!(typed.email_type.as_deref(), Some("work"));
        assert_eq!(typed.active, Some(true));
    }

    #[test]
    fn anything_normalising_would_change_goes_the_schemas_way() {
        let variants = [
            OKTA_CREATE.replace("\"userName\"", "\"username\""),
            OKTA_CREATE.replace("\"active\":true", "\"active\":\"True\""),
            OKTA_CREATE.replace("\"locale\"", "\"nickName\""),
            OKTA_CREATE.replace("\"groups\":[]", "\"groups\":[{\"value\":\"t1\"}]"),
            OKTA_CREATE.replace("\"active\":true", "\"active\":true,\"active\":false"),
            OKTA_CREATE.replace(
                "\"roles\":[",
                "\"roles\":[{\"primary\":true,\"value\":\"Account Billing\"},",
            ),
            OKTA_CREATE.replace(
                "\"roles\":[{\"primary\":true,\"value\":\"Account Analyst\"}]",
                "\"roles\":\"Account Analyst\"",
            ),
            OKTA_CREATE.replace("\"emails\":[", "\"emails\":[null,"),
            format!("[{OKTA_CREATE}]"),
        ];
        for v in variants {
            let doc = UserDocument::parse(v.as_bytes());
            assert!(!doc.as_ref().is_ok_and(is_typed), "{v}");
            assert_eq!(
                by_document(v.as_bytes(), None),
                by_schema(v.as_bytes(), None),
                "{v}"
            );
        }
        // Escapes and nulls are read the same way by both.
        let escaped = OKTA_CREATE.replace("Test\"", "T\\u00e9st\\n\"");
        assert!(is_typed(&UserDocument::parse(escaped.as_bytes()).unwrap()));
        let nulls = OKTA_CREATE.replace("\"locale\":\"en-US\"", "\"locale\":null");
        assert!(is_typed(&UserDocument::parse(nulls.as_bytes()).unwrap()));
    }

    /// One attribute of a body: its key as sent and its value as JSON text.
    fn entry() -> impl Strategy<Value = (String, String)> {
        let text = prop::sample::select(vec![
            r#""a@x.test""#,
            r#""A@X.TEST""#,
            r#""test.user@okta.local""#,
            r#""""#,
            r#"" ""#,
            r#""jdoe""#,
            r#""b\u0000@x.test""#,
            r#""\u0041@x.test""#,
            r#""Ann""#,
            "null",
            "true",
            "7",
        ]);
        let boolean = prop::sample::select(vec!["true", "false", "null", r#""False""#, "1"]);
        let role_value = prop::sample::select(vec![
            r#""Account Analyst""#,
            r#""account billing""#,
            r#""Data Steward""#,
            r#""Connector Administrator""#,
            "null",
            "3",
        ]);
        let email = (
            text.clone(),
            boolean.clone(),
            prop::option::of(text.clone()),
        )
            .prop_map(|(v, p, t)| match t {
                Some(t) => format!(r#"{{"value":{v},"primary":{p},"type":{t}}}"#),
                None => format!(r#"{{"primary":{p},"value":{v}}}"#),
            });
        let role =
            (role_value.clone(), boolean.clone(), any::<bool>()).prop_map(|(v, p, extra)| {
                if extra {
                    format!(r#"{{"value":{v},"primary":{p},"display":"x","type":"y"}}"#)
                } else {
                    format!(r#"{{"primary":{p},"value":{v}}}"#)
                }
            });
        let list = |item: BoxedStrategy<String>| {
            prop_oneof![
                4 => prop::collection::vec(item, 0..3).prop_map(|v| format!("[{}]", v.join(","))),
                1 => Just("null".to_owned()),
                1 => Just(r#""a@x.test""#.to_owned()),
                1 => Just("[null]".to_owned()),
            ]
        };
        let element = |s: &'static str| Just(s.to_owned()).boxed();
        prop_oneof![
            (
                prop::sample::select(vec!["schemas", "Schemas"]),
                prop::sample::select(vec![
                    r#"["urn:ietf:params:scim:schemas:core:2.0:User"]"#,
                    r#"["URN:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]"#,
                    r#"["urn:ietf:params:scim:schemas:core:2.0:Group"]"#,
                    r#"[]"#,
                    r#""urn:ietf:params:scim:schemas:core:2.0:User""#,
                    "null",
                ])
            )
                .prop_map(|(k, v)| (k.to_owned(), v.to_owned())),
            (prop::sample::select(vec!["userName", "username"]), text.clone())
                .prop_map(|(k, v)| (k.to_owned(), v.to_owned())),
            (
                prop::sample::select(vec!["name", "NAME"]),
                (text.clone(), text.clone(), any::<bool>())
            )
                .prop_map(|(k, (g, f, extra))| {
                    let more = if extra { r#","middleName":"M""# } else { "" };
                    (k.to_owned(), format!(r#"{{"givenName":{g},"familyName":{f}{more}}}"#))
                }),
            (prop::sample::select(vec!["emails", "Emails"]), list(email.boxed()))
                .prop_map(|(k, v)| (k.to_owned(), v)),
            (
                prop::sample::select(vec!["displayName", "locale", "password", "externalId", "nickName", "id"]),
                text.clone()
            )
                .prop_map(|(k, v)| (k.to_owned(), v.to_owned())),
            (
                Just("groups"),
                list(element(r#"{"value":"t1"}"#))
            )
                .prop_map(|(k, v)| (k.to_owned(), v)),
            (prop::sample::select(vec!["active", "Active"]), boolean)
                .prop_map(|(k, v)| (k.to_owned(), v.to_owned())),
            (
                prop::sample::select(vec!["roles", "ROLES"]),
                prop_oneof![
                    4 => list(role.boxed()),
                    1 => role_value.prop_map(str::to_owned),
                    1 => Just(r#"["Data Steward"]"#.to_owned()),
                ]
            )
                .prop_map(|(k, v)| (k.to_owned(), v)),
            Just((
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_owned(),
                r#"{"employeeNumber":"1"}"#.to_owned()
            )),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The typed reader steps aside or agrees with the schema's way: on bodies near
        /// Okta's shape and off it (other cases, types, duplicate keys, extensions), for a
        /// create and for a replacement.
        #[test]
        fn typed_and_schema_readings_agree(
            entries in prop::collection::vec(entry(), 0..12),
            okta_first in any::<bool>(),
            unique_keys in any::<bool>(),
            replacing in any::<bool>(),
        ) {
            // Okta's own body with the generated attributes after it, or not; with each
            // key once (the last one kept), or with repeats (a `Value` keeps the last one).
            let mut all: Vec<(String, String)> = Vec::new();
            if okta_first {
                let okta: Map<String, Value> = serde_json::from_str(OKTA_CREATE).unwrap();
                all.extend(okta.into_iter().map(|(k, v)| (k, v.to_string())));
            }
            all.extend(entries);
            if unique_keys {
                let mut seen = std::collections::HashSet::new();
                all.reverse();
                all.retain(|(k, _)| seen.insert(k.clone()));
                all.reverse();
            }
            let fields: Vec<String> = all.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
            let body = format!("{{{}}}", fields.join(","));
            let current = current();
            let current = replacing.then_some(&current);
            prop_assert_eq!(
                by_document(body.as_bytes(), current),
                by_schema(body.as_bytes(), current),
                "{}", body
            );
        }
    }
}
