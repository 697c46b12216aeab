//! The recording client against real servers on loopback: what it records, what it scrubs,
//! and what it does not do (follow redirects).

use std::time::Duration;

use reqwest::Method;
use scim_client::{Client, MASKED, Request, SendError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "wire-test-token-9c1e";

fn client() -> Client {
    Client::new(TOKEN, Duration::from_secs(10))
}

#[tokio::test]
async fn the_token_is_scrubbed_from_everything_recorded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/Users"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-echo", format!("Bearer {TOKEN}").as_str())
                .set_body_raw(
                    format!(r#"{{"detail":"token {TOKEN} is not welcome"}}"#),
                    "application/scim+json",
                ),
        )
        .mount(&server)
        .await;
    let wire = client();
    let request = Request::new(
        Method::POST,
        format!("{}/scim/v2/Users?t={TOKEN}", server.uri()),
    )
    .header("Authorization", format!("Bearer {TOKEN}"))
    .header("X-Other", "Bearer wrong-token")
    .body(format!(r#"{{"userName":"{TOKEN}"}}"#));
    let sent = wire.send(&wire.prepare(request)).await;
    let recorded = serde_json::to_string(&sent.exchange).unwrap();
    assert!(!recorded.contains(TOKEN), "{recorded}");
    let request = Request::new(Method::GET, "http://127.0.0.1:9/")
        .header("authorization", format!("Bearer {TOKEN}"));
    let prepared = wire.prepare(request.clone());
    for shown in [
        format!("{wire:?}"),
        format!("{request:?}"),
        format!("{prepared:?}"),
    ] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    let headers = &sent.exchange.request.headers;
    assert_eq!(headers[0], ("Authorization".into(), MASKED.into()));
    assert_eq!(
        headers[1].1, "Bearer wrong-token",
        "another credential is kept"
    );
    assert_eq!(sent.status(), Some(401));
    assert_eq!(sent.header("X-ECHO"), Some(MASKED));
    assert_eq!(
        sent.json().and_then(|j| j["detail"].as_str()),
        Some("token ******** is not welcome"),
        "the parsed body is the recorded one"
    );
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        received.headers.get("authorization").unwrap(),
        &format!("Bearer {TOKEN}"),
        "the wire carries the real token"
    );
}

#[tokio::test]
async fn a_redirect_is_recorded_as_the_answer_and_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/Users"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/elsewhere"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let wire = client();
    let sent = wire
        .send(&wire.prepare(
            Request::new(Method::POST, format!("{}/scim/v2/Users", server.uri())).body("{}"),
        ))
        .await;
    assert_eq!(sent.status(), Some(302));
    assert_eq!(sent.header("location"), Some("/elsewhere"));
    // MockServer checks the `expect` counts when it drops.
}

#[tokio::test]
async fn no_answer_is_recorded_with_its_reason() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let wire = client();
    let sent = wire
        .send(&wire.prepare(Request::new(
            Method::GET,
            format!("http://127.0.0.1:{port}/scim/v2/Users"),
        )))
        .await;
    assert!(
        matches!(sent.outcome, Err(SendError::Connection(_))),
        "{sent:?}"
    );
    assert!(sent.exchange.response.is_none());
    assert!(
        sent.exchange
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("connection failed: ")),
        "{:?}",
        sent.exchange.error
    );

    // A server that accepts and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hold = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        std::future::pending::<()>().await;
        drop(socket);
    });
    let wire = Client::new(TOKEN, Duration::from_millis(200));
    let sent = wire
        .send(&wire.prepare(Request::new(
            Method::GET,
            format!("http://{addr}/scim/v2/Users"),
        )))
        .await;
    assert_eq!(
        sent.outcome,
        Err(SendError::Timeout(Duration::from_millis(200)))
    );
    assert_eq!(
        sent.exchange.error.as_deref(),
        Some("no response within 200ms")
    );
    hold.abort();
}

/// The request head a raw TCP server receives from `case`.
async fn head_sent_with(case: scim_client::HeaderCase) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        socket
            .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
            .await
            .unwrap();
        String::from_utf8_lossy(&head).into_owned()
    });
    let wire = Client::with_header_case(TOKEN, Duration::from_secs(10), case);
    let request = Request::new(Method::GET, format!("http://{addr}/scim/v2/Users"))
        .header("Accept", "application/scim+json")
        .header("User-Agent", "Okta SCIM Client 1.0.0");
    let sent = wire.send(&wire.prepare(request)).await;
    assert_eq!(sent.status(), Some(204));
    server.await.unwrap()
}

#[tokio::test]
async fn header_names_go_out_in_the_case_asked_for() {
    let title = head_sent_with(scim_client::HeaderCase::Title).await;
    assert!(
        title.contains("\r\nAccept: application/scim+json\r\n"),
        "{title}"
    );
    assert!(
        title.contains("\r\nUser-Agent: Okta SCIM Client 1.0.0\r\n"),
        "{title}"
    );
    let lower = head_sent_with(scim_client::HeaderCase::Lower).await;
    assert!(
        lower.contains("\r\naccept: application/scim+json\r\n"),
        "{lower}"
    );
}

#[tokio::test]
async fn https_is_spoken_and_an_untrusted_certificate_refused() {
    use std::sync::Arc;
    use tokio_rustls::rustls;

    let key = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = key.cert.der().clone();
    let private =
        rustls::pki_types::PrivateKeyDer::try_from(key.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert], private)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        // The client hangs up when it sees the certificate.
        acceptor.accept(socket).await.is_err()
    });
    let wire = client();
    let sent = wire
        .send(&wire.prepare(Request::new(
            Method::GET,
            format!("https://{addr}/scim/v2/Users"),
        )))
        .await;
    let Err(SendError::Connection(why)) = &sent.outcome else {
        panic!("an untrusted certificate must be refused: {sent:?}");
    };
    assert!(why.to_lowercase().contains("certificate"), "{why}");
    assert!(
        server.await.unwrap(),
        "the handshake was refused, not completed"
    );
}

/// A server that answers every request with an endless chunked body (or, with a length,
/// announces one of 50 MB), and reports how many body bytes it got to write.
async fn flooding_server(announce_length: bool) -> (String, tokio::sync::oneshot::Receiver<u64>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = [0u8; 4096];
        let _ = socket.read(&mut head).await;
        let framing = if announce_length {
            "Content-Length: 50000000"
        } else {
            "Transfer-Encoding: chunked"
        };
        let start =
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\n{framing}\r\n\r\n");
        let mut written = 0u64;
        if socket.write_all(start.as_bytes()).await.is_ok() {
            let chunk = vec![b'x'; 64 * 1024];
            let framed = [
                format!("{:x}\r\n", chunk.len()).into_bytes(),
                chunk.clone(),
                b"\r\n".to_vec(),
            ]
            .concat();
            // At most 64 MiB, so a client that reads everything still ends the test.
            while written < 64 * 1024 * 1024 {
                let piece = if announce_length { &chunk } else { &framed };
                if socket.write_all(piece).await.is_err() {
                    break;
                }
                written += chunk.len() as u64;
            }
        }
        let _ = tx.send(written);
    });
    (format!("http://{addr}/scim/v2/Users"), rx)
}

#[tokio::test]
async fn an_answer_over_the_body_limit_is_refused_and_left_unread() {
    for announce_length in [false, true] {
        let (url, written) = flooding_server(announce_length).await;
        let wire = client().with_max_body(1024 * 1024);
        let sent = wire
            .send(&wire.prepare(Request::new(Method::GET, url)))
            .await;
        assert_eq!(
            sent.outcome,
            Err(SendError::TooLarge {
                status: 200,
                limit: 1024 * 1024
            })
        );
        let error = sent.exchange.error.as_deref().unwrap_or_default();
        assert!(error.contains("over the 1048576 bytes"), "{error}");
        assert!(
            sent.exchange.response.is_none(),
            "nothing of the body is kept"
        );
        drop(wire);
        // The client stopped reading: the server could write only what the socket buffers
        // hold beyond the limit, never the 64 MiB it had.
        let written = written.await.unwrap();
        assert!(written < 32 * 1024 * 1024, "{written} bytes were read");
    }
}
