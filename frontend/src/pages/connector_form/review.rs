//! The review step of an edit: what changes against the live config, an optional reason, and
//! an explicit choice to restart after saving.

use api_types::{ConfigChange, RestartScope};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::state::FormState;
use crate::api;
use crate::components::DiffTable;
use crate::links;
use crate::toasts::Toaster;

#[component]
pub fn Review(form: FormState, on_back: Callback<()>) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let navigate = use_navigate();
    let changes = ConfigChange::between(
        &form.original.get_untracked().unwrap_or_default(),
        &form.config.get_untracked(),
    );
    let restart_after = RwSignal::new(false);
    let nothing_changed = changes.is_empty();
    let apply = move |_| {
        let config = form.config.get_untracked();
        let cluster = form.cluster.get_value();
        let name = config.get("name").cloned().unwrap_or_default();
        let navigate = navigate.clone();
        form.busy.set(true);
        spawn_local(async move {
            let mut result = api::replace_config(&cluster, &name, &config, form.reason_header())
                .await
                .map(drop);
            let restarted = restart_after.get_untracked() && result.is_ok();
            if restarted {
                let scope = RestartScope {
                    include_tasks: true,
                    only_failed: false,
                };
                result = api::restart_connector(&cluster, &name, scope)
                    .await
                    .map_err(|e| format!("saved, but the restart failed: {e}"));
            }
            form.busy.try_set(false);
            match result {
                Ok(()) => {
                    let then = if restarted {
                        " and restarted it with its tasks"
                    } else {
                        ""
                    };
                    toaster.success(format!("Saved the config of {name}{then}"));
                    navigate(&links::connector(&cluster, &name), Default::default());
                }
                Err(message) => toaster.failure(format!("{name}: {message}")),
            }
        });
    };
    view! {
        <section class="card" data-testid="review">
            <h2>"Review changes"</h2>
            {if nothing_changed {
                view! { <p class="muted" data-testid="no-changes">"Nothing changed."</p> }.into_any()
            } else {
                view! { <DiffTable changes /> }.into_any()
            }}
            <label class="block">
                "Reason (optional, kept in the history)"
                <input type="text" prop:value=move || form.reason.get() on:input=move |ev| form.reason.set(event_target_value(&ev)) data-testid="reason" />
            </label>
            <label class="inline">
                <input type="checkbox" prop:checked=move || restart_after.get() on:change=move |ev| restart_after.set(event_target_checked(&ev)) data-testid="restart-after" />
                " Restart the connector and its tasks after saving (Connect restarts them itself when the config changes; check this to force it)"
            </label>
            <div class="button-row">
                <button class="primary" disabled=move || form.busy.get() || nothing_changed on:click=apply data-testid="apply">"Apply"</button>
                <button on:click=move |_| on_back.run(())>"Back to editing"</button>
            </div>
        </section>
    }
}
