//! Building Connect REST paths with connector and plugin names percent-encoded, so names with
//! `/`, `%`, spaces or any unicode reach the worker as one path segment.

/// `/connectors/{name}` followed by `/`-joined `rest` (which must already be safe).
pub fn connector(name: &str, rest: &[&str]) -> String {
    let mut path = format!("/connectors/{}", segment(name));
    for part in rest {
        path.push('/');
        path.push_str(part);
    }
    path
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn segment(raw: &str) -> String {
    let mut encoded = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_slash_percent_space_and_unicode_become_one_segment() {
        assert_eq!(
            connector("a/b %c ü", &["status"]),
            "/connectors/a%2Fb%20%25c%20%C3%BC/status"
        );
    }

    #[test]
    fn plain_names_are_left_alone() {
        assert_eq!(
            connector("jdbc-sink_1.v2", &[]),
            "/connectors/jdbc-sink_1.v2"
        );
    }
}
