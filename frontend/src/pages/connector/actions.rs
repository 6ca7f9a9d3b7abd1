//! The connector page's buttons: pause, resume, stop, restart (three scopes), task restart,
//! delete. Each shows progress, then a toast with the outcome and the state it led to. On a
//! Debezium PostgreSQL source, a resume or restart first asks the slot's guard, and when it
//! would skip changes says so and waits to be told to go on.

use std::rc::Rc;
use std::time::Duration;

use api_types::{ConnectorAction, ConnectorState, GuardVerdict, RestartScope, ResumeGuard};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::slot::GuardNote;
use crate::api::{self, ApiResult};
use crate::components::TypeToConfirm;
use crate::links;
use crate::timing::sleep;
use crate::toasts::Toaster;

const DELETE: PageAction = PageAction::Connector(ConnectorAction::Delete);

/// What a button of the page does: an action on the connector (the vocabulary of bulk calls),
/// or a restart of one of its tasks.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum PageAction {
    Connector(ConnectorAction),
    RestartTask(u32),
}

impl From<ConnectorAction> for PageAction {
    fn from(action: ConnectorAction) -> Self {
        Self::Connector(action)
    }
}

impl PageAction {
    /// What the page says while the action runs, and once it is done.
    fn words(self) -> (String, String) {
        let (doing, done) = match self {
            Self::Connector(ConnectorAction::Pause) => ("Pausing", "Paused"),
            Self::Connector(ConnectorAction::Resume) => ("Resuming", "Resumed"),
            Self::Connector(ConnectorAction::Stop) => ("Stopping", "Stopped"),
            Self::Connector(ConnectorAction::Restart(_)) => ("Restarting", "Restarted"),
            Self::Connector(ConnectorAction::Delete) => ("Deleting", "Deleted"),
            Self::RestartTask(id) => {
                return (
                    format!("Restarting task {id}…"),
                    format!("Restarted task {id} of"),
                );
            }
        };
        (format!("{doing}…"), done.to_owned())
    }

    /// Whether the action starts the connector's streaming again (what the slot guard is for).
    fn restarts_streaming(self) -> bool {
        matches!(
            self,
            Self::Connector(ConnectorAction::Resume | ConnectorAction::Restart(_))
                | Self::RestartTask(_)
        )
    }

    /// The connector state the action leads to, when it leads to one.
    fn target_state(self) -> Option<ConnectorState> {
        match self {
            Self::Connector(ConnectorAction::Pause) => Some(ConnectorState::Paused),
            Self::Connector(ConnectorAction::Resume) => Some(ConnectorState::Running),
            Self::Connector(ConnectorAction::Stop) => Some(ConnectorState::Stopped),
            _ => None,
        }
    }

    async fn perform(self, cluster: &str, name: &str) -> ApiResult<()> {
        match self {
            Self::Connector(ConnectorAction::Pause) => {
                api::act_on_connector(cluster, name, "pause").await
            }
            Self::Connector(ConnectorAction::Resume) => {
                api::act_on_connector(cluster, name, "resume").await
            }
            Self::Connector(ConnectorAction::Stop) => {
                api::act_on_connector(cluster, name, "stop").await
            }
            Self::Connector(ConnectorAction::Restart(scope)) => {
                api::restart_connector(cluster, name, scope).await
            }
            Self::Connector(ConnectorAction::Delete) => api::delete_connector(cluster, name).await,
            Self::RestartTask(id) => api::restart_task(cluster, name, id).await,
        }
    }
}

/// Connect applies pause, resume and stop asynchronously: ask again for a few seconds until the
/// state is reached, and report the state seen last.
async fn settled_state(
    cluster: &str,
    name: &str,
    target: Option<ConnectorState>,
) -> Option<ConnectorState> {
    let mut seen = None;
    for _ in 0..10 {
        sleep(Duration::from_millis(700)).await;
        seen = api::get_connector_state(cluster, name).await.ok();
        if target.is_none() || seen == target {
            break;
        }
    }
    seen
}

/// Opens another page of the app (the router's navigate, kept for use after an await).
type GoTo = Rc<dyn Fn(&str)>;

/// Runs actions for one connector, one at a time, as a Leptos action whose input is the
/// action running.
#[derive(Clone, Copy)]
pub(crate) struct Actions {
    action: Action<PageAction, ()>,
    /// Asks the slot's guard before an action that restarts streaming.
    check: Action<PageAction, ()>,
    /// An action held back because the guard says it skips changes, with what it says.
    held: RwSignal<Option<(PageAction, ResumeGuard)>>,
    /// Whether the connector is a Debezium PostgreSQL source, whose slot guards a resume.
    guarded: Signal<bool>,
}

impl Actions {
    /// Call inside a component: it takes the toaster and the router from the context.
    pub(crate) fn new(
        cluster: String,
        name: String,
        guarded: Signal<bool>,
        on_changed: Callback<()>,
    ) -> Self {
        let navigate = use_navigate();
        let go_to: GoTo = Rc::new(move |path| navigate(path, Default::default()));
        let go_to = StoredValue::new_local(go_to);
        let toaster: Toaster = expect_context();
        let (cluster, name) = (StoredValue::new(cluster), StoredValue::new(name));
        let action = Action::new_local(move |&action: &PageAction| {
            let (cluster, name) = (cluster.get_value(), name.get_value());
            async move {
                let (_, done) = action.words();
                let result = action.perform(&cluster, &name).await;
                let deleted = action == DELETE && result.is_ok();
                match result {
                    Err(error) => toaster.refused(&name, &error),
                    Ok(()) if deleted => toaster.success(format!("{done} {name}")),
                    Ok(()) => {
                        let state = settled_state(&cluster, &name, action.target_state()).await;
                        let state = state.map(|s| format!(", now {s}")).unwrap_or_default();
                        toaster.success(format!("{done} {name}{state}"));
                    }
                }
                if deleted {
                    (go_to.get_value())(&links::dashboard(Some(&cluster)));
                } else {
                    on_changed.run(());
                }
            }
        });
        let held = RwSignal::new(None);
        let check = Action::new_local(move |&wanted: &PageAction| {
            let (cluster, name) = (cluster.get_value(), name.get_value());
            async move {
                // A slot that cannot be read does not hold the action back: its card says why.
                let guard = api::debezium_slot(cluster, name)
                    .await
                    .ok()
                    .and_then(|health| health.guard)
                    .filter(|guard| guard.verdict == GuardVerdict::SkipsEvents);
                match guard {
                    Some(guard) => held.set(Some((wanted, guard))),
                    None => {
                        action.dispatch_local(wanted);
                    }
                }
            }
        });
        Self {
            action,
            check,
            held,
            guarded,
        }
    }

    pub(crate) fn busy(&self) -> Signal<bool> {
        let (action, check) = (self.action, self.check);
        Signal::derive(move || action.pending().get() || check.pending().get())
    }

    /// What the running action is doing, as a sentence (tracked).
    fn progress(&self) -> Option<String> {
        if !self.action.pending().get() {
            return None;
        }
        self.action.input().get().map(|action| action.words().0)
    }

    pub(crate) fn run(&self, action: impl Into<PageAction>) {
        let action = action.into();
        self.held.set(None);
        if action.restarts_streaming() && self.guarded.get_untracked() {
            self.check.dispatch_local(action);
        } else {
            self.action.dispatch_local(action);
        }
    }

    /// Runs the action the guard held back, as the user asked.
    fn run_anyway(&self) {
        if let Some((action, _)) = self.held.get_untracked() {
            self.held.set(None);
            self.action.dispatch_local(action);
        }
    }
}

/// The guard's warning before a resume or restart that would skip changes, with the choice.
#[component]
fn HeldAction(actions: Actions) -> impl IntoView {
    move || {
        actions.held.get().map(|(action, guard)| {
            let (doing, _) = action.words();
            view! {
                <div class="confirm" role="alertdialog" data-testid="resume-guard">
                    <GuardNote guard />
                    <div class="button-row">
                        <button class="danger" on:click=move |_| actions.run_anyway() data-testid="guard-proceed">
                            {format!("{} anyway", doing.trim_end_matches('…'))}
                        </button>
                        <button on:click=move |_| actions.held.set(None) data-testid="guard-cancel">"Cancel"</button>
                    </div>
                </div>
            }
        })
    }
}

/// The row of buttons; which ones show depends on the connector's state.
#[component]
pub(crate) fn ActionBar(
    actions: Actions,
    state: Signal<Option<ConnectorState>>,
    name: String,
    read_only: bool,
    /// The user's role allows pause, resume, stop and restart.
    can_operate: bool,
    /// The user's role allows delete.
    can_edit: bool,
) -> impl IntoView {
    let confirming_delete = RwSignal::new(false);
    let busy = actions.busy();
    let button = move |action: ConnectorAction, label: &'static str, testid: &'static str| {
        view! {
            <button disabled=move || busy.get() on:click=move |_| actions.run(action) data-testid=testid>
                {label}
            </button>
        }
    };
    let restart = move |scope: RestartScope, label: &'static str, testid: &'static str| {
        view! {
            <button disabled=move || busy.get() on:click=move |_| actions.run(ConnectorAction::Restart(scope)) data-testid=testid>
                {label}
            </button>
        }
    };
    let is = move |wanted: ConnectorState| move || state.get() == Some(wanted);
    let confirm_prompt = format!(
        "Type the connector's name, {name}, to delete it. Its config is kept in the history."
    );
    if read_only {
        return view! { <p class="muted">"This cluster is read-only in Plugboard: no changes from here."</p> }.into_any();
    }
    if !can_operate {
        return view! { <p class="muted" data-testid="no-actions">"Your role lets you look at this connector, not change it."</p> }.into_any();
    }
    view! {
        <div class="button-row actions" data-testid="actions">
            <Show when=is(ConnectorState::Running)>{button(ConnectorAction::Pause, "Pause", "pause")}</Show>
            <Show when=move || is(ConnectorState::Paused)() || is(ConnectorState::Stopped)()>{button(ConnectorAction::Resume, "Resume", "resume")}</Show>
            <Show when=move || !is(ConnectorState::Stopped)()>{button(ConnectorAction::Stop, "Stop", "stop")}</Show>
            <details class="menu">
                <summary data-testid="restart-menu">"Restart"</summary>
                <div class="menu-items">
                    {restart(RestartScope::default(), "Connector only", "restart-connector")}
                    {restart(RestartScope { include_tasks: true, only_failed: false }, "Connector and all tasks", "restart-all")}
                    {restart(RestartScope { include_tasks: true, only_failed: true }, "Only failed tasks", "restart-failed")}
                </div>
            </details>
            {can_edit.then(|| view! {
                <button class="danger" disabled=move || busy.get() on:click=move |_| confirming_delete.set(true) data-testid="delete">
                    "Delete"
                </button>
            })}
            {move || actions.progress().map(|text| view! { <span class="progress" role="status"><span class="spinner"></span>{text}</span> })}
        </div>
        <HeldAction actions />
        <Show when=move || confirming_delete.get()>
            <TypeToConfirm
                prompt=confirm_prompt.clone()
                expected=name.clone()
                button="Delete connector"
                on_confirm=Callback::new(move |_| { confirming_delete.set(false); actions.run(ConnectorAction::Delete) })
                on_cancel=Callback::new(move |_| confirming_delete.set(false))
            />
        </Show>
    }
    .into_any()
}
