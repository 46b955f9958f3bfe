//! Filters: what goes to the server, what is applied to what is loaded, search at Altinn.

use super::harness::*;

#[test]
fn the_filter_menu_sends_altinns_filters_to_the_server_and_applies_the_rest_locally() {
    let mut app = logged_in();
    app.now = std::time::SystemTime::now();
    assert!(update(&mut app, key(KeyCode::Char('f'))).is_empty());
    assert!(app.filter_menu_open());

    // Unread: Altinn filters the whole mailbox, so the list loads again.
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('u')))).expect("reload");
    assert!(filters.unread);
    assert!(app.inbox.messages.is_empty(), "the list loads again");
    assert!(
        app.filter_menu_open(),
        "the menu stays open to combine filters"
    );

    // Type cycles letters → forms, and combines with unread.
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('t')))).expect("reload");
    assert_eq!(
        (filters.unread, filters.kind),
        (true, Some(MessageKind::Correspondence))
    );
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('t')))).expect("reload");
    assert_eq!(filters.kind, Some(MessageKind::FormTask));

    // Dates: last 7 days, then 30.
    let now = Utc::now();
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('d')))).expect("reload");
    let since = filters.since.expect("since");
    assert!(
        (now - since - chrono::Duration::days(7))
            .num_seconds()
            .abs()
            < 60
    );
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('d')))).expect("reload");
    let since = filters.since.expect("since");
    assert!(
        (now - since - chrono::Duration::days(30))
            .num_seconds()
            .abs()
            < 60
    );

    // x clears them all; Esc closes the menu.
    let filters = fetched_filters(&update(&mut app, key(KeyCode::Char('x')))).expect("reload");
    assert!(filters.is_empty());
    update(&mut app, key(KeyCode::Esc));
    assert!(!app.filter_menu_open());
}

#[test]
fn needs_confirmation_filters_only_what_is_loaded_and_says_so() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('j')));
    for i in [1, 7, 30] {
        app.inbox.messages[i].requires_confirmation = true;
    }
    update(&mut app, key(KeyCode::Char('f')));
    let effects = update(&mut app, key(KeyCode::Char('b')));
    assert!(
        fetched_filters(&effects).is_none(),
        "Altinn cannot filter on it: no reload"
    );
    assert!(app.filters.needs_confirmation);
    let shown: Vec<&str> = app.inbox.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(shown, ["a1001", "a1007", "a1030"]);
    assert_eq!(app.inbox.hidden.len(), 47);
    assert_eq!(
        app.inbox.selected_message().map(|m| m.id.as_str()),
        Some("a1001"),
        "selection kept"
    );
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("bare de lastede")),
        "the user is told it is local: {:?}",
        app.status
    );
    assert_eq!(app.inbox.filter_count(FilterKey::NeedsConfirmation), 3);
    assert_eq!(
        app.inbox.unread(),
        17,
        "unread counts cover hidden messages too"
    );

    // Pages that arrive later are filtered the same way.
    // Three rows do not fill the screen, so the next page was asked for at once.
    let (request, skip) = page_request(&effects).expect("the next page, to fill the screen");
    assert_eq!(skip, 50);
    let mut next = page(50..100, false);
    next.messages[0].requires_confirmation = true;
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip,
            page: next,
        },
    );
    assert_eq!(app.inbox.messages.len(), 4);
    assert_eq!(app.inbox.hidden.len(), 96);

    // Off again: everything is back, in order, nothing fetched.
    let effects = update(&mut app, key(KeyCode::Char('b')));
    assert!(fetched_filters(&effects).is_none());
    assert_eq!(app.inbox.messages.len(), 100);
    assert!(app.inbox.hidden.is_empty());
    let ids: Vec<usize> = app
        .inbox
        .messages
        .iter()
        .map(|m| m.id[1..].parse().unwrap_or(0))
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "server order kept");
}

#[test]
fn search_at_altinn_goes_to_the_server_on_altinn3_and_due_dates_sort() {
    use innboks::domain::Capabilities;
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "search skatt");
    update(&mut app, key(KeyCode::Enter));
    let line = app
        .command_line()
        .expect("refused on Altinn 2, the line kept");
    assert!(line
        .error
        .as_deref()
        .is_some_and(|e| e.contains("Altinn 3")));
    update(&mut app, key(KeyCode::Esc));
    app.settings.capabilities = Capabilities::altinn3();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "search skatt");
    let effects = update(&mut app, key(KeyCode::Enter));
    let filters = fetched_filters(&effects).expect("the list asks Altinn again");
    assert_eq!(filters.search.as_deref(), Some("skatt"));
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("Søk hos Altinn")));
    // What the search found is said as hits, not as new messages.
    let request = page_request(&effects).expect("a first page").0;
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..39, false),
        },
    );
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("39 treff på «skatt»")),
        "{:?}",
        app.status
    );
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "nosearch");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(fetched_filters(&effects).expect("again").search, None);

    // Due dates: soonest first, none last.
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "sort due");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.sort, innboks::app::SortOrder::Due);
}
