//! The plugins a cluster has installed: connectors, transforms, converters and predicates, with
//! versions, and a shortcut to create a connector from one.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, PluginInfo};
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
pub fn PluginsPage() -> impl IntoView {
    let params = use_params_map();
    let cluster = Memo::new(move |_| params.read().get("cluster").unwrap_or_default());
    let plugins = LocalResource::new(move || api::list_plugins(cluster.get()));
    let search = RwSignal::new(String::new());
    view! {
        <div class="title-row"><h1>"Plugins"</h1><span class="muted">{move || cluster.get()}</span></div>
        <div class="filter-bar">
            <input type="search" placeholder="Search by class" aria-label="Search plugins"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
        </div>
        {move || match plugins.get() {
            None => view! { <p class="muted">"Asking Connect…"</p> }.into_any(),
            Some(Err(message)) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            Some(Ok(list)) => {
                let needle = search.get().to_lowercase();
                let list: Vec<PluginInfo> = list.into_iter().filter(|p| p.class.to_lowercase().contains(&needle)).collect();
                KINDS.iter().map(|(kind, heading)| {
                    let of_kind: Vec<PluginInfo> = list.iter().filter(|p| p.kind == *kind).cloned().collect();
                    view! { <PluginGroup heading kind cluster=cluster.get() plugins=of_kind /> }
                }).collect_view().into_any()
            }
        }}
    }
}

#[component]
fn PluginGroup(
    heading: &'static str,
    kind: &'static str,
    cluster: String,
    plugins: Vec<PluginInfo>,
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
                        <thead><tr><th scope="col">"Class"</th><th scope="col">"Version"</th>{creatable.then(|| view! { <th scope="col"></th> })}</tr></thead>
                        <tbody>
                            {plugins.into_iter().map(|p| {
                                let create = creatable.then(|| {
                                    let href = format!("{}?plugin={}", links::new_connector(&cluster, None), api::encode(&p.class));
                                    view! { <td><A href=href>"Create…"</A></td> }
                                });
                                view! { <tr data-testid="plugin-row"><td><code>{p.class}</code></td><td>{p.version.unwrap_or_default()}</td>{create}</tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
