//! `update(&mut App, Msg) -> Vec<Effect>`: the only place state changes. It never awaits
//! and never touches the network or the disk; tests drive it directly.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::effects::MessageAction;
use super::search::{self, Search};
use super::Switcher;
use super::{
    Action, App, Effect, Focus, LoginField, LoginFlow, LoginMethod, Msg, PendingAction, Screen,
    Status,
};
use crate::altinn::ApiError;
use crate::auth::refresh::RefreshEvent;
use crate::auth::Secret;
use crate::domain::{MessagePage, MessageStatus};
use crate::domain::{MessageSummary, Party, PartyKind, Preset};

/// Rows before the end of the loaded list at which the next page is fetched.
const PREFETCH_MARGIN: usize = 10;

/// Applies one message to the state and returns the background work it asks for.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick(now) => {
            app.spinner = app.spinner.wrapping_add(1);
            app.now = now;
            Vec::new()
        }
        Msg::Start => {
            if app.idporten_configured {
                app.login.restoring = true;
                vec![Effect::Discover, Effect::RestoreSession]
            } else {
                Vec::new()
            }
        }
        Msg::ProviderReady { device_offered } => {
            app.login.device_offered = Some(device_offered);
            app.login.provider_error = None;
            Vec::new()
        }
        Msg::ProviderFailed { error } => {
            app.login.provider_error = Some(error);
            Vec::new()
        }
        Msg::DeviceCode { request, view } => {
            if app.login.pending == Some(request) {
                app.login.flow = LoginFlow::Device(view);
            }
            Vec::new()
        }
        Msg::BrowserReady { request, view } => {
            if app.login.pending == Some(request) {
                app.login.flow = LoginFlow::Browser(view);
            }
            Vec::new()
        }
        Msg::PasteRejected { error } => {
            if let LoginFlow::Browser(view) = &mut app.login.flow {
                view.paste_error = Some(error);
            }
            Vec::new()
        }
        Msg::SessionRestored { method } => {
            app.login.restoring = false;
            app.login.method = LoginMethod::ALL
                .iter()
                .position(|m| {
                    *m == if method == "device" {
                        LoginMethod::IdPortenDevice
                    } else {
                        LoginMethod::IdPortenBrowser
                    }
                })
                .unwrap_or(1);
            app.session_note = Some("ID-porten · økten ble gjenopptatt".into());
            enter_inbox(app, false)
        }
        Msg::RestoreFailed { error } => {
            app.login.restoring = false;
            if let Some(error) = error {
                app.login.error = Some(format!("Den lagrede økten kunne ikke brukes: {error}"));
            }
            Vec::new()
        }
        Msg::Refresh(event) => match event {
            RefreshEvent::Refreshed { expires_at } => {
                let until = chrono::DateTime::<chrono::Utc>::from(expires_at)
                    .with_timezone(&chrono_tz::Europe::Oslo)
                    .format("%H:%M:%S");
                app.session_note = Some(format!("ID-porten · fornyet, gyldig til {until}"));
                Vec::new()
            }
            RefreshEvent::Retrying { error } => {
                app.session_note = Some(format!(
                    "ID-porten · fornyelse feilet, prøver igjen ({error})"
                ));
                Vec::new()
            }
            RefreshEvent::Ended { reason } => {
                let effects = failure(app, ApiError::SessionExpired);
                app.login.error = Some(format!("Økten hos ID-porten er avsluttet ({reason}). Logg inn igjen – innboksen er tatt vare på."));
                effects
            }
        },
        Msg::Resize { width, height } => {
            app.size = (width, height);
            keep_selection_visible(app);
            maybe_fetch_more(app)
        }
        Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(key) => match app.screen {
            Screen::Login => login_key(app, key),
            Screen::Inbox => inbox_key(app, key),
        },
        Msg::Paste(text) => {
            if let LoginFlow::Browser(view) = &mut app.login.flow {
                view.paste = text.chars().filter(|c| !c.is_control()).collect();
                view.paste_focused = true;
                view.paste_error = None;
                return Vec::new();
            }
            if app.screen == Screen::Login {
                let clean: String = text.chars().filter(|c| !c.is_control()).collect();
                if let Some(field) = login_field_mut(app) {
                    field.push_str(&clean);
                }
            }
            Vec::new()
        }
        Msg::LoggedIn { request } => logged_in(app, request),
        Msg::LoginFailed { request, error } => {
            if app.login.pending == Some(request) {
                app.login.pending = None;
                app.login.flow = LoginFlow::Idle;
                app.login.error = Some(error);
                app.login.password.clear();
                if app.login.method() == LoginMethod::Password {
                    app.login.focus = Some(LoginField::Password);
                }
            }
            Vec::new()
        }
        Msg::ReporteesLoaded(parties) => {
            app.reportees = parties;
            let current = current_reportee(app);
            if let Some(switcher) = &mut app.switcher {
                switcher.loading = false;
                switcher.selected = current;
            }
            Vec::new()
        }
        Msg::ReporteesFailed(error) => {
            app.switcher = None;
            if error == ApiError::SessionExpired {
                return failure(app, error);
            }
            app.status = Some(Status::Error(format!(
                "Kunne ikke hente hvem du kan representere: {error}"
            )));
            Vec::new()
        }
        Msg::ProfileLoaded(profile) => {
            if !profile.name.is_empty() {
                app.user_name = Some(profile.name);
            }
            Vec::new()
        }
        Msg::PageLoaded {
            request,
            skip,
            page,
        } => page_loaded(app, request, skip, page),
        Msg::PageFailed {
            request,
            skip,
            error,
        } => {
            if app.inbox.page_request != Some(request) {
                return Vec::new();
            }
            app.inbox.page_request = None;
            app.inbox.loading_skip = None;
            app.inbox.failed_skip = Some(skip);
            // A 401 on the list itself means the cookie session is no good any more.
            let error = match error {
                ApiError::NeedsIdPorten { .. } => ApiError::SessionExpired,
                other => other,
            };
            failure(app, error)
        }
        Msg::MessageLoaded {
            request,
            mut message,
            marked_read,
        } => {
            let id = message.summary.id.clone();
            if marked_read && message.summary.status == MessageStatus::Unread {
                message.summary.status = MessageStatus::Read;
                message.summary.marked_unread = false;
            }
            if let Some(row) = app.inbox.messages.iter_mut().find(|m| m.id == id) {
                row.attachment_count = Some(message.attachments.len());
                if marked_read && row.status == MessageStatus::Unread {
                    row.status = MessageStatus::Read;
                    row.marked_unread = false;
                } else if row.status == MessageStatus::Read
                    && message.summary.status == MessageStatus::Unread
                {
                    // A preview fetched before an open answered after it: the open wins.
                    message.summary.status = MessageStatus::Read;
                }
            }
            app.bodies.insert(id, *message);
            if app.detail.request == Some(request) {
                app.detail.request = None;
                app.detail.error = None;
            }
            Vec::new()
        }
        Msg::ActionDone {
            request: _,
            id,
            action,
            new_id,
        } => {
            action_done(app, &id, action, new_id);
            if matches!(action, MessageAction::Delete | MessageAction::Archive) && app.preview {
                follow_selection(app)
            } else {
                Vec::new()
            }
        }
        Msg::ActionFailed {
            request: _,
            action,
            error,
        } => {
            if error == ApiError::SessionExpired {
                return failure(app, error);
            }
            app.status = Some(Status::Error(format!(
                "Kunne ikke {}: {error}",
                action.verb()
            )));
            Vec::new()
        }
        Msg::AttachmentProgress { file_name, bytes } => {
            app.status = Some(Status::Info(format!(
                "Lagrer {file_name}: {} …",
                crate::text::human_size(bytes)
            )));
            Vec::new()
        }
        Msg::AttachmentSaved { path, opened } => {
            let shown = path.display();
            app.status = Some(Status::Info(if opened {
                format!("Lagret og åpnet {shown}")
            } else {
                format!("Lagret {shown}")
            }));
            Vec::new()
        }
        Msg::AttachmentFailed { file_name, error } => {
            app.status = Some(Status::Error(format!(
                "Kunne ikke lagre {file_name}: {error}"
            )));
            Vec::new()
        }
        Msg::MessageFailed { request, error } => {
            if app.detail.request != Some(request) {
                return Vec::new();
            }
            app.detail.request = None;
            if error == ApiError::SessionExpired {
                return failure(app, error);
            }
            app.detail.error = Some(error.to_string());
            Vec::new()
        }
    }
}

fn next_request(app: &mut App) -> u64 {
    let id = app.next_request;
    app.next_request += 1;
    id
}

/// Shows an error; an expired session brings the login form back over the kept inbox.
fn failure(app: &mut App, error: ApiError) -> Vec<Effect> {
    if error == ApiError::SessionExpired {
        app.screen = Screen::Login;
        app.login.relogin = true;
        app.login.flow = LoginFlow::Idle;
        app.login.focus = Some(if app.login.method() != LoginMethod::Password {
            LoginField::Method
        } else if app.login.username.is_empty() {
            LoginField::Username
        } else {
            LoginField::Password
        });
        app.login.error =
            Some("Økten er utløpt. Logg inn igjen – innboksen din er tatt vare på.".into());
        app.show_help = false;
    } else {
        app.status = Some(Status::Error(error.to_string()));
    }
    Vec::new()
}

fn logged_in(app: &mut App, request: u64) -> Vec<Effect> {
    if app.login.pending != Some(request) {
        return Vec::new();
    }
    let resumed = app.login.relogin;
    app.login.pending = None;
    app.login.flow = LoginFlow::Idle;
    app.login.password.clear();
    app.login.error = None;
    app.session_note = match app.login.method() {
        LoginMethod::Password => None,
        _ => Some("ID-porten · innlogget".into()),
    };
    enter_inbox(app, resumed)
}

/// Shows the inbox after a login: resumes where the user was after a re-login, else loads
/// it from the top.
fn enter_inbox(app: &mut App, resumed: bool) -> Vec<Effect> {
    app.login.relogin = false;
    app.session_method = Some(match app.login.method() {
        LoginMethod::Password => "passord",
        _ => "ID-porten",
    });
    app.screen = Screen::Inbox;
    app.status = Some(Status::Info(if resumed {
        "Logget inn igjen.".into()
    } else {
        "Logget inn.".into()
    }));
    let mut effects = vec![Effect::FetchProfile];
    if resumed && app.inbox.loaded_once {
        if let Some(skip) = app.inbox.failed_skip {
            effects.extend(fetch_page(app, skip));
        }
        if app.detail.id.is_some() && app.detail_message().is_none() {
            effects.extend(fetch_detail(app, false, false));
        }
    } else {
        app.inbox = Default::default();
        app.detail = Default::default();
        app.bodies.clear();
        effects.extend(fetch_page(app, 0));
    }
    effects
}

fn fetch_page(app: &mut App, skip: usize) -> Vec<Effect> {
    let request = next_request(app);
    app.inbox.page_request = Some(request);
    app.inbox.loading_skip = Some(skip);
    app.inbox.failed_skip = None;
    let link = if skip == 0 {
        None
    } else {
        app.inbox.next_link.clone()
    };
    vec![Effect::FetchPage {
        request,
        who: app.who.clone(),
        skip,
        link,
        folder: app.folder,
        preset: app.preset.clone(),
    }]
}

fn page_loaded(app: &mut App, request: u64, skip: usize, page: MessagePage) -> Vec<Effect> {
    if app.inbox.page_request != Some(request) {
        return Vec::new();
    }
    let inbox = &mut app.inbox;
    inbox.page_request = None;
    inbox.loading_skip = None;
    inbox.failed_skip = None;
    let selected_id = inbox.selected_message().map(|m| m.id.clone());
    if skip == 0 && inbox.loaded_once {
        // A refresh: update known messages in place, put new ones on top.
        let mut fresh = Vec::new();
        for message in page.messages {
            match inbox.messages.iter_mut().find(|m| m.id == message.id) {
                Some(existing) => {
                    let count = existing.attachment_count;
                    *existing = message;
                    existing.attachment_count = existing.attachment_count.or(count);
                }
                None => fresh.push(message),
            }
        }
        inbox.next_skip += fresh.len();
        let arrived = fresh.len();
        fresh.append(&mut inbox.messages);
        inbox.messages = fresh;
        app.status = Some(Status::Info(match arrived {
            0 => "Ingen nye meldinger.".to_owned(),
            1 => "1 ny melding.".to_owned(),
            n => format!("{n} nye meldinger."),
        }));
    } else {
        let before = inbox.messages.len();
        let received = page.messages.len();
        for message in page.messages {
            if !inbox
                .messages
                .iter()
                .rev()
                .take(200)
                .any(|m| m.id == message.id)
            {
                inbox.messages.push(message);
            }
        }
        inbox.next_skip = skip + received;
        inbox.next_link = page.next;
        inbox.exhausted = !page.has_more;
        if matches!(app.status, Some(Status::Error(_))) {
            app.status = None;
        }
        if before == 0 && !inbox.loaded_once {
            inbox.loaded_once = true;
            inbox.selected = 0;
            inbox.scroll = 0;
        }
    }
    app.inbox.loaded_once = true;
    if page.limit_reached {
        app.status = Some(Status::Info(
            "Altinn nådde sin grense for antall treff: begrens datoområdet for å se eldre meldinger."
                .into(),
        ));
    }
    if let Some(id) = selected_id {
        if let Some(index) = app.inbox.messages.iter().position(|m| m.id == id) {
            app.inbox.selected = index;
        }
    }
    resort(app);
    keep_selection_visible(app);
    refresh_search(app);
    let mut effects = Vec::new();
    if app.preview && app.detail.id.is_none() {
        effects.extend(follow_selection(app));
    }
    effects.extend(maybe_fetch_more(app));
    effects
}

fn maybe_fetch_more(app: &mut App) -> Vec<Effect> {
    let inbox = &app.inbox;
    let rows = app.layout().list_rows().max(PREFETCH_MARGIN);
    if app.screen != Screen::Inbox
        || !inbox.loaded_once
        || inbox.exhausted
        || inbox.page_request.is_some()
        || inbox.failed_skip.is_some()
        || inbox.selected + rows < inbox.messages.len()
    {
        return Vec::new();
    }
    let skip = inbox.next_skip;
    fetch_page(app, skip)
}

fn keep_selection_visible(app: &mut App) {
    let rows = app.layout().list_rows().max(1);
    let inbox = &mut app.inbox;
    inbox.selected = inbox.selected.min(inbox.messages.len().saturating_sub(1));
    if inbox.selected < inbox.scroll {
        inbox.scroll = inbox.selected;
    } else if inbox.selected >= inbox.scroll + rows {
        inbox.scroll = inbox.selected + 1 - rows;
    }
    let max_scroll = inbox.messages.len().saturating_sub(rows);
    inbox.scroll = inbox.scroll.min(max_scroll);
}

/// Points the detail pane at the selected message and fetches it as a preview
/// (`markAsRead=false`, debounced) unless it is already fetched.
fn follow_selection(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.inbox.selected_message().map(|m| m.id.clone()) else {
        return Vec::new();
    };
    if app.detail.id.as_deref() == Some(id.as_str()) {
        return Vec::new();
    }
    app.detail.id = Some(id);
    app.detail.scroll = 0;
    app.detail.error = None;
    app.detail.request = None;
    app.detail.attachment = None;
    if app.detail_message().is_some() {
        return Vec::new();
    }
    fetch_detail(app, false, true)
}

fn fetch_detail(app: &mut App, mark_as_read: bool, debounce: bool) -> Vec<Effect> {
    let Some(id) = app.detail.id.clone() else {
        return Vec::new();
    };
    let request = next_request(app);
    app.detail.request = Some(request);
    app.detail.error = None;
    vec![Effect::FetchMessage {
        request,
        who: app.who.clone(),
        id,
        mark_as_read,
        debounce,
    }]
}

fn select(app: &mut App, index: usize) -> Vec<Effect> {
    let len = app.inbox.messages.len();
    if len == 0 {
        return Vec::new();
    }
    let index = index.min(len - 1);
    let mut effects = Vec::new();
    if index != app.inbox.selected {
        app.inbox.selected = index;
        if app.preview {
            effects.extend(follow_selection(app));
        } else {
            app.detail.id = None;
            app.detail.request = None;
        }
    }
    keep_selection_visible(app);
    effects.extend(maybe_fetch_more(app));
    effects
}

fn open_selected(app: &mut App) -> Vec<Effect> {
    let Some(summary) = app.inbox.selected_message() else {
        return Vec::new();
    };
    let id = summary.id.clone();
    let unread = summary.is_unread();
    app.detail.open = true;
    app.focus = Focus::Detail;
    if app.detail.id.as_deref() != Some(id.as_str()) {
        app.detail.id = Some(id);
        app.detail.scroll = 0;
    }
    if unread || app.detail_message().is_none() {
        fetch_detail(app, true, false)
    } else {
        Vec::new()
    }
}

fn refresh(app: &mut App) -> Vec<Effect> {
    if app.inbox.page_request.is_some() {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if app.detail.error.is_some() {
        effects.extend(fetch_detail(app, false, false));
    }
    let skip = app.inbox.failed_skip.unwrap_or(0);
    app.status = Some(Status::Info(if skip == 0 {
        "Oppdaterer…".into()
    } else {
        "Prøver igjen…".into()
    }));
    effects.extend(fetch_page(app, skip));
    effects
}

/// Lines in the detail pane's content, for clamping the scroll position.
fn detail_lines(app: &App) -> usize {
    app.detail_message().map_or(0, |m| {
        m.body.lines().count() + 6 + m.attachments.len().min(1)
    })
}

fn scroll_detail(app: &mut App, delta: isize) {
    let rows = app.layout().detail_rows();
    let max = detail_lines(app).saturating_sub(rows / 2) as isize;
    let next = (app.detail.scroll as isize)
        .saturating_add(delta)
        .clamp(0, max.max(0));
    app.detail.scroll = u16::try_from(next).unwrap_or(u16::MAX);
}

fn inbox_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if app.switcher.is_some() {
        return switcher_key(app, key);
    }
    if app.search.as_ref().is_some_and(|s| s.editing) {
        return search_key(app, key);
    }
    if let Some(chosen) = app.detail.attachment {
        let count = app.detail_message().map_or(0, |m| m.attachments.len());
        match key.code {
            KeyCode::Esc => {
                app.detail.attachment = None;
                app.status = None;
                return Vec::new();
            }
            KeyCode::Char('j') | KeyCode::Down => {
                app.detail.attachment = Some((chosen + 1).min(count.saturating_sub(1)));
                return Vec::new();
            }
            KeyCode::Char('k') | KeyCode::Up => {
                app.detail.attachment = Some(chosen.saturating_sub(1));
                return Vec::new();
            }
            KeyCode::Enter => return save_attachments(app, Some(chosen), true),
            _ => {}
        }
    }
    if let Some(pending) = app.confirm.take() {
        // Only `y` says yes (not `j` for «ja»: that is "down" to a fast hand).
        if key.code == KeyCode::Char('y') {
            app.inbox.marked.clear();
            return pending
                .ids
                .into_iter()
                .flat_map(|id| act(app, id, pending.action))
                .collect();
        }
        app.status = Some(Status::Info("Avbrutt.".into()));
        return Vec::new();
    }
    let action = app.keymap.action_for(&key);
    if app.show_help {
        if matches!(action, Some(Action::Help | Action::Back | Action::Quit)) {
            app.show_help = false;
        }
        return Vec::new();
    }
    let Some(action) = action else {
        return Vec::new();
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        app.should_quit = true;
        return Vec::new();
    }
    let list_rows = app.layout().list_rows().max(1);
    let detail_rows = app.layout().detail_rows().max(1) as isize;
    let selected = app.inbox.selected;
    match (app.focus, action) {
        (_, Action::Help) => {
            app.show_help = true;
            Vec::new()
        }
        (_, Action::Reportee) => {
            app.switcher = Some(Switcher {
                loading: app.reportees.is_empty(),
                selected: current_reportee(app),
                ..Switcher::default()
            });
            if app.reportees.is_empty() {
                vec![Effect::FetchReportees]
            } else {
                Vec::new()
            }
        }
        (_, Action::Attachments) => {
            match app.detail_message().map(|m| m.attachments.len()) {
                Some(0) => app.status = Some(Status::Info("Meldingen har ingen vedlegg.".into())),
                Some(_) => {
                    app.detail.attachment = Some(
                        app.detail.attachment.map_or(0, |i| i + 1)
                            % app
                                .detail_message()
                                .map_or(1, |m| m.attachments.len().max(1)),
                    );
                    app.status = Some(Status::Info(
                        "Vedlegg: j/k velg · S lagre · o eller Enter åpne · Esc tilbake".into(),
                    ));
                }
                None => app.status = Some(Status::Info("Åpne en melding først.".into())),
            }
            Vec::new()
        }
        (_, Action::SaveAttachment) => save_attachments(app, app.detail.attachment, false),
        (_, Action::OpenAttachment) => {
            save_attachments(app, Some(app.detail.attachment.unwrap_or(0)), true)
        }
        (_, Action::Copy) => {
            let Some(summary) = app.inbox.selected_message() else {
                return Vec::new();
            };
            let link = app
                .bodies
                .get(&summary.id)
                .and_then(|m| m.portal_url.clone());
            let (text, what) = match link {
                Some(url) => (url, "lenken til meldingen"),
                None => (summary.id.clone(), "meldingens id"),
            };
            app.status = Some(Status::Info(format!("Kopierte {what}.")));
            vec![Effect::CopyToClipboard(text)]
        }
        (_, Action::Sort) => {
            app.sort = app.sort.next();
            resort(app);
            keep_selection_visible(app);
            refresh_search(app);
            app.status = Some(Status::Info(format!("Sortert: {}.", app.sort.label())));
            Vec::new()
        }
        (_, Action::Search) => {
            app.search = Some(Search {
                editing: true,
                ..Search::default()
            });
            Vec::new()
        }
        (_, Action::NextMatch | Action::PreviousMatch) => {
            let selected = app.inbox.selected;
            let target = app.search.as_ref().and_then(|s| {
                if action == Action::NextMatch {
                    s.next_after(selected)
                } else {
                    s.previous_before(selected)
                }
            });
            match target {
                Some(index) => select(app, index),
                None => Vec::new(),
            }
        }
        (Focus::List, Action::Back) if app.search.is_some() => {
            app.search = None;
            Vec::new()
        }
        (_, Action::Refresh) => refresh(app),
        (_, Action::MarkRead) => mark_read(app),
        (_, Action::Folder) => {
            app.folder = app.folder.next();
            let note = format!("Viser {}.", app.folder.label().to_lowercase());
            reload(app, note)
        }
        (_, Action::Filter) => {
            app.preset = match app.preset {
                Preset::All => Preset::Unread,
                Preset::Unread => Preset::Correspondence,
                Preset::Correspondence => Preset::FormTask,
                Preset::FormTask => Preset::Since(
                    chrono::DateTime::<chrono::Utc>::from(app.now) - chrono::Duration::days(30),
                ),
                Preset::Since(_) | Preset::Sender(_) => Preset::All,
            };
            let note = format!(
                "Filter: {} (gjelder hele innboksen hos Altinn).",
                app.preset.label()
            );
            reload(app, note)
        }
        (_, Action::FilterSender) => {
            let sender = app
                .inbox
                .selected_message()
                .map(|m| m.service_owner.clone());
            app.preset = match (&app.preset, sender) {
                (Preset::Sender(_), _) | (_, None) => Preset::All,
                (_, Some(sender)) => Preset::Sender(sender),
            };
            let note = format!("Filter: {}.", app.preset.label());
            reload(app, note)
        }
        (_, Action::Mark) => {
            if let Some(id) = app.inbox.selected_message().map(|m| m.id.clone()) {
                if !app.inbox.marked.remove(&id) {
                    app.inbox.marked.insert(id);
                }
            }
            let next = app.inbox.selected + 1;
            select(app, next)
        }
        (_, Action::Archive) => ask_or_act(app, MessageAction::Archive),
        (_, Action::Delete) => ask_or_act(app, MessageAction::Delete),
        (_, Action::ConfirmReceipt) => ask_or_act(app, MessageAction::Confirm),
        (_, Action::TogglePreview) => {
            app.preview = !app.preview;
            if app.preview {
                follow_selection(app)
            } else {
                if !app.detail.open {
                    app.focus = Focus::List;
                }
                Vec::new()
            }
        }
        (Focus::List, Action::MoveDown) => select(app, selected + 1),
        (Focus::List, Action::MoveUp) => select(app, selected.saturating_sub(1)),
        (Focus::List, Action::Top) => select(app, 0),
        (Focus::List, Action::Bottom) => select(app, usize::MAX),
        (Focus::List, Action::HalfPageDown) => select(app, selected + list_rows / 2),
        (Focus::List, Action::HalfPageUp) => select(app, selected.saturating_sub(list_rows / 2)),
        (Focus::List, Action::PageDown) => select(app, selected + list_rows),
        (Focus::List, Action::PageUp) => select(app, selected.saturating_sub(list_rows)),
        (Focus::List, Action::Open) => open_selected(app),
        (Focus::List, Action::FocusNext) => {
            if app.layout().detail.is_some() && app.detail.id.is_some() {
                app.focus = Focus::Detail;
            }
            Vec::new()
        }
        (Focus::List, Action::Back) => {
            app.status = None;
            Vec::new()
        }
        (Focus::List, Action::Quit) => {
            app.should_quit = true;
            Vec::new()
        }
        (Focus::Detail, Action::MoveDown) => {
            scroll_detail(app, 1);
            Vec::new()
        }
        (Focus::Detail, Action::MoveUp) => {
            scroll_detail(app, -1);
            Vec::new()
        }
        (Focus::Detail, Action::HalfPageDown) => {
            scroll_detail(app, detail_rows / 2);
            Vec::new()
        }
        (Focus::Detail, Action::HalfPageUp) => {
            scroll_detail(app, -(detail_rows / 2));
            Vec::new()
        }
        (Focus::Detail, Action::PageDown) => {
            scroll_detail(app, detail_rows);
            Vec::new()
        }
        (Focus::Detail, Action::PageUp) => {
            scroll_detail(app, -detail_rows);
            Vec::new()
        }
        (Focus::Detail, Action::Top) => {
            app.detail.scroll = 0;
            Vec::new()
        }
        (Focus::Detail, Action::Bottom) => {
            scroll_detail(app, isize::MAX / 2);
            Vec::new()
        }
        (Focus::Detail, Action::Open) => Vec::new(),
        (Focus::Detail, Action::FocusNext | Action::Back | Action::Quit) => {
            app.focus = Focus::List;
            app.detail.open = false;
            Vec::new()
        }
    }
}

/// Loads the list again from the top (a new folder or filter).
fn reload(app: &mut App, note: String) -> Vec<Effect> {
    app.inbox = Default::default();
    app.detail = Default::default();
    app.search = None;
    app.focus = Focus::List;
    app.status = Some(Status::Info(note));
    fetch_page(app, 0)
}

/// Puts the list in the chosen order, keeping the selected message selected.
fn resort(app: &mut App) {
    let selected = app.inbox.selected_message().map(|m| m.id.clone());
    app.sort.apply(&mut app.inbox.messages);
    if let Some(id) = selected {
        if let Some(index) = app.inbox.messages.iter().position(|m| m.id == id) {
            app.inbox.selected = index;
        }
    }
}

/// Recomputes the search's hits after the list changed (their indices moved).
fn refresh_search(app: &mut App) {
    if let Some(search) = &mut app.search {
        search.hits = search::find(&search.query, &app.inbox.messages, &app.bodies);
    }
}

/// Keys while typing a search: the list follows the best match as you type; Enter keeps
/// the matches for `n`/`N`; Esc drops the search.
fn search_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(search) = &mut app.search else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => {
            app.search = None;
            return Vec::new();
        }
        KeyCode::Enter => {
            search.editing = false;
            return Vec::new();
        }
        KeyCode::Backspace => {
            search.query.pop();
        }
        KeyCode::Char('u') if ctrl => search.query.clear(),
        KeyCode::Char(c) if !ctrl => search.query.push(c),
        _ => return Vec::new(),
    }
    search.hits = search::find(&search.query, &app.inbox.messages, &app.bodies);
    match search.best().map(|h| h.index) {
        Some(index) => select(app, index),
        None => Vec::new(),
    }
}

/// Keys in the reportee switcher: type to filter, ↑/↓ (or C-p/C-n) to move, Enter to switch,
/// Esc to close.
fn switcher_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let count = app.switcher_matches().len();
    let Some(switcher) = &mut app.switcher else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => app.switcher = None,
        KeyCode::Up => switcher.selected = switcher.selected.saturating_sub(1),
        KeyCode::Char('p') if ctrl => switcher.selected = switcher.selected.saturating_sub(1),
        KeyCode::Down => switcher.selected = (switcher.selected + 1).min(count.saturating_sub(1)),
        KeyCode::Char('n') if ctrl => {
            switcher.selected = (switcher.selected + 1).min(count.saturating_sub(1))
        }
        KeyCode::Backspace => {
            switcher.filter.pop();
            switcher.selected = 0;
        }
        KeyCode::Char(c) if !ctrl => {
            switcher.filter.push(c);
            switcher.selected = 0;
        }
        KeyCode::Enter => {
            let selected = switcher.selected;
            let chosen = app.switcher_matches().get(selected).map(|p| (*p).clone());
            app.switcher = None;
            if let Some(party) = chosen {
                return switch_reportee(app, &party);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The index of the party whose inbox is shown (the switcher starts there).
fn current_reportee(app: &App) -> usize {
    app.reportees
        .iter()
        .position(|p| p.id == app.who || (app.who == "my" && p.kind == PartyKind::Person))
        .unwrap_or(0)
}

/// Shows `party`'s inbox: the list starts over from the top.
fn switch_reportee(app: &mut App, party: &Party) -> Vec<Effect> {
    let own = party.kind == PartyKind::Person
        && app.reportees.iter().position(|p| p.id == party.id) == Some(0);
    app.who = if own { "my".into() } else { party.id.clone() };
    app.reportee_name = (!own).then(|| party.name.clone());
    app.inbox = Default::default();
    app.detail = Default::default();
    app.focus = Focus::List;
    app.status = Some(Status::Info(format!("Viser innboksen til {}.", party.name)));
    fetch_page(app, 0)
}

/// Saves the chosen attachment (or all of the shown message's when none is chosen) into the
/// download directory; `open` opens it afterwards when a local display is present, and
/// otherwise the status line says where it was saved.
fn save_attachments(app: &mut App, chosen: Option<usize>, open: bool) -> Vec<Effect> {
    let Some(dir) = app.download_dir.clone() else {
        app.status = Some(Status::Error(
            "Fant ingen nedlastingsmappe: sett download_dir i config.toml.".into(),
        ));
        return Vec::new();
    };
    let Some(message) = app.detail_message() else {
        app.status = Some(Status::Info("Åpne en melding først.".into()));
        return Vec::new();
    };
    let attachments: Vec<_> = match chosen {
        Some(i) => message.attachments.get(i).into_iter().collect(),
        None => message.attachments.iter().collect(),
    };
    if attachments.is_empty() {
        app.status = Some(Status::Info("Meldingen har ingen vedlegg.".into()));
        return Vec::new();
    }
    let open = open && app.can_open_browser;
    let effects: Vec<Effect> = attachments
        .into_iter()
        .map(|a| Effect::SaveAttachment {
            url: a.url.clone(),
            file_name: a.file_name.clone(),
            dir: dir.clone(),
            open,
        })
        .collect();
    app.status = Some(Status::Info(format!(
        "Lagrer {} vedlegg i {} …",
        effects.len(),
        dir.display()
    )));
    effects
}

/// The messages an action applies to: the marked ones, or else the selected one.
fn targets(app: &App) -> Vec<&MessageSummary> {
    if app.inbox.marked.is_empty() {
        app.inbox.selected_message().into_iter().collect()
    } else {
        app.inbox
            .messages
            .iter()
            .filter(|m| app.inbox.marked.contains(&m.id))
            .collect()
    }
}

/// Runs an action on its targets: deleting, and anything on several messages, asks once.
fn ask_or_act(app: &mut App, action: MessageAction) -> Vec<Effect> {
    let mut targets = targets(app);
    if action == MessageAction::Confirm {
        let several = targets.len() > 1;
        targets.retain(|m| m.requires_confirmation);
        if targets.is_empty() {
            app.status = Some(Status::Info(if several {
                "Ingen av de merkede meldingene ber om bekreftelse.".into()
            } else {
                "Denne meldingen ber ikke om bekreftelse.".into()
            }));
            return Vec::new();
        }
    }
    let ids: Vec<String> = targets.iter().map(|m| m.id.clone()).collect();
    let subject = match targets.as_slice() {
        [] => return Vec::new(),
        [one] => format!("«{}»", one.subject),
        many => format!("{} meldinger", many.len()),
    };
    if action == MessageAction::Delete || ids.len() > 1 {
        app.confirm = Some(PendingAction {
            action,
            ids,
            subject,
        });
        return Vec::new();
    }
    ids.into_iter()
        .flat_map(|id| act(app, id, action))
        .collect()
}

fn act(app: &mut App, id: String, action: MessageAction) -> Vec<Effect> {
    let request = next_request(app);
    app.status = Some(Status::Info(match action {
        MessageAction::Archive => "Arkiverer …".into(),
        MessageAction::Delete => "Sletter …".into(),
        MessageAction::Confirm => "Bekrefter mottak …".into(),
    }));
    vec![Effect::Act {
        request,
        who: app.who.clone(),
        id,
        action,
    }]
}

/// Marks the selected message read the way Altinn does it: by fetching it without
/// `markAsRead=false`. There is no way back to unread, and the user is told so.
fn mark_read(app: &mut App) -> Vec<Effect> {
    let Some(m) = app.inbox.selected_message() else {
        return Vec::new();
    };
    if !m.is_unread() {
        app.status = Some(Status::Info(
            "Meldingen er allerede lest (Altinn kan ikke markere som ulest).".into(),
        ));
        return Vec::new();
    }
    let id = m.id.clone();
    let request = next_request(app);
    vec![Effect::FetchMessage {
        request,
        who: app.who.clone(),
        id,
        mark_as_read: true,
        debounce: false,
    }]
}

fn action_done(app: &mut App, id: &str, action: MessageAction, new_id: Option<String>) {
    let Some(index) = app.inbox.messages.iter().position(|m| m.id == id) else {
        return;
    };
    match action {
        MessageAction::Archive if app.folder == crate::domain::Folder::Inbox => {
            // It moved to the archive view.
            app.inbox.messages.remove(index);
            if let Some(mut body) = app.bodies.remove(id) {
                if let Some(new_id) = &new_id {
                    body.summary.id = new_id.clone();
                    body.summary.status = MessageStatus::Archived;
                    app.bodies.insert(new_id.clone(), body);
                }
            }
            if app.detail.id.as_deref() == Some(id) {
                app.detail = Default::default();
                app.focus = Focus::List;
            }
            keep_selection_visible(app);
            refresh_search(app);
            app.status = Some(Status::Info(match new_id {
                Some(new_id) => format!("Flyttet til arkivet som {new_id}."),
                None => "Flyttet til arkivet.".into(),
            }));
        }
        MessageAction::Archive => {
            let row = &mut app.inbox.messages[index];
            row.status = MessageStatus::Archived;
            if let Some(new_id) = new_id {
                row.id = new_id.clone();
                if let Some(mut body) = app.bodies.remove(id) {
                    body.summary.id = new_id.clone();
                    body.summary.status = MessageStatus::Archived;
                    app.bodies.insert(new_id.clone(), body);
                }
                if app.detail.id.as_deref() == Some(id) {
                    app.detail.id = Some(new_id);
                }
            }
            app.status = Some(Status::Info("Arkivert.".into()));
        }
        MessageAction::Delete => {
            app.inbox.messages.remove(index);
            app.bodies.remove(id);
            refresh_search(app);
            if app.detail.id.as_deref() == Some(id) {
                app.detail = Default::default();
                app.focus = Focus::List;
            }
            keep_selection_visible(app);
            app.status = Some(Status::Info(
                "Slettet: meldingen ligger i papirkurven.".into(),
            ));
        }
        MessageAction::Confirm => {
            let row = &mut app.inbox.messages[index];
            row.requires_confirmation = false;
            if row.status == MessageStatus::Unread {
                row.status = MessageStatus::Read;
            }
            app.status = Some(Status::Info("Mottaket er bekreftet.".into()));
        }
    }
}

fn login_field_mut(app: &mut App) -> Option<&mut String> {
    match app.login.focused() {
        LoginField::Username => Some(&mut app.login.username),
        LoginField::Password => Some(&mut app.login.password),
        LoginField::Method => None,
    }
}

fn login_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
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
    let is_password = app.login.method() == LoginMethod::Password;
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
            app.login.method = app.login.method.saturating_sub(1);
            app.login.error = None;
        }
        (LoginField::Method, KeyCode::Down | KeyCode::Char('j')) => {
            app.login.method = (app.login.method + 1).min(LoginMethod::ALL.len() - 1);
            app.login.error = None;
        }
        (LoginField::Method, KeyCode::Enter) => {
            if is_password {
                app.login.focus = Some(LoginField::Username);
            } else {
                return start_idporten(app);
            }
        }
        (LoginField::Username, KeyCode::Enter | KeyCode::Down) => move_focus(app, 1),
        (LoginField::Username | LoginField::Password, KeyCode::Up) => move_focus(app, -1),
        (LoginField::Password, KeyCode::Enter) => return submit_password(app),
        (LoginField::Username | LoginField::Password, KeyCode::Backspace) => {
            if let Some(field) = login_field_mut(app) {
                field.pop();
            }
        }
        (LoginField::Username | LoginField::Password, KeyCode::Char('u')) if ctrl => {
            if let Some(field) = login_field_mut(app) {
                field.clear();
            }
        }
        (LoginField::Username | LoginField::Password, KeyCode::Char(c)) if !ctrl => {
            if let Some(field) = login_field_mut(app) {
                field.push(c);
            }
        }
        _ => {}
    }
    Vec::new()
}

fn cancel_login(app: &mut App) -> Vec<Effect> {
    app.login.pending = None;
    app.login.flow = LoginFlow::Idle;
    app.login.error = Some("Innloggingen ble avbrutt.".into());
    vec![Effect::CancelLogin]
}

/// Starts the selected ID-porten flow, or says why it cannot start.
fn start_idporten(app: &mut App) -> Vec<Effect> {
    if !app.idporten_configured {
        app.login.error = Some(
            "ID-porten er ikke konfigurert for dette miljøet: sett issuer og client_id i config.toml."
                .into(),
        );
        return Vec::new();
    }
    let device = app.login.method() == LoginMethod::IdPortenDevice;
    if device && app.login.device_offered == Some(false) {
        app.login.error = Some(
            "Denne ID-porten tilbyr ikke innlogging med engangskode. Velg «ID-porten i nettleseren»."
                .into(),
        );
        return Vec::new();
    }
    let request = next_request(app);
    app.login.pending = Some(request);
    app.login.flow = LoginFlow::Starting;
    app.login.error = None;
    if device {
        vec![Effect::StartDeviceLogin { request }]
    } else {
        vec![Effect::StartBrowserLogin {
            request,
            open_browser: app.can_open_browser,
        }]
    }
}

/// Keys on the browser-login screen: `y` copies the URL, Tab moves to the paste field,
/// Enter submits what was pasted, Esc cancels. Typing starts the paste.
fn browser_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
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
                "Adressen er kopiert til utklippstavlen.".into(),
            ));
            return vec![Effect::CopyToClipboard(url)];
        }
        KeyCode::Enter if !view.paste.trim().is_empty() => {
            view.paste_error = None;
            return vec![Effect::SubmitRedirect {
                text: view.paste.clone(),
            }];
        }
        KeyCode::Backspace if view.paste_focused => {
            view.paste.pop();
        }
        KeyCode::Char('u') if ctrl => view.paste.clear(),
        KeyCode::Char(c) if !ctrl => {
            view.paste_focused = true;
            view.paste.push(c);
        }
        _ => {}
    }
    Vec::new()
}

fn submit_password(app: &mut App) -> Vec<Effect> {
    let username = app.login.username.trim().to_owned();
    if username.is_empty() {
        app.login.error = Some("Skriv inn brukernavn.".into());
        app.login.focus = Some(LoginField::Username);
        return Vec::new();
    }
    if app.login.password.is_empty() {
        app.login.error = Some("Skriv inn passord.".into());
        return Vec::new();
    }
    let request = next_request(app);
    app.login.pending = Some(request);
    app.login.error = None;
    let password = Secret::new(std::mem::take(&mut app.login.password));
    vec![Effect::PasswordLogin {
        request,
        username,
        password,
    }]
}
