//! Values fetched now and again on a timer, kept on screen while a refresh is in flight so live
//! pages never flicker, and dropped when what they are about changes.

use std::future::Future;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiError, ApiResult};

/// The latest answer of a polled call (`None` until the first one arrives).
pub(crate) struct Live<T: 'static> {
    pub value: RwSignal<Option<ApiResult<T>>, LocalStorage>,
    tick: RwSignal<u64>,
}

impl<T> Clone for Live<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Live<T> {}

impl<T: 'static> Live<T> {
    /// `read` of the latest successful answer, tracked; `None` before one or after a failure.
    pub(crate) fn ok_map<U>(&self, read: impl FnOnce(&T) -> U) -> Option<U> {
        self.value
            .with(|v| v.as_ref().and_then(|r| r.as_ref().ok()).map(read))
    }

    /// Why the latest call failed, tracked.
    pub(crate) fn error(&self) -> Option<ApiError> {
        self.value
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    }

    /// Fetches again now (after a change the user made), keeping the current value meanwhile.
    pub(crate) fn refresh(&self) {
        self.tick.update(|n| *n += 1);
    }
}

/// Fetches `fetch(source())` now, whenever `source` changes, and every `every`. An answer that
/// arrives after a newer call started is dropped.
pub(crate) fn live<S, T, Fut>(
    every: Duration,
    source: impl Fn() -> S + 'static,
    fetch: impl Fn(S) -> Fut + 'static,
) -> Live<T>
where
    S: PartialEq + Clone + 'static,
    T: 'static,
    Fut: Future<Output = ApiResult<T>> + 'static,
{
    let value = RwSignal::new_local(None);
    let tick = RwSignal::new(0_u64);
    let generation = StoredValue::new(0_u64);
    let last_source = StoredValue::new_local(None::<S>);
    Effect::new(move |_| {
        tick.track();
        let current = source();
        if last_source.with_value(|last| last.as_ref() != Some(&current)) {
            value.set(None);
            last_source.set_value(Some(current.clone()));
        }
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let answer = fetch(current);
        spawn_local(async move {
            let answer = answer.await;
            if generation.try_get_value() == Some(mine) {
                value.try_set(Some(answer));
            }
        });
    });
    match set_interval_with_handle(move || tick.update(|n| *n += 1), every) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(e) => leptos::logging::warn!("live refresh is off: {e:?}"),
    }
    Live { value, tick }
}
