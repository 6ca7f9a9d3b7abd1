//! Every page but the dashboard as a lazily loaded route: the build splits each one's code into
//! a module of its own, fetched on the first visit to it, so the first download holds only the
//! shell and the dashboard.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use super::{
    AccessPage, AlertsPage, ConnectorPage, EditConnectorPage, GroupsPage, HistoryPage, LoggersPage,
    NewConnectorPage, OverviewPage, PluginsPage, RecordsPage, ReplicationPage, TopicsPage,
};

/// A route type per page: `Lazy::<HistoryRoute>::new()` renders `HistoryPage` once its module
/// is loaded. A page asks for its own data when it renders, so `data` has nothing to start; once
/// it is on screen, the shell's parts that come later may load.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[doc = concat!("The route of [`", stringify!($page), "`], loaded on first use.")]
        pub(crate) struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                crate::deferred::content_shown();
                $page().into_any()
            }
        }
    )*};
}

lazy_pages! {
    OverviewRoute => OverviewPage,
    HistoryRoute => HistoryPage,
    AlertsRoute => AlertsPage,
    AccessRoute => AccessPage,
    ReplicationRoute => ReplicationPage,
    NewConnectorRoute => NewConnectorPage,
    EditConnectorRoute => EditConnectorPage,
    PluginsRoute => PluginsPage,
    LoggersRoute => LoggersPage,
    TopicsRoute => TopicsPage,
    GroupsRoute => GroupsPage,
    RecordsRoute => RecordsPage,
    ConnectorRoute => ConnectorPage,
}
