//! The plugins a cluster has installed: connectors, transforms, converters and predicates, each
//! version apart (Connect 4.1 and newer list every version installed), with the workers that
//! have it: a plugin some workers lack is marked (an install or upgrade not finished), and a
//! shortcut creates a connector from one.

use api_types::{InstalledPlugin, WorkerPlugins, plugins_by_version};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::failure::failures;
use crate::links;

/// Connect's plugin types in the order the page lists them, with a heading each.
const KINDS: [(&str, &str); 6] = [
    ("source", "Source connectors"),
    ("sink", "Sink connectors"),
    ("transformation", "Transforms"),
    ("converter", "Converters"),
    ("header_converter", "Header converters"),
    ("predicate", "Predicates"),
];

#[component]
pub(crate) fn PluginsPage() -> impl IntoView {
    let params = use_params_map();
    let cluster = Memo::new(move |_| params.read().get("cluster").unwrap_or_default());
    let plugins = LocalResource::new(move || api::list_worker_plugins(cluster.get()));
    let search = RwSignal::new(String::new());
    view! {
        <div class="title-row"><h1>"Plugins"</h1><span class="muted">{move || cluster.get()}</span></div>
        <div class="filter-bar">
            <input type="search" placeholder="Search by class" aria-label="Search plugins"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
        </div>
        <ErrorBoundary fallback=failures>
            <Transition fallback=|| view! { <p class="muted">"Asking Connect…"</p> }>
                {move || Suspend::new(async move {
                    plugins.await.map(|workers| view! { <PluginsFound workers cluster search /> })
                })}
            </Transition>
        </ErrorBoundary>
    }
}

/// The plugins the workers listed, grouped by kind, those matching the search.
#[component]
fn PluginsFound(
    workers: Vec<WorkerPlugins>,
    cluster: Memo<String>,
    search: RwSignal<String>,
) -> impl IntoView {
    let installed = plugins_by_version(&workers);
    let answering: Vec<String> = workers
        .iter()
        .filter(|w| w.plugins.is_some())
        .map(|w| w.worker.clone())
        .collect();
    let groups = move || {
        let needle = search.get().to_lowercase();
        let list: Vec<&InstalledPlugin> = installed
            .iter()
            .filter(|p| p.plugin.class.to_lowercase().contains(&needle))
            .collect();
        KINDS.iter().map(|(kind, heading)| {
            let of_kind: Vec<InstalledPlugin> = list.iter().filter(|p| p.plugin.kind == *kind).map(|p| (*p).clone()).collect();
            view! { <PluginGroup heading kind cluster=cluster.get() plugins=of_kind answering=answering.clone() /> }
        }).collect_view()
    };
    view! {
        <UnansweredWorkers workers />
        {groups}
    }
}

/// The workers that did not give their list, and why.
#[component]
fn UnansweredWorkers(workers: Vec<WorkerPlugins>) -> impl IntoView {
    let all = workers.len();
    let silent: Vec<(String, String)> = workers
        .into_iter()
        .filter_map(|w| Some((w.worker, w.error?)))
        .collect();
    (!silent.is_empty()).then(|| {
        let answered = all - silent.len();
        view! {
            <div class="card warning" role="status" data-testid="plugins-unanswered">
                <p>{format!("{answered} of {all} workers listed their plugins; not:")}</p>
                <ul>{silent.into_iter().map(|(worker, why)| view! { <li><code>{worker}</code>": "{why}</li> }).collect_view()}</ul>
            </div>
        }
    })
}

#[component]
fn PluginGroup(
    heading: &'static str,
    kind: &'static str,
    cluster: String,
    plugins: Vec<InstalledPlugin>,
    /// The workers that listed their plugins.
    answering: Vec<String>,
) -> impl IntoView {
    let creatable = kind == "source" || kind == "sink";
    let count = plugins.len();
    view! {
        <section class="card" data-testid="plugin-group" data-kind=kind>
            <h2>{heading} " " <span class="muted">{count}</span></h2>
            {if plugins.is_empty() {
                view! { <p class="muted">"None installed."</p> }.into_any()
            } else {
                view! {
                    <table>
                        <thead><tr><th scope="col">"Class"</th><th scope="col">"Version"</th><th scope="col">"Workers"</th>{creatable.then(|| view! { <th scope="col"></th> })}</tr></thead>
                        <tbody>
                            {plugins.into_iter().map(|installed| {
                                let p = installed.plugin;
                                let create = creatable.then(|| {
                                    let href = format!("{}?plugin={}", links::new_connector(&cluster, None), api::encode(&p.class));
                                    view! { <td><A href=href>"Create…"</A></td> }
                                });
                                let version = p.version.unwrap_or_default();
                                let (data_class, data_version) = (p.class.clone(), version.clone());
                                view! {
                                    <tr data-testid="plugin-row" data-class=data_class data-version=data_version>
                                        <td><code>{p.class}</code></td>
                                        <td>{version}</td>
                                        <WorkersCell listing=installed.workers answering=answering.clone() />
                                        {create}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// "all" when every answering worker lists the plugin, else the workers that lack it, marked.
#[component]
fn WorkersCell(listing: Vec<String>, answering: Vec<String>) -> impl IntoView {
    let lacking: Vec<String> = answering
        .iter()
        .filter(|w| !listing.contains(w))
        .cloned()
        .collect();
    if lacking.is_empty() {
        view! { <td class="muted">{format!("all {}", listing.len())}</td> }.into_any()
    } else {
        let title = format!(
            "Listed by {}; not by {}",
            listing.join(", "),
            lacking.join(", ")
        );
        view! {
            <td title=title>
                <span class="badge warn" data-testid="plugin-missing">{format!("{} of {}", listing.len(), answering.len())}</span>
                " not on " <code>{lacking.join(", ")}</code>
            </td>
        }.into_any()
    }
}
