//! Any bytes given to the PATCH path parser give `Ok` or a located `Err`, never a panic;
//! what parses must print and re-parse to the same path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::patch::PatchPath;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    match PatchPath::parse(input) {
        Ok(path) => {
            let text = path.to_string();
            assert_eq!(PatchPath::parse(&text).as_ref(), Ok(&path), "round trip of {text:?}");
        }
        Err(e) => assert!(e.offset <= input.len()),
    }
});
