//! `innboks export` over 10,000 cached dialogs, as a whole process from the cache alone
//! (`--offline`: the desk's metadata and every body cached, no attachment fetched): a
//! first export into an empty folder (tree and maildir), and a rerun with nothing changed.
//! Run with `cargo bench --bench export`.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use innboks::cache::Cache;
use innboks::domain::{
    Attachment, DeskItem, DeskScope, Folder, Inbox, Message, MessageKind, MessageStatus,
    MessageSummary, Party, PartyKind, Scope, ThreadEntry,
};

const PARTIES: usize = 100;
const DIALOGS: usize = 10_000;

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

fn summary(i: usize) -> MessageSummary {
    let senders = [
        "Skatteetaten",
        "NAV",
        "Brønnøysundregistrene",
        "Oslo kommune",
    ];
    MessageSummary {
        id: format!("019a{i:028x}").into(),
        subject: format!("Mva-melding for termin {} – vedtak nr. {i}", i % 6 + 1).into(),
        status: if i.is_multiple_of(10) {
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
            now() - chrono::Duration::minutes(i as i64 * 97),
        )),
        due: None,
        attachment_count: Some(2),
        requires_confirmation: false,
        owner: Some((party(i % PARTIES).id).into()),
        seq: 0,
    }
}

/// A letter's body as the cache keeps it: some 2 kB of text, two attachments named, a
/// thread of two.
fn message(i: usize) -> Message {
    let paragraph = "Skatteetaten har behandlet meldingen din. Vedtaket er fattet etter \
                     skatteforvaltningsloven § 12-1, og du kan klage innen seks uker. ";
    Message {
        summary: summary(i),
        summary_text: Some("Vedtak".into()),
        body: format!("## Vedtak\n\n{}", paragraph.repeat(12)),
        attachments: (0..2)
            .map(|n| Attachment {
                id: format!("{i}-{n}"),
                name: format!("Vedlegg {n}"),
                file_name: format!("Vedlegg {n}.pdf"),
                size: Some(34_000),
                encrypted: false,
                url: format!("https://example.invalid/{i}/{n}"),
                bundle: false,
            })
            .collect(),
        archive_reference: None,
        portal_url: Some(format!("https://af.altinn.no/inbox/{i}")),
        links: Vec::new(),
        history: Vec::new(),
        thread: (0..2)
            .map(|n| ThreadEntry {
                at: Some(now()),
                from: Some("Skatteetaten".into()),
                title: format!("Melding {n}"),
                text: paragraph.into(),
                readable: true,
            })
            .collect(),
        expires: None,
    }
}

fn scope() -> DeskScope {
    DeskScope {
        env: "local".into(),
        user: "u".into(),
    }
}

/// A home whose cache holds 10,000 dialogs on the desk, each with its body.
fn home_with_cache() -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("cache/innboks/cache.sqlite3");
    let mut cache = Cache::open(&path).expect("cache");
    let parties: Vec<Party> = (0..PARTIES).map(party).collect();
    cache.set_parties("local", "u", &parties).expect("parties");
    let items: Vec<DeskItem> = (0..DIALOGS)
        .map(|i| DeskItem {
            summary: summary(i),
            folder: Folder::Inbox,
            requires_attention: false,
            completed: false,
            pending: false,
            expires: None,
            updated: summary(i).last_changed.map(innboks::domain::Stamp::utc),
        })
        .collect();
    cache.desk_write(&scope(), &items, &[]).expect("desk");
    for i in 0..DIALOGS {
        let body = Scope {
            env: "local".into(),
            user: "u".into(),
            inbox: Inbox::Party(party(i % PARTIES).id),
            folder: Folder::Inbox,
        };
        cache.store_body(&body, &message(i)).expect("body");
    }
    cache.set_last_user("local", "u").expect("user");
    home
}

/// `innboks --offline export --out OUT --format FORMAT --json` in `home`.
fn export(home: &Path, out: &Path, format: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_innboks"));
    cmd.args([
        "--offline",
        "--env",
        "local",
        "--altinn-url",
        "http://127.0.0.1:9",
    ])
    .args([
        "--api-key",
        "k",
        "export",
        "--json",
        "--format",
        format,
        "--out",
    ])
    .arg(out);
    cmd.env("HOME", home);
    for (key, dir) in [
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ] {
        cmd.env(key, home.join(dir));
    }
    cmd.env("INNBOKS_KEYRING", "off").env("LANG", "nb_NO.UTF-8");
    let output = cmd.output().expect("innboks export");
    assert!(output.status.success(), "{output:?}");
    output
}

fn counts(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("JSON")
}

fn whole_process(c: &mut Criterion) {
    let home = home_with_cache();
    let mut group = c.benchmark_group("export, 10,000 cached dialogs, whole process");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    // Every run's folder is kept to the end: deleting 30,000 files between runs makes ext4
    // scan its recently deleted inodes on each create (`recently_deleted`, for minutes),
    // which a user's first export does not meet.
    let mut kept = Vec::new();
    for format in ["tree", "maildir"] {
        group.bench_function(format!("{format}: first export"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let out = tempfile::tempdir().expect("out");
                    let started = Instant::now();
                    let output = export(home.path(), &out.path().join("x"), format);
                    total += started.elapsed();
                    assert_eq!(counts(&output)["new"], DIALOGS, "{output:?}");
                    kept.push(out);
                }
                total
            })
        });
        let out = tempfile::tempdir().expect("out");
        let dir = out.path().join("x");
        export(home.path(), &dir, format);
        group.bench_function(format!("{format}: rerun, nothing changed"), |b| {
            b.iter(|| {
                let output = export(home.path(), &dir, format);
                assert_eq!(counts(&output)["unchanged"], DIALOGS, "{output:?}");
            })
        });
    }
    group.finish();
    drop(kept);
}

criterion_group!(benches, whole_process);
criterion_main!(benches);
