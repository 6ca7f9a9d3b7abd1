//! Parts of list pages: a search box bound to a signal, and a table's column headings.

use leptos::prelude::*;

/// A search input that writes what is typed into `value`; `label` is its placeholder and name.
#[component]
pub(crate) fn SearchBox(label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <input type="search" placeholder=label aria-label=label
            prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
    }
}

/// A `<thead>` with one column heading per entry.
#[component]
pub(crate) fn ColumnHeads(columns: &'static [&'static str]) -> impl IntoView {
    view! {
        <thead><tr>{columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}</tr></thead>
    }
}
