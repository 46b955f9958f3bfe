//! The desk in the inbox: its sync in the background (after the parties arrive, then every
//! few minutes), the agenda in the list (`A`, `:agenda`) and the board overlay (`B`,
//! `:board`). Both read the cache's desk; Enter on the board shows that party's inbox.

use crossterm::event::KeyEvent;

use crate::app::desk::{Agenda, Board, DESK_EVERY};
use crate::app::input::Edit;
use crate::app::{Action, App, Effect, Focus, InboxState, Overlay, Status};
use crate::domain::desk::AGENDA_DAYS;
use crate::domain::{AgendaRow, ApiError, BoardRow, Folder, Inbox};
use crate::i18n::tr;

use super::next_request;
use super::reportees::switch_reportee;

/// Why there is no desk here, when there is none.
pub(super) fn no_desk(app: &App) -> Option<&'static str> {
    if !app.settings.capabilities.altinn3_verbs {
        Some(tr!("Frister og oversikten finnes bare i Altinn 3."))
    } else if !app.settings.cache_enabled {
        Some(tr!(
            "Frister og oversikten trenger hurtigbufferen (cache = true)."
        ))
    } else {
        None
    }
}

/// A desk sync, when one is due: none running, the parties known, online, and the last
/// one started [`DESK_EVERY`] ago (or never).
pub(super) fn sync_if_due(app: &mut App) -> Vec<Effect> {
    let due = app.desk.started.is_none_or(|started| {
        app.now
            .duration_since(started)
            .is_ok_and(|since| since >= DESK_EVERY)
    });
    if !due || app.desk.updating() {
        return Vec::new();
    }
    sync_now(app)
}

/// A desk sync now (unless one is running, or there is no desk).
pub(super) fn sync_now(app: &mut App) -> Vec<Effect> {
    if app.desk.updating() || app.settings.offline || no_desk(app).is_some() {
        return Vec::new();
    }
    let Some(scope) = app.desk_scope() else {
        return Vec::new();
    };
    app.desk.started = Some(app.now);
    if app.parties.list.is_empty() {
        // The own inbox needs no parties; the desk does: they come first.
        app.desk.awaiting_parties = true;
        return vec![app.fetch_reportees()];
    }
    app.desk.syncing = true;
    vec![Effect::SyncDesk {
        scope,
        parties: app.parties.list.clone(),
        concurrency: app.settings.concurrency,
    }]
}

/// The parties arrived: the sync that waited for them starts.
pub(super) fn parties_known(app: &mut App) -> Vec<Effect> {
    if !std::mem::take(&mut app.desk.awaiting_parties) {
        return Vec::new();
    }
    let effects = sync_now(app);
    if app.desk.agenda.is_some() {
        app.status = Some(Status::Info(agenda_note(app)));
    }
    effects
}

/// A desk sync ended: the agenda or the board shown is read again.
pub(super) fn desk_synced(
    app: &mut App,
    result: Result<chrono::DateTime<chrono::Utc>, ApiError>,
) -> Vec<Effect> {
    app.desk.syncing = false;
    match result {
        Ok(at) => {
            app.desk.synced_at = Some(at);
            if app.desk.agenda.is_some() {
                return reload_agenda(app);
            }
            if matches!(app.overlay, Some(Overlay::Board(_))) {
                return load_board(app);
            }
        }
        Err(ApiError::SessionExpired) => return super::failure(app, ApiError::SessionExpired),
        Err(error) => {
            // Quietly in the log unless a desk view is open: the inbox does not need it.
            tracing::info!(%error, "desk sync failed");
            if app.desk.agenda.is_some() || matches!(app.overlay, Some(Overlay::Board(_))) {
                app.status = Some(Status::Error(tr!(
                    "Kunne ikke oppdatere fristene: {error}",
                    error
                )));
            }
        }
    }
    Vec::new()
}

fn load_agenda(app: &mut App, days: i64) -> Vec<Effect> {
    let Some(scope) = app.desk_scope() else {
        return Vec::new();
    };
    let request = next_request(app);
    app.desk.request = Some(request);
    app.desk.days = Some(days);
    app.desk.expiring = false;
    vec![Effect::LoadAgenda {
        request,
        scope,
        days,
    }]
}

fn load_expiring(app: &mut App, days: i64) -> Vec<Effect> {
    let Some(scope) = app.desk_scope() else {
        return Vec::new();
    };
    let request = next_request(app);
    app.desk.request = Some(request);
    app.desk.days = Some(days);
    app.desk.expiring = true;
    vec![Effect::LoadExpiring {
        request,
        scope,
        days,
    }]
}

/// The agenda or `:expiring`'s list shown, read again.
fn reload_agenda(app: &mut App) -> Vec<Effect> {
    match app.desk.agenda.as_ref() {
        Some(agenda) if agenda.expires.is_some() => load_expiring(app, agenda.days),
        Some(agenda) => load_agenda(app, agenda.days),
        None => load_agenda(app, AGENDA_DAYS),
    }
}

/// `:expiring [DAYS]`: the list shows what Altinn deletes within `days` (default 30),
/// soonest first, across every party — known only for dialogs opened in innboks, since
/// Dialogporten's search does not say.
pub(super) fn open_expiring(app: &mut App, days: Option<i64>) -> Vec<Effect> {
    if let Some(why) = no_desk(app) {
        app.status = Some(Status::Info(why.into()));
        return Vec::new();
    }
    app.status = Some(Status::Info(
        tr!("Henter det Altinn sletter snart …").into(),
    ));
    let mut effects = load_expiring(app, days.unwrap_or(EXPIRING_DAYS));
    if app.desk.synced_at.is_none() {
        effects.extend(sync_now(app));
    }
    effects
}

/// Days ahead `:expiring` looks unless told.
pub const EXPIRING_DAYS: i64 = 30;

fn load_board(app: &mut App) -> Vec<Effect> {
    let Some(scope) = app.desk_scope() else {
        return Vec::new();
    };
    let request = next_request(app);
    app.desk.request = Some(request);
    vec![Effect::LoadBoard { request, scope }]
}

/// `A`, `:agenda [DAYS]`: the list shows what is due across every party.
pub(super) fn open_agenda(app: &mut App, days: Option<i64>) -> Vec<Effect> {
    if let Some(why) = no_desk(app) {
        app.status = Some(Status::Info(why.into()));
        return Vec::new();
    }
    app.status = Some(Status::Info(tr!("Henter fristene …").into()));
    let mut effects = load_agenda(app, days.unwrap_or(AGENDA_DAYS));
    if app.desk.synced_at.is_none() {
        effects.extend(sync_now(app));
    }
    effects
}

/// The agenda arrived: the list shows it, as the merged view over every party (actions go
/// to each row's own inbox), soonest first, nothing paged from the server.
pub(super) fn agenda_loaded(
    app: &mut App,
    request: u64,
    rows: Vec<AgendaRow>,
    synced_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Vec<Effect> {
    if app.desk.request != Some(request) {
        return Vec::new();
    }
    app.desk.request = None;
    if app.desk.synced_at.is_none() {
        app.desk.synced_at = synced_at;
    }
    let days = app.desk.days.unwrap_or(AGENDA_DAYS);
    let selected = app.inbox.selected_message().map(|m| m.id.to_string());
    let mut agenda = Agenda {
        days,
        expires: app.desk.expiring.then(Default::default),
        ..Agenda::default()
    };
    let mut messages = Vec::with_capacity(rows.len());
    for (seq, row) in rows.into_iter().enumerate() {
        agenda
            .groups
            .insert(row.item.summary.id.to_string(), row.group);
        if let (Some(expires), Some(at)) = (agenda.expires.as_mut(), row.item.expires) {
            expires.insert(row.item.summary.id.to_string(), at);
        }
        let mut summary = row.item.summary;
        summary.seq = i32::try_from(seq).unwrap_or(i32::MAX);
        messages.push(summary);
    }
    let was_agenda = app.desk.agenda.is_some();
    app.whose = Inbox::All;
    app.reportee_name = Some(tr!("alle").into());
    app.folder = Folder::Inbox;
    app.search = None;
    app.inbox = InboxState {
        messages: messages.into(),
        loaded_once: true,
        ..InboxState::default()
    };
    app.inbox.recount(&app.filters);
    // A reload keeps the cursor on the row it was on.
    if let Some(id) = selected.filter(|_| was_agenda) {
        if let Some(index) = app.inbox.messages.iter().position(|m| m.id == id) {
            app.inbox.selected = index;
        }
    }
    app.focus = Focus::List;
    if !was_agenda {
        app.detail = Default::default();
    }
    app.desk.agenda = Some(agenda);
    app.status = Some(Status::Info(agenda_note(app)));
    Vec::new()
}

/// What the status line says of the agenda: how old the desk is, and how to leave.
fn agenda_note(app: &App) -> String {
    let when = app
        .desk
        .synced_at
        .map(crate::text::date_text)
        .unwrap_or_else(|| tr!("aldri").into());
    if app
        .desk
        .agenda
        .as_ref()
        .is_some_and(|a| a.expires.is_some())
    {
        tr!(
            "Det Altinn sletter snart, fra skrivebordet ({when}); kjent bare for dialoger åpnet i innboks. :inbox går tilbake.",
            when
        )
    } else if app.desk.updating() {
        tr!(
            "Agenda fra skrivebordet ({when}); oppdaterer … :inbox går tilbake.",
            when
        )
    } else {
        tr!(
            "Agenda fra skrivebordet ({when}). :inbox går tilbake.",
            when
        )
    }
}

/// `r` in the agenda: the desk synced again, and the agenda read again after.
pub(super) fn refresh_agenda(app: &mut App) -> Vec<Effect> {
    if app.settings.offline {
        app.status = Some(Status::Error(ApiError::Offline.to_string()));
        return Vec::new();
    }
    let effects = sync_now(app);
    if effects.is_empty() {
        return reload_agenda(app);
    }
    app.status = Some(Status::Info(agenda_note(app)));
    effects
}

/// `B`, `:board`: the board overlay, its rows read from the desk.
pub(super) fn open_board(app: &mut App) -> Vec<Effect> {
    if let Some(why) = no_desk(app) {
        app.status = Some(Status::Info(why.into()));
        return Vec::new();
    }
    app.overlay = Some(Overlay::Board(Board::loading()));
    let mut effects = load_board(app);
    if app.desk.synced_at.is_none() {
        effects.extend(sync_now(app));
    }
    effects
}

/// The board's rows arrived: most urgent first; the cursor stays on its party.
pub(super) fn board_loaded(
    app: &mut App,
    request: u64,
    mut rows: Vec<BoardRow>,
    synced_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Vec<Effect> {
    if app.desk.request != Some(request) {
        return Vec::new();
    }
    app.desk.request = None;
    if app.desk.synced_at.is_none() {
        app.desk.synced_at = synced_at;
    }
    rows.sort_by_key(BoardRow::urgency);
    if let Some(Overlay::Board(board)) = &mut app.overlay {
        let chosen = board.matches().get(board.selected).map(|r| r.party.clone());
        board.set_rows(rows);
        board.loading = false;
        board.selected = chosen
            .and_then(|party| board.matches().iter().position(|r| r.party == party))
            .unwrap_or(0);
    }
    Vec::new()
}

/// Keys on the board: typing filters, ↑/↓ move, Enter shows that party's inbox, Esc
/// closes.
pub(super) fn board_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Board(board)) = &mut app.overlay else {
        return Vec::new();
    };
    let count = board.matches().len();
    match action {
        Some(Action::Cancel) => app.overlay = None,
        Some(Action::ChoiceUp) => board.selected = board.selected.saturating_sub(1),
        Some(Action::ChoiceDown) => {
            board.selected = (board.selected + 1).min(count.saturating_sub(1));
        }
        Some(Action::Submit) => {
            let chosen = board.matches().get(board.selected).map(|r| r.party.clone());
            app.overlay = None;
            let party = chosen.and_then(|id| app.parties.list.iter().find(|p| p.id == id).cloned());
            if let Some(party) = party {
                return switch_reportee(app, &party);
            }
        }
        _ => {
            if board.filter.handle(&key) == Edit::Changed {
                board.selected = 0;
            }
        }
    }
    Vec::new()
}
