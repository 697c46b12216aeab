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

/// A piece of a string: literal text, or the name in a `${name}`.
enum Piece<'a> {
    Text(&'a str),
    Var(&'a str),
}

/// Splits `s` into literal text and `${name}` references, in order, handing each piece to `f`
/// (which may stop the scan with an error). `$${` is the literal text `${`; a `${` without a
/// closing `}` is literal text.
fn scan<'a, E>(s: &'a str, mut f: impl FnMut(Piece<'a>) -> Result<(), E>) -> Result<(), E> {
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        if rest[..i].ends_with('$') {
            f(Piece::Text(&rest[..i - 1]))?;
            f(Piece::Text(&rest[i..i + 2]))?;
            rest = &rest[i + 2..];
            continue;
        }
        f(Piece::Text(&rest[..i]))?;
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            rest = &rest[i..];
            break;
        };
        f(Piece::Var(after[..end].trim()))?;
        rest = &after[end + 1..];
    }
    f(Piece::Text(rest))
}

/// The names a string refers to, in order.
pub fn references(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let _ = scan(s, |p| {
        if let Piece::Var(name) = p {
            out.push(name);
        }
        Ok::<_, std::convert::Infallible>(())
    });
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
        scan(s, |p| {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(name) => {
                    out.push_str(self.get(name).ok_or_else(|| Undefined(name.to_owned()))?)
                }
            }
            Ok(())
        })?;
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
        assert_eq!(references("open ${x"), Vec::<&str>::new());
        assert_eq!(v.interpolate("open ${run").unwrap(), "open ${run");
        assert_eq!(v.interpolate("a$${run}${run}").unwrap(), "a${run}h1a2");
    }
}
