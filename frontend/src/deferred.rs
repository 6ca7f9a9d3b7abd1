//! Parts of a page that may come a moment after it: each is split by the build into a wasm
//! module of its own, fetched when first shown, so the first download holds only what the
//! dashboard's rows need (the shell, the list and the table).

use leptos::prelude::*;

/// Shows the view `loading` gives once its module has arrived (nothing before).
pub(crate) fn later(loading: impl Future<Output = AnyView> + Send + 'static) -> impl IntoView {
    view! { <Suspense>{Suspend::new(loading)}</Suspense> }
}

/// `name => Component`: an async fn `name` giving `Component`'s view from a module of its own.
macro_rules! lazy_views {
    ($($(#[doc = $doc:literal])* $name:ident => $component:ident),* $(,)?) => {$(
        $(#[doc = $doc])*
        #[leptos::lazy]
        async fn $name() -> AnyView {
            $component().into_any()
        }
    )*};
}

pub(crate) use lazy_views;
