//! The figures BENCHMARKS.md reports: one inbox frame at 1k, 10k and 100k messages, a
//! search keystroke over 100k, parsing a 50-message HAL page, loading 100k headers from the
//! cache, and a full sync of 10k messages from the simulator at 50 ms latency.
//! Run with `cargo bench`; `cargo bench -- frame` runs one group.

mod support;

use std::hint::black_box;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use innboks::app::update::update;
use innboks::app::{App, Effect, Msg, Screen, Source};
use innboks::domain::{MessageKind, MessageStatus, MessageSummary};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const SENDERS: [&str; 8] = [
    "Skatteetaten",
    "NAV",
    "Brønnøysundregistrene",
    "Statens vegvesen",
    "Statens kartverk",
    "Oslo kommune",
    "Lånekassen",
    "Arbeidstilsynet",
];
const SUBJECTS: [&str; 8] = [
    "Skattemeldingen for 2025 er klar",
    "Vedtak om foreldrepenger",
    "Årsregnskap for 2025 er mottatt",
    "Innkalling til EU-kontroll",
    "Tinglysing er gjennomført",
    "Vedr. saksnr 2026/7445, byggesak",
    "Betalingsplan for studielån 2026",
    "Melding om tilsyn",
];

fn summary(i: usize) -> MessageSummary {
    MessageSummary {
        id: format!("a{}", 7_000_000 + i).into(),
        subject: format!("{} ({i})", SUBJECTS[i % SUBJECTS.len()]).into(),
        status: if i.is_multiple_of(9) {
            MessageStatus::Unread
        } else {
            MessageStatus::Read
        },
        marked_unread: false,
        service_owner: SENDERS[(i / 3) % SENDERS.len()].into(),
        message_sender: None,
        kind: MessageKind::Correspondence,
        created: None,
        last_changed: (Utc
            .with_ymd_and_hms(2026, 11, 20, 12, 0, 0)
            .single()
            .map(|t| t - chrono::Duration::minutes(i as i64 * 7)))
        .map(innboks::domain::Stamp::from),
        due: None,
        attachment_count: i.is_multiple_of(4).then_some(1),
        requires_confirmation: i.is_multiple_of(50),
        owner: None,
        seq: i as i32,
    }
}

/// An inbox of `n` messages, as after loading them, at 200×50.
fn inbox(n: usize) -> App {
    let mut app = App::new(innboks::app::Settings::new("bench"));
    update(
        &mut app,
        Msg::Resize {
            width: 200,
            height: 50,
        },
    );
    app.screen = Screen::Inbox;
    app.session.user_name = Some("Kari Nordmann".into());
    app.inbox.messages = (0..n).map(summary).collect::<Vec<_>>().into();
    app.inbox.loaded_once = true;
    app.inbox.sources = vec![Source::new(innboks::domain::Inbox::Me)];
    app.inbox.selected = n / 2;
    app.inbox.scroll = n / 2 - 10;
    app.inbox.recount(&app.filters);
    app
}

fn frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame 200x50");
    for n in [1_000, 10_000, 100_000] {
        let app = inbox(n);
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
        let theme = innboks::ui::Theme::ansi();
        group.bench_function(format!("{n} messages"), |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| innboks::ui::draw(black_box(&app), &theme, frame))
                    .expect("draw");
            })
        });
    }
    // The same frame in English: every word through the catalogue, dates the English way.
    {
        let _english = innboks::i18n::scoped(innboks::i18n::Lang::En);
        let app = inbox(100_000);
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
        let theme = innboks::ui::Theme::ansi();
        group.bench_function("100000 messages, English", |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| innboks::ui::draw(black_box(&app), &theme, frame))
                    .expect("draw");
            })
        });
    }
    group.finish();
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// Runs the searches among `effects` at once, as the runtime does off the loop, and feeds
/// their answers back.
fn settle(app: &mut App, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Search(job) = effect {
            let more = update(app, job.run());
            settle(app, more);
        }
    }
}

/// Types `text` into the search prompt; only the last letter's search is run (as when
/// typing faster than the answers come: each newer search stops the older).
fn type_then_answer(app: &mut App, text: &str) {
    let mut last = Vec::new();
    for ch in text.chars() {
        last = update(app, key(ch));
    }
    settle(app, last);
}

/// Search over 100,000 and 1,000,000 rows: what a keystroke costs the loop (it only asks),
/// and the time until the results are complete (the matching, off the loop, and taking
/// its answer).
fn search(c: &mut Criterion) {
    let mut group = c.benchmark_group("search");
    group.sample_size(10);
    for n in [100_000, 1_000_000] {
        let mut opened = inbox(n);
        update(&mut opened, key('/'));
        let mut typed = opened.clone();
        type_then_answer(&mut typed, "skatt");
        group.bench_function(format!("keystroke on the loop over {n}"), |b| {
            b.iter_batched_ref(
                || typed.clone(),
                |app| update(app, key('e')),
                BatchSize::LargeInput,
            )
        });
        group.bench_function(format!("first letter on the loop over {n}"), |b| {
            b.iter_batched_ref(
                || opened.clone(),
                |app| update(app, key('s')),
                BatchSize::LargeInput,
            )
        });
        group.bench_function(format!("skatt typed, complete over {n}"), |b| {
            b.iter_batched_ref(
                || opened.clone(),
                |app| type_then_answer(app, "skatt"),
                BatchSize::LargeInput,
            )
        });
        group.bench_function(format!("first letter complete over {n}"), |b| {
            b.iter_batched_ref(
                || opened.clone(),
                |app| type_then_answer(app, "s"),
                BatchSize::LargeInput,
            )
        });
        group.bench_function(format!("skatte after skatt, complete over {n}"), |b| {
            b.iter_batched_ref(
                || typed.clone(),
                |app| type_then_answer(app, "e"),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn filter(c: &mut Criterion) {
    let mut app = inbox(100_000);
    update(&mut app, key('f'));
    c.bench_function(
        "local filter on and off over 100k (needs confirmation)",
        |b| {
            b.iter(|| {
                update(&mut app, key('b'));
                update(&mut app, key('b'));
            })
        },
    );
}

fn parse(c: &mut Criterion) {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/page50.json"))
        .expect("benches/page50.json");
    c.bench_function("parse a 50-message HAL page", |b| {
        b.iter(|| {
            let list: innboks::backend::altinn2::model::MessageList =
                serde_json::from_str(black_box(&page)).expect("parses");
            list.to_page(50, false)
        })
    });
}

fn cache(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite3");
    let scope = innboks::cache::Scope {
        env: "bench".into(),
        user: "u".into(),
        inbox: innboks::domain::Inbox::Me,
        folder: innboks::domain::Folder::Inbox,
    };
    let mut cache = innboks::cache::Cache::open(&path).expect("cache");
    let messages: Vec<MessageSummary> = (0..100_000).map(summary).collect();
    cache
        .write(&scope, &messages, &[], Some(true))
        .expect("write");
    let mut group = c.benchmark_group("cache");
    group.sample_size(10);
    group.bench_function("load 100k headers", |b| {
        b.iter(|| cache.load(&scope).expect("load").messages.len())
    });
    group.finish();
}

fn full_sync(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (_sim, client, session) = support::simulator(&runtime, 10_000, Duration::from_millis(50));
    let mut group = c.benchmark_group("full sync");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(40));
    group.bench_function("10k messages, latency 50 ms, 4 in flight", |b| {
        b.iter(|| support::read_all(&runtime, &client, &session, 10_000).len())
    });
    group.finish();
}

criterion_group!(benches, frames, search, filter, parse, cache, full_sync);
criterion_main!(benches);
