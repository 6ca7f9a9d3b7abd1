//! Connectors as code: specs exported from a cluster, a plan comparing specs with the live
//! clusters, applying it through the history, and drift of a managed cluster from the specs
//! last applied to it.
//!
//! - [`references`]: `${env:...}` and `${file:...}` in specs, resolved where they are read.
//! - [`compare`]: the normalised comparison of a spec with a live config.
//! - [`export`]: a live connector as a spec, secrets replaced by references.
//! - [`plan`] and [`apply`]: what would change, and changing it.
//! - [`drift`]: a managed cluster against its last apply.
//! - [`store`]: the applied specs in SQLite.

pub(crate) mod apply;
pub(crate) mod compare;
pub(crate) mod drift;
pub(crate) mod export;
pub(crate) mod plan;
pub(crate) mod references;
pub(crate) mod store;
