//! RFC 7644 protocol behaviour: entity-tags, paging, sorting, projection, filters, search,
//! media types, bad input, routes and discovery.

mod common;

use axum::http::{Method, StatusCode};
use common::{BASE, GROUP, Resp, Server, TOKEN, enc, group_body, okta_user, version};
use serde_json::{Value, json};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SEARCH: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

fn auth() -> String {
    format!("Bearer {TOKEN}")
}

/// Sends raw bytes with the given content type (or none).
async fn raw(
    s: &Server,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Resp {
    let a = auth();
    let mut h = vec![("authorization", a.as_str())];
    if let Some(ct) = content_type {
        h.push(("content-type", ct));
    }
    s.send(method, &format!("{BASE}{path}"), &h, Some(body))
        .await
}

fn ids(r: &Resp) -> Vec<String> {
    r.body["Resources"]
        .as_array()
        .unwrap_or_else(|| panic!("no Resources: {}", r.body))
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

fn user_names(r: &Resp) -> Vec<String> {
    r.body["Resources"]
        .as_array()
        .unwrap_or_else(|| panic!("no Resources: {}", r.body))
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

/// Creates users with the given userNames, in order, and returns their ids.
async fn users(s: &Server, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for n in names {
        out.push(s.create_user(n).await);
    }
    out
}

fn ok(r: &Resp) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

// ---------------------------------------------------------------- ETags

#[tokio::test]
async fn etag_header_equals_meta_version_on_every_write_and_read() {
    let s = Server::new();
    let r = s
        .post("/Users", okta_user("e@x.test", "E", "Tag", None))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let created = version(&r.body).to_owned();
    assert_eq!(r.header("etag"), Some(created.as_str()));
    assert!(
        created.starts_with("W/\"") || created.starts_with('"'),
        "{created}"
    );

    let g1 = s.get(&format!("/Users/{id}")).await;
    let g2 = s.get(&format!("/Users/{id}")).await;
    assert_eq!(g1.header("etag"), Some(created.as_str()));
    assert_eq!(g1.header("etag"), g2.header("etag"));
    assert_eq!(version(&g1.body), created);

    let p = s
        .patch(
            &format!("/Users/{id}"),
            json!([{"op": "replace", "path": "name.givenName", "value": "Changed"}]),
        )
        .await;
    ok(&p);
    let patched = version(&p.body).to_owned();
    assert_eq!(p.header("etag"), Some(patched.as_str()));
    assert_ne!(patched, created);
    assert_eq!(
        s.get(&format!("/Users/{id}")).await.header("etag"),
        Some(patched.as_str())
    );

    let mut body = okta_user("e@x.test", "Put", "Tag", None);
    body["id"] = json!(id);
    let u = s.put(&format!("/Users/{id}"), body).await;
    ok(&u);
    assert_eq!(u.header("etag"), Some(version(&u.body)));
    assert_ne!(version(&u.body), patched);

    // Teams too.
    let r = s.post("/Groups", group_body("T", json!([]))).await;
    assert_eq!(r.header("etag"), Some(version(&r.body)));
    let gid = r.body["id"].as_str().unwrap().to_owned();
    let p = s
        .patch(
            &format!("/Groups/{gid}"),
            json!([{"op": "add", "path": "members", "value": [{"value": id}]}]),
        )
        .await;
    assert_eq!(p.header("etag"), Some(version(&p.body)));
    assert_ne!(version(&p.body), version(&r.body));
    let g = s.get(&format!("/Groups/{gid}")).await;
    assert_eq!(g.header("etag"), Some(version(&p.body)));
    let u = s
        .put(&format!("/Groups/{gid}"), group_body("T2", json!([])))
        .await;
    assert_eq!(u.header("etag"), Some(version(&u.body)));
}

#[tokio::test]
async fn if_none_match_answers_304_when_current() {
    let s = Server::new();
    let id = s.create_user("n@x.test").await;
    let path = format!("/Users/{id}");
    let tag = s.get(&path).await.header("etag").unwrap().to_owned();
    let r = s
        .scim_with(Method::GET, &path, &[("if-none-match", &tag)], None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.raw.is_empty(), "{:?}", String::from_utf8_lossy(&r.raw));
    assert_eq!(r.header("etag"), Some(tag.as_str()));

    s.patch(
        &path,
        json!([{"op": "replace", "path": "name.familyName", "value": "New"}]),
    )
    .await;
    let r = s
        .scim_with(Method::GET, &path, &[("if-none-match", &tag)], None)
        .await;
    ok(&r);
    assert_eq!(r.body["name"]["familyName"], json!("New"));
    assert_ne!(r.header("etag"), Some(tag.as_str()));

    // Teams as well.
    let gid = s.create_group("Cached", &[]).await;
    let gpath = format!("/Groups/{gid}");
    let gtag = s.get(&gpath).await.header("etag").unwrap().to_owned();
    let r = s
        .scim_with(Method::GET, &gpath, &[("if-none-match", &gtag)], None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.raw.is_empty());
}

#[tokio::test]
async fn stale_if_match_is_412_and_changes_nothing() {
    let s = Server::new();
    let id = s.create_user("m@x.test").await;
    let path = format!("/Users/{id}");
    let stale = s.get(&path).await.header("etag").unwrap().to_owned();
    ok(&s
        .patch(
            &path,
            json!([{"op": "replace", "path": "name.givenName", "value": "Second"}]),
        )
        .await);
    let before = s.get(&path).await.body;

    let patch = json!({"schemas": [common::PATCH_OP], "Operations": [{"op": "replace", "path": "name.givenName", "value": "Third"}]});
    let r = s
        .scim_with(Method::PATCH, &path, &[("if-match", &stale)], Some(patch))
        .await;
    r.assert_error(412, None);
    let r = s
        .scim_with(
            Method::PUT,
            &path,
            &[("if-match", &stale)],
            Some(okta_user("m@x.test", "Put", "Put", None)),
        )
        .await;
    r.assert_error(412, None);
    let r = s
        .scim_with(Method::DELETE, &path, &[("if-match", &stale)], None)
        .await;
    r.assert_error(412, None);
    assert_eq!(s.get(&path).await.body, before);

    // Teams: same.
    let gid = s.create_group("Guarded", &[]).await;
    let gpath = format!("/Groups/{gid}");
    let gstale = s.get(&gpath).await.header("etag").unwrap().to_owned();
    ok(&s
        .patch(
            &gpath,
            json!([{"op": "replace", "path": "displayName", "value": "Guarded 2"}]),
        )
        .await);
    let gbefore = s.get(&gpath).await.body;
    let patch = json!({"schemas": [common::PATCH_OP], "Operations": [{"op": "replace", "path": "displayName", "value": "Guarded 3"}]});
    s.scim_with(Method::PATCH, &gpath, &[("if-match", &gstale)], Some(patch))
        .await
        .assert_error(412, None);
    s.scim_with(
        Method::PUT,
        &gpath,
        &[("if-match", &gstale)],
        Some(group_body("Guarded 4", json!([]))),
    )
    .await
    .assert_error(412, None);
    s.scim_with(Method::DELETE, &gpath, &[("if-match", &gstale)], None)
        .await
        .assert_error(412, None);
    assert_eq!(s.get(&gpath).await.body, gbefore);
}

#[tokio::test]
async fn current_or_star_if_match_succeeds() {
    let s = Server::new();
    let id = s.create_user("c@x.test").await;
    let path = format!("/Users/{id}");
    let tag = s.get(&path).await.header("etag").unwrap().to_owned();
    let patch = json!({"schemas": [common::PATCH_OP], "Operations": [{"op": "replace", "path": "name.givenName", "value": "Cur"}]});
    let r = s
        .scim_with(Method::PATCH, &path, &[("if-match", &tag)], Some(patch))
        .await;
    ok(&r);
    assert_eq!(r.body["name"]["givenName"], json!("Cur"));
    let tag = r.header("etag").unwrap().to_owned();
    let r = s
        .scim_with(
            Method::PUT,
            &path,
            &[("if-match", &tag)],
            Some(okta_user("c@x.test", "Put", "Now", None)),
        )
        .await;
    ok(&r);
    assert_eq!(r.body["name"]["givenName"], json!("Put"));
    let r = s
        .scim_with(
            Method::PUT,
            &path,
            &[("if-match", "*")],
            Some(okta_user("c@x.test", "Star", "Now", None)),
        )
        .await;
    ok(&r);
    assert_eq!(r.body["name"]["givenName"], json!("Star"));
    let r = s
        .scim_with(Method::DELETE, &path, &[("if-match", "*")], None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    s.get(&path).await.assert_error(404, None);
}

// ---------------------------------------------------------------- pagination

const FIVE: [&str; 5] = [
    "p1@x.test",
    "p2@x.test",
    "p3@x.test",
    "p4@x.test",
    "p5@x.test",
];

#[tokio::test]
async fn pages_are_disjoint_and_cover_everything_in_creation_order() {
    let s = Server::new();
    let all = users(&s, &FIVE).await;
    let mut seen = Vec::new();
    for (start, size) in [(1, 2), (3, 2), (5, 1)] {
        let r = s.get(&format!("/Users?startIndex={start}&count=2")).await;
        ok(&r);
        assert_eq!(r.body["schemas"], json!([LIST]));
        assert_eq!(r.body["totalResults"], json!(5));
        assert_eq!(r.body["startIndex"], json!(start));
        assert_eq!(r.body["itemsPerPage"], json!(size));
        let page = ids(&r);
        assert_eq!(page.len(), size);
        seen.extend(page);
    }
    assert_eq!(seen, all);
}

#[tokio::test]
async fn start_index_below_one_reads_as_one() {
    let s = Server::new();
    let all = users(&s, &FIVE).await;
    for start in ["0", "-5"] {
        let r = s.get(&format!("/Users?startIndex={start}&count=2")).await;
        ok(&r);
        assert_eq!(r.body["startIndex"], json!(1));
        assert_eq!(r.body["totalResults"], json!(5));
        assert_eq!(ids(&r), all[..2].to_vec());
    }
}

#[tokio::test]
async fn count_zero_or_negative_returns_only_the_total() {
    let s = Server::new();
    users(&s, &FIVE).await;
    for count in ["0", "-1"] {
        let r = s.get(&format!("/Users?count={count}")).await;
        ok(&r);
        assert_eq!(r.body["totalResults"], json!(5));
        assert_eq!(r.body["itemsPerPage"], json!(0));
        assert_eq!(r.body["Resources"], json!([]), "{}", r.body);
    }
}

#[tokio::test]
async fn start_index_past_the_end_is_an_empty_page() {
    let s = Server::new();
    users(&s, &FIVE).await;
    let r = s.get("/Users?startIndex=6&count=2").await;
    ok(&r);
    assert_eq!(r.body["totalResults"], json!(5));
    assert_eq!(r.body["startIndex"], json!(6));
    assert_eq!(r.body["itemsPerPage"], json!(0));
    assert_eq!(r.body["Resources"], json!([]));
    let r = s.get("/Users?startIndex=99999999999999999999").await;
    ok(&r);
    assert_eq!(r.body["Resources"], json!([]));
}

#[tokio::test]
async fn huge_count_is_capped_at_max_results() {
    let s = Server::with(|c| c.max_results = 3);
    let all = users(&s, &FIVE).await;
    let r = s.get("/Users?count=99999999999999").await;
    ok(&r);
    assert_eq!(r.body["totalResults"], json!(5));
    assert_eq!(r.body["itemsPerPage"], json!(3));
    assert_eq!(ids(&r), all[..3].to_vec());
    // No count at all is capped too.
    let r = s.get("/Users").await;
    assert_eq!(r.body["itemsPerPage"], json!(3));
    let spc = s.get("/ServiceProviderConfig").await;
    assert_eq!(spc.body["filter"]["maxResults"], json!(3));
}

#[tokio::test]
async fn default_count_is_one_hundred() {
    let s = Server::new();
    let names: Vec<String> = (0..101).map(|i| format!("d{i:03}@x.test")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let all = users(&s, &refs).await;
    let r = s.get("/Users").await;
    ok(&r);
    assert_eq!(r.body["totalResults"], json!(101));
    assert_eq!(r.body["itemsPerPage"], json!(100));
    assert_eq!(r.body["startIndex"], json!(1));
    assert_eq!(ids(&r), all[..100].to_vec());
    let r = s.get("/Users?startIndex=101").await;
    assert_eq!(ids(&r), all[100..].to_vec());
}

#[tokio::test]
async fn non_integer_paging_is_invalid_value() {
    let s = Server::new();
    for q in ["count=ten", "count=1.5", "startIndex=abc", "count="] {
        s.get(&format!("/Users?{q}"))
            .await
            .assert_error(400, Some("invalidValue"));
    }
    s.get("/Groups?count=x")
        .await
        .assert_error(400, Some("invalidValue"));
}

// ---------------------------------------------------------------- sorting

#[tokio::test]
async fn sort_by_user_name_ignores_case_and_can_descend() {
    let s = Server::new();
    users(&s, &["h-carol@x.test", "h-Bob@x.test", "h-alice@x.test"]).await;
    let r = s.get("/Users?sortBy=userName").await;
    ok(&r);
    assert_eq!(
        user_names(&r),
        ["h-alice@x.test", "h-Bob@x.test", "h-carol@x.test"]
    );
    let r = s.get("/Users?sortBy=userName&sortOrder=ascending").await;
    assert_eq!(
        user_names(&r),
        ["h-alice@x.test", "h-Bob@x.test", "h-carol@x.test"]
    );
    let r = s.get("/Users?sortBy=userName&sortOrder=descending").await;
    ok(&r);
    assert_eq!(
        user_names(&r),
        ["h-carol@x.test", "h-Bob@x.test", "h-alice@x.test"]
    );
    // Paging applies after sorting.
    let r = s.get("/Users?sortBy=userName&startIndex=2&count=1").await;
    assert_eq!(user_names(&r), ["h-Bob@x.test"]);
    assert_eq!(r.body["totalResults"], json!(3));
}

#[tokio::test]
async fn bad_sort_order_is_400() {
    let s = Server::new();
    s.create_user("a@x.test").await;
    s.get("/Users?sortBy=userName&sortOrder=sideways")
        .await
        .assert_error(400, Some("invalidValue"));
}

// ---------------------------------------------------------------- attributes

#[tokio::test]
async fn attributes_on_a_single_resource() {
    let s = Server::new();
    let id = s.create_user("attr@x.test").await;
    let r = s.get(&format!("/Users/{id}?attributes=userName")).await;
    ok(&r);
    assert_eq!(keys(&r.body), ["id", "schemas", "userName"]);
    assert_eq!(r.body["userName"], json!("attr@x.test"));
    assert_eq!(r.body["id"], json!(id));

    let r = s
        .get(&format!("/Users/{id}?attributes=name.givenName"))
        .await;
    ok(&r);
    assert_eq!(keys(&r.body), ["id", "name", "schemas"]);
    assert_eq!(r.body["name"], json!({"givenName": "Test"}));

    let full = s.get(&format!("/Users/{id}")).await.body;
    let r = s
        .get(&format!("/Users/{id}?excludedAttributes=emails"))
        .await;
    ok(&r);
    let mut want = full.clone();
    want.as_object_mut().unwrap().remove("emails");
    assert_eq!(r.body, want);

    // id cannot be excluded.
    let r = s
        .get(&format!("/Users/{id}?excludedAttributes=id,emails"))
        .await;
    ok(&r);
    assert_eq!(r.body["id"], json!(id));
    let r = s.get(&format!("/Users/{id}?attributes=active")).await;
    assert_eq!(keys(&r.body), ["active", "id", "schemas"]);
}

#[tokio::test]
async fn attributes_on_lists() {
    let s = Server::new();
    users(&s, &["l1@x.test", "l2@x.test"]).await;
    let r = s.get("/Users?attributes=userName").await;
    ok(&r);
    for u in r.body["Resources"].as_array().unwrap() {
        assert_eq!(keys(u), ["id", "schemas", "userName"]);
    }
    assert_eq!(r.body["totalResults"], json!(2));
    let r = s.get("/Users?excludedAttributes=emails,name").await;
    ok(&r);
    for u in r.body["Resources"].as_array().unwrap() {
        assert!(u.get("emails").is_none() && u.get("name").is_none(), "{u}");
        assert!(u["userName"].is_string() && u["meta"].is_object(), "{u}");
    }
    s.create_group("Listed", &[]).await;
    let r = s.get("/Groups?attributes=displayName").await;
    ok(&r);
    let items = r.body["Resources"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", r.body);
    for g in items {
        assert_eq!(keys(g), ["displayName", "id", "schemas"]);
    }
}

#[tokio::test]
async fn attributes_on_write_responses() {
    let s = Server::new();
    let r = s
        .scim(
            Method::POST,
            "/Users?attributes=userName",
            Some(okta_user("w@x.test", "W", "R", None)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(keys(&r.body), ["id", "schemas", "userName"]);
    assert!(r.header("location").is_some());
    let id = r.body["id"].as_str().unwrap().to_owned();

    let r = s
        .scim(
            Method::PUT,
            &format!("/Users/{id}?attributes=userName"),
            Some(okta_user("w@x.test", "W2", "R", None)),
        )
        .await;
    ok(&r);
    assert_eq!(keys(&r.body), ["id", "schemas", "userName"]);

    let patch = json!({"schemas": [common::PATCH_OP], "Operations": [{"op": "replace", "path": "name.givenName", "value": "W3"}]});
    let r = s
        .scim(
            Method::PATCH,
            &format!("/Users/{id}?attributes=name.givenName"),
            Some(patch),
        )
        .await;
    ok(&r);
    assert_eq!(keys(&r.body), ["id", "name", "schemas"]);
    assert_eq!(r.body["name"], json!({"givenName": "W3"}));

    let patch = json!({"schemas": [common::PATCH_OP], "Operations": [{"op": "replace", "path": "name.familyName", "value": "F"}]});
    let r = s
        .scim(
            Method::PATCH,
            &format!("/Users/{id}?excludedAttributes=emails"),
            Some(patch),
        )
        .await;
    ok(&r);
    assert!(r.body.get("emails").is_none());
    assert_eq!(
        r.body["name"],
        json!({"givenName": "W3", "familyName": "F"})
    );

    let r = s
        .scim(
            Method::POST,
            "/Groups?attributes=displayName",
            Some(group_body("Proj", json!([{"value": id}]))),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(keys(&r.body), ["displayName", "id", "schemas"]);
}

/// The projection is read before anything is written: a write whose `attributes` cannot be
/// read is refused and changes nothing.
#[tokio::test]
async fn writes_with_an_invalid_attribute_list_change_nothing() {
    const BAD: &str = "attributes=a..b";
    let s = Server::new();
    let patch = |ops: Value| Some(json!({"schemas": [common::PATCH_OP], "Operations": ops}));

    let r = s
        .scim(
            Method::POST,
            &format!("/Users?{BAD}"),
            Some(okta_user("new@x.test", "N", "U", None)),
        )
        .await;
    r.assert_error(400, Some("invalidValue"));
    assert_eq!(s.total("/Users").await, 0);

    let id = s.create_user("kept@x.test").await;
    let user = format!("/Users/{id}");
    let before = s.get(&user).await.body;
    let mut changed = before.clone();
    changed["name"]["givenName"] = json!("Changed");
    s.scim(Method::PUT, &format!("{user}?{BAD}"), Some(changed))
        .await
        .assert_error(400, Some("invalidValue"));
    s.scim(
        Method::PATCH,
        &format!("{user}?{BAD}"),
        patch(json!([{"op": "replace", "path": "active", "value": false}])),
    )
    .await
    .assert_error(400, Some("invalidValue"));
    assert_eq!(s.get(&user).await.body, before);

    let r = s
        .scim(
            Method::POST,
            &format!("/Groups?{BAD}"),
            Some(group_body("New", json!([{"value": id}]))),
        )
        .await;
    r.assert_error(400, Some("invalidValue"));
    assert_eq!(s.total("/Groups").await, 0);

    let g = s.create_group("Kept", &[]).await;
    let team = format!("/Groups/{g}");
    let team_before = s.get_team(&g).await;
    s.scim(
        Method::PUT,
        &format!("{team}?{BAD}"),
        Some(group_body("Renamed", json!([{"value": id}]))),
    )
    .await
    .assert_error(400, Some("invalidValue"));
    for ops in [
        json!([{"op": "add", "path": "members", "value": [{"value": id}]}]),
        json!([{"op": "replace", "path": "displayName", "value": "Renamed"}]),
        json!([{"op": "add", "path": "externalId", "value": "x"}]),
    ] {
        s.scim(Method::PATCH, &format!("{team}?{BAD}"), patch(ops.clone()))
            .await
            .assert_error(400, Some("invalidValue"));
    }
    assert_eq!(s.get_team(&g).await, team_before);
    // The user is in no team, and its version did not move.
    assert_eq!(s.get(&user).await.body, before);
}

// ---------------------------------------------------------------- filters

#[tokio::test]
async fn invalid_filters_are_invalid_filter() {
    let s = Server::new();
    s.create_user("f@x.test").await;
    for f in [
        "userName eq",
        "userName regex \"a\"",
        "(a eq \"b\"",
        "active gt true",
        "userName eq \"a\" and",
        "",
    ] {
        let r = s.get(&format!("/Users?filter={}", enc(f))).await;
        r.assert_error(400, Some("invalidFilter"));
        assert!(!r.detail().is_empty(), "{f}");
    }
    s.get(&format!("/Groups?filter={}", enc("displayName eq")))
        .await
        .assert_error(400, Some("invalidFilter"));
}

#[tokio::test]
async fn deeply_nested_filter_is_refused_without_panic() {
    let s = Server::new();
    s.create_user("deep@x.test").await;
    let f = format!(
        "{}userName eq \"deep@x.test\"{}",
        "(".repeat(100),
        ")".repeat(100)
    );
    s.get(&format!("/Users?filter={}", enc(&f)))
        .await
        .assert_error(400, Some("invalidFilter"));
    let f = format!("{}userName eq \"deep@x.test\"", "not (".repeat(100)) + &")".repeat(100);
    s.get(&format!("/Users?filter={}", enc(&f)))
        .await
        .assert_error(400, Some("invalidFilter"));
    let f = format!("{}value eq \"x\"{}", "emails[".repeat(100), "]".repeat(100));
    s.get(&format!("/Users?filter={}", enc(&f)))
        .await
        .assert_error(400, Some("invalidFilter"));
    // The server still answers.
    let f = format!(
        "{}userName eq \"deep@x.test\"{}",
        "(".repeat(3),
        ")".repeat(3)
    );
    let r = s.get(&format!("/Users?filter={}", enc(&f))).await;
    ok(&r);
    assert_eq!(r.body["totalResults"], json!(1));
}

#[tokio::test]
async fn unknown_attribute_matches_nothing() {
    let s = Server::new();
    users(&s, &["u1@x.test", "u2@x.test"]).await;
    for f in [
        "noSuchAttribute eq \"x\"",
        "noSuchAttribute pr",
        "urn:example:ext:1.0:User:thing eq \"x\"",
    ] {
        let r = s.get(&format!("/Users?filter={}", enc(f))).await;
        ok(&r);
        assert_eq!(r.body["totalResults"], json!(0), "{f}: {}", r.body);
        assert_eq!(r.body["Resources"], json!([]), "{f}");
    }
}

#[tokio::test]
async fn or_and_precedence_over_real_users() {
    let s = Server::new();
    let a = s.create_user("a@x.test").await;
    let b = s.create_user("b@x.test").await;
    let c = s.create_user("c@x.test").await;
    ok(&s
        .patch(
            &format!("/Users/{b}"),
            json!([{"op": "replace", "path": "name.givenName", "value": "Bee"}]),
        )
        .await);
    let q = |f: &str| format!("/Users?filter={}", enc(f));
    // `and` binds tighter than `or`: a or (b and givenName eq Nobody) → a.
    let r = s
        .get(&q(
            "userName eq \"a@x.test\" or userName eq \"b@x.test\" and name.givenName eq \"Nobody\"",
        ))
        .await;
    ok(&r);
    assert_eq!(ids(&r), vec![a.clone()]);
    // Parentheses change it: (a or b) and givenName eq Bee → b.
    let r = s
        .get(&q(
            "(userName eq \"a@x.test\" or userName eq \"b@x.test\") and name.givenName eq \"Bee\"",
        ))
        .await;
    assert_eq!(ids(&r), vec![b.clone()]);
    // Same with `and` first.
    let r = s
        .get(&q(
            "name.givenName eq \"Nobody\" and userName eq \"a@x.test\" or userName eq \"c@x.test\"",
        ))
        .await;
    assert_eq!(ids(&r), vec![c.clone()]);
    let r = s
        .get(&q(
            "userName eq \"a@x.test\" or userName eq \"b@x.test\" or userName eq \"c@x.test\"",
        ))
        .await;
    assert_eq!(ids(&r), vec![a.clone(), b.clone(), c.clone()]);
    let r = s
        .get(&q("not (userName eq \"a@x.test\") and active eq true"))
        .await;
    assert_eq!(ids(&r), vec![b, c]);
    // userName comparisons ignore case.
    let r = s.get(&q("userName eq \"A@X.TEST\"")).await;
    assert_eq!(ids(&r), vec![a]);
}

#[tokio::test]
async fn external_id_eq_is_case_sensitive() {
    let s = Server::new();
    let mut body = okta_user("x1@x.test", "X", "One", None);
    body["externalId"] = json!("00uAbCdEf");
    let r = s.post("/Users", body).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    s.create_user("x2@x.test").await;
    let r = s
        .get(&format!(
            "/Users?filter={}",
            enc("externalId eq \"00uAbCdEf\"")
        ))
        .await;
    ok(&r);
    assert_eq!(ids(&r), vec![id.clone()]);
    let r = s
        .get(&format!(
            "/Users?filter={}",
            enc("externalId eq \"00uabcdef\"")
        ))
        .await;
    ok(&r);
    assert_eq!(r.body["totalResults"], json!(0));
    // Also when not answered from the index.
    let r = s
        .get(&format!(
            "/Users?filter={}",
            enc("externalId eq \"00uabcdef\" or userName eq \"nobody@x.test\"")
        ))
        .await;
    assert_eq!(r.body["totalResults"], json!(0), "{}", r.body);
    let r = s
        .get(&format!(
            "/Users?filter={}",
            enc("externalId eq \"00uAbCdEf\" or userName eq \"nobody@x.test\"")
        ))
        .await;
    assert_eq!(ids(&r), vec![id]);
}

#[tokio::test]
async fn control_characters_in_a_filter_are_invalid_filter() {
    let s = Server::new();
    s.create_user("ctl@x.test").await;
    let before = s.total("/Users").await;
    for f in [
        "userName eq \"ctl\u{1}@x.test\"",
        "userName\u{0} eq \"a\"",
        "userName eq \"a\\\"b\u{1f}\"",
        "userName eq \"tab\there\"",
    ] {
        s.get(&format!("/Users?filter={}", enc(f)))
            .await
            .assert_error(400, Some("invalidFilter"));
    }
    assert_eq!(s.total("/Users").await, before);
}

// ---------------------------------------------------------------- .search

#[tokio::test]
async fn search_equals_the_get() {
    let s = Server::new();
    users(
        &s,
        &["s-c@x.test", "s-a@x.test", "s-b@x.test", "other@x.test"],
    )
    .await;
    let get = s
        .get(&format!(
            "/Users?filter={}&sortBy=userName&sortOrder=descending&startIndex=2&count=2&attributes=userName",
            enc("userName sw \"s-\"")
        ))
        .await;
    ok(&get);
    assert_eq!(get.body["totalResults"], json!(3));
    assert_eq!(user_names(&get), ["s-b@x.test", "s-a@x.test"]);
    let post = s
        .post(
            "/Users/.search",
            json!({
                "schemas": [SEARCH],
                "filter": "userName sw \"s-\"",
                "sortBy": "userName",
                "sortOrder": "descending",
                "startIndex": 2,
                "count": 2,
                "attributes": ["userName"]
            }),
        )
        .await;
    ok(&post);
    assert_eq!(post.body, get.body);
    assert_eq!(post.header("content-type"), Some("application/scim+json"));

    // Teams too.
    s.create_group("Searched", &[]).await;
    let get = s
        .get(&format!(
            "/Groups?filter={}",
            enc("displayName eq \"searched\"")
        ))
        .await;
    let post = s
        .post(
            "/Groups/.search",
            json!({"schemas": [SEARCH], "filter": "displayName eq \"searched\""}),
        )
        .await;
    ok(&post);
    assert_eq!(post.body, get.body);
    assert_eq!(post.body["totalResults"], json!(1));
}

#[tokio::test]
async fn search_without_its_schema_is_invalid_syntax() {
    let s = Server::new();
    s.create_user("a@x.test").await;
    s.post("/Users/.search", json!({"filter": "userName pr"}))
        .await
        .assert_error(400, Some("invalidSyntax"));
    s.post(
        "/Users/.search",
        json!({"schemas": [USER], "filter": "userName pr"}),
    )
    .await
    .assert_error(400, Some("invalidSyntax"));
    s.post("/Groups/.search", json!({}))
        .await
        .assert_error(400, Some("invalidSyntax"));
}

// ---------------------------------------------------------------- media types

#[tokio::test]
async fn json_media_types_are_accepted() {
    let s = Server::new();
    for (i, ct) in [
        "application/scim+json",
        "application/scim+json; charset=utf-8",
        "application/json",
    ]
    .into_iter()
    .enumerate()
    {
        let email = format!("mt{i}@x.test");
        let body = serde_json::to_vec(&okta_user(&email, "M", "T", None)).unwrap();
        let r = raw(&s, Method::POST, "/Users", Some(ct), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{ct}: {}", r.body);
        assert_eq!(r.header("content-type"), Some("application/scim+json"));
        assert_eq!(r.body["userName"], json!(email));
    }
    assert_eq!(s.total("/Users").await, 3);
}

#[tokio::test]
async fn other_media_types_are_415() {
    let s = Server::new();
    let body = serde_json::to_vec(&okta_user("tp@x.test", "T", "P", None)).unwrap();
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
    ] {
        raw(&s, Method::POST, "/Users", Some(ct), body.clone())
            .await
            .assert_error(415, None);
    }
    assert_eq!(s.total("/Users").await, 0);
}

#[tokio::test]
async fn responses_are_scim_json() {
    let s = Server::new();
    let id = s.create_user("ct@x.test").await;
    for path in [
        format!("/Users/{id}"),
        "/Users".to_owned(),
        "/Groups".to_owned(),
        "/ServiceProviderConfig".to_owned(),
        "/Schemas".to_owned(),
        "/ResourceTypes".to_owned(),
        "/Users/nope".to_owned(),
    ] {
        let r = s.get(&path).await;
        assert_eq!(
            r.header("content-type"),
            Some("application/scim+json"),
            "{path}"
        );
    }
}

// ---------------------------------------------------------------- bad input

#[tokio::test]
async fn bad_bodies_are_refused_and_change_nothing() {
    let s = Server::new();
    let id = s.create_user("keep@x.test").await;
    let user_before = s.get(&format!("/Users/{id}")).await.body;
    let ct = Some("application/scim+json");

    raw(&s, Method::POST, "/Users", ct, b"{\"userName\": ".to_vec())
        .await
        .assert_error(400, Some("invalidSyntax"));
    raw(
        &s,
        Method::POST,
        "/Users",
        ct,
        b"[{\"userName\": \"arr@x.test\"}]".to_vec(),
    )
    .await
    .assert_error(400, Some("invalidSyntax"));
    raw(&s, Method::POST, "/Users", ct, b"\"a string\"".to_vec())
        .await
        .assert_error(400, Some("invalidSyntax"));
    raw(&s, Method::POST, "/Users", ct, Vec::new())
        .await
        .assert_error(400, Some("invalidSyntax"));

    let mut body = okta_user("yes@x.test", "Y", "S", None);
    body["active"] = json!("yes");
    s.post("/Users", body)
        .await
        .assert_error(400, Some("invalidValue"));
    let mut body = okta_user("emails@x.test", "E", "S", None);
    body["emails"] = json!("x");
    s.post("/Users", body)
        .await
        .assert_error(400, Some("invalidValue"));

    // The same on PUT and PATCH of an existing user.
    let mut body = okta_user("keep@x.test", "Test", "User", None);
    body["active"] = json!("yes");
    s.put(&format!("/Users/{id}"), body)
        .await
        .assert_error(400, Some("invalidValue"));
    s.patch(
        &format!("/Users/{id}"),
        json!([{"op": "replace", "path": "active", "value": "yes"}]),
    )
    .await
    .assert_error(400, Some("invalidValue"));
    raw(
        &s,
        Method::PATCH,
        &format!("/Users/{id}"),
        ct,
        b"{not json".to_vec(),
    )
    .await
    .assert_error(400, Some("invalidSyntax"));

    assert_eq!(s.total("/Users").await, 1);
    assert_eq!(s.get(&format!("/Users/{id}")).await.body, user_before);
}

#[tokio::test]
async fn oversized_body_is_413() {
    let s = Server::with(|c| c.max_body_bytes = 1024);
    let mut body = okta_user("big@x.test", "B", "Ig", None);
    body["displayName"] = json!("x".repeat(2048));
    let bytes = serde_json::to_vec(&body).unwrap();
    assert!(bytes.len() > 2048);
    raw(
        &s,
        Method::POST,
        "/Users",
        Some("application/scim+json"),
        bytes,
    )
    .await
    .assert_error(413, None);
    assert_eq!(s.total("/Users").await, 0);
    // A small body still goes through.
    s.create_user("small@x.test").await;
    assert_eq!(s.total("/Users").await, 1);
}

#[tokio::test]
async fn non_utf8_body_is_400() {
    let s = Server::new();
    let mut bytes =
        b"{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": \"bad"
            .to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    bytes.extend_from_slice(
        b"@x.test\", \"emails\": [{\"value\": \"bad@x.test\", \"primary\": true}]}",
    );
    let r = raw(
        &s,
        Method::POST,
        "/Users",
        Some("application/scim+json"),
        bytes,
    )
    .await;
    r.assert_error(400, Some("invalidSyntax"));
    assert_eq!(s.total("/Users").await, 0);
}

// ---------------------------------------------------------------- routes

#[tokio::test]
async fn unknown_paths_are_scim_404() {
    let s = Server::new();
    s.get("/Nope").await.assert_error(404, None);
    s.get("/Users/some/thing").await.assert_error(404, None);
    let a = auth();
    let h = [("authorization", a.as_str())];
    s.send(Method::GET, "/nope", &h, None)
        .await
        .assert_error(404, None);
    s.send(Method::GET, "/scim/v1/Users", &h, None)
        .await
        .assert_error(404, None);
    s.send(Method::GET, "/", &h, None)
        .await
        .assert_error(404, None);
    s.get("/Users/no-such-id").await.assert_error(404, None);
    s.get("/Groups/no-such-id").await.assert_error(404, None);
}

#[tokio::test]
async fn wrong_method_is_scim_405() {
    let s = Server::new();
    s.delete("/Users").await.assert_error(405, None);
    s.put("/Groups", json!({})).await.assert_error(405, None);
    s.scim(Method::GET, "/Users/.search", None)
        .await
        .assert_error(405, None);
    s.post("/ServiceProviderConfig", json!({}))
        .await
        .assert_error(405, None);
}

#[tokio::test]
async fn wrong_method_names_the_allowed_ones() {
    let s = Server::new();
    let r = s.delete("/Users").await;
    r.assert_error(405, None);
    let allow = r.header("allow").unwrap_or_default().to_ascii_uppercase();
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "Allow: {allow:?}"
    );
}

#[tokio::test]
async fn me_is_501_and_so_is_bulk_turned_off() {
    let s = Server::new();
    s.get("/Me").await.assert_error(501, None);
    let off = Server::with(|c| c.bulk_max_operations = 0);
    off.post(
        "/Bulk",
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": []}),
    )
    .await
    .assert_error(501, None);
    let spc = off.get("/ServiceProviderConfig").await;
    assert_eq!(spc.body["bulk"]["supported"], json!(false));
}

// ---------------------------------------------------------------- discovery

#[tokio::test]
async fn service_provider_config_is_truthful() {
    let s = Server::new();
    let r = s.get("/ServiceProviderConfig").await;
    ok(&r);
    let b = &r.body;
    assert_eq!(
        b["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
    );
    assert_eq!(b["patch"]["supported"], json!(true));
    assert_eq!(b["filter"]["supported"], json!(true));
    assert_eq!(b["filter"]["maxResults"], json!(1000));
    assert_eq!(b["sort"]["supported"], json!(true));
    assert_eq!(b["etag"]["supported"], json!(true));
    assert_eq!(b["bulk"]["supported"], json!(true));
    assert_eq!(b["bulk"]["maxOperations"], json!(100));
    assert_eq!(b["bulk"]["maxPayloadSize"], json!(1024 * 1024));
    assert_eq!(b["changePassword"]["supported"], json!(false));
    let schemes = b["authenticationSchemes"].as_array().unwrap();
    assert_eq!(schemes.len(), 1);
    assert_eq!(schemes[0]["type"], json!("oauthbearertoken"));
    assert!(schemes[0]["name"].is_string() && schemes[0]["description"].is_string());
    // That it takes the token like every SCIM route is access.rs's
    // `discovery_needs_the_token_unless_configured_public`.
}

#[tokio::test]
async fn schemas_list_user_and_group_only() {
    let s = Server::new();
    let r = s.get("/Schemas").await;
    ok(&r);
    assert_eq!(r.body["schemas"], json!([LIST]));
    assert_eq!(r.body["totalResults"], json!(2));
    assert_eq!(ids(&r), [USER, GROUP]);
    for sc in r.body["Resources"].as_array().unwrap() {
        let id = sc["id"].as_str().unwrap();
        assert!(!id.starts_with("urn:ietf:params:scim:api:messages"), "{id}");
        assert!(
            sc["attributes"].as_array().is_some_and(|a| !a.is_empty()),
            "{id}"
        );
    }

    let r = s.get(&format!("/Schemas/{USER}")).await;
    ok(&r);
    assert_eq!(r.body["id"], json!(USER));
    assert_eq!(r.body["name"], json!("User"));
    assert!(r.body.get("Resources").is_none());
    let names: Vec<&str> = r.body["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"userName"), "{names:?}");
    let r = s.get(&format!("/Schemas/{GROUP}")).await;
    assert_eq!(r.body["id"], json!(GROUP));

    s.get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:Nothing")
        .await
        .assert_error(404, None);
    s.get("/Schemas/urn:ietf:params:scim:api:messages:2.0:ListResponse")
        .await
        .assert_error(404, None);
}

#[tokio::test]
async fn resource_types_list_users_and_groups() {
    let s = Server::new();
    let r = s.get("/ResourceTypes").await;
    ok(&r);
    assert_eq!(r.body["totalResults"], json!(2));
    let rts = r.body["Resources"].as_array().unwrap();
    assert_eq!(rts.len(), 2);
    assert_eq!(rts[0]["name"], json!("User"));
    assert_eq!(rts[0]["endpoint"], json!("/Users"));
    assert_eq!(rts[0]["schema"], json!(USER));
    assert_eq!(rts[1]["name"], json!("Group"));
    assert_eq!(rts[1]["endpoint"], json!("/Groups"));
    assert_eq!(rts[1]["schema"], json!(GROUP));

    let r = s.get("/ResourceTypes/User").await;
    ok(&r);
    assert_eq!(r.body["name"], json!("User"));
    assert_eq!(r.body["endpoint"], json!("/Users"));
    assert_eq!(
        r.body["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:ResourceType"])
    );
    let r = s.get("/ResourceTypes/Group").await;
    assert_eq!(r.body["endpoint"], json!("/Groups"));
    s.get("/ResourceTypes/Widget").await.assert_error(404, None);
}

// ---------------------------------------------------------------- more filter and precondition edges

#[tokio::test]
async fn unknown_attributes_inside_larger_filters() {
    let s = Server::new();
    let all = users(&s, &["k1@x.test", "k2@x.test"]).await;
    let q = |f: &str| format!("/Users?filter={}", enc(f));
    let r = s
        .get(&q("noSuch eq \"x\" or userName eq \"k2@x.test\""))
        .await;
    ok(&r);
    assert_eq!(ids(&r), vec![all[1].clone()]);
    let r = s
        .get(&q("userName eq \"k1@x.test\" and noSuch eq \"x\""))
        .await;
    ok(&r);
    assert_eq!(r.body["totalResults"], json!(0));
    let r = s.get(&q("name.noSuch eq \"x\"")).await;
    ok(&r);
    assert_eq!(r.body["totalResults"], json!(0));
    s.create_group("G", &[]).await;
    let r = s
        .get(&format!("/Groups?filter={}", enc("noSuch eq \"x\"")))
        .await;
    ok(&r);
    assert_eq!(r.body["totalResults"], json!(0));
    assert_eq!(r.body["Resources"], json!([]));
}

#[tokio::test]
async fn id_and_value_path_filters() {
    let s = Server::new();
    let all = users(&s, &["v1@x.test", "v2@x.test"]).await;
    let q = |f: &str| format!("/Users?filter={}", enc(f));
    let r = s.get(&q(&format!("id eq \"{}\"", all[1]))).await;
    ok(&r);
    assert_eq!(ids(&r), vec![all[1].clone()]);
    let r = s
        .get(&q("emails[type eq \"work\" and value co \"v1@\"]"))
        .await;
    ok(&r);
    assert_eq!(ids(&r), vec![all[0].clone()]);
    let r = s.get(&q("emails.value eq \"V2@X.TEST\"")).await;
    ok(&r);
    assert_eq!(ids(&r), vec![all[1].clone()]);
}

#[tokio::test]
async fn preconditions_on_a_missing_resource_are_404() {
    let s = Server::new();
    s.scim_with(
        Method::DELETE,
        "/Users/nope",
        &[("if-match", "W/\"1\"")],
        None,
    )
    .await
    .assert_error(404, None);
    s.scim_with(Method::GET, "/Groups/nope", &[("if-none-match", "*")], None)
        .await
        .assert_error(404, None);
}

#[tokio::test]
async fn if_none_match_lists_and_star() {
    let s = Server::new();
    let id = s.create_user("l@x.test").await;
    let path = format!("/Users/{id}");
    let tag = s.get(&path).await.header("etag").unwrap().to_owned();
    let list = format!("W/\"999999\", {tag}");
    let r = s
        .scim_with(Method::GET, &path, &[("if-none-match", &list)], None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    let r = s
        .scim_with(Method::GET, &path, &[("if-none-match", "*")], None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    let r = s
        .scim_with(
            Method::GET,
            &path,
            &[("if-none-match", "W/\"999999\"")],
            None,
        )
        .await;
    ok(&r);
}

#[tokio::test]
async fn an_id_that_is_not_utf8_is_a_scim_404() {
    let s = Server::new();
    s.get("/Users/%FF%FE").await.assert_error(404, None);
    s.get("/Groups/%C3%28").await.assert_error(404, None);
    s.get("/Schemas/%FF").await.assert_error(404, None);
    s.scim(Method::DELETE, "/Users/%FF", None)
        .await
        .assert_error(404, None);
}

#[tokio::test]
async fn an_error_quotes_at_most_a_kilobyte_of_what_the_client_sent() {
    let s = Server::new();
    let id = s.create_user("echo@example.com").await;
    let huge = "a".repeat(500 * 1024);
    let r = s
        .patch(
            &format!("/Users/{id}"),
            json!([{"op": "replace", "path": huge, "value": 1}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.raw.len() < 2 * 1024,
        "the error body is {} bytes",
        r.raw.len()
    );
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.ends_with(" bytes in all)"), "{detail}");
    assert_eq!(r.body["status"], "400");
}
