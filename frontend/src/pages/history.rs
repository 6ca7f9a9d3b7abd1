//! The change history of every cluster: filters (cluster, connector, actor, action, outcome,
//! time range), pages of events newest first, and an export of the matching events.

use api_types::{Action as ChangeAction, HistoryEvent, Outcome};
use leptos::prelude::*;

use crate::api::{self, ApiError, history_export_url, query_string};
use crate::components::HistoryList;
use crate::failure::Failure;

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
    let error = RwSignal::new(None::<ApiError>);
    // The filters' query and `None`: the newest page, in place of what is shown; `Some(id)`:
    // the page older than event `id`, added below it.
    let loading = Action::new_local(move |(query, before): &(String, Option<i64>)| {
        let before = *before;
        let mut query = query.clone();
        if let Some(id) = before {
            query.push_str(&format!("&before={id}"));
        }
        async move {
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
                Err(failure) => {
                    error.try_set(Some(failure));
                }
            }
        }
    });
    let load = move |before: Option<i64>| {
        loading.dispatch_local((filters.query(), before));
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
                {ChangeAction::ALL.map(|a| view! { <option value=a.as_str()>{a.as_str()}</option> }).collect_view()}
            </select>
            <select aria-label="Outcome" on:change=move |ev| filters.outcome.set(event_target_value(&ev))>
                <option value="">"Any outcome"</option>
                {Outcome::ALL.map(|o| view! { <option value=o.as_str()>{o.as_str()}</option> }).collect_view()}
            </select>
            {when(filters.since, "From (UTC)")}
            {when(filters.until, "to")}
        </div>
        {move || error.get().map(|error| view! { <Failure error /> })}
        <HistoryList events=events.into() show_connector=true on_changed=Callback::new(move |_| load(None)) />
        <Show when=move || events.with(Vec::is_empty) && error.with(Option::is_none)>
            <p class="card empty">"No change matches these filters."</p>
        </Show>
        {move || next_before.get().map(|id| view! { <button disabled=move || loading.pending().get() on:click=move |_| load(Some(id))>"Older changes"</button> })}
    }
}
