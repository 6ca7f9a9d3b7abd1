//! A bounded map whose entries are reused for a short while, so that every open page polling
//! the same answer shares one read of Kafka in that time.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Entries by key with when each was put; cheap to clone (clones share the entries).
#[derive(Clone)]
pub struct TtlCache<K, V> {
    entries: Arc<Mutex<HashMap<K, (Instant, V)>>>,
    ttl: Duration,
    max_entries: usize,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        Self {
            entries: Arc::default(),
            ttl,
            max_entries,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, V)>> {
        self.entries
            .lock()
            .expect("never poisoned: no panics under the lock")
    }

    /// The value put under `key` less than the cache's time ago.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.lock();
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, value)| value.clone())
    }

    /// Keeps `value` under `key`, unless the cache is full of entries still fresh.
    pub fn put(&self, key: K, value: V) {
        let ttl = self.ttl;
        let mut entries = self.lock();
        entries.retain(|_, (at, _)| at.elapsed() < ttl);
        if entries.len() < self.max_entries {
            entries.insert(key, (Instant::now(), value));
        }
    }

    /// Forgets the entries whose key `stale` accepts.
    pub fn forget(&self, stale: impl Fn(&K) -> bool) {
        self.lock().retain(|key, _| !stale(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_reused_until_it_is_too_old_or_forgotten() {
        let cache = TtlCache::new(Duration::from_millis(50), 10);
        cache.put("a", 1);
        cache.put("b", 2);
        assert_eq!(cache.get(&"a"), Some(1));
        cache.forget(|key| *key == "a");
        assert_eq!((cache.get(&"a"), cache.get(&"b")), (None, Some(2)));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get(&"b"), None);
    }

    #[test]
    fn a_full_cache_takes_no_more_fresh_entries() {
        let cache = TtlCache::new(Duration::from_secs(60), 2);
        for (key, value) in [("a", 1), ("b", 2), ("c", 3)] {
            cache.put(key, value);
        }
        assert_eq!(cache.get(&"c"), None);
        assert_eq!(cache.get(&"b"), Some(2));
    }
}
