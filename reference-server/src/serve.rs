//! Serving the app on a socket, with the limits a server exposed to a network needs: a
//! deadline for each request's headers (which is also how long a kept-alive connection may
//! sit idle), and a cap on connections served at once. (A body's deadline is kept where the
//! body is read, in `extract`, so that its answer can be a SCIM error.)
//!
//! `axum::serve` sets neither, so a client that opens connections and sends nothing, or
//! half a header, could hold them until the process ran out of file descriptors.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// The connection limits of [`serve`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long a client has to send a request's headers; also how long a kept-alive
    /// connection may wait for its next request.
    pub header_timeout: Duration,
    /// The most connections served at once.
    pub max_connections: usize,
}

impl ConnectionLimits {
    /// The limits a configuration asks for.
    pub fn from_config(config: &crate::Config) -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(config.header_timeout_secs.max(1)),
            max_connections: config.max_connections.max(1),
        }
    }
}

/// What a connection past the cap is told before it is closed: a SCIM error, so a client
/// that reads it knows why.
const BUSY: &str = concat!(
    "HTTP/1.1 503 Service Unavailable\r\n",
    "Content-Type: application/scim+json\r\n",
    "Retry-After: 1\r\n",
    "Connection: close\r\n",
    "Content-Length: 150\r\n",
    "\r\n",
    r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"503","detail":"the server is serving as many connections as it takes; try again"}"#,
);

/// Serves `app` on `listener` until `shutdown` completes, then lets the requests under way
/// finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors, or a connection reset before it was accepted: the
                // listener itself is fine, so keep serving.
                Err(_) => continue,
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            tokio::spawn(turn_away(stream));
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that misbehaves only ends its own connection.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Answers a connection past the cap with [`BUSY`], without reading it, and closes it; a
/// client that does not read the answer cannot hold the task.
async fn turn_away(mut stream: TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(BUSY.as_bytes())).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::BUSY;

    #[test]
    fn the_busy_answer_says_its_length_right() {
        let (head, body) = BUSY.split_once("\r\n\r\n").unwrap();
        assert!(
            head.contains(&format!("Content-Length: {}", body.len())),
            "{}",
            body.len()
        );
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["status"], "503");
    }
}
