//! End to end: the real `innboks demo` binary in a pseudo-terminal. Logs in with the demo
//! password, sees Norwegian mail, opens a message, quits, and checks the terminal was
//! restored (alternate screen left, cursor shown).

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, PtySize};

mod common;

/// The header's count of unread and loaded messages is on the screen («1 ulest / 50»,
/// «14 uleste / 50»).
fn counts_shown(screen: &str) -> bool {
    screen.contains("ulest /") || screen.contains("uleste /")
}

const ROWS: u16 = 30;
const COLS: u16 = 100;

struct Screen {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

struct Session {
    screen: Arc<Mutex<Screen>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _home: tempfile::TempDir,
}

impl Session {
    fn start(args: &[&str]) -> Self {
        Self::start_with(args, &[])
    }

    fn start_with(args: &[&str], env: &[(&str, &str)]) -> Self {
        let home = tempfile::tempdir().expect("temp home");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_innboks"));
        cmd.args(args);
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        cmd.env("XDG_STATE_HOME", home.path().join("state"));
        // (A developer's own keyring is not for tests; tests/auth_keyring.rs makes its own.)
        cmd.env("INNBOKS_KEYRING", "off");
        cmd.env("XDG_CACHE_HOME", home.path().join("cache"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (key, value) in common::LOCALE {
            cmd.env(key, value);
        }
        for (key, value) in env {
            cmd.env(key, value);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn innboks");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(Screen {
            parser: vt100::Parser::new(ROWS, COLS, 0),
            raw: Vec::new(),
        }));
        let sink = screen.clone();
        std::thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut screen = sink.lock().unwrap_or_else(|p| p.into_inner());
                screen.parser.process(&buf[..n]);
                screen.raw.extend_from_slice(&buf[..n]);
            }
        });
        Self {
            screen,
            writer,
            child,
            _home: home,
        }
    }

    fn contents(&self) -> String {
        self.screen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .parser
            .screen()
            .contents()
    }

    fn raw(&self) -> Vec<u8> {
        self.screen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .raw
            .clone()
    }

    fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.contents();
            if check(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to pty");
        self.writer.flush().expect("flush pty");
        std::thread::sleep(Duration::from_millis(80));
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn demo_login_read_and_quit_restores_the_terminal() {
    let mut session = Session::start(&["demo", "--messages", "120"]);
    let login = session.wait_for("the login screen", |s| {
        s.contains("Logg inn") && s.contains("passord – Altinn 2")
    });
    assert!(
        login.contains("◉ ID-porten med engangskode"),
        "the demo starts on Altinn 3's ID-porten:\n{login}"
    );
    assert!(
        login.contains("demo"),
        "demo credentials are shown:\n{login}"
    );

    // The demo starts on ID-porten (Altinn 3); the password method is two steps down.
    session.send(b"\x1b[B\x1b[B");
    session.send(b"demo");
    session.send(b"\t");
    session.send(b"hemmelig-feil-passord");
    session.send(b"\r");
    let failed = session.wait_for("the login error", |s| s.contains("Authentication failed"));
    assert!(
        failed.contains("Brukernavn: demo"),
        "the username is kept:\n{failed}"
    );

    session.send(b"demo");
    session.send(b"\r");
    let inbox = session.wait_for("the inbox", |s| counts_shown(s) && s.contains("Hei Kari"));
    let senders = [
        "Skatteetaten",
        "NAV",
        "Statens",
        "Brønnøysundregistrene",
        "kommune",
        "Lånekasse",
    ];
    assert!(
        senders.iter().any(|s| inbox.contains(s)),
        "Norwegian senders:\n{inbox}"
    );
    assert!(
        inbox.contains("Kari Nordmann"),
        "the user's name in the title:\n{inbox}"
    );

    session.send(b"j");
    session.send(b"\r");
    session.wait_for("the opened message", |s| {
        s.contains("Status: Lest") && s.contains("Hei Kari")
    });

    session.send(b"?");
    session.wait_for("the help overlay", |s| s.contains("Hjelp"));
    session.send(b"\x1b");
    session.send(b"q");
    session.send(b"q");

    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = session.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "innboks did not exit on q; screen:\n{}",
            session.contents()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "clean exit, got {status:?}");
    std::thread::sleep(Duration::from_millis(200));
    let raw = session.raw();
    let find = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    let entered = find(b"\x1b[?1049h").expect("entered the alternate screen");
    let left = find(b"\x1b[?1049l").expect("left the alternate screen");
    assert!(left > entered, "the alternate screen was left at the end");
    assert!(
        find(b"\x1b[?25h").is_some_and(|shown| shown > entered),
        "the cursor is shown again"
    );

    let log_path = session._home.path().join("state/innboks/innboks.log");
    let log = std::fs::read_to_string(&log_path).expect("a log file in the XDG state dir");
    assert!(
        log.contains("logged in"),
        "the log records the login:\n{log}"
    );
    assert!(
        !log.contains("hemmelig-feil-passord"),
        "no password in the log"
    );
    assert!(!log.contains(".ASPXAUTH"), "no cookie in the log");
    let hex_run = log
        .split(|c: char| !c.is_ascii_hexdigit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(hex_run < 32, "no cookie-like hex value in the log");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&log_path)
            .expect("log")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "the log is private");
    }
}

#[test]
fn demo_device_login_keeps_secrets_out_of_the_log() {
    let mut session = Session::start(&["demo", "--messages", "60", "--auto-approve", "2"]);
    session.wait_for("the login screen", |s| {
        s.contains("ID-porten med engangskode") && !s.contains("sjekker")
    });
    session.send(b"\x1b[Z"); // Shift-Tab: the method list
    session.send(b"\x1b[A");
    session.send(b"\x1b[A");
    session.send(b"\r");
    let code = session.wait_for("the device code", |s| s.contains("skriv inn koden"));
    assert!(code.contains("/idporten/device"), "{code}");
    let inbox = session.wait_for("the inbox", counts_shown);
    assert!(
        inbox.contains("ID-porten"),
        "the status bar says how we are logged in:\n{inbox}"
    );
    session.send(b"q");
    let deadline = Instant::now() + Duration::from_secs(15);
    while session.child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "innboks did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
    let home = session._home.path().to_owned();
    let stored = std::fs::read_to_string(home.join("data/innboks/session-demo.json"))
        .expect("the session is kept in the XDG data dir");
    let refresh_token: serde_json::Value = serde_json::from_str(&stored).expect("json");
    let refresh_token = refresh_token["refresh_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let log = std::fs::read_to_string(home.join("state/innboks/innboks.log")).expect("log");
    assert!(log.contains("logged in"), "{log}");
    assert!(!log.contains(&refresh_token), "no refresh token in the log");
    assert!(
        !log.contains("eyJ"),
        "no JWT (access or id token) in the log"
    );
    let screen = session.contents();
    assert!(!screen.contains("eyJ"), "no token on the screen");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = home.join("data/innboks/session-demo.json");
        assert_eq!(
            std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777,
            0o600
        );
        let dir = home.join("data/innboks");
        assert_eq!(
            std::fs::metadata(&dir).expect("meta").permissions().mode() & 0o777,
            0o700
        );
    }
}

#[test]
fn a_panic_inside_the_running_inbox_restores_the_terminal() {
    let mut session = Session::start_with(
        &["demo", "--messages", "60"],
        &[("INNBOKS_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")],
    );
    session.wait_for("the login screen", |s| s.contains("passord – Altinn 2"));
    session.send(b"\x1b[B\x1b[Bdemo\tdemo\r");
    session.wait_for("the inbox", counts_shown);
    let before = session.raw().len();
    session.send(b"\x1b[24~");
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = session.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "innboks did not exit after the panic; screen:\n{}",
            session.contents()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        !status.success(),
        "a panic is a failure exit, got {status:?}"
    );
    std::thread::sleep(Duration::from_millis(200));
    let raw = session.raw();
    let after = &raw[before.min(raw.len())..];
    let has = |needle: &[u8]| after.windows(needle.len()).any(|w| w == needle);
    assert!(
        has(b"\x1b[?1049l"),
        "the alternate screen was left after the panic"
    );
    assert!(
        has(b"\x1b[?25h"),
        "the cursor was shown again after the panic"
    );
    assert!(has(b"\x1b[?2004l"), "bracketed paste was turned off again");
    let text = String::from_utf8_lossy(after);
    assert!(
        text.contains("test panic on F12"),
        "the panic is reported:\n{text}"
    );
    assert!(
        !text.contains(".ASPXAUTH") && !text.contains("Bearer"),
        "no secrets:\n{text}"
    );
}

#[test]
fn a_traced_session_with_refreshes_errors_and_a_panic_leaks_no_secret() {
    const WRONG: &str = "feil-passord-som-aldri-vises-77";
    let mut session = Session::start_with(
        &[
            "demo",
            "--messages",
            "60",
            "--auto-approve",
            "1",
            "--token-ttl",
            "4",
            "--faults",
            "5xx=0.2,reset=0.05,seed=3",
        ],
        &[
            ("RUST_LOG", "trace"),
            ("INNBOKS_TEST_PANIC", "1"),
            ("RUST_BACKTRACE", "1"),
        ],
    );
    session.wait_for("the login screen", |s| {
        s.contains("ID-porten med engangskode") && !s.contains("sjekker")
    });
    // A wrong password first (it goes to the server, and must go nowhere else).
    session.send(b"\x1b[B\x1b[Bdemo\t");
    session.send(WRONG.as_bytes());
    session.send(b"\r");
    session.wait_for("the refusal", |s| s.contains("Authentication failed"));
    // Then ID-porten with a code; tokens live 4 s, so they are refreshed while we wait.
    session.send(b"\x1b[Z");
    session.send(b"\x1b[Z");
    session.send(b"\x1b[A");
    session.send(b"\x1b[A");
    session.send(b"\r");
    session.wait_for("the inbox", counts_shown);
    for _ in 0..8 {
        session.send(b"j");
        session.send(b"r");
        std::thread::sleep(Duration::from_millis(1000));
    }
    session.wait_for("a refresh", |s| s.contains("fornyet"));
    let before_panic = session.raw().len();
    session.send(b"\x1b[24~");
    let deadline = Instant::now() + Duration::from_secs(15);
    while session.child.try_wait().expect("wait").is_none() {
        assert!(
            Instant::now() < deadline,
            "innboks did not exit after the panic"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));

    let home = session._home.path().to_owned();
    let log = std::fs::read_to_string(home.join("state/innboks/innboks.log")).expect("log");
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "the log is verbose"
    );
    assert!(log.contains("refresh"), "refreshes are in the log");
    let stored: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(home.join("data/innboks/session-demo.json")).expect("session"),
    )
    .expect("json");
    let refresh = stored["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    let raw = session.raw();
    let terminal = String::from_utf8_lossy(&raw);
    let panic_output = String::from_utf8_lossy(&raw[before_panic.min(raw.len())..]);
    assert!(panic_output.contains("test panic on F12"), "{panic_output}");
    for (what, text) in [("the log", &log[..]), ("the terminal", &terminal[..])] {
        assert!(!text.contains(WRONG), "{what} holds the password");
        assert!(!text.contains(&refresh), "{what} holds the refresh token");
        assert!(
            !text.contains("eyJ"),
            "{what} holds a JWT (access or id token)"
        );
        assert!(!text.contains(".ASPXAUTH="), "{what} holds a cookie");
        assert!(
            !text.contains("code_verifier"),
            "{what} holds a PKCE verifier"
        );
        // (A backtrace names the compiler's commit in its paths: `/rustc/<40 hex>/…`.)
        let without_rustc: String = text
            .split("/rustc/")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    &part[part.find('/').unwrap_or(0)..]
                }
            })
            .collect();
        let longest = without_rustc
            .split(|c: char| !c.is_ascii_hexdigit())
            .max_by_key(|s| s.len())
            .unwrap_or_default();
        assert!(
            longest.len() < 32,
            "{what} holds a cookie-like hex value: {longest}"
        );
    }
}

/// The demo's default, Altinn 3, in the real binary: ID-porten with a code (approved by the
/// simulator), a dialog opened with its thread and history, archived, found in the archive,
/// restored and marked unread again.
#[test]
fn demo_altinn3_open_history_archive_restore_and_unread() {
    let mut session = Session::start(&["demo", "--messages", "60", "--auto-approve", "0"]);
    session.wait_for("the login screen", |s| {
        s.contains("◉ ID-porten med engangskode") && !s.contains("sjekker")
    });
    session.send(b"\r");
    let inbox = session.wait_for("the Altinn 3 inbox", counts_shown);
    assert!(inbox.contains("simulert Altinn 3"), "{inbox}");
    session.send(b"\r");
    session.wait_for("the opened dialog", |s| s.contains("Status: Lest"));
    session.send(b"H");
    let history = session.wait_for("its history", |s| s.contains("Historikk"));
    assert!(history.contains("Opprettet"), "{history}");
    session.send(b"H\x1b");
    session.send(b"a");
    session.wait_for("archived", |s| s.contains("Flyttet til arkivet"));
    session.send(b":archive\r");
    session.wait_for("the archive", |s| s.contains("┌ Arkiv"));
    session.send(b"u");
    session.wait_for("restored", |s| s.contains("Gjenopprettet"));
    session.send(b":inbox\r");
    session.wait_for("the inbox again", |s| s.contains("┌ Innboks"));
    session.send(b"U");
    session.wait_for("marked unread", |s| s.contains("Markert som ulest"));
    session.send(b"q");
    let deadline = Instant::now() + Duration::from_secs(15);
    while session.child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "innboks did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `|` hands the terminal to a command with the open letter's text on its stdin, and takes
/// it back: the file holds the letter, the inbox is drawn again, the status says it ended.
#[test]
fn demo_pipe_hands_the_letter_to_a_command_and_takes_the_terminal_back() {
    let out_dir = tempfile::tempdir().expect("out");
    let out = out_dir.path().join("brev.txt");
    let mut session = Session::start(&["demo", "--messages", "60", "--auto-approve", "0"]);
    session.wait_for("the login screen", |s| {
        s.contains("◉ ID-porten med engangskode") && !s.contains("sjekker")
    });
    session.send(b"\r");
    session.wait_for("the Altinn 3 inbox", counts_shown);
    session.send(b"\r");
    session.wait_for("the opened dialog", |s| s.contains("Status: Lest"));
    session.send(b"|");
    session.wait_for("the prompt", |s| s.contains("Send til kommando:"));
    session.send(format!("cat > '{}'", out.display()).as_bytes());
    session.send(b"\r");
    let after = session.wait_for("the inbox drawn again", |s| {
        s.contains("er ferdig.") && counts_shown(s) && s.contains("Status: Lest")
    });
    let text = std::fs::read_to_string(&out).expect("the command wrote the file");
    assert!(text.starts_with("Fra: "), "{text}");
    let subject = text
        .lines()
        .find_map(|l| l.strip_prefix("Emne: "))
        .expect("the subject line");
    let start: String = subject.chars().take(12).collect();
    assert!(
        after.contains(&start),
        "the letter piped is the one shown ({subject}):\n{after}"
    );
    let raw = session.raw();
    let entered = raw.windows(8).filter(|w| w == b"\x1b[?1049h").count();
    assert!(
        entered >= 2,
        "the alternate screen is entered again after the command"
    );
    session.send(b"q");
    session.send(b"q");
    let deadline = Instant::now() + Duration::from_secs(15);
    while session.child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "innboks did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The accountant's desk in the real binary: `A` syncs the desk (the parties first) and
/// shows the agenda with its groups counted, Enter opens a row; `B` shows the board,
/// typing filters it and Enter shows that client's inbox.
#[test]
fn demo_agenda_and_board_for_an_accountant() {
    let mut session = Session::start(&[
        "demo",
        "--parties",
        "120",
        "--messages",
        "60",
        "--auto-approve",
        "0",
    ]);
    session.wait_for("the login screen", |s| {
        s.contains("◉ ID-porten med engangskode") && !s.contains("sjekker")
    });
    session.send(b"\r");
    session.wait_for("the Altinn 3 inbox", counts_shown);
    session.send(b"A");
    let agenda = session.wait_for("the agenda with its groups", |s| {
        s.contains("┌ Agenda, 14 dager ·") && s.contains("forfalt")
    });
    assert!(agenda.contains("(for: alle)"), "{agenda}");
    session.send(b"\r");
    session.wait_for("the opened dialog", |s| s.contains("Status: "));
    session.send(b"\x1bB");
    session.wait_for("the board", |s| {
        s.contains("┌ Oversikt") && s.contains("Org.nr.") && s.contains("Forfalt")
    });
    session.send(b"NORDMANN BYGG AS AVD");
    session.wait_for("the board filtered", |s| {
        s.contains("Søk: NORDMANN BYGG AS AVD")
            && s.contains("973456789")
            && !s.contains("912345678")
    });
    session.send(b"\r");
    session.wait_for("that client's inbox", |s| {
        s.contains("Viser innboksen til NORDMANN BYGG AS AVD BERGEN") && s.contains("┌ Innboks")
    });
    session.send(b"q");
    let deadline = Instant::now() + Duration::from_secs(15);
    while session.child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "innboks did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The demo's desk stays in its cache: a status line can count it.
    let home = session._home.path();
    let counted = std::process::Command::new(env!("CARGO_BIN_EXE_innboks"))
        .args(["count", "--env", "demo"])
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("INNBOKS_KEYRING", "off")
        .envs(common::LOCALE.iter().copied())
        .output()
        .expect("innboks count");
    let line = String::from_utf8_lossy(&counted.stdout);
    assert!(counted.status.success(), "{counted:?}");
    assert!(
        line.contains("uleste") && line.contains("forfalt"),
        "a status line: {line}"
    );
}

/// Altinn 3 as production may serve it, in the real binary: a letter that needs the high
/// level says so, `L` logs in at that level over the kept inbox and the letter opens; with
/// `--no-refresh-tokens` a login works, says once that it lasts as long as its access
/// token, and the login comes back over the inbox when that runs out.
#[test]
fn demo_a_high_level_letter_after_a_step_up_and_a_session_without_refresh() {
    let mut session = Session::start(&[
        "demo",
        "--auto-approve",
        "0",
        "--no-refresh-tokens",
        "--token-ttl",
        "15",
    ]);
    session.wait_for("the login screen", |s| {
        s.contains("◉ ID-porten med engangskode") && !s.contains("sjekker")
    });
    session.send(b"\r");
    let inbox = session.wait_for("the inbox, said once to last", |s| {
        counts_shown(s) && s.contains("ingen fornyelsesnøkkel")
    });
    assert!(inbox.contains("simulert Altinn 3"), "{inbox}");
    // The seventh letter of the demo's mailbox (seed 2026) needs the high level.
    for _ in 0..6 {
        session.send(b"j");
    }
    session.send(b"\r");
    session.wait_for("the level said", |s| {
        s.contains("krever innlogging på høyt")
    });
    session.send(b"L");
    session.wait_for("the step-up login", |s| s.contains("Logg inn igjen"));
    session.send(b"\r");
    session.wait_for("the letter, opened at the high level", |s| {
        s.contains("Saksnummer") && s.contains("Vedlegg: #1") && !s.contains("Logg inn igjen")
    });
    let ended = session.wait_for("the login back when the token ran out", |s| {
        s.contains("Logg inn igjen") && s.contains("fornyelsesnøkkel")
    });
    assert!(ended.contains("tatt vare på"), "{ended}");
    session.send(b"\r");
    session.wait_for("the inbox again", |s| {
        counts_shown(s) && !s.contains("Logg inn igjen")
    });
    session.send(b"q");
}

/// A private home logged in (device flow) to a simulator of its own, for running the real
/// binary's commands — piped, or in a pty as a person would.
struct Shell {
    home: tempfile::TempDir,
    place: Vec<String>,
}

impl Shell {
    /// Logs in to `sim` from a fresh home.
    fn logged_in(sim: &innboks::sim::Simulator) -> Self {
        let shell = Self {
            home: tempfile::tempdir().expect("home"),
            place: [
                "--env",
                "local",
                "--altinn-url",
                &sim.base_url(),
                "--issuer",
                &sim.issuer(),
                "--api-key",
                "demo-api-key",
                "--client-id",
                "innboks",
            ]
            .map(str::to_owned)
            .to_vec(),
        };
        let (code, out, err) = shell.run(&["login", "--method", "device"]);
        assert_eq!(code, 0, "{out}\n{err}");
        shell
    }

    /// The XDG directories of the home.
    fn dirs(&self) -> Vec<(&'static str, String)> {
        common::home_env(self.home.path())
    }

    /// `innboks ARGS` with stdout and stderr piped: (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_innboks"))
            .args(&self.place)
            .args(args)
            .envs(self.dirs())
            .env("INNBOKS_KEYRING", "off")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run innboks");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// `innboks FLAGS… ARGS` in a pseudo-terminal (`before`: flags before the place).
    fn in_pty(&self, before: &[&str], args: &[&str]) -> Session {
        let mut all: Vec<&str> = before.to_vec();
        all.extend(self.place.iter().map(String::as_str));
        all.extend(args);
        let dirs = self.dirs();
        let env: Vec<(&str, &str)> = dirs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Session::start_with(&all, &env)
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("JSON")
}

/// The ids of a `list --json`, in order.
fn ids_of(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .expect("array")
        .iter()
        .filter_map(|m| m["id"].as_str().map(str::to_owned))
        .collect()
}

/// A simulator of `messages` messages that approves device logins at once.
fn simulator(runtime: &tokio::runtime::Runtime, messages: usize) -> innboks::sim::Simulator {
    runtime
        .block_on(innboks::sim::Simulator::start(innboks::sim::SimConfig {
            auto_approve: Some(Duration::from_secs(0)),
            device_interval: Duration::from_secs(1),
            messages,
            ..innboks::sim::SimConfig::default()
        }))
        .expect("sim")
}

/// What a script fetched is there offline: `list`, `show`, `attachment list` and
/// `reportees` with `--offline` answer from the cache with the simulator gone, actions
/// refuse, and the inbox started with `--offline` shows the rows the script's `list` kept.
#[test]
fn offline_commands_and_the_offline_inbox_show_what_a_script_fetched() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = simulator(&runtime, 40);
    let shell = Shell::logged_in(&sim);
    // Offline where nothing was ever fetched: one plain line, the offline code.
    let fresh = Shell {
        home: tempfile::tempdir().expect("home"),
        place: shell.place.clone(),
    };
    let (code, _, err) = fresh.run(&["--offline", "list", "--json"]);
    assert_eq!(code, 5, "{err}");
    assert_eq!(json(err.trim())["code"], "offline", "{err}");
    let run = |args: &[&str]| shell.run(args);
    let (code, online, err) = run(&["list", "--json", "--limit", "30"]);
    assert_eq!(code, 0, "{err}");
    let online = json(&online);
    let ids = ids_of(&online);
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(ids.len(), 30);
    let (code, shown, err) = run(&["show", ids[0], "--json"]);
    assert_eq!(code, 0, "{err}");
    let (code, parties, err) = run(&["reportees", "--json"]);
    assert_eq!(code, 0, "{err}");

    // The network is gone.
    runtime.block_on(sim.stop());
    let (code, out, err) = run(&["--offline", "list", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ids_of(&json(&out)), ids, "the same list, from the cache");
    let (code, out, err) = run(&["--offline", "list", "--json", "--unread"]);
    assert_eq!(code, 0, "{err}");
    let unread = json(&out);
    let unread = unread.as_array().expect("array");
    assert!(unread.iter().all(|m| m["unread"] == true));
    let expected_unread = online
        .as_array()
        .expect("array")
        .iter()
        .filter(|m| m["unread"] == true)
        .count();
    assert_eq!(unread.len(), expected_unread);
    let (code, out, err) = run(&["--offline", "show", ids[0], "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["body"], json(&shown)["body"]);
    let (code, out, err) = run(&["--offline", "attachment", "list", ids[0], "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out), json(&shown)["attachments"]);
    let (code, out, err) = run(&["--offline", "reportees", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out), json(&parties));
    let (code, _, err) = run(&["--offline", "show", ids[1], "--json"]);
    assert_eq!(code, 5, "never opened here: {err}");
    let (code, _, err) = run(&["--offline", "archive", ids[0], "--json"]);
    assert_eq!(code, 5, "{err}");
    assert_eq!(json(err.trim())["code"], "offline", "{err}");

    // The inbox offline shows what the script fetched.
    let subject = online[0]["subject"].as_str().expect("subject").to_owned();
    let mut tui = shell.in_pty(&["--offline"], &[]);
    let start: String = subject.chars().take(20).collect();
    let screen = tui.wait_for("the cached list", |s| s.contains(&start));
    assert!(screen.contains("Frakoblet"), "{screen}");
    tui.send(b"q");
}

/// `list` of many pages says how far it has come on stderr when that is a terminal, and
/// erases the line at the end; piped, stderr stays clean and stdout is only the JSON.
#[test]
fn a_long_list_shows_progress_on_a_terminal_and_none_when_piped() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = simulator(&runtime, 3_000);
    let shell = Shell::logged_in(&sim);
    sim.set_faults("latency=150".parse().expect("a latency"));
    let tui = shell.in_pty(&[], &["list", "--limit", "3000"]);
    tui.wait_for("the progress line", |s| s.contains("Henter meldinger"));
    let screen = tui.wait_for("the list", |s| s.contains("[a"));
    // The child wrote the list after erasing the progress line.
    let raw = String::from_utf8_lossy(&tui.raw()).into_owned();
    let erased = raw.rfind("\r\u{1b}[2K").expect("the line erased");
    let first_row = raw.find("[a").expect("a row");
    assert!(erased < first_row, "erased before the list: {screen}");
    let (code, out, err) = shell.run(&["list", "--json", "--folder", "all", "--limit", "3000"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "nothing on a piped stderr: {err:?}");
    assert_eq!(json(&out).as_array().map(Vec::len), Some(3000));
}

/// `attachment cat` writes bytes for a pipe: to a terminal it refuses with one plain line
/// and exit 2 (before asking Altinn anything).
#[test]
fn attachment_cat_to_a_terminal_refuses_in_one_line() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = simulator(&runtime, 10);
    let shell = Shell::logged_in(&sim);
    let mut tui = shell.in_pty(&[], &["attachment", "cat", "a1000", "1"]);
    let screen = tui.wait_for("the refusal", |s| {
        s.contains("vil ikke skrive et vedlegg til terminalen")
    });
    assert!(screen.contains("--force"), "{screen}");
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = tui.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "innboks did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.exit_code(), 2);
    assert!(
        !String::from_utf8_lossy(&tui.raw()).contains('\u{1b}'),
        "a plain line"
    );
}

/// One language at a time, chosen as a user would: the locale (`LANG=en_US.UTF-8`) makes
/// the whole inbox English, `--lang nn` wins over it, and a config's `language` over the
/// locale; scripts get the same JSON in every language, while their text follows it.
#[test]
fn the_language_comes_from_the_locale_the_flag_or_the_config() {
    let demo = ["demo", "--messages", "30", "--auto-approve", "0"];
    let mut english = Session::start_with(&demo, &[("LANG", "en_US.UTF-8")]);
    // (Enter only once the login screen has finished checking for a stored session.)
    english.wait_for("the English login", |s| {
        s.contains("Log in with")
            && s.contains("◉ ID-porten with a one-time code")
            && !s.contains("checking")
    });
    english.send(b"\r");
    // Dialogporten was asked in English (`Accept-Language`): the simulator has English
    // titles for a few services.
    let english_titles = [
        "Your tax return for",
        "Decision on parental benefit",
        "Registration completed",
    ];
    let inbox = english.wait_for("the English inbox with English titles", |s| {
        s.contains("unread /") && english_titles.iter().any(|t| s.contains(t))
    });
    for word in ["┌ Inbox", "j/k move", "? help", "simulated Altinn 3"] {
        assert!(inbox.contains(word), "{word}:\n{inbox}");
    }
    english.send(b"?");
    let help = english.wait_for("the help", |s| s.contains("Help – keys"));
    for word in ["next message", "Moving", "Messages"] {
        assert!(help.contains(word), "{word}:\n{help}");
    }
    for word in ["meldinger", "Innboks", "hjelp", "Henter"] {
        assert!(!help.contains(word), "{word}:\n{help}");
    }
    english.send(b"\x1bq");

    let mut nynorsk = Session::start_with(
        &["--lang", "nn", "demo", "--messages", "30"],
        &[("LANG", "en_US.UTF-8")],
    );
    nynorsk.wait_for("the nynorsk login", |s| {
        s.contains("Logg inn med") && s.contains("ID-porten med eingongskode")
    });
    nynorsk.send(b"\x1b");

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = simulator(&runtime, 60);
    let shell = Shell::logged_in(&sim);
    let (code, bokmal, _) = shell.run(&["list", "--json", "--limit", "60"]);
    assert_eq!(code, 0);
    let (code, english, _) = shell.run(&["--lang", "en", "list", "--json", "--limit", "60"]);
    assert_eq!(code, 0);
    let rows = |text: &str| json(text).as_array().expect("a list").clone();
    let (bokmal, english) = (rows(&bokmal), rows(&english));
    assert_eq!(bokmal.len(), english.len());
    for (nb, en) in bokmal.iter().zip(&english) {
        // Our own words for scripts are the same in every language.
        for key in [
            "id", "status", "type", "unread", "received", "sender", "subject",
        ] {
            assert_eq!(nb[key], en[key], "{key} of {}", nb["id"]);
        }
    }
    // Altinn 2 filters on its statuses' words in the language asked (`Unread`, not `Ulest`).
    let unread = |lang: &str| {
        let (code, out, err) = shell.run(&["--lang", lang, "list", "--unread", "--json"]);
        assert_eq!(code, 0, "{err}");
        ids_of(&json(&out))
    };
    assert!(!unread("nb").is_empty());
    assert_eq!(unread("nb"), unread("en"));
    let id = bokmal[0]["id"].as_str().expect("an id");
    let (_, text, _) = shell.run(&["--lang", "en", "show", id]);
    assert!(
        text.contains("From: ") && text.contains("Received: "),
        "{text}"
    );
    // The binary's own --help (clap speaks only then, so the command is made in the
    // language only then) and clap's mistakes.
    let (code, help, _) = shell.run(&["list", "--help"]);
    assert_eq!(code, 0);
    assert!(help.contains("Bruk: innboks list [VALG]"), "{help}");
    let (code, _, err) = shell.run(&["--lang", "en", "list", "--bogus"]);
    assert_eq!(code, 2);
    assert!(err.contains("Usage: innboks list [OPTIONS]"), "{err}");
    let config = shell.home.path().join("config/innboks/config.toml");
    std::fs::create_dir_all(config.parent().expect("a dir")).expect("config dir");
    std::fs::write(&config, "language = \"en\"\n").expect("config");
    let (_, status, _) = shell.run(&["status"]);
    assert!(
        status.contains("Logged in to “local” with ID-porten"),
        "{status}"
    );
    std::fs::write(&config, "language = \"de\"\n").expect("config");
    let (code, _, err) = shell.run(&["status", "--json"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("language tar nb, nn eller en, ikke «de»."),
        "{err}"
    );
}

/// True when the letters of `word` appear in `text` in order (what a fuzzy match needs).
fn letters_in_order(word: &str, text: &str) -> bool {
    let mut text = text.chars().flat_map(char::to_lowercase);
    word.chars()
        .flat_map(char::to_lowercase)
        .all(|c| text.any(|t| t == c))
}

/// `/` finds a word inside a letter a script read earlier, offline: the cache's full-text
/// index over the bodies it keeps, in the real binary.
#[test]
fn search_finds_a_word_inside_a_letter_read_before_offline() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = simulator(&runtime, 40);
    let shell = Shell::logged_in(&sim);
    let (code, online, err) = shell.run(&["list", "--json", "--limit", "40"]);
    assert_eq!(code, 0, "{err}");
    let online = json(&online);
    let rows = online.as_array().expect("array");
    let heads: Vec<String> = rows
        .iter()
        .map(|m| format!("{} {}", m["subject"], m["sender"]))
        .collect();
    // A letter whose body has a word no subject or sender in the list could match.
    let (id, word) = rows
        .iter()
        .filter_map(|m| m["id"].as_str())
        .find_map(|id| {
            let (code, shown, _) = shell.run(&["show", id, "--json"]);
            assert_eq!(code, 0);
            let body = json(&shown)["body"].as_str().unwrap_or_default().to_owned();
            body.split(|c: char| !c.is_alphabetic())
                .filter(|w| w.chars().count() >= 6)
                .find(|w| !heads.iter().any(|h| letters_in_order(w, h)))
                .map(|w| (id.to_owned(), w.to_owned()))
        })
        .expect("a letter with a word of its own");
    runtime.block_on(sim.stop());

    let mut tui = shell.in_pty(&["--offline"], &[]);
    tui.wait_for("the cached list", |s| s.contains("Frakoblet"));
    tui.send(b"/");
    tui.send(word.as_bytes());
    let found = tui.wait_for("the letter found by its body", |s| s.contains("1 treff"));
    let subject = rows
        .iter()
        .find(|m| m["id"] == id.as_str())
        .and_then(|m| m["subject"].as_str())
        .expect("its subject");
    let start: String = subject.chars().take(16).collect();
    assert!(
        found.contains(&start),
        "{word} in {id} ({subject}):\n{found}"
    );
    tui.send(b"\x1b");
    tui.send(b"q");
}

/// `:export` in the demo writes the shown dialogs from the cache into `export_dir` (here
/// `~/Altinn` of the private home) and says so, with nothing opened for it; `:expiring`
/// shows what Altinn deletes, known for the letter opened; after the demo,
/// `innboks export --env demo` exports what its cache holds.
#[test]
fn demo_export_and_expiring() {
    let mut session = Session::start(&["demo", "--messages", "40", "--auto-approve", "0"]);
    session.wait_for("the login screen", |s| {
        s.contains("◉ ID-porten med engangskode") && !s.contains("sjekker")
    });
    session.send(b"\r");
    session.wait_for("the Altinn 3 inbox", counts_shown);
    session.send(b"\r");
    session.wait_for("the opened dialog", |s| s.contains("Status: Lest"));
    session.send(b"\x1b");
    session.send(b":export\r");
    let done = session.wait_for("the export's result", |s| s.contains("Eksportert til"));
    assert!(done.contains("nye"), "{done}");
    let home = session._home.path().to_path_buf();
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(home.join("Altinn").join("manifest.json")).expect("a manifest"),
    )
    .expect("JSON");
    let dialogs = manifest["dialogs"].as_object().expect("dialogs");
    assert!(dialogs.len() >= 10, "{manifest}");
    // The opened letter (and the two below it the inbox fetched ahead) have their bodies;
    // the rest were exported with their metadata: nothing was opened for the export.
    let with_body = dialogs.values().filter(|d| d["content"] == true).count();
    assert!((1..=3).contains(&with_body), "{with_body} with a body");
    session.send(b":expiring 3650\r");
    session.wait_for("what Altinn deletes", |s| {
        s.contains("Slettes innen 3650 dager")
    });
    session.send(b"q");
    let deadline = Instant::now() + Duration::from_secs(15);
    while session.child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "innboks did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = home.join("export");
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_innboks"))
            .args(["export", "--env", "demo", "--json", "--out"])
            .arg(&out)
            .args(extra)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("INNBOKS_KEYRING", "off")
            .envs(common::LOCALE.iter().copied())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("innboks export")
    };
    let exported = run(&[]);
    assert!(exported.status.success(), "{exported:?}");
    let report = json(&String::from_utf8_lossy(&exported.stdout));
    assert!(report["new"].as_u64().is_some_and(|n| n >= 10), "{report}");
    let refused = run(&["--with-content"]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
}
