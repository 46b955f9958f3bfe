//! The app's update loop and effect runner against the simulator: the same path the TUI
//! takes, without a terminal.

#[path = "../common/mod.rs"]
mod common;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use innboks::app::update::update;
use innboks::app::{App, Msg, Screen, Status};
use innboks::app::{LoginFlow, LoginMethod};
use innboks::auth::oidc::DEFAULT_ACR;
use innboks::auth::store::SessionStore;
use innboks::auth::SessionHandle;
use innboks::backend::Backend;
use innboks::domain::{MessageKind, MessageStatus};
use innboks::runtime::{AuthSettings, Runtime};
use tokio::sync::mpsc;

/// The scopes of an ID-porten login to Altinn 2's API (this harness runs the Altinn 2
/// face).
const SCOPES: &str = "openid altinn:enduser";

/// How many of the person's `messages` the inbox view shows (the archived ones are in the
/// archive view).
fn inbox_size(messages: usize) -> usize {
    let world = innboks::sim::data::World::generate(&innboks::sim::data::WorldOptions {
        seed: 42,
        messages,
        parties: 0,
        anchor: common::anchor(),
    });
    world.mailboxes[0]
        .iter()
        .filter(|m| m.status != innboks::sim::data::SimStatus::Archived)
        .count()
}

struct Harness {
    app: App,
    runner: Runtime,
    rx: mpsc::UnboundedReceiver<Msg>,
    session: SessionHandle,
    store: SessionStore,
    _dir: tempfile::TempDir,
}

impl Harness {
    fn new(sim: &innboks::sim::Simulator) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::with_store(sim, dir)
    }

    /// A harness with a local cache at `path` (a relaunch reuses it); returns the cache's
    /// handle too, to wait for its writes.
    fn with_cache(
        sim: &innboks::sim::Simulator,
        path: &std::path::Path,
    ) -> (Self, innboks::cache::CacheHandle) {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::with_store_and_cache(sim, dir, path)
    }

    /// A harness with both a session store in `dir` and a cache at `path`.
    fn with_store_and_cache(
        sim: &innboks::sim::Simulator,
        dir: tempfile::TempDir,
        path: &std::path::Path,
    ) -> (Self, innboks::cache::CacheHandle) {
        let mut harness = Self::with_store(sim, dir);
        let cache =
            innboks::cache::CacheHandle::start(innboks::cache::Cache::open(path).expect("cache"));
        let runner = std::mem::replace(
            &mut harness.runner,
            Runtime::new(
                Backend::altinn2(common::client(sim), harness.session.clone()),
                AuthSettings::default(),
                mpsc::unbounded_channel().0,
            ),
        );
        harness.runner = runner.with_cache(Some(cache.clone()), false);
        harness.app.settings.cache_enabled = true;
        harness.app.settings.env = "sim".into();
        (harness, cache)
    }

    /// A harness whose session store lives in `dir` (a relaunch reuses the dir).
    fn with_store(sim: &innboks::sim::Simulator, dir: tempfile::TempDir) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let store = SessionStore::new(dir.path(), "sim");
        let auth = AuthSettings {
            env: "sim".into(),
            issuer: Some(sim.issuer()),
            client_id: Some("innboks".into()),
            loopback_port: 0,
            store: Some(store.clone()),
            scopes: SCOPES.into(),
            acr: DEFAULT_ACR.into(),
        };
        let session = SessionHandle::default();
        let runner = Runtime::new(
            Backend::altinn2(common::client(sim), session.clone()),
            auth,
            tx,
        );
        let mut app = App::new(innboks::app::Settings::new("sim"));
        app.settings.idporten_configured = true;
        let mut harness = Self {
            app,
            runner,
            rx,
            session,
            store,
            _dir: dir,
        };
        harness.apply(Msg::Resize {
            width: 100,
            height: 30,
        });
        harness
    }

    fn apply(&mut self, msg: Msg) {
        for effect in update(&mut self.app, msg) {
            self.runner.run(effect);
        }
    }

    fn key(&mut self, code: KeyCode) {
        self.apply(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Feeds background results to `update` until `done` holds.
    async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done(&self.app) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(msg)) => self.apply(msg),
                _ => panic!(
                    "timed out waiting for {what}: {:?}, sources {:?}, {} shown",
                    self.app.status,
                    self.app.inbox.sources,
                    self.app.inbox.messages.len()
                ),
            }
        }
    }

    /// A harness on the Altinn 3 backend, logged in to `sim` with ID-porten, on the
    /// inbox once its first page is here.
    async fn altinn3(sim: &innboks::sim::Simulator) -> Self {
        let backend = common::altinn3_backend(sim).await;
        let (tx, rx) = mpsc::unbounded_channel();
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SessionStore::new(dir.path(), "sim");
        let mut app = App::new(innboks::app::Settings::new("sim"));
        app.settings.capabilities = backend.capabilities();
        let mut harness = Self {
            app,
            runner: Runtime::new(backend.clone(), AuthSettings::default(), tx),
            rx,
            session: backend.session().clone(),
            store,
            _dir: dir,
        };
        harness.apply(Msg::Resize {
            width: 100,
            height: 30,
        });
        harness.apply(Msg::SessionRestored {
            method: LoginMethod::IdPortenDevice,
        });
        harness.until("the first page", settled).await;
        harness
    }

    /// A harness started with `--offline` over the cache at `path`, as `user` left it.
    fn offline(sim: &innboks::sim::Simulator, path: &std::path::Path, user: String) -> Self {
        let (mut offline, _) = Self::with_cache(sim, path);
        let runner = std::mem::replace(
            &mut offline.runner,
            Runtime::new(
                Backend::altinn2(common::client(sim), SessionHandle::default()),
                AuthSettings::default(),
                mpsc::unbounded_channel().0,
            ),
        );
        let cache =
            innboks::cache::CacheHandle::start(innboks::cache::Cache::open(path).expect("cache"));
        offline.runner = runner.with_cache(Some(cache), true);
        offline.app.settings.offline = true;
        offline.app.session.user_key = Some(user);
        offline.apply(Msg::Start);
        offline
    }

    /// Starts, waits for discovery, and logs in with ID-porten's device flow (the
    /// simulator approves it) until the inbox's first page is here.
    async fn device_login(&mut self) {
        self.apply(Msg::Start);
        self.until("discovery", |app| {
            app.login.device_offered.is_some() && !app.login.restoring
        })
        .await;
        self.choose(LoginMethod::IdPortenDevice);
        self.until("the inbox", |app| {
            app.screen == Screen::Inbox && app.inbox.loaded_once
        })
        .await;
    }

    /// Feeds whatever has arrived to `update`, waiting for nothing.
    fn drain(&mut self) {
        while let Ok(msg) = self.rx.try_recv() {
            self.apply(msg);
        }
    }

    async fn login(&mut self) {
        self.text("demo");
        self.key(KeyCode::Tab);
        self.text("demo");
        self.key(KeyCode::Enter);
        self.until("the first page", |app| app.inbox.loaded_once)
            .await;
    }
}

impl Harness {
    fn choose(&mut self, method: LoginMethod) {
        self.key(KeyCode::BackTab);
        self.app.login.method = method;
        self.key(KeyCode::Enter);
    }
}

fn sim_config(auto_approve: Option<u64>) -> innboks::sim::SimConfig {
    innboks::sim::SimConfig {
        auto_approve: auto_approve.map(Duration::from_secs),
        device_interval: Duration::from_secs(1),
        ..common::config(60)
    }
}

/// True when no page is in flight and one has arrived.
fn settled(app: &App) -> bool {
    app.inbox.loaded_once && !app.inbox.is_loading()
}

async fn sync_over_the_cache(latency: Duration) {
    let sim = innboks::sim::Simulator::start(innboks::sim::SimConfig {
        latency,
        ..common::config(300)
    })
    .await
    .expect("sim");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite3");

    // First run: log in, read two pages, open one (its body is cached).
    let (mut first, cache) = Harness::with_cache(&sim, &path);
    first.login().await;
    first.key(KeyCode::Char('G'));
    first
        .until("two pages", |app| {
            app.inbox.messages.len() >= 100 && !app.inbox.is_loading()
        })
        .await;
    first.key(KeyCode::Char('g'));
    first
        .until("the preview", |app| app.detail_message().is_some())
        .await;
    let before: Vec<String> = first
        .app
        .inbox
        .messages
        .iter()
        .map(|m| m.id.to_string())
        .collect();
    cache.flush().await;
    drop(first);
    drop(cache);

    // Meanwhile, on the server: two new letters, one read elsewhere, one deleted elsewhere.
    let client = common::client(&sim);
    let session = common::login(&client).await;
    let new_ids = [
        sim.deliver(0, "Ny melding én").expect("delivered"),
        sim.deliver(0, "Ny melding to").expect("delivered"),
    ];
    let mut unread = None;
    for id in &before[5..40] {
        let m = client
            .message(&session, "my", id, false)
            .await
            .expect("message");
        if m.summary.is_unread() && m.summary.kind == MessageKind::Correspondence {
            unread = Some(id.clone());
            break;
        }
    }
    let unread = unread.expect("an unread letter on the first page");
    client
        .message(&session, "my", &unread, true)
        .await
        .expect("read elsewhere");
    let deleted = before
        .iter()
        .skip(10)
        .find(|id| **id != unread)
        .cloned()
        .expect("one to delete");
    client
        .delete(&session, "my", &deleted)
        .await
        .expect("deleted elsewhere");

    // Second run: the cached list is there before any page, then the sync fixes it.
    let (mut second, _cache) = Harness::with_cache(&sim, &path);
    second.login().await;
    second
        .until("the cache and the sync", |app| {
            app.inbox
                .sources
                .iter()
                .all(|s| !s.is_syncing() && s.cache_request().is_none())
                && !app.inbox.is_loading()
        })
        .await;
    let ids: Vec<&str> = second
        .app
        .inbox
        .messages
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(
        &ids[..2],
        [new_ids[1].as_str(), new_ids[0].as_str()],
        "new ones on top"
    );
    assert!(!ids.contains(&deleted.as_str()), "the deleted one is gone");
    assert!(
        ids.len() >= 100,
        "the cached rows below the sync are shown: {}",
        ids.len()
    );
    let read = second
        .app
        .inbox
        .messages
        .iter()
        .find(|m| m.id == unread)
        .expect("still here");
    assert!(!read.is_unread(), "read elsewhere shows as read");
    assert!(
        matches!(&second.app.status, Some(Status::Info(t)) if t.contains("2 nye")),
        "{:?}",
        second.app.status
    );
    // The list equals the server's first 100.
    let server = client
        .messages_page_filtered(&session, "my", 0, Some("Status ne 'Arkivert'"))
        .await
        .expect("page");
    let top: Vec<&str> = server.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(&ids[..top.len()], &top[..]);
}

mod cache;
mod login;
mod mail;
