//! The list the dashboard of every cluster shows first, asked for as the app starts (beside who
//! is signed in) when the page it opens on names that list for the browser to fetch (Plugboard
//! serves that page for `/` to a caller it knows: backend/src/spa.rs), rather than once the
//! page has been built: its answer then arrives and is read while the shell is built, and the
//! first rows come in the page's first frame instead of a frame later.

use std::cell::RefCell;

use api_types::ConnectorList;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::api::{self, ApiResult};

/// The link by which the page names the list for the browser to fetch beside the code.
const PRELOADED: &str = r#"link[rel=preload][href="/api/v1/connectors"]"#;

thread_local! {
    /// Settled once the list asked for at start has answered (a promise: the browser's own
    /// way to wait for it, which costs the first download nothing more).
    static ASKED_AT_START: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
    /// That answer, until the dashboard takes it.
    static ANSWER: RefCell<Option<ApiResult<ConnectorList>>> = const { RefCell::new(None) };
}

/// Asks for every cluster's list now when the page named it (it is mostly there already).
pub(crate) fn ask_if_preloaded() {
    let preloaded = leptos::prelude::document().query_selector(PRELOADED);
    if !matches!(preloaded, Ok(Some(_))) {
        return;
    }
    let answered = future_to_promise(async {
        let answer = api::list_connectors(None).await;
        ANSWER.with(|slot| *slot.borrow_mut() = Some(answer));
        Ok(JsValue::UNDEFINED)
    });
    ASKED_AT_START.with(|asked| *asked.borrow_mut() = Some(answered));
}

/// The list of `cluster` (every cluster when `None`): the one asked for at start if it is that
/// list and came (once; a failure there, such as nobody signed in yet, is asked again), else
/// asked now.
pub(crate) async fn list_connectors(cluster: Option<String>) -> ApiResult<ConnectorList> {
    let asked = cluster
        .is_none()
        .then(|| ASKED_AT_START.with(|asked| asked.borrow_mut().take()))
        .flatten();
    if let Some(answered) = asked {
        let _ = JsFuture::from(answered).await;
        if let Some(Ok(list)) = ANSWER.with(|slot| slot.borrow_mut().take()) {
            return Ok(list);
        }
    }
    api::list_connectors(cluster).await
}
