//! Which parts of a config value are secret: the whole value of a key that is declared PASSWORD
//! or looks secret by its name, and inside any other value the secrets of [`super::shapes`]
//! (URI passwords, secret pairs, JSON members, credential headers, PEM private keys). A value
//! that is exactly one `${provider:path:key}` reference is no secret and stays as written.

use std::collections::HashSet;
use std::ops::Range;

use super::PLACEHOLDER;
pub use super::names::looks_secret;
use super::shapes::{embedded, is_reference};

/// The byte ranges of `value` that are secret under `key`; empty when nothing is.
pub fn secret_ranges(key: &str, value: &str, declared: &HashSet<String>) -> Vec<Range<usize>> {
    if value.is_empty() || is_reference(value) {
        return Vec::new();
    }
    if hides(key, value, declared) {
        return std::iter::once(0..value.len()).collect();
    }
    embedded(value)
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn only_one_well_formed_reference_is_taken_for_a_reference() {
        let none = HashSet::new();
        for reference in [
            "${file:/run/secrets:pw}",
            "${env:DB_PW}",
            "${vault:secret/db:password}",
        ] {
            assert!(secret_parts("connection.password", reference, &none).is_empty());
        }
        for value in [
            "${x}S3cret}",
            "${env:A}${env:B}",
            "${:path}",
            "${env:}",
            "${nocolon}",
        ] {
            assert_eq!(
                secret_parts("connection.password", value, &none),
                [value],
                "{value} is a secret, not a reference"
            );
        }
    }
}
