//! The detail pane: previews that follow the cursor (with the neighbours fetched ahead),
//! explicit opens, scrolling, and the bodies as they arrive.

use crate::app::{App, Effect, Focus, Status};
use crate::domain::MessageStatus;
use crate::domain::{ApiError, Inbox};
use crate::i18n::tr;

use super::view::{cache_rows, owner_by_id, touch_desk};
use super::{failure, next_request};
use crate::domain::{Message, MessageSummary, ThreadEntry};

/// Points the detail pane at the selected message and fetches it as a preview
/// (`markAsRead=false`, debounced) unless it is already fetched.
pub(super) fn follow_selection(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.inbox.selected_message().map(|m| m.id.to_string()) else {
        return Vec::new();
    };
    if app.detail.id.as_deref() == Some(id.as_str()) {
        return Vec::new();
    }
    app.detail.id = Some(id.to_string());
    app.detail.scroll = 0;
    app.detail.history = false;
    app.detail.error = None;
    app.detail.request = None;
    if app.attachment_choice().is_some() {
        app.overlay = None;
    }
    if app.detail_message().is_some() {
        return Vec::new();
    }
    fetch_detail(app, false, true)
}

pub(super) fn fetch_detail(app: &mut App, mark_as_read: bool, debounce: bool) -> Vec<Effect> {
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
pub(super) const PREFETCH_AHEAD: usize = 2;

/// The messages next to the selected one whose bodies are not here or on their way.
pub(super) fn neighbours(app: &mut App) -> Vec<(Inbox, String)> {
    let selected = app.inbox.selected;
    let wanted: Vec<(Inbox, String)> = (selected + 1..=selected + PREFETCH_AHEAD)
        .chain(selected.checked_sub(1))
        .filter_map(|i| app.inbox.messages.get(i))
        .filter(|m| {
            !app.bodies.contains_key(m.id.as_str()) && !app.prefetching.contains(m.id.as_str())
        })
        .map(|m| (app.owner_of(m), m.id.to_string()))
        .collect();
    app.prefetching
        .extend(wanted.iter().map(|(_, id)| id.clone()));
    wanted
}

pub(super) fn open_selected(app: &mut App) -> Vec<Effect> {
    let Some(summary) = app.inbox.selected_message() else {
        return Vec::new();
    };
    let id = summary.id.to_string();
    let unread = summary.is_unread();
    app.detail.open = true;
    let id_for_check = id.clone();
    app.focus = Focus::Detail;
    if app.detail.id.as_deref() != Some(id.as_str()) {
        app.detail.id = Some(id.to_string());
        app.detail.scroll = 0;
        app.detail.history = false;
    }
    let partial =
        !app.settings.capabilities.quiet_read && !app.opened.contains(id_for_check.as_str());
    if unread || partial || app.detail_message().is_none() {
        fetch_detail(app, true, false)
    } else {
        Vec::new()
    }
}

/// Lines in the detail pane's content, for clamping the scroll position.
pub(super) fn detail_lines(app: &App) -> usize {
    app.detail_message().map_or(0, |m| {
        let thread = if m.thread.is_empty() {
            0
        } else {
            2 + m.thread.iter().map(ThreadEntry::line_count).sum::<usize>()
        };
        m.body.lines().count() + 6 + m.attachments.len().min(1) + thread
    })
}

pub(super) fn scroll_detail(app: &mut App, delta: isize) {
    let rows = app.layout().detail_rows();
    let max = detail_lines(app).saturating_sub(rows / 2) as isize;
    let next = (app.detail.scroll as isize)
        .saturating_add(delta)
        .clamp(0, max.max(0));
    app.detail.scroll = u16::try_from(next).unwrap_or(u16::MAX);
}

/// A message's detail arrived (a preview, a prefetch or an open): kept, and the row follows what the server said.
pub(super) fn message_loaded(
    app: &mut App,
    request: u64,
    mut message: Box<Message>,
    marked_read: bool,
) -> Vec<Effect> {
    let id = message.summary.id.to_string();
    app.prefetching.remove(id.as_str());
    if marked_read {
        app.opened.insert(id.to_string());
    }
    let mut effects = Vec::new();
    let row = app
        .inbox
        .messages
        .iter_mut()
        .chain(app.inbox.hidden.iter_mut())
        .find(|m| m.id == id);
    if let Some(row) = row {
        let count = Some(MessageSummary::attachment_count_of(
            message.attachments.len(),
        ));
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
    // Opened: seen on the desk at once, and when Altinn deletes it (only an open says).
    if marked_read || message.expires.is_some() {
        let touch = crate::domain::DeskTouch::opened(&message, marked_read);
        effects.extend(touch_desk(app, vec![(id.to_string(), touch)]));
    }
    std::sync::Arc::make_mut(&mut app.search_texts)
        .insert(id.to_string(), message.searchable_text());
    app.bodies.insert(id.to_string(), *message);
    if app.detail.request == Some(request) {
        app.detail.request = None;
        app.detail.error = None;
    }
    effects
}

/// A message's detail could not be fetched.
pub(super) fn message_failed(app: &mut App, request: u64, error: ApiError) -> Vec<Effect> {
    if app.detail.request != Some(request) {
        return Vec::new();
    }
    app.detail.request = None;
    if error == ApiError::SessionExpired {
        return failure(app, error);
    }
    let text = match error {
        ApiError::LevelTooLow => format!(
            "{error} {}",
            tr!("Tast L for å logge inn på høyt nivå; innboksen tas vare på.")
        ),
        other => other.to_string(),
    };
    // (Over a preview the pane keeps showing it: the status line says why the open failed.)
    app.status = Some(Status::Error(text.clone()));
    app.detail.error = Some(text);
    Vec::new()
}

/// `H`: the shown message's history instead of its text, and back. Only what the open
/// fetched is shown (Altinn 3's activities); a preview has none yet, Altinn 2 has none.
pub(super) fn toggle_history(app: &mut App) -> Vec<Effect> {
    if app.detail.history {
        app.detail.history = false;
        app.detail.scroll = 0;
        return Vec::new();
    }
    let Some(message) = app.detail_message() else {
        app.status = Some(Status::Info(tr!("Åpne en melding først (Enter).").into()));
        return Vec::new();
    };
    if message.history.is_empty() {
        app.status = Some(Status::Info(if !app.settings.capabilities.history {
            tr!("Altinn 2 gir ingen historikk for meldinger.").into()
        } else if app.opened.contains(message.summary.id.as_str()) {
            tr!("Meldingen har ingen historikk.").into()
        } else {
            tr!("Historikken kommer når meldingen åpnes (Enter).").into()
        }));
        return Vec::new();
    }
    app.detail.history = true;
    app.detail.scroll = 0;
    Vec::new()
}
