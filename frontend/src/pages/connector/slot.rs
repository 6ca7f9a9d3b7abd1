//! A Debezium PostgreSQL source's replication slot, as its database shows it: WAL retained and
//! unconsumed, active or not, the stored offset beside the slot's positions and what a resume
//! or restart will do, publication drift, and the database's slots no connector claims (with
//! the SQL an administrator would run to drop them), and its WAL over time ([`SlotChart`]).

use std::time::Duration;

use api_types::{
    DatabaseAccess, GuardVerdict, OrphanedSlot, PublicationCheck, ResumeGuard, SlotHealth,
};
use leptos::prelude::*;

use super::slot_chart::{SlotChart, bytes_text};
use crate::api;
use crate::failure::Failure;
use crate::live::live;

/// The slot's WAL moves with every write; its database is asked at most this often per page
/// (and Plugboard shares one reading between pages for a few seconds).
const REFRESH_EVERY: Duration = Duration::from_secs(10);

#[component]
pub(crate) fn SlotPanel(cluster: String, name: String) -> impl IntoView {
    let answer = live(
        REFRESH_EVERY,
        || (),
        move |()| api::debezium_slot(cluster.clone(), name.clone()),
    );
    view! {
        <section class="card" data-testid="slot-card">
            <h2>"Replication slot"</h2>
            {move || answer.error().map(|error| view! { <Failure error quiet=true /> })}
            {move || answer.ok_map(Clone::clone).map(|health| view! { <SlotFacts health /> })}
        </section>
    }
}

#[component]
fn SlotFacts(health: SlotHealth) -> impl IntoView {
    let access = health.access.map(|access| match access {
        DatabaseAccess::Monitoring { user } => view! {
            <p class="muted small" data-testid="slot-access">{format!("Read as the monitoring role {user} of source database {}.", health.database.clone().unwrap_or_default())}</p>
        }.into_any(),
        DatabaseAccess::ConnectorCredentials { user } => view! {
            <p class="warning small" data-testid="slot-access" data-access="connector">{format!("Read with the connector's own credentials ({user}), as an admin allowed: a monitoring role with pg_monitor only is safer.")}</p>
        }.into_any(),
    });
    let readable = health.problem.is_none();
    let problem = health
        .problem
        .map(|problem| view! { <p class="warning" data-testid="slot-problem">{problem}</p> });
    let fact = |label: &'static str, testid: &'static str, value: Option<String>| {
        value.map(|value| view! { <div><dt>{label}</dt><dd><code data-testid=testid>{value}</code></dd></div> })
    };
    let slot = health.slot.clone();
    let missing = (readable && slot.is_none()).then(|| {
        view! { <p class="warning" data-testid="slot-missing">{format!("The database has no slot {}.", health.slot_name)}</p> }
    });
    let offset = health.offset.clone();
    view! {
        {access}
        {problem}
        {missing}
        <dl class="facts">
            {fact("Slot", "slot-name", Some(health.slot_name.clone()))}
            {slot.as_ref().map(|s| view! {
                <div><dt>"State"</dt><dd data-testid="slot-active" data-active=s.active.to_string()>{if s.active { "active" } else { "inactive: nothing reads it" }}</dd></div>
            })}
            {fact("WAL status", "slot-wal-status", slot.as_ref().and_then(|s| s.wal_status.clone()))}
            {fact("Retained WAL", "slot-retained", slot.as_ref().and_then(|s| s.retained_bytes).map(bytes_text))}
            {fact("Unconsumed WAL", "slot-unconsumed", slot.as_ref().and_then(|s| s.unconsumed_bytes).map(bytes_text))}
            {fact("restart_lsn", "slot-restart-lsn", slot.as_ref().and_then(|s| s.restart_lsn.clone()))}
            {fact("confirmed_flush_lsn", "slot-confirmed-lsn", slot.as_ref().and_then(|s| s.confirmed_flush_lsn.clone()))}
            {fact("Current WAL", "slot-current-lsn", health.current_lsn.clone())}
            {fact("Offset lsn_commit", "offset-lsn-commit", offset.as_ref().and_then(|o| o.lsn_commit.clone()))}
            {fact("Offset lsn_proc", "offset-lsn-proc", offset.as_ref().and_then(|o| o.lsn_proc.clone()))}
            {fact("Offset lsn", "offset-lsn", offset.as_ref().and_then(|o| o.lsn.clone()))}
        </dl>
        <SlotChart samples=health.samples />
        {health.guard.map(|guard| view! { <GuardNote guard /> })}
        {health.publication.map(|check| view! { <Publication check /> })}
        {health.orphans_unknown.map(|why| view! { <p class="muted small">{format!("Unclaimed slots cannot be told: {why}.")}</p> })}
        {(!health.orphaned_slots.is_empty()).then(|| view! { <Orphans slots=health.orphaned_slots /> })}
    }
}

/// What a resume or restart will do, worded by its danger.
#[component]
pub(crate) fn GuardNote(guard: ResumeGuard) -> impl IntoView {
    let (class, verdict) = match guard.verdict {
        GuardVerdict::SkipsEvents => ("warning", "skips_events"),
        GuardVerdict::Safe => ("muted", "safe"),
        GuardVerdict::NoOffset => ("muted", "no_offset"),
    };
    view! { <p class=class data-testid="slot-guard" data-verdict=verdict>{guard.message}</p> }
}

#[component]
fn Publication(check: PublicationCheck) -> impl IntoView {
    let name = check.name.clone();
    let summary = if !check.exists {
        format!(
            "The publication {name} does not exist: Debezium makes it on start only when publication.autocreate.mode allows."
        )
    } else if check.all_tables {
        format!("The publication {name} is FOR ALL TABLES.")
    } else {
        format!(
            "The publication {name} names {} tables.",
            check.tables.len()
        )
    };
    view! {
        <p class="small" data-testid="publication-summary">{summary}</p>
        {(check.exists && !check.captured_not_published.is_empty()).then(|| view! {
            <p class="warning" data-testid="publication-missing">{format!("Captured but not published, so their changes never reach the connector: {}.", check.captured_not_published.join(", "))}</p>
        })}
        {(!check.published_not_captured.is_empty()).then(|| view! {
            <p class="muted small" data-testid="publication-extra">{format!("Published but not captured (sent to the connector and dropped): {}.", check.published_not_captured.join(", "))}</p>
        })}
    }
}

#[component]
fn Orphans(slots: Vec<OrphanedSlot>) -> impl IntoView {
    view! {
        <details data-testid="orphaned-slots" open=true>
            <summary>{match slots.len() { 1 => "1 slot no connector claims".to_owned(), n => format!("{n} slots no connector claims") }}</summary>
            <p class="muted small">"Each keeps WAL until it is dropped. Plugboard never drops a slot; an administrator can, once sure nothing reads it."</p>
            <table class="compact">
                <thead><tr><th>"Slot"</th><th>"Active"</th><th>"Retained"</th><th>"To drop it"</th></tr></thead>
                <tbody>
                    {slots.into_iter().map(|orphan| { let key = orphan.slot.name.clone(); view! {
                        <tr data-testid="orphaned-slot" data-slot=key>
                            <td><code>{orphan.slot.name}</code></td>
                            <td>{if orphan.slot.active { "yes" } else { "no" }}</td>
                            <td>{orphan.slot.retained_bytes.map(bytes_text).unwrap_or_default()}</td>
                            <td><code class="small">{orphan.drop_sql}</code></td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </details>
    }
}
