//! MirrorMaker 2's heartbeat and checkpoint records, decoded from their bytes.

use crate::kafka::wire::Fields;

/// A heartbeat keyed `key` with `value`: (source alias, target alias, emitted at ms).
pub(crate) fn heartbeat(key: &[u8], value: &[u8]) -> Option<(String, String, i64)> {
    let mut key = Fields::new(key);
    let (source, target) = (key.string()?, key.string()?);
    let emitted_ms = Fields::after_version(value).int64()?;
    Some((source, target, emitted_ms))
}

/// A checkpoint keyed `key` with `value`: (group, topic, partition, upstream offset,
/// downstream offset).
pub(crate) fn checkpoint(key: &[u8], value: &[u8]) -> Option<(String, String, i32, i64, i64)> {
    let mut key = Fields::new(key);
    let (group, topic, partition) = (key.string()?, key.string()?, key.int32()?);
    let mut value = Fields::after_version(value);
    let (upstream, downstream) = (value.int64()?, value.int64()?);
    Some((group, topic, partition, upstream, downstream))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields as Kafka's protocol writes them: a string as its INT16 length and UTF-8.
    fn strings(texts: &[&str]) -> Vec<u8> {
        texts
            .iter()
            .flat_map(|t| {
                let mut bytes = (t.len() as i16).to_be_bytes().to_vec();
                bytes.extend(t.as_bytes());
                bytes
            })
            .collect()
    }

    #[test]
    fn a_heartbeat_gives_its_aliases_and_when_it_was_emitted() {
        let mut value = 0i16.to_be_bytes().to_vec();
        value.extend(1_765_000_000_123i64.to_be_bytes());
        assert_eq!(
            heartbeat(&strings(&["main", "mirror"]), &value),
            Some(("main".into(), "mirror".into(), 1_765_000_000_123))
        );
        assert_eq!(heartbeat(&strings(&["main", "mirror"]), &value[..9]), None);
        assert_eq!(heartbeat(&strings(&["main"]), &value), None);
    }

    #[test]
    fn a_checkpoint_gives_the_group_partition_and_both_offsets() {
        let mut key = strings(&["connect-sink", "orders"]);
        key.extend(3i32.to_be_bytes());
        let mut value = 0i16.to_be_bytes().to_vec();
        value.extend(120i64.to_be_bytes());
        value.extend(118i64.to_be_bytes());
        value.extend(strings(&[""]));
        assert_eq!(
            checkpoint(&key, &value),
            Some(("connect-sink".into(), "orders".into(), 3, 120, 118))
        );
        assert_eq!(checkpoint(&key[..key.len() - 1], &value), None);
    }
}
