//! Progress of long command-line work (`list` of many pages, `attachment save --all`): one
//! line on stderr, rewritten in place and erased at the end — only when stderr is a
//! terminal, and only once the work has taken a moment. Never on stdout, so never in JSON
//! output, and never when stderr is piped.

use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Work shorter than this shows no progress (no flicker for a quick `list`).
const QUIET_FOR: Duration = Duration::from_millis(300);

/// The progress line of one command.
pub(super) struct Progress {
    on: bool,
    started: Instant,
    shown: Cell<bool>,
}

impl Progress {
    /// A progress line, shown if stderr is a terminal.
    pub(super) fn new() -> Self {
        Self {
            on: std::io::stderr().is_terminal(),
            started: Instant::now(),
            shown: Cell::new(false),
        }
    }

    /// Says how far the work has come (`text`: one short line).
    pub(super) fn say(&self, text: &str) {
        if !self.on || self.started.elapsed() < QUIET_FOR {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
        self.shown.set(true);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown.get() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
