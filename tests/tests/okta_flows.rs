//! The guide's five flows, sent the way Okta sends them (okta-wire §2), over a real socket to
//! the reference server: Test API Credentials, assignment (lookup, create), profile update
//! (GET then PUT of the server's own body), deactivation and reactivation (PATCH), import
//! (pages of 100), and Group Push (lookup, create, reconcile, membership, Push Now, delete).

use mock_okta::client::lookup_query;
use reqwest::{Client, Method, Response};
use scim_e2e::{TOKEN, okta_client, reference_server};
use serde_json::{Value, json};

const SCIM_JSON: &str = "application/scim+json; charset=utf-8";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async fn send(c: &Client, method: Method, url: String, body: Option<Value>) -> (u16, Value) {
    let mut r = c.request(method, url);
    if let Some(b) = body {
        r = r
            .header("content-type", SCIM_JSON)
            .body(serde_json::to_vec(&b).unwrap());
    }
    let resp: Response = r.send().await.unwrap();
    let status = resp.status().as_u16();
    if status != 204 {
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            ct.starts_with("application/scim+json"),
            "SCIM media type on every response, got {ct:?}"
        );
    }
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn create_body(email: &str, given: &str, role: &str, okta_id: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": email,
        "name": {"givenName": given, "familyName": "User"},
        "emails": [{"primary": true, "value": email, "type": "work"}],
        "displayName": format!("{given} User"),
        "locale": "en-US",
        "externalId": okta_id,
        "groups": [],
        "password": "1mz050nq",
        "active": true,
        "roles": [{"primary": true, "value": role}]
    })
}

#[tokio::test]
async fn user_flows_as_okta_sends_them() {
    let server = reference_server(|_| {}).await;
    let base = server.base_url.clone();
    let c = okta_client(TOKEN);

    // Test API Credentials.
    let (s, body) = send(
        &c,
        Method::GET,
        format!("{base}/Users?startIndex=1&count=2"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(body["totalResults"], 0);

    // Assignment: lookup (no match), then create.
    let lookup = format!(
        "{base}/Users{}",
        lookup_query("userName", "test.user@okta.local")
    );
    let (s, body) = send(&c, Method::GET, lookup.clone(), None).await;
    assert_eq!((s, body["totalResults"].clone()), (200, json!(0)));
    let (s, created) = send(
        &c,
        Method::POST,
        format!("{base}/Users"),
        Some(create_body(
            "test.user@okta.local",
            "Test",
            "Account Analyst",
            "00u1",
        )),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let user_url = format!("{base}/Users/{id}");

    // The same lookup now finds the user, in any case.
    let upper = format!(
        "{base}/Users{}",
        lookup_query("userName", "TEST.USER@OKTA.LOCAL")
    );
    let (_, body) = send(&c, Method::GET, upper, None).await;
    assert_eq!(body["Resources"][0]["id"], json!(id));

    // Profile update: GET, merge, PUT the whole body back.
    let (_, mut current) = send(&c, Method::GET, user_url.clone(), None).await;
    current["name"]["givenName"] = json!("Another");
    current["roles"] = json!([{"primary": true, "value": "Account Reviewer"}]);
    let (s, updated) = send(&c, Method::PUT, user_url.clone(), Some(current)).await;
    assert_eq!(s, 200, "{updated}");
    assert_eq!(updated["name"]["givenName"], "Another");
    assert_eq!(updated["roles"][0]["value"], "Account Reviewer");

    // Deactivation (OIN PATCH mode): a soft delete.
    let deactivate = json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": false}}]});
    let (s, body) = send(&c, Method::PATCH, user_url.clone(), Some(deactivate)).await;
    assert_eq!((s, body["active"].clone()), (200, json!(false)));
    let (s, body) = send(&c, Method::GET, user_url.clone(), None).await;
    assert_eq!((s, body["active"].clone()), (200, json!(false)));

    // Reassignment finds the inactive user and reactivates the same id.
    let (_, found) = send(&c, Method::GET, lookup, None).await;
    assert_eq!(found["Resources"][0]["id"], json!(id));
    let reactivate = json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": true}}]});
    let (s, body) = send(&c, Method::PATCH, user_url.clone(), Some(reactivate)).await;
    assert_eq!(
        (s, body["active"].clone(), body["id"].clone()),
        (200, json!(true), json!(id))
    );

    // A second create of the same user is a conflict.
    let (s, body) = send(
        &c,
        Method::POST,
        format!("{base}/Users"),
        Some(create_body(
            "Test.User@okta.local",
            "Test",
            "Account Analyst",
            "00u2",
        )),
    )
    .await;
    assert_eq!((s, body["scimType"].clone()), (409, json!("uniqueness")));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn import_pages_through_every_user() {
    let server = reference_server(|_| {}).await;
    let base = server.base_url.clone();
    let c = okta_client(TOKEN);
    for i in 0..250 {
        let (s, _) = send(
            &c,
            Method::POST,
            format!("{base}/Users"),
            Some(create_body(
                &format!("u{i}@x.test"),
                "U",
                "Account Analyst",
                "00u",
            )),
        )
        .await;
        assert_eq!(s, 201);
    }
    let mut seen = Vec::new();
    let mut start = 1;
    loop {
        let (s, page) = send(
            &c,
            Method::GET,
            format!("{base}/Users?startIndex={start}&count=100"),
            None,
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(page["totalResults"], 250);
        assert!(page["itemsPerPage"].is_u64() && page["startIndex"] == start);
        seen.extend(
            page["Resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].as_str().unwrap().to_owned()),
        );
        start += 100;
        if start > 250 {
            break;
        }
    }
    let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert_eq!(
        (seen.len(), unique.len()),
        (250, 250),
        "pages are disjoint and cover every user"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn group_push_as_okta_sends_it() {
    let server = reference_server(|_| {}).await;
    let base = server.base_url.clone();
    let c = okta_client(TOKEN);
    let mut ids = Vec::new();
    for e in ["a@x.test", "b@x.test"] {
        let (_, u) = send(
            &c,
            Method::POST,
            format!("{base}/Users"),
            Some(create_body(e, "U", "Account Analyst", "00u")),
        )
        .await;
        ids.push(u["id"].as_str().unwrap().to_owned());
    }

    // Link lookup by name (no match), then create.
    let lookup = format!(
        "{base}/Groups{}",
        lookup_query("displayName", "Test SCIMv2")
    );
    let (s, body) = send(&c, Method::GET, lookup, None).await;
    assert_eq!((s, body["totalResults"].clone()), (200, json!(0)));
    let (s, group) = send(
        &c,
        Method::POST,
        format!("{base}/Groups"),
        Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Test SCIMv2", "members": []})),
    )
    .await;
    assert_eq!(s, 201, "{group}");
    let gid = group["id"].as_str().unwrap().to_owned();
    let group_url = format!("{base}/Groups/{gid}");

    // Reconcile: PATCH replace {id, displayName}.
    let reconcile = json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"id": gid, "displayName": "Test SCIMv2"}}]});
    assert_eq!(
        send(&c, Method::PATCH, group_url.clone(), Some(reconcile))
            .await
            .0,
        200
    );

    // Membership: add both, then remove one and add it back in one request.
    let add = json!({"schemas": [PATCH_OP], "Operations": [{"op": "add", "path": "members", "value": [
        {"value": ids[0], "display": "a@x.test"}, {"value": ids[1], "display": "b@x.test"}]}]});
    let (_, body) = send(&c, Method::PATCH, group_url.clone(), Some(add)).await;
    assert_eq!(body["members"].as_array().unwrap().len(), 2);
    let change = json!({"schemas": [PATCH_OP], "Operations": [
        {"op": "remove", "path": format!("members[value eq \"{}\"]", ids[0])},
        {"op": "add", "path": "members", "value": [{"value": ids[0], "display": "a@x.test"}]}]});
    let (s, body) = send(&c, Method::PATCH, group_url.clone(), Some(change)).await;
    assert_eq!((s, body["members"].as_array().unwrap().len()), (200, 2));

    // Push Now: replace the member list.
    let push = json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "members", "value": [{"value": ids[1], "display": "b@x.test"}]}]});
    let (_, body) = send(&c, Method::PATCH, group_url.clone(), Some(push)).await;
    assert_eq!(
        body["members"],
        json!([{"value": ids[1], "display": "b@x.test", "type": "User", "$ref": format!("{base}/Users/{}", ids[1])}])
    );

    // Unlink and delete: the team goes, its users stay.
    assert_eq!(
        send(&c, Method::DELETE, group_url.clone(), None).await.0,
        204
    );
    assert_eq!(send(&c, Method::GET, group_url, None).await.0, 404);
    let (s, user) = send(&c, Method::GET, format!("{base}/Users/{}", ids[1]), None).await;
    assert_eq!((s, user["groups"].clone()), (200, json!([])));
    server.stop().await.unwrap();
}
