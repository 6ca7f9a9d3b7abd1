//! The change history of every cluster: filters (cluster, connector, actor, action, outcome,
//! time range), pages of events newest first, and an export of the matching events.

use api_types::{Action, HistoryEvent, Outcome};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, history_export_url, query_string};
use crate::components::HistoryList;

#[derive(Clone, Copy)]
struct HistoryFilters {
    cluster: RwSignal<String>,
    connector: RwSignal<String>,
    actor: RwSignal<String>,
    action: RwSignal<String>,
    outcome: RwSignal<String>,
    /// `datetime-local` values, read as UTC.
    since: RwSignal<String>,
    until: RwSignal<String>,
}

impl HistoryFilters {
    fn query(&self) -> String {
        let utc = |v: String| if v.is_empty() { v } else { format!("{v}:00Z") };
        query_string(&[
            ("cluster", self.cluster.get()),
            ("connector", self.connector.get()),
            ("actor", self.actor.get()),
            ("action", self.action.get()),
            ("outcome", self.outcome.get()),
            ("since", utc(self.since.get())),
            ("until", utc(self.until.get())),
        ])
    }
}

#[component]
pub(crate) fn HistoryPage() -> impl IntoView {
    let filters = HistoryFilters {
        cluster: RwSignal::new(String::new()),
        connector: RwSignal::new(String::new()),
        actor: RwSignal::new(String::new()),
        action: RwSignal::new(String::new()),
        outcome: RwSignal::new(String::new()),
        since: RwSignal::new(String::new()),
        until: RwSignal::new(String::new()),
    };
    let events = RwSignal::new(Vec::<HistoryEvent>::new());
    let next_before = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<String>);
    let load = move |before: Option<i64>| {
        let mut query = filters.query();
        if let Some(id) = before {
            query.push_str(&format!("&before={id}"));
        }
        spawn_local(async move {
            match api::list_history(query).await {
                Ok(page) => {
                    events.try_update(|list| {
                        if before.is_none() {
                            list.clear();
                        }
                        list.extend(page.events);
                    });
                    next_before.try_set(page.next_before);
                    error.try_set(None);
                }
                Err(message) => {
                    error.try_set(Some(message.to_string()));
                }
            }
        });
    };
    Effect::new(move |_| load(None));
    let text = |signal: RwSignal<String>, label: &'static str| {
        view! {
            <input type="text" placeholder=label aria-label=label prop:value=move || signal.get() on:change=move |ev| signal.set(event_target_value(&ev)) />
        }
    };
    let when = |signal: RwSignal<String>, label: &'static str| {
        view! {
            <label class="inline small">{label} " "
                <input type="datetime-local" prop:value=move || signal.get() on:change=move |ev| signal.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <div class="title-row">
            <h1>"Change history"</h1>
            <span class="spacer"></span>
            <a class="button" href=move || history_export_url(&filters.query()) download="plugboard-history.jsonl">"Export JSON lines"</a>
        </div>
        <div class="filter-bar" role="search">
            {text(filters.cluster, "Cluster")}
            {text(filters.connector, "Connector")}
            {text(filters.actor, "Actor")}
            <select aria-label="Action" on:change=move |ev| filters.action.set(event_target_value(&ev))>
                <option value="">"Any action"</option>
                {Action::ALL.map(|a| view! { <option value=a.as_str()>{a.as_str()}</option> }).collect_view()}
            </select>
            <select aria-label="Outcome" on:change=move |ev| filters.outcome.set(event_target_value(&ev))>
                <option value="">"Any outcome"</option>
                {Outcome::ALL.map(|o| view! { <option value=o.as_str()>{o.as_str()}</option> }).collect_view()}
            </select>
            {when(filters.since, "From (UTC)")}
            {when(filters.until, "to")}
        </div>
        {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        <HistoryList events=events.into() show_connector=true on_changed=Callback::new(move |_| load(None)) />
        <Show when=move || events.with(Vec::is_empty) && error.with(Option::is_none)>
            <p class="card empty">"No change matches these filters."</p>
        </Show>
        {move || next_before.get().map(|id| view! { <button on:click=move |_| load(Some(id))>"Older changes"</button> })}
    }
}
