//! `/Groups`: Fivetran teams, as Okta's Group Push (and Entra) drive them.

mod common;

use axum::http::StatusCode;
use common::{GROUP, Server, enc, group_body, version};
use serde_json::{Value, json};

const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const HOST: &str = "http://scim.test/scim/v2";

/// The member ids of a team body, in order.
fn member_ids(body: &Value) -> Vec<String> {
    body["members"]
        .as_array()
        .unwrap_or_else(|| panic!("members missing: {body}"))
        .iter()
        .map(|m| m["value"].as_str().unwrap().to_owned())
        .collect()
}

/// The team ids a user's `groups` attribute lists.
async fn groups_of(s: &Server, user: &str) -> Vec<String> {
    let r = s.get(&format!("/Users/{user}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["value"].as_str().unwrap().to_owned())
        .collect()
}

// ---------------------------------------------------------------- create

#[tokio::test]
async fn okta_create_team_answers_201_with_location() {
    let s = Server::new();
    let r = s
        .post("/Groups", group_body("Test SCIMv2", json!([])))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_str().unwrap();
    assert!(!id.is_empty());
    let location = format!("{HOST}/Groups/{id}");
    assert_eq!(r.header("location"), Some(location.as_str()));
    assert_eq!(r.body["meta"]["location"], json!(location));
    assert_eq!(r.body["meta"]["resourceType"], json!("Group"));
    assert_eq!(r.body["schemas"], json!([GROUP]));
    assert_eq!(r.body["displayName"], json!("Test SCIMv2"));
    assert_eq!(r.body["members"], json!([]));
    assert_eq!(r.header("etag"), r.body["meta"]["version"].as_str());
    assert_eq!(
        r.header("content-type"),
        Some("application/scim+json"),
        "content type"
    );
    // And it can be read back.
    let g = s.get_team(id).await;
    assert_eq!(g["displayName"], json!("Test SCIMv2"));
    assert_eq!(g["members"], json!([]));
}

#[tokio::test]
async fn create_with_members_computes_display_type_and_ref() {
    let s = Server::new();
    let u = s.create_user("member.one@okta.local").await;
    let r = s
        .post(
            "/Groups",
            group_body(
                "Engineering",
                json!([{"value": u, "display": "Whatever Okta Says"}]),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let expected = json!([{
        "value": u,
        "display": "member.one@okta.local",
        "type": "User",
        "$ref": format!("{HOST}/Users/{u}")
    }]);
    assert_eq!(r.body["members"], expected);
    let id = r.body["id"].as_str().unwrap();
    assert_eq!(s.get_team(id).await["members"], expected);
    assert_eq!(groups_of(&s, &u).await, vec![id.to_owned()]);
}

#[tokio::test]
async fn display_name_is_unique_ignoring_case_on_create() {
    let s = Server::new();
    s.create_group("Test SCIMv2", &[]).await;
    let r = s
        .post("/Groups", group_body("test scimv2", json!([])))
        .await;
    r.assert_error(409, Some("uniqueness"));
    let r = s
        .post("/Groups", group_body("TEST SCIMV2", json!([])))
        .await;
    r.assert_error(409, Some("uniqueness"));
    assert_eq!(s.total("/Groups").await, 1);
}

#[tokio::test]
async fn renaming_to_a_taken_name_conflicts_and_changes_nothing() {
    let s = Server::new();
    s.create_group("Alpha", &[]).await;
    let b = s.create_group("Beta", &[]).await;
    let before = s.get_team(&b).await;

    let r = s
        .patch(
            &format!("/Groups/{b}"),
            json!([{"op": "replace", "value": {"id": b, "displayName": "ALPHA"}}]),
        )
        .await;
    r.assert_error(409, Some("uniqueness"));
    let r = s
        .patch(
            &format!("/Groups/{b}"),
            json!([{"op": "replace", "path": "displayName", "value": "alpha"}]),
        )
        .await;
    r.assert_error(409, Some("uniqueness"));
    let r = s
        .put(&format!("/Groups/{b}"), group_body("aLpHa", json!([])))
        .await;
    r.assert_error(409, Some("uniqueness"));
    assert_eq!(s.get_team(&b).await, before);

    // A team may change the case of its own name.
    let r = s
        .patch(
            &format!("/Groups/{b}"),
            json!([{"op": "replace", "path": "displayName", "value": "BETA"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["displayName"], json!("BETA"));
}

#[tokio::test]
async fn missing_or_blank_display_name_is_invalid_value() {
    let s = Server::new();
    let r = s
        .post("/Groups", json!({"schemas": [GROUP], "members": []}))
        .await;
    r.assert_error(400, Some("invalidValue"));
    let r = s.post("/Groups", group_body("   ", json!([]))).await;
    r.assert_error(400, Some("invalidValue"));
    assert_eq!(s.total("/Groups").await, 0);
}

#[tokio::test]
async fn unknown_member_is_invalid_value_naming_it_and_nothing_is_created() {
    let s = Server::new();
    let u = s.create_user("real@okta.local").await;
    let r = s
        .post(
            "/Groups",
            group_body(
                "Ghosts",
                json!([{"value": u}, {"value": "no-such-user-42"}]),
            ),
        )
        .await;
    r.assert_error(400, Some("invalidValue"));
    assert!(r.detail().contains("no-such-user-42"), "{}", r.detail());
    assert_eq!(s.total("/Groups").await, 0);
    assert!(groups_of(&s, &u).await.is_empty());
    // The name was not taken either.
    s.create_group("Ghosts", &[]).await;
}

#[tokio::test]
async fn a_group_as_member_is_refused() {
    let s = Server::new();
    let inner = s.create_group("Inner", &[]).await;
    let r = s
        .post(
            "/Groups",
            group_body("Outer", json!([{"value": inner, "type": "Group"}])),
        )
        .await;
    r.assert_error(400, Some("invalidValue"));
    assert_eq!(s.total("/Groups").await, 1);
}

#[tokio::test]
async fn a_group_as_member_is_refused_in_patch() {
    let s = Server::new();
    let u = s.create_user("a@okta.local").await;
    let inner = s.create_group("Inner", &[]).await;
    let g = s.create_group("Outer", &[&u]).await;
    let before = s.get_team(&g).await;
    let r = s
        .patch(
            &format!("/Groups/{g}"),
            json!([{"op": "add", "path": "members", "value": [{"value": inner, "type": "Group"}]}]),
        )
        .await;
    r.assert_error(400, Some("invalidValue"));
    assert_eq!(s.get_team(&g).await, before);
}

// ---------------------------------------------------------------- Group Push PATCH

#[tokio::test]
async fn okta_remove_then_add_in_one_request() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let u2 = s.create_user("u2@okta.local").await;
    let u3 = s.create_user("u3@okta.local").await;
    let g = s.create_group("Test SCIMv2", &[&u1, &u2]).await;
    let r = s
        .patch(
            &format!("/Groups/{g}"),
            json!([
                {"op": "remove", "path": format!("members[value eq \"{u1}\"]")},
                {"op": "add", "path": "members", "value": [{"value": u3, "display": "u3@okta.local"}]}
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], json!(g));
    assert_eq!(r.body["schemas"], json!([GROUP]));
    assert_eq!(r.body["displayName"], json!("Test SCIMv2"));
    assert_eq!(member_ids(&r.body), vec![u2.clone(), u3.clone()]);
    assert_eq!(r.header("etag"), r.body["meta"]["version"].as_str());
    assert_eq!(
        member_ids(&s.get_team(&g).await),
        vec![u2.clone(), u3.clone()]
    );
    assert!(groups_of(&s, &u1).await.is_empty());
    assert_eq!(groups_of(&s, &u2).await, vec![g.clone()]);
    assert_eq!(groups_of(&s, &u3).await, vec![g.clone()]);
}

#[tokio::test]
async fn push_now_replaces_the_member_list() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let u2 = s.create_user("u2@okta.local").await;
    let u3 = s.create_user("u3@okta.local").await;
    let g = s.create_group("Pushed", &[&u1, &u2]).await;
    let r = s
        .patch(
            &format!("/Groups/{g}"),
            json!([{"op": "replace", "path": "members", "value": [
                {"value": u2, "display": "u2@okta.local"},
                {"value": u3, "display": "u3@okta.local"}
            ]}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(member_ids(&r.body), vec![u2.clone(), u3.clone()]);
    assert_eq!(
        member_ids(&s.get_team(&g).await),
        vec![u2.clone(), u3.clone()]
    );
    assert!(groups_of(&s, &u1).await.is_empty());
    assert_eq!(groups_of(&s, &u3).await, vec![g.clone()]);
}

#[tokio::test]
async fn okta_rename_ignores_the_read_only_id_in_value() {
    let s = Server::new();
    let u = s.create_user("u@okta.local").await;
    let g = s.create_group("Old Name", &[&u]).await;
    let r = s
        .patch(
            &format!("/Groups/{g}"),
            json!([{"op": "replace", "value": {"id": g, "displayName": "New"}}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], json!(g));
    assert_eq!(r.body["displayName"], json!("New"));
    assert_eq!(member_ids(&r.body), vec![u.clone()]);
    let got = s.get_team(&g).await;
    assert_eq!(got["displayName"], json!("New"));
    // The old name is free again, the new one is taken.
    let list = s
        .get(&format!(
            "/Groups?filter={}",
            enc("displayName eq \"old name\"")
        ))
        .await;
    assert_eq!(list.body["totalResults"], json!(0), "{}", list.body);
    let list = s
        .get(&format!("/Groups?filter={}", enc("displayName eq \"new\"")))
        .await;
    assert_eq!(list.body["totalResults"], json!(1), "{}", list.body);
    s.create_group("old name", &[]).await;
}

#[tokio::test]
async fn adding_an_existing_member_is_a_no_op() {
    let s = Server::new();
    let u = s.create_user("u@okta.local").await;
    let g = s.create_group("Team", &[&u]).await;
    let before = s.get_team(&g).await;
    let user_before = s.get(&format!("/Users/{u}")).await.body;
    s.clock.advance(chrono::Duration::seconds(60));
    let r = s
        .patch(
            &format!("/Groups/{g}"),
            json!([{"op": "add", "path": "members", "value": [{"value": u, "display": "u@okta.local"}]}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(version(&r.body), version(&before));
    assert_eq!(r.header("etag"), Some(version(&before)));
    assert_eq!(s.get_team(&g).await, before);
    assert_eq!(s.get(&format!("/Users/{u}")).await.body, user_before);
}

#[tokio::test]
async fn a_patch_that_ends_where_it_began_changes_nothing() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let u2 = s.create_user("u2@okta.local").await;
    let g = s.create_group("Team", &[&u1]).await;
    let before = s.get_team(&g).await;
    let users_before = (
        s.get(&format!("/Users/{u1}")).await.body,
        s.get(&format!("/Users/{u2}")).await.body,
    );
    s.clock.advance(chrono::Duration::seconds(60));
    let plans = [
        // Okta's Push Now: replace with the list the team already has.
        json!([{"op": "replace", "path": "members", "value": [{"value": u1}]}]),
        // A non-member added and removed in one request.
        json!([
            {"op": "add", "path": "members", "value": [{"value": u2}]},
            {"op": "remove", "path": format!("members[value eq \"{u2}\"]")}
        ]),
        // A member removed and added back.
        json!([
            {"op": "remove", "path": format!("members[value eq \"{u1}\"]")},
            {"op": "add", "path": "members", "value": [{"value": u1}]}
        ]),
    ];
    for ops in plans {
        let r = s.patch(&format!("/Groups/{g}"), ops.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{ops}: {}", r.body);
        assert_eq!(version(&r.body), version(&before), "{ops}");
    }
    assert_eq!(s.get_team(&g).await, before);
    assert_eq!(
        (
            s.get(&format!("/Users/{u1}")).await.body,
            s.get(&format!("/Users/{u2}")).await.body,
        ),
        users_before
    );
}

#[tokio::test]
async fn removing_a_non_member_succeeds_unchanged() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let u2 = s.create_user("u2@okta.local").await;
    let g = s.create_group("Team", &[&u1]).await;
    let before = s.get_team(&g).await;
    for id in [u2.as_str(), "not-a-user-at-all"] {
        let r = s
            .patch(
                &format!("/Groups/{g}"),
                json!([{"op": "remove", "path": format!("members[value eq \"{id}\"]")}]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(version(&r.body), version(&before));
        assert_eq!(member_ids(&r.body), vec![u1.clone()]);
    }
    assert_eq!(s.get_team(&g).await, before);
    assert!(groups_of(&s, &u2).await.is_empty());
}

#[tokio::test]
async fn entra_remove_with_a_value_list_removes_only_those() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let u2 = s.create_user("u2@okta.local").await;
    let u3 = s.create_user("u3@okta.local").await;
    let g = s.create_group("Team", &[&u1, &u2, &u3]).await;
    let r = s
        .patch(
            &format!("/Groups/{g}"),
            json!([{"op": "remove", "path": "members", "value": [{"value": u1}]}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(member_ids(&r.body), vec![u2.clone(), u3.clone()]);
    assert_eq!(member_ids(&s.get_team(&g).await), vec![u2, u3]);
    assert!(groups_of(&s, &u1).await.is_empty());
}

#[tokio::test]
async fn a_generic_patch_goes_through_and_keeps_members() {
    let s = Server::new();
    let u = s.create_user("u@okta.local").await;
    let g = s.create_group("Team", &[&u]).await;
    let before = s.get_team(&g).await;
    let r = s
        .patch(
            &format!("/Groups/{g}"),
            json!([{"op": "add", "path": "externalId", "value": "00g-okta-1"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["externalId"], json!("00g-okta-1"));
    assert_eq!(r.body["displayName"], json!("Team"));
    assert_eq!(member_ids(&r.body), vec![u.clone()]);
    assert_ne!(version(&r.body), version(&before));
    let got = s.get_team(&g).await;
    assert_eq!(got["externalId"], json!("00g-okta-1"));
    let list = s
        .get(&format!(
            "/Groups?filter={}",
            enc("externalId eq \"00g-okta-1\"")
        ))
        .await;
    assert_eq!(list.body["totalResults"], json!(1), "{}", list.body);
    assert_eq!(list.body["Resources"][0]["id"], json!(g));
}

#[tokio::test]
async fn patch_to_an_unknown_member_changes_nothing() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let g = s.create_group("Team", &[&u1]).await;
    let before = s.get_team(&g).await;
    let r = s
        .patch(
            &format!("/Groups/{g}"),
            json!([
                {"op": "remove", "path": format!("members[value eq \"{u1}\"]")},
                {"op": "add", "path": "members", "value": [{"value": "ghost-7"}]}
            ]),
        )
        .await;
    r.assert_error(400, Some("invalidValue"));
    assert!(r.detail().contains("ghost-7"), "{}", r.detail());
    assert_eq!(s.get_team(&g).await, before);
    assert_eq!(groups_of(&s, &u1).await, vec![g]);
}

// ---------------------------------------------------------------- users' groups, delete

#[tokio::test]
async fn member_users_show_the_team_and_its_new_name() {
    let s = Server::new();
    let u = s.create_user("u@okta.local").await;
    let g = s.create_group("Team A", &[&u]).await;
    let r = s.get(&format!("/Users/{u}")).await;
    assert_eq!(
        r.body["groups"],
        json!([{"value": g, "display": "Team A", "$ref": format!("{HOST}/Groups/{g}"), "type": "direct"}])
    );
    let user_version = version(&r.body);
    let p = s
        .patch(
            &format!("/Groups/{g}"),
            json!([{"op": "replace", "value": {"id": g, "displayName": "Team B"}}]),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let r = s.get(&format!("/Users/{u}")).await;
    assert_eq!(r.body["groups"][0]["display"], json!("Team B"));
    assert_eq!(r.body["groups"].as_array().unwrap().len(), 1);
    // The user's representation changed, so must its version.
    assert_ne!(version(&r.body), user_version);
}

#[tokio::test]
async fn deleting_a_team_leaves_its_users() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let u2 = s.create_user("u2@okta.local").await;
    let g = s.create_group("Doomed", &[&u1, &u2]).await;
    let keep = s.create_group("Kept", &[&u2]).await;
    let r = s.delete(&format!("/Groups/{g}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.raw.is_empty());
    s.get(&format!("/Groups/{g}")).await.assert_error(404, None);
    s.delete(&format!("/Groups/{g}"))
        .await
        .assert_error(404, None);
    let r = s.get(&format!("/Users/{u1}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["groups"], json!([]));
    assert_eq!(groups_of(&s, &u2).await, vec![keep]);
    assert_eq!(s.total("/Groups").await, 1);
    // The name is free again.
    s.create_group("doomed", &[]).await;
}

// ---------------------------------------------------------------- queries

#[tokio::test]
async fn okta_display_name_lookup_ignores_case() {
    let s = Server::new();
    s.create_group("Other", &[]).await;
    let g = s.create_group("Test SCIMv2", &[]).await;
    let r = s
        .get("/Groups?filter=displayName%20eq%20%22test%20scimv2%22&startIndex=1&count=100")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["schemas"], json!([LIST]));
    assert_eq!(r.body["totalResults"], json!(1));
    assert_eq!(r.body["startIndex"], json!(1));
    assert_eq!(r.body["itemsPerPage"], json!(1));
    assert_eq!(r.body["Resources"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["Resources"][0]["id"], json!(g));
    assert_eq!(r.body["Resources"][0]["displayName"], json!("Test SCIMv2"));
    let r = s
        .get("/Groups?filter=displayName%20eq%20%22test%20scim%22&startIndex=1&count=100")
        .await;
    assert_eq!(r.body["totalResults"], json!(0), "{}", r.body);
}

#[tokio::test]
async fn excluded_members_are_left_out_of_get_and_list() {
    let s = Server::new();
    let u = s.create_user("u@okta.local").await;
    let g = s.create_group("Big", &[&u]).await;
    s.create_group("Empty", &[]).await;

    let r = s
        .get(&format!("/Groups/{g}?excludedAttributes=members"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.get("members").is_none(), "{}", r.body);
    assert_eq!(r.body["id"], json!(g));
    assert_eq!(r.body["displayName"], json!("Big"));
    assert_eq!(r.header("etag"), r.body["meta"]["version"].as_str());

    let r = s.get("/Groups?excludedAttributes=members").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = r.body["Resources"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for item in items {
        assert!(item.get("members").is_none(), "{item}");
        assert!(item["displayName"].is_string(), "{item}");
    }

    // Without the parameter the members are there.
    let r = s.get("/Groups").await;
    assert_eq!(r.body["Resources"][0]["members"][0]["value"], json!(u));
    assert_eq!(r.body["Resources"][1]["members"], json!([]));
}

#[tokio::test]
async fn member_value_filter_finds_the_users_teams() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let u2 = s.create_user("u2@okta.local").await;
    let a = s.create_group("A", &[&u1]).await;
    s.create_group("B", &[&u2]).await;
    let c = s.create_group("C", &[&u2, &u1]).await;
    let r = s
        .get(&format!(
            "/Groups?filter={}&excludedAttributes=members",
            enc(&format!("members[value eq \"{u1}\"]"))
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["totalResults"], json!(2));
    let ids: Vec<&Value> = r.body["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["id"])
        .collect();
    assert_eq!(ids, vec![&json!(a), &json!(c)]);
    assert!(r.body["Resources"][0].get("members").is_none());
}

// ---------------------------------------------------------------- PUT

#[tokio::test]
async fn put_replaces_membership() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let u2 = s.create_user("u2@okta.local").await;
    let u3 = s.create_user("u3@okta.local").await;
    let g = s.create_group("AIW", &[&u1, &u2]).await;
    let mut body = group_body(
        "AIW",
        json!([{"value": u3, "display": "u3@okta.local"}, {"value": u2}]),
    );
    body["id"] = json!(g);
    let r = s.put(&format!("/Groups/{g}"), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], json!(g));
    assert_eq!(r.header("etag"), r.body["meta"]["version"].as_str());
    let mut ids = member_ids(&r.body);
    ids.sort();
    let mut want = vec![u2.clone(), u3.clone()];
    want.sort();
    assert_eq!(ids, want);
    let mut got = member_ids(&s.get_team(&g).await);
    got.sort();
    assert_eq!(got, want);
    assert!(groups_of(&s, &u1).await.is_empty());
    assert_eq!(groups_of(&s, &u3).await, vec![g.clone()]);

    // An empty list empties the team.
    let r = s
        .put(&format!("/Groups/{g}"), group_body("AIW", json!([])))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["members"], json!([]));
    assert!(groups_of(&s, &u2).await.is_empty());
}

#[tokio::test]
async fn put_unknown_team_is_404() {
    let s = Server::new();
    let r = s
        .put("/Groups/no-such-team", group_body("Nobody", json!([])))
        .await;
    r.assert_error(404, None);
    assert_eq!(s.total("/Groups").await, 0);
    s.patch(
        "/Groups/no-such-team",
        json!([{"op": "replace", "path": "displayName", "value": "x"}]),
    )
    .await
    .assert_error(404, None);
}

// ---------------------------------------------------------------- scale

#[tokio::test]
async fn a_team_of_two_thousand_members() {
    let s = Server::new();
    let mut users = Vec::with_capacity(2001);
    for i in 0..2001 {
        users.push(s.create_user(&format!("user{i}@scale.test")).await);
    }
    let g = s.create_group("Everyone", &[]).await;
    let values: Vec<Value> = users[..2000].iter().map(|u| json!({"value": u})).collect();
    let r = s
        .patch(
            &format!("/Groups/{g}?excludedAttributes=members"),
            json!([{"op": "add", "path": "members", "value": values}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.get("members").is_none());
    let got = s.get_team(&g).await;
    assert_eq!(member_ids(&got), users[..2000].to_vec());

    // One more in, one out.
    let r = s
        .patch(
            &format!("/Groups/{g}?excludedAttributes=members"),
            json!([
                {"op": "add", "path": "members", "value": [{"value": users[2000]}]},
                {"op": "remove", "path": format!("members[value eq \"{}\"]", users[7])}
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let got = member_ids(&s.get_team(&g).await);
    assert_eq!(got.len(), 2000);
    assert!(!got.contains(&users[7]));
    assert!(got.contains(&users[2000]));
    assert_eq!(got.last(), Some(&users[2000]));
    assert!(groups_of(&s, &users[7]).await.is_empty());
    assert_eq!(groups_of(&s, &users[2000]).await, vec![g.clone()]);
    assert_eq!(groups_of(&s, &users[1999]).await, vec![g]);
}

// ---------------------------------------------------------------- more membership edges

#[tokio::test]
async fn duplicate_members_are_kept_once() {
    let s = Server::new();
    let u = s.create_user("u@okta.local").await;
    let r = s
        .post(
            "/Groups",
            group_body("Dupes", json!([{"value": u}, {"value": u}])),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(member_ids(&r.body), vec![u.clone()]);
    assert_eq!(groups_of(&s, &u).await.len(), 1);
}

#[tokio::test]
async fn remove_of_all_members_empties_the_team() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let u2 = s.create_user("u2@okta.local").await;
    let g = s.create_group("Team", &[&u1, &u2]).await;
    let r = s
        .patch(
            &format!("/Groups/{g}"),
            json!([{"op": "remove", "path": "members"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["members"], json!([]));
    assert!(groups_of(&s, &u1).await.is_empty());
    assert!(groups_of(&s, &u2).await.is_empty());
}

#[tokio::test]
async fn dotted_member_value_filter_finds_the_users_teams() {
    let s = Server::new();
    let u1 = s.create_user("u1@okta.local").await;
    let u2 = s.create_user("u2@okta.local").await;
    s.create_group("A", &[&u2]).await;
    let b = s.create_group("B", &[&u1]).await;
    let r = s
        .get(&format!(
            "/Groups?filter={}&excludedAttributes=members",
            enc(&format!("members.value eq \"{u1}\""))
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["totalResults"], json!(1));
    assert_eq!(r.body["Resources"][0]["id"], json!(b));
}

#[tokio::test]
async fn a_team_body_without_the_group_schema_is_refused() {
    let s = Server::new();
    for schemas in [
        json!(["urn:ietf:params:scim:schemas:core:2.0:User"]),
        json!([]),
    ] {
        let mut body = group_body("Analysts", json!([]));
        body["schemas"] = schemas;
        s.post("/Groups", body)
            .await
            .assert_error(400, Some("invalidSyntax"));
    }
    assert_eq!(s.state.store().counts(), (0, 0));
    let id = s
        .post("/Groups", group_body("Analysts", json!([])))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut body = group_body("Renamed", json!([]));
    body.as_object_mut().unwrap().remove("schemas");
    s.put(&format!("/Groups/{id}"), body)
        .await
        .assert_error(400, Some("invalidSyntax"));
    assert_eq!(
        s.get(&format!("/Groups/{id}")).await.body["displayName"],
        "Analysts"
    );
}
