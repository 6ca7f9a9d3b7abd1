//! Wire types shared by the backend and the browser app.
//!
//! Everything here is plain serde data so that it compiles both natively and for
//! `wasm32-unknown-unknown`. The backend serialises these; the frontend deserialises them.

mod clusters;
mod errors;

pub use clusters::{ClusterOverview, WorkerInfo, WorkerProbe};
pub use errors::{ErrorBody, ErrorDetail};
