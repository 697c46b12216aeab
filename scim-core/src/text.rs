//! String comparison under SCIM's `caseExact` rule, without allocating on the common path.
//!
//! `caseExact: false` attributes (`userName`, `displayName`, `emails.value`) compare
//! case-insensitively for every operator (RFC 7643 §7; RFC 7644 §3.4.2.2). ASCII strings are
//! compared byte by byte; anything else is brought to compatibility normal form (NFKC) and
//! folded with Unicode lower-casing, as PRECIS does for usernames (RFC 8265 §3.2), so that
//! look-alikes that are the same text (full-width `ｂｏｂ` and `bob`, a decomposed and a
//! composed `å`) compare equal, while letters of different scripts stay distinct.

use std::borrow::Cow;
use std::cmp::Ordering;

/// Folds a string for case-insensitive comparison: NFKC, then Unicode lower case with the
/// final sigma `ς` folded to `σ` as Unicode case folding does (so that `"ΟΔΟΣ" co "Σ"`
/// holds wherever the sigma sits), then NFKC again, since lower-casing can leave a string
/// unnormalised.
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        let nfkc = icu_normalizer::ComposingNormalizerBorrowed::new_nfkc();
        let lower: String = nfkc
            .normalize(s)
            .chars()
            .flat_map(char::to_lowercase)
            .map(|c| if c == 'ς' { 'σ' } else { c })
            .collect();
        Cow::Owned(nfkc.normalize(&lower).into_owned())
    }
}

/// Equality, case-insensitive unless `case_exact`.
pub fn eq(a: &str, b: &str, case_exact: bool) -> bool {
    if case_exact {
        a == b
    } else if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        fold(a) == fold(b)
    }
}

/// Ordering, case-insensitive unless `case_exact` (RFC 7644 §3.4.2.3: "case-insensitive
/// Unicode alphabetic sort order, with no specific locale implied").
pub fn cmp(a: &str, b: &str, case_exact: bool) -> Ordering {
    if case_exact {
        a.cmp(b)
    } else {
        fold(a).cmp(&fold(b))
    }
}

/// Whether `haystack` contains `needle`, where `needle` is already folded when `!case_exact`.
pub(crate) fn contains_folded(haystack: &str, needle: &str, case_exact: bool) -> bool {
    if case_exact {
        haystack.contains(needle)
    } else {
        fold(haystack).contains(needle)
    }
}

/// Whether `haystack` starts with `needle` (already folded when `!case_exact`).
pub(crate) fn starts_with_folded(haystack: &str, needle: &str, case_exact: bool) -> bool {
    if case_exact {
        haystack.starts_with(needle)
    } else if haystack.is_ascii() && needle.is_ascii() {
        haystack.len() >= needle.len()
            && haystack.as_bytes()[..needle.len()].eq_ignore_ascii_case(needle.as_bytes())
    } else {
        fold(haystack).starts_with(needle)
    }
}

/// Whether `haystack` ends with `needle` (already folded when `!case_exact`).
pub(crate) fn ends_with_folded(haystack: &str, needle: &str, case_exact: bool) -> bool {
    if case_exact {
        haystack.ends_with(needle)
    } else if haystack.is_ascii() && needle.is_ascii() {
        haystack.len() >= needle.len()
            && haystack.as_bytes()[haystack.len() - needle.len()..]
                .eq_ignore_ascii_case(needle.as_bytes())
    } else {
        fold(haystack).ends_with(needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_that_are_the_same_text_compare_equal_and_other_scripts_do_not() {
        // NFC and NFD `å`.
        assert!(eq("\u{e5}sa@x.test", "a\u{30a}sa@x.test", false));
        // Full-width letters.
        assert!(eq("ｂｏｂ@x.test", "BOB@x.test", false));
        // Cyrillic `а` is another letter than Latin `a`.
        assert!(!eq("\u{430}lice@x.test", "alice@x.test", false));
        // Case-exact comparison stays byte for byte.
        assert!(!eq("\u{e5}", "a\u{30a}", true));
    }

    #[test]
    fn case_rules() {
        assert!(eq("Alice@Example.COM", "alice@example.com", false));
        assert!(!eq("Alice", "alice", true));
        assert!(eq("ZOË", "zoë", false));
        assert_eq!(cmp("alice", "Bob", false), Ordering::Less);
        assert_eq!(cmp("alice", "Bob", true), Ordering::Greater);
        assert!(starts_with_folded("H1-Alice", "h1-a", false));
        assert!(ends_with_folded("x@EXAMPLE.test", "example.test", false));
        assert!(contains_folded("ÑÚÑEZ", "úñ", false));
        assert!(contains_folded("ΟΔΟΣ", &fold("Σ"), false));
        assert!(eq("οδος", "ΟΔΟΣ", false));
        assert!(!starts_with_folded("ab", "abc", false));
    }
}
