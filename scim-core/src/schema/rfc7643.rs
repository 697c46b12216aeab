//! The core User and Group schemas, the Enterprise User extension and the common attributes,
//! transcribed from RFC 7643 §3.1, §4 and §8.7.1.
//!
//! Two deliberate differences from the RFC's §8.7.1 listing, both following its prose:
//! Group `displayName` is `required` (§4.2 says "REQUIRED"), and Group `members` has a
//! `display` sub-attribute (Okta sends one with every member; §4.2 and §2.4 allow it).

use std::sync::LazyLock;

use super::{
    AttributeDef, AttributeType, Extension, Mutability, ResourceSchema, Returned, Schema,
    Uniqueness,
};
use crate::urn;

fn attr(name: &str, kind: AttributeType, description: &str) -> AttributeDef {
    AttributeDef {
        name: name.to_owned(),
        kind,
        multi_valued: false,
        description: description.to_owned(),
        required: false,
        case_exact: false,
        mutability: Mutability::ReadWrite,
        returned: Returned::Default,
        uniqueness: Uniqueness::None,
        sub_attributes: Vec::new(),
        canonical_values: Vec::new(),
        reference_types: Vec::new(),
    }
}

fn string(name: &str, description: &str) -> AttributeDef {
    attr(name, AttributeType::String, description)
}

fn complex(name: &str, description: &str, subs: Vec<AttributeDef>) -> AttributeDef {
    AttributeDef {
        sub_attributes: subs,
        ..attr(name, AttributeType::Complex, description)
    }
}

/// Builder-style setters, so the tables below read like the RFC's.
trait Set {
    fn required(self) -> Self;
    fn case_exact(self) -> Self;
    fn multi(self) -> Self;
    fn mutability(self, m: Mutability) -> Self;
    fn returned(self, r: Returned) -> Self;
    fn unique(self, u: Uniqueness) -> Self;
    fn canonical(self, values: &[&str]) -> Self;
    fn refs(self, types: &[&str]) -> Self;
}

impl Set for AttributeDef {
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn case_exact(mut self) -> Self {
        self.case_exact = true;
        self
    }
    fn multi(mut self) -> Self {
        self.multi_valued = true;
        self
    }
    fn mutability(mut self, m: Mutability) -> Self {
        self.mutability = m;
        self
    }
    fn returned(mut self, r: Returned) -> Self {
        self.returned = r;
        self
    }
    fn unique(mut self, u: Uniqueness) -> Self {
        self.uniqueness = u;
        self
    }
    fn canonical(mut self, values: &[&str]) -> Self {
        self.canonical_values = values.iter().map(|v| (*v).to_owned()).collect();
        self
    }
    fn refs(mut self, types: &[&str]) -> Self {
        self.reference_types = types.iter().map(|v| (*v).to_owned()).collect();
        self
    }
}

/// The usual sub-attributes of a multi-valued attribute (RFC 7643 §2.4): `value`,
/// `display`, `type` (with canonical values), `primary`.
fn multi_valued(
    name: &str,
    description: &str,
    value: AttributeDef,
    types: &[&str],
) -> AttributeDef {
    complex(
        name,
        description,
        vec![
            value,
            string(
                "display",
                "A human-readable name, primarily used for display purposes.",
            ),
            string("type", "A label indicating the attribute's function.").canonical(types),
            attr(
                "primary",
                AttributeType::Boolean,
                "Whether this is the primary value.",
            ),
        ],
    )
    .multi()
}

fn read_only(mut def: AttributeDef) -> AttributeDef {
    def.mutability = Mutability::ReadOnly;
    for sub in &mut def.sub_attributes {
        sub.mutability = Mutability::ReadOnly;
    }
    def
}

static COMMON: LazyLock<Vec<AttributeDef>> = LazyLock::new(|| {
    vec![
        string(
            "id",
            "A unique identifier for the resource, issued by the service provider.",
        )
        .case_exact()
        .mutability(Mutability::ReadOnly)
        .returned(Returned::Always)
        .unique(Uniqueness::Server),
        string(
            "externalId",
            "An identifier for the resource as defined by the provisioning client.",
        )
        .case_exact(),
        read_only(complex(
            "meta",
            "Resource metadata.",
            vec![
                string(
                    "resourceType",
                    "The name of the resource type of the resource.",
                )
                .case_exact(),
                attr(
                    "created",
                    AttributeType::DateTime,
                    "When the resource was added to the service provider.",
                ),
                attr(
                    "lastModified",
                    AttributeType::DateTime,
                    "When the resource was last modified.",
                ),
                attr(
                    "location",
                    AttributeType::Reference,
                    "The URI of the resource.",
                )
                .case_exact()
                .refs(&["uri"]),
                string("version", "The version (entity-tag) of the resource.").case_exact(),
            ],
        )),
        attr(
            "schemas",
            AttributeType::Reference,
            "The schema URIs the resource conforms to.",
        )
        .multi()
        .case_exact()
        .required()
        .mutability(Mutability::ReadOnly)
        .returned(Returned::Always)
        .refs(&["uri"]),
    ]
});

static USER_SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    Schema {
    id: urn::USER.to_owned(),
    name: "User".to_owned(),
    description: "User Account".to_owned(),
    attributes: vec![
        string("userName", "Unique identifier for the User, typically used to sign in.")
            .required()
            .unique(Uniqueness::Server),
        complex(
            "name",
            "The components of the user's real name.",
            vec![
                string("formatted", "The full name, formatted for display."),
                string("familyName", "The family name (last name)."),
                string("givenName", "The given name (first name)."),
                string("middleName", "The middle name(s)."),
                string("honorificPrefix", "The honorific prefix(es), such as 'Ms.'."),
                string("honorificSuffix", "The honorific suffix(es), such as 'III'."),
            ],
        ),
        string("displayName", "The name of the User, suitable for display to end-users."),
        string("nickName", "The casual way to address the user."),
        attr("profileUrl", AttributeType::Reference, "A URI to the user's online profile.").refs(&["external"]),
        string("title", "The user's title, such as 'Vice President'."),
        string("userType", "The relationship between the organization and the user."),
        string("preferredLanguage", "The user's preferred written or spoken language."),
        string("locale", "The user's default location, for localizing items."),
        string("timezone", "The user's time zone, in the 'Olson' format."),
        attr("active", AttributeType::Boolean, "The user's administrative status."),
        string("password", "The user's cleartext password, used to set or change it.")
            .mutability(Mutability::WriteOnly)
            .returned(Returned::Never),
        multi_valued(
            "emails",
            "Email addresses for the user.",
            string("value", "The email address."),
            &["work", "home", "other"],
        ),
        multi_valued(
            "phoneNumbers",
            "Phone numbers for the user.",
            string("value", "The phone number."),
            &["work", "home", "mobile", "fax", "pager", "other"],
        ),
        multi_valued(
            "ims",
            "Instant messaging addresses for the user.",
            string("value", "The instant messaging address."),
            &["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
        ),
        multi_valued(
            "photos",
            "URLs of images of the user.",
            attr("value", AttributeType::Reference, "The URL of the photo.").refs(&["external"]),
            &["photo", "thumbnail"],
        ),
        complex(
            "addresses",
            "Physical mailing addresses for the user.",
            vec![
                string("formatted", "The full mailing address, formatted for display."),
                string("streetAddress", "The full street address."),
                string("locality", "The city or locality."),
                string("region", "The state or region."),
                string("postalCode", "The zip code or postal code."),
                string("country", "The country name (ISO 3166-1 alpha-2)."),
                string("type", "A label indicating the address's function.").canonical(&["work", "home", "other"]),
                attr("primary", AttributeType::Boolean, "Whether this is the primary address."),
            ],
        )
        .multi(),
        read_only(
            complex(
                "groups",
                "The groups the user belongs to, directly or indirectly. Changed only through the Group.",
                vec![
                    string("value", "The identifier of the group.").case_exact(),
                    attr("$ref", AttributeType::Reference, "The URI of the group.").refs(&["User", "Group"]),
                    string("display", "The group's display name."),
                    string("type", "How the membership is derived.").canonical(&["direct", "indirect"]),
                ],
            )
            .multi(),
        ),
        multi_valued("entitlements", "Entitlements of the user.", string("value", "The entitlement."), &[]),
        multi_valued("roles", "Roles of the user.", string("value", "The role."), &[]),
        multi_valued(
            "x509Certificates",
            "X.509 certificates of the user.",
            attr("value", AttributeType::Binary, "The DER-encoded certificate, in base64.").case_exact(),
            &[],
        ),
    ],
}
});

static GROUP_SCHEMA: LazyLock<Schema> = LazyLock::new(|| Schema {
    id: urn::GROUP.to_owned(),
    name: "Group".to_owned(),
    description: "Group".to_owned(),
    attributes: vec![
        string("displayName", "A human-readable name for the Group.").required(),
        complex(
            "members",
            "The members of the Group.",
            vec![
                string("value", "The identifier of the member.")
                    .case_exact()
                    .mutability(Mutability::Immutable),
                attr("$ref", AttributeType::Reference, "The URI of the member.")
                    .refs(&["User", "Group"])
                    .mutability(Mutability::Immutable),
                string("display", "The member's display name."),
                string("type", "The member's resource type.")
                    .canonical(&["User", "Group"])
                    .mutability(Mutability::Immutable),
            ],
        )
        .multi(),
    ],
});

static ENTERPRISE_USER_SCHEMA: LazyLock<Schema> = LazyLock::new(|| Schema {
    id: urn::ENTERPRISE_USER.to_owned(),
    name: "EnterpriseUser".to_owned(),
    description: "Enterprise User".to_owned(),
    attributes: vec![
        string(
            "employeeNumber",
            "A string identifier, typically numeric or alphanumeric.",
        ),
        string("costCenter", "The name of a cost center."),
        string("organization", "The name of an organization."),
        string("division", "The name of a division."),
        string("department", "The name of a department."),
        complex(
            "manager",
            "The user's manager.",
            vec![
                string("value", "The id of the manager's User.").case_exact(),
                attr(
                    "$ref",
                    AttributeType::Reference,
                    "The URI of the manager's User.",
                )
                .refs(&["User"]),
                string("displayName", "The manager's displayName.")
                    .mutability(Mutability::ReadOnly),
            ],
        ),
    ],
});

static USER: LazyLock<ResourceSchema> = LazyLock::new(|| ResourceSchema {
    name: "User".to_owned(),
    endpoint: "/Users".to_owned(),
    core: USER_SCHEMA.clone(),
    extensions: vec![Extension {
        schema: ENTERPRISE_USER_SCHEMA.clone(),
        required: false,
    }],
    common: COMMON.clone(),
});

static GROUP: LazyLock<ResourceSchema> = LazyLock::new(|| ResourceSchema {
    name: "Group".to_owned(),
    endpoint: "/Groups".to_owned(),
    core: GROUP_SCHEMA.clone(),
    extensions: Vec::new(),
    common: COMMON.clone(),
});

/// The common attributes every resource has: `id`, `externalId`, `meta`, `schemas`.
pub fn common_attributes() -> &'static [AttributeDef] {
    &COMMON
}

/// The core User schema, `urn:ietf:params:scim:schemas:core:2.0:User`.
pub fn user_schema() -> &'static Schema {
    &USER_SCHEMA
}

/// The core Group schema, `urn:ietf:params:scim:schemas:core:2.0:Group`.
pub fn group_schema() -> &'static Schema {
    &GROUP_SCHEMA
}

/// The Enterprise User extension, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.
pub fn enterprise_user_schema() -> &'static Schema {
    &ENTERPRISE_USER_SCHEMA
}

/// The User resource type: the core User schema with the Enterprise User extension.
pub fn user() -> &'static ResourceSchema {
    &USER
}

/// The Group resource type.
pub fn group() -> &'static ResourceSchema {
    &GROUP
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_exactness_follows_the_rfc() {
        let u = user();
        let exact = |p: &str| {
            u.resolve(&crate::attr_path::AttrPath::parse(p).unwrap())
                .unwrap()
                .target()
                .case_exact
        };
        assert!(exact("id"));
        assert!(exact("externalId"));
        assert!(!exact("userName"));
        assert!(!exact("displayName"));
        assert!(!exact("emails.value"));
        assert!(
            group()
                .core
                .attribute("members")
                .unwrap()
                .sub_attribute("value")
                .unwrap()
                .case_exact
        );
    }

    #[test]
    fn read_only_attributes_are_marked() {
        let u = user();
        for name in ["id", "meta", "groups", "schemas"] {
            let def = u
                .resolve(&crate::attr_path::AttrPath::new(name))
                .unwrap()
                .attr;
            assert_eq!(def.mutability, Mutability::ReadOnly, "{name}");
        }
        assert_eq!(
            u.core.attribute("password").unwrap().returned,
            Returned::Never
        );
    }
}
