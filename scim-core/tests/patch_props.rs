//! Laws of the PATCH engine, checked on generated resources:
//! - adding a member and then removing it leaves `members` as it was;
//! - applying the same `replace` twice equals applying it once;
//! - a request whose last operation fails is rejected whatever came before, and the
//!   resource it was given is untouched;
//! - no request, however malformed, makes the engine panic.

use proptest::prelude::*;
use scim_core::patch::{self, PatchRequest};
use scim_core::schema;
use serde_json::{Value, json};

fn body(ops: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
}

fn request(ops: Value) -> PatchRequest {
    PatchRequest::from_json(&body(ops)).unwrap()
}

fn id() -> impl Strategy<Value = String> {
    "[a-f0-9]{4}"
}

fn group() -> impl Strategy<Value = Value> {
    (prop::collection::btree_set(id(), 0..6), any::<bool>()).prop_map(|(ids, display)| {
        let members: Vec<Value> = ids
            .into_iter()
            .map(|id| if display { json!({"value": id, "display": format!("{id}@x.test")}) } else { json!({"value": id}) })
            .collect();
        let mut g = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "Team"});
        if !members.is_empty() {
            g["members"] = Value::Array(members);
        }
        g
    })
}

fn user() -> impl Strategy<Value = Value> {
    (
        "[a-z]{1,6}",
        proptest::option::of("[A-Z][a-z]{1,6}"),
        proptest::option::of(any::<bool>()),
        prop::collection::vec((prop_oneof![Just("work"), Just("home"), Just("other")], "[a-z]{1,5}@x\\.test", any::<bool>()), 0..3),
    )
        .prop_map(|(user_name, given, active, emails)| {
            let mut u = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1", "userName": user_name});
            if let Some(g) = given {
                u["name"] = json!({"givenName": g, "familyName": "Fixed"});
            }
            if let Some(a) = active {
                u["active"] = a.into();
            }
            let mut primary_seen = false;
            let emails: Vec<Value> = emails
                .into_iter()
                .map(|(t, v, p)| {
                    // At most one primary, as RFC 7643 §2.4 requires of stored data.
                    let p = p && !primary_seen;
                    primary_seen |= p;
                    json!({"type": t, "value": v, "primary": p})
                })
                .collect();
            if !emails.is_empty() {
                u["emails"] = Value::Array(emails);
            }
            u
        })
}

/// `replace` operations a client might send, each well-formed.
fn replace_op() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(|b| json!({"op": "replace", "value": {"active": b}})),
        any::<bool>().prop_map(|b| json!({"op": "Replace", "path": "active", "value": if b { "True" } else { "False" }})),
        "[A-Z][a-z]{1,6}".prop_map(|g| json!({"op": "replace", "path": "name.givenName", "value": g})),
        "[A-Z][a-z]{1,6}".prop_map(|g| json!({"op": "replace", "value": {"name.familyName": g}})),
        "[A-Z][a-z]{1,6}".prop_map(|g| json!({"op": "replace", "path": "name", "value": {"givenName": g}})),
        "[a-z]{1,5}@x\\.test".prop_map(|v| json!({"op": "replace", "path": "emails[type eq \"work\"].value", "value": v})),
        "[a-z]{1,5}@x\\.test".prop_map(|v| json!({"op": "replace", "path": "emails", "value": [{"value": v, "type": "work", "primary": true}]})),
        Just(json!({"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true})),
        "[A-Z][a-z]{1,6}".prop_map(|t| json!({"op": "replace", "value": {"title": t, "displayName": t}})),
        Just(json!({"op": "replace", "path": "title", "value": null})),
        "[0-9]{1,4}".prop_map(|n| json!({"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": n})),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        prop_oneof![
            Just("True"),
            Just("work"),
            Just(""),
            Just("u1"),
            Just("x@y")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("value"),
                    Just("type"),
                    Just("primary"),
                    Just("givenName"),
                    Just("active"),
                    Just("Members"),
                    Just("x")
                ]
                .prop_map(str::to_owned),
                inner,
                0..3
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn any_path() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(
        prop_oneof![
            Just("members"),
            Just("members[value eq \"u1\"]"),
            Just("members[value eq \"u1\"].display"),
            Just("emails"),
            Just("emails[type eq \"work\"].value"),
            Just("emails[primary eq true]"),
            Just("name"),
            Just("name.givenName"),
            Just("active"),
            Just("id"),
            Just("meta.created"),
            Just("userName"),
            Just("displayName"),
            Just("groups"),
            Just("nope"),
            Just("emails[type eq"),
            Just("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            Just("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"),
            Just("roles[primary eq \"True\"].value"),
            Just("x509Certificates[value gt \"a\"]"),
            Just(""),
        ]
        .prop_map(str::to_owned),
    )
}

fn any_op() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("add"), Just("Remove"), Just("REPLACE"), Just("move")],
        any_path(),
        proptest::option::of(any_json()),
    )
        .prop_map(|(op, path, value)| {
            let mut o = json!({"op": op});
            if let Some(p) = path {
                o["path"] = p.into();
            }
            if let Some(v) = value {
                o["value"] = v;
            }
            o
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn add_then_remove_a_member_restores_members(g in group(), new in id()) {
        prop_assume!(!g["members"].as_array().is_some_and(|m| m.iter().any(|x| x["value"] == new.as_str())));
        let added = patch::apply(&g, &request(json!([{"op": "add", "path": "members", "value": [{"value": new, "display": "n"}]}])), schema::group()).unwrap();
        prop_assert!(added["members"].as_array().unwrap().iter().any(|m| m["value"] == new.as_str()));
        let removed = patch::apply(&added, &request(json!([{"op": "remove", "path": format!("members[value eq \"{new}\"]")}])), schema::group()).unwrap();
        prop_assert_eq!(removed, g);
    }

    #[test]
    fn adding_a_present_member_changes_nothing(g in group()) {
        let Some(first) = g["members"].as_array().and_then(|m| m.first()).cloned() else { return Ok(()) };
        let again = patch::apply(&g, &request(json!([{"op": "add", "path": "members", "value": [first]}])), schema::group()).unwrap();
        prop_assert_eq!(again, g);
    }

    #[test]
    fn replace_is_idempotent(u in user(), op in replace_op()) {
        let req = request(json!([op]));
        if let Ok(once) = patch::apply(&u, &req, schema::user()) {
            let twice = patch::apply(&once, &req, schema::user()).unwrap();
            prop_assert_eq!(twice, once);
        }
    }

    #[test]
    fn a_failing_operation_rejects_the_whole_request(u in user(), ops in prop::collection::vec(replace_op(), 0..4)) {
        let before = u.clone();
        let prefix_ok = ops.is_empty() || patch::apply(&u, &request(Value::Array(ops.clone())), schema::user()).is_ok();
        let mut ops = ops;
        ops.push(json!({"op": "replace", "path": "harnessNoSuchAttr", "value": "x"}));
        let err = patch::apply(&u, &request(Value::Array(ops)), schema::user()).unwrap_err();
        if prefix_ok {
            prop_assert_eq!(err.scim_type(), scim_core::ScimType::InvalidPath);
        }
        prop_assert_eq!(u, before);
    }

    #[test]
    fn malformed_requests_never_panic(
        u in user(),
        g in group(),
        ops in prop::collection::vec(any_op(), 0..4),
        schemas in prop_oneof![Just(json!(["urn:ietf:params:scim:api:messages:2.0:PatchOp"])), Just(json!([])), any_json()],
    ) {
        let raw = json!({"schemas": schemas, "Operations": ops});
        if let Ok(req) = PatchRequest::from_json(&raw) {
            for (resource, s) in [(&u, schema::user()), (&g, schema::group())] {
                if let Ok(out) = patch::apply(resource, &req, s) {
                    prop_assert!(out.is_object());
                }
            }
        }
    }
}
