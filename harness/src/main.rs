//! `scim-harness`: see `harness::cli`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    harness::cli::main().await
}
