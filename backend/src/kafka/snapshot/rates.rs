//! Consume rate of each group: how fast its committed offsets advanced over the last minutes.

use std::collections::{HashMap, VecDeque};

use crate::kafka::observation::GroupMeta;

/// How far back the rate looks.
const WINDOW_MS: i64 = 5 * 60 * 1000;

/// Committed-offset sums of recent cycles, to turn into records per second.
#[derive(Default)]
pub(crate) struct ConsumeRates {
    samples: VecDeque<(i64, HashMap<String, i64>)>,
}

impl ConsumeRates {
    /// Records this cycle's committed offsets (taken at `at_ms`) and returns each group's rate
    /// in records per second since the oldest sample of the window that has the group.
    pub(crate) fn record(&mut self, at_ms: i64, groups: &[GroupMeta]) -> HashMap<String, f64> {
        let sums: HashMap<String, i64> = groups
            .iter()
            .map(|g| (g.name.clone(), g.committed.iter().map(|c| c.2).sum()))
            .collect();
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

    #[test]
    fn the_first_cycle_has_no_rate_and_later_ones_divide_progress_by_time() {
        let mut rates = ConsumeRates::default();
        assert!(rates.record(0, &[group(&[0, 0])]).is_empty());
        let after_ten_seconds = rates.record(10_000, &[group(&[30, 20])]);
        assert_eq!(after_ten_seconds["g"], 5.0);
    }

    #[test]
    fn samples_older_than_the_window_are_forgotten() {
        let mut rates = ConsumeRates::default();
        rates.record(0, &[group(&[0])]);
        rates.record(WINDOW_MS, &[group(&[600])]);
        let later = rates.record(WINDOW_MS + 60_000, &[group(&[600])]);
        assert_eq!(later["g"], 0.0);
    }
}
