//! The connector's place in connectors as code: in sync with its spec, drifted (what differs,
//! and who changed it according to the history), or unmanaged; shown when specs were applied
//! to its cluster.

use std::time::Duration;

use api_types::{AppliedSpecs, ConnectorDrift, DriftStatus, RecordedChange};
use leptos::prelude::*;

use crate::api;
use crate::components::{DiffTable, DriftBadge, readable_time};
use crate::live::live;

const REFRESH_EVERY: Duration = Duration::from_secs(5);

#[component]
pub(crate) fn DriftCard(cluster: String, name: String) -> impl IntoView {
    let drift = live(
        REFRESH_EVERY,
        || (),
        move |()| api::connector_drift(cluster.clone(), name.clone()),
    );
    move || {
        let (applied, connector) =
            drift.ok_map(|d| (d.applied.clone(), d.connectors.first().cloned()))?;
        let applied = applied?;
        Some(view! {
            <section class="card" data-testid="drift-card">
                <h2>"As code"</h2>
                <AppliedLine applied=applied />
                {match connector {
                    Some(connector) => view! { <ConnectorDriftView connector /> }.into_any(),
                    None => view! { <p class="muted">"Not on the cluster."</p> }.into_any(),
                }}
            </section>
        })
    }
}

/// When, by whom and from which commit the cluster's specs were applied.
#[component]
fn AppliedLine(applied: AppliedSpecs) -> impl IntoView {
    let commit = applied
        .commit
        .map(|c| view! { " from commit " <code>{c}</code> });
    let strict = applied.strict.then(|| view! { " " <span class="badge info" title="Edits made anywhere else than apply are refused">"strict"</span> });
    view! {
        <p class="muted small" data-testid="applied-line">
            "The cluster's specs were applied " {readable_time(&applied.at)} " by " {applied.by} {commit} "." {strict}
        </p>
    }
}

#[component]
fn ConnectorDriftView(connector: ConnectorDrift) -> impl IntoView {
    let ConnectorDrift {
        status,
        missing,
        diff,
        state,
        changed_by,
        ..
    } = connector;
    let explanation = match status {
        DriftStatus::InSync => "The live connector is as its spec says.",
        DriftStatus::Unmanaged => {
            "No applied spec names this connector; apply will leave it alone."
        }
        DriftStatus::Drifted if missing => {
            "The spec names this connector, but it is gone from the cluster."
        }
        DriftStatus::Drifted => {
            "The live connector differs from its spec; the next apply will set it back."
        }
    };
    let state_line = state.map(|s| {
        let spec = s.from.map_or("—", |f| f.as_str());
        view! { <p data-testid="drift-state">"State: the spec says " <strong>{spec}</strong> ", the connector is " <strong>{s.to.as_str()}</strong> "."</p> }
    });
    let diff_view = (!diff.is_empty() && !missing)
        .then(|| view! { <DiffTable changes=diff sides=("Spec", "Live") /> });
    let who = (status == DriftStatus::Drifted && !missing)
        .then(|| view! { <ChangedBy changes=changed_by /> });
    view! {
        <p><DriftBadge status /> " " {explanation}</p>
        {state_line}
        {diff_view}
        {who}
    }
}

/// The recorded changes since the apply, or the note that none went through Plugboard.
#[component]
fn ChangedBy(changes: Vec<RecordedChange>) -> impl IntoView {
    if changes.is_empty() {
        return view! {
            <p class="muted" data-testid="changed-by">"No change went through Plugboard since the apply: it was made on a worker directly."</p>
        }
        .into_any();
    }
    view! {
        <ul class="plain" data-testid="changed-by">
            {changes.into_iter().map(|c| view! {
                <li>{c.action.as_str()} " by " <strong>{c.actor}</strong> " (" {c.source.as_str()} ") " {readable_time(&c.at)}</li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
