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
    let archived: Vec<String> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Act {
                id,
                action: MessageAction::Archive,
                ..
            } => Some(id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(archived, vec!["a1000".to_owned(), "a1001".to_owned()]);
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
