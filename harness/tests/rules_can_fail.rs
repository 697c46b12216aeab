//! Every rule can fail: for each rule of the catalogue, a deliberately broken reference server
//! (a fault from `reference-server-faults`, a dev-dependency) makes the built-in scenarios
//! report that rule, by id.

use harness::report::RunReport;
use harness::rules::{CATALOGUE, Level};
use harness::runner::{self, RunConfig, StartReference, Target};
use harness::scenario::{ClientMode, Loaded};
use reference_server_faults::Fault::{self, *};

/// (rule, the fault that breaks it, the scenarios that show it).
const CASES: &[(&str, Fault, &[&str])] = &[
    // Exchange rules.
    (
        "R7644-3.12-error-envelope",
        ErrorBodyNotScim,
        &["negative.unknown-id"],
    ),
    (
        "R7644-3.12-status-string",
        ErrorStatusAsNumber,
        &["negative.unknown-id"],
    ),
    (
        "R7644-3.12-scimType-values",
        ErrorScimTypeNull,
        &["negative.invalid-filter"],
    ),
    (
        "R7644-3.12-client-errors-not-5xx",
        ClientErrorsAs500,
        &["negative.invalid-filter"],
    ),
    (
        "R7644-8.1-response-media-type",
        JsonMediaType,
        &["assignment.create"],
    ),
    (
        "R7644-3.4.2-list-envelope",
        LowercaseResources,
        &["assignment.create"],
    ),
    (
        "okta.list.integer-counts",
        CountsAsStrings,
        &["assignment.create"],
    ),
    (
        "R7643-3-schemas",
        ResourcesWithoutSchemas,
        &["assignment.create"],
    ),
    (
        "R7643-3-schemas-projected",
        ProjectedWithoutSchemas,
        &["rfc.attributes"],
    ),
    (
        "okta.lookup.only-the-user-asked-for",
        IgnoreFilter,
        &["group-push.membership"],
    ),
    (
        "okta.reassign.pushes-profile",
        IgnoreProfileUpdates,
        &["deactivation.reassign-pushes-profile"],
    ),
    (
        "fivetran.scim-toggle",
        IgnoreScimToggle,
        &["negative.scim-disabled"],
    ),
    (
        "okta.update.overwrites-app-changes",
        IgnoreProfileUpdates,
        &["update.okta-overwrites-app-changes"],
    ),
    (
        "fivetran.token.regenerate",
        OldTokenStillWorks,
        &["connection.token-regeneration"],
    ),
    (
        "okta.rate-limit.retry-after",
        RateLimitWithoutRetryAfter,
        &["connection.rate-limited"],
    ),
    (
        "okta.spec-test",
        UsernameMustEqualEmail,
        &["okta-spec.users"],
    ),
    (
        "okta.no-redirect",
        RedirectCreates,
        &["negative.duplicate-user"],
    ),
    (
        "okta.error.detail-readable",
        LeakDatabaseError,
        &["negative.duplicate-user"],
    ),
    (
        "R7644-3.3-create-201",
        CreateAnswers200,
        &["negative.duplicate-user"],
    ),
    (
        "R7644-3.3-create-location",
        NoLocation,
        &["negative.duplicate-user"],
    ),
    (
        "okta.create.returns-user",
        EmptyCreateBody,
        &["negative.duplicate-user"],
    ),
    (
        "R7643-3.1-id-present-stable",
        NoId,
        &["negative.duplicate-user"],
    ),
    (
        "R7643-3.1-meta-complete",
        NoMeta,
        &["negative.duplicate-user"],
    ),
    (
        "R7643-7-never-returned",
        ReturnsPassword,
        &["negative.duplicate-user"],
    ),
    (
        "R7643-2.4-multivalued",
        EmailsNotArray,
        &["negative.duplicate-user"],
    ),
    (
        "R7644-3.14-meta-version",
        VersionMismatch,
        &["negative.duplicate-user"],
    ),
    (
        "R7644-3.5.2-success-codes",
        PatchAnswers202,
        &["rfc.patch-replace-no-path"],
    ),
    (
        "R7644-3.6-delete-204",
        DeleteAnswers200,
        &["group-push.unlink-delete"],
    ),
    (
        "okta.user.core-fields",
        NoNames,
        &["negative.duplicate-user"],
    ),
    // Okta's flows.
    (
        "okta.test-credentials.list",
        RefuseTestCredentials,
        &["connection.test-api-credentials"],
    ),
    (
        "okta.assign.creates-user",
        RefuseCreates,
        &["assignment.create"],
    ),
    (
        "okta.assign.links-existing",
        LookupFindsNothing,
        &["assignment.links-existing"],
    ),
    (
        "okta.provision-user",
        RefuseCreates,
        &["assignment.provision-user"],
    ),
    (
        "okta.filter.username-eq",
        CaseSensitiveUserName,
        &["assignment.username-case"],
    ),
    ("okta.import.pages", TotalIsPageSize, &["import.pages"]),
    (
        "okta.deactivate.user-stays-readable",
        HideInactiveUsers,
        &["deactivation.soft-delete"],
    ),
    (
        "okta.reactivate.same-id",
        IgnoreReactivation,
        &["deactivation.soft-delete"],
    ),
    (
        "okta.group.push-creates",
        GroupNameMangled,
        &["group-push.creates"],
    ),
    (
        "okta.group.membership-visible",
        RemoveValuePathRemovesAll,
        &["group-push.membership"],
    ),
    (
        "okta.group.rename",
        IgnoreGroupRename,
        &["group-push.rename"],
    ),
    (
        "okta.group.delete-keeps-users",
        GroupDeleteDeletesUsers,
        &["group-push.unlink-delete"],
    ),
    // The guide.
    (
        "fivetran.update.names-and-role",
        IgnoreProfileUpdates,
        &["update.names-and-role"],
    ),
    (
        "fivetran.update.only-names-and-role",
        SwallowMutability,
        &["update.email-refused"],
    ),
    (
        "fivetran.deactivate.soft-delete",
        HideInactiveUsers,
        &["deactivation.soft-delete"],
    ),
    (
        "fivetran.role.account-level-only",
        AcceptAnyRole,
        &["negative.destination-role"],
    ),
    (
        "fivetran.role.known-only",
        AcceptAnyRole,
        &["negative.unknown-role"],
    ),
    (
        "fivetran.plan.enterprise-only",
        IgnorePlan,
        &["negative.wrong-plan"],
    ),
    (
        "fivetran.team.delete-keeps-users",
        GroupDeleteDeletesUsers,
        &["group-push.team-delete-keeps-users"],
    ),
    // RFC flows.
    (
        "R7644-2-unauthenticated",
        AcceptAnyToken,
        &["negative.bad-token"],
    ),
    (
        "R7644-2-unauthenticated",
        NoChallengeForWrongToken,
        &["negative.bad-token"],
    ),
    (
        "R7644-3.12-create-invalidSyntax",
        ErrorsWithoutScimType,
        &["negative.malformed-json"],
    ),
    (
        "R7643-3.1-meta-lastModified",
        FrozenLastModified,
        &["rfc.meta-last-modified"],
    ),
    (
        "R7644-3.3-create-409",
        ConflictAs400,
        &["negative.duplicate-user"],
    ),
    (
        "R7644-3.4.1-get-404",
        UnknownIdAs200,
        &["negative.unknown-id"],
    ),
    (
        "R7643-7-caseExact-false",
        CaseSensitiveUserName,
        &["rfc.filter-case"],
    ),
    (
        "R7643-7-caseExact-true",
        CaseInsensitiveExternalId,
        &["rfc.filter-case"],
    ),
    ("R7644-3.4.2.2-eq", IgnoreFilter, &["rfc.filter-operators"]),
    (
        "R7644-3.4.2.2-co-sw-ew",
        SubstringAsEq,
        &["rfc.filter-operators"],
    ),
    (
        "R7644-3.4.2.2-pr",
        PresentMatchesAll,
        &["rfc.filter-operators"],
    ),
    (
        "R7644-3.4.2.2-precedence",
        OrBindsTighter,
        &["rfc.filter-logic"],
    ),
    ("R7644-3.4.2.2-logical", IgnoreNot, &["rfc.filter-logic"]),
    (
        "R7644-3.4.2.2-case-insensitive-grammar",
        CaseSensitiveOperators,
        &["rfc.filter-case"],
    ),
    (
        "R7644-3.4.2.2-valuePath",
        ValuePathAnyValue,
        &["rfc.filter-valuepath-members"],
    ),
    (
        "R7644-3.4.2.2-attrpath-forms",
        RefuseQualifiedPaths,
        &["rfc.filter-case"],
    ),
    (
        "R7644-3.4.2.2-invalid",
        ClientErrorsAs500,
        &["negative.invalid-filter"],
    ),
    (
        "R7644-3.12-invalidFilter",
        ErrorsWithoutScimType,
        &["negative.invalid-filter"],
    ),
    (
        "R7644-3.4.2.2-not-ignored",
        IgnoreFilter,
        &["rfc.filter-no-match"],
    ),
    (
        "R7644-3.4.2.2-not-ignored",
        FirstClauseOnly,
        &["rfc.filter-no-match"],
    ),
    (
        "R7644-3.4.2-empty-200",
        EmptyListAs404,
        &["rfc.filter-no-match"],
    ),
    (
        "R7644-3.4.2-totalResults-total",
        TotalIsPageSize,
        &["rfc.pagination"],
    ),
    (
        "R7644-3.4.2-itemsPerPage",
        ItemsPerPageIsCount,
        &["rfc.pagination"],
    ),
    (
        "R7644-3.4.2.4-one-based",
        ZeroBasedStartIndex,
        &["rfc.pagination"],
    ),
    (
        "R7644-3.4.2.4-startIndex-lt1",
        RefuseLowStartIndex,
        &["rfc.pagination"],
    ),
    (
        "R7644-3.4.2.4-count-zero",
        IgnoreCountZero,
        &["rfc.pagination"],
    ),
    (
        "R7644-3.4.2.4-count-negative",
        RefuseNegativeCount,
        &["rfc.pagination"],
    ),
    ("R7644-3.4.2.4-count-max", IgnoreCount, &["rfc.pagination"]),
    (
        "R7644-3.4.2.4-beyond-end",
        RefuseBeyondEnd,
        &["rfc.pagination"],
    ),
    (
        "R7644-3.4.2.5-attributes",
        IgnoreAttributes,
        &["rfc.attributes"],
    ),
    (
        "R7644-3.4.2.5-excludedAttributes",
        IgnoreExcludedAttributes,
        &["rfc.attributes"],
    ),
    ("R7643-7-returned-always", ExcludableId, &["rfc.attributes"]),
    ("R7644-3.14-etag-changes", ConstantEtag, &["rfc.etag"]),
    ("R7644-3.14-if-none-match", IgnoreIfNoneMatch, &["rfc.etag"]),
    ("R7644-3.14-if-match-write", IgnoreIfMatch, &["rfc.etag"]),
    ("R7644-4-spc", NoServiceProviderConfig, &["rfc.discovery"]),
    ("R7644-4-schemas", NoSchemas, &["rfc.discovery"]),
    ("R7644-4-resourcetypes", NoResourceTypes, &["rfc.discovery"]),
    (
        "R7644-3.5.2.3-replace-no-path",
        RefusePathlessReplace,
        &["rfc.patch-replace-no-path"],
    ),
    (
        "R7644-3.5.2.2-remove-valuePath",
        RemoveValuePathRemovesAll,
        &["rfc.patch-remove-valuepath"],
    ),
];

#[test]
fn every_rule_has_a_case() {
    let missing: Vec<&str> = CATALOGUE
        .iter()
        .map(|r| r.id)
        .filter(|id| !CASES.iter().any(|(r, _, _)| r == id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a test that makes them fail: {missing:?}"
    );
    for (rule, _, _) in CASES {
        assert!(
            harness::rules::find(rule).is_some(),
            "{rule} is not in the catalogue"
        );
    }
}

/// The scenarios with these ids.
fn choose(ids: &[&str], scenarios: &[Loaded]) -> Vec<Loaded> {
    let chosen: Vec<Loaded> = scenarios
        .iter()
        .filter(|l| ids.contains(&l.scenario.id.as_str()))
        .cloned()
        .collect();
    assert_eq!(chosen.len(), ids.len(), "unknown scenario among {ids:?}");
    chosen
}

async fn run_with(fault: Fault, chosen: &[Loaded]) -> RunReport {
    let mut config = RunConfig::new(Target::Reference);
    config.modes = vec![ClientMode::OinPatch];
    config.jobs = 1;
    // Back-off is recorded, never waited (a fault may drop Retry-After: five minutes).
    config.clock = std::sync::Arc::new(scim_client::RecordingClock::default());
    config.start_reference = StartReference::new(move |server| {
        Box::pin(async move { reference_server_faults::spawn(&server, &[fault]).await })
    });
    runner::run(&config, chosen, &|_| {}).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_makes_its_rule_fail() {
    let (scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    let mut handles = Vec::new();
    for (rule, fault, ids) in CASES {
        let chosen = choose(ids, &scenarios);
        handles.push(tokio::spawn(async move {
            (*rule, *fault, run_with(*fault, &chosen).await)
        }));
    }
    let mut wrong = Vec::new();
    for h in handles {
        let (rule, fault, report) = h.await.unwrap();
        let level = harness::rules::find(rule).unwrap().level;
        let reported = report
            .findings()
            .any(|f| f.rule.map(|r| r.as_str()) == Some(rule) && f.level == level);
        let judged = match level {
            Level::Must => !report.passed(),
            _ => report.summary.warnings > 0,
        };
        if !(reported && judged) {
            wrong.push(format!("{rule}: the fault {fault:?} did not make it fail"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
