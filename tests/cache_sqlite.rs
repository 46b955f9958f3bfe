//! The SQLite cache: round trip, permissions, and rebuilding a bad file.

use chrono::{TimeZone, Utc};
use innboks::cache::{Cache, Scope, SCHEMA_VERSION};
use innboks::domain::{Folder, Message, MessageKind, MessageStatus, MessageSummary};

fn scope(who: &str) -> Scope {
    Scope {
        env: "test".into(),
        user: innboks::domain::user_key(&["test", "kari"]),
        inbox: innboks::domain::Inbox::from_key(who),
        folder: Folder::Inbox,
    }
}

fn summary(i: usize) -> MessageSummary {
    MessageSummary {
        id: format!("a{}", 7_000_000 + i).into(),
        subject: format!("Melding {i} – æøå «sitat»").into(),
        status: match i % 4 {
            0 => MessageStatus::Unread,
            1 => MessageStatus::Read,
            2 => MessageStatus::Other("Ukjent status".into()),
            _ => MessageStatus::SentAndArchived,
        },
        marked_unread: i.is_multiple_of(7),
        service_owner: "Skatteetaten".into(),
        message_sender: i.is_multiple_of(3).then(|| "Oslo kommune".into()),
        kind: if i.is_multiple_of(5) {
            MessageKind::Other("Notification".into())
        } else {
            MessageKind::Correspondence
        },
        created: None,
        last_changed: (Utc
            .with_ymd_and_hms(2026, 11, 20, 12, 0, 0)
            .single()
            .map(|t| t - chrono::Duration::minutes(i as i64)))
        .map(innboks::domain::Stamp::from),
        due: i
            .is_multiple_of(2)
            .then(|| {
                Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0)
                    .single()
                    .expect("date")
            })
            .map(innboks::domain::Stamp::from),
        attachment_count: (i % 3 == 1).then_some(2),
        requires_confirmation: i.is_multiple_of(11),
        owner: (i % 2 == 1).then(|| "r50020002".into()),
        seq: i as i32,
    }
}

#[test]
fn a_list_and_a_body_survive_a_reopen_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("innboks").join("cache.sqlite3");
    let messages: Vec<MessageSummary> = (0..500).map(summary).collect();
    let body = Message {
        summary: summary(3),
        summary_text: Some("Kort".into()),
        body: "Hei Kari,\n\nTekst.".into(),
        attachments: Vec::new(),
        archive_reference: Some("AR1".into()),
        portal_url: Some("https://www.altinn.no/x".into()),
        links: vec!["https://www.altinn.no/".into()],
        history: Vec::new(),
        thread: Vec::new(),
        expires: None,
    };
    {
        let mut cache = Cache::open(&path).expect("open");
        cache
            .write(&scope("my"), &messages, &[], Some(true))
            .expect("write");
        cache.store_body(&scope("my"), &body).expect("body");
        cache.set_last_user("test", "u1").expect("user");
    }
    let cache = Cache::open(&path).expect("reopen");
    let loaded = cache.load(&scope("my")).expect("load");
    assert_eq!(loaded.messages, messages, "identical, in order");
    assert!(loaded.complete);
    assert!(loaded.synced_at.is_some());
    assert_eq!(
        cache.body(&scope("my"), &body.summary.id).expect("body"),
        Some(body)
    );
    assert_eq!(
        cache.last_user("test").expect("user").as_deref(),
        Some("u1")
    );
    assert!(
        cache.load(&scope("r1")).expect("other").messages.is_empty(),
        "scopes are apart"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0)
        };
        assert_eq!(mode(&path), 0o600, "the file is the user's only");
        assert_eq!(mode(path.parent().expect("dir")), 0o700);
    }
}

#[test]
fn the_parties_are_kept_in_order_and_replaced_whole() {
    use innboks::domain::{Party, PartyKind};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite3");
    let party = |i: usize, kind: PartyKind| Party {
        id: format!("{}", 50_000_000 + i),
        name: format!("FIRMA {i} – «æøå»"),
        organisation_number: (kind != PartyKind::Person).then(|| format!("{}", 910_000_000 + i)),
        kind,
    };
    let parties: Vec<Party> = [
        PartyKind::Person,
        PartyKind::Organisation,
        PartyKind::SubUnit,
        PartyKind::Other("Ukjent".into()),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, kind)| party(i, kind))
    .chain((4..1_000).map(|i| party(i, PartyKind::Organisation)))
    .collect();
    let mut cache = Cache::open(&path).expect("open");
    assert!(cache.parties("test", "kari").expect("read").is_empty());
    cache.set_parties("test", "kari", &parties).expect("write");
    cache
        .set_parties("test", "ola", &parties[..1])
        .expect("write another user's");
    drop(cache);
    let mut cache = Cache::open(&path).expect("reopen");
    assert_eq!(cache.parties("test", "kari").expect("read"), parties);
    assert_eq!(cache.parties("test", "ola").expect("read"), parties[..1]);
    cache
        .set_parties("test", "kari", &parties[10..20])
        .expect("replace");
    assert_eq!(
        cache.parties("test", "kari").expect("read"),
        parties[10..20]
    );
}

#[test]
fn an_attachment_count_a_preview_told_is_kept_when_the_list_says_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open");
    let mut row = summary(1);
    row.attachment_count = Some(2);
    cache
        .write(&scope("my"), &[row.clone()], &[], None)
        .expect("write");
    // The next sync lists it again, without a count (Altinn 2's list has none).
    let mut listed = row.clone();
    listed.attachment_count = None;
    listed.subject = "Nytt emne".into();
    cache
        .write(&scope("my"), &[listed], &[], None)
        .expect("write");
    let loaded = cache.load(&scope("my")).expect("load").messages;
    assert_eq!(loaded[0].attachment_count, Some(2));
    assert_eq!(loaded[0].subject, "Nytt emne", "the rest is the list's");
    // A count that is known to have changed replaces it.
    row.attachment_count = Some(0);
    cache.write(&scope("my"), &[row], &[], None).expect("write");
    let loaded = cache.load(&scope("my")).expect("load").messages;
    assert_eq!(loaded[0].attachment_count, Some(0));
}

#[test]
fn updates_and_removals_are_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite3");
    let mut cache = Cache::open(&path).expect("open");
    let s = scope("my");
    cache
        .write(&s, &(0..10).map(summary).collect::<Vec<_>>(), &[], None)
        .expect("write");
    let mut changed = summary(4);
    changed.status = MessageStatus::Read;
    cache
        .write(
            &s,
            &[changed.clone()],
            &[String::from(summary(7).id)],
            Some(false),
        )
        .expect("update");
    let loaded = cache.load(&s).expect("load");
    assert_eq!(loaded.messages.len(), 9);
    assert!(!loaded.messages.iter().any(|m| m.id == summary(7).id));
    assert_eq!(
        loaded.messages.iter().find(|m| m.id == changed.id),
        Some(&changed)
    );
    assert!(!loaded.complete);
}

#[test]
fn a_corrupt_or_foreign_file_is_rebuilt_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite3");
    std::fs::write(&path, b"this is not a database, just bytes ".repeat(200)).expect("garbage");
    let mut cache = Cache::open(&path).expect("rebuilt");
    assert!(cache.load(&scope("my")).expect("load").messages.is_empty());
    cache
        .write(&scope("my"), &[summary(1)], &[], None)
        .expect("usable");
    drop(cache);

    // Another schema version: rebuilt, the old rows gone.
    {
        let conn = rusqlite::Connection::open(&path).expect("raw");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("version");
    }
    let cache = Cache::open(&path).expect("rebuilt again");
    assert!(cache.load(&scope("my")).expect("load").messages.is_empty());
    drop(cache);

    assert!(Cache::clear(&path).expect("clear"));
    assert!(!path.exists());
    assert!(
        !Cache::clear(&path).expect("clear again"),
        "nothing to clear"
    );
}

#[test]
fn a_list_read_in_parts_is_the_whole_list_newest_first_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open");
    let rows: Vec<MessageSummary> = (0..1_234).map(summary).collect();
    cache
        .write(&scope("my"), &rows, &[], Some(true))
        .expect("write");
    let whole = cache.load(&scope("my")).expect("load");
    let mut parts = Vec::new();
    cache
        .load_in_parts(&scope("my"), 100, 500, |list, more| {
            parts.push((list.messages, more, list.total))
        })
        .expect("parts");
    let sizes: Vec<(usize, bool)> = parts.iter().map(|(m, more, _)| (m.len(), *more)).collect();
    assert_eq!(sizes, [(100, true), (500, true), (500, true), (134, false)]);
    let totals: Vec<Option<usize>> = parts.iter().map(|(_, _, total)| *total).collect();
    assert_eq!(
        totals,
        [None, Some(1_234), None, None],
        "the second part says how long the list is"
    );
    let joined: Vec<MessageSummary> = parts.into_iter().flat_map(|(m, _, _)| m).collect();
    assert_eq!(joined, whole.messages);
    // A list never written is one empty, last part.
    let mut empty = Vec::new();
    cache
        .load_in_parts(&scope("r1"), 100, 500, |list, more| {
            empty.push((list.messages.len(), more))
        })
        .expect("parts");
    assert_eq!(empty, [(0, false)]);
}

#[test]
fn a_reconcile_is_remembered_per_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open");
    cache
        .write(&scope("my"), &[summary(1)], &[], None)
        .expect("write");
    assert_eq!(cache.load(&scope("my")).expect("load").reconciled_at, None);
    cache.mark_reconciled(&scope("my")).expect("mark");
    let at = cache.load(&scope("my")).expect("load").reconciled_at;
    assert!(at.is_some_and(|t| (chrono::Utc::now().timestamp() - t).abs() < 60));
    cache
        .write(&scope("r1"), &[summary(2)], &[], None)
        .expect("write");
    assert_eq!(
        cache.load(&scope("r1")).expect("load").reconciled_at,
        None,
        "per list"
    );
}

/// What the user does in innboks is on the desk at once: an archived letter leaves the
/// agenda, the board and the counts; one read counts as unread no more; undo brings it
/// back; a purged one is gone.
#[test]
fn the_desk_follows_what_is_done_in_innboks() {
    use innboks::domain::{DeskItem, DeskScope, DeskTouch, MessageAction, Party, PartyKind};
    let dir = tempfile::tempdir().expect("dir");
    let mut cache = Cache::open(&dir.path().join("c.sqlite3")).expect("cache");
    let scope = DeskScope {
        env: "e".into(),
        user: "u".into(),
    };
    let now = Utc
        .with_ymd_and_hms(2026, 12, 6, 8, 0, 0)
        .single()
        .expect("now");
    let party = Party {
        id: "urn:altinn:organization:identifier-no:310000001".into(),
        name: "NORDMANN BYGG AS".into(),
        kind: PartyKind::Organisation,
        organisation_number: Some("310000001".into()),
    };
    cache
        .set_parties("e", "u", std::slice::from_ref(&party))
        .expect("parties");
    let item = |i: usize, days: i64| {
        let mut summary = summary(i);
        summary.status = MessageStatus::Unread;
        summary.kind = MessageKind::Correspondence;
        summary.owner = Some(party.id.clone().into());
        summary.due = Some(innboks::domain::Stamp::from(
            now + chrono::Duration::days(days),
        ));
        DeskItem {
            summary,
            folder: Folder::Inbox,
            requires_attention: false,
            completed: false,
            pending: true,
            expires: None,
            updated: None,
        }
    };
    cache
        .desk_write(&scope, &[item(1, -2), item(2, 3), item(3, 5)], &[])
        .expect("write");
    let counts = cache.desk_counts(&scope, now, None).expect("counts");
    assert_eq!((counts.unread, counts.overdue, counts.due_7d), (3, 1, 2));
    let id = |i: usize| summary(i).id;
    cache
        .desk_touch(
            &scope,
            &[
                (String::from(id(1)), DeskTouch::of(MessageAction::Archive)),
                (String::from(id(2)), DeskTouch::of(MessageAction::MarkRead)),
                (String::from(id(3)), DeskTouch::of(MessageAction::Purge)),
            ],
        )
        .expect("touch");
    let counts = cache.desk_counts(&scope, now, None).expect("counts");
    assert_eq!((counts.unread, counts.overdue, counts.due_7d), (0, 0, 1));
    let agenda = cache.agenda(&scope, now, 14, None).expect("agenda");
    let ids: Vec<&str> = agenda.iter().map(|r| r.item.summary.id.as_str()).collect();
    assert_eq!(ids, [id(2)], "the read one is still due; the others left");
    assert!(!agenda[0].item.pending, "a letter read presses no more");
    let board = cache.board(&scope, now).expect("board");
    assert_eq!((board[0].unread, board[0].overdue), (0, 0));
    // Undo: back to the inbox, unread again.
    let back = innboks::domain::Labels {
        folder: Folder::Inbox,
        marked_unread: true,
    };
    cache
        .desk_touch(&scope, &[(String::from(id(1)), DeskTouch::back(back))])
        .expect("undo");
    let counts = cache.desk_counts(&scope, now, None).expect("counts");
    assert_eq!((counts.unread, counts.overdue), (1, 1));
}

#[test]
fn a_saved_search_is_counted_on_the_desk_by_its_filters_parties_and_folder() {
    use innboks::cache::DeskScope;
    use innboks::domain::{
        DeskItem, Filters, Party, PartyKind, SavedSearch, SearchCounts, SearchParties,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open");
    let scope = DeskScope {
        env: "test".into(),
        user: "kari".into(),
    };
    let party = |id: &str, number: Option<&str>, kind: PartyKind| Party {
        id: id.into(),
        name: id.into(),
        kind,
        organisation_number: number.map(str::to_owned),
    };
    cache
        .set_parties(
            "test",
            "kari",
            &[
                party("urn:person:1", None, PartyKind::Person),
                party(
                    "urn:org:313367002",
                    Some("313367002"),
                    PartyKind::Organisation,
                ),
                party(
                    "urn:org:310000000",
                    Some("310000000"),
                    PartyKind::Organisation,
                ),
            ],
        )
        .expect("parties");
    let now = Utc
        .with_ymd_and_hms(2026, 12, 6, 12, 0, 0)
        .single()
        .expect("date");
    let parties = ["urn:person:1", "urn:org:313367002", "urn:org:310000000"];
    // 300 dialogs: every third party's, every second unread, every fifth a form, Skatteetaten
    // or NAV by turns, one a day back from now, every seventh in the archive, every eleventh
    // asking for a confirmation, every thirteenth about «MVA-melding».
    let items: Vec<DeskItem> = (0..300usize)
        .map(|i| {
            let mut m = summary(i);
            m.id = format!("d{i}").into();
            m.owner = Some(parties[i % 3].into());
            m.status = if i % 2 == 0 {
                MessageStatus::Unread
            } else {
                MessageStatus::Read
            };
            m.marked_unread = false;
            m.kind = if i % 5 == 0 {
                MessageKind::FormTask
            } else {
                MessageKind::Correspondence
            };
            m.service_owner = if i % 2 == 0 { "Skatteetaten" } else { "NAV" }.into();
            m.message_sender = None;
            m.last_changed = Some(innboks::domain::Stamp::from(
                now - chrono::Duration::days(i as i64) - chrono::Duration::hours(1),
            ));
            m.requires_confirmation = i % 11 == 0;
            m.subject = if i % 13 == 0 {
                "MVA-melding for 2. termin".into()
            } else {
                format!("Brev {i} 100%_sikkert").into()
            };
            DeskItem {
                summary: m,
                folder: if i % 7 == 0 {
                    Folder::Archive
                } else {
                    Folder::Inbox
                },
                requires_attention: false,
                completed: false,
                pending: false,
                expires: None,
                updated: None,
            }
        })
        .collect();
    cache.desk_write(&scope, &items, &[]).expect("desk");
    let expected = |keep: &dyn Fn(&DeskItem) -> bool| {
        let kept: Vec<&DeskItem> = items.iter().filter(|i| keep(i)).collect();
        SearchCounts {
            total: kept.len(),
            unread: kept.iter().filter(|i| i.summary.is_unread()).count(),
        }
    };
    let count = |search: &SavedSearch| cache.search_counts(&scope, search, now).expect("count");
    let base = SavedSearch {
        name: "x".into(),
        filters: Filters::default(),
        days: None,
        parties: SearchParties::All,
        folder: Folder::Inbox,
    };
    let inbox = |i: &DeskItem| i.folder == Folder::Inbox;
    assert_eq!(count(&base), expected(&inbox));
    assert!(count(&base).unread > 0 && count(&base).unread < count(&base).total);

    let mut search = base.clone();
    search.filters.unread = true;
    search.filters.sender = Some("skatteetaten".into());
    search.filters.kind = Some(MessageKind::FormTask);
    search.days = Some(30);
    search.parties = SearchParties::Only(vec!["313367002".into(), "urn:org:310000000".into()]);
    assert_eq!(
        count(&search),
        expected(&|i| inbox(i)
            && i.summary.is_unread()
            && i.summary.service_owner == "Skatteetaten"
            && i.summary.kind == MessageKind::FormTask
            && i.summary.last_changed
                >= Some(innboks::domain::Stamp::from(
                    now - chrono::Duration::days(30)
                ))
            && i.party() != "urn:person:1"),
        "unread forms from Skatteetaten of the last 30 days, the two companies'"
    );
    assert!(count(&search).total > 0);

    let mut mine = base.clone();
    mine.parties = SearchParties::Me;
    mine.folder = Folder::Archive;
    mine.filters.needs_confirmation = true;
    assert_eq!(
        count(&mine),
        expected(&|i| i.folder == Folder::Archive
            && i.party() == "urn:person:1"
            && i.summary.requires_confirmation)
    );
    assert!(count(&mine).total > 0);

    // The search text: a substring of the title or the sender, any case; `%` and `_` are
    // letters, not wildcards.
    let mut text = base.clone();
    text.filters.search = Some("mva-MELDING".into());
    assert_eq!(
        count(&text),
        expected(&|i| inbox(i) && i.summary.subject.starts_with("MVA"))
    );
    text.filters.search = Some("0%_s".into());
    assert_eq!(
        count(&text),
        expected(&|i| inbox(i) && i.summary.subject.contains("0%_s"))
    );
    text.filters.search = Some("%%_".into());
    assert_eq!(count(&text), SearchCounts::default(), "no wildcard");
    text.filters.search = Some("nav".into());
    assert_eq!(
        count(&text),
        expected(&|i| inbox(i) && i.summary.service_owner == "NAV")
    );
    // Another user's desk has nothing.
    let other = DeskScope {
        env: "test".into(),
        user: "ola".into(),
    };
    assert_eq!(
        cache.search_counts(&other, &base, now).expect("count"),
        SearchCounts::default()
    );
}

/// A desk row of `party`: unread or read, its status's flags, due `due_in` hours from
/// `now` (or none), in `folder`.
fn desk_item(
    id: &str,
    party: &str,
    now: chrono::DateTime<Utc>,
    due_in: Option<i64>,
    flags: (bool, bool, bool),
    folder: Folder,
) -> innboks::domain::DeskItem {
    let (unread, requires_attention, completed) = (flags.0, flags.1, flags.2);
    innboks::domain::DeskItem {
        summary: MessageSummary {
            id: id.into(),
            subject: format!("Sak {id}").into(),
            status: if unread {
                MessageStatus::Unread
            } else {
                MessageStatus::Read
            },
            marked_unread: false,
            service_owner: "Skatteetaten".into(),
            message_sender: None,
            kind: MessageKind::Correspondence,
            created: Some(innboks::domain::Stamp::from(
                now - chrono::Duration::days(30),
            )),
            last_changed: Some(innboks::domain::Stamp::from(
                now - chrono::Duration::hours(id.len() as i64),
            )),
            due: due_in
                .map(|h| now + chrono::Duration::hours(h))
                .map(innboks::domain::Stamp::from),
            attachment_count: None,
            requires_confirmation: requires_attention,
            owner: Some(party.into()),
            seq: 0,
        },
        folder,
        requires_attention,
        completed,
        pending: !completed && (requires_attention || unread),
        expires: None,
        updated: Some(now - chrono::Duration::hours(1)),
    }
}

/// The desk's SQL: the agenda's rows and order (overdue first, soonest first, no date last;
/// nothing done with, archived, read and past, or beyond the days asked), the board's and
/// the count's numbers, an expiry a search row does not repeat kept, and each `watch`
/// event noted once.
#[test]
fn the_desk_agenda_board_and_counts_from_sql() {
    use innboks::domain::{AgendaGroup, DeskEventKind, Party, PartyKind};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open");
    let scope = innboks::cache::DeskScope {
        env: "test".into(),
        user: "kari".into(),
    };
    let (a, b, c) = ("urn:a", "urn:b", "urn:c");
    let party = |id: &str, name: &str| Party {
        id: id.into(),
        name: name.into(),
        kind: PartyKind::Organisation,
        organisation_number: Some(format!("9{}", id.len())),
    };
    cache
        .set_parties(
            "test",
            "kari",
            &[
                party(a, "Alfa AS"),
                party(b, "Beta AS"),
                party(c, "Gamma AS"),
            ],
        )
        .expect("parties");
    let now = Utc::now();
    let (inbox, unread, read) = (Folder::Inbox, true, false);
    let items = vec![
        // a: two overdue (unread; needs action), one this week, one in 10 days, one needing
        // action without a date.
        desk_item("a-late2", a, now, Some(-48), (unread, false, false), inbox),
        desk_item("a-late1", a, now, Some(-5), (read, true, false), inbox),
        desk_item("a-week", a, now, Some(30), (read, false, false), inbox),
        desk_item("a-ten", a, now, Some(240), (unread, false, false), inbox),
        desk_item("a-nodate", a, now, None, (read, true, false), inbox),
        // b: read and past (history), done with, archived, beyond 14 days, a far one that
        // needs action.
        desk_item("b-history", b, now, Some(-24), (read, false, false), inbox),
        desk_item("b-done", b, now, Some(20), (read, false, true), inbox),
        desk_item(
            "b-archived",
            b,
            now,
            Some(20),
            (unread, true, false),
            Folder::Archive,
        ),
        desk_item(
            "b-far",
            b,
            now,
            Some(24 * 20),
            (unread, false, false),
            inbox,
        ),
        desk_item(
            "b-far-action",
            b,
            now,
            Some(24 * 20),
            (read, true, false),
            inbox,
        ),
    ];
    cache.desk_write(&scope, &items, &[]).expect("write");

    let agenda = cache.agenda(&scope, now, 14, None).expect("agenda");
    let ids: Vec<&str> = agenda.iter().map(|r| r.item.summary.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "a-late2",
            "a-late1",
            "a-week",
            "a-ten",
            "b-far-action",
            "a-nodate"
        ],
        "overdue longest first, then soonest, no date last"
    );
    let groups: Vec<AgendaGroup> = agenda.iter().map(|r| r.group).collect();
    assert_eq!(
        groups,
        [
            AgendaGroup::Overdue,
            AgendaGroup::Overdue,
            AgendaGroup::ThisWeek,
            AgendaGroup::Later,
            AgendaGroup::Later,
            AgendaGroup::NoDate
        ]
    );
    let short: Vec<String> = (cache.agenda(&scope, now, 3, Some(a)).expect("agenda"))
        .iter()
        .map(|r| r.item.summary.id.to_string())
        .collect();
    assert_eq!(
        short,
        ["a-late2", "a-late1", "a-week", "a-nodate"],
        "3 days, a only"
    );

    let board = cache.board(&scope, now).expect("board");
    let row = |id: &str| board.iter().find(|r| r.party == id).cloned().expect("row");
    assert_eq!(board.len(), 3, "a row for every party, c with nothing too");
    let (ra, rb, rc) = (row(a), row(b), row(c));
    assert_eq!(
        (ra.unread, ra.requires_attention, ra.due_soon, ra.overdue),
        (2, 2, 2, 2)
    );
    assert_eq!(
        (rb.unread, rb.requires_attention, rb.due_soon, rb.overdue),
        (1, 1, 0, 0),
        "b: the far unread one and the far one needing action; not the archived or done"
    );
    assert!(rc.is_quiet() && rc.newest.is_none());
    assert_eq!(ra.name, "Alfa AS");
    assert_eq!(
        ra.newest,
        items[3]
            .summary
            .last_changed
            .map(|t| chrono::SubsecRound::trunc_subsecs(t.utc(), 3)),
        "its newest, a-ten"
    );
    let mut sorted = board.clone();
    sorted.sort_by_key(innboks::domain::BoardRow::urgency);
    let order: Vec<&str> = sorted.iter().map(|r| r.party.as_str()).collect();
    assert_eq!(order, [a, b, c]);

    let counts = cache.desk_counts(&scope, now, None).expect("counts");
    assert_eq!(
        counts,
        innboks::domain::DeskCounts {
            unread: 3,
            requires_attention: 3,
            due_7d: 1,
            overdue: 2,
            expiring_30d: 0,
        }
    );
    assert_eq!(
        cache
            .desk_counts(&scope, now, Some(b))
            .expect("counts")
            .unread,
        1
    );

    // An expiry told by an opened dialog stays when a search row (without one) comes.
    let mut told = items[3].clone();
    told.expires = Some(now + chrono::Duration::days(10));
    cache.desk_write(&scope, &[told], &[]).expect("write");
    cache
        .desk_write(&scope, &[items[3].clone()], &["b-done".into()])
        .expect("write");
    let kept = cache
        .desk_items(&scope, &["a-ten".into(), "b-done".into()])
        .expect("read");
    assert!(kept["a-ten"].expires.is_some());
    assert!(!kept.contains_key("b-done"), "removed");
    assert_eq!(
        cache
            .desk_counts(&scope, now, None)
            .expect("counts")
            .expiring_30d,
        1
    );

    // What the user did, at once: archived leaves the inbox's counts, restored is back,
    // read is read, confirmed needs nothing, purged is gone.
    use innboks::domain::{DeskTouch, MessageAction};
    let touch = |cache: &mut Cache, id: &str, action| {
        cache
            .desk_touch(&scope, &[(id.to_owned(), DeskTouch::of(action))])
            .expect("touch");
    };
    let counted = |cache: &Cache| {
        let c = cache.desk_counts(&scope, now, None).expect("counts");
        (c.unread, c.requires_attention, c.overdue)
    };
    assert_eq!(counted(&cache), (3, 3, 2));
    touch(&mut cache, "a-late2", MessageAction::Archive);
    assert_eq!(counted(&cache), (2, 3, 1));
    let archived = cache.desk_items(&scope, &["a-late2".into()]).expect("read");
    assert_eq!(archived["a-late2"].summary.status, MessageStatus::Archived);
    touch(&mut cache, "a-late2", MessageAction::Restore);
    assert_eq!(counted(&cache), (3, 3, 2));
    touch(&mut cache, "a-late2", MessageAction::MarkRead);
    assert_eq!(
        counted(&cache),
        (2, 3, 1),
        "a letter that pressed only for being unread is history once read, as the next \
         sync's mapping would have it (a form would still press)"
    );
    let read = cache.desk_items(&scope, &["a-late2".into()]).expect("read");
    assert_eq!(read["a-late2"].summary.status, MessageStatus::Read);
    touch(&mut cache, "a-late2", MessageAction::MarkUnread);
    assert_eq!(counted(&cache), (3, 3, 2));
    assert!(
        cache.desk_items(&scope, &["a-late2".into()]).expect("read")["a-late2"]
            .summary
            .is_unread()
    );
    touch(&mut cache, "a-late1", MessageAction::Confirm);
    assert_eq!(counted(&cache), (3, 2, 1), "confirmed: done with");
    touch(&mut cache, "a-nodate", MessageAction::Purge);
    assert_eq!(counted(&cache), (3, 1, 1));
    assert!(cache
        .desk_items(&scope, &["a-nodate".into()])
        .expect("read")
        .is_empty());

    // Each event about each dialog once.
    assert!(cache
        .desk_note_event(&scope, "a-ten", DeskEventKind::New)
        .expect("note"));
    assert!(!cache
        .desk_note_event(&scope, "a-ten", DeskEventKind::New)
        .expect("note"));
    assert!(cache
        .desk_note_event(&scope, "a-ten", DeskEventKind::DueSoon)
        .expect("note"));
    let other = innboks::cache::DeskScope {
        env: "test".into(),
        user: "ola".into(),
    };
    assert!(cache
        .desk_note_event(&other, "a-ten", DeskEventKind::New)
        .expect("note"));
    assert!(
        cache.board(&other, now).expect("board").is_empty(),
        "Ola's desk is his own"
    );
}

/// The full-text index over the kept bodies: words as prefixes, all of them, case and
/// diacritics folded, FTS syntax in a word taken as text; a body kept again replaces its
/// text; a cache made before the index gets it from its bodies when opened.
#[test]
fn the_bodies_are_searched_by_their_words_and_an_older_cache_is_indexed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite3");
    let letter = |i: usize, body: &str| Message {
        summary: summary(i),
        summary_text: None,
        body: body.into(),
        attachments: Vec::new(),
        archive_reference: None,
        portal_url: None,
        links: Vec::new(),
        history: Vec::new(),
        thread: Vec::new(),
        expires: None,
    };
    let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let ids = |set: std::collections::HashSet<String>| {
        let mut v: Vec<String> = set.into_iter().collect();
        v.sort();
        v
    };
    {
        let mut cache = Cache::open(&path).expect("open");
        cache
            .store_body(
                &scope("my"),
                &letter(1, "Du får 12 400 kroner tilbake på skatten."),
            )
            .expect("body");
        cache
            .store_body(
                &scope("other"),
                &letter(2, "Restskatt: betal innen fristen. Påløpte renter."),
            )
            .expect("body");
        let one = summary(1).id;
        let two = summary(2).id;
        assert_eq!(
            ids(cache.search_bodies(&words(&["krone"])).expect("q")),
            vec![one.clone()]
        );
        assert_eq!(
            ids(cache.search_bodies(&words(&["skatt"])).expect("q")),
            vec![one.clone()]
        );
        assert_eq!(
            ids(cache
                .search_bodies(&words(&["restsk", "frist"]))
                .expect("q")),
            vec![two.clone()]
        );
        assert_eq!(
            ids(cache.search_bodies(&words(&["paløpte"])).expect("q")),
            vec![two.clone()],
            "å folded"
        );
        assert!(
            cache
                .search_bodies(&words(&["kroner", "frist"]))
                .expect("q")
                .is_empty(),
            "every word"
        );
        assert!(
            cache
                .search_bodies(&words(&["\"x OR kroner"]))
                .expect("q")
                .is_empty(),
            "no FTS syntax"
        );
        assert!(cache.search_bodies(&[]).expect("q").is_empty());
        cache
            .store_body(&scope("my"), &letter(1, "Endret brev."))
            .expect("again");
        assert!(
            cache
                .search_bodies(&words(&["kroner"]))
                .expect("q")
                .is_empty(),
            "replaced"
        );
    }
    // As a cache from before the index: the table gone, the bodies kept.
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute_batch("DROP TABLE bodies_text").expect("drop");
    }
    let cache = Cache::open(&path).expect("reopen");
    assert_eq!(
        ids(cache.search_bodies(&words(&["renter"])).expect("q")),
        vec![summary(2).id],
        "indexed from the kept bodies"
    );
}
