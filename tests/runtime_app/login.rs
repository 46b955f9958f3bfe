//! Logging in and staying logged in: the password, ID-porten's device and browser flows, stored sessions, expired and revoked ones.

use super::*;

#[tokio::test]
async fn login_page_through_and_open() {
    let sim = common::start(120).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    assert_eq!(h.app.screen, Screen::Inbox);
    assert_eq!(h.app.inbox.messages.len(), 50);
    h.until("the profile and the preview", |app| {
        app.session.user_name.is_some() && app.detail_message().is_some()
    })
    .await;
    assert_eq!(h.app.session.user_name.as_deref(), Some("Kari Nordmann"));
    h.key(KeyCode::Char('G'));
    h.until("the second page", |app| app.inbox.messages.len() >= 100)
        .await;
    h.key(KeyCode::Char('G'));
    h.until("the last page", |app| app.inbox.exhausted()).await;
    assert_eq!(
        h.app.inbox.messages.len(),
        inbox_size(120),
        "every message not archived"
    );
    h.key(KeyCode::Char('g'));
    let first = h.app.inbox.messages[0].clone();
    assert_eq!(
        first.status,
        MessageStatus::Unread,
        "the newest message is unread"
    );
    h.key(KeyCode::Enter);
    h.until("the opened message", |app| {
        app.detail.request.is_none() && app.detail_message().is_some()
    })
    .await;
    assert_eq!(
        h.app.inbox.messages[0].status,
        MessageStatus::Read,
        "the list shows it read at once"
    );
    let client = common::client(&sim);
    let session = common::login(&client).await;
    let page = client.messages_page(&session, "my", 0).await.expect("page");
    assert_eq!(
        page.messages[0].status,
        MessageStatus::Read,
        "and so does the server"
    );
}

#[tokio::test]
async fn an_expired_cookie_brings_back_login_and_keeps_the_place() {
    let sim = common::start(60).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('j'));
    let selected = h.app.inbox.selected_message().map(|m| m.id.to_string());
    sim.expire_sessions();
    h.key(KeyCode::Char('r'));
    h.until("the login overlay", |app| app.screen == Screen::Login)
        .await;
    assert!(h.app.login.relogin);
    assert_eq!(h.app.login.username.value(), "demo");
    h.text("demo");
    h.key(KeyCode::Enter);
    h.until("the inbox again", |app| {
        app.screen == Screen::Inbox && !app.inbox.is_loading()
    })
    .await;
    assert_eq!(
        h.app.inbox.selected_message().map(|m| m.id.to_string()),
        selected
    );
    assert_eq!(sim.stats().logins_ok, 2);
}

#[tokio::test]
async fn device_login_from_the_login_screen() {
    let sim = innboks::sim::Simulator::start(sim_config(Some(1)))
        .await
        .expect("sim");
    let mut h = Harness::new(&sim);
    h.apply(Msg::Start);
    h.until("discovery and no stored session", |app| {
        app.login.device_offered == Some(true) && !app.login.restoring
    })
    .await;
    h.choose(LoginMethod::IdPortenDevice);
    h.until("the device code", |app| {
        matches!(app.login.flow, LoginFlow::Device(_))
    })
    .await;
    let LoginFlow::Device(view) = &h.app.login.flow else {
        unreachable!()
    };
    assert!(view
        .verification_uri_complete
        .as_deref()
        .is_some_and(|u| u.contains(&view.user_code)));
    h.until("the inbox", |app| {
        app.screen == Screen::Inbox && app.inbox.loaded_once
    })
    .await;
    assert_eq!(h.app.session.method, Some("ID-porten"));
    assert!(matches!(
        h.session.get(),
        Some(innboks::auth::Session::Bearer { .. })
    ));
    assert_eq!(
        h.store.load().map(|s| s.method),
        Some(LoginMethod::IdPortenDevice)
    );
}

#[tokio::test]
async fn browser_login_by_paste_then_relaunch_without_login() {
    let sim = innboks::sim::Simulator::start(sim_config(Some(0)))
        .await
        .expect("sim");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = Harness::with_store(&sim, dir);
    h.apply(Msg::Start);
    h.until("discovery", |app| {
        app.login.device_offered.is_some() && !app.login.restoring
    })
    .await;
    h.choose(LoginMethod::IdPortenBrowser);
    h.until("the URL", |app| {
        matches!(app.login.flow, LoginFlow::Browser(_))
    })
    .await;
    let LoginFlow::Browser(view) = &h.app.login.flow else {
        unreachable!()
    };
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(&view.url)
        .send()
        .await
        .expect("authorize")
        .headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    // A bad paste first: it is refused, and nothing is lost.
    h.apply(Msg::Paste("this is not a redirect".into()));
    h.key(KeyCode::Enter);
    h.until(
        "the paste error",
        |app| matches!(&app.login.flow, LoginFlow::Browser(v) if v.paste_error.is_some()),
    )
    .await;
    h.apply(Msg::Paste(redirect));
    h.key(KeyCode::Enter);
    h.until("the inbox", |app| {
        app.screen == Screen::Inbox && app.inbox.loaded_once
    })
    .await;
    assert_eq!(
        h.store.load().map(|s| s.method),
        Some(LoginMethod::IdPortenBrowser)
    );
    // The first instance quits; its refresher stops with it.
    let saved = std::fs::read(h.store.path()).expect("session file");
    h.session.clear_refresher();
    drop(h);

    // A relaunch: a fresh app and runner with only the session file.
    let reopened = tempfile::tempdir().expect("tempdir");
    std::fs::write(SessionStore::new(reopened.path(), "sim").path(), saved).expect("restore file");
    let mut h = Harness::with_store(&sim, reopened);
    h.apply(Msg::Start);
    h.until("the inbox, straight away", |app| {
        app.screen == Screen::Inbox && app.inbox.loaded_once
    })
    .await;
    assert_eq!(
        sim.stats().grants.get("authorization_code"),
        Some(&1),
        "no second login"
    );
    assert!(sim.stats().refreshes >= 1);
}

#[tokio::test]
async fn a_stored_session_opens_the_cached_inbox_before_it_is_resumed() {
    let sim = innboks::sim::Simulator::start(sim_config(Some(0)))
        .await
        .expect("sim");
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let path = cache_dir.path().join("cache.sqlite3");
    let (mut h, cache) =
        Harness::with_store_and_cache(&sim, tempfile::tempdir().expect("dir"), &path);
    h.device_login().await;
    let first_ids: Vec<String> = h
        .app
        .inbox
        .messages
        .iter()
        .map(|m| m.id.to_string())
        .collect();
    let saved = std::fs::read(h.store.path()).expect("session file");
    let user = h
        .store
        .load()
        .and_then(|s| s.user_key)
        .expect("the session names its cache");
    assert_eq!(h.app.session.user_key.as_deref(), Some(user.as_str()));
    cache.flush().await;
    h.session.clear_refresher();
    drop(h);
    drop(cache);

    // Relaunch: the stored session's key (read at start, as main does) opens the cache.
    let reopened = tempfile::tempdir().expect("tempdir");
    std::fs::write(SessionStore::new(reopened.path(), "sim").path(), saved).expect("restore file");
    let (mut h, _cache) = Harness::with_store_and_cache(&sim, reopened, &path);
    h.app.session.user_key = Some(user);
    h.apply(Msg::Start);
    assert_eq!(
        h.app.screen,
        Screen::Inbox,
        "the inbox at once, not the login"
    );
    assert!(h.app.login.restoring);
    h.until("the session and the sync", |app| {
        !app.login.restoring
            && app.inbox.sources.iter().all(|s| s.has_answered())
            && !app.inbox.is_loading()
    })
    .await;
    let ids: Vec<String> = h
        .app
        .inbox
        .messages
        .iter()
        .map(|m| m.id.to_string())
        .collect();
    assert_eq!(ids, first_ids);
    assert!(
        matches!(&h.app.status, Some(Status::Info(t)) if t.contains("Ingen nye")),
        "{:?}",
        h.app.status
    );
    assert_eq!(
        sim.stats().grants.get(innboks::sim::idporten::DEVICE_GRANT),
        Some(&1),
        "no second login"
    );
}

/// A stored ID-porten session the provider no longer knows, and no cache to show (a first
/// run, `cache = false`, or after `innboks cache clear`): the login comes, not a spinner.
#[tokio::test]
async fn a_stored_session_the_provider_forgot_and_no_cache_bring_the_login() {
    let sim = innboks::sim::Simulator::start(sim_config(Some(0)))
        .await
        .expect("sim");
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let (mut h, cache) = Harness::with_store_and_cache(
        &sim,
        tempfile::tempdir().expect("dir"),
        &cache_dir.path().join("cache.sqlite3"),
    );
    h.device_login().await;
    let saved = std::fs::read(h.store.path()).expect("session file");
    let user = h.store.load().and_then(|s| s.user_key).expect("a user key");
    h.session.clear_refresher();
    drop(h);
    drop(cache);
    // Logged out everywhere since.
    sim.revoke_grants();

    for cache_enabled in [true, false] {
        let reopened = tempfile::tempdir().expect("tempdir");
        std::fs::write(SessionStore::new(reopened.path(), "sim").path(), &saved)
            .expect("restore file");
        // An empty cache (cleared), or none at all.
        let empty = tempfile::tempdir().expect("tempdir");
        let (mut h, _cache) =
            Harness::with_store_and_cache(&sim, reopened, &empty.path().join("cache.sqlite3"));
        h.app.settings.cache_enabled = cache_enabled;
        h.app.session.user_key = Some(user.clone());
        h.apply(Msg::Start);
        h.until("the login", |app| {
            app.screen == Screen::Login && !app.login.restoring
        })
        .await;
        // Nothing is left waiting: no spinner over an empty inbox.
        tokio::time::sleep(Duration::from_millis(300)).await;
        h.drain();
        assert_eq!(h.app.screen, Screen::Login, "cache {cache_enabled}");
        assert!(!h.app.is_busy(), "cache {cache_enabled}: nothing spins");
        assert!(
            !h.app.login.relogin,
            "cache {cache_enabled}: the login on its own, not over an empty inbox"
        );
        assert!(!h.app.inbox.loaded_once && h.app.inbox.sources.is_empty());
        assert!(
            h.app
                .login
                .error
                .as_deref()
                .is_some_and(|e| e.contains("økten")),
            "says why: {:?}",
            h.app.login.error
        );
        assert_eq!(
            h.app.login.method,
            LoginMethod::IdPortenDevice,
            "the method the session used"
        );
    }
}

#[tokio::test]
async fn a_dead_stored_session_brings_the_login_over_the_cached_inbox() {
    let sim = common::start(60).await;
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let path = cache_dir.path().join("cache.sqlite3");
    let (mut first, cache) = Harness::with_cache(&sim, &path);
    first.login().await;
    let user = first.app.session.user_key.clone().expect("user");
    cache.flush().await;
    drop(first);
    drop(cache);
    // No session file at all: the resume fails, the cached list stays under the login.
    let (mut h, _cache) = Harness::with_cache(&sim, &path);
    h.app.session.user_key = Some(user);
    h.apply(Msg::Start);
    h.until("the resume to fail", |app| !app.login.restoring)
        .await;
    h.until("the cached rows", |app| !app.inbox.messages.is_empty())
        .await;
    assert_eq!(h.app.screen, Screen::Login);
    assert!(
        h.app.login.relogin,
        "the login is an overlay over the kept inbox"
    );
    assert_eq!(h.app.inbox.messages.len(), 50);
}

#[tokio::test]
async fn a_grant_revoked_mid_session_brings_the_login_over_the_kept_inbox() {
    let sim = innboks::sim::Simulator::start(innboks::sim::SimConfig {
        token_ttl: Duration::from_secs(2),
        ..sim_config(Some(0))
    })
    .await
    .expect("sim");
    let mut h = Harness::new(&sim);
    h.device_login().await;
    h.key(KeyCode::Char('j'));
    let kept = h.app.inbox.messages.len();
    let selected = h.app.inbox.selected;
    // Logged out everywhere: the next refresh is refused with invalid_grant.
    sim.revoke_grants();
    h.until("the login overlay", |app| {
        app.screen == Screen::Login && app.login.relogin
    })
    .await;
    assert!(
        h.app
            .login
            .error
            .as_deref()
            .is_some_and(|e| e.contains("invalid_grant")
                || e.contains("utløpt")
                || e.contains("avsluttet")),
        "says why: {:?}",
        h.app.login.error
    );
    assert_eq!(
        h.app.inbox.messages.len(),
        kept,
        "the inbox is kept under the login"
    );
    assert_eq!(h.app.inbox.selected, selected, "and the place in it");
}
