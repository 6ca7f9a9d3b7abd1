//! Each group a flow checkpoints as it would fail over to the target now, and the failover
//! itself: what it sets (a dry run), then, confirmed with a reason, the group's offsets on the
//! target set to MirrorMaker 2's newest checkpoints.

use api_types::{Action as ChangeAction, FailoverReport, FailoverRequest, GroupFailover};
use leptos::prelude::*;

use super::age;
use crate::api;
use crate::components::ColumnHeads;
use crate::failure::Failure;
use crate::session;
use crate::toasts::Toaster;

/// The group whose failover is open, with its flow.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Chosen {
    cluster: String,
    source: String,
    target: String,
    group: String,
}

/// The failover open on the page, if any.
#[derive(Clone, Copy)]
pub(super) struct FailingOver(pub RwSignal<Option<Chosen>>);

impl FailingOver {
    pub(super) fn provide() -> Self {
        let open = Self(RwSignal::new(None));
        provide_context(open);
        open
    }
}

/// The groups the flow checkpoints, as they would fail over to the target now.
#[component]
pub(super) fn Failover(
    cluster: String,
    source: String,
    target: String,
    groups: Vec<GroupFailover>,
    now_ms: i64,
) -> impl IntoView {
    let FailingOver(failing_over) = expect_context();
    let may = session::may(ChangeAction::GroupFailover.role(), Some(&cluster));
    view! {
        <h3>"Consumer groups on failover"</h3>
        <p class="muted small">"Where each group would resume on the target now: its offsets there, translated by MirrorMaker 2 (synced to the group, else its newest checkpoint), and what it would have left to read."</p>
        <div class="table-scroll">
            <table data-testid="flow-groups">
                <ColumnHeads columns=&["Group", "Committed on the source → resumes on the target", "Newest checkpoint", "Lag on the target", ""] />
                <tbody>
                    {groups.into_iter().map(|group| {
                        let lines = group.partitions.iter().map(|p| {
                            let at = match (p.translated, p.checkpoint) {
                                (Some(synced), _) => format!("{synced} (synced)"),
                                (None, Some(c)) => format!("{} (checkpoint of {})", c.downstream, c.upstream),
                                (None, None) => "not translated yet".to_owned(),
                            };
                            view! { <div><code>{format!("{}-{}", p.topic, p.partition)}</code> " " {p.source_committed} " → " <code>{format!("{}-{}", p.remote, p.partition)}</code> " " {at}</div> }
                        }).collect_view();
                        let checkpointed = group.newest_checkpoint_ms
                            .map_or_else(|| "none".to_owned(), |at| format!("{} ago", age(now_ms, at).0));
                        let chosen = Chosen {
                            cluster: cluster.clone(),
                            source: source.clone(),
                            target: target.clone(),
                            group: group.group.clone(),
                        };
                        view! {
                            <tr data-testid="flow-group" data-group=group.group>
                                <td><code>{group.group.clone()}</code></td>
                                <td class="small">{lines}</td>
                                <td data-testid="group-checkpoint-age">{checkpointed}</td>
                                <td class="number" data-testid="group-target-lag">{group.target_lag.map_or_else(|| "?".to_owned(), |l| l.to_string())}</td>
                                <td>{may.then(|| view! {
                                    <button type="button" data-testid="prepare-failover" on:click=move |_| failing_over.set(Some(chosen.clone()))>"Prepare failover…"</button>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A dry run first (which offsets the group gets on the target), then the failover once
/// confirmed, with an optional reason for the history.
#[component]
pub(super) fn FailoverPanel(chosen: Chosen) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let FailingOver(failing_over) = expect_context();
    let reason = RwSignal::new(String::new());
    let request = |chosen: &Chosen, dry_run: bool| FailoverRequest {
        source: chosen.source.clone(),
        target: chosen.target.clone(),
        group: chosen.group.clone(),
        dry_run,
    };
    let asked = StoredValue::new(chosen.clone());
    let dry_run = Action::new_local(move |(): &()| {
        let chosen = asked.get_value();
        async move { api::fail_over(&chosen.cluster, &request(&chosen, true), None).await }
    });
    dry_run.dispatch_local(());
    let confirm = Action::new_local(move |(): &()| {
        let chosen = asked.get_value();
        let why = Some(reason.get_untracked()).filter(|r| !r.trim().is_empty());
        async move {
            match api::fail_over(&chosen.cluster, &request(&chosen, false), why).await {
                Ok(report) => {
                    toaster.success(format!(
                        "Group {} failed over: {} partitions set on {}",
                        report.group,
                        report.offsets.len(),
                        report.target_kafka
                    ));
                    failing_over.set(None);
                }
                Err(error) => toaster.refused("Failover refused", &error),
            }
        }
    });
    let (planned, busy) = (dry_run.value(), confirm.pending());
    let ready = move || matches!(planned.get(), Some(Ok(ref r)) if r.blocked.is_none());
    view! {
        <div class="panel" data-testid="failover-panel" data-group=chosen.group>
            <h3>"Fail over group " <code>{chosen.group.clone()}</code> " from " {chosen.source.clone()} " to " {chosen.target.clone()}</h3>
            {move || planned.get().map(|answer| match answer {
                Ok(report) => view! { <Plan report /> }.into_any(),
                Err(error) => view! { <Failure error testid="failover-refused" /> }.into_any(),
            })}
            <p class="muted small">"The group's offsets on the target are set to MirrorMaker 2's newest checkpoints of them, as Kafka's RemoteClusterUtils translates them: at or before where the group had reached, never after, so a record may be read twice, none is skipped. Kafka takes them only while the group has no consumer on the target."</p>
            <input type="text" placeholder="Reason (optional)" aria-label="Reason" data-testid="failover-reason"
                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            <div class="button-row">
                <button class="primary" disabled=move || busy.get() || !ready() on:click=move |_| { confirm.dispatch_local(()); } data-testid="failover-confirm">"Fail over"</button>
                <button type="button" disabled=move || dry_run.pending().get() on:click=move |_| { dry_run.dispatch_local(()); }>"Check again"</button>
                <button type="button" on:click=move |_| failing_over.set(None)>"Cancel"</button>
            </div>
        </div>
    }
}

/// What a failover would set: each partition's offset on the target now and after.
#[component]
fn Plan(report: FailoverReport) -> impl IntoView {
    let rows = report.offsets.into_iter().map(|o| view! {
        <tr data-testid="failover-offset" data-partition=format!("{}-{}", o.topic, o.partition)>
            <td><code>{format!("{}-{}", o.topic, o.partition)}</code></td>
            <td class="number">{o.before.map_or_else(|| "none".to_owned(), |b| b.to_string())}</td>
            <td class="number" data-testid="failover-to">{o.offset}</td>
            <td class="number">{o.upstream}</td>
        </tr>
    }).collect_view();
    view! {
        {report.blocked.map(|why| view! { <p class="error" data-testid="failover-blocked">{why}</p> })}
        <table class="small" data-testid="failover-plan">
            <ColumnHeads columns=&["Partition on the target", "Now", "Set to", "For the source offset"] />
            <tbody>{rows}</tbody>
        </table>
        {(!report.untranslated.is_empty()).then(|| view! {
            <p class="muted small">{format!("Not checkpointed yet, left as they are: {}", report.untranslated.join(", "))}</p>
        })}
    }
}
