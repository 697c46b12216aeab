//! The interop matrix (`interop/run`) needs python3, npm and the registries, so `cargo test`
//! does not run it: this ignored test says so in every run, and runs it when asked
//! (`cargo test -p scim-e2e --test interop -- --ignored`). `.ci/run` runs it.

use std::path::Path;
use std::process::Command;

#[test]
#[ignore = "needs real SCIM servers from PyPI and npm; .ci/run runs it (interop/run --check)"]
fn the_interop_matrix_holds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let status = Command::new(root.join("interop/run"))
        .arg("--check")
        .current_dir(&root)
        .status()
        .unwrap_or_else(|e| panic!("cannot run interop/run: {e}"));
    assert!(status.success(), "interop/run --check failed");
}
