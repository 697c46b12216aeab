//! Flow rules of the Fivetran guide.

use super::GUIDE;
use crate::rules::Kind::Flow;
use crate::rules::Level::Must;
use crate::rules::Rule;
use crate::scenario::Profile::Fivetran;

/// The rules.
pub(super) const FIVETRAN: &[Rule] = &[
    Rule {
        id: "fivetran.update.names-and-role",
        level: Must,
        profile: Fivetran,
        kind: Flow,
        title: "Updates of the first name, last name and Role round-trip",
        source: GUIDE,
        quote: "Update user attributes - Okta updates the First Name, Last Name, and Role attributes in Fivetran",
    },
    Rule {
        id: "fivetran.update.only-names-and-role",
        level: Must,
        profile: Fivetran,
        kind: Flow,
        title: "Other attributes (the email, the userName) cannot be updated",
        source: GUIDE,
        quote: "Fivetran only allows you to update the \"Family name\", \"Given name\", and \"Role\" fields.",
    },
    Rule {
        id: "fivetran.deactivate.soft-delete",
        level: Must,
        profile: Fivetran,
        kind: Flow,
        title: "Deactivation is a soft delete: the user stays, listed and found, with active false",
        source: GUIDE,
        quote: "Deactivate users - Okta soft deletes users in Fivetran",
    },
    Rule {
        id: "fivetran.role.account-level-only",
        level: Must,
        profile: Fivetran,
        kind: Flow,
        title: "Destination- and connector-level roles are refused",
        source: GUIDE,
        quote: "Destination-level or connector-level roles are not supported in the Fivetran SCIM API.",
    },
    Rule {
        id: "fivetran.role.known-only",
        level: Must,
        profile: Fivetran,
        kind: Flow,
        title: "A Role must be a standard account role or an existing custom role",
        source: GUIDE,
        quote: "The name must exactly match the name of the relevant standard user role in Fivetran RBAC model or an existing custom user role in your account.",
    },
    Rule {
        id: "fivetran.plan.enterprise-only",
        level: Must,
        profile: Fivetran,
        kind: Flow,
        title: "SCIM is refused on plans other than Enterprise and Business Critical",
        source: GUIDE,
        quote: "You must have an Enterprise or Business Critical plan to use Fivetran SCIM for OKTA.",
    },
    Rule {
        id: "fivetran.scim-toggle",
        level: Must,
        profile: Fivetran,
        kind: Flow,
        title: "With Enable SCIM Provisioning switched off, Test API Credentials fails and every SCIM request is refused",
        source: GUIDE,
        quote: "Switch the Enable SCIM Provisioning toggle to ON.",
    },
    Rule {
        id: "fivetran.token.regenerate",
        level: Must,
        profile: Fivetran,
        kind: Flow,
        title: "A regenerated API token works at once, and the token it replaced is refused at once",
        source: GUIDE,
        quote: "Click Generate to generate a new API token.",
    },
    Rule {
        id: "fivetran.team.delete-keeps-users",
        level: Must,
        profile: Fivetran,
        kind: Flow,
        title: "Deleting a team leaves its users",
        source: GUIDE,
        quote: "Group Push - Okta creates, updates, or deletes teams in Fivetran",
    },
];
