//! `update` driven directly, without a terminal or a network.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use innboks::app::update::update;
use innboks::app::{
    App, BrowserView, DeviceView, Effect, Focus, Keymap, LoginField, LoginFlow, LoginMethod, Msg,
    Screen, Status,
};
use innboks::auth::refresh::RefreshEvent;
use innboks::domain::ApiError;
use innboks::domain::Inbox;
use innboks::domain::{
    FilterKey, Filters, Message, MessageKind, MessagePage, MessageStatus, MessageSummary,
};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn summary(i: usize) -> MessageSummary {
    MessageSummary {
        id: format!("a{}", 1000 + i),
        subject: format!("Melding {i}"),
        status: if i.is_multiple_of(3) {
            MessageStatus::Unread
        } else {
            MessageStatus::Read
        },
        marked_unread: false,
        service_owner: "Skatteetaten".into(),
        message_sender: None,
        kind: MessageKind::Correspondence,
        created: None,
        last_changed: Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).single(),
        due: None,
        attachment_count: None,
        requires_confirmation: false,
        owner: None,
        seq: 0,
    }
}

fn page(range: std::ops::Range<usize>, has_more: bool) -> MessagePage {
    MessagePage {
        messages: range.map(summary).collect(),
        has_more,
        limit_reached: false,
        next: None,
    }
}

fn message(i: usize) -> Message {
    Message {
        summary: summary(i),
        summary_text: None,
        body: "Hei.\nTekst.".into(),
        attachments: Vec::new(),
        archive_reference: None,
        portal_url: None,
        links: Vec::new(),
        history: Vec::new(),
        thread: Vec::new(),
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)));
    }
}

/// An app logged in with the first page loaded (50 messages, more to come).
fn logged_in() -> App {
    let mut app = App::new(innboks::app::Settings::new("test"));
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    type_text(&mut app, "demo");
    update(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "demo");
    let effects = update(&mut app, key(KeyCode::Enter));
    let Some(Effect::PasswordLogin { request, .. }) = effects.first() else {
        panic!("login effect expected, got {effects:?}");
    };
    let effects = update(&mut app, Msg::LoggedIn { request: *request });
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::FetchPage {
                request, skip: 0, ..
            } => Some(*request),
            _ => None,
        })
        .expect("first page requested");
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..50, true),
        },
    );
    app
}

fn page_request(effects: &[Effect]) -> Option<(u64, usize)> {
    effects.iter().find_map(|e| match e {
        Effect::FetchPage { request, skip, .. } => Some((*request, *skip)),
        _ => None,
    })
}

#[test]
fn password_login_submits_once_and_clears_the_password() {
    let mut app = App::new(innboks::app::Settings::new("test"));
    type_text(&mut app, "demo");
    assert_eq!(app.login.username.value(), "demo");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.login.focused(), LoginField::Password);
    type_text(&mut app, "hemmelig");
    let effects = update(&mut app, key(KeyCode::Enter));
    match effects.as_slice() {
        [Effect::PasswordLogin {
            username, password, ..
        }] => {
            assert_eq!(username, "demo");
            assert_eq!(password.expose(), "hemmelig");
        }
        other => panic!("unexpected effects {other:?}"),
    }
    assert!(
        app.login.password.is_empty(),
        "the password leaves the state on submit"
    );
    assert!(app.is_busy());
    assert!(
        update(&mut app, key(KeyCode::Enter)).is_empty(),
        "no second submit while pending"
    );
    assert!(!format!("{app:?}").contains("hemmelig"));
}

#[test]
fn failed_login_keeps_the_username_and_clears_the_password() {
    let mut app = App::new(innboks::app::Settings::new("test"));
    type_text(&mut app, "demo");
    update(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "feil");
    let Some(Effect::PasswordLogin { request, .. }) = update(&mut app, key(KeyCode::Enter)).pop()
    else {
        panic!("login effect expected");
    };
    update(
        &mut app,
        Msg::LoginFailed {
            request,
            error: "Innlogging feilet: Authentication failed".into(),
        },
    );
    assert_eq!(app.screen, Screen::Login);
    assert_eq!(app.login.username.value(), "demo");
    assert!(app.login.password.is_empty());
    assert_eq!(app.login.focused(), LoginField::Password);
    assert!(app
        .login
        .error
        .as_deref()
        .is_some_and(|e| e.contains("Authentication failed")));
    assert!(!app.is_busy());
}

#[test]
fn empty_fields_are_explained_not_sent() {
    let mut app = App::new(innboks::app::Settings::new("test"));
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.login.focused(), LoginField::Password);
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(app
        .login
        .error
        .as_deref()
        .is_some_and(|e| e.contains("brukernavn")));
    assert_eq!(app.login.focused(), LoginField::Username);
    type_text(&mut app, "demo");
    update(&mut app, key(KeyCode::Enter));
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(app
        .login
        .error
        .as_deref()
        .is_some_and(|e| e.contains("passord")));
}

#[test]
fn enter_on_an_empty_user_name_says_so_and_the_demo_says_which_altinn() {
    let mut app = App::new(innboks::app::Settings::new("demo · simulert Altinn 3"));
    app.settings.demo = true;
    assert_eq!(app.login.focused(), LoginField::Username);
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert_eq!(app.login.focused(), LoginField::Username, "stays");
    assert!(app
        .login
        .error
        .as_deref()
        .is_some_and(|e| e.contains("brukernavn")));
    type_text(&mut app, "demo");
    update(&mut app, key(KeyCode::Enter));
    type_text(&mut app, "demo");
    let effects = update(&mut app, key(KeyCode::Enter));
    let Some(Effect::PasswordLogin { request, .. }) = effects.first() else {
        panic!("a password login, got {effects:?}");
    };
    update(&mut app, Msg::LoggedIn { request: *request });
    assert_eq!(
        app.env_label, "demo · simulert Altinn 2",
        "a password session is the demo's Altinn 2 face"
    );
}

#[test]
fn id_porten_needs_configuration_and_an_offered_flow() {
    let mut app = App::new(innboks::app::Settings::new("test"));
    update(&mut app, key(KeyCode::BackTab));
    assert_eq!(app.login.focused(), LoginField::Method);
    update(&mut app, key(KeyCode::Up));
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(app
        .login
        .error
        .as_deref()
        .is_some_and(|e| e.contains("ikke konfigurert")));

    app.settings.idporten_configured = true;
    let effects = update(&mut app, Msg::Start);
    assert_eq!(effects, vec![Effect::Discover, Effect::RestoreSession]);
    update(
        &mut app,
        Msg::RestoreFailed {
            error: None,
            method: None,
        },
    );
    update(
        &mut app,
        Msg::ProviderReady {
            device_offered: false,
        },
    );
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.login.method, LoginMethod::IdPortenDevice);
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(app
        .login
        .error
        .as_deref()
        .is_some_and(|e| e.contains("tilbyr ikke")));
}

#[test]
fn device_flow_starts_shows_the_code_and_esc_cancels() {
    let mut app = App::new(innboks::app::Settings::new("test"));
    app.settings.idporten_configured = true;
    update(
        &mut app,
        Msg::ProviderReady {
            device_offered: true,
        },
    );
    update(&mut app, key(KeyCode::BackTab));
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Up));
    let Some(Effect::StartDeviceLogin {
        request,
        high: false,
    }) = update(&mut app, key(KeyCode::Enter)).pop()
    else {
        panic!("device login at the usual level expected");
    };
    assert_eq!(app.login.flow, LoginFlow::Starting);
    let view = DeviceView {
        user_code: "BDWP-HQPK".into(),
        verification_uri: "https://x/device".into(),
        verification_uri_complete: None,
        qr: Vec::new(),
        expires_at: std::time::SystemTime::now(),
    };
    update(
        &mut app,
        Msg::DeviceCode {
            request,
            view: view.clone(),
        },
    );
    assert_eq!(app.login.flow, LoginFlow::Device(view));
    assert!(app.is_busy(), "the countdown ticks");
    assert_eq!(
        update(&mut app, key(KeyCode::Esc)),
        vec![Effect::CancelLogin]
    );
    assert_eq!(app.login.flow, LoginFlow::Idle);
    assert!(app.login.pending.is_none());
    update(&mut app, Msg::LoggedIn { request });
    assert_eq!(
        app.screen,
        Screen::Login,
        "a cancelled login's late result is dropped"
    );
}

#[test]
fn browser_flow_copy_paste_and_submit() {
    let mut app = App::new(innboks::app::Settings::new("test"));
    app.settings.idporten_configured = true;
    app.settings.can_open_browser = false;
    update(&mut app, key(KeyCode::BackTab));
    update(&mut app, key(KeyCode::Up));
    let Some(Effect::StartBrowserLogin {
        request,
        open_browser,
        high: false,
    }) = update(&mut app, key(KeyCode::Enter)).pop()
    else {
        panic!("browser login at the usual level expected");
    };
    assert!(!open_browser, "no browser without a local display");
    let view = BrowserView {
        url: "https://login/authorize?x".into(),
        port: 49411,
        fixed_port_busy: false,
        opened: false,
        paste: Default::default(),
        paste_focused: false,
        paste_error: None,
    };
    update(&mut app, Msg::BrowserReady { request, view });
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyToClipboard("https://login/authorize?x".into())]
    );
    update(
        &mut app,
        Msg::Paste("http://127.0.0.1:49411/callback?code=c&state=s\n".into()),
    );
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::SubmitRedirect { text }] if text.starts_with("http://127.0.0.1:49411/callback?code=c"))
    );
    update(
        &mut app,
        Msg::PasteRejected {
            error: "state stemmer ikke".into(),
        },
    );
    let LoginFlow::Browser(view) = &app.login.flow else {
        panic!("still in the browser flow")
    };
    assert!(
        view.paste.value().contains("code=c"),
        "the pasted text is kept"
    );
    assert_eq!(view.paste_error.as_deref(), Some("state stemmer ikke"));
    update(&mut app, Msg::LoggedIn { request });
    assert_eq!(app.screen, Screen::Inbox);
    assert_eq!(app.session_method, Some("ID-porten"));
}

#[test]
fn a_dead_id_porten_session_brings_back_login_with_the_same_method() {
    let mut app = App::new(innboks::app::Settings::new("test"));
    app.settings.idporten_configured = true;
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    update(
        &mut app,
        Msg::SessionRestored {
            method: innboks::domain::LoginMethod::IdPortenDevice,
        },
    );
    assert_eq!(app.screen, Screen::Inbox);
    update(
        &mut app,
        Msg::Refresh(RefreshEvent::Ended {
            reason: "invalid_grant".into(),
        }),
    );
    assert_eq!(app.screen, Screen::Login);
    assert!(app.login.relogin);
    assert_eq!(app.login.method, LoginMethod::IdPortenDevice);
    assert!(app
        .login
        .error
        .as_deref()
        .is_some_and(|e| e.contains("invalid_grant")));
}

#[test]
fn a_letter_at_the_high_level_brings_a_step_up_login_and_opens_after_it() {
    let mut app = App::new(innboks::app::Settings::new("test"));
    app.settings.idporten_configured = true;
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    let effects = update(
        &mut app,
        Msg::SessionRestored {
            method: innboks::domain::LoginMethod::IdPortenBrowser,
        },
    );
    let request = page_request(&effects).expect("the first page").0;
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..50, true),
        },
    );
    let id = app.inbox.messages[0].id.clone();
    let effects = update(&mut app, key(KeyCode::Enter));
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::FetchMessage { request, .. } => Some(*request),
            _ => None,
        })
        .expect("opened");
    update(
        &mut app,
        Msg::MessageFailed {
            request,
            error: ApiError::LevelTooLow,
        },
    );
    assert!(
        app.detail
            .error
            .as_deref()
            .is_some_and(|e| e.contains("Tast L")),
        "{:?}",
        app.detail.error
    );
    assert!(
        matches!(&app.status, Some(Status::Error(e)) if e.contains("høyt sikkerhetsnivå")),
        "and on the status line, over a preview: {:?}",
        app.status
    );
    assert_eq!(app.screen, Screen::Inbox, "said, not forced");
    // Esc turns it down: the session there is still works.
    update(&mut app, key(KeyCode::Char('L')));
    assert_eq!(app.screen, Screen::Login);
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Inbox, "Esc goes back");
    assert!(app.login.step_up.is_none());
    update(&mut app, key(KeyCode::Char('L')));
    assert_eq!(app.screen, Screen::Login);
    assert!(app.login.relogin, "over the kept inbox");
    assert_eq!(app.inbox.messages.len(), 50);
    let effects = update(&mut app, key(KeyCode::Enter));
    let Some(Effect::StartBrowserLogin {
        request,
        high: true,
        ..
    }) = effects.last().cloned()
    else {
        panic!("a browser login at the high level, got {effects:?}");
    };
    let effects = update(&mut app, Msg::LoggedIn { request });
    assert_eq!(app.screen, Screen::Inbox);
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::FetchMessage { id: opened, mark_as_read: true, .. } if *opened == id
        )),
        "the letter opens again: {effects:?}"
    );
    assert!(app.login.step_up.is_none(), "the next login asks as usual");
}

#[test]
fn login_loads_the_first_page_and_previews_the_first_message() {
    let mut app = App::new(innboks::app::Settings::new("test"));
    type_text(&mut app, "demo");
    update(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "demo");
    let Some(Effect::PasswordLogin { request, .. }) = update(&mut app, key(KeyCode::Enter)).pop()
    else {
        panic!("login effect expected");
    };
    let effects = update(&mut app, Msg::LoggedIn { request });
    assert_eq!(app.screen, Screen::Inbox);
    assert!(effects.contains(&Effect::FetchProfile));
    let (request, skip) = page_request(&effects).expect("first page");
    assert_eq!(skip, 0);
    let effects = update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip,
            page: page(0..50, true),
        },
    );
    assert_eq!(app.inbox.messages.len(), 50);
    assert!(effects.iter().any(|e| matches!(e,
        Effect::FetchMessage { id, mark_as_read: false, debounce: true, .. } if id == "a1000")));
}

#[test]
fn navigation_keys_move_and_clamp() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('j')));
    update(&mut app, key(KeyCode::Down));
    assert_eq!(app.inbox.selected, 2);
    update(&mut app, key(KeyCode::Char('k')));
    assert_eq!(app.inbox.selected, 1);
    update(&mut app, key(KeyCode::Char('g')));
    assert_eq!(app.inbox.selected, 0);
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.inbox.selected, 0, "clamped at the top");
    update(&mut app, ctrl('d'));
    let rows = app.layout().list_rows();
    assert_eq!(app.inbox.selected, rows / 2);
    update(&mut app, ctrl('u'));
    assert_eq!(app.inbox.selected, 0);
    update(&mut app, key(KeyCode::PageDown));
    assert_eq!(app.inbox.selected, rows);
    assert!(app.inbox.scroll > 0, "the window follows the selection");
    assert!(app.inbox.selected < app.inbox.scroll + rows);
    update(&mut app, key(KeyCode::PageUp));
    assert_eq!(app.inbox.selected, 0);
    assert_eq!(app.inbox.scroll, 0);
}

#[test]
fn nearing_the_end_fetches_the_next_page_once() {
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char('G')));
    assert_eq!(app.inbox.selected, 49);
    let (request, skip) = page_request(&effects).expect("next page");
    assert_eq!(skip, 50);
    assert!(
        page_request(&update(&mut app, key(KeyCode::Char('k')))).is_none(),
        "one request at a time"
    );
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip,
            page: page(50..70, false),
        },
    );
    assert_eq!(app.inbox.messages.len(), 70);
    assert!(app.inbox.exhausted());
    assert_eq!(app.inbox.selected, 48, "selection stays on its message");
    assert!(
        page_request(&update(&mut app, key(KeyCode::Char('G')))).is_none(),
        "no page after the last"
    );
}

#[test]
fn stale_results_are_dropped() {
    let mut app = logged_in();
    let before = app.inbox.messages.len();
    update(
        &mut app,
        Msg::PageLoaded {
            request: 999,
            skip: 50,
            page: page(50..100, true),
        },
    );
    assert_eq!(app.inbox.messages.len(), before);
    update(
        &mut app,
        Msg::MessageFailed {
            request: 999,
            error: ApiError::SessionExpired,
        },
    );
    assert_eq!(app.screen, Screen::Inbox);
}

#[test]
fn open_marks_read_and_the_list_shows_it() {
    let mut app = logged_in();
    assert!(app.inbox.messages[0].is_unread());
    let effects = update(&mut app, key(KeyCode::Enter));
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::FetchMessage {
                request,
                mark_as_read: true,
                debounce: false,
                ..
            } => Some(*request),
            _ => None,
        })
        .expect("an explicit open marks read");
    assert_eq!(app.focus, Focus::Detail);
    update(
        &mut app,
        Msg::MessageLoaded {
            request,
            message: Box::new(message(0)),
            marked_read: true,
        },
    );
    assert_eq!(app.inbox.messages[0].status, MessageStatus::Read);
    assert_eq!(
        app.detail_message().map(|m| m.summary.status.clone()),
        Some(MessageStatus::Read)
    );
    update(&mut app, key(KeyCode::Char('q')));
    assert_eq!(app.focus, Focus::List, "q in the detail goes back");
    assert!(!app.should_quit);
    update(&mut app, key(KeyCode::Char('q')));
    assert!(app.should_quit, "q at the top level quits");
}

#[test]
fn page_errors_show_and_r_retries_the_same_page() {
    let mut app = logged_in();
    let (request, skip) =
        page_request(&update(&mut app, key(KeyCode::Char('G')))).expect("next page");
    update(
        &mut app,
        Msg::PageFailed {
            request,
            skip,
            error: ApiError::Server {
                status: 503,
                reason: "Service Unavailable".into(),
            },
        },
    );
    assert!(matches!(&app.status, Some(Status::Error(e)) if e.contains("503")));
    assert_eq!(app.inbox.messages.len(), 50, "what was loaded stays");
    assert_eq!(app.inbox.selected, 49);
    assert!(
        page_request(&update(&mut app, key(KeyCode::Char('k')))).is_none(),
        "no automatic retry storm"
    );
    let (_, retry_skip) = page_request(&update(&mut app, key(KeyCode::Char('r')))).expect("retry");
    assert_eq!(retry_skip, 50);
}

#[test]
fn an_expired_session_brings_the_login_back_over_the_kept_inbox() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('j')));
    update(&mut app, key(KeyCode::Char('j')));
    let (request, skip) =
        page_request(&update(&mut app, key(KeyCode::Char('r')))).expect("refresh");
    update(
        &mut app,
        Msg::PageFailed {
            request,
            skip,
            error: ApiError::SessionExpired,
        },
    );
    assert_eq!(app.screen, Screen::Login);
    assert!(app.login.relogin);
    assert_eq!(app.login.username.value(), "demo", "username filled in");
    assert_eq!(app.login.focused(), LoginField::Password);
    type_text(&mut app, "demo");
    let Some(Effect::PasswordLogin { request, .. }) = update(&mut app, key(KeyCode::Enter)).pop()
    else {
        panic!("login effect expected");
    };
    let effects = update(&mut app, Msg::LoggedIn { request });
    assert_eq!(app.screen, Screen::Inbox);
    assert_eq!(app.inbox.messages.len(), 50, "the inbox was kept");
    assert_eq!(app.inbox.selected, 2, "the user is where they were");
    assert_eq!(
        page_request(&effects).map(|(_, s)| s),
        Some(0),
        "the failed request is retried"
    );
}

#[test]
fn refresh_puts_new_messages_on_top_and_keeps_the_selection() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('j')));
    let selected = app.inbox.selected_message().map(|m| m.id.clone());
    let (request, _) = page_request(&update(&mut app, key(KeyCode::Char('r')))).expect("refresh");
    let mut fresh = page(0..50, true);
    fresh.messages.insert(0, summary(500));
    fresh.messages.pop();
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: fresh,
        },
    );
    assert_eq!(app.inbox.messages.len(), 51);
    assert_eq!(app.inbox.messages[0].id, "a1500");
    assert_eq!(app.inbox.selected_message().map(|m| m.id.clone()), selected);
    assert_eq!(
        app.inbox.sources[0].next_skip, 51,
        "server offsets shifted by the new arrival"
    );
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("1 ny")));
}

#[test]
fn help_opens_and_closes_and_blocks_other_keys() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('?')));
    assert!(app.help_scroll().is_some());
    update(&mut app, key(KeyCode::Char('j')));
    assert_eq!(app.inbox.selected, 0);
    update(&mut app, key(KeyCode::Esc));
    assert!(app.help_scroll().is_none());
}

#[test]
fn preview_toggle_and_tab_focus() {
    let mut app = logged_in();
    assert!(app.layout().detail.is_some());
    update(&mut app, key(KeyCode::Char('p')));
    assert!(app.layout().detail.is_none());
    let effects = update(&mut app, key(KeyCode::Char('j')));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::FetchMessage { .. })),
        "no preview fetch when hidden"
    );
    update(&mut app, key(KeyCode::Char('p')));
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Detail);
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::List);
}

#[test]
fn holding_j_asks_for_debounced_previews_only() {
    let mut app = logged_in();
    for _ in 0..30 {
        for effect in update(&mut app, key(KeyCode::Char('j'))) {
            if let Effect::FetchMessage {
                mark_as_read,
                debounce,
                ..
            } = effect
            {
                assert!(!mark_as_read, "moving never marks read");
                assert!(debounce, "previews wait for the cursor to stop");
            }
        }
    }
}

#[test]
fn resizing_to_tiny_sizes_keeps_the_selection_valid() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('G')));
    for (w, h) in [(60, 15), (20, 5), (1, 1), (0, 0), (200, 60)] {
        update(
            &mut app,
            Msg::Resize {
                width: w,
                height: h,
            },
        );
        assert!(app.inbox.selected < app.inbox.messages.len());
        assert!(app.inbox.scroll <= app.inbox.selected);
    }
}

#[test]
fn a_server_next_link_is_used_for_the_next_page() {
    let mut app = logged_in();
    // As if the first page had come with a `next` link (Altinn 2 sends none; a server may).
    app.inbox.sources[0].next_link = Some("/api/my/messages?cursor=abc".into());
    let effects = update(&mut app, key(KeyCode::Char('G')));
    let pages: Vec<&Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::FetchPage { .. }))
        .collect();
    assert_eq!(
        pages.len(),
        1,
        "a page behind a link cannot be fetched ahead"
    );
    let Effect::FetchPage {
        request,
        skip,
        link,
        ..
    } = pages[0]
    else {
        unreachable!()
    };
    assert_eq!(
        (*skip, link.as_deref()),
        (50, Some("/api/my/messages?cursor=abc"))
    );
    let mut second = page(50..100, true);
    second.next = Some("/api/my/messages?cursor=xyz".into());
    update(
        &mut app,
        Msg::PageLoaded {
            request: *request,
            skip: *skip,
            page: second,
        },
    );
    let effects = update(&mut app, key(KeyCode::Char('G')));
    assert!(effects.iter().any(|e| matches!(e,
        Effect::FetchPage { skip: 100, link: Some(link), .. } if link == "/api/my/messages?cursor=xyz")));
}

#[test]
fn a_late_preview_does_not_undo_an_open() {
    let mut app = logged_in();
    let open = update(&mut app, key(KeyCode::Enter));
    let Some(Effect::FetchMessage { request, .. }) = open.last() else {
        panic!("open fetch expected");
    };
    update(
        &mut app,
        Msg::MessageLoaded {
            request: *request,
            message: Box::new(message(0)),
            marked_read: true,
        },
    );
    update(
        &mut app,
        Msg::MessageLoaded {
            request: 1,
            message: Box::new(message(0)),
            marked_read: false,
        },
    );
    assert_eq!(app.inbox.messages[0].status, MessageStatus::Read);
    assert_eq!(
        app.detail_message().map(|m| m.summary.status.clone()),
        Some(MessageStatus::Read)
    );
}

#[test]
fn archive_delete_confirm_and_mark_read_keys() {
    use innboks::domain::MessageAction;
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char('a')));
    let Some(Effect::Act {
        request,
        id,
        action: MessageAction::Archive,
        ..
    }) = effects.first().cloned()
    else {
        panic!("archive expected, got {effects:?}");
    };
    assert_eq!(id, "a1000");
    update(
        &mut app,
        Msg::ActionDone {
            request,
            id,
            action: MessageAction::Archive,
            new_id: Some("b1000".into()),
        },
    );
    assert!(
        app.inbox
            .messages
            .iter()
            .all(|m| m.id != "a1000" && m.id != "b1000"),
        "it moved to the archive view"
    );
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("b1000")));

    update(&mut app, key(KeyCode::Char('j')));
    assert!(
        update(&mut app, key(KeyCode::Char('d'))).is_empty(),
        "delete asks first"
    );
    assert!(app.question().is_some());
    assert!(
        update(&mut app, key(KeyCode::Char('n'))).is_empty(),
        "any other key cancels"
    );
    assert!(app.question().is_none());
    assert_eq!(app.inbox.messages.len(), 49, "cancelled: nothing deleted");
    update(&mut app, key(KeyCode::Char('d')));
    let effects = update(&mut app, key(KeyCode::Char('y')));
    let Some(Effect::Act {
        request,
        id,
        action: MessageAction::Delete,
        ..
    }) = effects.first().cloned()
    else {
        panic!("delete expected");
    };
    update(
        &mut app,
        Msg::ActionDone {
            request,
            id: id.clone(),
            action: MessageAction::Delete,
            new_id: None,
        },
    );
    assert_eq!(app.inbox.messages.len(), 48, "one deleted");
    assert!(app.inbox.messages.iter().all(|m| m.id != id));

    update(
        &mut app,
        Msg::ActionFailed {
            request: 99,
            action: MessageAction::Delete,
            error: ApiError::Server {
                status: 403,
                reason: "Correspondence to organisations cannot be deleted".into(),
            },
        },
    );
    assert!(
        matches!(&app.status, Some(Status::Error(e)) if e.contains("Kunne ikke slette") && e.contains("organisations"))
    );

    assert!(update(&mut app, key(KeyCode::Char('c'))).is_empty());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("ber ikke om bekreftelse")));

    update(&mut app, key(KeyCode::Char('g')));
    while !app.inbox.selected_message().is_some_and(|m| m.is_unread()) {
        update(&mut app, key(KeyCode::Char('j')));
    }
    let effects = update(&mut app, key(KeyCode::Char('m')));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::FetchMessage {
            mark_as_read: true,
            debounce: false,
            ..
        }
    )));
    while app.inbox.selected_message().is_some_and(|m| m.is_unread()) {
        update(&mut app, key(KeyCode::Char('j')));
    }
    assert!(update(&mut app, key(KeyCode::Char('m'))).is_empty());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("ulest")));
}

#[test]
fn reportee_switcher_filters_and_switches() {
    use innboks::domain::{Party, PartyKind};
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char('R')));
    assert_eq!(effects, vec![Effect::FetchReportees { cached: None }]);
    assert!(app.switcher().is_some_and(|s| s.loading));
    let party = |id: &str, name: &str, kind: PartyKind, org: Option<&str>| Party {
        id: id.into(),
        name: name.into(),
        kind,
        organisation_number: org.map(Into::into),
    };
    update(
        &mut app,
        Msg::ReporteesLoaded(vec![
            party("r1", "KARI NORDMANN", PartyKind::Person, None),
            party(
                "r2",
                "NORDMANN BYGG AS",
                PartyKind::Organisation,
                Some("912345678"),
            ),
            party(
                "r3",
                "NORDMANN BYGG AS AVD BERGEN",
                PartyKind::SubUnit,
                Some("973456789"),
            ),
        ]),
    );
    let matches = app.switcher_matches();
    assert_eq!(matches.len(), 4, "the merged view and the three parties");
    assert_eq!(matches[0], innboks::app::SwitcherEntry::All);
    type_text(&mut app, "9734");
    assert_eq!(app.switcher_matches().len(), 1, "filter by org number");
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    type_text(&mut app, "bygg");
    assert_eq!(app.switcher_matches().len(), 2);
    update(&mut app, key(KeyCode::Down));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(app.switcher().is_none());
    assert_eq!(app.whose, Inbox::Party("r3".into()));
    assert_eq!(
        app.reportee_name.as_deref(),
        Some("NORDMANN BYGG AS AVD BERGEN")
    );
    assert!(app.inbox.messages.is_empty(), "the list starts over");
    assert!(
        matches!(effects.as_slice(), [Effect::FetchPage { inbox, skip: 0, .. }] if inbox.key() == "r3")
    );

    update(&mut app, key(KeyCode::Char('R')));
    assert!(
        app.switcher().is_some_and(|s| !s.loading),
        "the list is kept"
    );
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.whose,
        Inbox::Party("r3".into()),
        "it opens on the current party"
    );
    assert_eq!(effects.len(), 1);
    update(&mut app, key(KeyCode::Char('R')));
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.whose, Inbox::Me, "the person's own inbox is `my`");
    assert_eq!(app.reportee_name, None);
    update(&mut app, key(KeyCode::Char('R')));
    update(&mut app, key(KeyCode::Esc));
    assert!(app.switcher().is_none());
}

#[test]
fn incremental_search_selects_the_best_match_and_n_moves() {
    let mut app = logged_in();
    app.inbox.messages[7].subject = "Skattemeldingen for 2025".into();
    app.inbox.messages[20].subject = "Skattemelding endret".into();
    update(&mut app, key(KeyCode::Char('/')));
    assert!(app.search.as_ref().is_some_and(|s| s.editing));
    type_text(&mut app, "skattemeld");
    let hits: Vec<usize> = app
        .search
        .as_ref()
        .map(|s| s.hits.iter().map(|h| h.index).collect())
        .unwrap_or_default();
    assert_eq!(hits, vec![7, 20]);
    assert!(
        [7, 20].contains(&app.inbox.selected),
        "the list follows the best match"
    );
    update(&mut app, key(KeyCode::Enter));
    assert!(
        app.search.as_ref().is_some_and(|s| !s.editing),
        "Enter keeps the matches"
    );
    update(&mut app, key(KeyCode::Char('g')));
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.inbox.selected, 7);
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.inbox.selected, 20);
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.inbox.selected, 7, "wraps");
    update(&mut app, key(KeyCode::Char('N')));
    assert_eq!(app.inbox.selected, 20);
    update(&mut app, key(KeyCode::Esc));
    assert!(app.search.is_none(), "Esc clears");
}

#[test]
fn sort_cycles_and_keeps_the_selection() {
    let mut app = logged_in();
    for (i, m) in app.inbox.messages.iter_mut().enumerate() {
        m.last_changed = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .map(|d| d + chrono::Duration::days(50 - i as i64));
        m.service_owner = if i % 2 == 0 {
            "NAV".into()
        } else {
            "Brønnøysundregistrene".into()
        };
    }
    update(&mut app, key(KeyCode::Char('j')));
    let selected = app.inbox.selected_message().map(|m| m.id.clone());
    update(&mut app, key(KeyCode::Char('s')));
    assert_eq!(app.sort, innboks::app::SortOrder::OldestFirst);
    assert!(app
        .inbox
        .messages
        .windows(2)
        .all(|w| w[0].last_changed <= w[1].last_changed));
    assert_eq!(
        app.inbox.selected_message().map(|m| m.id.clone()),
        selected,
        "the same message stays selected"
    );
    update(&mut app, key(KeyCode::Char('s')));
    assert_eq!(app.inbox.messages[0].service_owner, "Brønnøysundregistrene");
    update(&mut app, key(KeyCode::Char('s')));
    assert!(app.inbox.messages[0].is_unread(), "unread first");
    update(&mut app, key(KeyCode::Char('s')));
    assert_eq!(app.sort, innboks::app::SortOrder::Due, "then by due date");
    assert!(app
        .inbox
        .messages
        .windows(2)
        .all(|w| (w[0].due.is_none(), w[0].due) <= (w[1].due.is_none(), w[1].due)));
    update(&mut app, key(KeyCode::Char('s')));
    assert_eq!(app.sort, innboks::app::SortOrder::NewestFirst);
    assert!(app
        .inbox
        .messages
        .windows(2)
        .all(|w| w[0].last_changed >= w[1].last_changed));
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("nyeste")));
}

#[test]
fn y_copies_the_web_link_or_the_id() {
    let mut app = logged_in();
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyToClipboard("a1000".into())]
    );
    let mut body = message(0);
    body.portal_url = Some("https://www.altinn.no/ui/messagebox?id=a1000".into());
    app.bodies.insert("a1000".into(), body);
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyToClipboard(
            "https://www.altinn.no/ui/messagebox?id=a1000".into()
        )]
    );
}

#[test]
fn space_marks_and_a_bulk_action_asks_once() {
    use innboks::domain::MessageAction;
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(' ')));
    update(&mut app, key(KeyCode::Char(' ')));
    update(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(app.inbox.marked.len(), 3);
    assert_eq!(app.inbox.selected, 3, "Space moves down");
    update(&mut app, key(KeyCode::Char('k')));
    update(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(app.inbox.marked.len(), 2, "Space again unmarks");
    assert!(
        update(&mut app, key(KeyCode::Char('a'))).is_empty(),
        "a bulk archive asks first"
    );
    assert!(app.question().is_some_and(|c| c.subject == "2 meldinger"));
    let effects = update(&mut app, key(KeyCode::Char('y')));
    let archived: Vec<String> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Act {
                id,
                action: MessageAction::Archive,
                ..
            } => Some(id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(archived, vec!["a1000".to_owned(), "a1001".to_owned()]);
    assert!(app.inbox.marked.is_empty(), "marks are used up");
    assert_eq!(
        update(&mut app, key(KeyCode::Char('a'))).len(),
        1,
        "a single archive does not ask"
    );
}

/// The filters in the first `FetchPage` of `effects`.
fn fetched_filters(effects: &[Effect]) -> Option<Filters> {
    effects.iter().find_map(|e| match e {
        Effect::FetchPage {
            skip: 0, filters, ..
        } => Some(filters.clone()),
        _ => None,
    })
}

#[test]
fn the_filter_menu_sends_altinns_filters_to_the_server_and_applies_the_rest_locally() {
    let mut app = logged_in();
    app.now = std::time::SystemTime::now();
    assert!(update(&mut app, key(KeyCode::Char('f'))).is_empty());
    assert!(app.filter_menu_open());

    // Unread: Altinn filters the whole mailbox, so the list loads again.
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('u')))).expect("reload");
    assert!(filters.unread);
    assert!(app.inbox.messages.is_empty(), "the list loads again");
    assert!(
        app.filter_menu_open(),
        "the menu stays open to combine filters"
    );

    // Type cycles letters → forms, and combines with unread.
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('t')))).expect("reload");
    assert_eq!(
        (filters.unread, filters.kind),
        (true, Some(MessageKind::Correspondence))
    );
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('t')))).expect("reload");
    assert_eq!(filters.kind, Some(MessageKind::FormTask));

    // Dates: last 7 days, then 30.
    let now = Utc::now();
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('d')))).expect("reload");
    let since = filters.since.expect("since");
    assert!(
        (now - since - chrono::Duration::days(7))
            .num_seconds()
            .abs()
            < 60
    );
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('d')))).expect("reload");
    let since = filters.since.expect("since");
    assert!(
        (now - since - chrono::Duration::days(30))
            .num_seconds()
            .abs()
            < 60
    );

    // x clears them all; Esc closes the menu.
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('x')))).expect("reload");
    assert!(filters.is_empty());
    update(&mut app, key(KeyCode::Esc));
    assert!(!app.filter_menu_open());
}

#[test]
fn needs_confirmation_filters_only_what_is_loaded_and_says_so() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('j')));
    for i in [1, 7, 30] {
        app.inbox.messages[i].requires_confirmation = true;
    }
    update(&mut app, key(KeyCode::Char('f')));
    let effects = update(&mut app, key(KeyCode::Char('b')));
    assert!(
        fetched_filters(&effects).is_none(),
        "Altinn cannot filter on it: no reload"
    );
    assert!(app.filters.needs_confirmation);
    let shown: Vec<&str> = app.inbox.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(shown, ["a1001", "a1007", "a1030"]);
    assert_eq!(app.inbox.hidden.len(), 47);
    assert_eq!(
        app.inbox.selected_message().map(|m| m.id.as_str()),
        Some("a1001"),
        "selection kept"
    );
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("bare de lastede")),
        "the user is told it is local: {:?}",
        app.status
    );
    assert_eq!(app.inbox.filter_count(FilterKey::NeedsConfirmation), 3);
    assert_eq!(
        app.inbox.unread(),
        17,
        "unread counts cover hidden messages too"
    );

    // Pages that arrive later are filtered the same way.
    // Three rows do not fill the screen, so the next page was asked for at once.
    let (request, skip) = page_request(&effects).expect("the next page, to fill the screen");
    assert_eq!(skip, 50);
    let mut next = page(50..100, false);
    next.messages[0].requires_confirmation = true;
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip,
            page: next,
        },
    );
    assert_eq!(app.inbox.messages.len(), 4);
    assert_eq!(app.inbox.hidden.len(), 96);

    // Off again: everything is back, in order, nothing fetched.
    let effects = update(&mut app, key(KeyCode::Char('b')));
    assert!(fetched_filters(&effects).is_none());
    assert_eq!(app.inbox.messages.len(), 100);
    assert!(app.inbox.hidden.is_empty());
    let ids: Vec<usize> = app
        .inbox
        .messages
        .iter()
        .map(|m| m.id[1..].parse().unwrap_or(0))
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "server order kept");
}

#[test]
fn g_and_big_g_scroll_the_opened_message_to_its_ends() {
    let mut app = logged_in();
    let mut long = message(0);
    long.body = (0..200)
        .map(|i| format!("linje {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    app.bodies.insert("a1000".into(), long);
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Detail);
    update(&mut app, key(KeyCode::Char('G')));
    assert!(
        app.detail.scroll > 100,
        "G goes to the end, got {}",
        app.detail.scroll
    );
    update(&mut app, key(KeyCode::Char('g')));
    assert_eq!(app.detail.scroll, 0);
}

#[test]
fn the_command_line_keeps_a_mistyped_command_and_runs_a_good_one() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "trsh");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(effects.is_empty());
    let line = app.command_line().expect("still open");
    assert_eq!(line.text.value(), "trsh", "nothing lost");
    assert!(line.error.as_deref().is_some_and(|e| e.contains("trsh")));
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    type_text(&mut app, "ash");
    assert_eq!(app.command_line().map(|l| l.text.value()), Some("trash"));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(app.command_line().is_none());
    assert_eq!(app.folder, innboks::domain::Folder::Trash);
    assert!(matches!(
        effects.as_slice(),
        [Effect::FetchPage {
            folder: innboks::domain::Folder::Trash,
            skip: 0,
            ..
        }]
    ));

    // Filters from the command line; a bad date is refused in words.
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "since 2026-13-01");
    update(&mut app, key(KeyCode::Enter));
    assert!(app
        .command_line()
        .and_then(|l| l.error.as_deref())
        .is_some_and(|e| e.contains("dato")));
    update(&mut app, ctrl('u'));
    type_text(&mut app, "since 2026-01-01");
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Enter))).expect("reload");
    assert_eq!(
        filters.since,
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single()
    );
    // Esc closes the line without running it; so does Backspace on an empty line.
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "q");
    update(&mut app, key(KeyCode::Esc));
    assert!(app.command_line().is_none() && !app.should_quit);
    update(&mut app, key(KeyCode::Char(':')));
    update(&mut app, key(KeyCode::Backspace));
    assert!(app.command_line().is_none());
}

#[test]
fn capital_y_copies_a_chosen_link_from_the_body() {
    let mut app = logged_in();
    let mut with_links = message(0);
    with_links.links = vec![
        "https://www.skatteetaten.no/".into(),
        "mailto:post@skatteetaten.no".into(),
    ];
    app.bodies.insert("a1000".into(), with_links);
    app.detail.id = Some("a1000".into());
    assert!(update(&mut app, key(KeyCode::Char('Y'))).is_empty());
    assert_eq!(app.link_choice(), Some(0));
    update(&mut app, key(KeyCode::Char('j')));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::CopyToClipboard(
            "mailto:post@skatteetaten.no".into()
        )]
    );
    assert!(app.link_choice().is_none());
    // A digit picks that link at once.
    update(&mut app, key(KeyCode::Char('Y')));
    let effects = update(&mut app, key(KeyCode::Char('1')));
    assert_eq!(
        effects,
        vec![Effect::CopyToClipboard(
            "https://www.skatteetaten.no/".into()
        )]
    );
    // No links: said in words.
    app.bodies.insert("a1000".into(), message(0));
    assert!(update(&mut app, key(KeyCode::Char('Y'))).is_empty());
    assert!(app.link_choice().is_none());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("ingen lenker")));
}

#[test]
fn star_marks_all_and_m_reads_every_marked_unread_message() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('*')));
    assert_eq!(app.inbox.marked.len(), 50);
    let effects = update(&mut app, key(KeyCode::Char('m')));
    let read: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchMessage {
                id,
                mark_as_read: true,
                debounce: false,
                ..
            } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(read.len(), 17, "only the unread ones are fetched");
    assert_eq!(effects.len(), 17);
    assert!(app.inbox.marked.is_empty(), "marks are used up");
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("ulest")));
    // `*` twice unmarks.
    update(&mut app, key(KeyCode::Char('*')));
    update(&mut app, key(KeyCode::Char('*')));
    assert!(app.inbox.marked.is_empty());
}

#[test]
fn the_merged_view_starts_on_the_kept_parties_and_again_when_the_server_has_others() {
    use innboks::domain::{Party, PartyKind};
    let mut app = logged_in();
    app.settings.cache_enabled = true;
    app.user_key = Some("u".into());
    type_text(&mut app, ":all");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::FetchReportees { cached: Some(s) }] if s.user == "u"),
        "{effects:?}"
    );
    let party = |id: &str| Party {
        id: id.into(),
        name: format!("PART {id}"),
        kind: PartyKind::Organisation,
        organisation_number: None,
    };
    let kept = vec![party("r1"), party("r2")];
    let pages = |effects: &[Effect]| -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::FetchPage { inbox, .. } => Some(inbox.key().to_owned()),
                _ => None,
            })
            .collect()
    };
    let effects = update(&mut app, Msg::CachedReporteesLoaded(kept.clone()));
    assert_eq!(pages(&effects), ["r1", "r2"], "the kept parties start it");
    assert!(app.reportees_cached);
    // The server agrees: nothing starts over.
    let effects = update(&mut app, Msg::ReporteesLoaded(kept.clone()));
    assert!(pages(&effects).is_empty(), "{effects:?}");
    assert!(!app.reportees_cached);
    // The cache's come late: the server's stay.
    let effects = update(&mut app, Msg::CachedReporteesLoaded(vec![party("r9")]));
    assert!(effects.is_empty());
    assert_eq!(app.reportees, kept);

    // Next time the server has one more: the merged view starts over with it.
    let mut app = logged_in();
    app.settings.cache_enabled = true;
    app.user_key = Some("u".into());
    type_text(&mut app, ":all");
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, Msg::CachedReporteesLoaded(kept.clone()));
    let mut more = kept.clone();
    more.push(party("r3"));
    let effects = update(&mut app, Msg::ReporteesLoaded(more));
    assert_eq!(pages(&effects), ["r1", "r2", "r3"]);
    assert_eq!(app.inbox.sources.len(), 3);
    // A failure after the kept parties leaves them in use, with a word.
    let mut app = logged_in();
    update(&mut app, Msg::CachedReporteesLoaded(kept.clone()));
    update(&mut app, Msg::ReporteesFailed(ApiError::Offline));
    assert_eq!(app.reportees, kept);
    update(
        &mut app,
        Msg::ReporteesFailed(ApiError::Server {
            status: 503,
            reason: "nede".into(),
        }),
    );
    assert_eq!(app.reportees, kept);
    assert!(matches!(&app.status, Some(Status::Error(t)) if t.contains("hurtigbufferen")));
}

/// The parties `r1` (the user) and `r2` (an organisation) arrive.
fn two_parties() -> Msg {
    use innboks::domain::{Party, PartyKind};
    let party = |id: &str, kind: PartyKind| Party {
        id: id.into(),
        name: format!("PART {id}"),
        kind,
        organisation_number: None,
    };
    Msg::ReporteesLoaded(vec![
        party("r1", PartyKind::Person),
        party("r2", PartyKind::Organisation),
    ])
}

#[test]
fn the_merged_view_pages_each_inbox_and_acts_in_the_right_one() {
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char(':')));
    assert!(effects.is_empty());
    type_text(&mut app, "all");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::FetchReportees { cached: None }],
        "the parties come first"
    );
    let effects = update(&mut app, two_parties());
    let requests: Vec<(u64, String)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchPage {
                request,
                inbox,
                skip: 0,
                ..
            } => Some((*request, inbox.key().to_owned())),
            _ => None,
        })
        .collect();
    assert_eq!(
        requests.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>(),
        ["r1", "r2"]
    );
    // r1's letters are all newer than r2's.
    let dated = |range: std::ops::Range<usize>, day: u32| {
        let mut p = page(range, true);
        for (n, m) in p.messages.iter_mut().enumerate() {
            m.last_changed = Utc
                .with_ymd_and_hms(2026, 11, day, 12, 59 - n as u32 % 60, 0)
                .single();
        }
        p
    };
    update(
        &mut app,
        Msg::PageLoaded {
            request: requests[1].0,
            skip: 0,
            page: dated(500..550, 1),
        },
    );
    update(
        &mut app,
        Msg::PageLoaded {
            request: requests[0].0,
            skip: 0,
            page: dated(0..50, 20),
        },
    );
    assert_eq!(app.inbox.messages.len(), 100);
    assert_eq!(
        app.inbox.selected, 0,
        "the top stays the top while inboxes arrive"
    );
    assert_eq!(app.inbox.messages[0].owner.as_deref(), Some("r1"));
    assert_eq!(app.inbox.messages[99].owner.as_deref(), Some("r2"));

    // Going to the end asks the inbox whose loaded part ends latest: r1.
    let (_, skip) = page_request(&update(&mut app, key(KeyCode::Char('G')))).expect("more");
    assert_eq!(skip, 50);
    let loading: Vec<&str> = app
        .inbox
        .sources
        .iter()
        .filter(|s| !s.requests.is_empty())
        .map(|s| s.inbox.key())
        .collect();
    assert_eq!(loading, ["r1"]);

    // Actions on a row go to its own inbox.
    let effects = update(&mut app, key(KeyCode::Char('a')));
    assert!(
        matches!(effects.as_slice(), [Effect::Act { inbox, .. }] if inbox.key() == "r2"),
        "{effects:?}"
    );
}

#[test]
fn the_merged_view_asks_the_inbox_a_gap_may_be_in_before_the_user_reaches_it() {
    let mut app = logged_in();
    type_text(&mut app, ":all");
    update(&mut app, key(KeyCode::Enter));
    let effects = update(&mut app, two_parties());
    let requests: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchPage { request, .. } => Some(*request),
            _ => None,
        })
        .collect();
    // r1 gave ten letters, a day apart from 24 November, and has more; r2 300, two hours
    // apart from 25 November back into October.
    let start = Utc
        .with_ymd_and_hms(2026, 11, 25, 0, 0, 0)
        .single()
        .expect("date");
    let spaced = |range: std::ops::Range<usize>, hours: i64, from: chrono::Duration| {
        let mut p = page(range, true);
        for (n, m) in p.messages.iter_mut().enumerate() {
            m.last_changed = Some(start - from - chrono::Duration::hours(hours * n as i64));
        }
        p
    };
    let loaded = |app: &mut App, request: u64, page: MessagePage| {
        update(
            app,
            Msg::PageLoaded {
                request,
                skip: 0,
                page,
            },
        )
    };
    loaded(
        &mut app,
        requests[0],
        spaced(0..10, 24, chrono::Duration::days(1)),
    );
    loaded(
        &mut app,
        requests[1],
        spaced(500..800, 2, chrono::Duration::zero()),
    );
    assert_eq!(app.inbox.messages.len(), 310);
    // Below r1's oldest letter (15 November, midnight) r1 may have more in between: the top
    // 131 rows (r2's 121 from 25 to 15 November, both midnights included, and r1's ten) are
    // all that is settled.
    assert_eq!(app.inbox.settled, 131);
    let rows = app.layout().list_rows();
    assert!(
        rows + 10 < 131,
        "the screen is shorter than the settled part"
    );
    let asked = |app: &App| -> Vec<String> {
        app.inbox
            .sources
            .iter()
            .filter(|s| !s.requests.is_empty())
            .map(|s| s.inbox.key().to_owned())
            .collect()
    };
    while app.inbox.selected + rows < 131 {
        let effects = update(&mut app, key(KeyCode::Char('j')));
        if app.inbox.selected + rows < 131 {
            assert!(
                page_request(&effects).is_none(),
                "at row {}",
                app.inbox.selected
            );
        }
    }
    // Near the line, far from the end of the 310 loaded rows, r1 is asked for more.
    assert_eq!(asked(&app), ["r1"]);
    let request = app.inbox.sources[0].requests[0].0;
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 10,
            page: spaced(10..20, 12, chrono::Duration::days(10)),
        },
    );
    // r1's next ten (15 to 10 November, twelve hours apart) are merged in where they belong.
    let dates: Vec<_> = app.inbox.messages.iter().map(|m| m.last_changed).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert_eq!(app.inbox.messages.len(), 320);
    assert!(app.inbox.settled > 131, "{}", app.inbox.settled);
}

#[test]
fn the_help_overlay_scrolls_with_j_and_k_and_closes_at_the_top_again() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('?')));
    update(&mut app, key(KeyCode::Char('j')));
    update(&mut app, key(KeyCode::Char('j')));
    assert_eq!(app.help_scroll(), Some(2));
    assert_eq!(app.inbox.selected, 0, "the list did not move");
    update(&mut app, key(KeyCode::Char('k')));
    assert_eq!(app.help_scroll(), Some(1));
    update(&mut app, key(KeyCode::Esc));
    assert!(app.help_scroll().is_none(), "Esc closes it");
    update(&mut app, key(KeyCode::Char('?')));
    assert_eq!(app.help_scroll(), Some(0), "it opens at the top again");
}

fn mouse(kind: crossterm::event::MouseEventKind, column: u16, row: u16) -> Msg {
    Msg::Mouse(crossterm::event::MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

#[test]
fn the_mouse_selects_opens_and_scrolls_only_when_the_setting_is_on() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let mut app = logged_in();
    let list = app.layout().list.expect("a list pane");
    // Off by default: nothing happens.
    update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 5, list.y + 3),
    );
    assert_eq!(app.inbox.selected, 0);

    app.settings.mouse = true;
    update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 5, list.y + 3),
    );
    assert_eq!(app.inbox.selected, 2, "the third row (inside the border)");
    let effects = update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 5, list.y + 3),
    );
    assert!(app.detail.open, "a click on the selected row opens it");
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::FetchMessage {
            mark_as_read: true,
            ..
        }
    )));
    update(&mut app, key(KeyCode::Esc));

    update(&mut app, mouse(MouseEventKind::ScrollDown, 5, list.y + 3));
    assert_eq!(app.inbox.selected, 5, "the wheel moves three rows");
    update(&mut app, mouse(MouseEventKind::ScrollUp, 5, list.y + 3));
    assert_eq!(app.inbox.selected, 2);
    // A click on the border or past the last row does nothing.
    update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 5, list.y),
    );
    assert_eq!(app.inbox.selected, 2);
    // Under an overlay the mouse is ignored.
    update(&mut app, key(KeyCode::Char('?')));
    update(&mut app, mouse(MouseEventKind::ScrollDown, 5, list.y + 3));
    assert_eq!(app.inbox.selected, 2);
}

#[test]
fn a_refresh_drops_rows_the_server_no_longer_lists() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('f')));
    let effects = update(&mut app, key(KeyCode::Char('u')));
    update(&mut app, key(KeyCode::Esc));
    let (request, _) = page_request(&effects).expect("the unread, from the server");
    let unread: Vec<MessageSummary> = (0..30).map(summary).filter(|m| m.is_unread()).collect();
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: MessagePage {
                messages: unread.clone(),
                has_more: false,
                limit_reached: false,
                next: None,
            },
        },
    );
    assert_eq!(app.inbox.messages.len(), 10);
    // One was read elsewhere: the filtered list from the server no longer has it.
    let (request, _) = page_request(&update(&mut app, key(KeyCode::Char('r')))).expect("refresh");
    let still: Vec<MessageSummary> = unread.iter().skip(1).cloned().collect();
    let effects = update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: MessagePage {
                messages: still,
                has_more: false,
                limit_reached: false,
                next: None,
            },
        },
    );
    assert_eq!(app.inbox.messages.len(), 9);
    assert!(!app.inbox.messages.iter().any(|m| m.id == unread[0].id));
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e, Effect::WriteCache { .. })),
        "no cache in this test"
    );
}

#[test]
fn at_the_end_pages_are_fetched_four_at_a_time_and_taken_in_any_order() {
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char('G')));
    let pages: Vec<(u64, usize)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchPage { request, skip, .. } => Some((*request, *skip)),
            _ => None,
        })
        .collect();
    assert_eq!(
        pages.iter().map(|(_, s)| *s).collect::<Vec<_>>(),
        [50, 100, 150, 200],
        "four pages in flight, no more"
    );
    assert!(
        page_request(&update(&mut app, key(KeyCode::Char('G')))).is_none(),
        "nothing more while four are on their way"
    );
    // The third arrives first: it waits; then the first and second: the cursor moves over all.
    let answer = |app: &mut App, (request, skip): (u64, usize)| {
        update(
            app,
            Msg::PageLoaded {
                request,
                skip,
                page: page(skip..skip + 50, true),
            },
        )
    };
    answer(&mut app, pages[2]);
    assert_eq!(app.inbox.sources[0].next_skip, 50);
    assert_eq!(app.inbox.messages.len(), 100, "its rows are shown at once");
    answer(&mut app, pages[0]);
    assert_eq!(app.inbox.sources[0].next_skip, 100);
    answer(&mut app, pages[1]);
    assert_eq!(
        app.inbox.sources[0].next_skip, 200,
        "over the page that came early"
    );
    // The last one ends the mailbox.
    update(
        &mut app,
        Msg::PageLoaded {
            request: pages[3].0,
            skip: 200,
            page: page(200..230, false),
        },
    );
    assert_eq!(app.inbox.sources[0].next_skip, 230);
    assert!(app.inbox.exhausted());
    assert_eq!(app.inbox.messages.len(), 230);
}

#[test]
fn overlay_keys_go_through_the_keymap_so_they_can_be_rebound_and_help_lists_them() {
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert("filter_unread".to_owned(), vec!["U".to_owned()]);
    overrides.insert("yes".to_owned(), vec!["J".to_owned()]);
    let mut app = logged_in();
    app.settings.keymap = Keymap::with_overrides(&overrides).expect("valid overrides");
    update(&mut app, key(KeyCode::Char('f')));
    assert!(
        fetched_filters(&update(&mut app, key(KeyCode::Char('u')))).is_none(),
        "u is no longer bound in the menu"
    );
    let effects = update(&mut app, key(KeyCode::Char('U')));
    assert!(fetched_filters(&effects).expect("reload").unread, "U is");
    let (request, skip) = page_request(&effects).expect("the unread, from the server");
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip,
            page: page(0..3, false),
        },
    );
    update(&mut app, key(KeyCode::Esc));
    assert!(!app.filter_menu_open());

    // A question answers to the rebound yes, and y now says no.
    update(&mut app, key(KeyCode::Char('d')));
    assert!(app.question().is_some());
    assert!(update(&mut app, key(KeyCode::Char('y'))).is_empty());
    assert!(app.question().is_none(), "any other key says no");
    update(&mut app, key(KeyCode::Char('d')));
    let effects = update(&mut app, key(KeyCode::Char('J')));
    assert!(
        matches!(effects.as_slice(), [Effect::Act { .. }]),
        "{effects:?}"
    );

    let help = app.settings.keymap.help();
    let filter_menu = help
        .iter()
        .find(|(group, _)| *group == "Filtermenyen (f)")
        .expect("the help lists the filter menu's keys");
    assert!(filter_menu.1.contains(&("U".to_owned(), "bare uleste")));
}

#[test]
fn every_field_edits_the_same_way_word_delete_cursor_and_paste() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "sender skatt etaten");
    update(&mut app, ctrl('w'));
    let line = app.command_line().expect("open");
    assert_eq!(
        line.text.value(),
        "sender skatt ",
        "C-w deletes the word before the cursor"
    );
    update(&mut app, key(KeyCode::Home));
    update(&mut app, key(KeyCode::Delete));
    update(&mut app, Msg::Paste("S".into()));
    assert_eq!(
        app.command_line().map(|l| l.text.value()),
        Some("Sender skatt "),
        "a paste lands at the cursor"
    );
    update(&mut app, key(KeyCode::Esc));

    // The switcher's filter and the search prompt take the same keys.
    app.set_reportees(vec![
        innboks::domain::Party {
            id: "r1".into(),
            name: "KARI NORDMANN".into(),
            kind: innboks::domain::PartyKind::Person,
            organisation_number: None,
        },
        innboks::domain::Party {
            id: "r2".into(),
            name: "NORDMANN BYGG AS".into(),
            kind: innboks::domain::PartyKind::Organisation,
            organisation_number: Some("910000001".into()),
        },
    ]);
    update(&mut app, key(KeyCode::Char('R')));
    type_text(&mut app, "bygg xx");
    update(&mut app, ctrl('w'));
    update(&mut app, ctrl('w'));
    assert_eq!(app.switcher().map(|s| s.filter.value()), Some(""));
    update(&mut app, Msg::Paste("bygg".into()));
    assert_eq!(app.switcher_matches().len(), 1, "the pasted filter applies");
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, key(KeyCode::Char('/')));
    type_text(&mut app, "Meldng");
    update(&mut app, key(KeyCode::Left));
    update(&mut app, key(KeyCode::Left));
    type_text(&mut app, "i");
    assert_eq!(
        app.search.as_ref().map(|s| s.query.value()),
        Some("Melding")
    );
}

#[test]
fn restore_and_mark_unread_act_on_altinn3_and_are_explained_on_altinn2() {
    use innboks::domain::{Capabilities, MessageAction};
    let mut app = logged_in();
    assert!(update(&mut app, key(KeyCode::Char('U'))).is_empty());
    assert!(
        matches!(&app.status, Some(Status::Info(text)) if text.contains("Altinn 2 kan ikke merke som ulest")),
        "{:?}",
        app.status
    );
    app.settings.capabilities = Capabilities::altinn3();
    let effects = update(&mut app, key(KeyCode::Char('U')));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Act {
                action: MessageAction::MarkUnread,
                ..
            }]
        ),
        "{effects:?}"
    );
    let effects = update(&mut app, key(KeyCode::Char('u')));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Act {
            action: MessageAction::Restore,
            ..
        }]
    ));
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "restore");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Act {
            action: MessageAction::Restore,
            ..
        }]
    ));
}

#[test]
fn search_at_altinn_goes_to_the_server_on_altinn3_and_due_dates_sort() {
    use innboks::domain::Capabilities;
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "search skatt");
    update(&mut app, key(KeyCode::Enter));
    let line = app
        .command_line()
        .expect("refused on Altinn 2, the line kept");
    assert!(line
        .error
        .as_deref()
        .is_some_and(|e| e.contains("Altinn 3")));
    update(&mut app, key(KeyCode::Esc));
    app.settings.capabilities = Capabilities::altinn3();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "search skatt");
    let effects = update(&mut app, key(KeyCode::Enter));
    let filters = fetched_filters(&effects).expect("the list asks Altinn again");
    assert_eq!(filters.search.as_deref(), Some("skatt"));
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("Søk hos Altinn")));
    // What the search found is said as hits, not as new messages.
    let request = page_request(&effects).expect("a first page").0;
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..39, false),
        },
    );
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("39 treff på «skatt»")),
        "{:?}",
        app.status
    );
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "nosearch");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(fetched_filters(&effects).expect("again").search, None);

    // Due dates: soonest first, none last.
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "sort due");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.sort, innboks::app::SortOrder::Due);
}

#[test]
fn altinn3_merges_every_party_in_groups_of_a_hundred_a_few_at_a_time() {
    use innboks::domain::{Capabilities, Party, PartyKind};
    let mut app = logged_in();
    app.settings.capabilities = Capabilities::altinn3();
    app.settings.concurrency = 2;
    let parties: Vec<Party> = (0..450)
        .map(|i| Party {
            id: format!("urn:altinn:organization:identifier-no:9{i:08}"),
            name: format!("KLIENT {i} AS"),
            kind: PartyKind::Organisation,
            organisation_number: None,
        })
        .collect();
    update(&mut app, Msg::ReporteesLoaded(parties.clone()));
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "all");
    let mut effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.inbox.sources.len(),
        5,
        "450 parties in groups of at most 100"
    );
    let mut answered = 0;
    let mut owners = std::collections::BTreeSet::new();
    loop {
        let pages: Vec<(u64, Vec<String>)> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::FetchPage {
                    request,
                    inbox: Inbox::Group { parties, .. },
                    skip: 0,
                    ..
                } => Some((*request, parties.clone())),
                _ => None,
            })
            .collect();
        let in_flight = app.inbox.sources_in_flight();
        assert!(
            in_flight <= 2,
            "never more than `concurrency` in flight: {in_flight}"
        );
        if pages.is_empty() {
            break;
        }
        effects = Vec::new();
        for (request, group) in pages {
            assert!(group.len() <= 100);
            let messages = group
                .iter()
                .take(2)
                .enumerate()
                .map(|(i, party)| {
                    let mut m = summary(answered * 10 + i);
                    m.id = format!("d-{party}");
                    m.owner = Some(party.clone());
                    m
                })
                .collect();
            effects.extend(update(
                &mut app,
                Msg::PageLoaded {
                    request,
                    skip: 0,
                    page: MessagePage {
                        messages,
                        has_more: false,
                        limit_reached: false,
                        next: None,
                    },
                },
            ));
            answered += 1;
        }
    }
    assert_eq!(answered, 5, "every group answered");
    for m in &app.inbox.messages {
        owners.insert(m.owner.clone().expect("every row says whose"));
    }
    assert_eq!(app.inbox.messages.len(), 10);
    assert_eq!(owners.len(), 10, "the rows keep the party the backend gave");
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("alle 5 har svart")),
        "{:?}",
        app.status
    );

    // A refresh asks every group again, incrementally, no more than `concurrency` at once.
    let mut effects = update(&mut app, key(KeyCode::Char('r')));
    let mut refreshed = 0;
    loop {
        let pages: Vec<u64> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::FetchPage {
                    request,
                    since: Some(_),
                    ..
                } => Some(*request),
                _ => None,
            })
            .collect();
        let in_flight = app.inbox.sources_in_flight();
        assert!(in_flight <= 2, "a refresh in flight: {in_flight}");
        if pages.is_empty() {
            break;
        }
        effects = Vec::new();
        for request in pages {
            effects.extend(update(
                &mut app,
                Msg::PageLoaded {
                    request,
                    skip: 0,
                    page: page(0..0, false),
                },
            ));
            refreshed += 1;
        }
    }
    assert_eq!(refreshed, 5, "every group refreshed");
    assert_eq!(app.inbox.messages.len(), 10, "nothing lost");
}

/// In the trash bin, `d` deletes for good after a question (Altinn 3), and says why not on
/// Altinn 2; `:purge` outside the bin is refused in words.
#[test]
fn delete_in_the_trash_purges_after_a_question() {
    use innboks::domain::{Capabilities, Folder, MessageAction};
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "purge");
    app.settings.capabilities = Capabilities::altinn3();
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("Bare meldinger i papirkurven")),
        "{:?}",
        app.status
    );
    app.folder = Folder::Trash;
    app.settings.capabilities = Capabilities::default();
    assert!(update(&mut app, key(KeyCode::Char('d'))).is_empty());
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("Altinn 2 kan ikke slette for godt")),
        "{:?}",
        app.status
    );
    app.settings.capabilities = Capabilities::altinn3();
    let first = app.inbox.messages[0].id.clone();
    assert!(
        update(&mut app, key(KeyCode::Char('d'))).is_empty(),
        "asks first"
    );
    assert!(
        matches!(app.question(), Some(p) if p.action == MessageAction::Purge),
        "{:?}",
        app.overlay
    );
    let effects = update(&mut app, key(KeyCode::Char('y')));
    let [Effect::Act {
        request,
        id,
        action: MessageAction::Purge,
        ..
    }] = effects.as_slice()
    else {
        panic!("purge expected, got {effects:?}");
    };
    assert_eq!(id, &first);
    update(
        &mut app,
        Msg::ActionDone {
            request: *request,
            id: id.clone(),
            action: MessageAction::Purge,
            new_id: None,
        },
    );
    assert!(app.inbox.messages.iter().all(|m| m.id != first));
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("Slettet for godt")));
}

/// `H` shows the history the open fetched, and again shows the text; where there is none,
/// the status line says why (Altinn 2 has none; an Altinn 3 preview has not opened it yet).
#[test]
fn capital_h_toggles_the_history_and_says_why_there_is_none() {
    use innboks::domain::{Capabilities, HistoryEntry};
    let mut app = logged_in();
    app.bodies.insert("a1000".into(), message(0));
    app.detail.id = Some("a1000".into());
    assert!(update(&mut app, key(KeyCode::Char('H'))).is_empty());
    assert!(!app.detail.history);
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("Altinn 2 gir ingen historikk")),
        "{:?}",
        app.status
    );
    app.settings.capabilities = Capabilities::altinn3();
    update(&mut app, key(KeyCode::Char('H')));
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("når meldingen åpnes")),
        "{:?}",
        app.status
    );
    let mut opened = message(0);
    opened.history = vec![HistoryEntry {
        at: None,
        what: "Opprettet".into(),
        by: Some("Skatteetaten".into()),
    }];
    app.bodies.insert("a1000".into(), opened);
    app.opened.insert("a1000".into());
    update(&mut app, key(KeyCode::Char('H')));
    assert!(app.detail.history, "shown");
    update(&mut app, key(KeyCode::Char('H')));
    assert!(!app.detail.history, "and the text again");
}

/// On Altinn 3, `r` asks only for what changed since the newest row: an empty answer drops
/// nothing and keeps the cursor, a new dialog goes on top, and after five of these the first
/// page comes again in full (to reconcile what an incremental sync cannot see).
#[test]
fn refresh_on_altinn3_is_incremental_with_a_full_sync_now_and_then() {
    use innboks::domain::Capabilities;
    let mut app = logged_in();
    app.settings.capabilities = Capabilities::altinn3();
    let newest = app
        .inbox
        .messages
        .iter()
        .filter_map(|m| m.last_changed)
        .max();
    let since_of = |effects: &[Effect]| {
        effects.iter().find_map(|e| match e {
            Effect::FetchPage {
                request,
                skip: 0,
                since,
                ..
            } => Some((*request, *since)),
            _ => None,
        })
    };
    let (request, since) = since_of(&update(&mut app, key(KeyCode::Char('r')))).expect("a refresh");
    assert_eq!(since, newest, "only what changed since the newest row");
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..0, false),
        },
    );
    assert_eq!(app.inbox.messages.len(), 50, "nothing dropped");
    assert_eq!(app.inbox.sources[0].next_skip, 50, "the cursor stays");
    assert!(!app.inbox.is_loading());

    let (request, _) = since_of(&update(&mut app, key(KeyCode::Char('r')))).expect("again");
    let mut fresh = summary(500);
    fresh.last_changed = Utc.with_ymd_and_hms(2026, 11, 21, 8, 0, 0).single();
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: MessagePage {
                messages: vec![fresh],
                has_more: false,
                limit_reached: false,
                next: None,
            },
        },
    );
    assert_eq!(app.inbox.messages.len(), 51);
    assert_eq!(app.inbox.messages[0].id, "a1500", "the new one on top");
    assert_eq!(app.inbox.sources[0].next_skip, 51, "offsets shifted by it");

    let mut kinds = Vec::new();
    for _ in 0..5 {
        let (request, since) =
            since_of(&update(&mut app, key(KeyCode::Char('r')))).expect("a refresh");
        kinds.push(since.is_some());
        // An incremental answer: nothing changed; a full one: the rows as they are.
        let answer = if since.is_some() {
            page(0..0, false)
        } else {
            MessagePage {
                messages: app.inbox.messages.clone(),
                has_more: true,
                limit_reached: false,
                next: None,
            }
        };
        update(
            &mut app,
            Msg::PageLoaded {
                request,
                skip: 0,
                page: answer,
            },
        );
        assert_eq!(app.inbox.messages.len(), 51, "nothing lost");
    }
    assert_eq!(
        kinds,
        vec![true, true, true, false, true],
        "after five incremental syncs the next is full"
    );
}

/// The cached list comes in parts: the first (what the screen needs) is drawn at once, the
/// rest adds older rows below without moving the cursor, and `G` pressed meanwhile says it
/// waits, then lands on the last row of the whole list.
#[test]
fn a_cached_list_in_parts_draws_the_first_at_once_and_g_waits_for_the_rest() {
    use innboks::domain::CachedList;
    let mut app = App::new(innboks::app::Settings::new("test"));
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    app.settings.cache_enabled = true;
    app.user_key = Some("u".into());
    app.settings.idporten_configured = true;
    let effects = update(&mut app, Msg::Start);
    let (request, head) = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadCache { request, head, .. } => Some((*request, *head)),
            _ => None,
        })
        .expect("the cache asked");
    assert!(
        head >= app.layout().list_rows(),
        "a screen's worth first: {head}"
    );
    let part = |range: std::ops::Range<usize>| CachedList {
        messages: range.map(summary).collect(),
        complete: true,
        synced_at: Some(1_764_000_000),
        reconciled_at: None,
    };
    update(
        &mut app,
        Msg::CacheLoaded {
            request,
            list: part(0..100),
            more: true,
        },
    );
    assert_eq!(app.inbox.messages.len(), 100, "drawn at once");
    assert_eq!(app.inbox.selected, 0);
    update(&mut app, key(KeyCode::Char('j')));
    update(&mut app, key(KeyCode::Char('j')));
    let on = app.inbox.selected_message().map(|m| m.id.clone());
    update(
        &mut app,
        Msg::CacheLoaded {
            request,
            list: part(100..300),
            more: true,
        },
    );
    assert_eq!(app.inbox.messages.len(), 300);
    assert_eq!(
        app.inbox.selected_message().map(|m| m.id.clone()),
        on,
        "the cursor stays on its message"
    );
    update(&mut app, key(KeyCode::Char('G')));
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("resten")),
        "{:?}",
        app.status
    );
    update(
        &mut app,
        Msg::CacheLoaded {
            request,
            list: part(300..450),
            more: false,
        },
    );
    assert_eq!(app.inbox.messages.len(), 450);
    assert_eq!(
        app.inbox.selected, 449,
        "G lands on the last row of the whole list"
    );
    assert!(app.inbox.sources[0].cache_request.is_none());
}

/// A server page that comes while the rest of the cached list is being read waits for it:
/// rows the cache had further down are not counted as new.
#[test]
fn a_server_page_waits_for_the_rest_of_the_cached_list() {
    use innboks::domain::CachedList;
    let mut app = App::new(innboks::app::Settings::new("test"));
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    app.settings.cache_enabled = true;
    app.user_key = Some("u".into());
    app.settings.idporten_configured = true;
    let effects = update(&mut app, Msg::Start);
    let cache = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadCache { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the cache asked");
    let part = |range: std::ops::Range<usize>| CachedList {
        messages: range.map(summary).collect(),
        complete: true,
        synced_at: Some(1_764_000_000),
        reconciled_at: None,
    };
    update(
        &mut app,
        Msg::CacheLoaded {
            request: cache,
            list: part(0..20),
            more: true,
        },
    );
    let effects = update(
        &mut app,
        Msg::SessionRestored {
            method: innboks::domain::LoginMethod::IdPortenDevice,
        },
    );
    let (request, _) = page_request(&effects).expect("the first page");
    // The server's first 50: the 20 drawn and 30 the cache has further down.
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..50, true),
        },
    );
    assert_eq!(app.inbox.messages.len(), 20, "the page waits");
    update(
        &mut app,
        Msg::CacheLoaded {
            request: cache,
            list: part(20..120),
            more: false,
        },
    );
    assert_eq!(app.inbox.messages.len(), 120);
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("Ingen nye")),
        "nothing new: {:?}",
        app.status
    );
    assert!(!app.inbox.is_loading());
}

/// On Altinn 3, a start over a cached list that a first page reconciled a little while ago
/// asks only for what changed since its newest row; one reconciled long ago (or never)
/// asks for the first page again, and that page is noted as the reconcile.
#[test]
fn a_start_over_a_recently_reconciled_cache_asks_only_for_what_changed() {
    use innboks::domain::CachedList;
    let start_with = |reconciled_ago: Option<u64>| -> (App, Vec<Effect>) {
        let mut app = App::new(innboks::app::Settings::new("test"));
        update(
            &mut app,
            Msg::Resize {
                width: 100,
                height: 30,
            },
        );
        app.settings.capabilities = innboks::domain::Capabilities::altinn3();
        app.settings.cache_enabled = true;
        app.user_key = Some("u".into());
        app.settings.idporten_configured = true;
        let effects = update(&mut app, Msg::Start);
        let cache = effects
            .iter()
            .find_map(|e| match e {
                Effect::LoadCache { request, .. } => Some(*request),
                _ => None,
            })
            .expect("the cache asked");
        let now = innboks::domain::epoch_seconds(app.now);
        update(
            &mut app,
            Msg::CacheLoaded {
                request: cache,
                list: CachedList {
                    messages: (0..30).map(summary).collect(),
                    complete: false,
                    synced_at: Some(now),
                    reconciled_at: reconciled_ago.map(|ago| now - ago as i64),
                },
                more: false,
            },
        );
        let effects = update(
            &mut app,
            Msg::SessionRestored {
                method: innboks::domain::LoginMethod::IdPortenDevice,
            },
        );
        (app, effects)
    };
    let since = |effects: &[Effect]| {
        effects.iter().find_map(|e| match e {
            Effect::FetchPage { since, .. } => Some(*since),
            _ => None,
        })
    };
    let newest = summary(0).last_changed;
    let (mut app, effects) = start_with(Some(600));
    assert_eq!(
        since(&effects),
        Some(newest),
        "ten minutes ago: only the changes"
    );
    // Nothing changed: the cached rows are taken as they are while the user reads them; the
    // first page comes when the end is near.
    let (request, _) = page_request(&effects).expect("the changes");
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..0, false),
        },
    );
    assert!(page_request(&update(&mut app, key(KeyCode::Char('j')))).is_none());
    let effects = update(&mut app, key(KeyCode::Char('G')));
    assert_eq!(since(&effects), Some(None), "near the end: the first page");
    let (_, effects) = start_with(Some(7 * 3600));
    assert_eq!(
        since(&effects),
        Some(None),
        "seven hours ago: the first page"
    );
    let (mut app, effects) = start_with(None);
    assert_eq!(since(&effects), Some(None), "never: the first page");
    let (request, _) = page_request(&effects).expect("the first page");
    let effects = update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..30, true),
        },
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::MarkReconciled { .. })),
        "{effects:?}"
    );
}
