//! Whole-process start over a pseudo-terminal, as a user sees it: `innboks --offline` at
//! 160×50 over a cache of 10,000, 100,000 and 1,000,000 messages, timed from spawn until
//! the list's selection marker is drawn (criterion, `iter_custom`), and the peak resident
//! memory (`VmHWM`) once the whole list is loaded (printed). Run with
//! `cargo bench --bench startup`.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use innboks::cache::{Cache, Scope};
use innboks::domain::{Folder, Inbox, MessageKind, MessageStatus, MessageSummary};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};

const ROWS: u16 = 50;
const COLS: u16 = 160;

/// A header as a sync leaves it in the cache.
fn summary(i: usize) -> MessageSummary {
    let senders = [
        "Skatteetaten",
        "NAV",
        "Statens vegvesen",
        "Oslo kommune",
        "Brønnøysundregistrene",
    ];
    MessageSummary {
        id: format!("a{}", 10_000_000 + i).into(),
        subject: format!("Melding nummer {i} om saken din – vedtak og frister").into(),
        status: if i.is_multiple_of(9) {
            MessageStatus::Unread
        } else {
            MessageStatus::Read
        },
        marked_unread: false,
        service_owner: senders[i % senders.len()].into(),
        message_sender: None,
        kind: MessageKind::Correspondence,
        created: None,
        last_changed: (Utc
            .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .single()
            .map(|t| t - chrono::Duration::minutes(i as i64)))
        .map(innboks::domain::Stamp::from),
        due: None,
        attachment_count: i.is_multiple_of(4).then_some(1),
        requires_confirmation: false,
        owner: None,
        seq: i as i32,
    }
}

/// A home whose cache holds `count` messages of the user who used `local` last.
fn home_with(count: usize) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("home");
    let path = home
        .path()
        .join("cache")
        .join("innboks")
        .join("cache.sqlite3");
    let mut cache = Cache::open(&path).expect("cache");
    let scope = Scope {
        env: "local".into(),
        user: "u".into(),
        inbox: Inbox::Me,
        folder: Folder::Inbox,
    };
    for chunk in (0..count).collect::<Vec<_>>().chunks(50_000) {
        let rows: Vec<MessageSummary> = chunk.iter().map(|&i| summary(i)).collect();
        cache.write(&scope, &rows, &[], Some(true)).expect("write");
    }
    cache.set_last_user("local", "u").expect("user");
    home
}

/// What one start measured.
struct Start {
    /// Spawn to the selection marker on screen.
    first_rows: Duration,
    /// Spawn to the header counting every message.
    all_rows: Duration,
    /// Peak resident memory then, in MB.
    peak_mb: f64,
    /// Resident memory a second after every row is in, in MB: what it keeps.
    steady_mb: f64,
}

fn peak_mb(pid: u32) -> f64 {
    status_mb(pid, "VmHWM:")
}

/// A memory figure of `/proc/PID/status` (`VmHWM:`, `VmRSS:`), in MB.
fn status_mb(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Starts `innboks --offline` over `home` in a pty and waits for the rows, then for all.
fn start(home: &std::path::Path, count: usize, steady: bool) -> Start {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_innboks"));
    cmd.args([
        "--offline",
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
    cmd.env("TERM", "xterm-256color");
    // Bokmål, whatever the machine's locale: the count below is written the bokmål way.
    cmd.env("LANG", "nb_NO.UTF-8");
    cmd.env("LC_ALL", "");
    cmd.env("LC_MESSAGES", "");
    let started = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).expect("spawn");
    drop(pair.slave);
    let pid = child.process_id().expect("pid");
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let mut writer = pair.master.take_writer().expect("writer");
    let parser = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
    let sink = parser.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().expect("parser").process(&buf[..n]);
        }
    });
    let total = format!("/ {}", innboks::i18n::number(count));
    let wait_for = |check: &dyn Fn(&str) -> bool| -> Duration {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = parser.lock().expect("parser").screen().contents();
            if check(&screen) {
                return started.elapsed();
            }
            assert!(Instant::now() < deadline, "timed out; screen:\n{screen}");
            std::thread::sleep(Duration::from_micros(200));
        }
    };
    let first_rows = wait_for(&|s| s.contains('▶'));
    let all_rows = wait_for(&|s| s.contains(&total));
    let peak_mb = peak_mb(pid);
    // What it keeps: a second after the last row, once (the timed starts do not wait).
    let steady_mb = if steady {
        std::thread::sleep(Duration::from_secs(1));
        eprintln!(
            "  of it: anonymous {:.1} MB, files {:.1} MB",
            status_mb(pid, "RssAnon:"),
            status_mb(pid, "RssFile:")
        );
        status_mb(pid, "VmRSS:")
    } else {
        f64::NAN
    };
    let _ = writer.write_all(b"q");
    let _ = writer.flush();
    let _ = child.wait();
    Start {
        first_rows,
        all_rows,
        peak_mb,
        steady_mb,
    }
}

fn startup(c: &mut Criterion) {
    let mut group = c.benchmark_group("start-up, --offline, 160×50");
    group.sample_size(10);
    for count in [10_000, 100_000, 1_000_000] {
        let home = home_with(count);
        let once = start(home.path(), count, true);
        eprintln!(
            "start-up {count}: first rows {:?}, every row {:?}, peak RSS {:.1} MB, steady RSS {:.1} MB",
            once.first_rows, once.all_rows, once.peak_mb, once.steady_mb
        );
        group.bench_function(format!("{count} cached, to the first rows"), |b| {
            b.iter_custom(|iterations| {
                (0..iterations)
                    .map(|_| start(home.path(), count, false).first_rows)
                    .sum()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, startup);
criterion_main!(benches);
