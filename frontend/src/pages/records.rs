//! The record browser of any topic: the newest records, or from an offset or a time, of one
//! partition or all; keys, values and headers as text, pretty JSON or hex, large values cut
//! with their size. Reading contents needs a permission of its own and is recorded.

use api_types::{KafkaRecord, Payload, RecordPage};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, query_string};
use crate::components::readable_ms;
use crate::failure::Failure;
use crate::links;

/// How keys, values and headers are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Text,
    Json,
    Hex,
}

#[component]
pub(crate) fn RecordsPage() -> impl IntoView {
    let params = use_params_map();
    let cluster = Memo::new(move |_| params.read().get("cluster").unwrap_or_default());
    let topic = links::path_segment_after("topics");
    move || match topic.get() {
        Some(topic) => view! { <RecordBrowser cluster=cluster.get() topic /> }.into_any(),
        None => view! { <p class="error">"This address names no topic."</p> }.into_any(),
    }
}

#[component]
fn RecordBrowser(cluster: String, topic: String) -> impl IntoView {
    let partition = RwSignal::new(String::new());
    let from = RwSignal::new("newest".to_owned());
    let offset = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    let limit = RwSignal::new("50".to_owned());
    let shown = RwSignal::new(Shown::Text);
    let reading = {
        let (cluster, topic) = (cluster.clone(), topic.clone());
        Action::new_local(move |query: &String| {
            api::read_records(cluster.clone(), topic.clone(), query.clone())
        })
    };
    let (page, busy) = (reading.value(), reading.pending());
    let read = move || {
        let mut pairs = vec![
            ("partition", partition.get_untracked()),
            ("limit", limit.get_untracked()),
        ];
        match from.get_untracked().as_str() {
            "offset" => pairs.push(("offset", offset.get_untracked())),
            "time" => pairs.push((
                "since_ms",
                since_ms(&since.get_untracked()).unwrap_or_default(),
            )),
            _ => {}
        }
        reading.dispatch_local(query_string(&pairs));
    };
    let breadcrumb = links::cluster_page(&cluster, "topics");
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <A href=breadcrumb>{format!("{cluster} topics")}</A> " / " <code>{topic.clone()}</code>
        </nav>
        <h1>"Records of " <code>{topic}</code></h1>
        <p class="muted small">"Reading record contents is recorded in the history. Reads stop at the limit, at 8 MiB or at the Kafka timeout, whichever comes first."</p>
        <form class="filters" on:submit=move |ev| { ev.prevent_default(); read(); }>
            <label>"Partition" <input type="number" min="0" placeholder="all" prop:value=move || partition.get() on:input=move |ev| partition.set(event_target_value(&ev)) data-testid="records-partition" /></label>
            <label>"From" <select on:change=move |ev| from.set(event_target_value(&ev)) data-testid="records-from">
                <option value="newest" selected=true>"the newest"</option>
                <option value="offset">"an offset"</option>
                <option value="time">"a time (UTC)"</option>
            </select></label>
            <Show when=move || from.get() == "offset">
                <label>"Offset" <input type="number" min="0" prop:value=move || offset.get() on:input=move |ev| offset.set(event_target_value(&ev)) data-testid="records-offset" /></label>
            </Show>
            <Show when=move || from.get() == "time">
                <label>"Time" <input type="datetime-local" prop:value=move || since.get() on:input=move |ev| since.set(event_target_value(&ev)) /></label>
            </Show>
            <label>"Records" <input type="number" min="1" max="500" prop:value=move || limit.get() on:input=move |ev| limit.set(event_target_value(&ev)) /></label>
            <label>"Show as" <select on:change=move |ev| shown.set(match event_target_value(&ev).as_str() { "json" => Shown::Json, "hex" => Shown::Hex, _ => Shown::Text })>
                <option value="text">"text"</option>
                <option value="json">"JSON"</option>
                <option value="hex">"hex"</option>
            </select></label>
            <button class="primary" type="submit" disabled=move || busy.get() data-testid="records-read">"Read"</button>
        </form>
        {move || page.get().map(|answer| match answer {
            Err(error) => view! { <Failure error testid="records-error" /> }.into_any(),
            Ok(page) => view! { <RecordTable page shown=shown.into() /> }.into_any(),
        })}
    }
}

/// `2026-11-28T01:02` (a datetime-local input, read as UTC) as milliseconds since the epoch.
fn since_ms(local: &str) -> Option<String> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&format!("{local}:00Z")));
    let ms = date.get_time();
    (!ms.is_nan()).then(|| format!("{ms:.0}"))
}

#[component]
fn RecordTable(page: RecordPage, shown: Signal<Shown>) -> impl IntoView {
    let ranges = page
        .partitions
        .iter()
        .map(|p| {
            format!(
                "partition {}: offsets {} to {}",
                p.partition,
                p.low,
                p.high - 1
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let count = page.records.len();
    view! {
        <p class="muted small" data-testid="records-ranges">{ranges}</p>
        {page.stopped_early.map(|why| view! { <p class="warning">"Not every record was read: " {why} "."</p> })}
        <p data-testid="records-count">{format!("{count} records")}</p>
        <div class="table-scroll">
            <table class="records" data-testid="records-table">
                <thead><tr><th>"Partition"</th><th>"Offset"</th><th>"Time"</th><th>"Key"</th><th>"Value"</th><th>"Headers"</th></tr></thead>
                <tbody>
                    {page.records.into_iter().map(|record| view! { <RecordRow record shown /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn RecordRow(record: KafkaRecord, shown: Signal<Shown>) -> impl IntoView {
    let KafkaRecord {
        partition,
        offset,
        timestamp_ms,
        key,
        value,
        headers,
    } = record;
    let time = timestamp_ms.map(readable_ms).unwrap_or_default();
    view! {
        <tr data-testid="record" data-offset=offset data-partition=partition>
            <td>{partition}</td>
            <td>{offset}</td>
            <td class="small">{time}</td>
            <td data-testid="record-key">{move || key.as_ref().map(|k| shown_payload(k, shown.get()))}</td>
            <td data-testid="record-value">{move || value.as_ref().map(|v| shown_payload(v, shown.get()))}</td>
            <td><ul class="plain small">{headers.into_iter().map(|h| {
                let text = h.value.as_ref().map(|v| shown_payload(v, Shown::Text));
                view! { <li data-testid="record-header" data-key=h.key><code>{h.key.clone()}</code> ": " {text}</li> }
            }).collect_view()}</ul></td>
        </tr>
    }
}

/// A payload as asked: its text, pretty JSON when it parses, or hex; a cut one says its size.
fn shown_payload(payload: &Payload, shown: Shown) -> AnyView {
    let hex_of_text = |t: &str| t.bytes().map(|b| format!("{b:02x}")).collect::<String>();
    let body = match (shown, &payload.text, &payload.hex) {
        (Shown::Hex, Some(text), _) => hex_of_text(text),
        (_, None, Some(hex)) => hex.clone(),
        (Shown::Json, Some(text), _) => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| text.clone()),
        (_, Some(text), _) => text.clone(),
        (_, None, None) => String::new(),
    };
    let cut = payload
        .truncated
        .then(|| view! { <span class="muted small">{format!(" … ({} bytes in all)", payload.size)}</span> });
    view! { <pre class="payload">{body}</pre>{cut} }.into_any()
}
