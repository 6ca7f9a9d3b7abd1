//! The difference between two versions of a connector's config.

use std::collections::{BTreeMap, BTreeSet};

use api_types::ConfigChange;

/// Keys Connect adds for its own bookkeeping; they are not part of what a user configured.
const INTERNAL_PREFIX: &str = "__internal.";

/// Every key whose value differs, in key order. Equal fingerprints of a secret are equal
/// strings, so an unchanged secret does not show.
pub fn diff(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<ConfigChange> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|key| !key.starts_with(INTERNAL_PREFIX))
        .filter(|key| before.get(*key) != after.get(*key))
        .map(|key| ConfigChange {
            key: key.clone(),
            before: before.get(key).cloned(),
            after: after.get(key).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::config;

    #[test]
    fn added_removed_and_changed_keys_show_and_the_rest_does_not() {
        let before = config(&[
            ("a", "1"),
            ("b", "2"),
            ("gone", "x"),
            ("__internal.v", "1"),
            ("pw", "fingerprint:aa"),
        ]);
        let after = config(&[
            ("a", "1"),
            ("b", "3"),
            ("new", "y"),
            ("__internal.v", "2"),
            ("pw", "fingerprint:aa"),
        ]);

        let changes = diff(&before, &after);

        let keys: Vec<_> = changes.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["b", "gone", "new"]);
        assert_eq!(changes[0].before.as_deref(), Some("2"));
        assert_eq!(changes[0].after.as_deref(), Some("3"));
        assert_eq!(changes[1].after, None);
        assert_eq!(changes[2].before, None);
    }
}
