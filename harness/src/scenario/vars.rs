//! `${name}` variables in scenario strings.
//!
//! Built in: `${run}` (the run's prefix), `${base_url}`, `${email_domain}` (test users'
//! domain), `${i}` (in a repeated step),
//! `${users.KEY.login|email|first_name|last_name|okta_id|id}` (`id` once Okta has provisioned
//! the user) and `${groups.KEY.name|id}`. Captures add their own names. `$${` writes a
//! literal `${`.

use std::collections::BTreeMap;

use serde_json::Value;

/// A variable a string refers to but nobody set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("undefined variable ${{{0}}}")]
pub struct Undefined(pub String);

/// The names a string refers to, in order.
pub fn references(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        if rest[..i].ends_with('$') {
            rest = &rest[i + 2..];
            continue;
        }
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(end) => {
                out.push(after[..end].trim().to_owned());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

/// Variable values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vars(BTreeMap<String, String>);

impl Vars {
    /// Sets a variable.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    /// A variable's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Replaces every `${name}` in `s`.
    pub fn interpolate(&self, s: &str) -> Result<String, Undefined> {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find("${") {
            if rest[..i].ends_with('$') {
                out.push_str(&rest[..i - 1]);
                out.push_str("${");
                rest = &rest[i + 2..];
                continue;
            }
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[i..]);
                return Ok(out);
            };
            let name = after[..end].trim();
            out.push_str(self.get(name).ok_or_else(|| Undefined(name.to_owned()))?);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Replaces variables in every string of a JSON value (keys included).
    pub fn interpolate_json(&self, v: &Value) -> Result<Value, Undefined> {
        Ok(match v {
            Value::String(s) => Value::String(self.interpolate(s)?),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.interpolate_json(i))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| Ok((self.interpolate(k)?, self.interpolate_json(v)?)))
                    .collect::<Result<_, Undefined>>()?,
            ),
            other => other.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn interpolates_and_escapes() {
        let mut v = Vars::default();
        v.set("run", "h1a2");
        v.set("users.alice.id", "u-1");
        assert_eq!(
            v.interpolate("/Users/${users.alice.id}?x=${run}").unwrap(),
            "/Users/u-1?x=h1a2"
        );
        assert_eq!(
            v.interpolate("$${run} costs $5").unwrap(),
            "${run} costs $5"
        );
        assert_eq!(v.interpolate("${nope}"), Err(Undefined("nope".into())));
        assert_eq!(
            v.interpolate_json(&json!({"a": ["${run}", 1]})).unwrap(),
            json!({"a": ["h1a2", 1]})
        );
        assert_eq!(references("a ${x} b ${ y } $${z}"), vec!["x", "y"]);
    }
}
