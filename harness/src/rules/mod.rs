//! The rule catalogue: every check the harness makes, with a stable id, a level, a profile, a
//! title and the text it comes from.
//!
//! - **Exchange rules** run on every response the harness sees (`rules::exchange`).
//! - **Flow rules** are asserted by scenario steps (`expect: {rule: ...}`).
//!
//! RFC rules use the ids of `docs/rfc-checklist.md`; Okta and Fivetran rules read like
//! `okta.deactivate.user-stays-readable`. Ids are never reused. Where the RFC contradicts itself
//! (the checklist's Appendix B), no rule fails a server.

pub mod exchange;

use std::fmt;

use serde::Serialize;

use crate::scenario::Profile;

/// How binding a rule is: a failed MUST fails the run; SHOULD is a warning; MAY is
/// information.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// Required.
    Must,
    /// Recommended.
    Should,
    /// Optional.
    May,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        })
    }
}

/// When a rule is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// On every response.
    Exchange,
    /// By scenario steps that name it.
    Flow,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Kind::Exchange => "exchange",
            Kind::Flow => "flow",
        })
    }
}

/// One rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id.
    pub id: &'static str,
    /// MUST, SHOULD or MAY.
    pub level: Level,
    /// `rfc`, `okta` or `fivetran`.
    pub profile: Profile,
    /// What must hold.
    pub title: &'static str,
    /// Where it comes from: an RFC section, an Okta document, the guide.
    pub source: &'static str,
    /// The text it comes from (a short quote or close paraphrase).
    pub quote: &'static str,
    /// Exchange or flow.
    pub kind: Kind,
}

impl Rule {
    /// `source: "quote"`, for reports.
    pub fn citation(&self) -> String {
        format!("{}: \"{}\"", self.source, self.quote)
    }
}

const fn rule(
    id: &'static str,
    level: Level,
    profile: Profile,
    kind: Kind,
    title: &'static str,
    source: &'static str,
    quote: &'static str,
) -> Rule {
    Rule {
        id,
        level,
        profile,
        title,
        source,
        quote,
        kind,
    }
}

use Kind::{Exchange as X, Flow as F};
use Level::{Must, Should};
use Profile::{Fivetran, Okta, Rfc};

const GUIDE: &str = "Fivetran SCIM Configuration Guide for Okta";

/// Every rule, exchange rules first.
pub static CATALOGUE: &[Rule] = &[
    // ---- Exchange rules: every response.
    rule(
        "R7644-3.12-error-envelope",
        Must,
        Rfc,
        X,
        "Error responses (other than 429, which gateways often send bare) carry a top-level SCIM Error JSON body",
        "RFC 7644 §3.12 (a SHOULD there; a MUST here because Okta shows the error's `detail` in its task messages, okta-wire §3)",
        "When returning HTTP error status codes, the server SHOULD return a JSON body ... \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:Error\"]",
    ),
    rule(
        "R7644-3.12-status-string",
        Must,
        Rfc,
        X,
        "An error's `status` is the HTTP status code as a JSON string",
        "RFC 7644 §3.12",
        "status: The HTTP status code (see Section 6 of [RFC7231]) expressed as a JSON string. REQUIRED.",
    ),
    rule(
        "R7644-3.12-scimType-values",
        Should,
        Rfc,
        X,
        "An error's `scimType` is one of the RFC's keywords",
        "RFC 7644 §3.12, Table 9",
        "scimType: A SCIM detail error keyword. See Table 9.",
    ),
    rule(
        "R7644-3.12-client-errors-not-5xx",
        Should,
        Rfc,
        X,
        "The server answers without 5xx errors",
        "RFC 7644 §3.12, Table 8",
        "500 (Internal Server Error): An internal error.",
    ),
    rule(
        "R7644-8.1-response-media-type",
        Should,
        Rfc,
        X,
        "Responses with a body are labelled application/scim+json",
        "RFC 7644 §8.1",
        "The \"application/scim+json\" media type identifies SCIM protocol messages",
    ),
    rule(
        "R7644-3.4.2-list-envelope",
        Must,
        Rfc,
        X,
        "Query responses are ListResponses with an integer totalResults and a `Resources` array",
        "RFC 7644 §3.4.2",
        "totalResults: The total number of results returned by the list or query operation. REQUIRED. Resources: A multi-valued list of complex objects containing the requested resources. REQUIRED if \"totalResults\" is non-zero.",
    ),
    rule(
        "okta.list.integer-counts",
        Must,
        Okta,
        X,
        "totalResults, startIndex and itemsPerPage are JSON integers",
        "Okta SCIM 2.0 reference",
        "itemsPerPage, startIndex and totalResults need to be exchanged as integers, not as strings",
    ),
    rule(
        "R7644-3.3-create-201",
        Must,
        Rfc,
        X,
        "A successful create answers 201 Created",
        "RFC 7644 §3.3",
        "When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP status code 201 (Created).",
    ),
    rule(
        "R7644-3.3-create-location",
        Must,
        Rfc,
        X,
        "A 201 carries a Location header equal to meta.location",
        "RFC 7644 §3.3",
        "the response body SHOULD contain the service provider's representation of the newly created resource. The URI of the created resource SHALL include, in the HTTP \"Location\" header and the HTTP body, a JSON representation with the attribute \"meta.location\".",
    ),
    rule(
        "okta.create.returns-user",
        Must,
        Okta,
        X,
        "Creating a user returns the user with its id",
        "Okta SCIM 2.0 reference",
        "Create new user returned empty user.",
    ),
    rule(
        "R7643-3.1-id-present-stable",
        Must,
        Rfc,
        X,
        "Every resource has a non-empty string `id`",
        "RFC 7643 §3.1",
        "id: A unique identifier for a SCIM resource as defined by the service provider. ... REQUIRED.",
    ),
    rule(
        "R7643-3.1-meta-complete",
        Must,
        Rfc,
        X,
        "Resources carry meta with resourceType, created, lastModified and location",
        "RFC 7643 §3.1",
        "meta: A complex attribute containing resource metadata. ... resourceType, created, lastModified, location",
    ),
    rule(
        "R7643-7-never-returned",
        Must,
        Rfc,
        X,
        "`password` is never returned",
        "RFC 7643 §7, §4.1.1",
        "never: The attribute is never returned. ... password ... This attribute MUST NOT be returned",
    ),
    rule(
        "R7643-2.4-multivalued",
        Must,
        Rfc,
        X,
        "Multi-valued attributes are arrays, with at most one primary value",
        "RFC 7643 §2.4",
        "The primary attribute value \"true\" MUST appear no more than once.",
    ),
    rule(
        "R7644-3.14-meta-version",
        Should,
        Rfc,
        X,
        "When both are sent, meta.version equals the ETag header",
        "RFC 7643 §3.1",
        "version: The version of the resource being returned. This value must be the same as the entity-tag (ETag) HTTP response header",
    ),
    rule(
        "R7644-3.5.2-success-codes",
        Must,
        Rfc,
        X,
        "A successful PATCH answers 200 or 204",
        "RFC 7644 §3.5.2",
        "the server either MUST return a 200 OK response code and the entire resource within the response body ... or MAY return HTTP status code 204 (No Content)",
    ),
    rule(
        "R7644-3.6-delete-204",
        Must,
        Rfc,
        X,
        "A successful DELETE answers 204 No Content",
        "RFC 7644 §3.6",
        "In response to a successful DELETE, the server SHALL return a successful HTTP status code 204 (No Content).",
    ),
    rule(
        "okta.user.core-fields",
        Should,
        Okta,
        X,
        "Users carry id, userName, name.givenName, name.familyName, active and emails[0].value",
        "Okta SCIM 2.0 SPEC test",
        "Resources[0].id, .name.familyName, .name.givenName, .userName, .active and .emails[0].value are not empty",
    ),
    // ---- Flow rules: Okta's flows.
    rule(
        "okta.test-credentials.list",
        Must,
        Okta,
        F,
        "Test API Credentials (GET /Users?startIndex=1&count=2) answers 200 with a ListResponse",
        "Okta SCIM 2.0 reference; okta-wire §2a",
        "Click Test API Credentials to verify that the Okta application can connect",
    ),
    rule(
        "okta.assign.creates-user",
        Must,
        Okta,
        F,
        "Assigning a new user creates it: the userName lookup finds nothing, the POST answers 201",
        GUIDE,
        "We automatically create a new user in your Fivetran account when you add your company users on the Assignments tab in Okta.",
    ),
    rule(
        "okta.assign.links-existing",
        Must,
        Okta,
        F,
        "Assigning a user that exists links it (found by userName eq) instead of creating a duplicate",
        GUIDE,
        "Okta doesn't create a new account if it detects that the username specified in Okta already exists in your application.",
    ),
    rule(
        "okta.provision-user",
        Must,
        Okta,
        F,
        "Provision User provisions an assignment made before provisioning was enabled",
        GUIDE,
        "You need to manually provision these users by clicking Provision User on the Assignments tab of your Okta application.",
    ),
    rule(
        "okta.filter.username-eq",
        Must,
        Okta,
        F,
        "`userName eq` finds exactly the user, ignoring case",
        "Okta SCIM 2.0 reference; RFC 7643 §4.1.1",
        "Okta checks that the user exists ... GET /Users?filter=userName eq \"test.user@okta.local\"&startIndex=1&count=100",
    ),
    rule(
        "okta.import.pages",
        Must,
        Okta,
        F,
        "Import reads every user, 100 at a time, with correct totalResults and startIndex",
        "Okta SCIM 2.0 reference",
        "If the value of totalResults is higher than 100, then after Okta finishes retrieving the first 100 resources, the startIndex becomes startIndex+100",
    ),
    rule(
        "okta.deactivate.user-stays-readable",
        Must,
        Okta,
        F,
        "A deactivated user is still returned by GET with active false",
        "Okta SCIM 2.0 CRUD test",
        "GET /Users/{{scim_id}} expects 200, active == false",
    ),
    rule(
        "okta.reactivate.same-id",
        Must,
        Okta,
        F,
        "Reactivation keeps the user's id and sets active true",
        "Okta SCIM 2.0 CRUD test",
        "GET /Users/{{scim_id}} expects 200, active == true on the same id",
    ),
    rule(
        "okta.group.push-creates",
        Must,
        Okta,
        F,
        "Group Push creates the group with its name",
        GUIDE,
        "Group Push - Okta creates, updates, or deletes teams in Fivetran",
    ),
    rule(
        "okta.group.membership-visible",
        Must,
        Okta,
        F,
        "Group Push membership changes are visible in the group",
        GUIDE,
        "Group Push - Okta creates, updates, or deletes teams in Fivetran",
    ),
    rule(
        "okta.group.rename",
        Must,
        Okta,
        F,
        "Renaming a pushed group renames it in the app",
        GUIDE,
        "Group Push - Okta creates, updates, or deletes teams in Fivetran",
    ),
    rule(
        "okta.group.delete-keeps-users",
        Must,
        Okta,
        F,
        "Deleting a pushed group leaves its users",
        "Okta OIN test plan (C9318, C9327)",
        "Deleting a group never deletes user accounts",
    ),
    // ---- Flow rules: the Fivetran guide.
    rule(
        "fivetran.update.names-and-role",
        Must,
        Fivetran,
        F,
        "Updates of the first name, last name and Role round-trip",
        GUIDE,
        "Update user attributes - Okta updates the First Name, Last Name, and Role attributes in Fivetran",
    ),
    rule(
        "fivetran.update.only-names-and-role",
        Must,
        Fivetran,
        F,
        "Other attributes (the email, the userName) cannot be updated",
        GUIDE,
        "Fivetran only allows you to update the \"Family name\", \"Given name\", and \"Role\" fields.",
    ),
    rule(
        "fivetran.deactivate.soft-delete",
        Must,
        Fivetran,
        F,
        "Deactivation is a soft delete: the user stays, listed and found, with active false",
        GUIDE,
        "Deactivate users - Okta soft deletes users in Fivetran",
    ),
    rule(
        "fivetran.role.account-level-only",
        Must,
        Fivetran,
        F,
        "Destination- and connector-level roles are refused",
        GUIDE,
        "Destination-level or connector-level roles are not supported in the Fivetran SCIM API.",
    ),
    rule(
        "fivetran.role.known-only",
        Must,
        Fivetran,
        F,
        "A Role must be a standard account role or an existing custom role",
        GUIDE,
        "The name must exactly match the name of the relevant standard user role in Fivetran RBAC model or an existing custom user role in your account.",
    ),
    rule(
        "fivetran.plan.enterprise-only",
        Must,
        Fivetran,
        F,
        "SCIM is refused on plans other than Enterprise and Business Critical",
        GUIDE,
        "You must have an Enterprise or Business Critical plan to use Fivetran SCIM for OKTA.",
    ),
    rule(
        "fivetran.team.delete-keeps-users",
        Must,
        Fivetran,
        F,
        "Deleting a team leaves its users",
        GUIDE,
        "Group Push - Okta creates, updates, or deletes teams in Fivetran",
    ),
    // ---- Flow rules: RFC 7643/7644.
    rule(
        "R7644-2-unauthenticated",
        Must,
        Rfc,
        F,
        "Missing or invalid credentials get 401 with WWW-Authenticate and a SCIM error",
        "RFC 7644 §2, §3.12",
        "the service provider ... SHALL indicate supported HTTP authentication schemes via the \"WWW-Authenticate\" header",
    ),
    rule(
        "R7644-3.3-create-409",
        Must,
        Rfc,
        F,
        "Creating a duplicate userName (in any case) answers 409 with scimType uniqueness",
        "RFC 7644 §3.3",
        "If the service provider determines that the creation of the requested resource conflicts with existing resources (e.g., a \"User\" resource with a duplicate \"userName\"), the service provider MUST return HTTP status code 409 (Conflict) with a \"scimType\" error code of \"uniqueness\"",
    ),
    rule(
        "R7644-3.4.1-get-404",
        Must,
        Rfc,
        F,
        "An unknown id answers 404 with a SCIM error",
        "RFC 7644 §3.4.1, §3.12",
        "404 (Not Found): Specified resource (e.g., User) or endpoint does not exist.",
    ),
    rule(
        "R7643-7-caseExact-false",
        Must,
        Rfc,
        F,
        "caseExact:false attributes (userName, emails.value, displayName) compare case-insensitively in filters",
        "RFC 7643 §7; RFC 7644 §3.4.2.2",
        "caseExact ... If false, the attribute value is case insensitive",
    ),
    rule(
        "R7643-7-caseExact-true",
        Must,
        Rfc,
        F,
        "caseExact:true attributes (id, externalId) compare case-sensitively",
        "RFC 7643 §7, §3.1",
        "externalId ... This attribute has \"caseExact\" as \"true\"",
    ),
    rule(
        "R7644-3.4.2.2-eq",
        Must,
        Rfc,
        F,
        "`eq` returns exactly the matching resources",
        "RFC 7644 §3.4.2.2",
        "eq equal: The attribute and operator values must be identical for a match.",
    ),
    rule(
        "R7644-3.4.2.2-co-sw-ew",
        Must,
        Rfc,
        F,
        "`co`, `sw` and `ew` match substrings, prefixes and suffixes",
        "RFC 7644 §3.4.2.2",
        "sw starts with: The entire operator value must be a substring of the attribute value, starting at the beginning of the attribute value.",
    ),
    rule(
        "R7644-3.4.2.2-pr",
        Must,
        Rfc,
        F,
        "`pr` matches resources that have a non-empty value",
        "RFC 7644 §3.4.2.2",
        "pr present (has value): If the attribute has a non-empty value, or if it contains a non-empty node for complex attributes, there is a match.",
    ),
    rule(
        "R7644-3.4.2.2-precedence",
        Must,
        Rfc,
        F,
        "`and` binds tighter than `or`; parentheses override",
        "RFC 7644 §3.4.2.2",
        "Filters MUST be evaluated using the following order of operations, in order of precedence: 1. Grouping operators 2. Logical operators - where \"not\" takes precedence over \"and\", which takes precedence over \"or\"",
    ),
    rule(
        "R7644-3.4.2.2-logical",
        Must,
        Rfc,
        F,
        "`and`, `or` and `not` combine filters",
        "RFC 7644 §3.4.2.2, Table 4",
        "not: The filter is a match if the expression evaluates to false.",
    ),
    rule(
        "R7644-3.4.2.2-case-insensitive-grammar",
        Must,
        Rfc,
        F,
        "Attribute names and operators are case-insensitive",
        "RFC 7644 §3.4.2.2",
        "Attribute names and attribute operators used in filters are case insensitive.",
    ),
    rule(
        "R7644-3.4.2.2-valuePath",
        Must,
        Rfc,
        F,
        "A value filter (`emails[type eq \"work\"]`) applies all its conditions to one value",
        "RFC 7644 §3.4.2.2",
        "Filters can be applied to a specific multi-valued attribute ... valuePath = attrPath \"[\" valFilter \"]\"",
    ),
    rule(
        "R7644-3.4.2.2-attrpath-forms",
        Must,
        Rfc,
        F,
        "Sub-attributes and URN-qualified attribute paths work in filters",
        "RFC 7644 §3.10",
        "Clients MAY use the fully qualified attribute name (e.g., \"urn:ietf:params:scim:schemas:core:2.0:User:userName\")",
    ),
    rule(
        "R7644-3.4.2.2-invalid",
        Must,
        Rfc,
        F,
        "A malformed filter or an unknown operator answers 400 invalidFilter",
        "RFC 7644 §3.4.2.2, §3.12",
        "invalidFilter: The specified filter syntax was invalid ... or the specified attribute and filter comparison combination is not supported.",
    ),
    rule(
        "R7644-3.4.2.2-not-ignored",
        Must,
        Rfc,
        F,
        "A filter is never ignored: a filter matching nothing returns nothing",
        "RFC 7644 §3.4.2.2",
        "Only the resources matching the filter are returned",
    ),
    rule(
        "R7644-3.4.2-empty-200",
        Must,
        Rfc,
        F,
        "A query with no match answers 200 with totalResults 0",
        "RFC 7644 §3.4.2",
        "A query that does not return any matches SHALL return success (HTTP status code 200) with \"totalResults\" set to a value of 0.",
    ),
    rule(
        "R7644-3.4.2-totalResults-total",
        Must,
        Rfc,
        F,
        "totalResults counts every match, not the page",
        "RFC 7644 §3.4.2",
        "totalResults: The total number of results returned by the list or query operation.",
    ),
    rule(
        "R7644-3.4.2-itemsPerPage",
        Should,
        Rfc,
        F,
        "itemsPerPage is the number of resources in the page",
        "RFC 7644 §3.4.2 (the RFC's own example disagrees, so this only warns)",
        "itemsPerPage: The number of resources returned in a list response page.",
    ),
    rule(
        "R7644-3.4.2.4-one-based",
        Must,
        Rfc,
        F,
        "startIndex is 1-based and pages are disjoint",
        "RFC 7644 §3.4.2.4",
        "startIndex: The 1-based index of the first query result.",
    ),
    rule(
        "R7644-3.4.2.4-startIndex-lt1",
        Must,
        Rfc,
        F,
        "A startIndex below 1 is read as 1",
        "RFC 7644 §3.4.2.4",
        "A value less than 1 SHALL be interpreted as 1.",
    ),
    rule(
        "R7644-3.4.2.4-count-zero",
        Must,
        Rfc,
        F,
        "count=0 returns no resources but the full totalResults",
        "RFC 7644 §3.4.2.4",
        "A value of \"0\" indicates that no resource results are to be returned except for \"totalResults\".",
    ),
    rule(
        "R7644-3.4.2.4-count-negative",
        Must,
        Rfc,
        F,
        "A negative count is read as 0",
        "RFC 7644 §3.4.2.4",
        "A negative value SHALL be interpreted as \"0\".",
    ),
    rule(
        "R7644-3.4.2.4-count-max",
        Must,
        Rfc,
        F,
        "No page holds more than `count` resources",
        "RFC 7644 §3.4.2.4",
        "count: Non-negative integer. Specifies the desired maximum number of query results per page",
    ),
    rule(
        "R7644-3.4.2.4-beyond-end",
        Must,
        Rfc,
        F,
        "A startIndex past the end is an empty page, not an error",
        "RFC 7644 §3.4.2.4",
        "startIndex: The 1-based index of the first query result.",
    ),
    rule(
        "R7644-3.4.2.5-attributes",
        Must,
        Rfc,
        F,
        "`attributes` returns only the named attributes and the always-returned ones",
        "RFC 7644 §3.4.2.5",
        "attributes: A multi-valued list of strings indicating the names of resource attributes to return in the response, overriding the set of attributes that would be returned by default.",
    ),
    rule(
        "R7644-3.4.2.5-excludedAttributes",
        Must,
        Rfc,
        F,
        "`excludedAttributes` removes the named attributes from the default set",
        "RFC 7644 §3.4.2.5",
        "excludedAttributes: A multi-valued list of strings indicating the names of resource attributes to be removed from the default set of attributes to return.",
    ),
    rule(
        "R7643-7-returned-always",
        Must,
        Rfc,
        F,
        "`id` is returned whatever attributes or excludedAttributes say",
        "RFC 7643 §7",
        "always: The attribute is always returned, regardless of the contents of the \"attributes\" parameter.",
    ),
    rule(
        "R7644-3.14-etag-changes",
        Must,
        Rfc,
        F,
        "The ETag stays across reads and changes when the resource changes",
        "RFC 7644 §3.14; RFC 7232 §2.3",
        "An entity-tag is an opaque validator for differentiating between multiple representations of the same resource",
    ),
    rule(
        "R7644-3.14-if-none-match",
        Must,
        Rfc,
        F,
        "GET with a current If-None-Match answers 304",
        "RFC 7644 §3.14; RFC 7232 §3.2",
        "If-None-Match ... the origin server MUST NOT perform the requested method ... respond with the 304 (Not Modified) status code",
    ),
    rule(
        "R7644-3.14-if-match-write",
        Must,
        Rfc,
        F,
        "PUT or PATCH with a stale If-Match answers 412 and changes nothing",
        "RFC 7644 §3.14, §3.12",
        "412 (Precondition Failed): Failed to update. Resource has changed on the server.",
    ),
    rule(
        "R7644-4-spc",
        Must,
        Rfc,
        F,
        "/ServiceProviderConfig returns one object with its schema and the required members",
        "RFC 7644 §4; RFC 7643 §5",
        "An HTTP GET to this endpoint will return a JSON structure that describes the SCIM specification features available on a service provider.",
    ),
    rule(
        "R7644-4-schemas",
        Must,
        Rfc,
        F,
        "/Schemas lists the supported schemas, and /Schemas/{id} returns one",
        "RFC 7644 §4",
        "An HTTP GET to this endpoint is used to retrieve information about resource schemas supported by a SCIM service provider.",
    ),
    rule(
        "R7644-4-resourcetypes",
        Must,
        Rfc,
        F,
        "/ResourceTypes lists User and Group with their endpoints",
        "RFC 7644 §4",
        "An HTTP GET to this endpoint is used to discover the types of resources available on a SCIM service provider (e.g., Users and Groups).",
    ),
    rule(
        "R7644-3.5.2.3-replace-no-path",
        Must,
        Rfc,
        F,
        "`replace` without a path replaces the attributes in its value (Okta's deactivation)",
        "RFC 7644 §3.5.2.3",
        "If the \"path\" parameter is omitted, the target is assumed to be the resource itself. In this case, the \"value\" attribute SHALL contain a list of one or more attributes that are to be replaced.",
    ),
    rule(
        "R7644-3.5.2.2-remove-valuePath",
        Must,
        Rfc,
        F,
        "`remove` with a value filter removes only the matching values (Okta's member removal)",
        "RFC 7644 §3.5.2.2",
        "If the target location is a multi-valued attribute and a complex filter is specified comparing a \"value\", the values matched by the filter are removed.",
    ),
];

/// A rule by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    CATALOGUE.iter().find(|r| r.id == id)
}

/// The id nearest to `id` (for "did you mean"), if one is close enough.
pub fn nearest(id: &str) -> Option<&'static str> {
    crate::scenario::nearest(id, CATALOGUE.iter().map(|r| r.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for r in CATALOGUE {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            let prefix_ok = match r.profile {
                Profile::Rfc => r.id.starts_with("R7643-") || r.id.starts_with("R7644-"),
                Profile::Okta => r.id.starts_with("okta."),
                Profile::Fivetran => r.id.starts_with("fivetran."),
            };
            assert!(prefix_ok, "{} does not fit its profile", r.id);
            assert!(!r.quote.is_empty() && !r.title.is_empty());
        }
    }
}
