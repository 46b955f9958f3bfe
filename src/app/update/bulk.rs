//! A verb on many messages at once: one effect for them all, its progress in the status
//! line, and what came of each merged into the list; `z` puts the last folder change back.

use std::collections::{HashMap, HashSet};

use crate::app::bulk::{Changed, Running, Undo};
use crate::app::{Action, App, Effect, Focus, Status};
use crate::domain::{
    ApiError, BulkTarget, DeskTouch, Folder, Labels, MessageAction, MessageSummary, Outcome,
};
use crate::i18n::{number, tr};

use super::detail::follow_selection;
use super::view::resort;
use super::view::{cache_rows, change_row, keep_selection_visible, owner_by_id, touch_desk};
use super::{failure, next_request};

/// Does `action` to the messages `ids` (the marked ones, after the question): one effect.
pub(super) fn act_many(app: &mut App, ids: Vec<String>, action: MessageAction) -> Vec<Effect> {
    let request = next_request(app);
    let rows: HashMap<&str, &MessageSummary> =
        app.inbox.all_loaded().map(|m| (m.id.as_str(), m)).collect();
    let targets: Vec<BulkTarget> = ids
        .into_iter()
        .map(|id| {
            let row = rows.get(id.as_str());
            BulkTarget {
                inbox: row.map_or_else(|| app.whose.clone(), |m| app.owner_of(m)),
                shown: Labels::shown(app.folder, row.is_some_and(|m| m.marked_unread)),
                id,
            }
        })
        .collect();
    start(app, request, action.verb().doing, targets.len());
    vec![Effect::ActMany {
        request,
        action,
        targets,
    }]
}

/// A bulk change (or its undo) is under way: said in the status line.
fn start(app: &mut App, request: u64, doing: &'static str, total: usize) {
    let running = Running {
        request,
        doing,
        done: 0,
        total,
    };
    app.status = Some(Status::Info(progress_text(&running)));
    app.bulk.running = Some(running);
}

/// «Arkiverer … 100 av 250».
fn progress_text(running: &Running) -> String {
    tr!(
        "{doing} {done} av {total}",
        doing = running.doing,
        done = number(running.done),
        total = number(running.total)
    )
}

/// How far the bulk change under way has come.
pub(super) fn progress(app: &mut App, request: u64, done: usize, total: usize) -> Vec<Effect> {
    if let Some(running) = app.bulk.running.as_mut().filter(|r| r.request == request) {
        running.done = done;
        running.total = total;
        let text = progress_text(running);
        app.status = Some(Status::Info(text));
    }
    Vec::new()
}

/// A bulk change is over: each row it was done to changes as the verb's row says (those
/// that leave the folder leave at once), the cache follows, the folder change is kept for
/// `z`, and those that failed are marked again.
pub(super) fn bulk_done(
    app: &mut App,
    request: u64,
    action: MessageAction,
    outcomes: Vec<Outcome>,
) -> Vec<Effect> {
    app.bulk.finish(request);
    let index: HashMap<String, usize> = (app.inbox.messages.iter().enumerate())
        .map(|(i, m)| (m.id.to_string(), i))
        .collect();
    let (mut leaving, mut stays) = (HashSet::new(), Vec::new());
    let (mut gone, mut changed, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    let (mut first_error, mut done) = (None, 0);
    let mut touches = Vec::new();
    for outcome in outcomes {
        let id = outcome.id;
        let new_id = match outcome.result {
            Ok(new_id) => new_id,
            Err(error) => {
                failed.push(id);
                first_error.get_or_insert(error);
                continue;
            }
        };
        done += 1;
        touches.push((id.clone(), DeskTouch::of(action)));
        let at = index.get(&id).copied();
        if let Some(before) = outcome.before {
            let row = at.map(|at| app.inbox.messages[at].clone());
            changed.push(Changed {
                id: id.clone(),
                before,
                row,
            });
        }
        let Some(at) = at else {
            // Not in the list shown any more (another folder or inbox now): the cache of
            // the list it was in is told when that list is read again.
            continue;
        };
        let owner = app.owner_of(&app.inbox.messages[at]);
        let renamed = new_id.is_some();
        if change_row(app, at, &id, action, new_id) {
            leaving.insert(at);
            gone.push((owner, id));
        } else {
            if renamed {
                gone.push((owner, id));
            }
            stays.push(at);
        }
    }
    let upsert: Vec<MessageSummary> = stays
        .into_iter()
        .map(|at| app.inbox.messages[at].clone())
        .collect();
    leave_all(app, &leaving);
    let mut effects = cache_rows(app, upsert, gone);
    effects.extend(touch_desk(app, touches));
    if !leaving.is_empty() && app.preview {
        effects.extend(follow_selection(app));
    }
    let undoable = !changed.is_empty();
    if undoable {
        app.bulk.undo = Some(Undo {
            action,
            whose: app.whose.clone(),
            changed,
        });
    }
    let verb = action.verb();
    let key = app.settings.keymap.label(Action::Undo);
    let said = match (undoable, done) {
        (_, 0) => String::new(),
        (true, n) => tr!(
            one: "{n} melding: {done}. {key} angrer.",
            other: "{n} meldinger: {done}. {key} angrer.",
            n,
            done = verb.done_short,
            key
        ),
        (false, n) => tr!(
            one: "{n} melding: {done}.",
            other: "{n} meldinger: {done}.",
            n,
            done = verb.done_short
        ),
    };
    let Some(error) = first_error else {
        app.status = Some(Status::Info(said));
        return effects;
    };
    if error == ApiError::SessionExpired {
        effects.extend(failure(app, error));
        return effects;
    }
    let shown: HashSet<&str> = app.inbox.messages.iter().map(|m| m.id.as_str()).collect();
    let again: Vec<String> = (failed.iter())
        .filter(|id| shown.contains(id.as_str()))
        .cloned()
        .collect();
    app.inbox.marked.extend(again);
    let refused = tr!(
        one: "{n} melding kunne ikke {verb}: {error} Den er merket igjen.",
        other: "{n} meldinger kunne ikke {verb}: {error} De er merket igjen.",
        n = failed.len(),
        verb = verb.infinitive,
        error
    );
    app.status = Some(Status::Error(
        [said, refused]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    ));
    effects
}

/// The rows at `leaving` leave the list at once; the selection stays on the row it was
/// on, or the next, and the detail closes if it showed one of them.
fn leave_all(app: &mut App, leaving: &HashSet<usize>) {
    if leaving.is_empty() {
        return;
    }
    let inbox = &mut app.inbox;
    let before_selected = leaving.iter().filter(|i| **i < inbox.selected).count();
    inbox.selected = inbox.selected.saturating_sub(before_selected);
    let detail = app.detail.id.as_deref();
    let mut detail_left = false;
    let mut i = 0;
    inbox.messages.retain(|m| {
        let keep = !leaving.contains(&i);
        detail_left |= !keep && detail == Some(m.id.as_str());
        i += 1;
        keep
    });
    if detail_left {
        app.detail = Default::default();
        app.focus = Focus::List;
    }
    keep_selection_visible(app);
}

/// `z`: puts back the labels of the last bulk folder change, in one effect.
pub(super) fn undo(app: &mut App) -> Vec<Effect> {
    let Some(undo) = app.bulk.undo.take() else {
        app.status = Some(Status::Info(tr!("Ingenting å angre.").into()));
        return Vec::new();
    };
    let request = next_request(app);
    let targets: Vec<(String, Labels)> = (undo.changed.iter())
        .map(|c| (c.id.clone(), c.before))
        .collect();
    start(app, request, tr!("Angrer …"), targets.len());
    app.bulk.undoing = Some((request, undo));
    vec![Effect::PutBack { request, targets }]
}

/// An undo is over: each message put back comes back into the list where it belongs
/// there (and leaves the folder shown where it does not); those that failed stay for `z`.
pub(super) fn put_back_done(app: &mut App, request: u64, outcomes: Vec<Outcome>) -> Vec<Effect> {
    app.bulk.finish(request);
    let Some((_, undo)) = app.bulk.undoing.take_if(|(r, _)| *r == request) else {
        return Vec::new();
    };
    let mut first_error = None;
    let mut ok = HashSet::new();
    for outcome in outcomes {
        match outcome.result {
            Ok(_) => {
                ok.insert(outcome.id);
            }
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    let (back, kept): (Vec<Changed>, Vec<Changed>) =
        undo.changed.into_iter().partition(|c| ok.contains(&c.id));
    let count = back.len();
    let touches = (back.iter())
        .map(|c| (c.id.clone(), DeskTouch::back(c.before)))
        .collect();
    let mut effects = touch_desk(app, touches);
    if app.whose == undo.whose {
        effects.extend(bring_back(app, back));
    }
    let Some(error) = first_error else {
        app.status = Some(Status::Info(tr!(
            one: "Angret: {n} melding er tilbake der den var.",
            other: "Angret: {n} meldinger er tilbake der de var.",
            n = count
        )));
        return effects;
    };
    if error == ApiError::SessionExpired {
        app.bulk.undo = Some(Undo {
            changed: kept,
            ..undo
        });
        return effects.into_iter().chain(failure(app, error)).collect();
    }
    app.status = Some(Status::Error(tr!(
        one: "{n} melding kunne ikke settes tilbake: {error} {key} prøver igjen.",
        other: "{n} meldinger kunne ikke settes tilbake: {error} {key} prøver igjen.",
        n = kept.len(),
        error,
        key = app.settings.keymap.label(Action::Undo)
    )));
    app.bulk.undo = Some(Undo {
        changed: kept,
        ..undo
    });
    effects
}

/// The rows put back, in the list shown: back in it where they were in this folder (as
/// they were), out of it where they were not; the cache follows.
fn bring_back(app: &mut App, back: Vec<Changed>) -> Vec<Effect> {
    let here = Labels::shown(app.folder, false).folder;
    let views = matches!(app.folder, Folder::Inbox | Folder::Archive | Folder::Trash);
    let shown: HashMap<String, usize> = (app.inbox.messages.iter().enumerate())
        .map(|(i, m)| (m.id.to_string(), i))
        .collect();
    let (mut upsert, mut gone, mut leaving) = (Vec::new(), Vec::new(), HashSet::new());
    for changed in back {
        let at = shown.get(&changed.id).copied();
        match (changed.before.folder == here && views, at) {
            (true, Some(at)) => {
                let row = &mut app.inbox.messages[at];
                row.marked_unread = changed.before.marked_unread;
                upsert.push(row.clone());
            }
            (true, None) => {
                if let Some(mut row) = changed.row {
                    row.marked_unread = changed.before.marked_unread;
                    upsert.push(row.clone());
                    if app.filters.passes_local(&row) {
                        app.inbox.messages.push(row);
                    } else {
                        app.inbox.hidden.push(row);
                    }
                }
            }
            (false, Some(at)) => {
                let owner = owner_by_id(app, &changed.id);
                gone.push((owner, changed.id));
                leaving.insert(at);
            }
            (false, None) => {}
        }
    }
    leave_all(app, &leaving);
    resort(app);
    keep_selection_visible(app);
    let effects = cache_rows(app, upsert, gone);
    if app.preview {
        return effects.into_iter().chain(follow_selection(app)).collect();
    }
    effects
}
