//! Any bytes sent as the body of a write, through the reference server's real router and
//! extractors: the answer is never a 5xx and always JSON (a resource, a list or a SCIM error),
//! and nothing panics. The first byte picks the route, so one corpus covers them all.
#![no_main]

use std::sync::LazyLock;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use reference_server::{AppState, Config, app};
use tower::ServiceExt;

const TOKEN: &str = "fuzz-token";

struct Target {
    runtime: tokio::runtime::Runtime,
    app: Router,
    user: String,
    group: String,
}

/// One server for the whole run, with a user and a team to write to.
static TARGET: LazyLock<Target> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let state = AppState::new(&Config {
        token: Some(TOKEN.into()),
        ..Config::default()
    });
    let app = app(state);
    let (user, group) = runtime.block_on(async {
        let user = send(&app, Method::POST, "/scim/v2/Users", br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"fuzz@example.com","emails":[{"value":"fuzz@example.com","primary":true}],"name":{"givenName":"F","familyName":"Z"}}"#).await;
        let group = send(&app, Method::POST, "/scim/v2/Groups", br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Fuzzers"}"#).await;
        (id(&user), id(&group))
    });
    Target { runtime, app, user, group }
});

fn id(answer: &(u16, serde_json::Value)) -> String {
    answer.1["id"].as_str().expect("the seed resource was created").to_owned()
}

async fn send(app: &Router, method: Method, path: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/scim+json")
        .body(Body::from(body.to_vec()))
        .expect("a request");
    let response = app.clone().oneshot(request).await.expect("the router answers");
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.expect("a body").to_bytes();
    let json = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{status}: not JSON ({e})"))
    };
    (status, json)
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let t = &*TARGET;
    let (method, path) = match pick % 7 {
        0 => (Method::POST, "/scim/v2/Users".to_owned()),
        1 => (Method::PUT, format!("/scim/v2/Users/{}", t.user)),
        2 => (Method::PATCH, format!("/scim/v2/Users/{}", t.user)),
        3 => (Method::POST, "/scim/v2/Users/.search".to_owned()),
        4 => (Method::POST, "/scim/v2/Groups".to_owned()),
        5 => (Method::PUT, format!("/scim/v2/Groups/{}", t.group)),
        _ => (Method::PATCH, format!("/scim/v2/Groups/{}", t.group)),
    };
    let (status, json) = t.runtime.block_on(send(&t.app, method.clone(), &path, body));
    assert!(status < 500, "{method} {path}: {status} {json}");
    if status >= 400 {
        assert_eq!(json["status"], status.to_string(), "{method} {path}: {json}");
    }
});
