//! The wall clock as Unix milliseconds, the one time format of the stores and the answers.

/// Milliseconds since the Unix epoch now (0 for a clock set before 1970).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
