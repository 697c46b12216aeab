//! Attribute characteristics as data (RFC 7643 §2.2, §7), and the schemas of the core
//! resources (§4, §8.7.1).
//!
//! The filter evaluator and the PATCH engine are driven by these characteristics rather than
//! by hard-coded attribute names: whether `userName` compares case-insensitively comes from
//! its `caseExact: false`, whether `id` may be patched from its `mutability: readOnly`. The
//! types serialise to (and read from) the JSON that `/Schemas` serves, so a harness can also
//! build a [`ResourceSchema`] from what a service provider says about itself.

mod rfc7643;
mod value;

use serde::{Deserialize, Serialize};

use crate::attr_path::AttrPath;
use crate::urn;

pub use rfc7643::{
    common_attributes, enterprise_user_schema, group, group_schema, user, user_schema,
};
pub use value::{ValueError, is_unassigned};

/// An attribute's data type (RFC 7643 §2.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AttributeType {
    /// A Unicode string.
    #[default]
    String,
    /// `true` or `false`.
    Boolean,
    /// A real number.
    Decimal,
    /// A whole number.
    Integer,
    /// An `xsd:dateTime` string.
    DateTime,
    /// A URI that refers to a resource.
    Reference,
    /// An object of sub-attributes.
    Complex,
    /// Base64-encoded bytes.
    Binary,
}

/// Whether and how an attribute may be written (RFC 7643 §7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Mutability {
    /// Set by the service provider only.
    ReadOnly,
    /// Writable at any time.
    #[default]
    ReadWrite,
    /// May be set once (at creation, or when it had no value).
    Immutable,
    /// May be written, never returned (passwords).
    WriteOnly,
}

/// When an attribute appears in responses (RFC 7643 §7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Returned {
    /// Always, whatever `attributes`/`excludedAttributes` say.
    Always,
    /// Never.
    Never,
    /// By default, unless excluded.
    #[default]
    Default,
    /// Only when asked for in `attributes`.
    Request,
}

/// How unique an attribute's value is (RFC 7643 §7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Uniqueness {
    /// No uniqueness.
    #[default]
    None,
    /// Unique within the service provider.
    Server,
    /// Globally unique.
    Global,
}

/// One attribute's definition, as `/Schemas` describes it (RFC 7643 §7). Missing fields take
/// the defaults of RFC 7643 §2.2.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeDef {
    /// The attribute's canonical name.
    pub name: String,
    /// The data type.
    #[serde(rename = "type", default)]
    pub kind: AttributeType,
    /// Whether the value is a JSON array.
    #[serde(default)]
    pub multi_valued: bool,
    /// What the attribute holds.
    #[serde(default)]
    pub description: String,
    /// Whether a resource must have a value.
    #[serde(default)]
    pub required: bool,
    /// Whether string comparisons are case-sensitive.
    #[serde(default)]
    pub case_exact: bool,
    /// Whether and how the attribute may be written.
    #[serde(default)]
    pub mutability: Mutability,
    /// When the attribute is returned.
    #[serde(default)]
    pub returned: Returned,
    /// How unique values are.
    #[serde(default)]
    pub uniqueness: Uniqueness,
    /// The sub-attributes of a complex attribute.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_attributes: Vec<AttributeDef>,
    /// Suggested values (such as `work`, `home` for an email `type`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub canonical_values: Vec<String>,
    /// For references, the resource types they may refer to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference_types: Vec<String>,
}

impl AttributeDef {
    /// The sub-attribute called `name`, ignoring case.
    pub fn sub_attribute(&self, name: &str) -> Option<&AttributeDef> {
        find(&self.sub_attributes, name)
    }

    /// Whether this is a multi-valued complex attribute (`emails`, `members`).
    pub fn is_multi_complex(&self) -> bool {
        self.multi_valued && self.kind == AttributeType::Complex
    }
}

/// A schema: an id (URN) and its attributes (RFC 7643 §7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    /// The schema's URN.
    pub id: String,
    /// A human-readable name.
    #[serde(default)]
    pub name: String,
    /// What the schema describes.
    #[serde(default)]
    pub description: String,
    /// The top-level attributes.
    #[serde(default)]
    pub attributes: Vec<AttributeDef>,
}

impl Schema {
    /// The attribute called `name`, ignoring case.
    pub fn attribute(&self, name: &str) -> Option<&AttributeDef> {
        find(&self.attributes, name)
    }
}

/// A schema extension of a resource type, and whether resources must carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// The extension schema.
    pub schema: Schema,
    /// Whether every resource of the type must include the extension (RFC 7643 §6).
    pub required: bool,
}

/// Everything known about one resource type's attributes: its core schema, its extensions,
/// and the common attributes (`id`, `externalId`, `meta`, `schemas`) that every resource has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceSchema {
    /// The resource type's name (`User`, `Group`).
    pub name: String,
    /// Its endpoint relative to the base URL (`/Users`).
    pub endpoint: String,
    /// The core schema.
    pub core: Schema,
    /// The schema extensions.
    pub extensions: Vec<Extension>,
    /// The common attributes of RFC 7643 §3.1.
    pub common: Vec<AttributeDef>,
}

/// Where an attribute lives in a resource's JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container<'s> {
    /// At the top level (core and common attributes).
    Top,
    /// Inside the object keyed by an extension's URN.
    Extension(&'s Schema),
}

/// An attribute path resolved against a [`ResourceSchema`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved<'s> {
    /// Where the attribute lives.
    pub container: Container<'s>,
    /// The attribute.
    pub attr: &'s AttributeDef,
    /// The sub-attribute, when the path names one.
    pub sub: Option<&'s AttributeDef>,
}

impl<'s> Resolved<'s> {
    /// The definition of what the path finally names: the sub-attribute if there is one.
    pub fn target(&self) -> &'s AttributeDef {
        self.sub.unwrap_or(self.attr)
    }
}

/// Why a path did not resolve.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unresolved {
    /// The URI prefix names no schema of this resource type.
    #[error("'{0}' is not a schema of this resource type")]
    UnknownSchema(String),
    /// No such attribute.
    #[error("unknown attribute '{0}'")]
    UnknownAttribute(String),
    /// The attribute has no such sub-attribute (or none at all).
    #[error("'{attr}' has no sub-attribute '{sub}'")]
    UnknownSubAttribute {
        /// The attribute.
        attr: String,
        /// The missing sub-attribute.
        sub: String,
    },
}

impl ResourceSchema {
    /// The extension whose URN is `id`, ignoring case.
    pub fn extension(&self, id: &str) -> Option<&Extension> {
        self.extensions.iter().find(|e| urn::eq(&e.schema.id, id))
    }

    /// A top-level attribute of the core schema by name (the common `id`, `externalId` and
    /// `meta` included), in any case.
    pub fn top_level(&self, name: &str) -> Option<&AttributeDef> {
        find(&self.common, name).or_else(|| self.core.attribute(name))
    }

    /// Every schema URN of this type: the core one, then the extensions.
    pub fn schema_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.core.id.as_str())
            .chain(self.extensions.iter().map(|e| e.schema.id.as_str()))
    }

    /// Resolves a path: `userName`, `name.givenName`, `meta.lastModified`,
    /// `urn:...:core:2.0:User:userName`, `urn:...:enterprise:2.0:User:manager.value`.
    pub fn resolve(&self, path: &AttrPath) -> Result<Resolved<'_>, Unresolved> {
        let (container, attr) = match &path.urn {
            None => {
                let attr = self
                    .top_level(&path.name)
                    .ok_or_else(|| Unresolved::UnknownAttribute(path.name.clone()))?;
                (Container::Top, attr)
            }
            Some(u) if urn::eq(u, &self.core.id) => {
                let attr = self
                    .top_level(&path.name)
                    .ok_or_else(|| Unresolved::UnknownAttribute(format!("{u}:{}", path.name)))?;
                (Container::Top, attr)
            }
            Some(u) => {
                let ext = self
                    .extension(u)
                    .ok_or_else(|| Unresolved::UnknownSchema(u.clone()))?;
                let attr = ext
                    .schema
                    .attribute(&path.name)
                    .ok_or_else(|| Unresolved::UnknownAttribute(format!("{u}:{}", path.name)))?;
                (Container::Extension(&ext.schema), attr)
            }
        };
        let sub = match &path.sub {
            None => None,
            Some(s) => {
                Some(
                    attr.sub_attribute(s)
                        .ok_or_else(|| Unresolved::UnknownSubAttribute {
                            attr: attr.name.clone(),
                            sub: s.clone(),
                        })?,
                )
            }
        };
        Ok(Resolved {
            container,
            attr,
            sub,
        })
    }

    /// The extension a path names as a whole (`urn:...:enterprise:2.0:User`, which the
    /// grammar reads as URI `urn:...:enterprise:2.0` and attribute `User`), if it does.
    pub fn whole_extension(&self, path: &AttrPath) -> Option<&Extension> {
        let urn = path.urn.as_ref()?;
        if path.sub.is_some() {
            return None;
        }
        self.extensions.iter().find(|e| {
            let id = &e.schema.id;
            id.len() == urn.len() + 1 + path.name.len()
                && urn::eq(&id[..urn.len()], urn)
                && id.as_bytes()[urn.len()] == b':'
                && id[urn.len() + 1..].eq_ignore_ascii_case(&path.name)
        })
    }
}

fn find<'a>(defs: &'a [AttributeDef], name: &str) -> Option<&'a AttributeDef> {
    defs.iter().find(|d| d.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_every_path_form() {
        let user = user();
        let r = user.resolve(&AttrPath::parse("USERNAME").unwrap()).unwrap();
        assert_eq!(r.attr.name, "userName");
        assert_eq!(r.container, Container::Top);

        let r = user
            .resolve(&AttrPath::parse("name.GivenName").unwrap())
            .unwrap();
        assert_eq!(r.target().name, "givenName");

        let r = user
            .resolve(&AttrPath::parse("meta.lastModified").unwrap())
            .unwrap();
        assert_eq!(r.target().kind, AttributeType::DateTime);

        let r = user
            .resolve(
                &AttrPath::parse("urn:ietf:params:scim:schemas:core:2.0:User:userName").unwrap(),
            )
            .unwrap();
        assert_eq!(r.attr.name, "userName");

        let r = user
            .resolve(
                &AttrPath::parse(
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
                )
                .unwrap(),
            )
            .unwrap();
        assert!(matches!(r.container, Container::Extension(s) if s.id == urn::ENTERPRISE_USER));
        assert_eq!(r.target().name, "value");
    }

    #[test]
    fn says_why_a_path_does_not_resolve() {
        let user = user();
        assert_eq!(
            user.resolve(&AttrPath::new("nope")),
            Err(Unresolved::UnknownAttribute("nope".into()))
        );
        assert!(matches!(
            user.resolve(&AttrPath::with_sub("name", "nope")),
            Err(Unresolved::UnknownSubAttribute { .. })
        ));
        assert!(matches!(
            user.resolve(&AttrPath::parse("urn:x:y:attr").unwrap()),
            Err(Unresolved::UnknownSchema(_))
        ));
        // Group has no userName.
        assert!(group().resolve(&AttrPath::new("userName")).is_err());
    }

    #[test]
    fn recognises_a_whole_extension_path() {
        let p = AttrPath::parse(urn::ENTERPRISE_USER).unwrap();
        assert!(user().whole_extension(&p).is_some());
        assert!(user().whole_extension(&AttrPath::new("userName")).is_none());
    }

    #[test]
    fn schemas_round_trip_through_their_json_form() {
        let json = serde_json::to_value(user_schema()).unwrap();
        assert_eq!(json["attributes"][0]["name"], "userName");
        assert_eq!(json["attributes"][0]["caseExact"], false);
        assert_eq!(json["attributes"][0]["uniqueness"], "server");
        let back: Schema = serde_json::from_value(json).unwrap();
        assert_eq!(&back, user_schema());
    }
}
