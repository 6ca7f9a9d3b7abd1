//! The review step of an edit: what changes against the live config, an optional reason, an
//! explicit choice to restart after saving, and for a connector managed as code, the warning
//! that the next apply reverts the edit (to be confirmed) or that a strict cluster refuses it.

use std::collections::BTreeMap;

use api_types::{ConfigChange, DriftStatus, RestartScope};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::state::FormState;
use crate::api::{self, ApiError};
use crate::components::DiffTable;
use crate::links;
use crate::toasts::Toaster;

#[component]
pub(crate) fn Review(form: FormState, on_back: Callback<()>) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let navigate = use_navigate();
    let changes = ConfigChange::between(
        &form.original.get_untracked().unwrap_or_default(),
        &form.config.get_untracked(),
    );
    let restart_after = RwSignal::new(false);
    let nothing_changed = changes.is_empty();
    let managed = managed_as(form);
    let acknowledged = RwSignal::new(false);
    let held_back = move || match managed.get() {
        Some(Managed { strict: true, .. }) => true,
        Some(_) => !acknowledged.get(),
        None => false,
    };
    let saving = Action::new_local(move |config: &BTreeMap<String, String>| {
        let config = config.clone();
        let cluster = form.cluster.get_value();
        let name = config.get("name").cloned().unwrap_or_default();
        let navigate = navigate.clone();
        async move {
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
                    .map_err(|e| {
                        ApiError::Unreadable(format!("saved, but the restart failed: {e}"))
                    });
            }
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
                Err(error) => toaster.refused(&name, &error),
            }
        }
    });
    let apply = move |_| {
        saving.dispatch_local(form.config.get_untracked());
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
            {move || managed.get().map(|m| view! { <ManagedWarning managed=m acknowledged /> })}
            <div class="button-row">
                <button class="primary" disabled=move || saving.pending().get() || nothing_changed || held_back() on:click=apply data-testid="apply">"Apply"</button>
                <button on:click=move |_| on_back.run(())>"Back to editing"</button>
            </div>
        </section>
    }
}

/// How the edited connector is managed as code, when it is.
#[derive(Clone, PartialEq)]
struct Managed {
    strict: bool,
    applied_by: String,
    applied_at: String,
}

/// Whether the connector being edited is managed as code, asked once.
fn managed_as(form: FormState) -> Signal<Option<Managed>> {
    let cluster = form.cluster.get_value();
    let name = form
        .config
        .get_untracked()
        .get("name")
        .cloned()
        .unwrap_or_default();
    let drift = LocalResource::new(move || api::connector_drift(cluster.clone(), name.clone()));
    Signal::derive(move || {
        let drift = drift.get()?.ok()?;
        let applied = drift.applied?;
        let managed = drift
            .connectors
            .first()
            .is_some_and(|c| c.status != DriftStatus::Unmanaged);
        managed.then_some(Managed {
            strict: applied.strict,
            applied_by: applied.by,
            applied_at: applied.at,
        })
    })
}

#[component]
fn ManagedWarning(managed: Managed, acknowledged: RwSignal<bool>) -> impl IntoView {
    let when = crate::components::readable_time(&managed.applied_at);
    if managed.strict {
        return view! {
            <p class="error" role="alert" data-testid="managed-warning">
                "This connector is managed as code on a strict cluster (applied " {when} " by " {managed.applied_by}
                "): Plugboard refuses edits made here. Change its spec and apply it."
            </p>
        }
        .into_any();
    }
    view! {
        <div class="warning" role="alert" data-testid="managed-warning">
            <p>"This connector is managed as code (its spec was applied " {when} " by " {managed.applied_by}
               "). The next apply will revert this change unless its spec changes too."</p>
            <label class="inline">
                <input type="checkbox" prop:checked=move || acknowledged.get() on:change=move |ev| acknowledged.set(event_target_checked(&ev)) data-testid="managed-confirm" />
                " Change it here anyway"
            </label>
        </div>
    }
    .into_any()
}
