//! The rule catalogue: every check the harness makes, with a stable id, a level, a profile, a
//! title and the text it comes from.
//!
//! - **Exchange rules** run on every response the harness sees (`rules::exchange`).
//! - **Flow rules** are asserted by scenario steps (`expect: {rule: ...}`).
//!
//! RFC rules use the ids of `docs/rfc-checklist.md`; Okta and Fivetran rules read like
//! `okta.deactivate.user-stays-readable`. Ids are never reused. Where the RFC contradicts itself
//! (the checklist's Appendix B), no rule fails a server.

mod catalogue;
pub mod checklist;
pub mod exchange;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use catalogue::CATALOGUE;

use crate::scenario::Profile;

/// How binding a rule is: a failed MUST fails the run; SHOULD is a warning; MAY is
/// information.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// Required.
    Must,
    /// Recommended.
    Should,
    /// Optional.
    May,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        })
    }
}

/// When a rule is checked.
#[derive(Clone, Copy)]
pub enum Kind {
    /// On every response, by this check.
    Exchange(exchange::Check),
    /// By scenario steps that name it.
    Flow,
}

impl Kind {
    /// Whether it is an exchange rule.
    pub fn is_exchange(self) -> bool {
        matches!(self, Kind::Exchange(_))
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Exchange(_) => "exchange",
            Kind::Flow => "flow",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// One rule: everything about it in one value, its check included for an exchange rule.
/// Rules are equal when their ids are (ids are unique; a test holds them so).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Rule {
    /// Stable id.
    pub id: &'static str,
    /// MUST, SHOULD or MAY.
    pub level: Level,
    /// `rfc`, `okta` or `fivetran`.
    pub profile: Profile,
    /// What must hold.
    pub title: &'static str,
    /// Where it comes from: an RFC section, an Okta document, the guide.
    pub source: &'static str,
    /// The text it comes from (a short quote or close paraphrase).
    pub quote: &'static str,
    /// Exchange (with its check) or flow.
    pub kind: Kind,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.id == other.id
    }
}

impl Eq for Rule {}

impl Rule {
    /// `source: "quote"`, for reports.
    pub fn citation(&self) -> String {
        format!("{}: \"{}\"", self.source, self.quote)
    }
}

/// A rule of the catalogue, by reference: what a finding names. Only a catalogue rule can
/// be one, so a report never names a rule that does not exist. It serialises as the rule's
/// id.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RuleId(&'static Rule);

impl RuleId {
    /// The rule.
    pub fn rule(self) -> &'static Rule {
        self.0
    }

    /// The id.
    pub fn as_str(self) -> &'static str {
        self.0.id
    }
}

impl From<&'static Rule> for RuleId {
    fn from(rule: &'static Rule) -> RuleId {
        RuleId(rule)
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &RuleId) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RuleId {
    fn cmp(&self, other: &RuleId) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Debug for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A saved report names rules by id; reading it back finds them in this catalogue (an id it
/// does not hold is an error: the report came from another version of the harness).
impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RuleId, D::Error> {
        let id = String::deserialize(d)?;
        find(&id).map(RuleId::from).ok_or_else(|| {
            serde::de::Error::custom(format!("no rule {id:?} in this harness's catalogue"))
        })
    }
}

/// In the report's schema, a rule id is a string of the id's shape, not a list of today's
/// ids: a report names the rules of the harness that wrote it (`harness_version`), and
/// `scim-harness rules --format json` of that version gives their text.
impl schemars::JsonSchema for RuleId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RuleId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": RULE_ID_PATTERN,
            "description": "A rule of the catalogue of the harness that wrote the report (`scim-harness rules --format json`)."
        })
    }
}

/// The shape of every rule id (a test holds the catalogue to it).
pub const RULE_ID_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._-]*$";

/// The catalogue, as the scenario format sees it: which ids a scenario may assert.
#[derive(Clone, Copy, Debug, Default)]
pub struct Catalogue;

impl scenario_format::RuleIds for Catalogue {
    fn kind(&self, id: &str) -> Option<scenario_format::RuleKind> {
        find(id).map(|r| match r.kind {
            Kind::Exchange(_) => scenario_format::RuleKind::Exchange,
            Kind::Flow => scenario_format::RuleKind::Flow,
        })
    }

    fn ids(&self) -> Vec<&str> {
        CATALOGUE.iter().map(|r| r.id).collect()
    }
}

/// A rule by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    CATALOGUE.iter().find(|r| r.id == id)
}

/// The id nearest to `id` (for "did you mean"), if one is close enough.
pub fn nearest(id: &str) -> Option<&'static str> {
    crate::scenario::nearest(id, CATALOGUE.iter().map(|r| r.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for r in CATALOGUE {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            let prefix_ok = match r.profile {
                Profile::Rfc => r.id.starts_with("R7643-") || r.id.starts_with("R7644-"),
                Profile::Okta => r.id.starts_with("okta."),
                Profile::Fivetran => r.id.starts_with("fivetran."),
            };
            assert!(prefix_ok, "{} does not fit its profile", r.id);
            assert!(!r.quote.is_empty() && !r.title.is_empty());
        }
    }

    #[test]
    fn every_rfc_rule_is_a_checklist_row_that_is_judged() {
        for r in CATALOGUE.iter().filter(|r| r.profile == Profile::Rfc) {
            assert!(
                checklist::row_of(r.id).is_some(),
                "{} is no checklist row, nor a part of one",
                r.id
            );
            assert!(
                checklist::not_judged(r.id).is_none(),
                "{} is a row the RFC contradicts itself on",
                r.id
            );
        }
    }
}
