//! The signed-in user's name and role, with a sign-out button, in the header.

use api_types::{Role, SignedInVia};
use leptos::prelude::*;

use crate::api;
use crate::session::SignedIn;

/// The user's name and role with a sign-out button, in the header (nothing without login).
#[component]
pub(crate) fn UserMenu() -> impl IntoView {
    let SignedIn(signed_in) = expect_context();
    // Signed out whatever the answer: a session the backend no longer knows is over too.
    let sign_out = Action::new_local(move |&(): &()| async move {
        let _ = api::logout().await;
        signed_in.set(None);
    });
    move || {
        signed_in.get().filter(|me| me.via != SignedInVia::Open).map(|me| {
            let role = me.role_on(None).or_else(|| me.grants.iter().map(|g| g.role).max());
            let role = role.map_or("no role", Role::as_str);
            view! {
                <span class="user-menu">
                    <span data-testid="signed-in-user">{me.name} " · " {role}</span>
                    <button type="button" class="small-button" disabled=move || sign_out.pending().get() on:click=move |_| { sign_out.dispatch_local(()); } data-testid="sign-out">"Sign out"</button>
                </span>
            }
        })
    }
}
