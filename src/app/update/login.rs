//! The login screen and the session: the form's keys, the ID-porten flows as they report
//! back, a stored session resumed or ended, and the way into the inbox.

use crate::i18n::tr;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::{App, Effect, LoginField, LoginFlow, LoginMethod, Screen, Status, TextInput};
use crate::domain::{ApiError, RefreshEvent};
use crate::secret::Secret;

use super::detail::fetch_detail;
use super::pages::{fetch_page, fetch_unloaded, start_list};
use super::{failure, next_request};
use crate::app::{BrowserView, DeviceView};
use crate::domain::Profile;

pub(super) fn logged_in(app: &mut App, request: u64) -> Vec<Effect> {
    if app.login.pending != Some(request) {
        return Vec::new();
    }
    let resumed = app.login.relogin;
    app.login.pending = None;
    app.login.flow = LoginFlow::Idle;
    app.login.password.clear();
    app.login.error = None;
    app.session.note = match app.login.method {
        LoginMethod::Password => None,
        _ => Some(tr!("ID-porten · innlogget").into()),
    };
    let reopen = app.login.step_up.take().filter(|id| !id.is_empty());
    let mut effects = enter_inbox(app, resumed);
    if reopen.is_some_and(|id| app.detail.id.as_ref() == Some(&id)) {
        // The letter that needed the higher level opens now.
        app.detail.open = true;
        effects.extend(super::detail::fetch_detail(app, true, false));
    }
    effects
}

/// Shows the inbox after a login: resumes where the user was after a re-login, else loads
/// it from the top.
pub(super) fn enter_inbox(app: &mut App, resumed: bool) -> Vec<Effect> {
    app.login.relogin = false;
    app.session.method = Some(match app.login.method {
        LoginMethod::Password => tr!("passord"),
        _ => "ID-porten",
    });
    if app.settings.demo {
        // The demo's two faces: a password session is Altinn 2's, ID-porten Altinn 3's.
        app.env_label = match app.login.method {
            LoginMethod::Password => tr!("demo · simulert Altinn 2"),
            _ => tr!("demo · simulert Altinn 3"),
        }
        .into();
    }
    app.screen = Screen::Inbox;
    app.status = Some(Status::Info(if resumed {
        tr!("Logget inn igjen.").into()
    } else {
        tr!("Logget inn.").into()
    }));
    let mut effects = vec![Effect::FetchProfile];
    if resumed && (app.inbox.loaded_once || !app.inbox.sources.is_empty()) {
        // Pages that failed are fetched again; sources shown only from the cache so far
        // start their sync.
        let failed: Vec<(usize, usize)> = app
            .inbox
            .sources
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.failed_skip.map(|skip| (i, skip)))
            .collect();
        for (index, skip) in failed {
            effects.extend(fetch_page(app, index, skip));
        }
        effects.extend(fetch_unloaded(app));
        if app.detail.id.is_some() && app.detail_message().is_none() {
            effects.extend(fetch_detail(app, false, false));
        }
    } else {
        app.bodies.clear();
        app.search_texts = Default::default();
        effects.extend(start_list(app));
    }
    effects
}

/// The login field that has the keys, if a text field has them.
pub(super) fn login_field_mut(app: &mut App) -> Option<&mut TextInput> {
    match app.login.focused() {
        LoginField::Username => Some(&mut app.login.username),
        LoginField::Password => Some(&mut app.login.password),
        LoginField::Method => None,
    }
}

pub(super) fn login_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q')) {
        app.should_quit = true;
        return Vec::new();
    }
    if app.login.restoring {
        return Vec::new();
    }
    if let LoginFlow::Browser(_) = app.login.flow {
        return browser_key(app, key);
    }
    if app.login.pending.is_some() {
        if key.code == KeyCode::Esc {
            return cancel_login(app);
        }
        return Vec::new();
    }
    let is_password = app.login.method == LoginMethod::Password;
    let order: &[LoginField] = if is_password {
        &[
            LoginField::Method,
            LoginField::Username,
            LoginField::Password,
        ]
    } else {
        &[LoginField::Method]
    };
    let focused = if order.contains(&app.login.focused()) {
        app.login.focused()
    } else {
        LoginField::Method
    };
    let position = order.iter().position(|f| *f == focused).unwrap_or(0);
    let move_focus = |app: &mut App, delta: isize| {
        let len = order.len() as isize;
        let next = (position as isize + delta).rem_euclid(len) as usize;
        app.login.focus = Some(order[next]);
    };
    match (focused, key.code) {
        (_, KeyCode::Esc) if app.login.step_up.is_some() => {
            // A step-up is a choice: the session it would replace still works.
            app.login.step_up = None;
            app.login.relogin = false;
            app.login.error = None;
            app.screen = Screen::Inbox;
            app.status = Some(Status::Info(
                tr!("Ingen innlogging på høyt nivå; økten du har, gjelder fortsatt.").into(),
            ));
        }
        (_, KeyCode::Esc) => {
            if app.login.error.is_some() {
                app.login.error = None;
            } else if !app.login.relogin {
                app.should_quit = true;
            }
        }
        (_, KeyCode::Tab) => move_focus(app, 1),
        (_, KeyCode::BackTab) => move_focus(app, -1),
        (LoginField::Method, KeyCode::Up | KeyCode::Char('k')) => {
            app.login.method = app.login.method.moved(-1);
            app.login.error = None;
        }
        (LoginField::Method, KeyCode::Down | KeyCode::Char('j')) => {
            app.login.method = app.login.method.moved(1);
            app.login.error = None;
        }
        (LoginField::Method, KeyCode::Enter) => {
            if is_password {
                app.login.focus = Some(LoginField::Username);
            } else {
                return start_idporten(app);
            }
        }
        (LoginField::Username, KeyCode::Enter) if app.login.username.value().trim().is_empty() => {
            // Said, not skipped: Enter on an empty name would otherwise seem to do nothing.
            app.login.error = Some(tr!("Skriv inn brukernavn.").into());
        }
        (LoginField::Username, KeyCode::Enter | KeyCode::Down) => move_focus(app, 1),
        (LoginField::Username | LoginField::Password, KeyCode::Up) => move_focus(app, -1),
        (LoginField::Password, KeyCode::Enter) => return submit_password(app),
        (LoginField::Username | LoginField::Password, _) => {
            if let Some(field) = login_field_mut(app) {
                field.handle(&key);
            }
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn cancel_login(app: &mut App) -> Vec<Effect> {
    app.login.pending = None;
    app.login.flow = LoginFlow::Idle;
    app.login.error = Some(tr!("Innloggingen ble avbrutt.").into());
    vec![Effect::CancelLogin]
}

/// Starts the selected ID-porten flow, or says why it cannot start.
pub(super) fn start_idporten(app: &mut App) -> Vec<Effect> {
    if !app.settings.idporten_configured {
        app.login.error = Some(
            tr!("ID-porten er ikke konfigurert for dette miljøet: sett issuer og client_id i config.toml.")
                .into(),
        );
        return Vec::new();
    }
    let device = app.login.method == LoginMethod::IdPortenDevice;
    if device && app.login.device_offered == Some(false) {
        app.login.error = Some(
            tr!("Denne ID-porten tilbyr ikke innlogging med engangskode. Velg «ID-porten i nettleseren».")
                .into(),
        );
        return Vec::new();
    }
    let request = next_request(app);
    app.login.pending = Some(request);
    app.login.flow = LoginFlow::Starting;
    app.login.error = None;
    let high = app.login.step_up.is_some();
    if device {
        vec![Effect::StartDeviceLogin { request, high }]
    } else {
        vec![Effect::StartBrowserLogin {
            request,
            open_browser: app.settings.can_open_browser,
            high,
        }]
    }
}

/// `L`: a letter needs the high level of assurance; the login comes over the kept inbox,
/// asks ID-porten for that level, and the message opens again afterwards.
pub(super) fn step_up(app: &mut App) -> Vec<Effect> {
    if app.login.method == LoginMethod::Password || !app.settings.idporten_configured {
        app.status = Some(Status::Info(
            tr!("Høyt sikkerhetsnivå finnes bare med ID-porten (Altinn 3).").into(),
        ));
        return Vec::new();
    }
    app.login.step_up = Some(app.detail.id.clone().unwrap_or_default());
    app.screen = Screen::Login;
    app.login.relogin = true;
    app.login.flow = LoginFlow::Idle;
    app.login.focus = Some(LoginField::Method);
    app.login.error = Some(
        tr!("Logg inn med ID-porten på høyt sikkerhetsnivå (for eksempel BankID). Innboksen er tatt vare på, og meldingen åpnes igjen etterpå.")
            .into(),
    );
    Vec::new()
}

/// Keys on the browser-login screen: `y` copies the URL, Tab moves to the paste field,
/// Enter submits what was pasted, Esc cancels. Typing starts the paste.
pub(super) fn browser_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let LoginFlow::Browser(view) = &mut app.login.flow else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => return cancel_login(app),
        KeyCode::Tab | KeyCode::BackTab => view.paste_focused = !view.paste_focused,
        KeyCode::Char('y') if !view.paste_focused && !ctrl => {
            let url = view.url.clone();
            app.status = Some(Status::Info(
                tr!("Adressen er kopiert til utklippstavlen.").into(),
            ));
            return vec![Effect::CopyToClipboard(url)];
        }
        KeyCode::Enter if !view.paste.value().trim().is_empty() => {
            view.paste_error = None;
            return vec![Effect::SubmitRedirect {
                text: view.paste.value().to_owned(),
            }];
        }
        // Typing starts the paste; other editing keys work once it has the focus.
        KeyCode::Char(_) if !ctrl => {
            view.paste_focused = true;
            view.paste.handle(&key);
        }
        _ if view.paste_focused || ctrl => {
            view.paste.handle(&key);
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn submit_password(app: &mut App) -> Vec<Effect> {
    if !app.settings.capabilities.password_login {
        app.login.error = Some(
            tr!("Altinn 3 har ingen innlogging med brukernavn og passord. Velg ID-porten.").into(),
        );
        return Vec::new();
    }
    let username = app.login.username.value().trim().to_owned();
    if username.is_empty() {
        app.login.error = Some(tr!("Skriv inn brukernavn.").into());
        app.login.focus = Some(LoginField::Username);
        return Vec::new();
    }
    if app.login.password.is_empty() {
        app.login.error = Some(tr!("Skriv inn passord.").into());
        return Vec::new();
    }
    let request = next_request(app);
    app.login.pending = Some(request);
    app.login.error = None;
    let password = Secret::new(std::mem::take(&mut app.login.password).value());
    vec![Effect::PasswordLogin {
        request,
        username,
        password,
    }]
}

/// `--offline`: the inbox from the cache only.
pub(super) fn start_offline(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Inbox;
    app.status = Some(Status::Info(
        tr!("Frakoblet: viser hurtigbufferen. Ingenting hentes eller sendes.").into(),
    ));
    start_list(app)
}

/// Who logged in, as the cache's key.
pub(super) fn user_known(app: &mut App, user: String) -> Vec<Effect> {
    app.session.user_key = Some(user.clone());
    if app.settings.cache_enabled {
        vec![Effect::RememberUser {
            env: app.settings.env.clone(),
            user,
        }]
    } else {
        Vec::new()
    }
}

/// The loop has started: discovery and the stored session; with a cache for that session, the inbox at once.
pub(super) fn start(app: &mut App) -> Vec<Effect> {
    if !app.settings.idporten_configured {
        return Vec::new();
    }
    app.login.restoring = true;
    let mut effects = vec![Effect::Discover, Effect::RestoreSession];
    if app.session.user_key.is_some() && app.settings.cache_enabled {
        // A stored session names its cache: show the inbox from it at once while
        // the session is resumed; if that fails, the login comes over it.
        app.screen = Screen::Inbox;
        app.status = Some(Status::Info(tr!("Gjenopptar økten hos ID-porten …").into()));
        effects.extend(start_list(app));
    }
    effects
}

/// Discovery answered.
pub(super) fn provider_ready(app: &mut App, device_offered: bool) -> Vec<Effect> {
    app.login.device_offered = Some(device_offered);
    app.login.provider_error = None;
    Vec::new()
}

/// Discovery failed: the login screen says why.
pub(super) fn provider_failed(app: &mut App, error: String) -> Vec<Effect> {
    app.login.provider_error = Some(error);
    Vec::new()
}

/// The device code to show, if that login is still wanted.
pub(super) fn device_code(app: &mut App, request: u64, view: DeviceView) -> Vec<Effect> {
    if app.login.pending == Some(request) {
        app.login.flow = LoginFlow::Device(view);
    }
    Vec::new()
}

/// The browser login's URL to show, if that login is still wanted.
pub(super) fn browser_ready(app: &mut App, request: u64, view: BrowserView) -> Vec<Effect> {
    if app.login.pending == Some(request) {
        app.login.flow = LoginFlow::Browser(view);
    }
    Vec::new()
}

/// A pasted redirect was refused; the login goes on.
pub(super) fn paste_rejected(app: &mut App, error: String) -> Vec<Effect> {
    if let LoginFlow::Browser(view) = &mut app.login.flow {
        view.paste_error = Some(error);
    }
    Vec::new()
}

/// A stored session was resumed: the inbox, brought up to date.
pub(super) fn session_restored(app: &mut App, method: LoginMethod) -> Vec<Effect> {
    app.login.restoring = false;
    app.login.method = method;
    app.session.note = Some(tr!("ID-porten · økten ble gjenopptatt").into());
    if app.screen == Screen::Inbox {
        // The list is up from the cache: now bring it up to date.
        let effects = enter_inbox(app, true);
        app.inbox.arrivals = Some(0);
        app.status = Some(Status::Info(
            tr!("Økten er gjenopptatt – henter det nye …").into(),
        ));
        return effects;
    }
    enter_inbox(app, false)
}

/// No stored session, or it could not be resumed: the login, on the method the session
/// was made with — over the inbox when the cache showed one, else on its own (an empty
/// inbox that says it is fetching would wait for nothing).
pub(super) fn restore_failed(
    app: &mut App,
    error: Option<String>,
    method: Option<LoginMethod>,
) -> Vec<Effect> {
    app.login.restoring = false;
    if let Some(method) = method {
        app.login.method = method;
    }
    let effects = if app.screen == Screen::Inbox {
        let effects = failure(app, ApiError::SessionExpired);
        super::login_alone_over_nothing(app);
        effects
    } else {
        Vec::new()
    };
    if let Some(error) = error {
        app.login.error = Some(tr!("Den lagrede økten kunne ikke brukes: {error}", error));
    }
    effects
}

/// News from the background refresher, for the status bar.
pub(super) fn refresh_event(app: &mut App, event: RefreshEvent) -> Vec<Effect> {
    match event {
        RefreshEvent::Refreshed { expires_at } => {
            let until = chrono::DateTime::<chrono::Utc>::from(expires_at)
                .with_timezone(&chrono_tz::Europe::Oslo)
                .format("%H:%M:%S");
            app.session.note = Some(tr!("ID-porten · fornyet, gyldig til {until}", until));
            Vec::new()
        }
        RefreshEvent::Retrying { error } => {
            app.session.note = Some(tr!(
                "ID-porten · fornyelse feilet, prøver igjen ({error})",
                error
            ));
            Vec::new()
        }
        RefreshEvent::WithoutRefresh { expires_at } => {
            let until = chrono::DateTime::<chrono::Utc>::from(expires_at)
                .with_timezone(&chrono_tz::Europe::Oslo)
                .format("%H:%M");
            app.session.note = Some(tr!("ID-porten · uten fornyelse, gyldig til {until}", until));
            app.status = Some(Status::Info(tr!(
                "ID-porten ga ingen fornyelsesnøkkel: økten varer til {until}, så kommer innloggingen tilbake (innboksen tas vare på).",
                until
            )));
            Vec::new()
        }
        RefreshEvent::KeptInFile => {
            if !std::mem::replace(&mut app.session.told_kept_in_file, true) {
                app.status = Some(Status::Info(
                    tr!("Fant ingen nøkkelring: fornyelsesnøkkelen er lagret i øktfilen (0600).")
                        .into(),
                ));
            }
            Vec::new()
        }
        RefreshEvent::Ended { reason } => {
            let effects = failure(app, ApiError::SessionExpired);
            app.login.error = Some(tr!("Økten hos ID-porten er avsluttet ({reason}). Logg inn igjen – innboksen er tatt vare på.", reason));
            effects
        }
    }
}

/// A login failed: the form says why, keeps the user name and clears the password.
pub(super) fn login_failed(app: &mut App, request: u64, error: String) -> Vec<Effect> {
    if app.login.pending == Some(request) {
        app.login.pending = None;
        app.login.flow = LoginFlow::Idle;
        app.login.error = Some(error);
        app.login.password.clear();
        if app.login.method == LoginMethod::Password {
            app.login.focus = Some(LoginField::Password);
        }
    }
    Vec::new()
}

/// The user's name, for the title bar.
pub(super) fn profile_loaded(app: &mut App, profile: Profile) -> Vec<Effect> {
    if !profile.name.is_empty() {
        app.session.user_name = Some(profile.name);
    }
    Vec::new()
}
