//! The sync with the cache: reading it in parts, incremental syncs, reconciling.

use super::harness::*;

/// On Altinn 3, `r` asks only for what changed since the newest row: an empty answer drops
/// nothing and keeps the cursor, a new dialog goes on top, and after five of these the first
/// page comes again in full (to reconcile what an incremental sync cannot see).
#[test]
fn refresh_on_altinn3_is_incremental_with_a_full_sync_now_and_then() {
    use innboks::domain::Capabilities;
    let mut app = logged_in();
    app.settings.capabilities = Capabilities::altinn3();
    let newest = app
        .inbox
        .messages
        .iter()
        .filter_map(|m| m.last_changed)
        .max();
    let since_of = |effects: &[Effect]| {
        effects.iter().find_map(|e| match e {
            Effect::FetchPage {
                request,
                skip: 0,
                since,
                ..
            } => Some((*request, *since)),
            _ => None,
        })
    };
    let (request, since) = since_of(&update(&mut app, key(KeyCode::Char('r')))).expect("a refresh");
    assert_eq!(
        since,
        newest.map(innboks::domain::Stamp::utc),
        "only what changed since the newest row"
    );
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..0, false),
        },
    );
    assert_eq!(app.inbox.messages.len(), 50, "nothing dropped");
    assert_eq!(app.inbox.sources[0].next_skip, 50, "the cursor stays");
    assert!(!app.inbox.is_loading());

    let (request, _) = since_of(&update(&mut app, key(KeyCode::Char('r')))).expect("again");
    let mut fresh = summary(500);
    fresh.last_changed = Utc
        .with_ymd_and_hms(2026, 11, 21, 8, 0, 0)
        .single()
        .map(innboks::domain::Stamp::from);
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: MessagePage {
                messages: vec![fresh],
                has_more: false,
                limit_reached: false,
                next: None,
            },
        },
    );
    assert_eq!(app.inbox.messages.len(), 51);
    assert_eq!(app.inbox.messages[0].id, "a1500", "the new one on top");
    assert_eq!(app.inbox.sources[0].next_skip, 51, "offsets shifted by it");

    let mut kinds = Vec::new();
    for _ in 0..5 {
        let (request, since) =
            since_of(&update(&mut app, key(KeyCode::Char('r')))).expect("a refresh");
        kinds.push(since.is_some());
        // An incremental answer: nothing changed; a full one: the rows as they are.
        let answer = if since.is_some() {
            page(0..0, false)
        } else {
            MessagePage {
                messages: app.inbox.messages.to_vec(),
                has_more: true,
                limit_reached: false,
                next: None,
            }
        };
        update(
            &mut app,
            Msg::PageLoaded {
                request,
                skip: 0,
                page: answer,
            },
        );
        assert_eq!(app.inbox.messages.len(), 51, "nothing lost");
    }
    assert_eq!(
        kinds,
        vec![true, true, true, false, true],
        "after five incremental syncs the next is full"
    );
}

/// The cached list comes in parts: the first (what the screen needs) is drawn at once, the
/// rest adds older rows below without moving the cursor, and `G` pressed meanwhile says it
/// waits, then lands on the last row of the whole list.
#[test]
fn a_cached_list_in_parts_draws_the_first_at_once_and_g_waits_for_the_rest() {
    use innboks::domain::CachedList;
    let mut app = App::new(innboks::app::Settings::new("test"));
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    app.settings.idporten_configured = true;
    let effects = update(&mut app, Msg::Start);
    let (request, head) = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadCache { request, head, .. } => Some((*request, *head)),
            _ => None,
        })
        .expect("the cache asked");
    assert!(
        head >= app.layout().list_rows(),
        "a screen's worth first: {head}"
    );
    let part = |range: std::ops::Range<usize>| CachedList {
        messages: range.map(summary).collect(),
        complete: true,
        synced_at: Some(1_764_000_000),
        reconciled_at: None,
        total: None,
    };
    update(
        &mut app,
        Msg::CacheLoaded {
            request,
            list: part(0..100),
            more: true,
        },
    );
    assert_eq!(app.inbox.messages.len(), 100, "drawn at once");
    assert_eq!(app.inbox.selected, 0);
    update(&mut app, key(KeyCode::Char('j')));
    update(&mut app, key(KeyCode::Char('j')));
    let on = app.inbox.selected_message().map(|m| m.id.to_string());
    update(
        &mut app,
        Msg::CacheLoaded {
            request,
            list: part(100..300),
            more: true,
        },
    );
    assert_eq!(app.inbox.messages.len(), 300);
    assert_eq!(
        app.inbox.selected_message().map(|m| m.id.to_string()),
        on,
        "the cursor stays on its message"
    );
    update(&mut app, key(KeyCode::Char('G')));
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("resten")),
        "{:?}",
        app.status
    );
    let last = update(
        &mut app,
        Msg::CacheLoaded {
            request,
            list: part(300..450),
            more: false,
        },
    );
    assert_eq!(app.inbox.messages.len(), 450);
    assert!(
        last.contains(&Effect::GiveBackMemory),
        "what the parts were read into is given back: {last:?}"
    );
    assert_eq!(
        app.inbox.messages.capacity(),
        450,
        "and the room the list kept to grow"
    );
    assert_eq!(
        app.inbox.selected, 449,
        "G lands on the last row of the whole list"
    );
    assert!(app.inbox.sources[0].cache_request().is_none());
}

/// A server page that comes while the rest of the cached list is being read waits for it:
/// rows the cache had further down are not counted as new.
#[test]
fn a_server_page_waits_for_the_rest_of_the_cached_list() {
    let (mut app, cache) = reading_the_cache(0..20);
    let effects = update(
        &mut app,
        Msg::SessionRestored {
            method: innboks::domain::LoginMethod::IdPortenDevice,
        },
    );
    let (request, _) = page_request(&effects).expect("the first page");
    // The server's first 50: the 20 drawn and 30 the cache has further down.
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..50, true),
        },
    );
    assert_eq!(app.inbox.messages.len(), 20, "the page waits");
    update(
        &mut app,
        Msg::CacheLoaded {
            request: cache,
            list: cached(20..120),
            more: false,
        },
    );
    assert_eq!(app.inbox.messages.len(), 120);
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("Ingen nye")),
        "nothing new: {:?}",
        app.status
    );
    assert!(!app.inbox.is_loading());
}

/// On Altinn 3, a start over a cached list that a first page reconciled a little while ago
/// asks only for what changed since its newest row; one reconciled long ago (or never)
/// asks for the first page again, and that page is noted as the reconcile.
#[test]
fn a_start_over_a_recently_reconciled_cache_asks_only_for_what_changed() {
    use innboks::domain::CachedList;
    let start_with = |reconciled_ago: Option<u64>| -> (App, Vec<Effect>) {
        let mut app = App::new(innboks::app::Settings::new("test"));
        update(
            &mut app,
            Msg::Resize {
                width: 100,
                height: 30,
            },
        );
        app.settings.capabilities = innboks::domain::Capabilities::altinn3();
        app.settings.cache_enabled = true;
        app.session.user_key = Some("u".into());
        app.settings.idporten_configured = true;
        let effects = update(&mut app, Msg::Start);
        let cache = effects
            .iter()
            .find_map(|e| match e {
                Effect::LoadCache { request, .. } => Some(*request),
                _ => None,
            })
            .expect("the cache asked");
        let now = innboks::domain::epoch_seconds(app.now);
        update(
            &mut app,
            Msg::CacheLoaded {
                request: cache,
                list: CachedList {
                    messages: (0..30).map(summary).collect(),
                    complete: false,
                    synced_at: Some(now),
                    reconciled_at: reconciled_ago.map(|ago| now - ago as i64),
                    total: None,
                },
                more: false,
            },
        );
        let effects = update(
            &mut app,
            Msg::SessionRestored {
                method: innboks::domain::LoginMethod::IdPortenDevice,
            },
        );
        (app, effects)
    };
    let since = |effects: &[Effect]| {
        effects.iter().find_map(|e| match e {
            Effect::FetchPage { since, .. } => Some(*since),
            _ => None,
        })
    };
    let newest = summary(0).last_changed.map(innboks::domain::Stamp::utc);
    let (mut app, effects) = start_with(Some(600));
    assert_eq!(
        since(&effects),
        Some(newest),
        "ten minutes ago: only the changes"
    );
    // Nothing changed: the cached rows are taken as they are while the user reads them; the
    // first page comes when the end is near.
    let (request, _) = page_request(&effects).expect("the changes");
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..0, false),
        },
    );
    assert!(page_request(&update(&mut app, key(KeyCode::Char('j')))).is_none());
    let effects = update(&mut app, key(KeyCode::Char('G')));
    assert_eq!(since(&effects), Some(None), "near the end: the first page");
    let (_, effects) = start_with(Some(7 * 3600));
    assert_eq!(
        since(&effects),
        Some(None),
        "seven hours ago: the first page"
    );
    let (mut app, effects) = start_with(None);
    assert_eq!(since(&effects), Some(None), "never: the first page");
    let (request, _) = page_request(&effects).expect("the first page");
    let effects = update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: page(0..30, true),
        },
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::MarkReconciled { .. })),
        "{effects:?}"
    );
}

/// Several server pages that come while the rest of the cached list is read (`G` asked for
/// them) all wait for it, and each is merged when it is here: none is left owed, so the list
/// does not say it is loading for ever and `r` still works.
#[test]
fn every_page_that_comes_while_the_cache_is_read_is_merged_after_it() {
    let (mut app, cache) = reading_the_cache(0..20);
    let mut asked: Vec<(u64, usize)> = Vec::new();
    let effects = update(
        &mut app,
        Msg::SessionRestored {
            method: innboks::domain::LoginMethod::IdPortenDevice,
        },
    );
    asked.extend(page_request(&effects));
    let effects = update(&mut app, key(KeyCode::Char('G')));
    asked.extend(effects.iter().filter_map(|e| match e {
        Effect::FetchPage { request, skip, .. } => Some((*request, *skip)),
        _ => None,
    }));
    assert!(asked.len() > 1, "G asks for more pages: {asked:?}");
    for (request, skip) in &asked {
        update(
            &mut app,
            Msg::PageLoaded {
                request: *request,
                skip: *skip,
                page: page(*skip..*skip + 50, true),
            },
        );
    }
    let effects = update(
        &mut app,
        Msg::CacheLoaded {
            request: cache,
            list: cached(20..120),
            more: false,
        },
    );
    let last = asked.iter().map(|(_, skip)| skip + 50).max().unwrap_or(0);
    assert!(
        app.inbox.messages.len() >= last,
        "every page merged: {} rows, pages to {last}",
        app.inbox.messages.len()
    );
    let owed: Vec<_> = app.inbox.sources[0].requests.clone();
    let asked_now: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchPage { request, .. } => Some(*request),
            _ => None,
        })
        .collect();
    assert!(
        owed.iter().all(|(request, _)| asked_now.contains(request)),
        "no page of those that came is still owed: {owed:?}"
    );
}

/// Rows `range` as a part of the cached list.
fn cached(range: std::ops::Range<usize>) -> innboks::domain::CachedList {
    innboks::domain::CachedList {
        messages: range.map(summary).collect(),
        complete: true,
        synced_at: Some(1_764_000_000),
        reconciled_at: None,
        total: None,
    }
}

/// A start with a stored user and a cache: its first part (`first`) is drawn and more
/// parts are to come. Returns the app and the cache read's request.
fn reading_the_cache(first: std::ops::Range<usize>) -> (App, u64) {
    let mut app = App::new(innboks::app::Settings::new("test"));
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    app.settings.idporten_configured = true;
    let effects = update(&mut app, Msg::Start);
    let cache = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadCache { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the cache asked");
    update(
        &mut app,
        Msg::CacheLoaded {
            request: cache,
            list: cached(first),
            more: true,
        },
    );
    (app, cache)
}
