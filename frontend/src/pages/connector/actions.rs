//! The connector page's buttons: pause, resume, stop, restart (three scopes), task restart,
//! delete. Each shows progress, then a toast with the outcome and the state it led to.

use std::rc::Rc;
use std::time::Duration;

use api_types::{ConnectorAction, ConnectorState, RestartScope};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

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
}

impl Actions {
    /// Call inside a component: it takes the toaster and the router from the context.
    pub(crate) fn new(cluster: String, name: String, on_changed: Callback<()>) -> Self {
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
        Self { action }
    }

    pub(crate) fn busy(&self) -> Signal<bool> {
        self.action.pending().into()
    }

    /// What the running action is doing, as a sentence (tracked).
    fn progress(&self) -> Option<String> {
        if !self.action.pending().get() {
            return None;
        }
        self.action.input().get().map(|action| action.words().0)
    }

    pub(crate) fn run(&self, action: impl Into<PageAction>) {
        self.action.dispatch_local(action.into());
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
