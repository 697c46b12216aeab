//! Property tests of the filter grammar and evaluator:
//! - every tree prints to text that parses back to the same tree;
//! - the parsers return `Ok` or a located `Err` for any input, never panic;
//! - the compiled evaluator agrees with a deliberately naive one on generated users.

use proptest::prelude::*;
use scim_core::filter::{self, AttrPath, CompValue, CompareOp, Filter, Matcher};
use scim_core::patch::PatchPath;
use scim_core::schema;
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------
// Round trip: parse(display(ast)) == ast.

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9_-]{0,8}",
        // Names that are also keywords must still read as names where a name is expected.
        Just("not".to_owned()),
        Just("and".to_owned()),
        Just("or".to_owned()),
        Just("pr".to_owned()),
        Just("eq".to_owned()),
        Just("true".to_owned()),
        Just("$ref".to_owned()),
    ]
}

fn attr_path(allow_sub: bool) -> impl Strategy<Value = AttrPath> {
    let urn = prop_oneof![
        4 => Just(None),
        1 => Just(Some("urn:ietf:params:scim:schemas:core:2.0:User".to_owned())),
        1 => Just(Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_owned())),
        1 => "[a-z]{1,4}(:[a-zA-Z0-9.]{1,5}){1,3}".prop_map(Some),
    ];
    let sub = if allow_sub {
        proptest::option::of(name()).boxed()
    } else {
        Just(None).boxed()
    };
    (urn, name(), sub).prop_map(|(urn, name, sub)| AttrPath { urn, name, sub })
}

fn comp_value() -> impl Strategy<Value = CompValue> {
    prop_oneof![
        Just(CompValue::Null),
        any::<bool>().prop_map(CompValue::Bool),
        any::<i64>().prop_map(CompValue::from),
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(CompValue::Number),
        any::<String>().prop_map(CompValue::String),
        // Strings that look like grammar.
        prop_oneof![
            Just("and"),
            Just(") or (x pr"),
            Just("a\"b\\c"),
            Just("]"),
            Just("\u{0}\u{1f}")
        ]
        .prop_map(CompValue::from),
    ]
}

fn op() -> impl Strategy<Value = CompareOp> {
    proptest::sample::select(CompareOp::ALL.to_vec())
}

fn leaf() -> impl Strategy<Value = Filter> {
    prop_oneof![
        (attr_path(true), op(), comp_value()).prop_map(|(path, op, value)| Filter::Compare {
            path,
            op,
            value
        }),
        attr_path(true).prop_map(Filter::Present),
    ]
}

/// A filter without value paths (the inside of a value path, or a plain filter).
fn plain_filter() -> impl Strategy<Value = Filter> {
    leaf().prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::Or),
            inner.prop_map(|f| Filter::Not(Box::new(f))),
        ]
    })
}

fn any_filter() -> impl Strategy<Value = Filter> {
    let value_path =
        (attr_path(false), plain_filter()).prop_map(|(path, filter)| Filter::ValuePath {
            path,
            filter: Box::new(filter),
        });
    prop_oneof![3 => leaf(), 1 => value_path].prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::Or),
            inner.prop_map(|f| Filter::Not(Box::new(f))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn display_then_parse_gives_the_same_tree(ast in any_filter()) {
        let text = ast.to_string();
        let back = filter::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(back, ast, "text: {}", text);
    }

    #[test]
    fn patch_paths_round_trip(attr in attr_path(false), f in proptest::option::of(plain_filter()), sub in proptest::option::of(name())) {
        let path = match f {
            Some(f) => PatchPath { attr, filter: Some(f), sub },
            None => PatchPath::attr(attr),
        };
        let text = path.to_string();
        let back = PatchPath::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(back, path);
    }
}

// ---------------------------------------------------------------------------------------
// No panics, and errors always point inside the input.

fn filterish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("userName"),
        Just("emails"),
        Just("name.givenName"),
        Just("urn:a:b:c"),
        Just(" "),
        Just("eq"),
        Just("EQ"),
        Just("pr"),
        Just("gt"),
        Just("and"),
        Just("Or"),
        Just("not"),
        Just("("),
        Just(")"),
        Just("["),
        Just("]"),
        Just("."),
        Just("\""),
        Just("\"x\""),
        Just("\\"),
        Just("\\u00"),
        Just("1"),
        Just("-"),
        Just("e9"),
        Just("true"),
        Just("null"),
        Just("é"),
        Just(":"),
        Just("$ref"),
        Just("'"),
    ];
    prop::collection::vec(token, 0..24).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic(input in prop_oneof![any::<String>(), filterish()]) {
        for result in [filter::parse(&input).map(|_| ()), PatchPath::parse(&input).map(|_| ()), AttrPath::parse(&input).map(|_| ())] {
            if let Err(e) = result {
                prop_assert!(e.offset <= input.len(), "offset {} past the end of {:?}", e.offset, input);
                prop_assert!(!e.message.is_empty());
            }
        }
        // Anything that parses compiles or fails cleanly, and evaluates without panicking.
        if let Ok(f) = filter::parse(&input)
            && let Ok(m) = Matcher::compile(&f, schema::user())
        {
            let _ = m.matches(&json!({"userName": "x", "emails": [{"value": "y"}], "name": {"givenName": "z"}}));
        }
    }
}

// ---------------------------------------------------------------------------------------
// The compiled evaluator against a naive one.

const STRINGS: &[&str] = &[
    "alice",
    "Alice",
    "ALICE@x.test",
    "ali",
    "bob",
    "Bob Smith",
    "",
    "zoë",
    "ZOË",
];
const DATES: &[&str] = &[
    "2024-01-01T00:00:00Z",
    "2024-01-01T02:00:00+02:00",
    "2024-01-01T00:00:01Z",
    "2023-12-31T23:59:59Z",
];

fn text() -> impl Strategy<Value = String> {
    proptest::sample::select(STRINGS).prop_map(str::to_owned)
}

fn user() -> impl Strategy<Value = Value> {
    let email = (
        text(),
        proptest::option::of(prop_oneof![Just("work"), Just("home"), Just("WORK")]),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(|(value, kind, primary)| {
            let mut e = Map::new();
            e.insert("value".into(), value.into());
            if let Some(k) = kind {
                e.insert("type".into(), k.into());
            }
            if let Some(p) = primary {
                e.insert("primary".into(), p.into());
            }
            Value::Object(e)
        });
    (
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(text()),
        proptest::option::of(prop::collection::vec(email, 0..3)),
        proptest::option::of(proptest::sample::select(DATES)),
        any::<bool>(),
    )
        .prop_map(
            |(user_name, display, external, title, active, given, emails, modified, shout)| {
                let mut u = Map::new();
                // Attribute names are case-insensitive in stored JSON too.
                let user_name_key = if shout { "USERNAME" } else { "userName" };
                let mut put = |k: &str, v: Option<Value>| {
                    if let Some(v) = v {
                        u.insert(k.to_owned(), v);
                    }
                };
                put(user_name_key, user_name.map(Value::from));
                put("displayName", display.map(Value::from));
                put("externalId", external.map(Value::from));
                put("title", title.map(Value::from));
                put("active", active.map(Value::from));
                put("name", given.map(|g| json!({"givenName": g})));
                put("emails", emails.map(Value::from));
                put("meta", modified.map(|m| json!({"lastModified": m})));
                Value::Object(u)
            },
        )
}

/// Well-typed filters over the attributes `user()` generates.
fn typed_filter() -> impl Strategy<Value = Filter> {
    let string_attr = proptest::sample::select(vec![
        "userName",
        "UserName",
        "displayName",
        "externalId",
        "title",
        "name.givenName",
        "emails",
        "emails.value",
        "emails.type",
        "urn:ietf:params:scim:schemas:core:2.0:User:userName",
    ]);
    let string_cmp = (string_attr.clone(), op(), text()).prop_map(|(a, op, v)| Filter::Compare {
        path: AttrPath::parse(a).unwrap(),
        op,
        value: CompValue::String(v),
    });
    let present = proptest::sample::select(vec![
        "userName",
        "title",
        "name",
        "emails",
        "active",
        "meta.lastModified",
        "nope",
    ])
    .prop_map(|a| Filter::Present(AttrPath::parse(a).unwrap()));
    let active = (
        prop_oneof![Just(CompareOp::Eq), Just(CompareOp::Ne)],
        any::<bool>(),
    )
        .prop_map(|(op, b)| Filter::Compare {
            path: AttrPath::new("active"),
            op,
            value: CompValue::Bool(b),
        });
    let nulls = (
        string_attr,
        prop_oneof![Just(CompareOp::Eq), Just(CompareOp::Ne)],
    )
        .prop_map(|(a, op)| Filter::Compare {
            path: AttrPath::parse(a).unwrap(),
            op,
            value: CompValue::Null,
        });
    let dates = (
        prop_oneof![
            Just(CompareOp::Eq),
            Just(CompareOp::Ne),
            Just(CompareOp::Gt),
            Just(CompareOp::Ge),
            Just(CompareOp::Lt),
            Just(CompareOp::Le)
        ],
        proptest::sample::select(DATES),
    )
        .prop_map(|(op, d)| Filter::Compare {
            path: AttrPath::parse("meta.lastModified").unwrap(),
            op,
            value: d.into(),
        });
    let element = prop_oneof![
        (prop_oneof![Just("value"), Just("type")], op(), text()).prop_map(|(a, op, v)| {
            Filter::Compare {
                path: AttrPath::new(a),
                op,
                value: CompValue::String(v),
            }
        }),
        any::<bool>().prop_map(|b| Filter::Compare {
            path: AttrPath::new("primary"),
            op: CompareOp::Eq,
            value: CompValue::Bool(b)
        }),
    ];
    let element = element.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..3).prop_map(Filter::And),
            prop::collection::vec(inner.clone(), 2..3).prop_map(Filter::Or),
            inner.prop_map(|f| Filter::Not(Box::new(f))),
        ]
    });
    let value_path = element.prop_map(|f| Filter::ValuePath {
        path: AttrPath::new("emails"),
        filter: Box::new(f),
    });
    prop_oneof![4 => string_cmp, 1 => present, 1 => active, 1 => nulls, 1 => dates, 2 => value_path]
        .prop_recursive(4, 24, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::And),
                prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::Or),
                inner.prop_map(|f| Filter::Not(Box::new(f))),
            ]
        })
}

/// Field lookup ignoring case, the slow obvious way.
fn field<'a>(o: &'a Value, name: &str) -> Option<&'a Value> {
    o.as_object()?
        .iter()
        .find(|(k, _)| k.to_lowercase() == name.to_lowercase())
        .map(|(_, v)| v)
}

/// Every value a path names on a user, flattened. In a comparison (not `pr`, not `eq null`),
/// a multi-valued complex attribute named whole means its `value`.
fn naive_values(user: &Value, path: &AttrPath, comparing: bool) -> Vec<Value> {
    let lower = path.name.to_lowercase();
    let sub = match (lower.as_str(), &path.sub) {
        ("emails", None) if comparing => Some("value".to_owned()),
        (_, s) => s.clone(),
    };
    let Some(top) = field(user, &path.name) else {
        return vec![];
    };
    let items: Vec<&Value> = match top {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    match sub {
        None => items.into_iter().cloned().collect(),
        Some(s) => items
            .into_iter()
            .filter_map(|i| field(i, &s))
            .cloned()
            .collect(),
    }
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => a.iter().any(present),
        Value::Object(o) => o.values().any(present),
        _ => true,
    }
}

fn naive_compare(v: &Value, op: CompareOp, operand: &CompValue, case_exact: bool) -> bool {
    let date = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    match (v, operand) {
        (Value::Bool(b), CompValue::Bool(o)) => match op {
            CompareOp::Eq => b == o,
            CompareOp::Ne => b != o,
            _ => unreachable!("generated only eq/ne on booleans"),
        },
        (Value::String(s), CompValue::String(o)) => {
            if let (Some(a), Some(b)) = (date(s), date(o)) {
                return match op {
                    CompareOp::Eq => a == b,
                    CompareOp::Ne => a != b,
                    CompareOp::Gt => a > b,
                    CompareOp::Ge => a >= b,
                    CompareOp::Lt => a < b,
                    CompareOp::Le => a <= b,
                    _ => unreachable!(),
                };
            }
            let (a, b) = if case_exact {
                (s.clone(), o.clone())
            } else {
                (s.to_lowercase(), o.to_lowercase())
            };
            match op {
                CompareOp::Eq => a == b,
                CompareOp::Ne => a != b,
                CompareOp::Co => a.contains(&b),
                CompareOp::Sw => a.starts_with(&b),
                CompareOp::Ew => a.ends_with(&b),
                CompareOp::Gt => a > b,
                CompareOp::Ge => a >= b,
                CompareOp::Lt => a < b,
                CompareOp::Le => a <= b,
            }
        }
        _ => false,
    }
}

fn naive(f: &Filter, obj: &Value) -> bool {
    match f {
        Filter::And(items) => items.iter().all(|i| naive(i, obj)),
        Filter::Or(items) => items.iter().any(|i| naive(i, obj)),
        Filter::Not(inner) => !naive(inner, obj),
        Filter::Present(path) => naive_values(obj, path, false).iter().any(present),
        Filter::Compare {
            path,
            op,
            value: CompValue::Null,
        } => {
            let any = naive_values(obj, path, false).iter().any(present);
            if *op == CompareOp::Eq { !any } else { any }
        }
        Filter::Compare { path, op, value } => {
            let case_exact = path.name.eq_ignore_ascii_case("externalId");
            naive_values(obj, path, true)
                .iter()
                .any(|v| naive_compare(v, *op, value, case_exact))
        }
        Filter::ValuePath { path, filter } => match field(obj, &path.name) {
            Some(Value::Array(items)) => items.iter().any(|e| naive(filter, e)),
            _ => false,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn evaluator_agrees_with_a_naive_one(f in typed_filter(), users in prop::collection::vec(user(), 1..6)) {
        let m = Matcher::compile(&f, schema::user()).map_err(|e| TestCaseError::fail(format!("{f}: {e}")))?;
        for u in &users {
            prop_assert_eq!(m.matches(u), naive(&f, u), "filter {} on {}", f, u);
        }
    }
}
