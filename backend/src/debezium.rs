//! Debezium source connectors: what their config says about the database they read and the
//! topics they talk through ([`card`]), with the lints an operator of Debezium needs, and the
//! progress of their snapshots from their notifications ([`snapshots`]), and the signals that
//! start, stop, pause and resume incremental snapshots ([`signals`]).

pub(crate) mod card;
pub(crate) mod signals;
pub(crate) mod snapshots;
