//! `/Users` as Okta drives it: creation, the userName/email rule, uniqueness, lookups by
//! filter, roles, what PUT and PATCH may change, soft and hard deletes, and `groups`.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::{Resp, Server, enc, okta_user, version};
use serde_json::{Value, json};

const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

/// A minimal valid user body.
fn user_body(user_name: &str, email: &str) -> Value {
    json!({
        "schemas": [USER_URN],
        "userName": user_name,
        "name": {"givenName": "Ann", "familyName": "Lee"},
        "emails": [{"primary": true, "value": email, "type": "work"}],
        "active": true
    })
}

/// Creates a user with a role through Okta's body; returns the 201 response.
async fn create_with_role(s: &Server, email: &str, role: Value) -> Resp {
    let mut body = okta_user(email, "Test", "User", None);
    body["roles"] = role;
    s.post("/Users", body).await
}

fn id_of(r: &Resp) -> String {
    r.body["id"].as_str().unwrap().to_owned()
}

fn user_path(id: &str) -> String {
    format!("/Users/{id}")
}

fn role_of(body: &Value) -> Value {
    body["roles"].clone()
}

/// `roles` with one primary role: what Okta sends, and what the server answers.
fn role(name: &str) -> Value {
    json!([{"primary": true, "value": name}])
}

/// Creates a user sending `sent` as `roles`; asserts 201 and that the stored role is `want`.
async fn assert_created_with_role(s: &Server, email: &str, sent: Value, want: &str) -> Resp {
    let r = create_with_role(s, email, sent.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{sent}: {}", r.body);
    assert_eq!(role_of(&r.body), role(want), "{sent}");
    r
}

fn filter_path(filter: &str) -> String {
    format!("/Users?filter={}&startIndex=1&count=100", enc(filter))
}

/// Asserts that a user's stored representation is unchanged, ignoring nothing.
async fn assert_unchanged(s: &Server, id: &str, before: &Value) {
    let after = s.get(&user_path(id)).await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.body);
    assert_eq!(&after.body, before, "the user must be unchanged");
}

// ---------------------------------------------------------------------------------------
// Creation
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn okta_create_answers_201_with_the_full_user() {
    let s = Server::new();
    let r = s
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
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let b = &r.body;
    let id = b["id"].as_str().unwrap();
    assert!(!id.is_empty());
    assert_eq!(b["schemas"], json!([USER_URN]));
    assert_eq!(b["userName"], json!("test.user@okta.local"));
    assert_eq!(
        b["name"],
        json!({"givenName": "Test", "familyName": "User"})
    );
    let emails = b["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 1, "{b}");
    assert_eq!(emails[0]["value"], json!("test.user@okta.local"));
    assert_eq!(emails[0]["primary"], json!(true));
    assert_eq!(emails[0]["type"], json!("work"));
    assert_eq!(b["active"], json!(true));
    assert_eq!(b["roles"], role("Account Analyst"));
    assert_eq!(b["externalId"], json!("00ujl29u0le5T6Aj10h7"));

    let meta = &b["meta"];
    assert_eq!(meta["resourceType"], json!("User"));
    let created = meta["created"].as_str().unwrap();
    assert!(created.starts_with("2026-01-01T00:00:00"), "{created}");
    assert_eq!(meta["lastModified"], meta["created"]);
    let location = meta["location"].as_str().unwrap();
    assert_eq!(location, format!("http://scim.test/scim/v2/Users/{id}"));
    assert_eq!(
        r.header("location"),
        Some(location),
        "Location equals meta.location"
    );
    let version = meta["version"].as_str().unwrap();
    assert!(!version.is_empty());
    assert_eq!(r.header("etag"), Some(version), "ETag equals meta.version");

    // Accepted and ignored.
    for k in ["password", "displayName", "locale"] {
        assert!(b.get(k).is_none(), "{k} must not be returned: {b}");
    }
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/scim+json"))
    );

    // And it reads back the same.
    let g = s.get(&user_path(id)).await;
    assert_eq!(g.status, StatusCode::OK);
    assert_eq!(&g.body, b);
    assert!(g.header("location").is_none() || g.header("location") == Some(location));
    assert_eq!(g.header("etag"), Some(version));
}

#[tokio::test]
async fn external_id_is_kept_exactly() {
    let s = Server::new();
    let mut body = okta_user("ext@example.com", "E", "X", None);
    body["externalId"] = json!("  00uMiXeD-Case/ü  ");
    let r = s.post("/Users", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["externalId"], json!("  00uMiXeD-Case/ü  "));
    let g = s.get(&user_path(&id_of(&r))).await;
    assert_eq!(g.body["externalId"], json!("  00uMiXeD-Case/ü  "));
}

#[tokio::test]
async fn user_name_may_differ_from_the_primary_email_as_oktas_spec_test_sends() {
    let s = Server::new();
    let r = s
        .post(
            "/Users",
            user_body("Runscope123@atko.com", "Runscope123.email@atko.com"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["userName"], json!("Runscope123@atko.com"));
    assert_eq!(
        r.body["emails"][0]["value"],
        json!("Runscope123.email@atko.com")
    );
    // The login is the userName: Okta's lookup finds the user by it, and a second user
    // with the same userName is a conflict even with another email.
    let found = s
        .get("/Users?filter=userName%20eq%20%22runscope123@ATKO.com%22")
        .await;
    assert_eq!(found.body["totalResults"], json!(1));
    let again = s
        .post(
            "/Users",
            user_body("Runscope123@atko.com", "other@atko.com"),
        )
        .await;
    again.assert_error(409, Some("uniqueness"));
}

#[tokio::test]
async fn user_name_must_be_an_email_address() {
    let s = Server::new();
    let r = s.post("/Users", user_body("jdoe", "jdoe@x.test")).await;
    r.assert_error(400, Some("invalidValue"));
    assert!(
        r.detail().contains("must be an email address"),
        "{}",
        r.detail()
    );
    assert_eq!(s.total("/Users").await, 0);
}

#[tokio::test]
async fn the_strict_option_requires_user_name_to_equal_the_primary_email() {
    let s = Server::with(|c| c.require_username_email = true);
    let r = s.post("/Users", user_body("a@x.test", "b@x.test")).await;
    r.assert_error(400, Some("invalidValue"));
    assert!(
        r.detail().contains("must equal the primary email"),
        "{}",
        r.detail()
    );
    assert_eq!(s.total("/Users").await, 0);
    let r = s.post("/Users", user_body("A@X.test", "a@x.TEST")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn user_name_and_email_compare_ignoring_case() {
    let s = Server::new();
    let r = s.post("/Users", user_body("A@X.test", "a@x.TEST")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["userName"], json!("A@X.test"));
    assert_eq!(r.body["emails"][0]["value"], json!("a@x.TEST"));
}

#[tokio::test]
async fn a_user_without_emails_is_refused() {
    let s = Server::new();
    let mut body = user_body("a@x.test", "a@x.test");
    body.as_object_mut().unwrap().remove("emails");
    let r = s.post("/Users", body).await;
    r.assert_error(400, Some("invalidValue"));
    assert!(r.detail().contains("email"), "{}", r.detail());
    assert_eq!(s.total("/Users").await, 0);
}

#[tokio::test]
async fn a_user_without_user_name_is_refused() {
    let s = Server::new();
    let mut body = user_body("a@x.test", "a@x.test");
    body.as_object_mut().unwrap().remove("userName");
    let r = s.post("/Users", body).await;
    r.assert_error(400, Some("invalidValue"));
    assert!(r.detail().contains("userName"), "{}", r.detail());
    assert_eq!(s.total("/Users").await, 0);
}

// ---------------------------------------------------------------------------------------
// Uniqueness
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_user_name_differing_only_in_case_is_a_duplicate() {
    let s = Server::new();
    let first = s.create_user("dup@example.com").await;
    let r = s
        .post(
            "/Users",
            okta_user("DUP@Example.COM", "Other", "Person", None),
        )
        .await;
    r.assert_error(409, Some("uniqueness"));
    assert!(r.detail().contains("DUP@Example.COM"), "{}", r.detail());
    assert_eq!(s.total("/Users").await, 1);
    let g = s.get(&user_path(&first)).await;
    assert_eq!(
        g.body["name"]["givenName"],
        json!("Test"),
        "the first user is untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_of_one_user_name_make_one_user() {
    let s = Arc::new(Server::new());
    let mut tasks = Vec::new();
    for i in 0..16 {
        let s = Arc::clone(&s);
        tasks.push(tokio::spawn(async move {
            let email = if i % 2 == 0 {
                "race@example.com"
            } else {
                "RACE@example.com"
            };
            let r = s
                .post("/Users", okta_user(email, "Race", &i.to_string(), None))
                .await;
            (r.status, r.body)
        }));
    }
    let mut created = 0;
    let mut conflicts = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                assert_eq!(body["scimType"], json!("uniqueness"), "{body}");
                conflicts += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((created, conflicts), (1, 15));
    assert_eq!(s.total("/Users").await, 1);
}

// ---------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn filter_user_name_eq_ignores_case() {
    let s = Server::new();
    let id = s.create_user("Find.Me@Example.com").await;
    s.create_user("other@example.com").await;
    let r = s
        .get(&filter_path("userName eq \"find.me@EXAMPLE.COM\""))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(r.body["totalResults"], json!(1));
    assert_eq!(r.body["startIndex"], json!(1));
    assert_eq!(r.body["itemsPerPage"], json!(1));
    let resources = r.body["Resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0]["id"], json!(id));
    assert_eq!(resources[0]["userName"], json!("Find.Me@Example.com"));
}

#[tokio::test]
async fn filter_with_plus_for_spaces_works() {
    let s = Server::new();
    let id = s.create_user("plus@example.com").await;
    s.create_user("other@example.com").await;
    let r = s
        .get("/Users?filter=userName+eq+%22PLUS%40example.com%22&startIndex=1&count=100")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["totalResults"], json!(1));
    assert_eq!(r.body["Resources"][0]["id"], json!(id));
}

#[tokio::test]
async fn filter_matching_nothing_is_an_empty_list() {
    let s = Server::new();
    s.create_user("someone@example.com").await;
    let r = s
        .get(&filter_path("userName eq \"nobody@example.com\""))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["totalResults"], json!(0));
    let resources = r.body.get("Resources").and_then(Value::as_array);
    assert!(resources.is_none_or(Vec::is_empty), "{}", r.body);
}

#[tokio::test]
async fn get_by_id_and_unknown_id() {
    let s = Server::new();
    let id = s.create_user("get@example.com").await;
    let r = s.get(&user_path(&id)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], json!(id));
    assert_eq!(r.body["userName"], json!("get@example.com"));

    let missing = "00000000-0000-4000-8000-000000000000";
    let r = s.get(&user_path(missing)).await;
    r.assert_error(404, None);
    assert!(r.detail().contains(missing), "{}", r.detail());
}

// ---------------------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_role_must_match_exactly_as_the_guide_says() {
    let s = Server::new();
    let r = create_with_role(&s, "r@example.com", role("account analyst")).await;
    r.assert_error(400, Some("invalidValue"));
    assert!(
        r.detail()
            .contains("does not exactly match \"Account Analyst\""),
        "{}",
        r.detail()
    );
    assert_eq!(s.total("/Users").await, 0);
    assert_created_with_role(
        &s,
        "r@example.com",
        role("Account Analyst"),
        "Account Analyst",
    )
    .await;
}

#[tokio::test]
async fn each_standard_role_can_be_set() {
    let s = Server::new();
    for (i, name) in [
        "Account Administrator",
        "Account Analyst",
        "Account Billing",
        "Account Reviewer",
        "Destination Creator",
    ]
    .into_iter()
    .enumerate()
    {
        assert_created_with_role(&s, &format!("u{i}@example.com"), role(name), name).await;
    }
}

#[tokio::test]
async fn a_bare_role_string_or_an_array_of_role_strings_is_tolerated() {
    let s = Server::new();
    for (email, sent) in [
        ("bare@example.com", json!("Account Billing")),
        ("arr@example.com", json!(["Account Billing"])),
    ] {
        assert_created_with_role(&s, email, sent, "Account Billing").await;
    }
}

#[tokio::test]
async fn destination_and_connector_roles_are_refused() {
    let s = Server::new();
    for name in ["Destination Administrator", "Connector Reviewer"] {
        let r = create_with_role(&s, "scoped@example.com", role(name)).await;
        r.assert_error(400, Some("invalidValue"));
        assert!(
            r.detail()
                .contains("only account-level roles can be set through SCIM"),
            "{name}: {}",
            r.detail()
        );
        assert!(r.detail().contains(name), "{name}: {}", r.detail());
    }
    assert_eq!(s.total("/Users").await, 0);
}

#[tokio::test]
async fn an_unknown_role_is_refused_by_name() {
    let s = Server::new();
    let r = create_with_role(&s, "owner@example.com", role("Owner")).await;
    r.assert_error(400, Some("invalidValue"));
    assert!(r.detail().contains("\"Owner\""), "{}", r.detail());
    assert_eq!(s.total("/Users").await, 0);
}

#[tokio::test]
async fn a_role_with_multi_byte_characters_is_refused_not_panicked_on() {
    let s = Server::new();
    for name in ["aaaaaaaaaé", "connectioné", "Ü"] {
        let r = create_with_role(&s, "mb@example.com", role(name)).await;
        r.assert_error(400, Some("invalidValue"));
    }
    // The server still answers: no handler panicked with the store's lock held.
    let ok = create_with_role(&s, "mb@example.com", role("Account Analyst")).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
}

#[tokio::test]
async fn a_custom_role_added_through_the_admin_api_is_accepted() {
    let s = Server::new();
    let before = create_with_role(&s, "ds@example.com", role("Data Steward")).await;
    before.assert_error(400, Some("invalidValue"));

    let a = s
        .admin(
            axum::http::Method::POST,
            "/roles",
            Some(json!({"name": "Data Steward"})),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_created_with_role(&s, "ds@example.com", role("Data Steward"), "Data Steward").await;
}

#[tokio::test]
async fn a_configured_custom_role_is_accepted() {
    let s = Server::with(|c| c.custom_roles = vec!["Data Steward".into()]);
    assert_created_with_role(&s, "ds@example.com", role("Data Steward"), "Data Steward").await;
}

#[tokio::test]
async fn two_roles_none_primary_are_refused() {
    let s = Server::new();
    let r = create_with_role(
        &s,
        "two@example.com",
        json!([{"value": "Account Billing"}, {"value": "Account Analyst"}]),
    )
    .await;
    r.assert_error(400, Some("invalidValue"));
    assert!(r.detail().contains("primary"), "{}", r.detail());
    assert_eq!(s.total("/Users").await, 0);
}

// ---------------------------------------------------------------------------------------
// PUT: what may change (Okta reads the user, modifies it, and PUTs it back)
// ---------------------------------------------------------------------------------------

async fn create_analyst(s: &Server, email: &str) -> (String, Value) {
    let r = s
        .post(
            "/Users",
            okta_user(email, "Test", "User", Some("Account Analyst")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = id_of(&r);
    let g = s.get(&user_path(&id)).await;
    assert_eq!(g.status, StatusCode::OK);
    (id, g.body)
}

#[tokio::test]
async fn put_changes_names_and_role() {
    let s = Server::new();
    let (id, mut body) = create_analyst(&s, "put@example.com").await;
    body["name"]["givenName"] = json!("Changed");
    body["name"]["familyName"] = json!("Person");
    body["roles"] = role("Account Reviewer");
    let r = s.put(&user_path(&id), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["name"],
        json!({"givenName": "Changed", "familyName": "Person"})
    );
    assert_eq!(role_of(&r.body), role("Account Reviewer"));
    assert!(r.header("location").is_none(), "Location is for 201 only");
    assert_eq!(r.header("etag"), r.body["meta"]["version"].as_str());

    let g = s.get(&user_path(&id)).await;
    assert_eq!(
        g.body["name"],
        json!({"givenName": "Changed", "familyName": "Person"})
    );
    assert_eq!(role_of(&g.body), role("Account Reviewer"));
    assert_eq!(g.body["userName"], json!("put@example.com"));
    assert_ne!(g.body["meta"]["version"], json!(null));
    assert_ne!(g.body["meta"]["lastModified"], g.body["meta"]["created"]);
}

#[tokio::test]
async fn put_changes_active() {
    let s = Server::new();
    let (id, mut body) = create_analyst(&s, "active@example.com").await;
    body["active"] = json!(false);
    let r = s.put(&user_path(&id), body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["active"], json!(false));
    assert_eq!(s.get(&user_path(&id)).await.body["active"], json!(false));

    body["active"] = json!(true);
    let r = s.put(&user_path(&id), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(s.get(&user_path(&id)).await.body["active"], json!(true));
}

#[tokio::test]
async fn put_without_roles_keeps_the_role() {
    let s = Server::new();
    let (id, mut body) = create_analyst(&s, "keep@example.com").await;
    body.as_object_mut().unwrap().remove("roles");
    body["name"]["givenName"] = json!("Kept");
    let r = s.put(&user_path(&id), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(role_of(&r.body), role("Account Analyst"));
    let g = s.get(&user_path(&id)).await;
    assert_eq!(role_of(&g.body), role("Account Analyst"));
    assert_eq!(g.body["name"]["givenName"], json!("Kept"));
}

#[tokio::test]
async fn put_changing_user_name_is_a_mutability_error() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "old@example.com").await;
    let mut body = before.clone();
    body["userName"] = json!("new@example.com");
    body["emails"][0]["value"] = json!("new@example.com");
    body["name"]["givenName"] = json!("Sneaky");
    let r = s.put(&user_path(&id), body).await;
    r.assert_error(400, Some("mutability"));
    assert!(r.detail().contains("userName"), "{}", r.detail());
    assert_unchanged(&s, &id, &before).await;
    let f = s.get(&filter_path("userName eq \"new@example.com\"")).await;
    assert_eq!(f.body["totalResults"], json!(0));
}

#[tokio::test]
async fn put_changing_the_email_is_a_mutability_error() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "mail@example.com").await;
    let mut body = before.clone();
    body["emails"][0]["value"] = json!("other.mail@example.com");
    let r = s.put(&user_path(&id), body).await;
    r.assert_error(400, Some("mutability"));
    assert!(r.detail().contains("email"), "{}", r.detail());
    assert_unchanged(&s, &id, &before).await;
}

#[tokio::test]
async fn put_ignores_id_meta_extension_schemas_and_unknown_keys() {
    let s = Server::new();
    let (id, mut body) = create_analyst(&s, "target@example.com").await;
    let (other, other_before) = create_analyst(&s, "bystander@example.com").await;
    body["id"] = json!(other);
    body["meta"] = json!({"resourceType": "Group", "created": "1999-01-01T00:00:00Z", "version": "W/\"999\"", "location": "http://evil.test/x"});
    body["schemas"] = json!([
        USER_URN,
        "urn:ietf:params:scim:schemas:extension:example:2.0:User"
    ]);
    body["favouriteColour"] = json!("teal");
    body["name"]["givenName"] = json!("Updated");
    let r = s.put(&user_path(&id), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], json!(id));
    assert_eq!(r.body["name"]["givenName"], json!("Updated"));
    assert_eq!(r.body["meta"]["resourceType"], json!("User"));
    assert!(
        r.body["meta"]["created"]
            .as_str()
            .unwrap()
            .starts_with("2026-")
    );
    assert_eq!(r.body["schemas"], json!([USER_URN]));
    assert!(r.body.get("favouriteColour").is_none());

    let g = s.get(&user_path(&id)).await;
    assert_eq!(g.body["name"]["givenName"], json!("Updated"));
    assert_unchanged(&s, &other, &other_before).await;
}

#[tokio::test]
async fn put_on_an_unknown_id_is_404_and_creates_nothing() {
    let s = Server::new();
    s.create_user("exists@example.com").await;
    let missing = "00000000-0000-4000-8000-000000000000";
    let r = s
        .put(
            &user_path(missing),
            okta_user("ghost@example.com", "G", "H", None),
        )
        .await;
    r.assert_error(404, None);
    assert_eq!(s.total("/Users").await, 1);
    let f = s
        .get(&filter_path("userName eq \"ghost@example.com\""))
        .await;
    assert_eq!(f.body["totalResults"], json!(0));
    assert_eq!(
        s.get(&user_path(missing)).await.status,
        StatusCode::NOT_FOUND
    );
}

// ---------------------------------------------------------------------------------------
// Deactivation: a soft delete
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn okta_deactivation_and_reactivation() {
    let s = Server::new();
    let (id, _) = create_analyst(&s, "soft@example.com").await;

    let r = s
        .patch(
            &user_path(&id),
            json!([{"op": "replace", "value": {"active": false}}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["active"], json!(false));
    assert_eq!(r.body["id"], json!(id));

    let g = s.get(&user_path(&id)).await;
    assert_eq!(g.status, StatusCode::OK, "{}", g.body);
    assert_eq!(g.body["active"], json!(false));
    assert_eq!(role_of(&g.body), role("Account Analyst"));

    let list = s.get("/Users").await;
    assert_eq!(list.body["totalResults"], json!(1));
    assert_eq!(list.body["Resources"][0]["id"], json!(id));
    assert_eq!(list.body["Resources"][0]["active"], json!(false));

    let f = s
        .get(&filter_path("userName eq \"soft@example.com\""))
        .await;
    assert_eq!(f.body["totalResults"], json!(1));
    assert_eq!(f.body["Resources"][0]["id"], json!(id));
    assert_eq!(f.body["Resources"][0]["active"], json!(false));

    let r = s
        .patch(
            &user_path(&id),
            json!([{"op": "replace", "value": {"active": true}}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], json!(id));
    assert_eq!(r.body["active"], json!(true));
    assert_eq!(s.get(&user_path(&id)).await.body["active"], json!(true));
    assert_eq!(s.total("/Users").await, 1);
}

#[tokio::test]
async fn entra_deactivation_with_a_string_boolean() {
    let s = Server::new();
    let id = s.create_user("entra@example.com").await;
    let r = s
        .patch(
            &user_path(&id),
            json!([{"op": "Replace", "path": "active", "value": "False"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["active"], json!(false));
    assert_eq!(s.get(&user_path(&id)).await.body["active"], json!(false));

    let r = s
        .patch(
            &user_path(&id),
            json!([{"op": "Replace", "path": "active", "value": "True"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["active"], json!(true));
}

#[tokio::test]
async fn patch_op_in_any_case() {
    let s = Server::new();
    let id = s.create_user("case@example.com").await;
    for (op, active) in [("REPLACE", false), ("rePlAcE", true), ("Add", false)] {
        let r = s
            .patch(
                &user_path(&id),
                json!([{"op": op, "path": "active", "value": active}]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{op}: {}", r.body);
        assert_eq!(r.body["active"], json!(active), "{op}");
        assert_eq!(
            s.get(&user_path(&id)).await.body["active"],
            json!(active),
            "{op}"
        );
    }
}

#[tokio::test]
async fn deactivation_through_put() {
    let s = Server::new();
    let (id, mut body) = create_analyst(&s, "putoff@example.com").await;
    body["active"] = json!(false);
    let r = s.put(&user_path(&id), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["active"], json!(false));
    let f = s
        .get(&filter_path("userName eq \"PUTOFF@example.com\""))
        .await;
    assert_eq!(f.body["totalResults"], json!(1));
    assert_eq!(f.body["Resources"][0]["active"], json!(false));
}

// ---------------------------------------------------------------------------------------
// PATCH
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn patch_replaces_given_name() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "pg@example.com").await;
    let r = s
        .patch(
            &user_path(&id),
            json!([{"op": "replace", "path": "name.givenName", "value": "Patched"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["name"],
        json!({"givenName": "Patched", "familyName": "User"})
    );
    let g = s.get(&user_path(&id)).await;
    assert_eq!(
        g.body["name"],
        json!({"givenName": "Patched", "familyName": "User"})
    );
    assert_ne!(g.body["meta"]["version"], before["meta"]["version"]);
    assert_eq!(g.header("etag"), g.body["meta"]["version"].as_str());
}

#[tokio::test]
async fn patch_removing_roles_is_refused() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "pr@example.com").await;
    let r = s
        .patch(&user_path(&id), json!([{"op": "remove", "path": "roles"}]))
        .await;
    r.assert_error(400, Some("invalidValue"));
    assert!(r.detail().contains("roles"), "{}", r.detail());
    assert_unchanged(&s, &id, &before).await;
}

#[tokio::test]
async fn patch_replacing_user_name_is_a_mutability_error() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "pu@example.com").await;
    let r = s
        .patch(
            &user_path(&id),
            json!([{"op": "replace", "path": "userName", "value": "renamed@example.com"}]),
        )
        .await;
    r.assert_error(400, Some("mutability"));
    assert!(r.detail().contains("userName"), "{}", r.detail());
    assert_unchanged(&s, &id, &before).await;
}

/// `userName` compares case-insensitively, so writing it back in another case is no change
/// (PATCH behaves like PUT here), and the stored spelling is kept. (Another userName is a
/// mutability error: `patch_replacing_user_name_is_a_mutability_error`.)
#[tokio::test]
async fn patch_replacing_user_name_with_a_case_variant_changes_nothing() {
    let s = Server::new();
    let id = s.create_user("case.only@example.com").await;
    let before = s.get(&user_path(&id)).await;
    let r = s
        .patch(
            &user_path(&id),
            json!([{"op": "replace", "path": "userName", "value": "CASE.ONLY@example.com"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["userName"], "case.only@example.com");
    assert_eq!(r.body["meta"]["version"], before.body["meta"]["version"]);
}

#[tokio::test]
async fn patch_replacing_emails_is_a_mutability_error() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "pe@example.com").await;
    let r = s
        .patch(
            &user_path(&id),
            json!([{"op": "replace", "path": "emails", "value": [{"value": "pe2@example.com", "primary": true}]}]),
        )
        .await;
    r.assert_error(400, Some("mutability"));
    assert!(r.detail().contains("emails"), "{}", r.detail());
    assert_unchanged(&s, &id, &before).await;
}

#[tokio::test]
async fn patch_restating_the_same_email_is_not_a_change() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "same@example.com").await;
    for value in [
        json!([{"value": "SAME@example.com", "primary": true, "type": "work"}]),
        json!([{"value": "same@example.com", "type": "work"}]),
    ] {
        let r = s
            .patch(
                &user_path(&id),
                json!([{"op": "replace", "path": "emails", "value": value}]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{value}: {}", r.body);
        assert_eq!(
            r.body["meta"]["version"], before["meta"]["version"],
            "{value}"
        );
    }
    let after = s.get(&user_path(&id)).await;
    assert_eq!(after.body["userName"], json!("same@example.com"));
    assert_eq!(after.body["meta"]["version"], before["meta"]["version"]);
}

#[tokio::test]
async fn patch_replacing_the_email_value_by_filter_is_a_mutability_error() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "pf@example.com").await;
    let r = s
        .patch(
            &user_path(&id),
            json!([{"op": "replace", "path": "emails[primary eq true].value", "value": "pf2@example.com"}]),
        )
        .await;
    r.assert_error(400, Some("mutability"));
    assert_unchanged(&s, &id, &before).await;
}

#[tokio::test]
async fn patch_of_an_unknown_path_is_invalid_path() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "pp@example.com").await;
    let r = s
        .patch(
            &user_path(&id),
            json!([
                {"op": "replace", "path": "name.givenName", "value": "Partial"},
                {"op": "replace", "path": "shoeSize", "value": 42}
            ]),
        )
        .await;
    r.assert_error(400, Some("invalidPath"));
    assert!(r.detail().contains("shoeSize"), "{}", r.detail());
    assert_unchanged(&s, &id, &before).await;
}

#[tokio::test]
async fn patch_without_schemas_is_invalid_syntax() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "ps@example.com").await;
    let r = s
        .scim(
            axum::http::Method::PATCH,
            &user_path(&id),
            Some(json!({"Operations": [{"op": "replace", "path": "active", "value": false}]})),
        )
        .await;
    r.assert_error(400, Some("invalidSyntax"));
    assert_unchanged(&s, &id, &before).await;
}

#[tokio::test]
async fn a_no_op_patch_changes_neither_last_modified_nor_etag() {
    let s = Server::new();
    let (id, before) = create_analyst(&s, "noop@example.com").await;
    s.clock.advance(chrono::Duration::minutes(5));
    for ops in [
        json!([{"op": "replace", "path": "name.givenName", "value": "Test"}]),
        json!([{"op": "replace", "value": {"active": true}}]),
    ] {
        let r = s.patch(&user_path(&id), ops.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{ops}: {}", r.body);
        assert_eq!(
            r.body["meta"]["lastModified"], before["meta"]["lastModified"],
            "{ops}"
        );
        assert_eq!(
            r.body["meta"]["version"], before["meta"]["version"],
            "{ops}"
        );
        assert_eq!(
            r.header("etag"),
            before["meta"]["version"].as_str(),
            "{ops}"
        );
    }
    assert_unchanged(&s, &id, &before).await;
}

// ---------------------------------------------------------------------------------------
// DELETE: a hard delete
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn delete_is_204_then_404_and_frees_the_user_name() {
    let s = Server::new();
    let id = s.create_user("gone@example.com").await;
    let r = s.delete(&user_path(&id)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.raw.is_empty(), "204 has no body: {:?}", r.raw);

    s.get(&user_path(&id)).await.assert_error(404, None);
    s.delete(&user_path(&id)).await.assert_error(404, None);
    assert_eq!(s.total("/Users").await, 0);

    let again = s
        .post(
            "/Users",
            okta_user("GONE@example.com", "Back", "Again", None),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    assert_ne!(again.body["id"], json!(id));
}

#[tokio::test]
async fn delete_takes_the_user_out_of_its_teams() {
    let s = Server::new();
    let id = s.create_user("member@example.com").await;
    let stays = s.create_user("stays@example.com").await;
    let team = s.create_group("Analysts", &[&id, &stays]).await;
    let before = s.get_team(&team).await;
    assert_eq!(before["members"].as_array().unwrap().len(), 2, "{before}");

    assert_eq!(
        s.delete(&user_path(&id)).await.status,
        StatusCode::NO_CONTENT
    );
    let g = s.get_team(&team).await;
    let members = g["members"].as_array().unwrap();
    assert_eq!(members.len(), 1, "{g}");
    assert_eq!(members[0]["value"], json!(stays));
    assert_ne!(g["meta"]["version"], before["meta"]["version"]);

    assert_eq!(
        s.delete(&user_path(&stays)).await.status,
        StatusCode::NO_CONTENT
    );
    let g = s.get_team(&team).await;
    let members = g.get("members").and_then(Value::as_array);
    assert!(members.is_none_or(Vec::is_empty), "no members left: {g}");
}

#[tokio::test]
async fn delete_updates_the_teams_last_modified() {
    let s = Server::new();
    let id = s.create_user("lm@example.com").await;
    let team = s.create_group("Modified", &[&id]).await;
    let before = s.get_team(&team).await;
    s.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(
        s.delete(&user_path(&id)).await.status,
        StatusCode::NO_CONTENT
    );
    let after = s.get_team(&team).await;
    assert_ne!(version(&after), version(&before));
    assert_ne!(
        after["meta"]["lastModified"], before["meta"]["lastModified"],
        "the team's members changed, so its lastModified must move: {after}"
    );
}

// ---------------------------------------------------------------------------------------
// The read-only `groups` attribute
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn groups_lists_the_users_teams() {
    let s = Server::new();
    let id = s.create_user("teams@example.com").await;
    let g = s.get(&user_path(&id)).await;
    let groups = g.body.get("groups").and_then(Value::as_array);
    assert!(groups.is_none_or(Vec::is_empty), "{}", g.body);

    let a = s.create_group("Alpha", &[&id]).await;
    let b = s.create_group("Beta", &[&id]).await;
    s.create_group("Gamma", &[]).await;
    let g = s.get(&user_path(&id)).await;
    let groups = g.body["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{}", g.body);
    let pairs: Vec<(Value, Value)> = groups
        .iter()
        .map(|x| (x["value"].clone(), x["display"].clone()))
        .collect();
    assert!(pairs.contains(&(json!(a), json!("Alpha"))), "{pairs:?}");
    assert!(pairs.contains(&(json!(b), json!("Beta"))), "{pairs:?}");
}

#[tokio::test]
async fn groups_sent_by_the_client_are_ignored() {
    let s = Server::new();
    let team = s.create_group("Team", &[]).await;

    let mut body = okta_user("client.groups@example.com", "C", "G", None);
    body["groups"] = json!([{"value": team, "display": "Team"}]);
    let r = s.post("/Users", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = id_of(&r);
    let groups = r.body.get("groups").and_then(Value::as_array);
    assert!(groups.is_none_or(Vec::is_empty), "{}", r.body);

    let mut body = s.get(&user_path(&id)).await.body;
    body["groups"] = json!([{"value": team, "display": "Team"}]);
    let r = s.put(&user_path(&id), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let groups = r.body.get("groups").and_then(Value::as_array);
    assert!(groups.is_none_or(Vec::is_empty), "{}", r.body);

    let t = s.get_team(&team).await;
    let members = t.get("members").and_then(Value::as_array);
    assert!(members.is_none_or(Vec::is_empty), "{t}");
}

#[tokio::test]
async fn a_public_url_is_used_for_locations_whatever_the_host() {
    let s = Server::with(|c| c.public_url = Some("https://scim.example.com/scim/v2/".into()));
    let r = s
        .post("/Users", okta_user("pub@example.com", "Pub", "Lic", None))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let want = format!("https://scim.example.com/scim/v2/Users/{}", id_of(&r));
    assert_eq!(r.body["meta"]["location"], json!(want));
    assert_eq!(r.header("location"), Some(want.as_str()));
    let list = s.get("/Users").await;
    assert_eq!(list.body["Resources"][0]["meta"]["location"], json!(want));
}

#[tokio::test]
async fn a_post_or_put_whose_schemas_describe_another_resource_is_refused_and_changes_nothing() {
    let s = Server::new();
    let (id, body) = create_analyst(&s, "schemas@example.com").await;
    let before = s.get(&user_path(&id)).await.body;
    let bad = [
        json!(null),
        json!([]),
        json!(["urn:ietf:params:scim:schemas:core:2.0:Group"]),
        json!([USER_URN, "urn:ietf:params:scim:schemas:core:2.0:Group"]),
        json!([USER_URN, "urn:example:unknown"]),
        json!([USER_URN, 7]),
    ];
    for schemas in bad {
        let mut b = body.clone();
        match &schemas {
            Value::Null => {
                b.as_object_mut().unwrap().remove("schemas");
            }
            other => b["schemas"] = other.clone(),
        }
        let mut new_user = b.clone();
        new_user["userName"] = json!("fresh@example.com");
        new_user["emails"] = json!([{"value": "fresh@example.com", "primary": true}]);
        s.post("/Users", new_user)
            .await
            .assert_error(400, Some("invalidSyntax"));
        s.put(&user_path(&id), b)
            .await
            .assert_error(400, Some("invalidSyntax"));
    }
    assert_eq!(s.get(&user_path(&id)).await.body, before);
    assert_eq!(s.state.store().counts(), (1, 0));
}

#[tokio::test]
async fn look_alike_user_names_are_one_user_and_invisible_characters_are_refused() {
    let s = Server::new();
    let first = "\u{e5}sa@example.com"; // å composed
    assert_eq!(
        s.post("/Users", user_body(first, first)).await.status,
        StatusCode::CREATED
    );
    // The same name decomposed, and in full-width letters: the same user.
    for same in [
        "a\u{30a}sa@example.com",
        "\u{e5}\u{ff53}\u{ff41}@example.com",
    ] {
        s.post("/Users", user_body(same, same))
            .await
            .assert_error(409, Some("uniqueness"));
        let found = s
            .get(&format!(
                "/Users?filter={}",
                enc(&format!("userName eq \"{same}\""))
            ))
            .await;
        assert_eq!(found.body["totalResults"], 1, "{same}: {}", found.body);
    }
    // Invisible or surrounding characters are refused, not stored as another user.
    for bad in [
        "\u{e5}sa\u{200b}@example.com",
        "\u{e5}sa@example.com ",
        "\u{e5}sa\u{0}@example.com",
    ] {
        s.post("/Users", user_body(bad, bad))
            .await
            .assert_error(400, Some("invalidValue"));
    }
    // A Cyrillic `а` is another letter: another user.
    let cyrillic = "\u{430}sa@example.com";
    assert_eq!(
        s.post("/Users", user_body(cyrillic, cyrillic)).await.status,
        StatusCode::CREATED
    );
    // No kept string is unbounded.
    let mut long = user_body("long@example.com", "long@example.com");
    long["name"]["givenName"] = json!("a".repeat(2000));
    s.post("/Users", long)
        .await
        .assert_error(400, Some("invalidValue"));
    assert_eq!(s.state.store().counts(), (2, 0));
}
