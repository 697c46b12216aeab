//! The scenario format, version 1: the Rust types are the definition. The JSON Schema in
//! `schemas/scenario-v1.json` is generated from them, and the field tables of
//! `docs/scenario-format.md` are checked against them (the harness's `generated_files` test
//! keeps both current).
//!
//! Unknown fields are errors everywhere. Enums are externally tagged (`okta: {assign_user:
//! {...}}`, `okta: import_now`).

use indexmap::IndexMap;
pub use mock_okta::{Action, ClientMode, OutcomeKind, Settings};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The format version; always 1.
    pub version: u32,
    /// A stable id, such as `deactivation.soft-delete`.
    pub id: String,
    /// What the scenario shows, in one line.
    pub title: String,
    /// A longer explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags to select scenarios with `--tag`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// When the scenario applies.
    #[serde(default)]
    pub requires: Requires,
    /// The Okta org the scenario starts with.
    #[serde(default)]
    pub fixtures: Fixtures,
    /// The steps, run in order.
    pub steps: Vec<Step>,
}

/// A rule profile.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// RFC 7643/7644.
    Rfc,
    /// What Okta's provisioning needs.
    Okta,
    /// What the Fivetran guide says.
    Fivetran,
}

impl std::str::FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Profile, String> {
        match s {
            "rfc" => Ok(Profile::Rfc),
            "okta" => Ok(Profile::Okta),
            "fivetran" => Ok(Profile::Fivetran),
            _ => Err(format!("expected rfc, okta or fivetran, not {s:?}")),
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            Profile::Rfc => "rfc",
            Profile::Okta => "okta",
            Profile::Fivetran => "fivetran",
        })
    }
}

/// A capability a service provider may or may not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// A `/Groups` endpoint (Group Push).
    Groups,
    /// ETags (`etag.supported` in `/ServiceProviderConfig`).
    Etag,
    /// Sorting (`sort.supported`).
    Sort,
    /// `POST /.search`.
    Search,
    /// Filtering beyond what Okta needs (`filter.supported`).
    Filter,
    /// PATCH (`patch.supported`).
    Patch,
    /// Bulk operations (`bulk.supported`).
    Bulk,
    /// `/Me` (probed: `GET /Me` answers or redirects).
    Me,
    /// `userName` declared `immutable` in `/Schemas`.
    ImmutableUserName,
    /// A version segment (`/v2`) ends the base URL.
    Versioned,
}

impl std::fmt::Display for Capability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            Capability::Groups => "groups",
            Capability::Etag => "etag",
            Capability::Sort => "sort",
            Capability::Search => "search",
            Capability::Filter => "filter",
            Capability::Patch => "patch",
            Capability::Bulk => "bulk",
            Capability::Me => "me",
            Capability::ImmutableUserName => "immutable-user-name",
            Capability::Versioned => "versioned",
        })
    }
}

/// When a scenario applies. Unmet requirements skip it (they are not failures).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requires {
    /// The client modes to run in; empty means both.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modes: Vec<ClientMode>,
    /// Profiles that must be selected (a Fivetran rule scenario needs `fivetran`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<Profile>,
    /// Capabilities the target must have.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<Capability>,
    /// Capabilities the target must not have: for a scenario about what an unsupported
    /// feature answers (`/Bulk` where bulk is not advertised).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lacks: Vec<Capability>,
    /// Needs the in-process reference server (`run --reference`), whose account settings the
    /// scenario changes with `reference` steps; such a scenario gets a server of its own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reference: bool,
    /// Runs by itself, after every other scenario run is over: for a scenario that reads what
    /// it did not make (Okta's SPEC test reads the first user listed), so that no other run's
    /// users come and go under it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alone: bool,
}

/// The Okta org a scenario starts with. Logins and group names get a per-run prefix, so runs
/// never collide on a vendor's real endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// Okta users by key; the login is `<prefix>-<key>@<domain>`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub users: IndexMap<String, FixtureUser>,
    /// Crowds of Okta users made by count, for scenarios at real sizes: crowd `m` of
    /// `count: 500` is the fixture users `m001` to `m500` (numbered as wide as the count),
    /// each named `<first_name> <key>`. A group's `crowds` and an `assign_users` step take
    /// a crowd's key for all of its users.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub crowds: IndexMap<String, Crowd>,
    /// Okta groups by key; the name is `<prefix> <name>`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub groups: IndexMap<String, FixtureGroup>,
    /// The app integration's switches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Settings>,
}

/// An Okta user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureUser {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

/// A crowd of Okta users, made by count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Crowd {
    /// How many users (1 to 10,000).
    #[schemars(range(min = 1, max = 10000))]
    pub count: u32,
    /// Their first name; each one's last name is its key.
    pub first_name: String,
}

/// An Okta group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureGroup {
    /// The group's name (before the prefix); the key when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Member user keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// Crowds whose users are all members too, after `members`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crowds: Vec<String>,
}

/// One step: an Okta action, a raw SCIM request, or (with `requires.reference`) a change to
/// the reference server's account settings. Exactly one of the three.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What the step does, in a few words.
    pub name: String,
    /// An admin action in Okta, sent through mock-okta (`mock-okta/README.md` lists them; users
    /// and groups are fixture keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta: Option<Action>,
    /// A raw SCIM request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim: Option<ScimRequest>,
    /// An account-settings change on the in-process reference server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<ReferenceAction>,
    /// Send the request this many times, with `${i}` set to 1, 2, ... (raw SCIM steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<u32>,
    /// What must hold afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// Variables to set from the response body: name → JSON path (`$.id`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub capture: IndexMap<String, String>,
}

impl Step {
    /// Calls `f` with every string of a step that may hold `${variables}`.
    pub fn strings(&self, f: &mut dyn FnMut(&str)) {
        /// Every string of a JSON value, object keys included (they are interpolated too).
        fn json(v: &Value, f: &mut dyn FnMut(&str)) {
            match v {
                Value::String(s) => f(s),
                Value::Array(items) => items.iter().for_each(|i| json(i, f)),
                Value::Object(m) => m.iter().for_each(|(k, v)| {
                    f(k);
                    json(v, f);
                }),
                _ => {}
            }
        }
        if let Some(r) = &self.scim {
            f(&r.path);
            r.query.values().for_each(|q| f(&q.0));
            r.headers.values().for_each(|h| f(h));
            if let Some(b) = &r.body {
                json(b, f);
            }
            if let Some(b) = &r.raw_body {
                f(b);
            }
            if let Auth::Bearer(t) = &r.auth {
                f(t);
            }
        }
        if let Some(action) = &self.okta {
            // Every string an action holds (emails, roles, names) may carry variables.
            for (_, _, value) in action.strings() {
                f(&value);
            }
        }
        if let Some(e) = &self.expect {
            if let Some(m) = &e.message_contains {
                f(m);
            }
            // A body check's operands include its path.
            let operands = e
                .body
                .iter()
                .flat_map(BodyCheck::operands)
                .chain(e.headers.values().flat_map(ValueCheck::operands));
            for operand in operands {
                match operand {
                    Operand::Json(v) => json(v, f),
                    Operand::Text(t) => f(t),
                }
            }
        }
        self.capture.values().for_each(|p| f(p));
    }

    /// The variables the step refers to.
    pub fn variables(&self) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        self.strings(&mut |text| {
            out.extend(crate::vars::references(text).into_iter().map(str::to_owned));
        });
        out
    }

    /// The fixture users and groups an Okta step acts on, by key (`users.KEY`, `groups.KEY`).
    pub fn subjects(&self) -> Vec<String> {
        let Some(action) = &self.okta else {
            return Vec::new();
        };
        action
            .strings()
            .into_iter()
            .filter_map(|(slot, _, key)| match slot {
                mock_okta::Slot::User => Some(format!("users.{key}")),
                mock_okta::Slot::Group => Some(format!("groups.{key}")),
                mock_okta::Slot::GroupName | mock_okta::Slot::Text => None,
            })
            .collect()
    }
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

/// How a raw request authenticates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// The run's token, as a bearer token.
    #[default]
    Token,
    /// No `Authorization` header.
    None,
    /// This bearer token instead (for negative tests).
    Bearer(String),
    /// The token the run held before a `reference: regenerate_token` step: it must be
    /// refused. Scrubbed from the report like the current one.
    PreviousToken,
}

/// A query parameter value: YAML numbers and booleans are written as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(with = "Value")]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Scalar(s)),
            Value::Number(n) => Ok(Scalar(n.to_string())),
            Value::Bool(b) => Ok(Scalar(b.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "a query value must be a string, number or boolean, not {other}"
            ))),
        }
    }
}

/// A raw SCIM request, relative to the target's base URL. Strings may use `${variables}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScimRequest {
    /// The method.
    pub method: Method,
    /// The path, such as `/Users/${alice_id}`. A query written here is sent as written; use
    /// `query` to have values percent-encoded the way Okta encodes them.
    pub path: String,
    /// Query parameters, in order, percent-encoded with `%20` for spaces.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub query: IndexMap<String, Scalar>,
    /// Extra or replacing headers (the defaults are Okta's).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, String>,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// A body sent byte for byte (for malformed JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_body: Option<String>,
    /// Authentication.
    #[serde(default)]
    pub auth: Auth,
}

/// A change to the in-process reference server's account settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ReferenceAction {
    /// Set the account's plan.
    Plan(PlanName),
    /// Switch "Enable SCIM Provisioning".
    ScimEnabled(bool),
    /// Add a custom account-level role.
    CustomRole(String),
    /// Click Generate: a new API token, which the run (and its Okta) use from then on; the
    /// old one is `auth: previous_token`.
    RegenerateToken,
    /// The next `requests` SCIM requests are answered `429` with `Retry-After:
    /// retry_after` (a sandbox switch of the reference server, to watch Okta back off).
    RateLimit(RateLimit),
    /// Set Bulk's limits (`max_operations` 0 turns Bulk off).
    Bulk(BulkLimits),
}

/// A [`ReferenceAction::Bulk`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkLimits {
    /// The most operations one BulkRequest may hold.
    pub max_operations: u32,
    /// The largest BulkRequest body, in bytes.
    pub max_payload_size: u32,
}

/// A [`ReferenceAction::RateLimit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// How many requests to refuse.
    pub requests: u32,
    /// The `Retry-After` they carry, in seconds.
    pub retry_after: u64,
}

/// A Fivetran plan, as the reference server's admin API and `--plan` spell it. The format
/// has its own list (it depends on no server); a test keeps it in step with the server's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PlanName {
    /// Enterprise.
    Enterprise,
    /// Business Critical.
    BusinessCritical,
    /// Standard (no SCIM).
    Standard,
    /// Starter (no SCIM).
    Starter,
}

/// What a status must be: one code, or one of several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum StatusExpect {
    /// Exactly this code.
    One(u16),
    /// Any of these codes.
    AnyOf(Vec<u16>),
}

impl<'de> Deserialize<'de> for StatusExpect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Codes;
        impl<'de> serde::de::Visitor<'de> for Codes {
            type Value = StatusExpect;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an HTTP status code (a whole number) or a list of them")
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<StatusExpect, E> {
                u16::try_from(n)
                    .map(StatusExpect::One)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(n), &self))
            }

            /// `'200'` means 200 as plainly as `200` does.
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<StatusExpect, E> {
                s.trim()
                    .parse::<u16>()
                    .map(StatusExpect::One)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(s), &self))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<StatusExpect, A::Error> {
                let mut codes = Vec::new();
                while let Some(code) = seq.next_element::<u16>()? {
                    codes.push(code);
                }
                Ok(StatusExpect::AnyOf(codes))
            }
        }
        d.deserialize_any(Codes)
    }
}

impl StatusExpect {
    /// Whether `status` is allowed.
    pub fn allows(&self, status: u16) -> bool {
        match self {
            StatusExpect::One(s) => *s == status,
            StatusExpect::AnyOf(list) => list.contains(&status),
        }
    }
}

/// What must hold after a step. Each check is reported under `rule` (or its own `rule`), or as
/// a plain scenario expectation when there is none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The catalogue rule these checks assert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The response status (raw SCIM steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusExpect>,
    /// Response headers (raw SCIM steps): name → check on its value.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, ValueCheck>,
    /// Checks on the JSON response body (raw SCIM steps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<BodyCheck>,
    /// The outcome of an Okta action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<OutcomeKind>,
    /// Text the task or failure message must contain (Okta actions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_contains: Option<String>,
}

fn some_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// A check on one value. Exactly one of its fields is set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueCheck {
    /// Equal to this JSON value (`null` included). Strings compare exactly.
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub equals: Option<Value>,
    /// Equal to this string, ignoring case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals_ignoring_case: Option<String>,
    /// Present (`true`) or not (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    /// A string matching this regular expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
    /// A string containing this text, or an array containing this value.
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub contains: Option<Value>,
    /// An array (or string, or object) of this length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<usize>,
    /// The value differs from this one.
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub not_equals: Option<Value>,
    /// An `xsd:dateTime` later than this one, compared as instants. Two equal values with
    /// whole seconds only also hold: such a server cannot show a change within a second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub later_than: Option<String>,
    /// A number at least this large (a count that must cover what the scenario made, among
    /// resources the scenario cannot know of).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<i64>,
}

// Its check fields mirror `ValueCheck`'s instead of flattening one in, because serde's
// `flatten` cannot be combined with `deny_unknown_fields`, and a misspelt check must be a
// load error. `BodyCheck::check` names every field, so a field added to `ValueCheck` and not
// here fails to compile.
/// A check on the value at a JSON path of the response body.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyCheck {
    /// An RFC 9535 JSON path, such as `$.Resources[0].id`.
    pub path: String,
    /// The rule this check asserts, if not the step's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Equal to this JSON value (`null` included).
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub equals: Option<Value>,
    /// Equal to this string, ignoring case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals_ignoring_case: Option<String>,
    /// Present (`true`) or not (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    /// A string matching this regular expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
    /// A string containing this text, or an array containing this value.
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub contains: Option<Value>,
    /// An array (or string, or object) of this length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<usize>,
    /// The value differs from this one.
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub not_equals: Option<Value>,
    /// An `xsd:dateTime` later than this one, compared as instants. Two equal values with
    /// whole seconds only also hold: such a server cannot show a change within a second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub later_than: Option<String>,
    /// A number at least this large (a count that must cover what the scenario made, among
    /// resources the scenario cannot know of).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<i64>,
}

impl BodyCheck {
    /// The check without its path and rule.
    pub fn check(&self) -> ValueCheck {
        ValueCheck {
            equals: self.equals.clone(),
            equals_ignoring_case: self.equals_ignoring_case.clone(),
            exists: self.exists,
            matches: self.matches.clone(),
            contains: self.contains.clone(),
            length: self.length,
            not_equals: self.not_equals.clone(),
            later_than: self.later_than.clone(),
            at_least: self.at_least,
        }
    }
}

/// A value a check compares with, for `${variable}` substitution.
#[derive(Debug)]
pub enum OperandMut<'a> {
    /// A JSON operand (`equals`, `not_equals`, `contains`).
    Json(&'a mut Value),
    /// A text operand (`equals_ignoring_case`, `matches`, `later_than`, a body check's `path`).
    Text(&'a mut String),
}

/// A value a check compares with, read-only (to find the `${variables}` it uses).
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a> {
    /// A JSON operand (`equals`, `not_equals`, `contains`).
    Json(&'a Value),
    /// A text operand (`equals_ignoring_case`, `matches`, `later_than`, a body check's `path`).
    Text(&'a str),
}

/// The operands of a check, as `$json`/`$text` variants, borrowed with `&` or `&mut`.
macro_rules! operands {
    ($s:expr, $json:path, $text:path $(, $m:tt)?) => {{
        let mut out = Vec::new();
        for v in [&$($m)? $s.equals, &$($m)? $s.not_equals, &$($m)? $s.contains]
            .into_iter()
            .flatten()
        {
            out.push($json(v));
        }
        for t in [&$($m)? $s.equals_ignoring_case, &$($m)? $s.matches, &$($m)? $s.later_than]
            .into_iter()
            .flatten()
        {
            out.push($text(t));
        }
        out
    }};
}

impl BodyCheck {
    /// Every operand, the path included.
    pub fn operands_mut(&mut self) -> Vec<OperandMut<'_>> {
        let mut out = operands!(self, OperandMut::Json, OperandMut::Text, mut);
        out.push(OperandMut::Text(&mut self.path));
        out
    }

    /// Every operand, the path included.
    pub fn operands(&self) -> Vec<Operand<'_>> {
        let mut out = operands!(self, Operand::Json, Operand::Text);
        out.push(Operand::Text(&self.path));
        out
    }
}

impl ValueCheck {
    /// Every operand.
    pub fn operands_mut(&mut self) -> Vec<OperandMut<'_>> {
        operands!(self, OperandMut::Json, OperandMut::Text, mut)
    }

    /// Every operand.
    pub fn operands(&self) -> Vec<Operand<'_>> {
        operands!(self, Operand::Json, Operand::Text)
    }

    /// How many of the check's fields are set (exactly one must be).
    pub fn count(&self) -> usize {
        [
            self.equals.is_some(),
            self.equals_ignoring_case.is_some(),
            self.exists.is_some(),
            self.matches.is_some(),
            self.contains.is_some(),
            self.length.is_some(),
            self.not_equals.is_some(),
            self.later_than.is_some(),
            self.at_least.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }
}
