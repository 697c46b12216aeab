//! Integration tests of the PATCH engine (RFC 7644 §3.5.2) against the core User and Group
//! schemas, with the request shapes Okta and Microsoft Entra actually send.

use scim_core::error::{ScimError, ScimType};
use scim_core::patch::{PatchError, PatchPath, PatchRequest, apply};
use scim_core::schema::{ResourceSchema, group, user};
use serde_json::{Value, json};

use scim_core::urn::{
    ENTERPRISE_USER as ENTERPRISE, GROUP as GROUP_URN, PATCH_OP, USER as USER_URN,
};

/// Wraps `ops` (the `Operations` array) in a PatchOp body, parses it and applies it.
fn patch(resource: Value, ops: Value, schema: &ResourceSchema) -> Result<Value, PatchError> {
    let body = json!({"schemas": [PATCH_OP], "Operations": ops});
    let request = PatchRequest::from_json(&body)?;
    apply(&resource, &request, schema)
}

/// Asserts that a result is the error `variant`, and that its `scimType` is `scim_type`.
macro_rules! assert_err {
    ($result:expr, $variant:ident, $scim_type:ident) => {{
        let result = $result;
        match &result {
            Err(e @ PatchError::$variant(_)) => {
                assert_eq!(e.scim_type(), ScimType::$scim_type, "{e:?}")
            }
            other => panic!(
                "expected PatchError::{}, got {other:?}",
                stringify!($variant)
            ),
        }
    }};
}

fn bjensen() -> Value {
    json!({
        "schemas": [USER_URN],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "bjensen",
        "userName": "bjensen@example.com",
        "name": {"familyName": "Jensen", "givenName": "Barbara"},
        "displayName": "Babs Jensen",
        "nickName": "Babs",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z"
        }
    })
}

fn group_with(members: &[(&str, &str)]) -> Value {
    let members: Vec<Value> = members
        .iter()
        .map(|(value, display)| json!({"value": value, "display": display}))
        .collect();
    json!({
        "schemas": [GROUP_URN],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "displayName": "Tour Guides",
        "members": members,
        "meta": {"resourceType": "Group", "created": "2010-01-23T04:56:22Z"}
    })
}

// ---------------------------------------------------------------------------------------------
// Okta
// ---------------------------------------------------------------------------------------------

#[test]
fn okta_deactivate_and_reactivate_without_path() {
    let off = patch(
        bjensen(),
        json!([{"op": "replace", "value": {"active": false}}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["active"] = json!(false);
    assert_eq!(off, expected);

    let on = patch(
        off,
        json!([{"op": "replace", "value": {"active": true}}]),
        user(),
    )
    .unwrap();
    assert_eq!(on, bjensen());
}

#[test]
fn okta_group_rename_ignores_the_read_only_id_in_value() {
    let g = group_with(&[("u1", "Alice")]);
    let out = patch(
        g.clone(),
        json!([{"op": "replace", "value": {"id": "e9e30dba-f08f-4109-8486-d5c6a331660a", "displayName": "New"}}]),
        group(),
    )
    .unwrap();
    let mut expected = g;
    expected["displayName"] = json!("New");
    assert_eq!(out, expected);
}

#[test]
fn okta_membership_remove_by_filter_and_add_in_one_request() {
    let out = patch(
        group_with(&[("u1", "Alice"), ("u2", "Bob")]),
        json!([
            {"op": "remove", "path": "members[value eq \"u1\"]"},
            {"op": "add", "path": "members", "value": [{"value": "u3", "display": "Carol"}]}
        ]),
        group(),
    )
    .unwrap();
    assert_eq!(out, group_with(&[("u2", "Bob"), ("u3", "Carol")]));
}

#[test]
fn okta_push_now_replaces_the_whole_member_list() {
    let out = patch(
        group_with(&[("u1", "Alice"), ("u2", "Bob")]),
        json!([{
            "op": "replace",
            "path": "members",
            "value": [{"value": "u2", "display": "Bob"}, {"value": "u3", "display": "Carol"}]
        }]),
        group(),
    )
    .unwrap();
    assert_eq!(out, group_with(&[("u2", "Bob"), ("u3", "Carol")]));
}

// ---------------------------------------------------------------------------------------------
// Microsoft Entra
// ---------------------------------------------------------------------------------------------

#[test]
fn entra_op_keywords_in_any_case() {
    let out = patch(
        bjensen(),
        json!([
            {"op": "Replace", "path": "displayName", "value": "Barbara J."},
            {"op": "Add", "path": "title", "value": "Tour Guide"},
            {"op": "REMOVE", "path": "nickName"}
        ]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["displayName"] = json!("Barbara J.");
    expected["title"] = json!("Tour Guide");
    expected.as_object_mut().unwrap().remove("nickName");
    assert_eq!(out, expected);
}

#[test]
fn entra_string_boolean_is_coerced() {
    let out = patch(
        bjensen(),
        json!([{"op": "Replace", "path": "active", "value": "False"}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["active"] = json!(false);
    assert_eq!(out, expected);
}

#[test]
fn entra_dotted_key_in_path_less_value() {
    let out = patch(
        bjensen(),
        json!([{"op": "Replace", "value": {"name.givenName": "x"}}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["name"] = json!({"familyName": "Jensen", "givenName": "x"});
    assert_eq!(out, expected);
}

#[test]
fn entra_remove_members_with_value_removes_only_the_listed() {
    let out = patch(
        group_with(&[("u1", "Alice"), ("u2", "Bob")]),
        json!([{"op": "Remove", "path": "members", "value": [{"value": "u1"}]}]),
        group(),
    )
    .unwrap();
    assert_eq!(out, group_with(&[("u2", "Bob")]));
}

#[test]
fn entra_add_filtered_sub_attribute_creates_the_described_value() {
    let mut u = bjensen();
    u["emails"] = json!([{"value": "babs@jensen.org", "type": "home"}]);
    let out = patch(
        u.clone(),
        json!([{"op": "Add", "path": "emails[type eq \"work\"].value", "value": "bj@corp.example"}]),
        user(),
    )
    .unwrap();
    let mut expected = u;
    expected["emails"] = json!([
        {"value": "babs@jensen.org", "type": "home"},
        {"type": "work", "value": "bj@corp.example"}
    ]);
    assert_eq!(out, expected);
}

#[test]
fn entra_add_filtered_sub_attribute_on_user_without_emails() {
    let mut u = bjensen();
    u.as_object_mut().unwrap().remove("emails");
    let out = patch(
        u.clone(),
        json!([{"op": "Add", "path": "emails[type eq \"work\"].value", "value": "bj@corp.example"}]),
        user(),
    )
    .unwrap();
    let mut expected = u;
    expected["emails"] = json!([{"type": "work", "value": "bj@corp.example"}]);
    assert_eq!(out, expected);
}

#[test]
fn entra_replace_role_selected_by_string_boolean_filter() {
    let mut u = bjensen();
    u["roles"] = json!([
        {"value": "Reader", "primary": false},
        {"value": "Admin", "primary": true}
    ]);
    let out = patch(
        u.clone(),
        json!([{"op": "Replace", "path": "roles[primary eq \"True\"].value", "value": "Owner"}]),
        user(),
    )
    .unwrap();
    let mut expected = u;
    expected["roles"] = json!([
        {"value": "Reader", "primary": false},
        {"value": "Owner", "primary": true}
    ]);
    assert_eq!(out, expected);
}

#[test]
fn entra_value_filter_path_as_a_key_of_a_path_less_value() {
    let out = patch(
        bjensen(),
        json!([{"op": "Replace", "value": {"emails[type eq \"work\"].value": "new@example.com", "active": "False"}}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["active"] = json!(false);
    expected["emails"][0]["value"] = json!("new@example.com");
    assert_eq!(out, expected);
}

/// Entra's default mapping sends the enterprise `manager` as a bare id, not as the complex
/// `{"value": ...}` of RFC 7643 §4.3.
#[test]
fn entra_manager_sent_as_a_bare_id() {
    let out = patch(
        bjensen(),
        json!([{"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": "26118915-6090-4610-87e4-49d8ca9f808d"}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["schemas"] = json!([USER_URN, ENTERPRISE]);
    expected[ENTERPRISE] = json!({"manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}});
    assert_eq!(out, expected);
}

// ---------------------------------------------------------------------------------------------
// RFC 7644 §3.5.2.1 add
// ---------------------------------------------------------------------------------------------

#[test]
fn add_to_multi_valued_merges_without_duplicates() {
    let out = patch(
        group_with(&[("u1", "Alice")]),
        json!([
            {"op": "add", "path": "members", "value": [{"value": "u1", "display": "Alice"}]},
            {"op": "add", "path": "members", "value": [{"value": "u1"}, {"value": "u2", "display": "Bob"}]}
        ]),
        group(),
    )
    .unwrap();
    assert_eq!(out, group_with(&[("u1", "Alice"), ("u2", "Bob")]));
}

/// `members.type` is `caseExact: false`, so `"user"` and `"User"` are the same value; the
/// engine already treats the member as a duplicate, and RFC 7644 §3.5.2.1 says adding a value
/// that is already there changes nothing and succeeds.
#[test]
fn re_adding_a_member_with_type_in_other_case_changes_nothing() {
    let mut g = group_with(&[("u1", "Alice")]);
    g["members"][0]["type"] = json!("User");
    let out = patch(
        g.clone(),
        json!([{"op": "add", "path": "members", "value": [{"value": "u1", "type": "user"}]}]),
        group(),
    )
    .unwrap();
    assert_eq!(out, g);
}

#[test]
fn add_on_single_valued_replaces() {
    let out = patch(
        bjensen(),
        json!([{"op": "add", "path": "displayName", "value": "Barbara"}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["displayName"] = json!("Barbara");
    assert_eq!(out, expected);
}

#[test]
fn add_on_complex_merges_sub_attributes() {
    let out = patch(
        bjensen(),
        json!([{"op": "add", "path": "name", "value": {"middleName": "Jane", "givenName": "Barb"}}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["name"] = json!({"familyName": "Jensen", "givenName": "Barb", "middleName": "Jane"});
    assert_eq!(out, expected);
}

#[test]
fn add_by_urn_qualified_extension_path_adds_the_schema() {
    let out = patch(
        bjensen(),
        json!([{"op": "add", "path": format!("{ENTERPRISE}:employeeNumber"), "value": "701984"}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["schemas"] = json!([USER_URN, ENTERPRISE]);
    expected[ENTERPRISE] = json!({"employeeNumber": "701984"});
    assert_eq!(out, expected);
}

#[test]
fn add_with_null_is_invalid_value() {
    assert_err!(
        patch(
            bjensen(),
            json!([{"op": "add", "path": "nickName", "value": null}]),
            user()
        ),
        InvalidValue,
        InvalidValue
    );
}

// ---------------------------------------------------------------------------------------------
// RFC 7644 §3.5.2.3 replace
// ---------------------------------------------------------------------------------------------

#[test]
fn replace_on_complex_keeps_unnamed_sub_attributes() {
    let out = patch(
        bjensen(),
        json!([{"op": "replace", "path": "name", "value": {"givenName": "H2"}}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["name"] = json!({"familyName": "Jensen", "givenName": "H2"});
    assert_eq!(out, expected);
}

#[test]
fn replace_on_value_filter_touches_only_matching_values() {
    let out = patch(
        bjensen(),
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "barbara@example.com"}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["emails"] = json!([
        {"value": "barbara@example.com", "type": "work", "primary": true},
        {"value": "babs@jensen.org", "type": "home"}
    ]);
    assert_eq!(out, expected);
}

#[test]
fn replace_filtered_address_street_keeps_a_multi_word_value_whole() {
    let mut u = bjensen();
    u["addresses"] = json!([
        {"type": "work", "streetAddress": "1 Old Road", "locality": "Hollywood"},
        {"type": "home", "streetAddress": "456 Hollywood Blvd"}
    ]);
    let out = patch(
        u.clone(),
        json!([{
            "op": "replace",
            "path": "addresses[type eq \"work\"].streetAddress",
            "value": "100 Universal City Plaza"
        }]),
        user(),
    )
    .unwrap();
    let mut expected = u;
    expected["addresses"] = json!([
        {"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood"},
        {"type": "home", "streetAddress": "456 Hollywood Blvd"}
    ]);
    assert_eq!(out, expected);
}

#[test]
fn replace_with_filter_matching_nothing_is_no_target() {
    assert_err!(
        patch(
            bjensen(),
            json!([{"op": "replace", "path": "emails[type eq \"other\"].value", "value": "x@example.com"}]),
            user()
        ),
        NoTarget,
        NoTarget
    );
}

#[test]
fn setting_primary_on_one_value_clears_the_other() {
    let out = patch(
        bjensen(),
        json!([{"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["emails"] = json!([
        {"value": "bjensen@example.com", "type": "work", "primary": false},
        {"value": "babs@jensen.org", "type": "home", "primary": true}
    ]);
    assert_eq!(out, expected);
}

#[test]
fn replace_with_null_unassigns() {
    let out = patch(
        bjensen(),
        json!([{"op": "replace", "path": "nickName", "value": null}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected.as_object_mut().unwrap().remove("nickName");
    assert_eq!(out, expected);
}

#[test]
fn replace_with_wrong_type_is_invalid_value() {
    assert_err!(
        patch(
            bjensen(),
            json!([{"op": "replace", "path": "active", "value": "yes"}]),
            user()
        ),
        InvalidValue,
        InvalidValue
    );
}

#[test]
fn replace_read_only_paths_is_mutability() {
    for (path, value) in [
        ("id", json!("other")),
        ("meta.created", json!("2020-01-01T00:00:00Z")),
        ("groups", json!([{"value": "g1"}])),
    ] {
        assert_err!(
            patch(
                bjensen(),
                json!([{"op": "replace", "path": path, "value": value}]),
                user()
            ),
            Mutability,
            Mutability
        );
    }
}

#[test]
fn read_only_sub_attribute_by_path_is_mutability_but_ignored_inside_a_value() {
    assert_err!(
        patch(
            bjensen(),
            json!([{"op": "replace", "path": format!("{ENTERPRISE}:manager.displayName"), "value": "Boss"}]),
            user()
        ),
        Mutability,
        Mutability
    );
    let out = patch(
        bjensen(),
        json!([{"op": "add", "path": format!("{ENTERPRISE}:manager"), "value": {"value": "m1", "displayName": "Boss"}}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected["schemas"] = json!([USER_URN, ENTERPRISE]);
    expected[ENTERPRISE] = json!({"manager": {"value": "m1"}});
    assert_eq!(out, expected);
}

#[test]
fn unknown_attribute_path_is_invalid_path() {
    assert_err!(
        patch(
            bjensen(),
            json!([{"op": "replace", "path": "harnessNoSuchAttr", "value": "x"}]),
            user()
        ),
        InvalidPath,
        InvalidPath
    );
}

#[test]
fn malformed_path_fails_at_parse_time() {
    let body = json!({
        "schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "path": "emails[type eq \"work\"", "value": "x"}]
    });
    assert_err!(PatchRequest::from_json(&body), InvalidPath, InvalidPath);
}

// ---------------------------------------------------------------------------------------------
// RFC 7644 §3.5.2.2 remove
// ---------------------------------------------------------------------------------------------

#[test]
fn remove_without_path_is_no_target() {
    assert_err!(
        patch(bjensen(), json!([{"op": "remove"}]), user()),
        NoTarget,
        NoTarget
    );
}

#[test]
fn remove_single_valued_attribute() {
    let out = patch(
        bjensen(),
        json!([{"op": "remove", "path": "nickName"}]),
        user(),
    )
    .unwrap();
    let mut expected = bjensen();
    expected.as_object_mut().unwrap().remove("nickName");
    assert_eq!(out, expected);
}

#[test]
fn remove_non_member_succeeds_unchanged() {
    let g = group_with(&[("u1", "Alice")]);
    let out = patch(
        g.clone(),
        json!([{"op": "remove", "path": "members[value eq \"nobody\"]"}]),
        group(),
    )
    .unwrap();
    assert_eq!(out, g);
    let out = patch(
        g.clone(),
        json!([{"op": "Remove", "path": "members", "value": [{"value": "nobody"}]}]),
        group(),
    )
    .unwrap();
    assert_eq!(out, g);
}

#[test]
fn remove_required_attribute_is_mutability() {
    assert_err!(
        patch(
            bjensen(),
            json!([{"op": "remove", "path": "userName"}]),
            user()
        ),
        Mutability,
        Mutability
    );
}

#[test]
fn removing_last_extension_attribute_drops_its_schema() {
    let mut u = bjensen();
    u["schemas"] = json!([USER_URN, ENTERPRISE]);
    u[ENTERPRISE] = json!({"employeeNumber": "701984"});
    let out = patch(
        u,
        json!([{"op": "remove", "path": format!("{ENTERPRISE}:employeeNumber")}]),
        user(),
    )
    .unwrap();
    assert_eq!(out, bjensen());
}

#[test]
fn removing_the_whole_extension_drops_its_schema() {
    let mut u = bjensen();
    u["schemas"] = json!([USER_URN, ENTERPRISE]);
    u[ENTERPRISE] = json!({"employeeNumber": "701984", "manager": {"value": "m1"}});
    let out = patch(u, json!([{"op": "remove", "path": ENTERPRISE}]), user()).unwrap();
    assert_eq!(out, bjensen());
}

// ---------------------------------------------------------------------------------------------
// Whole requests
// ---------------------------------------------------------------------------------------------

#[test]
fn a_failing_operation_changes_nothing() {
    let resource = bjensen();
    let body = json!({
        "schemas": [PATCH_OP],
        "Operations": [
            {"op": "replace", "path": "nickName", "value": "new"},
            {"op": "replace", "path": "harnessNoSuchAttr", "value": "x"}
        ]
    });
    let request = PatchRequest::from_json(&body).unwrap();
    let result = apply(&resource, &request, user());
    // The engine returns a new resource or an error, never half of one; the error says which
    // operation failed.
    assert!(
        matches!(&result, Err(e) if e.to_string().contains("operation 2")),
        "{result:?}"
    );
    assert_err!(result, InvalidPath, InvalidPath);
    assert_eq!(resource, bjensen());
}

#[test]
fn operations_apply_in_order() {
    let out = patch(
        group_with(&[("u1", "Alice"), ("u2", "Bob")]),
        json!([
            {"op": "remove", "path": "members"},
            {"op": "add", "path": "members", "value": [{"value": "u1", "display": "Alice"}]}
        ]),
        group(),
    )
    .unwrap();
    assert_eq!(out, group_with(&[("u1", "Alice")]));
}

// ---------------------------------------------------------------------------------------------
// The envelope
// ---------------------------------------------------------------------------------------------

#[test]
fn envelope_without_schemas_is_invalid_syntax() {
    let body = json!({"Operations": [{"op": "remove", "path": "nickName"}]});
    assert_err!(PatchRequest::from_json(&body), InvalidSyntax, InvalidSyntax);
}

#[test]
fn envelope_with_empty_operations_is_invalid_syntax() {
    let body = json!({"schemas": [PATCH_OP], "Operations": []});
    assert_err!(PatchRequest::from_json(&body), InvalidSyntax, InvalidSyntax);
}

#[test]
fn unknown_op_is_invalid_syntax() {
    let body = json!({"schemas": [PATCH_OP], "Operations": [{"op": "move", "path": "nickName"}]});
    assert_err!(PatchRequest::from_json(&body), InvalidSyntax, InvalidSyntax);
}

#[test]
fn add_without_value_is_invalid_value() {
    let body = json!({"schemas": [PATCH_OP], "Operations": [{"op": "add", "path": "nickName"}]});
    assert_err!(PatchRequest::from_json(&body), InvalidValue, InvalidValue);
}

#[test]
fn body_that_is_not_an_object_is_invalid_syntax() {
    let body = json!([{"op": "remove", "path": "nickName"}]);
    assert_err!(PatchRequest::from_json(&body), InvalidSyntax, InvalidSyntax);
}

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

#[test]
fn paths_round_trip_through_display() {
    for path in [
        "members[value eq \"x\"]",
        "emails[type eq \"work\"].value",
        "name.givenName",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
    ] {
        let parsed = PatchPath::parse(path).unwrap();
        assert_eq!(parsed.to_string(), path);
        assert_eq!(PatchPath::parse(&parsed.to_string()).unwrap(), parsed);
    }
}

#[test]
fn parsed_path_parts() {
    let p = PatchPath::parse("emails[type eq \"work\"].value").unwrap();
    assert_eq!(p.attr.name, "emails");
    assert_eq!(p.attr.sub, None);
    assert_eq!(p.filter.unwrap().to_string(), "type eq \"work\"");
    assert_eq!(p.sub.as_deref(), Some("value"));

    let p = PatchPath::parse(&format!("{ENTERPRISE}:manager.value")).unwrap();
    assert_eq!(p.attr.urn.as_deref(), Some(ENTERPRISE));
    assert_eq!(p.attr.name, "manager");
    assert_eq!(p.attr.sub.as_deref(), Some("value"));
    assert!(p.filter.is_none() && p.sub.is_none());
}

#[test]
fn invalid_paths_report_their_byte_offset() {
    for (path, offset) in [
        ("emails[", 7),
        ("name.given.x", 10),
        ("emails.value[type eq \"x\"]", 0),
        ("members[value eq \"a\"]x", 21),
        ("", 0),
    ] {
        let e = PatchPath::parse(path).unwrap_err();
        assert_eq!(e.offset, offset, "{path:?}: {e:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Error bodies
// ---------------------------------------------------------------------------------------------

#[test]
fn patch_errors_become_400_with_their_scim_type() {
    for (error, scim_type) in [
        (
            PatchError::InvalidSyntax("s".into()),
            ScimType::InvalidSyntax,
        ),
        (PatchError::InvalidPath("p".into()), ScimType::InvalidPath),
        (
            PatchError::InvalidFilter("f".into()),
            ScimType::InvalidFilter,
        ),
        (PatchError::NoTarget("t".into()), ScimType::NoTarget),
        (PatchError::InvalidValue("v".into()), ScimType::InvalidValue),
        (PatchError::Mutability("m".into()), ScimType::Mutability),
    ] {
        let detail = error.to_string();
        let body = ScimError::from(error);
        assert_eq!(body.status, 400);
        assert_eq!(body.scim_type, Some(scim_type));
        assert_eq!(body.detail.as_deref(), Some(detail.as_str()));
    }
}

#[test]
fn error_from_apply_names_the_operation() {
    let e = patch(
        bjensen(),
        json!([{"op": "replace", "path": "id", "value": "x"}]),
        user(),
    )
    .unwrap_err();
    let body = ScimError::from(e);
    assert_eq!(body.status, 400);
    assert_eq!(body.scim_type, Some(ScimType::Mutability));
    assert!(
        body.detail.as_deref().unwrap().starts_with("operation 1"),
        "{body:?}"
    );
}

/// The core User schema with `emails` immutable, as a service that never lets an email change
/// (Fivetran's) declares it.
fn user_with_immutable_emails() -> ResourceSchema {
    let mut s = user().clone();
    for a in &mut s.core.attributes {
        if a.name == "emails" {
            a.mutability = scim_core::schema::Mutability::Immutable;
        }
    }
    s
}

#[test]
fn restating_an_immutable_multi_valued_attribute_is_not_a_change() {
    let schema = user_with_immutable_emails();
    let mut resource = bjensen();
    resource["emails"] = json!([{"value": "bjensen@example.com", "type": "work", "primary": true}]);
    for same in [
        json!([{"value": "BJensen@Example.com", "type": "work", "primary": true}]),
        json!([{"value": "bjensen@example.com"}]),
    ] {
        let ops = json!([{"op": "replace", "path": "emails", "value": same}]);
        assert!(patch(resource.clone(), ops, &schema).is_ok(), "{same}");
    }
    for changed in [
        json!([{"value": "other@example.com", "primary": true}]),
        json!([{"value": "bjensen@example.com"}, {"value": "second@example.com"}]),
        json!([]),
    ] {
        let ops = json!([{"op": "replace", "path": "emails", "value": changed}]);
        assert!(
            matches!(
                patch(resource.clone(), ops, &schema),
                Err(PatchError::Mutability(_))
            ),
            "{changed}"
        );
    }
}

#[test]
fn a_bare_string_for_a_multi_valued_complex_attribute_is_its_value() {
    // What some clients send for roles and members: the value alone.
    let out = patch(
        bjensen(),
        json!([{"op": "add", "path": "roles", "value": "admin"}]),
        user(),
    )
    .unwrap();
    assert_eq!(out["roles"], json!([{"value": "admin"}]));
    let out = patch(
        group_with(&[("u1", "Alice")]),
        json!([{"op": "add", "path": "members", "value": "u2"}]),
        group(),
    )
    .unwrap();
    let ids: Vec<&str> = out["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["u1", "u2"]);
}
