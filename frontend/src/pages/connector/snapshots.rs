//! A Debezium source's snapshots, from its notifications: the newest with its tables (rows
//! scanned, chunks, done), tables done of all, rows, rate and a stall warning, then the history
//! of the earlier ones; for operators, the signals that steer incremental snapshots.

use std::time::Duration;

use api_types::{Action as ChangeAction, SnapshotKind, SnapshotRun, SnapshotState};
use leptos::prelude::*;

use super::signals::SignalControls;
use crate::api;
use crate::components::{duration_text, readable_ms};
use crate::failure::Failure;
use crate::live::live;
use crate::session;

/// A snapshot moves by chunks of a second or so.
const REFRESH_EVERY: Duration = Duration::from_secs(5);

#[component]
pub(crate) fn SnapshotsPanel(cluster: String, name: String) -> impl IntoView {
    let may_signal = session::may(ChangeAction::DebeziumSignal.role(), Some(&cluster));
    let controls = may_signal.then(|| (cluster.clone(), name.clone()));
    let answer = live(
        REFRESH_EVERY,
        || (),
        move |()| api::debezium_snapshots(cluster.clone(), name.clone()),
    );
    let on_sent = Callback::new(move |()| answer.refresh());
    view! {
        <section class="card" data-testid="snapshots-card">
            <h2>"Snapshots"</h2>
            {controls.map(|(cluster, name)| view! { <SignalControls cluster name on_sent /> })}
            {move || answer.error().map(|error| view! { <Failure error quiet=true /> })}
            {move || answer.ok_map(Clone::clone).map(|answer| match answer.topic {
                None => view! { <p class="muted">"Notifications are off: Debezium reports snapshots only in the worker's logs."</p> }.into_any(),
                Some(_) if answer.snapshots.is_empty() => view! { <p class="muted">"No snapshot notified yet."</p> }.into_any(),
                Some(_) => {
                    let mut runs = answer.snapshots.into_iter();
                    let newest = runs.next().map(|run| view! { <Run run now_ms=answer.now_ms /> });
                    let earlier: Vec<SnapshotRun> = runs.collect();
                    view! {
                        {newest}
                        {(!earlier.is_empty()).then(|| view! {
                            <details data-testid="earlier-snapshots">
                                <summary>{format!("{} earlier", earlier.len())}</summary>
                                {earlier.into_iter().map(|run| view! { <Run run now_ms=answer.now_ms /> }).collect_view()}
                            </details>
                        })}
                    }.into_any()
                }
            })}
        </section>
    }
}

fn kind_text(kind: SnapshotKind) -> &'static str {
    match kind {
        SnapshotKind::Initial => "Initial snapshot",
        SnapshotKind::Incremental => "Incremental snapshot",
    }
}

fn state_text(state: SnapshotState) -> &'static str {
    match state {
        SnapshotState::Running => "running",
        SnapshotState::Paused => "paused",
        SnapshotState::Completed => "completed",
        SnapshotState::Aborted => "aborted",
        SnapshotState::Skipped => "skipped",
    }
}

#[component]
fn Run(run: SnapshotRun, now_ms: i64) -> impl IntoView {
    let done = run.tables.iter().filter(|t| t.done).count();
    let rate = run
        .rows_per_second
        .map(|rate| format!(", {rate:.0} rows/s"))
        .unwrap_or_default();
    let quiet_for = duration_text((now_ms - run.last_event_ms) as f64 / 1000.0);
    let stall = run.stalled.then(|| {
        let why = match run.kind {
            SnapshotKind::Initial => " (Debezium notifies an initial snapshot only as each table starts and ends: a very large table may still be being read)",
            SnapshotKind::Incremental => "",
        };
        view! { <p class="warning" data-testid="snapshot-stalled">{format!("No notification for {quiet_for}{why}.")}</p> }
    });
    view! {
        <div class="snapshot" data-testid="snapshot" data-kind=format!("{:?}", run.kind) data-state=state_text(run.state)>
            <p>
                <strong>{kind_text(run.kind)}</strong> " " <span class="badge" data-testid="snapshot-state">{state_text(run.state)}</span>
                {run.id.map(|id| view! { " " <code class="small" data-testid="snapshot-id">{id}</code> })}
                <span class="muted small">{format!(" started {}", readable_ms(run.started_ms))}</span>
            </p>
            <p data-testid="snapshot-summary">{format!("{done} of {} tables done, {} rows{rate}", run.tables_total, run.rows_scanned)}</p>
            {stall}
            <table class="compact">
                <thead><tr><th>"Table"</th><th>"Rows"</th><th>"Chunks"</th><th>"Done"</th></tr></thead>
                <tbody>
                    {run.tables.into_iter().map(|t| { let key = t.table.clone(); view! {
                        <tr data-testid="snapshot-table" data-table=key>
                            <td><code>{t.table}</code></td>
                            <td>{t.rows_scanned.map_or_else(|| "…".to_owned(), |r| r.to_string())}</td>
                            <td>{t.chunks}</td>
                            <td>{if t.done { t.status.unwrap_or_else(|| "done".to_owned()) } else { "reading".to_owned() }}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
