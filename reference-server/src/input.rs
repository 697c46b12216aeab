//! What the server accepts in the strings it keeps, so that nothing it stores is invisible,
//! unbounded, or a look-alike of another user.
//!
//! Identifiers (`userName`, the email, a team's name) follow the approach of PRECIS (RFC 8264,
//! and RFC 8265's UsernameCaseMapped profile): no control or format characters (a NUL, a
//! zero-width space, a byte-order mark), no whitespace around them, and two of them are the
//! same when they are equal after compatibility normalisation (NFKC: full-width `ｂｏｂ` is
//! `bob`, a decomposed `å` is the composed one) and case folding. That comparison lives in
//! `scim_core::text::fold`, which the store's uniqueness and lookups use. Letters of different
//! scripts that merely look alike (Cyrillic `а`, Latin `a`) stay distinct, as in PRECIS:
//! telling them apart is a display concern, and merging them would refuse real names.
//! Other kept text (given and family names, `externalId`) may hold any printable character.
//! Every kept string is at most [`MAX_CHARS`] characters.

use scim_core::ScimType;
use unicode_general_category::{GeneralCategory, get_general_category};

use crate::error::ApiError;

/// The most characters of any string the server keeps: far above any name or address, far
/// below what would make every list answer carry megabytes.
pub const MAX_CHARS: usize = 1024;

/// What a string is, for [`check`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A name a user or team is known and found by.
    Identifier,
    /// Other kept text.
    Text,
}

fn refuse(detail: String) -> Result<(), ApiError> {
    Err(ApiError::bad_request(ScimType::InvalidValue, detail))
}

/// Checks `value`, the attribute `attr`, as `kind`.
pub fn check(attr: &str, value: &str, kind: Kind) -> Result<(), ApiError> {
    let chars = value.chars().count();
    if chars > MAX_CHARS {
        return refuse(format!(
            "{attr} is {chars} characters long; at most {MAX_CHARS} are kept"
        ));
    }
    for c in value.chars() {
        let category = get_general_category(c);
        let invisible = match category {
            GeneralCategory::Control => true,
            GeneralCategory::Format => kind == Kind::Identifier,
            _ => false,
        };
        if invisible {
            return refuse(format!(
                "{attr} holds the invisible character U+{:04X}; remove it",
                u32::from(c)
            ));
        }
    }
    if kind == Kind::Identifier && value.trim() != value {
        return refuse(format!(
            "{attr} {value:?} begins or ends with whitespace; remove it"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_hold_no_invisible_characters_and_no_surrounding_space() {
        assert!(check("userName", "bjensen@example.com", Kind::Identifier).is_ok());
        assert!(check("userName", "Åsa Öberg", Kind::Identifier).is_ok());
        for bad in [
            "bob\u{0}@x.test",
            "bob\u{200B}@x.test",
            "\u{FEFF}bob@x.test",
            "bob@x.test ",
            " bob@x.test",
            "bob\n@x.test",
        ] {
            assert!(check("userName", bad, Kind::Identifier).is_err(), "{bad:?}");
        }
        // Names may hold a joiner (some scripts need it), never a control character.
        assert!(check("name.givenName", "क्‍ष", Kind::Text).is_ok());
        assert!(check("name.givenName", "Ann\u{0}", Kind::Text).is_err());
        assert!(check("name.givenName", &"a".repeat(MAX_CHARS), Kind::Text).is_ok());
        assert!(check("name.givenName", &"a".repeat(MAX_CHARS + 1), Kind::Text).is_err());
    }
}
