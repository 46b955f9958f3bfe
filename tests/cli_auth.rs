//! `innboks login`, `status` and `logout` as a user runs them: the real binary against the
//! simulator, with a private HOME.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use innboks::sim::{SimConfig, Simulator};

struct Cli {
    home: tempfile::TempDir,
    base: String,
    issuer: String,
}

impl Cli {
    fn new(sim: &Simulator) -> Self {
        Self {
            home: tempfile::tempdir().expect("home"),
            base: sim.base_url(),
            issuer: sim.issuer(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_innboks"));
        command
            .envs(common::LOCALE)
            .args([
                "--env",
                "local",
                "--altinn-url",
                &self.base,
                "--issuer",
                &self.issuer,
            ])
            .args(["--api-key", "demo-api-key", "--client-id", "innboks"])
            .args(args)
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("XDG_STATE_HOME", self.home.path().join("state"))
            // (A developer's own keyring is not for tests; tests/auth_keyring.rs makes its own.)
            .env("INNBOKS_KEYRING", "off")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("INNBOKS_API_KEY");
        command
    }

    async fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut command = self.command(args);
        let output = tokio::task::spawn_blocking(move || command.stdin(Stdio::null()).output())
            .await
            .expect("join")
            .expect("run innboks");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

fn sim_config() -> SimConfig {
    SimConfig {
        auto_approve: Some(Duration::from_secs(0)),
        device_interval: Duration::from_secs(1),
        ..common::config(40)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_login_by_pasting_status_and_logout() {
    let sim = Simulator::start(sim_config()).await.expect("sim");
    let cli = Cli::new(&sim);
    let (code, out, _) = cli.run(&["status", "--json"]).await;
    assert_eq!(code, 3, "not logged in");
    let status: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(status["logged_in"], false);

    let mut child = cli
        .command(&["login", "--method", "browser", "--no-browser"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("login");
    let stdout = child.stdout.take().expect("stdout");
    let (lines_tx, lines_rx) = std::sync::mpsc::channel::<String>();
    // Keep reading everything the command prints, as a terminal would.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let url = tokio::task::spawn_blocking(move || {
        let url = lines_rx.iter().find(|line| line.contains("/authorize?"));
        std::thread::spawn(move || lines_rx.iter().for_each(drop));
        url
    })
    .await
    .expect("join")
    .expect("the URL is printed");
    let location = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(&url)
        .send()
        .await
        .expect("authorize")
        .headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "nonsense").expect("write");
    writeln!(stdin, "{location}").expect("write");
    drop(stdin);
    let status = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    assert!(
        status.status.success(),
        "login exits 0: {}",
        String::from_utf8_lossy(&status.stderr)
    );

    let (code, out, _) = cli.run(&["status", "--json"]).await;
    assert_eq!(code, 0);
    let status: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(status["logged_in"], true);
    assert_eq!(status["method"], "browser");
    assert_eq!(status["pid"], "010170*****");
    for key in [
        "env",
        "issuer",
        "client_id",
        "scopes",
        "logged_in_at",
        "refresh_expires_at",
        "session_file",
    ] {
        assert!(status.get(key).is_some(), "status has {key}");
    }
    let file = status["session_file"].as_str().expect("path").to_owned();
    let text = std::fs::read_to_string(&file).expect("session file");
    let stored: serde_json::Value = serde_json::from_str(&text).expect("json");
    let refresh_token = stored["refresh_token"].as_str().expect("token").to_owned();
    assert!(!out.contains(&refresh_token), "status prints no secret");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    let (code, out, _) = cli.run(&["logout"]).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(sim.stats().revocations, 1, "logout revokes at the provider");
    assert!(!std::path::Path::new(&file).exists(), "and deletes locally");
    let (code, _, _) = cli.run(&["status"]).await;
    assert_eq!(code, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_login_prints_the_code_and_waits() {
    let sim = Simulator::start(SimConfig {
        auto_approve: Some(Duration::from_secs(1)),
        ..sim_config()
    })
    .await
    .expect("sim");
    let cli = Cli::new(&sim);
    let (code, out, err) = cli.run(&["login", "--method", "device"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("/idporten/device"), "{out}");
    assert!(out.contains("Innlogget med ID-porten"), "{out}");
    let (code, out, _) = cli.run(&["status", "--json"]).await;
    assert_eq!(code, 0);
    assert!(out.contains("\"method\":\"device\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_login_checks_the_password() {
    let sim = Simulator::start(sim_config()).await.expect("sim");
    let cli = Cli::new(&sim);
    let mut child = cli
        .command(&["login", "--method", "password", "--username", "demo"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("login");
    writeln!(child.stdin.take().expect("stdin"), "wrong").expect("write");
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Authentication failed"));
    let mut child = cli
        .command(&["login", "--method", "password", "--username", "demo"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("login");
    writeln!(child.stdin.take().expect("stdin"), "demo").expect("write");
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("lagres ikke"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_show_and_reportees_for_scripts() {
    let sim = Simulator::start(SimConfig {
        auto_approve: Some(Duration::from_secs(0)),
        ..sim_config()
    })
    .await
    .expect("sim");
    let cli = Cli::new(&sim);
    let (code, _, err) = cli.run(&["list", "--json"]).await;
    assert_eq!(code, 3, "not logged in yet");
    let error: serde_json::Value =
        serde_json::from_str(err.trim()).expect("a JSON error on stderr");
    assert_eq!(error["code"], "not-logged-in");

    let (code, out, err) = cli.run(&["login", "--method", "device"]).await;
    assert_eq!(code, 0, "{out}\n{err}");

    let (code, out, err) = cli.run(&["list", "--json", "--limit", "45"]).await;
    assert_eq!(code, 0, "{err}");
    let items: Vec<serde_json::Value> = serde_json::from_str(&out).expect("a JSON array");
    assert_eq!(
        items.len(),
        40,
        "the whole mailbox of 40, though 45 were allowed"
    );
    for key in [
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
    ] {
        assert!(items[0].get(key).is_some(), "list items have {key}");
    }
    let (code, out, _) = cli.run(&["list", "--json", "--unread"]).await;
    assert_eq!(code, 0);
    let unread: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert!(!unread.is_empty() && unread.iter().all(|m| m["unread"] == true));
    let (code, out, _) = cli
        .run(&["list", "--json", "--filter", "ServiceOwner eq 'NAV'"])
        .await;
    assert_eq!(code, 0);
    let nav: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert!(nav.iter().all(|m| m["service_owner"] == "NAV"));
    let (code, _, err) = cli
        .run(&["list", "--json", "--filter", "Nonsense eq 'x'"])
        .await;
    assert_eq!(code, 2);
    assert!(
        err.contains("bad-request") && err.contains("Nonsense"),
        "{err}"
    );

    let id = items[0]["id"].as_str().expect("id");
    let (code, out, _) = cli.run(&["show", id, "--json"]).await;
    assert_eq!(code, 0);
    let message: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(message["body"].as_str().is_some_and(|b| b.contains("Hei")));
    assert!(message["attachments"].is_array());
    let (code, out, _) = cli.run(&["show", id]).await;
    assert_eq!(code, 0);
    assert!(out.contains("Fra: "));
    let (code, _, err) = cli.run(&["show", "a1", "--json"]).await;
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("not-found"));

    let (code, out, _) = cli.run(&["reportees", "--json"]).await;
    assert_eq!(code, 0);
    let parties: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert_eq!(parties.len(), 3);
    assert_eq!(parties[1]["organisation_number"], "912345678");
    let (code, out, _) = cli
        .run(&["list", "--json", "--reportee", "r50020002", "--limit", "5"])
        .await;
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&out)
            .expect("json")
            .len(),
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unread_skatteetaten_across_all_reportees_from_the_shell() {
    let sim = Simulator::start(SimConfig {
        auto_approve: Some(Duration::from_secs(0)),
        ..common::config(200)
    })
    .await
    .expect("sim");
    let cli = Cli::new(&sim);
    let (code, out, err) = cli.run(&["login", "--method", "device"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let list = |extra: &'static [&'static str]| {
        let mut args = vec![
            "list",
            "--json",
            "--unread",
            "--reportee",
            "all",
            "--limit",
            "1000",
        ];
        args.extend_from_slice(extra);
        args
    };
    let (code, out, err) = cli.run(&list(&[])).await;
    assert_eq!(code, 0, "{err}");
    let all: Vec<serde_json::Value> = serde_json::from_str(&out).expect("a JSON array");
    let owners: std::collections::BTreeSet<&str> =
        all.iter().filter_map(|m| m["reportee"].as_str()).collect();
    assert_eq!(owners.len(), 3, "every reportee's unread mail: {owners:?}");
    assert!(all.iter().all(|m| m["unread"] == true));
    let dates: Vec<&str> = all.iter().filter_map(|m| m["received"].as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let (code, out, err) = cli
        .run(&list(&["--filter", "ServiceOwner eq 'Skatteetaten'"]))
        .await;
    assert_eq!(code, 0, "{err}");
    let skatt: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert!(
        skatt.len() >= 2,
        "unread from Skatteetaten: {}",
        skatt.len()
    );
    assert!(skatt.iter().all(|m| m["service_owner"] == "Skatteetaten"));

    // Read the first and save its attachments, archive it, mark the rest read.
    let first = &skatt
        .iter()
        .find(|m| m["requires_confirmation"] == false)
        .expect("one that can be archived");
    let (id, who) = (
        first["id"].as_str().expect("id"),
        first["reportee"].as_str().expect("reportee"),
    );
    let (code, out, err) = cli
        .run(&["show", id, "--reportee", who, "--mark-read"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Skatteetaten"));
    let out_dir = cli.home.path().join("saved");
    let out_dir_text = out_dir.to_string_lossy().into_owned();
    let (code, _, err) = cli
        .run(&[
            "attachment",
            "save",
            id,
            "--all",
            "--reportee",
            who,
            "--out",
            &out_dir_text,
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = cli.run(&["archive", id, "--reportee", who, "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let archived: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(
        archived[0]["new_id"]
            .as_str()
            .is_some_and(|n| n.starts_with('b')),
        "{archived}"
    );
    for m in skatt.iter().filter(|m| m["id"] != first["id"]) {
        let (id, who) = (
            m["id"].as_str().expect("id"),
            m["reportee"].as_str().expect("who"),
        );
        let (code, _, err) = cli.run(&["mark-read", id, "--reportee", who]).await;
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, _) = cli
        .run(&list(&["--filter", "ServiceOwner eq 'Skatteetaten'"]))
        .await;
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "[]", "nothing unread from Skatteetaten is left");

    // Refusals say why, with a code, and the exit code says what kind.
    let (code, out, err) = cli.run(&["archive", "a1", "--json"]).await;
    assert_eq!(code, 4, "{out}{err}");
    let result: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(result[0]["ok"], false);
    assert_eq!(result[0]["code"], "not-found");
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let output = Command::new(env!("CARGO_BIN_EXE_innboks"))
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(output.status.success());
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("innboks"),
            "{shell}"
        );
    }
    let output = Command::new(env!("CARGO_BIN_EXE_innboks"))
        .arg("man")
        .output()
        .expect("run");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains(".TH innboks"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachment_list_and_save_from_the_shell() {
    let sim = Simulator::start(SimConfig {
        auto_approve: Some(Duration::from_secs(0)),
        ..sim_config()
    })
    .await
    .expect("sim");
    let cli = Cli::new(&sim);
    let (code, _, err) = cli.run(&["login", "--method", "device"]).await;
    assert_eq!(code, 0, "{err}");
    let world = innboks::sim::data::World::generate(&innboks::sim::data::WorldOptions {
        seed: 42,
        messages: 40,
        parties: 0,
        anchor: common::anchor(),
    });
    let message = world.mailboxes[0]
        .iter()
        .find(|m| !m.attachments.is_empty())
        .expect("a message with attachments");
    let (code, out, err) = cli
        .run(&["attachment", "list", &message.id, "--json"])
        .await;
    assert_eq!(code, 0, "{err}");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert_eq!(listed.len(), message.attachments.len());
    let att = listed[0]["id"].as_str().expect("id").to_owned();
    let out_dir = tempfile::tempdir().expect("out");
    let dir = out_dir.path().to_string_lossy().into_owned();
    let mut paths = Vec::new();
    for _ in 0..2 {
        let (code, out, err) = cli
            .run(&[
                "attachment",
                "save",
                &message.id,
                &att,
                "--out",
                &dir,
                "--json",
            ])
            .await;
        assert_eq!(code, 0, "{err}");
        let saved: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
        paths.push(saved[0]["path"].as_str().expect("path").to_owned());
    }
    assert_ne!(
        paths[0], paths[1],
        "the second save does not overwrite the first"
    );
    assert!(paths[1].contains(" (1)"));
    for path in &paths {
        assert!(std::path::Path::new(path).starts_with(out_dir.path()));
        assert_eq!(
            std::fs::read(path).expect("file"),
            message.attachments[0].bytes()
        );
    }
    let (code, out, _) = cli.run(&["config", "path"]).await;
    assert_eq!(code, 0);
    assert!(out.trim().ends_with("innboks/config.toml"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachment_cat_writes_the_bytes_save_saves() {
    let sim = Simulator::start(sim_config()).await.expect("sim");
    let cli = Cli::new(&sim);
    let (code, _, err) = cli.run(&["login", "--method", "device"]).await;
    assert_eq!(code, 0, "{err}");
    let world = innboks::sim::data::World::generate(&innboks::sim::data::WorldOptions {
        seed: 42,
        messages: 40,
        parties: 0,
        anchor: common::anchor(),
    });
    let message = world.mailboxes[0]
        .iter()
        .find(|m| !m.attachments.is_empty())
        .expect("a message with attachments");
    let (_, out, _) = cli
        .run(&["attachment", "list", &message.id, "--json"])
        .await;
    let listed: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    let att = listed[0]["id"].as_str().expect("id").to_owned();
    let out_dir = tempfile::tempdir().expect("out");
    let dir = out_dir.path().to_string_lossy().into_owned();
    let (code, out, err) = cli
        .run(&[
            "attachment",
            "save",
            &message.id,
            &att,
            "--out",
            &dir,
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    let saved: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    let saved = std::fs::read(saved[0]["path"].as_str().expect("path")).expect("file");

    let mut command = cli.command(&["attachment", "cat", &message.id, &att]);
    let output = tokio::task::spawn_blocking(move || command.stdin(Stdio::null()).output())
        .await
        .expect("join")
        .expect("run innboks");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, saved, "cat writes the bytes save saves");
    assert_eq!(output.stdout, message.attachments[0].bytes());

    let (code, _, err) = cli
        .run(&["attachment", "cat", &message.id, "no-such-attachment"])
        .await;
    assert_eq!(code, 4, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_and_text_stay_harmless_in_every_cli_output() {
    let sim = Simulator::start(SimConfig {
        auto_approve: Some(Duration::from_secs(0)),
        hostile: true,
        ..sim_config()
    })
    .await
    .expect("sim");
    let cli = Cli::new(&sim);
    let (code, _, err) = cli.run(&["login", "--method", "device"]).await;
    assert_eq!(code, 0, "{err}");
    let id = innboks::sim::data::HOSTILE_ID;
    let forbidden = |text: &str| {
        text.chars().any(|c| {
            c == '\u{1b}' || c == '\u{7}' || c == '\u{9b}' || c == '\u{202e}' || c == '\u{200b}'
        })
    };
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["show", id],
        vec!["show", id, "--json"],
        vec!["attachment", "list", id],
        vec!["attachment", "list", id, "--json"],
    ] {
        let (code, out, err) = cli.run(&args).await;
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            !forbidden(&out),
            "{args:?} printed a control or bidi character: {out:?}"
        );
    }
    let (_, out, _) = cli.run(&["show", id, "--json"]).await;
    let message: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(message["subject"]
        .as_str()
        .is_some_and(|s| s.contains("Viktig") && s.contains("melding")));

    let dir = tempfile::tempdir().expect("out");
    let out_dir = dir.path().to_string_lossy().into_owned();
    let (code, out, err) = cli
        .run(&[
            "attachment",
            "save",
            id,
            "--all",
            "--out",
            &out_dir,
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    let saved: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert_eq!(saved.len(), 2);
    for file in &saved {
        let path = std::path::PathBuf::from(file["path"].as_str().expect("path"));
        assert_eq!(
            path.parent(),
            Some(dir.path()),
            "saved inside the target directory: {path:?}"
        );
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(
            !forbidden(name) && !name.contains('/') && !name.starts_with('.'),
            "{name:?}"
        );
    }
    assert!(!std::path::Path::new("/etc/passwd.innboks-test").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_altinn3_inbox_from_the_shell() {
    let sim = Simulator::start(sim_config()).await.expect("sim");
    let cli = Cli::new(&sim);
    let a3 = |args: &[&str]| {
        let mut all = vec!["--api", "altinn3"];
        all.extend_from_slice(args);
        all.into_iter().map(str::to_owned).collect::<Vec<String>>()
    };
    let run = |args: Vec<String>| {
        let cli = &cli;
        async move {
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            cli.run(&refs).await
        }
    };
    let (code, out, err) = run(a3(&["login", "--method", "device"])).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = run(a3(&["status", "--json"])).await;
    assert_eq!(code, 0, "{err}");
    let status: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(status["scopes"]
        .as_str()
        .unwrap_or_default()
        .contains("digdir:dialogporten"));

    let list = |extra: &[&str]| {
        let mut args = a3(&["list", "--json", "--limit", "1000"]);
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        run(args)
    };
    let (code, out, err) = list(&["--folder", "inbox"]).await;
    assert_eq!(code, 0, "{err}");
    let inbox: Vec<serde_json::Value> = serde_json::from_str(&out).expect("a JSON array");
    assert!(inbox.len() > 30, "{}", inbox.len());
    assert!(
        inbox[0].get("requires_confirmation").is_some() && inbox[0].get("reportee").is_some(),
        "the same keys as on Altinn 2"
    );
    let id = inbox[0]["id"].as_str().expect("id").to_owned();

    let (code, out, err) = run(a3(&["show", &id])).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("markerer en melding som sett"),
        "said on stderr: {err}"
    );
    assert!(out.contains("Saksnummer") || out.contains("Emne:"), "{out}");

    for (command, folder, wanted) in [
        ("archive", "archive", true),
        ("restore", "inbox", true),
        ("delete", "trash", true),
    ] {
        let (code, out, err) = run(a3(&[command, &id, "--json"])).await;
        assert_eq!(code, 0, "{command}: {out}\n{err}");
        let (_, out, _) = list(&["--folder", folder]).await;
        let items: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
        assert_eq!(
            items.iter().any(|m| m["id"] == id.as_str()),
            wanted,
            "{command} → {folder}"
        );
    }
    run(a3(&["restore", &id])).await;
    let (code, _, _) = run(a3(&["mark-unread", &id])).await;
    assert_eq!(code, 0);
    let (_, out, _) = list(&["--unread"]).await;
    assert!(out.contains(&id), "marked unread");

    // Purge: from the trash only, and after a question (a script says --yes).
    let letter = inbox
        .iter()
        .filter(|m| m["type"] == "Correspondence" && m["requires_confirmation"] == false)
        .filter_map(|m| m["id"].as_str())
        .find(|m| *m != id)
        .expect("a letter")
        .to_owned();
    let (code, _, err) = run(a3(&["purge", &letter])).await;
    assert_eq!(code, 2, "no terminal to ask on: {err}");
    assert!(err.contains("--yes"), "{err}");
    let (code, out, _) = run(a3(&["purge", &letter, "--yes", "--json"])).await;
    assert_eq!(code, 2, "not in the trash: {out}");
    let results: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(results[0]["code"], "unsupported");
    run(a3(&["delete", &letter])).await;
    let (code, out, err) = run(a3(&["purge", &letter, "--yes"])).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("slettet for godt"), "{out}");
    let (_, out, _) = list(&["--folder", "trash"]).await;
    assert!(!out.contains(&letter), "gone from the trash");

    let (code, out, _) = list(&["--search", "skattemelding"]).await;
    assert_eq!(code, 0);
    let found: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert!(!found.is_empty());

    // What Altinn 3 cannot do is said with a code; Altinn 2 says what it cannot do too.
    let (code, _, err) = run(a3(&["list", "--json", "--filter", "Status eq 'Ulest'"])).await;
    assert_eq!(code, 2);
    let error: serde_json::Value = serde_json::from_str(err.trim()).expect("json error");
    assert_eq!(error["code"], "unsupported");
    // The Altinn 2 face of the same environment keeps its own session, and says what it
    // cannot do with the same code.
    let (code, _, _) = cli.run(&["restore", "a1", "--json"]).await;
    assert_eq!(
        code, 3,
        "not logged in to Altinn 2: the sessions are kept apart"
    );
    let (code, out, err) = cli.run(&["login", "--method", "device"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, _) = cli.run(&["restore", "a1", "--json"]).await;
    assert_eq!(code, 2);
    let results: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(results[0]["code"], "unsupported");
}

/// `list --saved NAME` applies a saved search of the config file: every item it prints is
/// unread and from the search's sender, where the plain list has others; an unknown name is
/// one line naming the saved ones (exit 2); `searches --json` counts them on the desk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_search_from_the_shell() {
    let sim = Simulator::start(sim_config()).await.expect("sim");
    let cli = Cli::new(&sim);
    let config = cli.home.path().join("innboks.toml");
    std::fs::write(
        &config,
        "# mine søk\n[searches]\nskatt = { unread = true, sender = \"Skatteetaten\" }\n\
         [searches.brev]\nkind = \"letter\"\nparties = [\"me\"]\n",
    )
    .expect("config");
    let config = config.to_string_lossy().into_owned();
    let run = |args: &[&str]| {
        let mut all = vec!["--api", "altinn3", "--config", config.as_str()];
        all.extend_from_slice(args);
        let all: Vec<String> = all.into_iter().map(str::to_owned).collect();
        let cli = &cli;
        async move {
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            cli.run(&refs).await
        }
    };
    let (code, out, err) = run(&["login", "--method", "device"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let items = |out: &str| -> Vec<serde_json::Value> {
        serde_json::from_str(out).unwrap_or_else(|e| panic!("a JSON array: {e}: {out}"))
    };
    let (code, out, err) = run(&["list", "--json", "--limit", "1000", "--reportee", "all"]).await;
    assert_eq!(code, 0, "{err}");
    let everything = items(&out);
    let hit = |m: &serde_json::Value| m["unread"] == true && m["service_owner"] == "Skatteetaten";
    assert!(
        everything.iter().any(|m| !hit(m)) && everything.iter().any(hit),
        "the mailbox has both"
    );
    let (code, out, err) = run(&["list", "--saved", "skatt", "--json", "--limit", "1000"]).await;
    assert_eq!(code, 0, "{err}");
    let saved = items(&out);
    assert!(!saved.is_empty());
    assert!(
        saved.iter().all(hit),
        "every one unread and from Skatteetaten: {saved:?}"
    );
    assert_eq!(
        saved.len(),
        everything.iter().filter(|m| hit(m)).count(),
        "all of them, over every party"
    );
    let (code, out, err) = run(&["list", "--saved", "brev", "--json", "--limit", "1000"]).await;
    assert_eq!(code, 0, "{err}");
    let letters = items(&out);
    assert!(!letters.is_empty());
    assert!(letters
        .iter()
        .all(|m| m["type"] == "Correspondence" && m["reportee"].is_null()));

    // An unknown name: one line, the saved ones named, the usage exit code.
    let (code, out, err) = run(&["list", "--saved", "nei"]).await;
    assert_eq!(code, 2, "{out}\n{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("«nei»") && err.contains("brev, skatt"),
        "{err}"
    );
    let (code, _, err) = run(&["list", "--saved", "nei", "--json"]).await;
    assert_eq!(code, 2);
    let error: serde_json::Value = serde_json::from_str(err.trim()).expect("json error");
    assert_eq!(error["code"], "usage");
    // Not with the flags it sets itself.
    let (code, _, _) = run(&["list", "--saved", "skatt", "--reportee", "all"]).await;
    assert_eq!(code, 2);

    // Counted on the desk once it is synced.
    let (code, _, err) = run(&["sync"]).await;
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&["searches", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let listed = items(&out);
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1]["name"], "skatt");
    let total = listed[1]["total"].as_u64().expect("a count");
    assert!(total > 0, "{listed:?}");
    assert_eq!(listed[1]["unread"].as_u64(), Some(total), "all unread");

    // A wrong entry stops every command with one line naming it.
    std::fs::write(
        cli.home.path().join("innboks.toml"),
        "[searches.feil]\nkind = \"fax\"\n",
    )
    .expect("config");
    let (code, _, err) = run(&["status"]).await;
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("«feil»") && err.contains("fax"), "{err}");
}

/// Expected conditions are one plain line and their exit code, never a report with a
/// backtrace: `--offline` with nothing cached, the inbox without a terminal, an unknown
/// environment, a missing API key.
#[test]
fn expected_conditions_are_one_line_and_an_exit_code() {
    let home = tempfile::tempdir().expect("home");
    let run = |args: &[&str]| -> (i32, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_innboks"))
            .args(args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("INNBOKS_KEYRING", "off")
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env_remove("INNBOKS_API_KEY")
            .envs(common::LOCALE)
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .output()
            .expect("run innboks");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    for (args, exit, words) in [
        (&["--offline"][..], 5, "hurtigbuffer"),
        (&["--env", "prod"][..], 2, "terminal"),
        (&["demo"][..], 2, "terminal"),
        (&["--env", "nowhere", "list"][..], 2, "nowhere"),
        (&["--env", "altinn2-prod", "list"][..], 2, "API-nøkkel"),
        (&["--offline", "list"][..], 5, "hurtigbuffer"),
        (&["list"][..], 3, "innlogget"),
    ] {
        let (code, err) = run(args);
        assert_eq!(code, exit, "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: one line: {err}");
        assert!(
            err.starts_with("innboks: ") && err.contains(words),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains("BACKTRACE") && !err.contains('\u{1b}'),
            "{args:?}: {err}"
        );
    }
    // With --json, the line is the JSON error.
    let (code, err) = run(&["--offline", "list", "--json"]);
    assert_eq!(code, 5);
    let error: serde_json::Value = serde_json::from_str(err.trim()).expect("JSON");
    assert_eq!(error["code"], "offline");
}

/// Altinn 3 from the shell as production needs it: `status --json` says the level and
/// whether the session renews itself, `login --level high` asks ID-porten for the high
/// level, `list --reportee all` searches the parties in groups of Dialogporten's limit
/// (not one request a party), and drafts have a folder of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_altinn3_shell_says_the_level_groups_parties_and_lists_drafts() {
    let sim = Simulator::start(sim_config()).await.expect("sim");
    let cli = Cli::new(&sim);
    let run = |args: &[&str]| {
        let mut all = vec!["--api", "altinn3"];
        all.extend_from_slice(args);
        let all: Vec<String> = all.into_iter().map(str::to_owned).collect();
        let cli = &cli;
        async move {
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            cli.run(&refs).await
        }
    };
    let (code, out, err) = run(&["login", "--method", "device"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let (_, out, _) = run(&["status", "--json"]).await;
    let status: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(status["level"], "substantial");
    assert_eq!(status["refresh"], true);
    // A letter that needs the high level says so, with how to log in for it.
    let (_, out, _) = run(&["list", "--json", "--limit", "60"]).await;
    let listed: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    let mut high = None;
    for m in &listed {
        let id = m["id"].as_str().expect("id");
        let (code, _, err) = run(&["show", id, "--json"]).await;
        if err.contains("level-too-low") {
            assert_eq!(code, 3, "{err}");
            assert!(err.contains("--level high"), "{err}");
            high = Some(id.to_owned());
            break;
        }
    }
    let high = high.expect("a letter at the high level");
    let (code, out, err) = run(&["login", "--method", "device", "--level", "high"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let (_, out, _) = run(&["status", "--json"]).await;
    let status: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(status["level"], "high");
    let (code, _, err) = run(&["show", &high, "--json"]).await;
    assert_eq!(code, 0, "opens after a high login: {err}");

    let before = sim
        .stats()
        .requests
        .get("GET /api/v1/enduser/dialogs 200")
        .copied()
        .unwrap_or(0);
    let (code, out, err) = run(&["list", "--json", "--reportee", "all", "--folder", "all"]).await;
    assert_eq!(code, 0, "{err}");
    let all: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    let owners: std::collections::BTreeSet<&str> =
        all.iter().filter_map(|m| m["reportee"].as_str()).collect();
    assert!(owners.len() >= 2, "rows of several parties: {owners:?}");
    let searches = sim
        .stats()
        .requests
        .get("GET /api/v1/enduser/dialogs 200")
        .copied()
        .unwrap_or(0)
        - before;
    let (_, parties, _) = run(&["reportees", "--json"]).await;
    let parties: Vec<serde_json::Value> = serde_json::from_str(&parties).expect("json");
    assert!(
        searches < parties.len() as u64,
        "{searches} searches for {} parties: one group, page by page",
        parties.len()
    );
    // «All of them» saves each file once: the letter's own zip is a choice of its own.
    sim.deliver_with(0, |m| {
        m.subject = "To vedlegg".into();
        m.attachments = vec![
            innboks::sim::data::text_attachment("vedtak.pdf", "Vedtak"),
            innboks::sim::data::text_attachment("rapport.bin", "Rapport"),
        ];
    });
    let (_, out, _) = run(&["list", "--json"]).await;
    let listed: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    let two = listed
        .iter()
        .find(|m| m["subject"] == "To vedlegg")
        .and_then(|m| m["id"].as_str())
        .expect("delivered")
        .to_owned();
    let dir = tempfile::tempdir().expect("dir");
    let out_dir = dir.path().display().to_string();
    let (code, out, err) = run(&[
        "attachment",
        "save",
        &two,
        "--all",
        "--out",
        &out_dir,
        "--json",
    ])
    .await;
    assert_eq!(code, 0, "{err}");
    let saved: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    let mut names: Vec<String> = saved
        .iter()
        .filter_map(|f| f["path"].as_str())
        .filter_map(|p| {
            std::path::Path::new(p)
                .file_name()?
                .to_str()
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Rapport.bin", "Vedtak.pdf"],
        "each file once, by its real name"
    );
    let (code, out, err) =
        run(&["list", "--json", "--reportee", "all", "--folder", "drafts"]).await;
    assert_eq!(code, 0, "{err}");
    let drafts: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert!(!drafts.is_empty(), "a draft");
    let (_, out, _) = run(&["list", "--json", "--reportee", "all"]).await;
    let inbox: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert!(
        drafts
            .iter()
            .all(|d| inbox.iter().all(|m| m["id"] != d["id"])),
        "the inbox, the default folder, holds no draft"
    );
}

/// `archive` takes any number of ids: on Altinn 3, 100 a bulk request (150 ids: 2), one
/// JSON object each as before; a request the server refuses fails its own ids only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shell_archives_150_ids_in_two_requests() {
    let sim = Simulator::start(SimConfig {
        messages: 500,
        ..sim_config()
    })
    .await
    .expect("sim");
    let cli = Cli::new(&sim);
    let run = |args: Vec<String>| {
        let mut all: Vec<String> = vec!["--api".into(), "altinn3".into()];
        all.extend(args);
        let cli = &cli;
        async move {
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            cli.run(&refs).await
        }
    };
    let words = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let bulk = || {
        (sim.stats().requests.iter())
            .filter(|(route, _)| route.contains("/actions/bulkset"))
            .map(|(_, n)| n)
            .sum::<u64>()
    };
    let (code, out, err) = run(words(&["login", "--method", "device"])).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = run(words(&["list", "--json", "--limit", "1000"])).await;
    assert_eq!(code, 0, "{err}");
    let inbox: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    let ids: Vec<String> = (inbox.iter().take(150))
        .filter_map(|m| m["id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 150, "{} in the inbox", inbox.len());

    let before = bulk();
    let mut args = words(&["archive", "--json"]);
    args.extend(ids.iter().cloned());
    let (code, out, err) = run(args).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(bulk() - before, 2, "100 a request");
    let results: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    let answered: Vec<&str> = results.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(answered, ids, "one each, in order");
    assert!(
        results
            .iter()
            .all(|r| r["ok"] == true && r["new_id"].is_null()),
        "{results:?}"
    );
    let (_, out, _) = run(words(&[
        "list", "--json", "--folder", "archive", "--limit", "1000",
    ]))
    .await;
    let archive: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert!(ids
        .iter()
        .all(|id| archive.iter().any(|m| m["id"] == id.as_str())));

    // Back to the inbox with one unknown id among them: its hundred fail, the rest go.
    let mut args = words(&["restore", "--json"]);
    args.extend(ids.iter().cloned());
    args.insert(102, "0190aaaa-0000-7000-8000-000000000000".into());
    let (code, out, _) = run(args).await;
    assert_ne!(code, 0);
    let results: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    assert_eq!(results.len(), 151);
    let failed = results.iter().filter(|r| r["ok"] == false).count();
    assert_eq!(failed, 51, "the second request's");
    assert!(results[..100].iter().all(|r| r["ok"] == true));
    assert!(results[100..]
        .iter()
        .all(|r| r["ok"] == false && r["code"].is_string() && r["message"].is_string()));
}

/// 250 ids archive in three bulk requests (100, 100, 50), and come back the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shell_archives_250_ids_in_three_requests() {
    let sim = Simulator::start(SimConfig {
        messages: 400,
        ..sim_config()
    })
    .await
    .expect("sim");
    let cli = Cli::new(&sim);
    let run = |args: Vec<String>| {
        let mut all: Vec<String> = vec!["--api".into(), "altinn3".into()];
        all.extend(args);
        let cli = &cli;
        async move {
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            cli.run(&refs).await
        }
    };
    let words = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let bulk = || {
        (sim.stats().requests.iter())
            .filter(|(route, _)| route.contains("/actions/bulkset"))
            .map(|(_, n)| n)
            .sum::<u64>()
    };
    let (code, out, err) = run(words(&["login", "--method", "device"])).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = run(words(&["list", "--json", "--limit", "1000"])).await;
    assert_eq!(code, 0, "{err}");
    let inbox: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
    let ids: Vec<String> = (inbox.iter().take(250))
        .filter_map(|m| m["id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 250, "{} in the inbox", inbox.len());
    for (verb, folder) in [("archive", "archive"), ("restore", "inbox")] {
        let before = bulk();
        let mut args = words(&[verb, "--json"]);
        args.extend(ids.iter().cloned());
        let (code, out, err) = run(args).await;
        assert_eq!(code, 0, "{verb}: {err}");
        assert_eq!(bulk() - before, 3, "{verb}: 100 a request");
        let results: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
        assert_eq!(results.len(), 250);
        assert!(results.iter().all(|r| r["ok"] == true), "{verb}");
        let (_, out, _) = run(words(&[
            "list", "--json", "--folder", folder, "--limit", "1000",
        ]))
        .await;
        let there: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json");
        assert!(
            ids.iter()
                .all(|id| there.iter().any(|m| m["id"] == id.as_str())),
            "{verb}: all in {folder}"
        );
    }
}
