//! # harness
//!
//! The `scim-harness` conformance runner as a library: load scenarios, run them against a SCIM
//! endpoint through mock-okta, and get a report of every rule that held or broke.
//!
//! ```no_run
//! # async fn demo() -> Result<(), harness::runner::RunError> {
//! use harness::runner::{self, RunConfig, Target};
//!
//! let (scenarios, errors) = harness::cli::load(&[]); // the built-in scenarios
//! assert!(errors.is_empty());
//! let config = RunConfig::new(Target::Reference);
//! let report = runner::run(&config, &scenarios, &|_| {}).await?;
//! assert!(report.passed(), "{}", harness::report::terminal::render(&report, Default::default()));
//! # Ok(()) }
//! ```
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod cli;
pub mod report;
pub mod rules;
pub mod runner;

/// The scenario format, as the harness reads it (the `scenario-format` crate).
pub use scenario_format as scenario;

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
