//! Unit tests of the topics a flow replicates and of their lag.

use std::collections::BTreeMap;

use super::{TopicFilter, replicated_topics};
use crate::kafka::Snapshot;
use crate::kafka::observation::{Observation, PartitionMeta, TopicMeta};
use crate::replication::flows::{FoundFlow, RemoteNaming};

fn flow(topics: Option<&str>) -> FoundFlow {
    let dotted = RemoteNaming::Prefixed {
        separator: ".".into(),
    };
    FoundFlow {
        topics: topics.map(str::to_owned),
        source_connector: Some("source".into()),
        ..FoundFlow::new("east".into(), "west".into(), dotted)
    }
}

/// A snapshot holding `topics`, each partition with its log-end offset.
fn snapshot(topics: &[(&str, &[i64])]) -> Snapshot {
    let mut observation = Observation::default();
    for (name, ends) in topics {
        let partitions = (0..ends.len())
            .map(|p| PartitionMeta {
                id: i32::try_from(p).unwrap(),
                leader: 1,
                replicas: vec![1],
                isr: vec![1],
            })
            .collect();
        observation.topics.push(TopicMeta {
            name: (*name).to_owned(),
            partitions,
            min_insync_replicas: None,
        });
        for (p, end) in ends.iter().enumerate() {
            let key = ((*name).to_owned(), i32::try_from(p).unwrap());
            observation.log_end.insert(key, *end);
        }
    }
    Snapshot {
        observation,
        ..Snapshot::default()
    }
}

#[test]
fn the_filter_takes_whole_names_and_leaves_internal_and_returning_topics_out() {
    let filter = TopicFilter::of(&flow(Some("orders.*, payments"))).unwrap();
    assert!(filter.replicates("orders"));
    assert!(filter.replicates("orders-eu"));
    assert!(filter.replicates("payments"));
    assert!(
        !filter.replicates("payments-old"),
        "a pattern matches the whole name"
    );
    let all = TopicFilter::of(&flow(None)).unwrap();
    assert!(all.replicates("anything"));
    for skipped in [
        "__consumer_offsets",
        "mm2-offset-syncs.west.internal",
        "x.replica",
        "west.orders",
    ] {
        assert!(!all.replicates(skipped), "{skipped}");
    }
    let error = TopicFilter::of(&flow(Some("orders("))).err().unwrap();
    assert!(error.contains("`orders(`"), "{error}");
}

#[test]
fn each_partition_lags_by_what_the_source_holds_beyond_what_was_replicated() {
    let found = flow(Some("orders"));
    let filter = TopicFilter::of(&found).unwrap();
    let source = snapshot(&[("orders", &[10, 7, 0]), ("other", &[5])]);
    let target = snapshot(&[("east.orders", &[8, 7, 0])]);
    let replicated: BTreeMap<(String, i32), i64> =
        [(("orders".to_owned(), 0), 8), (("orders".to_owned(), 1), 7)].into();
    let topics = replicated_topics(&found, &filter, &source, Some(&target), &replicated);
    assert_eq!(topics.len(), 1);
    let orders = &topics[0];
    assert_eq!(
        (orders.topic.as_str(), orders.remote.as_str()),
        ("orders", "east.orders")
    );
    assert_eq!(orders.on_target, Some(true));
    let lags: Vec<Option<u64>> = orders.partitions.iter().map(|p| p.lag).collect();
    // 10 written, up to 8 replicated; all 7 replicated; an empty partition has nothing to do.
    assert_eq!(lags, [Some(2), Some(0), Some(0)]);
    assert_eq!(orders.lag, Some(2));
    assert_eq!(orders.partitions[0].target_end, Some(8));
}

#[test]
fn a_partition_with_records_and_no_stored_offset_has_unknown_lag() {
    let found = flow(None);
    let filter = TopicFilter::of(&found).unwrap();
    let source = snapshot(&[("t", &[4])]);
    let topics = replicated_topics(&found, &filter, &source, None, &BTreeMap::new());
    assert_eq!(topics[0].partitions[0].lag, None);
    assert_eq!(topics[0].lag, None);
    assert_eq!(topics[0].on_target, None, "the target is not read");
}
