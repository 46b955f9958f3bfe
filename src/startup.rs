//! `--startuptime FILE`, after vim's: the milliseconds since the process started at which
//! each phase of the start finished, one line each, written as they happen.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// The phases of a start, in the order they usually finish.
pub mod phase {
    /// The config file was read and the environment resolved.
    pub const CONFIG: &str = "config loaded";
    /// The built-in simulator is serving (`innboks demo` only).
    pub const SIMULATOR: &str = "simulator started (demo)";
    /// The local cache was opened (or found disabled).
    pub const CACHE: &str = "cache opened";
    /// The terminal is in raw mode on the alternate screen.
    pub const TERMINAL: &str = "terminal ready";
    /// A session exists: a stored one was resumed, or a login finished (the inbox may be
    /// drawn from the cache before this).
    pub const SESSION: &str = "session ready";
    /// The first frame with messages in the list (from the cache or the server).
    pub const FIRST_INBOX_FRAME: &str = "first inbox frame drawn";
    /// The first frame after a page from the server arrived.
    pub const FIRST_NETWORK_PAGE: &str = "first network page drawn";
}

/// Records the phases; does nothing without a file.
#[derive(Debug)]
pub struct StartupTimes {
    started: Instant,
    file: Option<std::fs::File>,
    done: Vec<&'static str>,
}

impl StartupTimes {
    /// Times from `started` into `path` (created or truncated), or nowhere.
    pub fn new(started: Instant, path: Option<&Path>) -> std::io::Result<Self> {
        let file = match path {
            Some(path) => {
                let mut file = std::fs::File::create(path)?;
                writeln!(file, "times in msec since the process started")?;
                Some(file)
            }
            None => None,
        };
        Ok(Self {
            started,
            file,
            done: Vec::new(),
        })
    }

    /// Notes that `phase` finished now; later calls for the same phase are ignored.
    pub fn mark(&mut self, phase: &'static str) {
        if self.file.is_none() || self.done.contains(&phase) {
            return;
        }
        self.done.push(phase);
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        if let Some(file) = &mut self.file {
            let _ = writeln!(file, "{ms:10.3}  {phase}");
            let _ = file.flush();
        }
    }

    /// True once `phase` was noted.
    pub fn has(&self, phase: &str) -> bool {
        self.done.contains(&phase)
    }
}
