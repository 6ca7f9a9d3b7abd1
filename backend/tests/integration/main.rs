//! Plugboard's integration tests, in one binary (one link for all) with a module per area.
//! They run against the real local stack that scripts/test.sh starts: Apache Kafka 4 brokers,
//! single-worker Connect 4 clusters for most tests, one two-worker cluster for what needs two
//! workers and a Connect 3.9 cluster (see [`support`]). Tests run in parallel; each uses
//! connector names and topics of its own.

#[macro_use]
mod support;

mod access;
mod alerts;
mod assets;
mod budget;
mod connect_tls;
mod connect_versions;
mod database_pipeline;
mod debezium_alerts;
mod dlq;
mod faults;
mod gateway;
mod history;
mod kafka;
mod kafka_security;
mod limits;
mod live;
mod mirror;
mod mirror_form;
mod passthrough;
mod read_paths;
mod replicas;
mod security;
mod slot_health;
mod specs;
mod stack;
mod startup;
