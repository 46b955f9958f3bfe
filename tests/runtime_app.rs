//! The app's update loop and effect runner against the simulator: the same path the TUI
//! takes, without a terminal.

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
        offline.app.user_key = Some(user);
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

#[tokio::test]
async fn login_page_through_and_open() {
    let sim = common::start(120).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    assert_eq!(h.app.screen, Screen::Inbox);
    assert_eq!(h.app.inbox.messages.len(), 50);
    h.until("the profile and the preview", |app| {
        app.user_name.is_some() && app.detail_message().is_some()
    })
    .await;
    assert_eq!(h.app.user_name.as_deref(), Some("Kari Nordmann"));
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
async fn a_server_error_is_shown_and_r_recovers() {
    let sim = common::start(60).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    let loaded = h.app.inbox.messages.len();
    // The server fails until told otherwise: every page (four go at once) spends its tries.
    sim.faults().fail_next(1_000, 500);
    h.key(KeyCode::Char('G'));
    h.until("the error", |app| {
        matches!(app.status, Some(Status::Error(_))) && !app.inbox.is_loading()
    })
    .await;
    sim.faults().fail_next(0, 500);
    assert!(matches!(&h.app.status, Some(Status::Error(e)) if e.contains("500")));
    assert_eq!(h.app.inbox.messages.len(), loaded, "nothing lost");
    h.key(KeyCode::Char('r'));
    h.until("the retried page", |app| app.inbox.exhausted())
        .await;
    assert_eq!(h.app.inbox.messages.len(), inbox_size(60));
    assert!(!matches!(h.app.status, Some(Status::Error(_))));
}

#[tokio::test]
async fn an_expired_cookie_brings_back_login_and_keeps_the_place() {
    let sim = common::start(60).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('j'));
    let selected = h.app.inbox.selected_message().map(|m| m.id.clone());
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
        h.app.inbox.selected_message().map(|m| m.id.clone()),
        selected
    );
    assert_eq!(sim.stats().logins_ok, 2);
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
    assert_eq!(h.app.session_method, Some("ID-porten"));
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
async fn attachments_are_saved_without_overwriting() {
    let sim = common::start(80).await;
    let mut h = Harness::new(&sim);
    let downloads = tempfile::tempdir().expect("downloads");
    h.app.settings.download_dir = Some(downloads.path().to_owned());
    h.login().await;
    let world = innboks::sim::data::World::generate(&innboks::sim::data::WorldOptions {
        seed: 42,
        messages: 80,
        parties: 0,
        anchor: common::anchor(),
    });
    let target = world.mailboxes[0]
        .iter()
        .position(|m| m.required_level == 1 && !m.attachments.is_empty())
        .expect("a message with an attachment");
    while h.app.inbox.selected < target {
        h.key(KeyCode::Char('j'));
    }
    h.key(KeyCode::Enter);
    h.until("the message", |app| {
        app.detail.request.is_none() && app.detail_message().is_some()
    })
    .await;
    h.key(KeyCode::Char('v'));
    assert_eq!(h.app.attachment_choice(), Some(0));
    for round in 0..2 {
        h.key(KeyCode::Char('S'));
        h.until(
            "the saved file",
            |app| matches!(&app.status, Some(Status::Info(t)) if t.starts_with("Lagret ")),
        )
        .await;
        let expected = &world.mailboxes[0][target].attachments[0];
        let name = if round == 0 {
            expected.file_name.clone()
        } else {
            let (stem, ext) = expected.file_name.rsplit_once('.').expect("extension");
            format!("{stem} (1).{ext}")
        };
        let bytes = std::fs::read(downloads.path().join(&name)).expect("saved file");
        assert_eq!(bytes, expected.bytes(), "identical to the server's bytes");
        h.app.status = None;
    }
    h.key(KeyCode::Esc);
    assert_eq!(h.app.attachment_choice(), None);
}

#[tokio::test]
async fn archive_then_find_it_in_the_archive_view_and_deleted_in_the_trash() {
    let sim = common::start(60).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    // A message that can be archived right away and opened with a password session.
    let world = innboks::sim::data::World::generate(&innboks::sim::data::WorldOptions {
        seed: 42,
        messages: 60,
        parties: 0,
        anchor: common::anchor(),
    });
    let target = world.mailboxes[0]
        .iter()
        .filter(|m| m.status != innboks::sim::data::SimStatus::Archived)
        .position(|m| !m.requires_confirmation && m.required_level == 1)
        .expect("an archivable message");
    while h.app.inbox.selected < target {
        h.key(KeyCode::Char('j'));
    }
    let id = h
        .app
        .inbox
        .selected_message()
        .map(|m| m.id.clone())
        .expect("selected");
    h.key(KeyCode::Char('a'));
    h.until(
        "the archive",
        |app| matches!(&app.status, Some(Status::Info(t)) if t.contains("arkivet")),
    )
    .await;
    assert!(h.app.inbox.messages.iter().all(|m| m.id != id));
    h.key(KeyCode::Char('V'));
    h.until("the archive view", |app| {
        app.inbox.loaded_once && !app.inbox.is_loading()
    })
    .await;
    assert!(h
        .app
        .inbox
        .messages
        .iter()
        .all(|m| m.status == innboks::domain::MessageStatus::Archived));
    assert!(h.app.inbox.messages.iter().any(|m| m.id.starts_with('b')));
    h.key(KeyCode::Char('V'));
    h.until("the trash view", |app| {
        app.inbox.loaded_once && !app.inbox.is_loading()
    })
    .await;
    assert!(h.app.inbox.messages.is_empty(), "nothing deleted yet");
    h.key(KeyCode::Char('V'));
    h.until("the inbox again", |app| {
        app.inbox.loaded_once && !app.inbox.is_loading()
    })
    .await;
    let victim = h.app.inbox.messages[0].id.clone();
    h.key(KeyCode::Char('g'));
    h.key(KeyCode::Char('d'));
    h.key(KeyCode::Char('y'));
    h.until(
        "the delete",
        |app| matches!(&app.status, Some(Status::Info(t)) if t.contains("papirkurven")),
    )
    .await;
    h.key(KeyCode::Char('V'));
    h.key(KeyCode::Char('V'));
    h.until("the trash view", |app| {
        app.folder == innboks::domain::Folder::Trash
            && app.inbox.loaded_once
            && !app.inbox.is_loading()
    })
    .await;
    assert_eq!(
        h.app
            .inbox
            .messages
            .iter()
            .map(|m| m.id.clone())
            .collect::<Vec<_>>(),
        vec![victim]
    );
}

#[tokio::test]
async fn a_hostile_message_is_drawn_harmlessly() {
    let sim = innboks::sim::Simulator::start(innboks::sim::SimConfig {
        hostile: true,
        ..common::config(30)
    })
    .await
    .expect("sim");
    let mut h = Harness::new(&sim);
    h.login().await;
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Enter);
    h.until("the hostile message", |app| {
        app.detail.request.is_none()
            && app
                .detail_message()
                .is_some_and(|m| m.summary.id == innboks::sim::data::HOSTILE_ID)
    })
    .await;
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|frame| innboks::ui::draw(&h.app, &innboks::ui::Theme::ansi(), frame))
        .expect("draw");
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("Viktig"), "{screen}");
    for bad in [
        '\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{200b}', '\u{200f}',
    ] {
        assert!(!screen.contains(bad), "{bad:?} reached the screen");
    }
    assert!(!screen.contains("<script>"), "HTML is turned into text");
}

/// True when no page is in flight and one has arrived.
fn settled(app: &App) -> bool {
    app.inbox.loaded_once && !app.inbox.is_loading()
}

#[tokio::test]
async fn filters_go_to_the_server_for_the_whole_mailbox_and_combine() {
    let sim = common::start(200).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    h.apply(Msg::Tick(std::time::SystemTime::now()));
    h.key(KeyCode::Char('f'));
    h.key(KeyCode::Char('u'));
    h.until("the unread", settled).await;
    assert!(h.app.filters.unread);
    assert!(!h.app.inbox.messages.is_empty());
    assert!(h.app.inbox.messages.iter().all(|m| m.is_unread()));
    h.key(KeyCode::Char('t'));
    h.until("unread letters", settled).await;
    assert!(h
        .app
        .inbox
        .messages
        .iter()
        .all(|m| m.is_unread() && m.kind == innboks::domain::MessageKind::Correspondence));
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('F'));
    h.until("one sender", settled).await;
    let sender = h.app.filters.sender.clone().expect("a sender");
    assert!(h
        .app
        .inbox
        .messages
        .iter()
        .all(|m| m.service_owner == sender
            && m.is_unread()
            && m.kind == innboks::domain::MessageKind::Correspondence));
    h.key(KeyCode::Char('f'));
    h.key(KeyCode::Char('x'));
    h.until("all again", settled).await;
    assert!(h.app.filters.is_empty());
    assert_eq!(h.app.inbox.messages.len(), 50);
}

#[tokio::test]
async fn needs_confirmation_is_filtered_locally_over_the_loaded_pages() {
    let sim = common::start(2000).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    h.key(KeyCode::Char('f'));
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Esc);
    // Few rows pass, so pages keep coming until the screen is full or the mailbox ends.
    h.until("a full screen", |app| {
        !app.inbox.is_loading() && app.inbox.hidden.len() > 50
    })
    .await;
    let rows = h.app.layout().list_rows();
    let shown = h.app.inbox.messages.len();
    assert!(
        shown >= rows || h.app.inbox.exhausted(),
        "{shown} rows for {rows}"
    );
    assert!(h.app.inbox.messages.iter().all(|m| m.requires_confirmation));
    let loaded = shown + h.app.inbox.hidden.len();
    assert_eq!(
        loaded, h.app.inbox.sources[0].next_skip,
        "nothing lost or doubled"
    );
    // Going down loads more, filtered the same way.
    h.key(KeyCode::Char('G'));
    h.until("more", |app| !app.inbox.is_loading()).await;
    assert!(h.app.inbox.all_loaded().count() > loaded);
    assert!(h.app.inbox.messages.iter().all(|m| m.requires_confirmation));
    // Off: every loaded message is back.
    h.key(KeyCode::Char('f'));
    h.key(KeyCode::Char('b'));
    assert!(h.app.inbox.hidden.is_empty());
}

#[tokio::test]
async fn all_reportees_merge_into_one_list_and_actions_go_to_the_right_inbox() {
    let sim = common::start(120).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    h.key(KeyCode::Char(':'));
    h.text("all");
    h.key(KeyCode::Enter);
    assert!(h.app.command_line().is_none());
    h.until("every inbox's first page", |app| {
        app.inbox.sources.len() == 3 && app.inbox.sources.iter().all(|s| s.has_answered())
    })
    .await;
    let owners: std::collections::BTreeSet<String> = h
        .app
        .inbox
        .messages
        .iter()
        .filter_map(|m| m.owner.clone())
        .collect();
    assert_eq!(owners.len(), 3, "rows from every reportee: {owners:?}");
    let dates: Vec<_> = h
        .app
        .inbox
        .messages
        .iter()
        .map(|m| m.last_changed)
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first across inboxes"
    );
    // Page to the end: every message of every inbox, once.
    for _ in 0..20 {
        h.key(KeyCode::Char('G'));
        h.until("pages", |app| !app.inbox.is_loading()).await;
    }
    assert!(h.app.inbox.exhausted());
    let ids: std::collections::HashSet<&str> =
        h.app.inbox.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), h.app.inbox.messages.len(), "no duplicates");
    // 120 for the person, 60 for the company, 24 for the sub-unit; archived ones are not
    // in the inbox view.
    let all_active: usize = ["r50010001", "r50020002", "r50020003"]
        .iter()
        .map(|who| {
            h.app
                .inbox
                .messages
                .iter()
                .filter(|m| m.owner.as_deref() == Some(*who))
                .count()
        })
        .sum();
    assert_eq!(all_active, h.app.inbox.messages.len());
    assert!(h.app.inbox.messages.len() > 150);

    // Open a company letter: the request goes to the company's inbox.
    let company = h
        .app
        .inbox
        .messages
        .iter()
        .position(|m| m.owner.as_deref() == Some("r50020002") && m.is_unread())
        .expect("an unread company letter");
    h.key(KeyCode::Char('g'));
    for _ in 0..company {
        h.key(KeyCode::Char('j'));
    }
    let id = h.app.inbox.messages[company].id.clone();
    h.key(KeyCode::Enter);
    h.until("the company letter", |app| {
        app.bodies.contains_key(&id) && app.detail.request.is_none()
    })
    .await;
    assert!(h.app.detail.error.is_none(), "{:?}", h.app.detail.error);
    assert!(!h.app.inbox.messages[company].is_unread(), "read at once");
}

#[tokio::test]
async fn unread_skatteetaten_across_all_reportees_read_saved_archived_and_the_rest_marked_read() {
    let sim = common::start(200).await;
    let downloads = tempfile::tempdir().expect("tempdir");
    let mut h = Harness::new(&sim);
    h.app.settings.download_dir = Some(downloads.path().to_owned());
    h.login().await;
    // R, Enter on «Alle» (the first line); then two filters from the command line.
    h.key(KeyCode::Char('R'));
    h.until("the parties", |app| {
        app.switcher().is_some_and(|s| !s.loading)
    })
    .await;
    while h.app.switcher().is_some_and(|s| s.selected > 0) {
        h.key(KeyCode::Up);
    }
    h.key(KeyCode::Enter);
    for command in ["unread", "sender skatteetaten"] {
        h.key(KeyCode::Char(':'));
        h.text(command);
        h.key(KeyCode::Enter);
        assert!(
            h.app.command_line().is_none(),
            "{command}: {:?}",
            h.app.command_line()
        );
    }
    h.until("every inbox filtered", |app| {
        app.inbox.sources.len() == 3
            && app.inbox.sources.iter().all(|s| s.has_answered())
            && !app.inbox.is_loading()
    })
    .await;
    assert_eq!(
        h.app.filters.sender.as_deref(),
        Some("Skatteetaten"),
        "Altinn's spelling"
    );
    let found = h.app.inbox.messages.len();
    assert!(found >= 2, "unread letters from Skatteetaten: {found}");
    assert!(h
        .app
        .inbox
        .messages
        .iter()
        .all(|m| m.is_unread() && m.service_owner == "Skatteetaten"));

    // Read one, save its attachments, archive it.
    let index = h
        .app
        .inbox
        .messages
        .iter()
        .position(|m| !m.requires_confirmation)
        .expect("a letter that can be archived");
    h.key(KeyCode::Char('g'));
    for _ in 0..index {
        h.key(KeyCode::Char('j'));
    }
    let first = h.app.inbox.messages[index].id.clone();
    h.key(KeyCode::Enter);
    h.until("the letter", |app| {
        app.bodies.contains_key(&first) && app.detail.request.is_none()
    })
    .await;
    h.key(KeyCode::Char('S'));
    let attachments = h.app.bodies[&first].attachments.len();
    for _ in 0..attachments {
        h.until(
            "a saved attachment",
            |app| matches!(&app.status, Some(Status::Info(t)) if t.starts_with("Lagret")),
        )
        .await;
        h.app.status = None;
    }
    let saved = std::fs::read_dir(downloads.path())
        .expect("downloads")
        .count();
    assert_eq!(saved, attachments, "every attachment saved");
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('a'));
    h.until("archived", |app| {
        !app.inbox.messages.iter().any(|m| m.id == first)
    })
    .await;

    // Mark the rest read: * marks all shown, m reads them.
    h.key(KeyCode::Char('*'));
    assert_eq!(h.app.inbox.marked.len(), found - 1);
    h.key(KeyCode::Char('m'));
    h.until("all read", |app| {
        app.inbox.messages.iter().all(|m| !m.is_unread())
    })
    .await;
    // The server agrees: the same filters, loaded afresh, find nothing left.
    h.key(KeyCode::Char(':'));
    h.text("all");
    h.key(KeyCode::Enter);
    h.until("every inbox again", |app| {
        app.inbox.sources.iter().all(|s| s.has_answered()) && !app.inbox.is_loading()
    })
    .await;
    assert!(
        h.app.inbox.messages.is_empty(),
        "no unread from Skatteetaten left: {:?}",
        h.app
            .inbox
            .messages
            .iter()
            .map(|m| &m.id)
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_cache_opens_the_inbox_at_once_then_the_sync_brings_new_changed_and_removed() {
    // The cache answers before the server.
    sync_over_the_cache(Duration::from_millis(150)).await;
}

#[tokio::test]
async fn the_sync_also_works_when_the_server_answers_before_the_cache() {
    sync_over_the_cache(Duration::ZERO).await;
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
        .map(|m| m.id.clone())
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
    let user = online.app.user_key.clone().expect("a user key");
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
    let parties = online.app.reportees.clone();
    let merged: Vec<String> = online
        .app
        .inbox
        .messages
        .iter()
        .map(|m| m.id.clone())
        .collect();
    let user = online.app.user_key.clone().expect("a user key");
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
    assert_eq!(offline.app.reportees, parties);
    assert!(offline.app.reportees_cached);
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
        .map(|m| m.id.clone())
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

#[tokio::test]
async fn holding_j_coalesces_previews_and_neighbours_are_prefetched() {
    let sim = common::start(300).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    h.until("the first preview", |app| app.detail_message().is_some())
        .await;
    let details = |sim: &innboks::sim::Simulator| -> u64 {
        sim.stats()
            .requests
            .iter()
            .filter(|(route, _)| {
                route.starts_with("GET")
                    && route.contains("messages/{id}")
                    && !route.contains("attachments")
            })
            .map(|(_, n)| n)
            .sum()
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    while let Ok(msg) = h.rx.try_recv() {
        h.apply(msg);
    }
    // Load 250 rows first, so 200 presses stay inside the list.
    while h.app.inbox.messages.len() < 250 {
        h.key(KeyCode::Char('G'));
        h.until("a page", |app| !app.inbox.is_loading()).await;
    }
    h.key(KeyCode::Char('g'));
    h.until("the top preview", |app| app.detail_message().is_some())
        .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    while let Ok(msg) = h.rx.try_recv() {
        h.apply(msg);
    }
    let before = details(&sim);
    for _ in 0..200 {
        h.key(KeyCode::Char('j'));
    }
    assert_eq!(h.app.inbox.selected, 200);
    h.until("the preview where the cursor stopped", |app| {
        app.detail_message().is_some()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    while let Ok(msg) = h.rx.try_recv() {
        h.apply(msg);
    }
    let fetched = details(&sim) - before;
    assert!(fetched <= 5, "200 j presses made {fetched} body requests");
    // The next one was fetched ahead: j shows its text at once, with no request.
    let next = h.app.inbox.messages[h.app.inbox.selected + 1].id.clone();
    assert!(
        h.app.bodies.contains_key(&next),
        "the neighbour was prefetched: selected {} of {}, detail {:?}, prefetching {:?}, bodies {}",
        h.app.inbox.selected,
        h.app.inbox.messages.len(),
        h.app.detail.id,
        h.app.prefetching,
        h.app.bodies.len()
    );
    let before = details(&sim);
    h.key(KeyCode::Char('j'));
    assert!(h.app.detail_message().is_some(), "shown without waiting");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(details(&sim) - before <= 2, "only prefetches further ahead");
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
    let first_ids: Vec<String> = h.app.inbox.messages.iter().map(|m| m.id.clone()).collect();
    let saved = std::fs::read(h.store.path()).expect("session file");
    let user = h
        .store
        .load()
        .and_then(|s| s.user_key)
        .expect("the session names its cache");
    assert_eq!(h.app.user_key.as_deref(), Some(user.as_str()));
    cache.flush().await;
    h.session.clear_refresher();
    drop(h);
    drop(cache);

    // Relaunch: the stored session's key (read at start, as main does) opens the cache.
    let reopened = tempfile::tempdir().expect("tempdir");
    std::fs::write(SessionStore::new(reopened.path(), "sim").path(), saved).expect("restore file");
    let (mut h, _cache) = Harness::with_store_and_cache(&sim, reopened, &path);
    h.app.user_key = Some(user);
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
    let ids: Vec<String> = h.app.inbox.messages.iter().map(|m| m.id.clone()).collect();
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
        h.app.user_key = Some(user.clone());
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
    let user = first.app.user_key.clone().expect("user");
    cache.flush().await;
    drop(first);
    drop(cache);
    // No session file at all: the resume fails, the cached list stays under the login.
    let (mut h, _cache) = Harness::with_cache(&sim, &path);
    h.app.user_key = Some(user);
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
