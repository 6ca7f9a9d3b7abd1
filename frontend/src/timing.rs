//! Waiting in the browser without blocking it, and input debouncing.

use std::time::Duration;

use leptos::prelude::*;

/// Resolves once `start` has had the function it is given called (a browser callback wrapped
/// in a promise).
async fn called_back(start: impl FnOnce(js_sys::Function)) {
    let mut start = Some(start);
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(start) = start.take() {
            start(resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Resolves after `duration` (a `setTimeout`).
pub(crate) async fn sleep(duration: Duration) {
    let millis = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
    called_back(|resolve| {
        if window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis)
            .is_err()
        {
            // No timer: resolve at once rather than hang.
            let _ = resolve.call0(&resolve);
        }
    })
    .await;
}

/// Resolves once the browser has painted what is in the page now (the task after the next
/// animation frame).
pub(crate) async fn after_next_paint() {
    called_back(|resolve| {
        request_animation_frame(move || {
            set_timeout(move || drop(resolve.call0(&resolve)), Duration::ZERO);
        });
    })
    .await;
}

/// Calls the returned function's argument `delay` after the last call, once: typing fast
/// validates once, when the user pauses.
pub(crate) fn debounced(delay: Duration, action: impl Fn() + Clone + 'static) -> impl Fn() + Clone {
    let generation = StoredValue::new(0_u64);
    move || {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let action = action.clone();
        set_timeout(
            move || {
                if generation.try_get_value() == Some(mine) {
                    action();
                }
            },
            delay,
        );
    }
}
