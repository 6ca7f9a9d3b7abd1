//! The names a Connect path carries (connectors, plugins, loggers), decoded once and checked,
//! and percent-encoded again the one way Plugboard sends them.

use crate::ConnectError;

/// A connector's name as Connect knows it (decoded). Names with `/`, `%`, spaces or any
/// unicode are fine; what is refused could only reach another endpoint, on the way to the
/// worker or when Connect forwards the call between its workers: `.` or `..` as the name or
/// as a `/`-separated part of it, backslashes, control characters, and the empty name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConnectorName(String);

impl ConnectorName {
    pub fn new(name: &str) -> Result<Self, ConnectError> {
        let refuse = |why: &str| {
            Err(ConnectError::Refused(format!(
                "connector name {name:?} is refused: {why}"
            )))
        };
        if name.is_empty() {
            return refuse("it is empty");
        }
        if name.split('/').any(|part| part == "." || part == "..") {
            return refuse("`.` and `..` are path steps, not names");
        }
        if let Some(why) = unsafe_character(name) {
            return refuse(why);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether Connect, forwarding a change of this connector to its leader, would rebuild a
    /// different path from the decoded name (it does not encode `/`, keeps `%XX`, and reads
    /// `{}` as a template and `;` as a parameter). Such changes go to the leader directly.
    pub fn garbled_by_forwarding(&self) -> bool {
        self.0.contains(['/', '%', '{', '}', ';', '?', '#'])
    }
}

impl std::fmt::Display for ConnectorName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A plugin's class name or alias (`FileStreamSinkConnector`, `org.apache...Cast$Value`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PluginName(String);

impl PluginName {
    pub fn new(name: &str) -> Result<Self, ConnectError> {
        plain_name("plugin", name).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A plugin version asked for (KIP-891, Connect 4.1): an exact version (`4.3.1`, `2.1.0-ccs`)
/// or a Maven range (`[4.0,5.0)`). Printable ASCII without spaces, at most 128 characters:
/// Connect compares it with versions plugins report, which are no longer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PluginVersion(String);

impl PluginVersion {
    pub const MAX_LEN: usize = 128;

    pub fn new(version: &str) -> Result<Self, ConnectError> {
        let why = if version.is_empty() {
            Some("it is empty")
        } else if version.len() > Self::MAX_LEN {
            Some("it is longer than 128 characters")
        } else if !version.bytes().all(|b| b.is_ascii_graphic()) {
            Some("it holds a space, a control or a non-ASCII character")
        } else {
            None
        };
        match why {
            Some(why) => Err(ConnectError::Refused(format!(
                "plugin version {version:?} is refused: {why}"
            ))),
            None => Ok(Self(version.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A logger's name (`org.apache.kafka.connect`, `root`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoggerName(String);

impl LoggerName {
    pub fn new(name: &str) -> Result<Self, ConnectError> {
        plain_name("logger", name).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Plugin and logger names never hold `/`, so they are one path segment with no dot steps.
fn plain_name(kind: &str, name: &str) -> Result<String, ConnectError> {
    let why = match name {
        "" => Some("it is empty"),
        "." | ".." => Some("`.` and `..` are path steps, not names"),
        _ if name.contains('/') => Some("it holds a `/`"),
        _ => unsafe_character(name),
    };
    match why {
        Some(why) => Err(ConnectError::Refused(format!(
            "{kind} name {name:?} is refused: {why}"
        ))),
        None => Ok(name.to_owned()),
    }
}

fn unsafe_character(name: &str) -> Option<&'static str> {
    if name.contains('\\') {
        Some("it holds a backslash")
    } else if name.chars().any(char::is_control) {
        Some("it holds a control character")
    } else {
        None
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so any name is one path
/// segment that no client or server normalises.
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

/// Decodes a percent-encoded path segment or query part strictly: a `%` not followed by two
/// hex digits, or bytes that are not UTF-8, are refused rather than guessed at.
pub fn decode(encoded: &str) -> Result<String, ConnectError> {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let byte = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    ConnectError::Refused(format!(
                        "`{encoded}` holds a `%` that is not followed by two hex digits"
                    ))
                })?;
            decoded.push(byte);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded)
        .map_err(|_| ConnectError::Refused(format!("`{encoded}` does not decode to UTF-8 text")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_slash_percent_space_and_unicode_become_one_segment_and_decode_back() {
        for name in ["a/b %c ü", "plain", "100%", "jdbc-sink_1.v2"] {
            assert_eq!(decode(&segment(name)).unwrap(), name);
            assert!(!segment(name).contains('/'));
        }
        assert_eq!(segment("a/b %c ü"), "a%2Fb%20%25c%20%C3%BC");
    }

    #[test]
    fn stray_percents_and_invalid_utf8_are_refused_not_guessed() {
        assert!(decode("50%zz").is_err());
        assert!(decode("50%4").is_err());
        assert!(decode("%FF").is_err());
        assert!(decode("%2B%2b").is_ok());
    }

    #[test]
    fn connector_names_that_are_path_steps_are_refused_and_odd_ones_kept() {
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "x/..",
            "a/./b",
            "a\\b",
            "a\u{0}b",
            "line\nbreak",
        ] {
            assert!(ConnectorName::new(bad).is_err(), "{bad:?}");
        }
        for good in ["a/b", "100%", "ünï cødé", "...", "a..b", "x.", "{x}"] {
            assert!(ConnectorName::new(good).is_ok(), "{good:?}");
        }
        assert!(ConnectorName::new("a/b").unwrap().garbled_by_forwarding());
        assert!(
            !ConnectorName::new("ünï cødé")
                .unwrap()
                .garbled_by_forwarding()
        );
    }

    #[test]
    fn plugin_and_logger_names_are_single_segments() {
        assert!(PluginName::new("org.apache.kafka.connect.transforms.Cast$Value").is_ok());
        assert!(PluginName::new("a/b").is_err());
        assert!(LoggerName::new("..").is_err());
        assert!(LoggerName::new("root").is_ok());
    }

    #[test]
    fn plugin_versions_are_exact_versions_or_ranges_of_printable_ascii() {
        for good in ["4.3.1", "[4.0,5.0)", "(,2.0]", "7.6.0-ccs", "1.0.0.Final"] {
            assert!(PluginVersion::new(good).is_ok(), "{good:?}");
        }
        let long = "1".repeat(PluginVersion::MAX_LEN + 1);
        for bad in ["", "4.0 beta", "vé", "4\n", long.as_str()] {
            assert!(PluginVersion::new(bad).is_err(), "{bad:?}");
        }
    }
}
