//! The connector table: one row per connector, keyed so that a refresh re-renders only the rows
//! that changed and leaves scroll position, focus and selection alone; a long table renders only
//! the rows on screen.

use std::collections::HashSet;

use api_types::{ConnectorRef, ConnectorSummary};
use leptos::prelude::*;

use super::filters::{kind_word, short_class};
use super::window::{RowWindow, WHOLE_UP_TO};
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
        rows.with(|rows| {
            !rows.is_empty() && selection.with(|s| rows.iter().all(|c| s.contains(&reference(c))))
        })
    };
    let toggle_all = move |ev| {
        let on = event_target_checked(&ev);
        let shown: Vec<_> = rows.with_untracked(|rows| rows.iter().map(reference).collect());
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
    let window = RowWindow::follow();
    let total = Memo::new(move |_| rows.with(Vec::len));
    let range = Memo::new(move |_| window.range(total.get()));
    // The table's place on the page moves as the rows (and what is above them) change.
    Effect::new(move |_| {
        rows.track();
        window.measure_after_layout();
    });
    let on_screen = move || {
        let range = range.get();
        rows.with(|rows| rows.get(range).map(<[_]>::to_vec).unwrap_or_default())
    };
    let columns = 7 + usize::from(selectable) + usize::from(show_cluster);
    let spacer = move |rows: Memo<usize>| {
        view! {
            <Show when=move || { rows.get() > 0 }>
                <tr class="spacer" aria-hidden="true">
                    <td colspan=columns style:height=move || window.height_of(rows.get())></td>
                </tr>
            </Show>
        }
    };
    let above = Memo::new(move |_| range.get().start);
    let below = Memo::new(move |_| total.get().saturating_sub(range.get().end));
    view! {
        <div class="table-scroll">
            <table
                class="connectors"
                class:windowed={move || total.get() > WHOLE_UP_TO}
                data-testid="connector-table"
                data-rows=move || total.get().to_string()
                aria-rowcount=move || (total.get() + 1).to_string()
            >
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
                <tbody node_ref=window.body()>
                    {spacer(above)}
                    <ForEnumerate
                        each=on_screen
                        key=ConnectorSummary::clone
                        children=move |index, connector| {
                            // Row 1 is the header (aria-rowindex counts from 1).
                            let row_index = Signal::derive(move || above.get() + index.get() + 2);
                            view! { <ConnectorRow connector row_index selection selectable show_cluster /> }
                        }
                    />
                    {spacer(below)}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ConnectorRow(
    connector: ConnectorSummary,
    /// Its place in the whole table, for assistive technology (only some rows are rendered).
    row_index: Signal<usize>,
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
        <tr data-testid="connector-row" data-name=connector.name.clone() data-cluster=connector.cluster.clone() aria-rowindex=row_index>
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
                // A plain link (the router takes its clicks): the router's link component
                // follows the location in each of the rows, which a screenful can do without.
                <a href=href>{name}</a>
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
