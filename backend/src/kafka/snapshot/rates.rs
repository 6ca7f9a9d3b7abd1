//! Rates over the last minutes: how fast each group's committed offsets advanced (its consume
//! rate), and each topic's log-end offsets (its append rate: a replicated topic's throughput).

use std::collections::{HashMap, VecDeque};

use crate::kafka::observation::{GroupMeta, Observation};

/// How far back the rate looks.
const WINDOW_MS: i64 = 5 * 60 * 1000;

/// Each group's consume rate and each topic's append rate, in records per second.
#[derive(Default)]
pub(crate) struct CycleRates {
    consumed: Rates,
    appended: Rates,
}

impl CycleRates {
    /// Records the offsets of `observation` (taken at `at_ms`) and returns the rates by group
    /// and by topic.
    pub(crate) fn record(
        &mut self,
        at_ms: i64,
        observation: &Observation,
    ) -> (HashMap<String, f64>, HashMap<String, f64>) {
        let mut appended: HashMap<String, i64> = HashMap::new();
        for ((topic, _), end) in &observation.log_end {
            *appended.entry(topic.clone()).or_default() += end;
        }
        (
            self.consumed.record(at_ms, committed(&observation.groups)),
            self.appended.record(at_ms, appended),
        )
    }
}

/// Each group's committed offsets, summed.
fn committed(groups: &[GroupMeta]) -> HashMap<String, i64> {
    groups
        .iter()
        .map(|g| (g.name.clone(), g.committed.iter().map(|c| c.2).sum()))
        .collect()
}

/// Offset sums by name of recent cycles, to turn into records per second.
#[derive(Default)]
struct Rates {
    samples: VecDeque<(i64, HashMap<String, i64>)>,
}

impl Rates {
    /// Records this cycle's offset `sums` (taken at `at_ms`) and returns each name's rate in
    /// records per second since the oldest sample of the window that has the name.
    fn record(&mut self, at_ms: i64, sums: HashMap<String, i64>) -> HashMap<String, f64> {
        while self
            .samples
            .front()
            .is_some_and(|(then, _)| at_ms - then > WINDOW_MS)
        {
            self.samples.pop_front();
        }
        let rates = sums
            .iter()
            .filter_map(|(group, &now)| {
                let (then_ms, then) = self
                    .samples
                    .iter()
                    .find_map(|(t, s)| s.get(group).map(|&v| (*t, v)))?;
                let seconds = (at_ms - then_ms) as f64 / 1000.0;
                (seconds > 0.0).then(|| (group.clone(), (now - then).max(0) as f64 / seconds))
            })
            .collect();
        self.samples.push_back((at_ms, sums));
        rates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(committed: &[i64]) -> GroupMeta {
        GroupMeta {
            name: "g".into(),
            state: "Stable".into(),
            committed: committed
                .iter()
                .enumerate()
                .map(|(p, &o)| ("t".to_owned(), p as i32, o))
                .collect(),
        }
    }

    fn observed(committed: &[i64], log_end: &[i64]) -> Observation {
        Observation {
            groups: vec![group(committed)],
            log_end: log_end
                .iter()
                .enumerate()
                .map(|(p, &end)| (("t".to_owned(), p as i32), end))
                .collect(),
            ..Observation::default()
        }
    }

    #[test]
    fn the_first_cycle_has_no_rate_and_later_ones_divide_progress_by_time() {
        let mut rates = CycleRates::default();
        let (consumed, appended) = rates.record(0, &observed(&[0, 0], &[10, 0]));
        assert!(consumed.is_empty() && appended.is_empty());
        let (consumed, appended) = rates.record(10_000, &observed(&[30, 20], &[60, 50]));
        assert_eq!(consumed["g"], 5.0);
        assert_eq!(appended["t"], 10.0);
    }

    #[test]
    fn samples_older_than_the_window_are_forgotten() {
        let mut rates = CycleRates::default();
        rates.record(0, &observed(&[0], &[0]));
        rates.record(WINDOW_MS, &observed(&[600], &[900]));
        let (consumed, appended) = rates.record(WINDOW_MS + 60_000, &observed(&[600], &[900]));
        assert_eq!(consumed["g"], 0.0);
        assert_eq!(appended["t"], 0.0);
    }
}
