//! What a Debezium PostgreSQL source's database readings mean: its stored offset as LSNs, what
//! a resume or restart will do given its slot (the guard), its publication against the tables
//! it captures, and the slots no connector claims.
//!
//! PostgreSQL streams a logical slot from its `confirmed_flush_lsn` at the earliest, whatever
//! position the reader asks for. So when the slot has confirmed past every position the
//! connector stored, the changes in between are never sent again: resuming skips them. When
//! the slot is missing, Debezium makes a new one at the current position, skipping everything
//! since the offset. A slot behind the offset only sends again what the connector passes over.

use std::collections::{BTreeMap, BTreeSet};

use api_types::{
    DatabaseAccess, GuardVerdict, OffsetPosition, OrphanedSlot, PublicationCheck, ResumeGuard,
    SlotHealth, SlotStatus,
};
use plugboard_connect::model::split_list;
use regex::RegexBuilder;
use serde_json::Value;

use super::postgres::DatabaseReading;

/// A Debezium PostgreSQL source as far as it is known: its slot's name, the database it reads
/// (configured id and access), its config and its stored offset.
pub(crate) struct SlotSubject<'a> {
    pub slot_name: &'a str,
    pub publication: &'a str,
    pub database: Option<(String, DatabaseAccess)>,
    pub config: &'a BTreeMap<String, String>,
    pub offset: Option<OffsetPosition>,
}

impl SlotSubject<'_> {
    /// What the database's reading (or why there is none) means for this connector;
    /// `claimed` is every slot a connector claims in the database, or why that is not known.
    pub(crate) fn health(
        self,
        reading: Result<&DatabaseReading, String>,
        claimed: Result<BTreeSet<String>, String>,
    ) -> SlotHealth {
        let (database, access) = self.database.unzip();
        let mut health = SlotHealth {
            database,
            access,
            problem: None,
            slot_name: self.slot_name.to_owned(),
            slot: None,
            current_lsn: None,
            offset: self.offset,
            guard: None,
            publication: None,
            orphaned_slots: Vec::new(),
            orphans_unknown: None,
            samples: Vec::new(),
        };
        let reading = match reading {
            Ok(reading) => reading,
            Err(problem) => {
                health.problem = Some(problem);
                return health;
            }
        };
        let slot = reading.slots.iter().find(|s| s.name == self.slot_name);
        health.guard = Some(guard(
            self.slot_name,
            slot,
            health.offset.as_ref(),
            reading.current_lsn.as_deref(),
        ));
        health.slot = slot.cloned();
        health.current_lsn = reading.current_lsn.clone();
        health.publication = Some(publication_check(
            self.publication,
            reading.publication.as_ref(),
            self.config,
        ));
        match claimed {
            Ok(claimed) => health.orphaned_slots = orphans(&reading.slots, &claimed),
            Err(why) => health.orphans_unknown = Some(why),
        }
        health
    }
}

/// `X/Y` text of a WAL position, as PostgreSQL writes it.
pub(crate) fn lsn_text(lsn: u64) -> String {
    format!("{:X}/{:X}", lsn >> 32, lsn & 0xFFFF_FFFF)
}

/// A WAL position from PostgreSQL's `X/Y` text.
pub(crate) fn parse_lsn(text: &str) -> Option<u64> {
    let (high, low) = text.trim().split_once('/')?;
    Some((u64::from_str_radix(high, 16).ok()? << 32) | u64::from_str_radix(low, 16).ok()?)
}

/// The source offset of a Debezium PostgreSQL connector from Connect's offsets answer
/// (`{"offsets": [{"partition": {...}, "offset": {...}}]}`), when it stores one.
pub(crate) fn offset_position(answer: &Value) -> Option<OffsetPosition> {
    let offset = answer
        .get("offsets")?
        .as_array()?
        .iter()
        .filter_map(|entry| entry.get("offset")?.as_object())
        .find(|offset| offset.contains_key("lsn") || offset.contains_key("lsn_proc"))?;
    let lsn = |key: &str| offset.get(key)?.as_u64().map(lsn_text);
    let snapshot = match offset.get("snapshot") {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(kind)) => !kind.eq_ignore_ascii_case("false"),
        _ => false,
    };
    Some(OffsetPosition {
        lsn: lsn("lsn"),
        lsn_proc: lsn("lsn_proc"),
        lsn_commit: lsn("lsn_commit"),
        tx_id: offset.get("txId").and_then(Value::as_i64),
        ts_usec: offset.get("ts_usec").and_then(Value::as_i64),
        snapshot,
    })
}

/// The furthest position the connector stored: what it will not need sent again.
fn stored_position(offset: &OffsetPosition) -> Option<u64> {
    [&offset.lsn, &offset.lsn_proc, &offset.lsn_commit]
        .into_iter()
        .filter_map(|lsn| parse_lsn(lsn.as_deref()?))
        .max()
}

/// What resuming or restarting the connector will do, from its slot (none: missing), its
/// stored offset and the database's current position.
pub(crate) fn guard(
    slot_name: &str,
    slot: Option<&SlotStatus>,
    offset: Option<&OffsetPosition>,
    current_lsn: Option<&str>,
) -> ResumeGuard {
    let Some(stored) = offset.and_then(stored_position) else {
        return ResumeGuard {
            verdict: GuardVerdict::NoOffset,
            message: "The connector has no stored offset: it starts as its snapshot.mode says \
                      and then streams from its slot."
                .to_owned(),
            gap_bytes: None,
        };
    };
    let current = current_lsn.and_then(parse_lsn);
    let Some(slot) = slot else {
        let gap = current.map(|current| current.saturating_sub(stored));
        let size = gap.map_or_else(String::new, |gap| format!(" ({})", bytes(gap)));
        return ResumeGuard {
            verdict: GuardVerdict::SkipsEvents,
            message: format!(
                "The slot {slot_name} does not exist. On start Debezium creates it at the \
                 database's current position{now}, so every change since the stored offset \
                 ({stored}){size} is skipped, unless a new snapshot is taken.",
                now = current_lsn.map_or_else(String::new, |lsn| format!(" ({lsn})")),
                stored = lsn_text(stored),
            ),
            gap_bytes: gap.map(as_i64),
        };
    };
    let Some(confirmed) = slot.confirmed_flush_lsn.as_deref().and_then(parse_lsn) else {
        return ResumeGuard {
            verdict: GuardVerdict::Safe,
            message: format!("The slot {slot_name} has confirmed nothing yet."),
            gap_bytes: None,
        };
    };
    if confirmed > stored {
        let gap = confirmed - stored;
        ResumeGuard {
            verdict: GuardVerdict::SkipsEvents,
            message: format!(
                "The slot {slot_name} has confirmed up to {}, past the connector's stored \
                 offset {}: the {} of changes in between will never be sent again, so a \
                 resume or restart skips them.",
                lsn_text(confirmed),
                lsn_text(stored),
                bytes(gap)
            ),
            gap_bytes: Some(as_i64(gap)),
        }
    } else {
        let behind = stored - confirmed;
        let message = if behind == 0 {
            format!("The slot {slot_name} resumes exactly at the connector's stored offset.")
        } else {
            format!(
                "The slot {slot_name} resumes at {}, {} before the stored offset {}: Debezium \
                 reads that again and passes over what it already sent.",
                lsn_text(confirmed),
                bytes(behind),
                lsn_text(stored)
            )
        };
        ResumeGuard {
            verdict: GuardVerdict::Safe,
            message,
            gap_bytes: None,
        }
    }
}

fn as_i64(bytes: u64) -> i64 {
    i64::try_from(bytes).unwrap_or(i64::MAX)
}

/// A size in the unit an operator reads it in.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The publication `name` (`None`: it does not exist; else `FOR ALL TABLES` and its tables)
/// against the connector's config: entries of `table.include.list` no published table matches,
/// and published tables no entry matches. Debezium matches each entry as a whole,
/// case-insensitive regular expression against `schema.table`. The signal table counts as
/// captured: its changes carry the watermarks of incremental snapshots, so it must be
/// published too.
pub(crate) fn publication_check(
    name: &str,
    publication: Option<&(bool, Vec<String>)>,
    config: &BTreeMap<String, String>,
) -> PublicationCheck {
    let mut include = split_list(config.get("table.include.list").map_or("", String::as_str));
    let signal_table = config
        .get("signal.data.collection")
        .map(|t| t.trim())
        .filter(|t| !t.is_empty());
    if let Some(table) = signal_table
        && !include.is_empty()
    {
        include.push(regex::escape(table));
    }
    let Some((all_tables, tables)) = publication else {
        return PublicationCheck {
            name: name.to_owned(),
            exists: false,
            all_tables: false,
            tables: Vec::new(),
            captured_not_published: include,
            published_not_captured: Vec::new(),
        };
    };
    let patterns: Vec<_> = include
        .iter()
        .map(|entry| {
            RegexBuilder::new(&format!("^(?:{entry})$"))
                .case_insensitive(true)
                .build()
                .ok()
        })
        .collect();
    let matches = |pattern: &Option<regex::Regex>, entry: &str, table: &str| match pattern {
        Some(pattern) => pattern.is_match(table),
        None => entry.eq_ignore_ascii_case(table),
    };
    let (captured_not_published, published_not_captured) = if *all_tables || include.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let unpublished = include
            .iter()
            .zip(&patterns)
            .filter(|(entry, pattern)| !tables.iter().any(|t| matches(pattern, entry, t)))
            .map(|(entry, _)| entry.clone())
            .collect();
        let uncaptured = tables
            .iter()
            .filter(|t| {
                !include
                    .iter()
                    .zip(&patterns)
                    .any(|(entry, pattern)| matches(pattern, entry, t))
            })
            .cloned()
            .collect();
        (unpublished, uncaptured)
    };
    PublicationCheck {
        name: name.to_owned(),
        exists: true,
        all_tables: *all_tables,
        tables: tables.clone(),
        captured_not_published,
        published_not_captured,
    }
}

/// The slots no connector claims, each with the statement that would drop it.
pub(crate) fn orphans(slots: &[SlotStatus], claimed: &BTreeSet<String>) -> Vec<OrphanedSlot> {
    slots
        .iter()
        .filter(|slot| !claimed.contains(&slot.name))
        .map(|slot| OrphanedSlot {
            drop_sql: format!(
                "SELECT pg_drop_replication_slot('{}');",
                slot.name.replace('\'', "''")
            ),
            slot: slot.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
