//! The app's update loop and effect runner against the simulator: the same path the TUI
//! takes, without a terminal.

mod common;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use innboks::app::effects::EffectRunner;
use innboks::app::update::update;
use innboks::app::{App, Keymap, Msg, Screen, Status};
use innboks::auth::SessionHandle;
use innboks::domain::MessageStatus;
use tokio::sync::mpsc;

struct Harness {
    app: App,
    runner: EffectRunner,
    rx: mpsc::UnboundedReceiver<Msg>,
}

impl Harness {
    fn new(sim: &innboks::sim::Simulator) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let runner = EffectRunner::new(common::client(sim), SessionHandle::default(), tx);
        let mut harness = Self {
            app: App::new("sim", Keymap::default()),
            runner,
            rx,
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
                _ => panic!("timed out waiting for {what}: {:?}", self.app.status),
            }
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
    h.until("the second page", |app| app.inbox.messages.len() == 100)
        .await;
    h.key(KeyCode::Char('G'));
    h.until("the last page", |app| app.inbox.exhausted).await;
    assert_eq!(h.app.inbox.messages.len(), 120);
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
    sim.faults().fail_next(1, 500);
    h.key(KeyCode::Char('G'));
    h.until("the error", |app| {
        matches!(app.status, Some(Status::Error(_)))
    })
    .await;
    assert!(matches!(&h.app.status, Some(Status::Error(e)) if e.contains("500")));
    assert_eq!(h.app.inbox.messages.len(), loaded, "nothing lost");
    h.key(KeyCode::Char('r'));
    h.until("the retried page", |app| app.inbox.exhausted).await;
    assert_eq!(h.app.inbox.messages.len(), 60);
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
    assert_eq!(h.app.login.username, "demo");
    h.text("demo");
    h.key(KeyCode::Enter);
    h.until("the inbox again", |app| {
        app.screen == Screen::Inbox && app.inbox.page_request.is_none()
    })
    .await;
    assert_eq!(
        h.app.inbox.selected_message().map(|m| m.id.clone()),
        selected
    );
    assert_eq!(sim.stats().logins_ok, 2);
}
