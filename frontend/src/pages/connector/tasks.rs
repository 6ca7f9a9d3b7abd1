//! A connector's tasks: state, worker, a restart button each, and collapsible traces.

use api_types::{TaskDetail, trace_headline};
use leptos::prelude::*;

use crate::components::StateBadge;

/// A trace folded to its headline; the whole text opens on demand.
#[component]
pub fn Trace(trace: String) -> impl IntoView {
    let line = trace_headline(&trace).unwrap_or_default();
    view! {
        <details class="trace" data-testid="trace">
            <summary><span class="error">{line}</span></summary>
            <pre>{trace}</pre>
        </details>
    }
}

#[component]
pub fn TaskTable(
    tasks: Vec<TaskDetail>,
    busy: Signal<bool>,
    /// None when the user's role may not restart tasks.
    on_restart: Option<Callback<u32>>,
) -> impl IntoView {
    if tasks.is_empty() {
        return view! { <p class="muted">"No tasks: the connector is not running, or has not started any yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table data-testid="task-table">
                <thead>
                    <tr>
                        <th scope="col">"Task"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Worker"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {tasks
                        .into_iter()
                        .map(|task| {
                            let id = task.id;
                            view! {
                                <tr data-testid="task-row" data-task=id.to_string()>
                                    <td>{id}</td>
                                    <td>
                                        <StateBadge state=task.state />
                                        {task.trace.map(|trace| view! { <Trace trace /> })}
                                    </td>
                                    <td><code>{task.worker_id.unwrap_or_else(|| "—".to_owned())}</code></td>
                                    <td>
                                        {on_restart.map(|on_restart| view! {
                                            <button
                                                disabled=move || busy.get()
                                                aria-label=format!("Restart task {id}")
                                                on:click=move |_| on_restart.run(id)
                                            >
                                                "Restart task"
                                            </button>
                                        })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
