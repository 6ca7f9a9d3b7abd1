//! Helpers shared by the unit tests of several modules.

use std::collections::BTreeMap;

/// A connector config from `(key, value)` pairs.
pub(crate) fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}
