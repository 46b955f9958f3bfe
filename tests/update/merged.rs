//! «Alle»: the merged view of every party's inbox.

use super::harness::*;

#[test]
fn the_merged_view_starts_on_the_kept_parties_and_again_when_the_server_has_others() {
    use innboks::domain::{Party, PartyKind};
    let mut app = logged_in();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    type_text(&mut app, ":all");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::FetchReportees { cached: Some(s) }] if s.user == "u"),
        "{effects:?}"
    );
    let party = |id: &str| Party {
        id: id.into(),
        name: format!("PART {id}"),
        kind: PartyKind::Organisation,
        organisation_number: None,
    };
    let kept = vec![party("r1"), party("r2")];
    let pages = |effects: &[Effect]| -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::FetchPage { inbox, .. } => Some(inbox.key().to_owned()),
                _ => None,
            })
            .collect()
    };
    let effects = update(&mut app, Msg::CachedReporteesLoaded(kept.clone()));
    assert_eq!(pages(&effects), ["r1", "r2"], "the kept parties start it");
    assert!(app.parties.cached);
    // The server agrees: nothing starts over.
    let effects = update(&mut app, Msg::ReporteesLoaded(kept.clone()));
    assert!(pages(&effects).is_empty(), "{effects:?}");
    assert!(!app.parties.cached);
    // The cache's come late: the server's stay.
    let effects = update(&mut app, Msg::CachedReporteesLoaded(vec![party("r9")]));
    assert!(effects.is_empty());
    assert_eq!(app.parties.list, kept);

    // Next time the server has one more: the merged view starts over with it.
    let mut app = logged_in();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    type_text(&mut app, ":all");
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, Msg::CachedReporteesLoaded(kept.clone()));
    let mut more = kept.clone();
    more.push(party("r3"));
    let effects = update(&mut app, Msg::ReporteesLoaded(more));
    assert_eq!(pages(&effects), ["r1", "r2", "r3"]);
    assert_eq!(app.inbox.sources.len(), 3);
    // A failure after the kept parties leaves them in use, with a word.
    let mut app = logged_in();
    update(&mut app, Msg::CachedReporteesLoaded(kept.clone()));
    update(&mut app, Msg::ReporteesFailed(ApiError::Offline));
    assert_eq!(app.parties.list, kept);
    update(
        &mut app,
        Msg::ReporteesFailed(ApiError::Server {
            status: 503,
            reason: "nede".into(),
        }),
    );
    assert_eq!(app.parties.list, kept);
    assert!(matches!(&app.status, Some(Status::Error(t)) if t.contains("hurtigbufferen")));
}

/// The parties `r1` (the user) and `r2` (an organisation) arrive.
fn two_parties() -> Msg {
    use innboks::domain::{Party, PartyKind};
    let party = |id: &str, kind: PartyKind| Party {
        id: id.into(),
        name: format!("PART {id}"),
        kind,
        organisation_number: None,
    };
    Msg::ReporteesLoaded(vec![
        party("r1", PartyKind::Person),
        party("r2", PartyKind::Organisation),
    ])
}

#[test]
fn the_merged_view_pages_each_inbox_and_acts_in_the_right_one() {
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char(':')));
    assert!(effects.is_empty());
    type_text(&mut app, "all");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::FetchReportees { cached: None }],
        "the parties come first"
    );
    let effects = update(&mut app, two_parties());
    let requests: Vec<(u64, String)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchPage {
                request,
                inbox,
                skip: 0,
                ..
            } => Some((*request, inbox.key().to_owned())),
            _ => None,
        })
        .collect();
    assert_eq!(
        requests.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>(),
        ["r1", "r2"]
    );
    // r1's letters are all newer than r2's.
    let dated = |range: std::ops::Range<usize>, day: u32| {
        let mut p = page(range, true);
        for (n, m) in p.messages.iter_mut().enumerate() {
            m.last_changed = (Utc
                .with_ymd_and_hms(2026, 11, day, 12, 59 - n as u32 % 60, 0)
                .single())
            .map(innboks::domain::Stamp::from);
        }
        p
    };
    update(
        &mut app,
        Msg::PageLoaded {
            request: requests[1].0,
            skip: 0,
            page: dated(500..550, 1),
        },
    );
    update(
        &mut app,
        Msg::PageLoaded {
            request: requests[0].0,
            skip: 0,
            page: dated(0..50, 20),
        },
    );
    assert_eq!(app.inbox.messages.len(), 100);
    assert_eq!(
        app.inbox.selected, 0,
        "the top stays the top while inboxes arrive"
    );
    assert_eq!(app.inbox.messages[0].owner.as_deref(), Some("r1"));
    assert_eq!(app.inbox.messages[99].owner.as_deref(), Some("r2"));

    // Going to the end asks the inbox whose loaded part ends latest: r1.
    let (_, skip) = page_request(&update(&mut app, key(KeyCode::Char('G')))).expect("more");
    assert_eq!(skip, 50);
    let loading: Vec<&str> = app
        .inbox
        .sources
        .iter()
        .filter(|s| !s.requests.is_empty())
        .map(|s| s.inbox.key())
        .collect();
    assert_eq!(loading, ["r1"]);

    // Actions on a row go to its own inbox.
    let effects = update(&mut app, key(KeyCode::Char('a')));
    assert!(
        matches!(effects.as_slice(), [Effect::Act { inbox, .. }] if inbox.key() == "r2"),
        "{effects:?}"
    );
}

#[test]
fn the_merged_view_asks_the_inbox_a_gap_may_be_in_before_the_user_reaches_it() {
    let mut app = logged_in();
    type_text(&mut app, ":all");
    update(&mut app, key(KeyCode::Enter));
    let effects = update(&mut app, two_parties());
    let requests: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchPage { request, .. } => Some(*request),
            _ => None,
        })
        .collect();
    // r1 gave ten letters, a day apart from 24 November, and has more; r2 300, two hours
    // apart from 25 November back into October.
    let start = Utc
        .with_ymd_and_hms(2026, 11, 25, 0, 0, 0)
        .single()
        .expect("date");
    let spaced = |range: std::ops::Range<usize>, hours: i64, from: chrono::Duration| {
        let mut p = page(range, true);
        for (n, m) in p.messages.iter_mut().enumerate() {
            m.last_changed = Some(innboks::domain::Stamp::from(
                start - from - chrono::Duration::hours(hours * n as i64),
            ));
        }
        p
    };
    let loaded = |app: &mut App, request: u64, page: MessagePage| {
        update(
            app,
            Msg::PageLoaded {
                request,
                skip: 0,
                page,
            },
        )
    };
    loaded(
        &mut app,
        requests[0],
        spaced(0..10, 24, chrono::Duration::days(1)),
    );
    loaded(
        &mut app,
        requests[1],
        spaced(500..800, 2, chrono::Duration::zero()),
    );
    assert_eq!(app.inbox.messages.len(), 310);
    // Below r1's oldest letter (15 November, midnight) r1 may have more in between: the top
    // 131 rows (r2's 121 from 25 to 15 November, both midnights included, and r1's ten) are
    // all that is settled.
    assert_eq!(app.inbox.settled, 131);
    let rows = app.layout().list_rows();
    assert!(
        rows + 10 < 131,
        "the screen is shorter than the settled part"
    );
    let asked = |app: &App| -> Vec<String> {
        app.inbox
            .sources
            .iter()
            .filter(|s| !s.requests.is_empty())
            .map(|s| s.inbox.key().to_owned())
            .collect()
    };
    while app.inbox.selected + rows < 131 {
        let effects = update(&mut app, key(KeyCode::Char('j')));
        if app.inbox.selected + rows < 131 {
            assert!(
                page_request(&effects).is_none(),
                "at row {}",
                app.inbox.selected
            );
        }
    }
    // Near the line, far from the end of the 310 loaded rows, r1 is asked for more.
    assert_eq!(asked(&app), ["r1"]);
    let request = app.inbox.sources[0].requests[0].0;
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 10,
            page: spaced(10..20, 12, chrono::Duration::days(10)),
        },
    );
    // r1's next ten (15 to 10 November, twelve hours apart) are merged in where they belong.
    let dates: Vec<_> = app.inbox.messages.iter().map(|m| m.last_changed).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert_eq!(app.inbox.messages.len(), 320);
    assert!(app.inbox.settled > 131, "{}", app.inbox.settled);
}

#[test]
fn altinn3_merges_every_party_in_groups_of_a_hundred_a_few_at_a_time() {
    use innboks::domain::{Capabilities, Party, PartyKind};
    let mut app = logged_in();
    app.settings.capabilities = Capabilities::altinn3();
    app.settings.concurrency = 2;
    let parties: Vec<Party> = (0..450)
        .map(|i| Party {
            id: format!("urn:altinn:organization:identifier-no:9{i:08}"),
            name: format!("KLIENT {i} AS"),
            kind: PartyKind::Organisation,
            organisation_number: None,
        })
        .collect();
    update(&mut app, Msg::ReporteesLoaded(parties.clone()));
    update(&mut app, key(KeyCode::Char(':')));
    type_text(&mut app, "all");
    let mut effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.inbox.sources.len(),
        5,
        "450 parties in groups of at most 100"
    );
    let mut answered = 0;
    let mut owners = std::collections::BTreeSet::new();
    loop {
        let pages: Vec<(u64, Vec<String>)> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::FetchPage {
                    request,
                    inbox: Inbox::Group { parties, .. },
                    skip: 0,
                    ..
                } => Some((*request, parties.clone())),
                _ => None,
            })
            .collect();
        let in_flight = app.inbox.sources_in_flight();
        assert!(
            in_flight <= 2,
            "never more than `concurrency` in flight: {in_flight}"
        );
        if pages.is_empty() {
            break;
        }
        effects = Vec::new();
        for (request, group) in pages {
            assert!(group.len() <= 100);
            let messages = group
                .iter()
                .take(2)
                .enumerate()
                .map(|(i, party)| {
                    let mut m = summary(answered * 10 + i);
                    m.id = format!("d-{party}").into();
                    m.owner = Some(party.clone().into());
                    m
                })
                .collect();
            effects.extend(update(
                &mut app,
                Msg::PageLoaded {
                    request,
                    skip: 0,
                    page: MessagePage {
                        messages,
                        has_more: false,
                        limit_reached: false,
                        next: None,
                    },
                },
            ));
            answered += 1;
        }
    }
    assert_eq!(answered, 5, "every group answered");
    for m in &app.inbox.messages {
        owners.insert(m.owner.clone().expect("every row says whose"));
    }
    assert_eq!(app.inbox.messages.len(), 10);
    assert_eq!(owners.len(), 10, "the rows keep the party the backend gave");
    assert!(
        matches!(&app.status, Some(Status::Info(t)) if t.contains("alle 5 har svart")),
        "{:?}",
        app.status
    );

    // A refresh asks every group again, incrementally, no more than `concurrency` at once.
    let mut effects = update(&mut app, key(KeyCode::Char('r')));
    let mut refreshed = 0;
    loop {
        let pages: Vec<u64> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::FetchPage {
                    request,
                    since: Some(_),
                    ..
                } => Some(*request),
                _ => None,
            })
            .collect();
        let in_flight = app.inbox.sources_in_flight();
        assert!(in_flight <= 2, "a refresh in flight: {in_flight}");
        if pages.is_empty() {
            break;
        }
        effects = Vec::new();
        for request in pages {
            effects.extend(update(
                &mut app,
                Msg::PageLoaded {
                    request,
                    skip: 0,
                    page: page(0..0, false),
                },
            ));
            refreshed += 1;
        }
    }
    assert_eq!(refreshed, 5, "every group refreshed");
    assert_eq!(app.inbox.messages.len(), 10, "nothing lost");
}

/// Every party's cached list is read on its own; the allocator is asked to give back what
/// the reading left once, when the last of them is in, not once a party.
#[test]
fn the_memory_is_given_back_once_every_cached_list_is_read() {
    use innboks::domain::{CachedList, Party, PartyKind};
    let mut app = logged_in();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    type_text(&mut app, ":all");
    update(&mut app, key(KeyCode::Enter));
    let party = |id: &str| Party {
        id: id.into(),
        name: format!("PART {id}"),
        kind: PartyKind::Organisation,
        organisation_number: None,
    };
    let effects = update(
        &mut app,
        Msg::ReporteesLoaded(vec![party("r1"), party("r2"), party("r3")]),
    );
    let reads: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadCache { request, .. } => Some(*request),
            _ => None,
        })
        .collect();
    assert_eq!(reads.len(), 3, "one cached list a party: {effects:?}");
    let given_back: Vec<bool> = reads
        .iter()
        .enumerate()
        .map(|(n, &request)| {
            let list = CachedList {
                messages: (n * 10..n * 10 + 10).map(summary).collect(),
                complete: true,
                synced_at: Some(1_764_000_000),
                reconciled_at: None,
                total: None,
            };
            let effects = update(
                &mut app,
                Msg::CacheLoaded {
                    request,
                    list,
                    more: false,
                },
            );
            effects.contains(&Effect::GiveBackMemory)
        })
        .collect();
    assert_eq!(given_back, [false, false, true]);
    assert_eq!(app.inbox.messages.len(), 30);
}
