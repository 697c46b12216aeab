//! Flow rules of RFC 7644 on Bulk (the checklist's section Q), with the checklist's ids.
//! Judged when the server advertises Bulk (the reference server does; `--no-bulk` turns it
//! off, and then `/Bulk` answers 501).

use crate::rules::Kind::Flow;
use crate::rules::Level::Must;
use crate::rules::Rule;
use crate::scenario::Profile::Rfc;

/// The rules.
pub(super) const RFC_BULK: &[Rule] = &[
    Rule {
        id: "R7644-3.7-bulk-response",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A processed BulkRequest answers 200 with a BulkResponse: each result its method, status and location, a POST's bulkId echoed",
        source: "RFC 7644 §3.7, §3.7.3 (when the server advertises Bulk)",
        quote: "If a bulk job is processed successfully, HTTP response code 200 OK MUST be returned ... A \"location\" attribute that includes the resource's endpoint MUST be returned for all operations except for failed POST operations (which have no location).",
    },
    Rule {
        id: "R7644-3.7.2-bulkId",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "`bulkId:<id>` in a later operation is replaced by the id the POST created",
        source: "RFC 7644 §3.7.2",
        quote: "The \"bulkId\" attribute value must be prepended with the literal \"bulkId:\"; e.g., if the bulkId is 'qwerty', the value is \"bulkId:qwerty\". The service provider MUST replace the string \"bulkId:qwerty\" with the permanent resource id once created.",
    },
    Rule {
        id: "R7644-3.7.3-errors",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A failed operation carries its SCIM error and the rest go on, until failOnErrors errors",
        source: "RFC 7644 §3.7",
        quote: "The service provider MUST continue performing as many changes as possible and disregard partial failures. The client MAY override this behavior by specifying a value for the \"failOnErrors\" attribute.",
    },
    Rule {
        id: "R7644-3.7.4-limits",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A BulkRequest over maxOperations or maxPayloadSize answers 413, naming the limit",
        source: "RFC 7644 §3.7.4",
        quote: "If either limit is exceeded, the service provider MUST return HTTP response code 413 (Payload Too Large). The returned response MUST specify the limit exceeded in the body of the error response.",
    },
    Rule {
        id: "R7644-3.7.1-circular",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "Operations that name each other by bulkId are resolved, or given up on with 409",
        source: "RFC 7644 §3.7.1",
        quote: "The service provider MUST try to resolve circular cross-references between resources in a single bulk job but MAY stop after a failed attempt and instead return HTTP status code 409 (Conflict).",
    },
];
