//! The guide's rules for users, applied to request bodies.
//!
//! - `userName` must be an email address: it is the Fivetran login, and Fivetran's docs tell
//!   admins to use Okta's Email username format ("We require matching email and username
//!   values"). It need not equal the primary email: Okta's SCIM 2.0 SPEC test, which every
//!   OIN app passes, creates a user whose two differ and expects 201. [`Policy`]'s
//!   `require_username_email` keeps the stricter reading (`userName` = primary email) for
//!   those who want it;
//! - only "Family name", "Given name" and "Role" can be updated (the guide), plus `active`,
//!   which is how Okta deactivates ("Okta soft deletes users in Fivetran"); a request that
//!   changes `userName` or the email gets 400 `mutability`;
//! - the account role comes from the `roles` element marked `primary: true`, or the only
//!   element (Okta maps it as `roles.^[primary==true].value`); Okta omits empty values, so an
//!   omitted role leaves the role as it is;
//! - everything else a client sends is accepted and ignored.

use scim_core::ScimType;
use scim_core::json::{get_ci, take_ci};
use scim_core::schema::ValueError;
use scim_core::text;
use serde_json::Value;

use crate::error::ApiError;
use crate::input::{self, Kind};
use crate::roles;
use crate::schemas;
use crate::store::UserFields;
use crate::user_input::{EmailInput, RoleInput, UserInput};

/// What a body says about the account role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleChoice {
    /// Nothing: `roles` absent or empty.
    Omitted,
    /// This role, in canonical case.
    Set(String),
}

/// A user body, read and checked against the guide's rules, before comparing with any
/// stored user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserBody {
    /// `userName`.
    pub user_name: String,
    /// The primary email and its type.
    pub email: String,
    /// Its `type`.
    pub email_type: Option<String>,
    /// `name.givenName`.
    pub given_name: Option<String>,
    /// `name.familyName`.
    pub family_name: Option<String>,
    /// `active`, if given.
    pub active: Option<bool>,
    /// The role.
    pub role: RoleChoice,
    /// `externalId`.
    pub external_id: Option<String>,
}

/// The account's rules a user body is read against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Custom account-level roles, besides the standard ones.
    pub custom_roles: Vec<String>,
    /// Refuse a `userName` that differs from the primary email (ignoring case): the strict
    /// reading of "We require matching email and username values". Off by default.
    pub require_username_email: bool,
}

fn invalid(e: ValueError) -> ApiError {
    ApiError::invalid_value(e.to_string())
}

/// Reads a user body against the account's `policy`: through the User schema, then
/// [`check_user`]. With `current` (a PUT, or the result of a PATCH), a changed `userName`
/// or email is refused as `mutability` before anything else is checked: that is the rule
/// the request breaks.
pub fn read_user(
    body: &Value,
    policy: &Policy,
    current: Option<&UserFields>,
) -> Result<UserBody, ApiError> {
    let Value::Object(fields) = body else {
        return Err(ApiError::bad_request(
            ScimType::InvalidSyntax,
            "a user must be a JSON object",
        ));
    };
    // A bare role string, or an array of strings, is tolerated: read it as role values. The
    // body is copied only for that.
    let fields = if let Some(Value::String(_)) = get_ci(fields, "roles") {
        let mut fields = fields.clone();
        if let Some(one) = take_ci(&mut fields, "roles") {
            fields.insert("roles".into(), Value::Array(vec![one]));
        }
        schemas::user().normalize(&Value::Object(fields))
    } else {
        schemas::user().normalize(body)
    }
    .map_err(invalid)?;
    check_user(&UserInput::from_map(&fields), policy, current)
}

/// The guide's rules on a user body's fields, however they were read (see
/// [`crate::user_input`]).
pub fn check_user(
    input: &UserInput<'_>,
    policy: &Policy,
    current: Option<&UserFields>,
) -> Result<UserBody, ApiError> {
    let user_name = match input.user_name {
        Some(s) if !s.trim().is_empty() => s.to_owned(),
        _ => return Err(ApiError::invalid_value("userName is required")),
    };
    let (email, email_type) = primary_email(&input.emails, &user_name)?;
    if let Some(current) = current {
        refuse_identity_change(&user_name, &email, current)?;
    }
    if !is_email(&user_name) {
        return Err(ApiError::invalid_value(format!(
            "userName {user_name:?} must be an email address: it is the Fivetran login (use \
             the Email username format in Okta)"
        )));
    }
    if policy.require_username_email && !text::eq(&email, &user_name, false) {
        return Err(ApiError::invalid_value(format!(
            "userName {user_name:?} must equal the primary email {email:?}: this account \
             requires matching email and username values (use the Email username format in Okta)"
        )));
    }
    let body = UserBody {
        user_name,
        email,
        email_type,
        given_name: input.given_name.map(str::to_owned),
        family_name: input.family_name.map(str::to_owned),
        active: input.active,
        role: role(&input.roles, &policy.custom_roles)?,
        external_id: input.external_id.map(str::to_owned),
    };
    input::check("userName", &body.user_name, Kind::Identifier)?;
    input::check("emails.value", &body.email, Kind::Identifier)?;
    for (attr, text) in [
        ("name.givenName", &body.given_name),
        ("name.familyName", &body.family_name),
        ("externalId", &body.external_id),
    ] {
        if let Some(t) = text {
            input::check(attr, t, Kind::Text)?;
        }
    }
    Ok(body)
}

/// The primary email: the one marked primary; else the one equal to `userName`; else the only
/// one.
fn primary_email(
    emails: &[EmailInput<'_>],
    user_name: &str,
) -> Result<(String, Option<String>), ApiError> {
    let chosen = emails
        .iter()
        .find(|e| e.primary)
        .or_else(|| {
            emails
                .iter()
                .find(|e| e.value.is_some_and(|v| text::eq(v, user_name, false)))
        })
        .or_else(|| emails.first().filter(|_| emails.len() == 1));
    let Some(e) = chosen else {
        return Err(ApiError::invalid_value(
            "emails: a primary email equal to userName is required (Fivetran requires matching email and username \
             values)",
        ));
    };
    let Some(v) = e.value else {
        return Err(ApiError::invalid_value(
            "emails: the primary email has no value",
        ));
    };
    Ok((v.to_owned(), e.kind.map(str::to_owned)))
}

fn role(items: &[RoleInput<'_>], custom_roles: &[String]) -> Result<RoleChoice, ApiError> {
    if items.is_empty() {
        return Ok(RoleChoice::Omitted);
    }
    let primary: Vec<&RoleInput<'_>> = items.iter().filter(|r| r.primary).collect();
    let chosen = match (primary.as_slice(), items) {
        ([one], _) => *one,
        ([], [only]) => only,
        ([], _) => {
            return Err(ApiError::invalid_value(
                "roles: several roles and none marked \"primary\": true; mark the account role as primary",
            ));
        }
        _ => {
            return Err(ApiError::invalid_value(
                "roles: only one role may be primary",
            ));
        }
    };
    let Some(value) = chosen.value else {
        return Err(ApiError::invalid_value(
            "roles: the account role has no value",
        ));
    };
    Ok(RoleChoice::Set(roles::canonical(value, custom_roles)?))
}

/// The draft of a new user. `active` defaults to true; an omitted role is "No Account Role".
pub fn new_user(body: UserBody) -> UserFields {
    UserFields {
        user_name: body.user_name,
        email: body.email,
        email_type: body.email_type,
        given_name: body.given_name,
        family_name: body.family_name,
        active: body.active.unwrap_or(true),
        role: match body.role {
            RoleChoice::Omitted => None,
            RoleChoice::Set(r) => Some(r),
        },
        external_id: body.external_id,
    }
}

/// Refuses a change of `userName` or of the primary email (case aside).
fn refuse_identity_change(
    user_name: &str,
    email: &str,
    current: &UserFields,
) -> Result<(), ApiError> {
    if !text::eq(user_name, &current.user_name, false) {
        return Err(ApiError::mutability(format!(
            "userName cannot be changed (from {:?} to {user_name:?}): Fivetran only allows updating the given name, \
             the family name and the role",
            current.user_name
        )));
    }
    if !text::eq(email, &current.email, false) {
        return Err(ApiError::mutability(format!(
            "emails cannot be changed (from {:?} to {email:?}): Fivetran only allows updating the given name, the \
             family name and the role",
            current.email
        )));
    }
    Ok(())
}

/// The draft that replaces `current` (PUT, or the result of a PATCH): only the name, the role,
/// `active` and `externalId` may differ. An omitted role or `active` keeps the stored value.
/// `body` comes from [`read_user`] with `Some(current)`, which already refused a change of
/// identity; the stored `userName` and email are kept as they were.
pub fn changed_user(body: UserBody, current: &UserFields) -> UserFields {
    UserFields {
        user_name: current.user_name.clone(),
        email: current.email.clone(),
        email_type: body.email_type.or_else(|| current.email_type.clone()),
        given_name: body.given_name,
        family_name: body.family_name,
        active: body.active.unwrap_or(current.active),
        role: match body.role {
            RoleChoice::Omitted => current.role.clone(),
            RoleChoice::Set(r) => Some(r),
        },
        external_id: body.external_id,
    }
}

/// A PUT body read against the stored user: the user's new fields, or why the body is
/// refused.
pub fn update(body: &Value, policy: &Policy, current: &UserFields) -> Result<UserFields, ApiError> {
    let parsed = read_user(body, policy, Some(current))?;
    Ok(changed_user(parsed, current))
}

/// The result of a PATCH, `after`, applied to the stored user whose representation was
/// `before`. Removing `roles` is refused: Fivetran cannot set "No Account Role" through SCIM
/// (an omitted role elsewhere means "unchanged", so the removal cannot be read as a change).
pub fn patched(
    before: &Value,
    after: &Value,
    policy: &Policy,
    current: &UserFields,
) -> Result<UserFields, ApiError> {
    if before.get("roles").is_some() && after.get("roles").is_none() {
        return Err(ApiError::invalid_value(
            "roles: Fivetran cannot set \"No Account Role\" through SCIM; set another account role instead",
        ));
    }
    update(after, policy, current)
}

/// Whether `text` reads as an email address: one `@` with something on both sides, and no
/// spaces. Deliverability is the account's business (`user@localhost` is an address); this
/// only refuses what cannot be a login such as Fivetran's (`jdoe`, `Jane Doe`).
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(strict: bool) -> Policy {
        Policy {
            custom_roles: vec!["Data Steward".to_owned()],
            require_username_email: strict,
        }
    }

    fn read(v: Value) -> Result<UserBody, ApiError> {
        read_user(&v, &policy(false), None)
    }

    #[test]
    fn okta_create_body_is_read() {
        let b = read(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "test.user@okta.local",
            "name": {"givenName": "Test", "familyName": "User"},
            "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
            "displayName": "Test User", "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7",
            "groups": [], "password": "1mz050nq", "active": true,
            "roles": [{"primary": true, "value": "Account Analyst"}]
        }))
        .unwrap();
        assert_eq!(b.role, RoleChoice::Set("Account Analyst".into()));
        assert_eq!(b.external_id.as_deref(), Some("00ujl29u0le5T6Aj10h7"));
        assert_eq!(b.email_type.as_deref(), Some("work"));
    }

    #[test]
    fn user_name_is_an_email_that_may_differ_from_the_primary_email() {
        // Okta's SPEC test: two different addresses, accepted.
        let differing =
            json!({"userName": "a@x.test", "emails": [{"value": "b@x.test", "primary": true}]});
        let b = read(differing.clone()).unwrap();
        assert_eq!(
            (b.user_name.as_str(), b.email.as_str()),
            ("a@x.test", "b@x.test")
        );
        // The strict reading refuses them, and still takes a match in another case.
        let e = read_user(&differing, &policy(true), None).unwrap_err();
        assert!(e.0.detail.unwrap().contains("must equal the primary email"));
        let same = json!({"userName": "A@X.test", "emails": [{"value": "a@x.TEST"}]});
        assert!(read_user(&same, &policy(true), None).is_ok());
        // A userName that is not an address is refused either way.
        for bad in ["jdoe", "Jane Doe@x.test", "@x.test", "a@", "a@b@c"] {
            let e = read(json!({"userName": bad, "emails": [{"value": "a@x.test"}]})).unwrap_err();
            assert!(
                e.0.detail.unwrap().contains("must be an email address"),
                "{bad}"
            );
        }
        assert!(read(json!({"userName": "a@x.test"})).is_err());
        assert!(read(json!({"emails": [{"value": "a@x.test"}]})).is_err());
    }

    #[test]
    fn roles_in_every_tolerated_shape() {
        let role = |v: Value| {
            read(json!({"userName": "a@x", "emails": [{"value": "a@x"}], "roles": v}))
                .map(|b| b.role)
        };
        assert_eq!(
            role(json!("Account Billing")).unwrap(),
            RoleChoice::Set("Account Billing".into())
        );
        assert_eq!(
            role(json!(["Data Steward"])).unwrap(),
            RoleChoice::Set("Data Steward".into())
        );
        assert_eq!(
            role(json!([{"value": "Account Reviewer", "primary": false}, {"value": "Destination Creator", "primary": true}])).unwrap(),
            RoleChoice::Set("Destination Creator".into())
        );
        assert_eq!(role(json!([])).unwrap(), RoleChoice::Omitted);
        assert!(role(json!([{"value": "Account Billing"}, {"value": "Account Analyst"}])).is_err());
        assert!(role(json!([{"value": "Connector Administrator", "primary": true}])).is_err());
    }
}
