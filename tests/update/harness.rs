//! What every test of `update` starts from: a logged-in app, pages, messages and keys.

pub use chrono::{TimeZone, Utc};
pub use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use innboks::app::update::update;
pub use innboks::app::{
    App, BrowserView, DeviceView, Effect, Focus, Keymap, LoginField, LoginFlow, LoginMethod, Msg,
    Screen, Status,
};
pub use innboks::auth::refresh::RefreshEvent;
pub use innboks::domain::ApiError;
pub use innboks::domain::Inbox;
pub use innboks::domain::{
    FilterKey, Filters, Message, MessageKind, MessagePage, MessageStatus, MessageSummary,
};

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub fn summary(i: usize) -> MessageSummary {
    MessageSummary {
        id: format!("a{}", 1000 + i).into(),
        subject: format!("Melding {i}").into(),
        status: if i.is_multiple_of(3) {
            MessageStatus::Unread
        } else {
            MessageStatus::Read
        },
        marked_unread: false,
        service_owner: "Skatteetaten".into(),
        message_sender: None,
        kind: MessageKind::Correspondence,
        created: None,
        last_changed: Utc
            .with_ymd_and_hms(2026, 11, 20, 12, 0, 0)
            .single()
            .map(innboks::domain::Stamp::from),
        due: None,
        attachment_count: None,
        requires_confirmation: false,
        owner: None,
        seq: 0,
    }
}

pub fn page(range: std::ops::Range<usize>, has_more: bool) -> MessagePage {
    MessagePage {
        messages: range.map(summary).collect(),
        has_more,
        limit_reached: false,
        next: None,
    }
}

pub fn message(i: usize) -> Message {
    Message {
        summary: summary(i),
        summary_text: None,
        body: "Hei.\nTekst.".into(),
        attachments: Vec::new(),
        archive_reference: None,
        portal_url: None,
        links: Vec::new(),
        history: Vec::new(),
        thread: Vec::new(),
        expires: None,
    }
}

/// Types `text`, a key at a time; a search each key asks for is run at once, as the
/// runtime would off the loop, and its answer fed back.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        let effects = update(app, key(KeyCode::Char(c)));
        run_searches(app, effects);
    }
}

/// Runs the searches among `effects` (and any they lead to) and feeds their answers back;
/// the other effects are returned.
pub fn run_searches(app: &mut App, effects: Vec<Effect>) -> Vec<Effect> {
    let mut rest = Vec::new();
    let mut queue = effects;
    while !queue.is_empty() {
        for effect in std::mem::take(&mut queue) {
            match effect {
                Effect::Search(job) => queue.extend(update(app, job.run())),
                other => rest.push(other),
            }
        }
    }
    rest
}

/// An app logged in with the first page loaded (50 messages, more to come).
pub fn logged_in() -> App {
    logged_in_over(page(0..50, true))
}

/// An app logged in with `first` as its first page.
pub fn logged_in_over(first: MessagePage) -> App {
    let mut app = App::new(innboks::app::Settings::new("test"));
    update(
        &mut app,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    type_text(&mut app, "demo");
    update(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "demo");
    let effects = update(&mut app, key(KeyCode::Enter));
    let Some(Effect::PasswordLogin { request, .. }) = effects.first() else {
        panic!("login effect expected, got {effects:?}");
    };
    let effects = update(&mut app, Msg::LoggedIn { request: *request });
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::FetchPage {
                request, skip: 0, ..
            } => Some(*request),
            _ => None,
        })
        .expect("first page requested");
    update(
        &mut app,
        Msg::PageLoaded {
            request,
            skip: 0,
            page: first,
        },
    );
    app
}

pub fn page_request(effects: &[Effect]) -> Option<(u64, usize)> {
    effects.iter().find_map(|e| match e {
        Effect::FetchPage { request, skip, .. } => Some((*request, *skip)),
        _ => None,
    })
}

/// The filters in the first `FetchPage` of `effects`.
pub fn fetched_filters(effects: &[Effect]) -> Option<Filters> {
    effects.iter().find_map(|e| match e {
        Effect::FetchPage {
            skip: 0, filters, ..
        } => Some(filters.clone()),
        _ => None,
    })
}
