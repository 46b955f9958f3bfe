//! The loaded rows as every concern needs them: whose inbox one is in, what a verb does to
//! one, the cache told of changed ones, the selection kept in view, the chosen order, and
//! the search hits.

use crate::app::{App, Effect, SortOrder};
use crate::domain::{DeskTouch, Folder, Inbox, MessageAction, MessageStatus, MessageSummary, Then};

/// Writes changed rows (and removed ids) of the list shown to the cache, grouped by the
/// inbox they belong to.
pub(super) fn cache_rows(
    app: &App,
    rows: Vec<MessageSummary>,
    removed: Vec<(Inbox, String)>,
) -> Vec<Effect> {
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

/// Notes on the desk what verbs did (nothing without a desk, or nothing done).
pub(super) fn touch_desk(app: &App, touches: Vec<(String, DeskTouch)>) -> Vec<Effect> {
    match app.desk_scope() {
        Some(scope) if !touches.is_empty() => vec![Effect::TouchDesk { scope, touches }],
        _ => Vec::new(),
    }
}

/// Changes the row at `index` (message `id`) as the verb's row says it is changed; true
/// when it leaves the list shown (left to the caller: one row, or many at once).
pub(super) fn change_row(
    app: &mut App,
    index: usize,
    id: &str,
    action: MessageAction,
    new_id: Option<String>,
) -> bool {
    match action.verb().then {
        Then::Archived if app.folder == Folder::Inbox => {
            // It moved to the archive view.
            if let Some(mut body) = app.bodies.remove(id) {
                if let Some(new_id) = &new_id {
                    body.summary.id = new_id.as_str().into();
                    body.summary.status = MessageStatus::Archived;
                    app.bodies.insert(new_id.clone(), body);
                }
            }
            true
        }
        Then::Archived => {
            let row = &mut app.inbox.messages[index];
            row.status = MessageStatus::Archived;
            if let Some(new_id) = new_id {
                row.id = new_id.as_str().into();
                if let Some(mut body) = app.bodies.remove(id) {
                    body.summary.id = new_id.as_str().into();
                    body.summary.status = MessageStatus::Archived;
                    app.bodies.insert(new_id.clone(), body);
                }
                if app.detail.id.as_deref() == Some(id) {
                    app.detail.id = Some(new_id);
                }
            }
            false
        }
        Then::Leaves => {
            app.bodies.remove(id);
            true
        }
        Then::Confirmed => {
            let row = &mut app.inbox.messages[index];
            row.requires_confirmation = false;
            if row.status == MessageStatus::Unread {
                row.status = MessageStatus::Read;
            }
            false
        }
        Then::Read => {
            let row = &mut app.inbox.messages[index];
            row.marked_unread = false;
            if row.status == MessageStatus::Unread {
                row.status = MessageStatus::Read;
            }
            false
        }
        Then::Unread => {
            app.inbox.messages[index].marked_unread = true;
            false
        }
    }
}

/// Whose inbox the loaded message `id` is in.
pub(super) fn owner_by_id(app: &App, id: &str) -> Inbox {
    // Nearly always the selected one: no need to walk the list for it.
    let selected = app.inbox.selected_message().filter(|m| m.id == id);
    selected
        .or_else(|| app.inbox.all_loaded().find(|m| m.id == id))
        .map_or_else(|| app.whose.clone(), |m| app.owner_of(m))
}

/// Scrolls the list so the selected row is on screen.
pub(super) fn keep_selection_visible(app: &mut App) {
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

/// Puts the list in the chosen order, keeping the selected message selected.
pub(super) fn resort(app: &mut App) {
    let selected = app.inbox.selected_message().map(|m| m.id.to_string());
    app.sort.apply(&mut app.inbox.messages);
    // Worked out here, once per change to the rows, not per keystroke.
    app.inbox.settled = if app.inbox.sources.len() > 1 && app.sort == SortOrder::NewestFirst {
        app.inbox.settled_rows()
    } else {
        app.inbox.messages.len()
    };
    if let Some(id) = selected {
        if let Some(index) = app.inbox.messages.iter().position(|m| m.id == id) {
            app.inbox.selected = index;
        }
    }
}
