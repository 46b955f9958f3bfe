//! The refresh token in a real Secret Service: a D-Bus session with an unlocked
//! gnome-keyring, made by this test with `dbus-run-session` and stopped at its end. Login
//! puts the token there (the session file holds none), `status --json` says
//! `"store": "keyring"`, `logout` deletes it; without a keyring the file keeps it, and a
//! session made so moves into the keyring at the next refresh without being lost.
//! Without `dbus-run-session` and `gnome-keyring-daemon` the test skips loudly — except
//! under `CI=true`, where it fails (`.ci/run` installs them).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use innboks::sim::{SimConfig, Simulator};

mod common;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The place flags and XDG directories of a private home.
fn script_env(home: &Path, sim: &Simulator) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = common::home_env(home)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    env.push(("INNBOKS".into(), env!("CARGO_BIN_EXE_innboks").into()));
    env.push((
        "PLACE".into(),
        format!(
            "--env local --altinn-url {} --issuer {} --client-id innboks --api-key demo-api-key",
            sim.base_url(),
            sim.issuer()
        ),
    ));
    env
}

/// Runs `body` (sh) inside a fresh D-Bus session with an unlocked gnome-keyring, which is
/// stopped at the end. Returns (exit code, stdout + stderr).
fn in_keyring_session(home: &Path, env: &[(String, String)], body: &str) -> (i32, String) {
    let script = format!(
        r#"set -eu
printf test | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
KEYRING=$!
trap 'kill $KEYRING 2>/dev/null || true' EXIT
# The daemon answers once it is on the bus.
for _ in $(seq 50); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
       org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
       | grep -q 'boolean true'; then break; fi
  sleep 0.1
done
{body}
"#
    );
    let output = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .current_dir(home)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .expect("dbus-run-session");
    (
        output.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

fn json_file(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("written by the script");
    serde_json::from_str(text.trim()).expect("JSON")
}

#[test]
fn the_refresh_token_lives_in_the_keyring_when_there_is_one() {
    if !(have("dbus-run-session") && have("gnome-keyring-daemon") && have("dbus-send")) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no Secret Service to test with: .ci/run installs dbus and gnome-keyring"
        );
        eprintln!(
            "SKIPPED: the keyring test needs dbus-run-session, dbus-send and gnome-keyring-daemon \
             (apt-get install dbus gnome-keyring)"
        );
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = runtime
        .block_on(Simulator::start(SimConfig {
            auto_approve: Some(Duration::from_secs(0)),
            device_interval: Duration::from_secs(1),
            messages: 20,
            ..SimConfig::default()
        }))
        .expect("sim");

    // With a keyring: the token goes there, the file has none, logout deletes it.
    let home = tempfile::tempdir().expect("home");
    let env = script_env(home.path(), &sim);
    let (code, out) = in_keyring_session(
        home.path(),
        &env,
        r#"$INNBOKS $PLACE login --method device
$INNBOKS $PLACE status --json > status.json
cp "$XDG_DATA_HOME/innboks/session-local.json" session.json
$INNBOKS $PLACE list --json --limit 3 > list.json
$INNBOKS $PLACE logout
$INNBOKS $PLACE status --json > after.json || true
"#,
    );
    assert_eq!(code, 0, "{out}");
    let status = json_file(&home.path().join("status.json"));
    assert_eq!(status["store"], "keyring", "{status}");
    let file = json_file(&home.path().join("session.json"));
    assert_eq!(file["token_in"], "keyring");
    assert_eq!(file["refresh_token"], "", "no token in the file");
    let list = json_file(&home.path().join("list.json"));
    assert_eq!(list.as_array().map(Vec::len), Some(3), "the session works");
    assert_eq!(
        json_file(&home.path().join("after.json"))["logged_in"],
        false
    );

    // Without one: the file keeps it; then, with a keyring, the next refresh moves it there
    // and the session goes on.
    let home = tempfile::tempdir().expect("home");
    let env = script_env(home.path(), &sim);
    let place: Vec<String> = env
        .iter()
        .find(|(k, _)| k == "PLACE")
        .map(|(_, v)| v.split(' ').map(str::to_owned).collect())
        .expect("place");
    let outside = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_innboks"))
            .args(&place)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("XDG_RUNTIME_DIR", home.path().join("no-bus"))
            .output()
            .expect("innboks")
    };
    let login = outside(&["login", "--method", "device"]);
    assert!(login.status.success(), "{login:?}");
    let status = outside(&["status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("status JSON");
    assert_eq!(status["store"], "file", "{status}");
    let (code, out) = in_keyring_session(
        home.path(),
        &env,
        r#"$INNBOKS $PLACE list --json --limit 2 > list.json
$INNBOKS $PLACE status --json > status.json
"#,
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        json_file(&home.path().join("list.json"))
            .as_array()
            .map(Vec::len),
        Some(2),
        "the session made without a keyring goes on"
    );
    assert_eq!(
        json_file(&home.path().join("status.json"))["store"],
        "keyring"
    );

    // Logging out where the keyring holding the token does not answer still deletes the
    // session here (and says it could not be revoked).
    let logout = outside(&["logout"]);
    assert_eq!(logout.status.code(), Some(5), "{logout:?}");
    let status = outside(&["status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("status JSON");
    assert_eq!(status["logged_in"], false, "{status}");
}
