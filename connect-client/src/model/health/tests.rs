//! Unit tests of health, task counts and the cause line, on bodies shaped like Connect's.

use super::*;
use crate::model::StateEntry;

fn status(connector: &str, tasks: &[&str]) -> ConnectorStatus {
    ConnectorStatus {
        connector: StateEntry {
            state: ConnectorState::parse(connector),
            worker_id: Some("w:8083".into()),
            trace: None,
            version: None,
        },
        tasks: tasks
            .iter()
            .enumerate()
            .map(|(id, state)| TaskState {
                id: id as u32,
                state: ConnectorState::parse(state),
                worker_id: Some("w:8083".into()),
                trace: None,
                version: None,
            })
            .collect(),
        kind: Some("sink".into()),
    }
}

#[test]
fn health_follows_connector_and_task_states() {
    let cases = [
        ("RUNNING", &["RUNNING", "RUNNING"][..], Health::Healthy),
        ("RUNNING", &["RUNNING", "FAILED"][..], Health::Degraded),
        ("RUNNING", &["FAILED", "FAILED"][..], Health::Unhealthy),
        ("RUNNING", &[][..], Health::Unhealthy),
        ("FAILED", &["RUNNING"][..], Health::Unhealthy),
        ("PAUSED", &["PAUSED"][..], Health::Paused),
        ("STOPPED", &[][..], Health::Stopped),
        ("RESTARTING", &["RESTARTING"][..], Health::Restarting),
        (
            "RUNNING",
            &["RUNNING", "RESTARTING"][..],
            Health::Restarting,
        ),
        ("UNASSIGNED", &["UNASSIGNED"][..], Health::Unassigned),
        ("RUNNING", &["RUNNING", "UNASSIGNED"][..], Health::Degraded),
    ];
    for (connector, tasks, expected) in cases {
        assert_eq!(
            health(Some(&status(connector, tasks))),
            expected,
            "{connector} {tasks:?}"
        );
    }
    assert_eq!(health(None), Health::Unassigned);
}

#[test]
fn task_counts_count_each_state() {
    let counts = task_counts(&status("RUNNING", &["RUNNING", "FAILED", "FAILED", "PAUSED"]).tasks);
    assert_eq!(
        (counts.total, counts.running, counts.failed, counts.paused),
        (4, 1, 2, 1)
    );
}

#[test]
fn first_cause_prefers_the_first_caused_by_line_of_any_trace() {
    let mut failed = status("RUNNING", &["RUNNING", "FAILED"]);
    failed.tasks[1].trace = Some(
        "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded\n\tat x.y(Z.java:1)\n\
         Caused by: java.nio.file.AccessDeniedException: /out/file.txt\n\tat a.b(C.java:2)\n\
         Caused by: deeper"
            .into(),
    );
    assert_eq!(
        first_cause(&failed).as_deref(),
        Some("Caused by: java.nio.file.AccessDeniedException: /out/file.txt")
    );
}

#[test]
fn first_cause_falls_back_to_the_first_line_and_is_none_without_traces() {
    let mut failed = status("FAILED", &[]);
    assert_eq!(first_cause(&failed), None);
    failed.connector.trace = Some("java.lang.RuntimeException: boom\n\tat x".into());
    assert_eq!(
        first_cause(&failed).as_deref(),
        Some("java.lang.RuntimeException: boom")
    );
}
