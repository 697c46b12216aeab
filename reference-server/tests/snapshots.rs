//! Snapshots of representative responses, so that any change to what clients see is
//! reviewed. Ids, timestamps, versions and locations are redacted.

mod common;

use axum::http::Method;
use common::{Server, okta_user};
use insta::assert_json_snapshot;
use serde_json::json;

macro_rules! snap {
    ($name:expr, $value:expr) => {
        assert_json_snapshot!($name, $value, {
            ".id" => "[id]",
            ".meta.created" => "[timestamp]",
            ".meta.lastModified" => "[timestamp]",
            ".meta.location" => "[location]",
            ".meta.version" => "[version]",
            ".members[].value" => "[id]",
            ".members[].$ref" => "[location]",
            ".groups[].value" => "[id]",
            ".groups[].$ref" => "[location]",
            ".Resources[].id" => "[id]",
            ".Resources[].meta.created" => "[timestamp]",
            ".Resources[].meta.lastModified" => "[timestamp]",
            ".Resources[].meta.location" => "[location]",
            ".Resources[].meta.version" => "[version]",
            ".Resources[].groups[].value" => "[id]",
            ".Resources[].groups[].$ref" => "[location]",
        })
    };
}

#[tokio::test]
async fn user_lifecycle_responses() {
    let s = Server::new();
    let created = s
        .post(
            "/Users",
            okta_user(
                "test.user@okta.local",
                "Test",
                "User",
                Some("Account Analyst"),
            ),
        )
        .await;
    snap!("user_created", &created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let team = s.create_group("Analysts", &[&id]).await;
    let deactivated = s
        .patch(
            &format!("/Users/{id}"),
            json!([{"op": "replace", "value": {"active": false}}]),
        )
        .await;
    snap!("user_deactivated", &deactivated.body);
    let found = s
        .get(&format!(
            "/Users?filter={}&startIndex=1&count=100",
            common::enc("userName eq \"TEST.USER@okta.local\"")
        ))
        .await;
    snap!("user_found_by_filter", &found.body);
    let group = s.get(&format!("/Groups/{team}")).await;
    snap!("team", &group.body);
}

#[tokio::test]
async fn error_responses() {
    let s = Server::new();
    s.create_user("dup@example.com").await;
    snap!(
        "error_conflict",
        &s.post("/Users", okta_user("DUP@example.com", "A", "B", None))
            .await
            .body
    );
    snap!(
        "error_not_found",
        &s.get("/Users/00000000-0000-4000-8000-000000000000")
            .await
            .body
    );
    snap!(
        "error_invalid_filter",
        &s.get("/Users?filter=userName%20regex%20%22a%22").await.body
    );
    snap!(
        "error_scoped_role",
        &s.post(
            "/Users",
            okta_user("r@example.com", "A", "B", Some("Destination Administrator"))
        )
        .await
        .body
    );
    snap!(
        "error_unauthorized",
        &s.send(Method::GET, "/scim/v2/Users", &[], None).await.body
    );
}

#[tokio::test]
async fn discovery_responses() {
    let s = Server::new();
    snap!(
        "service_provider_config",
        &s.get("/ServiceProviderConfig").await.body
    );
    snap!("resource_types", &s.get("/ResourceTypes").await.body);
    snap!("schemas", &s.get("/Schemas").await.body);
}
