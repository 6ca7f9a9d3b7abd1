//! Logger levels of a cluster's workers (KIP-495): each worker's levels side by side, one
//! logger looked up on every worker, and a change on one worker or on all of them (KIP-976).

use std::collections::BTreeSet;

use api_types::{Action as ChangeAction, LoggerChange, WorkerLoggers};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::failure::failures;
use crate::session;
use crate::toasts::Toaster;

const LEVELS: [&str; 7] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"];

#[component]
pub(crate) fn LoggersPage() -> impl IntoView {
    let params = use_params_map();
    let cluster = Memo::new(move |_| params.read().get("cluster").unwrap_or_default());
    let looked_up = RwSignal::new(None::<String>);
    let levels =
        LocalResource::new(move || api::list_worker_loggers(cluster.get(), looked_up.get()));
    let toaster = expect_context::<Toaster>();
    let logger = RwSignal::new("org.apache.kafka.connect".to_owned());
    let level = RwSignal::new("DEBUG".to_owned());
    let cluster_wide = RwSignal::new(true);
    let change_level = Action::new_local(
        move |(cluster, name, change): &(String, String, LoggerChange)| {
            let (cluster, name, change) = (cluster.clone(), name.clone(), change.clone());
            async move {
                let result = api::set_logger_level(&cluster, &name, &change).await;
                let target = if change.scope.is_some() {
                    "every worker (each applies it in its own time)"
                } else {
                    "one worker"
                };
                toaster
                    .outcome(result.map(|_| format!("{name} set to {} on {target}", change.level)));
                looked_up.try_set(Some(name));
            }
        },
    );
    let busy = change_level.pending();
    let apply = move |_| {
        let (cluster, name) = (cluster.get_untracked(), logger.get_untracked());
        let scope = cluster_wide.get_untracked().then(|| "cluster".to_owned());
        let change = LoggerChange {
            level: level.get_untracked(),
            scope,
        };
        change_level.dispatch_local((cluster, name, change));
    };
    view! {
        <div class="title-row"><h1>"Logger levels"</h1><span class="muted">{move || cluster.get()}</span></div>
        <section class="card">
            <h2>"Change a level"</h2>
            <div class="button-row">
                <input type="text" aria-label="Logger" size="40" prop:value=move || logger.get() on:input=move |ev| logger.set(event_target_value(&ev)) data-testid="logger-name" />
                <select aria-label="Level" on:change=move |ev| level.set(event_target_value(&ev)) data-testid="logger-level">
                    {LEVELS.map(|l| view! { <option value=l selected=move || level.get() == l>{l}</option> }).collect_view()}
                </select>
                <label class="inline">
                    <input type="checkbox" prop:checked=move || cluster_wide.get() on:change=move |ev| cluster_wide.set(event_target_checked(&ev)) />
                    " On every worker of the cluster"
                </label>
                <button class="primary" disabled=move || busy.get() || !session::may(ChangeAction::LoggerChange.role(), Some(&cluster.get())) on:click=apply data-testid="logger-apply">"Apply"</button>
                <button on:click=move |_| looked_up.set(Some(logger.get_untracked()))>"Look up on each worker"</button>
                <button on:click=move |_| looked_up.set(None)>"Show all loggers"</button>
            </div>
            <p class="muted small">"Unchecked, the change reaches only the worker Plugboard asks first. Levels set here last until the worker restarts."</p>
        </section>
        <section class="card">
            <h2>{move || looked_up.get().map_or_else(|| "Loggers each worker lists".to_owned(), |l| format!("{l} on each worker"))}</h2>
            <button on:click=move |_| levels.refetch()>"Refresh"</button>
            <ErrorBoundary fallback=failures>
                <Transition fallback=|| view! { <p class="muted">"Asking the workers…"</p> }>
                    {move || Suspend::new(async move { levels.await.map(|workers| view! { <LevelsTable workers /> }) })}
                </Transition>
            </ErrorBoundary>
        </section>
    }
}

/// One row per logger, one column per worker; a worker that did not answer says why.
#[component]
fn LevelsTable(workers: Vec<WorkerLoggers>) -> impl IntoView {
    let names: BTreeSet<String> = workers
        .iter()
        .flat_map(|w| w.loggers.iter().flat_map(|l| l.keys().cloned()))
        .collect();
    let headers = workers
        .iter()
        .map(|w| view! { <th scope="col"><code>{w.worker.clone()}</code></th> })
        .collect_view();
    let errors = workers
        .iter()
        .filter_map(|w| w.error.clone().map(|e| (w.worker.clone(), e)))
        .collect::<Vec<_>>();
    let rows = names
        .into_iter()
        .map(|name| {
            let cells = workers
                .iter()
                .map(|w| {
                    let level = w
                        .loggers
                        .as_ref()
                        .and_then(|l| l.get(&name))
                        .map_or_else(|| "—".to_owned(), |l| l.level.clone());
                    view! { <td data-testid="logger-cell">{level}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row"><code>{name}</code></th>{cells}</tr> }
        })
        .collect_view();
    view! {
        {errors.into_iter().map(|(worker, e)| view! { <p class="warning">{worker} ": " {e}</p> }).collect_view()}
        <div class="table-scroll">
            <table data-testid="logger-table">
                <thead><tr><th scope="col">"Logger"</th>{headers}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
