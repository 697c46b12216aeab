//! The `scim-harness` conformance runner: YAML scenarios, the rule catalogue and the reports
//! (issue #5). Not built yet: this crate is an empty library until then.
