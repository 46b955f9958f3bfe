//! Whole-screen snapshots drawn to ratatui's `TestBackend` at 80×24 and 120×40, from fixed
//! state (no clock, no network), so they are the same on every machine.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use innboks::app::update::update;
use innboks::app::{App, Msg, Screen};
use innboks::domain::{Attachment, Message, MessagePage, MessageSummary};

mod screens;
use screens::*;

#[test]
fn login_80x24() {
    insta::assert_snapshot!(render(&login_app(80, 24), 80, 24).backend());
}

#[test]
fn login_120x40() {
    insta::assert_snapshot!(render(&login_app(120, 40), 120, 40).backend());
}

#[test]
fn login_error_80x24() {
    let mut app = login_app(80, 24);
    app.login.error = Some("Innlogging feilet: Authentication failed".into());
    insta::assert_snapshot!(render(&app, 80, 24).backend());
}

#[test]
fn inbox_80x24() {
    insta::assert_snapshot!(render(&inbox_app(80, 24), 80, 24).backend());
}

#[test]
fn inbox_120x40() {
    insta::assert_snapshot!(render(&inbox_app(120, 40), 120, 40).backend());
}

#[test]
fn inbox_wide_side_by_side_200x40() {
    insta::assert_snapshot!(render(&inbox_app(200, 40), 200, 40).backend());
}

#[test]
fn help_overlay_80x24() {
    let mut app = inbox_app(80, 24);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
    );
    insta::assert_snapshot!(render(&app, 80, 24).backend());
}

#[test]
fn relogin_overlay_80x24() {
    let mut app = inbox_app(80, 24);
    app.inbox.sources[0].requests = vec![(77, 0)];
    update(
        &mut app,
        Msg::PageFailed {
            request: 77,
            skip: 0,
            error: innboks::domain::ApiError::SessionExpired,
        },
    );
    app.login.username = "demo".into();
    insta::assert_snapshot!(render(&app, 80, 24).backend());
}

#[test]
fn every_size_down_to_nothing_draws_without_panic() {
    for (w, h) in [(60, 15), (59, 14), (40, 10), (30, 8), (10, 3), (1, 1)] {
        let mut app = inbox_app(120, 40);
        update(
            &mut app,
            Msg::Resize {
                width: w,
                height: h,
            },
        );
        render(&app, w, h);
        // Every overlay at every size: help, the filter menu, the switcher, the link
        // chooser, the command line, a search.
        let id = app.inbox.messages[0].id.clone();
        if let Some(message) = app.bodies.get_mut(id.as_str()) {
            message.links = vec!["https://www.altinn.no/".into(); 3];
        }
        app.detail.id = Some(id.to_string());
        app.parties.set(vec![innboks::domain::Party {
            id: "r1".into(),
            name: "KARI NORDMANN".into(),
            kind: innboks::domain::PartyKind::Person,
            organisation_number: None,
        }]);
        for keys in ["?jjj", "f", "R", "Y", ":xyz\n", "/skatt"] {
            let mut app = app.clone();
            for c in keys.chars() {
                let code = if c == '\n' {
                    KeyCode::Enter
                } else {
                    KeyCode::Char(c)
                };
                update(&mut app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
            }
            render(&app, w, h);
        }
        let mut app = login_app(w, h);
        update(
            &mut app,
            Msg::Resize {
                width: w,
                height: h,
            },
        );
        render(&app, w, h);
    }
    let app = inbox_app(60, 15);
    let terminal = render(&app, 60, 15);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("Skatteetaten"),
        "the list is usable at 60×15:\n{text}"
    );
}

#[test]
fn long_and_wide_text_is_cut_by_display_width() {
    let mut app = inbox_app(80, 24);
    app.inbox.messages[1].subject =
        "日本語の件名はとても長いので切り詰められるべきです。日本語の件名はとても長い".into();
    app.inbox.messages[1].service_owner = "👩‍👩‍👧 Familie".into();
    let terminal = render(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    for y in 0..24 {
        let line: String = (0..80)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        assert!(!line.contains('\u{1b}'));
    }
    insta::assert_snapshot!(terminal.backend());
}

fn flow_app(
    width: u16,
    height: u16,
    flow: innboks::app::LoginFlow,
    method: innboks::domain::LoginMethod,
) -> App {
    let mut app = login_app(width, height);
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
    app.now = now;
    app.login.method = method;
    app.login.pending = Some(9);
    app.login.flow = flow;
    app
}

#[test]
fn device_code_screen_100x45() {
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
    let view = innboks::app::DeviceView {
        user_code: "BDWP-HQPK".into(),
        verification_uri: "http://127.0.0.1:8700/idporten/device".into(),
        verification_uri_complete: Some(
            "http://127.0.0.1:8700/idporten/device?user_code=BDWP-HQPK".into(),
        ),
        qr: innboks::text::qr_lines("http://127.0.0.1:8700/idporten/device?user_code=BDWP-HQPK"),
        expires_at: now + std::time::Duration::from_secs(581),
    };
    let app = flow_app(
        100,
        45,
        innboks::app::LoginFlow::Device(view),
        innboks::domain::LoginMethod::IdPortenDevice,
    );
    insta::assert_snapshot!(render(&app, 100, 45).backend());
}

#[test]
fn device_code_screen_without_room_for_the_qr_80x24() {
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
    let view = innboks::app::DeviceView {
        user_code: "BDWP-HQPK".into(),
        verification_uri: "https://login.example/device".into(),
        verification_uri_complete: Some("https://login.example/device?user_code=BDWP-HQPK".into()),
        qr: innboks::text::qr_lines("https://login.example/device?user_code=BDWP-HQPK"),
        expires_at: now + std::time::Duration::from_secs(60),
    };
    let app = flow_app(
        80,
        24,
        innboks::app::LoginFlow::Device(view),
        innboks::domain::LoginMethod::IdPortenDevice,
    );
    let text = format!("{}", render(&app, 80, 24).backend());
    assert!(
        text.contains("B D W P - H Q P K"),
        "the code is always shown:\n{text}"
    );
    assert!(text.contains("1:00"), "with its countdown:\n{text}");
    assert!(!text.contains('▀'), "no half QR code:\n{text}");
}

#[test]
fn browser_screen_over_ssh_100x30() {
    let view = innboks::app::BrowserView {
        url: "https://login.idporten.no/authorize?client_id=innboks&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc123".into(),
        port: 49411,
        fixed_port_busy: false,
        opened: false,
        paste: "http://127.0.0.1:49411/callback?code=".into(),
        paste_focused: true,
        paste_error: Some("Svaret fra ID-porten hører ikke til denne innloggingen (state stemmer ikke).".into()),
    };
    let mut app = flow_app(
        100,
        30,
        innboks::app::LoginFlow::Browser(view),
        innboks::domain::LoginMethod::IdPortenBrowser,
    );
    app.settings.over_ssh = true;
    insta::assert_snapshot!(render(&app, 100, 30).backend());
}

#[test]
fn reportee_switcher_80x24() {
    use innboks::domain::{Party, PartyKind};
    let mut app = inbox_app(80, 24);
    app.parties.set(vec![
        Party {
            id: "r50010001".into(),
            name: "KARI NORDMANN".into(),
            kind: PartyKind::Person,
            organisation_number: None,
        },
        Party {
            id: "r50020002".into(),
            name: "NORDMANN BYGG AS".into(),
            kind: PartyKind::Organisation,
            organisation_number: Some("912345678".into()),
        },
        Party {
            id: "r50020003".into(),
            name: "NORDMANN BYGG AS AVD BERGEN".into(),
            kind: PartyKind::SubUnit,
            organisation_number: Some("973456789".into()),
        },
    ]);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
    );
    for c in "bygg".chars() {
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    insta::assert_snapshot!(render(&app, 80, 24).backend());
}

/// Many parties: the switcher shows a screenful around the selection, with its footer, and
/// finds a party by name, org. number or a person's national identity number.
#[test]
fn reportee_switcher_scrolls_to_the_selection_80x24() {
    use innboks::domain::{Party, PartyKind};
    let mut app = inbox_app(80, 24);
    let mut parties = vec![Party {
        id: "urn:altinn:person:identifier-no:01017012345".into(),
        name: "KARI NORDMANN".into(),
        kind: PartyKind::Person,
        organisation_number: None,
    }];
    parties.extend((0..500).map(|i| {
        let number = format!("{}", 310_000_000 + i);
        Party {
            id: format!("urn:altinn:organization:identifier-no:{number}"),
            name: format!("KLIENT {i} AS"),
            kind: PartyKind::Organisation,
            organisation_number: Some(number),
        }
    }));
    update(&mut app, Msg::ReporteesLoaded(parties));
    let press = |app: &mut App, code: KeyCode| {
        update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    };
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
    );
    for _ in 0..40 {
        press(&mut app, KeyCode::Down);
    }
    let screen = render(&app, 80, 24);
    let text = format!("{:?}", screen.backend());
    assert!(
        text.contains("KLIENT 38 AS"),
        "the selection shows:\n{text}"
    );
    assert!(text.contains("Enter bytt"), "and the footer:\n{text}");
    insta::assert_snapshot!(screen.backend());
    for c in "0101701".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(app.switcher_matches().len(), 1, "a person by national id");
    for _ in 0..7 {
        press(&mut app, KeyCode::Backspace);
    }
    for c in "310000042".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert!(
        matches!(app.switcher_matches().as_slice(), [innboks::app::SwitcherEntry::Party(p)] if p.name == "KLIENT 42 AS"),
        "an organisation by number"
    );
}

#[test]
fn search_highlighting_80x24() {
    let mut app = inbox_app(80, 24);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE)),
    );
    for c in "skatt".chars() {
        let effects = update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
        // The search runs off the loop; here, at once.
        for effect in effects {
            if let innboks::app::Effect::Search(job) = effect {
                update(&mut app, job.run());
            }
        }
    }
    let terminal = render(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    let highlighted: String = (0..80)
        .filter(|&x| buffer[(x, 2)].style().fg == Some(ratatui::style::Color::Cyan))
        .map(|x| buffer[(x, 2)].symbol().to_owned())
        .collect();
    assert!(
        highlighted.to_lowercase().contains("skatt"),
        "matched letters are marked: {highlighted:?}"
    );
    insta::assert_snapshot!(terminal.backend());
}

fn press(app: &mut App, c: char) -> Vec<innboks::app::Effect> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    )
}

/// Answers every page request in `effects` with `messages(who)`, the whole mailbox.
fn answer_pages(
    app: &mut App,
    effects: Vec<innboks::app::Effect>,
    messages: impl Fn(&str) -> Vec<MessageSummary>,
) {
    for effect in effects {
        if let innboks::app::Effect::FetchPage { request, inbox, .. } = effect {
            update(
                app,
                Msg::PageLoaded {
                    request,
                    skip: 0,
                    page: MessagePage {
                        messages: messages(inbox.key()),
                        has_more: false,
                        limit_reached: false,
                        next: None,
                    },
                },
            );
        }
    }
}

#[test]
fn filter_menu_and_chips_80x24() {
    let mut app = inbox_app(80, 24);
    for i in [2, 9] {
        app.inbox.messages[i].requires_confirmation = true;
    }
    press(&mut app, 'f');
    let effects = press(&mut app, 'u');
    answer_pages(&mut app, effects, |_| {
        (0..60)
            .map(summary)
            .filter(|m| m.is_unread())
            .map(|mut m| {
                m.requires_confirmation = m.id.ends_with('2') || m.id.ends_with('9');
                m
            })
            .collect()
    });
    press(&mut app, 'b');
    insta::assert_snapshot!("filter_menu_80x24", render(&app, 80, 24).backend());
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    insta::assert_snapshot!("filter_chips_80x24", render(&app, 80, 24).backend());
}

#[test]
fn all_reportees_merged_with_a_reportee_column_120x40() {
    use innboks::domain::{Party, PartyKind};
    let mut app = inbox_app(120, 40);
    app.parties.set(vec![
        Party {
            id: "r50010001".into(),
            name: "KARI NORDMANN".into(),
            kind: PartyKind::Person,
            organisation_number: None,
        },
        Party {
            id: "r50020002".into(),
            name: "NORDMANN BYGG AS".into(),
            kind: PartyKind::Organisation,
            organisation_number: Some("912345678".into()),
        },
    ]);
    press(&mut app, ':');
    for c in "all".chars() {
        press(&mut app, c);
    }
    let effects = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    answer_pages(&mut app, effects, |who| {
        let offset = if who == "r50010001" { 0 } else { 100 };
        (0..12)
            .map(|i| {
                let mut m = summary(i * 2 + usize::from(offset == 100));
                m.id = format!("a{}", 9000 + offset + i).into();
                m
            })
            .collect()
    });
    insta::assert_snapshot!(render(&app, 120, 40).backend());
}

#[test]
fn link_chooser_and_command_line_80x24() {
    let mut app = inbox_app(80, 24);
    let id = app.inbox.messages[0].id.clone();
    if let Some(message) = app.bodies.get_mut(id.as_str()) {
        message.links = vec![
            "https://www.skatteetaten.no/skattemelding/".into(),
            "https://www.altinn.no/".into(),
            "mailto:post@skatteetaten.no".into(),
        ];
    }
    app.detail.id = Some(id.to_string());
    press(&mut app, 'Y');
    press(&mut app, 'j');
    insta::assert_snapshot!("link_chooser_80x24", render(&app, 80, 24).backend());
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    press(&mut app, ':');
    for c in "arkve".chars() {
        press(&mut app, c);
    }
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    insta::assert_snapshot!("command_line_error_80x24", render(&app, 80, 24).backend());
}

#[test]
fn attachment_list_80x24() {
    let mut app = inbox_app(80, 24);
    let id = app.inbox.messages[0].id.clone();
    if let Some(message) = app.bodies.get_mut(id.as_str()) {
        let first = message.attachments[0].clone();
        message.attachments.push(Attachment {
            id: "9912002".into(),
            name: "Vedlegg til skattemeldingen".into(),
            file_name: "vedlegg_næring.pdf".into(),
            size: Some(1_250_000),
            ..first.clone()
        });
        message.attachments.push(Attachment {
            id: "9912003".into(),
            name: "Kryptert".into(),
            file_name: "lønnsopplysninger.xml".into(),
            size: None,
            encrypted: true,
            ..first
        });
    }
    app.detail.id = Some(id.to_string());
    press(&mut app, 'v');
    press(&mut app, 'v');
    insta::assert_snapshot!(render(&app, 80, 24).backend());
}

/// A dialog as Dialogporten gives it (a form with a thread and browser actions), with its
/// main content, made into the message the detail pane shows.
fn altinn3_message() -> Message {
    use innboks::backend::altinn3::model::{Dialog, DialogTexts, Fetched};
    let document = serde_json::json!({
        "id": "019a1c2e-5f3b-7a10-9c4e-2b7d8e9f0a11",
        "org": "skd",
        "party": "urn:altinn:person:identifier-no:01017012345",
        "serviceResourceType": "correspondenceservice",
        "status": "RequiresAttention",
        "createdAt": "2026-11-18T07:12:44.5170000Z",
        "contentUpdatedAt": "2026-11-18T07:12:44.5170000Z",
        "dueAt": "2026-12-02T07:12:44.5170000Z",
        "isContentSeen": true,
        "endUserContext": {"revision": "8f1c0a52-3d0e-4c8e-9d55-2a1f6e7b9c01", "systemLabels": ["Default"]},
        "content": {
            "title": {"value": [{"value": "Varsel om endring av skattefastsetting", "languageCode": "nb"}], "mediaType": "text/plain"},
            "summary": {"value": [{"value": "Du kan uttale deg før vi treffer vedtak.", "languageCode": "nb"}], "mediaType": "text/plain"},
            "senderName": {"value": [{"value": "Skatteetaten", "languageCode": "nb"}], "mediaType": "text/plain"}
        },
        "attachments": [{"id": "a1", "displayName": [{"value": "Varsel", "languageCode": "nb"}], "name": "varsel.pdf",
                         "urls": [{"url": "https://platform.altinn.no/correspondence/api/v1/correspondence/c1/attachment/a1/download", "consumerType": "Gui"}]}],
        "transmissions": [
            {"createdAt": "2026-11-18T07:12:44.5170000Z", "type": "Information", "sender": {"actorType": "ServiceOwner"}, "isAuthorized": true,
             "content": {"title": {"value": [{"value": "Varsel sendt", "languageCode": "nb"}], "mediaType": "text/plain"},
                         "summary": {"value": [{"value": "Fristen for å uttale seg er 02.12.2026.", "languageCode": "nb"}], "mediaType": "text/plain"}}},
            {"createdAt": "2026-11-19T10:00:00.0000000Z", "type": "Decision", "sender": {"actorType": "ServiceOwner"}, "isAuthorized": false,
             "content": {"title": {"value": [{"value": "Vedtak", "languageCode": "nb"}], "mediaType": "text/plain"}}}
        ],
        "activities": [
            {"id": "019a1c2e-6000-7000-8000-000000000003", "createdAt": "2026-11-20T08:30:00.0000000Z", "type": "CorrespondenceOpened",
             "performedBy": {"actorType": "PartyRepresentative", "actorName": "KARI NORDMANN"}},
            {"id": "019a1c2e-6000-7000-8000-000000000001", "createdAt": "2026-11-18T07:12:44.5170000Z", "type": "DialogCreated",
             "performedBy": {"actorType": "ServiceOwner"}},
            {"id": "019a1c2e-6000-7000-8000-000000000002", "createdAt": "2026-11-19T10:00:00.0000000Z", "type": "Information",
             "performedBy": {"actorType": "ServiceOwner"},
             "description": [{"value": "Saken er \u{1b}[31moverført\u{1b}[0m til klagenemnda", "languageCode": "nb"}]},
            {"id": "019a1c2e-6000-7000-8000-000000000004", "createdAt": "2026-11-21T09:00:00.0000000Z", "type": "SomethingNew",
             "performedBy": {"actorType": "PartyRepresentative"}}
        ],
        "guiActions": [
            {"url": "https://platform.altinn.no/correspondence/api/v1/correspondence/c1/confirm", "httpMethod": "POST", "isAuthorized": true,
             "title": [{"value": "Bekreft", "languageCode": "nb"}]},
            {"url": "https://www.skatteetaten.no/uttalelse?id=c1", "httpMethod": "GET", "isAuthorized": true,
             "title": [{"value": "Gi uttalelse", "languageCode": "nb"}]},
            {"url": "https://platform.altinn.no/correspondence/api/v1/correspondence/c1/forward", "httpMethod": "POST", "isAuthorized": true,
             "title": [{"value": "Videresend", "languageCode": "nb"}]}
        ],
        "apiActions": [
            {"action": "write", "name": "confirmCorrespondence", "isAuthorized": true,
             "endpoints": [{"url": "https://platform.altinn.no/correspondence/api/v1/correspondence/c1/confirm", "httpMethod": "POST"}]}
        ]
    });
    let dialog: Dialog = serde_json::from_value(document.clone()).expect("a dialog");
    let texts: DialogTexts = serde_json::from_value(document).expect("its texts");
    let body = "## Varsel\n\nVi vurderer å endre skattefastsettingen din for **2025**.\n\n| Saksnummer | 2026/4711 |\n|---|---|\n| Frist | 02.12.2026 |\n\nLes mer på [skatteetaten.no](https://www.skatteetaten.no/).\n";
    let fetched = Fetched {
        body: Some(body.into()),
        transmissions: Vec::new(),
        web_address: Some("https://af.altinn.no/inbox/019a1c2e-5f3b-7a10-9c4e-2b7d8e9f0a11".into()),
    };
    dialog.to_message(&texts, &fetched, &["nb"])
}

#[test]
fn altinn3_detail_with_a_thread_and_actions_120x60() {
    let mut app = inbox_app(120, 60);
    app.settings.capabilities = innboks::domain::Capabilities::altinn3();
    let message = altinn3_message();
    let id = app.inbox.messages[0].id.clone();
    app.bodies.insert(
        id.to_string(),
        Message {
            summary: app.inbox.messages[0].clone(),
            ..message
        },
    );
    // Scrolled to the thread and the actions.
    app.detail.scroll = 14;
    insta::assert_snapshot!(render(&app, 120, 60).backend());
}

/// `H`: the dialog's activities, oldest first, in words (an unknown type as sent, escape
/// sequences in a description made harmless).
#[test]
fn altinn3_history_80x24() {
    let mut app = inbox_app(80, 24);
    app.settings.capabilities = innboks::domain::Capabilities::altinn3();
    let id = app.inbox.messages[0].id.clone();
    app.bodies.insert(
        id.to_string(),
        Message {
            summary: app.inbox.messages[0].clone(),
            ..altinn3_message()
        },
    );
    app.opened.insert(id.to_string());
    app.detail.id = Some(id.to_string());
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('H'), KeyModifiers::SHIFT)),
    );
    assert!(app.detail.history, "H shows the history");
    let screen = render(&app, 80, 24);
    insta::assert_snapshot!(screen.backend());
}

#[test]
fn altinn3_login_80x24() {
    let mut app = App::new(innboks::app::Settings::new("prod"));
    app.settings.capabilities = innboks::domain::Capabilities::altinn3();
    app.login.method = innboks::domain::LoginMethod::IdPortenDevice;
    app.settings.idporten_configured = true;
    app.login.device_offered = Some(true);
    update(
        &mut app,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    insta::assert_snapshot!(render(&app, 80, 24).backend());
}

/// The Altinn 3 inbox in «Alle»: rows made by the backend's own mapping from Dialogporten
/// list items of three parties (one asks for attention with a due date, one is a form, one
/// is unread), merged newest first with a column saying whose.
#[test]
fn altinn3_all_parties_inbox_100x16() {
    use innboks::backend::altinn3::model::DialogPage;
    use innboks::domain::{Inbox, Party, PartyKind};
    let mut app = App::new(innboks::app::Settings::new("prod"));
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 16,
        },
    );
    app.screen = Screen::Inbox;
    app.settings.capabilities = innboks::domain::Capabilities::altinn3();
    app.session.user_name = Some("Kari Nordmann".into());
    app.session.method = Some("ID-porten");
    let kari = "urn:altinn:person:identifier-no:01017012345";
    let bygg = "urn:altinn:organization:identifier-no:310000001";
    let regnskap = "urn:altinn:organization:identifier-no:310000002";
    let party = |id: &str, name: &str, kind: PartyKind| Party {
        id: id.into(),
        name: name.into(),
        kind,
        organisation_number: None,
    };
    update(
        &mut app,
        Msg::ReporteesLoaded(vec![
            party(kari, "KARI NORDMANN", PartyKind::Person),
            party(bygg, "NORDMANN BYGG AS", PartyKind::Organisation),
            party(regnskap, "FJORD REGNSKAP AS", PartyKind::Organisation),
        ]),
    );
    app.whose = Inbox::All;
    app.reportee_name = Some("alle".into());
    let group = Inbox::group(vec![kari.into(), bygg.into(), regnskap.into()]);
    app.inbox = innboks::app::InboxState::new(vec![innboks::app::Source {
        requests: vec![(1, 0)],
        ..innboks::app::Source::new(group)
    }]);
    let text = |t: &str| serde_json::json!({"value": [{"value": t, "languageCode": "nb"}], "mediaType": "text/plain"});
    let item = |n: u32,
                party: &str,
                org: &str,
                sender: &str,
                title: &str,
                kind: &str,
                status: &str,
                seen: bool,
                due: Option<&str>| {
        serde_json::json!({
            "id": format!("019a1c2e-5f3b-7a10-9c4e-2b7d8e9f0a{n:02}"),
            "org": org,
            "party": party,
            "serviceResourceType": kind,
            "status": status,
            "createdAt": format!("2026-11-{:02}T07:12:44Z", 25 - n),
            "contentUpdatedAt": format!("2026-11-{:02}T07:12:44Z", 25 - n),
            "dueAt": due,
            "isContentSeen": seen,
            "guiAttachmentCount": n % 3,
            "endUserContext": {"revision": "8f1c0a52-3d0e-4c8e-9d55-2a1f6e7b9c01", "systemLabels": ["Default"]},
            "content": {"title": text(title), "senderName": text(sender)}
        })
    };
    let page: DialogPage = serde_json::from_value(serde_json::json!({
        "items": [
            item(1, kari, "skd", "Skatteetaten", "Varsel om endring av skattefastsetting", "correspondenceservice", "RequiresAttention", false, Some("2026-12-02T07:12:44Z")),
            item(2, bygg, "brg", "Brønnøysundregistrene", "Årsregnskap for 2025 er mottatt", "correspondenceservice", "NotApplicable", true, None),
            item(3, regnskap, "skd", "Skatteetaten", "A-melding for oktober", "altinnapp", "InProgress", true, Some("2026-12-05T23:59:00Z")),
            item(4, bygg, "nav", "NAV", "Refusjonskrav for sykepenger", "correspondenceservice", "NotApplicable", false, None),
            item(5, kari, "svv", "Statens vegvesen", "Innkalling til EU-kontroll for EL 12345", "correspondenceservice", "NotApplicable", true, None)
        ],
        "hasNextPage": false
    }))
    .expect("a page");
    let mut page = page.to_page(&["nb"]);
    // The backend stamps a group's rows with each one's party.
    for (m, party) in page
        .messages
        .iter_mut()
        .zip([kari, bygg, regnskap, bygg, kari])
    {
        m.owner = Some(party.into());
    }
    update(
        &mut app,
        Msg::PageLoaded {
            request: 1,
            skip: 0,
            page,
        },
    );
    app.detail.request = None;
    insta::assert_snapshot!(render(&app, 100, 16).backend());
}

/// Offline at 60×15: the header says so first, before what a narrow line cuts.
#[test]
fn offline_inbox_60x15() {
    let mut app = inbox_app(60, 15);
    app.settings.offline = true;
    app.env_label = "demo · simulert Altinn 3".into();
    insta::assert_snapshot!(render(&app, 60, 15).backend());
}

/// Chrome words that say a screen is in Norwegian (none of them is in the test data).
const NORWEGIAN: &[&str] = &[
    "Henter",
    "meldinger",
    "Meldinger",
    "Innboks",
    "ulest",
    "Logg inn",
    "lukker",
    "hjelpen",
    "avslutt",
    "Fra:",
    "Mottatt:",
    "Vedlegg:",
    "velg",
    "merket",
    "Søk",
    "frist ",
    "bekreft",
    "papirkurv",
    "Avsender",
    "Filtre",
    "Kommandoer",
    "innlogget",
    "Brukernavn",
    "Miljø",
    "Trykk",
    "tilbake",
    "åpne",
    "Flytte",
    "Handlinger",
    "Generelt",
    "forrige",
    "neste",
    "Historikk",
    "Tråd",
    "lagre",
    "passord",
];

/// Chrome words that say a screen is in English.
const ENGLISH: &[&str] = &[
    "Fetching",
    "messages",
    "Message",
    "unread /",
    "Press",
    "Search",
    "Choose",
    "choose",
    "Inbox",
    "Help",
    "close",
    "Open",
    "From:",
    "Received",
    "Attachments",
    "marked",
    "Log in",
    "Username",
    "Environment",
    "next",
    "previous",
    "quit",
    "History",
    "Thread",
    "save",
    "password",
];

/// The saved searches (`'`) with their counts from the desk; one still without.
fn saved_searches_app(width: u16, height: u16) -> App {
    use chrono::TimeZone;
    use innboks::domain::{Capabilities, Filters, Folder, MessageKind, SavedSearch};
    use innboks::domain::{SearchCounts, SearchParties};
    let mut app = inbox_app(width, height);
    app.settings.capabilities = Capabilities::altinn3();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    let search = |name: &str, filters: Filters, days, parties, folder| SavedSearch {
        name: name.into(),
        filters,
        days,
        parties,
        folder,
    };
    app.searches = vec![
        search(
            "klienter-mva",
            Filters {
                kind: Some(MessageKind::FormTask),
                search: Some("mva".into()),
                ..Filters::default()
            },
            Some(90),
            SearchParties::Only(vec!["313367002".into(), "310000000".into()]),
            Folder::Inbox,
        ),
        search(
            "kvitteringer",
            Filters {
                needs_confirmation: true,
                ..Filters::default()
            },
            None,
            SearchParties::All,
            Folder::Inbox,
        ),
        search(
            "skatt",
            Filters {
                unread: true,
                sender: Some("Skatteetaten".into()),
                ..Filters::default()
            },
            None,
            SearchParties::Me,
            Folder::Inbox,
        ),
        search(
            "arkiv-nav",
            Filters {
                sender: Some("NAV".into()),
                ..Filters::default()
            },
            Some(365),
            SearchParties::Only(vec!["313367002".into()]),
            Folder::Archive,
        ),
    ];
    let effects = press(&mut app, '\'');
    let request = effects
        .iter()
        .find_map(|e| match e {
            innboks::app::Effect::LoadSearchCounts { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the counts are asked for");
    let counts = [
        ("klienter-mva", 14, 2),
        ("kvitteringer", 3, 0),
        ("skatt", 1_204, 1_204),
    ]
    .into_iter()
    .map(|(name, total, unread)| (name.to_owned(), SearchCounts { total, unread }))
    .collect();
    update(
        &mut app,
        Msg::SearchCountsLoaded {
            request,
            counts,
            synced_at: chrono::Utc
                .with_ymd_and_hms(2026, 11, 20, 9, 30, 0)
                .single(),
        },
    );
    app
}

#[test]
fn saved_searches_with_counts_100x24() {
    insta::assert_snapshot!(render(&saved_searches_app(100, 24), 100, 24).backend());
}

/// The screens drawn in each language: built and drawn in it, since `update` words its
/// status lines as it goes.
fn screens_in(lang: innboks::i18n::Lang) -> Vec<(String, String)> {
    let _lang = innboks::i18n::scoped(lang);
    let draw = |app: &App, w: u16, h: u16| format!("{}", render(app, w, h).backend());
    let mut screens = Vec::new();
    screens.push(("login_80x24", draw(&login_app(80, 24), 80, 24)));
    screens.push(("inbox_120x40", draw(&inbox_app(120, 40), 120, 40)));
    let mut help = inbox_app(100, 80);
    press(&mut help, '?');
    screens.push(("help_100x80", draw(&help, 100, 80)));
    let mut filters = inbox_app(80, 24);
    press(&mut filters, 'f');
    screens.push(("filter_menu_80x24", draw(&filters, 80, 24)));
    let mut attachments = inbox_app(80, 24);
    attachments.detail.id = Some(attachments.inbox.messages[0].id.to_string());
    press(&mut attachments, 'v');
    screens.push(("attachments_80x24", draw(&attachments, 80, 24)));
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
    let device = innboks::app::DeviceView {
        user_code: "BDWP-HQPK".into(),
        verification_uri: "https://login.example/device".into(),
        verification_uri_complete: None,
        qr: Vec::new(),
        expires_at: now + std::time::Duration::from_secs(581),
    };
    let device = flow_app(
        80,
        24,
        innboks::app::LoginFlow::Device(device),
        innboks::domain::LoginMethod::IdPortenDevice,
    );
    screens.push(("device_code_80x24", draw(&device, 80, 24)));
    let mut thread = inbox_app(120, 60);
    thread.settings.capabilities = innboks::domain::Capabilities::altinn3();
    let id = thread.inbox.messages[0].id.clone();
    let summary = thread.inbox.messages[0].clone();
    thread.bodies.insert(
        id.to_string(),
        Message {
            summary,
            ..altinn3_message()
        },
    );
    thread.detail.scroll = 14;
    screens.push(("altinn3_thread_120x60", draw(&thread, 120, 60)));
    screens.push((
        "saved_searches_80x20",
        draw(&saved_searches_app(80, 20), 80, 20),
    ));
    screens
        .into_iter()
        .map(|(name, text)| (format!("{}_{name}", lang.code()), text))
        .collect()
}

/// One language at a time: the English screens hold none of the Norwegian chrome words and
/// the bokmål ones none of the English; every screen is a snapshot in both.
#[test]
fn screens_in_bokmal_and_english_hold_one_language_each() {
    use innboks::i18n::Lang;
    for (lang, foreign) in [(Lang::Nb, ENGLISH), (Lang::En, NORWEGIAN)] {
        for (name, text) in screens_in(lang) {
            let found: Vec<&&str> = foreign.iter().filter(|w| text.contains(**w)).collect();
            assert!(found.is_empty(), "{name} has {found:?}:\n{text}");
            insta::assert_snapshot!(name, text);
        }
    }
}

/// An Altinn 3 inbox with the desk: the cache, a known user and three client companies.
fn desk_app(width: u16, height: u16) -> App {
    use innboks::domain::{Party, PartyKind};
    let mut app = inbox_app(width, height);
    app.settings.capabilities = innboks::domain::Capabilities::altinn3();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    let parties = [
        "NORDMANN BYGG AS",
        "FJORD REGNSKAP AS",
        "BRATT & SØNN TRANSPORT AS",
    ]
    .iter()
    .enumerate()
    .map(|(i, name)| Party {
        id: format!("urn:altinn:organization:identifier-no:31000000{i}"),
        name: (*name).into(),
        kind: PartyKind::Organisation,
        organisation_number: Some(format!("31000000{i}")),
    })
    .collect();
    update(&mut app, Msg::ReporteesLoaded(parties));
    app
}

/// The agenda in the list: the title counts each group, the date column is the due date.
#[test]
fn agenda_in_the_list_100x16() {
    use chrono::{TimeZone, Utc};
    use innboks::app::Effect;
    use innboks::domain::{AgendaGroup, AgendaRow, DeskItem, Folder};
    let mut app = desk_app(100, 16);
    let request = press(&mut app, 'A')
        .iter()
        .find_map(|e| match e {
            Effect::LoadAgenda { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the agenda is read from the desk");
    let row = |i: usize, group: AgendaGroup, due: Option<(u32, u32)>, subject: &str| {
        let mut summary = summary(i);
        summary.subject = subject.into();
        summary.owner =
            Some(format!("urn:altinn:organization:identifier-no:31000000{}", i % 3).into());
        summary.due = due
            .and_then(|(m, d)| Utc.with_ymd_and_hms(2026, m, d, 22, 59, 0).single())
            .map(innboks::domain::Stamp::from);
        AgendaRow {
            group,
            item: DeskItem {
                summary,
                folder: Folder::Inbox,
                requires_attention: group == AgendaGroup::NoDate,
                completed: false,
                pending: true,
                expires: None,
                updated: None,
            },
        }
    };
    let rows = vec![
        row(
            1,
            AgendaGroup::Overdue,
            Some((11, 30)),
            "Mva-melding for 5. termin",
        ),
        row(
            2,
            AgendaGroup::ThisWeek,
            Some((12, 8)),
            "A-melding for november",
        ),
        row(
            3,
            AgendaGroup::ThisWeek,
            Some((12, 10)),
            "Bekreft mottak av vedtak",
        ),
        row(
            4,
            AgendaGroup::Later,
            Some((12, 18)),
            "Skattemelding for formuesskatt",
        ),
        row(5, AgendaGroup::NoDate, None, "Innkalling til EU-kontroll"),
    ];
    update(
        &mut app,
        Msg::AgendaLoaded {
            request,
            rows,
            synced_at: chrono::Utc.with_ymd_and_hms(2026, 12, 6, 8, 0, 0).single(),
        },
    );
    app.detail.request = None;
    insta::assert_snapshot!(render(&app, 100, 16).backend());
}

/// The board: one row per party, most urgent first.
#[test]
fn board_overlay_100x20() {
    use innboks::app::Effect;
    use innboks::domain::BoardRow;
    let mut app = desk_app(100, 20);
    let request = press(&mut app, 'B')
        .iter()
        .find_map(|e| match e {
            Effect::LoadBoard { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the board is read from the desk");
    let row = |i: usize, name: &str, counts: [usize; 4]| BoardRow {
        party: format!("urn:altinn:organization:identifier-no:31000000{i}"),
        name: name.into(),
        organisation_number: Some(format!("31000000{i}")),
        unread: counts[0],
        requires_attention: counts[1],
        due_soon: counts[2],
        overdue: counts[3],
        newest: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 1 + i as u32, 9, 0, 0)
            .single(),
    };
    update(
        &mut app,
        Msg::BoardLoaded {
            request,
            rows: vec![
                row(0, "NORDMANN BYGG AS", [4, 0, 1, 0]),
                row(1, "FJORD REGNSKAP AS", [0, 2, 1, 1]),
                row(2, "BRATT & SØNN TRANSPORT AS", [0, 0, 0, 0]),
            ],
            synced_at: None,
        },
    );
    insta::assert_snapshot!(render(&app, 100, 20).backend());
}
