//! Table tests of the filter grammar (RFC 7644 §3.4.2.2): every valid filter with the
//! canonical form it must print as, every invalid one with where and why it fails.

use scim_core::filter::{self, AttrPath, CompValue, CompareOp, Filter, MAX_DEPTH};

/// `(input, canonical form)`. Each input must parse, print as the canonical form, and the
/// canonical form must parse back to the same tree.
const VALID: &[(&str, &str)] = &[
    // The ten operators.
    (r#"userName eq "bjensen""#, r#"userName eq "bjensen""#),
    (r#"userName ne "bjensen""#, r#"userName ne "bjensen""#),
    (
        r#"name.familyName co "O'Malley""#,
        r#"name.familyName co "O'Malley""#,
    ),
    (r#"userName sw "J""#, r#"userName sw "J""#),
    (
        r#"userName ew "@example.com""#,
        r#"userName ew "@example.com""#,
    ),
    ("title pr", "title pr"),
    (
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
    ),
    (
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
    ),
    (
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
    ),
    (
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
    ),
    // Operators and keywords in any case.
    (r#"userName EQ "x""#, r#"userName eq "x""#),
    (
        r#"userName Eq "x" AND active eq true"#,
        r#"userName eq "x" and active eq true"#,
    ),
    (r#"a eq 1 OR b eq 2"#, "a eq 1 or b eq 2"),
    (r#"NOT (a eq 1)"#, "not (a eq 1)"),
    ("title PR", "title pr"),
    (
        r#"a Co "x" and b sW "y" and c eW "z""#,
        r#"a co "x" and b sw "y" and c ew "z""#,
    ),
    (
        "a gT 1 and b Ge 2 and c LT 3 and d lE 4",
        "a gt 1 and b ge 2 and c lt 3 and d le 4",
    ),
    // Literals.
    ("active eq true", "active eq true"),
    ("active eq false", "active eq false"),
    ("title eq null", "title eq null"),
    ("active eq TRUE", "active eq true"),
    ("x eq 42", "x eq 42"),
    ("x eq -7", "x eq -7"),
    ("x gt 1.5", "x gt 1.5"),
    ("x lt 2.5e3", "x lt 2500.0"),
    ("x eq 0", "x eq 0"),
    // JSON string escapes.
    (r#"userName eq "a\"b""#, r#"userName eq "a\"b""#),
    (
        r#"userName eq "back\\slash""#,
        r#"userName eq "back\\slash""#,
    ),
    (
        r#"name.givenName eq "Zo\u00eb""#,
        r#"name.givenName eq "Zoë""#,
    ),
    (r#"x eq "tab\there""#, r#"x eq "tab\there""#),
    (r#"x eq "\/""#, r#"x eq "/""#),
    (r#"x eq "\ud83d\ude00""#, r#"x eq "😀""#),
    (r#"x eq """#, r#"x eq """#),
    (
        r#"displayName eq "Sales and Marketing (EU)""#,
        r#"displayName eq "Sales and Marketing (EU)""#,
    ),
    (r#"userName eq "or""#, r#"userName eq "or""#),
    (r#"x eq "山田 Ñúñez""#, r#"x eq "山田 Ñúñez""#),
    // Precedence: not > and > or.
    ("a pr and b pr or c pr", "a pr and b pr or c pr"),
    ("a pr or b pr and c pr", "a pr or b pr and c pr"),
    ("a pr and (b pr or c pr)", "a pr and (b pr or c pr)"),
    ("(a pr or b pr) and c pr", "(a pr or b pr) and c pr"),
    ("(a pr and b pr) or c pr", "a pr and b pr or c pr"),
    ("((a pr))", "a pr"),
    ("(a pr and b pr) and c pr", "(a pr and b pr) and c pr"),
    ("a pr or (b pr or c pr)", "a pr or (b pr or c pr)"),
    ("not (a pr) and b pr", "not (a pr) and b pr"),
    ("not (a pr or b pr)", "not (a pr or b pr)"),
    ("not(a pr)", "not (a pr)"),
    ("not  (  a pr  )", "not (a pr)"),
    ("not (not (a pr))", "not (not (a pr))"),
    // Value paths.
    (
        r#"emails[type eq "work" and value co "@example.com"]"#,
        r#"emails[type eq "work" and value co "@example.com"]"#,
    ),
    (r#"emails[type eq "work"]"#, r#"emails[type eq "work"]"#),
    (
        r#"members[value eq "2819c223"]"#,
        r#"members[value eq "2819c223"]"#,
    ),
    (
        r#"emails[not (type eq "work")]"#,
        r#"emails[not (type eq "work")]"#,
    ),
    (
        r#"emails[type eq "work" or (primary eq true)]"#,
        r#"emails[type eq "work" or primary eq true]"#,
    ),
    (
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
    ),
    (
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    ),
    // Entra's sub-attribute after the brackets joins the bracketed condition.
    (
        r#"emails[type eq "work"].value eq "a@b.c""#,
        r#"emails[type eq "work" and value eq "a@b.c"]"#,
    ),
    // Sub-attributes and URN-qualified paths.
    (
        r#"name.familyName eq "Jensen""#,
        r#"name.familyName eq "Jensen""#,
    ),
    (
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
    ),
    (
        r#"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "J""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "J""#,
    ),
    (
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#,
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#,
    ),
    (
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr",
    ),
    (r#"members.$ref pr"#, "members.$ref pr"),
    (r#"x-custom_attr1 eq "y""#, r#"x-custom_attr1 eq "y""#),
    // Whitespace is flexible around tokens.
    ("  userName   eq   \"x\"  ", r#"userName eq "x""#),
    ("a eq\"x\"", r#"a eq "x""#),
    ("a eq 1\tand\nb eq 2", "a eq 1 and b eq 2"),
    // Attribute names that look like keywords are attribute names.
    ("not pr", "not pr"),
    (r#"and eq "x""#, r#"and eq "x""#),
    // The RFC's own examples (RFC 7644 §3.4.2.2).
    (
        r#"title pr and userType eq "Employee""#,
        r#"title pr and userType eq "Employee""#,
    ),
    (
        r#"title pr or userType eq "Intern""#,
        r#"title pr or userType eq "Intern""#,
    ),
    (
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
    ),
    (
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
    ),
    (
        r#"userType eq "Employee" and (emails.type eq "work")"#,
        r#"userType eq "Employee" and emails.type eq "work""#,
    ),
];

/// `(input, byte offset of the error, a fragment of its message)`.
const INVALID: &[(&str, usize, &str)] = &[
    ("", 0, "ends early"),
    ("   ", 3, "ends early"),
    ("userName", 8, "expected an operator"),
    ("userName eq", 11, "expected a value"),
    (r#"userName regex "a""#, 9, "unknown operator 'regex'"),
    (r#"userName equals "a""#, 9, "unknown operator"),
    (r#"(userName eq "a""#, 16, "expected ')'"),
    (r#"userName eq "a")"#, 15, "expected 'and', 'or'"),
    (
        r#"userName eq "a" xor active eq true"#,
        16,
        "expected 'and', 'or'",
    ),
    (r#"userName eq "a" and"#, 19, "ends early"),
    (r#"or userName eq "a""#, 3, "unknown operator 'userName'"),
    (r#"userName eq bjensen"#, 12, "double quotes"),
    (r#"userName eq 'bjensen'"#, 12, "double quotes"),
    (r#"userName eq "open"#, 12, "unterminated string"),
    (r#"userName eq "bad \x escape""#, 12, "invalid string"),
    (r#"x eq "\ud800""#, 5, "invalid string"),
    ("x eq \"raw\u{1}control\"", 9, "control characters"),
    ("x eq 1.2.3", 5, "invalid number"),
    ("x eq 01", 5, "invalid number"),
    ("x eq -", 5, "invalid number"),
    ("x eq 1e999", 5, "invalid number"),
    (r#"emails[type eq "work""#, 21, "expected ']'"),
    (r#"emails[type eq "work"]]"#, 22, "expected 'and', 'or'"),
    (r#"emails[]"#, 7, "expected an attribute name"),
    (r#"emails[type[value eq "x"]]"#, 11, "cannot be nested"),
    (
        r#"emails.value[type eq "x"]"#,
        0,
        "not to the sub-attribute",
    ),
    (r#"name.given.name eq "x""#, 10, "at most one sub-attribute"),
    (r#"9lives eq "x""#, 0, "expected an attribute name"),
    (r#"user@name eq "x""#, 4, "unexpected character '@'"),
    (r#"urn:x: eq "x""#, 6, "expected an attribute name"),
    (r#":name eq "x""#, 0, "unexpected character ':'"),
    ("not", 3, "expected an operator"),
    ("not (", 5, "ends early"),
    ("not ()", 5, "expected an attribute name"),
    ("()", 1, "expected an attribute name"),
    ("a pr b pr", 5, "expected 'and', 'or'"),
    (r#"a eq "x" "y""#, 9, "expected 'and', 'or'"),
    (r#"a eq ("x")"#, 5, "expected a value"),
    (
        r#"emails[type eq "work"].value"#,
        28,
        "expected an operator",
    ),
    (
        r#"emails[type eq "work"].value.x eq "y""#,
        23,
        "expected a sub-attribute name",
    ),
    ("a pr and é", 9, "unexpected character 'é'"),
];

#[test]
fn valid_filters_parse_to_their_canonical_form() {
    assert!(
        VALID.len() >= 60,
        "keep at least 60 valid cases, have {}",
        VALID.len()
    );
    for (input, canonical) in VALID {
        let ast = filter::parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e}"));
        assert_eq!(ast.to_string(), *canonical, "canonical form of {input:?}");
        let again = filter::parse(canonical)
            .unwrap_or_else(|e| panic!("canonical {canonical:?} should parse: {e}"));
        assert_eq!(
            again, ast,
            "{canonical:?} should parse back to the tree of {input:?}"
        );
    }
}

#[test]
fn invalid_filters_fail_at_the_right_place_with_a_reason() {
    assert!(
        INVALID.len() >= 30,
        "keep at least 30 invalid cases, have {}",
        INVALID.len()
    );
    let mut wrong = Vec::new();
    for (input, offset, fragment) in INVALID {
        match filter::parse(input) {
            Ok(ast) => wrong.push(format!("{input:?} should not parse, got {ast}")),
            Err(e) if !e.message.contains(fragment) || e.offset != *offset => wrong.push(format!(
                "{input:?}: got {:?} at {}, want {fragment:?} at {offset}",
                e.message, e.offset
            )),
            Err(_) => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn attr(s: &str) -> AttrPath {
    AttrPath::parse(s).unwrap()
}

fn cmp(path: &str, op: CompareOp, value: impl Into<CompValue>) -> Filter {
    Filter::Compare {
        path: attr(path),
        op,
        value: value.into(),
    }
}

#[test]
fn precedence_is_not_then_and_then_or() {
    // a and b or c = (a and b) or c
    assert_eq!(
        filter::parse("a pr and b pr or c pr").unwrap(),
        Filter::Or(vec![
            Filter::And(vec![Filter::Present(attr("a")), Filter::Present(attr("b"))]),
            Filter::Present(attr("c"))
        ])
    );
    // a or b and c = a or (b and c)
    assert_eq!(
        filter::parse("a pr or b pr and c pr").unwrap(),
        Filter::Or(vec![
            Filter::Present(attr("a")),
            Filter::And(vec![Filter::Present(attr("b")), Filter::Present(attr("c"))])
        ])
    );
    // not binds to its parenthesised operand only.
    assert_eq!(
        filter::parse("not (a pr) and b pr").unwrap(),
        Filter::And(vec![
            Filter::Not(Box::new(Filter::Present(attr("a")))),
            Filter::Present(attr("b"))
        ])
    );
    // Chains are flat, however long.
    let long = vec!["x pr"; 500].join(" and ");
    assert!(matches!(filter::parse(&long).unwrap(), Filter::And(items) if items.len() == 500));
}

#[test]
fn the_ast_keeps_paths_values_and_operators() {
    assert_eq!(
        filter::parse(r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value EQ "26118915-6090""#).unwrap(),
        Filter::Compare {
            path: AttrPath {
                urn: Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".into()),
                name: "manager".into(),
                sub: Some("value".into()),
            },
            op: CompareOp::Eq,
            value: CompValue::String("26118915-6090".into()),
        }
    );
    assert_eq!(
        filter::parse(r#"emails[type eq "work" and value co "@example.com"]"#).unwrap(),
        Filter::ValuePath {
            path: attr("emails"),
            filter: Box::new(Filter::And(vec![
                cmp("type", CompareOp::Eq, "work"),
                cmp("value", CompareOp::Co, "@example.com"),
            ])),
        }
    );
    assert_eq!(
        filter::parse("x ge -3").unwrap(),
        cmp("x", CompareOp::Ge, -3)
    );
    assert_eq!(
        filter::parse("x eq null").unwrap(),
        Filter::Compare {
            path: attr("x"),
            op: CompareOp::Eq,
            value: CompValue::Null
        }
    );
    assert_eq!(
        filter::parse(r#"userName eq "a\"b""#).unwrap(),
        cmp("userName", CompareOp::Eq, "a\"b")
    );
}

#[test]
fn nesting_is_bounded() {
    let ok = format!("{}a pr{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert!(filter::parse(&ok).is_ok());
    let deep = format!(
        "{}a pr{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    let e = filter::parse(&deep).unwrap_err();
    assert!(e.message.contains("nests deeper"), "{e}");
    assert_eq!(e.offset, MAX_DEPTH + 1);
    let nots = format!("{}a pr{}", "not (".repeat(100_000), ")".repeat(100_000));
    assert!(
        filter::parse(&nots)
            .unwrap_err()
            .message
            .contains("nests deeper")
    );
    let brackets = format!("emails[{}a pr{}]", "(".repeat(100_000), ")".repeat(100_000));
    assert!(
        filter::parse(&brackets)
            .unwrap_err()
            .message
            .contains("nests deeper")
    );
}

#[test]
fn parse_errors_become_invalid_filter_bodies() {
    let e = scim_core::ScimError::from(filter::parse("userName regex \"a\"").unwrap_err());
    assert_eq!(e.status, 400);
    assert_eq!(e.scim_type, Some(scim_core::ScimType::InvalidFilter));
    assert!(e.detail.unwrap().contains("regex"));
}

#[test]
fn a_number_literal_parses_exactly_as_a_resource_value_does() {
    // Floats whose nearest double serde_json's fast (non-roundtrip) parser misses by an ulp:
    // a filter literal and the resource value it is compared with must agree.
    for text in [
        "7.62715654462895e+144",
        "2.0772125561121846e+85",
        "0.1",
        "-3.5e-300",
    ] {
        let f = filter::parse(&format!("x eq {text}")).unwrap();
        let Filter::Compare {
            value: CompValue::Number(n),
            ..
        } = f
        else {
            panic!("{text}: {f:?}");
        };
        let in_resource: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(n.as_f64(), in_resource.as_f64(), "{text}");
        assert_eq!(n.as_f64(), text.parse::<f64>().ok(), "{text}");
    }
}
