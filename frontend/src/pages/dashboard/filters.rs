//! The dashboard's search and filters, kept in the URL's query so a filtered view can be shared,
//! reloaded and reached with the back button.

use api_types::{ConnectorKind, ConnectorSummary, Health};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use crate::api::query_string;
use crate::components::health_label;

/// Every filter as the text of its control; an empty string means "any".
#[derive(Clone, Copy)]
pub(crate) struct Filters {
    pub text: RwSignal<String>,
    pub health: RwSignal<String>,
    pub kind: RwSignal<String>,
    pub cluster: RwSignal<String>,
    pub plugin: RwSignal<String>,
    /// `problems` (failed first, the default) or `name`.
    pub sort: RwSignal<String>,
}

const KEYS: [&str; 6] = ["q", "health", "type", "cluster", "plugin", "sort"];

impl Filters {
    /// Filters read from the current query, written back to it (replacing the history entry)
    /// whenever one changes.
    pub(crate) fn from_url() -> Self {
        let query = use_query_map();
        let read = |key| RwSignal::new(query.with_untracked(|q| q.get(key).unwrap_or_default()));
        let filters = Self {
            text: read("q"),
            health: read("health"),
            kind: read("type"),
            cluster: read("cluster"),
            plugin: read("plugin"),
            sort: read("sort"),
        };
        let navigate = use_navigate();
        let location = use_location();
        Effect::new(move |_| {
            let wanted = filters.query_string();
            if location.search.get_untracked() != wanted {
                let path = location.pathname.get_untracked();
                let target = if wanted.is_empty() {
                    path
                } else {
                    format!("{path}?{wanted}")
                };
                let options = NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                };
                navigate(&target, options);
            }
        });
        filters
    }

    fn signals(&self) -> [RwSignal<String>; 6] {
        [
            self.text,
            self.health,
            self.kind,
            self.cluster,
            self.plugin,
            self.sort,
        ]
    }

    fn query_string(&self) -> String {
        let pairs: Vec<(&str, String)> = KEYS
            .into_iter()
            .zip(self.signals().map(|s| s.get()))
            .collect();
        query_string(&pairs)
    }

    /// Whether a connector passes every filter that is set, the filters read once (tracked)
    /// for however many connectors are asked about.
    pub(crate) fn matcher(&self) -> impl Fn(&ConnectorSummary) -> bool + use<> {
        let text = self.text.get().to_lowercase();
        let health = self.health.get();
        let kind = self.kind.get();
        let cluster = self.cluster.get();
        let plugin = self.plugin.get();
        move |connector| {
            (text.is_empty() || connector.name.to_lowercase().contains(&text))
                && (health.is_empty() || health_label(connector.health).0 == health)
                && (kind.is_empty() || kind_word(connector.kind) == kind)
                && (cluster.is_empty() || connector.cluster == cluster)
                && (plugin.is_empty() || connector.class == plugin)
        }
    }

    /// Sorts by the chosen order: problems first (then by name), or by name only.
    pub(crate) fn sort(&self, connectors: &mut [ConnectorSummary]) {
        if self.sort.get() == "name" {
            connectors.sort_by(|a, b| (&a.name, &a.cluster).cmp(&(&b.name, &b.cluster)));
        } else {
            connectors.sort_by(|a, b| {
                (a.health, &a.name, &a.cluster).cmp(&(b.health, &b.name, &b.cluster))
            });
        }
    }
}

pub(crate) fn kind_word(kind: ConnectorKind) -> &'static str {
    match kind {
        ConnectorKind::Source => "source",
        ConnectorKind::Sink => "sink",
        ConnectorKind::Unknown => "unknown",
    }
}

/// The filter bar, in a module of its own.
#[leptos::lazy]
pub(crate) async fn bar(
    filters: Filters,
    clusters: Signal<Vec<String>>,
    plugins: Signal<Vec<String>>,
    show_cluster: bool,
) -> AnyView {
    view! { <FilterBar filters clusters plugins show_cluster /> }.into_any()
}

/// The filter controls. `clusters` and `plugins` are the choices seen in the current list.
#[component]
fn FilterBar(
    filters: Filters,
    clusters: Signal<Vec<String>>,
    plugins: Signal<Vec<String>>,
    show_cluster: bool,
) -> impl IntoView {
    let fixed = |choices: &[(&str, &str)]| {
        let owned: Vec<(String, String)> = choices
            .iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect();
        Signal::stored(owned)
    };
    let healths: Vec<(&str, &str)> = [
        Health::Unhealthy,
        Health::Degraded,
        Health::Restarting,
        Health::Unassigned,
        Health::Paused,
        Health::Stopped,
        Health::Healthy,
    ]
    .map(|h| (health_label(h).0, health_label(h).0))
    .to_vec();
    let cluster_choices =
        Signal::derive(move || clusters.get().into_iter().map(|c| (c.clone(), c)).collect());
    let plugin_choices = Signal::derive(move || {
        plugins
            .get()
            .into_iter()
            .map(|p| (p.clone(), short_class(&p).to_owned()))
            .collect()
    });
    view! {
        <div class="filter-bar" role="search">
            <input
                type="search"
                placeholder="Search by name"
                aria-label="Search connectors by name"
                data-testid="search"
                prop:value=move || filters.text.get()
                on:input=move |ev| filters.text.set(event_target_value(&ev))
            />
            <ChoiceSelect label="Health" any="Any health" value=filters.health choices=fixed(&healths) />
            <ChoiceSelect
                label="Type"
                any="Any type"
                value=filters.kind
                choices=fixed(&[("source", "source"), ("sink", "sink")])
            />
            <Show when=move || show_cluster>
                <ChoiceSelect label="Cluster" any="Any cluster" value=filters.cluster choices=cluster_choices />
            </Show>
            <ChoiceSelect label="Plugin" any="Any plugin" value=filters.plugin choices=plugin_choices />
            <ChoiceSelect
                label="Order"
                any="Problems first"
                value=filters.sort
                choices=fixed(&[("name", "By name")])
            />
        </div>
    }
}

/// A select bound to `value`; the first option (value "") is `any`.
#[component]
fn ChoiceSelect(
    label: &'static str,
    any: &'static str,
    value: RwSignal<String>,
    choices: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
        <select
            aria-label=label
            data-testid=format!("filter-{}", label.to_lowercase())
            on:change=move |ev| value.set(event_target_value(&ev))
        >
            <option value="" selected=move || value.get().is_empty()>{any}</option>
            {move || {
                choices
                    .get()
                    .into_iter()
                    .map(|(choice, text)| {
                        let this = choice.clone();
                        view! {
                            <option value=choice selected=move || value.get() == this>{text}</option>
                        }
                    })
                    .collect_view()
            }}
        </select>
    }
}

/// `org.apache.kafka.connect.file.FileStreamSinkConnector` → `FileStreamSinkConnector`.
pub(crate) fn short_class(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}
