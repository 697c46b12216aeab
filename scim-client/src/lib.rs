//! # scim-client
//!
//! The wire, once. Every SCIM request the workspace sends, whether mock-okta's (and later
//! mock-entra's) provisioning calls or the harness's raw scenario requests, goes through
//! [`Client::send`], which:
//!
//! - sends exactly the method, URL, headers (in order, names in the [`HeaderCase`] asked for)
//!   and body it is given, with a timeout, and never follows a redirect into a request it
//!   did not record;
//! - records the exchange as an [`Exchange`] (request, response, error, timing), with the
//!   run's token scrubbed from everything recorded, even when the server echoes it back;
//! - gives the caller the answer ([`Sent::outcome`]: status and body parsed as JSON) or the
//!   reason there was none.
//!
//! What differs between identity providers (Okta's headers and 429 back-off, Entra's) lives
//! in their mocks, on top of this crate. Waiting goes through a [`Clock`], so a five-minute
//! back-off takes no time in a test.
//!
//! ```no_run
//! # async fn demo() {
//! use scim_client::{Client, Request};
//!
//! let client = Client::new("s3cr3t", std::time::Duration::from_secs(60));
//! let request = Request::new(reqwest::Method::GET, "http://127.0.0.1:8080/scim/v2/Users")
//!     .header("Authorization", format!("Bearer {}", client.secret().expose()));
//! let sent = client.send(&client.prepare(request)).await;
//! println!("{}", sent.exchange); // the token shows as ********
//! # }
//! ```
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod clock;
pub mod encode;
pub mod secret;
pub mod send;
pub mod transcript;

pub use clock::{CappedClock, Clock, RecordingClock, SystemClock};
pub use encode::{encode, path_and_query};
pub use secret::Secret;
pub use send::{
    Answer, Client, DEFAULT_MAX_BODY, HeaderCase, Prepared, Request, SendError, Sent, error_chain,
    parse_size,
};
pub use transcript::{
    Exchange, MASKED, REPORTED_BODY_LIMIT, RecordedRequest, RecordedResponse, shorten,
};
