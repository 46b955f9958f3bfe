//! The Altinn 3 backend against the simulator: parties, pages by continuation token, a
//! preview that opens nothing, an open that reads the markdown content with the dialog's
//! token, folders and unread as system labels, confirmation through Correspondence, and an
//! attachment downloaded with the dialog's token.

mod common;

use common::{all, query};

use innboks::backend::Backend;
use innboks::domain::{
    ApiError, Cursor, Folder, Inbox, MessageAction, MessageKind, MessageStatus, Query,
};
use innboks::sim::Simulator;

async fn start(messages: usize) -> (Simulator, Backend) {
    let sim = common::start_altinn3(messages).await;
    let backend = common::altinn3_backend(&sim).await;
    (sim, backend)
}

#[tokio::test]
async fn the_altinn3_inbox_lists_previews_opens_and_files_through_labels() {
    let (sim, backend) = start(1200).await;
    assert!(!backend.capabilities().password_login && backend.capabilities().altinn3_verbs);
    let parties = backend.parties().await.expect("parties");
    assert_eq!(parties[0].name, "KARI NORDMANN");
    assert!(
        parties.iter().any(|p| p.name.ends_with("(slettet)")),
        "a deleted org is marked"
    );
    assert!(
        !parties.iter().any(|p| p.name.contains("(SLETTET)")),
        "and marked once: {:?}",
        parties.iter().map(|p| &p.name).collect::<Vec<_>>()
    );
    assert!(
        !parties.iter().any(|p| p.name == "NORDMANN HOLDING AS"),
        "a sub-party-only parent is left out"
    );
    assert_eq!(
        backend.profile().await.expect("profile").name,
        "Kari Nordmann"
    );

    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    assert!(inbox.len() > 500, "more than one page: {}", inbox.len());
    let ids: std::collections::HashSet<&str> = inbox.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), inbox.len(), "no dialog twice");
    assert!(
        inbox
            .windows(2)
            .all(|w| w[0].last_changed >= w[1].last_changed),
        "newest first"
    );

    let letter = inbox
        .iter()
        .find(|m| {
            m.kind == MessageKind::Correspondence
                && m.is_unread()
                && m.attachment_count.unwrap_or(0) > 0
        })
        .expect("an unread letter with an attachment")
        .clone();
    let before = sim.stats().requests.clone();
    let preview = backend
        .preview(&Inbox::Me, &letter.id)
        .await
        .expect("preview");
    assert_eq!(preview.summary.subject, letter.subject);
    assert_eq!(sim.stats().requests, before, "a preview sends nothing");

    let opened = backend.open(&Inbox::Me, &letter.id).await.expect("open");
    assert!(
        opened.body.contains("Saksnummer"),
        "the markdown content, as text: {}",
        opened.body
    );
    assert!(
        opened.links.iter().any(|l| l.starts_with("https://")),
        "numbered links: {:?}",
        opened.links
    );
    assert!(!opened.attachments.is_empty());
    assert!(
        opened
            .history
            .iter()
            .any(|e| e.what == "Opprettet" && e.at.is_some()),
        "the activities, in words: {:?}",
        opened.history
    );
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("vedlegg");
    let mut file = tokio::fs::File::create(&path).await.expect("file");
    let bytes = backend
        .download(&opened.attachments[0].url, &mut file, |_| {})
        .await
        .expect("download")
        .bytes;
    assert!(bytes > 100);
    assert!(std::fs::read(&path).expect("read").starts_with(b"%PDF"));
    let read = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    assert!(
        !read
            .iter()
            .find(|m| m.id == letter.id)
            .expect("still there")
            .is_unread(),
        "opening marked it read"
    );

    // Archive, find it in the archive, restore it, mark it unread.
    backend
        .act(&Inbox::Me, &letter.id, MessageAction::Archive)
        .await
        .expect("archive");
    let archive = all(&backend, &Inbox::Me, &query(Folder::Archive)).await;
    assert!(archive
        .iter()
        .any(|m| m.id == letter.id && m.status == MessageStatus::Archived));
    backend
        .act(&Inbox::Me, &letter.id, MessageAction::Restore)
        .await
        .expect("restore");
    backend
        .act(&Inbox::Me, &letter.id, MessageAction::MarkUnread)
        .await
        .expect("unread");
    let back = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let again = back
        .iter()
        .find(|m| m.id == letter.id)
        .expect("back in the inbox");
    assert!(again.is_unread(), "marked unread");
    backend
        .act(&Inbox::Me, &letter.id, MessageAction::Delete)
        .await
        .expect("bin");
    let trash = all(&backend, &Inbox::Me, &query(Folder::Trash)).await;
    assert!(trash.iter().any(|m| m.id == letter.id));

    // A letter that asks for a confirmation is confirmed through Correspondence.
    sim.deliver_with(0, |m| {
        m.subject = "Bekreft mottak av vedtak".into();
        m.requires_confirmation = true;
    });
    let fresh = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let needs = fresh
        .iter()
        .find(|m| m.requires_confirmation)
        .expect("needs confirmation")
        .clone();
    backend
        .act(&Inbox::Me, &needs.id, MessageAction::Confirm)
        .await
        .expect("confirm");
    let after = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    assert!(
        !after
            .iter()
            .find(|m| m.id == needs.id)
            .expect("there")
            .requires_confirmation
    );

    // Search at Altinn, and what Altinn 3 refuses in words.
    let found = all(
        &backend,
        &Inbox::Me,
        &Query {
            search: Some("skattemelding".into()),
            ..Query::default()
        },
    )
    .await;
    assert!(
        !found.is_empty()
            && found
                .iter()
                .all(|m| m.subject.to_lowercase().contains("skattemelding"))
    );
    let odata = backend
        .page(
            &Inbox::Me,
            &Query {
                raw_filter: Some("Status eq 'Ulest'".into()),
                ..Query::default()
            },
            &Cursor::Offset(0),
        )
        .await;
    assert!(matches!(odata, Err(ApiError::Unsupported { .. })));
    let expired = backend
        .download("urn:dialogporten:expired", &mut tokio::io::sink(), |_| {})
        .await
        .expect_err("expired");
    assert!(expired.to_string().contains("utløpt"));
}

#[tokio::test]
async fn a_stale_revision_is_refused_and_said_in_words() {
    let (sim, backend) = start(40).await;
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let id = inbox[0].id.clone();
    sim.set_faults("conflict=1".parse().expect("spec"));
    let error = backend
        .act(&Inbox::Me, &id, MessageAction::Archive)
        .await
        .expect_err("412");
    assert!(matches!(error, ApiError::Server { status: 412, .. }));
    assert!(
        error.to_string().contains("endret et annet sted"),
        "{error}"
    );
    sim.set_faults(Default::default());
    backend
        .act(&Inbox::Me, &id, MessageAction::Archive)
        .await
        .expect("a retry works");
}

#[tokio::test]
async fn hostile_markdown_and_titles_reach_the_screen_harmless() {
    let (sim, backend) = start(20).await;
    let table: String = (0..10_000)
        .map(|i| format!("<tr><th>rad {i}</th><td>verdi</td></tr>"))
        .collect();
    sim.deliver_with(0, |m| {
        m.subject = "Viktig\u{1b}]0;pwned\u{7} melding \u{202e}fdp.exe\u{1b}[2J".into();
        m.summary = "\u{1b}[31mrød\u{1b}[0m".into();
        m.body = format!(
            "<p>Klikk <a href=\"javascript:alert(1)\">her\u{1b}]8;;https://evil.example\u{7}</a> og \
             <a href=\"data:text/html,<script>x</script>\">der</a>.</p>\
             <p><script>alert(2)</script><img src=x onerror=alert(3)>Rå HTML</p>\
             <p>\u{1b}]52;c;ZXZpbA==\u{7}utklipp</p><table>{table}</table>"
        );
    });
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let hostile = inbox
        .iter()
        .find(|m| m.subject.starts_with("Viktig"))
        .expect("delivered");
    let bad = |text: &str, multiline: bool| {
        text.chars()
            .find(|c| common::forbidden_on_a_terminal(*c, multiline))
    };
    assert_eq!(bad(&hostile.subject, false), None, "{:?}", hostile.subject);
    let opened = backend.open(&Inbox::Me, &hostile.id).await.expect("open");
    assert_eq!(bad(&opened.body, true), None);
    assert!(opened.body.contains("rad 9999"), "the whole table");
    assert!(!opened.body.contains("<script>"), "no raw tags");
    assert!(
        opened.links.iter().all(|l| l.starts_with("https://")
            || l.starts_with("http://")
            || l.starts_with("mailto:")),
        "only web and mail links can be copied: {:?}",
        opened.links
    );

    // And on the screen: the list row, the detail pane with its thread, and the history.
    use innboks::app::update::update;
    use innboks::app::{App, Msg, Screen};
    let mut app = App::new(innboks::app::Settings::new("demo"));
    app.settings.capabilities = backend.capabilities();
    update(
        &mut app,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    app.screen = Screen::Inbox;
    app.inbox.messages = vec![hostile.clone()].into();
    app.inbox.sources = vec![innboks::app::Source::new(Inbox::Me)];
    app.inbox.loaded_once = true;
    app.opened.insert(hostile.id.to_string());
    app.bodies.insert(hostile.id.to_string(), opened.clone());
    app.detail.id = Some(hostile.id.to_string());
    let theme = innboks::ui::Theme::ansi();
    for history in [false, true] {
        app.detail.history = history;
        for scroll in [0u16, 40, 2_000] {
            app.detail.scroll = scroll;
            let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40))
                .expect("terminal");
            terminal
                .draw(|frame| innboks::ui::draw(&app, &theme, frame))
                .expect("draw");
            let cells: String = terminal
                .backend()
                .buffer()
                .content()
                .iter()
                .map(|cell| cell.symbol())
                .collect();
            assert_eq!(
                bad(&cells, false),
                None,
                "history {history}, scroll {scroll}"
            );
            assert!(
                !cells.contains("[2J") && !cells.contains("]52;"),
                "no remnants"
            );
        }
    }
}

fn dialog_requests(sim: &Simulator) -> u64 {
    sim.stats()
        .requests
        .iter()
        .filter(|(k, _)| k.contains("/enduser/dialogs"))
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test]
async fn the_fault_matrix_against_the_altinn3_backend() {
    use innboks::domain::MessagePage;
    let (sim, backend) = start(60).await;
    let first = backend
        .page(&Inbox::Me, &query(Folder::Inbox), &Cursor::Offset(0))
        .await
        .expect("clean");
    let count = first.messages.len();
    type Outcome = fn(&Result<MessagePage, ApiError>, usize) -> bool;
    let matrix: [(&str, Outcome); 8] = [
        (
            "5xx=1",
            |r, _| matches!(r, Err(ApiError::Server { status, .. }) if *status >= 500),
        ),
        ("reset=1", |r, _| matches!(r, Err(ApiError::Network { .. }))),
        ("truncate=1", |r, _| {
            matches!(r, Err(ApiError::Network { .. }))
        }),
        ("malformed=1", |r, _| {
            matches!(r, Err(ApiError::Malformed { .. }))
        }),
        ("slow=1", |r, n| {
            r.as_ref().is_ok_and(|p| p.messages.len() == n)
        }),
        ("content-type=1", |r, n| {
            r.as_ref().is_ok_and(|p| p.messages.len() == n)
        }),
        ("latency=20..40", |r, n| {
            r.as_ref().is_ok_and(|p| p.messages.len() == n)
        }),
        ("maintenance=1", |r, _| {
            matches!(r, Err(ApiError::Server { status: 503, .. }))
        }),
    ];
    for (fault, expected) in matrix {
        sim.set_faults(fault.parse().expect("spec"));
        let before = dialog_requests(&sim);
        let result = backend
            .page(&Inbox::Me, &query(Folder::Inbox), &Cursor::Offset(0))
            .await;
        let tries = dialog_requests(&sim) - before;
        sim.set_faults(Default::default());
        assert!(expected(&result, count), "{fault}: {result:?}");
        assert!(tries <= 4, "{fault}: {tries} tries, bounded");
        if let Err(error) = &result {
            assert!(!error.to_string().is_empty());
        }
    }
    // 429 is waited out.
    sim.faults().throttle_next(1, 1);
    let page = backend
        .page(&Inbox::Me, &query(Folder::Inbox), &Cursor::Offset(0))
        .await;
    assert!(
        page.is_ok_and(|p| p.messages.len() == count),
        "after Retry-After"
    );
}

/// Purge is for the trash bin only; it goes to Correspondence with the dialog's token, is
/// refused in words before a required confirmation, and leaves the dialog gone for good.
#[tokio::test]
async fn a_letter_is_purged_only_from_the_trash_and_is_then_gone() {
    let (sim, backend) = start(40).await;
    sim.deliver_with(0, |m| {
        m.subject = "Bekreft mottak før sletting".into();
        m.requires_confirmation = true;
    });
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let letter = inbox
        .iter()
        .find(|m| m.kind == MessageKind::Correspondence && !m.requires_confirmation)
        .expect("a letter")
        .clone();
    let not_yet = backend
        .act(&Inbox::Me, &letter.id, MessageAction::Purge)
        .await
        .expect_err("not from the inbox");
    assert!(matches!(not_yet, ApiError::Unsupported { .. }), "{not_yet}");
    assert!(not_yet.to_string().contains("papirkurven"), "{not_yet}");
    backend
        .act(&Inbox::Me, &letter.id, MessageAction::Delete)
        .await
        .expect("to the bin");
    backend
        .act(&Inbox::Me, &letter.id, MessageAction::Purge)
        .await
        .expect("purged");
    let trash = all(&backend, &Inbox::Me, &query(Folder::Trash)).await;
    assert!(
        !trash.iter().any(|m| m.id == letter.id),
        "gone from the bin"
    );
    let gone = backend
        .open(&Inbox::Me, &letter.id)
        .await
        .expect_err("gone for good");
    assert!(
        matches!(gone, ApiError::Server { status: 410, .. }),
        "{gone:?}"
    );

    // Correspondence refuses a purge before the confirmation it asks for, in our words.
    let needs = inbox
        .iter()
        .find(|m| m.requires_confirmation)
        .expect("needs confirmation")
        .clone();
    backend
        .act(&Inbox::Me, &needs.id, MessageAction::Delete)
        .await
        .expect("to the bin");
    let refused = backend
        .act(&Inbox::Me, &needs.id, MessageAction::Purge)
        .await
        .expect_err("confirm first");
    assert!(
        refused.to_string().contains("mottaket må bekreftes"),
        "{refused}"
    );
}

/// An incremental sync: `updatedAfter` the newest row gives nothing when nothing changed,
/// in one request, and just the new dialog when one arrives.
#[tokio::test]
async fn only_what_changed_since_the_newest_row() {
    let (sim, backend) = start(300).await;
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let newest = inbox.iter().filter_map(|m| m.last_changed).max();
    let changes = Query {
        updated_after: newest.map(innboks::domain::Stamp::utc),
        ..query(Folder::Inbox)
    };
    let before = dialog_requests(&sim);
    let nothing = backend
        .page(&Inbox::Me, &changes, &Cursor::Offset(0))
        .await
        .expect("changes");
    assert_eq!(dialog_requests(&sim) - before, 1, "one request");
    assert!(
        nothing.messages.iter().all(|m| m.last_changed == newest),
        "at most the newest second again: {:?}",
        nothing.messages.len()
    );
    assert!(!nothing.has_more);
    sim.deliver_with(0, |m| m.subject = "Ny melding etter synk".into());
    let new = backend
        .page(&Inbox::Me, &changes, &Cursor::Offset(0))
        .await
        .expect("changes");
    assert!(
        new.messages
            .iter()
            .any(|m| m.subject == "Ny melding etter synk"),
        "the new dialog"
    );
    assert!(
        new.messages.len() <= 2,
        "and little else: {}",
        new.messages.len()
    );
}

#[tokio::test]
async fn a_sender_seen_before_is_asked_of_dialogporten_by_its_org_code() {
    let (_sim, backend) = start(2_500).await;
    let inbox_query = query(Folder::Inbox);
    // The whole inbox, unfiltered, teaches the backend who sends what.
    let everything = all(&backend, &Inbox::Me, &inbox_query).await;
    assert!(everything.len() > 1_000, "more than one page");
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for m in &everything {
        *counts.entry(m.sender().to_owned()).or_default() += 1;
    }
    let (sender, count) = counts
        .iter()
        .filter(|(_, n)| **n < 1_000)
        .max_by_key(|(_, n)| **n)
        .map(|(s, n)| (s.clone(), *n))
        .expect("a sender");
    let mut filtered = inbox_query.clone();
    filtered.filters.sender = Some(sender.to_uppercase());
    // Two pages hold all of them (a first of 100, then a large one): Dialogporten filtered
    // by `org`, not the client a page of everything at a time.
    let mut found = Vec::new();
    let mut cursor = Cursor::Offset(0);
    let mut pages = 0;
    loop {
        let page = backend
            .page(&Inbox::Me, &filtered, &cursor)
            .await
            .expect("page");
        pages += 1;
        found.extend(page.messages);
        match page.next {
            Some(next) if page.has_more => cursor = Cursor::Next(next),
            _ => break,
        }
    }
    assert!(pages <= 2, "{sender}: {count} in {pages} pages");
    assert_eq!(found.len(), count, "{sender}");
    assert!(found
        .iter()
        .all(|m| m.sender().eq_ignore_ascii_case(&sender)));
    // A sender never seen is still filtered, by name, on what comes back.
    let mut unknown = inbox_query.clone();
    unknown.filters.sender = Some("Ingen slik avsender".into());
    let page = backend
        .page(&Inbox::Me, &unknown, &Cursor::Offset(0))
        .await
        .expect("page");
    assert!(page.messages.is_empty());
}

/// Bulk label changes sent, and every request sent, so far.
fn bulk_and_all(sim: &Simulator) -> (u64, u64) {
    let requests = sim.stats().requests;
    let bulk = (requests.iter())
        .filter(|(route, _)| route.contains("/actions/bulkset"))
        .map(|(_, n)| n)
        .sum();
    (bulk, requests.values().sum())
}

/// The inbox's rows by id: whether each is unread and marked unread.
async fn unread_by_id(backend: &Backend) -> std::collections::HashMap<String, (bool, bool)> {
    all(backend, &Inbox::Me, &query(Folder::Inbox))
        .await
        .into_iter()
        .map(|m| (m.id.to_string(), (m.is_unread(), m.marked_unread)))
        .collect()
}

/// A bulk archive of 250 dialogs is 3 requests and nothing else; putting the labels back
/// brings each back as it was, one marked unread among them.
#[tokio::test]
async fn a_bulk_archive_of_250_dialogs_is_3_requests_and_is_put_back() {
    use innboks::domain::{BulkTarget, Labels};
    let (sim, backend) = start(1200).await;
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    assert!(inbox.len() >= 250, "{}", inbox.len());
    let chosen: Vec<String> = inbox.iter().take(250).map(|m| m.id.to_string()).collect();
    let flagged = chosen
        .iter()
        .zip(&inbox)
        .find(|(_, m)| !m.is_unread())
        .map(|(id, _)| id.clone())
        .expect("a read one");
    backend
        .act(&Inbox::Me, &flagged, MessageAction::MarkUnread)
        .await
        .expect("marked unread");
    let before = unread_by_id(&backend).await;
    assert_eq!(before[&flagged], (true, true));

    let targets: Vec<BulkTarget> = (chosen.iter())
        .map(|id| BulkTarget {
            inbox: Inbox::Me,
            id: id.clone(),
            shown: Labels::shown(Folder::Inbox, false),
        })
        .collect();
    let (bulk, sent) = bulk_and_all(&sim);
    let mut heard = Vec::new();
    let outcomes = backend
        .act_many(&targets, MessageAction::Archive, |done| heard.push(done))
        .await;
    assert_eq!(
        bulk_and_all(&sim),
        (bulk + 3, sent + 3),
        "3 requests, all bulk"
    );
    assert_eq!(heard, [100, 200, 250]);
    let ids: Vec<&str> = outcomes.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, chosen, "one outcome each, in order");
    assert!(
        outcomes.iter().all(|o| o.result == Ok(None)),
        "{outcomes:?}"
    );
    let labels: std::collections::HashMap<&str, Labels> = (outcomes.iter())
        .map(|o| (o.id.as_str(), o.before.expect("the labels before")))
        .collect();
    assert_eq!(
        labels[flagged.as_str()],
        Labels::shown(Folder::Inbox, true),
        "from what the backend saw listed and changed"
    );
    let archive: std::collections::HashSet<String> =
        (all(&backend, &Inbox::Me, &query(Folder::Archive)).await)
            .into_iter()
            .map(|m| m.id.to_string())
            .collect();
    assert!(chosen.iter().all(|id| archive.contains(id)), "all archived");
    let left = unread_by_id(&backend).await;
    assert!(chosen.iter().all(|id| !left.contains_key(id)), "none left");

    // Put back: one request per set of labels and hundred (249 + 1: 3 + 1).
    let back: Vec<(String, Labels)> = (outcomes.iter())
        .filter_map(|o| Some((o.id.clone(), o.before?)))
        .collect();
    let (bulk, _) = bulk_and_all(&sim);
    let put = backend.put_back(&back, |_| {}).await;
    assert!(put.iter().all(|o| o.result.is_ok()), "{put:?}");
    assert_eq!(bulk_and_all(&sim).0, bulk + 4);
    let after = unread_by_id(&backend).await;
    for id in &chosen {
        assert_eq!(after.get(id), before.get(id), "{id} as it was");
    }

    // A backend that never listed them (the CLI's) takes the labels shown.
    let fresh = common::altinn3_backend(&sim).await;
    let outcomes = fresh
        .act_many(&targets[..3], MessageAction::Delete, |_| {})
        .await;
    assert!(outcomes
        .iter()
        .all(|o| o.result.is_ok() && o.before == Some(Labels::shown(Folder::Inbox, false))));
}

/// A request the server refuses (one dialog in it does not exist: all or nothing) fails
/// its own dialogs with the server's words; the requests before and after it still go.
#[tokio::test]
async fn a_refused_bulk_request_fails_only_its_own_dialogs() {
    use innboks::domain::{BulkTarget, Labels};
    let (sim, backend) = start(1200).await;
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let mut ids: Vec<String> = inbox.iter().take(250).map(|m| m.id.to_string()).collect();
    ids.insert(150, "0190aaaa-0000-7000-8000-000000000000".into());
    let targets: Vec<BulkTarget> = (ids.iter())
        .map(|id| BulkTarget {
            inbox: Inbox::Me,
            id: id.clone(),
            shown: Labels::shown(Folder::Inbox, false),
        })
        .collect();
    let (bulk, _) = bulk_and_all(&sim);
    let outcomes = backend
        .act_many(&targets, MessageAction::Archive, |_| {})
        .await;
    assert_eq!(bulk_and_all(&sim).0, bulk + 3);
    for (i, outcome) in outcomes.iter().enumerate() {
        if (100..200).contains(&i) {
            assert!(
                matches!(&outcome.result, Err(ApiError::Server { status: 404, reason }) if reason.contains("not found")),
                "{i}: {outcome:?}"
            );
            assert_eq!(outcome.before, None);
        } else {
            assert_eq!(outcome.result, Ok(None), "{i}");
        }
    }
    let archive: std::collections::HashSet<String> =
        (all(&backend, &Inbox::Me, &query(Folder::Archive)).await)
            .into_iter()
            .map(|m| m.id.to_string())
            .collect();
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(archive.contains(id), !(100..200).contains(&i), "{i}");
    }
}

/// A verb that is not a label goes one dialog at a time, in bulk as alone.
#[tokio::test]
async fn a_bulk_mark_read_opens_each_dialog() {
    use innboks::domain::{BulkTarget, Labels};
    let (sim, backend) = start(200).await;
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let targets: Vec<BulkTarget> = (inbox.iter().take(5))
        .map(|m| BulkTarget {
            inbox: Inbox::Me,
            id: m.id.to_string(),
            shown: Labels::shown(Folder::Inbox, m.marked_unread),
        })
        .collect();
    let (bulk, sent) = bulk_and_all(&sim);
    let outcomes = backend
        .act_many(&targets, MessageAction::MarkRead, |_| {})
        .await;
    assert!(outcomes
        .iter()
        .all(|o| o.result.is_ok() && o.before.is_none()));
    assert_eq!(bulk_and_all(&sim), (bulk, sent + 5), "one GET each");
}
