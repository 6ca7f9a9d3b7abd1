//! A consumer group's lag over time as a chart people read at a glance: a value axis from zero,
//! a time axis from the start of the range to now, the threshold of each lag rule that covers
//! the connector as a dashed line, and the point under the pointer with its time and value.

use api_types::LagPoint;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 200.0;
/// Room for the value labels on the left and the time labels below.
const LEFT: f64 = 52.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;
const RIGHT: f64 = 8.0;

/// A lag rule's threshold, drawn across the chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Threshold {
    pub(crate) rule: String,
    pub(crate) records: f64,
}

/// Where things go in the plot: time and lag to x and y.
#[derive(Clone, Copy)]
struct Scale {
    start_ms: i64,
    span_ms: i64,
    top: f64,
}

impl Scale {
    fn x(self, at_ms: i64) -> f64 {
        LEFT + (at_ms - self.start_ms) as f64 / self.span_ms as f64 * (WIDTH - LEFT - RIGHT)
    }

    fn y(self, lag: f64) -> f64 {
        HEIGHT - BOTTOM - lag / self.top * (HEIGHT - BOTTOM - TOP)
    }
}

/// Lag over `span_ms` up to now, with the thresholds of the lag rules that cover it.
#[component]
pub(crate) fn LagChart(
    points: Vec<LagPoint>,
    span_ms: i64,
    #[prop(optional)] thresholds: Vec<Threshold>,
) -> impl IntoView {
    let now = js_sys::Date::now() as i64;
    let highest = points.iter().map(|p| p.lag).max().unwrap_or(0) as f64;
    let highest_rule = thresholds.iter().map(|t| t.records).fold(0.0, f64::max);
    let scale = Scale {
        start_ms: now - span_ms,
        span_ms: span_ms.max(1),
        top: nice_ceiling(highest.max(highest_rule) * 1.1),
    };
    let line = points
        .iter()
        .map(|p| format!("{:.1},{:.1}", scale.x(p.at_ms), scale.y(p.lag as f64)))
        .collect::<Vec<_>>()
        .join(" ");
    let count = points.len();
    let hovered = RwSignal::new(None::<LagPoint>);
    let shown = points;
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some(svg) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let rect = svg.get_bounding_client_rect();
        let x = (f64::from(ev.client_x()) - rect.left()) / rect.width().max(1.0) * WIDTH;
        let nearest = shown
            .iter()
            .min_by(|a, b| {
                let distance = |p: &LagPoint| (scale.x(p.at_ms) - x).abs();
                distance(a).total_cmp(&distance(b))
            })
            .copied();
        hovered.set(nearest);
    };
    let value_ticks = [0.0, scale.top / 2.0, scale.top].map(|v| {
        let y = scale.y(v);
        view! {
            <line x1=LEFT x2=WIDTH - RIGHT y1=y y2=y class="grid" />
            <text x=LEFT - 6.0 y=y + 4.0 text-anchor="end" class="tick" data-testid="lag-value-tick">{short_number(v)}</text>
        }
    });
    let time_ticks = [0, span_ms / 2, span_ms].map(|offset| {
        let at = scale.start_ms + offset;
        let anchor = match offset {
            0 => "start",
            o if o == span_ms => "end",
            _ => "middle",
        };
        view! {
            <text x=scale.x(at) y=HEIGHT - 6.0 text-anchor=anchor class="tick" data-testid="lag-time-tick">
                {clock(at, span_ms)}
            </text>
        }
    });
    let rules = thresholds.into_iter().map(|t| {
        let y = scale.y(t.records);
        let label = format!("{}: {}", t.rule, short_number(t.records));
        view! {
            <g class="threshold" data-testid="lag-threshold" data-records=t.records.to_string()>
                <line x1=LEFT x2=WIDTH - RIGHT y1=y y2=y />
                <text x=WIDTH - RIGHT - 4.0 y=y - 4.0 text-anchor="end" class="tick">{label}</text>
            </g>
        }
    });
    let pointer = move || {
        hovered.get().map(|p| {
            let (x, y) = (scale.x(p.at_ms), scale.y(p.lag as f64));
            let anchor = if x > WIDTH / 2.0 { "end" } else { "start" };
            let shift = if x > WIDTH / 2.0 { -6.0 } else { 6.0 };
            let label = format!("{} · {} records", clock(p.at_ms, 0), p.lag);
            view! {
                <g class="pointer" data-testid="lag-pointer" data-lag=p.lag.to_string()>
                    <line x1=x x2=x y1=TOP y2=HEIGHT - BOTTOM />
                    <circle cx=x cy=y r="3.5" />
                    <text x=x + shift y=TOP + 12.0 text-anchor=anchor class="tick">{label}</text>
                </g>
            }
        })
    };
    view! {
        <figure class="lag-chart" data-testid="lag-chart" data-points=count>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                aria-label=format!("Lag over time, highest {highest} records")
                on:mousemove=on_move on:mouseleave=move |_| hovered.set(None)>
                {value_ticks}
                {time_ticks}
                <line x1=LEFT x2=LEFT y1=TOP y2=HEIGHT - BOTTOM class="axis" />
                <line x1=LEFT x2=WIDTH - RIGHT y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM class="axis" />
                {rules.collect_view()}
                <polyline points=line class="series" />
                {pointer}
            </svg>
            <figcaption class="muted small">
                {if count == 0 { "No lag recorded in this range yet.".to_owned() } else { format!("Highest: {highest} records · {count} points") }}
            </figcaption>
        </figure>
    }
}

/// The smallest of 1, 2 or 5 times a power of ten at or above `value` (at least 1).
fn nice_ceiling(value: f64) -> f64 {
    if value <= 1.0 {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|step| step * power)
        .find(|candidate| *candidate >= value)
        .unwrap_or(10.0 * power)
}

/// "950", "12k", "3.5M": a count for an axis label.
fn short_number(value: f64) -> String {
    match value {
        v if v >= 1e6 => format!("{}M", trim(v / 1e6)),
        v if v >= 1e3 => format!("{}k", trim(v / 1e3)),
        v => trim(v),
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").unwrap_or(&text).to_owned()
}

/// The local time of `ms`: "14:05", with the day ("Mon 14:05") for ranges over a day, and
/// seconds ("14:05:09") when `span_ms` is 0 (one point's time).
fn clock(ms: i64, span_ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let (hours, minutes) = (date.get_hours(), date.get_minutes());
    match span_ms {
        0 => format!("{hours:02}:{minutes:02}:{:02}", date.get_seconds()),
        s if s >= 86_400_000 => {
            let day =
                ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][date.get_day() as usize % 7];
            format!("{day} {hours:02}:{minutes:02}")
        }
        _ => format!("{hours:02}:{minutes:02}"),
    }
}
