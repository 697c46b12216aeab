//! End-to-end tests across the workspace's crates, on real sockets bound to 127.0.0.1 with
//! ephemeral ports. The tests live in `tests/tests/`; this library holds what they share.

use reference_server::{Config, Running};

/// The SCIM token the test servers use.
pub const TOKEN: &str = "e2e-token";

/// Starts a reference server on a free loopback port.
pub async fn reference_server(adjust: impl FnOnce(&mut Config)) -> Running {
    let mut config = Config {
        listen: "127.0.0.1:0"
            .parse()
            .unwrap_or_else(|_| unreachable!("a valid address")),
        token: Some(TOKEN.into()),
        ..Config::default()
    };
    adjust(&mut config);
    match reference_server::spawn(&config).await {
        Ok(r) => r,
        Err(e) => unreachable!("cannot bind a loopback port: {e}"),
    }
}

/// A client that sends Okta's request headers (okta-wire §1.1): `User-Agent: Okta SCIM
/// Client 1.0.0`, `Accept: application/scim+json`, `Accept-Charset: utf-8`,
/// `Accept-Encoding: gzip,deflate`, and the bearer token.
pub fn okta_client(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let mut put = |k: &'static str, v: &str| {
        if let Ok(v) = reqwest::header::HeaderValue::from_str(v) {
            headers.insert(k, v);
        }
    };
    put("accept", "application/scim+json");
    put("accept-charset", "utf-8");
    put("accept-encoding", "gzip,deflate");
    put("authorization", &format!("Bearer {token}"));
    match reqwest::Client::builder()
        .user_agent("Okta SCIM Client 1.0.0")
        .default_headers(headers)
        .build()
    {
        Ok(c) => c,
        Err(e) => unreachable!("a plain HTTP client builds: {e}"),
    }
}
