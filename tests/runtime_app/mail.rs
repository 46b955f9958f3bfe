//! The mail: errors and recovery, attachments, folders, hostile text, filters, the merged view, previews.

use super::*;

#[tokio::test]
async fn a_server_error_is_shown_and_r_recovers() {
    let sim = common::start(60).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    let loaded = h.app.inbox.messages.len();
    // The server fails until told otherwise: every page (four go at once) spends its tries.
    sim.faults().fail_next(1_000, 500);
    h.key(KeyCode::Char('G'));
    h.until("the error", |app| {
        matches!(app.status, Some(Status::Error(_))) && !app.inbox.is_loading()
    })
    .await;
    sim.faults().fail_next(0, 500);
    assert!(matches!(&h.app.status, Some(Status::Error(e)) if e.contains("500")));
    assert_eq!(h.app.inbox.messages.len(), loaded, "nothing lost");
    h.key(KeyCode::Char('r'));
    h.until("the retried page", |app| app.inbox.exhausted())
        .await;
    assert_eq!(h.app.inbox.messages.len(), inbox_size(60));
    assert!(!matches!(h.app.status, Some(Status::Error(_))));
}

#[tokio::test]
async fn attachments_are_saved_without_overwriting() {
    let sim = common::start(80).await;
    let mut h = Harness::new(&sim);
    let downloads = tempfile::tempdir().expect("downloads");
    h.app.settings.download_dir = Some(downloads.path().to_owned());
    h.login().await;
    let world = innboks::sim::data::World::generate(&innboks::sim::data::WorldOptions {
        seed: 42,
        messages: 80,
        parties: 0,
        anchor: common::anchor(),
    });
    let target = world.mailboxes[0]
        .iter()
        .position(|m| m.required_level == 1 && !m.attachments.is_empty())
        .expect("a message with an attachment");
    while h.app.inbox.selected < target {
        h.key(KeyCode::Char('j'));
    }
    h.key(KeyCode::Enter);
    h.until("the message", |app| {
        app.detail.request.is_none() && app.detail_message().is_some()
    })
    .await;
    h.key(KeyCode::Char('v'));
    assert_eq!(h.app.attachment_choice(), Some(0));
    for round in 0..2 {
        h.key(KeyCode::Char('S'));
        h.until(
            "the saved file",
            |app| matches!(&app.status, Some(Status::Info(t)) if t.starts_with("Lagret ")),
        )
        .await;
        let expected = &world.mailboxes[0][target].attachments[0];
        let name = if round == 0 {
            expected.file_name.clone()
        } else {
            let (stem, ext) = expected.file_name.rsplit_once('.').expect("extension");
            format!("{stem} (1).{ext}")
        };
        let bytes = std::fs::read(downloads.path().join(&name)).expect("saved file");
        assert_eq!(bytes, expected.bytes(), "identical to the server's bytes");
        h.app.status = None;
    }
    h.key(KeyCode::Esc);
    assert_eq!(h.app.attachment_choice(), None);
}

#[tokio::test]
async fn archive_then_find_it_in_the_archive_view_and_deleted_in_the_trash() {
    let sim = common::start(60).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    // A message that can be archived right away and opened with a password session.
    let world = innboks::sim::data::World::generate(&innboks::sim::data::WorldOptions {
        seed: 42,
        messages: 60,
        parties: 0,
        anchor: common::anchor(),
    });
    let target = world.mailboxes[0]
        .iter()
        .filter(|m| m.status != innboks::sim::data::SimStatus::Archived)
        .position(|m| !m.requires_confirmation && m.required_level == 1)
        .expect("an archivable message");
    while h.app.inbox.selected < target {
        h.key(KeyCode::Char('j'));
    }
    let id = h
        .app
        .inbox
        .selected_message()
        .map(|m| m.id.to_string())
        .expect("selected");
    h.key(KeyCode::Char('a'));
    h.until(
        "the archive",
        |app| matches!(&app.status, Some(Status::Info(t)) if t.contains("arkivet")),
    )
    .await;
    assert!(h.app.inbox.messages.iter().all(|m| m.id != id));
    h.key(KeyCode::Char('V'));
    h.until("the archive view", |app| {
        app.inbox.loaded_once && !app.inbox.is_loading()
    })
    .await;
    assert!(h
        .app
        .inbox
        .messages
        .iter()
        .all(|m| m.status == innboks::domain::MessageStatus::Archived));
    assert!(h.app.inbox.messages.iter().any(|m| m.id.starts_with('b')));
    h.key(KeyCode::Char('V'));
    h.until("the trash view", |app| {
        app.inbox.loaded_once && !app.inbox.is_loading()
    })
    .await;
    assert!(h.app.inbox.messages.is_empty(), "nothing deleted yet");
    h.key(KeyCode::Char('V'));
    h.until("the inbox again", |app| {
        app.inbox.loaded_once && !app.inbox.is_loading()
    })
    .await;
    let victim = h.app.inbox.messages[0].id.clone();
    h.key(KeyCode::Char('g'));
    h.key(KeyCode::Char('d'));
    h.key(KeyCode::Char('y'));
    h.until(
        "the delete",
        |app| matches!(&app.status, Some(Status::Info(t)) if t.contains("papirkurven")),
    )
    .await;
    h.key(KeyCode::Char('V'));
    h.key(KeyCode::Char('V'));
    h.until("the trash view", |app| {
        app.folder == innboks::domain::Folder::Trash
            && app.inbox.loaded_once
            && !app.inbox.is_loading()
    })
    .await;
    assert_eq!(
        h.app
            .inbox
            .messages
            .iter()
            .map(|m| m.id.to_string())
            .collect::<Vec<_>>(),
        vec![victim]
    );
}

#[tokio::test]
async fn a_hostile_message_is_drawn_harmlessly() {
    let sim = innboks::sim::Simulator::start(innboks::sim::SimConfig {
        hostile: true,
        ..common::config(30)
    })
    .await
    .expect("sim");
    let mut h = Harness::new(&sim);
    h.login().await;
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Enter);
    h.until("the hostile message", |app| {
        app.detail.request.is_none()
            && app
                .detail_message()
                .is_some_and(|m| m.summary.id == innboks::sim::data::HOSTILE_ID)
    })
    .await;
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|frame| innboks::ui::draw(&h.app, &innboks::ui::Theme::ansi(), frame))
        .expect("draw");
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("Viktig"), "{screen}");
    for bad in [
        '\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{200b}', '\u{200f}',
    ] {
        assert!(!screen.contains(bad), "{bad:?} reached the screen");
    }
    assert!(!screen.contains("<script>"), "HTML is turned into text");
}

#[tokio::test]
async fn filters_go_to_the_server_for_the_whole_mailbox_and_combine() {
    let sim = common::start(200).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    h.apply(Msg::Tick(std::time::SystemTime::now()));
    h.key(KeyCode::Char('f'));
    h.key(KeyCode::Char('u'));
    h.until("the unread", settled).await;
    assert!(h.app.filters.unread);
    assert!(!h.app.inbox.messages.is_empty());
    assert!(h.app.inbox.messages.iter().all(|m| m.is_unread()));
    h.key(KeyCode::Char('t'));
    h.until("unread letters", settled).await;
    assert!(h
        .app
        .inbox
        .messages
        .iter()
        .all(|m| m.is_unread() && m.kind == innboks::domain::MessageKind::Correspondence));
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('F'));
    h.until("one sender", settled).await;
    let sender = h.app.filters.sender.clone().expect("a sender");
    assert!(h
        .app
        .inbox
        .messages
        .iter()
        .all(|m| m.service_owner == sender
            && m.is_unread()
            && m.kind == innboks::domain::MessageKind::Correspondence));
    h.key(KeyCode::Char('f'));
    h.key(KeyCode::Char('x'));
    h.until("all again", settled).await;
    assert!(h.app.filters.is_empty());
    assert_eq!(h.app.inbox.messages.len(), 50);
}

#[tokio::test]
async fn needs_confirmation_is_filtered_locally_over_the_loaded_pages() {
    let sim = common::start(2000).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    h.key(KeyCode::Char('f'));
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Esc);
    // Few rows pass, so pages keep coming until the screen is full or the mailbox ends.
    h.until("a full screen", |app| {
        !app.inbox.is_loading() && app.inbox.hidden.len() > 50
    })
    .await;
    let rows = h.app.layout().list_rows();
    let shown = h.app.inbox.messages.len();
    assert!(
        shown >= rows || h.app.inbox.exhausted(),
        "{shown} rows for {rows}"
    );
    assert!(h.app.inbox.messages.iter().all(|m| m.requires_confirmation));
    let loaded = shown + h.app.inbox.hidden.len();
    assert_eq!(
        loaded, h.app.inbox.sources[0].next_skip,
        "nothing lost or doubled"
    );
    // Going down loads more, filtered the same way.
    h.key(KeyCode::Char('G'));
    h.until("more", |app| !app.inbox.is_loading()).await;
    assert!(h.app.inbox.all_loaded().count() > loaded);
    assert!(h.app.inbox.messages.iter().all(|m| m.requires_confirmation));
    // Off: every loaded message is back.
    h.key(KeyCode::Char('f'));
    h.key(KeyCode::Char('b'));
    assert!(h.app.inbox.hidden.is_empty());
}

#[tokio::test]
async fn all_reportees_merge_into_one_list_and_actions_go_to_the_right_inbox() {
    let sim = common::start(120).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    h.key(KeyCode::Char(':'));
    h.text("all");
    h.key(KeyCode::Enter);
    assert!(h.app.command_line().is_none());
    h.until("every inbox's first page", |app| {
        app.inbox.sources.len() == 3 && app.inbox.sources.iter().all(|s| s.has_answered())
    })
    .await;
    let owners: std::collections::BTreeSet<String> = h
        .app
        .inbox
        .messages
        .iter()
        .filter_map(|m| m.owner.as_ref().map(|o| o.to_string()))
        .collect();
    assert_eq!(owners.len(), 3, "rows from every reportee: {owners:?}");
    let dates: Vec<_> = h
        .app
        .inbox
        .messages
        .iter()
        .map(|m| m.last_changed)
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first across inboxes"
    );
    // Page to the end: every message of every inbox, once.
    for _ in 0..20 {
        h.key(KeyCode::Char('G'));
        h.until("pages", |app| !app.inbox.is_loading()).await;
    }
    assert!(h.app.inbox.exhausted());
    let ids: std::collections::HashSet<&str> =
        h.app.inbox.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), h.app.inbox.messages.len(), "no duplicates");
    // 120 for the person, 60 for the company, 24 for the sub-unit; archived ones are not
    // in the inbox view.
    let all_active: usize = ["r50010001", "r50020002", "r50020003"]
        .iter()
        .map(|who| {
            h.app
                .inbox
                .messages
                .iter()
                .filter(|m| m.owner.as_deref() == Some(*who))
                .count()
        })
        .sum();
    assert_eq!(all_active, h.app.inbox.messages.len());
    assert!(h.app.inbox.messages.len() > 150);

    // Open a company letter: the request goes to the company's inbox.
    let company = h
        .app
        .inbox
        .messages
        .iter()
        .position(|m| m.owner.as_deref() == Some("r50020002") && m.is_unread())
        .expect("an unread company letter");
    h.key(KeyCode::Char('g'));
    for _ in 0..company {
        h.key(KeyCode::Char('j'));
    }
    let id = h.app.inbox.messages[company].id.clone();
    h.key(KeyCode::Enter);
    h.until("the company letter", |app| {
        app.bodies.contains_key(id.as_str()) && app.detail.request.is_none()
    })
    .await;
    assert!(h.app.detail.error.is_none(), "{:?}", h.app.detail.error);
    assert!(!h.app.inbox.messages[company].is_unread(), "read at once");
}

#[tokio::test]
async fn unread_skatteetaten_across_all_reportees_read_saved_archived_and_the_rest_marked_read() {
    let sim = common::start(200).await;
    let downloads = tempfile::tempdir().expect("tempdir");
    let mut h = Harness::new(&sim);
    h.app.settings.download_dir = Some(downloads.path().to_owned());
    h.login().await;
    // R, Enter on «Alle» (the first line); then two filters from the command line.
    h.key(KeyCode::Char('R'));
    h.until("the parties", |app| {
        app.switcher().is_some_and(|s| !s.loading)
    })
    .await;
    while h.app.switcher().is_some_and(|s| s.selected > 0) {
        h.key(KeyCode::Up);
    }
    h.key(KeyCode::Enter);
    for command in ["unread", "sender skatteetaten"] {
        h.key(KeyCode::Char(':'));
        h.text(command);
        h.key(KeyCode::Enter);
        assert!(
            h.app.command_line().is_none(),
            "{command}: {:?}",
            h.app.command_line()
        );
    }
    h.until("every inbox filtered", |app| {
        app.inbox.sources.len() == 3
            && app.inbox.sources.iter().all(|s| s.has_answered())
            && !app.inbox.is_loading()
    })
    .await;
    assert_eq!(
        h.app.filters.sender.as_deref(),
        Some("Skatteetaten"),
        "Altinn's spelling"
    );
    let found = h.app.inbox.messages.len();
    assert!(found >= 2, "unread letters from Skatteetaten: {found}");
    assert!(h
        .app
        .inbox
        .messages
        .iter()
        .all(|m| m.is_unread() && m.service_owner == "Skatteetaten"));

    // Read one, save its attachments, archive it.
    let index = h
        .app
        .inbox
        .messages
        .iter()
        .position(|m| !m.requires_confirmation)
        .expect("a letter that can be archived");
    h.key(KeyCode::Char('g'));
    for _ in 0..index {
        h.key(KeyCode::Char('j'));
    }
    let first = h.app.inbox.messages[index].id.clone();
    h.key(KeyCode::Enter);
    h.until("the letter", |app| {
        app.bodies.contains_key(first.as_str()) && app.detail.request.is_none()
    })
    .await;
    h.key(KeyCode::Char('S'));
    let attachments = h.app.bodies[first.as_str()].attachments.len();
    for _ in 0..attachments {
        h.until(
            "a saved attachment",
            |app| matches!(&app.status, Some(Status::Info(t)) if t.starts_with("Lagret")),
        )
        .await;
        h.app.status = None;
    }
    let saved = std::fs::read_dir(downloads.path())
        .expect("downloads")
        .count();
    assert_eq!(saved, attachments, "every attachment saved");
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('a'));
    h.until("archived", |app| {
        !app.inbox.messages.iter().any(|m| m.id == first)
    })
    .await;

    // Mark the rest read: * marks all shown, m reads them.
    h.key(KeyCode::Char('*'));
    assert_eq!(h.app.inbox.marked.len(), found - 1);
    h.key(KeyCode::Char('m'));
    h.until("all read", |app| {
        app.inbox.messages.iter().all(|m| !m.is_unread())
    })
    .await;
    // The server agrees: the same filters, loaded afresh, find nothing left.
    h.key(KeyCode::Char(':'));
    h.text("all");
    h.key(KeyCode::Enter);
    h.until("every inbox again", |app| {
        app.inbox.sources.iter().all(|s| s.has_answered()) && !app.inbox.is_loading()
    })
    .await;
    assert!(
        h.app.inbox.messages.is_empty(),
        "no unread from Skatteetaten left: {:?}",
        h.app
            .inbox
            .messages
            .iter()
            .map(|m| &m.id)
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn holding_j_coalesces_previews_and_neighbours_are_prefetched() {
    let sim = common::start(300).await;
    let mut h = Harness::new(&sim);
    h.login().await;
    h.until("the first preview", |app| app.detail_message().is_some())
        .await;
    let details = |sim: &innboks::sim::Simulator| -> u64 {
        sim.stats()
            .requests
            .iter()
            .filter(|(route, _)| {
                route.starts_with("GET")
                    && route.contains("messages/{id}")
                    && !route.contains("attachments")
            })
            .map(|(_, n)| n)
            .sum()
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    while let Ok(msg) = h.rx.try_recv() {
        h.apply(msg);
    }
    // Load 250 rows first, so 200 presses stay inside the list.
    while h.app.inbox.messages.len() < 250 {
        h.key(KeyCode::Char('G'));
        h.until("a page", |app| !app.inbox.is_loading()).await;
    }
    h.key(KeyCode::Char('g'));
    h.until("the top preview", |app| app.detail_message().is_some())
        .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    while let Ok(msg) = h.rx.try_recv() {
        h.apply(msg);
    }
    let before = details(&sim);
    for _ in 0..200 {
        h.key(KeyCode::Char('j'));
    }
    assert_eq!(h.app.inbox.selected, 200);
    h.until("the preview where the cursor stopped", |app| {
        app.detail_message().is_some()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    while let Ok(msg) = h.rx.try_recv() {
        h.apply(msg);
    }
    let fetched = details(&sim) - before;
    assert!(fetched <= 5, "200 j presses made {fetched} body requests");
    // The next one was fetched ahead: j shows its text at once, with no request.
    let next = h.app.inbox.messages[h.app.inbox.selected + 1].id.clone();
    assert!(
        h.app.bodies.contains_key(next.as_str()),
        "the neighbour was prefetched: selected {} of {}, detail {:?}, prefetching {:?}, bodies {}",
        h.app.inbox.selected,
        h.app.inbox.messages.len(),
        h.app.detail.id,
        h.app.prefetching,
        h.app.bodies.len()
    );
    let before = details(&sim);
    h.key(KeyCode::Char('j'));
    assert!(h.app.detail_message().is_some(), "shown without waiting");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(details(&sim) - before <= 2, "only prefetches further ahead");
}

/// The done-when of bulk past 100: 250 marked dialogs archive in one go (3 bulk requests,
/// the status line counting) and come back with `z`.
#[tokio::test]
async fn two_hundred_and_fifty_marked_dialogs_archive_in_one_go_and_come_back_with_z() {
    let sim = common::start_altinn3(1200).await;
    let bulk = || {
        (sim.stats().requests.iter())
            .filter(|(route, _)| route.contains("/actions/bulkset"))
            .map(|(_, n)| n)
            .sum::<u64>()
    };
    let mut h = Harness::altinn3(&sim).await;
    while h.app.inbox.messages.len() < 260 && !h.app.inbox.exhausted() {
        h.key(KeyCode::Char('G'));
        h.until("the next page", settled).await;
    }
    h.key(KeyCode::Char('p'));
    h.key(KeyCode::Char('g'));
    for _ in 0..250 {
        h.key(KeyCode::Char(' '));
    }
    assert_eq!(h.app.inbox.marked.len(), 250);
    let marked = h.app.inbox.marked.clone();
    let before = h.app.inbox.messages.len();
    let sent = bulk();
    h.key(KeyCode::Char('a'));
    h.key(KeyCode::Char('y'));
    h.until("the bulk archive", |app| app.bulk.running.is_none())
        .await;
    assert_eq!(bulk() - sent, 3, "250 dialogs: 3 requests");
    assert!(
        matches!(&h.app.status, Some(Status::Info(t)) if t == "250 meldinger: arkivert. z angrer."),
        "{:?}",
        h.app.status
    );
    assert_eq!(h.app.inbox.messages.len(), before - 250);
    assert!(h
        .app
        .inbox
        .messages
        .iter()
        .all(|m| !marked.contains(m.id.as_str())));

    let sent = bulk();
    h.key(KeyCode::Char('z'));
    h.until("the undo", |app| app.bulk.running.is_none()).await;
    assert!(
        matches!(&h.app.status, Some(Status::Info(t)) if t.contains("Angret: 250 meldinger")),
        "{:?}",
        h.app.status
    );
    assert!(bulk() - sent >= 3, "put back 100 a request");
    assert_eq!(h.app.inbox.messages.len(), before, "all back");
    // And so they are at Altinn: the next full page from the top lists them.
    h.key(KeyCode::Char('V'));
    h.until("the archive", settled).await;
    assert!(h
        .app
        .inbox
        .messages
        .iter()
        .all(|m| !marked.contains(m.id.as_str())));
}
