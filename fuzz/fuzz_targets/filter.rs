//! Any bytes given to the filter parser give `Ok` or a located `Err`, never a panic; what
//! parses must print canonically, re-parse to the same tree, and evaluate without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::filter::{self, Matcher};
use scim_core::schema;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    match filter::parse(input) {
        Ok(ast) => {
            let text = ast.to_string();
            assert_eq!(filter::parse(&text).as_ref(), Ok(&ast), "round trip of {text:?}");
            if let Ok(m) = Matcher::compile(&ast, schema::user()) {
                let user = serde_json::json!({
                    "userName": "a@b.c", "active": true, "emails": [{"value": "a@b.c", "type": "work"}],
                    "name": {"givenName": "A"}, "meta": {"lastModified": "2024-01-01T00:00:00Z"}
                });
                let _ = m.matches(&user);
            }
        }
        Err(e) => assert!(e.offset <= input.len()),
    }
});
