//! The form's state: one config map that the form and the text tab both edit, the latest
//! validate answer (asked again, debounced, as the user types), and which errors to show.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Validation};
use crate::timing::debounced;

/// How long typing must pause before the config is validated again.
const VALIDATE_AFTER: Duration = Duration::from_millis(400);

#[derive(Clone, Copy)]
pub(crate) struct FormState {
    pub cluster: StoredValue<String>,
    /// The config being edited, `name` and `connector.class` included.
    pub config: RwSignal<BTreeMap<String, String>>,
    /// The live config when editing (the diff's left side).
    pub original: RwSignal<Option<BTreeMap<String, String>>>,
    pub validation: RwSignal<Option<Validation>>,
    /// Settings the user changed: their errors show at once; others wait for a submit.
    pub touched: RwSignal<HashSet<String>>,
    pub submitted: RwSignal<bool>,
    /// A submit's validation is in flight.
    pub validating: RwSignal<bool>,
    /// Why validate or the create/update call failed as a whole.
    pub submit_error: RwSignal<Option<String>>,
    /// Optional reason, recorded in the history with the change.
    pub reason: RwSignal<String>,
    generation: StoredValue<u64>,
}

impl FormState {
    pub(crate) fn new(cluster: String) -> Self {
        let form = Self {
            cluster: StoredValue::new(cluster),
            config: RwSignal::new(BTreeMap::new()),
            original: RwSignal::new(None),
            validation: RwSignal::new(None),
            touched: RwSignal::new(HashSet::new()),
            submitted: RwSignal::new(false),
            validating: RwSignal::new(false),
            submit_error: RwSignal::new(None),
            reason: RwSignal::new(String::new()),
            generation: StoredValue::new(0),
        };
        let validate_later = debounced(VALIDATE_AFTER, move || form.validate(|_| {}));
        Effect::new(move |_| {
            form.config.track();
            if form.plugin().is_some() {
                validate_later();
            }
        });
        form
    }

    /// The plugin the config names (`connector.class`).
    pub(crate) fn plugin(&self) -> Option<String> {
        self.config.with(|c| c.get("connector.class").cloned())
    }

    pub(crate) fn choose_plugin(&self, class: String) {
        self.config.update(|c| {
            c.insert("connector.class".into(), class);
        });
    }

    pub(crate) fn load_original(&self, config: BTreeMap<String, String>) {
        self.config.try_set(config.clone());
        self.original.try_set(Some(config));
    }

    /// Sets one setting (an empty value removes it) and marks it as touched.
    pub(crate) fn set(&self, key: &str, value: String) {
        self.touched.update(|t| {
            t.insert(key.to_owned());
        });
        self.config.update(|c| {
            if value.is_empty() {
                c.remove(key);
            } else {
                c.insert(key.to_owned(), value);
            }
        });
    }

    pub(crate) fn reason_header(&self) -> Option<String> {
        let reason = self.reason.get_untracked();
        (!reason.trim().is_empty()).then(|| reason.trim().to_owned())
    }

    /// Validates now; `then` gets whether the config has no error (false when the call failed).
    /// `then` always runs, but only the newest answer is shown (a slow one never hides a newer).
    pub(crate) fn validate(&self, then: impl FnOnce(bool) + 'static) {
        let Some(plugin) = self.plugin() else {
            return then(false);
        };
        let form = *self;
        form.generation.update_value(|g| *g += 1);
        let mine = form.generation.get_value();
        let config = form.config.get_untracked();
        spawn_local(async move {
            let answer = api::validate_config(&form.cluster.get_value(), &plugin, &config).await;
            let newest = form.generation.try_get_value() == Some(mine);
            match answer {
                Ok(validation) => {
                    let ok = validation.error_count == 0;
                    if newest {
                        form.validation.try_set(Some(validation));
                        form.submit_error.try_set(None);
                    }
                    then(ok);
                }
                Err(message) => {
                    let sentence = format!("Connect could not validate the config: {message}");
                    form.submit_error.try_set(Some(sentence));
                    then(false);
                }
            }
        });
    }

    /// Validates, shows every error, and calls `on_valid` only when there is none.
    pub(crate) fn check_then(&self, on_valid: impl FnOnce() + 'static) {
        self.submitted.set(true);
        let validating = self.validating;
        validating.set(true);
        self.validate(move |ok| {
            validating.try_set(false);
            if ok {
                on_valid();
            }
        });
    }

    /// "2 settings need attention", or the reason the last call failed.
    pub(crate) fn problem_summary(&self) -> Option<String> {
        if let Some(error) = self.submit_error.get() {
            return Some(error);
        }
        if !self.submitted.get() {
            return None;
        }
        let count = self
            .validation
            .with(|v| v.as_ref().map_or(0, Validation::keys_in_error));
        match count {
            0 => None,
            1 => Some("1 setting needs attention (see below).".to_owned()),
            n => Some(format!("{n} settings need attention (see below).")),
        }
    }

    /// Whether errors of `key` are shown: after it changed, or after a submit.
    pub(crate) fn shows_errors_of(&self, key: &str) -> bool {
        self.submitted.get() || self.touched.with(|t| t.contains(key))
    }
}
