//! Which parts of a config value are secret: the whole value of a key that is declared PASSWORD
//! or looks secret by its name, and the password of any `scheme://user:password@host` inside
//! any other value. `${provider:path:key}` references are not secrets and stay as written.

use std::collections::HashSet;
use std::ops::Range;

use super::PLACEHOLDER;

/// Words that mark a key as holding a secret wherever they appear in it, compared with the
/// key lowercased and its separators (`.`, `_`, `-`) removed, so `apiKey`, `api.key` and
/// `API_KEY` read alike.
const SECRET_WORDS: [&str; 10] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "jaas",
    "apikey",
    "privatekey",
    "userinfo",
];

/// Whether `key` looks like it holds a secret: it names a password, passphrase, secret,
/// token, credentials, API or private key, user info or JAAS config, or its last part is
/// `key` (`aws.secret.key`, but not `key.converter`).
pub fn looks_secret(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    let squashed: String = lower
        .chars()
        .filter(|c| !matches!(c, '.' | '_' | '-'))
        .collect();
    let last_part = lower.rsplit(['.', '_', '-']).next().unwrap_or_default();
    SECRET_WORDS.iter().any(|word| squashed.contains(word)) || last_part == "key"
}

/// Whether `value` is a config provider reference, which names where a secret is, not it.
fn is_reference(value: &str) -> bool {
    value.starts_with("${") && value.ends_with('}')
}

/// The byte ranges of `value` that are secret under `key`; empty when nothing is.
pub fn secret_ranges(key: &str, value: &str, declared: &HashSet<String>) -> Vec<Range<usize>> {
    if value.is_empty() || is_reference(value) {
        return Vec::new();
    }
    if hides(key, value, declared) {
        return std::iter::once(0..value.len()).collect();
    }
    uri_passwords(value)
}

/// Whether the whole value of `key` is hidden: a non-empty value that is no reference, under
/// a key declared PASSWORD or looking secret.
pub fn hides(key: &str, value: &str, declared: &HashSet<String>) -> bool {
    !value.is_empty() && !is_reference(value) && (declared.contains(key) || looks_secret(key))
}

/// The secret substrings of `value` under `key`.
pub fn secret_parts<'v>(key: &str, value: &'v str, declared: &HashSet<String>) -> Vec<&'v str> {
    secret_ranges(key, value, declared)
        .into_iter()
        .map(|r| &value[r])
        .filter(|part| !part.is_empty())
        .collect()
}

/// `value` with its secret parts replaced by the placeholder, or `None` when nothing is secret.
pub fn masked(key: &str, value: &str, declared: &HashSet<String>) -> Option<String> {
    let ranges = secret_ranges(key, value, declared);
    if ranges.is_empty() {
        return None;
    }
    let mut shown = String::with_capacity(value.len());
    let mut at = 0;
    for range in ranges {
        shown.push_str(&value[at..range.start]);
        shown.push_str(PLACEHOLDER);
        at = range.end;
    }
    shown.push_str(&value[at..]);
    Some(shown)
}

/// The password of every `scheme://user:password@host` in `value` (JDBC, MongoDB, Redis,
/// HTTP URLs and lists of them).
fn uri_passwords(value: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut search_from = 0;
    while let Some(offset) = value[search_from..].find("://") {
        let authority_start = search_from + offset + 3;
        let authority_end = value[authority_start..]
            .find(['/', '?', '#', ',', ' ', '"', '\''])
            .map_or(value.len(), |end| authority_start + end);
        let authority = &value[authority_start..authority_end];
        if let Some(at) = authority.rfind('@')
            && let Some(colon) = authority[..at].find(':')
            && colon + 1 < at
        {
            found.push(authority_start + colon + 1..authority_start + at);
        }
        search_from = authority_end.max(authority_start);
        if search_from >= value.len() {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_keys_are_recognised_in_any_spelling_and_ordinary_ones_are_not() {
        for key in [
            "connection.password",
            "aws.secret.key",
            "api.key",
            "apiKey",
            "API_KEY",
            "ssh.passphrase",
            "sasl.jaas.config",
            "oauth.token.url",
            "gcp.credentials.json",
            "ssl.key.password",
            "private_key",
            "privateKey",
            "value.converter.basic.auth.user.info",
        ] {
            assert!(looks_secret(key), "{key}");
        }
        for key in [
            "key.converter",
            "topics",
            "key.ignore",
            "connection.url",
            "tasks.max",
            "keystore.type",
            "monkey.business",
        ] {
            assert!(!looks_secret(key), "{key}");
        }
    }

    #[test]
    fn uri_passwords_are_secret_parts_and_the_rest_of_the_uri_stays() {
        let none = HashSet::new();
        let uri = "mongodb://app:s3cr%40t@db-1:27017,db-2:27017/orders?tls=true";
        assert_eq!(secret_parts("connection.uri", uri, &none), ["s3cr%40t"]);
        assert_eq!(
            masked("connection.uri", uri, &none).unwrap(),
            "mongodb://app:[hidden]@db-1:27017,db-2:27017/orders?tls=true"
        );
        let two = "http://a:p1@h1/x, http://b:p2@h2";
        assert_eq!(secret_parts("urls", two, &none), ["p1", "p2"]);
        for plain in [
            "jdbc:postgresql://db:5432/app",
            "http://user@host/",
            "http://h/a@b",
            "orders",
        ] {
            assert!(
                secret_parts("connection.url", plain, &none).is_empty(),
                "{plain}"
            );
        }
    }

    #[test]
    fn empty_values_and_provider_references_are_not_hidden() {
        let declared = HashSet::from(["db.pass".to_owned()]);
        assert!(hides("db.pass", "s3cr3t", &declared));
        assert!(hides("connection.password", "hunter2", &declared));
        assert!(!hides("db.pass", "", &declared));
        assert!(!hides(
            "connection.password",
            "${file:/run/secrets:pw}",
            &declared
        ));
        assert!(!hides("topics", "orders", &declared));
        assert!(!hides("connection.uri", "mongodb://u:p@h", &declared));
    }
}
