//! The Altinn 3 figures BENCHMARKS.md reports: a full sync of one party's 10,000 dialogs at
//! 50 ms latency (a first page of 100, then 1,000 by continuation token), a refresh of an unchanged
//! 100,000-dialog mailbox (`updatedAfter`), the first screen of «Alle» over
//! 1,000 parties (10 groups of 100, the app's own scheduling through `update` and the
//! runtime), a keystroke in the reportee switcher over 100,000 parties, and «Alle» over
//! 100,000 parties (1,000 groups).
//! Run with `cargo bench --bench altinn3`.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use innboks::app::update::update;
use innboks::app::{App, Msg, Screen};
use innboks::auth::oidc::{self, Provider};
use innboks::auth::{device, Session, SessionHandle};
use innboks::backend::{altinn3, Backend};
use innboks::domain::{Capabilities, Cursor, Inbox, Party, PartyKind, Query};
use innboks::runtime::{AuthSettings, Runtime};
use innboks::sim::{SimConfig, Simulator};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// A simulator with `messages` dialogs (shared over `parties` client organisations when
/// there are any), `latency` on every request, and the Altinn 3 backend logged in with
/// ID-porten's device flow.
fn simulator(
    runtime: &tokio::runtime::Runtime,
    messages: usize,
    parties: usize,
    latency: Duration,
) -> (Simulator, Backend) {
    runtime.block_on(async {
        let sim = Simulator::start(SimConfig {
            messages,
            parties,
            auto_approve: Some(Duration::ZERO),
            device_interval: Duration::from_millis(20),
            ..SimConfig::default()
        })
        .await
        .expect("sim");
        let http = oidc::http_client().expect("http");
        let provider = Provider::discover(&http, &sim.issuer(), "innboks")
            .await
            .expect("discovery");
        let login = device::start(&provider, "openid digdir:dialogporten")
            .await
            .expect("code");
        let (tokens, _) = device::poll(&provider, &login, oidc::DEFAULT_ACR)
            .await
            .expect("tokens");
        let session = SessionHandle::default();
        session.set(Some(Session::Bearer {
            access_token: tokens.access_token,
        }));
        let client = altinn3::Client::new(url::Url::parse(&sim.base_url()).expect("url"), "nb")
            .expect("client");
        // Latency from here on: the login is not what is measured.
        sim.set_faults(
            format!("latency={}", latency.as_millis())
                .parse()
                .expect("a latency"),
        );
        (sim, Backend::altinn3(client, session))
    })
}

/// Every dialog of the user's own inbox, page after page, as `innboks list` walks them.
async fn read_all(backend: &Backend) -> usize {
    let (mut count, mut cursor) = (0, Cursor::Offset(0));
    loop {
        let page = backend
            .page(&Inbox::Me, &Query::default(), &cursor)
            .await
            .expect("page");
        count += page.messages.len();
        match page.next {
            Some(next) if page.has_more => cursor = Cursor::Next(next),
            _ => return count,
        }
    }
}

fn full_sync(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (_sim, backend) = simulator(&runtime, 10_000, 0, Duration::from_millis(50));
    let total = runtime.block_on(read_all(&backend));
    eprintln!("altinn3 full sync: {total} dialogs");
    let mut group = c.benchmark_group("altinn3 full sync");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("10k dialogs, latency 50 ms", |b| {
        b.iter(|| runtime.block_on(read_all(&backend)))
    });
    group.finish();
}

/// A refresh of one party's unchanged 100,000-dialog mailbox: `updatedAfter` the newest
/// row, answered with nothing, in one request.
fn unchanged(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (_sim, backend) = simulator(&runtime, 100_000, 0, Duration::from_millis(50));
    let query = Query {
        folder: Some(innboks::domain::Folder::Inbox),
        ..Query::default()
    };
    let first = runtime
        .block_on(backend.page(&Inbox::Me, &query, &Cursor::Offset(0)))
        .expect("first page");
    let changes = Query {
        updated_after: first
            .messages
            .iter()
            .filter_map(|m| m.last_changed)
            .max()
            .map(innboks::domain::Stamp::utc),
        ..query
    };
    let mut group = c.benchmark_group("altinn3 incremental sync");
    group.sample_size(20);
    group.bench_function("unchanged 100k mailbox, latency 50 ms", |b| {
        b.iter(|| {
            let page = runtime
                .block_on(backend.page(&Inbox::Me, &changes, &Cursor::Offset(0)))
                .expect("changes");
            assert!(page.messages.len() <= 1 && !page.has_more);
        })
    });
    group.finish();
}

/// The desk sync of 1,000 client organisations (and the demo user's own five) with nothing
/// changed since the last: one `updatedAfter` search per group of the server's limit (100),
/// `concurrency` groups at a time, latency 50 ms.
fn desk_unchanged(c: &mut Criterion) {
    use innboks::desk::sync::{sync_desk, SyncOptions};
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (_sim, backend) = simulator(&runtime, 20_000, 1_000, Duration::from_millis(50));
    let dir = tempfile::tempdir().expect("dir");
    let cache = innboks::cache::CacheHandle::start(
        innboks::cache::Cache::open(&dir.path().join("c.sqlite3")).expect("cache"),
    );
    let scope = innboks::domain::DeskScope {
        env: "bench".into(),
        user: "u".into(),
    };
    let parties = runtime.block_on(backend.parties()).expect("parties");
    let options = SyncOptions::default();
    let first = runtime
        .block_on(sync_desk(
            &backend,
            &cache,
            &scope,
            &parties,
            options,
            |_, _| {},
        ))
        .expect("the first, full sync");
    let again = runtime
        .block_on(sync_desk(
            &backend,
            &cache,
            &scope,
            &parties,
            options,
            |_, _| {},
        ))
        .expect("a sync");
    println!(
        "desk sync of {} parties: first {} requests ({} dialogs), unchanged {} requests in {} groups ({} changed), concurrency {}",
        parties.len(),
        first.requests,
        first.changed,
        again.requests,
        again.groups,
        again.changed,
        options.concurrency
    );
    let mut group = c.benchmark_group("desk sync");
    group.sample_size(10);
    group.bench_function(
        "1,000 clients (1,005 parties) unchanged, latency 50 ms",
        |b| {
            b.iter(|| {
                let report = runtime
                    .block_on(sync_desk(
                        &backend,
                        &cache,
                        &scope,
                        &parties,
                        options,
                        |_, _| {},
                    ))
                    .expect("a sync");
                assert_eq!(report.requests, parties.len().div_ceil(100));
            })
        },
    );
    group.finish();
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// An app logged in to Altinn 3 with `parties` known, at 120×40.
fn logged_in(parties: Vec<Party>) -> App {
    let mut app = App::new(innboks::app::Settings::new("bench"));
    update(
        &mut app,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    app.screen = Screen::Inbox;
    app.settings.capabilities = Capabilities::altinn3();
    app.session.user_name = Some("Kari Nordmann".into());
    // As the parties arrive in the product, search index and all.
    update(&mut app, Msg::ReporteesLoaded(parties));
    app
}

/// What the walk of «Alle» measured.
struct AllWalk {
    /// `:all` to the first rows on screen.
    first_rows: Duration,
    /// `:all` to every group's first page merged.
    all_answered: Duration,
    /// The longest one `update` took meanwhile (the UI waits that long for a key).
    slowest_update: Duration,
    /// The app at the end.
    app: App,
}

/// `:all`, then the app and its runtime until every group has answered its first page:
/// the first screen of «Alle», merged newest first.
fn walk_all(runtime: &tokio::runtime::Runtime, backend: &Backend, parties: &[Party]) -> AllWalk {
    runtime.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut runner = Runtime::new(backend.clone(), AuthSettings::default(), tx);
        let mut app = logged_in(parties.to_vec());
        let start = Instant::now();
        let mut effects = Vec::new();
        effects.extend(update(&mut app, key(KeyCode::Char(':'))));
        for c in "all".chars() {
            effects.extend(update(&mut app, key(KeyCode::Char(c))));
        }
        effects.extend(update(&mut app, key(KeyCode::Enter)));
        for effect in effects {
            runner.run(effect);
        }
        let (mut first_rows, mut slowest_update) = (None, Duration::ZERO);
        loop {
            if first_rows.is_none() && !app.inbox.messages.is_empty() {
                first_rows = Some(start.elapsed());
            }
            let done =
                !app.inbox.sources.is_empty() && app.inbox.sources.iter().all(|s| s.has_answered());
            if done {
                return AllWalk {
                    first_rows: first_rows.unwrap_or_default(),
                    all_answered: start.elapsed(),
                    slowest_update,
                    app,
                };
            }
            let msg = tokio::time::timeout(Duration::from_secs(120), rx.recv())
                .await
                .expect("the groups answer")
                .expect("the runtime lives");
            let before = Instant::now();
            let effects = update(&mut app, msg);
            slowest_update = slowest_update.max(before.elapsed());
            for effect in effects {
                if !matches!(effect, innboks::app::Effect::CopyToClipboard(_)) {
                    runner.run(effect);
                }
            }
        }
    })
}

/// The time `:all` takes to every group's first page merged.
fn first_screen_of_all(
    runtime: &tokio::runtime::Runtime,
    backend: &Backend,
    parties: &[Party],
) -> Duration {
    walk_all(runtime, backend, parties).all_answered
}

fn all_parties(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (sim, backend) = simulator(&runtime, 20_000, 1_000, Duration::from_millis(50));
    let parties = runtime.block_on(backend.parties()).expect("parties");
    let groups = parties
        .len()
        .div_ceil(innboks::domain::MAX_PARTIES_PER_SEARCH);
    eprintln!("«Alle»: {} parties in {groups} groups", parties.len());
    let once = first_screen_of_all(&runtime, &backend, &parties);
    eprintln!(
        "«Alle» first screen once: {once:?}; most requests in flight at once: {}",
        sim.stats().max_in_flight
    );
    let mut group = c.benchmark_group("altinn3 «Alle»");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("first screen, 1,000 parties, latency 50 ms", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| first_screen_of_all(&runtime, &backend, &parties))
                .sum()
        })
    });
    group.finish();
}

/// 100,000 parties the way `/parties` gives an accountant's clients.
fn many_parties(n: usize) -> Vec<Party> {
    let mut parties = vec![Party {
        id: "urn:altinn:person:identifier-no:01017012345".into(),
        name: "KARI NORDMANN".into(),
        kind: PartyKind::Person,
        organisation_number: None,
    }];
    parties.extend((0..n).map(|i| {
        let number = format!("{:09}", 310_000_000 + i);
        Party {
            id: format!("urn:altinn:organization:identifier-no:{number}"),
            name: format!(
                "KLIENT {i} {} AS",
                ["REGNSKAP", "BYGG", "EIENDOM", "HOLDING"][i % 4]
            ),
            kind: PartyKind::Organisation,
            organisation_number: Some(number),
        }
    }));
    parties
}

fn switcher(c: &mut Criterion) {
    let mut app = logged_in(many_parties(100_000));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let theme = innboks::ui::Theme::ansi();
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
    );
    let mut group = c.benchmark_group("reportee switcher");
    group.sample_size(20);
    // One keystroke that narrows the filter and one that widens it again, each with the
    // frame that shows it: what the user waits for.
    group.bench_function("keystroke + frame over 100k parties", |b| {
        b.iter(|| {
            update(&mut app, key(KeyCode::Char('7')));
            terminal
                .draw(|frame| innboks::ui::draw(&app, &theme, frame))
                .expect("draw");
            update(&mut app, key(KeyCode::Backspace));
            terminal
                .draw(|frame| innboks::ui::draw(&app, &theme, frame))
                .expect("draw");
        })
    });
    group.finish();
}

/// «Alle» over 100,000 parties (1,000 groups): the parties from `/parties`, then one walk
/// through `update` and the runtime until every group has answered (printed: first rows,
/// all answered, the slowest `update`, requests in flight), and, measured by criterion, one
/// more page merged into that 1,000-source list: what a key waits for while the rest
/// arrive.
fn hundred_thousand_parties(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (sim, backend) = simulator(&runtime, 100_000, 100_000, Duration::from_millis(50));
    let start = Instant::now();
    let parties = runtime.block_on(backend.parties()).expect("parties");
    eprintln!(
        "«Alle» 100k: {} parties from /parties in {:?}",
        parties.len(),
        start.elapsed()
    );
    let walk = walk_all(&runtime, &backend, &parties);
    let app = walk.app;
    let dates: Vec<_> = app.inbox.messages.iter().map(|m| m.last_changed).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    eprintln!(
        "«Alle» 100k: {} groups; first rows after {:?}, all answered after {:?}; \
         slowest update {:?}; {} rows, {} settled; most requests in flight {}",
        app.inbox.sources.len(),
        walk.first_rows,
        walk.all_answered,
        walk.slowest_update,
        app.inbox.messages.len(),
        app.inbox.settled,
        sim.stats().max_in_flight
    );
    // One more group's page of 100, as the last ones arrive.
    let page = runtime
        .block_on(backend.page(
            &app.inbox.sources[0].inbox,
            &Query {
                folder: Some(innboks::domain::Folder::Inbox),
                ..Query::default()
            },
            &Cursor::Offset(0),
        ))
        .expect("a group's page");
    let mut group = c.benchmark_group("altinn3 «Alle» 100k parties");
    group.sample_size(20);
    group.bench_function("a group's page merged into 1,000 sources", |b| {
        b.iter_batched(
            || {
                let mut app = app.clone();
                app.inbox.sources[0].requests.push((u64::MAX, 0));
                app.inbox.sources[0].phase = innboks::app::Phase::Unstarted;
                app
            },
            // (The app goes back out, so criterion drops its 50,000 rows outside the time.)
            |mut app| {
                let effects = update(
                    &mut app,
                    Msg::PageLoaded {
                        request: u64::MAX,
                        skip: 0,
                        page: page.clone(),
                    },
                );
                (app, effects)
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(
    benches,
    full_sync,
    unchanged,
    all_parties,
    switcher,
    hundred_thousand_parties,
    desk_unchanged
);
criterion_main!(benches);
