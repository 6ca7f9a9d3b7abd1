//! Every consumer group of a cluster (not only Connect's) with its state, topics, lag, consume
//! rate and time behind, linked to its connector when it belongs to one. Most lag first.

use std::time::Duration;

use api_types::{GroupSummary, KafkaGroups};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::{ColumnHeads, KafkaFreshness, SearchBox, duration_text};
use crate::failure::Failure;
use crate::links;
use crate::live::live;

const REFRESH_EVERY: Duration = Duration::from_secs(10);

#[component]
pub(crate) fn GroupsPage() -> impl IntoView {
    let params = use_params_map();
    let cluster = Memo::new(move |_| params.read().get("cluster").unwrap_or_default());
    let groups = live(REFRESH_EVERY, move || cluster.get(), api::kafka_groups);
    let answer: Memo<Option<KafkaGroups>> = Memo::new(move |_| groups.ok_map(Clone::clone));
    let search = RwSignal::new(String::new());
    view! {
        <div class="title-row"><h1>"Consumer groups"</h1><span class="muted">{move || cluster.get()}</span></div>
        {move || groups.error().map(|error| view! { <Failure error /> })}
        {move || answer.get().map(|a| view! { <KafkaFreshness status=a.status /> })}
        <div class="filter-bar">
            <SearchBox label="Search groups" value=search />
        </div>
        <div class="table-scroll">
            <table data-testid="groups-table">
                <ColumnHeads columns=&["Group", "State", "Connector", "Topics", "Partitions", "Lag", "Rate", "Behind"] />
                <tbody>
                    {move || {
                        let needle = search.get().to_lowercase();
                        let mut list: Vec<GroupSummary> = answer.get().map(|a| a.groups).unwrap_or_default()
                            .into_iter().filter(|g| g.name.to_lowercase().contains(&needle)).collect();
                        list.sort_by(|a, b| b.lag.cmp(&a.lag).then_with(|| a.name.cmp(&b.name)));
                        let cluster = cluster.get_untracked();
                        list.into_iter().map(|g| group_row(&cluster, g)).collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}

fn group_row(cluster: &str, group: GroupSummary) -> impl IntoView + use<> {
    let connector = group.connector.clone().map(|name| {
        let href = links::href(&links::connector(cluster, &name));
        view! { <A href=href>{name}</A> }
    });
    let behind = match group.time_lag_seconds {
        Some(s) => duration_text(s),
        None if group.lag > 0 => "stalled".to_owned(),
        None => "—".to_owned(),
    };
    let data_group = group.name.clone();
    view! {
        <tr data-testid="group-row" data-group=data_group>
            <td><code>{group.name}</code></td>
            <td>{group.state}</td>
            <td>{connector}</td>
            <td>{group.topics.join(", ")}</td>
            <td>{group.partitions}</td>
            <td data-testid="group-lag">{group.lag}</td>
            <td>{group.consume_rate.map_or_else(|| "—".to_owned(), |r| format!("{r:.1}/s"))}</td>
            <td>{behind}</td>
        </tr>
    }
}
