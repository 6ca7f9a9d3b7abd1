//! The plugin version a connector runs, its pin (`connector.plugin.version`, KIP-891) and the
//! versions the cluster has installed of its class; an editor changes the pin here, as a
//! config change that the history records with its diff and can roll back.

use std::collections::BTreeMap;

use api_types::ConnectorDetail;
use leptos::prelude::*;

use crate::api;
use crate::live::Live;
use crate::toasts::Toaster;

/// The config key that pins a connector's plugin version (Connect 4.1 and newer).
const PIN: &str = "connector.plugin.version";

/// Shown when the cluster lists versions of the connector's class (Connect 4.1 and newer).
#[component]
pub(crate) fn PluginVersionCard(
    cluster: String,
    name: String,
    detail: Live<ConnectorDetail>,
    can_edit: bool,
) -> impl IntoView {
    let class = Memo::new(move |_| detail.ok_map(|d| d.summary.class.clone()));
    let plugins = {
        let cluster = cluster.clone();
        LocalResource::new(move || api::list_plugins(cluster.clone()))
    };
    let installed = Memo::new(move |_| {
        let class = class.get()?;
        let mut versions: Vec<String> = plugins
            .get()?
            .ok()?
            .into_iter()
            .filter(|p| p.class == class)
            .filter_map(|p| p.version)
            .collect();
        versions.dedup();
        (!versions.is_empty()).then_some(versions)
    });
    // Memos, so that the card (and a version being chosen) stays as it is across live refreshes
    // that changed nothing here.
    let facts = Memo::new(move |_| {
        detail.ok_map(|d| {
            (
                d.summary.version.clone(),
                d.config.get(PIN).cloned(),
                d.config.clone(),
            )
        })
    });
    move || {
        let versions = installed.get()?;
        let (running, pin, config) = facts.get()?;
        running.as_ref()?;
        Some(view! {
            <section class="card" data-testid="version-card">
                <h2>"Plugin version"</h2>
                <p>
                    "Runs " <code data-testid="running-version">{running}</code> "; "
                    {match pin.clone() {
                        Some(pin) => view! { "pinned to " <code data-testid="pinned-version">{pin}</code> }.into_any(),
                        None => view! { <span data-testid="unpinned">"not pinned: the newest version installed runs"</span> }.into_any(),
                    }}
                    ". Installed: " {versions.join(", ")} "."
                </p>
                {can_edit.then(|| view! {
                    <PinForm cluster=cluster.clone() name=name.clone() versions=versions.clone() pin config detail />
                })}
            </section>
        })
    }
}

/// A select of the installed versions (or none, to follow the newest) and a button that
/// replaces the config with the new pin.
#[component]
fn PinForm(
    cluster: String,
    name: String,
    versions: Vec<String>,
    pin: Option<String>,
    config: BTreeMap<String, String>,
    detail: Live<ConnectorDetail>,
) -> impl IntoView {
    let chosen = RwSignal::new(pin.clone().unwrap_or_default());
    let toaster = expect_context::<Toaster>();
    let repin = Action::new_local(move |version: &String| {
        let (cluster, name, mut config) = (cluster.clone(), name.clone(), config.clone());
        let version = version.clone();
        match version.as_str() {
            "" => config.remove(PIN),
            version => config.insert(PIN.to_owned(), version.to_owned()),
        };
        async move {
            let outcome = api::replace_config(&cluster, &name, &config, None).await;
            toaster.outcome(outcome.map(|_| match version.as_str() {
                "" => format!("{name} follows the newest version installed"),
                version => format!("{name} pinned to {version}"),
            }));
            detail.refresh();
        }
    });
    let busy = repin.pending();
    let change = move |_| {
        repin.dispatch_local(chosen.get_untracked());
    };
    view! {
        <p>
            <label>"Version "
                <select data-testid="pin-select" on:change=move |ev| chosen.set(event_target_value(&ev)) prop:value=move || chosen.get()>
                    <option value="">"Newest installed (no pin)"</option>
                    {versions.into_iter().map(|v| view! { <option value=v>{v.clone()}</option> }).collect_view()}
                </select>
            </label>
            " "
            <button data-testid="pin-change" disabled=move || busy.get() || chosen.get() == pin.clone().unwrap_or_default() on:click=change>
                "Change version"
            </button>
        </p>
    }
}
