//! The sandbox survives the internet: clients that send half a header, trickle a body, sit
//! idle, or open more connections than the server serves, against a real server on a real
//! socket. Each limit is set to its smallest (one second, two connections), so the tests wait
//! out a server's timeout, never a sleep of their own.

use std::time::Duration;

use reference_server::{Config, Running, spawn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOKEN: &str = "hostile-clients-token";

async fn server(max_connections: usize) -> Running {
    spawn(&Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        token: Some(TOKEN.into()),
        header_timeout_secs: 1,
        body_timeout_secs: 1,
        max_connections,
        ..Config::default()
    })
    .await
    .unwrap()
}

/// Reads until the server closes the connection; fails the test if it has not within 10 s
/// (ten times the limits these servers keep).
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await;
    assert!(
        closed.is_ok(),
        "the server kept the connection open: {}",
        String::from_utf8_lossy(&out)
    );
    String::from_utf8_lossy(&out).into_owned()
}

fn request(s: &Running, path: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n",
        s.addr
    )
}

#[tokio::test]
async fn half_a_header_is_closed_after_the_header_timeout() {
    let s = server(8).await;
    let mut c = TcpStream::connect(s.addr).await.unwrap();
    c.write_all(b"GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let answer = read_to_close(&mut c).await;
    // Closed: at most an error status, never a 200.
    assert!(!answer.contains("200 OK"), "{answer}");
}

#[tokio::test]
async fn a_body_that_never_comes_gets_408_with_a_scim_error() {
    let s = server(8).await;
    let mut c = TcpStream::connect(s.addr).await.unwrap();
    let head = format!(
        "POST /scim/v2/Users HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/scim+json\r\nContent-Length: 1000\r\n\r\n{{\"userName\":",
        s.addr
    );
    c.write_all(head.as_bytes()).await.unwrap();
    let answer = read_to_close(&mut c).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("urn:ietf:params:scim:api:messages:2.0:Error"),
        "{answer}"
    );
    assert_eq!(s.state.store().counts(), (0, 0), "nothing was created");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let s = server(8).await;
    let mut c = TcpStream::connect(s.addr).await.unwrap();
    c.write_all(request(&s, "/scim/v2/Users").as_bytes())
        .await
        .unwrap();
    // The answer, then nothing more from the client: the server closes the connection.
    let answer = read_to_close(&mut c).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn past_the_connection_cap_a_client_gets_503_and_later_ones_are_served() {
    let s = server(2).await;
    // Two idle connections take both places.
    let mut idle = Vec::new();
    for _ in 0..2 {
        let mut c = TcpStream::connect(s.addr).await.unwrap();
        // A request answered proves the connection is being served.
        c.write_all(request(&s, "/scim/v2/ServiceProviderConfig").as_bytes())
            .await
            .unwrap();
        let mut first = [0u8; 12];
        c.read_exact(&mut first).await.unwrap();
        idle.push(c);
    }
    let mut third = TcpStream::connect(s.addr).await.unwrap();
    let answer = read_to_close(&mut third).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("\"status\":\"503\""), "{answer}");
    // The idle ones time out and free their places.
    for c in &mut idle {
        read_to_close(c).await;
    }
    let mut next = TcpStream::connect(s.addr).await.unwrap();
    next.write_all(request(&s, "/scim/v2/Users").as_bytes())
        .await
        .unwrap();
    let answer = read_to_close(&mut next).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn requests_the_http_layer_cannot_parse_get_an_error_and_a_closed_connection() {
    let s = server(8).await;
    let long_uri = format!(
        "GET /scim/v2/Users?x={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let cases: [(&[u8], &str); 3] = [
        (
            b"GET /scim/v2/Users/\xff HTTP/1.1\r\nHost: x\r\n\r\n",
            "HTTP/1.1 400",
        ),
        (
            b"GET /scim/v2/Users/\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
            "HTTP/1.1 400",
        ),
        (long_uri.as_bytes(), "HTTP/1.1 414"),
    ];
    for (request, status) in cases {
        let mut c = TcpStream::connect(s.addr).await.unwrap();
        c.write_all(request).await.unwrap();
        let answer = read_to_close(&mut c).await;
        assert!(answer.starts_with(status), "{answer}");
    }
    // The server still serves.
    let mut c = TcpStream::connect(s.addr).await.unwrap();
    c.write_all(request(&s, "/scim/v2/Users").as_bytes())
        .await
        .unwrap();
    assert!(read_to_close(&mut c).await.starts_with("HTTP/1.1 200"));
}
