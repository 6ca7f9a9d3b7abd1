//! One component per URL of the app.

mod access;
mod alerts;
mod connector;
mod connector_form;
mod dashboard;
mod groups;
mod history;
mod loggers;
mod not_found;
mod overview;
mod plugins;
mod records;
mod sign_in;
mod topics;

pub use access::AccessPage;
pub use alerts::{AlertsPage, NewRuleForm};
pub use connector::ConnectorPage;
pub use connector_form::{EditConnectorPage, NewConnectorPage};
pub use dashboard::{DashboardPage, first_cluster, short_class};
pub use groups::GroupsPage;
pub use history::HistoryPage;
pub use loggers::LoggersPage;
pub use not_found::NotFoundPage;
pub use overview::OverviewPage;
pub use plugins::PluginsPage;
pub use records::RecordsPage;
pub use sign_in::SignInPage;
pub use topics::TopicsPage;
