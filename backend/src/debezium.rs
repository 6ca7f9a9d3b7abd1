//! Debezium source connectors: what their config says about the database they read and the
//! topics they talk through ([`card`]), with the lints an operator of Debezium needs, and the
//! progress of their snapshots from their notifications ([`snapshots`]), and the signals that
//! start, stop, pause and resume incremental snapshots ([`signals`]); for PostgreSQL, its
//! replication slot and publication as the database shows them ([`postgres`]) and what they
//! mean for the connector ([`slot_health`]), watched on a loop for charts and alerts
//! ([`slot_watch`]).

pub(crate) mod card;
pub(crate) mod postgres;
pub(crate) mod signals;
pub(crate) mod slot_health;
pub(crate) mod slot_watch;
pub(crate) mod snapshots;
