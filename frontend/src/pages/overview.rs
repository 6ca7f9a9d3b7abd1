//! The cluster overview: each configured Connect cluster and what its workers say about themselves.

use api_types::ClusterOverview;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::clusters::ClusterList;
use crate::components::ClusterCard;
use crate::failure::failures;

#[component]
pub(crate) fn OverviewPage() -> impl IntoView {
    let ClusterList(clusters) = expect_context();
    let params = use_params_map();
    let shown = move |list: Vec<ClusterOverview>| {
        if list.is_empty() {
            return view! { <NoClusters /> }.into_any();
        }
        let selected = params.read().get("cluster");
        let shown: Vec<_> = list
            .into_iter()
            .filter(|c| selected.as_ref().is_none_or(|id| &c.id == id))
            .collect();
        if shown.is_empty() {
            let id = selected.unwrap_or_default();
            view! { <p class="error">"No cluster is configured with the id " <code>{id}</code></p> }
                .into_any()
        } else {
            shown
                .into_iter()
                .map(|cluster| view! { <ClusterCard cluster /> })
                .collect_view()
                .into_any()
        }
    };
    view! {
        <h1>"Connect clusters"</h1>
        <ErrorBoundary fallback=failures>
            <Transition fallback=|| view! { <p class="muted">"Asking the workers…"</p> }>
                {move || Suspend::new(async move { clusters.await.map(shown) })}
            </Transition>
        </ErrorBoundary>
    }
}

#[component]
fn NoClusters() -> impl IntoView {
    view! {
        <div class="card empty">
            <p>"No Connect cluster is configured."</p>
            <p>
                "Start Plugboard with " <code>"--connect-url http://worker:8083"</code>
                " or list clusters in a " <code>"--config"</code> " file."
            </p>
        </div>
    }
}
