//! Logging in: the password form, ID-porten's device and browser flows, a session that ends, the step-up.

use super::harness::*;

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
    assert_eq!(app.session.method, Some("ID-porten"));
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
