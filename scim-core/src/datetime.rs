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
    Formatted::new(t).as_str().to_owned()
}

/// An instant as [`format`] writes it, held inline: a server writes two per resource it
/// returns, and chrono's formatter with a `String` for each was a tenth of rendering one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Formatted {
    len: u8,
    bytes: [u8; 32],
}

impl Formatted {
    /// Formats `t`. Years 0 to 9999 are written digit by digit; any other instant (and a
    /// leap second) as chrono writes it.
    pub fn new(t: DateTime<Utc>) -> Formatted {
        use chrono::{Datelike, Timelike};

        let mut f = Formatted {
            len: 0,
            bytes: [0; 32],
        };
        let nanos = t.nanosecond();
        if !(0..=9999).contains(&t.year()) || nanos >= 1_000_000_000 {
            let text = t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let n = text.len().min(f.bytes.len());
            f.bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
            f.len = n as u8;
            return f;
        }
        let mut at = 0;
        let mut put = |value: u32, digits: u32, after: u8| {
            for i in (0..digits).rev() {
                f.bytes[at] = b'0' + (value / 10u32.pow(i) % 10) as u8;
                at += 1;
            }
            f.bytes[at] = after;
            at += 1;
        };
        put(t.year() as u32, 4, b'-');
        put(t.month(), 2, b'-');
        put(t.day(), 2, b'T');
        put(t.hour(), 2, b':');
        put(t.minute(), 2, b':');
        put(t.second(), 2, b'.');
        put(nanos / 1_000_000, 3, b'Z');
        f.len = at as u8;
        f
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and punctuation, or chrono's own (UTF-8) output, are written.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl std::fmt::Debug for Formatted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Formatted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The digit-by-digit writer and chrono agree on every instant, leap seconds and
        /// years past 9999 included.
        #[test]
        fn formatted_as_chrono_formats(
            secs in -70_000_000_000i64..300_000_000_000i64,
            nanos in 0u32..2_000_000_000u32,
        ) {
            if let Some(t) = DateTime::<Utc>::from_timestamp(secs, nanos) {
                prop_assert_eq!(
                    format(t),
                    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                );
            }
        }
    }

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
