//! Who the console acts as: asked once at start, set by the sign-in form, cleared by signing
//! out or by any answer that says the session is gone. Pages ask [`may`] before they offer an
//! action, so a viewer sees no buttons it could not use (the backend refuses them anyway).
//! The sign-in form is a page ([`crate::pages::SignInPage`]), the user menu a component.

use std::cell::RefCell;

use api_types::{Me, Role, SignedInVia};
use leptos::prelude::*;

thread_local! {
    static SIGNED_IN: RefCell<Option<RwSignal<Option<Me>>>> = const { RefCell::new(None) };
}

/// The signed-in user, shared through the context and with the API calls.
#[derive(Clone, Copy)]
pub(crate) struct SignedIn(pub RwSignal<Option<Me>>);

impl SignedIn {
    pub(crate) fn provide() -> Self {
        let signal = RwSignal::new(None);
        SIGNED_IN.with(|cell| *cell.borrow_mut() = Some(signal));
        provide_context(SignedIn(signal));
        SignedIn(signal)
    }
}

fn signal() -> Option<RwSignal<Option<Me>>> {
    SIGNED_IN.with(|cell| *cell.borrow())
}

/// The token the session's changes carry.
pub(crate) fn csrf_token() -> Option<String> {
    signal()?.with_untracked(|me| me.as_ref()?.csrf_token.clone())
}

/// Back to the sign-in form (unless nobody needs to sign in).
pub(crate) fn signed_out() {
    if let Some(signal) = signal() {
        let open =
            signal.with_untracked(|me| me.as_ref().is_some_and(|m| m.via == SignedInVia::Open));
        if !open {
            signal.set(None);
        }
    }
}

/// Whether someone is signed in and `test` holds for them. Untracked: a change of user
/// rebuilds the whole console anyway.
fn signed_in_and(test: impl Fn(&Me) -> bool) -> bool {
    signal().is_some_and(|s| s.with_untracked(|me| me.as_ref().is_some_and(&test)))
}

/// Whether the user may do what needs `role` on `cluster` (`None`: on every cluster).
pub(crate) fn may(role: Role, cluster: Option<&str>) -> bool {
    signed_in_and(|m| m.may(role, cluster))
}

/// Whether the user signed in with a password (a built-in user with a session).
pub(crate) fn signed_in_with_password() -> bool {
    signed_in_and(|m| m.via == SignedInVia::Session)
}

/// Whether the user holds `role` on at least one cluster.
pub(crate) fn may_somewhere(role: Role) -> bool {
    signed_in_and(|m| m.grants.iter().any(|g| g.role >= role))
}
