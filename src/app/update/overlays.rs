//! Keys in the overlays that take them: the search prompt, the filter menu and the link
//! chooser.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::search::{self};
use crate::app::{App, Effect, Status};
use crate::domain::Filters;

use super::filters::{next_days, next_kind, set_filters};
use super::list::select;

/// Keys while typing a search: the list follows the best match as you type; Enter keeps
/// the matches for `n`/`N`; Esc drops the search.
pub(super) fn search_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
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

/// Keys in the filter menu: each letter sets or cycles one filter at once; Esc, Enter or
/// `f` close it.
pub(super) fn filter_menu_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
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

/// Keys in the link chooser: ↑/↓ or j/k move, Enter or `y` copies, a digit copies that
/// link, Esc closes.
pub(super) fn link_picker_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
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
pub(super) fn copy_link(app: &mut App, index: usize) -> Vec<Effect> {
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
