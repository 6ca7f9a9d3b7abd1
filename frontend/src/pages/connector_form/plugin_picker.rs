//! The first step of creating a connector: pick a connector plugin (searchable, with its type
//! and the versions installed; the form then offers `connector.plugin.version`).

use leptos::prelude::*;

use crate::api::{self, PluginInfo};
use crate::failure::failures;

#[component]
pub(crate) fn PluginPicker(cluster: String, on_pick: Callback<String>) -> impl IntoView {
    let plugins = LocalResource::new(move || api::list_plugins(cluster.clone()));
    let search = RwSignal::new(String::new());
    // One entry per class, with every version installed (Connect 4.1 and newer list each).
    let matching = move |list: &[PluginInfo]| {
        let needle = search.get().to_lowercase();
        let mut classes: Vec<(PluginInfo, Vec<String>)> = Vec::new();
        let connectors = list
            .iter()
            .filter(|p| p.kind == "source" || p.kind == "sink")
            .filter(|p| p.class.to_lowercase().contains(&needle));
        for plugin in connectors {
            let version = plugin.version.clone().into_iter();
            match classes.iter_mut().find(|(p, _)| p.class == plugin.class) {
                Some((_, versions)) => versions.extend(version),
                None => classes.push((plugin.clone(), version.collect())),
            }
        }
        classes
    };
    view! {
        <section class="card" data-testid="plugin-picker">
            <h2>"Pick a connector plugin"</h2>
            <input type="search" placeholder="Search plugins" aria-label="Search plugins" data-testid="plugin-search"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
            <ErrorBoundary fallback=failures>
                <Transition fallback=|| view! { <p class="muted">"Asking Connect for its plugins…"</p> }>
                    {move || Suspend::new(async move { plugins.await.map(|list| move || view! {
                    <ul class="plugin-list">
                        {matching(&list).into_iter().map(|(plugin, versions)| {
                            let class = plugin.class.clone();
                            view! {
                                <li>
                                    <button class="plugin" data-testid="plugin" data-class=plugin.class on:click=move |_| on_pick.run(class.clone())>
                                        <strong>{crate::pages::dashboard::short_class(&plugin.class).to_owned()}</strong>
                                        <span class="badge info">{plugin.kind.clone()}</span>
                                        <span class="muted small">{versions.join(", ")}</span>
                                        <code class="muted small">{plugin.class.clone()}</code>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    }) })}
                </Transition>
            </ErrorBoundary>
        </section>
    }
}
