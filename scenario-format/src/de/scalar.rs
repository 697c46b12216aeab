//! What a plain scalar is, by YAML 1.2's core schema: null, a boolean, an integer, a float,
//! or else text. Quoted and block scalars are always text.

/// YAML 1.2 core schema: a plain scalar's null.
pub(super) fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

pub(super) fn as_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

pub(super) fn as_u64(text: &str) -> Option<u64> {
    let t = text.strip_prefix('+').unwrap_or(text);
    // `from_str_radix` takes a sign too; YAML does not, after the prefix.
    if let Some(hex) = t.strip_prefix("0x") {
        return hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| u64::from_str_radix(hex, 16).ok())
            .flatten();
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return oct
            .bytes()
            .all(|b| (b'0'..=b'7').contains(&b))
            .then(|| u64::from_str_radix(oct, 8).ok())
            .flatten();
    }
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

pub(super) fn as_i64(text: &str) -> Option<i64> {
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty() => {
            text.parse().ok()
        }
        _ => as_u64(text).and_then(|n| i64::try_from(n).ok()),
    }
}

pub(super) fn as_f64(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ => {
            let body = text.trim_start_matches(['-', '+']);
            let looks_numeric = !body.is_empty()
                && body
                    .bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
                && body
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_digit() || b == b'.');
            if looks_numeric {
                text.parse().ok()
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_by_the_core_schema() {
        assert!(is_null("") && is_null("~") && is_null("NULL") && !is_null("nil"));
        assert_eq!(as_bool("True"), Some(true));
        assert_eq!(as_bool("yes"), None, "YAML 1.1's yes is text in 1.2");
        assert_eq!(as_u64("0x1F"), Some(31));
        assert_eq!(as_u64("0o17"), Some(15));
        assert_eq!(as_u64("+7"), Some(7));
        assert_eq!(as_u64("007"), Some(7));
        assert_eq!(as_u64("1_000"), None);
        assert_eq!(as_u64("0x+1F"), None);
        assert_eq!(as_u64("0o+7"), None);
        assert_eq!(as_i64("-12"), Some(-12));
        assert_eq!(as_f64("1e3"), Some(1000.0));
        assert_eq!(as_f64(".5"), Some(0.5));
        assert_eq!(as_f64("-.inf"), Some(f64::NEG_INFINITY));
        assert!(as_f64(".nan").is_some_and(f64::is_nan));
        assert_eq!(as_f64("e3"), None);
        assert_eq!(as_f64("1.2.3"), None);
    }
}
