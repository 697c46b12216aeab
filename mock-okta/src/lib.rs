//! # mock-okta
//!
//! An Okta provisioning engine for testing SCIM service providers. It holds an Okta org (users,
//! groups) and one app integration (Fivetran's by default: OIN PATCH mode, Email username
//! format, the Role attribute mapped to `roles.^[primary==true].value`), and when an admin
//! action happens it sends exactly the requests Okta sends, in the same order, with the same
//! headers and bodies, and reacts to the answers as Okta does: tasks for failures, 429
//! back-off, a 60-second timeout.
//!
//! ```no_run
//! # async fn demo() -> Result<(), mock_okta::ActionError> {
//! use mock_okta::{ClientMode, ClientOptions, MockOkta, NewUser, Org};
//!
//! let org = Org::fivetran("http://127.0.0.1:8080/scim/v2", ClientMode::OinPatch);
//! let mut okta = MockOkta::new(org, ClientOptions::new("token"));
//! okta.create_user(NewUser {
//!     login: "test.user@okta.local".into(),
//!     first_name: "Test".into(),
//!     last_name: "User".into(),
//!     email: None,
//! })?;
//! let report = okta.assign_user("test.user@okta.local", [("role".into(), "Account Analyst".into())].into()).await?;
//! for exchange in &report.exchanges {
//!     println!("{exchange}");
//! }
//! # Ok(()) }
//! ```
//!
//! Every fact it relies on comes from `docs/okta-wire.md`; the inferences are listed in
//! `mock-okta/README.md`.
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod action;
pub mod bodies;
pub mod cli;
pub mod client;
pub mod engine;
mod group_push;
mod groups;
pub mod ids;
mod import;
pub mod mapping;
pub mod model;
mod provision;
pub mod state_file;
mod users;

pub use action::{Action, Settings, Slot};
pub use client::{ClientOptions, ScimClient, SendError};
pub use engine::{ActionError, ActionReport, ImportSummary, MockOkta, Outcome, OutcomeKind};
pub use import::MAX_IMPORT_PAGES;
pub use model::{ClientMode, HeaderProfile, Org};
pub use users::{NewUser, ProfileChange};
