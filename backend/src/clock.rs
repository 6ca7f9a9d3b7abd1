//! The wall clock as Unix milliseconds, the one time format of the stores and the answers.

/// Milliseconds since the Unix epoch now (0 for a clock set before 1970).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `ms` (Unix milliseconds) as the UTC time the stores keep, `2026-12-07T19:38:34.123Z`: text
/// that sorts as time in either database.
pub(crate) fn iso_millis(ms: i64) -> String {
    let (date, seconds_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (year, month, day) = civil_date(date);
    let (hour, minute) = (seconds_of_day / 3_600_000, seconds_of_day / 60_000 % 60);
    let (second, millis) = (seconds_of_day / 1000 % 60, seconds_of_day % 1000);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
}

/// The time now as [`iso_millis`] gives it.
pub(crate) fn now_iso() -> String {
    iso_millis(now_ms())
}

/// The time now to the second, `2026-12-07T19:38:34Z` (users' and tokens' dates).
pub(crate) fn now_iso_seconds() -> String {
    let ms = now_ms();
    let mut text = iso_millis(ms - ms.rem_euclid(1000));
    text.replace_range(text.len() - 5.., "Z");
    text
}

/// The time `seconds` ago as [`iso_millis`] gives it (the bound of "older than").
pub(crate) fn iso_seconds_ago(seconds: i64) -> String {
    iso_millis(now_ms().saturating_sub(seconds.saturating_mul(1000)))
}

/// The proleptic Gregorian (year, month, day) of `days` since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_sqlite_strftime_wrote_them() {
        assert_eq!(iso_millis(0), "1970-01-01T00:00:00.000Z");
        // 2000-02-29 (a leap day of a century divisible by 400), 23:59:59.999
        assert_eq!(iso_millis(951_868_799_999), "2000-02-29T23:59:59.999Z");
        assert_eq!(iso_millis(1_796_672_314_123), "2026-12-07T19:38:34.123Z");
        assert_eq!(iso_millis(-1), "1969-12-31T23:59:59.999Z");
        let now = now_iso_seconds();
        assert_eq!(now.len(), "2026-12-07T19:38:34Z".len(), "{now}");
        assert!(now.ends_with('Z') && !now.contains('.'), "{now}");
        assert!(iso_seconds_ago(86_400) < now_iso());
    }
}
