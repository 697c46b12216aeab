//! # scim-core
//!
//! The SCIM 2.0 protocol (RFC 7643, RFC 7644) as a library, with no I/O: the reference
//! server, the mock Okta client and the conformance harness all speak SCIM through it.
//! Resources are plain JSON objects (`serde_json::Map`), so extensions and attributes a
//! reader does not know survive a round trip; everything here reads them through [`schema`].
//!
//! - [`schema`]: attribute characteristics as data (type, multiValued, caseExact,
//!   mutability, returned, uniqueness) for the core User and Group schemas, value checking
//!   and normalisation.
//! - [`filter`]: the whole filter grammar of RFC 7644 §3.4.2.2, a canonical printer, and an
//!   evaluator driven by the schema (case rules, multi-valued matching, dateTime ordering).
//! - [`patch`]: PATCH bodies, the path grammar, and an engine applying `add`, `remove` and
//!   `replace` as RFC 7644 §3.5.2 says and as Okta and Entra actually send them.
//! - [`projection`] and [`sort`]: `attributes`/`excludedAttributes` and `sortBy`/`sortOrder`,
//!   driven by the same characteristics.
//! - [`error`]: the RFC 7644 §3.12 error body, which every error here converts into.
//! - [`list`], [`urn`], [`datetime`], [`text`]: query messages, URN constants, timestamps,
//!   and case-aware string comparison.
//!
//! ```
//! use scim_core::{filter, filter::Matcher, schema};
//! use serde_json::json;
//!
//! let f = filter::parse(r#"userName eq "ALICE@example.com" and emails[type eq "work"]"#).unwrap();
//! let m = Matcher::compile(&f, schema::user()).unwrap();
//! let alice = json!({"userName": "alice@example.com", "emails": [{"type": "work", "value": "alice@example.com"}]});
//! assert!(m.matches(&alice)); // userName is caseExact: false
//! ```
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod attr_path;
pub mod datetime;
pub mod error;
pub mod filter;
pub mod json;
pub mod list;
pub mod patch;
pub mod projection;
pub mod schema;
pub mod sort;
pub mod text;
pub mod urn;

pub use attr_path::AttrPath;
pub use error::{ScimError, ScimType};
pub use filter::Filter;
pub use list::ListResponse;
pub use patch::{PatchOp, PatchOperation, PatchRequest};
