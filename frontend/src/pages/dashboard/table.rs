//! The connector table: one row per connector, keyed so that a refresh re-renders only the rows
//! that changed and leaves scroll position, focus and selection alone.

use std::collections::HashSet;

use api_types::{ConnectorRef, ConnectorSummary};
use leptos::prelude::*;
use leptos_router::components::A;

use super::filters::{kind_word, short_class};
use crate::components::{DriftBadge, HealthBadge};
use crate::links;

/// Which connectors are ticked for a bulk action.
pub(crate) type Selection = RwSignal<HashSet<ConnectorRef>>;

pub(crate) fn reference(connector: &ConnectorSummary) -> ConnectorRef {
    ConnectorRef {
        cluster: connector.cluster.clone(),
        name: connector.name.clone(),
    }
}

#[component]
pub(crate) fn ConnectorTable(
    rows: Signal<Vec<ConnectorSummary>>,
    selection: Selection,
    /// Whether rows can be ticked: only when the user's role allows a bulk action.
    selectable: bool,
    show_cluster: bool,
) -> impl IntoView {
    let all_selected = move || {
        let rows = rows.get();
        !rows.is_empty() && selection.with(|s| rows.iter().all(|c| s.contains(&reference(c))))
    };
    let toggle_all = move |ev| {
        let on = event_target_checked(&ev);
        let shown: Vec<_> = rows.get_untracked().iter().map(reference).collect();
        selection.update(|s| {
            for r in shown {
                if on {
                    s.insert(r);
                } else {
                    s.remove(&r);
                }
            }
        });
    };
    view! {
        <div class="table-scroll">
            <table class="connectors" data-testid="connector-table">
                <thead>
                    <tr>
                        {selectable.then(|| view! {
                            <th scope="col" class="check">
                                <input
                                    type="checkbox"
                                    aria-label="Select all shown connectors"
                                    data-testid="select-all"
                                    prop:checked=all_selected
                                    on:change=toggle_all
                                />
                            </th>
                        })}
                        <th scope="col">"Name"</th>
                        <th scope="col">"Health"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Plugin"</th>
                        {show_cluster.then(|| view! { <th scope="col">"Cluster"</th> })}
                        <th scope="col">"Tasks"</th>
                        <th scope="col">"Topics"</th>
                        <th scope="col" title="Records a sink's consumer group is behind, from the latest Kafka snapshot">"Lag"</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.get()
                        key=|c| serde_json::to_string(c).unwrap_or_default()
                        let(connector)
                    >
                        <ConnectorRow connector selection selectable show_cluster />
                    </For>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ConnectorRow(
    connector: ConnectorSummary,
    selection: Selection,
    selectable: bool,
    show_cluster: bool,
) -> impl IntoView {
    let me = reference(&connector);
    let checked = {
        let me = me.clone();
        move || selection.with(|s| s.contains(&me))
    };
    let toggle = move |ev| {
        let on = event_target_checked(&ev);
        let me = me.clone();
        selection.update(|s| {
            if on {
                s.insert(me);
            } else {
                s.remove(&me);
            }
        });
    };
    let href = links::href(&links::connector(&connector.cluster, &connector.name));
    let tasks = &connector.tasks;
    let task_text = format!("{}/{} running", tasks.running, tasks.total);
    let failed = tasks.failed;
    let topics = topics_text(&connector.topics);
    let cause = connector.first_cause.clone().map(|cause| {
        let title = cause.clone();
        view! { <div class="cause" title=title>{cause}</div> }
    });
    let name = connector.name.clone();
    view! {
        <tr data-testid="connector-row" data-name=connector.name.clone() data-cluster=connector.cluster.clone()>
            {selectable.then(|| view! {
                <td class="check">
                    <input
                        type="checkbox"
                        aria-label=format!("Select {}", connector.name)
                        data-testid="select-row"
                        prop:checked=checked
                        on:change=toggle
                    />
                </td>
            })}
            <td class="name">
                <A href=href>{name}</A>
                {connector.drift.map(|status| view! { " " <DriftBadge status /> })}
                {cause}
            </td>
            <td><HealthBadge health=connector.health /></td>
            <td>{kind_word(connector.kind)}</td>
            <td title=connector.class.clone()>{short_class(&connector.class).to_owned()}</td>
            {show_cluster.then(|| view! { <td>{connector.cluster.clone()}</td> })}
            <td data-testid="tasks">
                {task_text}
                {(failed > 0).then(|| view! { " " <span class="badge bad">{format!("{failed} failed")}</span> })}
            </td>
            <td class="topics" title=connector.topics.join(", ")>{topics}</td>
            <td class="number" data-testid="lag">{connector.lag.map(|l| l.to_string())}</td>
        </tr>
    }
}

/// The first topics, and how many more, so a long list does not widen the table.
fn topics_text(topics: &[String]) -> String {
    const SHOWN: usize = 3;
    match topics.len() {
        0 => "—".to_owned(),
        n if n <= SHOWN => topics.join(", "),
        n => format!("{} +{}", topics[..SHOWN].join(", "), n - SHOWN),
    }
}
