//! Parts of a page that may come a moment after it: each is split by the build into a wasm
//! module of its own, so the first download holds only what the dashboard's rows need (the
//! shell, the list and the table). Parts that come [`later`] are fetched once the page's own
//! content is on screen ([`content_shown`]): starting a few modules means a hundred small
//! fetches and as many instantiations, which would otherwise hold up the first rows.

use std::pin::Pin;
use std::time::Duration;

use leptos::prelude::*;

/// When parts that come later load even if the page never says its content has shown.
const AT_THE_LATEST: Duration = Duration::from_secs(2);

/// Whether the page's own content is on screen (parts that come [`later`] wait for it).
#[derive(Clone, Copy)]
pub(crate) struct ContentShown(RwSignal<bool>);

impl ContentShown {
    /// Provides the flag to the app, set after [`AT_THE_LATEST`] whatever the page says.
    pub(crate) fn provide() {
        let shown = RwSignal::new(false);
        provide_context(Self(shown));
        set_timeout(move || open(shown), AT_THE_LATEST);
    }
}

/// Says the page's own content is in place: parts that come later start loading once the
/// browser has painted it.
pub(crate) fn content_shown() {
    if let Some(ContentShown(shown)) = use_context() {
        leptos::task::spawn_local(async move {
            crate::timing::after_next_paint().await;
            open(shown);
        });
    }
}

fn open(shown: RwSignal<bool>) {
    if shown.try_get_untracked() == Some(false) {
        shown.set(true);
    }
}

/// Shows the view `loading` gives once the page's content has shown and the view's module has
/// arrived (nothing before).
pub(crate) fn later(loading: impl Future<Output = AnyView> + Send + 'static) -> AnyView {
    start_when_shown(Box::pin(loading))
}

/// [`later`], for one type of future: a copy per caller would weigh on the first download.
fn start_when_shown(loading: Pin<Box<dyn Future<Output = AnyView> + Send>>) -> AnyView {
    let shown = use_context::<ContentShown>();
    let ready = Memo::new(move |_| shown.is_none_or(|ContentShown(shown)| shown.get()));
    let loading = StoredValue::new_local(Some(loading));
    let start = move || {
        ready
            .get()
            .then(|| loading.try_update_value(Option::take).flatten())
            .flatten()
            .map(Suspend::new)
    };
    view! { <Suspense>{start}</Suspense> }.into_any()
}

/// Shows the view `loading` gives as soon as its module has arrived: for a part that is the
/// page's content itself (the sign-in form, the page for an unknown URL).
pub(crate) fn page_content(loading: impl Future<Output = AnyView> + Send + 'static) -> AnyView {
    start_now(Box::pin(loading))
}

/// [`page_content`], for one type of future.
fn start_now(loading: Pin<Box<dyn Future<Output = AnyView> + Send>>) -> AnyView {
    let loaded = async move {
        let view = loading.await;
        content_shown();
        view
    };
    view! { <Suspense>{Suspend::new(loaded)}</Suspense> }.into_any()
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
