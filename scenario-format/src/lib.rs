//! # scenario-format
//!
//! The scim-harness scenario format, version 1, on its own: the model (`model`), a loader
//! that locates every problem of a file with the YAML parser's positions (`load`,
//! `diagnostic`), `${variables}` (`vars`), and the JSON Schema editors use (`json_schema`).
//! It depends on no server and no runner, only on the action vocabulary of the identity
//! providers its steps drive (mock-okta's [`Action`]); the harness runs what it loads.
//!
//! ```
//! use scenario_format::{RuleIds, RuleKind, load_str};
//!
//! struct NoRules;
//! impl RuleIds for NoRules {
//!     fn kind(&self, _: &str) -> Option<RuleKind> { None }
//!     fn ids(&self) -> Vec<&str> { Vec::new() }
//! }
//!
//! let text = "version: 1\nid: demo\ntitle: A demo\nsteps:\n  - name: list\n    scim: {method: GET, path: /Users}\n";
//! let scenario = load_str("demo.yaml", text, &NoRules).unwrap();
//! assert_eq!(scenario.steps.len(), 1);
//! ```
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod crowds;
mod de;
mod diagnostic;
mod load;
mod model;
mod validate;
pub mod vars;
pub mod yaml;

pub use diagnostic::{Diagnostic, nearest};
pub use load::{Loaded, MAX_PROBLEMS, load_paths, load_sources, load_str};
pub use model::*;

/// What a rule id names, as far as a scenario is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// A flow rule: scenarios assert it (`expect: {rule: ...}`).
    Flow,
    /// An exchange rule: checked on every response, never named by a scenario.
    Exchange,
}

/// The rules a scenario may name: the runner's catalogue, seen from the format.
pub trait RuleIds {
    /// What `id` names, or `None` when no rule has it.
    fn kind(&self, id: &str) -> Option<RuleKind>;
    /// Every rule id, for "did you mean".
    fn ids(&self) -> Vec<&str>;
}

/// The format's JSON Schema (`schemas/scenario-v1.json`), generated from the model.
pub fn json_schema() -> String {
    serde_json::to_string_pretty(&schemars::schema_for!(Scenario)).unwrap_or_default() + "\n"
}
