//! Expected conditions that end the program: the user's to fix (no cache yet for
//! `--offline`, no terminal for the inbox, no home directory), said in one plain line — or
//! as `{"code", "message"}` with `--json` — with a documented exit code. Reports with
//! backtraces are for bugs only.

use crate::i18n::tr;

/// An expected condition, with its stable code for scripts and its exit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Expected {
    /// What happened and what to do, in one line.
    pub message: String,
    /// The stable code (`offline`, `no-terminal`, `local`, `config`).
    pub code: &'static str,
    /// The exit code.
    pub exit: u8,
}

/// Exit code: a usage or configuration problem, or no terminal for the inbox.
pub const EXIT_USAGE: u8 = 2;

/// Exit code: nothing to show offline, or the network or server failed (the commands'
/// too).
pub const EXIT_NETWORK: u8 = 5;

impl Expected {
    /// `--offline` with nothing cached for the environment yet.
    pub fn offline(message: String) -> Self {
        Self {
            message,
            code: "offline",
            exit: EXIT_NETWORK,
        }
    }

    /// The inbox asked for where there is no terminal to draw it in.
    pub fn no_terminal() -> Self {
        Self {
            message: tr!("innboks trenger en terminal for innboksen (inn- eller utdata er ikke en terminal); fra skript: innboks list, show, archive … (se innboks --help)").into(),
            code: "no-terminal",
            exit: EXIT_USAGE,
        }
    }

    /// A value on the command line or in the config that is none of the allowed.
    pub fn usage(message: String) -> Self {
        Self {
            message,
            code: "usage",
            exit: EXIT_USAGE,
        }
    }

    /// A local problem: no home directory, a file that cannot be written.
    pub fn local(message: String) -> Self {
        Self {
            message,
            code: "local",
            exit: 1,
        }
    }

    /// The line to print on stderr: plain, or JSON for `--json`.
    pub fn line(&self, json: bool) -> String {
        if json {
            serde_json::json!({"code": self.code, "message": self.message}).to_string()
        } else {
            format!("innboks: {}", self.message)
        }
    }
}
