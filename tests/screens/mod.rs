//! The fixed state the screen snapshots (`tests/ui_snapshots.rs`) are drawn from: messages
//! from six senders, a logged-in inbox, a login screen, and the terminal they are drawn on.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use innboks::app::update::update;
use innboks::app::{App, Msg, Screen};
use innboks::domain::{
    Attachment, Message, MessageKind, MessagePage, MessageStatus, MessageSummary,
};
use innboks::ui::{self, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

pub const SENDERS: [(&str, &str, MessageKind); 6] = [
    (
        "Skatteetaten",
        "Skattemeldingen for 2025 er klar",
        MessageKind::Correspondence,
    ),
    (
        "NAV",
        "Vedtak om foreldrepenger",
        MessageKind::Correspondence,
    ),
    (
        "Brønnøysundregistrene",
        "Årsregnskap for 2025 er mottatt",
        MessageKind::Correspondence,
    ),
    (
        "Statens vegvesen",
        "Innkalling til EU-kontroll for EL 12345",
        MessageKind::Correspondence,
    ),
    (
        "Skatteetaten",
        "RF-1028 Skattemelding for formues- og inntektsskatt – aksjeselskaper mv. 2025",
        MessageKind::FormTask,
    ),
    (
        "Statens lånekasse for utdanning",
        "Betalingsplan for studielån 2026",
        MessageKind::Correspondence,
    ),
];

pub fn summary(i: usize) -> MessageSummary {
    let (sender, subject, kind) = SENDERS[i % SENDERS.len()].clone();
    MessageSummary {
        id: format!("a{}", 7_000_000 + i).into(),
        subject: subject.into(),
        status: match (i, &kind) {
            (_, MessageKind::FormTask) => MessageStatus::Filling,
            (0..=2, _) => MessageStatus::Unread,
            _ => MessageStatus::Read,
        },
        marked_unread: false,
        service_owner: sender.into(),
        message_sender: None,
        kind,
        created: None,
        last_changed: (Utc
            .with_ymd_and_hms(2026, 11, 20, 9, 30, 0)
            .single()
            .map(|d| d - chrono::Duration::days(i as i64 * 3)))
        .map(innboks::domain::Stamp::from),
        due: None,
        attachment_count: i.is_multiple_of(4).then_some(1),
        requires_confirmation: false,
        owner: None,
        seq: 0,
    }
}

pub fn detail(i: usize) -> Message {
    Message {
        summary: summary(i),
        summary_text: None,
        body: "Hei Kari,\n\nSkattemeldingen din for 2025 er nå tilgjengelig. Kontroller at opplysningene stemmer, og endre eller legg til det som mangler innen fristen 30.04.2026.\n\nMed vennlig hilsen\nSkatteetaten".into(),
        attachments: vec![Attachment {
            id: "9912001".into(),
            name: "Skattemelding 2025".into(),
            file_name: "skattemelding_2025.pdf".into(),
            size: Some(34_000),
            encrypted: false,
            url: "http://127.0.0.1/api/my/messages/a7000000/attachments/9912001".into(),
            bundle: false,
        }],
        archive_reference: None,
        portal_url: None,
        links: Vec::new(),
        history: Vec::new(),
        thread: Vec::new(),
        expires: None,
    }
}

pub fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| ui::draw(app, &Theme::ansi(), frame))
        .expect("draw");
    terminal
}

pub fn login_app(width: u16, height: u16) -> App {
    let mut app = App::new(innboks::app::Settings::new("demo"));
    app.settings.login_hint = Some(innboks::tr!("Demo: brukernavn demo, passord demo").into());
    app.settings.idporten_configured = true;
    app.login.device_offered = Some(true);
    update(&mut app, Msg::Resize { width, height });
    for c in "demo".chars() {
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    app
}

pub fn inbox_app(width: u16, height: u16) -> App {
    let mut app = App::new(innboks::app::Settings::new("demo"));
    update(&mut app, Msg::Resize { width, height });
    app.screen = Screen::Inbox;
    app.session.user_name = Some("Kari Nordmann".into());
    app.session.method = Some(innboks::tr!("passord"));
    app.inbox.sources = vec![innboks::app::Source {
        requests: vec![(1, 0)],
        ..innboks::app::Source::new(innboks::domain::Inbox::Me)
    }];
    update(
        &mut app,
        Msg::PageLoaded {
            request: 1,
            skip: 0,
            page: MessagePage {
                messages: (0..60).map(summary).collect(),
                has_more: true,
                limit_reached: false,
                next: None,
            },
        },
    );
    for source in &mut app.inbox.sources {
        source.requests.clear();
    }
    app.detail.request = None;
    app.bodies
        .insert(detail(0).summary.id.to_string(), detail(0));
    app
}
