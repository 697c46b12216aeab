//! Who may use the SCIM API and the admin API: the bearer token, the plan, the "Enable SCIM
//! Provisioning" toggle, the admin credential, and token rotation.

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN, BASE, Resp, Server, TOKEN};
use reference_server::Plan;
use serde_json::json;

/// A request without a body to `path` (absolute: under `/scim/v2` or `/admin`) with the given
/// `Authorization`, if any.
async fn send_as(s: &Server, method: Method, path: &str, authorization: Option<&str>) -> Resp {
    let headers: Vec<(&str, &str)> = authorization
        .map(|a| ("authorization", a))
        .into_iter()
        .collect();
    s.send(method, path, &headers, None).await
}

/// A GET of a SCIM path (relative to `/scim/v2`) with the given `Authorization`, if any.
async fn get_as(s: &Server, path: &str, authorization: Option<&str>) -> Resp {
    send_as(s, Method::GET, &format!("{BASE}{path}"), authorization).await
}

fn assert_unauthorized(r: &Resp) {
    r.assert_error(401, None);
    assert!(
        r.header("www-authenticate")
            .is_some_and(|h| h.starts_with("Bearer")),
        "WWW-Authenticate: {:?}",
        r.header("www-authenticate")
    );
}

/// The SCIM routes every plan and toggle check must cover.
const ROUTES: [&str; 3] = ["/Users", "/Groups", "/ServiceProviderConfig"];

// ---------------------------------------------------------------------------------------
// The SCIM bearer token
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_request_without_authorization_is_401() {
    let s = Server::new();
    for path in ["/Users", "/Groups", "/Users/some-id"] {
        let r = get_as(&s, path, None).await;
        assert_unauthorized(&r);
        assert!(r.detail().contains("Bearer"), "{path}: {}", r.detail());
    }
}

#[tokio::test]
async fn a_wrong_token_is_401() {
    let s = Server::new();
    for auth in [
        "Bearer wrong-token".to_owned(),
        format!("Bearer {TOKEN}x"),
        format!("Bearer {}", &TOKEN[..TOKEN.len() - 1]),
        format!("Bearer {ADMIN}"),
        "Bearer ".to_owned(),
    ] {
        let r = get_as(&s, "/Users", Some(&auth)).await;
        assert_unauthorized(&r);
    }
    // Nothing is created with a wrong token either.
    let r = s
        .send(
            Method::POST,
            &format!("{BASE}/Users"),
            &[
                ("authorization", "Bearer wrong"),
                ("content-type", "application/scim+json"),
            ],
            Some(serde_json::to_vec(&common::okta_user("x@example.com", "X", "Y", None)).unwrap()),
        )
        .await;
    assert_unauthorized(&r);
    assert_eq!(s.get("/Users").await.body["totalResults"], json!(0));
}

#[tokio::test]
async fn the_basic_scheme_is_401() {
    let s = Server::new();
    let r = get_as(&s, "/Users", Some(&format!("Basic {TOKEN}"))).await;
    assert_unauthorized(&r);
    let r = get_as(&s, "/Users", Some(TOKEN)).await;
    assert_unauthorized(&r);
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let s = Server::new();
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let r = get_as(&s, "/Users", Some(&format!("{scheme} {TOKEN}"))).await;
        assert_eq!(r.status, StatusCode::OK, "{scheme}: {}", r.body);
        assert_eq!(r.body["totalResults"], json!(0));
    }
}

#[tokio::test]
async fn discovery_needs_the_token_unless_configured_public() {
    let s = Server::new();
    for path in ["/ServiceProviderConfig", "/Schemas", "/ResourceTypes"] {
        get_as(&s, path, None).await.assert_error(401, None);
        let r = get_as(&s, path, Some(&format!("Bearer {TOKEN}"))).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    }
    let s = Server::with(|c| c.public_discovery = true);
    let r = get_as(&s, "/ServiceProviderConfig", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
    );
    for path in ["/Schemas", "/ResourceTypes"] {
        let r = get_as(&s, path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    }
    // Public discovery does not open the resources.
    get_as(&s, "/Users", None).await.assert_error(401, None);
}

// ---------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn standard_and_starter_plans_have_no_scim() {
    for (plan, name) in [(Plan::Standard, "Standard"), (Plan::Starter, "Starter")] {
        let s = Server::with(|c| c.plan = plan);
        for path in ROUTES {
            let r = s.get(path).await;
            r.assert_error(403, None);
            assert!(
                r.detail().contains("Enterprise"),
                "{name} {path}: {}",
                r.detail()
            );
            assert!(r.detail().contains(name), "{name} {path}: {}", r.detail());
        }
        // Writes are refused too, and nothing is stored.
        let r = s
            .post("/Users", common::okta_user("p@example.com", "P", "Q", None))
            .await;
        r.assert_error(403, None);
        assert_eq!(s.state.store().counts(), (0, 0));
    }
}

#[tokio::test]
async fn enterprise_and_business_critical_plans_have_scim() {
    for plan in [Plan::Enterprise, Plan::BusinessCritical] {
        let s = Server::with(|c| c.plan = plan);
        for path in ROUTES {
            let r = s.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "{plan:?} {path}: {}", r.body);
        }
        s.create_user("bc@example.com").await;
    }
}

#[tokio::test]
async fn changing_the_plan_through_the_admin_api() {
    let s = Server::new();
    let r = s
        .admin(
            Method::PATCH,
            "/scim-config",
            Some(json!({"plan": "starter"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["plan"], json!("starter"));
    let r = s.get("/Users").await;
    r.assert_error(403, None);
    assert!(r.detail().contains("Enterprise"), "{}", r.detail());

    let r = s
        .admin(
            Method::PATCH,
            "/scim-config",
            Some(json!({"plan": "business-critical"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(s.get("/Users").await.status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------
// The "Enable SCIM Provisioning" toggle
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn scim_switched_off_in_the_configuration_is_403() {
    let s = Server::with(|c| c.scim_enabled = false);
    for path in ROUTES {
        let r = s.get(path).await;
        r.assert_error(403, None);
        assert!(
            r.detail().contains("Enable SCIM Provisioning"),
            "{path}: {}",
            r.detail()
        );
    }
    let r = s.admin(Method::GET, "/scim-config", None).await;
    assert_eq!(r.body["scimEnabled"], json!(false));
}

#[tokio::test]
async fn scim_switched_off_and_on_through_the_admin_api() {
    let s = Server::new();
    let id = s.create_user("toggle@example.com").await;

    let r = s
        .admin(
            Method::PATCH,
            "/scim-config",
            Some(json!({"scimEnabled": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["scimEnabled"], json!(false));
    for path in ROUTES {
        let r = s.get(path).await;
        r.assert_error(403, None);
        assert!(
            r.detail().contains("Enable SCIM Provisioning"),
            "{path}: {}",
            r.detail()
        );
    }
    let r = s
        .patch(
            &format!("/Users/{id}"),
            json!([{"op": "replace", "path": "active", "value": false}]),
        )
        .await;
    r.assert_error(403, None);

    let r = s
        .admin(
            Method::PATCH,
            "/scim-config",
            Some(json!({"scimEnabled": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["scimEnabled"], json!(true));
    let r = s.get(&format!("/Users/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["active"],
        json!(true),
        "the refused PATCH changed nothing"
    );
    for path in ROUTES {
        assert_eq!(s.get(path).await.status, StatusCode::OK, "{path}");
    }
}

// ---------------------------------------------------------------------------------------
// The admin API
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_admin_api_needs_the_admin_token() {
    let s = Server::new();
    for (method, path) in [
        (Method::GET, "/admin/scim-config"),
        (Method::PATCH, "/admin/scim-config"),
        (Method::POST, "/admin/scim-config/token"),
        (Method::GET, "/admin/roles"),
        (Method::POST, "/admin/roles"),
    ] {
        assert_unauthorized(&send_as(&s, method.clone(), path, None).await);
        assert_unauthorized(
            &send_as(&s, method.clone(), path, Some("Bearer not-the-admin-token")).await,
        );
        // The SCIM token does not open the admin API.
        let scim_token = format!("Bearer {TOKEN}");
        assert_unauthorized(&send_as(&s, method, path, Some(&scim_token)).await);
    }
    // The SCIM token still works for SCIM: no rotation happened.
    assert_eq!(s.get("/Users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_configuration_never_shows_the_token() {
    let s = Server::new();
    let r = s.admin(Method::GET, "/scim-config", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["plan"], json!("enterprise"));
    assert_eq!(r.body["scimEnabled"], json!(true));
    let text = String::from_utf8(r.raw.clone()).unwrap();
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!text.contains(ADMIN), "{text}");

    let g = s.admin(Method::POST, "/scim-config/token", None).await;
    let new = g.body["token"].as_str().unwrap().to_owned();
    let r = s.admin(Method::GET, "/scim-config", None).await;
    let text = String::from_utf8(r.raw.clone()).unwrap();
    assert!(!text.contains(&new), "{text}");
}

#[tokio::test]
async fn generating_a_token_retires_the_old_one() {
    let s = Server::new();
    let r = s.admin(Method::POST, "/scim-config/token", None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let new = r.body["token"].as_str().unwrap().to_owned();
    assert!(new.len() >= 32, "{new}");
    assert_ne!(new, TOKEN);

    assert_unauthorized(&get_as(&s, "/Users", Some(&format!("Bearer {TOKEN}"))).await);
    let ok = get_as(&s, "/Users", Some(&format!("Bearer {new}"))).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);

    // Again: each generation retires the previous token.
    let r = s.admin(Method::POST, "/scim-config/token", None).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let newer = r.body["token"].as_str().unwrap().to_owned();
    assert_ne!(newer, new);
    assert_unauthorized(&get_as(&s, "/Users", Some(&format!("Bearer {new}"))).await);
    assert_eq!(
        get_as(&s, "/Users", Some(&format!("Bearer {newer}")))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn listing_roles() {
    let s = Server::with(|c| c.custom_roles = vec!["Data Steward".into()]);
    let r = s.admin(Method::GET, "/roles", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["standard"],
        json!([
            "Account Administrator",
            "Account Analyst",
            "Account Billing",
            "Account Reviewer",
            "Destination Creator"
        ])
    );
    assert_eq!(r.body["custom"], json!(["Data Steward"]));

    let a = s
        .admin(Method::POST, "/roles", Some(json!({"name": "Auditor"})))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.body["name"], json!("Auditor"));
    let r = s.admin(Method::GET, "/roles", None).await;
    assert_eq!(r.body["custom"], json!(["Data Steward", "Auditor"]));
}

#[tokio::test]
async fn a_duplicate_custom_role_is_409() {
    let s = Server::new();
    let a = s
        .admin(
            Method::POST,
            "/roles",
            Some(json!({"name": "Data Steward"})),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let r = s
        .admin(
            Method::POST,
            "/roles",
            Some(json!({"name": "data STEWARD"})),
        )
        .await;
    r.assert_error(409, Some("uniqueness"));
    let r = s.admin(Method::GET, "/roles", None).await;
    assert_eq!(r.body["custom"], json!(["Data Steward"]));
}

#[tokio::test]
async fn standard_and_scoped_names_cannot_be_custom_roles() {
    let s = Server::new();
    for name in [
        "Account Billing",
        "account administrator",
        "Connector Owner",
        "Destination Administrator",
    ] {
        let r = s
            .admin(Method::POST, "/roles", Some(json!({"name": name})))
            .await;
        r.assert_error(400, Some("invalidValue"));
    }
    let r = s.admin(Method::GET, "/roles", None).await;
    assert_eq!(r.body["custom"], json!([]));
}

#[tokio::test]
async fn an_unknown_configuration_field_is_400() {
    let s = Server::new();
    let r = s
        .admin(
            Method::PATCH,
            "/scim-config",
            Some(json!({"scimEnabled": false, "tokenLifetime": 5})),
        )
        .await;
    r.assert_error(400, Some("invalidValue"));
    assert!(r.detail().contains("tokenLifetime"), "{}", r.detail());
    // Nothing was applied.
    let c = s.admin(Method::GET, "/scim-config", None).await;
    assert_eq!(c.body["scimEnabled"], json!(true));
    assert_eq!(s.get("/Users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_admin_rate_limit_refuses_the_next_requests_with_retry_after() {
    let s = Server::new();
    let r = s
        .admin(
            Method::PATCH,
            "/scim-config",
            Some(json!({"rateLimit": {"requests": 2, "retryAfter": 7}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A wrong token is still a 401: the limit counts only requests that would be served.
    assert_unauthorized(&get_as(&s, "/Users", Some("Bearer wrong")).await);
    for _ in 0..2 {
        let r = s.get("/Users").await;
        r.assert_error(429, None);
        assert_eq!(r.header("retry-after"), Some("7"));
    }
    assert_eq!(s.get("/Users").await.status, StatusCode::OK);
    // Zero requests is no limit.
    let r = s
        .admin(
            Method::PATCH,
            "/scim-config",
            Some(json!({"rateLimit": {"requests": 0, "retryAfter": 7}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(s.get("/Users").await.status, StatusCode::OK);
}
