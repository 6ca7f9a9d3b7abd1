//! One component per URL of the app.

mod not_found;
mod overview;

pub use not_found::NotFoundPage;
pub use overview::OverviewPage;
