//! Parsing and evaluating filters: a typical Okta lookup and a complex filter.
//!
//! Run with `cargo bench -p scim-core`. The goal for the typical filter is about a
//! microsecond to parse (issue #2); numbers are recorded in `docs/benchmarks.md`.

use divan::{Bencher, black_box};
use scim_core::filter::{self, Matcher};
use scim_core::{patch, schema};
use serde_json::json;

const OKTA: &str = r#"userName eq "test.user@okta.local""#;
const COMPLEX: &str = r#"userType eq "Employee" and (emails[type eq "work" and value co "@example.com"] or not (name.familyName sw "J")) and meta.lastModified gt "2011-05-13T04:42:34Z" and urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber pr"#;

fn main() {
    divan::main();
}

/// The benchmarked filters, by a short name so the results table stays readable.
fn filter_text(name: &str) -> &'static str {
    match name {
        "okta" => OKTA,
        "complex" => COMPLEX,
        other => unreachable!("no benchmarked filter is named {other:?}"),
    }
}

#[divan::bench(args = ["okta", "complex"])]
fn parse(bencher: Bencher, name: &str) {
    let input = filter_text(name);
    bencher.bench(|| filter::parse(black_box(input)).unwrap_or_else(|e| unreachable!("{e}")));
}

#[divan::bench(args = ["okta", "complex"])]
fn evaluate(bencher: Bencher, name: &str) {
    let f = filter::parse(filter_text(name)).unwrap_or_else(|e| unreachable!("{e}"));
    let m = Matcher::compile(&f, schema::user()).unwrap_or_else(|e| unreachable!("{e}"));
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "userName": "Test.User@okta.local",
        "userType": "Employee",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"value": "test.user@okta.local", "type": "work", "primary": true}],
        "active": true,
        "meta": {"resourceType": "User", "created": "2024-01-01T00:00:00Z", "lastModified": "2024-06-01T00:00:00Z"}
    });
    bencher.bench(|| m.matches(black_box(&user)));
}

#[divan::bench]
fn parse_patch_path() -> patch::PatchPath {
    patch::PatchPath::parse(black_box(
        r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
    ))
    .unwrap_or_else(|e| unreachable!("{e}"))
}
