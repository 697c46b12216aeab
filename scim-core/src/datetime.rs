//! `xsd:dateTime` values (RFC 7643 §2.3.5), compared as instants.
//!
//! Comparing timestamps as text is a known tester pitfall: `2024-01-01T02:00:00+02:00` and
//! `2024-01-01T00:00:00Z` are the same instant. A value without an offset is read as UTC,
//! which is what XML Schema's "no time zone" most usefully means for a service provider.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Parses an `xsd:dateTime` into a UTC instant: `2008-01-23T04:56:22Z`, with fractional
/// seconds, with a `+hh:mm` offset, or with no offset (read as UTC).
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

/// Formats an instant the way this project writes `meta.created` and `meta.lastModified`:
/// RFC 3339 in UTC with millisecond precision (`2026-11-28T11:05:21.123Z`).
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_honoured() {
        assert_eq!(
            parse("2024-01-01T02:00:00+02:00"),
            parse("2024-01-01T00:00:00Z")
        );
        assert_eq!(
            parse("2024-01-01T00:00:00"),
            parse("2024-01-01T00:00:00.000Z")
        );
        assert!(parse("2024-01-01").is_none());
        assert!(parse("yesterday").is_none());
    }

    #[test]
    fn formats_round_trip() {
        let t = parse("2026-11-28T11:05:21.123Z").unwrap();
        assert_eq!(format(t), "2026-11-28T11:05:21.123Z");
        assert_eq!(parse(&format(t)), Some(t));
    }
}
