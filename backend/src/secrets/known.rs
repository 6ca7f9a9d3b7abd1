//! Secrets scrubbed by value. Every secret value Plugboard knows is replaced by the placeholder
//! wherever it would leave the process: answers (errors included), history rows, webhook
//! payloads and log lines. Two sets are known:
//!
//! - process-wide, bounded: values read from connectors' live configs and the credentials of
//!   the configured clusters;
//! - for the request being served (a task-local set): secret values in its own body and those
//!   restored for it, so Connect echoing them back in an error does not leak them. These are
//!   not kept after the request, so a caller cannot make Plugboard hide arbitrary words from
//!   everybody else.
//!
//! Values shorter than [`MIN_LEN`] are not scrubbed by value (they are still masked by key):
//! hiding every `1` or `on` would make answers unreadable. Configs that Connect prints into its
//! texts are masked by key wherever text is scrubbed ([`super::printed`]), with the PASSWORD
//! keys plugins declare (learned process-wide, and noted for the request from its own config)
//! on top of the key-name rules.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, OnceLock, RwLock};

use aho_corasick::AhoCorasick;
use serde_json::Value;

use super::PLACEHOLDER;
use super::printed;

/// The shortest value scrubbed by value.
pub const MIN_LEN: usize = 4;
/// How many values the process-wide set keeps; the oldest learned go first.
pub const CAPACITY: usize = 20_000;
/// How many declared PASSWORD key names are kept process-wide.
const KEYS_CAPACITY: usize = 10_000;

/// What the request being served made known: secret values and the keys plugins declare
/// PASSWORD in its config.
#[derive(Default)]
struct RequestSecrets {
    values: Vec<String>,
    keys: HashSet<String>,
}

tokio::task_local! {
    static REQUEST_SECRETS: RefCell<RequestSecrets>;
}

#[derive(Default)]
struct Known {
    values: HashSet<String>,
    order: VecDeque<String>,
    /// Rebuilt on the next scrub after `values` changed.
    matcher: Option<Arc<Matcher>>,
}

/// The values and their JSON-escaped spellings, matched in one pass.
struct Matcher {
    automaton: AhoCorasick,
}

fn known() -> &'static RwLock<Known> {
    static KNOWN: OnceLock<RwLock<Known>> = OnceLock::new();
    KNOWN.get_or_init(RwLock::default)
}

/// Remembers `values` as secrets for the life of the process (bounded).
pub fn learn<'a>(values: impl IntoIterator<Item = &'a str>) {
    let fresh: Vec<&str> = {
        let known = known().read().expect("secrets lock");
        values
            .into_iter()
            .filter(|v| v.len() >= MIN_LEN && !known.values.contains(*v))
            .collect()
    };
    if fresh.is_empty() {
        return;
    }
    let mut known = known().write().expect("secrets lock");
    for value in fresh {
        if known.values.insert(value.to_owned()) {
            known.order.push_back(value.to_owned());
        }
    }
    while known.order.len() > CAPACITY {
        if let Some(oldest) = known.order.pop_front() {
            known.values.remove(&oldest);
        }
    }
    known.matcher = None;
}

/// Remembers `values` as secrets for the rest of the current request only.
pub fn note_for_request<'a>(values: impl IntoIterator<Item = &'a str>) {
    let values: Vec<String> = values
        .into_iter()
        .filter(|v| v.len() >= MIN_LEN)
        .map(str::to_owned)
        .collect();
    let _ = REQUEST_SECRETS.try_with(|secrets| secrets.borrow_mut().values.extend(values));
}

/// Remembers `keys` as declared PASSWORD keys for the rest of the current request, and for
/// the process (key names are no secrets; bounded).
pub fn note_secret_keys<'a>(keys: impl IntoIterator<Item = &'a String>) {
    let keys: Vec<&String> = keys.into_iter().collect();
    let _ = REQUEST_SECRETS.try_with(|secrets| {
        secrets
            .borrow_mut()
            .keys
            .extend(keys.iter().map(|k| (*k).clone()));
    });
    let fresh: Vec<&String> = {
        let declared = declared_keys().read().expect("secrets lock");
        keys.into_iter()
            .filter(|k| !declared.contains(*k))
            .collect()
    };
    if fresh.is_empty() {
        return;
    }
    let mut declared = declared_keys().write().expect("secrets lock");
    for key in fresh {
        if declared.len() < KEYS_CAPACITY {
            declared.insert(key.clone());
        }
    }
}

fn declared_keys() -> &'static RwLock<HashSet<String>> {
    static DECLARED: OnceLock<RwLock<HashSet<String>>> = OnceLock::new();
    DECLARED.get_or_init(RwLock::default)
}

/// The declared PASSWORD keys known to the process and to the current request.
fn secret_keys() -> HashSet<String> {
    let mut keys = declared_keys().read().expect("secrets lock").clone();
    let _ = REQUEST_SECRETS.try_with(|secrets| keys.extend(secrets.borrow().keys.iter().cloned()));
    keys
}

/// Runs `future` (a request being served) with its own request-scoped secrets.
pub async fn with_request_scope<F: Future>(future: F) -> F::Output {
    REQUEST_SECRETS
        .scope(RefCell::new(RequestSecrets::default()), future)
        .await
}

fn global_matcher() -> Option<Arc<Matcher>> {
    if let Some(matcher) = known().read().expect("secrets lock").matcher.clone() {
        return Some(matcher);
    }
    let mut known = known().write().expect("secrets lock");
    if known.values.is_empty() {
        return None;
    }
    let matcher = Arc::new(Matcher::new(known.values.iter().map(String::as_str))?);
    known.matcher = Some(matcher.clone());
    Some(matcher)
}

fn request_matcher() -> Option<Matcher> {
    REQUEST_SECRETS
        .try_with(|secrets| {
            let secrets = secrets.borrow();
            Matcher::new(secrets.values.iter().map(String::as_str))
        })
        .ok()
        .flatten()
}

impl Matcher {
    fn new<'a>(values: impl Iterator<Item = &'a str>) -> Option<Self> {
        let mut patterns: Vec<String> = Vec::new();
        for value in values {
            let quoted = serde_json::to_string(value).unwrap_or_default();
            let escaped = quoted
                .strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .unwrap_or_default();
            if escaped != value && !escaped.is_empty() {
                patterns.push(escaped.to_owned());
            }
            patterns.push(value.to_owned());
        }
        if patterns.is_empty() {
            return None;
        }
        let automaton = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()?;
        Some(Self { automaton })
    }

    fn finds(&self, haystack: &[u8]) -> bool {
        self.automaton.is_match(haystack)
    }

    fn replace<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if !self.automaton.is_match(text) {
            return Cow::Borrowed(text);
        }
        let mut replaced = String::with_capacity(text.len());
        self.automaton
            .replace_all_with(text, &mut replaced, |_, _, out| {
                out.push_str(PLACEHOLDER);
                true
            });
        Cow::Owned(replaced)
    }
}

/// The matchers in force: the process-wide one and the request's own.
fn matchers() -> Vec<Arc<Matcher>> {
    global_matcher()
        .into_iter()
        .chain(request_matcher().map(Arc::new))
        .collect()
}

/// `text` with every known secret value replaced by the placeholder, and the secret values of
/// the configs printed in it masked by key.
pub fn scrub_text(text: &str) -> Cow<'_, str> {
    let mut text = Cow::Borrowed(text);
    for matcher in matchers() {
        if let Cow::Owned(replaced) = matcher.replace(&text) {
            text = Cow::Owned(replaced);
        }
    }
    if printed::may_hold_config(text.as_bytes())
        && let Cow::Owned(masked) = printed::mask_printed(&text, &secret_keys())
    {
        text = Cow::Owned(masked);
    }
    text
}

/// A body about to leave the process, scrubbed: JSON is scrubbed string by string (so the
/// document stays valid JSON), anything else as text. `None` when nothing had to change.
pub fn scrub_body(body: &[u8]) -> Option<Vec<u8>> {
    let matchers = matchers();
    if !matchers.iter().any(|m| m.finds(body)) && !printed::may_hold_config(body) {
        return None;
    }
    if let Ok(mut json) = serde_json::from_slice::<Value>(body) {
        return scrub_json(&mut json).then(|| serde_json::to_vec(&json).ok())?;
    }
    let text = String::from_utf8_lossy(body);
    match scrub_text(&text) {
        Cow::Owned(scrubbed) => Some(scrubbed.into_bytes()),
        Cow::Borrowed(_) => None,
    }
}

/// Every string and key of `value`, scrubbed; whether anything changed.
pub fn scrub_json(value: &mut Value) -> bool {
    match value {
        Value::String(text) => match scrub_text(text) {
            Cow::Owned(scrubbed) => {
                *text = scrubbed;
                true
            }
            Cow::Borrowed(_) => false,
        },
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, item| scrub_json(item) | changed),
        Value::Object(map) => {
            let mut changed = false;
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                changed |= scrub_json(&mut item);
                let scrubbed = match scrub_text(&key) {
                    Cow::Owned(scrubbed) => Some(scrubbed),
                    Cow::Borrowed(_) => None,
                };
                changed |= scrubbed.is_some();
                map.insert(scrubbed.unwrap_or(key), item);
            }
            changed
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn learned_values_are_scrubbed_from_text_and_json_which_stays_valid() {
        learn(["known-secret-1 \"quoted\\"]);
        let body = json!({
            "error_code": 400,
            "message": "Connector config {password=known-secret-1 \"quoted\\, topics=t}",
            "known-secret-1 \"quoted\\": ["x"]
        });
        let scrubbed = scrub_body(body.to_string().as_bytes()).unwrap();
        let text = String::from_utf8(scrubbed).unwrap();
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert!(!text.contains("known-secret-1"), "{text}");
        assert_eq!(
            parsed["message"],
            format!("Connector config {{password={PLACEHOLDER}, topics=t}}")
        );
        assert!(scrub_body(b"{\"nothing\": \"here\"}").is_none());
        assert_eq!(
            scrub_text("plain known-secret-1 \"quoted\\ text"),
            "plain [hidden] text"
        );
    }

    #[test]
    fn short_values_are_not_learned() {
        learn(["ab"]);
        assert_eq!(scrub_text("a b ab abc"), "a b ab abc");
    }

    #[tokio::test]
    async fn request_secrets_last_only_for_their_request() {
        let inside = with_request_scope(async {
            note_for_request(["typed-in-this-request"]);
            scrub_text("echo: typed-in-this-request").into_owned()
        })
        .await;
        let outside = scrub_text("echo: typed-in-this-request").into_owned();
        assert_eq!(inside, "echo: [hidden]");
        assert_eq!(outside, "echo: typed-in-this-request");
    }
}
