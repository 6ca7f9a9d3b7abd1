//! Debezium source connectors: what their config says about the database they read and the
//! topics they talk through ([`card`]), with the lints an operator of Debezium needs.

pub(crate) mod card;
