use super::*;
use crate::alerts::evaluate::tests::{DebeziumMaps, connector, judge_debezium, rule};
use crate::alerts::round::SourceSlot;

fn slot(name: &str, active: bool, retained_mib: i64) -> SlotStatus {
    SlotStatus {
        name: name.to_owned(),
        plugin: "pgoutput".to_owned(),
        active,
        wal_status: Some("reserved".to_owned()),
        restart_lsn: Some("0/1".to_owned()),
        confirmed_flush_lsn: Some("0/1".to_owned()),
        retained_bytes: Some(retained_mib * 1024 * 1024),
        unconsumed_bytes: Some(0),
    }
}

/// Judges `kind` (threshold 5) on `connectors`, each reading slot `{name}_slot` of `slots`;
/// a connector named `unread` has a database not read yet, and one named `plain` is no
/// Debezium source. Answers the holding subjects with their details, and the unsure ones.
fn judged(
    kind: RuleKind,
    connectors: &[ConnectorSummary],
    slots: &[SlotStatus],
) -> (Vec<(String, String)>, Vec<String>) {
    let slots = connectors
        .iter()
        .filter(|c| c.name != "plain")
        .map(|c| {
            let reading = (c.name != "unread").then(|| Ok(slots.to_vec()));
            let source = SourceSlot {
                slot_name: format!("{}_slot", c.name),
                reading,
            };
            (c.name.clone(), source)
        })
        .collect();
    let debezium = DebeziumMaps {
        slots,
        ..DebeziumMaps::default()
    };
    let verdicts = judge_debezium(judge, &rule(kind, None), connectors, &debezium, 0);
    let holding = verdicts
        .holding
        .into_iter()
        .map(|f| (f.subject, f.detail))
        .collect();
    (holding, verdicts.unsure)
}

#[test]
fn retained_wal_above_the_threshold_in_mib_holds() {
    let connectors = [
        connector("big", "RUNNING", 1, 0),
        connector("small", "RUNNING", 1, 0),
    ];
    let slots = [slot("big_slot", true, 12), slot("small_slot", true, 3)];
    let (holding, _) = judged(RuleKind::SlotWalAbove, &connectors, &slots);
    assert_eq!(
        holding,
        [(
            "big".to_owned(),
            "slot big_slot retains 12.0 MiB of WAL, above 5 MiB".to_owned()
        )]
    );
}

#[test]
fn a_running_source_whose_slot_nobody_reads_or_is_missing_holds() {
    let connectors = [
        connector("idle", "RUNNING", 1, 0),
        connector("gone", "RUNNING", 1, 0),
        connector("fine", "RUNNING", 1, 0),
        connector("paused", "PAUSED", 0, 0),
    ];
    let slots = [
        slot("idle_slot", false, 1),
        slot("fine_slot", true, 1),
        slot("paused_slot", false, 1),
    ];
    let (holding, _) = judged(RuleKind::SlotInactive, &connectors, &slots);
    let subjects: Vec<&str> = holding.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(subjects, ["idle", "gone"]);
    assert!(
        holding[1].1.contains("has no slot gone_slot"),
        "{holding:?}"
    );
}

#[test]
fn a_paused_or_stopped_source_whose_slot_exists_holds() {
    let connectors = [
        connector("paused", "PAUSED", 0, 0),
        connector("stopped", "STOPPED", 0, 0),
        connector("running", "RUNNING", 1, 0),
        connector("dropped", "STOPPED", 0, 0),
    ];
    let slots = [
        slot("paused_slot", false, 7),
        slot("stopped_slot", false, 0),
        slot("running_slot", true, 7),
    ];
    let (holding, _) = judged(RuleKind::SlotHeldWhileStopped, &connectors, &slots);
    let subjects: Vec<&str> = holding.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(subjects, ["paused", "stopped"]);
    assert!(holding[0].1.contains("PAUSED"), "{holding:?}");
    assert!(holding[0].1.contains("7.0 MiB"), "{holding:?}");
}

#[test]
fn a_database_not_read_yet_leaves_its_sources_unsure_and_other_connectors_are_not_judged() {
    let connectors = [
        connector("unread", "RUNNING", 1, 0),
        connector("plain", "RUNNING", 1, 0),
    ];
    let (holding, unsure) = judged(RuleKind::SlotInactive, &connectors, &[]);
    assert_eq!(unsure, ["unread"]);
    assert!(holding.is_empty(), "{holding:?}");
}
