//! Small helpers over `serde_json` maps, shared by the evaluator, the PATCH engine and the
//! typed accessors: SCIM attribute names are case-insensitive (RFC 7643 §2.1), so every
//! lookup into a client's JSON ignores case.

use serde_json::{Map, Value};

/// Looks a key up ignoring ASCII case; an exact match (the stored, canonical form) is tried
/// first so the common case is one map lookup.
pub fn get_ci<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// Removes the entry whose key equals `key` ignoring ASCII case, returning its value.
pub fn take_ci(map: &mut Map<String, Value>, key: &str) -> Option<Value> {
    if let Some(v) = map.remove(key) {
        return Some(v);
    }
    let actual = map.keys().find(|k| k.eq_ignore_ascii_case(key))?.clone();
    map.remove(&actual)
}

/// Whether a value of a multi-valued attribute is marked `"primary": true`.
pub fn is_primary(v: &Value) -> bool {
    v.get("primary") == Some(&Value::Bool(true))
}

/// The JSON type of a value, for messages ("expected a string, found a number").
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookups_ignore_case() {
        let Value::Object(mut m) = json!({"userName": "a", "Emails": []}) else {
            unreachable!()
        };
        assert_eq!(get_ci(&m, "USERNAME"), Some(&json!("a")));
        assert_eq!(take_ci(&mut m, "emails"), Some(json!([])));
        assert!(get_ci(&m, "emails").is_none());
        assert_eq!(json_type(&json!(1)), "a number");
    }
}
