//! How URLs are written and recorded.

/// Percent-encodes a query value the way Okta does (RFC 3986's unreserved characters stay,
/// everything else is `%XX`): `%20` for spaces, `%22` for quotes, `%40` for `@`.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 2);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The path and query of a URL, as a transcript records them.
pub fn path_and_query(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        },
        Err(_) => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_okta() {
        assert_eq!(
            encode("userName eq \"test.user@okta.local\""),
            "userName%20eq%20%22test.user%40okta.local%22"
        );
        assert_eq!(encode("Ünï"), "%C3%9Cn%C3%AF");
    }

    #[test]
    fn records_the_path_and_query() {
        assert_eq!(
            path_and_query("http://h:1/scim/v2/Users?count=2"),
            "/scim/v2/Users?count=2"
        );
        assert_eq!(path_and_query("http://h:1/scim/v2"), "/scim/v2");
        assert_eq!(path_and_query("not a url"), "not a url");
    }
}
