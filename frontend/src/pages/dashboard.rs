//! The connectors dashboard: every connector of every cluster (or of one), with counts per
//! health, search, filters, live refresh and bulk actions.

mod bulk;
mod filters;
mod table;
mod window;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use api_types::{Action as ChangeAction, ClusterFailure, ConnectorSummary, Health};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::clusters::ClusterList;
use crate::components::{ClusterCard, health_label};
use crate::deferred::{content_shown, later};
use crate::failure::Failure;
use crate::links;
use crate::session;
use crate::stream::{POLL_EVERY, live_list};
use filters::Filters;
use table::ConnectorTable;

pub(crate) use filters::short_class;

#[component]
pub(crate) fn DashboardPage() -> impl IntoView {
    let params = use_params_map();
    let cluster = Memo::new(move |_| params.read().get("cluster"));
    let list = live_list(cluster);
    // The first answer (rows or why not) is the page's content: the parts that come later wait
    // for it.
    let answered = Memo::new(move |_| list.value.with(Option::is_some));
    Effect::new(move |_| {
        if answered.get() {
            content_shown();
        }
    });
    let filters = Filters::from_url();
    let selection = RwSignal::new(HashSet::new());
    let loaded = move || list.value.with(|v| matches!(v, Some(Ok(_))));
    // Memos, read without copying: a thousand rows are copied once per answer, and filtered
    // and sorted once per change (the table reads the shown rows from its window, its spacers
    // and "select all").
    let all = Memo::new(move |_| {
        list.value.with(|v| match v {
            Some(Ok(list)) => list.connectors.clone(),
            _ => Vec::new(),
        })
    });
    let shown = Memo::new(move |_| {
        let passes = filters.matcher();
        let mut rows: Vec<ConnectorSummary> =
            all.with(|all| all.iter().filter(|c| passes(c)).cloned().collect());
        filters.sort(&mut rows);
        rows
    });
    let distinct = move |pick: fn(&ConnectorSummary) -> String| {
        Signal::derive(move || {
            all.with(|all| all.iter().map(pick).collect::<BTreeSet<_>>())
                .into_iter()
                .collect()
        })
    };
    let show_cluster = cluster.get_untracked().is_none();
    let selectable = session::may_somewhere(ChangeAction::Pause.role());
    let first = first_cluster();
    let create_in = move || cluster.get().or_else(|| first.get());
    view! {
        {move || cluster.get().map(|id| view! { <SelectedCluster id /> })}
        <div class="title-row">
            <h1>"Connectors"</h1>
            <Show when=move || list.streaming.get()>
                <span class="badge ok" data-testid="live-badge" title="Changes are pushed to this page as Plugboard sees them">"live"</span>
            </Show>
            {session::may_somewhere(ChangeAction::Create.role()).then_some(move || create_in().map(|id| view! {
                <A href=links::new_connector(&id, None) attr:class="button primary" attr:data-testid="new-connector">"New connector"</A>
            }))}
            {move || cluster.get().map(|id| view! {
                <a href=api::specs_download(&id, None) class="button" download="" data-testid="export-specs"
                   title="Every connector of this cluster as specs for connectors as code (secrets as ${env:...} references)">"Export specs"</a>
            })}
        </div>
        {move || list.value.with(|answer| match answer {
            None => view! { <p class="muted">"Asking the workers…"</p> }.into_any(),
            Some(Err(error)) => view! { <Failure error=error.clone() /> }.into_any(),
            Some(Ok(list)) => view! { <Unreachable failures=list.unreachable.clone() /> }.into_any(),
        })}
        <Show when=move || list.value.with(Option::is_some) && !list.streaming.get()>
            <p class="warning" data-testid="live-off">
                {format!("Live updates are off (the event stream is not connected); the list is fetched every {} s.", POLL_EVERY.as_secs())}
            </p>
        </Show>
        <HealthCounts all=all.into() filters />
        {later(filters::bar(filters, distinct(|c| c.cluster.clone()), distinct(|c| c.class.clone()), show_cluster))}
        {selectable.then(|| view! {
            {later(bulk::bar(selection, Callback::new(move |_| list.refresh())))}
        })}
        <ConnectorTable rows=shown.into() selection selectable show_cluster />
        <Show when=move || loaded() && shown.with(Vec::is_empty)>
            <p class="card empty" data-testid="no-connectors">
                {move || if all.with(Vec::is_empty) { "No connectors yet." } else { "No connector matches these filters." }}
            </p>
        </Show>
    }
}

/// The first configured cluster, for links that need one while all clusters are shown; none
/// until the cluster list has answered (a link made before would lead to a cluster that is not
/// there).
pub(crate) fn first_cluster() -> Memo<Option<String>> {
    let ClusterList(clusters) = expect_context();
    Memo::new(move |_| {
        clusters
            .get()
            .and_then(Result::ok)
            .and_then(|list| list.into_iter().next())
            .map(|c| c.id)
    })
}

/// The card of the cluster the page is limited to, from the shared cluster list.
#[component]
fn SelectedCluster(id: String) -> impl IntoView {
    let ClusterList(clusters) = expect_context();
    move || {
        let list = clusters.get().and_then(Result::ok).unwrap_or_default();
        match list.into_iter().find(|c| c.id == id) {
            Some(cluster) => later(cluster_card(cluster)).into_any(),
            None => view! { <p class="error">"No cluster is configured with the id " <code>{id.clone()}</code></p> }.into_any(),
        }
    }
}

/// The cluster's card, in a module of its own (it is shown only when the page is limited to
/// one cluster).
#[leptos::lazy]
async fn cluster_card(cluster: api_types::ClusterOverview) -> AnyView {
    view! { <ClusterCard cluster /> }.into_any()
}

/// Clusters that did not answer, with the reason; the rest of the list still shows.
#[component]
fn Unreachable(failures: Vec<ClusterFailure>) -> impl IntoView {
    failures
        .into_iter()
        .map(|failure| {
            view! {
                <p class="warning" role="alert" data-testid="cluster-down">
                    <strong>{failure.cluster}</strong> " is down: " {failure.message}
                </p>
            }
        })
        .collect_view()
}

/// One button per health with its count; pressing one filters the table by it.
#[component]
fn HealthCounts(all: Signal<Vec<ConnectorSummary>>, filters: Filters) -> impl IntoView {
    let counts = move || {
        let mut counts: BTreeMap<Health, usize> = BTreeMap::new();
        all.with(|all| {
            for connector in all {
                *counts.entry(connector.health).or_default() += 1;
            }
        });
        counts
    };
    view! {
        <div class="counts" data-testid="health-counts">
            <button
                class="count"
                aria-pressed=move || filters.health.get().is_empty().to_string()
                on:click=move |_| filters.health.set(String::new())
            >
                "All " <strong>{move || all.with(Vec::len)}</strong>
            </button>
            {move || {
                counts()
                    .into_iter()
                    .map(|(health, n)| {
                        let (word, colour) = health_label(health);
                        view! {
                            <button
                                class=format!("count {colour}")
                                data-testid="health-count"
                                data-health=word
                                aria-pressed=move || (filters.health.get() == word).to_string()
                                on:click=move |_| filters.health.set(word.to_owned())
                            >
                                {word} " " <strong>{n}</strong>
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
