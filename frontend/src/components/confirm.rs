//! A confirmation that asks the user to type a word (a connector's name) before a destructive
//! action is allowed.

use leptos::prelude::*;

/// Shows `prompt`, an input and a button that stays disabled until the input equals `expected`.
#[component]
pub(crate) fn TypeToConfirm(
    prompt: String,
    expected: String,
    button: &'static str,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let matches = move || typed.with(|t| *t == expected);
    view! {
        <div class="confirm" role="group" aria-label=button data-testid="confirm">
            <p>{prompt}</p>
            <input
                type="text"
                autocomplete="off"
                spellcheck="false"
                data-testid="confirm-input"
                prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev))
            />
            <div class="button-row">
                <button
                    class="danger"
                    disabled=move || !matches()
                    data-testid="confirm-button"
                    on:click=move |_| on_confirm.run(())
                >
                    {button}
                </button>
                <button on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </div>
    }
}
