//! A failed call as the user sees it: its sentence, in an alert. The API hands a 401 back as a
//! value ([`ApiError::SignedOut`]); this is where the console acts on it, sending the user back to
//! the sign-in form when the session ended (signed out elsewhere, expired, or revoked).

use leptos::prelude::*;

use crate::api::ApiError;
use crate::session;

/// Acts on a failure that says nobody is signed in any more; any other failure changes nothing.
pub(crate) fn notice(error: &ApiError) {
    if matches!(error, ApiError::SignedOut(_)) {
        session::signed_out();
    }
}

/// One failure, shown in an alert (`quiet`: in muted text, for a state rather than a fault).
#[component]
pub(crate) fn Failure(
    error: ApiError,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(optional)] quiet: bool,
) -> impl IntoView {
    let text = error.to_string();
    Effect::new(move |_| notice(&error));
    view! { <p class:error=!quiet class:muted=quiet role="alert" data-testid=testid>{text}</p> }
}

/// The fallback of an `ErrorBoundary` around a part that loads: each failure, as [`Failure`].
pub(crate) fn failures(errors: ArcRwSignal<Errors>) -> impl IntoView {
    move || {
        errors.with(|errors| {
            errors
                .iter()
                .map(|(_, error)| match error.downcast_ref::<ApiError>() {
                    Some(error) => view! { <Failure error=error.clone() /> }.into_any(),
                    None => {
                        view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any()
                    }
                })
                .collect_view()
        })
    }
}
