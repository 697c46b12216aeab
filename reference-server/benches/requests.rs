//! The server's own cost per request: routing, the access checks, reading the request, the
//! store and writing the answer, through the router with no socket, on one thread. What a
//! request costs in the kernel and in hyper is left out, so a change to the server's code
//! shows here even when a load run on a noisy machine cannot tell it apart (see
//! docs/benchmarks.md, "Issue 15").
//!
//! Run with `cargo bench -p reference-server --bench requests`. The store holds
//! [`USERS`] users, as many as `scim-bench`'s load runs (which also put some in teams).

use std::cell::Cell;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode};
use divan::Bencher;
use http_body_util::BodyExt;
use reference_server::{AppState, Config, app};
use tower::ServiceExt;

/// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TOKEN: &str = "bench-token";
const USERS: usize = 10_000;

fn main() {
    divan::main();
}

/// A filled server, and a runtime to drive it.
struct Server {
    rt: tokio::runtime::Runtime,
    app: Router,
    ids: Vec<String>,
}

fn user_name(i: usize) -> String {
    format!("user{i:06}@bench.example.com")
}

/// Okta's create-user body (OIN mode).
fn create_body(user_name: &str) -> String {
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{user_name}","name":{{"givenName":"Load","familyName":"Test"}},"emails":[{{"primary":true,"value":"{user_name}","type":"work"}}],"displayName":"Load Test","locale":"en-US","externalId":"00uloadtest","groups":[],"password":"placeholder-Pw1!","active":true,"roles":[{{"primary":true,"value":"Account Analyst"}}]}}"#
    )
}

fn request(method: Method, uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/scim+json")
        .body(body.into())
        .unwrap_or_else(|e| unreachable!("{e}"))
}

impl Server {
    fn new() -> Server {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| unreachable!("{e}"));
        let config = Config {
            token: Some(TOKEN.into()),
            ..Config::default()
        };
        let app = app(AppState::new(&config));
        let mut server = Server {
            rt,
            app,
            ids: Vec::new(),
        };
        for i in 0..USERS {
            let (status, body) = server.send(request(
                Method::POST,
                "/scim/v2/Users",
                create_body(&user_name(i)),
            ));
            assert_eq!(status, StatusCode::CREATED);
            let json: serde_json::Value =
                serde_json::from_slice(&body).unwrap_or_else(|e| unreachable!("{e}"));
            server
                .ids
                .push(json["id"].as_str().unwrap_or_default().to_owned());
        }
        server
    }

    /// One request, its answer read to the end.
    fn send(&self, request: Request<Body>) -> (StatusCode, Bytes) {
        self.rt.block_on(async {
            let response = self
                .app
                .clone()
                .oneshot(request)
                .await
                .unwrap_or_else(|e| match e {});
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .unwrap_or_else(|e| unreachable!("{e}"))
                .to_bytes();
            (status, body)
        })
    }

    /// Runs `make(i)` for i = 0, 1, ..., each answered with `expect`.
    fn bench(&self, bencher: Bencher, expect: StatusCode, make: impl Fn(usize) -> Request<Body>) {
        let i = Cell::new(0);
        bencher
            .with_inputs(|| {
                let n = i.get();
                i.set(n + 1);
                make(n)
            })
            .bench_local_values(|r| {
                let (status, _) = self.send(r);
                assert_eq!(status, expect);
            });
    }
}

/// A pick spread over the users (a stride prime to their count).
fn spread(i: usize) -> usize {
    i.wrapping_mul(7919) % USERS
}

#[divan::bench(sample_count = 200, sample_size = 100)]
fn get_by_id(bencher: Bencher) {
    let s = Server::new();
    s.bench(bencher, StatusCode::OK, |i| {
        request(
            Method::GET,
            &format!("/scim/v2/Users/{}", s.ids[spread(i)]),
            Body::empty(),
        )
    });
}

#[divan::bench(sample_count = 200, sample_size = 100)]
fn user_name_eq(bencher: Bencher) {
    let s = Server::new();
    s.bench(bencher, StatusCode::OK, |i| {
        let filter = encode(&format!("userName eq \"{}\"", user_name(spread(i))));
        request(
            Method::GET,
            &format!("/scim/v2/Users?filter={filter}"),
            Body::empty(),
        )
    });
}

#[divan::bench(sample_count = 200, sample_size = 100)]
fn create(bencher: Bencher) {
    let s = Server::new();
    s.bench(bencher, StatusCode::CREATED, |i| {
        request(
            Method::POST,
            "/scim/v2/Users",
            create_body(&format!("new.{i}@bench.example.com")),
        )
    });
}

#[divan::bench(sample_count = 200, sample_size = 100)]
fn deactivate(bencher: Bencher) {
    let s = Server::new();
    s.bench(bencher, StatusCode::OK, |i| {
        // Every pass over the users flips `active`, so every PATCH changes the user.
        let active = (i / USERS) % 2 == 1;
        request(
            Method::PATCH,
            &format!("/scim/v2/Users/{}", s.ids[i % USERS]),
            format!(
                r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"replace","value":{{"active":{active}}}}}]}}"#
            ),
        )
    });
}

/// Percent-encodes a query value as Okta does (unreserved characters kept).
fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
