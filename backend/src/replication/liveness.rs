//! How alive a flow is, from what MirrorMaker 2 wrote on the target and Plugboard's snapshot
//! of it holds: the newest heartbeats (the source's replicated ones, and the heartbeat
//! connector's own) and the newest checkpoints of each group.

use api_types::{CheckpointedOffset, FlowHeartbeats};

use super::flows::FoundFlow;
use crate::kafka::Snapshot;

/// The flow's heartbeats on the `target` (unknown while it is not read).
pub(crate) fn heartbeats(flow: &FoundFlow, target: Option<&Snapshot>) -> FlowHeartbeats {
    let replicated_topic = flow.naming.remote_heartbeats(&flow.source_alias);
    let records = target.map(|t| &t.observation.mirror.heartbeats);
    let newest = |chosen: &dyn Fn(&(String, String, String)) -> bool| {
        records?
            .iter()
            .filter(|(key, _)| chosen(key))
            .map(|(_, emitted)| *emitted)
            .max()
    };
    FlowHeartbeats {
        newest_replicated_ms: newest(&|(topic, _, _)| *topic == replicated_topic),
        newest_emitted_ms: newest(&|(topic, source, to)| {
            topic == "heartbeats" && *source == flow.source_alias && *to == flow.target_alias
        }),
        replicated_topic,
    }
}

/// The newest checkpoint of `group`'s `partition` of the target's `remote` topic.
pub(crate) fn checkpoint(
    flow: &FoundFlow,
    target: Option<&Snapshot>,
    group: &str,
    remote: &str,
    partition: i32,
) -> Option<CheckpointedOffset> {
    let key = (
        flow.naming.checkpoints_topic(&flow.source_alias),
        group.to_owned(),
        remote.to_owned(),
        partition,
    );
    let seen = target?.observation.mirror.checkpoints.get(&key)?;
    Some(CheckpointedOffset {
        upstream: seen.upstream,
        downstream: seen.downstream,
        written_ms: seen.written_ms,
    })
}

/// When the newest of the flow's checkpoints was written.
pub(crate) fn newest_checkpoint(flow: &FoundFlow, target: Option<&Snapshot>) -> Option<i64> {
    let topic = flow.naming.checkpoints_topic(&flow.source_alias);
    target?
        .observation
        .mirror
        .checkpoints
        .iter()
        .filter(|((of, _, _, _), _)| *of == topic)
        .map(|(_, seen)| seen.written_ms)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replication::flows::RemoteNaming;

    fn flow(naming: RemoteNaming) -> FoundFlow {
        FoundFlow::new("east".into(), "west".into(), naming)
    }

    fn target(heartbeats: &[(&str, &str, &str, i64)]) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for (topic, source, to, emitted) in heartbeats {
            let key = ((*topic).to_owned(), (*source).to_owned(), (*to).to_owned());
            snapshot.observation.mirror.heartbeats.insert(key, *emitted);
        }
        snapshot
    }

    #[test]
    fn the_replicated_heartbeats_are_the_sources_and_the_emitted_ones_the_flows_own() {
        let target = target(&[
            ("east.heartbeats", "west", "east", 5_000),
            ("east.heartbeats", "north", "east", 7_000),
            ("north.heartbeats", "west", "north", 9_000),
            ("heartbeats", "east", "west", 8_000),
            ("heartbeats", "north", "west", 9_500),
        ]);
        let prefixed = RemoteNaming::Prefixed {
            separator: ".".into(),
        };
        let beats = heartbeats(&flow(prefixed), Some(&target));
        assert_eq!(beats.replicated_topic, "east.heartbeats");
        assert_eq!(beats.newest_replicated_ms, Some(7_000));
        assert_eq!(beats.newest_emitted_ms, Some(8_000));
        // Under the identity policy too, heartbeats keep their prefix on the target.
        let identity = heartbeats(&flow(RemoteNaming::Identity), Some(&target));
        assert_eq!(identity.newest_replicated_ms, Some(7_000));
        let unread = heartbeats(&flow(RemoteNaming::Identity), None);
        assert_eq!(
            (unread.newest_replicated_ms, unread.newest_emitted_ms),
            (None, None)
        );
    }

    #[test]
    fn a_custom_separator_names_the_checkpoints_topic() {
        let underscore = RemoteNaming::Prefixed {
            separator: "_".into(),
        };
        let mut snapshot = Snapshot::default();
        let seen = crate::kafka::mirror_records::Checkpoint {
            upstream: 3,
            downstream: 2,
            written_ms: 4_000,
        };
        let key = (
            "east_checkpoints_internal".into(),
            "g".into(),
            "east_t".into(),
            0,
        );
        snapshot.observation.mirror.checkpoints.insert(key, seen);
        let flow = flow(underscore);
        assert_eq!(newest_checkpoint(&flow, Some(&snapshot)), Some(4_000));
        let found = checkpoint(&flow, Some(&snapshot), "g", "east_t", 0);
        assert_eq!(found.map(|c| c.downstream), Some(2));
        assert_eq!(checkpoint(&flow, Some(&snapshot), "g", "east_t", 1), None);
    }
}
