//! Hostile content: every text the server controls, with terminal escapes (CSI, OSC 52
//! clipboard writes, OSC 8 links, title changes), C1 controls, bidi overrides, zero-width
//! and combining characters, emoji with ZWJ, right-to-left text, path tricks, huge and
//! deeply nested bodies, odd dates, unknown types and statuses and missing fields. Shown in
//! the TUI and printed by every CLI path, none of it reaches the terminal as control, and
//! nothing panics. The corpus is `tests/hostile/corpus.json`; the huge and odd cases are
//! made here.

mod common;

use std::time::Duration;

use innboks::app::update::update;
use innboks::app::{App, Msg, Screen, Source};
use innboks::backend::altinn2::model::{HalMessage, MessageList};
use innboks::domain::{Message, MessagePage};
use innboks::sim::{SimConfig, Simulator};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::{json, Value};

#[derive(Debug, serde::Deserialize)]
struct Entry {
    name: String,
    subject: String,
    sender: String,
    body: String,
    attachment: String,
}

fn corpus() -> Vec<Entry> {
    serde_json::from_str(include_str!("hostile/corpus.json")).expect("the corpus parses")
}

fn forbidden(c: char, multiline: bool) -> bool {
    common::forbidden_on_a_terminal(c, multiline)
}

fn assert_clean(what: &str, text: &str, multiline: bool) {
    if let Some(bad) = text.chars().find(|c| forbidden(*c, multiline)) {
        panic!("{what}: {bad:?} got through:\n{}", text.escape_debug());
    }
}

/// A HAL message document with `fields` over a plain one.
fn document(id: &str, fields: Value) -> Value {
    let mut doc = json!({
        "MessageId": id,
        "Subject": "Emne",
        "Status": "Ulest",
        "LastChangedDateTime": "2026-11-20T10:30:00",
        "CreatedDate": "2026-11-19T10:30:00",
        "ServiceOwner": "Skatteetaten",
        "Type": "Correspondence",
        "_links": {"self": {"href": format!("https://www.altinn.no/api/my/messages/{id}")}}
    });
    if let (Some(doc), Some(fields)) = (doc.as_object_mut(), fields.as_object()) {
        for (k, v) in fields {
            if v.is_null() {
                doc.remove(k);
            } else {
                doc.insert(k.clone(), v.clone());
            }
        }
    }
    doc
}

/// Every hostile document: the corpus, and what is easier made than written down.
fn documents() -> Vec<(String, Value)> {
    let mut docs: Vec<(String, Value)> = corpus()
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let id = format!("a{}", 8_800_000 + i);
            let attachment = json!({
                "href": format!("https://www.altinn.no/api/my/messages/{id}/attachments/1"),
                "name": e.attachment,
                "fileName": e.attachment,
                "filesize": 12
            });
            let doc = document(
                &id,
                json!({
                    "Subject": e.subject,
                    "ServiceOwner": e.sender,
                    "MessageSender": e.sender,
                    "Body": e.body,
                    "Summary": e.subject,
                    "_links": {"attachment": [attachment]}
                }),
            );
            (e.name, doc)
        })
        .collect();
    let deep = format!("{}dypt{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
    let huge = format!("<p>{}</p>", "ord \u{1b}[2J ".repeat(1_000_000));
    docs.push((
        "10 MB body".into(),
        document("a8810001", json!({"Body": huge})),
    ));
    docs.push((
        "10,000 deep".into(),
        document("a8810002", json!({"Body": deep})),
    ));
    for (i, date) in [
        "2026-13-45T25:61:00",
        "",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59.9999999",
        "2026-11-20T10:30:00+05:00",
        "i går",
    ]
    .iter()
    .enumerate()
    {
        docs.push((
            format!("date {date:?}"),
            document(
                &format!("a88200{i:02}"),
                json!({"LastChangedDateTime": date, "CreatedDate": date, "DueDate": date}),
            ),
        ));
    }
    docs.push((
        "unknown type and status".into(),
        document(
            "a8830001",
            json!({"Type": "Notification\u{1b}[5m", "Status": "Foreløpig\u{9b}"}),
        ),
    ));
    docs.push(("only an id".into(), json!({"MessageId": "a8830002"})));
    docs.push((
        "numbers for strings".into(),
        document(
            "a8830003",
            json!({"ServiceCode": 4503, "ServiceEdition": "3", "MarkedUnread": "true"}),
        ),
    ));
    docs
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}

#[test]
fn every_hostile_document_parses_and_draws_harmlessly() {
    let docs = documents();
    let mut summaries = Vec::new();
    let mut bodies: Vec<Message> = Vec::new();
    for (name, doc) in &docs {
        // As one item of a list, and as a detail document.
        let list: MessageList = serde_json::from_value(json!({
            "_embedded": {"messages": [doc]}
        }))
        .unwrap_or_else(|e| panic!("{name}: the list must parse: {e}"));
        let page = list.to_page(50, false);
        assert_eq!(page.messages.len(), 1, "{name}: kept, not dropped");
        let detail: HalMessage =
            serde_json::from_value(doc.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let message = detail.to_message();
        for text in [
            message.summary.subject.as_str(),
            message.summary.service_owner.as_str(),
            message.summary.sender(),
            message.summary.status.label(),
            message.summary.kind.label(),
        ] {
            assert_clean(name, text, false);
            assert!(
                text.chars().count() <= 1_000,
                "{name}: one-line texts are bounded"
            );
        }
        assert_clean(name, &message.body, true);
        assert!(
            message.body.len() < 3 << 20,
            "{name}: the body is bounded ({} bytes)",
            message.body.len()
        );
        for attachment in &message.attachments {
            assert_clean(name, &attachment.file_name, false);
            assert!(
                !attachment.file_name.contains('/') && !attachment.file_name.contains('\\'),
                "{name}: {}",
                attachment.file_name
            );
            assert!(!attachment.file_name.starts_with('.'));
        }
        summaries.extend(page.messages);
        bodies.push(message);
    }

    for (width, height) in [(80, 24), (120, 40), (40, 10), (200, 50)] {
        let mut app = App::new(innboks::app::Settings::new("hostile"));
        update(&mut app, Msg::Resize { width, height });
        app.screen = Screen::Inbox;
        app.inbox.sources = vec![Source {
            requests: vec![(1, 0)],
            ..Source::new(innboks::domain::Inbox::Me)
        }];
        update(
            &mut app,
            Msg::PageLoaded {
                request: 1,
                skip: 0,
                page: MessagePage {
                    messages: summaries.clone(),
                    has_more: false,
                    limit_reached: false,
                    next: None,
                },
            },
        );
        for body in &bodies {
            app.bodies.insert(body.summary.id.to_string(), body.clone());
        }
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        let theme = innboks::ui::Theme::ansi();
        // Every message selected, previewed and opened, with a search over all of them.
        let keys: Vec<char> = "/e".chars().collect();
        for c in keys {
            update(&mut app, key(c));
        }
        update(
            &mut app,
            Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Enter,
                crossterm::event::KeyModifiers::NONE,
            )),
        );
        for i in 0..app.inbox.messages.len() {
            app.inbox.selected = i;
            app.detail.id = Some(app.inbox.messages[i].id.to_string());
            for scroll in [0, 5, 400] {
                app.detail.scroll = scroll;
                terminal
                    .draw(|frame| innboks::ui::draw(&app, &theme, frame))
                    .expect("draw");
                assert_clean(
                    &format!("{width}x{height}, row {i}"),
                    &screen(&terminal),
                    true,
                );
            }
        }
    }
}

fn key(c: char) -> Msg {
    Msg::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cli_output_path_is_clean() {
    let sim = Simulator::start(SimConfig {
        auto_approve: Some(Duration::from_secs(0)),
        device_interval: Duration::from_secs(1),
        ..common::config(20)
    })
    .await
    .expect("sim");
    let mut ids = Vec::new();
    for entry in corpus() {
        let id = sim
            .deliver_with(0, |m| {
                m.subject = entry.subject.clone();
                m.service_owner = entry.sender.clone();
                m.message_sender = Some(entry.sender.clone());
                m.body = entry.body.clone();
                m.attachments = vec![innboks::sim::data::text_attachment(
                    &entry.attachment,
                    "vedlegg \u{1b}]0;x\u{7}",
                )];
            })
            .expect("delivered");
        ids.push(id);
    }
    // An attachment whose bytes are not UTF-8 (and hold an escape sequence).
    let binary = sim
        .deliver_with(0, |m| {
            m.attachments = vec![innboks::sim::data::text_attachment("ugyldig.bin", "bin")];
        })
        .expect("delivered");
    let binary_bytes = innboks::sim::data::text_attachment("ugyldig.bin", "bin").bytes();
    assert!(String::from_utf8(binary_bytes.clone()).is_err());
    let home = tempfile::tempdir().expect("home");
    let run = |args: Vec<String>| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_innboks"))
            .envs(common::LOCALE)
            .args([
                "--env",
                "local",
                "--altinn-url",
                &sim.base_url(),
                "--issuer",
                &sim.issuer(),
                "--client-id",
                "innboks",
                "--api-key",
                "demo-api-key",
            ])
            .args(&args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("INNBOKS_KEYRING", "off")
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run innboks");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8(output.stdout).expect("UTF-8 out"),
            String::from_utf8(output.stderr).expect("UTF-8 err"),
        )
    };
    let s = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    let (code, out, err) = tokio::task::block_in_place(|| run(s(&["login", "--method", "device"])));
    assert_eq!(code, 0, "{out}{err}");

    let out_dir = home.path().join("saved");
    let out_dir = out_dir.to_string_lossy().into_owned();
    let mut runs = vec![
        s(&["list", "--json", "--limit", "100"]),
        s(&["list", "--limit", "100"]),
    ];
    for id in &ids {
        runs.push(s(&["show", id, "--json"]));
        runs.push(s(&["show", id, "--text"]));
        runs.push(s(&["attachment", "list", id, "--json"]));
        runs.push(s(&["attachment", "list", id]));
        runs.push(s(&["attachment", "save", id, "--all", "--out", &out_dir]));
    }
    for args in runs {
        let (code, out, err) = tokio::task::block_in_place(|| run(args.clone()));
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_clean(&format!("{args:?} stdout"), &out, true);
        assert_clean(&format!("{args:?} stderr"), &err, true);
        if args.contains(&"--json".to_owned()) {
            let _: Value =
                serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: JSON: {e}\n{out}"));
        }
    }
    // The binary one is listed cleanly and saved byte for byte.
    let binary_dir = home.path().join("binary");
    let binary_dir = binary_dir.to_string_lossy().into_owned();
    for args in [
        s(&["show", &binary, "--text"]),
        s(&["attachment", "list", &binary]),
        s(&["attachment", "save", &binary, "--all", "--out", &binary_dir]),
    ] {
        let (code, out, err) = tokio::task::block_in_place(|| run(args.clone()));
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_clean(&format!("{args:?}"), &out, true);
    }
    let saved =
        std::fs::read(std::path::Path::new(&binary_dir).join("ugyldig.bin")).expect("saved");
    assert_eq!(saved, binary_bytes, "byte for byte");
    // Saved files stay in the directory, under clean names.
    let saved: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("saved")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(saved.len(), ids.len(), "{saved:?}");
    for name in saved {
        assert_clean("a saved name", &name, false);
        assert!(!name.starts_with('.'), "{name}");
    }
}

/// The desk's views with hostile titles, senders and party names, each as Dialogporten
/// would send it: through the backend's mapping, the cache's desk, the agenda in the list
/// and the board, nothing reaches the terminal as control.
#[test]
fn hostile_titles_and_party_names_through_the_agenda_and_the_board() {
    use innboks::backend::altinn3::model::{DialogPage, Parties};
    use innboks::cache::Cache;
    use innboks::domain::{DeskItem, DeskScope};
    let corpus = corpus();
    let urn = |i: usize| format!("urn:altinn:organization:identifier-no:3100{i:05}");
    let parties: Parties = serde_json::from_value(json!({
        "authorizedParties": corpus.iter().enumerate().map(|(i, e)| json!({
            "party": urn(i),
            "name": e.sender,
            "partyType": "Organization",
        })).collect::<Vec<_>>()
    }))
    .expect("parties");
    let (parties, _) = parties.to_parties();
    let text =
        |t: &str| json!({"value": [{"value": t, "languageCode": "nb"}], "mediaType": "text/plain"});
    let now = chrono::Utc::now();
    let page: DialogPage = serde_json::from_value(json!({
        "items": corpus.iter().enumerate().map(|(i, e)| json!({
            "id": format!("019a1c2e-5f3b-7a10-9c4e-2b7d8e9f{i:04}"),
            "org": "skd",
            "party": urn(i),
            "serviceResourceType": "correspondenceservice",
            "status": "RequiresAttention",
            "createdAt": "2026-11-20T07:12:44Z",
            "updatedAt": "2026-11-20T07:12:44Z",
            "contentUpdatedAt": "2026-11-20T07:12:44Z",
            "dueAt": (now + chrono::Duration::days(i as i64 % 20 - 5)).to_rfc3339(),
            "isContentSeen": false,
            "endUserContext": {"revision": "8f1c0a52-3d0e-4c8e-9d55-2a1f6e7b9c01", "systemLabels": ["Default"]},
            "content": {"title": text(&e.subject), "senderName": text(&e.sender)}
        })).collect::<Vec<_>>(),
        "hasNextPage": false
    }))
    .expect("a page");
    let items: Vec<DeskItem> = page.items.iter().map(|i| i.to_desk_item(&["nb"])).collect();
    let dir = tempfile::tempdir().expect("dir");
    let mut cache = Cache::open(&dir.path().join("c.sqlite3")).expect("cache");
    let scope = DeskScope {
        env: "e".into(),
        user: "u".into(),
    };
    cache.set_parties("e", "u", &parties).expect("parties");
    cache.desk_write(&scope, &items, &[]).expect("desk");
    let agenda = cache.agenda(&scope, now, 14, None).expect("agenda");
    let board = cache.board(&scope, now).expect("board");
    assert!(!agenda.is_empty() && board.len() == corpus.len());
    for (width, height) in [(60, 15), (120, 40)] {
        let mut app = App::new(innboks::app::Settings::new("e"));
        update(&mut app, Msg::Resize { width, height });
        app.screen = Screen::Inbox;
        app.settings.capabilities = innboks::domain::Capabilities::altinn3();
        app.settings.cache_enabled = true;
        app.session.user_key = Some("u".into());
        update(&mut app, Msg::ReporteesLoaded(parties.clone()));
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        let draw = |app: &App, terminal: &mut Terminal<TestBackend>, what: &str| {
            terminal
                .draw(|frame| innboks::ui::draw(app, &innboks::ui::Theme::ansi(), frame))
                .expect("draw");
            assert_clean(what, &screen(terminal), true);
        };
        let request = |effects: Vec<innboks::app::Effect>| {
            effects
                .into_iter()
                .find_map(|e| match e {
                    innboks::app::Effect::LoadAgenda { request, .. }
                    | innboks::app::Effect::LoadBoard { request, .. } => Some(request),
                    _ => None,
                })
                .expect("a desk read")
        };
        let asked = request(update(&mut app, key('A')));
        update(
            &mut app,
            Msg::AgendaLoaded {
                request: asked,
                rows: agenda.clone(),
                synced_at: Some(now),
            },
        );
        for _ in 0..agenda.len() {
            draw(&app, &mut terminal, "the agenda");
            update(&mut app, key('j'));
        }
        let asked = request(update(&mut app, key('B')));
        update(
            &mut app,
            Msg::BoardLoaded {
                request: asked,
                rows: board.clone(),
                synced_at: Some(now),
            },
        );
        draw(&app, &mut terminal, "the board");
    }
}
