//! History events as a list: when, who, from where, what, the outcome, the config diff on
//! demand, and a rollback to the version an event left.

use api_types::{Action as ChangeAction, ConfigChange, HistoryEvent, Outcome, RollbackRequest};
use leptos::prelude::*;
use leptos_router::components::A;

use super::DiffTable;
use crate::api;
use crate::links;
use crate::session;
use crate::toasts::Toaster;

/// `2026-11-22T04:30:12.123456Z` → `2026-11-22 04:30:12 UTC`.
pub(crate) fn readable_time(rfc3339: &str) -> String {
    let seconds = rfc3339
        .split('.')
        .next()
        .unwrap_or(rfc3339)
        .trim_end_matches('Z');
    format!("{} UTC", seconds.replacen('T', " ", 1))
}

/// Milliseconds since the epoch (a Kafka record's time) as [`readable_time`] shows a time.
pub(crate) fn readable_ms(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    readable_time(&String::from(date.to_iso_string()))
}

/// Renders `events` newest first; `on_changed` runs after a rollback.
#[component]
pub(crate) fn HistoryList(
    events: Signal<Vec<HistoryEvent>>,
    show_connector: bool,
    on_changed: Callback<()>,
) -> impl IntoView {
    view! {
        <ol class="history" data-testid="history">
            <For
                each=move || events.get()
                key=|e| (e.id, e.outcome)
                let(event)
            >
                <EventItem event show_connector on_changed />
            </For>
        </ol>
    }
}

#[component]
fn EventItem(event: HistoryEvent, show_connector: bool, on_changed: Callback<()>) -> impl IntoView {
    let outcome_class = match event.outcome {
        Outcome::Success => "badge ok",
        Outcome::Failure => "badge bad",
        _ => "badge warn",
    };
    let empty = Default::default();
    let changes = ConfigChange::between(
        event.config_before.as_ref().unwrap_or(&empty),
        event.config_after.as_ref().unwrap_or(&empty),
    );
    let restorable = event.outcome == Outcome::Success
        && event.config_after.is_some()
        && event.action.sets_config();
    let connector = event
        .connector
        .clone()
        .filter(|_| show_connector)
        .map(|name| {
            let href = links::href(&links::connector(&event.cluster, &name));
            view! { <A href=href>{name}</A> " " }
        });
    let detail = event
        .detail
        .as_ref()
        .filter(|d| !d.is_null())
        .map(|d| view! { <code class="muted small">{d.to_string()}</code> });
    let status = event.http_status.map(|s| format!("HTTP {s}"));
    let change_count = changes.len();
    view! {
        <li class="event" data-testid="history-event" data-action=event.action.as_str() data-event=event.id.to_string()>
            <div class="event-line">
                <time datetime=event.started_at.clone()>{readable_time(&event.started_at)}</time>
                <strong class="action">{event.action.as_str()}</strong>
                {connector}
                <span class=outcome_class data-testid="event-outcome">{event.outcome.as_str()}</span>
                <span class="muted small">{format!("by {} via {}", event.actor, event.source.as_str())}</span>
                {status.map(|s| view! { <span class="muted small">{s}</span> })}
                {event.duration_ms.map(|ms| view! { <span class="muted small">{format!("{ms} ms")}</span> })}
                {detail}
            </div>
            {event.reason.clone().map(|r| view! { <p class="reason">"Reason: " {r}</p> })}
            {event.message.clone().filter(|_| event.outcome != Outcome::Success).map(|m| view! { <p class="error small">{m}</p> })}
            {(change_count > 0).then(|| view! {
                <details class="event-diff">
                    <summary data-testid="show-diff">{format!("{change_count} config change{}", if change_count == 1 { "" } else { "s" })}</summary>
                    <DiffTable changes />
                </details>
            })}
            {restorable.then(|| view! { <RollbackButton event=event.clone() on_changed /> })}
        </li>
    }
}

/// "Restore this version", with a confirmation that takes an optional reason.
#[component]
fn RollbackButton(event: HistoryEvent, on_changed: Callback<()>) -> impl IntoView {
    if !session::may(ChangeAction::Rollback.role(), Some(&event.cluster)) {
        return ().into_any();
    }
    let toaster = expect_context::<Toaster>();
    let confirming = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let (cluster, name, id) = (
        event.cluster.clone(),
        event.connector.clone().unwrap_or_default(),
        event.id,
    );
    let label =
        format!("Roll {name} back to the config of event {id} (validated by Connect first)?");
    let rolling_back = Action::new_local(move |request: &RollbackRequest| {
        let (cluster, name, request) = (cluster.clone(), name.clone(), request.clone());
        async move {
            let result = api::roll_back(&cluster, &name, &request).await;
            confirming.try_set(false);
            match result {
                Ok(_) => toaster.success(format!("Rolled {name} back to event {id}")),
                Err(error) => toaster.refused(&format!("Rollback of {name}"), &error),
            }
            on_changed.run(());
        }
    });
    let busy = rolling_back.pending();
    let roll_back = move |_| {
        rolling_back.dispatch_local(RollbackRequest {
            event_id: id,
            reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
        });
    };
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! { <button class="small-button" on:click=move |_| confirming.set(true) data-testid="rollback">"Restore this version"</button> }
        >
            <div class="confirm" data-testid="rollback-confirm">
                <p>{label.clone()}</p>
                <input type="text" placeholder="Reason (optional)" aria-label="Reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                <div class="button-row">
                    <button class="primary" disabled=move || busy.get() on:click=roll_back data-testid="rollback-confirm-button">"Roll back"</button>
                    <button on:click=move |_| confirming.set(false)>"Cancel"</button>
                </div>
            </div>
        </Show>
    }
    .into_any()
}
