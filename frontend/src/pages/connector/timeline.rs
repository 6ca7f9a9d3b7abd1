//! The state timeline of a connector and its tasks: each change of state or worker Plugboard
//! saw while polling, with the cause of a failure, newest first.

use api_types::StateTransition;
use leptos::prelude::*;

use crate::components::{StateBadge, readable_time};

#[component]
pub(crate) fn StateTimeline(transitions: Signal<Vec<StateTransition>>) -> impl IntoView {
    view! {
        <ol class="timeline" data-testid="state-timeline">
            <For each=move || transitions.get() key=|t| t.id let(t)>
                <li data-testid="transition" data-state=t.state_after.as_str()>
                    <time datetime=t.seen_at.clone()>{readable_time(&t.seen_at)}</time>
                    " "
                    <strong>{t.task.map_or_else(|| "connector".to_owned(), |id| format!("task {id}"))}</strong>
                    " "
                    {t.state_before.map(|s| view! { <StateBadge state=s /> " → " })}
                    <StateBadge state=t.state_after />
                    {worker_text(&t).map(|w| view! { " " <span class="muted small">{w}</span> })}
                    {t.cause.clone().map(|c| view! { <div class="cause">{c}</div> })}
                </li>
            </For>
        </ol>
    }
}

/// "on w1", or "w1 → w2" when it moved.
fn worker_text(t: &StateTransition) -> Option<String> {
    match (&t.worker_before, &t.worker_after) {
        (Some(before), Some(after)) if before != after => Some(format!("moved {before} → {after}")),
        (_, Some(after)) => Some(format!("on {after}")),
        _ => None,
    }
}
