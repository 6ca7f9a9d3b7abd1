//! Waiting in the browser without blocking it, and input debouncing.

use std::time::Duration;

use leptos::prelude::*;

/// Resolves after `duration` (a `setTimeout` wrapped in a promise).
pub(crate) async fn sleep(duration: Duration) {
    let millis = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis)
            .is_err()
        {
            // No timer: resolve at once rather than hang.
            let _ = resolve.call0(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
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
