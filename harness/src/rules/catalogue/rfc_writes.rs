//! Flow rules of RFC 7644 on replacing, modifying and deleting resources (the checklist's
//! sections K, L and M) and on filter operators (section F), with the checklist's ids.

use crate::rules::Kind::Flow;
use crate::rules::Level::Must;
use crate::rules::Rule;
use crate::scenario::Profile::Rfc;

/// The rules.
pub(super) const RFC_WRITES: &[Rule] = &[
    Rule {
        id: "R7644-3.4.2.2-ne",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "`ne` returns the resources whose value differs",
        source: "RFC 7644 §3.4.2.2",
        quote: "ne not equal: The attribute and operator values are not identical.",
    },
    Rule {
        id: "R7644-3.4.2.2-ordering",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "`gt`, `ge`, `lt` and `le` compare strings lexicographically",
        source: "RFC 7644 §3.4.2.2",
        quote: "gt greater than: If the attribute value is greater than the operator value, there is a match. The actual comparison is dependent on the attribute type. For string attribute types, this is a lexicographical comparison",
    },
    Rule {
        id: "R7644-3.4.2.2-ordering-bool-binary",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "`gt`, `ge`, `lt` and `le` on a boolean answer 400 invalidFilter",
        source: "RFC 7644 §3.4.2.2",
        quote: "Boolean and Binary attributes SHALL cause a failed response (HTTP status code 400) with \"scimType\" of \"invalidFilter\".",
    },
    Rule {
        id: "R7644-3.5.1-put-200",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A successful PUT answers 200 with the whole resource",
        source: "RFC 7644 §3.5.1",
        quote: "Unless otherwise specified, a successful PUT operation returns a 200 OK response code and the entire resource within the response body",
    },
    Rule {
        id: "R7644-3.5.1-no-create",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "PUT never creates a resource: an unknown id answers 404",
        source: "RFC 7644 §3.5.1",
        quote: "Because SCIM resource identifiers are assigned by the service provider, HTTP PUT MUST NOT be used to create new resources.",
    },
    Rule {
        id: "R7644-3.5.2-envelope",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A PATCH with no operations, an operation other than add, remove or replace, or an add without a value is refused with 400",
        source: "RFC 7644 §3.5.2, §3.5.2.1",
        quote: "The body of an HTTP PATCH request MUST contain the attribute \"Operations\", whose value is an array of one or more PATCH operations. Each PATCH operation object MUST have exactly one \"op\" member, whose value indicates the operation to perform and MAY be one of \"add\", \"remove\", or \"replace\". ... [add] The operation MUST contain a \"value\" member",
    },
    Rule {
        id: "R7644-3.5.2.2-remove-no-path",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "`remove` without a path answers 400 noTarget",
        source: "RFC 7644 §3.5.2.2",
        quote: "If \"path\" is unspecified, the operation fails with HTTP status code 400 and a \"scimType\" error code of \"noTarget\".",
    },
    Rule {
        id: "R7644-3.5.2.3-replace-valuePath-nomatch",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "`replace` through a value filter that matches nothing answers 400 noTarget",
        source: "RFC 7644 §3.5.2.3",
        quote: "If the target location is a multi-valued attribute for which a value selection filter (\"valuePath\") has been supplied and no record match was made, the service provider SHALL indicate failure by returning HTTP status code 400 and a \"scimType\" error code of \"noTarget\".",
    },
    Rule {
        id: "R7644-3.6-gone-everywhere",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A deleted resource answers 404 to GET, PUT, PATCH and DELETE",
        source: "RFC 7644 §3.6",
        quote: "Service providers MAY choose not to permanently delete the resource, but MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.",
    },
    Rule {
        id: "R7644-3.6-omitted-from-queries",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A deleted resource leaves query results",
        source: "RFC 7644 §3.6",
        quote: "Service providers MUST omit the resource from future query results.",
    },
];
