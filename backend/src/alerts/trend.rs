//! A group's lag trend judged the way Burrow judges a consumer, over the group's recent samples
//! (summed over its partitions): OK, WARN when lag only grows, STALL when commits do not move
//! while there is lag, STOP when no consumer is left (the group is Empty or Dead) with commits
//! standing still and lag, REWIND when the committed offset goes backwards.

/// One snapshot of a group.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sample {
    pub committed: i64,
    pub lag: u64,
    /// The coordinator's state of the group (Stable, Empty, Dead, Unknown, ...).
    pub state: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trend {
    Ok,
    Warn,
    Stall,
    Stop,
    Rewind,
}

impl Trend {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Trend::Ok => "OK",
            Trend::Warn => "WARN",
            Trend::Stall => "STALL",
            Trend::Stop => "STOP",
            Trend::Rewind => "REWIND",
        }
    }
}

/// The judgement over `samples` (oldest first); fewer than two samples are OK.
pub(crate) fn judge(samples: &[Sample], allowed_lag: u64) -> Trend {
    if samples.len() < 2 {
        return Trend::Ok;
    }
    if samples.windows(2).any(|w| w[1].committed < w[0].committed) {
        return Trend::Rewind;
    }
    // Burrow: a window in which the lag was (nearly) zero at some point is OK.
    if samples.iter().any(|s| s.lag <= allowed_lag) {
        return Trend::Ok;
    }
    let first = &samples[0];
    let last = &samples[samples.len() - 1];
    if first.committed == last.committed {
        let consumer_gone = matches!(last.state.as_str(), "Empty" | "Dead");
        return if consumer_gone {
            Trend::Stop
        } else {
            Trend::Stall
        };
    }
    if samples.windows(2).all(|w| w[1].lag > w[0].lag) {
        return Trend::Warn;
    }
    Trend::Ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(points: &[(i64, u64)], state: &str) -> Vec<Sample> {
        points
            .iter()
            .map(|&(committed, lag)| Sample {
                committed,
                lag,
                state: state.into(),
            })
            .collect()
    }

    #[test]
    fn a_consumer_keeping_up_is_ok() {
        assert_eq!(
            judge(&samples(&[(10, 0), (20, 3), (30, 0)], "Stable"), 0),
            Trend::Ok
        );
    }

    #[test]
    fn lag_that_only_grows_while_commits_move_is_warn() {
        assert_eq!(
            judge(&samples(&[(10, 5), (12, 8), (14, 20)], "Stable"), 0),
            Trend::Warn
        );
    }

    #[test]
    fn commits_standing_still_with_lag_are_stall_and_without_a_consumer_stop() {
        let still = [(10, 5), (10, 9), (10, 12)];
        assert_eq!(judge(&samples(&still, "Stable"), 0), Trend::Stall);
        assert_eq!(judge(&samples(&still, "Empty"), 0), Trend::Stop);
    }

    #[test]
    fn a_committed_offset_going_back_is_rewind() {
        assert_eq!(
            judge(&samples(&[(10, 5), (4, 11)], "Stable"), 0),
            Trend::Rewind
        );
    }

    #[test]
    fn lag_within_the_allowed_lag_is_ok_even_when_stalled() {
        assert_eq!(judge(&samples(&[(10, 5), (10, 5)], "Stable"), 5), Trend::Ok);
    }

    #[test]
    fn lag_that_shrinks_at_times_is_ok() {
        assert_eq!(
            judge(&samples(&[(10, 5), (12, 9), (20, 7)], "Stable"), 0),
            Trend::Ok
        );
    }
}
