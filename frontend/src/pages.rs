//! One component per URL of the app.

mod access;
mod alerts;
mod connector;
mod connector_form;
mod dashboard;
mod groups;
mod history;
mod lazy;
mod loggers;
mod not_found;
mod overview;
mod plugins;
mod records;
mod replication;
mod sign_in;
mod topics;

pub(crate) use access::AccessPage;
pub(crate) use alerts::AlertsPage;
pub(crate) use connector::ConnectorPage;
pub(crate) use connector_form::{EditConnectorPage, NewConnectorPage};
pub(crate) use dashboard::{DashboardPage, first_cluster};
pub(crate) use groups::GroupsPage;
pub(crate) use history::HistoryPage;
pub(crate) use lazy::*;
pub(crate) use loggers::LoggersPage;
pub(crate) use not_found::NotFoundPage;
pub(crate) use overview::OverviewPage;
pub(crate) use plugins::PluginsPage;
pub(crate) use records::RecordsPage;
pub(crate) use replication::ReplicationPage;
pub(crate) use sign_in::SignInPage;
pub(crate) use topics::TopicsPage;
