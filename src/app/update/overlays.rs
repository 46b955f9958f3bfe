//! Keys in the overlays that have no file of their own concern: the search prompt, the help,
//! the filter menu, the link chooser and the attachment chooser.

use crate::i18n::tr;
use crossterm::event::{KeyCode, KeyEvent};

use crate::app::input::Edit;
use crate::app::search;
use crate::app::{Action, App, Effect, Overlay, Status};
use crate::domain::Filters;

use super::actions::save_attachments;
use super::filters::{next_days, next_kind, set_filters};
use super::list::select;
use super::search::ask_search;

/// Keys while typing a search: the list follows the best match as you type; Enter keeps
/// the matches for `n`/`N`; Esc drops the search.
pub(super) fn search_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let Some(search) = &mut app.search else {
        return Vec::new();
    };
    match action {
        Some(Action::Cancel) => {
            app.search = None;
            return Vec::new();
        }
        Some(Action::Submit) => {
            search.editing = false;
            return Vec::new();
        }
        _ => {}
    }
    if search.query.handle(&key) != Edit::Changed {
        return Vec::new();
    }
    ask_search(app)
}

/// The search text changed other than by typing at its end: every row is looked at again.
pub(super) fn search_changed(app: &mut App) -> Vec<Effect> {
    ask_search(app)
}

/// A search answered: its hits are kept when it is the one asked for last and the rows are
/// as it read them (else it is asked again over the rows as they are).
pub(super) fn search_done(
    app: &mut App,
    id: u64,
    version: u64,
    hits: Option<Vec<search::Hit>>,
) -> Vec<Effect> {
    let Some(search) = &mut app.search else {
        return Vec::new();
    };
    if search.pending != Some(id) {
        return Vec::new();
    }
    let Some(hits) = hits.filter(|_| version == app.inbox.messages.version()) else {
        return ask_search(app);
    };
    search.pending = None;
    search.answered = search.query.value().to_owned();
    search.version = version;
    search.hits = std::sync::Arc::new(hits);
    // The list follows the best match, unless the user moved since typing.
    if search.editing || app.inbox.selected == search.selected_then {
        follow_best(app)
    } else {
        Vec::new()
    }
}

/// Selects the best search hit, if any.
fn follow_best(app: &mut App) -> Vec<Effect> {
    match app.search.as_ref().and_then(|s| s.best()).map(|h| h.index) {
        Some(index) => select(app, index),
        None => Vec::new(),
    }
}

/// Keys in the help: scroll it, or close it with `?`, Esc or `q`.
pub(super) fn help_key(app: &mut App, action: Option<Action>) -> Vec<Effect> {
    let Some(Overlay::Help { scroll }) = &mut app.overlay else {
        return Vec::new();
    };
    match action {
        Some(Action::Help | Action::Back | Action::Quit) => app.overlay = None,
        Some(Action::MoveDown) => *scroll = scroll.saturating_add(1),
        Some(Action::MoveUp) => *scroll = scroll.saturating_sub(1),
        Some(Action::PageDown | Action::HalfPageDown) => *scroll = scroll.saturating_add(10),
        Some(Action::PageUp | Action::HalfPageUp) => *scroll = scroll.saturating_sub(10),
        Some(Action::Top) => *scroll = 0,
        _ => {}
    }
    Vec::new()
}

/// Keys in the filter menu: each sets or cycles one filter at once; Esc, Enter, `f` or `q`
/// close it.
pub(super) fn filter_menu_key(app: &mut App, action: Option<Action>) -> Vec<Effect> {
    let mut filters = app.filters.clone();
    match action {
        Some(Action::Back | Action::Open | Action::Filter | Action::Quit) => {
            app.overlay = None;
            return Vec::new();
        }
        Some(Action::FilterUnread) => filters.unread = !filters.unread,
        Some(Action::FilterKind) => filters.kind = next_kind(app),
        Some(Action::FilterBySender) => {
            filters.sender = match filters.sender {
                Some(_) => None,
                None => app
                    .inbox
                    .selected_message()
                    .map(|m| m.service_owner.to_string()),
            }
        }
        Some(Action::FilterDays) => {
            let now = chrono::DateTime::<chrono::Utc>::from(app.now);
            filters.until = None;
            filters.since =
                next_days(&app.filters, now).map(|days| now - chrono::Duration::days(days));
        }
        Some(Action::FilterNeedsConfirmation) => {
            filters.needs_confirmation = !filters.needs_confirmation
        }
        Some(Action::FilterClear) => filters = Filters::default(),
        _ => return Vec::new(),
    }
    set_filters(app, filters)
}

/// Keys in the link chooser: move, copy the chosen link (Enter, `y`), a digit copies that
/// link, Esc closes.
pub(super) fn link_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let count = app.detail_message().map_or(0, |m| m.links.len());
    let Some(chosen) = app.link_choice() else {
        return Vec::new();
    };
    let choose = |selected| Some(Overlay::Links { selected });
    match action {
        Some(Action::Back | Action::Quit) => app.overlay = None,
        Some(Action::MoveDown) => app.overlay = choose((chosen + 1).min(count.saturating_sub(1))),
        Some(Action::MoveUp) => app.overlay = choose(chosen.saturating_sub(1)),
        Some(Action::Open | Action::Copy | Action::CopyLink) => return copy_link(app, chosen),
        _ => {
            // The links are numbered on screen: a digit is data, not a binding.
            if let KeyCode::Char(c) = key.code {
                let number = c.to_digit(10).unwrap_or(0) as usize;
                if (1..=count).contains(&number) {
                    return copy_link(app, number - 1);
                }
            }
        }
    }
    Vec::new()
}

/// Keys while choosing an attachment: move, Enter opens, Esc stops choosing. `None` for the
/// other keys, which work as in the inbox (`S` saves the chosen one).
pub(super) fn attachment_key(app: &mut App, action: Option<Action>) -> Option<Vec<Effect>> {
    let chosen = app.attachment_choice()?;
    let count = app.detail_message().map_or(0, |m| m.attachments.len());
    let choose = |selected| Some(Overlay::Attachments { selected });
    match action {
        Some(Action::Back) => {
            app.overlay = None;
            app.status = None;
        }
        Some(Action::MoveDown) => app.overlay = choose((chosen + 1).min(count.saturating_sub(1))),
        Some(Action::MoveUp) => app.overlay = choose(chosen.saturating_sub(1)),
        Some(Action::Open) => return Some(save_attachments(app, Some(chosen), true)),
        _ => return None,
    }
    Some(Vec::new())
}

/// Copies body link `index` (0-based) of the shown message.
pub(super) fn copy_link(app: &mut App, index: usize) -> Vec<Effect> {
    if app.link_choice().is_some() {
        app.overlay = None;
    }
    let Some(link) = app
        .detail_message()
        .and_then(|m| m.links.get(index))
        .cloned()
    else {
        return Vec::new();
    };
    app.status = Some(Status::Info(tr!("Kopierte lenke [{n}].", n = index + 1)));
    vec![Effect::CopyToClipboard(link)]
}
