//! A slot's retained and unconsumed WAL over time, as the slot watch recorded it: two lines
//! against time, with the span and the largest value named.

use api_types::SlotSample;
use leptos::prelude::*;

use crate::components::duration_text;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 120.0;

/// A size as an operator reads it.
pub(crate) fn bytes_text(n: i64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value.abs() >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// One series of the chart as SVG points.
fn points(samples: &[SlotSample], value: fn(&SlotSample) -> Option<i64>, max: f64) -> String {
    let first = samples.first().map_or(0, |s| s.at_ms);
    let span = samples.last().map_or(1, |s| (s.at_ms - first).max(1)) as f64;
    samples
        .iter()
        .filter_map(|s| {
            let x = (s.at_ms - first) as f64 / span * WIDTH;
            let y = HEIGHT - value(s)? as f64 / max * HEIGHT;
            Some(format!("{x:.1},{y:.1}"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub(crate) fn SlotChart(samples: Vec<SlotSample>) -> impl IntoView {
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return view! { <p class="muted small">"The slot's WAL over time shows once the database has been read a few times."</p> }.into_any();
    };
    let span_seconds = (last.at_ms - first.at_ms) as f64 / 1000.0;
    let largest = samples
        .iter()
        .filter_map(|s| s.retained_bytes.max(s.unconsumed_bytes))
        .max()
        .unwrap_or(0);
    let max = largest.max(1) as f64;
    let retained = points(&samples, |s| s.retained_bytes, max);
    let unconsumed = points(&samples, |s| s.unconsumed_bytes, max);
    let caption = format!(
        "Retained (solid) and unconsumed (dashed) WAL over the last {}, up to {}.",
        duration_text(span_seconds),
        bytes_text(largest)
    );
    view! {
        <figure class="lag-chart slot-chart" data-testid="slot-chart" data-samples=samples.len().to_string()>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" role="img" aria-label=caption.clone()>
                <polyline class="series" points=retained />
                <polyline class="series dashed" points=unconsumed />
            </svg>
            <figcaption class="muted small">{caption}</figcaption>
        </figure>
    }
    .into_any()
}
