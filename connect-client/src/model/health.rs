//! A connector's health in one word, its task counts, and the line of its traces that says why.

use api_types::{ConnectorState, Health, TaskCounts};

use super::{ConnectorStatus, TaskState};

/// healthy / degraded (some tasks failed or unassigned) / unhealthy (connector failed, all tasks
/// failed, or running with no task) / paused / stopped / restarting / unassigned.
pub fn health(status: Option<&ConnectorStatus>) -> Health {
    let Some(status) = status else {
        return Health::Unassigned;
    };
    let tasks = task_counts(&status.tasks);
    match status.connector.state {
        ConnectorState::Failed => Health::Unhealthy,
        ConnectorState::Paused => Health::Paused,
        ConnectorState::Stopped => Health::Stopped,
        ConnectorState::Restarting => Health::Restarting,
        ConnectorState::Unassigned => Health::Unassigned,
        _ if tasks.total == 0 || tasks.failed == tasks.total => Health::Unhealthy,
        _ if tasks.restarting > 0 => Health::Restarting,
        _ if tasks.failed > 0 || tasks.unassigned > 0 => Health::Degraded,
        _ if tasks.paused == tasks.total => Health::Paused,
        _ => Health::Healthy,
    }
}

pub fn task_counts(tasks: &[TaskState]) -> TaskCounts {
    let mut counts = TaskCounts {
        total: u32::try_from(tasks.len()).unwrap_or(u32::MAX),
        ..TaskCounts::default()
    };
    for task in tasks {
        match task.state {
            ConnectorState::Running => counts.running += 1,
            ConnectorState::Failed => counts.failed += 1,
            ConnectorState::Paused => counts.paused += 1,
            ConnectorState::Restarting => counts.restarting += 1,
            ConnectorState::Unassigned => counts.unassigned += 1,
            _ => {}
        }
    }
    counts
}

/// The first "Caused by" line of the connector's trace or of a task's, else a trace's first line.
pub fn first_cause(status: &ConnectorStatus) -> Option<String> {
    let traces: Vec<&str> = std::iter::once(status.connector.trace.as_deref())
        .chain(status.tasks.iter().map(|t| t.trace.as_deref()))
        .flatten()
        .collect();
    let caused_by = traces
        .iter()
        .flat_map(|trace| trace.lines())
        .map(str::trim)
        .find(|line| line.starts_with("Caused by:"));
    caused_by
        .or_else(|| traces.first().and_then(|t| t.lines().next()).map(str::trim))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests;
