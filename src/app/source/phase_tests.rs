//! The sync's phases, one transition at a time (see `mod.rs`).

use super::*;
use chrono::TimeZone;

fn in_phase(phase: Phase) -> Source {
    Source {
        phase,
        ..Source::new(Inbox::Me)
    }
}

fn paging(rows: CachedRows, syncing: bool, next_skip: usize) -> Source {
    Source {
        next_skip,
        ..in_phase(Phase::Paging { rows, syncing })
    }
}

fn held(request: u64) -> HeldPage {
    HeldPage {
        request,
        skip: 0,
        page: MessagePage {
            messages: Vec::new(),
            has_more: true,
            limit_reached: false,
            next: None,
        },
    }
}

/// What [`Phase`]'s comments promise of the other fields, and what holds beside them.
fn assert_invariants(source: &Source) {
    match source.phase {
        Phase::Unstarted => {
            assert_eq!(source.next_skip, 0, "{source:?}");
            assert!(source.ahead.is_empty(), "{source:?}");
            assert!(
                source.floor.is_none() && source.next_link.is_none(),
                "{source:?}"
            );
        }
        Phase::Cached { .. } => {
            assert_eq!(source.next_skip, 0, "{source:?}");
            assert!(source.ahead.is_empty(), "{source:?}");
            assert!(source.floor.is_none(), "{source:?}");
            assert!(source.has_unconfirmed_rows() && source.is_syncing());
        }
        Phase::Paging {
            rows: CachedRows::TakenAsIs,
            ..
        } => assert_eq!(source.next_skip, 0, "{source:?}"),
        Phase::Paging { .. } | Phase::Exhausted { .. } | Phase::Offline => {}
    }
    if let Some(request) = source.changes_request {
        assert!(
            source.requests.iter().any(|(r, _)| *r == request),
            "the incremental sync is a request in flight: {source:?}"
        );
    }
    if source.reads_rest_of_cache() {
        assert!(
            source.has_unconfirmed_rows() || source.phase == Phase::Offline,
            "rows of the cache are drawn: {source:?}"
        );
    }
    if source.takes_cache_as_is() {
        assert!(source.has_unconfirmed_rows(), "{source:?}");
    }
    assert!(
        !(source.is_exhausted() && source.can_page()),
        "nothing is asked past the end: {source:?}"
    );
}

#[test]
fn offline_a_source_asks_nothing_and_counts_as_ended() {
    let mut source = in_phase(Phase::Unstarted);
    source.work_offline();
    assert_eq!(source.phase, Phase::Offline);
    assert!(source.is_exhausted() && !source.can_page() && !source.has_started());
    assert!(!source.wants_first_page(), "no first page offline");
    assert_invariants(&source);
}

#[test]
fn the_cache_read_starts_with_nothing_drawn() {
    let mut source = in_phase(Phase::Unstarted);
    source.start_cache_read(7);
    assert_eq!(source.cache_read, CacheRead::Head { request: 7 });
    assert_eq!(source.cache_request(), Some(7));
    assert!(source.is_reading_cache() && !source.reads_rest_of_cache());
    assert_eq!(source.phase, Phase::Unstarted);
    assert!(source.wants_first_page(), "the first page goes beside it");
    assert_invariants(&source);
}

#[test]
fn the_first_cached_rows_drawn_make_an_unstarted_source_cached() {
    let mut source = in_phase(Phase::Unstarted);
    source.start_cache_read(7);
    assert_eq!(source.cache_part_arrived(true), []);
    source.cache_part_drawn();
    assert_eq!(source.phase, Phase::Cached { by_changes: false });
    assert_eq!(
        source.cache_read,
        CacheRead::Rest {
            request: 7,
            held_pages: Vec::new()
        }
    );
    assert!(source.is_syncing() && source.can_page() && !source.has_answered());
    assert!(source.has_started() && source.shows_only_cache());
    assert_invariants(&source);
}

#[test]
fn a_later_cache_part_keeps_the_phase_and_the_held_page() {
    let mut source = in_phase(Phase::Cached { by_changes: true });
    source.cache_read = CacheRead::Rest {
        request: 7,
        held_pages: vec![held(3)],
    };
    source.requests = vec![(3, 0)];
    source.changes_request = Some(3);
    assert_eq!(source.cache_part_arrived(true), []);
    source.cache_part_drawn();
    assert_eq!(source.phase, Phase::Cached { by_changes: true });
    let CacheRead::Rest { held_pages, .. } = &source.cache_read else {
        panic!("still reading: {:?}", source.cache_read);
    };
    let held: Vec<u64> = held_pages.iter().map(|page| page.request).collect();
    assert_eq!(held, [3], "the held page stays");
    assert_invariants(&source);
}

#[test]
fn the_last_cache_part_ends_the_read_and_gives_back_the_held_page() {
    let mut source = in_phase(Phase::Cached { by_changes: false });
    source.cache_read = CacheRead::Rest {
        request: 7,
        held_pages: Vec::new(),
    };
    source.requests = vec![(3, 0)];
    source.hold_page(held(3));
    assert_eq!(source.cache_part_arrived(false), [held(3)]);
    assert_eq!(source.cache_read, CacheRead::Idle);
    assert_eq!(source.cache_request(), None);
    assert_eq!(source.phase, Phase::Cached { by_changes: false });
    assert_eq!(source.requests, [(3, 0)], "the held page is still owed");
    assert_invariants(&source);
}

#[test]
fn a_page_is_held_only_while_the_rest_of_the_cache_is_read() {
    let mut source = in_phase(Phase::Unstarted);
    source.start_cache_read(7);
    source.hold_page(held(3));
    assert_eq!(source.cache_read, CacheRead::Head { request: 7 });
    assert_eq!(source.cache_part_arrived(false), []);
    assert_invariants(&source);
}

#[test]
fn cached_rows_under_pages_that_came_first_are_unconfirmed_and_stop_the_sync() {
    let mut source = paging(CachedRows::Confirmed, true, 50);
    source.start_cache_read(7);
    source.cache_part_drawn();
    assert_eq!(
        source.phase,
        Phase::Paging {
            rows: CachedRows::Unconfirmed,
            syncing: false
        }
    );
    assert!(source.has_unconfirmed_rows() && source.reads_rest_of_cache());
    assert_eq!(source.next_skip, 50, "the cursor stays");
    assert_invariants(&source);
}

#[test]
fn a_cached_list_that_shares_nothing_with_the_first_page_keeps_the_sync_going() {
    let mut source = paging(CachedRows::Unconfirmed, false, 50);
    source.keep_syncing();
    assert_eq!(
        source.phase,
        Phase::Paging {
            rows: CachedRows::Unconfirmed,
            syncing: true
        }
    );
    assert_invariants(&source);
}

#[test]
fn asking_for_the_failed_page_again_ends_its_failure() {
    let mut source = paging(CachedRows::Confirmed, false, 50);
    source.failed_skip = Some(50);
    source.page_asked(4, 100);
    assert_eq!(source.failed_skip, Some(50), "another page leaves it");
    assert_eq!(source.retry_skip(), Some(50));
    source.page_asked(5, 50);
    assert_eq!(source.failed_skip, None);
    assert_eq!(source.requests, [(4, 100), (5, 50)]);
    assert!(source.is_loading() && source.is_paging());
    assert_invariants(&source);
}

#[test]
fn a_failed_page_waits_for_r_and_the_phase_stays() {
    let mut source = in_phase(Phase::Exhausted { syncing: false });
    source.next_skip = 120;
    source.changes_asked(4);
    source.page_asked(5, 0);
    source.page_failed(4, 0);
    assert_eq!(source.phase, Phase::Exhausted { syncing: false });
    assert_eq!(source.failed_skip, Some(0));
    assert_eq!(source.changes_request, None);
    assert_eq!(source.requests, [(5, 0)]);
    assert_eq!(source.retry_skip(), None, "the same page is on its way");
    source.page_failed(5, 0);
    assert_eq!(source.retry_skip(), Some(0));
    // The lowest failed page is the one `r` asks for.
    let mut source = paging(CachedRows::Confirmed, false, 50);
    source.page_asked(6, 100);
    source.page_asked(7, 50);
    source.page_failed(6, 100);
    source.page_failed(7, 50);
    assert_eq!(source.failed_skip, Some(50));
    assert!(!source.is_loading() && !source.wants_first_page());
    assert_invariants(&source);
}

#[test]
fn asking_for_what_changed_over_the_cache_takes_its_rows_as_they_are() {
    let mut source = in_phase(Phase::Cached { by_changes: false });
    source.changes_asked(4);
    assert_eq!(source.phase, Phase::Cached { by_changes: true });
    assert_eq!(source.requests, [(4, 0)]);
    assert!(source.is_changes_answer(4) && source.takes_cache_as_is());
    assert_eq!(source.quick_syncs, 1);
    assert_invariants(&source);
    // Once paging, it changes only the requests and the count.
    let mut source = paging(CachedRows::Confirmed, false, 50);
    source.changes_asked(5);
    assert_eq!(
        source.phase,
        Phase::Paging {
            rows: CachedRows::Confirmed,
            syncing: false
        }
    );
    assert!(!source.takes_cache_as_is());
    assert_invariants(&source);
}

#[test]
fn what_changed_answers_the_cached_source_and_the_cursor_waits_for_a_first_page() {
    let mut source = in_phase(Phase::Cached { by_changes: false });
    source.changes_asked(4);
    source.changes_arrived(4, 2);
    assert_eq!(
        source.phase,
        Phase::Paging {
            rows: CachedRows::TakenAsIs,
            syncing: true
        }
    );
    assert_eq!(
        source.next_skip, 0,
        "no page yet: the cursor has not started"
    );
    assert!(source.has_answered() && source.takes_cache_as_is());
    assert!(!source.is_loading() && source.changes_request.is_none());
    assert_invariants(&source);
    // Over pages, the new ones on top shift the offsets still to come.
    let mut source = paging(CachedRows::Confirmed, false, 50);
    source.changes_asked(5);
    source.changes_arrived(5, 3);
    assert_eq!(source.next_skip, 53);
    assert!(source.is_paging());
    assert_invariants(&source);
}

#[test]
fn a_first_page_starts_the_paging() {
    let mut source = in_phase(Phase::Unstarted);
    source.page_asked(1, 0);
    source.answered(1);
    source.page_arrived(0, 50, true, None, false, 50);
    assert_eq!(
        source.phase,
        Phase::Paging {
            rows: CachedRows::Confirmed,
            syncing: false
        }
    );
    assert_eq!(source.next_skip, 50);
    assert!(!source.sync_goes_on(0, true), "no sync without a cache");
    assert_invariants(&source);
}

#[test]
fn a_first_page_over_the_cache_syncs_on_while_it_holds_nothing_the_cache_had() {
    let mut source = in_phase(Phase::Cached { by_changes: false });
    source.page_arrived(0, 50, true, None, true, 50);
    assert_eq!(
        source.phase,
        Phase::Paging {
            rows: CachedRows::Unconfirmed,
            syncing: true
        }
    );
    assert!(source.sync_goes_on(0, true), "all new: on");
    assert!(source.is_syncing());
    assert!(!source.sync_goes_on(4, true), "it met the cache");
    assert_eq!(
        source.phase,
        Phase::Paging {
            rows: CachedRows::Unconfirmed,
            syncing: false
        }
    );
    assert_invariants(&source);
}

#[test]
fn a_page_ahead_answers_a_source_taken_as_it_is_and_a_first_page_ends_that() {
    let mut source = in_phase(Phase::Cached { by_changes: true });
    source.page_arrived(50, 50, true, None, false, 50);
    assert_eq!(
        source.phase,
        Phase::Paging {
            rows: CachedRows::TakenAsIs,
            syncing: true
        }
    );
    assert_eq!(source.next_skip, 0);
    assert_eq!(source.ahead.get(&50), Some(&(50, true)));
    assert_invariants(&source);
    source.page_arrived(0, 50, true, None, true, 0);
    assert_eq!(
        source.phase,
        Phase::Paging {
            rows: CachedRows::Unconfirmed,
            syncing: true
        }
    );
    assert_eq!(source.next_skip, 100, "over the page that waited");
    assert!(source.ahead.is_empty());
    assert_invariants(&source);
}

#[test]
fn the_page_that_leaves_nothing_to_come_ends_the_list() {
    let mut source = paging(CachedRows::Unconfirmed, false, 50);
    source.ahead.insert(100, (20, false));
    source.page_arrived(50, 50, true, None, false, 50);
    assert_eq!(source.phase, Phase::Exhausted { syncing: false });
    assert_eq!(source.next_skip, 120);
    assert!(source.ahead.is_empty());
    assert!(
        !source.has_unconfirmed_rows(),
        "every cached row is confirmed"
    );
    assert!(source.is_exhausted() && !source.can_page() && !source.is_paging());
    assert_invariants(&source);
    // A one-page list ends at once, cached or not.
    for phase in [Phase::Unstarted, Phase::Cached { by_changes: true }] {
        let mut source = in_phase(phase);
        source.page_arrived(0, 10, false, None, source.has_started(), 10);
        assert!(
            matches!(source.phase, Phase::Exhausted { .. }),
            "{source:?}"
        );
        assert!(!source.takes_cache_as_is());
        assert_invariants(&source);
    }
}

#[test]
fn a_page_from_the_top_of_an_ended_list_shifts_it_and_it_stays_ended() {
    let mut source = in_phase(Phase::Exhausted { syncing: false });
    source.next_skip = 120;
    source.page_arrived(0, 50, true, None, true, 3);
    assert_eq!(source.phase, Phase::Exhausted { syncing: false });
    assert_eq!(source.next_skip, 123);
    assert!(!source.sync_goes_on(0, true));
    assert_invariants(&source);
}

#[test]
fn an_empty_list_that_ended_pages_again_when_the_top_brings_more() {
    let mut source = in_phase(Phase::Exhausted { syncing: false });
    source.page_arrived(0, 50, true, None, true, 50);
    assert_eq!(
        source.phase,
        Phase::Paging {
            rows: CachedRows::Confirmed,
            syncing: false
        }
    );
    assert_eq!(source.next_skip, 50);
    assert_invariants(&source);
}

#[test]
fn a_refresh_waits_for_room_in_any_phase() {
    for phase in [
        Phase::Unstarted,
        Phase::Cached { by_changes: false },
        Phase::Paging {
            rows: CachedRows::Confirmed,
            syncing: false,
        },
        Phase::Exhausted { syncing: false },
    ] {
        let mut source = in_phase(phase.clone());
        source.ask_refresh();
        assert!(source.wants_first_page(), "{phase:?}");
        assert!(source.take_refresh());
        assert!(!source.take_refresh(), "once");
        assert_eq!(source.phase, phase);
        assert_invariants(&source);
    }
    let mut source = paging(CachedRows::Confirmed, false, 50);
    source.page_asked(1, 50);
    source.ask_refresh();
    assert!(!source.wants_first_page(), "not while it asks");
}

#[test]
fn the_floor_moves_down_with_pages_in_order_only() {
    let at = |minutes: i64| Utc.timestamp_opt(2_000_000_000 - minutes * 60, 0).single();
    let mut source = in_phase(Phase::Unstarted);
    source.lower_floor(0, false, at(10));
    source.page_arrived(0, 50, true, None, false, 50);
    source.lower_floor(100, false, at(30));
    assert_eq!(source.floor, at(10), "a page ahead leaves it");
    source.lower_floor(50, false, at(20));
    assert_eq!(source.floor, at(20));
    source.lower_floor(0, true, at(1));
    assert_eq!(source.floor, at(20), "a page from the top leaves it");
    assert_invariants(&source);
}
