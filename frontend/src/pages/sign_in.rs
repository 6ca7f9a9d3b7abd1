//! The sign-in form, shown instead of the console when login is required and nobody is
//! signed in.

use leptos::prelude::*;

use crate::api;
use crate::session::SignedIn;

/// The sign-in form.
#[component]
pub(crate) fn SignInPage() -> impl IntoView {
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
                Err(message) => error.set(Some(message.to_string())),
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
