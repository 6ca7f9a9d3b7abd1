//! Unit tests of finding state changes, on statuses shaped like Connect's.

use super::*;
use plugboard_connect::model::{StateEntry, TaskState};

fn status(connector: &str, tasks: &[(&str, &str, Option<&str>)]) -> ConnectorStatus {
    ConnectorStatus {
        connector: StateEntry {
            state: ConnectorState::parse(connector),
            worker_id: Some("w1:8083".into()),
            trace: None,
            version: None,
        },
        tasks: tasks
            .iter()
            .enumerate()
            .map(|(id, (state, worker, trace))| TaskState {
                id: id as u32,
                state: ConnectorState::parse(state),
                worker_id: Some((*worker).into()),
                trace: trace.map(str::to_owned),
                version: None,
            })
            .collect(),
        kind: Some("sink".into()),
    }
}

fn statuses(status: ConnectorStatus) -> BTreeMap<String, ConnectorStatus> {
    BTreeMap::from([("orders".to_owned(), status)])
}

fn remember(changes: Vec<Change>) -> HashMap<Subject, Seen> {
    changes.into_iter().map(|c| (c.subject, c.after)).collect()
}

#[test]
fn the_first_sight_of_a_connector_and_its_tasks_is_recorded_once() {
    let now = statuses(status("RUNNING", &[("RUNNING", "w1:8083", None)]));

    let first = changes("prod", &now, &HashMap::new());
    let again = changes("prod", &now, &remember(first.clone()));

    assert_eq!(first.len(), 2);
    assert!(first.iter().all(|c| c.before.is_none()));
    assert_eq!(first[1].subject.task, Some(0));
    assert!(again.is_empty());
}

#[test]
fn a_failed_task_is_recorded_with_its_cause_and_its_previous_state() {
    let running = statuses(status("RUNNING", &[("RUNNING", "w1:8083", None)]));
    let known = remember(changes("prod", &running, &HashMap::new()));
    let trace = "org.apache.kafka.connect.errors.ConnectException: boom\n\tat x\nCaused by: java.io.IOException: disk full";
    let failed = statuses(status("RUNNING", &[("FAILED", "w1:8083", Some(trace))]));

    let found = changes("prod", &failed, &known);

    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subject.task, Some(0));
    assert_eq!(
        found[0].before.as_ref().map(|b| b.state),
        Some(ConnectorState::Running)
    );
    assert_eq!(found[0].after.state, ConnectorState::Failed);
    assert_eq!(
        found[0].cause.as_deref(),
        Some("Caused by: java.io.IOException: disk full")
    );
}

#[test]
fn a_task_moving_to_another_worker_is_a_change_even_in_the_same_state() {
    let before = statuses(status("RUNNING", &[("RUNNING", "w1:8083", None)]));
    let known = remember(changes("prod", &before, &HashMap::new()));
    let moved = statuses(status("RUNNING", &[("RUNNING", "w2:8083", None)]));

    let found = changes("prod", &moved, &known);

    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].before.as_ref().and_then(|b| b.worker.as_deref()),
        Some("w1:8083")
    );
    assert_eq!(found[0].after.worker.as_deref(), Some("w2:8083"));
}
