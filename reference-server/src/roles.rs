//! Fivetran's account roles, and the rules for setting them through SCIM.
//!
//! The guide: the Role attribute's value "must exactly match the name of the relevant
//! standard user role in Fivetran RBAC model or an existing custom user role in your
//! account", and "Destination-level or connector-level roles are not supported in the
//! Fivetran SCIM API." Matching is exact, as the guide says: a name that differs only in
//! case or surrounding spaces is refused with the name it should have been, so that the
//! admin fixes the Role attribute's values in Okta instead of relying on a lenient server.

use scim_core::text;

use crate::error::ApiError;

/// The standard account-level roles the guide lists.
pub const ACCOUNT_ROLES: [&str; 5] = [
    "Account Administrator",
    "Account Analyst",
    "Account Billing",
    "Account Reviewer",
    "Destination Creator",
];

/// Fivetran RBAC roles that are not account-level, and so cannot be set through SCIM.
pub const NON_ACCOUNT_ROLES: [&str; 7] = [
    "Destination Administrator",
    "Destination Analyst",
    "Destination Reviewer",
    "Connector Administrator",
    "Connector Reviewer",
    "Connection Administrator",
    "Connection Reviewer",
];

/// Whether a role name is (or is named like) a destination-, connector- or connection-level
/// role.
fn is_scoped(name: &str) -> bool {
    NON_ACCOUNT_ROLES
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
        || ["destination ", "connector ", "connection "]
            .iter()
            .any(|p| {
                name.len() > p.len()
                    && name
                        .get(..p.len())
                        .is_some_and(|head| head.eq_ignore_ascii_case(p))
            })
}

/// The canonical name of an account role, or why it cannot be set.
pub fn canonical(role: &str, custom: &[String]) -> Result<String, ApiError> {
    let known = ACCOUNT_ROLES
        .iter()
        .copied()
        .chain(custom.iter().map(String::as_str));
    if let Some(r) = known.clone().find(|r| *r == role) {
        return Ok(r.to_owned());
    }
    let wanted = role.trim();
    if let Some(r) = known.clone().find(|r| text::eq(r, wanted, false)) {
        return Err(ApiError::invalid_value(format!(
            "role {role:?} does not exactly match {r:?}: the guide requires that the Role \
             attribute's value \"must exactly match the name of the relevant standard user role \
             ... or an existing custom user role\""
        )));
    }
    if is_scoped(wanted) {
        return Err(ApiError::invalid_value(format!(
            "role {wanted:?} is a destination- or connector-level role; only account-level roles can be set \
             through SCIM (the guide: \"Destination-level or connector-level roles are not supported in the \
             Fivetran SCIM API\")"
        )));
    }
    let mut known: Vec<&str> = ACCOUNT_ROLES.to_vec();
    known.extend(custom.iter().map(String::as_str));
    Err(ApiError::invalid_value(format!(
        "unknown role {wanted:?}; the account roles are: {}",
        known.join(", ")
    )))
}

/// Whether a name may be added as a custom account-level role: not empty, not a standard
/// role, and not named like a destination- or connector-level one. Returns the name to
/// keep: trimmed.
pub fn check_custom_name(name: &str) -> Result<&str, String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
        return Err("a role name must be 1 to 100 printable characters".into());
    }
    if ACCOUNT_ROLES.iter().any(|r| r.eq_ignore_ascii_case(name)) {
        return Err(format!("{name:?} is a standard role"));
    }
    if is_scoped(name) {
        return Err(format!(
            "{name:?} is named like a destination- or connector-level role"
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_must_match_exactly_and_a_near_miss_names_the_right_one() {
        assert_eq!(
            canonical("Account Analyst", &[]).unwrap(),
            "Account Analyst"
        );
        for near in [
            "account analyst",
            " Destination Creator ",
            "ACCOUNT BILLING",
        ] {
            let detail = canonical(near, &[]).unwrap_err().0.detail.unwrap();
            assert!(
                detail.contains("does not exactly match"),
                "{near}: {detail}"
            );
        }
    }

    #[test]
    fn multi_byte_names_are_judged_not_panicked_on() {
        for name in ["aaaaaaaaaé", "aaaaaaaaaaaé", "destinatioé x", "é"] {
            assert!(canonical(name, &[]).is_err(), "{name}");
            assert!(check_custom_name(name).is_ok(), "{name}");
        }
        assert!(check_custom_name("Connection Ünterwelt").is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_name_is_judged_without_panicking(name in "\\PC{0,24}") {
            let custom = vec!["Data Steward".to_owned()];
            let _ = canonical(&name, &custom);
            let _ = check_custom_name(&name);
        }
    }

    #[test]
    fn custom_roles_are_accepted() {
        let custom = vec!["Data Steward".to_owned()];
        assert_eq!(canonical("Data Steward", &custom).unwrap(), "Data Steward");
        assert!(canonical("data steward", &custom).is_err());
        assert!(canonical("Data Steward", &[]).is_err());
    }

    #[test]
    fn scoped_roles_are_refused_with_the_guides_reason() {
        for r in [
            "Destination Administrator",
            "connector reviewer",
            "Destination Something New",
        ] {
            let e = canonical(r, &[]).unwrap_err();
            assert!(
                e.0.detail.unwrap().contains("only account-level roles"),
                "{r}"
            );
        }
        let e = canonical("Owner", &[]).unwrap_err();
        assert!(e.0.detail.unwrap().contains("unknown role \"Owner\""));
    }

    #[test]
    fn custom_role_names_are_checked() {
        assert!(check_custom_name("Data Steward").is_ok());
        assert_eq!(check_custom_name(" Data Steward ").unwrap(), "Data Steward");
        assert!(check_custom_name("account billing").is_err());
        assert!(check_custom_name("Connector Owner").is_err());
        assert!(check_custom_name("  ").is_err());
    }
}
