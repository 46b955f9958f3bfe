//! The desk in the inbox: its sync on the tick, the agenda in the list (`A`, `:agenda`) and
//! the board overlay (`B`, `:board`).

use super::harness::*;
use innboks::app::Overlay;
use innboks::domain::{
    AgendaGroup, AgendaRow, BoardRow, Capabilities, DeskItem, Folder, Party, PartyKind,
};

fn party(i: usize) -> Party {
    Party {
        id: format!("urn:altinn:organization:identifier-no:9{i:08}"),
        name: format!("KLIENT {i} AS"),
        kind: PartyKind::Organisation,
        organisation_number: Some(format!("9{i:08}")),
    }
}

/// An Altinn 3 app with the cache, a known user and three parties.
fn desk_app() -> App {
    let mut app = logged_in();
    app.settings.capabilities = Capabilities::altinn3();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    update(&mut app, Msg::ReporteesLoaded((0..3).map(party).collect()));
    app
}

fn agenda_row(i: usize, group: AgendaGroup) -> AgendaRow {
    let mut summary = summary(i);
    summary.owner = Some((party(i % 3).id).into());
    summary.due = match group {
        AgendaGroup::NoDate => None,
        AgendaGroup::Overdue => Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).single(),
        AgendaGroup::ThisWeek => Utc.with_ymd_and_hms(2026, 12, 8, 12, 0, 0).single(),
        AgendaGroup::Later => Utc.with_ymd_and_hms(2026, 12, 18, 12, 0, 0).single(),
    }
    .map(innboks::domain::Stamp::from);
    AgendaRow {
        group,
        item: DeskItem {
            summary,
            folder: Folder::Inbox,
            requires_attention: group == AgendaGroup::NoDate,
            completed: false,
            pending: true,
            expires: None,
            updated: None,
        },
    }
}

fn agenda_rows() -> Vec<AgendaRow> {
    vec![
        agenda_row(1, AgendaGroup::Overdue),
        agenda_row(2, AgendaGroup::Overdue),
        agenda_row(3, AgendaGroup::ThisWeek),
        agenda_row(4, AgendaGroup::Later),
        agenda_row(5, AgendaGroup::NoDate),
    ]
}

/// The request of the one `LoadAgenda` among `effects`, and its days.
fn load_agenda(effects: &[Effect]) -> (u64, i64) {
    let loads: Vec<(u64, i64)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadAgenda {
                request,
                days,
                scope,
            } if scope.user == "u" => Some((*request, *days)),
            _ => None,
        })
        .collect();
    assert_eq!(loads.len(), 1, "{effects:?}");
    loads[0]
}

fn syncs(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::SyncDesk { parties, .. } if parties.len() == 3))
        .count()
}

#[test]
fn the_desk_syncs_on_the_tick_once_at_a_time_and_again_after_five_minutes() {
    let mut app = desk_app();
    let start = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
    assert_eq!(syncs(&update(&mut app, Msg::Tick(start))), 1);
    // One at a time.
    assert_eq!(syncs(&update(&mut app, Msg::Tick(start))), 0);
    let ended = Utc
        .with_ymd_and_hms(2027, 1, 15, 8, 0, 0)
        .single()
        .expect("a date");
    update(&mut app, Msg::DeskSynced(Ok(ended)));
    assert_eq!(app.desk.synced_at, Some(ended));
    let later = start + std::time::Duration::from_secs(299);
    assert_eq!(syncs(&update(&mut app, Msg::Tick(later))), 0);
    let later = start + std::time::Duration::from_secs(300);
    assert_eq!(syncs(&update(&mut app, Msg::Tick(later))), 1);
}

#[test]
fn the_desk_is_altinn3_only_and_says_so() {
    let mut app = logged_in();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    let effects = update(&mut app, key(KeyCode::Char('A')));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(
        matches!(&app.status, Some(Status::Info(s)) if s.contains("Altinn 3")),
        "{:?}",
        app.status
    );
    let effects = update(&mut app, key(KeyCode::Char('B')));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(app.overlay.is_none());
}

#[test]
fn a_shows_the_agenda_soonest_first_across_every_party_and_enter_opens_in_its_own_inbox() {
    let mut app = desk_app();
    let effects = update(&mut app, key(KeyCode::Char('A')));
    let (request, days) = load_agenda(&effects);
    assert_eq!(days, 14);
    assert_eq!(
        syncs(&effects),
        1,
        "the first agenda brings the desk up to date"
    );
    // An answer to another request is dropped.
    update(
        &mut app,
        Msg::AgendaLoaded {
            request: request + 100,
            rows: agenda_rows(),
            synced_at: None,
        },
    );
    assert!(app.desk.agenda.is_none());
    update(
        &mut app,
        Msg::AgendaLoaded {
            request,
            rows: agenda_rows(),
            synced_at: None,
        },
    );
    let agenda = app.desk.agenda.as_ref().expect("the agenda is shown");
    assert_eq!(agenda.counts(&app.inbox.messages), [2, 1, 1, 1]);
    assert_eq!(agenda.group("a1003"), Some(AgendaGroup::ThisWeek));
    assert!(app.whose.is_all());
    let ids: Vec<&str> = app.inbox.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a1001", "a1002", "a1003", "a1004", "a1005"]);
    // Enter on the third opens it in its party's inbox, marked read as an explicit open.
    update(&mut app, key(KeyCode::Char('j')));
    update(&mut app, key(KeyCode::Char('j')));
    let effects = update(&mut app, key(KeyCode::Enter));
    let opened: Vec<(&Inbox, &str, bool)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchMessage {
                inbox,
                id,
                mark_as_read,
                ..
            } => Some((inbox, id.as_str(), *mark_as_read)),
            _ => None,
        })
        .collect();
    assert_eq!(
        opened,
        [(&Inbox::Party(party(0).id), "a1003", true)],
        "{effects:?}"
    );
}

#[test]
fn the_agenda_takes_days_keeps_its_cursor_on_reload_and_inbox_leaves_it() {
    let mut app = desk_app();
    type_text(&mut app, ":agenda 30");
    let (request, days) = load_agenda(&update(&mut app, key(KeyCode::Enter)));
    assert_eq!(days, 30);
    update(
        &mut app,
        Msg::AgendaLoaded {
            request,
            rows: agenda_rows(),
            synced_at: None,
        },
    );
    assert_eq!(app.desk.agenda.as_ref().map(|a| a.days), Some(30));
    update(&mut app, key(KeyCode::Char('G')));
    assert_eq!(
        app.inbox.selected_message().map(|m| m.id.as_str()),
        Some("a1005")
    );
    // A sync that ends reads the agenda again, for the same days; the cursor stays on its row
    // though a new row comes first.
    let ended = Utc
        .with_ymd_and_hms(2027, 1, 15, 8, 0, 0)
        .single()
        .expect("a date");
    let (request, days) = load_agenda(&update(&mut app, Msg::DeskSynced(Ok(ended))));
    assert_eq!(days, 30);
    let mut rows = agenda_rows();
    rows.insert(0, agenda_row(9, AgendaGroup::Overdue));
    update(
        &mut app,
        Msg::AgendaLoaded {
            request,
            rows,
            synced_at: None,
        },
    );
    assert_eq!(app.inbox.messages.len(), 6);
    assert_eq!(
        app.inbox.selected_message().map(|m| m.id.as_str()),
        Some("a1005")
    );
    // Not a number: the line stays open as typed and says why; the agenda stays.
    type_text(&mut app, ":agenda soon");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadAgenda { .. })),
        "{effects:?}"
    );
    assert!(
        matches!(&app.overlay, Some(Overlay::Command(line))
            if line.text.value() == "agenda soon" && line.error.as_deref().is_some_and(|e| e.contains(":agenda 30"))),
        "{:?}",
        app.overlay
    );
    assert!(app.desk.agenda.is_some());
    update(&mut app, key(KeyCode::Esc));
    type_text(&mut app, ":inbox");
    update(&mut app, key(KeyCode::Enter));
    assert!(app.desk.agenda.is_none(), "the inbox is not the agenda");
}

fn board_row(i: usize, overdue: usize, attention: usize, unread: usize) -> BoardRow {
    let p = party(i);
    BoardRow {
        party: p.id,
        name: p.name,
        organisation_number: p.organisation_number,
        unread,
        requires_attention: attention,
        overdue,
        ..BoardRow::default()
    }
}

#[test]
fn b_shows_the_board_most_urgent_first_filters_as_you_type_and_enter_opens_that_party() {
    let mut app = desk_app();
    let effects = update(&mut app, key(KeyCode::Char('B')));
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadBoard { request, scope } if scope.user == "u" => Some(*request),
            _ => None,
        })
        .expect("the board is read from the desk");
    assert!(matches!(&app.overlay, Some(Overlay::Board(b)) if b.loading));
    update(
        &mut app,
        Msg::BoardLoaded {
            request,
            rows: vec![
                board_row(0, 0, 0, 4),
                board_row(1, 0, 2, 0),
                board_row(2, 1, 0, 0),
            ],
            synced_at: None,
        },
    );
    let Some(Overlay::Board(board)) = &app.overlay else {
        panic!("the board is open");
    };
    assert!(!board.loading);
    let order: Vec<&str> = board.matches().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(order, ["KLIENT 2 AS", "KLIENT 1 AS", "KLIENT 0 AS"]);
    // Typing filters by name or organisation number; Enter shows that party's inbox.
    type_text(&mut app, "900000000");
    let Some(Overlay::Board(board)) = &app.overlay else {
        panic!("the board is open");
    };
    let order: Vec<&str> = board.matches().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(order, ["KLIENT 0 AS"]);
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(app.overlay.is_none());
    assert_eq!(app.whose, Inbox::Party(party(0).id));
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::FetchPage { inbox, .. } if *inbox == Inbox::Party(party(0).id))
        ),
        "{effects:?}"
    );
}

#[test]
fn esc_closes_the_board_and_a_late_answer_does_not_open_it() {
    let mut app = desk_app();
    type_text(&mut app, ":board");
    let effects = update(&mut app, key(KeyCode::Enter));
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadBoard { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the board is read from the desk");
    update(&mut app, key(KeyCode::Esc));
    assert!(app.overlay.is_none());
    update(
        &mut app,
        Msg::BoardLoaded {
            request,
            rows: vec![board_row(0, 1, 0, 0)],
            synced_at: None,
        },
    );
    assert!(app.overlay.is_none());
}

#[test]
fn the_desk_asks_for_the_parties_first_when_the_inbox_had_no_need_of_them() {
    let mut app = logged_in();
    app.settings.capabilities = Capabilities::altinn3();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    let effects = update(&mut app, key(KeyCode::Char('A')));
    load_agenda(&effects);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::FetchReportees { .. })),
        "{effects:?}"
    );
    assert_eq!(syncs(&effects), 0, "no sync without the parties");
    // Not asked twice while waiting.
    let effects = update(&mut app, key(KeyCode::Char('r')));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::FetchReportees { .. })),
        "{effects:?}"
    );
    let effects = update(&mut app, Msg::ReporteesLoaded((0..3).map(party).collect()));
    assert_eq!(syncs(&effects), 1, "{effects:?}");
    assert!(app.desk.syncing);
}

/// The desk's touches among `effects`: (id, folder, unread, gone).
fn touches(effects: &[Effect]) -> Vec<(String, Option<Folder>, Option<bool>, bool)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::TouchDesk { scope, touches } if scope.user == "u" => Some(touches),
            _ => None,
        })
        .flatten()
        .map(|(id, t)| (id.clone(), t.folder, t.unread, t.gone))
        .collect()
}

#[test]
fn what_is_done_in_the_agenda_is_noted_on_the_desk_and_leaves_its_count() {
    let mut app = desk_app();
    let (request, _) = load_agenda(&update(&mut app, key(KeyCode::Char('A'))));
    update(
        &mut app,
        Msg::AgendaLoaded {
            request,
            rows: agenda_rows(),
            synced_at: None,
        },
    );
    let effects = update(&mut app, key(KeyCode::Char('a')));
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::Act {
                request,
                id,
                action: innboks::domain::MessageAction::Archive,
                ..
            } if id == "a1001" => Some(*request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("archived at once: {effects:?}"));
    let effects = update(
        &mut app,
        Msg::ActionDone {
            request,
            id: "a1001".into(),
            action: innboks::domain::MessageAction::Archive,
            new_id: None,
        },
    );
    assert_eq!(
        touches(&effects),
        [("a1001".to_owned(), Some(Folder::Archive), None, false)]
    );
    let agenda = app.desk.agenda.as_ref().expect("still the agenda");
    assert_eq!(agenda.counts(&app.inbox.messages), [1, 1, 1, 1]);
    // Many at once: each one done is noted; undo puts back each folder.
    update(&mut app, key(KeyCode::Char('*')));
    let effects = update(&mut app, key(KeyCode::Char('a')));
    let effects = if effects.is_empty() {
        update(&mut app, key(KeyCode::Char('y')))
    } else {
        effects
    };
    let (request, targets) = effects
        .iter()
        .find_map(|e| match e {
            Effect::ActMany {
                request, targets, ..
            } => Some((*request, targets.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a bulk archive: {effects:?}"));
    assert_eq!(targets.len(), 4);
    let outcomes = targets
        .iter()
        .map(|t| innboks::domain::Outcome {
            id: t.id.clone(),
            result: Ok(None),
            before: Some(t.shown),
        })
        .collect();
    let effects = update(
        &mut app,
        Msg::BulkDone {
            request,
            action: innboks::domain::MessageAction::Archive,
            outcomes,
        },
    );
    let noted = touches(&effects);
    assert_eq!(noted.len(), 4, "{effects:?}");
    assert!(noted
        .iter()
        .all(|(_, folder, _, _)| *folder == Some(Folder::Archive)));
    let effects = update(&mut app, key(KeyCode::Char('z')));
    let (request, back) = effects
        .iter()
        .find_map(|e| match e {
            Effect::PutBack { request, targets } => Some((*request, targets.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("undo: {effects:?}"));
    let outcomes = back
        .iter()
        .map(|(id, _)| innboks::domain::Outcome {
            id: id.clone(),
            result: Ok(None),
            before: None,
        })
        .collect();
    let effects = update(&mut app, Msg::PutBackDone { request, outcomes });
    let noted = touches(&effects);
    assert_eq!(noted.len(), 4, "{effects:?}");
    assert!(noted
        .iter()
        .all(|(_, folder, _, _)| *folder == Some(Folder::Inbox)));
}

#[test]
fn an_opened_dialog_is_seen_on_the_desk_with_when_altinn_deletes_it() {
    let mut app = desk_app();
    let mut opened = message(3);
    let expires = Utc.with_ymd_and_hms(2026, 12, 20, 12, 0, 0).single();
    opened.expires = expires;
    let effects = update(
        &mut app,
        Msg::MessageLoaded {
            request: 0,
            message: Box::new(opened),
            marked_read: true,
        },
    );
    let noted: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::TouchDesk { touches, .. } => Some(touches.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(noted.len(), 1, "{effects:?}");
    assert_eq!(noted[0].0, "a1003");
    assert_eq!(noted[0].1.unread, Some(false));
    assert_eq!(noted[0].1.expires, expires);
    // A preview from the cache tells nothing new.
    let effects = update(
        &mut app,
        Msg::MessageLoaded {
            request: 0,
            message: Box::new(message(4)),
            marked_read: false,
        },
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::TouchDesk { .. })),
        "{effects:?}"
    );
}
