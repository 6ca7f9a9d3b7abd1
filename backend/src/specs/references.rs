//! The references a spec may hold instead of a secret: `${env:NAME}` and `${file:PATH}` are
//! resolved where the specs are read (by `plugboard plan` and `apply`, from their environment
//! and files); any other `${provider:...}`, including Connect's `${file:PATH:KEY}`, is left for
//! the workers' config providers.

use std::collections::BTreeMap;

use crate::error::ApiError;

/// Every `${env:...}` and `${file:...}` reference in `value`, as written, in order.
pub(crate) fn references_in(value: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let Some(length) = rest[start..].find('}') else {
            break;
        };
        let reference = &rest[start..=start + length];
        if resolved_here(&reference[2..reference.len() - 1]) {
            found.push(reference);
        }
        rest = &rest[start + length + 1..];
    }
    found
}

/// `env:NAME`, or `file:PATH` without a second `:` (which would make it Connect's own
/// FileConfigProvider syntax, `file:PATH:KEY`).
fn resolved_here(inner: &str) -> bool {
    match inner.split_once(':') {
        Some(("env", name)) => !name.is_empty(),
        Some(("file", path)) => !path.is_empty() && !path.contains(':'),
        _ => false,
    }
}

/// `value` with each reference replaced by its value from `values`, or an error naming the
/// reference that has none (`setting` says where it was written).
pub(crate) fn substitute(
    value: &str,
    values: &BTreeMap<String, String>,
    setting: &str,
) -> Result<String, ApiError> {
    let mut resolved = value.to_owned();
    for reference in references_in(value) {
        let Some(found) = values.get(reference) else {
            return Err(ApiError::BadRequest(format!(
                "{setting} holds {reference}, which has no value where the specs were read; nothing was changed"
            )));
        };
        resolved = resolved.replacen(reference, found, 1);
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_and_two_part_file_references_are_resolved_here_and_others_are_left() {
        let value = "mongodb://app:${env:MONGO_PW}@db/${file:/run/db-name}?x=${vault:a/b}&y=${file:/etc/c.properties:pw}";
        assert_eq!(
            references_in(value),
            ["${env:MONGO_PW}", "${file:/run/db-name}"]
        );
        assert!(references_in("${env:}").is_empty());
        assert!(references_in("plain ${unterminated").is_empty());
    }

    #[test]
    fn substitution_fills_every_reference_or_names_the_missing_one() {
        let values = BTreeMap::from([("${env:PW}".to_owned(), "hunter2".to_owned())]);
        assert_eq!(
            substitute("a:${env:PW}@b ${vault:k}", &values, "s").unwrap(),
            "a:hunter2@b ${vault:k}"
        );
        let missing = substitute("${env:OTHER}", &values, "orders: connection.password")
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("${env:OTHER}") && missing.contains("orders: connection.password"),
            "{missing}"
        );
    }
}
