//! A connector's tasks: state, worker, plugin version (marked where it differs from the
//! connector's: an upgrade not finished), a restart button each, and collapsible traces.

use api_types::{TaskDetail, failure_explained, trace_headline};
use leptos::prelude::*;

use crate::components::StateBadge;

/// A trace folded to its headline, with a plain explanation when Connect's wording needs one;
/// the whole text opens on demand.
#[component]
pub(crate) fn Trace(trace: String) -> impl IntoView {
    let line = trace_headline(&trace).unwrap_or_default();
    let explained = failure_explained(&trace);
    view! {
        {explained.map(|text| view! { <p class="muted" data-testid="failure-explained">{text}</p> })}
        <details class="trace" data-testid="trace">
            <summary><span class="error">{line}</span></summary>
            <pre>{trace}</pre>
        </details>
    }
}

#[component]
pub(crate) fn TaskTable(
    tasks: Vec<TaskDetail>,
    /// The plugin version the connector runs (Connect 4.1 and newer).
    connector_version: Option<String>,
    busy: Signal<bool>,
    /// None when the user's role may not restart tasks.
    on_restart: Option<Callback<u32>>,
) -> impl IntoView {
    if tasks.is_empty() {
        return view! { <p class="muted">"No tasks: the connector is not running, or has not started any yet."</p> }.into_any();
    }
    let versions = tasks.iter().any(|task| task.version.is_some());
    view! {
        <div class="table-scroll">
            <table data-testid="task-table">
                <thead>
                    <tr>
                        <th scope="col">"Task"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Worker"</th>
                        {versions.then(|| view! { <th scope="col">"Version"</th> })}
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
                                    {versions.then(|| view! { <TaskVersion version=task.version connector_version=connector_version.clone() /> })}
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

/// A task's plugin version, marked when it is not the connector's.
#[component]
fn TaskVersion(version: Option<String>, connector_version: Option<String>) -> impl IntoView {
    let differs = version.is_some() && connector_version.is_some() && version != connector_version;
    let title = differs.then(|| {
        format!(
            "The connector runs {}: this task has not been restarted on it yet",
            connector_version.unwrap_or_default()
        )
    });
    view! {
        <td data-testid="task-version" title=title>
            <code>{version.unwrap_or_else(|| "—".to_owned())}</code>
            {differs.then(|| view! { " " <span class="badge warn" data-testid="version-differs">"differs"</span> })}
        </td>
    }
}
