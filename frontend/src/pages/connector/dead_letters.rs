//! A sink's failed records: its dead letter queue (size, the last hour, rate, the newest, a
//! warning when it fills while the connector looks healthy), the latest dead letters grouped by
//! cause, and replaying a group after a fix, confirmed after a dry run. A sink that tolerates
//! errors without a dead letter queue is told that it drops them.

use std::time::Duration;

use api_types::{
    Action as ChangeAction, DeadLetters, DlqSummary, ErrorGroup, ReplayReport, ReplayRequest,
};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::readable_ms;
use crate::failure::Failure;
use crate::links;
use crate::live::live;
use crate::session;
use crate::toasts::Toaster;

const REFRESH_EVERY: Duration = Duration::from_secs(10);

#[component]
pub(crate) fn DeadLettersCard(cluster: String, name: String) -> impl IntoView {
    let answer = {
        let (cluster, name) = (cluster.clone(), name.clone());
        live(
            REFRESH_EVERY,
            || (),
            move |()| api::dead_letters(cluster.clone(), name.clone()),
        )
    };
    let can_replay = session::may(ChangeAction::Replay.role(), Some(&cluster));
    move || {
        let DeadLetters {
            tolerates_errors,
            dlq,
        } = answer.ok_map(Clone::clone)?;
        let view = match dlq {
            Some(dlq) => {
                let (cluster, name) = (cluster.clone(), name.clone());
                let on_replayed = Callback::new(move |()| answer.refresh());
                view! { <DlqView cluster name dlq can_replay on_replayed /> }.into_any()
            }
            None if tolerates_errors => view! {
                <section class="card" data-testid="dlq-card">
                    <h2>"Failed records"</h2>
                    <p class="warning" data-testid="dropping-failures">
                        <code>"errors.tolerance=all"</code> " and no dead letter queue: records that fail to convert, transform or write are dropped, and nothing keeps them."
                    </p>
                </section>
            }
            .into_any(),
            None => return None,
        };
        Some(view)
    }
}

#[component]
fn DlqView(
    cluster: String,
    name: String,
    dlq: DlqSummary,
    can_replay: bool,
    on_replayed: Callback<()>,
) -> impl IntoView {
    let records_href = links::href(&links::records(&cluster, &dlq.topic));
    let newest = dlq.newest_ms.map(readable_ms);
    let rate = dlq.per_minute.map(|r| format!("{r:.2} / min"));
    let groups = dlq.groups.clone();
    let replaying: RwSignal<Option<ErrorGroup>> = RwSignal::new(None);
    view! {
        <section class="card" data-testid="dlq-card">
            <h2>"Dead letter queue"</h2>
            {dlq.failing_quietly.then(|| view! {
                <p class="warning" role="alert" data-testid="failing-quietly">
                    "The connector looks healthy, yet its dead letter queue received records in the last hour: records are failing quietly."
                </p>
            })}
            <dl class="facts">
                <div><dt>"Topic"</dt><dd><A href=records_href><code>{dlq.topic.clone()}</code></A></dd></div>
                <div><dt>"Records"</dt><dd data-testid="dlq-total">{dlq.total}</dd></div>
                <div><dt>"Last hour"</dt><dd data-testid="dlq-last-hour">{dlq.last_hour}</dd></div>
                <div><dt>"Rate"</dt><dd>{rate}</dd></div>
                <div><dt>"Newest"</dt><dd>{newest.unwrap_or_else(|| "—".to_owned())}</dd></div>
            </dl>
            {(!dlq.context_headers).then(|| view! {
                <p class="muted">"Set " <code>"errors.deadletterqueue.context.headers.enable=true"</code> " for Connect to say why each record failed."</p>
            })}
            {match groups {
                None => view! { <p class="muted" data-testid="no-contents">"Causes are shown to those who may read record contents."</p> }.into_any(),
                Some(groups) if groups.is_empty() => view! { <p class="muted">"No dead letters."</p> }.into_any(),
                Some(groups) => view! {
                    <h3>{format!("Causes of the latest {} dead letters", dlq.scanned)}</h3>
                    <ErrorGroups groups can_replay replaying />
                }.into_any(),
            }}
            {move || replaying.get().map(|group| {
                let (cluster, name) = (cluster.clone(), name.clone());
                view! { <ReplayPanel cluster name group replaying on_replayed /> }
            })}
        </section>
    }
}

#[component]
fn ErrorGroups(
    groups: Vec<ErrorGroup>,
    can_replay: bool,
    replaying: RwSignal<Option<ErrorGroup>>,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table data-testid="error-groups">
                <thead><tr><th>"Cause"</th><th>"Stage"</th><th>"Count"</th><th>"Seen"</th><th>"Original records"</th><th></th></tr></thead>
                <tbody>
                    {groups.into_iter().map(|group| {
                        let seen = match (group.first_seen_ms, group.last_seen_ms) {
                            (Some(first), Some(last)) => format!("{} to {}", readable_ms(first), readable_ms(last)),
                            _ => String::new(),
                        };
                        let origins = group.origins.iter()
                            .map(|o| format!("{}[{}] {}–{}", o.topic, o.partition, o.first_offset, o.last_offset))
                            .collect::<Vec<_>>().join(", ");
                        let exception = group.exception.rsplit('.').next().unwrap_or_default().to_owned();
                        let chosen = group.clone();
                        view! {
                            <tr data-testid="error-group" data-count=group.count>
                                <td><strong title=group.exception.clone()>{exception}</strong><br/><span class="small">{group.message.clone()}</span></td>
                                <td class="small">{group.stage.clone()}</td>
                                <td data-testid="error-group-count">{group.count}</td>
                                <td class="small">{seen}</td>
                                <td class="small"><code>{origins}</code></td>
                                <td>{can_replay.then(|| view! {
                                    <button type="button" data-testid="replay-group" on:click=move |_| replaying.set(Some(chosen.clone()))>"Replay…"</button>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A dry run first (how many records, to which topics), then the replay once confirmed.
#[component]
fn ReplayPanel(
    cluster: String,
    name: String,
    group: ErrorGroup,
    replaying: RwSignal<Option<ErrorGroup>>,
    on_replayed: Callback<()>,
) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let target = RwSignal::new(String::new());
    // The same call twice: a dry run whose report is shown, then the replay itself.
    let dry_run = {
        let (cluster, name) = (cluster.clone(), name.clone());
        Action::new_local(move |asked: &ReplayRequest| {
            let (cluster, name, asked) = (cluster.clone(), name.clone(), asked.clone());
            async move { api::replay_dead_letters(&cluster, &name, &asked).await }
        })
    };
    let replay = Action::new_local(move |asked: &ReplayRequest| {
        let (cluster, name, asked) = (cluster.clone(), name.clone(), asked.clone());
        async move {
            match api::replay_dead_letters(&cluster, &name, &asked).await {
                Ok(report) if report.failed == 0 => {
                    toaster.success(format!("Replayed {} records", report.produced));
                    replaying.set(None);
                    on_replayed.run(());
                }
                Ok(report) => toaster.failure(format!(
                    "{} records replayed, {} failed",
                    report.produced, report.failed
                )),
                Err(error) => toaster.refused("Replay refused", &error),
            }
        }
    });
    let (checked, busy) = (dry_run.value(), replay.pending());
    let request = {
        let key = StoredValue::new(group.key.clone());
        move |dry_run: bool| {
            // The topics the dry run showed, taken from the headers, are the ones confirmed.
            let confirmed_targets = match checked.get_untracked() {
                Some(Ok(report)) if !dry_run && report.from_headers => {
                    report.targets.keys().cloned().collect()
                }
                _ => Vec::new(),
            };
            ReplayRequest {
                records: Vec::new(),
                group: Some(key.get_value()),
                target: Some(target.get_untracked()).filter(|t| !t.trim().is_empty()),
                dry_run,
                confirmed_targets,
            }
        }
    };
    let check = move || {
        dry_run.dispatch_local(request(true));
    };
    check();
    let confirm = move |_| {
        replay.dispatch_local(request(false));
    };
    view! {
        <div class="panel" data-testid="replay-panel">
            <h3>"Replay " {group.count} " dead letters of this cause"</h3>
            <label>"To topic (leave empty for the topic each came from)"
                <input type="text" prop:value=move || target.get() on:input=move |ev| target.set(event_target_value(&ev)) on:change=move |_| check() data-testid="replay-target" />
            </label>
            {move || checked.get().map(|answer| match answer {
                Ok(report) => view! { <DryRun report /> }.into_any(),
                Err(error) => view! { <Failure error testid="replay-refused" /> }.into_any(),
            })}
            <p class="muted small">"Replay is at least once: each record is produced again with its key, value and own headers (Connect's error headers left out). A replay repeated, or one that fails part-way, can produce a record twice. Fix the cause first, or they come back here."</p>
            <div class="button-row">
                <button class="primary" disabled=move || busy.get() || !matches!(checked.get(), Some(Ok(ref r)) if !r.targets.is_empty()) on:click=confirm data-testid="replay-confirm">"Replay"</button>
                <button type="button" on:click=move |_| replaying.set(None)>"Cancel"</button>
            </div>
        </div>
    }
}

/// What a dry run found: how many records go where (and, for targets the records' headers
/// name, that they are what the replay is confirmed to), and the records that go nowhere.
#[component]
fn DryRun(report: ReplayReport) -> impl IntoView {
    let produced: u64 = report.targets.values().sum();
    let targets = report
        .targets
        .iter()
        .map(|(t, n)| format!("{n} to {t}"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <p data-testid="replay-dry-run">{format!("{produced} records will be produced: {targets}")}</p>
        {report.from_headers.then(|| view! {
            <p class="muted small" data-testid="replay-from-headers">"These topics come from the dead letters' headers, which anyone who can write to the sink's topics can set: replaying confirms them."</p>
        })}
        {report.refused.into_iter().map(|refused| view! {
            <p class="error" data-testid="replay-refused-target">{format!("{} records name `{}`, where no replay goes ({}): they are left out", refused.records, refused.topic, refused.reason)}</p>
        }).collect_view()}
    }
}
