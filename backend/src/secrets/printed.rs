//! Configs that Connect prints into its error texts and traces the way Java prints a map:
//! `Connector config {connector.class=..., name=a, short.password=abc} contains no connector
//! type`. Their values are masked by the key rules of [`super::keys`], however short, before
//! such a text leaves the backend (answers, history rows, incidents, log lines): scrubbing by
//! value never hides a value under [`super::known::MIN_LEN`] characters.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use super::PLACEHOLDER;
use super::keys::secret_ranges;

fn is_key_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-')
}

/// The `=` after a key that starts at `at`, if a key starts there.
fn key_at(bytes: &[u8], at: usize) -> Option<usize> {
    let end = at
        + bytes
            .get(at..)?
            .iter()
            .take_while(|b| is_key_byte(**b))
            .count();
    (end > at && bytes.get(end) == Some(&b'=')).then_some(end)
}

/// Whether `text` may hold a printed config (a `{` followed by `key=`): a cheap test before
/// [`printed_secrets`].
pub fn may_hold_config(text: &[u8]) -> bool {
    text.iter()
        .enumerate()
        .any(|(at, b)| *b == b'{' && key_at(text, at + 1).is_some())
}

/// The secret ranges of the values of every printed config in `text`. An entry's value runs to
/// the next `, key=`; the last one to the last `}` of the text (so a value holding `}` or
/// `, ` is masked whole, erring towards hiding more).
pub fn printed_secrets(text: &str, declared: &HashSet<String>) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let boundaries: Vec<usize> = text
        .match_indices(", ")
        .map(|(at, _)| at)
        .filter(|at| key_at(bytes, at + 2).is_some())
        .collect();
    let mut found = Vec::new();
    let mut covered_until = 0;
    for (open, _) in text.match_indices('{') {
        if open < covered_until {
            continue;
        }
        let mut at = open + 1;
        while let Some(equals) = key_at(bytes, at) {
            let start = equals + 1;
            let next = boundaries.get(boundaries.partition_point(|b| *b < start));
            let end = match next {
                Some(&comma) => comma,
                None => text[start..].rfind('}').map_or(text.len(), |e| start + e),
            };
            let key = &text[at..equals];
            found.extend(
                secret_ranges(key, &text[start..end], declared)
                    .into_iter()
                    .map(|r| start + r.start..start + r.end),
            );
            covered_until = end;
            match next {
                Some(&comma) => at = comma + 2,
                None => break,
            }
        }
    }
    found
}

/// `text` with the secret values of its printed configs replaced by the placeholder.
pub fn mask_printed<'t>(text: &'t str, declared: &HashSet<String>) -> Cow<'t, str> {
    if !may_hold_config(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let ranges = printed_secrets(text, declared);
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len());
    let mut at = 0;
    for range in ranges {
        if range.start < at {
            continue;
        }
        shown.push_str(&text[at..range.start]);
        shown.push_str(PLACEHOLDER);
        at = range.end;
    }
    shown.push_str(&text[at..]);
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        mask_printed(text, &HashSet::from(["db.pass".to_owned()])).into_owned()
    }

    #[test]
    fn short_secret_values_in_connects_config_echo_are_masked_by_key() {
        let echo = "Connector config {connector.class=, name=orders, short.password=abc, db.pass=x, \
                    topics=a, b, connection.uri=mongodb://u:pw@h/db, api.key=k} contains no connector type";
        assert_eq!(
            masked(echo),
            "Connector config {connector.class=, name=orders, short.password=[hidden], db.pass=[hidden], \
             topics=a, b, connection.uri=mongodb://u:[hidden]@h/db, api.key=[hidden]} contains no connector type"
        );
    }

    #[test]
    fn a_last_value_holding_braces_is_masked_whole_and_plain_text_is_left_alone() {
        assert_eq!(
            masked("config {name=a, secret=x}y}z} failed"),
            "config {name=a, secret=[hidden]} failed"
        );
        for plain in [
            "no map here",
            "a {json: 1} and x=1",
            "{\"password\": \"json is not a printed map\"}",
            "{name=a, topics=b}",
        ] {
            assert_eq!(masked(plain), plain);
        }
    }

    #[test]
    fn crafted_texts_of_nested_braces_and_pairs_are_masked_where_secret() {
        let crafted = "{a=1, ".repeat(20_000);
        assert_eq!(masked(&crafted), crafted);
        let crafted = format!("{}{{password=p}}", "{x=".repeat(20_000));
        assert!(masked(&crafted).ends_with("{password=[hidden]}"));
    }
}
