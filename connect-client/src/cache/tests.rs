//! Unit tests of coalescing, expiry and invalidation.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use reqwest::StatusCode;

use super::*;

fn counting_fetch(
    calls: &Arc<AtomicUsize>,
    status: StatusCode,
) -> impl Future<Output = Outcome> + Send + 'static {
    let calls = calls.clone();
    async move {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok(UpstreamResponse {
            status,
            body: Bytes::from(n.to_string()),
        })
    }
}

#[tokio::test]
async fn concurrent_identical_gets_share_one_call() {
    let cache = Arc::new(GetCache::new(Duration::ZERO));
    let calls = Arc::new(AtomicUsize::new(0));

    let waiters = (0..20).map(|_| {
        let cache = cache.clone();
        let fetch = counting_fetch(&calls, StatusCode::OK);
        tokio::spawn(async move {
            cache
                .get_or_fetch("/connectors/a/config".into(), false, fetch)
                .await
        })
    });
    let answers = futures::future::join_all(waiters).await;

    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(
        answers
            .iter()
            .all(|a| a.as_ref().unwrap().as_ref().unwrap().body == "1")
    );
}

#[tokio::test]
async fn a_cacheable_answer_is_reused_until_invalidated() {
    let cache = GetCache::new(Duration::from_secs(60));
    let calls = Arc::new(AtomicUsize::new(0));

    cache
        .get_or_fetch(
            "/connectors".into(),
            true,
            counting_fetch(&calls, StatusCode::OK),
        )
        .await
        .unwrap();
    let second = cache
        .get_or_fetch(
            "/connectors".into(),
            true,
            counting_fetch(&calls, StatusCode::OK),
        )
        .await
        .unwrap();
    cache.invalidate();
    let third = cache
        .get_or_fetch(
            "/connectors".into(),
            true,
            counting_fetch(&calls, StatusCode::OK),
        )
        .await
        .unwrap();

    assert_eq!(second.body, "1");
    assert_eq!(third.body, "2");
}

#[tokio::test]
async fn error_answers_and_uncacheable_paths_are_not_kept() {
    let cache = GetCache::new(Duration::from_secs(60));
    let calls = Arc::new(AtomicUsize::new(0));

    cache
        .get_or_fetch(
            "/connectors".into(),
            true,
            counting_fetch(&calls, StatusCode::NOT_FOUND),
        )
        .await
        .unwrap();
    cache
        .get_or_fetch(
            "/connectors".into(),
            true,
            counting_fetch(&calls, StatusCode::NOT_FOUND),
        )
        .await
        .unwrap();
    cache
        .get_or_fetch(
            "/connector-plugins".into(),
            false,
            counting_fetch(&calls, StatusCode::OK),
        )
        .await
        .unwrap();
    cache
        .get_or_fetch(
            "/connector-plugins".into(),
            false,
            counting_fetch(&calls, StatusCode::OK),
        )
        .await
        .unwrap();

    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn an_answer_in_flight_during_an_invalidation_is_not_stored() {
    let cache = Arc::new(GetCache::new(Duration::from_secs(60)));
    let calls = Arc::new(AtomicUsize::new(0));

    let in_flight = {
        let cache = cache.clone();
        let fetch = counting_fetch(&calls, StatusCode::OK);
        tokio::spawn(async move { cache.get_or_fetch("/connectors".into(), true, fetch).await })
    };
    tokio::time::sleep(Duration::from_millis(5)).await;
    cache.invalidate();
    in_flight.await.unwrap().unwrap();
    let after = cache
        .get_or_fetch(
            "/connectors".into(),
            true,
            counting_fetch(&calls, StatusCode::OK),
        )
        .await
        .unwrap();

    assert_eq!(after.body, "2");
}

#[test]
fn lists_statuses_and_a_connectors_own_reads_are_cacheable_and_others_are_not() {
    assert!(is_cacheable("/connectors?expand=status&expand=info"));
    assert!(is_cacheable("/connectors/a%2Fb/status"));
    assert!(is_cacheable("/connectors/a/tasks/0/status"));
    for read in ["", "/config", "/tasks", "/topics", "/offsets"] {
        assert!(is_cacheable(&format!("/connectors/a%2Fb{read}")), "{read}");
    }
    assert!(!is_cacheable("/connectors/"));
    assert!(!is_cacheable("/connectors/a/tasks-config"));
    assert!(!is_cacheable("/connector-plugins"));
    assert!(!is_cacheable("/admin/loggers"));
    assert!(!is_cacheable("/"));
}

#[tokio::test]
async fn callers_choosing_many_paths_cannot_grow_the_cache_past_its_cap() {
    let cache = GetCache::new(Duration::from_secs(60));
    let calls = Arc::new(AtomicUsize::new(0));

    let instant_fetch = |calls: &Arc<AtomicUsize>| {
        let calls = calls.clone();
        async move {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(UpstreamResponse {
                status: StatusCode::OK,
                body: Bytes::from(n.to_string()),
            })
        }
    };
    for i in 0..MAX_ENTRIES + 200 {
        let path = format!("/connectors/attacker-{i}/status");
        cache
            .get_or_fetch(path, true, instant_fetch(&calls))
            .await
            .unwrap();
    }
    let newest = format!("/connectors/attacker-{}/status", MAX_ENTRIES + 199);
    let again = cache
        .get_or_fetch(newest, true, instant_fetch(&calls))
        .await
        .unwrap();

    assert_eq!(cache.len(), MAX_ENTRIES);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        MAX_ENTRIES + 200,
        "the newest stayed cached"
    );
    assert_eq!(again.body, (MAX_ENTRIES + 200).to_string());
}
