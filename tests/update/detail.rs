//! The detail pane: opening, previews, scrolling, links, the history, the mouse.

use super::harness::*;

#[test]
fn open_marks_read_and_the_list_shows_it() {
    let mut app = logged_in();
    assert!(app.inbox.messages[0].is_unread());
    let effects = update(&mut app, key(KeyCode::Enter));
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::FetchMessage {
                request,
                mark_as_read: true,
                debounce: false,
                ..
            } => Some(*request),
            _ => None,
        })
        .expect("an explicit open marks read");
    assert_eq!(app.focus, Focus::Detail);
    update(
        &mut app,
        Msg::MessageLoaded {
            request,
            message: Box::new(message(0)),
            marked_read: true,
        },
    );
    assert_eq!(app.inbox.messages[0].status, MessageStatus::Read);
    assert_eq!(
        app.detail_message().map(|m| m.summary.status.clone()),
        Some(MessageStatus::Read)
    );
    update(&mut app, key(KeyCode::Char('q')));
    assert_eq!(app.focus, Focus::List, "q in the detail goes back");
    assert!(!app.should_quit);
    update(&mut app, key(KeyCode::Char('q')));
    assert!(app.should_quit, "q at the top level quits");
}

#[test]
fn preview_toggle_and_tab_focus() {
    let mut app = logged_in();
    assert!(app.layout().detail.is_some());
    update(&mut app, key(KeyCode::Char('p')));
    assert!(app.layout().detail.is_none());
    let effects = update(&mut app, key(KeyCode::Char('j')));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::FetchMessage { .. })),
        "no preview fetch when hidden"
    );
    update(&mut app, key(KeyCode::Char('p')));
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Detail);
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::List);
}

#[test]
fn holding_j_asks_for_debounced_previews_only() {
    let mut app = logged_in();
    for _ in 0..30 {
        for effect in update(&mut app, key(KeyCode::Char('j'))) {
            if let Effect::FetchMessage {
                mark_as_read,
                debounce,
                ..
            } = effect
            {
                assert!(!mark_as_read, "moving never marks read");
                assert!(debounce, "previews wait for the cursor to stop");
            }
        }
    }
}

#[test]
fn a_late_preview_does_not_undo_an_open() {
    let mut app = logged_in();
    let open = update(&mut app, key(KeyCode::Enter));
    let Some(Effect::FetchMessage { request, .. }) = open.last() else {
        panic!("open fetch expected");
    };
    update(
        &mut app,
        Msg::MessageLoaded {
            request: *request,
            message: Box::new(message(0)),
            marked_read: true,
        },
    );
    update(
        &mut app,
        Msg::MessageLoaded {
            request: 1,
            message: Box::new(message(0)),
            marked_read: false,
        },
    );
    assert_eq!(app.inbox.messages[0].status, MessageStatus::Read);
    assert_eq!(
        app.detail_message().map(|m| m.summary.status.clone()),
        Some(MessageStatus::Read)
    );
}

#[test]
fn g_and_big_g_scroll_the_opened_message_to_its_ends() {
    let mut app = logged_in();
    let mut long = message(0);
    long.body = (0..200)
        .map(|i| format!("linje {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    app.bodies.insert("a1000".into(), long);
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Detail);
    update(&mut app, key(KeyCode::Char('G')));
    assert!(
        app.detail.scroll > 100,
        "G goes to the end, got {}",
        app.detail.scroll
    );
    update(&mut app, key(KeyCode::Char('g')));
    assert_eq!(app.detail.scroll, 0);
}

#[test]
fn capital_y_copies_a_chosen_link_from_the_body() {
    let mut app = logged_in();
    let mut with_links = message(0);
    with_links.links = vec![
        "https://www.skatteetaten.no/".into(),
        "mailto:post@skatteetaten.no".into(),
    ];
    app.bodies.insert("a1000".into(), with_links);
    app.detail.id = Some("a1000".into());
    assert!(update(&mut app, key(KeyCode::Char('Y'))).is_empty());
    assert_eq!(app.link_choice(), Some(0));
    update(&mut app, key(KeyCode::Char('j')));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::CopyToClipboard(
            "mailto:post@skatteetaten.no".into()
        )]
    );
    assert!(app.link_choice().is_none());
    // A digit picks that link at once.
    update(&mut app, key(KeyCode::Char('Y')));
    let effects = update(&mut app, key(KeyCode::Char('1')));
    assert_eq!(
        effects,
        vec![Effect::CopyToClipboard(
            "https://www.skatteetaten.no/".into()
        )]
    );
    // No links: said in words.
    app.bodies.insert("a1000".into(), message(0));
    assert!(update(&mut app, key(KeyCode::Char('Y'))).is_empty());
    assert!(app.link_choice().is_none());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("ingen lenker")));
}

fn mouse(kind: crossterm::event::MouseEventKind, column: u16, row: u16) -> Msg {
    Msg::Mouse(crossterm::event::MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

#[test]
fn the_mouse_selects_opens_and_scrolls_only_when_the_setting_is_on() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let mut app = logged_in();
    let list = app.layout().list.expect("a list pane");
    // Off by default: nothing happens.
    update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 5, list.y + 3),
    );
    assert_eq!(app.inbox.selected, 0);

    app.settings.mouse = true;
    update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 5, list.y + 3),
    );
    assert_eq!(app.inbox.selected, 2, "the third row (inside the border)");
    let effects = update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 5, list.y + 3),
    );
    assert!(app.detail.open, "a click on the selected row opens it");
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::FetchMessage {
            mark_as_read: true,
            ..
        }
    )));
    update(&mut app, key(KeyCode::Esc));

    update(&mut app, mouse(MouseEventKind::ScrollDown, 5, list.y + 3));
    assert_eq!(app.inbox.selected, 5, "the wheel moves three rows");
    update(&mut app, mouse(MouseEventKind::ScrollUp, 5, list.y + 3));
    assert_eq!(app.inbox.selected, 2);
    // A click on the border or past the last row does nothing.
    update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 5, list.y),
    );
    assert_eq!(app.inbox.selected, 2);
    // Under an overlay the mouse is ignored.
    update(&mut app, key(KeyCode::Char('?')));
    update(&mut app, mouse(MouseEventKind::ScrollDown, 5, list.y + 3));
    assert_eq!(app.inbox.selected, 2);
}

/// `H` shows the history the open fetched, and again shows the text; where there is none,
/// the status line says why (Altinn 2 has none; an Altinn 3 preview has not opened it yet).
#[test]
fn capital_h_toggles_the_history_and_says_why_there_is_none() {
    use innboks::domain::{Capabilities, HistoryEntry};
    let mut app = logged_in();
    app.bodies.insert("a1000".into(), message(0));
    app.detail.id = Some("a1000".into());
    assert!(update(&mut app, key(KeyCode::Char('H'))).is_empty());
    assert!(!app.detail.history);
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("Altinn 2 gir ingen historikk")),
        "{:?}",
        app.status
    );
    app.settings.capabilities = Capabilities::altinn3();
    update(&mut app, key(KeyCode::Char('H')));
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("når meldingen åpnes")),
        "{:?}",
        app.status
    );
    let mut opened = message(0);
    opened.history = vec![HistoryEntry {
        at: None,
        what: "Opprettet".into(),
        by: Some("Skatteetaten".into()),
    }];
    app.bodies.insert("a1000".into(), opened);
    app.opened.insert("a1000".into());
    update(&mut app, key(KeyCode::Char('H')));
    assert!(app.detail.history, "shown");
    update(&mut app, key(KeyCode::Char('H')));
    assert!(!app.detail.history, "and the text again");
}
