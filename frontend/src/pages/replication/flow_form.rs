//! A MirrorMaker 2 flow created or edited from a form: the Connect cluster to run it, the two
//! Kafka clusters chosen from those configured, the aliases, topic and group patterns, offset
//! sync and replication factor. Plugboard builds the three connectors on the server (the Kafka
//! clusters' secrets stay there) and shows Connect's validation of each before they are saved.

use api_types::{
    Action as ChangeAction, DraftedConnector, FlowCheck, FlowDraft, KafkaClusterRef,
    ReplicationFlow,
};
use leptos::prelude::*;

use crate::api;
use crate::clusters::ClusterList;
use crate::failure::Failure;
use crate::session;
use crate::toasts::Toaster;

/// The form open on the page: a new flow, or the flow it edits.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Drafting {
    New,
    Edit(Box<ReplicationFlow>),
}

/// The form open on the page, if any.
#[derive(Clone, Copy)]
pub(super) struct OpenForm(pub RwSignal<Option<Drafting>>);

impl OpenForm {
    pub(super) fn provide() -> Self {
        let open = Self(RwSignal::new(None));
        provide_context(open);
        open
    }
}

/// The name a flow's connectors share (`<name>-source`, `-checkpoint`, `-heartbeat`), when
/// they follow the form's naming: only such a flow is edited with the form.
pub(super) fn form_name(flow: &ReplicationFlow) -> Option<String> {
    let source = flow
        .connectors
        .iter()
        .find(|c| c.role == api_types::MirrorRole::Source)?;
    let name = source.name.strip_suffix("-source")?;
    let suffixes = ["source", "checkpoint", "heartbeat"];
    flow.connectors
        .iter()
        .all(|c| suffixes.iter().any(|s| c.name == format!("{name}-{s}")))
        .then(|| name.to_owned())
}

/// The form's fields.
#[derive(Clone, Copy)]
struct Fields {
    cluster: RwSignal<String>,
    name: RwSignal<String>,
    source_kafka: RwSignal<String>,
    target_kafka: RwSignal<String>,
    source_alias: RwSignal<String>,
    target_alias: RwSignal<String>,
    topics: RwSignal<String>,
    topics_exclude: RwSignal<String>,
    groups: RwSignal<String>,
    groups_exclude: RwSignal<String>,
    sync: RwSignal<bool>,
    factor: RwSignal<String>,
}

impl Fields {
    fn of(drafting: &Drafting) -> Self {
        let text = |v: Option<&str>| RwSignal::new(v.unwrap_or_default().to_owned());
        match drafting {
            Drafting::New => Self {
                cluster: text(None),
                name: text(None),
                source_kafka: text(None),
                target_kafka: text(None),
                source_alias: text(None),
                target_alias: text(None),
                topics: text(Some(".*")),
                topics_exclude: text(None),
                groups: text(Some(".*")),
                groups_exclude: text(None),
                sync: RwSignal::new(true),
                factor: text(None),
            },
            Drafting::Edit(flow) => Self {
                cluster: text(Some(&flow.connect_cluster)),
                name: RwSignal::new(form_name(flow).unwrap_or_default()),
                source_kafka: text(flow.source.kafka.as_deref()),
                target_kafka: text(flow.target.kafka.as_deref()),
                source_alias: text(Some(&flow.source.alias)),
                target_alias: text(Some(&flow.target.alias)),
                topics: text(flow.topics_pattern.as_deref().or(Some(".*"))),
                topics_exclude: text(flow.topics_exclude.as_deref()),
                groups: text(flow.groups_pattern.as_deref().or(Some(".*"))),
                groups_exclude: text(flow.groups_exclude.as_deref()),
                sync: RwSignal::new(flow.sync_group_offsets),
                factor: text(None),
            },
        }
    }

    fn draft(&self) -> FlowDraft {
        let optional =
            |v: RwSignal<String>| Some(v.get_untracked()).filter(|v| !v.trim().is_empty());
        FlowDraft {
            name: self.name.get_untracked().trim().to_owned(),
            source_kafka: self.source_kafka.get_untracked(),
            target_kafka: self.target_kafka.get_untracked(),
            source_alias: self.source_alias.get_untracked().trim().to_owned(),
            target_alias: self.target_alias.get_untracked().trim().to_owned(),
            topics: self.topics.get_untracked(),
            topics_exclude: optional(self.topics_exclude),
            groups: self.groups.get_untracked(),
            groups_exclude: optional(self.groups_exclude),
            sync_group_offsets: self.sync.get_untracked(),
            replication_factor: optional(self.factor).and_then(|f| f.trim().parse().ok()),
        }
    }
}

#[component]
pub(super) fn FlowForm(
    drafting: Drafting,
    kafka_clusters: Memo<Vec<KafkaClusterRef>>,
) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let OpenForm(open) = expect_context();
    let ClusterList(clusters) = expect_context();
    let editing = matches!(drafting, Drafting::Edit(_));
    let fields = Fields::of(&drafting);
    let kafka = kafka_clusters;
    // Choosing a Kafka cluster fills its alias in.
    let alias_of = move |id: &str| {
        kafka.with_untracked(|all| all.iter().find(|k| k.id == id).map(|k| k.alias.clone()))
    };
    let check = Action::new_local(move |draft: &FlowDraft| {
        let (cluster, draft) = (fields.cluster.get_untracked(), draft.clone());
        async move { api::check_flow(&cluster, &draft).await }
    });
    let save = Action::new_local(move |draft: &FlowDraft| {
        let (cluster, draft) = (fields.cluster.get_untracked(), draft.clone());
        async move {
            match api::apply_flow(&cluster, &draft).await {
                Ok(_) => {
                    toaster.success(format!(
                        "Flow {} → {} saved",
                        draft.source_alias, draft.target_alias
                    ));
                    open.set(None);
                }
                Err(error) => toaster.refused("Flow refused", &error),
            }
        }
    });
    if editing {
        check.dispatch_local(fields.draft());
    }
    let runnable = move || {
        clusters
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| session::may(ChangeAction::Create.role(), Some(&c.id)))
            .map(|c| c.id)
            .collect::<Vec<String>>()
    };
    let kafka_options = move |chosen: RwSignal<String>| {
        move || {
            kafka.get().into_iter().map(|k| {
            let label = if k.name == k.id { k.id.clone() } else { format!("{} ({})", k.name, k.id) };
            let id = k.id;
            view! { <option value=id.clone() selected=move || chosen.get() == id>{label}</option> }
        }).collect_view()
        }
    };
    let text = move |label: &'static str, value: RwSignal<String>, testid: &'static str| {
        view! {
            <label>{label}<input type="text" prop:value=move || value.get() data-testid=testid on:input=move |ev| value.set(event_target_value(&ev)) /></label>
        }
    };
    let (checked, saving) = (check.value(), save.pending());
    let valid = move || matches!(checked.get(), Some(Ok(ref c)) if c.valid);
    view! {
        <div class="panel flow-form" data-testid="flow-form">
            <h3>{if editing { "Edit flow" } else { "New flow" }}</h3>
            <div class="form-grid">
                <label>"Connect cluster to run it"
                    <select data-testid="flow-cluster" disabled=editing on:change=move |ev| fields.cluster.set(event_target_value(&ev))>
                        <option value="" selected=move || fields.cluster.get().is_empty()>"Choose…"</option>
                        {move || runnable().into_iter().map(|id| {
                            let shown = id.clone();
                            view! { <option value=id.clone() selected=move || fields.cluster.get() == id>{shown}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>"Name (its connectors are <name>-source, -checkpoint, -heartbeat)"
                    <input type="text" prop:value=move || fields.name.get() disabled=editing data-testid="flow-name" on:input=move |ev| fields.name.set(event_target_value(&ev)) />
                </label>
                <label>"From Kafka cluster"
                    <select data-testid="flow-source-kafka" on:change=move |ev| {
                        let id = event_target_value(&ev);
                        if let Some(alias) = alias_of(&id) { fields.source_alias.set(alias) }
                        fields.source_kafka.set(id);
                    }>
                        <option value="" selected=move || fields.source_kafka.get().is_empty()>"Choose…"</option>
                        {kafka_options(fields.source_kafka)}
                    </select>
                </label>
                {text("Source alias", fields.source_alias, "flow-source-alias")}
                <label>"To Kafka cluster"
                    <select data-testid="flow-target-kafka" on:change=move |ev| {
                        let id = event_target_value(&ev);
                        if let Some(alias) = alias_of(&id) { fields.target_alias.set(alias) }
                        fields.target_kafka.set(id);
                    }>
                        <option value="" selected=move || fields.target_kafka.get().is_empty()>"Choose…"</option>
                        {kafka_options(fields.target_kafka)}
                    </select>
                </label>
                {text("Target alias", fields.target_alias, "flow-target-alias")}
                {text("Topics (regular expressions, comma-separated)", fields.topics, "flow-topics")}
                {text("Topics left out", fields.topics_exclude, "flow-topics-exclude")}
                {text("Consumer groups", fields.groups, "flow-groups")}
                {text("Groups left out", fields.groups_exclude, "flow-groups-exclude")}
                <label class="checkbox"><input type="checkbox" prop:checked=move || fields.sync.get() data-testid="flow-sync" on:change=move |ev| fields.sync.set(event_target_checked(&ev)) />
                    " Sync translated offsets to the groups on the target"</label>
                {text("Replication factor (empty: as it is, or the target's default)", fields.factor, "flow-factor")}
            </div>
            {move || checked.get().map(|answer| match answer {
                Ok(report) => view! { <Checked report /> }.into_any(),
                Err(error) => view! { <Failure error testid="flow-refused" /> }.into_any(),
            })}
            <div class="button-row">
                <button type="button" disabled=move || check.pending().get() on:click=move |_| { check.dispatch_local(fields.draft()); } data-testid="flow-check">"Check with Connect"</button>
                <button class="primary" disabled=move || saving.get() || !valid() on:click=move |_| { save.dispatch_local(fields.draft()); } data-testid="flow-save">
                    {if editing { "Save flow" } else { "Create flow" }}
                </button>
                <button type="button" on:click=move |_| open.set(None)>"Cancel"</button>
            </div>
        </div>
    }
}

/// Connect's verdict on each of the three connectors, and what the draft added on its own.
#[component]
fn Checked(report: FlowCheck) -> impl IntoView {
    view! {
        {report.notes.into_iter().map(|note| view! { <p class="warning small">{note}</p> }).collect_view()}
        <ul class="flow-checked" data-testid="flow-checked" data-valid=report.valid.to_string()>
            {report.connectors.into_iter().map(|c| view! { <CheckedConnector connector=c /> }).collect_view()}
        </ul>
    }
}

#[component]
fn CheckedConnector(connector: DraftedConnector) -> impl IntoView {
    let verdict = if connector.errors.is_empty() {
        "valid"
    } else {
        "refused"
    };
    let change = if connector.exists {
        "updated"
    } else {
        "created"
    };
    let config = serde_json::to_string_pretty(&connector.config).unwrap_or_default();
    view! {
        <li data-testid="flow-checked-connector" data-name=connector.name data-verdict=verdict>
            <code>{connector.name.clone()}</code> {format!(" will be {change}: {verdict}")}
            {connector.errors.into_iter().map(|(key, errors)| view! {
                <div class="error small"><code>{key}</code> ": " {errors.join("; ")}</div>
            }).collect_view()}
            <details><summary class="small">"Config"</summary><pre class="small">{config}</pre></details>
        </li>
    }
}
