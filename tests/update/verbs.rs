//! The verbs on messages: keys, bulk marking, questions, what a backend cannot do.

use super::harness::*;

#[test]
fn archive_delete_confirm_and_mark_read_keys() {
    use innboks::domain::MessageAction;
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char('a')));
    let Some(Effect::Act {
        request,
        id,
        action: MessageAction::Archive,
        ..
    }) = effects.first().cloned()
    else {
        panic!("archive expected, got {effects:?}");
    };
    assert_eq!(id, "a1000");
    update(
        &mut app,
        Msg::ActionDone {
            request,
            id,
            action: MessageAction::Archive,
            new_id: Some("b1000".into()),
        },
    );
    assert!(
        app.inbox
            .messages
            .iter()
            .all(|m| m.id != "a1000" && m.id != "b1000"),
        "it moved to the archive view"
    );
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("b1000")));

    update(&mut app, key(KeyCode::Char('j')));
    assert!(
        update(&mut app, key(KeyCode::Char('d'))).is_empty(),
        "delete asks first"
    );
    assert!(app.question().is_some());
    assert!(
        update(&mut app, key(KeyCode::Char('n'))).is_empty(),
        "any other key cancels"
    );
    assert!(app.question().is_none());
    assert_eq!(app.inbox.messages.len(), 49, "cancelled: nothing deleted");
    update(&mut app, key(KeyCode::Char('d')));
    let effects = update(&mut app, key(KeyCode::Char('y')));
    let Some(Effect::Act {
        request,
        id,
        action: MessageAction::Delete,
        ..
    }) = effects.first().cloned()
    else {
        panic!("delete expected");
    };
    update(
        &mut app,
        Msg::ActionDone {
            request,
            id: id.clone(),
            action: MessageAction::Delete,
            new_id: None,
        },
    );
    assert_eq!(app.inbox.messages.len(), 48, "one deleted");
    assert!(app.inbox.messages.iter().all(|m| m.id != id));

    update(
        &mut app,
        Msg::ActionFailed {
            request: 99,
            action: MessageAction::Delete,
            error: ApiError::Server {
                status: 403,
                reason: "Correspondence to organisations cannot be deleted".into(),
            },
        },
    );
    assert!(
        matches!(&app.status, Some(Status::Error(e)) if e.contains("Kunne ikke slette") && e.contains("organisations"))
    );

    assert!(update(&mut app, key(KeyCode::Char('c'))).is_empty());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("ber ikke om bekreftelse")));

    update(&mut app, key(KeyCode::Char('g')));
    while !app.inbox.selected_message().is_some_and(|m| m.is_unread()) {
        update(&mut app, key(KeyCode::Char('j')));
    }
    let effects = update(&mut app, key(KeyCode::Char('m')));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::FetchMessage {
            mark_as_read: true,
            debounce: false,
            ..
        }
    )));
    while app.inbox.selected_message().is_some_and(|m| m.is_unread()) {
        update(&mut app, key(KeyCode::Char('j')));
    }
    assert!(update(&mut app, key(KeyCode::Char('m'))).is_empty());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("ulest")));
}

#[test]
fn y_copies_the_web_link_or_the_id() {
    let mut app = logged_in();
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyToClipboard("a1000".into())]
    );
    let mut body = message(0);
    body.portal_url = Some("https://www.altinn.no/ui/messagebox?id=a1000".into());
    app.bodies.insert("a1000".into(), body);
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyToClipboard(
            "https://www.altinn.no/ui/messagebox?id=a1000".into()
        )]
    );
}

#[test]
fn space_marks_and_a_bulk_action_asks_once() {
    use innboks::domain::MessageAction;
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(' ')));
    update(&mut app, key(KeyCode::Char(' ')));
    update(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(app.inbox.marked.len(), 3);
    assert_eq!(app.inbox.selected, 3, "Space moves down");
    update(&mut app, key(KeyCode::Char('k')));
    update(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(app.inbox.marked.len(), 2, "Space again unmarks");
    assert!(
        update(&mut app, key(KeyCode::Char('a'))).is_empty(),
        "a bulk archive asks first"
    );
    assert!(app.question().is_some_and(|c| c.subject == "2 meldinger"));
    let effects = update(&mut app, key(KeyCode::Char('y')));
    let [Effect::ActMany {
        action: MessageAction::Archive,
        targets,
        ..
    }] = effects.as_slice()
    else {
        panic!("one effect for the marked messages, got {effects:?}");
    };
    let archived: Vec<&str> = targets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(archived, ["a1000", "a1001"]);
    assert!(app.inbox.marked.is_empty(), "marks are used up");
    assert_eq!(
        update(&mut app, key(KeyCode::Char('a'))).len(),
        1,
        "a single archive does not ask"
    );
}

#[test]
fn star_marks_all_and_m_reads_every_marked_unread_message() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('*')));
    assert_eq!(app.inbox.marked.len(), 50);
    let effects = update(&mut app, key(KeyCode::Char('m')));
    let read: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchMessage {
                id,
                mark_as_read: true,
                debounce: false,
                ..
            } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(read.len(), 17, "only the unread ones are fetched");
    assert_eq!(effects.len(), 17);
    assert!(app.inbox.marked.is_empty(), "marks are used up");
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("ulest")));
    // `*` twice unmarks.
    update(&mut app, key(KeyCode::Char('*')));
    update(&mut app, key(KeyCode::Char('*')));
    assert!(app.inbox.marked.is_empty());
}

#[test]
fn restore_and_mark_unread_act_on_altinn3_and_are_explained_on_altinn2() {
    use innboks::domain::{Capabilities, MessageAction};
    let mut app = logged_in();
    assert!(update(&mut app, key(KeyCode::Char('U'))).is_empty());
    assert!(
        matches!(&app.status, Some(Status::Info(text)) if text.contains("Altinn 2 kan ikke merke som ulest")),
        "{:?}",
        app.status
    );
    app.settings.capabilities = Capabilities::altinn3();
    let effects = update(&mut app, key(KeyCode::Char('U')));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Act {
                action: MessageAction::MarkUnread,
                ..
            }]
        ),
        "{effects:?}"
    );
    // In the inbox there is nothing to bring back: it is said, and the row stays.
    let rows = app.inbox.messages.len();
    assert!(update(&mut app, key(KeyCode::Char('u'))).is_empty());
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("allerede i innboksen")),
        "{:?}",
        app.status
    );
    assert_eq!(app.inbox.messages.len(), rows);
    // From the trash bin (rows shown there), `u` and `:restore` bring it back.
    app.folder = innboks::domain::Folder::Trash;
    let effects = update(&mut app, key(KeyCode::Char('u')));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Act {
            action: MessageAction::Restore,
            ..
        }]
    ));
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "restore");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Act {
            action: MessageAction::Restore,
            ..
        }]
    ));
}

/// In the trash bin, `d` deletes for good after a question (Altinn 3), and says why not on
/// Altinn 2; `:purge` outside the bin is refused in words.
#[test]
fn delete_in_the_trash_purges_after_a_question() {
    use innboks::domain::{Capabilities, Folder, MessageAction};
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "purge");
    app.settings.capabilities = Capabilities::altinn3();
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("Bare meldinger i papirkurven")),
        "{:?}",
        app.status
    );
    app.folder = Folder::Trash;
    app.settings.capabilities = Capabilities::default();
    assert!(update(&mut app, key(KeyCode::Char('d'))).is_empty());
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("Altinn 2 kan ikke slette for godt")),
        "{:?}",
        app.status
    );
    app.settings.capabilities = Capabilities::altinn3();
    let first = app.inbox.messages[0].id.clone();
    assert!(
        update(&mut app, key(KeyCode::Char('d'))).is_empty(),
        "asks first"
    );
    assert!(
        matches!(app.question(), Some(p) if p.action == MessageAction::Purge),
        "{:?}",
        app.overlay
    );
    let effects = update(&mut app, key(KeyCode::Char('y')));
    let [Effect::Act {
        request,
        id,
        action: MessageAction::Purge,
        ..
    }] = effects.as_slice()
    else {
        panic!("purge expected, got {effects:?}");
    };
    assert_eq!(id, &first);
    update(
        &mut app,
        Msg::ActionDone {
            request: *request,
            id: id.clone(),
            action: MessageAction::Purge,
            new_id: None,
        },
    );
    assert!(app.inbox.messages.iter().all(|m| m.id != first));
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("Slettet for godt")));
}

/// The marked rows' ids, ask-free: `*`, then the verb's key and `y`.
fn one_bulk(app: &mut App, verb: char) -> (u64, Vec<innboks::domain::BulkTarget>) {
    update(app, key(KeyCode::Char('*')));
    assert!(
        update(app, key(KeyCode::Char(verb))).is_empty(),
        "asks first"
    );
    let effects = update(app, key(KeyCode::Char('y')));
    match effects.as_slice() {
        [Effect::ActMany {
            request, targets, ..
        }] => (*request, targets.clone()),
        other => panic!("one effect for them all, got {other:?}"),
    }
}

/// 250 marked rows: one question, one effect, the progress in the status line, the rows
/// out of the inbox when it is done (those refused marked again), and `z` brings the others
/// back as they were, one marked unread among them.
#[test]
fn a_bulk_archive_of_250_is_one_question_one_effect_and_z_brings_them_back() {
    use innboks::domain::{Capabilities, Folder, Labels, MessageAction, Outcome};
    let mut app = logged_in_over(page(0..250, false));
    app.settings.capabilities = Capabilities::altinn3();
    app.inbox.messages[5].marked_unread = true;
    update(&mut app, key(KeyCode::Char('*')));
    assert_eq!(app.inbox.marked.len(), 250, "* marks every row shown");
    assert!(update(&mut app, key(KeyCode::Char('a'))).is_empty());
    assert!(app.question().is_some_and(|q| q.subject == "250 meldinger"));
    let effects = update(&mut app, key(KeyCode::Char('y')));
    let [Effect::ActMany {
        request,
        action: MessageAction::Archive,
        targets,
    }] = effects.as_slice()
    else {
        panic!("one effect for the 250, got {effects:?}");
    };
    let request = *request;
    assert_eq!(targets.len(), 250);
    assert_eq!(targets[5].id, "a1005");
    assert_eq!(targets[5].shown, Labels::shown(Folder::Inbox, true));
    assert_eq!(targets[6].shown, Labels::shown(Folder::Inbox, false));
    assert!(app.is_busy(), "the spinner turns while it runs");
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t == "Arkiverer … 0 av 250"),
        "{:?}",
        app.status
    );
    update(
        &mut app,
        Msg::BulkProgress {
            request,
            done: 100,
            total: 250,
        },
    );
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t == "Arkiverer … 100 av 250"),
        "{:?}",
        app.status
    );

    // The last ten were in a request the server refused.
    let refused = ApiError::Server {
        status: 404,
        reason: "not found".into(),
    };
    let outcomes: Vec<Outcome> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if i < 240 {
                Outcome::done(&t.id, None, Some(t.shown))
            } else {
                Outcome::failed(&t.id, refused.clone())
            }
        })
        .collect();
    update(
        &mut app,
        Msg::BulkDone {
            request,
            action: MessageAction::Archive,
            outcomes,
        },
    );
    assert!(app.bulk.running.is_none(), "it is over");
    assert_eq!(app.inbox.messages.len(), 10, "240 left the inbox");
    assert_eq!(
        app.inbox.marked.len(),
        10,
        "the refused ones are marked again"
    );
    assert!(
        matches!(&app.status, Some(Status::Error(t))
            if t.contains("240 meldinger: arkivert. z angrer.")
            && t.contains("10 meldinger kunne ikke arkivere")
            && t.contains("not found")),
        "{:?}",
        app.status
    );

    // `z`: one effect puts back the 240, each with its labels before.
    app.inbox.marked.clear();
    let effects = update(&mut app, key(KeyCode::Char('z')));
    let [Effect::PutBack { request, targets }] = effects.as_slice() else {
        panic!("one effect for the undo, got {effects:?}");
    };
    assert_eq!(targets.len(), 240);
    assert!(targets.contains(&("a1005".into(), Labels::shown(Folder::Inbox, true))));
    assert!(targets.contains(&("a1006".into(), Labels::shown(Folder::Inbox, false))));
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.starts_with("Angrer …")));
    let outcomes = targets
        .iter()
        .map(|(id, _)| Outcome::done(id, None, None))
        .collect();
    update(
        &mut app,
        Msg::PutBackDone {
            request: *request,
            outcomes,
        },
    );
    assert_eq!(app.inbox.messages.len(), 250, "all back in the inbox");
    let ids: Vec<String> = app
        .inbox
        .messages
        .iter()
        .map(|m| m.id.to_string())
        .collect();
    let expected: Vec<String> = (0..250).map(|i| summary(i).id.to_string()).collect();
    assert_eq!(ids, expected, "in their places");
    assert!(app.inbox.messages[5].marked_unread, "still marked unread");
    assert!(!app.inbox.messages[6].marked_unread);
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("Angret: 240 meldinger")),
        "{:?}",
        app.status
    );
    assert!(update(&mut app, key(KeyCode::Char('z'))).is_empty());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t == "Ingenting å angre."));
}

/// `z` with nothing done says so; an undo that partly fails keeps the rest for the next
/// `z`; a bulk change of labels in the trash bin puts rows back there.
#[test]
fn z_with_nothing_to_undo_says_so_and_a_failed_undo_waits_for_the_next() {
    use innboks::domain::{Capabilities, Folder, Labels, MessageAction, Outcome};
    let mut app = logged_in();
    assert!(update(&mut app, key(KeyCode::Char('z'))).is_empty());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t == "Ingenting å angre."));

    app.settings.capabilities = Capabilities::altinn3();
    app.folder = Folder::Trash;
    let (request, targets) = one_bulk(&mut app, 'u');
    assert_eq!(targets.len(), 50);
    let outcomes = targets
        .iter()
        .map(|t| Outcome::done(&t.id, None, Some(t.shown)))
        .collect();
    update(
        &mut app,
        Msg::BulkDone {
            request,
            action: MessageAction::Restore,
            outcomes,
        },
    );
    assert!(app.inbox.messages.is_empty(), "out of the trash bin");
    let effects = update(&mut app, key(KeyCode::Char('z')));
    let [Effect::PutBack { request, targets }] = effects.as_slice() else {
        panic!("undo expected, got {effects:?}");
    };
    assert!(targets
        .iter()
        .all(|(_, labels)| *labels == Labels::shown(Folder::Trash, false)));
    let outcomes = targets
        .iter()
        .enumerate()
        .map(|(i, (id, _))| {
            if i < 45 {
                Outcome::done(id, None, None)
            } else {
                Outcome::failed(
                    id,
                    ApiError::Network {
                        detail: "timeout".into(),
                    },
                )
            }
        })
        .collect();
    update(
        &mut app,
        Msg::PutBackDone {
            request: *request,
            outcomes,
        },
    );
    assert_eq!(app.inbox.messages.len(), 45, "back in the trash bin");
    assert!(
        matches!(&app.status, Some(Status::Error(t)) if t.contains("5 meldinger kunne ikke settes tilbake") && t.contains("z prøver igjen")),
        "{:?}",
        app.status
    );
    let effects = update(&mut app, key(KeyCode::Char('z')));
    let [Effect::PutBack { targets, .. }] = effects.as_slice() else {
        panic!("the rest again, got {effects:?}");
    };
    assert_eq!(targets.len(), 5);
}

/// A bulk verb that is not a folder change (confirm) is one effect too, and leaves nothing
/// to undo.
#[test]
fn a_bulk_confirm_is_one_effect_and_nothing_to_undo() {
    use innboks::domain::{MessageAction, Outcome};
    let mut first = page(0..60, false);
    for m in &mut first.messages {
        m.requires_confirmation = true;
    }
    let mut app = logged_in_over(first);
    let (request, targets) = one_bulk(&mut app, 'c');
    assert_eq!(targets.len(), 60);
    let outcomes = targets
        .iter()
        .map(|t| Outcome::done(&t.id, None, None))
        .collect();
    update(
        &mut app,
        Msg::BulkDone {
            request,
            action: MessageAction::Confirm,
            outcomes,
        },
    );
    assert!(app.inbox.messages.iter().all(|m| !m.requires_confirmation));
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t == "60 meldinger: mottak bekreftet."),
        "{:?}",
        app.status
    );
    assert!(update(&mut app, key(KeyCode::Char('z'))).is_empty());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t == "Ingenting å angre."));
}

/// The touches a batch of effects notes on the desk, with whose desk it is.
fn desk_touches(effects: &[Effect]) -> Option<(String, Vec<(String, innboks::domain::DeskTouch)>)> {
    effects.iter().find_map(|e| match e {
        Effect::TouchDesk { scope, touches } => Some((scope.user.clone(), touches.clone())),
        _ => None,
    })
}

/// What a verb did is noted on the desk at once (a label change or a read does not move
/// `updatedAt`, so the desk sync would not see it for hours): one action, a bulk change, and
/// `z` putting the folders back; nothing without a desk (no cache).
#[test]
fn the_verbs_note_on_the_desk_what_they_did() {
    use innboks::domain::{Capabilities, DeskTouch, Folder, MessageAction, Outcome};
    let mut app = logged_in_over(page(0..20, false));
    app.settings.capabilities = Capabilities::altinn3();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());

    let effects = update(&mut app, key(KeyCode::Char('a')));
    let Some(Effect::Act {
        request,
        id,
        action: MessageAction::Archive,
        ..
    }) = effects.first().cloned()
    else {
        panic!("archive expected, got {effects:?}");
    };
    let effects = update(
        &mut app,
        Msg::ActionDone {
            request,
            id: id.clone(),
            action: MessageAction::Archive,
            new_id: None,
        },
    );
    assert_eq!(
        desk_touches(&effects),
        Some((
            "u".into(),
            vec![(id, DeskTouch::of(MessageAction::Archive))]
        ))
    );

    let (request, targets) = one_bulk(&mut app, 'a');
    assert_eq!(targets.len(), 19);
    let outcomes = (targets.iter())
        .map(|t| Outcome::done(&t.id, None, Some(t.shown)))
        .collect();
    let effects = update(
        &mut app,
        Msg::BulkDone {
            request,
            action: MessageAction::Archive,
            outcomes,
        },
    );
    let (_, touches) = desk_touches(&effects).expect("the bulk change noted");
    let ids: Vec<&String> = touches.iter().map(|(id, _)| id).collect();
    let expected: Vec<&String> = targets.iter().map(|t| &t.id).collect();
    assert_eq!(ids, expected);
    assert!(touches
        .iter()
        .all(|(_, t)| *t == DeskTouch::of(MessageAction::Archive)));

    let effects = update(&mut app, key(KeyCode::Char('z')));
    let [Effect::PutBack { request, targets }] = effects.as_slice() else {
        panic!("one effect for the undo, got {effects:?}");
    };
    let outcomes = (targets.iter())
        .map(|(id, _)| Outcome::done(id, None, None))
        .collect();
    let effects = update(
        &mut app,
        Msg::PutBackDone {
            request: *request,
            outcomes,
        },
    );
    let (_, touches) = desk_touches(&effects).expect("the undo noted");
    assert_eq!(touches.len(), 19);
    assert!(touches.iter().all(|(_, t)| *t
        == DeskTouch {
            folder: Some(Folder::Inbox),
            ..DeskTouch::default()
        }));

    app.settings.cache_enabled = false;
    let effects = update(&mut app, key(KeyCode::Char('a')));
    let Some(Effect::Act {
        request,
        id,
        action,
        ..
    }) = effects.first().cloned()
    else {
        panic!("a verb expected, got {effects:?}");
    };
    let effects = update(
        &mut app,
        Msg::ActionDone {
            request,
            id,
            action,
            new_id: None,
        },
    );
    assert_eq!(desk_touches(&effects), None, "no desk without the cache");
}
