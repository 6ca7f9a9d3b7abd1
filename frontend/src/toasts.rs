//! Short messages about the outcome of an action, shown in a corner and dismissed by time or
//! by hand. Pages reach them through the [`Toaster`] context.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::{ApiError, ApiResult};
use crate::failure;

/// How long a success stays; failures stay until closed, so nobody misses one.
const SUCCESS_SHOWN_FOR: Duration = Duration::from_secs(6);

#[derive(Clone, PartialEq)]
struct Toast {
    id: u64,
    ok: bool,
    text: String,
}

/// The app's toasts; `provide()` once in the shell, `expect_context::<Toaster>()` anywhere.
#[derive(Clone, Copy)]
pub(crate) struct Toaster {
    toasts: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toaster {
    pub(crate) fn provide() -> Self {
        let toaster = Self {
            toasts: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        };
        provide_context(toaster);
        toaster
    }

    pub(crate) fn success(&self, text: impl Into<String>) {
        let id = self.push(true, text.into());
        let toasts = self.toasts;
        set_timeout(
            move || {
                toasts.try_update(|list| list.retain(|t| t.id != id));
            },
            SUCCESS_SHOWN_FOR,
        );
    }

    /// A failure found before any call (input that does not parse, a partial outcome).
    pub(crate) fn failure(&self, text: impl Into<String>) {
        self.push(false, text.into());
    }

    /// A call that failed: its sentence, after `lead` unless that is empty. A failure saying
    /// the session ended also sends the console back to the sign-in form.
    pub(crate) fn refused(&self, lead: &str, error: &ApiError) {
        failure::notice(error);
        self.failure(if lead.is_empty() {
            error.to_string()
        } else {
            format!("{lead}: {error}")
        });
    }

    /// A success or a failure, from an action's outcome.
    pub(crate) fn outcome(&self, result: ApiResult<String>) {
        match result {
            Ok(text) => self.success(text),
            Err(error) => self.refused("", &error),
        }
    }

    fn push(&self, ok: bool, text: String) -> u64 {
        self.next_id.update_value(|n| *n += 1);
        let id = self.next_id.get_value();
        self.toasts.update(|list| list.push(Toast { id, ok, text }));
        id
    }
}

/// Where the toasts appear; screen readers announce them.
#[component]
pub(crate) fn Toasts() -> impl IntoView {
    let Toaster { toasts, .. } = expect_context();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.get() key=|toast| toast.id let(toast)>
                <div
                    class="toast"
                    class:bad=!toast.ok
                    data-testid=if toast.ok { "toast-success" } else { "toast-failure" }
                >
                    <span>{toast.text}</span>
                    <button
                        class="icon"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.update(|list| list.retain(|t| t.id != toast.id))
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
