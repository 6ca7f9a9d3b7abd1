//! Logger levels of a cluster's workers (KIP-495): the loggers Connect lists, looking one up,
//! and changing a level on one worker or on the whole cluster (KIP-976).

use api_types::LoggerChange;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::toasts::Toaster;

const LEVELS: [&str; 7] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"];

#[component]
pub fn LoggersPage() -> impl IntoView {
    let params = use_params_map();
    let cluster = Memo::new(move |_| params.read().get("cluster").unwrap_or_default());
    let loggers = LocalResource::new(move || api::list_loggers(cluster.get()));
    let toaster = expect_context::<Toaster>();
    let logger = RwSignal::new("org.apache.kafka.connect".to_owned());
    let level = RwSignal::new("DEBUG".to_owned());
    let cluster_wide = RwSignal::new(true);
    let current = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let look_up = move |_| {
        let (cluster, name) = (cluster.get_untracked(), logger.get_untracked());
        spawn_local(async move {
            let answer = api::get_logger(cluster, name.clone()).await;
            current.try_set(Some(match answer {
                Ok(found) => format!("{name} is at {}", found.level),
                Err(message) => message,
            }));
        });
    };
    let apply = move |_| {
        let (cluster, name) = (cluster.get_untracked(), logger.get_untracked());
        let scope = cluster_wide.get_untracked().then(|| "cluster".to_owned());
        let change = LoggerChange {
            level: level.get_untracked(),
            scope,
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::set_logger_level(&cluster, &name, &change).await;
            busy.try_set(false);
            let target = if change.scope.is_some() {
                "every worker"
            } else {
                "one worker"
            };
            toaster.outcome(result.map(|_| format!("{name} set to {} on {target}", change.level)));
            loggers.refetch();
        });
    };
    view! {
        <div class="title-row"><h1>"Logger levels"</h1><span class="muted">{move || cluster.get()}</span></div>
        <section class="card">
            <h2>"Change a level"</h2>
            <div class="button-row">
                <input type="text" aria-label="Logger" size="40" prop:value=move || logger.get() on:input=move |ev| logger.set(event_target_value(&ev)) data-testid="logger-name" />
                <select aria-label="Level" on:change=move |ev| level.set(event_target_value(&ev)) data-testid="logger-level">
                    {LEVELS.map(|l| view! { <option value=l selected=move || level.get() == l>{l}</option> }).collect_view()}
                </select>
                <label class="inline">
                    <input type="checkbox" prop:checked=move || cluster_wide.get() on:change=move |ev| cluster_wide.set(event_target_checked(&ev)) />
                    " On every worker of the cluster"
                </label>
                <button class="primary" disabled=move || busy.get() on:click=apply data-testid="logger-apply">"Apply"</button>
                <button on:click=look_up>"Look up"</button>
            </div>
            <p class="muted small">"Unchecked, the change reaches only the worker Plugboard asks first. Levels set here last until the worker restarts."</p>
            {move || current.get().map(|text| view! { <p data-testid="logger-current">{text}</p> })}
        </section>
        <section class="card">
            <h2>"Loggers with a level set"</h2>
            {move || match loggers.get() {
                None => view! { <p class="muted">"Asking Connect…"</p> }.into_any(),
                Some(Err(message)) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <table data-testid="logger-table">
                        <thead><tr><th scope="col">"Logger"</th><th scope="col">"Level"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|(name, l)| view! { <tr><td><code>{name}</code></td><td>{l.level}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}
