//! The replication slot of a Debezium PostgreSQL source as its database shows it: how much WAL
//! it holds back, whether it is read, where the connector's stored offset stands against it
//! (and so what a resume or restart will do), whether the publication still names the tables
//! the connector captures, and the database's slots no connector claims.

use serde::{Deserialize, Serialize};

/// A Debezium PostgreSQL source's slot, publication and offsets, read from its database with a
/// monitoring role (or, where an admin allowed it, the connector's own credentials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotHealth {
    /// The configured source database the connector reads (its id); none when none matches.
    pub database: Option<String>,
    /// Whose credentials the readings were made with.
    pub access: Option<DatabaseAccess>,
    /// Why the database could not be read, as a sentence to act on.
    pub problem: Option<String>,
    /// The slot the connector reads (its config's `slot.name`, Debezium's default `debezium`).
    pub slot_name: String,
    /// The slot as the database has it; none when it does not exist (or was not read).
    pub slot: Option<SlotStatus>,
    /// The database's current WAL position.
    pub current_lsn: Option<String>,
    /// The connector's stored source offset, as LSNs; none when it has none.
    pub offset: Option<OffsetPosition>,
    /// What resuming or restarting the connector will do to its events.
    pub guard: Option<ResumeGuard>,
    /// The connector's publication against the tables it captures.
    pub publication: Option<PublicationCheck>,
    /// Logical slots of the database that no connector Plugboard sees claims.
    pub orphaned_slots: Vec<OrphanedSlot>,
    /// Why orphaned slots could not be told (a cluster did not answer), when so.
    pub orphans_unknown: Option<String>,
    /// Retained and unconsumed WAL of the slot over time, oldest first.
    pub samples: Vec<SlotSample>,
}

/// Whose credentials Plugboard reads a source database with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DatabaseAccess {
    /// A monitoring role configured for the database.
    Monitoring { user: String },
    /// The connector's own `database.user`, because an admin turned that on.
    ConnectorCredentials { user: String },
}

/// One logical replication slot, from `pg_replication_slots`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotStatus {
    pub name: String,
    /// Its logical decoding plugin.
    pub plugin: String,
    /// Whether a connection is reading it now.
    pub active: bool,
    /// `reserved`, `extended`, `unreserved` or `lost`.
    pub wal_status: Option<String>,
    pub restart_lsn: Option<String>,
    pub confirmed_flush_lsn: Option<String>,
    /// WAL the slot keeps on disk: the current position minus `restart_lsn`, bytes.
    pub retained_bytes: Option<i64>,
    /// WAL written since the reader last confirmed: the current position minus
    /// `confirmed_flush_lsn`, bytes.
    pub unconsumed_bytes: Option<i64>,
}

/// A Debezium PostgreSQL source's stored offset (from Connect's offsets API), as LSNs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OffsetPosition {
    /// `lsn`: the last event sent.
    pub lsn: Option<String>,
    /// `lsn_proc`: the last event completely processed.
    pub lsn_proc: Option<String>,
    /// `lsn_commit`: the commit of the last transaction completely processed.
    pub lsn_commit: Option<String>,
    /// `txId`: its transaction.
    pub tx_id: Option<i64>,
    /// `ts_usec`: the commit time of that change, µs since the epoch.
    pub ts_usec: Option<i64>,
    /// Whether the offset is still that of an initial snapshot.
    pub snapshot: bool,
}

/// What a resume or restart of the connector will do, from its offset and its slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResumeGuard {
    pub verdict: GuardVerdict,
    /// What will happen, in a sentence.
    pub message: String,
    /// The WAL between the offset and the slot, bytes, when there is a gap.
    pub gap_bytes: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuardVerdict {
    /// The slot resumes where the offset stands (or before it: what was sent is passed over).
    Safe,
    /// No stored offset: the connector starts as its snapshot mode says.
    NoOffset,
    /// The slot is past the offset, or missing: changes in between will never be sent.
    SkipsEvents,
}

/// The connector's publication against its `table.include.list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicationCheck {
    pub name: String,
    pub exists: bool,
    /// `FOR ALL TABLES`: every table is published.
    pub all_tables: bool,
    /// The tables it publishes, `schema.table`.
    pub tables: Vec<String>,
    /// Entries of `table.include.list` that match no published table: their changes never
    /// reach the connector.
    pub captured_not_published: Vec<String>,
    /// Published tables no entry of `table.include.list` matches: sent to the connector and
    /// dropped there.
    pub published_not_captured: Vec<String>,
}

/// A logical slot of the database that no connector claims, with what would drop it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrphanedSlot {
    pub slot: SlotStatus,
    /// The statement an administrator would run to drop it (Plugboard never does).
    pub drop_sql: String,
}

/// One reading of a slot, kept to show its WAL over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotSample {
    pub at_ms: i64,
    pub retained_bytes: Option<i64>,
    pub unconsumed_bytes: Option<i64>,
    pub active: bool,
}
