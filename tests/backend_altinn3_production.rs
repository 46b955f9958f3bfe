//! Altinn 3 as production serves it (altinn3-production.md), the client against the
//! simulator: three kinds of dialog (Correspondence letters, Altinn app forms with their
//! receipts as transmissions, other service owners' dialogs), actions taken by name from
//! the dialog's own `apiActions`, attachments named from their display names and media
//! types, "all attachments" as one choice, files that only open in the browser, the high
//! level of assurance, the inbox without API-only dialogs and drafts, and the limits.

mod common;

use common::{all, query};

use innboks::backend::Backend;
use innboks::domain::{ApiError, Cursor, Folder, Inbox, MessageAction, MessageKind};
use innboks::sim::Simulator;

async fn start(messages: usize) -> (Simulator, Backend) {
    let sim = common::start_altinn3(messages).await;
    let backend = common::altinn3_backend(&sim).await;
    (sim, backend)
}

/// The organisation the demo user acts for (the simulator's second mailbox).
async fn organisation(backend: &Backend) -> Inbox {
    let parties = backend.parties().await.expect("parties");
    Inbox::Party(parties[1].id.clone())
}

/// How many requests the simulator answered whose key (`METHOD route status`) starts with
/// `prefix`.
fn requests(sim: &Simulator, prefix: &str) -> u64 {
    sim.stats()
        .requests
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test]
async fn a_sent_form_shows_its_receipt_in_the_thread() {
    let (sim, backend) = start(300).await;
    let org = organisation(&backend).await;
    let sent = all(&backend, &org, &query(Folder::Sent)).await;
    assert!(!sent.is_empty(), "sent forms have a view of their own");
    assert!(sent.iter().all(|m| m.kind == MessageKind::FormTask));
    let form = &sent[0];
    let opened = backend.open(&org, &form.id).await.expect("open");
    let submission = opened
        .thread
        .iter()
        .find(|e| e.title == "Innsending #1")
        .expect("the submission in the thread");
    assert!(
        submission.text.contains("Referansenummer") && submission.text.contains("Dato sendt"),
        "the receipt's text, fetched with the dialog token: {}",
        submission.text
    );
    assert!(
        requests(
            &sim,
            "GET /storage/dialogporten/api/v1/receipt/{id}/{id} 200"
        ) >= 1,
        "{:?}",
        sim.stats().requests
    );
    // The thread is kept apart from the body (its headings are drawn in the language in
    // use), and its text is shown as the screen shows it, not as raw markdown.
    assert!(
        !opened.body.contains("Innsending #1") && !opened.body.contains("Tråd"),
        "{}",
        opened.body
    );
    for entry in &opened.thread {
        let text = innboks::text::plain_body(&entry.text);
        assert!(!text.contains("## ") && !text.contains("**"), "{text}");
    }
    // Links in the thread are numbered after the body's, one list for the link chooser.
    let numbered: Vec<String> = opened
        .thread
        .iter()
        .flat_map(|e| innboks::text::body_links(&e.text))
        .collect();
    assert!(
        numbered.iter().all(|l| opened.links.contains(l)),
        "{numbered:?} in {:?}",
        opened.links
    );
    // The form's files: named by their display names, never a bare data type id.
    assert!(!opened.attachments.is_empty());
    for a in &opened.attachments {
        assert!(
            a.file_name.contains('.') && a.file_name != "ref-data-as-pdf",
            "{a:?}"
        );
    }
    // Storage does not take the dialog token and the portal wants a browser: said so.
    let error = backend
        .download(&opened.attachments[0].url, &mut tokio::io::sink(), |_| {})
        .await
        .expect_err("only in the browser");
    assert!(
        error.to_string().contains("nettleseren") && error.to_string().contains("/af/inbox/"),
        "{error}"
    );
    let address = error
        .to_string()
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_owned();
    let page = reqwest::get(&address).await.expect("the web inbox's page");
    assert_eq!(page.status(), 200, "{address}");
    // Confirm and purge are a letter's: a form does not offer them, and that is said.
    for action in [MessageAction::Confirm, MessageAction::Purge] {
        let refused = backend
            .act(&org, &form.id, action)
            .await
            .expect_err("not offered");
        assert!(matches!(refused, ApiError::Unsupported { .. }), "{refused}");
    }
    assert_eq!(
        requests(&sim, "POST /correspondence") + requests(&sim, "DELETE /correspondence"),
        0,
        "no request to a URL the dialog does not name"
    );
}

#[tokio::test]
async fn a_letters_attachments_save_with_real_names_and_all_of_them_is_one_choice() {
    let (sim, backend) = start(40).await;
    sim.deliver_with(0, |m| {
        m.subject = "Vedtak med vedlegg".into();
        m.attachments = vec![
            innboks::sim::data::text_attachment("vedtak.pdf", "Vedtak"),
            innboks::sim::data::text_attachment("begrunnelse.txt", "Begrunnelse"),
        ];
    });
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let letter = inbox
        .iter()
        .find(|m| m.subject == "Vedtak med vedlegg")
        .expect("delivered");
    let opened = backend.open(&Inbox::Me, &letter.id).await.expect("open");
    let names: Vec<&str> = opened
        .attachments
        .iter()
        .map(|a| a.file_name.as_str())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"Vedtak.pdf"), "{names:?}");
    assert!(names.contains(&"Begrunnelse.txt"), "{names:?}");
    let bundles: Vec<_> = opened.attachments.iter().filter(|a| a.bundle).collect();
    assert_eq!(bundles.len(), 1, "all attachments, marked as one choice");
    assert!(bundles[0].file_name.ends_with(".zip"), "{:?}", bundles[0]);
    let mut zip = Vec::new();
    let bytes = backend
        .download(&bundles[0].url, &mut zip, |_| {})
        .await
        .expect("the zip");
    assert!(bytes.bytes > 0 && zip.starts_with(b"PK\x03\x04"), "a zip");
    assert!(
        bytes
            .file_name
            .as_deref()
            .is_some_and(|n| n.ends_with(".zip")),
        "the server's name: {bytes:?}"
    );
    let single = opened
        .attachments
        .iter()
        .find(|a| a.file_name == "Vedtak.pdf")
        .expect("one");
    let mut file = Vec::new();
    backend
        .download(&single.url, &mut file, |_| {})
        .await
        .expect("the file");
    assert!(!file.is_empty());
}

#[tokio::test]
async fn confirm_and_purge_go_where_the_dialog_says() {
    let (sim, backend) = start(40).await;
    sim.deliver_with(0, |m| {
        m.subject = "Bekreft mottak".into();
        m.requires_confirmation = true;
    });
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let letter = inbox
        .iter()
        .find(|m| m.subject == "Bekreft mottak")
        .expect("there")
        .clone();
    let opened = backend.open(&Inbox::Me, &letter.id).await.expect("open");
    assert!(
        opened.body.contains("c (bekreft mottak)") && opened.body.contains("d (slett"),
        "POST and DELETE actions are innboks' keys, not links: {}",
        opened.body
    );
    assert!(
        !opened
            .links
            .iter()
            .any(|l| l.contains("/confirm") || l.contains("/purge")),
        "{:?}",
        opened.links
    );
    backend
        .act(&Inbox::Me, &letter.id, MessageAction::Confirm)
        .await
        .expect("confirm");
    assert_eq!(
        requests(
            &sim,
            "POST /correspondence/api/v1/correspondence/{id}/confirm 200"
        ),
        1
    );
    // Confirmed, the dialog no longer offers it: said in words, nothing sent.
    let again = backend
        .act(&Inbox::Me, &letter.id, MessageAction::Confirm)
        .await
        .expect_err("no longer offered");
    assert!(matches!(again, ApiError::Unsupported { .. }), "{again}");
    backend
        .act(&Inbox::Me, &letter.id, MessageAction::Delete)
        .await
        .expect("to the bin");
    backend
        .act(&Inbox::Me, &letter.id, MessageAction::Purge)
        .await
        .expect("purge");
    assert_eq!(
        requests(
            &sim,
            "DELETE /correspondence/api/v1/correspondence/{id}/purge 200"
        ),
        1
    );
}

#[tokio::test]
async fn another_service_owners_dialog_reads_from_its_own_host_with_get_actions_only() {
    let (sim, backend) = start(300).await;
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let other = inbox
        .iter()
        .find(|m| m.kind == MessageKind::Dialog)
        .expect("a dialog of Statens vegvesen's own system")
        .clone();
    let opened = backend.open(&Inbox::Me, &other.id).await.expect("open");
    assert!(
        requests(&sim, "GET /serviceprovider/fce/{id}/{id} 200") >= 1,
        "content from the service owner's host"
    );
    assert!(
        !opened.body.contains("kunne ikke hentes"),
        "{}",
        opened.body
    );
    assert!(
        opened
            .links
            .iter()
            .any(|l| l.contains("/serviceprovider/tjeneste/")),
        "its GET action is a link: {:?}",
        opened.links
    );
    for action in [MessageAction::Confirm, MessageAction::Purge] {
        let refused = backend
            .act(&Inbox::Me, &other.id, action)
            .await
            .expect_err("not offered");
        assert!(matches!(refused, ApiError::Unsupported { .. }), "{refused}");
    }
    let stats = sim.stats();
    let writes: Vec<&String> = stats
        .requests
        .keys()
        .filter(|k| !k.starts_with("GET ") && !k.contains("/idporten/"))
        .collect();
    assert!(
        writes.is_empty(),
        "browsing and refused actions send nothing but GETs: {writes:?}"
    );
}

#[tokio::test]
async fn the_inbox_leaves_out_api_only_dialogs_and_drafts_which_have_a_view_of_their_own() {
    let (_sim, backend) = start(300).await;
    let parties = backend.parties().await.expect("parties");
    let mut drafts_seen = 0;
    for party in &parties {
        let inbox = Inbox::Party(party.id.clone());
        let listed = all(&backend, &inbox, &query(Folder::Inbox)).await;
        assert!(
            listed.iter().all(|m| !m.subject.is_empty()),
            "no API-only dialog (they have no title)"
        );
        let drafts = all(&backend, &inbox, &query(Folder::Drafts)).await;
        drafts_seen += drafts.len();
        assert!(
            listed.iter().all(|m| drafts.iter().all(|d| d.id != m.id)),
            "drafts are not in the inbox"
        );
    }
    assert!(drafts_seen > 0, "a draft, in the drafts view");
}

#[tokio::test]
async fn a_letter_at_the_high_level_says_so_and_opens_after_a_high_login() {
    let sim = common::start_altinn3(300).await;
    let backend = common::altinn3_backend(&sim).await;
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let mut refused = None;
    for m in &inbox {
        match backend.open(&Inbox::Me, &m.id).await {
            Err(ApiError::LevelTooLow) => {
                refused = Some(m.id.to_string());
                break;
            }
            _ => continue,
        }
    }
    let id = refused.expect("a letter that needs the high level");
    let words = ApiError::LevelTooLow.to_string();
    assert!(words.contains("høyt sikkerhetsnivå"), "{words}");
    let high = common::altinn3_backend_at(&sim, innboks::domain::HIGH_ACR).await;
    let opened = high.open(&Inbox::Me, &id).await.expect("opens at level 4");
    assert!(!opened.body.is_empty());
}

#[tokio::test]
async fn the_search_limits_come_from_dialogporten() {
    let sim = Simulator::start(innboks::sim::SimConfig {
        party_limit: 7,
        ..common::config(10)
    })
    .await
    .expect("sim");
    let client = innboks::backend::altinn3::Client::new(
        url::Url::parse(&sim.base_url()).expect("url"),
        "nb",
    )
    .expect("client");
    let limits = client.limits().await.expect("limits");
    assert_eq!(limits.parties, 7);
    assert_eq!(limits.orgs, 20);
}

#[tokio::test]
async fn pages_start_at_a_hundred_grow_when_quick_and_shrink_after_a_server_error() {
    let (sim, backend) = start(2500).await;
    let inbox = query(Folder::Inbox);
    let first = backend
        .page(&Inbox::Me, &inbox, &Cursor::Offset(0))
        .await
        .expect("first page");
    assert_eq!(first.messages.len(), 100, "a first page is a hundred");
    let next = |page: &innboks::domain::MessagePage| Cursor::Next(page.next.clone().expect("more"));
    let second = backend
        .page(&Inbox::Me, &inbox, &next(&first))
        .await
        .expect("second page");
    assert_eq!(
        second.messages.len(),
        1000,
        "a quick answer earns a large page"
    );
    // Every try of the next large page fails on the server: it is asked again smaller.
    sim.faults().fail_next(4, 500);
    let third = backend
        .page(&Inbox::Me, &inbox, &next(&second))
        .await
        .expect("asked again smaller");
    assert_eq!(third.messages.len(), 100);
    assert_eq!(
        sim.stats().requests.get("GET fault 500"),
        Some(&4),
        "the large page, tried as GETs are: {:?}",
        sim.stats().requests
    );
    let ids: std::collections::HashSet<&str> = first
        .messages
        .iter()
        .chain(&second.messages)
        .chain(&third.messages)
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(ids.len(), 1200, "no dialog twice, none skipped");
}

#[tokio::test]
async fn a_file_without_a_media_type_takes_the_extension_the_server_names() {
    let (sim, backend) = start(20).await;
    sim.deliver_with(0, |m| {
        m.subject = "Rådata".into();
        m.attachments = vec![innboks::sim::data::text_attachment(
            "rapport.bin",
            "Rapport",
        )];
    });
    let inbox = all(&backend, &Inbox::Me, &query(Folder::Inbox)).await;
    let letter = inbox.iter().find(|m| m.subject == "Rådata").expect("there");
    let opened = backend.open(&Inbox::Me, &letter.id).await.expect("open");
    let file = &opened.attachments[0];
    assert_eq!(
        file.file_name, "Rapport",
        "no media type, no extension guessed"
    );
    let dir = tempfile::tempdir().expect("dir");
    let (path, out) = innboks::paths::create_unique(dir.path(), &file.file_name).expect("file");
    let mut out = tokio::fs::File::from_std(out);
    let downloaded = backend
        .download(&file.url, &mut out, |_| {})
        .await
        .expect("download");
    drop(out);
    assert_eq!(downloaded.file_name.as_deref(), Some("rapport.bin"));
    let saved = innboks::paths::with_extension_of(&path, downloaded.file_name.as_deref());
    assert_eq!(saved, dir.path().join("Rapport.bin"));
    assert!(saved.exists() && !path.exists(), "renamed, not copied");
}
