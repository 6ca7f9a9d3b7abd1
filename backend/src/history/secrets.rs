//! Keeping secrets out of the history: values of password-type settings and of keys that look
//! secret are replaced by a keyed fingerprint, so a change stays visible but the value does not.
//! `${provider:path:key}` references are not secrets and are kept as written.

use std::collections::{BTreeMap, HashSet};

use sha2::{Digest, Sha256};

/// What a redacted value starts with.
pub const FINGERPRINT_PREFIX: &str = "fingerprint:";

/// Words that mark a key as holding a secret wherever they appear in it.
const SECRET_WORDS: [&str; 5] = ["password", "secret", "token", "credential", "jaas"];

/// Whether `key` looks like it holds a secret: it names a password, secret, token, credentials
/// or JAAS config, or its last part is `key` (`api.key`, `aws.secret.key`, but not `key.converter`).
pub fn looks_secret(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    let last_part = lower.rsplit(['.', '_', '-']).next().unwrap_or_default();
    SECRET_WORDS.iter().any(|word| lower.contains(word)) || last_part == "key"
}

/// Whether `value` is a config provider reference such as `${file:/etc/secrets:db.password}`.
fn is_provider_reference(value: &str) -> bool {
    value.starts_with("${") && value.ends_with('}')
}

/// Replaces secret values of `config` with keyed fingerprints. `password_keys` are the keys the
/// connector plugin declares as PASSWORD type.
pub fn redact(
    config: &BTreeMap<String, String>,
    password_keys: &HashSet<String>,
    fingerprint_key: &[u8],
) -> BTreeMap<String, String> {
    config
        .iter()
        .map(|(key, value)| {
            let secret = password_keys.contains(key) || looks_secret(key);
            let kept = !secret || is_provider_reference(value) || value.is_empty();
            let shown = if kept {
                value.clone()
            } else {
                fingerprint(value, fingerprint_key)
            };
            (key.clone(), shown)
        })
        .collect()
}

/// `fingerprint:` and the first 16 hex digits of SHA-256(key || value).
pub fn fingerprint(value: &str, fingerprint_key: &[u8]) -> String {
    let digest = Sha256::new()
        .chain_update(fingerprint_key)
        .chain_update(value.as_bytes())
        .finalize();
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{FINGERPRINT_PREFIX}{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::config;

    #[test]
    fn secret_looking_keys_are_recognised_and_ordinary_ones_are_not() {
        for key in [
            "connection.password",
            "aws.secret.key",
            "api.key",
            "sasl.jaas.config",
            "oauth.token.url",
            "gcp.credentials.json",
            "ssl.key.password",
            "private_key",
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
        ] {
            assert!(!looks_secret(key), "{key}");
        }
    }

    #[test]
    fn secrets_become_fingerprints_and_everything_else_stays() {
        let original = config(&[
            ("connection.password", "hunter2"),
            ("db.pass", "s3cr3t"),
            ("aws.access.secret", "${file:/run/secrets:aws}"),
            ("topics", "orders"),
        ]);
        let declared = HashSet::from(["db.pass".to_owned()]);

        let redacted = redact(&original, &declared, b"k");

        assert!(redacted["connection.password"].starts_with(FINGERPRINT_PREFIX));
        assert!(redacted["db.pass"].starts_with(FINGERPRINT_PREFIX));
        assert_eq!(redacted["aws.access.secret"], "${file:/run/secrets:aws}");
        assert_eq!(redacted["topics"], "orders");
        assert!(!format!("{redacted:?}").contains("hunter2"));
    }

    #[test]
    fn fingerprints_show_change_and_depend_on_the_installation_key() {
        assert_eq!(fingerprint("a", b"k1"), fingerprint("a", b"k1"));
        assert_ne!(fingerprint("a", b"k1"), fingerprint("b", b"k1"));
        assert_ne!(fingerprint("a", b"k1"), fingerprint("a", b"k2"));
    }
}
