//! The message list: selection, scrolling, the mouse, refresh and order.

use crate::i18n::tr;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use crate::app::{App, Effect, Focus, Overlay, Screen, Status};
use crate::domain::ApiError;

use super::detail::{fetch_detail, follow_selection, open_selected, scroll_detail};
use super::pages::{fetch_page, fetch_unloaded, maybe_fetch_more, start_list};
use super::view::keep_selection_visible;

/// A click or the wheel: the wheel scrolls the pane under the pointer (three rows a notch);
/// a click selects a message, and a click on the selected one opens it. Ignored with the
/// `mouse` setting off, on the login screen and under overlays.
pub(super) fn mouse(app: &mut App, event: MouseEvent) -> Vec<Effect> {
    // Choosing an attachment leaves the list under the pointer.
    let overlay = app
        .overlay
        .as_ref()
        .is_some_and(|o| !matches!(o, Overlay::Attachments { .. }));
    if !app.settings.mouse || app.screen != Screen::Inbox || overlay {
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

pub(super) fn select(app: &mut App, index: usize) -> Vec<Effect> {
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

/// `r`: retries the pages that failed, or else asks every source for its newest page.
pub(super) fn refresh(app: &mut App) -> Vec<Effect> {
    if app.settings.offline {
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
        .filter_map(|(i, s)| s.retry_skip().map(|skip| (i, skip)))
        .collect();
    if failed.is_empty() && app.inbox.is_loading() {
        return effects;
    }
    if failed.is_empty() {
        app.status = Some(Status::Info(tr!("Oppdaterer…").into()));
        app.inbox.arrivals = Some(0);
        // Every source refreshes, at most `concurrency` at once (the rest as they answer).
        for source in &mut app.inbox.sources {
            source.ask_refresh();
        }
        effects.extend(fetch_unloaded(app));
    } else {
        app.status = Some(Status::Info(tr!("Prøver igjen…").into()));
        for (index, skip) in failed {
            effects.extend(fetch_page(app, index, skip));
        }
    }
    effects
}

/// Loads the list again from the top (a new folder or filter).
pub(super) fn reload(app: &mut App, note: String) -> Vec<Effect> {
    app.search = None;
    app.focus = Focus::List;
    app.status = Some(Status::Info(note));
    start_list(app)
}

/// The terminal has a new size.
pub(super) fn resize(app: &mut App, width: u16, height: u16) -> Vec<Effect> {
    app.size = (width, height);
    keep_selection_visible(app);
    maybe_fetch_more(app)
}
