//! `innboks export` as a user runs it — the real binary against the simulator on Altinn 3,
//! with a private HOME — checked on disk: the tree and its manifest (every checksum
//! recomputed), reruns that write nothing, a changed dialog written again, the user's files
//! never overwritten, an interrupted export resumed, the seen rule (nothing opened without
//! `--with-content`, and that refused without a terminal or `--yes`), hostile names kept
//! inside the folder and out of the headers, and a Maildir that Python's `mailbox` and
//! neomutt read.

mod common;

use common::cli::Cli;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use chrono::Utc;
use innboks::sim::data::text_attachment;
use innboks::sim::{SimConfig, Simulator};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What these tests ask of the binary beyond the shared harness.
trait Exporting {
    async fn export(&self, dir: &Path, more: &[&str]) -> Value;
    async fn me(&self) -> (String, String);
}

impl Exporting for Cli {
    /// `export --out DIR --json` and `more`.
    async fn export(&self, dir: &Path, more: &[&str]) -> Value {
        let out = dir.display().to_string();
        let mut args = vec!["export", "--out", out.as_str(), "--json"];
        args.extend_from_slice(more);
        self.json(&args).await
    }

    /// The person's own party (the first the simulator lists).
    async fn me(&self) -> (String, String) {
        let parties = self.json(&["reportees", "--json"]).await;
        let first = &parties[0];
        (
            first["id"].as_str().expect("id").to_owned(),
            first["name"].as_str().expect("name").to_owned(),
        )
    }
}

/// A world around now of `messages` over the person and `parties` clients.
fn world(messages: usize, parties: usize) -> SimConfig {
    SimConfig {
        parties,
        anchor: Utc::now()
            .with_timezone(&chrono_tz::Europe::Oslo)
            .naive_local(),
        auto_approve: Some(Duration::ZERO),
        device_interval: Duration::from_millis(50),
        ..common::config(messages)
    }
}

async fn start(messages: usize, parties: usize) -> Simulator {
    Simulator::start(world(messages, parties))
        .await
        .expect("the simulator starts")
}

fn counts(report: &Value) -> [u64; 4] {
    ["new", "updated", "unchanged", "failed"].map(|k| {
        report[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{k} in {report}"))
    })
}

/// Every path under `dir` (files and folders), not following links.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(here) = stack.pop() {
        for entry in std::fs::read_dir(&here).expect("readable").flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out.sort();
    out
}

fn mtimes(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    walk(dir)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            let at = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .expect("mtime");
            (p, at)
        })
        .collect()
}

fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The manifest, every file's checksum recomputed and found equal; returned.
fn verified(dir: &Path) -> Value {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("a manifest"))
            .expect("JSON");
    let dialogs = manifest["dialogs"].as_object().expect("dialogs");
    for (id, entry) in dialogs {
        assert!(entry["updatedAt"].is_string(), "{id}: {entry}");
        assert!(entry["path"].is_string(), "{id}: {entry}");
        let files = entry["files"].as_object().expect("files");
        assert!(!files.is_empty(), "{id}");
        for (path, sum) in files {
            assert_eq!(
                sha256(&dir.join(path)),
                sum["sha256"].as_str().expect("sha256"),
                "{id}: {path}"
            );
        }
    }
    manifest
}

/// The dialog whose `message.json` has `subject`: its folder.
fn folder_of(dir: &Path, manifest: &Value, subject: &str) -> PathBuf {
    let dialogs = manifest["dialogs"].as_object().expect("dialogs");
    dialogs
        .values()
        .map(|entry| dir.join(entry["path"].as_str().expect("path")))
        .find(|folder| {
            std::fs::read(folder.join("message.json"))
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .is_some_and(|v| v["subject"] == subject)
        })
        .unwrap_or_else(|| panic!("no folder for {subject}"))
}

/// The `show --json` keys every `message.json` has.
const SHOW_KEYS: [&str; 17] = [
    "id",
    "subject",
    "sender",
    "service_owner",
    "status",
    "unread",
    "type",
    "received",
    "due",
    "requires_confirmation",
    "reportee",
    "body",
    "summary",
    "portal_url",
    "attachments",
    "thread",
    "history",
];

#[tokio::test]
async fn a_tree_export_verifies_writes_nothing_again_and_takes_what_changed() {
    let sim = start(120, 3).await;
    let cli = Cli::logged_in(&sim).await;
    let (me, name) = cli.me().await;
    let dir = tempfile::tempdir().expect("out");
    let out = dir.path().join("altinn");

    let report = cli.export(&out, &[]).await;
    let [new, updated, unchanged, failed] = counts(&report);
    assert!(new > 10, "{report}");
    assert_eq!([updated, unchanged, failed], [0, 0, 0], "{report}");
    assert!(sim.opened_dialogs().is_empty(), "no dialog opened");
    let manifest = verified(&out);
    let dialogs = manifest["dialogs"].as_object().expect("dialogs");
    assert_eq!(dialogs.len() as u64, new);
    for (id, entry) in dialogs {
        let folder = out.join(entry["path"].as_str().expect("path"));
        let json: Value =
            serde_json::from_slice(&std::fs::read(folder.join("message.json")).expect("json"))
                .expect("JSON");
        for key in SHOW_KEYS {
            assert!(json.get(key).is_some(), "{id}: no {key} in {json}");
        }
        assert_eq!(json["id"], id.as_str());
        assert_eq!(json["party"], entry["party"]);
        assert_eq!(json["content"], false, "nothing was cached");
        let text = std::fs::read_to_string(folder.join("message.md")).expect("md");
        assert!(text.contains("Innholdet er ikke hentet"), "{text}");
    }

    // One reportee's: exactly that party's dialogs, in its folder.
    let mine = dir.path().join("mine");
    let report = cli.export(&mine, &["--reportee", &me]).await;
    let own: BTreeSet<&String> = (dialogs.iter())
        .filter(|(_, e)| e["party"] == me.as_str())
        .map(|(id, _)| id)
        .collect();
    assert_eq!(counts(&report)[0], own.len() as u64, "{report}");
    let only = verified(&mine);
    for (id, entry) in only["dialogs"].as_object().expect("dialogs") {
        assert!(own.contains(id), "{id} is the party's");
        let folder = mine.join(entry["path"].as_str().expect("path"));
        assert!(folder.starts_with(mine.join(&name)), "{}", folder.display());
    }

    // A rerun writes nothing: no file touched.
    let before = mtimes(&out);
    let again = cli.export(&out, &[]).await;
    assert_eq!(counts(&again), [0, 0, new, 0], "{again}");
    assert_eq!(mtimes(&out), before, "nothing written");

    // A dialog that changes at Altinn is written again; a file the user changed is kept.
    let form = dialogs
        .keys()
        .find(|id| sim.reject_form(id))
        .cloned()
        .expect("a form being filled in");
    let entry = &dialogs[&form];
    let folder = out.join(entry["path"].as_str().expect("path"));
    std::fs::write(folder.join("message.md"), "mine\n").expect("the user's edit");
    let changed = cli.export(&out, &[]).await;
    assert_eq!(counts(&changed), [0, 1, new - 1, 0], "{changed}");
    assert_eq!(
        std::fs::read_to_string(folder.join("message.md")).expect("kept"),
        "mine\n"
    );
    let manifest = verified(&out);
    let files = manifest["dialogs"][&form]["files"]
        .as_object()
        .expect("files");
    assert!(
        files.keys().any(|f| f.ends_with("/message (1).md")),
        "the new text beside the user's: {files:?}"
    );
    assert!(sim.opened_dialogs().is_empty(), "still none opened");
}

#[tokio::test]
async fn a_folder_the_user_made_where_a_dialog_goes_is_left_alone() {
    let sim = start(30, 0).await;
    sim.deliver_with(0, |m| m.subject = "Brev med kjent navn".into());
    let cli = Cli::logged_in(&sim).await;
    let scratch = tempfile::tempdir().expect("out");
    let first = scratch.path().join("first");
    cli.export(&first, &[]).await;
    let manifest = verified(&first);
    let folder = folder_of(&first, &manifest, "Brev med kjent navn");
    let relative = folder.strip_prefix(&first).expect("inside").to_path_buf();

    let second = scratch.path().join("second");
    let theirs = second.join(&relative);
    std::fs::create_dir_all(&theirs).expect("the user's folder");
    std::fs::write(theirs.join("message.json"), "{\"id\": \"mine\"}").expect("theirs");
    std::fs::write(theirs.join("message.md"), "my notes").expect("theirs");
    let report = cli.export(&second, &[]).await;
    assert_eq!(counts(&report)[3], 0, "{report}");
    assert_eq!(
        std::fs::read_to_string(theirs.join("message.md")).expect("kept"),
        "my notes"
    );
    assert_eq!(
        std::fs::read_to_string(theirs.join("message.json")).expect("kept"),
        "{\"id\": \"mine\"}"
    );
    let manifest = verified(&second);
    let moved = folder_of(&second, &manifest, "Brev med kjent navn");
    assert_eq!(
        moved.file_name().map(|n| n.to_string_lossy().into_owned()),
        theirs
            .file_name()
            .map(|n| format!("{} (1)", n.to_string_lossy())),
    );
}

#[tokio::test]
async fn an_interrupted_export_resumes_without_doubles() {
    let sim = start(40, 0).await;
    let cli = Cli::logged_in(&sim).await;
    let scratch = tempfile::tempdir().expect("out");
    let out = scratch.path().join("x");
    let report = cli.export(&out, &[]).await;
    let total = counts(&report)[0];
    let folders_before = walk(&out).iter().filter(|p| p.is_dir()).count();

    // As a kill mid-way leaves it: the manifest saved before the last dialogs were, a
    // half-written manifest and a half file beside them in their temporary names.
    let mut manifest = verified(&out);
    let dialogs = manifest["dialogs"].as_object_mut().expect("dialogs");
    let dropped: Vec<String> = dialogs.keys().take(5).cloned().collect();
    for id in &dropped {
        let entry = dialogs.remove(id).expect("there");
        let folder = out.join(entry["path"].as_str().expect("path"));
        std::fs::write(folder.join(".message.md.innboks-tmp"), "half").expect("half file");
        std::fs::remove_file(folder.join("message.md")).expect("not yet renamed");
    }
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_vec(&manifest).expect("json"),
    )
    .expect("manifest");
    std::fs::write(out.join(".manifest.json.innboks-tmp"), "{\"dialogs\": {").expect("half");

    let resumed = cli.export(&out, &[]).await;
    assert_eq!(counts(&resumed), [5, 0, total - 5, 0], "{resumed}");
    let manifest = verified(&out);
    assert_eq!(
        manifest["dialogs"].as_object().map(|d| d.len() as u64),
        Some(total)
    );
    let folders_after = walk(&out).iter().filter(|p| p.is_dir()).count();
    assert_eq!(
        folders_after, folders_before,
        "no second folder for a dialog"
    );

    // A manifest cut short is started over: every dialog found again in its own folder.
    let text = std::fs::read(out.join("manifest.json")).expect("manifest");
    std::fs::write(out.join("manifest.json"), &text[..text.len() / 2]).expect("cut");
    let again = cli.export(&out, &[]).await;
    assert_eq!(counts(&again), [total, 0, 0, 0], "{again}");
    verified(&out);
    assert_eq!(
        walk(&out).iter().filter(|p| p.is_dir()).count(),
        folders_before
    );
    assert!(
        !walk(&out)
            .iter()
            .any(|p| p.to_string_lossy().ends_with(" (1)")),
        "no doubles"
    );
}

#[tokio::test]
async fn content_is_fetched_only_when_asked_and_confirmed() {
    let sim = start(12, 0).await;
    sim.deliver_with(0, |m| {
        m.subject = "Vedtak med vedlegg".into();
        m.attachments = vec![
            text_attachment("vedtak.txt", "Vedtak æøå"),
            text_attachment("begrunnelse.txt", "Begrunnelse"),
        ];
    });
    let cli = Cli::logged_in(&sim).await;
    let scratch = tempfile::tempdir().expect("out");
    let out = scratch.path().join("x");
    let path = out.display().to_string();

    // No terminal and no --yes: one line, exit 2, nothing opened.
    let (code, stdout, stderr) = cli.run(&["export", "--out", &path, "--with-content"]).await;
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
    assert!(sim.opened_dialogs().is_empty(), "nothing fetched");

    let report = cli.export(&out, &["--with-content", "--yes"]).await;
    let [new, _, _, failed] = counts(&report);
    assert_eq!(failed, 0, "{report}");
    let fetched = report["fetched"].as_u64().expect("fetched");
    let incomplete = report["incomplete"].as_u64().expect("incomplete");
    assert!(fetched + incomplete >= new && fetched > 0, "{report}");
    assert_eq!(
        sim.opened_dialogs().len() as u64,
        fetched,
        "each opened once"
    );
    let manifest = verified(&out);
    let folder = folder_of(&out, &manifest, "Vedtak med vedlegg");
    let text = std::fs::read_to_string(folder.join("Vedtak æøå.txt")).expect("attachment");
    assert!(text.contains("Vedtak æøå"), "{text}");
    assert!(folder.join("Begrunnelse.txt").is_file());
    let json: Value =
        serde_json::from_slice(&std::fs::read(folder.join("message.json")).expect("json"))
            .expect("JSON");
    assert_eq!(json["content"], true);
    assert!(json["body"].is_string(), "{json}");

    // The bodies are now in the cache: a plain export takes them without a request.
    let opened = sim.opened_dialogs().len();
    let plain = scratch.path().join("plain");
    let report = cli.export(&plain, &[]).await;
    assert_eq!(counts(&report)[0], new);
    assert_eq!(sim.opened_dialogs().len(), opened);
    let json: Value = serde_json::from_slice(
        &std::fs::read(
            folder_of(&plain, &verified(&plain), "Vedtak med vedlegg").join("message.json"),
        )
        .expect("json"),
    )
    .expect("JSON");
    assert_eq!(json["content"], true, "the cached body: {json}");
}

/// A title, a sender and file names that try to leave the folder or start a header.
fn hostile(sim: &Simulator) {
    sim.deliver_with(0, |m| {
        m.subject = format!(
            "../../x\r\nBcc: evil@example.com\u{202e}gpj.exe/{}",
            "lang ".repeat(80)
        );
        m.service_owner = "../NAV/\u{7}\u{1b}[2J".into();
        m.message_sender = None;
        m.attachments = vec![
            text_attachment("a.txt", "../../etc/passwd"),
            text_attachment("b.txt", ".skjult\r\nX-Evil: 1"),
            text_attachment("c.txt", &"x".repeat(400)),
            text_attachment("d.txt", "CON"),
        ];
    });
}

#[tokio::test]
async fn hostile_names_stay_inside_the_folder_and_out_of_the_headers() {
    let sim = start(10, 0).await;
    hostile(&sim);
    let cli = Cli::logged_in(&sim).await;
    let scratch = tempfile::tempdir().expect("out");
    for format in ["tree", "maildir"] {
        let out = scratch.path().join(format);
        let report = cli
            .export(&out, &["--with-content", "--yes", "--format", format])
            .await;
        assert_eq!(counts(&report)[3], 0, "{report}");
        let root = out.canonicalize().expect("root");
        for path in walk(&out) {
            let real = path.canonicalize().expect("canonical");
            assert!(real.starts_with(&root), "{} outside", real.display());
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            assert!(
                !name
                    .chars()
                    .any(|c| common::forbidden_on_a_terminal(c, false)),
                "{name:?}"
            );
            assert!(name.len() <= 255, "{name}");
            assert!(!name.starts_with('.'), "{name:?}");
            assert!(
                !name.eq_ignore_ascii_case("con") && !name.to_lowercase().starts_with("con."),
                "{name:?}"
            );
        }
        verified(&out);
    }
    let headers = python(
        &scratch.path().join("maildir"),
        r#"
import mailbox, sys, json
out = []
for key, m in mailbox.Maildir(sys.argv[1], create=False).items():
    out.append({"keys": sorted(set(m.keys())), "subject": str(__import__('email.header').header.make_header(__import__('email.header').header.decode_header(m['Subject']))),
                "files": [p.get_filename() for p in m.walk() if p.get_filename()]})
print(json.dumps(out))
"#,
    );
    let all: Vec<Value> = serde_json::from_str(&headers).expect("JSON");
    let evil = all
        .iter()
        .find(|m| m["subject"].as_str().is_some_and(|s| s.contains("Bcc")))
        .expect("the hostile one");
    let keys: BTreeSet<&str> = evil["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let expected: BTreeSet<&str> = [
        "From",
        "To",
        "Date",
        "Subject",
        "Message-ID",
        "X-Innboks-Id",
        "X-Altinn-Party",
        "MIME-Version",
        "Content-Type",
    ]
    .into();
    assert_eq!(keys, expected, "{evil}");
    assert_eq!(evil["files"].as_array().map(Vec::len), Some(4), "{evil}");
    let subject = evil["subject"].as_str().expect("subject");
    assert!(!subject.contains(['\r', '\n', '\u{202e}']), "{subject:?}");
    for file in evil["files"].as_array().expect("files") {
        let file = file.as_str().expect("name");
        assert!(
            !file.contains(['/', '\\', '\r', '\n']) && !file.starts_with('.'),
            "{file:?}"
        );
    }
}

/// Runs `script` with `python3 - DIR`; its stdout.
fn python(dir: &Path, script: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("python3")
        .arg("-")
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (on the machine and in CI)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("script");
    let output = child.wait_with_output().expect("python3 ran");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const NORWEGIAN: &str = "Skattemelding for 2025 – æøå ÆØÅ er klar";

/// A Maildir export of a world with a Norwegian letter with attachments.
async fn maildir(scratch: &Path) -> (Simulator, Cli, PathBuf, Value) {
    let sim = start(20, 0).await;
    sim.deliver_with(0, |m| {
        m.subject = NORWEGIAN.into();
        m.attachments = vec![text_attachment("blabaer.txt", "Blåbær og æøå")];
    });
    let cli = Cli::logged_in(&sim).await;
    let out = scratch.join("Mail");
    let report = cli
        .export(&out, &["--format", "maildir", "--with-content", "--yes"])
        .await;
    (sim, cli, out, report)
}

#[tokio::test]
async fn a_maildir_opens_in_pythons_mailbox() {
    let scratch = tempfile::tempdir().expect("out");
    let (_sim, cli, out, report) = maildir(scratch.path()).await;
    let [new, _, _, failed] = counts(&report);
    assert_eq!(failed, 0);
    for folder in ["cur", "new", "tmp"] {
        assert!(out.join(folder).is_dir(), "{folder}");
    }
    let manifest = verified(&out);
    let read = python(
        &out,
        r#"
import mailbox, sys, json
from email.header import decode_header, make_header
out = []
for key, m in mailbox.Maildir(sys.argv[1], create=False).items():
    body = [p for p in m.walk() if p.get_content_type() == "text/plain" and not p.get_filename()]
    out.append({"subject": str(make_header(decode_header(m["Subject"]))),
                "id": m["X-Innboks-Id"], "party": m["X-Altinn-Party"],
                "files": [str(p.get_filename()) for p in m.walk() if p.get_filename()],
                "text": body[0].get_payload(decode=True).decode("utf-8") if body else ""})
print(json.dumps(out))
"#,
    );
    let messages: Vec<Value> = serde_json::from_str(&read).expect("JSON");
    assert_eq!(messages.len() as u64, new);
    let ids: BTreeSet<&str> = messages.iter().filter_map(|m| m["id"].as_str()).collect();
    let listed: BTreeSet<&str> = manifest["dialogs"]
        .as_object()
        .expect("dialogs")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(ids, listed, "X-Innboks-Id is the dialog's id");
    let letter = messages
        .iter()
        .find(|m| m["subject"] == NORWEGIAN)
        .unwrap_or_else(|| panic!("{NORWEGIAN} decoded: {messages:?}"));
    assert_eq!(letter["files"], serde_json::json!(["Blåbær og æøå.txt"]));
    assert!(letter["text"]
        .as_str()
        .is_some_and(|t| t.contains(NORWEGIAN)));

    // A rerun writes nothing.
    let before = mtimes(&out);
    let again = cli.export(&out, &["--format", "maildir"]).await;
    assert_eq!(counts(&again), [0, 0, new, 0], "{again}");
    assert_eq!(mtimes(&out), before);
    // The other format in the same folder is refused (exit 2).
    let path = out.display().to_string();
    let (code, _, stderr) = cli.run(&["export", "--out", &path]).await;
    assert_eq!(code, 2, "{stderr}");
}

#[tokio::test]
async fn a_maildir_opens_in_neomutt() {
    if Command::new("neomutt").arg("-v").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no neomutt: .ci/run installs it"
        );
        eprintln!("neomutt is not installed: skipping (apt-get install neomutt)");
        return;
    }
    let scratch = tempfile::tempdir().expect("out");
    let (_sim, _cli, out, _) = maildir(scratch.path()).await;
    let screen = tokio::task::spawn_blocking(move || neomutt_index(&out))
        .await
        .expect("join");
    assert!(
        screen.contains("Skattemelding for 2025 – æøå"),
        "the subject in neomutt's index:\n{screen}"
    );
}

/// neomutt on `dir` in a pseudo-terminal: its index as drawn.
fn neomutt_index(dir: &Path) -> String {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    use std::io::Read;
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 160,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let home = tempfile::tempdir().expect("home");
    let mut command = CommandBuilder::new("neomutt");
    // (Without a folder of its own, neomutt would ask to make ~/Mail.)
    let folder = format!("set folder=\"{}\"", dir.display());
    command.args(["-n", "-R", "-F", "/dev/null", "-e", &folder]);
    command.args(["-e", "set sort=reverse-date", "-f"]);
    command.arg(dir);
    command.env("HOME", home.path());
    command.env("TERM", "xterm-256color");
    command.env("LANG", "C.UTF-8");
    command.env("LC_ALL", "C.UTF-8");
    let mut child = pair.slave.spawn_command(command).expect("neomutt");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buffer) {
            if n == 0 || tx.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut parser = vt100::Parser::new(30, 160, 0);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut screen = String::new();
    while std::time::Instant::now() < deadline {
        if let Ok(bytes) = rx.recv_timeout(Duration::from_millis(200)) {
            parser.process(&bytes);
            screen = parser.screen().contents();
            if screen.contains("Skattemelding for 2025") {
                break;
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    drop(pair.master);
    screen
}

#[tokio::test]
async fn what_expires_is_listed_and_exported_first() {
    let sim = start(60, 0).await;
    let cli = Cli::logged_in(&sim).await;
    let (me, _) = cli.me().await;
    let expiring = sim.expiring_dialogs();
    let (_, id, _) = expiring
        .iter()
        .find(|(_, _, at)| *at > Utc::now())
        .cloned()
        .expect("a letter that expires");
    // Search does not say when a dialog expires: before it is opened, nothing is known.
    cli.json(&["sync", "--json"]).await;
    let none = cli.json(&["list", "--expiring", "3650", "--json"]).await;
    assert_eq!(none, serde_json::json!([]));
    // Opened (shown), its expiry is on the desk.
    let (code, _, err) = cli.run(&["show", &id, "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let listed = cli.json(&["list", "--expiring", "3650", "--json"]).await;
    let rows = listed.as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{listed}");
    assert_eq!(rows[0]["id"], id.as_str());
    assert!(rows[0]["expires"].is_string());
    let scratch = tempfile::tempdir().expect("out");
    let out = scratch.path().join("x");
    let report = cli
        .export(&out, &["--expiring", "3650", "--reportee", &me])
        .await;
    assert_eq!(counts(&report), [1, 0, 0, 0], "{report}");
    let manifest = verified(&out);
    assert!(manifest["dialogs"].get(&id).is_some());
}

/// `--with-content` on a terminal says how many dialogs it would open and asks, in the
/// user's language: no fetches nothing (exit 2), yes fetches.
#[tokio::test]
async fn with_content_asks_on_a_terminal() {
    let sim = start(8, 0).await;
    let cli = Cli::logged_in(&sim).await;
    let scratch = tempfile::tempdir().expect("out");
    let out = scratch.path().join("x");
    let (code, screen) = on_a_terminal(&cli, &out, b"n\r").await;
    assert_eq!(code, 2, "{screen}");
    assert!(
        screen.contains("Hente innholdet i") && screen.contains("[y/N]"),
        "the question: {screen}"
    );
    assert!(sim.opened_dialogs().is_empty(), "no fetches nothing");
    let (code, screen) = on_a_terminal(&cli, &out, b"j\r").await;
    assert_eq!(code, 0, "{screen}");
    assert!(!sim.opened_dialogs().is_empty(), "yes fetches");
}

/// `export --with-content --out DIR` in a pseudo-terminal, `answer` typed once the question
/// shows: (exit code, what the terminal showed).
async fn on_a_terminal(cli: &Cli, out: &Path, answer: &'static [u8]) -> (u32, String) {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    use std::io::{Read, Write};
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_innboks"));
    for (key, value) in common::home_env(cli.home.path()) {
        command.env(key, value);
    }
    command.env("INNBOKS_KEYRING", "off");
    command.args(["--env", "local", "--api", "altinn3"]);
    command.args(["--altinn-url", &cli.base, "--issuer", &cli.issuer]);
    command.args([
        "--client-id",
        "innboks",
        "export",
        "--with-content",
        "--out",
    ]);
    command.arg(out);
    tokio::task::spawn_blocking(move || {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 200,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut child = pair.slave.spawn_command(command).expect("innboks");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let mut writer = pair.master.take_writer().expect("writer");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 || tx.send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut answered = false;
        loop {
            if let Ok(bytes) = rx.recv_timeout(Duration::from_millis(100)) {
                seen.extend(bytes);
            }
            if !answered && String::from_utf8_lossy(&seen).contains("[y/N]") {
                writer.write_all(answer).expect("answer");
                writer.flush().expect("flush");
                answered = true;
            }
            if let Ok(Some(status)) = child.try_wait() {
                while let Ok(bytes) = rx.recv_timeout(Duration::from_millis(100)) {
                    seen.extend(bytes);
                }
                drop(pair.master);
                return (
                    status.exit_code(),
                    String::from_utf8_lossy(&seen).into_owned(),
                );
            }
            assert!(
                std::time::Instant::now() < deadline,
                "export did not end: {}",
                String::from_utf8_lossy(&seen)
            );
        }
    })
    .await
    .expect("join")
}
