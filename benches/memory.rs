//! Resident memory with 100,000 messages loaded (Linux: `VmRSS` from /proc): the list as
//! the cache loads it into the app, and after a frame and a search. Prints its figures;
//! run with `cargo bench --bench memory`.

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use innboks::app::update::update;
use innboks::app::{App, Msg, Screen};
use innboks::cache::{Cache, CacheHandle, Scope};
use innboks::domain::Folder;

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    // `cargo bench` passes --bench; a filter that is not ours skips this one.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if !args.is_empty() && !args.iter().any(|a| "memory".contains(a.as_str())) {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let scope = Scope {
        env: "bench".into(),
        user: "u".into(),
        inbox: innboks::domain::Inbox::Me,
        folder: Folder::Inbox,
    };
    // The figures are taken in a fresh process, so the mailbox built here does not count.
    if let Some(path) = std::env::var_os("INNBOKS_MEMORY_CACHE") {
        measure(&runtime, std::path::Path::new(&path), scope);
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite3");
    // A simulated mailbox of 100,000, written to a cache as a sync would leave it.
    let (_sim, client, session) = support::simulator(&runtime, 100_000, Default::default());
    let all = support::read_all(&runtime, &client, &session, 100_000);
    let mut cache = Cache::open(&path).expect("cache");
    cache.write(&scope, &all, &[], Some(true)).expect("write");
    drop(cache);
    let status = std::process::Command::new(std::env::current_exe().expect("exe"))
        .env("INNBOKS_MEMORY_CACHE", &path)
        .status()
        .expect("measure");
    assert!(status.success());
}

fn measure(runtime: &tokio::runtime::Runtime, path: &std::path::Path, scope: Scope) {
    let before = rss_mb();
    let handle = CacheHandle::start(Cache::open(path).expect("cache"));
    let list = runtime
        .block_on(handle.ask(move |c| c.load(&scope)))
        .expect("thread")
        .expect("load");
    let count = list.messages.len();
    let mut app = App::new(innboks::app::Settings::new("bench"));
    app.settings.cache_enabled = true;
    app.session.user_key = Some("u".into());
    app.settings.env = "bench".into();
    update(
        &mut app,
        Msg::Resize {
            width: 200,
            height: 50,
        },
    );
    // As at a start with a stored ID-porten session: the inbox is drawn from the cache.
    app.settings.idporten_configured = true;
    let effects = update(&mut app, Msg::Start);
    assert_eq!(app.screen, Screen::Inbox);
    drop(effects);
    // `Start` asked for the cache; answer it with what was just read.
    let request = app.inbox.sources[0]
        .cache_request()
        .expect("asked the cache");
    update(
        &mut app,
        Msg::CacheLoaded {
            request,
            list,
            more: false,
        },
    );
    let loaded = rss_mb();
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 50)).expect("terminal");
    terminal
        .draw(|frame| innboks::ui::draw(&app, &innboks::ui::Theme::ansi(), frame))
        .expect("draw");
    for c in "/skatt".chars() {
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    let searched = rss_mb();
    println!("memory: {count} messages in the app");
    println!("memory: resident before loading      {before:7.1} MB");
    println!(
        "memory: with 100k loaded              {loaded:7.1} MB (+{:.1})",
        loaded - before
    );
    println!(
        "memory: after a frame and a search    {searched:7.1} MB (+{:.1})",
        searched - before
    );
    drop(app);
}
