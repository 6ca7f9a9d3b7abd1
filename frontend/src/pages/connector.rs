//! The connector page: state and worker of the connector and each task, traces, config, topics,
//! offsets, a Debezium source's card and snapshots, and every action. Each part re-renders only when its own
//! data changed, so open traces and menus stay open across the live refresh.

mod actions;
mod dead_letters;
mod debezium;
mod drift;
mod kafka;
mod offsets;
mod signals;
mod slot;
mod slot_chart;
mod snapshots;
mod tasks;
mod timeline;
mod version;

use std::collections::BTreeMap;
use std::time::Duration;

use api_types::{Action as ChangeAction, ConnectorDetail, ConnectorSummary};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::dashboard::short_class;
use crate::api::{self, query_string};
use crate::clusters::ClusterList;
use crate::components::{HealthBadge, HistoryList, StateBadge};
use crate::failure::Failure;
use crate::links;
use crate::live::live;
use crate::session;
use actions::{ActionBar, Actions, PageAction};
use dead_letters::DeadLettersCard;
use debezium::DebeziumPanel;
use drift::DriftCard;
use kafka::KafkaPanels;
use offsets::OffsetsPanel;
use slot::SlotPanel;
use snapshots::SnapshotsPanel;
use tasks::{TaskTable, Trace};
use timeline::StateTimeline;
use version::PluginVersionCard;

const REFRESH_EVERY: Duration = Duration::from_secs(5);

#[component]
pub(crate) fn ConnectorPage() -> impl IntoView {
    let params = use_params_map();
    let cluster = Memo::new(move |_| params.read().get("cluster").unwrap_or_default());
    let name = links::path_segment_after("connectors");
    move || match name.get() {
        Some(name) => view! { <ConnectorView cluster=cluster.get() name /> }.into_any(),
        None => view! { <p class="error">"This address names no connector."</p> }.into_any(),
    }
}

#[component]
fn ConnectorView(cluster: String, name: String) -> impl IntoView {
    let detail = {
        let (cluster, name) = (cluster.clone(), name.clone());
        live(
            REFRESH_EVERY,
            || (),
            move |()| api::get_connector(cluster.clone(), name.clone()),
        )
    };
    let summary: Memo<Option<ConnectorSummary>> =
        Memo::new(move |_| detail.ok_map(|d| d.summary.clone()));
    let error = Memo::new(move |_| detail.error());
    let trace = Memo::new(move |_| detail.ok_map(|d| d.trace.clone()).flatten());
    let state = Signal::derive(move || summary.with(|s| s.as_ref().map(|s| s.state)));
    let postgres_source = Signal::derive(move || {
        summary.with(|s| {
            s.as_ref()
                .is_some_and(|s| api_types::debezium_database(&s.class) == Some("PostgreSQL"))
        })
    });
    let actions = Actions::new(
        cluster.clone(),
        name.clone(),
        postgres_source,
        Callback::new(move |_| detail.refresh()),
    );
    let ClusterList(clusters) = expect_context();
    let read_only = {
        let cluster = cluster.clone();
        move || {
            clusters
                .get()
                .and_then(Result::ok)
                .is_some_and(|list| list.iter().any(|c| c.id == cluster && c.read_only))
        }
    };
    let tasks = Memo::new(move |_| detail.ok_map(|d| d.tasks.clone()));
    let can_operate = session::may(ChangeAction::Pause.role(), Some(&cluster));
    let can_edit = session::may(ChangeAction::Update.role(), Some(&cluster));
    let busy = actions.busy();
    let edit_href = links::href(&links::edit_connector(&cluster, &name));
    let clone_href = links::href(&links::new_connector(&cluster, Some(&name)));
    let spec_href = api::specs_download(&cluster, Some(&name));
    let offsets_panel = {
        let (cluster, name) = (cluster.clone(), name.clone());
        move || {
            let offsets = detail.ok_map(|d| d.offsets.clone());
            let (cluster, name) = (cluster.clone(), name.clone());
            offsets.map(|offsets| view! { <OffsetsPanel cluster name offsets on_changed=Callback::new(move |_| detail.refresh()) /> })
        }
    };
    let debezium = Memo::new(move |_| {
        summary.with(|s| {
            s.as_ref()
                .and_then(|s| api_types::debezium_database(&s.class))
        })
    });
    let debezium_panel = {
        let (cluster, name) = (cluster.clone(), name.clone());
        move || {
            debezium.get().map(|database| {
                let slot = (database == "PostgreSQL")
                    .then(|| view! { <SlotPanel cluster=cluster.clone() name=name.clone() /> });
                view! {
                    <DebeziumPanel cluster=cluster.clone() name=name.clone() />
                    {slot}
                    <SnapshotsPanel cluster=cluster.clone() name=name.clone() />
                }
            })
        }
    };
    let breadcrumb = (links::dashboard(Some(&cluster)), cluster.clone());
    let action_name = name.clone();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <A href=breadcrumb.0>{breadcrumb.1}</A> " / " <span>{name.clone()}</span>
        </nav>
        <div class="title-row">
            <h1 data-testid="connector-name">{name.clone()}</h1>
            {move || summary.get().map(|s| view! { <HealthBadge health=s.health /> <StateBadge state=s.state /> })}
            <span class="spacer"></span>
            {can_edit.then(|| view! {
                <A href=edit_href.clone() attr:class="button" attr:data-testid="edit">"Edit config"</A>
                <A href=clone_href.clone() attr:class="button" attr:data-testid="clone">"Clone"</A>
            })}
            <a href=spec_href class="button" download="" data-testid="download-spec" title="This connector as a spec file for connectors as code (secrets as ${env:...} references)">"Download spec"</a>
        </div>
        {move || error.get().map(|error| view! { <Failure error testid="load-error" /> })}
        {move || summary.get().map(|s| view! { <SummaryFacts summary=s /> })}
        <Show when=move || summary.with(Option::is_some)>
            <ActionBar actions state name=action_name.clone() read_only=read_only() can_operate can_edit />
        </Show>
        {move || trace.get().map(|trace| view! { <section class="card"><h2>"Connector failure"</h2><Trace trace /></section> })}
        <section class="card">
            <h2>"Tasks"</h2>
            {move || tasks.get().map(|tasks| view! {
                <TaskTable tasks connector_version=summary.with(|s| s.as_ref().and_then(|s| s.version.clone())) busy on_restart=can_operate.then(|| Callback::new(move |id| actions.run(PageAction::RestartTask(id)))) />
            })}
        </section>
        {debezium_panel}
        <PluginVersionCard cluster=cluster.clone() name=name.clone() detail can_edit />
        <DriftCard cluster=cluster.clone() name=name.clone() />
        <ConfigAndTopics detail />
        <KafkaPanels cluster=cluster.clone() name=name.clone() />
        <DeadLettersCard cluster=cluster.clone() name=name.clone() />
        <section class="card">
            <h2>"Offsets"</h2>
            {offsets_panel}
        </section>
        <ConnectorHistory cluster=cluster name=name on_rollback=Callback::new(move |_| detail.refresh()) />
    }
}

/// The connector's own history: its changes (with diffs and rollback) and state transitions.
#[component]
fn ConnectorHistory(cluster: String, name: String, on_rollback: Callback<()>) -> impl IntoView {
    let query = query_string(&[
        ("cluster", cluster.clone()),
        ("connector", name.clone()),
        ("limit", "30".to_owned()),
    ]);
    let history = live(
        REFRESH_EVERY,
        || (),
        move |()| api::list_history(query.clone()),
    );
    let timeline = live(
        REFRESH_EVERY,
        || (),
        move |()| api::connector_timeline(cluster.clone(), name.clone()),
    );
    let transitions = Signal::derive(move || timeline.ok_map(Clone::clone).unwrap_or_default());
    let events = Signal::derive(move || history.ok_map(|p| p.events.clone()).unwrap_or_default());
    let on_changed = Callback::new(move |_| {
        history.refresh();
        on_rollback.run(());
    });
    view! {
        <section class="card" data-testid="connector-history">
            <h2>"Changes"</h2>
            {move || history.error().map(|error| view! { <Failure error /> })}
            <HistoryList events show_connector=false on_changed />
            <Show when=move || events.with(Vec::is_empty)>
                <p class="muted">"No change recorded through Plugboard yet."</p>
            </Show>
        </section>
        <section class="card">
            <h2>"State timeline"</h2>
            <p class="muted small">"Changes of state or worker seen by polling Connect, whoever caused them."</p>
            <StateTimeline transitions />
        </section>
    }
}

/// Type, plugin, worker and task counts in one line of facts.
#[component]
fn SummaryFacts(summary: ConnectorSummary) -> impl IntoView {
    let tasks = &summary.tasks;
    view! {
        <dl class="facts">
            <div><dt>"Type"</dt><dd>{format!("{:?}", summary.kind).to_lowercase()}</dd></div>
            <div><dt>"Plugin"</dt><dd title=summary.class.clone()>{short_class(&summary.class).to_owned()}</dd></div>
            <div><dt>"Worker"</dt><dd><code data-testid="connector-worker">{summary.worker_id.clone().unwrap_or_else(|| "—".to_owned())}</code></dd></div>
            {summary.version.clone().map(|v| view! { <div><dt>"Version"</dt><dd><code data-testid="connector-version">{v}</code></dd></div> })}
            <div><dt>"Tasks"</dt><dd>{format!("{} running of {}, {} failed", tasks.running, tasks.total, tasks.failed)}</dd></div>
            {summary.consumer_group.clone().map(|g| view! { <div><dt>"Consumer group"</dt><dd><code>{g}</code></dd></div> })}
        </dl>
    }
}

/// The config as a table, and the topics Connect says the connector used.
#[component]
fn ConfigAndTopics(detail: crate::live::Live<ConnectorDetail>) -> impl IntoView {
    let config: Memo<Option<BTreeMap<String, String>>> =
        Memo::new(move |_| detail.ok_map(|d| d.config.clone()));
    let topics = Memo::new(move |_| detail.ok_map(|d| d.topics.clone()));
    view! {
        <section class="card">
            <h2>"Config"</h2>
            <div class="table-scroll">
                <table class="config" data-testid="config-table">
                    <tbody>
                        {move || config.get().unwrap_or_default().into_iter().map(|(key, value)| {
                            let data_key = key.clone();
                            view! {
                            <tr data-key=data_key><th scope="row"><code>{key}</code></th><td><code>{value}</code></td></tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="card">
            <h2>"Topics"</h2>
            {move || match topics.get() {
                None => ().into_any(),
                Some(Err(message)) => view! { <p class="muted">"Connect could not say: " {message}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"None used yet."</p> }.into_any(),
                Some(Ok(list)) => view! { <ul class="chips" data-testid="topics">{list.into_iter().map(|t| view! { <li><code>{t}</code></li> }).collect_view()}</ul> }.into_any(),
            }}
        </section>
    }
}
