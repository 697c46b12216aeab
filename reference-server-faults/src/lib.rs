//! # reference-server-faults
//!
//! Deliberate faults, so that the harness's tests can prove each of its rules can fail.
//!
//! A fault rewrites requests or responses around the real server, the way a broken SCIM
//! implementation would behave (a case-sensitive userName filter, a missing `Location`, a 404
//! after deactivation...). It is a layer around [`reference_server::app`]: the server itself
//! knows nothing of faults, and this crate is only ever a dev-dependency, so no release build
//! of the server contains it. Each fault names the harness rule it breaks; the harness's
//! `rules_can_fail` test holds the mapping.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use reference_server_faults::{Fault, spawn};
//!
//! let config = reference_server::Config {
//!     listen: "127.0.0.1:0".parse().unwrap(),
//!     ..reference_server::Config::default()
//! };
//! let broken = spawn(&config, &[Fault::NoLocation]).await?;
//! # Ok(()) }
//! ```
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use axum::Router;
use axum::middleware::from_fn_with_state;
use reference_server::{AppState, Config, Running};

/// One way of being broken. Each names the rule it breaks in the harness's catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Error bodies with `status` as a number (R7644-3.12-status-string).
    ErrorStatusAsNumber,
    /// Error bodies that are not SCIM errors (R7644-3.12-error-envelope).
    ErrorBodyNotScim,
    /// `scimType: "null"` (R7644-3.12-scimType-values).
    ErrorScimTypeNull,
    /// Responses labelled `application/json` (R7644-8.1-response-media-type).
    JsonMediaType,
    /// ListResponses with `resources` in lower case (R7644-3.4.2-list-envelope).
    LowercaseResources,
    /// ListResponse counts as strings (okta.list.integer-counts).
    CountsAsStrings,
    /// Creates answer 200 (R7644-3.3-create-201).
    CreateAnswers200,
    /// No `Location` on 201 (R7644-3.3-create-location).
    NoLocation,
    /// Creating a user answers 201 with an empty body (okta.create.returns-user).
    EmptyCreateBody,
    /// Resources without `id` (R7643-3.1-id-present-stable).
    NoId,
    /// Resources without `meta` (R7643-3.1-meta-complete).
    NoMeta,
    /// Users returned with a `password` (R7643-7-never-returned).
    ReturnsPassword,
    /// `emails` as an object (R7643-2.4-multivalued).
    EmailsNotArray,
    /// `meta.version` differing from the `ETag` (R7644-3.14-meta-version).
    VersionMismatch,
    /// Successful PATCHes answer 202 (R7644-3.5.2-success-codes).
    PatchAnswers202,
    /// Successful DELETEs answer 200 (R7644-3.6-delete-204).
    DeleteAnswers200,
    /// 500 for any 400 (R7644-3.12-client-errors-not-5xx, R7644-3.4.2.2-invalid).
    ClientErrorsAs500,
    /// Users without `name` (okta.user.core-fields).
    NoNames,
    /// `userName eq` compares case-sensitively (okta.filter.username-eq, R7643-7-caseExact-false).
    CaseSensitiveUserName,
    /// `externalId eq` compares case-insensitively (R7643-7-caseExact-true).
    CaseInsensitiveExternalId,
    /// A duplicate userName answers 400 instead of 409 (R7644-3.3-create-409).
    ConflictAs400,
    /// A deactivated user answers 404 and leaves lists (okta.deactivate.user-stays-readable,
    /// fivetran.deactivate.soft-delete).
    HideInactiveUsers,
    /// Reactivation is ignored (okta.reactivate.same-id).
    IgnoreReactivation,
    /// The `filter` parameter is ignored (R7644-3.4.2.2-not-ignored and every filter rule).
    IgnoreFilter,
    /// `a and b or c` is read as `a and (b or c)` (R7644-3.4.2.2-precedence).
    OrBindsTighter,
    /// Upper-case operators and keywords are refused (R7644-3.4.2.2-case-insensitive-grammar).
    CaseSensitiveOperators,
    /// `co`, `sw` and `ew` behave like `eq` (R7644-3.4.2.2-co-sw-ew).
    SubstringAsEq,
    /// `pr` matches everything (R7644-3.4.2.2-pr).
    PresentMatchesAll,
    /// `not (...)` is dropped (R7644-3.4.2.2-logical).
    IgnoreNot,
    /// Value filters match each condition on any value, not all on one (R7644-3.4.2.2-valuePath).
    ValuePathAnyValue,
    /// URN-qualified and dotted paths are refused (R7644-3.4.2.2-attrpath-forms).
    RefuseQualifiedPaths,
    /// A query without matches answers 404 (R7644-3.4.2-empty-200).
    EmptyListAs404,
    /// `totalResults` is the page size (R7644-3.4.2-totalResults-total, okta.import.pages).
    TotalIsPageSize,
    /// `itemsPerPage` is the requested count (R7644-3.4.2-itemsPerPage).
    ItemsPerPageIsCount,
    /// `startIndex` is 0-based (R7644-3.4.2.4-one-based).
    ZeroBasedStartIndex,
    /// `startIndex` below 1 is refused (R7644-3.4.2.4-startIndex-lt1).
    RefuseLowStartIndex,
    /// `count=0` is ignored (R7644-3.4.2.4-count-zero).
    IgnoreCountZero,
    /// A negative count is refused (R7644-3.4.2.4-count-negative).
    RefuseNegativeCount,
    /// `count` is ignored (R7644-3.4.2.4-count-max).
    IgnoreCount,
    /// A startIndex past the end answers 400 (R7644-3.4.2.4-beyond-end).
    RefuseBeyondEnd,
    /// `attributes` is ignored (R7644-3.4.2.5-attributes).
    IgnoreAttributes,
    /// `excludedAttributes` is ignored (R7644-3.4.2.5-excludedAttributes).
    IgnoreExcludedAttributes,
    /// `excludedAttributes=id` removes `id` (R7643-7-returned-always).
    ExcludableId,
    /// The ETag never changes (R7644-3.14-etag-changes).
    ConstantEtag,
    /// `If-None-Match` is ignored (R7644-3.14-if-none-match).
    IgnoreIfNoneMatch,
    /// `If-Match` is ignored (R7644-3.14-if-match-write).
    IgnoreIfMatch,
    /// `/ServiceProviderConfig` answers 404 (R7644-4-spc).
    NoServiceProviderConfig,
    /// `/Schemas` answers 404 (R7644-4-schemas).
    NoSchemas,
    /// `/ResourceTypes` answers 404 (R7644-4-resourcetypes).
    NoResourceTypes,
    /// A path-less `replace` is refused (R7644-3.5.2.3-replace-no-path).
    RefusePathlessReplace,
    /// `remove members[value eq "x"]` removes every member (R7644-3.5.2.2-remove-valuePath,
    /// okta.group.membership-visible).
    RemoveValuePathRemovesAll,
    /// Any token, or none, is accepted (R7644-2-unauthenticated).
    AcceptAnyToken,
    /// An unknown id answers 200 with an empty object (R7644-3.4.1-get-404).
    UnknownIdAs200,
    /// Any role is accepted (fivetran.role.account-level-only, fivetran.role.known-only).
    AcceptAnyRole,
    /// A refused update is reported as done (fivetran.update.only-names-and-role).
    SwallowMutability,
    /// The plan is not checked (fivetran.plan.enterprise-only).
    IgnorePlan,
    /// "Enable SCIM Provisioning" is not checked (fivetran.scim-toggle).
    IgnoreScimToggle,
    /// The token the server started with still works after a new one is generated
    /// (fivetran.token.regenerate).
    OldTokenStillWorks,
    /// `429`s come without `Retry-After` (okta.rate-limit.retry-after).
    RateLimitWithoutRetryAfter,
    /// Name and role updates are ignored (fivetran.update.names-and-role).
    IgnoreProfileUpdates,
    /// A new user is created even when one with the same userName exists: the lookup never
    /// finds anything (okta.assign.links-existing).
    LookupFindsNothing,
    /// Users cannot be created (okta.assign.creates-user, okta.provision-user).
    RefuseCreates,
    /// Test API Credentials' request fails (okta.test-credentials.list).
    RefuseTestCredentials,
    /// A wrong token's 401 has no `WWW-Authenticate`; a missing one's still has
    /// (R7644-2-unauthenticated).
    NoChallengeForWrongToken,
    /// 400 errors carry no `scimType` (R7644-3.12-invalidFilter,
    /// R7644-3.12-create-invalidSyntax).
    ErrorsWithoutScimType,
    /// `and` keeps only its first clause (R7644-3.4.2.2-not-ignored).
    FirstClauseOnly,
    /// `meta.lastModified` stays `meta.created` (R7643-3.1-meta-lastModified).
    FrozenLastModified,
    /// Resources come without `schemas` (R7643-3-schemas).
    ResourcesWithoutSchemas,
    /// Resources trimmed by `attributes`/`excludedAttributes` come without `schemas`
    /// (R7643-3-schemas-projected).
    ProjectedWithoutSchemas,
    /// A 409's detail is the database's own error (okta.error.detail-readable).
    LeakDatabaseError,
    /// Creates answer `302` to the collection's URL with a trailing slash (okta.no-redirect).
    RedirectCreates,
    /// Groups are stored under another name than the one sent (okta.group.push-creates).
    GroupNameMangled,
    /// Renames are ignored (okta.group.rename).
    IgnoreGroupRename,
    /// Deleting a group deletes its members (okta.group.delete-keeps-users,
    /// fivetran.team.delete-keeps-users).
    GroupDeleteDeletesUsers,
    /// A `userName` that differs from the primary email is refused, as the reference server
    /// did before Okta's SPEC test showed otherwise (okta.spec-test).
    UsernameMustEqualEmail,
    /// `Accept: application/json` answers 406 (R7644-3.8-accept-json).
    RefuseAcceptJson,
    /// A body labelled `application/json`, or with a charset, answers 415
    /// (R7644-3.8-request-media-types).
    RefuseJsonContentType,
    /// Non-ASCII characters come back as `?` (R7644-3.8-utf8).
    MangleNonAscii,
    /// A create answers with the `id` the client sent (R7643-3.1-id-server-assigned).
    KeepClientId,
    /// `externalId` comes back lower-cased (R7643-3.1-externalId).
    ExternalIdLowercased,
    /// A create answers with the `meta` the client sent (R7643-3.1-meta-readonly).
    EchoClientMeta,
    /// GET by id answers a ListResponse holding the resource (R7644-3.4.1-get-200).
    GetByIdAsList,
    /// `/Groups/{id}` answers the user with that id (R7644-3.4.1-type-scoped-id).
    IdsAcrossTypes,
    /// An unknown endpoint answers 404 with no body (R7644-3.12-unknown-endpoint).
    UnknownEndpointEmpty,
    /// `ne` is read as `eq` (R7644-3.4.2.2-ne).
    NeAsEq,
    /// `gt` is read as `lt`, `ge` as `le`, and the other way round (R7644-3.4.2.2-ordering).
    OrderingReversed,
    /// Ordering a boolean is read as `eq` (R7644-3.4.2.2-ordering-bool-binary).
    OrderingOnBooleansAsEq,
    /// A successful PUT answers 204 with no body (R7644-3.5.1-put-200).
    PutAnswers204,
    /// PUT to an unknown user id answers 201, as if it created the user
    /// (R7644-3.5.1-no-create).
    PutCreates,
    /// PATCH operations other than add, remove and replace, and adds without a value, are
    /// dropped; a PATCH left with none answers 204 (R7644-3.5.2-envelope).
    PatchEnvelopeUnchecked,
    /// A PATCH the server refuses with 400 answers 204 (R7644-3.5.2.2-remove-no-path,
    /// R7644-3.5.2.3-replace-valuePath-nomatch).
    SwallowPatchErrors,
    /// DELETE of a group answers 204 and keeps it (R7644-3.6-gone-everywhere,
    /// R7644-3.6-omitted-from-queries).
    DeleteKeepsGroups,
    /// `Accept: */*` answers 406 (R7644-3.8-accept-scim-json).
    RefuseAcceptAny,
    /// The filter is read without percent-decoding it (R7644-1.2-percent-encoding).
    NoPercentDecoding,
    /// `meta.created` is a date without a time (R7643-3.1-meta-timestamps).
    DateOnlyTimestamps,
    /// `meta.location` is the collection's URI, not the resource's (R7643-3.1-meta-location).
    LocationWrongId,
    /// Attribute names in request bodies are read in their exact case only
    /// (R7643-2.1-attr-name-ci).
    CaseSensitiveAttributeNames,
    /// A user body naming its read-only `groups` is refused (R7644-3.3-readonly-ignored-write).
    RefuseReadOnlyInWrites,
    /// A duplicate userName is created anyway (R7643-4.1.1-userName-unique).
    DuplicatesCreated,
    /// A group's members are dropped when it is created (R7643-4.2-group-create).
    GroupMembersDroppedOnCreate,
    /// `members.value eq` compares only the first member (R7644-3.4.2.2-multivalued-any).
    FirstMemberOnly,
    /// Escaped quotes in a filter's strings are dropped (R7644-3.4.2.2-quoting).
    QuotesDropped,
    /// ListResponses come without `startIndex` and `itemsPerPage` (R7644-3.4.2-paging-fields).
    NoPagingFields,
    /// A deleted group's name stays taken (R7644-3.6-no-conflict).
    DeletedNamesStayTaken,
    /// `sortBy` gives the reverse order (R7644-3.4.2.3-default-ascending).
    SortReversed,
    /// `sortOrder=descending` is ignored (R7644-3.4.2.3-descending).
    SortDescendingIgnored,
    /// `sortBy=userName` sorts by case (R7644-3.4.2.3-case).
    SortCaseSensitive,
    /// `attributes` and `excludedAttributes` are ignored on writes (R7644-3.9-write-responses).
    WriteIgnoresAttributes,
    /// URN-qualified and upper-case names in `attributes` are ignored
    /// (R7644-3.10-attribute-notation).
    PlainAttributeNamesOnly,
    /// `/.search` ignores the body's filter (R7644-3.4.3-search-type,
    /// R7644-3.4.3-search-errors).
    SearchIgnoresFilter,
    /// No `ETag` header (R7644-3.14-etag-header).
    NoEtagHeader,
    /// `/Schemas` lists the PatchOp message schema (R7644-3.1-no-message-schemas).
    MessageSchemasListed,
    /// Writes to the discovery endpoints answer 200 (R7644-4-discovery-readonly).
    DiscoveryWritable,
    /// `/ServiceProviderConfig` without bulk's and filter's limits (R7643-5-spc-fields).
    SpcWithoutLimits,
    /// An unsupported operation answers 404, not 501 (R7644-3.12-501-unsupported).
    UnsupportedAs404,
    /// PATCH `add` replaces (R7644-3.5.2.1-add-path, R7644-3.5.2.1-add-no-path).
    AddReplaces,
    /// A member added twice is listed twice (R7644-3.5.2.1-add-duplicate-noop).
    DuplicateMembersKept,
    /// PATCH `replace` of `members` adds (R7644-3.5.2.3-replace-path).
    ReplaceMembersAppends,
    /// PATCH `remove` of `members` without a filter is ignored (R7644-3.5.2.2-remove-path).
    RemoveAllIgnored,
    /// A PATCH's operations are applied last first (R7644-3.5.2-sequential).
    PatchOpsReversed,
    /// A PATCH applies the operations before one that fails (R7644-3.5.2-atomic).
    PatchNotAtomic,
    /// A group's PUT adds to its members instead of replacing them
    /// (R7644-3.5.1-replace-semantics).
    PutMergesMembers,
    /// A group's PUT keeps what null and [] should clear (R7644-3.5.1-null-clears,
    /// R7643-2.5-null-unassigned).
    PutNullIgnored,
    /// A group's PUT without displayName keeps the old one (R7644-3.5.1-required).
    PutFillsRequired,
    /// A group's PUT whose body names another group's id takes that id: the other group is
    /// lost (R7644-3.5.1-id-and-uniqueness).
    PutBodyIdRekeys,
    /// A create stores null as the text "null" (R7644-3.3-create-clear).
    NullStoredAsString,
    /// A new group answers with its first member's id (R7643-3.1-id-unique-reserved).
    GroupIdsReuseUserIds,
    /// A filter on an attribute the type does not have is ignored
    /// (R7644-3.4.2.2-unknown-attribute).
    UnknownAttributeIgnored,
    /// Resources without the sortBy value sort first when ascending
    /// (R7644-3.4.2.3-missing-multivalued).
    MissingSortFirst,
    /// `/Schemas` attributes come without `type` (R7643-7-schema-definitions).
    SchemaAttributesWithoutType,
    /// Sorting is advertised but refused (R7644-4-spc-truthful).
    SortAdvertisedNotHonoured,
    /// BulkResponse results come without `location` and `bulkId` (R7644-3.7-bulk-response).
    BulkResultsBare,
    /// `bulkId:` references in operations' data are stored as they are (R7644-3.7.2-bulkId).
    BulkIdsUnresolved,
    /// Bulk stops at the first failed operation (R7644-3.7.3-errors).
    BulkStopsAtFirstError,
    /// A BulkRequest over the limits is processed anyway (R7644-3.7.4-limits).
    BulkLimitsUnenforced,
    /// Operations caught in circular references are left out of the BulkResponse
    /// (R7644-3.7.1-circular).
    BulkCircularDropped,
    /// PATCH `replace` of `name` clears the sub-attributes it does not name
    /// (R7644-3.5.2.3-replace-complex).
    ReplaceComplexWhole,
    /// PATCH `replace` of `emails[...].type` drops the filter and replaces every value with
    /// the sub-attribute alone (R7644-3.5.2.3-replace-valuePath).
    ValuePathSubIgnored,
    /// Members' `$ref` point at `/Groups/` (R7643-2.3.7-reference).
    MemberRefWrong,
    /// A user created without `active` is defaulted but invisible to a filter on `active`
    /// (R7644-3.4.2.2-defaulted).
    DefaultsUnfiltered,
    /// A refused change of `userName` shows afterwards as made (R7644-3.5.1-immutable).
    ImmutableChanged,
    /// `/scim/v1/...` is served as `/scim/v2/...` (R7644-3.13-version-segment).
    OtherVersionsServed,
}

mod inject;

/// [`reference_server::app`] for `state`, broken by `faults`. The faults apply to the SCIM
/// API (`/scim/v2`) only; the admin API stays as it is, so a test can still change the
/// account's settings.
pub fn app(state: AppState, faults: &[Fault]) -> Router {
    let server = reference_server::app(state.clone());
    if faults.is_empty() {
        return server;
    }
    let first_token = state.settings().token.clone();
    let f = inject::Faults {
        first_token,
        state,
        faults: faults.to_vec(),
        deleted_group_names: std::sync::Arc::default(),
        defaulted_users: std::sync::Arc::default(),
        renamed_users: std::sync::Arc::default(),
    };
    let other_versions = faults.contains(&Fault::OtherVersionsServed);
    let broken = server
        .layer(from_fn_with_state(f.clone(), inject::layer))
        .layer(from_fn_with_state(f, inject::delete_members_first));
    if !other_versions {
        return broken;
    }
    // Routing happens inside `broken`: a request rewritten before it reaches there is
    // routed by its new path.
    Router::new()
        .fallback_service(broken)
        .layer(axum::middleware::map_request(inject::any_version_is_v2))
}

/// Starts a server for `config`, broken by `faults`, as [`reference_server::spawn`] does.
pub async fn spawn(config: &Config, faults: &[Fault]) -> std::io::Result<Running> {
    let state = AppState::new(config);
    reference_server::spawn_app(config, state.clone(), app(state, faults)).await
}
