//! The overlays: help, the switcher, the search, the command line, the keymap in them, text fields.

use super::harness::*;

#[test]
fn help_opens_and_closes_and_blocks_other_keys() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('?')));
    assert!(app.help_scroll().is_some());
    update(&mut app, key(KeyCode::Char('j')));
    assert_eq!(app.inbox.selected, 0);
    update(&mut app, key(KeyCode::Esc));
    assert!(app.help_scroll().is_none());
}

#[test]
fn reportee_switcher_filters_and_switches() {
    use innboks::domain::{Party, PartyKind};
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char('R')));
    assert_eq!(effects, vec![Effect::FetchReportees { cached: None }]);
    assert!(app.switcher().is_some_and(|s| s.loading));
    let party = |id: &str, name: &str, kind: PartyKind, org: Option<&str>| Party {
        id: id.into(),
        name: name.into(),
        kind,
        organisation_number: org.map(Into::into),
    };
    update(
        &mut app,
        Msg::ReporteesLoaded(vec![
            party("r1", "KARI NORDMANN", PartyKind::Person, None),
            party(
                "r2",
                "NORDMANN BYGG AS",
                PartyKind::Organisation,
                Some("912345678"),
            ),
            party(
                "r3",
                "NORDMANN BYGG AS AVD BERGEN",
                PartyKind::SubUnit,
                Some("973456789"),
            ),
        ]),
    );
    let matches = app.switcher_matches();
    assert_eq!(matches.len(), 4, "the merged view and the three parties");
    assert_eq!(matches[0], innboks::app::SwitcherEntry::All);
    type_text(&mut app, "9734");
    assert_eq!(app.switcher_matches().len(), 1, "filter by org number");
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    type_text(&mut app, "bygg");
    assert_eq!(app.switcher_matches().len(), 2);
    update(&mut app, key(KeyCode::Down));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(app.switcher().is_none());
    assert_eq!(app.whose, Inbox::Party("r3".into()));
    assert_eq!(
        app.reportee_name.as_deref(),
        Some("NORDMANN BYGG AS AVD BERGEN")
    );
    assert!(app.inbox.messages.is_empty(), "the list starts over");
    assert!(
        matches!(effects.as_slice(), [Effect::FetchPage { inbox, skip: 0, .. }] if inbox.key() == "r3")
    );

    update(&mut app, key(KeyCode::Char('R')));
    assert!(
        app.switcher().is_some_and(|s| !s.loading),
        "the list is kept"
    );
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.whose,
        Inbox::Party("r3".into()),
        "it opens on the current party"
    );
    assert_eq!(effects.len(), 1);
    update(&mut app, key(KeyCode::Char('R')));
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.whose, Inbox::Me, "the person's own inbox is `my`");
    assert_eq!(app.reportee_name, None);
    update(&mut app, key(KeyCode::Char('R')));
    update(&mut app, key(KeyCode::Esc));
    assert!(app.switcher().is_none());
}

#[test]
fn incremental_search_selects_the_best_match_and_n_moves() {
    let mut app = logged_in();
    app.inbox.messages[7].subject = "Skattemeldingen for 2025".into();
    app.inbox.messages[20].subject = "Skattemelding endret".into();
    update(&mut app, key(KeyCode::Char('/')));
    assert!(app.search.as_ref().is_some_and(|s| s.editing));
    type_text(&mut app, "skattemeld");
    let hits: Vec<usize> = app
        .search
        .as_ref()
        .map(|s| s.hits.iter().map(|h| h.index).collect())
        .unwrap_or_default();
    assert_eq!(hits, vec![7, 20]);
    assert!(
        [7, 20].contains(&app.inbox.selected),
        "the list follows the best match"
    );
    update(&mut app, key(KeyCode::Enter));
    assert!(
        app.search.as_ref().is_some_and(|s| !s.editing),
        "Enter keeps the matches"
    );
    update(&mut app, key(KeyCode::Char('g')));
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.inbox.selected, 7);
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.inbox.selected, 20);
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.inbox.selected, 7, "wraps");
    update(&mut app, key(KeyCode::Char('N')));
    assert_eq!(app.inbox.selected, 20);
    update(&mut app, key(KeyCode::Esc));
    assert!(app.search.is_none(), "Esc clears");
}

#[test]
fn the_command_line_keeps_a_mistyped_command_and_runs_a_good_one() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "trsh");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(effects.is_empty());
    let line = app.command_line().expect("still open");
    assert_eq!(line.text.value(), "trsh", "nothing lost");
    assert!(line.error.as_deref().is_some_and(|e| e.contains("trsh")));
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    type_text(&mut app, "ash");
    assert_eq!(app.command_line().map(|l| l.text.value()), Some("trash"));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(app.command_line().is_none());
    assert_eq!(app.folder, innboks::domain::Folder::Trash);
    assert!(matches!(
        effects.as_slice(),
        [Effect::FetchPage {
            folder: innboks::domain::Folder::Trash,
            skip: 0,
            ..
        }]
    ));

    // Filters from the command line; a bad date is refused in words.
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "since 2026-13-01");
    update(&mut app, key(KeyCode::Enter));
    assert!(app
        .command_line()
        .and_then(|l| l.error.as_deref())
        .is_some_and(|e| e.contains("dato")));
    update(&mut app, ctrl('u'));
    type_text(&mut app, "since 2026-01-01");
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Enter))).expect("reload");
    assert_eq!(
        filters.since,
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single()
    );
    // Esc closes the line without running it; so does Backspace on an empty line.
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "q");
    update(&mut app, key(KeyCode::Esc));
    assert!(app.command_line().is_none() && !app.should_quit);
    update(&mut app, key(KeyCode::Char(':')));
    update(&mut app, key(KeyCode::Backspace));
    assert!(app.command_line().is_none());
}

#[test]
fn the_help_overlay_scrolls_with_j_and_k_and_closes_at_the_top_again() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('?')));
    update(&mut app, key(KeyCode::Char('j')));
    update(&mut app, key(KeyCode::Char('j')));
    assert_eq!(app.help_scroll(), Some(2));
    assert_eq!(app.inbox.selected, 0, "the list did not move");
    update(&mut app, key(KeyCode::Char('k')));
    assert_eq!(app.help_scroll(), Some(1));
    update(&mut app, key(KeyCode::Esc));
    assert!(app.help_scroll().is_none(), "Esc closes it");
    update(&mut app, key(KeyCode::Char('?')));
    assert_eq!(app.help_scroll(), Some(0), "it opens at the top again");
}

#[test]
fn overlay_keys_go_through_the_keymap_so_they_can_be_rebound_and_help_lists_them() {
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert("filter_unread".to_owned(), vec!["U".to_owned()]);
    overrides.insert("yes".to_owned(), vec!["J".to_owned()]);
    let mut app = logged_in();
    app.settings.keymap = Keymap::with_overrides(&overrides).expect("valid overrides");
    update(&mut app, key(KeyCode::Char('f')));
    assert!(
        fetched_filters(&update(&mut app, key(KeyCode::Char('u')))).is_none(),
        "u is no longer bound in the menu"
    );
    let effects = update(&mut app, key(KeyCode::Char('U')));
    assert!(fetched_filters(&effects).expect("reload").unread, "U is");
    let (request, skip) = page_request(&effects).expect("the unread, from the server");
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip,
            page: page(0..3, false),
        },
    );
    update(&mut app, key(KeyCode::Esc));
    assert!(!app.filter_menu_open());

    // A question answers to the rebound yes, and y now says no.
    update(&mut app, key(KeyCode::Char('d')));
    assert!(app.question().is_some());
    assert!(update(&mut app, key(KeyCode::Char('y'))).is_empty());
    assert!(app.question().is_none(), "any other key says no");
    update(&mut app, key(KeyCode::Char('d')));
    let effects = update(&mut app, key(KeyCode::Char('J')));
    assert!(
        matches!(effects.as_slice(), [Effect::Act { .. }]),
        "{effects:?}"
    );

    let help = app.settings.keymap.help();
    let filter_menu = help
        .iter()
        .find(|(group, _)| *group == "Filtermenyen (f)")
        .expect("the help lists the filter menu's keys");
    assert!(filter_menu.1.contains(&("U".to_owned(), "bare uleste")));
}

#[test]
fn every_field_edits_the_same_way_word_delete_cursor_and_paste() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "sender skatt etaten");
    update(&mut app, ctrl('w'));
    let line = app.command_line().expect("open");
    assert_eq!(
        line.text.value(),
        "sender skatt ",
        "C-w deletes the word before the cursor"
    );
    update(&mut app, key(KeyCode::Home));
    update(&mut app, key(KeyCode::Delete));
    update(&mut app, Msg::Paste("S".into()));
    assert_eq!(
        app.command_line().map(|l| l.text.value()),
        Some("Sender skatt "),
        "a paste lands at the cursor"
    );
    update(&mut app, key(KeyCode::Esc));

    // The switcher's filter and the search prompt take the same keys.
    app.parties.set(vec![
        innboks::domain::Party {
            id: "r1".into(),
            name: "KARI NORDMANN".into(),
            kind: innboks::domain::PartyKind::Person,
            organisation_number: None,
        },
        innboks::domain::Party {
            id: "r2".into(),
            name: "NORDMANN BYGG AS".into(),
            kind: innboks::domain::PartyKind::Organisation,
            organisation_number: Some("910000001".into()),
        },
    ]);
    update(&mut app, key(KeyCode::Char('R')));
    type_text(&mut app, "bygg xx");
    update(&mut app, ctrl('w'));
    update(&mut app, ctrl('w'));
    assert_eq!(app.switcher().map(|s| s.filter.value()), Some(""));
    update(&mut app, Msg::Paste("bygg".into()));
    assert_eq!(app.switcher_matches().len(), 1, "the pasted filter applies");
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, key(KeyCode::Char('/')));
    type_text(&mut app, "Meldng");
    update(&mut app, key(KeyCode::Left));
    update(&mut app, key(KeyCode::Left));
    type_text(&mut app, "i");
    assert_eq!(
        app.search.as_ref().map(|s| s.query.value()),
        Some("Melding")
    );
}
