//! Who the console acts as: asked once at start, set by the sign-in form, cleared by signing
//! out or by any answer that says the session is gone. Pages ask [`may`] before they offer an
//! action, so a viewer sees no buttons it could not use (the backend refuses them anyway).

use std::cell::RefCell;

use api_types::{Me, Role, SignedInVia};
use leptos::prelude::*;

use crate::api;

thread_local! {
    static SIGNED_IN: RefCell<Option<RwSignal<Option<Me>>>> = const { RefCell::new(None) };
}

/// The signed-in user, shared through the context and with the API calls.
#[derive(Clone, Copy)]
pub struct SignedIn(pub RwSignal<Option<Me>>);

impl SignedIn {
    pub fn provide() -> Self {
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
pub fn csrf_token() -> Option<String> {
    signal()?.with_untracked(|me| me.as_ref()?.csrf_token.clone())
}

/// Back to the sign-in form (unless nobody needs to sign in).
pub fn signed_out() {
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
pub fn may(role: Role, cluster: Option<&str>) -> bool {
    signed_in_and(|m| m.may(role, cluster))
}

/// Whether the user signed in with a password (a built-in user with a session).
pub fn signed_in_with_password() -> bool {
    signed_in_and(|m| m.via == SignedInVia::Session)
}

/// Whether the user holds `role` on at least one cluster.
pub fn may_somewhere(role: Role) -> bool {
    signed_in_and(|m| m.grants.iter().any(|g| g.role >= role))
}

/// The sign-in form.
#[component]
pub fn SignInPage() -> impl IntoView {
    let SignedIn(signed_in) = expect_context();
    let (name, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::login(name.get_untracked(), password.get_untracked()).await {
                Ok(me) => signed_in.set(Some(me)),
                Err(message) => error.set(Some(message)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="page sign-in">
            <h1>"Plugboard"</h1>
            <form class="card" on:submit=submit data-testid="sign-in">
                <h2>"Sign in"</h2>
                <label>"User" <input name="user" autocomplete="username" required bind:value=name data-testid="sign-in-user" /></label>
                <label>"Password" <input name="password" type="password" autocomplete="current-password" required bind:value=password data-testid="sign-in-password" /></label>
                {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="sign-in-error">{m}</p> })}
                <button class="primary" type="submit" disabled=move || busy.get() data-testid="sign-in-button">"Sign in"</button>
            </form>
        </main>
    }
}

/// The user's name and role with a sign-out button, in the header (nothing without login).
#[component]
pub fn UserMenu() -> impl IntoView {
    let SignedIn(signed_in) = expect_context();
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = api::logout().await;
            signed_in.set(None);
        });
    };
    move || {
        signed_in.get().filter(|me| me.via != SignedInVia::Open).map(|me| {
            let role = me.role_on(None).or_else(|| me.grants.iter().map(|g| g.role).max());
            let role = role.map(Role::as_str).unwrap_or("no role");
            view! {
                <span class="user-menu">
                    <span data-testid="signed-in-user">{me.name.clone()} " · " {role}</span>
                    <button type="button" class="small-button" on:click=sign_out data-testid="sign-out">"Sign out"</button>
                </span>
            }
        })
    }
}
