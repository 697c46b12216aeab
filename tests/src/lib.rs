//! End-to-end tests across the workspace's crates live in `tests/tests/`; they arrive with
//! the reference server (issue #3) and mock-okta (issue #4).
