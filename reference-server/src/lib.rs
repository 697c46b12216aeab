//! A Fivetran-style SCIM 2.0 service provider: the known-good target the harness is proven
//! against (issue #3). Not built yet: this crate is an empty library until then.
