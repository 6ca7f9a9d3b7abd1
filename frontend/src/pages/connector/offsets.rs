//! A connector's offsets (KIP-875): a source's source offsets or a sink's consumer offsets,
//! with the stop → edit or reset → resume flow as one operation.

use api_types::{Action as ChangeAction, OffsetsChange};
use leptos::prelude::*;
use serde_json::Value;

use crate::api;
use crate::components::TypeToConfirm;
use crate::session;
use crate::toasts::Toaster;

/// One row per partition: what identifies it and where the connector is.
fn rows(offsets: &Value) -> Vec<(String, String)> {
    let compact = |v: Option<&Value>| v.map(Value::to_string).unwrap_or_default();
    offsets["offsets"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|entry| {
                    (
                        compact(entry.get("partition")),
                        compact(entry.get("offset")),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[component]
pub(crate) fn OffsetsPanel(
    cluster: String,
    name: String,
    offsets: Result<Value, String>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let offsets = match offsets {
        Ok(offsets) => offsets,
        Err(message) => {
            return view! { <p class="muted">"Connect could not say: " {message}</p> }.into_any();
        }
    };
    let table = rows(&offsets);
    let can_edit = session::may(ChangeAction::OffsetsAlter.role(), Some(&cluster));
    let editing = RwSignal::new(false);
    let confirming_reset = RwSignal::new(false);
    let resume_after = RwSignal::new(true);
    let draft = RwSignal::new(serde_json::to_string_pretty(&offsets).unwrap_or_default());
    let (cluster, name) = (StoredValue::new(cluster), StoredValue::new(name));
    let change_offsets =
        Action::new_local(move |(flow, change): &(&'static str, OffsetsChange)| {
            let (flow, change) = (*flow, change.clone());
            async move {
                let result =
                    api::change_offsets(&cluster.get_value(), &name.get_value(), flow, &change)
                        .await;
                toaster.outcome(result.map(|outcome| outcome.steps.join(" → ")));
                editing.try_set(false);
                on_changed.run(());
            }
        });
    let busy = change_offsets.pending();
    let run = move |flow: &'static str, offsets: Option<Value>| {
        let change = OffsetsChange {
            offsets,
            resume_after: resume_after.get_untracked(),
        };
        change_offsets.dispatch_local((flow, change));
    };
    let apply = move |_| match serde_json::from_str::<Value>(&draft.get_untracked()) {
        Ok(value) => run("alter", Some(value)),
        Err(e) => toaster.failure(format!("The offsets are not valid JSON: {e}")),
    };
    view! {
        {if table.is_empty() {
            view! { <p class="muted">"No offsets committed yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table data-testid="offsets-table">
                        <thead><tr><th scope="col">"Partition"</th><th scope="col">"Offset"</th></tr></thead>
                        <tbody>
                            {table.into_iter().map(|(partition, offset)| view! { <tr><td><code>{partition}</code></td><td><code>{offset}</code></td></tr> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <Show when=move || can_edit>
        <div class="button-row">
            <label class="inline">
                <input type="checkbox" prop:checked=move || resume_after.get() on:change=move |ev| resume_after.set(event_target_checked(&ev)) />
                " Resume the connector afterwards"
            </label>
            <button disabled=move || busy.get() on:click=move |_| editing.update(|e| *e = !*e)>"Edit offsets"</button>
            <button class="danger" disabled=move || busy.get() on:click=move |_| confirming_reset.set(true)>"Reset offsets"</button>
        </div>
        <p class="muted small">"Both stop the connector first when it is running; Connect only changes offsets of a stopped connector."</p>
        <Show when=move || editing.get()>
            <textarea class="code" rows="10" aria-label="Offsets as JSON" prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
            <div class="button-row"><button class="primary" disabled=move || busy.get() on:click=apply>"Stop, apply these offsets"</button></div>
        </Show>
        <Show when=move || confirming_reset.get()>
            <TypeToConfirm
                prompt=format!("Type {} to stop it and reset its offsets: it starts again from the beginning (or as its config says).", name.get_value())
                expected=name.get_value()
                button="Reset offsets"
                on_confirm=Callback::new(move |_| { confirming_reset.set(false); run("reset", None) })
                on_cancel=Callback::new(move |_| confirming_reset.set(false))
            />
        </Show>
        </Show>
    }
    .into_any()
}
