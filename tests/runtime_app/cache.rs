//! The cache: the inbox at once, the sync after it, offline.

use super::*;

#[tokio::test]
async fn the_cache_opens_the_inbox_at_once_then_the_sync_brings_new_changed_and_removed() {
    // The cache answers before the server.
    sync_over_the_cache(Duration::from_millis(150)).await;
}

#[tokio::test]
async fn the_sync_also_works_when_the_server_answers_before_the_cache() {
    sync_over_the_cache(Duration::ZERO).await;
}

#[tokio::test]
async fn offline_reads_only_the_cache_and_says_so() {
    let sim = common::start(120).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite3");
    let (mut online, cache) = Harness::with_cache(&sim, &path);
    online.login().await;
    online
        .until("the preview", |app| app.detail_message().is_some())
        .await;
    let first_id = online.app.inbox.messages[0].id.clone();
    let user = online.app.session.user_key.clone().expect("a user key");
    // Let the prefetches of the online run finish first.
    tokio::time::sleep(Duration::from_millis(500)).await;
    cache.flush().await;
    let scope = online
        .app
        .cache_scope(&innboks::domain::Inbox::Me)
        .expect("a scope");
    let stored = cache
        .ask(move |c| c.load(&scope).map(|l| l.messages.len()))
        .await;
    assert!(
        matches!(stored, Some(Ok(n)) if n >= 50),
        "written: {stored:?}"
    );
    drop(online);
    drop(cache);
    let requests_before: u64 = sim.stats().requests.values().sum();

    let mut offline = Harness::offline(&sim, &path, user);
    assert_eq!(offline.app.screen, Screen::Inbox, "no login offline");
    offline
        .until("the cached list", |app| app.inbox.loaded_once)
        .await;
    assert_eq!(offline.app.inbox.messages.len(), 50);
    assert!(matches!(&offline.app.status, Some(Status::Info(t)) if t.contains("Frakoblet")));
    offline
        .until("the cached body", |app| app.detail_message().is_some())
        .await;
    assert_eq!(offline.app.detail.id.as_deref(), Some(first_id.as_str()));
    // Going down does not fetch; r says why.
    offline.key(KeyCode::Char('G'));
    offline.key(KeyCode::Char('r'));
    assert!(matches!(&offline.app.status, Some(Status::Error(t)) if t.contains("Frakoblet")));
    offline.key(KeyCode::Char('a'));
    offline
        .until(
            "the refusal",
            |app| matches!(&app.status, Some(Status::Error(t)) if t.contains("Frakoblet")),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let requests_after: u64 = sim.stats().requests.values().sum();
    assert_eq!(
        requests_before, requests_after,
        "nothing reached the server"
    );
}

#[tokio::test]
async fn the_parties_are_kept_so_the_switcher_and_the_merged_view_work_offline() {
    let sim = common::start(120).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite3");
    let (mut online, cache) = Harness::with_cache(&sim, &path);
    online.login().await;
    online.key(KeyCode::Char(':'));
    online.text("all");
    online.key(KeyCode::Enter);
    online
        .until("every inbox's first page", |app| {
            app.inbox.sources.len() == 3 && app.inbox.sources.iter().all(|s| s.has_answered())
        })
        .await;
    let parties = online.app.parties.list.clone();
    let merged: Vec<String> = online
        .app
        .inbox
        .messages
        .iter()
        .map(|m| m.id.to_string())
        .collect();
    let user = online.app.session.user_key.clone().expect("a user key");
    tokio::time::sleep(Duration::from_millis(300)).await;
    cache.flush().await;
    drop(online);
    drop(cache);
    let requests_before: u64 = sim.stats().requests.values().sum();

    let mut offline = Harness::offline(&sim, &path, user);
    offline
        .until("the cached list", |app| app.inbox.loaded_once)
        .await;
    // The switcher lists the parties kept from the online run, not an error.
    offline.key(KeyCode::Char('R'));
    offline
        .until("the kept parties", |app| {
            app.switcher().is_some_and(|s| !s.loading)
        })
        .await;
    assert_eq!(offline.app.parties.list, parties);
    assert!(offline.app.parties.cached);
    offline.key(KeyCode::Esc);
    // «Alle» is the cached lists of every party, merged as online.
    offline.key(KeyCode::Char(':'));
    offline.text("all");
    offline.key(KeyCode::Enter);
    offline
        .until("every inbox's cached list", |app| {
            app.inbox.sources.len() == 3
                && app
                    .inbox
                    .sources
                    .iter()
                    .all(|s| s.cache_request().is_none())
                && app.inbox.messages.len() >= merged.len()
        })
        .await;
    assert!(offline.app.whose.is_all());
    let shown: Vec<String> = offline.app.inbox.messages[..merged.len()]
        .iter()
        .map(|m| m.id.to_string())
        .collect();
    assert_eq!(shown, merged, "the same merged list as online");
    assert!(
        !matches!(&offline.app.status, Some(Status::Error(_))),
        "{:?}",
        offline.app.status
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let requests_after: u64 = sim.stats().requests.values().sum();
    assert_eq!(
        requests_before, requests_after,
        "nothing reached the server"
    );
}
