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

/// Decodes a percent-encoded path segment; invalid UTF-8 is replaced, never an error.
pub fn decode_segment(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod decoding_tests {
    use super::*;

    #[test]
    fn decoding_undoes_encoding_and_leaves_stray_percents() {
        for name in ["a/b %c ü", "plain", "100%"] {
            assert_eq!(decode_segment(&segment(name)), name);
        }
        assert_eq!(decode_segment("50%zz"), "50%zz");
    }
}
