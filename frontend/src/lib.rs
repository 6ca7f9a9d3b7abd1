//! Plugboard's browser app: a Leptos single-page app that talks only to the backend's `/api/v1`.
//!
//! Layout: [`api`] has one async fn per backend endpoint; [`app`] is the shell and the router;
//! [`clusters`] is the cluster list the shell shares with the pages;
//! `pages/` holds one component per URL; `components/` holds the pieces pages share; [`live`]
//! polls without flicker; [`stream`] keeps the connector list current from the server's events; [`links`] builds the app's URLs; [`toasts`] reports outcomes;
//! [`deferred`] loads parts of a page after it;
//! [`first_list`] asks for the dashboard's list as the app starts;
//! [`failure`] shows a failed call (and acts on one saying the session ended);
//! [`session`] knows who is signed in and what they may do.

// Leptos components take their props, and handlers their events, by value; and its component
// macro makes public items of its own (the props), which `unreachable_pub` cannot see through.
#![allow(clippy::needless_pass_by_value, unreachable_pub)]

mod api;
mod app;
mod clusters;
mod components;
mod deferred;
mod failure;
mod first_list;
mod links;
mod live;
mod pages;
mod session;
mod stream;
mod timing;
mod toasts;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point called by the generated JavaScript once the module is loaded.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    first_list::ask_if_preloaded();
    leptos::mount::mount_to_body(app::App);
}
