//! Unit tests of the history SQL on a real SQLite file.

use super::*;

use crate::test_support::scratch_db;

fn event(action: Action) -> NewEvent<'static> {
    NewEvent {
        actor: "tester",
        source: Source::Api,
        cluster: "c",
        connector: Some("x"),
        action,
        detail: None,
        config_before: None,
        config_intended: None,
        reason: None,
    }
}

#[tokio::test]
async fn pruning_by_rows_keeps_the_newest_events() {
    let pool = scratch_db("prune").await;
    let five = [
        Action::Create,
        Action::Pause,
        Action::Resume,
        Action::Stop,
        Action::Delete,
    ];
    for action in five {
        insert_intent(&pool, "replica-1", &event(action))
            .await
            .unwrap();
    }

    let pruned = prune(&pool, Some(30), Some(2)).await.unwrap();
    let left = list(&pool, &Filter::default(), 10).await.unwrap();

    assert_eq!(pruned, 3);
    let actions: Vec<_> = left.iter().map(|e| e.action).collect();
    assert_eq!(actions, [Action::Delete, Action::Stop]);
}

#[tokio::test]
async fn filters_and_pages_select_the_right_events() {
    let pool = scratch_db("filter").await;
    for action in [Action::Pause, Action::Resume, Action::Pause, Action::Pause] {
        let id = insert_intent(&pool, "replica-1", &event(action))
            .await
            .unwrap();
        let done = Completion {
            outcome: Outcome::Success,
            http_status: Some(202),
            message: None,
            config_after: None,
            duration_ms: 3,
        };
        complete(&pool, id, &done).await.unwrap();
    }
    let pauses = Filter {
        action: Some(Action::Pause),
        ..Filter::default()
    };

    let first_page = list(&pool, &pauses, 2).await.unwrap();
    let next = Filter {
        before: Some(first_page[1].id),
        ..pauses
    };
    let second_page = list(&pool, &next, 2).await.unwrap();

    assert_eq!(first_page.len(), 2);
    assert_eq!(second_page.len(), 1);
    assert!(
        first_page
            .iter()
            .chain(&second_page)
            .all(|e| e.action == Action::Pause && e.outcome == Outcome::Success)
    );
}
