use super::*;
use serde_json::json;

fn slot(name: &str, confirmed: Option<&str>) -> SlotStatus {
    SlotStatus {
        name: name.to_owned(),
        plugin: "pgoutput".to_owned(),
        active: false,
        wal_status: Some("reserved".to_owned()),
        restart_lsn: confirmed.map(str::to_owned),
        confirmed_flush_lsn: confirmed.map(str::to_owned),
        retained_bytes: Some(0),
        unconsumed_bytes: Some(0),
    }
}

fn offset_at(lsn: u64) -> OffsetPosition {
    offset_position(&json!({"offsets": [{
        "partition": {"server": "shop"},
        "offset": {"lsn": lsn, "lsn_proc": lsn, "lsn_commit": lsn - 40, "txId": 771,
                   "ts_usec": 1_765_000_000_000_000_i64}
    }]}))
    .unwrap()
}

#[test]
fn lsns_read_and_print_as_postgresql_writes_them() {
    assert_eq!(parse_lsn("0/1A2B3C4"), Some(0x1A2B3C4));
    assert_eq!(parse_lsn("16/B374D848"), Some((0x16 << 32) | 0xB374D848));
    assert_eq!(lsn_text((0x16 << 32) | 0xB374D848), "16/B374D848");
    assert_eq!(parse_lsn("nonsense"), None);
    assert_eq!(parse_lsn("0/XYZ"), None);
}

#[test]
fn the_offset_is_read_from_connects_answer_with_its_snapshot_flag() {
    let offset = offset_at(0x3000_0000);
    assert_eq!(offset.lsn.as_deref(), Some("0/30000000"));
    assert_eq!(offset.lsn_commit.as_deref(), Some("0/2FFFFFD8"));
    assert_eq!(offset.tx_id, Some(771));
    assert!(!offset.snapshot);
    let snapshotting = offset_position(&json!({"offsets": [{"partition": {}, "offset":
        {"lsn": 5, "snapshot": "INITIAL", "last_snapshot_record": false}}]}))
    .unwrap();
    assert!(snapshotting.snapshot);
    assert_eq!(offset_position(&json!({"offsets": []})), None);
    assert_eq!(
        offset_position(&json!({"offsets": [{"partition": {}, "offset": {"position": 3}}]})),
        None
    );
}

#[test]
fn a_slot_confirmed_past_the_offset_skips_the_changes_in_between() {
    let offset = offset_at(0x3000_0000);
    let ahead = slot("shop", Some("0/30100000"));
    let guard = guard("shop", Some(&ahead), Some(&offset), Some("0/30200000"));
    assert_eq!(guard.verdict, GuardVerdict::SkipsEvents);
    assert_eq!(guard.gap_bytes, Some(0x10_0000));
    assert!(guard.message.contains("1.0 MiB"), "{}", guard.message);
    assert!(guard.message.contains("0/30100000"), "{}", guard.message);
}

#[test]
fn a_slot_at_or_behind_the_offset_is_safe() {
    let offset = offset_at(0x3000_0000);
    let behind = slot("shop", Some("0/2FFFFFD8"));
    let guard_behind = guard("shop", Some(&behind), Some(&offset), None);
    assert_eq!(guard_behind.verdict, GuardVerdict::Safe);
    assert!(
        guard_behind.message.contains("40 bytes"),
        "{}",
        guard_behind.message
    );
    let at = slot("shop", Some("0/30000000"));
    let guard_at = guard("shop", Some(&at), Some(&offset), None);
    assert_eq!(guard_at.verdict, GuardVerdict::Safe);
    assert_eq!(guard_at.gap_bytes, None);
}

#[test]
fn a_missing_slot_skips_everything_since_the_offset_and_no_offset_is_said() {
    let offset = offset_at(0x3000_0000);
    let missing = guard("shop", None, Some(&offset), Some("0/31000000"));
    assert_eq!(missing.verdict, GuardVerdict::SkipsEvents);
    assert_eq!(missing.gap_bytes, Some(0x100_0000));
    assert!(
        missing.message.contains("does not exist"),
        "{}",
        missing.message
    );
    let fresh = guard("shop", Some(&slot("shop", Some("0/1"))), None, None);
    assert_eq!(fresh.verdict, GuardVerdict::NoOffset);
}

#[test]
fn publication_drift_is_told_both_ways_with_debeziums_matching() {
    let config: BTreeMap<String, String> = [
        (
            "table.include.list".to_owned(),
            "public.orders, Public.Customers,inventory\\..*".to_owned(),
        ),
        (
            "signal.data.collection".to_owned(),
            "public.signals".to_owned(),
        ),
    ]
    .into();
    // The signal table is published, as incremental snapshots need: that is no drift.
    let published = (
        false,
        vec![
            "public.customers".to_owned(),
            "public.audit".to_owned(),
            "public.signals".to_owned(),
        ],
    );
    let check = publication_check("shop_pub", Some(&published), &config);
    assert!(check.exists);
    assert_eq!(
        check.captured_not_published,
        vec!["public.orders".to_owned(), "inventory\\..*".to_owned()]
    );
    assert_eq!(
        check.published_not_captured,
        vec!["public.audit".to_owned()]
    );
    let everything = publication_check("all", Some(&(true, Vec::new())), &config);
    assert!(everything.captured_not_published.is_empty());
    let missing = publication_check("gone", None, &config);
    assert!(!missing.exists);
    assert_eq!(missing.captured_not_published.len(), 4);
}

#[test]
fn unclaimed_slots_come_with_a_quoted_drop_statement() {
    let slots = [slot("shop", None), slot("old'one", None)];
    let claimed: BTreeSet<String> = ["shop".to_owned()].into();
    let orphans = orphans(&slots, &claimed);
    assert_eq!(orphans.len(), 1);
    assert_eq!(orphans[0].slot.name, "old'one");
    assert_eq!(
        orphans[0].drop_sql,
        "SELECT pg_drop_replication_slot('old''one');"
    );
}
