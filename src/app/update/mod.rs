//! `update(&mut App, Msg) -> Vec<Effect>`: the only place state changes. It never awaits
//! and never touches the network or the disk; tests drive it directly. The dispatch here is
//! short: each message goes to the file of its concern.

mod actions;
mod bulk;
mod command;
mod desk;
mod detail;
mod export;
mod filters;
mod keys;
mod list;
mod login;
mod overlays;
mod pages;
mod pipe;
mod reportees;
mod search;
mod searches;
mod view;

pub use command::commands;

use crate::i18n::tr;
use std::time::SystemTime;

use crossterm::event::KeyEventKind;

use crate::app::{App, Effect, LoginField, LoginFlow, LoginMethod, Msg, Screen, Status};
use crate::domain::ApiError;

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
            | Msg::BulkDone { .. }
            | Msg::PutBackDone { .. }
    );
    let mut effects = apply(app, msg);
    if recount {
        app.inbox.recount(&app.filters);
    }
    effects.extend(search::follow_rows(app));
    effects
}

/// Hands each message to the file of its concern.
fn apply(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick(now) => tick(app, now),
        Msg::SearchDone { id, version, hits } => overlays::search_done(app, id, version, hits),
        Msg::BodiesFound { search, words, ids } => search::bodies_found(app, search, words, ids),
        Msg::Start if app.settings.offline => login::start_offline(app),
        Msg::UserKnown(user) => login::user_known(app, user),
        Msg::CacheLoaded {
            request,
            list,
            more,
        } => pages::cache_loaded(app, request, list, more),
        Msg::Start => login::start(app),
        Msg::ProviderReady { device_offered } => login::provider_ready(app, device_offered),
        Msg::ProviderFailed { error } => login::provider_failed(app, error),
        Msg::DeviceCode { request, view } => login::device_code(app, request, view),
        Msg::BrowserReady { request, view } => login::browser_ready(app, request, view),
        Msg::PasteRejected { error } => login::paste_rejected(app, error),
        Msg::SessionRestored { method } => login::session_restored(app, method),
        Msg::RestoreFailed { error, method } => login::restore_failed(app, error, method),
        Msg::Refresh(event) => login::refresh_event(app, event),
        Msg::Resize { width, height } => list::resize(app, width, height),
        Msg::Mouse(event) => list::mouse(app, event),
        Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(key) => match app.screen {
            Screen::Login => login::login_key(app, key),
            Screen::Inbox => keys::inbox_key(app, key),
        },
        Msg::Paste(text) => keys::paste(app, text),
        Msg::LoggedIn { request } => login::logged_in(app, request),
        Msg::LoginFailed { request, error } => login::login_failed(app, request, error),
        Msg::ReporteesLoaded(parties) => {
            let mut effects = reportees::reportees_loaded(app, parties);
            effects.extend(desk::parties_known(app));
            effects
        }
        Msg::CachedReporteesLoaded(parties) => reportees::cached_reportees_loaded(app, parties),
        Msg::PartyLimit(limit) => {
            app.parties.limit = limit.max(1);
            Vec::new()
        }
        Msg::ReporteesFailed(error) => {
            app.desk.awaiting_parties = false;
            reportees::reportees_failed(app, error)
        }
        Msg::ProfileLoaded(profile) => login::profile_loaded(app, profile),
        Msg::PageLoaded {
            request,
            skip,
            page,
        } => pages::page_loaded(app, request, skip, page),
        Msg::PageFailed {
            request,
            skip,
            error,
        } => pages::page_failed(app, request, skip, error),
        Msg::MessageLoaded {
            request,
            message,
            marked_read,
        } => detail::message_loaded(app, request, message, marked_read),
        Msg::ActionDone {
            id, action, new_id, ..
        } => actions::action_finished(app, id, action, new_id),
        Msg::ActionFailed { action, error, .. } => actions::action_failed(app, action, error),
        Msg::BulkProgress {
            request,
            done,
            total,
        } => bulk::progress(app, request, done, total),
        Msg::BulkDone {
            request,
            action,
            outcomes,
        } => bulk::bulk_done(app, request, action, outcomes),
        Msg::PutBackDone { request, outcomes } => bulk::put_back_done(app, request, outcomes),
        Msg::AttachmentProgress { file_name, bytes } => {
            actions::attachment_progress(app, file_name, bytes)
        }
        Msg::AttachmentSaved { path, opened } => actions::attachment_saved(app, path, opened),
        Msg::AttachmentFailed { file_name, error } => {
            actions::attachment_failed(app, file_name, error)
        }
        Msg::MessageFailed { request, error } => detail::message_failed(app, request, error),
        Msg::PipeFetched { command, path } => pipe::pipe_fetched(command, path),
        Msg::Piped { command, outcome } => pipe::piped(app, command, outcome),
        Msg::DeskSynced(result) => desk::desk_synced(app, result),
        Msg::ExportProgress {
            request,
            done,
            total,
        } => export::progress(app, request, done, total),
        Msg::Exported { request, result } => export::exported(app, request, result),
        Msg::AgendaLoaded {
            request,
            rows,
            synced_at,
        } => desk::agenda_loaded(app, request, rows, synced_at),
        Msg::BoardLoaded {
            request,
            rows,
            synced_at,
        } => desk::board_loaded(app, request, rows, synced_at),
        Msg::SearchCountsLoaded {
            request,
            counts,
            synced_at,
        } => searches::counts_loaded(app, request, counts, synced_at),
        Msg::SearchSaved { result } => searches::search_saved(app, result),
    }
}

pub(super) fn next_request(app: &mut App) -> u64 {
    let id = app.next_request;
    app.next_request += 1;
    id
}

/// Shows an error; an expired session brings the login form back over the kept inbox.
pub(super) fn failure(app: &mut App, error: ApiError) -> Vec<Effect> {
    if error == ApiError::SessionExpired && app.login.restoring {
        // A request made before the stored session is resumed: the resume decides.
        return Vec::new();
    }
    if error == ApiError::SessionExpired {
        app.screen = Screen::Login;
        app.login.relogin = true;
        app.login.flow = LoginFlow::Idle;
        app.login.focus = Some(if app.login.method != LoginMethod::Password {
            LoginField::Method
        } else if app.login.username.is_empty() {
            LoginField::Username
        } else {
            LoginField::Password
        });
        app.login.error =
            Some(tr!("Økten er utløpt. Logg inn igjen – innboksen din er tatt vare på.").into());
        if app.help_scroll().is_some() {
            app.overlay = None;
        }
    } else {
        app.status = Some(Status::Error(error.to_string()));
    }
    Vec::new()
}

/// The re-login over an inbox that has nothing to keep — no rows, and no cached list on its
/// way — becomes the login on its own (an empty inbox behind it would say it is fetching,
/// and wait for nothing).
pub(super) fn login_alone_over_nothing(app: &mut App) {
    let nothing = app.inbox.messages.is_empty()
        && app.inbox.hidden.is_empty()
        && !app.inbox.sources.iter().any(|s| s.is_reading_cache());
    if app.screen == Screen::Login && app.login.relogin && nothing {
        app.login.relogin = false;
        app.inbox = Default::default();
    }
}

/// The animation tick: the spinner moves and the clock is read; the desk's sync starts
/// when it is due.
pub(super) fn tick(app: &mut App, now: SystemTime) -> Vec<Effect> {
    app.spinner = app.spinner.wrapping_add(1);
    app.now = now;
    if app.screen == Screen::Inbox {
        return desk::sync_if_due(app);
    }
    Vec::new()
}
