//! What an unknown URL shows.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub(crate) fn NotFoundPage() -> impl IntoView {
    view! {
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address. " <A href="/">"Back to the clusters"</A></p>
    }
}
