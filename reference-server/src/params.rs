//! Query parameters: `filter`, `startIndex`, `count`, `sortBy`, `sortOrder`, `attributes`,
//! `excludedAttributes` (RFC 7644 §3.4.2, §3.9).
//!
//! Parameter names are matched ignoring case and unknown parameters are ignored (RFC 7644
//! §3.4.2: SHOULD). Values are form-decoded, so `+` and `%20` both read as a space, as Okta's
//! old (`+`) and current (`%20`) encodings need.

use scim_core::ScimType;
use scim_core::projection::Projection;

use crate::error::ApiError;

/// The query parameters of a list, search or single-resource request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListParams {
    /// `filter`.
    pub filter: Option<String>,
    /// `startIndex`, as sent.
    pub start_index: Option<i64>,
    /// `count`, as sent.
    pub count: Option<i64>,
    /// `sortBy`.
    pub sort_by: Option<String>,
    /// `sortOrder`.
    pub sort_order: Option<String>,
    /// `attributes`.
    pub attributes: Option<String>,
    /// `excludedAttributes`.
    pub excluded_attributes: Option<String>,
}

/// Reads an integer parameter. Values too large for 64 bits saturate (a huge `count` is
/// just "as many as allowed"); anything that is not an integer is a 400.
fn integer(name: &str, value: &str) -> Result<i64, ApiError> {
    let v = value.trim();
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(
            ScimType::InvalidValue,
            format!("{name} must be an integer, got {value:?}"),
        ));
    }
    Ok(v.parse::<i64>().unwrap_or(if v.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    }))
}

impl ListParams {
    /// Parses a raw query string (without the `?`).
    pub fn parse(raw: Option<&str>) -> Result<ListParams, ApiError> {
        let mut p = ListParams::default();
        for (name, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let is = |known: &str| name.eq_ignore_ascii_case(known);
            let slot = if is("filter") {
                &mut p.filter
            } else if is("sortBy") {
                &mut p.sort_by
            } else if is("sortOrder") {
                &mut p.sort_order
            } else if is("attributes") {
                &mut p.attributes
            } else if is("excludedAttributes") {
                &mut p.excluded_attributes
            } else {
                if is("startIndex") {
                    p.start_index = Some(integer("startIndex", &value)?);
                } else if is("count") {
                    p.count = Some(integer("count", &value)?);
                }
                continue;
            };
            *slot = Some(value.into_owned());
        }
        Ok(p)
    }

    /// The `attributes`/`excludedAttributes` projection.
    pub fn projection(&self) -> Result<Projection, ApiError> {
        Projection::parse(
            self.attributes.as_deref(),
            self.excluded_attributes.as_deref(),
        )
        .map_err(|e| {
            ApiError::bad_request(
                ScimType::InvalidValue,
                format!("invalid attribute list: {e}"),
            )
        })
    }

    /// The 1-based start index: absent or below 1 reads as 1 (RFC 7644 §3.4.2.4).
    pub fn start(&self) -> usize {
        usize::try_from(self.start_index.unwrap_or(1).max(1)).unwrap_or(usize::MAX)
    }

    /// The page size: absent reads as `default`, negative as 0, and it never exceeds `max`.
    pub fn page_size(&self, default: usize, max: usize) -> usize {
        match self.count {
            None => default.min(max),
            Some(c) => usize::try_from(c.max(0)).unwrap_or(usize::MAX).min(max),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ignore_case_and_plus_is_a_space() {
        let p = ListParams::parse(Some(
            "FILTER=userName+eq+%22a%40b.c%22&StartIndex=0&COUNT=5&other=1",
        ))
        .unwrap();
        assert_eq!(p.filter.as_deref(), Some("userName eq \"a@b.c\""));
        assert_eq!(p.start(), 1);
        assert_eq!(p.page_size(100, 1000), 5);
    }

    #[test]
    fn counts_are_clamped_and_saturate() {
        let p = ListParams::parse(Some("count=99999999999999999999999&startIndex=-5")).unwrap();
        assert_eq!(p.page_size(100, 1000), 1000);
        assert_eq!(p.start(), 1);
        assert_eq!(
            ListParams::parse(Some("count=-1"))
                .unwrap()
                .page_size(100, 1000),
            0
        );
        assert_eq!(ListParams::parse(None).unwrap().page_size(100, 1000), 100);
    }

    #[test]
    fn non_integers_are_refused() {
        let e = ListParams::parse(Some("count=ten")).unwrap_err();
        assert_eq!(e.0.scim_type, Some(ScimType::InvalidValue));
        assert!(ListParams::parse(Some("startIndex=")).is_err());
        assert!(ListParams::parse(Some("startIndex=1.5")).is_err());
    }
}
