//! `/Bulk` (RFC 7644 §3.7): operations through the server's own routes, bulkIds resolved in
//! any order, failures reported and passed over until `failOnErrors`, circular references
//! given up on with 409, limits refused with 413, bad BulkRequests refused and nothing changed.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{Value, json};

const BULK: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

fn bulk(ops: Value) -> Value {
    json!({"schemas": [BULK], "Operations": ops})
}

fn user_op(bulk_id: &str, email: &str) -> Value {
    json!({"method": "POST", "path": "/Users", "bulkId": bulk_id,
           "data": okta_user(email, "Bulk", "User", None)})
}

fn team_op(bulk_id: &str, name: &str, members: &[&str]) -> Value {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
    json!({"method": "POST", "path": "/Groups", "bulkId": bulk_id,
           "data": {"schemas": [GROUP], "displayName": name, "members": members}})
}

fn results(r: &Resp) -> &Vec<Value> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:BulkResponse"])
    );
    r.body["Operations"].as_array().unwrap()
}

#[tokio::test]
async fn a_team_named_before_its_member_gets_the_member_s_real_id() {
    let s = Server::new();
    let r = s
        .post(
            "/Bulk",
            bulk(json!([
                team_op("t", "Bulk Team", &["bulkId:u"]),
                user_op("u", "bulk@x.test"),
                {"method": "PATCH", "path": "/Groups/bulkId:t",
                 "data": {"schemas": [PATCH_OP], "Operations": [
                     {"op": "replace", "path": "displayName", "value": "Renamed"}]}},
            ])),
        )
        .await;
    let ops = results(&r);
    assert_eq!(ops.len(), 3);
    assert_eq!(ops[0]["bulkId"], "t");
    assert_eq!(ops[0]["status"], "201");
    assert_eq!(ops[1]["status"], "201");
    assert_eq!(ops[2]["status"], "200");
    for op in ops {
        assert!(
            op["location"].as_str().unwrap().contains("/scim/v2/"),
            "{op}"
        );
    }
    let user_id = ops[1]["location"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let team_id = ops[0]["location"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let team = s.get_team(team_id).await;
    assert_eq!(team["displayName"], "Renamed");
    assert_eq!(team["members"][0]["value"], user_id);
}

#[tokio::test]
async fn a_failure_is_reported_and_passed_over_until_fail_on_errors() {
    let s = Server::new();
    let bad = json!({"method": "POST", "path": "/Users", "bulkId": "bad",
                     "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}});
    let r = s
        .post(
            "/Bulk",
            bulk(json!([bad.clone(), user_op("after", "after@x.test")])),
        )
        .await;
    let ops = results(&r);
    assert_eq!(ops[0]["status"], "400");
    assert_eq!(
        ops[0]["response"]["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert!(ops[0].get("location").is_none(), "a failed POST has none");
    assert_eq!(ops[1]["status"], "201");

    let mut stop = bulk(json!([bad, user_op("never", "never@x.test")]));
    stop["failOnErrors"] = json!(1);
    let r = s.post("/Bulk", stop).await;
    assert_eq!(results(&r).len(), 1);
    assert_eq!(s.total("/Users").await, 1, "only `after` was created");
}

#[tokio::test]
async fn circular_references_are_given_up_on_with_409_and_nothing_is_created() {
    let s = Server::new();
    let r = s
        .post(
            "/Bulk",
            bulk(json!([
                team_op("a", "A", &["bulkId:b"]),
                team_op("b", "B", &["bulkId:a"]),
                team_op("c", "C", &["bulkId:nobody"]),
            ])),
        )
        .await;
    let ops = results(&r);
    let status = |id: &str| {
        ops.iter()
            .find(|o| o["bulkId"] == id)
            .map(|o| o["status"].clone())
    };
    assert_eq!(status("a"), Some(json!("409")));
    assert_eq!(status("b"), Some(json!("409")));
    assert_eq!(
        status("c"),
        Some(json!("400")),
        "a bulkId no operation defines"
    );
    assert_eq!(s.total("/Groups").await, 0);
}

#[tokio::test]
async fn over_the_limits_is_413_naming_the_limit() {
    let s = Server::with(|c| {
        c.bulk_max_operations = 1;
        c.bulk_max_payload_bytes = 400;
    });
    let r = s
        .post(
            "/Bulk",
            bulk(json!([user_op("a", "a@x.test"), user_op("b", "b@x.test")])),
        )
        .await;
    r.assert_error(413, None);
    assert!(r.detail().contains("maxOperations"), "{}", r.detail());
    let big = "x".repeat(500);
    let r = s
        .post("/Bulk", bulk(json!([team_op("t", &big, &[])])))
        .await;
    r.assert_error(413, None);
    assert!(r.detail().contains("maxPayloadSize"), "{}", r.detail());
    assert_eq!(s.total("/Groups").await, 0);
}

#[tokio::test]
async fn bad_bulk_requests_are_refused_and_change_nothing() {
    let s = Server::new();
    let cases = [
        (json!({"Operations": []}), 400),
        (json!({"schemas": [BULK]}), 400),
        (json!({"schemas": [BULK], "Operations": "no"}), 400),
        (bulk(json!([{"method": "GET", "path": "/Users"}])), 400),
        (
            bulk(json!([{"method": "POST", "path": "/Bulk", "bulkId": "x"}])),
            400,
        ),
        (bulk(json!([{"method": "POST", "path": "/Users"}])), 400),
        (
            json!({"schemas": [BULK], "failOnErrors": 0, "Operations": []}),
            400,
        ),
        (json!(["not", "an", "object"]), 400),
    ];
    for (body, status) in cases {
        let r = s.post("/Bulk", body.clone()).await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.body);
    }
    assert_eq!(s.total("/Users").await, 0);
    assert_eq!(s.total("/Groups").await, 0);
}

#[tokio::test]
async fn a_bulk_request_needs_the_token_and_its_operations_use_it() {
    let s = Server::new();
    let r = s
        .send(
            axum::http::Method::POST,
            "/scim/v2/Bulk",
            &[
                ("Authorization", "Bearer wrong"),
                ("Content-Type", "application/scim+json"),
            ],
            Some(serde_json::to_vec(&bulk(json!([user_op("u", "u@x.test")]))).unwrap()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(s.total("/Users").await, 0);
}
