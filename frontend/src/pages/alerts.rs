//! Alerts: incidents (open first) with acknowledge and silence, the rules with delete, and a
//! form for a new rule.

use std::time::Duration;

use api_types::{AlertRule, Incident, Role, RuleKind, RuleSpec, WebhookFormat};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::{ColumnHeads, readable_time};
use crate::failure::Failure;
use crate::links;
use crate::live::live;
use crate::session;
use crate::toasts::Toaster;

const REFRESH_EVERY: Duration = Duration::from_secs(5);

#[component]
pub(crate) fn AlertsPage() -> impl IntoView {
    let incidents = live(REFRESH_EVERY, || (), |()| api::list_incidents());
    let rules = live(REFRESH_EVERY, || (), |()| api::list_rules());
    let list: Memo<Vec<Incident>> = Memo::new(move |_| {
        let mut all = incidents.ok_map(Clone::clone).unwrap_or_default();
        all.sort_by_key(|i| i.resolved_at.is_some());
        all
    });
    let on_changed = Callback::new(move |()| {
        incidents.refresh();
        rules.refresh();
    });
    view! {
        <div class="title-row"><h1>"Alerts"</h1></div>
        <section class="card">
            <h2>"Incidents"</h2>
            {move || incidents.error().map(|error| view! { <Failure error /> })}
            <Show when=move || list.with(Vec::is_empty)><p class="muted">"No incidents."</p></Show>
            <div class="table-scroll">
                <table data-testid="incidents">
                    <ColumnHeads columns=&["Rule", "Subject", "Opened", "State", "Worst", "What it saw", ""] />
                    <tbody>
                        <For each=move || list.get() key=|i| (i.id, i.resolved_at.clone(), i.acknowledged_at.clone(), i.silenced_until.clone(), i.restart_attempts) let(incident)>
                            <IncidentRow incident on_changed />
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
        <section class="card">
            <h2>"Rules"</h2>
            {move || rules.error().map(|error| view! { <Failure error /> })}
            <ul class="rules" data-testid="rules">
                {move || rules.ok_map(Clone::clone).unwrap_or_default().into_iter().map(|r| view! { <RuleItem rule=r on_changed /> }).collect_view()}
            </ul>
            {session::may(Role::Admin, None).then(|| view! { <NewRuleForm on_created=on_changed /> })}
        </section>
    }
}

#[component]
fn IncidentRow(incident: Incident, on_changed: Callback<()>) -> impl IntoView {
    let toaster: Toaster = expect_context();
    let id = incident.id;
    let open = incident.resolved_at.is_none();
    let subject = if matches!(incident.kind, RuleKind::Unreachable) {
        view! { <span>{format!("{} ({})", incident.cluster, incident.subject)}</span> }.into_any()
    } else {
        let href = links::href(&links::connector(&incident.cluster, &incident.subject));
        view! { <A href=href>{incident.subject.clone()}</A> }.into_any()
    };
    let state = match (&incident.resolved_at, &incident.acknowledged_at) {
        (Some(at), _) => format!("resolved {}", readable_time(at)),
        (None, Some(_)) => "open, acknowledged".to_owned(),
        (None, None) => "open".to_owned(),
    };
    // `true`: silence for an hour; `false`: acknowledge.
    let act = Action::new_local(move |&silence: &bool| async move {
        let done = if silence {
            api::silence_incident(id, 60).await
        } else {
            api::acknowledge_incident(id).await
        };
        match done {
            Ok(_) => toaster.success(if silence {
                "Silenced for an hour"
            } else {
                "Acknowledged"
            }),
            Err(error) => toaster.refused("", &error),
        }
        on_changed.run(());
    });
    let busy = act.pending();
    let operator = session::may_somewhere(Role::Operator);
    let can_ack = operator && open && incident.acknowledged_at.is_none();
    let can_silence = operator && open;
    view! {
        <tr data-testid="incident-row" data-rule=incident.rule_id class:problem=open>
            <td>{incident.rule_name.clone()}</td>
            <td>{subject}</td>
            <td>{readable_time(&incident.opened_at)}</td>
            <td data-testid="incident-state">{state}
                {incident.silenced_until.clone().map(|t| view! { <div class="muted small">{format!("silenced until {}", readable_time(&t))}</div> })}
            </td>
            <td>{incident.worst_value.map(|v| v.to_string())}</td>
            <td>{incident.opening.clone()}
                {incident.restart_note.clone().map(|n| view! { <div class="muted small">{n}</div> })}
            </td>
            <td>
                {can_ack.then(|| view! { <button type="button" data-testid="acknowledge" disabled=move || busy.get() on:click=move |_| { act.dispatch_local(false); }>"Acknowledge"</button> })}
                {can_silence.then(|| view! { <button type="button" disabled=move || busy.get() on:click=move |_| { act.dispatch_local(true); }>"Silence 1 h"</button> })}
            </td>
        </tr>
    }
}

#[component]
fn RuleItem(rule: AlertRule, on_changed: Callback<()>) -> impl IntoView {
    let toaster: Toaster = expect_context();
    let id = rule.id;
    let spec = rule.spec;
    let scope = format!(
        "{} · {} · {}",
        spec.cluster
            .clone()
            .unwrap_or_else(|| "every cluster".into()),
        spec.connector_pattern
            .clone()
            .unwrap_or_else(|| "every connector".into()),
        spec.threshold
            .map_or_else(String::new, |t| format!("threshold {t}")),
    );
    let delete = Action::new_local(move |&(): &()| async move {
        match api::delete_rule(id).await {
            Ok(()) => toaster.success("Rule deleted"),
            Err(error) => toaster.refused("", &error),
        }
        on_changed.run(());
    });
    view! {
        <li data-testid="rule">
            <strong>{spec.name}</strong> " " <code>{spec.kind.as_str()}</code> " "
            <span class="muted small">{scope}{(spec.for_seconds > 0).then(|| format!(" · for {} s", spec.for_seconds))}
                {spec.auto_restart.then(|| format!(" · auto-restart up to {}", spec.max_restarts))}
                {spec.webhook_url.map(|u| format!(" · webhook {u}"))}</span>
            {session::may(Role::Admin, None).then(|| view! { " " <button type="button" class="danger" disabled=move || delete.pending().get() on:click=move |_| { delete.dispatch_local(()); }>"Delete"</button> })}
        </li>
    }
}

/// A new rule; `preset` fills kind, cluster and pattern (the connector page's shortcut).
#[component]
pub(crate) fn NewRuleForm(
    on_created: Callback<()>,
    #[prop(optional)] preset: Option<(RuleKind, String, String)>,
) -> impl IntoView {
    let toaster: Toaster = expect_context();
    let (kind0, cluster0, pattern0) =
        preset
            .clone()
            .unwrap_or((RuleKind::Failed, String::new(), String::new()));
    let name = RwSignal::new(
        preset
            .as_ref()
            .map(|(_, _, p)| format!("lag of {p}"))
            .unwrap_or_default(),
    );
    let kind = RwSignal::new(kind0);
    let cluster = RwSignal::new(cluster0);
    let pattern = RwSignal::new(pattern0);
    let threshold = RwSignal::new(String::from("1000"));
    let for_seconds = RwSignal::new(String::from("0"));
    let webhook = RwSignal::new(String::new());
    let slack = RwSignal::new(false);
    let auto_restart = RwSignal::new(false);
    let text =
        |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty());
    let create = Action::new_local(move |spec: &RuleSpec| {
        let spec = spec.clone();
        async move {
            match api::create_rule(spec).await {
                Ok(rule) => {
                    toaster.success(format!("Rule “{}” created", rule.spec.name));
                    on_created.run(());
                }
                Err(error) => toaster.refused("", &error),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let spec = RuleSpec {
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            cluster: text(cluster),
            connector_pattern: text(pattern),
            threshold: text(threshold).and_then(|t| t.parse().ok()),
            for_seconds: text(for_seconds).and_then(|t| t.parse().ok()).unwrap_or(0),
            samples: None,
            allowed_lag: None,
            webhook_url: text(webhook),
            webhook_format: if slack.get_untracked() {
                WebhookFormat::Slack
            } else {
                WebhookFormat::Json
            },
            repeat_seconds: None,
            auto_restart: auto_restart.get_untracked(),
            max_restarts: 3,
        };
        create.dispatch_local(spec);
    };
    let field = |label: &'static str, value: RwSignal<String>, testid: &'static str| {
        view! {
            <label>{label}<input prop:value=move || value.get() data-testid=testid on:input=move |ev| value.set(event_target_value(&ev)) /></label>
        }
    };
    view! {
        <form class="rule-form" data-testid="new-rule" on:submit=submit>
            <h3>{if preset.is_some() { "Alert on this connector" } else { "New rule" }}</h3>
            {field("Name ", name, "rule-name")}
            <label>"Kind "
                <select data-testid="rule-kind" on:change=move |ev| {
                    if let Some(k) = RuleKind::parse(&event_target_value(&ev)) { kind.set(k) }
                }>
                    {RuleKind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=move || kind.get() == k>{k.as_str()}</option> }).collect_view()}
                </select>
            </label>
            {field("Cluster ", cluster, "rule-cluster")}
            {field("Connector pattern ", pattern, "rule-pattern")}
            <Show when=move || kind.get().needs_threshold()>{field("Threshold ", threshold, "rule-threshold")}</Show>
            {field("For seconds ", for_seconds, "rule-for")}
            {field("Webhook URL ", webhook, "rule-webhook")}
            <label><input type="checkbox" prop:checked=move || slack.get() on:change=move |ev| slack.set(event_target_checked(&ev)) /> " Slack format"</label>
            <label><input type="checkbox" prop:checked=move || auto_restart.get() on:change=move |ev| auto_restart.set(event_target_checked(&ev)) /> " Restart failed tasks automatically"</label>
            <button type="submit" disabled=move || create.pending().get() data-testid="create-rule">"Create rule"</button>
        </form>
    }
}
