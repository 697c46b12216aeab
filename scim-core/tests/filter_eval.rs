//! Table tests of the filter evaluator (RFC 7644 §3.4.2.2): filters compiled against the
//! core User and Group schemas and run over a small set of fixture resources, each with the
//! exact set of fixtures it must select; and filters that parse but must fail to compile.

use std::collections::BTreeSet;

use scim_core::filter::{self, Matcher};
use scim_core::schema::{self, ResourceSchema};
use serde_json::{Value, json};

/// Compiles `input` against `schema` and returns the ids of the fixtures it selects.
fn select(schema: &ResourceSchema, fixtures: &[Value], input: &str) -> BTreeSet<String> {
    let f = filter::parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e}"));
    let m = Matcher::compile(&f, schema)
        .unwrap_or_else(|e| panic!("{input:?} should compile: {}", e.message));
    fixtures
        .iter()
        .filter(|r| m.matches(r))
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs every case and reports every mismatch at once, naming the filter.
fn check_table(schema: &ResourceSchema, fixtures: &[Value], cases: &[(&str, &[&str])]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|&(input, expected)| {
            let expected: BTreeSet<String> = expected.iter().map(|s| (*s).to_owned()).collect();
            let actual = select(schema, fixtures, input);
            (actual != expected)
                .then(|| format!("filter {input}\n  expected {expected:?}\n  selected {actual:?}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} filters selected the wrong resources:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The compile errors expected of `input`: it must parse, fail to compile, and the message
/// must mention `needle` (the attribute or the operator at fault).
fn check_compile_error(schema: &ResourceSchema, input: &str, needle: &str) {
    let f = filter::parse(input)
        .unwrap_or_else(|e| panic!("{input:?} should parse (it is a compile error): {e}"));
    match Matcher::compile(&f, schema) {
        Ok(_) => panic!("{input:?} should not compile against {}", schema.name),
        Err(e) => assert!(
            e.message.contains(needle),
            "the error for {input:?} should mention {needle:?}: {}",
            e.message
        ),
    }
}

const ALL: &[&str] = &["U1", "U2", "U3", "U4", "U5", "u6"];

fn users() -> Vec<Value> {
    vec![
        // Work and home emails, a title, the enterprise extension, a primary role.
        json!({
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
            ],
            "id": "U1",
            "externalId": "AbC-9",
            "userName": "h1-Alice@Example.test",
            "name": {"givenName": "Alice", "familyName": "Smith", "formatted": "Alice Smith"},
            "displayName": "Alice Smith",
            "title": "Engineer",
            "active": true,
            "emails": [
                {"value": "Alice@Work.Example", "type": "work", "primary": true},
                {"value": "alice@home.example", "type": "home"}
            ],
            "roles": [{"value": "admin", "primary": true}],
            "meta": {
                "resourceType": "User",
                "created": "2023-06-01T00:00:00Z",
                "lastModified": "2024-01-01T00:00:00Z"
            },
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "employeeNumber": "1001",
                "department": "R&D",
                "manager": {"value": "U2"}
            }
        }),
        // `title: ""`, inactive, and a work-domain address on the *home* element: conditions
        // of a value path must hold for the same element.
        json!({
            "id": "U2",
            "externalId": "abc-9",
            "userName": "h1-BOB@example.test",
            "displayName": "Bob and Friends (Ops)",
            "title": "",
            "active": false,
            "emails": [
                {"value": "bob@work.example", "type": "home"},
                {"value": "bob@corp.example", "type": "work"}
            ],
            "meta": {"lastModified": "2024-01-01T02:30:00+02:00"}
        }),
        // An upper-case email type, a `name` with only empty values.
        json!({
            "id": "U3",
            "userName": "h1-carol@example.test",
            "name": {"givenName": ""},
            "active": true,
            "emails": [{"value": "carol@work.example", "type": "WORK"}],
            "meta": {"lastModified": "2024-01-01T01:00:00Z"}
        }),
        // A double quote in the userName; the same instant as U3 written with an offset.
        json!({
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
            ],
            "id": "U4",
            "userName": "h1-a\"b",
            "active": true,
            "roles": [{"value": "viewer", "primary": false}],
            "meta": {"lastModified": "2024-01-01T03:00:00+02:00"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "employeeNumber": "1004"
            }
        }),
        // An apostrophe, non-ASCII text, fractional seconds.
        json!({
            "id": "U5",
            "externalId": "XyZ-1",
            "userName": "h1-o'malley",
            "name": {"familyName": "O'Malley"},
            "displayName": "Seán O'Malley",
            "title": "Director",
            "active": false,
            "emails": [{"value": "sean@HOME.example", "type": "home"}],
            "meta": {"lastModified": "2023-12-31T23:59:59.500Z"}
        }),
        // Almost nothing: no `active`, no emails, and an attribute no schema defines.
        json!({
            "id": "u6",
            "userName": "h1-Zed",
            "favouriteColour": "Blue",
            "meta": {"lastModified": "2024-06-01T12:00:00+02:00"}
        }),
    ]
}

/// `(filter, ids of the users it selects)`.
const USER_CASES: &[(&str, &[&str])] = &[
    // caseExact: false strings, every operator.
    (r#"userName eq "h1-alice@example.TEST""#, &["U1"]),
    (
        r#"userName ne "H1-ALICE@EXAMPLE.TEST""#,
        &["U2", "U3", "U4", "U5", "u6"],
    ),
    (r#"userName co "BOB""#, &["U2"]),
    (r#"userName sw "H1-""#, ALL),
    (r#"userName ew "@EXAMPLE.test""#, &["U1", "U2", "U3"]),
    // Ordering folds case: "h1-Zed" > "h1-c" although 'Z' < 'c' in ASCII.
    (r#"userName gt "h1-c""#, &["U3", "U5", "u6"]),
    (
        r#"userName ge "H1-CAROL@EXAMPLE.TEST""#,
        &["U3", "U5", "u6"],
    ),
    (r#"userName lt "h1-b""#, &["U1", "U4"]),
    (r#"userName le "h1-bob@example.test""#, &["U1", "U2", "U4"]),
    (r#"userName ge "H1-ZED""#, &["u6"]),
    (r#"userName le "h1-a\"b""#, &["U4"]),
    // Identical strings satisfy sw, ew and co.
    (r#"userName sw "h1-Alice@Example.test""#, &["U1"]),
    (r#"userName ew "H1-ALICE@EXAMPLE.TEST""#, &["U1"]),
    (r#"userName co "h1-zed""#, &["u6"]),
    (r#"displayName eq "bob AND friends (ops)""#, &["U2"]),
    (r#"displayName co "and""#, &["U2"]),
    (r#"displayName sw "SEÁN""#, &["U5"]),
    // caseExact: true strings.
    (r#"id eq "U1""#, &["U1"]),
    (r#"id eq "u1""#, &[]),
    (r#"id lt "a""#, &["U1", "U2", "U3", "U4", "U5"]),
    (r#"externalId eq "AbC-9""#, &["U1"]),
    (r#"externalId eq "abc-9""#, &["U2"]),
    (r#"externalId sw "ABC""#, &[]),
    (r#"externalId co "bC-""#, &["U1"]),
    // Multi-valued attributes match when any value does; `emails` alone compares `value`.
    (r#"emails.value co "@WORK.example""#, &["U1", "U2", "U3"]),
    (r#"emails co "@home.example""#, &["U1", "U5"]),
    (r#"emails eq "ALICE@HOME.EXAMPLE""#, &["U1"]),
    (r#"emails.type ne "home""#, &["U1", "U2", "U3"]),
    // Value paths: the conditions hold for the same element.
    (
        r#"emails[type eq "work" and value co "@work.example"]"#,
        &["U1", "U3"],
    ),
    (
        r#"emails.type eq "work" and emails.value co "@work.example""#,
        &["U1", "U2", "U3"],
    ),
    (r#"emails[type eq "home"]"#, &["U1", "U2", "U5"]),
    (r#"emails[not (type eq "work")]"#, &["U1", "U2", "U5"]),
    (r#"emails[TYPE Eq "work" AND value CO "ALICE"]"#, &["U1"]),
    (
        r#"emails[type eq "work"].value eq "BOB@corp.example""#,
        &["U2"],
    ),
    // pr: an empty string is not a value; a complex value needs a non-empty node.
    ("title pr", &["U1", "U5"]),
    ("not (title pr)", &["U2", "U3", "U4", "u6"]),
    ("name pr", &["U1", "U5"]),
    ("active pr", &["U1", "U2", "U3", "U4", "U5"]),
    ("emails PR", &["U1", "U2", "U3", "U5"]),
    (
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User pr",
        &["U1", "U4"],
    ),
    // eq null / ne null.
    ("title eq null", &["U2", "U3", "U4", "u6"]),
    ("title ne null", &["U1", "U5"]),
    ("emails eq null", &["U4", "u6"]),
    // Booleans, including Entra's quoted forms.
    ("active eq false", &["U2", "U5"]),
    ("active ne true", &["U2", "U5"]),
    ("not (active eq true)", &["U2", "U5", "u6"]),
    ("active EQ TRUE", &["U1", "U3", "U4"]),
    (r#"active eq "False""#, &["U2", "U5"]),
    (r#"roles[primary eq "True"]"#, &["U1"]),
    (r#"roles[primary eq true and value eq "ADMIN"]"#, &["U1"]),
    ("roles[primary eq false]", &["U4"]),
    // Precedence: `and` binds tighter than `or`; parentheses override.
    (
        r#"active eq true and title pr or userName co "zed""#,
        &["U1", "u6"],
    ),
    (
        r#"(active eq true and title pr) or userName co "zed""#,
        &["U1", "u6"],
    ),
    (
        r#"active eq true and (title pr or userName co "zed")"#,
        &["U1"],
    ),
    (
        r#"userName co "zed" or active eq true and title pr"#,
        &["U1", "u6"],
    ),
    ("not (active eq true) and emails pr", &["U2", "U5"]),
    (
        r#"NOT (userName sw "h1-a") AND (title PR OR active EQ false)"#,
        &["U2", "U5"],
    ),
    ("userName Pr and Not(emails pr)", &["U4", "u6"]),
    // URN-qualified core and extension paths.
    (
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "H1-BOB@example.test""#,
        &["U2"],
    ),
    (
        r#"urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "alice""#,
        &["U1"],
    ),
    (
        r#"urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]"#,
        &["U1", "U2", "U3"],
    ),
    (
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1001""#,
        &["U1"],
    ),
    (
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber sw "100""#,
        &["U1", "U4"],
    ),
    (
        r#"URN:IETF:params:scim:schemas:extension:enterprise:2.0:user:manager.value eq "U2""#,
        &["U1"],
    ),
    (
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "u2""#,
        &[],
    ),
    (
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        &["U1", "U4"],
    ),
    // dateTime compares instants, whatever the offset.
    (
        r#"meta.lastModified gt "2024-01-01T00:45:00Z""#,
        &["U3", "U4", "u6"],
    ),
    (
        r#"meta.lastModified eq "2024-01-01T03:00:00+02:00""#,
        &["U3", "U4"],
    ),
    (
        r#"meta.lastModified ne "2024-01-01T01:00:00Z""#,
        &["U1", "U2", "U5", "u6"],
    ),
    (
        r#"meta.lastModified le "2024-01-01T02:00:00+02:00""#,
        &["U1", "U5"],
    ),
    (r#"meta.lastModified lt "2024-01-01T00:00:00""#, &["U5"]),
    (r#"meta.lastModified ge "2023-12-31T23:59:59.5Z""#, ALL),
    (
        r#"meta.lastModified gt "2023-12-31T23:59:59.5Z""#,
        &["U1", "U2", "U3", "U4", "u6"],
    ),
    (r#"meta.created lt "2024-01-01T00:00:00-05:00""#, &["U1"]),
    (
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[value eq "U2"]"#,
        &["U1"],
    ),
    // Attribute names are case-insensitive.
    (r#"USERNAME eq "h1-zed""#, &["u6"]),
    (
        r#"EMAILS[TYPE eq "home"] and Meta.LastModified lt "2024-01-01T00:00:01Z""#,
        &["U1", "U5"],
    ),
    // JSON escapes in values.
    (r#"userName eq "h1-a\"b""#, &["U4"]),
    (r#"userName eq "H1-O'MALLEY""#, &["U5"]),
    (r#"userName eq "h1-o\u0027malley""#, &["U5"]),
    (r#"userName co "\"""#, &["U4"]),
    (r#"displayName eq "Se\u00e1n o'malley""#, &["U5"]),
    // Attributes the schema does not define.
    (r#"shoeSize eq "x""#, &[]),
    ("shoeSize pr", &[]),
    (r#"not (shoeSize eq "x")"#, ALL),
    (r#"name.nickName eq "x""#, &[]),
    (r#"favouriteColour eq "BLUE""#, &["u6"]),
];

/// Filters that parse but must not compile against the User schema, each with a word its
/// error message must mention.
const USER_COMPILE_ERRORS: &[(&str, &str)] = &[
    ("active gt true", "gt"),
    (r#"active gt "x""#, "active"),
    (r#"active eq "yes""#, "active"),
    (r#"active co "true""#, "active"),
    (r#"name eq "x""#, "name"),
    (
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "U2""#,
        "manager",
    ),
    (r#"addresses eq "x""#, "addresses"),
    (
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User eq "x""#,
        "enterprise",
    ),
    (r#"x509Certificates.value gt "a""#, "x509Certificates.value"),
    (r#"meta.lastModified gt "yesterday""#, "meta.lastModified"),
    (r#"meta.lastModified ge "2024-01-01""#, "meta.lastModified"),
    (r#"meta.created eq "not a date""#, "meta.created"),
    ("meta.created eq 5", "meta.created"),
    ("userName eq 5", "userName"),
    ("userName co true", "co"),
    ("emails[primary gt true]", "gt"),
    (r#"emails[primary lt "x"]"#, "primary"),
    (r#"userName[value eq "x"]"#, "userName"),
    ("userName gt null", "gt"),
    ("userName co null", "co"),
    // An invalid comparison anywhere makes the whole filter invalid, whatever the data.
    (r#"userName eq "h1-Zed" or active ge false"#, "ge"),
    ("not (active lt true)", "lt"),
];

#[test]
fn user_filters_select_the_right_users() {
    check_table(schema::user(), &users(), USER_CASES);
}

#[test]
fn invalid_user_filters_fail_to_compile() {
    for &(input, needle) in USER_COMPILE_ERRORS {
        check_compile_error(schema::user(), input, needle);
    }
}

fn groups() -> Vec<Value> {
    vec![
        json!({
            "id": "G1",
            "displayName": "Engineers",
            "members": [{"value": "U1", "type": "User"}, {"value": "U3"}]
        }),
        json!({
            "id": "G2",
            "displayName": "Ops and Friends",
            "members": [{"value": "U2", "display": "Bob"}]
        }),
        json!({"id": "G3", "displayName": "Empty", "members": []}),
    ]
}

const GROUP_CASES: &[(&str, &[&str])] = &[
    (r#"members[value eq "U1"]"#, &["G1"]),
    (r#"members.value eq "U1""#, &["G1"]),
    (r#"members eq "U2""#, &["G2"]),
    // members.value is caseExact: true.
    (r#"members[value eq "u1"]"#, &[]),
    (r#"members.value eq "u1""#, &[]),
    // members.type is not.
    (r#"members[value eq "U1" and type eq "user"]"#, &["G1"]),
    (r#"members[value eq "U3" and type eq "User"]"#, &[]),
    (r#"displayName eq "ENGINEERS""#, &["G1"]),
    (r#"displayName co "AND""#, &["G2"]),
    ("members pr", &["G1", "G2"]),
    ("not (members pr)", &["G3"]),
    // Group has no userName.
    (r#"userName eq "h1-Zed""#, &[]),
];

#[test]
fn group_filters_select_the_right_groups() {
    check_table(schema::group(), &groups(), GROUP_CASES);
}

#[test]
fn invalid_group_filters_fail_to_compile() {
    check_compile_error(schema::group(), "members eq 5", "members");
    check_compile_error(schema::group(), r#"members[display gt true]"#, "gt");
    check_compile_error(schema::group(), "displayName eq true", "displayName");
}

/// "ΟΔΟΣ" literally contains and ends with "Σ", so a case-insensitive `co`/`ew` must match
/// it: ignoring case can only widen what matches.
#[test]
fn case_insensitive_matching_is_not_context_sensitive() {
    let fixtures = [json!({"id": "G", "userName": "h1-greek", "displayName": "ΟΔΟΣ"})];
    let cases: &[(&str, &[&str])] = &[
        (r#"displayName co "Σ""#, &["G"]),
        (r#"displayName ew "Σ""#, &["G"]),
        (r#"displayName co "σ""#, &["G"]),
        (r#"displayName eq "οδοσ""#, &["G"]),
    ];
    check_table(schema::user(), &fixtures, cases);
}
