//! The cluster overview: each configured Connect cluster and what its workers say about themselves.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::clusters::ClusterList;
use crate::components::ClusterCard;

#[component]
pub(crate) fn OverviewPage() -> impl IntoView {
    let ClusterList(clusters) = expect_context();
    let params = use_params_map();
    let body = move || {
        let selected = params.read().get("cluster");
        match clusters.get() {
            None => view! { <p class="muted">"Asking the workers…"</p> }.into_any(),
            Some(Err(message)) => {
                view! { <p class="error" role="alert">{message.to_string()}</p> }.into_any()
            }
            Some(Ok(list)) if list.is_empty() => view! { <NoClusters /> }.into_any(),
            Some(Ok(list)) => {
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
            }
        }
    };
    view! {
        <h1>"Connect clusters"</h1>
        {body}
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
