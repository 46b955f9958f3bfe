//! The real binary as a user runs it from the shell: a private HOME, pointed at a
//! simulator's Altinn 3 face, stdin closed (for `cli_desk` and `cli_export`).

use std::process::{Command, Stdio};

use innboks::sim::Simulator;
use serde_json::Value;

/// The real binary with a private HOME, pointed at a simulator's Altinn 3 face.
pub struct Cli {
    pub home: tempfile::TempDir,
    pub base: String,
    pub issuer: String,
}

impl Cli {
    pub fn new(sim: &Simulator) -> Self {
        Self {
            home: tempfile::tempdir().expect("home"),
            base: sim.base_url(),
            issuer: sim.issuer(),
        }
    }

    /// A new one, logged in with the device flow (the simulator approves).
    pub async fn logged_in(sim: &Simulator) -> Self {
        let cli = Self::new(sim);
        cli.login().await;
        cli
    }

    /// `innboks` with the environment's flags, then `args`, in the private HOME.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_innboks"));
        command
            .envs(super::home_env(self.home.path()))
            .args(["--env", "local", "--api", "altinn3"])
            .args(["--altinn-url", &self.base, "--issuer", &self.issuer])
            .args(["--client-id", "innboks"])
            .args(args)
            // (A developer's own keyring is not for tests.)
            .env("INNBOKS_KEYRING", "off")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("INNBOKS_API_KEY");
        command
    }

    /// Runs to the end with no terminal: (exit code, stdout, stderr).
    pub async fn run(&self, args: &[&str]) -> (i32, String, String) {
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

    /// Runs and reads stdout as JSON, the exit code 0.
    pub async fn json(&self, args: &[&str]) -> Value {
        let (code, out, err) = self.run(args).await;
        assert_eq!(code, 0, "innboks {args:?}: {out}\n{err}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}\n{err}"))
    }

    pub async fn login(&self) {
        let (code, out, err) = self.run(&["login", "--method", "device"]).await;
        assert_eq!(code, 0, "login: {out}\n{err}");
    }
}
