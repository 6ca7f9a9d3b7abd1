//! Histograms Plugboard keeps for `/metrics` (Prometheus text format): how long its own answers
//! take, by route and method, and how long calls to Connect take, by cluster. The middleware
//! that times answers is [`crate::routes::time_requests`].

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds of the buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// One histogram: how many observations fell at or under each bound, their count and sum.
#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Histograms of one metric, by their labels (already written as `name="value",...`).
#[derive(Debug, Default)]
pub struct Histograms(Mutex<BTreeMap<String, Histogram>>);

impl Histograms {
    pub fn observe(&self, labels: String, seconds: f64) {
        let mut all = self.0.lock().expect("metrics lock");
        let histogram = all.entry(labels).or_default();
        for (bucket, bound) in histogram.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// The `_bucket`, `_sum` and `_count` lines of metric `name`, with its HELP and TYPE.
    pub fn render(&self, name: &str, about: &str, text: &mut String) {
        let _ = writeln!(text, "# HELP {name} {about}\n# TYPE {name} histogram");
        self.series(name, text);
    }

    /// The `_bucket`, `_sum` and `_count` lines of metric `name`, for a metric whose series
    /// several of these hold (its HELP and TYPE written once by the caller).
    pub fn series(&self, name: &str, text: &mut String) {
        for (labels, histogram) in self.0.lock().expect("metrics lock").iter() {
            let sep = if labels.is_empty() { "" } else { "," };
            for (bound, count) in BUCKETS.iter().zip(histogram.buckets) {
                let _ = writeln!(text, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {count}");
            }
            let count = histogram.count;
            let _ = writeln!(text, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
            let _ = writeln!(text, "{name}_sum{{{labels}}} {}", histogram.sum);
            let _ = writeln!(text, "{name}_count{{{labels}}} {count}");
        }
    }
}

/// A label value with `\`, `"` and newlines escaped.
pub(crate) fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_fill_every_bucket_at_or_above_them_and_render_cumulatively() {
        let durations = Histograms::default();
        durations.observe("route=\"/a\"".into(), 0.003);
        durations.observe("route=\"/a\"".into(), 0.2);
        let mut text = String::new();
        durations.render("x_seconds", "Test.", &mut text);
        assert!(
            text.contains("x_seconds_bucket{route=\"/a\",le=\"0.001\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_bucket{route=\"/a\",le=\"0.005\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_bucket{route=\"/a\",le=\"0.25\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_bucket{route=\"/a\",le=\"+Inf\"} 2\n"),
            "{text}"
        );
        assert!(text.contains("x_seconds_count{route=\"/a\"} 2\n"), "{text}");
        assert!(text.contains("# TYPE x_seconds histogram"));
    }
}
