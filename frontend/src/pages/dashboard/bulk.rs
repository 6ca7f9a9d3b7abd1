//! Actions on every selected connector at once, with one result line per connector.

use api_types::{BulkOutcome, BulkRequest, ConnectorAction, ConnectorRef, RestartScope};
use leptos::prelude::*;

use super::table::Selection;
use crate::api;
use crate::components::TypeToConfirm;
use crate::toasts::Toaster;

/// The past tense shown in the outcome, and the word on the button.
fn words(action: ConnectorAction) -> (&'static str, &'static str) {
    match action {
        ConnectorAction::Pause => ("Paused", "Pause"),
        ConnectorAction::Resume => ("Resumed", "Resume"),
        ConnectorAction::Stop => ("Stopped", "Stop"),
        ConnectorAction::Restart(_) => ("Restarted", "Restart"),
        ConnectorAction::Delete => ("Deleted", "Delete"),
    }
}

/// The bulk bar, in a module of its own.
#[leptos::lazy]
pub(crate) async fn bar(selection: Selection, on_done: Callback<()>) -> AnyView {
    view! { <BulkBar selection on_done /> }.into_any()
}

/// Shown while at least one connector is selected; `on_done` refreshes the list.
#[component]
fn BulkBar(selection: Selection, on_done: Callback<()>) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let outcomes = RwSignal::new(None::<Vec<BulkOutcome>>);
    let confirming_delete = RwSignal::new(false);
    let count = move || selection.with(std::collections::HashSet::len);
    let bulk = Action::new_local(move |request: &BulkRequest| {
        let request = request.clone();
        async move {
            let action = request.action;
            let result = api::run_bulk_action(&request).await;
            let (done, _) = words(action);
            toaster.outcome(result.clone().map(|list| {
                let ok = list.iter().filter(|o| o.ok).count();
                format!("{done} {ok} of {} connectors", list.len())
            }));
            if let Ok(list) = result {
                if action == ConnectorAction::Delete {
                    selection.try_update(|s| {
                        s.retain(|r| {
                            !list
                                .iter()
                                .any(|o| o.ok && o.cluster == r.cluster && o.name == r.name)
                        });
                    });
                }
                outcomes.try_set(Some(list));
            }
            on_done.run(());
        }
    });
    let busy = bulk.pending();
    let run = move |action: ConnectorAction| {
        confirming_delete.set(false);
        let mut connectors: Vec<ConnectorRef> = selection.get_untracked().into_iter().collect();
        connectors.sort_by(|a, b| (&a.cluster, &a.name).cmp(&(&b.cluster, &b.name)));
        bulk.dispatch_local(BulkRequest {
            action,
            connectors,
            filter: None,
        });
    };
    let button = move |action: ConnectorAction| {
        let (_, label) = words(action);
        view! {
            <button disabled=move || busy.get() on:click=move |_| run(action) data-testid=format!("bulk-{}", label.to_lowercase())>
                {label}
            </button>
        }
    };
    let restart = move |scope: RestartScope, label: &'static str| {
        view! {
            <button disabled=move || busy.get() on:click=move |_| run(ConnectorAction::Restart(scope))>{label}</button>
        }
    };
    view! {
        <Show when=move || { count() > 0 }>
            <div class="bulk-bar" data-testid="bulk-bar">
                <strong>{move || format!("{} selected", count())}</strong>
                {button(ConnectorAction::Pause)}
                {button(ConnectorAction::Resume)}
                {button(ConnectorAction::Stop)}
                <details class="menu">
                    <summary data-testid="bulk-restart">"Restart"</summary>
                    <div class="menu-items">
                        {restart(RestartScope::default(), "Connector only")}
                        {restart(RestartScope { include_tasks: true, only_failed: false }, "Connector and all tasks")}
                        {restart(RestartScope { include_tasks: true, only_failed: true }, "Only failed tasks")}
                    </div>
                </details>
                <button class="danger" disabled=move || busy.get() on:click=move |_| confirming_delete.set(true) data-testid="bulk-delete">
                    "Delete"
                </button>
                <button on:click=move |_| selection.set(Default::default())>"Clear selection"</button>
                {move || busy.get().then(|| view! { <span class="spinner" aria-label="Working"></span> })}
            </div>
            <Show when=move || confirming_delete.get()>
                <TypeToConfirm
                    prompt=format!("Type delete to delete the {} selected connectors. This cannot be undone.", count())
                    expected="delete".to_owned()
                    button="Delete them"
                    on_confirm=Callback::new(move |_| run(ConnectorAction::Delete))
                    on_cancel=Callback::new(move |_| confirming_delete.set(false))
                />
            </Show>
        </Show>
        {move || outcomes.get().map(|list| view! { <BulkOutcomes list on_close=Callback::new(move |_| outcomes.set(None)) /> })}
    }
}

#[component]
fn BulkOutcomes(list: Vec<BulkOutcome>, on_close: Callback<()>) -> impl IntoView {
    view! {
        <section class="card outcomes" data-testid="bulk-outcomes" aria-label="Bulk action results">
            <header class="card-header">
                <h2>"Results"</h2>
                <button class="icon" aria-label="Close results" on:click=move |_| on_close.run(())>"×"</button>
            </header>
            <ul>
                {list
                    .into_iter()
                    .map(|o| {
                        let detail = o.message.unwrap_or_else(|| "done".to_owned());
                        let status = o.status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
                        view! {
                            <li data-testid="bulk-outcome" data-ok=o.ok.to_string()>
                                <span class=if o.ok { "badge ok" } else { "badge bad" }>{if o.ok { "ok" } else { "failed" }}</span>
                                " " <code>{o.cluster}</code> " / " <strong>{o.name}</strong> ": " {detail} {status}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
