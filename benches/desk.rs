//! The accountant's desk over 1,000 parties and 100,000 cached dialogs: the board's and the
//! agenda's first frame from the cache (the SQL, the update and a 160×50 frame), and
//! `innboks count` as a whole process, as a status line runs it. Run with
//! `cargo bench --bench desk`.

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use innboks::app::update::update;
use innboks::app::{App, Msg, Screen};
use innboks::cache::Cache;
use innboks::domain::{
    DeskItem, DeskScope, Folder, MessageKind, MessageStatus, MessageSummary, Party, PartyKind,
};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const PARTIES: usize = 1_000;
const DIALOGS: usize = 100_000;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 8, 0, 0)
        .single()
        .expect("a date")
}

fn party(i: usize) -> Party {
    Party {
        id: format!("urn:altinn:organization:identifier-no:9{i:08}"),
        name: format!("KLIENT {i} AS"),
        kind: PartyKind::Organisation,
        organisation_number: Some(format!("9{i:08}")),
    }
}

/// Dialog `i`, spread as the simulator spreads an accountant's: a tenth unread, a few
/// needing action, a fifth with a due date from a month ago to two months ahead.
fn item(i: usize) -> DeskItem {
    let senders = [
        "Skatteetaten",
        "NAV",
        "Brønnøysundregistrene",
        "Oslo kommune",
    ];
    let unread = i.is_multiple_of(10);
    let requires_attention = i.is_multiple_of(37);
    let due = i
        .is_multiple_of(5)
        .then(|| now() + chrono::Duration::hours((i % 2_160) as i64 - 720));
    let completed = i.is_multiple_of(3);
    DeskItem {
        summary: MessageSummary {
            id: format!("019a{i:028x}").into(),
            subject: format!("Mva-melding for termin {} – frist og vedtak", i % 6 + 1).into(),
            status: if unread {
                MessageStatus::Unread
            } else {
                MessageStatus::Read
            },
            marked_unread: false,
            service_owner: senders[i % senders.len()].into(),
            message_sender: None,
            kind: MessageKind::Correspondence,
            created: None,
            last_changed: Some(innboks::domain::Stamp::from(
                now() - chrono::Duration::minutes(i as i64 * 7),
            )),
            due: due.map(innboks::domain::Stamp::from),
            attachment_count: None,
            requires_confirmation: false,
            owner: Some((party(i % PARTIES).id).into()),
            seq: 0,
        },
        folder: Folder::Inbox,
        requires_attention,
        completed,
        pending: !completed && (unread || requires_attention),
        expires: None,
        updated: None,
    }
}

/// A home whose cache holds the desk of the user who used `local` last.
fn home_with_desk() -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("home");
    let path = home
        .path()
        .join("cache")
        .join("innboks")
        .join("cache.sqlite3");
    let mut cache = Cache::open(&path).expect("cache");
    let parties: Vec<Party> = (0..PARTIES).map(party).collect();
    cache.set_parties("local", "u", &parties).expect("parties");
    let scope = scope();
    for chunk in (0..DIALOGS).collect::<Vec<_>>().chunks(20_000) {
        let items: Vec<DeskItem> = chunk.iter().map(|&i| item(i)).collect();
        cache.desk_write(&scope, &items, &[]).expect("write");
    }
    cache.set_last_user("local", "u").expect("user");
    home
}

fn scope() -> DeskScope {
    DeskScope {
        env: "local".into(),
        user: "u".into(),
    }
}

/// An Altinn 3 inbox with the cache, at 160×50, knowing the parties.
fn app() -> App {
    let mut app = App::new(innboks::app::Settings::new("local"));
    update(
        &mut app,
        Msg::Resize {
            width: 160,
            height: 50,
        },
    );
    app.screen = Screen::Inbox;
    app.settings.capabilities = innboks::domain::Capabilities::altinn3();
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    update(
        &mut app,
        Msg::ReporteesLoaded((0..PARTIES).map(party).collect()),
    );
    app
}

fn press(app: &mut App, c: char) -> u64 {
    let effects = update(
        app,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    effects
        .iter()
        .find_map(|e| match e {
            innboks::app::Effect::LoadAgenda { request, .. }
            | innboks::app::Effect::LoadBoard { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a desk read")
}

fn first_frames(c: &mut Criterion) {
    let home = home_with_desk();
    let cache = Cache::open(&home.path().join("cache/innboks/cache.sqlite3")).expect("cache");
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("terminal");
    let theme = innboks::ui::Theme::ansi();
    let mut group = c.benchmark_group("desk, 1,000 parties, 100,000 dialogs");
    group.sample_size(20);
    group.bench_function("board: SQL", |b| {
        b.iter(|| cache.board(&scope(), now()).expect("board"))
    });
    group.bench_function("agenda: SQL (14 days)", |b| {
        b.iter(|| cache.agenda(&scope(), now(), 14, None).expect("agenda"))
    });
    group.bench_function("counts: SQL", |b| {
        b.iter(|| cache.desk_counts(&scope(), now(), None).expect("counts"))
    });
    group.bench_function("board: first frame (SQL, update, draw)", |b| {
        b.iter_batched(
            app,
            |mut app| {
                let request = press(&mut app, 'B');
                let rows = cache.board(&scope(), now()).expect("board");
                update(
                    &mut app,
                    Msg::BoardLoaded {
                        request,
                        rows,
                        synced_at: Some(now()),
                    },
                );
                terminal
                    .draw(|frame| innboks::ui::draw(&app, &theme, frame))
                    .expect("draw");
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("agenda: first frame (SQL, update, draw)", |b| {
        b.iter_batched(
            app,
            |mut app| {
                let request = press(&mut app, 'A');
                let rows = cache.agenda(&scope(), now(), 14, None).expect("agenda");
                update(
                    &mut app,
                    Msg::AgendaLoaded {
                        request,
                        rows,
                        synced_at: Some(now()),
                    },
                );
                terminal
                    .draw(|frame| innboks::ui::draw(&app, &theme, frame))
                    .expect("draw");
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// `innboks count` from spawn to exit, as a status line runs it.
fn count_process(c: &mut Criterion) {
    let home = home_with_desk();
    let run = |home: &std::path::Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_innboks"));
        cmd.args([
            "count",
            "--env",
            "local",
            "--altinn-url",
            "http://127.0.0.1:9",
            "--api-key",
            "k",
        ]);
        cmd.env("HOME", home);
        for (key, dir) in [
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            cmd.env(key, home.join(dir));
        }
        cmd.env("INNBOKS_KEYRING", "off");
        cmd.env("LANG", "nb_NO.UTF-8");
        cmd.output().expect("innboks count")
    };
    let output = run(home.path());
    let line = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(line.contains("uleste"), "counted: {line}");
    println!("innboks count over {DIALOGS} dialogs: {}", line.trim());
    let mut group = c.benchmark_group("count, whole process");
    group.sample_size(30);
    group.bench_function("100,000 dialogs cached", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let output = run(home.path());
                total += started.elapsed();
                assert!(output.status.success());
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, first_frames, count_process);
criterion_main!(benches);
