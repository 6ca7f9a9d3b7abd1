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
    let sign_in = Action::new_local(move |(name, password): &(String, String)| {
        let (name, password) = (name.clone(), password.clone());
        async move {
            let answer = api::login(name, password).await;
            if let Ok(me) = &answer {
                signed_in.set(Some(me.clone()));
            }
            answer
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sign_in.dispatch_local((name.get_untracked(), password.get_untracked()));
    };
    let error = move || sign_in.value().get().and_then(Result::err);
    view! {
        <main class="page sign-in">
            <h1>"Plugboard"</h1>
            <form class="card" on:submit=submit data-testid="sign-in">
                <h2>"Sign in"</h2>
                <label>"User" <input name="user" autocomplete="username" required bind:value=name data-testid="sign-in-user" /></label>
                <label>"Password" <input name="password" type="password" autocomplete="current-password" required bind:value=password data-testid="sign-in-password" /></label>
                {move || error().map(|m| view! { <p class="error" role="alert" data-testid="sign-in-error">{m.to_string()}</p> })}
                <button class="primary" type="submit" disabled=move || sign_in.pending().get() data-testid="sign-in-button">"Sign in"</button>
            </form>
        </main>
    }
}
