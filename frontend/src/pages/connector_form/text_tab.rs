//! The config as text (JSON or Java properties), edited in place of the form and kept in sync
//! with it, plus upload and download of a JSON file.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use wasm_bindgen::JsCast;

use super::state::FormState;

/// Reads a config from JSON (a flat object, or Connect's `{"name", "config"}` create body; numbers
/// and booleans become strings) or from `key=value` lines.
pub(crate) fn parse_config(text: &str) -> Result<BTreeMap<String, String>, String> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') {
        return parse_properties(text);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let (object, name) = match value.get("config") {
        Some(config @ Value::Object(_)) => (config.clone(), value.get("name").cloned()),
        _ => (value, None),
    };
    let Value::Object(map) = object else {
        return Err("the JSON must be an object".into());
    };
    let mut config = BTreeMap::new();
    for (key, value) in map.into_iter().chain(name.map(|n| ("name".to_owned(), n))) {
        let text = match value {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => return Err(format!("the value of {key} must be a string, not {other}")),
        };
        config.insert(key, text);
    }
    Ok(config)
}

fn parse_properties(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut config = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let Some((key, value)) = line.split_once(['=', ':']) else {
            return Err(format!("line {}: expected key=value", number + 1));
        };
        config.insert(key.trim().to_owned(), value.trim().to_owned());
    }
    Ok(config)
}

fn render(config: &BTreeMap<String, String>, as_properties: bool) -> String {
    if as_properties {
        config.iter().map(|(k, v)| format!("{k}={v}\n")).collect()
    } else {
        serde_json::to_string_pretty(config).unwrap_or_default()
    }
}

#[component]
pub(crate) fn TextTab(form: FormState) -> impl IntoView {
    let as_properties = RwSignal::new(false);
    let text = RwSignal::new(form.config.with_untracked(|c| render(c, false)));
    let problem = RwSignal::new(None::<String>);
    let on_input = move |ev| {
        let typed = event_target_value(&ev);
        match parse_config(&typed) {
            Ok(config) => {
                problem.set(None);
                for key in changed_keys(&form.config.get_untracked(), &config) {
                    form.touched.update(|t| {
                        t.insert(key);
                    });
                }
                form.config.set(config);
            }
            Err(message) => problem.set(Some(message)),
        }
        text.set(typed);
    };
    let switch_format = move |ev| {
        as_properties.set(event_target_value(&ev) == "properties");
        text.set(
            form.config
                .with_untracked(|c| render(c, as_properties.get_untracked())),
        );
        problem.set(None);
    };
    view! {
        <div class="button-row">
            <select aria-label="Text format" on:change=switch_format>
                <option value="json">"JSON"</option>
                <option value="properties">"Properties"</option>
            </select>
            <label class="button">
                "Upload JSON…"
                <input type="file" accept=".json,application/json,.properties" class="visually-hidden" on:change=move |ev| upload(ev, form, text, problem) />
            </label>
            <button on:click=move |_| download(&form.config.get_untracked())>"Download JSON"</button>
        </div>
        <textarea class="code" rows="22" spellcheck="false" aria-label="Config as text" data-testid="config-text"
            prop:value=move || text.get() on:input=on_input></textarea>
        {move || problem.get().map(|p| view! { <p class="error" role="alert" data-testid="text-error">"Not applied: " {p}</p> })}
    }
}

fn changed_keys(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut keys: Vec<String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    keys.extend(before.keys().filter(|k| !after.contains_key(*k)).cloned());
    keys
}

/// Reads the chosen file and applies it like typed text.
fn upload(
    ev: leptos::ev::Event,
    form: FormState,
    text: RwSignal<String>,
    problem: RwSignal<Option<String>>,
) {
    let Some(file) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
    else {
        return;
    };
    spawn_local(async move {
        let content = wasm_bindgen_futures::JsFuture::from(file.text()).await;
        let Some(content) = content.ok().and_then(|c| c.as_string()) else {
            problem.try_set(Some("the file could not be read".into()));
            return;
        };
        match parse_config(&content) {
            Ok(config) => {
                text.try_set(render(&config, false));
                form.config.try_set(config);
                problem.try_set(None);
            }
            Err(message) => {
                problem.try_set(Some(format!("{}: {message}", file.name())));
            }
        }
    });
}

/// Saves `{"name", "config"}` (Connect's create body) as `{name}.json`.
fn download(config: &BTreeMap<String, String>) {
    let name = config
        .get("name")
        .cloned()
        .unwrap_or_else(|| "connector".into());
    let body = serde_json::json!({ "name": name, "config": config });
    let parts = js_sys::Array::of1(
        &serde_json::to_string_pretty(&body)
            .unwrap_or_default()
            .into(),
    );
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(anchor) = document()
        .create_element("a")
        .map(wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlAnchorElement>)
    {
        anchor.set_href(&url);
        anchor.set_download(&format!("{name}.json"));
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
