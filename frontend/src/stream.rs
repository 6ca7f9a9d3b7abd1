//! The connector list kept current by Plugboard's event stream (`/api/v1/events`), opened once
//! the list has been fetched: a whole list when the stream opens, then each cluster's changes
//! as Plugboard sees them. While the
//! stream is down (before its first list, after an error, behind a proxy that holds it back)
//! the list is fetched on a timer instead, and the page says so. A tab that is not shown closes
//! its stream and fetches nothing: browsers allow six connections to a host over HTTP/1.1,
//! and a stream holds one for as long as it is open, so tabs in the background must not.

use std::time::Duration;

use api_types::{CHANGES_EVENT, ConnectorList, ListChange, RECONNECT_EVENT, SNAPSHOT_EVENT};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use crate::api::{self, ApiResult};

/// How often the list is fetched while the stream is down.
pub(crate) const POLL_EVERY: Duration = Duration::from_secs(5);
/// How long after the browser gives up on the stream a new one is tried.
const RETRY_EVERY: Duration = Duration::from_secs(15);

/// The latest list, and whether the stream is what keeps it current.
#[derive(Clone, Copy)]
pub(crate) struct LiveList {
    pub(crate) value: RwSignal<Option<ApiResult<ConnectorList>>, LocalStorage>,
    /// The stream delivered its list and has not failed since.
    pub(crate) streaming: RwSignal<bool>,
    cluster: Memo<Option<String>>,
    /// Bumped to open a new stream.
    reconnects: RwSignal<u64>,
}

impl LiveList {
    /// Fetches the list now (after a change the user made), keeping the current one meanwhile.
    pub(crate) fn refresh(&self) {
        self.fetch(true);
    }

    /// Fetches the list; the answer is dropped if the stream took over meanwhile, unless
    /// `always`.
    fn fetch(&self, always: bool) {
        let this = *self;
        let answer = api::list_connectors(self.cluster.get_untracked());
        spawn_local(async move {
            let answer = answer.await;
            if always || !this.streaming.try_get_untracked().unwrap_or(true) {
                this.value.try_set(Some(answer));
            }
        });
    }
}

/// An open stream with the handlers it calls; closed when dropped.
struct Connection {
    source: EventSource,
    _handlers: Vec<Closure<dyn FnMut(MessageEvent)>>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// The list of `cluster` (every cluster when `None`), pushed by the stream.
pub(crate) fn live_list(cluster: Memo<Option<String>>) -> LiveList {
    let list = LiveList {
        value: RwSignal::new_local(None),
        streaming: RwSignal::new(false),
        cluster,
        reconnects: RwSignal::new(0),
    };
    let connection = StoredValue::new_local(None::<Connection>);
    let shown_cluster = StoredValue::new(None::<Option<String>>);
    // Bumped each time the effect below runs, so a fetch it started for an earlier cluster or
    // connection does not open a stream.
    let generation = StoredValue::new(0_u64);
    let hidden = page_hidden();
    Effect::new(move |_| {
        let id = cluster.get();
        list.reconnects.track();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        connection.set_value(None);
        if hidden.get() {
            list.streaming.set(false);
            return;
        }
        if shown_cluster.get_value().as_ref() != Some(&id) {
            list.value.set(None);
            list.streaming.set(false);
            shown_cluster.set_value(Some(id.clone()));
        }
        // The list is fetched first (the page may have had it preloaded), and the stream opened
        // once it has answered: the stream begins with the whole list again, and reading that
        // beside the first answer would hold up the first rows.
        let answer = crate::first_list::list_connectors(id.clone());
        spawn_local(async move {
            let answer = answer.await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            if !list.streaming.get_untracked() {
                list.value.set(Some(answer));
            }
            // The stream's module is fetched once the first rows are on screen.
            crate::timing::after_next_paint().await;
            let opened = open(id, list).await;
            if generation.try_get_value() == Some(mine) {
                connection.set_value(opened);
            }
        });
    });
    on_cleanup(move || {
        connection.try_set_value(None);
    });
    match set_interval_with_handle(
        move || {
            if !list.streaming.get_untracked() && !hidden.get_untracked() {
                list.fetch(false);
            }
        },
        POLL_EVERY,
    ) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(e) => leptos::logging::warn!("polling fallback is off: {e:?}"),
    }
    list
}

/// Whether the page is hidden (a tab in the background, a minimised window), kept current.
fn page_hidden() -> RwSignal<bool> {
    let document = document();
    let hidden = RwSignal::new(document.hidden());
    let watched = document.clone();
    let on_change = Closure::<dyn FnMut()>::new(move || {
        hidden.try_set(watched.hidden());
    });
    let callback: js_sys::Function = on_change.into_js_value().unchecked_into();
    if document
        .add_event_listener_with_callback("visibilitychange", &callback)
        .is_ok()
    {
        let listening = StoredValue::new_local((document, callback));
        on_cleanup(move || {
            listening.try_with_value(|(document, callback)| {
                document.remove_event_listener_with_callback("visibilitychange", callback)
            });
        });
    }
    hidden
}

/// Opens the stream and wires its events to `list`; `None` when the browser cannot.
/// (In a module of its own: the first rows do not need it.)
#[leptos::lazy]
async fn open(cluster: Option<String>, list: LiveList) -> Option<Connection> {
    let url = match cluster {
        Some(id) => format!("/api/v1/events?cluster={}", api::encode(&id)),
        None => "/api/v1/events".to_owned(),
    };
    let source = EventSource::new(&url).ok()?;
    let on_snapshot = handler(move |snapshot: ConnectorList| {
        list.value.set(Some(Ok(snapshot)));
        list.streaming.set(true);
    });
    let on_changes = handler(move |change: ListChange| {
        list.value.update(|value| {
            if let Some(Ok(shown)) = value {
                change.apply(shown);
            }
        });
    });
    let on_reconnect = Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
        list.reconnects.update(|n| *n += 1);
    });
    let watched = source.clone();
    let on_error = Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
        list.streaming.set(false);
        // CONNECTING: the browser tries again by itself; CLOSED: it gave up (an error answer).
        if watched.ready_state() == EventSource::CLOSED {
            set_timeout(move || list.reconnects.update(|n| *n += 1), RETRY_EVERY);
        }
    });
    let handlers = [
        (SNAPSHOT_EVENT, on_snapshot),
        (CHANGES_EVENT, on_changes),
        (RECONNECT_EVENT, on_reconnect),
        ("error", on_error),
    ];
    for (name, handler) in &handlers {
        let _ = source.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
    }
    Some(Connection {
        source,
        _handlers: handlers.into_iter().map(|(_, h)| h).collect(),
    })
}

/// A handler of events whose data is JSON of `T`; data that does not parse is ignored.
fn handler<T: serde::de::DeserializeOwned + 'static>(
    mut act: impl FnMut(T) + 'static,
) -> Closure<dyn FnMut(MessageEvent)> {
    Closure::new(move |event: MessageEvent| {
        let parsed = event
            .data()
            .as_string()
            .and_then(|data| serde_json::from_str::<T>(&data).ok());
        match parsed {
            Some(value) => act(value),
            None => leptos::logging::warn!("an event of the live stream did not parse"),
        }
    })
}
