//! Saved searches: `:save NAME` asks for the view shown to be written, `'` and
//! `:searches` open the chooser and ask for its counts, and Enter there shows the search by
//! the steps `:for`, `:all` and `:me` take.

use super::harness::*;
use innboks::app::Overlay;
use innboks::domain::{
    Capabilities, Folder, Party, PartyKind, SavedSearch, SearchCounts, SearchParties,
};

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
        .single()
        .expect("a date")
}

fn command(app: &mut App, line: &str) -> Vec<Effect> {
    update(app, key(KeyCode::Char(':')));
    type_text(app, line);
    update(app, key(KeyCode::Enter))
}

fn saving(app: &App) -> App {
    let mut app = app.clone();
    app.settings.config_path = Some("/home/kari/.config/innboks/config.toml".into());
    app.now = at(2026, 12, 6).into();
    app
}

#[test]
fn save_asks_for_the_view_shown_to_be_written_and_says_how_it_went() {
    let mut app = saving(&logged_in());
    command(&mut app, "unread");
    command(&mut app, "sender Skatteetaten");
    command(&mut app, "since 2026-11-06");
    command(&mut app, "archive");
    let effects = command(&mut app, "save skatt");
    let expected = SavedSearch {
        name: "skatt".into(),
        filters: Filters {
            unread: true,
            sender: Some("Skatteetaten".into()),
            ..Filters::default()
        },
        // (30 and a half days back: rounded up, so the day it started on stays in.)
        days: Some(31),
        parties: SearchParties::Me,
        folder: Folder::Archive,
    };
    assert_eq!(
        effects,
        vec![Effect::SaveSearch {
            path: "/home/kari/.config/innboks/config.toml".into(),
            search: expected.clone(),
            overwrite: false,
        }]
    );
    assert!(app.overlay.is_none());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("Lagrer søket «skatt»")));
    // Written: the chooser knows it, and the status line says where to find it.
    let effects = update(
        &mut app,
        Msg::SearchSaved {
            result: Ok(expected.clone()),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(app.searches, vec![expected.clone()]);
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("Lagret søket «skatt»") && t.contains("'")),
        "{:?}",
        app.status
    );
    // The name is taken: nothing is asked, the line says so and how to overwrite.
    let effects = command(&mut app, "save skatt");
    assert!(effects.is_empty(), "{effects:?}");
    let line = app.command_line().expect("the line stays open");
    assert!(
        line.error
            .as_deref()
            .is_some_and(|e| e.contains(":save! skatt")),
        "{line:?}"
    );
    update(&mut app, key(KeyCode::Esc));
    let effects = command(&mut app, "save! skatt");
    assert!(
        matches!(&effects[..], [Effect::SaveSearch { overwrite: true, search, .. }] if search.name == "skatt"),
        "{effects:?}"
    );
    // The file could not take it: said as an error.
    update(
        &mut app,
        Msg::SearchSaved {
            result: Err("kan ikke skrive /x: nei".into()),
        },
    );
    assert_eq!(
        app.status,
        Some(Status::Error("kan ikke skrive /x: nei".into()))
    );
    assert_eq!(app.searches.len(), 1);
}

#[test]
fn save_refuses_what_a_saved_search_cannot_hold() {
    let mut app = saving(&logged_in());
    assert!(command(&mut app, "save").is_empty());
    assert!(app
        .command_line()
        .and_then(|l| l.error.as_deref())
        .is_some_and(|e| e.contains(":save NAVN")));
    update(&mut app, key(KeyCode::Esc));
    command(&mut app, "until 2026-11-30");
    assert!(command(&mut app, "save slutt").is_empty());
    assert!(app
        .command_line()
        .and_then(|l| l.error.as_deref())
        .is_some_and(|e| e.contains(":until")));
    update(&mut app, key(KeyCode::Esc));
    // The agenda is not a list a search could bring back.
    command(&mut app, "until");
    app.desk.agenda = Some(Default::default());
    assert!(command(&mut app, "save frister").is_empty());
    assert!(app
        .command_line()
        .and_then(|l| l.error.as_deref())
        .is_some_and(|e| e.contains("Agendaen")));
    update(&mut app, key(KeyCode::Esc));
    // Without a config file there is nowhere to write.
    let mut app = logged_in();
    assert!(command(&mut app, "save x").is_empty());
    assert!(app
        .command_line()
        .and_then(|l| l.error.as_deref())
        .is_some_and(|e| e.contains("konfigurasjonsfil")));
}

fn party(id: &str, number: Option<&str>, kind: PartyKind) -> Party {
    Party {
        id: id.into(),
        name: format!("PART {id}"),
        kind,
        organisation_number: number.map(str::to_owned),
    }
}

fn search(name: &str, parties: SearchParties) -> SavedSearch {
    SavedSearch {
        name: name.into(),
        filters: Filters::default(),
        days: None,
        parties,
        folder: Folder::Inbox,
    }
}

/// An Altinn 3 app with a desk (the cache, a user) and three parties: the user and two
/// companies; four saved searches.
fn on_the_desk() -> App {
    let mut app = logged_in();
    app.settings.capabilities = Capabilities::altinn3();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    app.now = at(2026, 12, 6).into();
    update(
        &mut app,
        Msg::ReporteesLoaded(vec![
            party("p1", None, PartyKind::Person),
            party("o2", Some("313367002"), PartyKind::Organisation),
            party("o3", Some("310000000"), PartyKind::Organisation),
        ]),
    );
    let mut skatt = search("skatt", SearchParties::Only(vec!["313367002".into()]));
    skatt.filters.sender = Some("Skatteetaten".into());
    skatt.filters.search = Some("mva".into());
    skatt.days = Some(30);
    skatt.folder = Folder::Archive;
    let mut alle = search("alle-uleste", SearchParties::All);
    alle.filters.unread = true;
    app.searches = vec![
        alle,
        search(
            "klienter",
            SearchParties::Only(vec!["o2".into(), "310000000".into()]),
        ),
        search("meg", SearchParties::Me),
        skatt,
    ];
    app
}

fn counts_request(effects: &[Effect]) -> Option<(u64, usize)> {
    effects.iter().find_map(|e| match e {
        Effect::LoadSearchCounts {
            request,
            searches,
            scope,
        } if scope.user == "u" => Some((*request, searches.len())),
        _ => None,
    })
}

fn fetched_inboxes(effects: &[Effect]) -> Vec<Inbox> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchPage { inbox, skip: 0, .. } => Some(inbox.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_key_opens_the_chooser_and_asks_the_desk_for_the_counts() {
    let mut app = on_the_desk();
    let effects = update(&mut app, key(KeyCode::Char('\'')));
    let (request, asked) = counts_request(&effects).expect("the counts are asked for");
    assert_eq!(asked, 4);
    let Some(Overlay::Searches(chooser)) = &app.overlay else {
        panic!("the chooser is open: {:?}", app.overlay);
    };
    assert!(chooser.loading);
    // A late answer to another request is dropped; this one's counts are shown.
    let counts = vec![(
        "skatt".to_owned(),
        SearchCounts {
            total: 12,
            unread: 3,
        },
    )];
    update(
        &mut app,
        Msg::SearchCountsLoaded {
            request: request + 100,
            counts: counts.clone(),
            synced_at: None,
        },
    );
    let Some(Overlay::Searches(chooser)) = &app.overlay else {
        panic!("open");
    };
    assert!(chooser.counts.is_none());
    update(
        &mut app,
        Msg::SearchCountsLoaded {
            request,
            counts,
            synced_at: Some(at(2026, 12, 6)),
        },
    );
    let Some(Overlay::Searches(chooser)) = &app.overlay else {
        panic!("open");
    };
    assert!(!chooser.loading);
    assert_eq!(
        chooser.counts_of("skatt"),
        Some(SearchCounts {
            total: 12,
            unread: 3
        })
    );
    // Typing filters; Esc closes.
    type_text(&mut app, "kli");
    let Some(Overlay::Searches(chooser)) = &app.overlay else {
        panic!("open");
    };
    assert_eq!(chooser.matches(&app.searches).len(), 1);
    update(&mut app, key(KeyCode::Esc));
    assert!(app.overlay.is_none());
    // `:searches` opens it too.
    let effects = command(&mut app, "searches");
    assert!(counts_request(&effects).is_some());
    assert!(matches!(app.overlay, Some(Overlay::Searches(_))));
}

#[test]
fn without_saved_searches_the_key_says_how_to_make_one() {
    let mut app = logged_in();
    assert!(update(&mut app, key(KeyCode::Char('\''))).is_empty());
    assert!(app.overlay.is_none());
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains(":save NAVN")));
    // Without a desk (Altinn 2 here) the chooser opens without counts.
    app.searches = vec![search("a", SearchParties::All)];
    let effects = update(&mut app, key(KeyCode::Char('\'')));
    assert!(counts_request(&effects).is_none(), "{effects:?}");
    let Some(Overlay::Searches(chooser)) = &app.overlay else {
        panic!("open");
    };
    assert!(!chooser.loading && chooser.counts.is_none());
}

#[test]
fn enter_shows_a_search_in_its_party_folder_and_filters() {
    let mut app = on_the_desk();
    update(&mut app, key(KeyCode::Char('\'')));
    type_text(&mut app, "skatt");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(app.overlay.is_none());
    assert_eq!(
        app.whose,
        Inbox::Party("o2".into()),
        "by its organisation number"
    );
    assert_eq!(app.folder, Folder::Archive);
    assert_eq!(fetched_inboxes(&effects), vec![Inbox::Party("o2".into())]);
    let filters = fetched_filters(&effects).expect("the list starts over");
    assert_eq!(filters.sender.as_deref(), Some("Skatteetaten"));
    assert_eq!(filters.search.as_deref(), Some("mva"));
    assert_eq!(
        filters.since,
        Some(at(2026, 12, 6) - chrono::Duration::days(30)),
        "30 days back from now"
    );
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("«skatt»")),
        "{:?}",
        app.status
    );

    // Several parties: «Alle» over those only, in one group (Altinn 3).
    update(&mut app, key(KeyCode::Char('\'')));
    type_text(&mut app, "klienter");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.whose, Inbox::All);
    assert_eq!(app.parties.only, Some(vec!["o2".into(), "o3".into()]));
    assert_eq!(app.folder, Folder::Inbox);
    assert!(app.filters.is_empty(), "{:?}", app.filters);
    match &fetched_inboxes(&effects)[..] {
        [Inbox::Group { parties, .. }] => assert_eq!(parties, &["o2", "o3"]),
        other => panic!("one group of the two: {other:?}"),
    }
    // Saving this view keeps the two parties.
    app.settings.config_path = Some("c.toml".into());
    let effects = command(&mut app, "save to");
    assert!(
        matches!(&effects[..], [Effect::SaveSearch { search, .. }]
            if search.parties == SearchParties::Only(vec!["313367002".into(), "310000000".into()])),
        "{effects:?}"
    );
    // `:all` is every party again.
    command(&mut app, "all");
    assert_eq!(app.parties.only, None);

    // Every party, unread.
    update(&mut app, key(KeyCode::Char('\'')));
    type_text(&mut app, "alle");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.whose, Inbox::All);
    assert!(app.filters.unread);
    match &fetched_inboxes(&effects)[..] {
        [Inbox::Group { parties, .. }] => assert_eq!(parties.len(), 3),
        other => panic!("one group of all three: {other:?}"),
    }

    // The own inbox.
    update(&mut app, key(KeyCode::Char('\'')));
    type_text(&mut app, "meg");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.whose, Inbox::Me);
    assert!(
        !app.filters.unread,
        "the search's filters, not the last ones"
    );
    assert_eq!(fetched_inboxes(&effects), vec![Inbox::Me]);
}

#[test]
fn a_search_for_parties_the_user_cannot_act_for_says_so() {
    let mut app = on_the_desk();
    app.searches = vec![search(
        "borte",
        SearchParties::Only(vec!["999999999".into()]),
    )];
    update(&mut app, key(KeyCode::Char('\'')));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(fetched_inboxes(&effects).is_empty());
    assert!(matches!(&app.status, Some(Status::Error(t)) if t.contains("«borte»")));
}
