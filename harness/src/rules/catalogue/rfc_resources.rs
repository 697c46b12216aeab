//! Flow rules of RFC 7643/7644 on media types, resources and their retrieval (the checklist's
//! sections A, B and E), with the checklist's ids.

use crate::rules::Kind::Flow;
use crate::rules::Level::{Must, Should};
use crate::rules::Rule;
use crate::scenario::Profile::Rfc;

/// The rules.
pub(super) const RFC_RESOURCES: &[Rule] = &[
    Rule {
        id: "R7644-3.8-accept-json",
        level: Should,
        profile: Rfc,
        kind: Flow,
        title: "A request that accepts application/json is answered, not refused",
        source: "RFC 7644 §3.8",
        quote: "Service providers MUST support the Accept header \"Accept: application/scim+json\" and SHOULD support the header \"Accept: application/json\"",
    },
    Rule {
        id: "R7644-3.8-request-media-types",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "JSON bodies sent as application/json or application/scim+json; charset=utf-8 are taken",
        source: "RFC 7644 §3.8, §8.1",
        quote: "Servers MUST accept requests and be able to return JSON-structured responses using UTF-8 encoding",
    },
    Rule {
        id: "R7644-3.8-utf8",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "Non-ASCII text comes back as it was sent",
        source: "RFC 7644 §3.8",
        quote: "Servers MUST accept requests and be able to return JSON-structured responses using UTF-8 encoding [RFC3629]. UTF-8 SHALL be the default encoding format.",
    },
    Rule {
        id: "R7643-3.1-id-server-assigned",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "The server issues `id`: one a client sends is ignored",
        source: "RFC 7643 §3.1",
        quote: "The value of the \"id\" attribute is always issued by the service provider and MUST NOT be specified by the client.",
    },
    Rule {
        id: "R7643-3.1-externalId",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "`externalId` is stored exactly as the client sent it, and never invented",
        source: "RFC 7643 §3.1",
        quote: "The value of the \"externalId\" attribute is always issued by the provisioning client and MUST NOT be specified by the service provider. ... This attribute has \"caseExact\" as \"true\"",
    },
    Rule {
        id: "R7643-3.1-meta-readonly",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A `meta` sent by the client is ignored",
        source: "RFC 7643 §3.1",
        quote: "All \"meta\" sub-attributes are assigned by the service provider (have a \"mutability\" of \"readOnly\") ... This attribute SHALL be ignored when provided by clients.",
    },
    Rule {
        id: "R7644-3.4.1-get-200",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "GET of a known id answers 200 with that resource",
        source: "RFC 7644 §3.4.1",
        quote: "Clients retrieve a known resource using an HTTP GET request to the resource endpoint, e.g., \"/Users/{id}\" ... HTTP/1.1 200 OK",
    },
    Rule {
        id: "R7644-3.4.1-type-scoped-id",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "An id is found only under its own resource type's endpoint",
        source: "RFC 7644 §3.4.1, §3.12",
        quote: "a GET request to the resource endpoint, e.g., \"/Users/{id}\" or \"/Groups/{id}\" ... 404 (Not Found): Specified resource (e.g., User) or endpoint does not exist.",
    },
    Rule {
        id: "R7644-3.12-unknown-endpoint",
        level: Should,
        profile: Rfc,
        kind: Flow,
        title: "An unknown endpoint answers 404 with a SCIM error",
        source: "RFC 7644 §3.12",
        quote: "404 (Not Found): Specified resource (e.g., User) or endpoint does not exist. ... When returning HTTP error status codes, the server SHOULD return a JSON body",
    },
];
