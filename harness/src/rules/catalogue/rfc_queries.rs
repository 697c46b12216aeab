//! Flow rules of RFC 7644 on queries: paging, filters on multi-valued and quoted values,
//! sorting, attribute selection, POST /.search (the checklist's sections F to J), with the
//! checklist's ids.

use crate::rules::Kind::Flow;
use crate::rules::Level::Must;
use crate::rules::Rule;
use crate::scenario::Profile::Rfc;

/// The rules.
pub(super) const RFC_QUERIES: &[Rule] = &[
    Rule {
        id: "R7644-3.4.2-paging-fields",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A page of a longer result carries startIndex and itemsPerPage",
        source: "RFC 7644 §3.4.2",
        quote: "startIndex The 1-based index of the first result in the current set of list results. REQUIRED when partial results are returned due to pagination. itemsPerPage The number of resources returned in a list response page. REQUIRED when partial results are returned due to pagination.",
    },
    Rule {
        id: "R7644-3.4.2.2-multivalued-any",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A filter on a multi-valued attribute matches when any of its values does",
        source: "RFC 7644 §3.4.2.2 (MUST*: normative, without a 2119 keyword)",
        quote: "If the specified attribute in a filter expression is a multi-valued attribute, the filter matches if any of the values of the specified attribute match the specified criterion",
    },
    Rule {
        id: "R7644-3.4.2.2-quoting",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A filter's string is a JSON string: escaped quotes, and words such as `or` inside it, are data",
        source: "RFC 7644 §3.4.2.2 (MUST*: normative, without a 2119 keyword)",
        quote: "the \"compValue\" (comparison value) rule is built on JSON Data Interchange format ABNF rules as specified in [RFC7159]",
    },
    Rule {
        id: "R7644-3.4.2.3-default-ascending",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "sortBy without sortOrder sorts ascending",
        source: "RFC 7644 §3.4.2.3",
        quote: "If a value for \"sortBy\" is provided and no \"sortOrder\" is specified, \"sortOrder\" SHALL default to ascending.",
    },
    Rule {
        id: "R7644-3.4.2.3-descending",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "sortOrder=descending sorts descending",
        source: "RFC 7644 §3.4.2.3 (MUST*: normative, without a 2119 keyword)",
        quote: "sortOrder The order in which the \"sortBy\" parameter is applied. Allowed values are \"ascending\" and \"descending\".",
    },
    Rule {
        id: "R7644-3.4.2.3-case",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "An attribute whose caseExact is false (userName) sorts without regard to case",
        source: "RFC 7644 §3.4.2.3",
        quote: "\"sortOrder\" MUST sort according to the attribute type; i.e., for case-insensitive attributes, sort the result using case-insensitive Unicode alphabetic sort order with no specific locale implied",
    },
    Rule {
        id: "R7644-3.4.2.5-excluded-always",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "excludedAttributes does not remove an attribute returned always (id)",
        source: "RFC 7644 §3.4.2.5",
        quote: "This parameter SHALL have no effect on attributes whose schema \"returned\" setting is \"always\"",
    },
    Rule {
        id: "R7644-3.9-write-responses",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "A PATCH with `attributes` answers 200 with the attributes asked for",
        source: "RFC 7644 §3.5.2, §3.9 (a create's answer is not judged: §3.9 only says clients MAY ask)",
        quote: "Clients MAY request a partial resource representation on any operation that returns a resource within the response ... The server MUST return a 200 OK if the \"attributes\" parameter is specified in the request.",
    },
    Rule {
        id: "R7644-3.10-attribute-notation",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "Attribute names may be URN-qualified and are case insensitive, sub-attributes by dot",
        source: "RFC 7644 §3.10 (MUST*: normative, without a 2119 keyword)",
        quote: "Complex attributes' sub-attributes are referenced via nested dot ('.') notation, i.e., {urn}:{Attribute name}.{Sub-Attribute name}. ... All facets (URN, attribute, and sub-attribute name) of the fully encoded attribute name are case insensitive.",
    },
    Rule {
        id: "R7644-3.4.3-search-type",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "POST /.search with a SearchRequest is a query, answered as GET would answer it",
        source: "RFC 7644 §3.4.3 (when the server offers it)",
        quote: "The inclusion of \"/.search\" on the end of a valid SCIM endpoint SHALL be used to indicate that the HTTP POST verb is intended to be a query operation.",
    },
    Rule {
        id: "R7644-3.4.3-search-errors",
        level: Must,
        profile: Rfc,
        kind: Flow,
        title: "An invalid filter in a search answers 400 invalidFilter, as in a GET",
        source: "RFC 7644 §3.12 (Table 9) (MUST*: normative, without a 2119 keyword)",
        quote: "invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1), or the specified attribute and filter comparison combination is not supported. [applies to POST (Search - Section 3.4.3)]",
    },
];
