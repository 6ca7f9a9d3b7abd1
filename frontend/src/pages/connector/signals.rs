//! Signals to a Debezium source, for operators: start an incremental snapshot of chosen tables,
//! pause, resume or stop it. Each goes to the connector's Kafka signal topic with a new id, which
//! the snapshot it starts carries in its notifications (shown in the snapshots above).

use api_types::{DebeziumSignal, SignalKind};
use leptos::prelude::*;

use crate::api;
use crate::toasts::Toaster;

#[component]
pub(crate) fn SignalControls(
    cluster: String,
    name: String,
    on_sent: Callback<()>,
) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let tables = RwSignal::new(String::new());
    let last_id: RwSignal<Option<String>> = RwSignal::new(None);
    let send = Action::new_local(move |signal: &DebeziumSignal| {
        let (cluster, name, signal) = (cluster.clone(), name.clone(), signal.clone());
        async move {
            match api::send_debezium_signal(&cluster, &name, &signal).await {
                Ok(sent) => {
                    toaster.success(format!("Signal {} sent to {}", sent.id, sent.topic));
                    last_id.set(Some(sent.id));
                    on_sent.run(());
                }
                Err(error) => toaster.refused("Signal refused", &error),
            }
        }
    });
    let busy = send.pending();
    let button = move |kind: SignalKind, label: &'static str, testid: &'static str| {
        let takes_tables = matches!(kind, SignalKind::ExecuteSnapshot | SignalKind::StopSnapshot);
        view! {
            <button type="button" data-testid=testid disabled=move || busy.get() on:click=move |_| {
                let named = if takes_tables {
                    tables.get_untracked().split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
                } else {
                    Vec::new()
                };
                send.dispatch(DebeziumSignal { kind, tables: named });
            }>{label}</button>
        }
    };
    view! {
        <div class="signal-controls" data-testid="signal-controls">
            <label class="inline">
                "Tables "
                <input type="text" data-testid="signal-tables" placeholder="schema.table, comma-separated"
                    prop:value=move || tables.get() on:input=move |ev| tables.set(event_target_value(&ev)) />
            </label>
            <div class="button-row">
                {button(SignalKind::ExecuteSnapshot, "Start incremental snapshot", "signal-execute")}
                {button(SignalKind::PauseSnapshot, "Pause", "signal-pause")}
                {button(SignalKind::ResumeSnapshot, "Resume", "signal-resume")}
                {button(SignalKind::StopSnapshot, "Stop", "signal-stop")}
            </div>
            {move || last_id.get().map(|id| view! { <p class="muted small">"Last signal: " <code data-testid="signal-sent">{id}</code></p> })}
        </div>
    }
}
