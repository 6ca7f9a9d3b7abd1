//! The generated form: Connect's groups in order, one input per setting chosen by its type,
//! documentation, defaults, recommended values, inline errors, hidden dependents, and the keys
//! validate does not know.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::state::FormState;
use crate::api::{SettingDefinition, SettingValue, Validation};
use crate::components::DocText;

/// Prefixes of keys Connect accepts without the plugin declaring them.
const PASSTHROUGH_PREFIXES: [&str; 5] = [
    "transforms.",
    "predicates.",
    "consumer.override.",
    "producer.override.",
    "errors.",
];

/// Whether Connect accepts `key` although validate does not list it.
pub(crate) fn accepted_without_definition(key: &str) -> bool {
    PASSTHROUGH_PREFIXES.iter().any(|p| key.starts_with(p)) || key.contains(".converter.")
}

/// Definitions grouped in Connect's group order, each group sorted by its `order`.
fn grouped(form: &FormState) -> Vec<(String, Vec<SettingDefinition>)> {
    form.validation.with(|v| {
        let Some(v) = v else { return Vec::new() };
        let mut groups: Vec<(String, Vec<SettingDefinition>)> =
            v.groups.iter().map(|g| (g.clone(), Vec::new())).collect();
        for definition in v.configs.iter().filter_map(|c| c.definition.as_ref()) {
            let group = definition
                .group
                .clone()
                .unwrap_or_else(|| "Other".to_owned());
            match groups.iter_mut().find(|(name, _)| *name == group) {
                Some((_, list)) => list.push(definition.clone()),
                None => groups.push((group, vec![definition.clone()])),
            }
        }
        for (_, list) in &mut groups {
            list.sort_by_key(|d| d.order);
        }
        groups.retain(|(_, list)| !list.is_empty());
        groups
    })
}

#[component]
pub(crate) fn SettingsForm(form: FormState, creating: bool) -> impl IntoView {
    let groups = Memo::new(move |_| grouped(&form));
    let checks: Memo<BTreeMap<String, SettingValue>> = Memo::new(move |_| {
        form.validation
            .with(|v| v.as_ref().map(Validation::values_by_key))
            .unwrap_or_default()
    });
    let show_all = RwSignal::new(false);
    view! {
        <label class="inline show-all">
            <input type="checkbox" prop:checked=move || show_all.get() on:change=move |ev| show_all.set(event_target_checked(&ev)) data-testid="show-all" />
            " Show every setting (otherwise: required, important, set, or in error)"
        </label>
        {move || form.validation.with(Option::is_none).then(|| view! { <p class="muted">"Asking Connect which settings this plugin has…"</p> })}
        <For each=move || groups.get() key=|(name, list)| format!("{name}:{}", list.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(",")) let((group, list))>
            <fieldset class="card group generated">
                <legend>{group}</legend>
                {list.into_iter().map(|definition| view! { <Setting form definition checks show_all creating /> }).collect_view()}
            </fieldset>
        </For>
        // Until Connect has said which settings the plugin has, every key would look extra, and
        // what is typed there would vanish when the real field replaces it.
        <Show when=move || form.validation.with(Option::is_some)>
            <ExtraKeys form checks />
        </Show>
    }
}

/// One setting: label, input, documentation and errors.
#[component]
fn Setting(
    form: FormState,
    definition: SettingDefinition,
    checks: Memo<BTreeMap<String, SettingValue>>,
    show_all: RwSignal<bool>,
    creating: bool,
) -> impl IntoView {
    let key = definition.name.clone();
    let check = {
        let key = key.clone();
        Memo::new(move |_| checks.with(|c| c.get(&key).cloned()))
    };
    let value = {
        let key = key.clone();
        Signal::derive(move || {
            form.config
                .with(|c| c.get(&key).cloned().unwrap_or_default())
        })
    };
    let errors = {
        let key = key.clone();
        move || {
            if !form.shows_errors_of(&key) {
                return Vec::new();
            }
            check.with(|c| c.as_ref().map(|c| c.errors.clone()).unwrap_or_default())
        }
    };
    let important = definition.required || definition.importance == "HIGH";
    let shown = {
        let errors = errors.clone();
        move || {
            let visible = check.with(|c| c.as_ref().is_none_or(|c| c.visible));
            visible
                && (show_all.get() || important || !value.get().is_empty() || !errors().is_empty())
        }
    };
    // The name of an existing connector and the plugin of any connector are fixed here.
    let locked = key == "connector.class" || (key == "name" && !creating);
    let label = definition
        .display_name
        .clone()
        .unwrap_or_else(|| key.clone());
    let input_id = format!("setting-{key}");
    let doc = definition.documentation.clone().filter(|d| !d.is_empty());
    let default = definition.default_value.clone().filter(|d| !d.is_empty());
    let importance = definition.importance.to_lowercase();
    view! {
        <div class="setting" class:hidden=move || !shown() data-setting=key data-testid="setting">
            <label for=input_id.clone()>
                {label}
                {definition.required.then(|| view! { <span class="required" title="required">" *"</span> })}
                " " <code class="muted small">{key.clone()}</code>
                " " <span class=format!("importance {importance}")>{importance.clone()}</span>
            </label>
            <SettingInput form key=key.clone() kind=definition.kind id=input_id value check locked default=default />
            {doc.map(|text| view! { <DocText text /> })}
            {move || errors().into_iter().map(|e| view! { <p class="error field-error" data-testid="field-error">{e}</p> }).collect_view()}
        </div>
    }
}

/// The input that fits the setting's type; recommended values become a select (for plugin
/// versions, suggestions).
#[component]
fn SettingInput(
    form: FormState,
    key: String,
    kind: String,
    id: String,
    value: Signal<String>,
    check: Memo<Option<SettingValue>>,
    locked: bool,
    default: Option<String>,
) -> impl IntoView {
    let key = StoredValue::new(key);
    let on_input = move |ev| form.set(&key.get_value(), event_target_value(&ev));
    let recommended = Memo::new(move |_| {
        check.with(|c| {
            c.as_ref()
                .map(|c| c.recommended_values.clone())
                .unwrap_or_default()
        })
    });
    let placeholder = default
        .clone()
        .map(|d| format!("default: {d}"))
        .unwrap_or_default();
    if kind == "BOOLEAN" {
        let default_on = default.as_deref() == Some("true");
        let on = move || value.get().parse::<bool>().unwrap_or(default_on);
        return view! {
            <label class="inline toggle">
                <input id=id type="checkbox" role="switch" disabled=locked prop:checked=on
                    on:change=move |ev| form.set(&key.get_value(), event_target_checked(&ev).to_string()) />
                {move || if on() { " on" } else { " off" }}
            </label>
        }
        .into_any();
    }
    if !locked && key.with_value(|k| k.ends_with(".plugin.version")) {
        // A plugin version (KIP-891) may also be a range, so the versions installed are
        // suggestions, not the only choices; left empty, the newest installed runs.
        let list_id = format!("{id}-versions");
        return view! {
            <input id=id type="text" list=list_id.clone() autocomplete="off" data-testid="version-input"
                placeholder="newest installed, a version, or a range such as [1.0,2.0)"
                prop:value=move || value.get() on:input=on_input />
            <datalist id=list_id>
                {move || recommended.get().into_iter().map(|v| view! { <option value=v></option> }).collect_view()}
            </datalist>
        }
        .into_any();
    }
    if !locked && !recommended.with(Vec::is_empty) && kind != "LIST" {
        return view! {
            <select id=id on:change=on_input>
                <option value="" selected=move || value.get().is_empty()>{if placeholder.is_empty() { "(not set)".to_owned() } else { placeholder }}</option>
                {move || recommended.get().into_iter().map(|choice| {
                    let (this, text) = (choice.clone(), choice.clone());
                    view! { <option value=choice selected=move || value.get() == this>{text}</option> }
                }).collect_view()}
            </select>
        }
        .into_any();
    }
    let (input_type, step) = match kind.as_str() {
        "INT" | "LONG" | "SHORT" => ("number", "1"),
        "DOUBLE" => ("number", "any"),
        "PASSWORD" => ("password", ""),
        _ => ("text", ""),
    };
    let placeholder = if kind == "LIST" && placeholder.is_empty() {
        "comma-separated".to_owned()
    } else {
        placeholder
    };
    view! {
        <input id=id type=input_type step=step readonly=locked autocomplete=if kind == "PASSWORD" { "new-password" } else { "off" }
            placeholder=placeholder prop:value=move || value.get() on:input=on_input />
    }
    .into_any()
}

/// Keys of the config that validate did not describe: accepted pass-through keys are marked as
/// such, anything else as unknown to the plugin. New keys can be added here.
#[component]
fn ExtraKeys(form: FormState, checks: Memo<BTreeMap<String, SettingValue>>) -> impl IntoView {
    let extra = move || {
        let known = checks.get();
        form.config.with(|c| {
            c.iter()
                .filter(|(k, _)| !known.contains_key(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        })
    };
    let new_key = RwSignal::new(String::new());
    let new_value = RwSignal::new(String::new());
    let add = move |_| {
        let key = new_key.get_untracked().trim().to_owned();
        if !key.is_empty() {
            form.set(&key, new_value.get_untracked());
            new_key.set(String::new());
            new_value.set(String::new());
        }
    };
    view! {
        <fieldset class="card group">
            <legend>"Other keys"</legend>
            <p class="muted small">"Keys the plugin does not declare: transforms, predicates, converter settings, client overrides and error handling are accepted by Connect as they are."</p>
            <For each=extra key=|(k, v)| format!("{k}={v}") let((key, value))>
                <div class="setting extra" data-setting=key>
                    <label>
                        <code>{key.clone()}</code> " "
                        {if accepted_without_definition(&key) {
                            view! { <span class="badge info">"accepted by Connect"</span> }.into_any()
                        } else {
                            view! { <span class="badge warn">"unknown to this plugin"</span> }.into_any()
                        }}
                    </label>
                    <div class="button-row">
                        <input type="text" value=value aria-label=format!("Value of {key}") on:change={let key = key.clone(); move |ev| form.set(&key, event_target_value(&ev))} />
                        <button aria-label=format!("Remove {key}") on:click={let key = key.clone(); move |_| form.set(&key, String::new())}>"Remove"</button>
                    </div>
                </div>
            </For>
            <div class="button-row add-key">
                <input type="text" placeholder="key, e.g. transforms" aria-label="New key" prop:value=move || new_key.get() on:input=move |ev| new_key.set(event_target_value(&ev)) />
                <input type="text" placeholder="value" aria-label="New value" prop:value=move || new_value.get() on:input=move |ev| new_value.set(event_target_value(&ev)) />
                <button on:click=add>"Add key"</button>
            </div>
        </fieldset>
    }
}
