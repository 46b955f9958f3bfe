//! `update(&mut App, Msg) -> Vec<Effect>`: the only place state changes. It never awaits
//! and never touches the network or the disk; tests drive it directly.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::search::{self, Search};
use super::{
    Action, App, Effect, Focus, LoginField, LoginFlow, LoginMethod, Msg, PendingAction, Screen,
    Status,
};
use super::{InboxState, Source, Switcher, SwitcherEntry};
use crate::domain::{ApiError, CachedList, Inbox, MessageAction, RefreshEvent};
use crate::domain::{FilterKey, Filters, Folder, MessageKind, MessageSummary, Party, PartyKind};
use crate::domain::{MessagePage, MessageStatus};
use crate::secret::Secret;

/// Rows before the end of the loaded list at which the next page is fetched.
const PREFETCH_MARGIN: usize = 10;

/// Applies one message to the state and returns the background work it asks for.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    // The counts change with what arrives from the server or the cache, and with the
    // filters (`set_filters` recounts); other keys leave them as they are.
    let recount = matches!(
        msg,
        Msg::PageLoaded { .. }
            | Msg::CacheLoaded { .. }
            | Msg::MessageLoaded { .. }
            | Msg::ActionDone { .. }
    );
    let effects = apply(app, msg);
    if recount {
        app.inbox.recount(&app.filters);
    }
    effects
}

fn apply(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick(now) => {
            app.spinner = app.spinner.wrapping_add(1);
            app.now = now;
            Vec::new()
        }
        Msg::Start if app.offline => {
            app.screen = Screen::Inbox;
            app.status = Some(Status::Info(
                "Frakoblet: viser hurtigbufferen. Ingenting hentes eller sendes.".into(),
            ));
            start_list(app)
        }
        Msg::UserKnown(user) => {
            app.user_key = Some(user.clone());
            if app.cache_enabled {
                vec![Effect::RememberUser {
                    env: app.env.clone(),
                    user,
                }]
            } else {
                Vec::new()
            }
        }
        Msg::CacheLoaded { request, list } => cache_loaded(app, request, list),
        Msg::Start => {
            if !app.idporten_configured {
                return Vec::new();
            }
            app.login.restoring = true;
            let mut effects = vec![Effect::Discover, Effect::RestoreSession];
            if app.user_key.is_some() && app.cache_enabled {
                // A stored session names its cache: show the inbox from it at once while
                // the session is resumed; if that fails, the login comes over it.
                app.screen = Screen::Inbox;
                app.status = Some(Status::Info("Gjenopptar økten hos ID-porten …".into()));
                effects.extend(start_list(app));
            }
            effects
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
            if app.screen == Screen::Inbox {
                // The list is up from the cache: now bring it up to date.
                let effects = enter_inbox(app, true);
                app.inbox.arrivals = Some(0);
                app.status = Some(Status::Info(
                    "Økten er gjenopptatt – henter det nye …".into(),
                ));
                return effects;
            }
            enter_inbox(app, false)
        }
        Msg::RestoreFailed { error } => {
            app.login.restoring = false;
            let effects = if app.screen == Screen::Inbox {
                failure(app, ApiError::SessionExpired)
            } else {
                Vec::new()
            };
            if let Some(error) = error {
                app.login.error = Some(format!("Den lagrede økten kunne ikke brukes: {error}"));
            }
            effects
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
        Msg::Mouse(event) => mouse(app, event),
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
            if app.whose.is_all() && app.inbox.sources.is_empty() {
                return start_list(app);
            }
            Vec::new()
        }
        Msg::ReporteesFailed(error) => {
            app.switcher = None;
            if error == ApiError::SessionExpired {
                return failure(app, error);
            }
            if app.whose.is_all() && app.inbox.sources.is_empty() {
                // The merged view cannot start without the parties: show the own inbox.
                app.whose = Inbox::Me;
                app.reportee_name = None;
                let effects = start_list(app);
                app.status = Some(Status::Error(format!(
                    "Kunne ikke hente hvem du kan representere, viser din egen innboks: {error}"
                )));
                return effects;
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
            let Some(source) = app
                .inbox
                .source_of(request)
                .and_then(|i| app.inbox.sources.get_mut(i))
            else {
                return Vec::new();
            };
            source.requests.retain(|(r, _)| *r != request);
            source.failed_skip = Some(source.failed_skip.map_or(skip, |f| f.min(skip)));
            let who = source.inbox.clone();
            app.inbox.arrivals = None;
            // A 401 on the list itself means the cookie session is no good any more.
            let error = match error {
                ApiError::NeedsIdPorten { .. } => ApiError::SessionExpired,
                other => other,
            };
            if app.whose.is_all() && error != ApiError::SessionExpired {
                let name = app.party_name(who.key()).unwrap_or(who.key()).to_owned();
                app.status = Some(Status::Error(format!("{name}: {error} (r prøver igjen)")));
                return Vec::new();
            }
            failure(app, error)
        }
        Msg::MessageLoaded {
            request,
            mut message,
            marked_read,
        } => {
            let id = message.summary.id.clone();
            app.prefetching.remove(&id);
            let mut effects = Vec::new();
            let row = app
                .inbox
                .messages
                .iter_mut()
                .chain(app.inbox.hidden.iter_mut())
                .find(|m| m.id == id);
            if let Some(row) = row {
                let count = Some(message.attachments.len());
                let mut changed = row.attachment_count != count;
                row.attachment_count = count;
                if marked_read && row.is_unread() {
                    row.status = MessageStatus::Read;
                    row.marked_unread = false;
                    changed = true;
                }
                // The list is the authority on status: a body from the cache, or a preview
                // that answered after an open, may be older.
                message.summary.status = row.status.clone();
                message.summary.marked_unread = row.marked_unread;
                if changed {
                    let row = row.clone();
                    effects.extend(cache_rows(app, vec![row], Vec::new()));
                }
            } else if marked_read && message.summary.status == MessageStatus::Unread {
                message.summary.status = MessageStatus::Read;
                message.summary.marked_unread = false;
            }
            app.bodies.insert(id, *message);
            if app.detail.request == Some(request) {
                app.detail.request = None;
                app.detail.error = None;
            }
            effects
        }
        Msg::ActionDone {
            request: _,
            id,
            action,
            new_id,
        } => {
            let owner = owner_by_id(app, &id);
            let current = new_id.clone().unwrap_or_else(|| id.clone());
            action_done(app, &id, action, new_id);
            // The cache follows: the row changed, or left this list (archived out of the
            // inbox, deleted), or got a new id.
            let row = app.inbox.all_loaded().find(|m| m.id == current).cloned();
            let gone = (row.is_none() || current != id).then_some((owner, id));
            let mut effects =
                cache_rows(app, row.into_iter().collect(), gone.into_iter().collect());
            if matches!(action, MessageAction::Delete | MessageAction::Archive) && app.preview {
                effects.extend(follow_selection(app));
            }
            effects
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

/// A click or the wheel: the wheel scrolls the pane under the pointer (three rows a notch);
/// a click selects a message, and a click on the selected one opens it. Ignored with the
/// `mouse` setting off, on the login screen and under overlays.
fn mouse(app: &mut App, event: MouseEvent) -> Vec<Effect> {
    let overlay = app.show_help
        || app.switcher.is_some()
        || app.filter_menu
        || app.link_picker.is_some()
        || app.command.is_some()
        || app.confirm.is_some();
    if !app.mouse || app.screen != Screen::Inbox || overlay {
        return Vec::new();
    }
    let layout = app.layout();
    let at = ratatui::layout::Position::new(event.column, event.row);
    let in_list = layout.list.filter(|r| r.contains(at));
    let in_detail = layout.detail.is_some_and(|r| r.contains(at));
    const NOTCH: usize = 3;
    match event.kind {
        MouseEventKind::ScrollDown if in_list.is_some() => {
            let next = app.inbox.selected + NOTCH;
            select(app, next)
        }
        MouseEventKind::ScrollUp if in_list.is_some() => {
            let next = app.inbox.selected.saturating_sub(NOTCH);
            select(app, next)
        }
        MouseEventKind::ScrollDown if in_detail => {
            scroll_detail(app, NOTCH as isize);
            Vec::new()
        }
        MouseEventKind::ScrollUp if in_detail => {
            scroll_detail(app, -(NOTCH as isize));
            Vec::new()
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(list) = in_list {
                // Inside the border: row 0 is the first visible message.
                if at.y <= list.y || at.y >= list.bottom().saturating_sub(1) {
                    return Vec::new();
                }
                let index = app.inbox.scroll + usize::from(at.y - list.y - 1);
                if index >= app.inbox.messages.len() {
                    return Vec::new();
                }
                app.focus = Focus::List;
                if index == app.inbox.selected {
                    return open_selected(app);
                }
                select(app, index)
            } else {
                if in_detail && app.detail.id.is_some() {
                    app.focus = Focus::Detail;
                }
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

fn next_request(app: &mut App) -> u64 {
    let id = app.next_request;
    app.next_request += 1;
    id
}

/// Shows an error; an expired session brings the login form back over the kept inbox.
fn failure(app: &mut App, error: ApiError) -> Vec<Effect> {
    if error == ApiError::SessionExpired && app.login.restoring {
        // A request made before the stored session is resumed: the resume decides.
        return Vec::new();
    }
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
    if resumed && (app.inbox.loaded_once || !app.inbox.sources.is_empty()) {
        // Pages that failed are fetched again; sources shown only from the cache so far
        // start their sync.
        let failed: Vec<(usize, usize)> = app
            .inbox
            .sources
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                s.failed_skip
                    .or((!s.loaded_once && s.requests.is_empty()).then_some(0))
                    .map(|skip| (i, skip))
            })
            .collect();
        for (index, skip) in failed {
            effects.extend(fetch_page(app, index, skip));
        }
        if app.detail.id.is_some() && app.detail_message().is_none() {
            effects.extend(fetch_detail(app, false, false));
        }
    } else {
        app.bodies.clear();
        effects.extend(start_list(app));
    }
    effects
}

/// The inboxes the list is made of: every reportee's in the merged view (once the parties
/// are known), else the one shown.
fn sources_for(app: &App) -> Vec<Source> {
    if app.whose.is_all() {
        app.reportees
            .iter()
            .map(|p| Source::new(Inbox::Party(p.id.clone())))
            .collect()
    } else {
        vec![Source::new(app.whose.clone())]
    }
}

/// Starts the list over from the top (a new inbox, folder or filter): each source's cached
/// list is read (drawn at once when it comes) while its first page is fetched.
fn start_list(app: &mut App) -> Vec<Effect> {
    app.inbox = InboxState {
        sources: sources_for(app),
        ..InboxState::default()
    };
    app.detail = Default::default();
    // A search's hits point into the old list.
    app.search = None;
    if app.inbox.sources.is_empty() {
        if app.offline {
            app.status = Some(Status::Error(ApiError::Offline.to_string()));
            return Vec::new();
        }
        // The merged view needs the parties first; `ReporteesLoaded` goes on from here.
        return vec![Effect::FetchReportees];
    }
    let mut effects = Vec::new();
    for index in 0..app.inbox.sources.len() {
        let who = app.inbox.sources[index].inbox.clone();
        if let Some(scope) = app.cache_scope(&who) {
            let request = next_request(app);
            app.inbox.sources[index].cache_request = Some(request);
            effects.push(Effect::LoadCache { request, scope });
        }
        if app.offline {
            app.inbox.sources[index].exhausted = true;
        } else if !app.login.restoring {
            // (While a stored session is resumed, the pages wait for it.)
            effects.extend(fetch_page(app, index, 0));
        }
    }
    effects
}

/// A source's cached list arrived: drawn at once, unless the server was faster. Rows the
/// server filters would not pass are left out; the sync from the top starts (or goes on).
fn cache_loaded(app: &mut App, request: u64, list: CachedList) -> Vec<Effect> {
    let Some(index) = app
        .inbox
        .sources
        .iter()
        .position(|s| s.cache_request == Some(request))
    else {
        return Vec::new();
    };
    let merged = app.whose.is_all();
    let source = &mut app.inbox.sources[index];
    source.cache_request = None;
    let server_done = source.loaded_once && source.exhausted && !app.offline;
    if app.offline {
        source.loaded_once = true;
        source.exhausted = true;
    }
    if list.messages.is_empty() || server_done {
        if app.offline {
            app.inbox.loaded_once = true;
        }
        return Vec::new();
    }
    let who = source.inbox.clone();
    let server_first = source.loaded_once && !app.offline;
    source.cached = true;
    source.syncing = !app.offline && !server_first;
    let server = app.filters.server();
    let inbox = &mut app.inbox;
    // When the server's first page came first, only the cached rows below it are added:
    // those within its span that it does not hold are gone.
    let mine = |m: &MessageSummary| !merged || m.owner.as_deref() == Some(who.key());
    let (present, below): (std::collections::HashMap<String, MessageSummary>, _) = if server_first {
        let present = inbox
            .all_loaded()
            .filter(|m| mine(m))
            .map(|m| (m.id.clone(), m.clone()))
            .collect::<std::collections::HashMap<_, _>>();
        let oldest = present.values().filter_map(|m| m.last_changed).min();
        (present, oldest)
    } else {
        (Default::default(), None)
    };
    let mut overlap = false;
    let mut matched = 0;
    let (mut low, mut high) = (inbox.first_seq, inbox.next_seq);
    for mut message in list.messages {
        message.owner = merged.then(|| who.key().to_owned());
        if server_first {
            if let Some(known) = present.get(&message.id) {
                let mut same = message.clone();
                same.seq = known.seq;
                same.attachment_count = known.attachment_count;
                overlap |= same == *known;
                matched += 1;
                continue;
            }
            let older =
                below.is_some_and(|oldest| message.last_changed.is_some_and(|t| t < oldest));
            if !older {
                continue;
            }
        }
        low = low.min(message.seq);
        high = high.max(message.seq + 1);
        if !FilterKey::ALL
            .iter()
            .filter(|k| !k.is_local())
            .all(|k| server.passes(*k, &message))
        {
            continue;
        }
        if app.filters.passes_local(&message) {
            inbox.messages.push(message);
        } else {
            inbox.hidden.push(message);
        }
    }
    inbox.first_seq = low;
    inbox.next_seq = high;
    // The server's page shared nothing with the cache: more changed than one page, so the
    // sync from the top goes on.
    let mut effects = Vec::new();
    if server_first && !overlap && !app.offline && !inbox.is_loading() {
        inbox.sources[index].syncing = true;
        let next = inbox.sources[index].next_skip;
        effects.extend(fetch_page(app, index, next));
    }
    let inbox = &mut app.inbox;
    let first = !inbox.loaded_once;
    inbox.loaded_once = true;
    if !app.offline && inbox.is_loading() {
        // Tell how many new ones the sync finds.
        inbox.arrivals.get_or_insert(0);
    }
    if server_first {
        // The server's rows the cache did not have are the new ones.
        app.status = Some(Status::Info(match present.len() - matched {
            0 => "Ingen nye meldinger.".to_owned(),
            1 => "1 ny melding.".to_owned(),
            n => format!("{n} nye meldinger."),
        }));
    } else if let Some(synced) = list
        .synced_at
        .and_then(|t| chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0))
    {
        let when = crate::text::norwegian_datetime(synced);
        app.status = Some(Status::Info(if app.offline {
            format!("Frakoblet: viser hurtigbufferen fra {when}. Ingenting hentes eller sendes.")
        } else {
            format!("Viser hurtigbufferen fra {when} – henter det nye …")
        }));
    }
    resort(app);
    if first {
        app.inbox.selected = 0;
        app.inbox.scroll = 0;
    }
    keep_selection_visible(app);
    refresh_search(app);
    if app.preview && app.detail.id.is_none() {
        effects.extend(follow_selection(app));
    }
    effects
}

fn fetch_page(app: &mut App, index: usize, skip: usize) -> Vec<Effect> {
    let request = next_request(app);
    let Some(source) = app.inbox.sources.get_mut(index) else {
        return Vec::new();
    };
    source.requests.push((request, skip));
    if source.failed_skip == Some(skip) {
        source.failed_skip = None;
    }
    let link = if skip == 0 {
        None
    } else {
        source.next_link.clone()
    };
    vec![Effect::FetchPage {
        request,
        inbox: source.inbox.clone(),
        skip,
        link,
        folder: app.folder,
        filters: app.filters.server(),
    }]
}

fn page_loaded(app: &mut App, request: u64, skip: usize, page: MessagePage) -> Vec<Effect> {
    let Some(index) = app.inbox.source_of(request) else {
        return Vec::new();
    };
    let selected_id = app.inbox.selected_message().map(|m| m.id.clone());
    let at_top = app.inbox.selected == 0 && app.inbox.scroll == 0;
    let first_page = !app.inbox.loaded_once;
    let merged = app.whose.is_all();
    let unfiltered = app.filters.server().is_empty();
    for message in &page.messages {
        if !app.known_senders.contains(&message.service_owner) {
            app.known_senders.insert(message.service_owner.clone());
        }
    }
    let inbox = &mut app.inbox;
    let source = &mut inbox.sources[index];
    source.requests.retain(|(r, _)| *r != request);
    // A page from the top over rows already here (a refresh, or the sync over the cache)
    // updates them in place and puts new ones on top.
    let from_top_again = skip == 0 && (source.loaded_once || source.cached);
    let had_server_page = source.loaded_once;
    source.loaded_once = true;
    let who = source.inbox.clone();
    let received = page.messages.len();
    let has_more = page.has_more;
    let ids: std::collections::HashSet<&str> =
        page.messages.iter().map(|m| m.id.as_str()).collect();
    // Rows the server no longer lists: inside the span of dates this page covers (from the
    // top for the first page, to the end for the last), rows of this inbox it does not hold.
    // They leave the view; the cache forgets them only without server filters (with a
    // filter, a row may just no longer match it).
    let mut removed: Vec<(Inbox, String)> = Vec::new();
    if received > 0 || (skip == 0 && !has_more) {
        let newest = page.messages.iter().filter_map(|m| m.last_changed).max();
        let oldest = page.messages.iter().filter_map(|m| m.last_changed).min();
        let upper = if skip == 0 { None } else { newest };
        let lower = if has_more { oldest } else { None };
        let gone = |m: &MessageSummary| {
            let mine = !merged || m.owner.as_deref() == Some(who.key());
            let inside = m
                .last_changed
                .is_some_and(|t| upper.is_none_or(|u| t < u) && lower.is_none_or(|l| t > l));
            mine && inside && !ids.contains(m.id.as_str())
        };
        for list in [&mut inbox.messages, &mut inbox.hidden] {
            list.retain(|m| {
                if gone(m) {
                    removed.push((who.clone(), m.id.clone()));
                    false
                } else {
                    true
                }
            });
        }
        for (_, id) in &removed {
            inbox.marked.remove(id);
        }
    }
    drop(ids);
    // Where each loaded message is (shown or hidden), to update known ones in place and
    // never add one twice.
    let placed: Vec<Option<(bool, usize)>> = {
        let index: std::collections::HashMap<&str, (bool, usize)> = inbox
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str(), (false, i)))
            .chain(
                inbox
                    .hidden
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (m.id.as_str(), (true, i))),
            )
            .collect();
        page.messages
            .iter()
            .map(|m| index.get(m.id.as_str()).copied())
            .collect()
    };
    let mut arrived = 0;
    let mut unchanged = 0;
    let mut upsert = Vec::with_capacity(received);
    // A refresh's new messages go on top (the server's order for equal dates).
    let (mut top_shown, mut top_hidden) = (Vec::new(), Vec::new());
    let count = received as i64;
    for (position, (mut message, place)) in page.messages.into_iter().zip(placed).enumerate() {
        if merged {
            message.owner = Some(who.key().to_owned());
        }
        match place {
            Some((hidden, i)) => {
                let existing = if hidden {
                    &mut inbox.hidden[i]
                } else {
                    &mut inbox.messages[i]
                };
                message.attachment_count = message.attachment_count.or(existing.attachment_count);
                message.seq = existing.seq;
                if *existing == message {
                    unchanged += 1;
                } else {
                    upsert.push(message.clone());
                    *existing = message;
                }
            }
            None => {
                arrived += 1;
                message.seq = if from_top_again {
                    inbox.first_seq - count + position as i64
                } else {
                    inbox.next_seq + position as i64
                };
                upsert.push(message.clone());
                let shown = app.filters.passes_local(&message);
                match (from_top_again, shown) {
                    (true, true) => top_shown.push(message),
                    (true, false) => top_hidden.push(message),
                    (false, true) => inbox.messages.push(message),
                    (false, false) => inbox.hidden.push(message),
                }
            }
        }
    }
    if from_top_again {
        inbox.first_seq -= count;
    } else {
        inbox.next_seq += count;
    }
    inbox.messages.splice(0..0, top_shown);
    inbox.hidden.splice(0..0, top_hidden);
    let source = &mut inbox.sources[index];
    if from_top_again && had_server_page {
        // New arrivals shift the server's offsets of the pages still to come.
        source.next_skip += arrived;
    } else if skip <= source.next_skip {
        // The page at the cursor: it moves on, over the pages that arrived ahead of it.
        source.next_skip = skip + received;
        source.next_link = page.next;
        let mut more = has_more;
        while more {
            match source.ahead.remove(&source.next_skip) {
                Some((count, after)) => {
                    source.next_skip += count;
                    more = after;
                }
                None => break,
            }
        }
        let cursor = source.next_skip;
        source.ahead.retain(|skip, _| *skip > cursor);
        source.exhausted = !more;
        if !more {
            source.cached = false;
            source.ahead.clear();
        }
    } else {
        // A page fetched ahead arrived first: it waits for the ones before it.
        source.ahead.insert(skip, (received, has_more));
    }
    // The sync over the cache goes on while a page brings nothing the cache already had.
    let sync_more = source.syncing && unchanged == 0 && has_more;
    if !sync_more {
        source.syncing = false;
    }
    if let Some(total) = &mut inbox.arrivals {
        *total += arrived;
    }
    if inbox.arrivals.is_some() && !inbox.is_loading() && !sync_more {
        let total = inbox.arrivals.take().unwrap_or(0);
        app.status = Some(Status::Info(match total {
            0 => "Ingen nye meldinger.".to_owned(),
            1 => "1 ny melding.".to_owned(),
            n => format!("{n} nye meldinger."),
        }));
    } else if !from_top_again && matches!(app.status, Some(Status::Error(_))) && !app.inbox.failed()
    {
        // A page arrived and none is failed any more: the error is over.
        app.status = None;
    }
    app.inbox.loaded_once = true;
    if page.limit_reached {
        app.status = Some(Status::Info(
            "Altinn nådde sin grense for antall treff: begrens datoområdet for å se eldre meldinger."
                .into(),
        ));
    }
    resort(app);
    if first_page || (at_top && !from_top_again) {
        // The top of the list stays the top while pages arrive (the merged view fills in
        // from several inboxes), unless the user has moved.
        app.inbox.selected = 0;
        app.inbox.scroll = 0;
    } else if let Some(id) = selected_id {
        if let Some(index) = app.inbox.messages.iter().position(|m| m.id == id) {
            app.inbox.selected = index;
        }
    }
    keep_selection_visible(app);
    refresh_search(app);
    let mut effects = Vec::new();
    if let Some(scope) = app.cache_scope(&who) {
        effects.push(Effect::WriteCache {
            scope,
            upsert,
            remove: if unfiltered {
                removed.into_iter().map(|(_, id)| id).collect()
            } else {
                Vec::new()
            },
            complete: (unfiltered && !has_more && (skip == 0 || !from_top_again)).then_some(true),
        });
    }
    if sync_more {
        let want = app.concurrency;
        effects.extend(fetch_ahead(app, index, want));
    }
    if app.preview && (app.detail.id.is_none() || (at_top && !app.detail.open)) {
        effects.extend(follow_selection(app));
    }
    effects.extend(maybe_fetch_more(app));
    effects
}

/// The source whose next page extends the list: in the merged view, the one whose oldest
/// loaded message is the newest, since everything above that date is complete.
fn next_source(app: &App) -> Option<usize> {
    let inbox = &app.inbox;
    let candidates = inbox
        .sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.loaded_once && !s.exhausted);
    if inbox.sources.len() == 1 {
        return candidates.map(|(i, _)| i).next();
    }
    candidates
        .max_by_key(|(_, s)| {
            inbox
                .all_loaded()
                .filter(|m| m.owner.as_deref() == Some(s.inbox.key()))
                .filter_map(|m| m.last_changed)
                .min()
        })
        .map(|(i, _)| i)
}

fn maybe_fetch_more(app: &mut App) -> Vec<Effect> {
    let inbox = &app.inbox;
    let rows = app.layout().list_rows().max(PREFETCH_MARGIN);
    // Over a cached list, the rows the server has confirmed end where its pages end.
    let confirmed = if inbox.sources.iter().any(|s| s.cached) {
        let pages: usize = inbox.sources.iter().map(|s| s.next_skip).sum();
        pages.min(inbox.messages.len())
    } else {
        inbox.messages.len()
    };
    if app.screen != Screen::Inbox
        || app.offline
        || !inbox.loaded_once
        || inbox.failed()
        || inbox.selected + rows < confirmed
    {
        return Vec::new();
    }
    if inbox.sources.len() == 1 {
        // One inbox: at the very end of the list, or with a local filter that shows few
        // rows, several pages are fetched at once; otherwise the next one.
        let at_end = inbox.selected + 1 >= inbox.messages.len();
        let want = if at_end || app.filters.needs_confirmation {
            app.concurrency
        } else {
            1
        };
        return fetch_ahead(app, 0, want);
    }
    if inbox.is_loading() {
        return Vec::new();
    }
    match next_source(app) {
        Some(index) => {
            let skip = app.inbox.sources[index].next_skip;
            fetch_page(app, index, skip)
        }
        None => Vec::new(),
    }
}

/// Asks for the pages after `next_skip` that are neither here nor on their way, until
/// `want` (at most [`App::concurrency`]) are in flight; one at a time when the server gives
/// `next` links (they cannot be fetched ahead), and never past a page that ended the list.
fn fetch_ahead(app: &mut App, index: usize, want: usize) -> Vec<Effect> {
    let Some(source) = app.inbox.sources.get(index) else {
        return Vec::new();
    };
    if source.exhausted || (!source.loaded_once && !source.cached) {
        return Vec::new();
    }
    let want = if source.next_link.is_some() {
        1
    } else {
        want.clamp(1, app.concurrency.max(1))
    };
    let end = source
        .ahead
        .iter()
        .find(|(_, (_, more))| !more)
        .map(|(skip, _)| *skip);
    // The page offsets from the cursor on, up to the end when it is known, less those on
    // their way or already here (finitely many, so the walk ends).
    let skips: Vec<usize> = (0..)
        .map(|n| source.next_skip + n * crate::domain::PAGE_SIZE)
        .take_while(|skip| end.is_none_or(|end| *skip <= end))
        .filter(|skip| {
            !source.requests.iter().any(|(_, s)| s == skip) && !source.ahead.contains_key(skip)
        })
        .take(want.saturating_sub(source.requests.len()))
        .collect();
    skips
        .into_iter()
        .flat_map(|skip| fetch_page(app, index, skip))
        .collect()
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
    let who = owner_by_id(app, &id);
    // A preview also fetches the neighbours the cursor is likely to go to next; a newer
    // preview replaces an older one with its prefetches (the runner aborts it).
    let prefetch = if debounce {
        app.prefetching.clear();
        neighbours(app)
    } else {
        Vec::new()
    };
    vec![Effect::FetchMessage {
        request,
        cache: app.cache_scope(&who),
        inbox: who,
        id,
        mark_as_read,
        debounce,
        prefetch,
    }]
}

/// How many messages below (and one above) the cursor are fetched ahead.
const PREFETCH_AHEAD: usize = 2;

/// The messages next to the selected one whose bodies are not here or on their way.
fn neighbours(app: &mut App) -> Vec<(Inbox, String)> {
    let selected = app.inbox.selected;
    let wanted: Vec<(Inbox, String)> = (selected + 1..=selected + PREFETCH_AHEAD)
        .chain(selected.checked_sub(1))
        .filter_map(|i| app.inbox.messages.get(i))
        .filter(|m| !app.bodies.contains_key(&m.id) && !app.prefetching.contains(&m.id))
        .map(|m| (app.owner_of(m), m.id.clone()))
        .collect();
    app.prefetching
        .extend(wanted.iter().map(|(_, id)| id.clone()));
    wanted
}

/// Writes changed rows (and removed ids) of the list shown to the cache, grouped by the
/// inbox they belong to.
fn cache_rows(app: &App, rows: Vec<MessageSummary>, removed: Vec<(Inbox, String)>) -> Vec<Effect> {
    let mut by_owner: std::collections::BTreeMap<Inbox, (Vec<MessageSummary>, Vec<String>)> =
        Default::default();
    for row in rows {
        let who = app.owner_of(&row);
        by_owner.entry(who).or_default().0.push(row);
    }
    for (who, id) in removed {
        by_owner.entry(who).or_default().1.push(id);
    }
    by_owner
        .into_iter()
        .filter_map(|(who, (upsert, remove))| {
            Some(Effect::WriteCache {
                scope: app.cache_scope(&who)?,
                upsert,
                remove,
                complete: None,
            })
        })
        .collect()
}

/// Whose inbox the loaded message `id` is in.
fn owner_by_id(app: &App, id: &str) -> Inbox {
    // Nearly always the selected one: no need to walk the list for it.
    let selected = app.inbox.selected_message().filter(|m| m.id == id);
    selected
        .or_else(|| app.inbox.all_loaded().find(|m| m.id == id))
        .map_or_else(|| app.whose.clone(), |m| app.owner_of(m))
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

/// `r`: retries the pages that failed, or else asks every source for its newest page.
fn refresh(app: &mut App) -> Vec<Effect> {
    if app.offline {
        app.status = Some(Status::Error(ApiError::Offline.to_string()));
        return Vec::new();
    }
    if app.inbox.is_loading() && !app.inbox.failed() {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if app.detail.error.is_some() {
        effects.extend(fetch_detail(app, false, false));
    }
    if app.inbox.sources.is_empty() {
        effects.extend(start_list(app));
        return effects;
    }
    let failed: Vec<(usize, usize)> = app
        .inbox
        .sources
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            s.failed_skip
                .filter(|skip| !s.requests.iter().any(|(_, r)| r == skip))
                .map(|skip| (i, skip))
        })
        .collect();
    if failed.is_empty() && app.inbox.is_loading() {
        return effects;
    }
    if failed.is_empty() {
        app.status = Some(Status::Info("Oppdaterer…".into()));
        app.inbox.arrivals = Some(0);
        for index in 0..app.inbox.sources.len() {
            effects.extend(fetch_page(app, index, 0));
        }
    } else {
        app.status = Some(Status::Info("Prøver igjen…".into()));
        for (index, skip) in failed {
            effects.extend(fetch_page(app, index, skip));
        }
    }
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
    if app.command.is_some() {
        return command_key(app, key);
    }
    if app.filter_menu {
        return filter_menu_key(app, key);
    }
    if app.link_picker.is_some() {
        return link_picker_key(app, key);
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
        match action {
            Some(Action::Help | Action::Back | Action::Quit) => {
                app.show_help = false;
                app.help_scroll = 0;
            }
            Some(Action::MoveDown) => app.help_scroll = app.help_scroll.saturating_add(1),
            Some(Action::MoveUp) => app.help_scroll = app.help_scroll.saturating_sub(1),
            Some(Action::PageDown | Action::HalfPageDown) => {
                app.help_scroll = app.help_scroll.saturating_add(10)
            }
            Some(Action::PageUp | Action::HalfPageUp) => {
                app.help_scroll = app.help_scroll.saturating_sub(10)
            }
            Some(Action::Top) => app.help_scroll = 0,
            _ => {}
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
            let next = app.folder.next();
            open_folder(app, next)
        }
        (_, Action::Filter) => {
            app.filter_menu = true;
            Vec::new()
        }
        (_, Action::FilterSender) => {
            let sender = app
                .inbox
                .selected_message()
                .map(|m| m.service_owner.clone());
            let mut filters = app.filters.clone();
            filters.sender = match (&filters.sender, sender) {
                (Some(_), _) | (_, None) => None,
                (None, Some(sender)) => Some(sender),
            };
            set_filters(app, filters)
        }
        (_, Action::MarkAll) => {
            let all_marked = !app.inbox.messages.is_empty()
                && app
                    .inbox
                    .messages
                    .iter()
                    .all(|m| app.inbox.marked.contains(&m.id));
            if all_marked {
                app.inbox.marked.clear();
                app.status = Some(Status::Info("Ingen merket.".into()));
            } else {
                let ids: Vec<String> = app.inbox.messages.iter().map(|m| m.id.clone()).collect();
                app.inbox.marked.extend(ids);
                app.status = Some(Status::Info(format!(
                    "{} merket: a arkiverer, m markerer lest, d sletter. * fjerner merkingen.",
                    app.inbox.marked.len()
                )));
            }
            Vec::new()
        }
        (_, Action::Command) => {
            app.command = Some(Default::default());
            Vec::new()
        }
        (_, Action::CopyLink) => {
            match app.detail_message().map(|m| m.links.len()) {
                None => app.status = Some(Status::Info("Åpne en melding først.".into())),
                Some(0) => app.status = Some(Status::Info("Meldingen har ingen lenker.".into())),
                Some(1) => return copy_link(app, 0),
                Some(_) => app.link_picker = Some(0),
            }
            Vec::new()
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
    app.search = None;
    app.focus = Focus::List;
    app.status = Some(Status::Info(note));
    start_list(app)
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
        search.hits = search::find(&search.query, &app.inbox.messages, &app.bodies, None);
    }
}

/// Keys while typing a search: the list follows the best match as you type; Enter keeps
/// the matches for `n`/`N`; Esc drops the search.
fn search_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(search) = &mut app.search else {
        return Vec::new();
    };
    // A letter added can only narrow the matches: only the previous hits are looked at.
    let mut narrowing = false;
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
        KeyCode::Char(c) if !ctrl => {
            narrowing = !search.query.trim().is_empty() && c != ' ' && !search.query.contains('!');
            search.query.push(c);
        }
        _ => return Vec::new(),
    }
    let within = narrowing.then_some(search.hits.as_slice());
    search.hits = search::find(&search.query, &app.inbox.messages, &app.bodies, within);
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
            let chosen = app.switcher_matches().get(selected).map(|e| match e {
                SwitcherEntry::All => None,
                SwitcherEntry::Party(p) => Some((*p).clone()),
            });
            app.switcher = None;
            match chosen {
                Some(Some(party)) => return switch_reportee(app, &party),
                Some(None) => return show_all_reportees(app),
                None => {}
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The switcher line of the inbox shown (the switcher starts there).
fn current_reportee(app: &App) -> usize {
    app.switcher_matches()
        .iter()
        .position(|entry| match entry {
            SwitcherEntry::All => app.whose.is_all(),
            SwitcherEntry::Party(p) => {
                app.whose == Inbox::Party(p.id.clone())
                    || (app.whose == Inbox::Me && p.kind == PartyKind::Person)
            }
        })
        .unwrap_or(0)
}

/// Shows `party`'s inbox: the list starts over from the top.
fn switch_reportee(app: &mut App, party: &Party) -> Vec<Effect> {
    let own = party.kind == PartyKind::Person
        && app.reportees.iter().position(|p| p.id == party.id) == Some(0);
    app.whose = if own {
        Inbox::Me
    } else {
        Inbox::Party(party.id.clone())
    };
    app.reportee_name = (!own).then(|| party.name.clone());
    app.focus = Focus::List;
    app.status = Some(Status::Info(format!("Viser innboksen til {}.", party.name)));
    start_list(app)
}

/// Shows every reportee's inbox merged into one list, with a column saying whose.
fn show_all_reportees(app: &mut App) -> Vec<Effect> {
    app.whose = Inbox::All;
    app.reportee_name = Some("alle".into());
    app.focus = Focus::List;
    app.status = Some(Status::Info(
        "Viser innboksene til alle du representerer, samlet; en kolonne sier hvem.".into(),
    ));
    start_list(app)
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
        MessageAction::MarkRead => "Markerer som lest …".into(),
        MessageAction::MarkUnread => "Markerer som ulest …".into(),
        MessageAction::Restore => "Gjenoppretter …".into(),
    }));
    vec![Effect::Act {
        request,
        inbox: owner_by_id(app, &id),
        id,
        action,
    }]
}

/// Marks the targets (the marked messages, or else the selected one) read the way Altinn
/// does it: by fetching each without `markAsRead=false`. There is no way back to unread,
/// and the user is told so.
fn mark_read(app: &mut App) -> Vec<Effect> {
    let targets = targets(app);
    let several = targets.len() > 1;
    let unread: Vec<(String, Inbox)> = targets
        .iter()
        .filter(|m| m.is_unread())
        .map(|m| (m.id.clone(), app.owner_of(m)))
        .collect();
    if unread.is_empty() {
        app.status = Some(Status::Info(if several {
            "De merkede meldingene er allerede lest (Altinn kan ikke markere som ulest).".into()
        } else {
            "Meldingen er allerede lest (Altinn kan ikke markere som ulest).".into()
        }));
        return Vec::new();
    }
    if several {
        app.inbox.marked.clear();
        app.status = Some(Status::Info(format!(
            "Markerer {} som lest (Altinn kan ikke markere som ulest igjen) …",
            unread.len()
        )));
    }
    unread
        .into_iter()
        .map(|(id, who)| {
            let request = next_request(app);
            Effect::FetchMessage {
                request,
                cache: app.cache_scope(&who),
                inbox: who,
                id,
                mark_as_read: true,
                debounce: false,
                prefetch: Vec::new(),
            }
        })
        .collect()
}

/// Sets the filters: a change Altinn can apply reloads the list from the server; a change
/// to the local filters only re-sorts what is loaded.
fn set_filters(app: &mut App, filters: Filters) -> Vec<Effect> {
    let server_changed = filters.server() != app.filters.server();
    app.filters = filters;
    let note = filter_note(&app.filters);
    if server_changed {
        return reload(app, note);
    }
    apply_local_filters(app);
    app.inbox.recount(&app.filters);
    app.status = Some(Status::Info(note));
    let mut effects = Vec::new();
    if app.preview {
        effects.extend(follow_selection(app));
    }
    effects.extend(maybe_fetch_more(app));
    effects
}

/// The status line after a filter change: what is set, and where it applies.
fn filter_note(filters: &Filters) -> String {
    let chips = filters.chips();
    if chips.is_empty() {
        return "Ingen filtre.".into();
    }
    let names: Vec<&str> = chips.iter().map(|(_, label)| label.as_str()).collect();
    let local: Vec<&str> = chips
        .iter()
        .filter(|(key, _)| key.is_local())
        .map(|(_, label)| label.as_str())
        .collect();
    let server = chips.len() - local.len();
    let whence = match (server, local.is_empty()) {
        (0, _) => format!(
            "«{}» gjelder bare de lastede meldingene (Altinn kan ikke filtrere på det)",
            local.join("», «")
        ),
        (_, true) => "Altinn filtrerer hele innboksen".into(),
        (_, false) => format!(
            "Altinn filtrerer hele innboksen, «{}» bare de lastede",
            local.join("», «")
        ),
    };
    format!("Filter: {} – {whence}.", names.join(", "))
}

/// Splits the loaded messages into shown and hidden by the local filters, keeping the
/// selection on the same message when it is still shown.
fn apply_local_filters(app: &mut App) {
    let selected = app.inbox.selected_message().map(|m| m.id.clone());
    let mut all = std::mem::take(&mut app.inbox.messages);
    all.append(&mut app.inbox.hidden);
    let filters = &app.filters;
    let (mut shown, hidden): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|m| filters.passes_local(m));
    app.sort.apply(&mut shown);
    app.inbox.messages = shown;
    app.inbox.hidden = hidden;
    let inbox = &mut app.inbox;
    let visible: std::collections::HashSet<&str> =
        inbox.messages.iter().map(|m| m.id.as_str()).collect();
    inbox.marked.retain(|id| visible.contains(id.as_str()));
    inbox.selected = selected
        .and_then(|id| inbox.messages.iter().position(|m| m.id == id))
        .unwrap_or(0);
    keep_selection_visible(app);
    refresh_search(app);
}

/// Keys in the filter menu: each letter sets or cycles one filter at once; Esc, Enter or
/// `f` close it.
fn filter_menu_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let mut filters = app.filters.clone();
    match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('f') | KeyCode::Char('q') => {
            app.filter_menu = false;
            return Vec::new();
        }
        KeyCode::Char('u') => filters.unread = !filters.unread,
        KeyCode::Char('t') => filters.kind = next_kind(app),
        KeyCode::Char('s') => {
            filters.sender = match filters.sender {
                Some(_) => None,
                None => app
                    .inbox
                    .selected_message()
                    .map(|m| m.service_owner.clone()),
            }
        }
        KeyCode::Char('d') => {
            let now = chrono::DateTime::<chrono::Utc>::from(app.now);
            filters.until = None;
            filters.since =
                next_days(&app.filters, now).map(|days| now - chrono::Duration::days(days));
        }
        KeyCode::Char('b') => filters.needs_confirmation = !filters.needs_confirmation,
        KeyCode::Char('x') => filters = Filters::default(),
        _ => return Vec::new(),
    }
    set_filters(app, filters)
}

/// The day counts `d` cycles through in the filter menu.
const DATE_STEPS: [i64; 4] = [7, 30, 90, 365];

/// The next "last N days" after the current date filter (`None` after the last).
fn next_days(filters: &Filters, now: chrono::DateTime<chrono::Utc>) -> Option<i64> {
    let current = match (filters.since, filters.until) {
        (None, None) => return Some(DATE_STEPS[0]),
        (Some(since), None) => (now - since).num_hours().div_euclid(24) + 1,
        _ => return Some(DATE_STEPS[0]),
    };
    DATE_STEPS.iter().copied().find(|days| *days > current)
}

/// The next type for `t`: letters, forms, then other types seen in what is loaded, then
/// none.
fn next_kind(app: &App) -> Option<MessageKind> {
    let mut kinds = vec![MessageKind::Correspondence, MessageKind::FormTask];
    for message in app.inbox.all_loaded() {
        if !kinds.contains(&message.kind) {
            kinds.push(message.kind.clone());
        }
    }
    match &app.filters.kind {
        None => kinds.first().cloned(),
        Some(current) => kinds
            .iter()
            .position(|k| k == current)
            .and_then(|i| kinds.get(i + 1))
            .cloned(),
    }
}

/// Keys in the link chooser: ↑/↓ or j/k move, Enter or `y` copies, a digit copies that
/// link, Esc closes.
fn link_picker_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let count = app.detail_message().map_or(0, |m| m.links.len());
    let Some(chosen) = app.link_picker else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => app.link_picker = None,
        KeyCode::Down | KeyCode::Char('j') => {
            app.link_picker = Some((chosen + 1).min(count.saturating_sub(1)))
        }
        KeyCode::Up | KeyCode::Char('k') => app.link_picker = Some(chosen.saturating_sub(1)),
        KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('Y') => return copy_link(app, chosen),
        KeyCode::Char(c) if c.is_ascii_digit() => {
            let number = c.to_digit(10).unwrap_or(0) as usize;
            if (1..=count).contains(&number) {
                return copy_link(app, number - 1);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Copies body link `index` (0-based) of the shown message.
fn copy_link(app: &mut App, index: usize) -> Vec<Effect> {
    app.link_picker = None;
    let Some(link) = app
        .detail_message()
        .and_then(|m| m.links.get(index))
        .cloned()
    else {
        return Vec::new();
    };
    app.status = Some(Status::Info(format!("Kopierte lenke [{}].", index + 1)));
    vec![Effect::CopyToClipboard(link)]
}

/// Keys on the command line: Enter runs, Esc closes, Backspace on an empty line closes.
fn command_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(line) = &mut app.command else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => app.command = None,
        KeyCode::Backspace if line.text.is_empty() => app.command = None,
        KeyCode::Backspace => {
            line.text.pop();
            line.error = None;
        }
        KeyCode::Char('u') if ctrl => line.text.clear(),
        KeyCode::Char(c) if !ctrl => {
            line.text.push(c);
            line.error = None;
        }
        KeyCode::Enter => {
            let text = line.text.clone();
            return match run_command(app, text.trim()) {
                Ok(effects) => {
                    app.command = None;
                    effects
                }
                Err(error) => {
                    if let Some(line) = &mut app.command {
                        line.error = Some(error);
                    }
                    Vec::new()
                }
            };
        }
        _ => {}
    }
    Vec::new()
}

/// The commands of the command line, for the help overlay: (command, what it does).
pub const COMMANDS: [(&str, &str); 13] = [
    (":inbox", "the inbox"),
    (":archive", "the archive"),
    (":trash", "the trash bin"),
    (":all", "all inboxes merged"),
    (":me", "your own inbox"),
    (":for NAME", "act for NAME / org. no."),
    (":unread", "only unread"),
    (":type brev|skjema", "only letters or forms"),
    (":sender NAME", "only from NAME"),
    (":since / :until DATE", "date range (YYYY-MM-DD)"),
    (":confirm-needed", "needs confirmation (local)"),
    (":nofilter", "clear every filter"),
    (":sort date|oldest|…", "sort order; :q quits"),
];

/// Runs a command line; an error keeps the line open with the text as typed.
fn run_command(app: &mut App, text: &str) -> Result<Vec<Effect>, String> {
    let (name, arg) = match text.split_once(char::is_whitespace) {
        Some((name, arg)) => (name, arg.trim()),
        None => (text, ""),
    };
    let mut filters = app.filters.clone();
    let date = |arg: &str| -> Result<chrono::DateTime<chrono::Utc>, String> {
        let day = chrono::NaiveDate::parse_from_str(arg, "%Y-%m-%d")
            .or_else(|_| chrono::NaiveDate::parse_from_str(arg, "%d.%m.%Y"))
            .map_err(|_| format!("«{arg}» er ikke en dato: skriv ÅÅÅÅ-MM-DD."))?;
        Ok(chrono::DateTime::from_naive_utc_and_offset(
            day.and_hms_opt(0, 0, 0).unwrap_or_default(),
            chrono::Utc,
        ))
    };
    match name.to_lowercase().as_str() {
        "" => Ok(Vec::new()),
        "q" | "quit" | "avslutt" => {
            app.should_quit = true;
            Ok(Vec::new())
        }
        "help" | "hjelp" | "?" => {
            app.show_help = true;
            Ok(Vec::new())
        }
        "inbox" | "innboks" => Ok(open_folder(app, Folder::Inbox)),
        "archive" | "arkiv" => Ok(open_folder(app, Folder::Archive)),
        "trash" | "papirkurv" => Ok(open_folder(app, Folder::Trash)),
        "all" | "alle" => {
            if app.reportees.len() == 1 {
                return Err("Du representerer bare deg selv.".into());
            }
            Ok(show_all_reportees(app))
        }
        "me" | "meg" => {
            app.whose = Inbox::Me;
            app.reportee_name = None;
            app.focus = Focus::List;
            app.status = Some(Status::Info("Viser din egen innboks.".into()));
            Ok(start_list(app))
        }
        "for" | "reportee" => {
            if arg.is_empty() {
                return Err("Skriv hvem: :for NAVN eller organisasjonsnummer.".into());
            }
            if app.reportees.is_empty() {
                app.switcher = Some(Switcher {
                    filter: arg.to_owned(),
                    loading: true,
                    selected: 0,
                });
                return Ok(vec![Effect::FetchReportees]);
            }
            let needle = arg.to_lowercase().replace(' ', "");
            let party = app
                .reportees
                .iter()
                .find(|p| {
                    p.name.to_lowercase().contains(&arg.to_lowercase())
                        || p.organisation_number.as_deref() == Some(needle.as_str())
                        || p.id == arg
                })
                .cloned()
                .ok_or_else(|| format!("Fant ingen du kan representere som passer «{arg}»."))?;
            Ok(switch_reportee(app, &party))
        }
        "unread" | "ulest" | "uleste" => {
            filters.unread = true;
            Ok(set_filters(app, filters))
        }
        "type" => {
            filters.kind = match arg.to_lowercase().as_str() {
                "" => None,
                "brev" | "correspondence" => Some(MessageKind::Correspondence),
                "skjema" | "formtask" => Some(MessageKind::FormTask),
                _ => Some(MessageKind::from_text(arg)),
            };
            Ok(set_filters(app, filters))
        }
        "sender" | "fra" | "avsender" => {
            // Altinn's own spelling, when a loaded page has shown it.
            filters.sender = (!arg.is_empty()).then(|| {
                app.known_senders
                    .iter()
                    .find(|owner| owner.to_lowercase() == arg.to_lowercase())
                    .cloned()
                    .unwrap_or_else(|| arg.to_owned())
            });
            Ok(set_filters(app, filters))
        }
        "since" | "siden" | "fra-dato" => {
            filters.since = if arg.is_empty() {
                None
            } else {
                Some(date(arg)?)
            };
            Ok(set_filters(app, filters))
        }
        "until" | "til" | "til-dato" => {
            filters.until = if arg.is_empty() {
                None
            } else {
                Some(date(arg)? + chrono::Duration::days(1) - chrono::Duration::seconds(1))
            };
            Ok(set_filters(app, filters))
        }
        "confirm-needed" | "må-bekreftes" | "ma-bekreftes" => {
            filters.needs_confirmation = true;
            Ok(set_filters(app, filters))
        }
        "nofilter" | "ingen-filter" | "clear" => Ok(set_filters(app, Filters::default())),
        "filter" => {
            app.filter_menu = true;
            Ok(Vec::new())
        }
        "sort" => {
            app.sort = match arg.to_lowercase().as_str() {
                "date" | "dato" | "newest" | "nyeste" => super::SortOrder::NewestFirst,
                "oldest" | "eldste" => super::SortOrder::OldestFirst,
                "sender" | "avsender" => super::SortOrder::Sender,
                "status" => super::SortOrder::Status,
                _ => return Err("Sorter etter date, oldest, sender eller status.".into()),
            };
            resort(app);
            keep_selection_visible(app);
            refresh_search(app);
            app.status = Some(Status::Info(format!("Sortert: {}.", app.sort.label())));
            Ok(Vec::new())
        }
        other => Err(format!("Ukjent kommando «{other}». Prøv :help.")),
    }
}

/// Shows `folder` (inbox, archive or trash bin) from the top.
fn open_folder(app: &mut App, folder: Folder) -> Vec<Effect> {
    app.folder = folder;
    let note = format!("Viser {}.", folder.label().to_lowercase());
    reload(app, note)
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
        MessageAction::MarkRead => {
            let row = &mut app.inbox.messages[index];
            row.marked_unread = false;
            if row.status == MessageStatus::Unread {
                row.status = MessageStatus::Read;
            }
            app.status = Some(Status::Info("Markert som lest.".into()));
        }
        MessageAction::MarkUnread => {
            app.inbox.messages[index].marked_unread = true;
            app.status = Some(Status::Info("Markert som ulest.".into()));
        }
        MessageAction::Restore => {
            app.inbox.messages.remove(index);
            app.bodies.remove(id);
            refresh_search(app);
            if app.detail.id.as_deref() == Some(id) {
                app.detail = Default::default();
                app.focus = Focus::List;
            }
            keep_selection_visible(app);
            app.status = Some(Status::Info(
                "Gjenopprettet: meldingen er tilbake i innboksen.".into(),
            ));
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
