//! Which rows of a long table are on screen: the table renders only those (and a margin either
//! side), with spacers standing in for the rest, so a thousand connectors cost the browser what
//! a screenful does, and the scroll bar still spans the whole list. The first rows come
//! without the margin, which is added once they have been painted.

use std::ops::Range;

use leptos::{ev, html, prelude::*};

/// Tables of up to this many rows render whole (the browser's find-in-page then sees them all).
pub(crate) const WHOLE_UP_TO: usize = 100;
/// Rows rendered beyond each edge of the screen, so that a scroll finds them already there
/// (from the first paint of rows on: before it, they would only hold it up).
const MARGIN: usize = 20;
/// The row height assumed until a row has been measured, in CSS pixels: the stylesheet's
/// 3.5rem at the default font size, so the first measure usually changes nothing.
const ROW_GUESS_PX: f64 = 56.0;

/// Where the viewport is over a table body, measured on scroll, resize and each change of rows.
#[derive(Clone, Copy)]
pub(crate) struct RowWindow {
    body: NodeRef<html::Tbody>,
    /// How far the viewport's top is below the body's top (negative while the body is lower).
    scrolled_px: RwSignal<f64>,
    viewport_px: RwSignal<f64>,
    row_px: RwSignal<f64>,
    /// 0 until rows have been painted, then [`MARGIN`].
    margin: RwSignal<usize>,
}

impl RowWindow {
    /// A window that follows the page's scroll until its component is cleaned up.
    pub(crate) fn follow() -> Self {
        let window = Self {
            body: NodeRef::new(),
            scrolled_px: RwSignal::new(0.0),
            viewport_px: RwSignal::new(viewport_height()),
            row_px: RwSignal::new(ROW_GUESS_PX),
            margin: RwSignal::new(0),
        };
        let handles = [
            window_event_listener(ev::scroll, move |_| window.measure()),
            window_event_listener(ev::resize, move |_| window.measure()),
        ];
        on_cleanup(move || handles.into_iter().for_each(WindowListenerHandle::remove));
        window
    }

    pub(crate) fn body(self) -> NodeRef<html::Tbody> {
        self.body
    }

    /// Measures again once the browser has laid the page out (after the rows or what is above
    /// the table changed).
    pub(crate) fn measure_after_layout(self) {
        request_animation_frame(move || self.measure());
    }

    fn measure(self) {
        let Some(body) = self.body.get_untracked() else {
            return;
        };
        set_if_changed(self.scrolled_px, -body.get_bounding_client_rect().top());
        set_if_changed(self.viewport_px, viewport_height());
        let first_row = body
            .query_selector("tr[data-testid=connector-row]")
            .ok()
            .flatten();
        if let Some(row) = first_row {
            let height = row.get_bounding_client_rect().height();
            if height > 0.0 {
                set_if_changed(self.row_px, height);
            }
            if self.margin.get_untracked() == 0 {
                let margin = self.margin;
                leptos::task::spawn_local(async move {
                    crate::timing::after_next_paint().await;
                    margin.try_set(MARGIN);
                });
            }
        }
    }

    /// The rows of a table of `total` to render (tracks the scroll).
    pub(crate) fn range(self, total: usize) -> Range<usize> {
        on_screen(
            self.scrolled_px.get(),
            self.viewport_px.get(),
            self.row_px.get(),
            self.margin.get(),
            total,
        )
    }

    /// The height of `rows` rows, for a spacer that stands in for them (in whole pixels: the
    /// main module then needs no code to print fractions).
    pub(crate) fn height_of(self, rows: usize) -> String {
        let px = (rows as f64 * self.row_px.get()).round() as u64;
        format!("{px}px")
    }
}

fn set_if_changed(signal: RwSignal<f64>, value: f64) {
    if (signal.get_untracked() - value).abs() >= 0.5 {
        signal.set(value);
    }
}

fn viewport_height() -> f64 {
    window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(1000.0)
}

/// The rows on screen and `margin` either side; every row when the table is short.
fn on_screen(
    scrolled_px: f64,
    viewport_px: f64,
    row_px: f64,
    margin: usize,
    total: usize,
) -> Range<usize> {
    if total <= WHOLE_UP_TO {
        return 0..total;
    }
    let row_px = row_px.max(1.0);
    let first = (scrolled_px.max(0.0) / row_px).floor() as usize;
    let fit = (viewport_px.max(0.0) / row_px).ceil() as usize + 1;
    let start = first.saturating_sub(margin).min(total);
    let end = first.saturating_add(fit + margin).min(total);
    start..end
}
