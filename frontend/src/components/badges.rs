//! Small coloured labels for a connector's computed health and for Connect's raw states.

use api_types::{ConnectorState, DriftStatus, Health};
use leptos::prelude::*;

/// The word and the colour class of a health value.
pub(crate) fn health_label(health: Health) -> (&'static str, &'static str) {
    match health {
        Health::Unhealthy => ("unhealthy", "bad"),
        Health::Degraded => ("degraded", "warn"),
        Health::Restarting => ("restarting", "warn"),
        Health::Unassigned => ("unassigned", "warn"),
        Health::Paused => ("paused", "info"),
        Health::Stopped => ("stopped", "info"),
        Health::Healthy => ("healthy", "ok"),
    }
}

#[component]
pub(crate) fn HealthBadge(health: Health) -> impl IntoView {
    let (word, colour) = health_label(health);
    view! {
        <span class=format!("badge {colour}") data-testid="health-badge" data-health=word>
            {word}
        </span>
    }
}

/// Connect's own state word (RUNNING, FAILED, PAUSED, STOPPED, UNASSIGNED, RESTARTING).
#[component]
pub(crate) fn StateBadge(state: ConnectorState) -> impl IntoView {
    let colour = match state {
        ConnectorState::Running => "ok",
        ConnectorState::Failed => "bad",
        ConnectorState::Paused | ConnectorState::Stopped => "info",
        _ => "warn",
    };
    view! {
        <span class=format!("badge {colour}") data-testid="state-badge" data-state=state.as_str()>
            {state.as_str()}
        </span>
    }
}

/// Where a connector of a managed cluster stands against its spec.
#[component]
pub(crate) fn DriftBadge(status: DriftStatus) -> impl IntoView {
    let (word, colour) = match status {
        DriftStatus::InSync => ("in sync", "ok"),
        DriftStatus::Drifted => ("drifted", "warn"),
        DriftStatus::Unmanaged => ("unmanaged", "info"),
    };
    view! {
        <span class=format!("badge {colour}") data-testid="drift-badge" data-drift=word title="Against the specs last applied to the cluster">
            {word}
        </span>
    }
}
