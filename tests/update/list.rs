//! The list: moving, paging, refreshing, sorting, stale answers.

use super::harness::*;

#[test]
fn navigation_keys_move_and_clamp() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('j')));
    update(&mut app, key(KeyCode::Down));
    assert_eq!(app.inbox.selected, 2);
    update(&mut app, key(KeyCode::Char('k')));
    assert_eq!(app.inbox.selected, 1);
    update(&mut app, key(KeyCode::Char('g')));
    assert_eq!(app.inbox.selected, 0);
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.inbox.selected, 0, "clamped at the top");
    update(&mut app, ctrl('d'));
    let rows = app.layout().list_rows();
    assert_eq!(app.inbox.selected, rows / 2);
    update(&mut app, ctrl('u'));
    assert_eq!(app.inbox.selected, 0);
    update(&mut app, key(KeyCode::PageDown));
    assert_eq!(app.inbox.selected, rows);
    assert!(app.inbox.scroll > 0, "the window follows the selection");
    assert!(app.inbox.selected < app.inbox.scroll + rows);
    update(&mut app, key(KeyCode::PageUp));
    assert_eq!(app.inbox.selected, 0);
    assert_eq!(app.inbox.scroll, 0);
}

#[test]
fn nearing_the_end_fetches_the_next_page_once() {
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char('G')));
    assert_eq!(app.inbox.selected, 49);
    let (request, skip) = page_request(&effects).expect("next page");
    assert_eq!(skip, 50);
    assert!(
        page_request(&update(&mut app, key(KeyCode::Char('k')))).is_none(),
        "one request at a time"
    );
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip,
            page: page(50..70, false),
        },
    );
    assert_eq!(app.inbox.messages.len(), 70);
    assert!(app.inbox.exhausted());
    assert_eq!(app.inbox.selected, 48, "selection stays on its message");
    assert!(
        page_request(&update(&mut app, key(KeyCode::Char('G')))).is_none(),
        "no page after the last"
    );
}

#[test]
fn stale_results_are_dropped() {
    let mut app = logged_in();
    let before = app.inbox.messages.len();
    update(
        &mut app,
        Msg::PageLoaded {
            request: 999,
            skip: 50,
            page: page(50..100, true),
        },
    );
    assert_eq!(app.inbox.messages.len(), before);
    update(
        &mut app,
        Msg::MessageFailed {
            request: 999,
            error: ApiError::SessionExpired,
        },
    );
    assert_eq!(app.screen, Screen::Inbox);
}

#[test]
fn page_errors_show_and_r_retries_the_same_page() {
    let mut app = logged_in();
    let (request, skip) =
        page_request(&update(&mut app, key(KeyCode::Char('G')))).expect("next page");
    update(
        &mut app,
        Msg::PageFailed {
            request,
            skip,
            error: ApiError::Server {
                status: 503,
                reason: "Service Unavailable".into(),
            },
        },
    );
    assert!(matches!(&app.status, Some(Status::Error(e)) if e.contains("503")));
    assert_eq!(app.inbox.messages.len(), 50, "what was loaded stays");
    assert_eq!(app.inbox.selected, 49);
    assert!(
        page_request(&update(&mut app, key(KeyCode::Char('k')))).is_none(),
        "no automatic retry storm"
    );
    let (_, retry_skip) = page_request(&update(&mut app, key(KeyCode::Char('r')))).expect("retry");
    assert_eq!(retry_skip, 50);
}

#[test]
fn refresh_puts_new_messages_on_top_and_keeps_the_selection() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('j')));
    let selected = app.inbox.selected_message().map(|m| m.id.to_string());
    let (request, _) = page_request(&update(&mut app, key(KeyCode::Char('r')))).expect("refresh");
    let mut fresh = page(0..50, true);
    fresh.messages.insert(0, summary(500));
    fresh.messages.pop();
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: fresh,
        },
    );
    assert_eq!(app.inbox.messages.len(), 51);
    assert_eq!(app.inbox.messages[0].id, "a1500");
    assert_eq!(
        app.inbox.selected_message().map(|m| m.id.to_string()),
        selected
    );
    assert_eq!(
        app.inbox.sources[0].next_skip, 51,
        "server offsets shifted by the new arrival"
    );
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("1 ny")));
}

#[test]
fn resizing_to_tiny_sizes_keeps_the_selection_valid() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('G')));
    for (w, h) in [(60, 15), (20, 5), (1, 1), (0, 0), (200, 60)] {
        update(
            &mut app,
            Msg::Resize {
                width: w,
                height: h,
            },
        );
        assert!(app.inbox.selected < app.inbox.messages.len());
        assert!(app.inbox.scroll <= app.inbox.selected);
    }
}

#[test]
fn a_server_next_link_is_used_for_the_next_page() {
    let mut app = logged_in();
    // As if the first page had come with a `next` link (Altinn 2 sends none; a server may).
    app.inbox.sources[0].next_link = Some("/api/my/messages?cursor=abc".into());
    let effects = update(&mut app, key(KeyCode::Char('G')));
    let pages: Vec<&Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::FetchPage { .. }))
        .collect();
    assert_eq!(
        pages.len(),
        1,
        "a page behind a link cannot be fetched ahead"
    );
    let Effect::FetchPage {
        request,
        skip,
        link,
        ..
    } = pages[0]
    else {
        unreachable!()
    };
    assert_eq!(
        (*skip, link.as_deref()),
        (50, Some("/api/my/messages?cursor=abc"))
    );
    let mut second = page(50..100, true);
    second.next = Some("/api/my/messages?cursor=xyz".into());
    update(
        &mut app,
        Msg::PageLoaded {
            request: *request,
            skip: *skip,
            page: second,
        },
    );
    let effects = update(&mut app, key(KeyCode::Char('G')));
    assert!(effects.iter().any(|e| matches!(e,
        Effect::FetchPage { skip: 100, link: Some(link), .. } if link == "/api/my/messages?cursor=xyz")));
}

#[test]
fn sort_cycles_and_keeps_the_selection() {
    let mut app = logged_in();
    for (i, m) in app.inbox.messages.iter_mut().enumerate() {
        m.last_changed = (Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .map(|d| d + chrono::Duration::days(50 - i as i64)))
        .map(innboks::domain::Stamp::from);
        m.service_owner = if i % 2 == 0 {
            "NAV".into()
        } else {
            "Brønnøysundregistrene".into()
        };
    }
    update(&mut app, key(KeyCode::Char('j')));
    let selected = app.inbox.selected_message().map(|m| m.id.to_string());
    update(&mut app, key(KeyCode::Char('s')));
    assert_eq!(app.sort, innboks::app::SortOrder::OldestFirst);
    assert!(app
        .inbox
        .messages
        .windows(2)
        .all(|w| w[0].last_changed <= w[1].last_changed));
    assert_eq!(
        app.inbox.selected_message().map(|m| m.id.to_string()),
        selected,
        "the same message stays selected"
    );
    update(&mut app, key(KeyCode::Char('s')));
    assert_eq!(app.inbox.messages[0].service_owner, "Brønnøysundregistrene");
    update(&mut app, key(KeyCode::Char('s')));
    assert!(app.inbox.messages[0].is_unread(), "unread first");
    update(&mut app, key(KeyCode::Char('s')));
    assert_eq!(app.sort, innboks::app::SortOrder::Due, "then by due date");
    assert!(app
        .inbox
        .messages
        .windows(2)
        .all(|w| (w[0].due.is_none(), w[0].due) <= (w[1].due.is_none(), w[1].due)));
    update(&mut app, key(KeyCode::Char('s')));
    assert_eq!(app.sort, innboks::app::SortOrder::NewestFirst);
    assert!(app
        .inbox
        .messages
        .windows(2)
        .all(|w| w[0].last_changed >= w[1].last_changed));
    assert!(matches!(&app.status, Some(Status::Info(t)) if t.contains("nyeste")));
}

#[test]
fn a_refresh_drops_rows_the_server_no_longer_lists() {
    let mut app = logged_in();
    update(&mut app, key(KeyCode::Char('f')));
    let effects = update(&mut app, key(KeyCode::Char('u')));
    update(&mut app, key(KeyCode::Esc));
    let (request, _) = page_request(&effects).expect("the unread, from the server");
    let unread: Vec<MessageSummary> = (0..30).map(summary).filter(|m| m.is_unread()).collect();
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: MessagePage {
                messages: unread.clone(),
                has_more: false,
                limit_reached: false,
                next: None,
            },
        },
    );
    assert_eq!(app.inbox.messages.len(), 10);
    // One was read elsewhere: the filtered list from the server no longer has it.
    let (request, _) = page_request(&update(&mut app, key(KeyCode::Char('r')))).expect("refresh");
    let still: Vec<MessageSummary> = unread.iter().skip(1).cloned().collect();
    let effects = update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: MessagePage {
                messages: still,
                has_more: false,
                limit_reached: false,
                next: None,
            },
        },
    );
    assert_eq!(app.inbox.messages.len(), 9);
    assert!(!app.inbox.messages.iter().any(|m| m.id == unread[0].id));
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e, Effect::WriteCache { .. })),
        "no cache in this test"
    );
}

#[test]
fn at_the_end_pages_are_fetched_four_at_a_time_and_taken_in_any_order() {
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char('G')));
    let pages: Vec<(u64, usize)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchPage { request, skip, .. } => Some((*request, *skip)),
            _ => None,
        })
        .collect();
    assert_eq!(
        pages.iter().map(|(_, s)| *s).collect::<Vec<_>>(),
        [50, 100, 150, 200],
        "four pages in flight, no more"
    );
    assert!(
        page_request(&update(&mut app, key(KeyCode::Char('G')))).is_none(),
        "nothing more while four are on their way"
    );
    // The third arrives first: it waits; then the first and second: the cursor moves over all.
    let answer = |app: &mut App, (request, skip): (u64, usize)| {
        update(
            app,
            Msg::PageLoaded {
                request,
                skip,
                page: page(skip..skip + 50, true),
            },
        )
    };
    answer(&mut app, pages[2]);
    assert_eq!(app.inbox.sources[0].next_skip, 50);
    assert_eq!(app.inbox.messages.len(), 100, "its rows are shown at once");
    answer(&mut app, pages[0]);
    assert_eq!(app.inbox.sources[0].next_skip, 100);
    answer(&mut app, pages[1]);
    assert_eq!(
        app.inbox.sources[0].next_skip, 200,
        "over the page that came early"
    );
    // The last one ends the mailbox.
    update(
        &mut app,
        Msg::PageLoaded {
            request: pages[3].0,
            skip: 200,
            page: page(200..230, false),
        },
    );
    assert_eq!(app.inbox.sources[0].next_skip, 230);
    assert!(app.inbox.exhausted());
    assert_eq!(app.inbox.messages.len(), 230);
}
