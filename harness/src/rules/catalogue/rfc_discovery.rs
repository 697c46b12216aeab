//! Flow rules of RFC 7643/7644 on discovery: what /ServiceProviderConfig and /Schemas give,
//! and that none can be written (the checklist's section O), with the checklist's ids.

use crate::rules::Kind::Flow;
use crate::rules::Level::Must;
use crate::rules::Rule;
use crate::scenario::Profile::Rfc;

/// The rules.
pub(super) const RFC_DISCOVERY: &[Rule] = &[
    Rule {
        id: "R7644-3.1-no-message-schemas",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "/Schemas lists no protocol message schema (urn:ietf:params:scim:api:...)",
        source: "RFC 7644 §3.1",
        quote: "SCIM message schemas using the above prefix URN SHALL NOT be discoverable using the \"/Schemas\" endpoint.",
    },
    Rule {
        id: "R7644-4-discovery-readonly",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "The discovery endpoints cannot be written",
        source: "RFC 7643 §5, §7; RFC 7644 §4",
        quote: "SCIM defines three endpoints to facilitate discovery of SCIM service provider features and schema that MAY be retrieved using HTTP GET ... \"Schema\" resources are not modifiable",
    },
    Rule {
        id: "R7643-5-spc-fields",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "/ServiceProviderConfig gives bulk's and filter's limits as integers, and its authentication schemes with type and name",
        source: "RFC 7643 §5",
        quote: "maxOperations An integer value specifying the maximum number of operations. REQUIRED. maxPayloadSize An integer value specifying the maximum payload size in bytes. REQUIRED. ... maxResults An integer value specifying the maximum number of resources returned in a response. REQUIRED.",
    },
    Rule {
        id: "R7643-7-schema-definitions",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "Each attribute /Schemas defines has a name, a valid type, multiValued, mutability and returned",
        source: "RFC 7643 §7, §2.3",
        quote: "attributes A complex type that defines service provider attributes and their qualities via the following set of sub-attributes: name The attribute's name. type The attribute's data type. Valid values are \"string\", \"boolean\", \"decimal\", \"integer\", \"dateTime\", \"reference\", and \"complex\".",
    },
    Rule {
        id: "R7644-4-spc-truthful",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "What /ServiceProviderConfig advertises is served (sorting advertised: sortBy is honoured)",
        source: "RFC 7644 §4 (MUST*: normative, without a 2119 keyword)",
        quote: "/ServiceProviderConfig An HTTP GET to this endpoint will return a JSON structure that describes the SCIM specification features available on a service provider.",
    },
];
