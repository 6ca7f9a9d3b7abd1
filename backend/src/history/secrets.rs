//! Keeping secrets out of the history: the secret parts of values (whole values of
//! password-type settings and of keys that look secret, passwords inside URIs) are replaced by
//! a keyed fingerprint, so a change stays visible but the value does not. Which parts are
//! secret is [`crate::secrets::keys`]' rule, the one answers are masked by.

use std::collections::{BTreeMap, HashSet};

use sha2::{Digest, Sha256};

use crate::secrets::keys::secret_ranges;

/// What a redacted value starts with.
pub(crate) const FINGERPRINT_PREFIX: &str = "fingerprint:";

/// Replaces secret values of `config` with keyed fingerprints. `password_keys` are the keys the
/// connector plugin declares as PASSWORD type.
pub(crate) fn redact(
    config: &BTreeMap<String, String>,
    password_keys: &HashSet<String>,
    fingerprint_key: &[u8],
) -> BTreeMap<String, String> {
    config
        .iter()
        .map(|(key, value)| {
            let mut shown = String::with_capacity(value.len());
            let mut at = 0;
            for range in secret_ranges(key, value, password_keys) {
                shown.push_str(&value[at..range.start]);
                shown.push_str(&fingerprint(&value[range.clone()], fingerprint_key));
                at = range.end;
            }
            shown.push_str(&value[at..]);
            (key.clone(), shown)
        })
        .collect()
}

/// `fingerprint:` and the first 16 hex digits of SHA-256(key || value).
pub(crate) fn fingerprint(value: &str, fingerprint_key: &[u8]) -> String {
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
    fn secrets_become_fingerprints_and_everything_else_stays() {
        let original = config(&[
            ("connection.password", "hunter2"),
            ("db.pass", "s3cr3t"),
            ("aws.access.secret", "${file:/run/secrets:aws}"),
            ("topics", "orders"),
            ("connection.uri", "mongodb://app:pw-in-uri@db/x"),
        ]);
        let declared = HashSet::from(["db.pass".to_owned()]);

        let redacted = redact(&original, &declared, b"k");

        assert!(redacted["connection.password"].starts_with(FINGERPRINT_PREFIX));
        assert!(redacted["db.pass"].starts_with(FINGERPRINT_PREFIX));
        assert_eq!(redacted["aws.access.secret"], "${file:/run/secrets:aws}");
        assert_eq!(redacted["topics"], "orders");
        let uri = &redacted["connection.uri"];
        assert!(
            uri.starts_with("mongodb://app:fingerprint:") && uri.ends_with("@db/x"),
            "{uri}"
        );
        assert!(!format!("{redacted:?}").contains("hunter2"));
        assert!(!format!("{redacted:?}").contains("pw-in-uri"));
    }

    #[test]
    fn fingerprints_show_change_and_depend_on_the_installation_key() {
        assert_eq!(fingerprint("a", b"k1"), fingerprint("a", b"k1"));
        assert_ne!(fingerprint("a", b"k1"), fingerprint("b", b"k1"));
        assert_ne!(fingerprint("a", b"k1"), fingerprint("a", b"k2"));
    }
}
