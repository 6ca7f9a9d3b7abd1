//! The app shell: header with navigation and cluster switcher, and the router.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{Lazy, path};

use crate::api;
use crate::clusters::ClusterList;
use crate::components::UserMenu;
use crate::deferred::{ContentShown, later, lazy_views, page_content};
use crate::failure;
use crate::links;
use crate::pages::{
    AccessRoute, AlertsRoute, ConnectorRoute, DashboardPage, EditConnectorRoute, GroupsRoute,
    HistoryRoute, LoggersRoute, NewConnectorRoute, NotFoundPage, OverviewRoute, PluginsRoute,
    RecordsRoute, ReplicationRoute, SignInPage, TopicsRoute, first_cluster,
};
use crate::session::SignedIn;
use crate::toasts::{Toaster, Toasts};

/// How often the cluster list is fetched again while the app is open.
const REFRESH_EVERY: Duration = Duration::from_secs(10);

/// Asks who is signed in, then shows the console, or the sign-in form when login is needed.
#[component]
pub(crate) fn App() -> impl IntoView {
    let SignedIn(signed_in) = SignedIn::provide();
    Toaster::provide();
    ContentShown::provide();
    // Asked once, the user set before the answer counts as in: nobody signed in (or no
    // answer) shows the sign-in form.
    let asked = LocalResource::new(move || async move {
        if let Ok(me) = api::me().await {
            signed_in.set(Some(me));
        }
    });
    let present = Memo::new(move |_| signed_in.with(Option::is_some));
    move || match (asked.get().is_some(), present.get()) {
        (false, _) => ().into_any(),
        (true, true) => view! { <Console /> }.into_any(),
        (true, false) => page_content(sign_in()).into_any(),
    }
}

lazy_views! {
    /// Where toasts appear (the toaster itself is in the main module: pages report through it).
    toasts => Toasts,
    user_menu => UserMenu,
    alert_banner => AlertBanner,
    /// The page for a URL the app does not know.
    not_found => NotFoundPage,
    /// The sign-in form (most visits are signed in, or need no login).
    sign_in => SignInPage,
}

/// The console for a signed-in user: header, pages and toasts.
#[component]
fn Console() -> impl IntoView {
    let clusters = LocalResource::new(api::list_clusters);
    provide_context(ClusterList(clusters));
    // Fetched again every few seconds whatever page is open, so a session that ended elsewhere
    // is noticed here even on a page that shows no failure.
    Effect::new(move |_| {
        if let Some(Err(error)) = clusters.get() {
            failure::notice(&error);
        }
    });
    if let Err(e) = set_interval_with_handle(move || clusters.refetch(), REFRESH_EVERY) {
        leptos::logging::warn!("live refresh is off: {e:?}");
    }
    view! {
        <Router>
            <Header />
            <main class="page">
                <Routes fallback=|| page_content(not_found())>
                    <Route path=path!("/") view=DashboardPage />
                    <Route path=path!("/clusters") view={Lazy::<OverviewRoute>::new()} />
                    <Route path=path!("/history") view={Lazy::<HistoryRoute>::new()} />
                    <Route path=path!("/alerts") view={Lazy::<AlertsRoute>::new()} />
                    <Route path=path!("/access") view={Lazy::<AccessRoute>::new()} />
                    <Route path=path!("/replication") view={Lazy::<ReplicationRoute>::new()} />
                    <Route path=path!("/clusters/:cluster") view=DashboardPage />
                    <Route path=path!("/clusters/:cluster/new") view={Lazy::<NewConnectorRoute>::new()} />
                    <Route path=path!("/clusters/:cluster/plugins") view={Lazy::<PluginsRoute>::new()} />
                    <Route path=path!("/clusters/:cluster/loggers") view={Lazy::<LoggersRoute>::new()} />
                    <Route path=path!("/clusters/:cluster/topics") view={Lazy::<TopicsRoute>::new()} />
                    <Route path=path!("/clusters/:cluster/groups") view={Lazy::<GroupsRoute>::new()} />
                    <Route path=path!("/clusters/:cluster/topics/:topic/records") view={Lazy::<RecordsRoute>::new()} />
                    <Route path=path!("/clusters/:cluster/connectors/:name") view={Lazy::<ConnectorRoute>::new()} />
                    <Route path=path!("/clusters/:cluster/connectors/:name/edit") view={Lazy::<EditConnectorRoute>::new()} />
                </Routes>
            </main>
            {later(toasts())}
        </Router>
    }
}

/// The cluster the current URL is about (`/clusters/{id}/...`), if any.
fn cluster_in_path() -> Memo<Option<String>> {
    let location = use_location();
    Memo::new(move |_| {
        location
            .pathname
            .get()
            .strip_prefix("/clusters/")
            .and_then(|rest| rest.split('/').next())
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
    })
}

#[component]
fn Header() -> impl IntoView {
    let current = cluster_in_path();
    let first = first_cluster();
    let cluster = Memo::new(move |_| current.get().or_else(|| first.get()));
    view! {
        <header class="app-header">
            <A href="/" attr:class="brand">
                "Plugboard"
            </A>
            <nav aria-label="Main">
                <A href="/" exact=true>"Connectors"</A>
                <A href="/clusters" exact=true>"Clusters"</A>
                <ClusterPageLink cluster page="plugins" label="Plugins" />
                <ClusterPageLink cluster page="topics" label="Topics" />
                <ClusterPageLink cluster page="groups" label="Groups" />
                <ClusterPageLink cluster page="loggers" label="Loggers" />
                <A href="/replication">"Replication"</A>
                <A href="/history">"History"</A>
                <A href="/alerts">"Alerts"</A>
                <A href="/access">"Access"</A>
            </nav>
            {later(alert_banner())}
            <ClusterSwitcher />
            {later(user_menu())}
        </header>
    }
}

/// A link to one page of the current cluster (or the first one), plain text until a cluster is
/// known, so nothing leads to a cluster that is not there.
#[component]
fn ClusterPageLink(
    cluster: Memo<Option<String>>,
    page: &'static str,
    label: &'static str,
) -> impl IntoView {
    move || match cluster.get() {
        Some(id) => view! { <A href=links::cluster_page(&id, page)>{label}</A> }.into_any(),
        None => view! { <span class="nav-pending" aria-disabled="true">{label}</span> }.into_any(),
    }
}

/// The count of open incidents, on every page, linking to the alerts page.
#[component]
fn AlertBanner() -> impl IntoView {
    let summary = crate::live::live(
        std::time::Duration::from_secs(5),
        || (),
        |()| crate::api::alert_summary(),
    );
    move || {
        summary.ok_map(|s| *s).filter(|s| s.open > 0).map(|s| view! {
            <A href="/alerts" attr:class="alert-banner" attr:data-testid="alert-banner">
                {format!("{} open incident{} · {} unacknowledged", s.open, if s.open == 1 { "" } else { "s" }, s.unacknowledged)}
            </A>
        })
    }
}

/// A select that jumps to one cluster's page, or back to all of them.
#[component]
fn ClusterSwitcher() -> impl IntoView {
    let ClusterList(clusters) = expect_context();
    let navigate = use_navigate();
    let in_path = cluster_in_path();
    let current = move || in_path.get().unwrap_or_default();
    let on_change = move |ev| {
        let id = event_target_value(&ev);
        let target = if id.is_empty() {
            "/".to_owned()
        } else {
            format!("/clusters/{id}")
        };
        navigate(&target, Default::default());
    };
    let options = move || {
        let list = clusters.get().and_then(Result::ok).unwrap_or_default();
        list.into_iter()
            .map(|cluster| {
                let id = cluster.id.clone();
                let selected = move || current() == id;
                view! {
                    <option value=cluster.id selected=selected>
                        {cluster.name}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <label class="cluster-switcher">
            <span class="visually-hidden">"Cluster"</span>
            <select on:change=on_change data-testid="cluster-switcher">
                <option value="" selected=move || current().is_empty()>
                    "All clusters"
                </option>
                {options}
            </select>
        </label>
    }
}
