//! Actions on messages: archive, delete, confirm, mark read, save attachments; asking
//! first where it destroys or touches many; and what the server answered.

use crate::i18n::tr;
use std::path::PathBuf;

use crate::app::{Action, App, Effect, Focus, Overlay, PendingAction, Status};
use crate::domain::MessageSummary;
use crate::domain::{ApiError, Asks, DeskTouch, Folder, Inbox, MessageAction, Then, Verb};

use super::detail::follow_selection;
use super::view::keep_selection_visible;
use super::view::{cache_rows, change_row, owner_by_id, touch_desk};
use super::{failure, next_request};

/// Saves the chosen attachment (or all of the shown message's when none is chosen) into the
/// download directory; `open` opens it afterwards when a local display is present, and
/// otherwise the status line says where it was saved.
pub(super) fn save_attachments(app: &mut App, chosen: Option<usize>, open: bool) -> Vec<Effect> {
    let Some(dir) = app.settings.download_dir.clone() else {
        app.status = Some(Status::Error(
            tr!("Fant ingen nedlastingsmappe: sett download_dir i config.toml.").into(),
        ));
        return Vec::new();
    };
    let Some(message) = app.detail_message() else {
        app.status = Some(Status::Info(tr!("Åpne en melding først.").into()));
        return Vec::new();
    };
    // "All of them" saves each file once: the letter's own zip of them all is a choice of
    // its own, not one more file beside them.
    let attachments: Vec<_> = match chosen {
        Some(i) => message.attachments.get(i).into_iter().collect(),
        None => message.attachments.iter().filter(|a| !a.bundle).collect(),
    };
    if attachments.is_empty() {
        app.status = Some(Status::Info(tr!("Meldingen har ingen vedlegg.").into()));
        return Vec::new();
    }
    let open = open && app.settings.can_open_browser;
    let effects: Vec<Effect> = attachments
        .into_iter()
        .map(|a| Effect::SaveAttachment {
            url: a.url.clone(),
            file_name: a.file_name.clone(),
            dir: dir.clone(),
            open,
        })
        .collect();
    app.status = Some(Status::Info(tr!(
        "Lagrer {count} vedlegg i {dir} …",
        count = effects.len(),
        dir = dir.display()
    )));
    effects
}

/// The messages an action applies to: the marked ones, or else the selected one.
pub(super) fn targets(app: &App) -> Vec<&MessageSummary> {
    if app.inbox.marked.is_empty() {
        app.inbox.selected_message().into_iter().collect()
    } else {
        app.inbox
            .messages
            .iter()
            .filter(|m| app.inbox.marked.contains(m.id.as_str()))
            .collect()
    }
}

/// Runs a verb on its targets as its row in the verb table says: refused where the backend
/// cannot, another verb in the trash bin, only the messages that want it, asking first where
/// it destroys or touches many.
pub(super) fn ask_or_act(app: &mut App, action: MessageAction) -> Vec<Effect> {
    if !app.settings.capabilities.allows(action) {
        app.status = Some(Status::Info(tr!(
            "Altinn 2 kan ikke {verb}; det kan Altinn 3.",
            verb = action.infinitive()
        )));
        return Vec::new();
    }
    // Reading is fetching the whole message, as Altinn does it.
    if action == MessageAction::MarkRead {
        return mark_read(app);
    }
    let Some(verb) = verb_here(app, action.verb()) else {
        return Vec::new();
    };
    let bulk = verb.bulk && !app.inbox.marked.is_empty();
    let mut targets = if bulk {
        targets(app)
    } else {
        app.inbox.selected_message().into_iter().collect()
    };
    if let Some(wanted) = verb.wanted {
        let several = targets.len() > 1;
        targets.retain(|m| (wanted.by)(m));
        if targets.is_empty() {
            let said = if several {
                wanted.none_marked
            } else {
                wanted.not_this
            };
            app.status = Some(Status::Info(said.into()));
            return Vec::new();
        }
    }
    let ids: Vec<String> = targets.iter().map(|m| m.id.to_string()).collect();
    let subject = match targets.as_slice() {
        [] => return Vec::new(),
        [one] => tr!("«{subject}»", subject = one.subject),
        many => tr!("{count} meldinger", count = crate::i18n::number(many.len())),
    };
    if verb.asks != Asks::Never || ids.len() > 1 {
        app.overlay = Some(Overlay::Question(PendingAction {
            action: verb.action,
            ids,
            subject,
        }));
        return Vec::new();
    }
    ids.into_iter()
        .flat_map(|id| act(app, id, verb.action))
        .collect()
}

/// The verb as it is meant in the folder shown: another in the trash bin (delete there is
/// for good, where the backend can), or none where it is not done here (said why).
fn verb_here(app: &mut App, verb: Verb) -> Option<Verb> {
    if let Some(refusal) = verb.refused_in(app.folder) {
        app.status = Some(Status::Info(refusal.into()));
        return None;
    }
    match verb.in_trash {
        Some(instead)
            if app.folder == Folder::Trash && app.settings.capabilities.allows(instead) =>
        {
            Some(instead.verb())
        }
        Some(_) if app.folder == Folder::Trash => {
            app.status = Some(Status::Info(
                tr!("Meldingen ligger allerede i papirkurven; Altinn 2 kan ikke slette for godt.")
                    .into(),
            ));
            None
        }
        _ => Some(verb),
    }
}

/// The answer to the question: only `y` says yes (not `j` for «ja»: that is "down" to a
/// fast hand); any other key says no.
pub(super) fn answer(app: &mut App, action: Option<Action>) -> Vec<Effect> {
    let Some(Overlay::Question(pending)) = app.overlay.take() else {
        return Vec::new();
    };
    if action == Some(Action::Yes) {
        app.inbox.marked.clear();
        let mut ids = pending.ids;
        return match ids.pop() {
            Some(id) if ids.is_empty() => act(app, id, pending.action),
            Some(id) => {
                ids.push(id);
                super::bulk::act_many(app, ids, pending.action)
            }
            None => Vec::new(),
        };
    }
    app.status = Some(Status::Info(tr!("Avbrutt.").into()));
    Vec::new()
}

pub(super) fn act(app: &mut App, id: String, action: MessageAction) -> Vec<Effect> {
    let request = next_request(app);
    app.status = Some(Status::Info(action.verb().doing.into()));
    vec![Effect::Act {
        request,
        inbox: owner_by_id(app, &id),
        id,
        action,
    }]
}

/// Marks the targets (the marked messages, or else the selected one) read the way Altinn
/// does it: by fetching each without `markAsRead=false`. Where the backend has no way back
/// to unread (Altinn 2), the user is told so.
fn mark_read(app: &mut App) -> Vec<Effect> {
    let targets = targets(app);
    let several = targets.len() > 1;
    let unread: Vec<(String, Inbox)> = targets
        .iter()
        .filter(|m| m.is_unread())
        .map(|m| (m.id.to_string(), app.owner_of(m)))
        .collect();
    // What the backend cannot do is said where it matters (Altinn 2 has no way back).
    let (no_way_back, not_again) = if app.settings.capabilities.allows(MessageAction::MarkUnread) {
        ("", "")
    } else {
        (
            tr!(" (Altinn kan ikke markere som ulest)"),
            tr!(" (Altinn kan ikke markere som ulest igjen)"),
        )
    };
    if unread.is_empty() {
        app.status = Some(Status::Info(if several {
            tr!(
                "De merkede meldingene er allerede lest{no_way_back}.",
                no_way_back
            )
        } else {
            tr!("Meldingen er allerede lest{no_way_back}.", no_way_back)
        }));
        return Vec::new();
    }
    if several {
        app.inbox.marked.clear();
        app.status = Some(Status::Info(tr!(
            "Markerer {count} som lest{not_again} …",
            count = unread.len(),
            not_again
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

/// What a verb the server said yes to does to its row, as its row in the verb table says.
pub(super) fn action_done(app: &mut App, id: &str, action: MessageAction, new_id: Option<String>) {
    let Some(index) = app.inbox.messages.iter().position(|m| m.id == id) else {
        return;
    };
    let verb = action.verb();
    let to_archive = verb.then == Then::Archived && app.folder == Folder::Inbox;
    if change_row(app, index, id, action, new_id.clone()) {
        leave(app, index, id);
    }
    app.status = Some(Status::Info(match new_id {
        Some(new_id) if to_archive => tr!("Flyttet til arkivet som {new_id}.", new_id),
        None if to_archive => tr!("Flyttet til arkivet.").into(),
        _ => verb.done.into(),
    }));
}

/// The row at `index` (message `id`) leaves the list; the detail closes if it showed it.
fn leave(app: &mut App, index: usize, id: &str) {
    app.inbox.messages.remove(index);
    if app.detail.id.as_deref() == Some(id) {
        app.detail = Default::default();
        app.focus = Focus::List;
    }
    keep_selection_visible(app);
}

/// An action succeeded: the list and the cache follow.
pub(super) fn action_finished(
    app: &mut App,
    id: String,
    action: MessageAction,
    new_id: Option<String>,
) -> Vec<Effect> {
    let owner = owner_by_id(app, &id);
    let current = new_id.clone().unwrap_or_else(|| id.clone());
    action_done(app, &id, action, new_id);
    // The cache follows: the row changed, or left this list (archived out of the
    // inbox, deleted), or got a new id.
    let row = app.inbox.all_loaded().find(|m| m.id == current).cloned();
    let touched = touch_desk(app, vec![(id.clone(), DeskTouch::of(action))]);
    let gone = (row.is_none() || current != id).then_some((owner, id));
    let mut effects = cache_rows(app, row.into_iter().collect(), gone.into_iter().collect());
    effects.extend(touched);
    if matches!(action.verb().then, Then::Leaves | Then::Archived) && app.preview {
        effects.extend(follow_selection(app));
    }
    effects
}

/// The server refused an action.
pub(super) fn action_failed(app: &mut App, action: MessageAction, error: ApiError) -> Vec<Effect> {
    if error == ApiError::SessionExpired {
        return failure(app, error);
    }
    app.status = Some(Status::Error(tr!(
        "Kunne ikke {verb}: {error}",
        verb = action.infinitive(),
        error
    )));
    Vec::new()
}

/// Bytes of an attachment written so far.
pub(super) fn attachment_progress(app: &mut App, file_name: String, bytes: u64) -> Vec<Effect> {
    app.status = Some(Status::Info(tr!(
        "Lagrer {file_name}: {size} …",
        file_name,
        size = crate::text::human_size(bytes)
    )));
    Vec::new()
}

/// An attachment was saved (and perhaps opened).
pub(super) fn attachment_saved(app: &mut App, path: PathBuf, opened: bool) -> Vec<Effect> {
    let shown = path.display();
    app.status = Some(Status::Info(if opened {
        tr!("Lagret og åpnet {shown}", shown)
    } else {
        tr!("Lagret {shown}", shown)
    }));
    Vec::new()
}

/// An attachment could not be saved.
pub(super) fn attachment_failed(app: &mut App, file_name: String, error: String) -> Vec<Effect> {
    app.status = Some(Status::Error(tr!(
        "Kunne ikke lagre {file_name}: {error}",
        file_name,
        error
    )));
    Vec::new()
}
