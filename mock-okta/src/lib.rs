//! An Okta provisioning engine that replays the guide's flows with Okta's exact wire
//! behaviour (issue #4). Not built yet: this crate is an empty library until then.
