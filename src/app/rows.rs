//! The list's rows, shared read-only with a search running off the event loop.
//!
//! A search takes a [`RowsSnapshot`] (an `Arc` clone: O(1) at any size) instead of copying
//! 100,000 rows. Reading goes through `Deref` as to a `Vec`; writing through `DerefMut`,
//! which first tells a search still reading to stop (it checks every few hundred rows, so it
//! lets go within microseconds) and then changes the rows in place. Only a snapshot that is
//! not reading (one a test keeps, or a clone of the app) makes a write copy the rows.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::domain::MessageSummary;

/// How long a write waits for a search to let go of the rows before it copies them
/// instead. A search lets go within microseconds; this bounds the case where its task
/// was never started (a test that keeps the effect).
const LET_GO_WITHIN: Duration = Duration::from_millis(5);

/// Versions are unique over every list of the process, so a search's answer is never
/// taken for another list's rows.
static VERSIONS: AtomicU64 = AtomicU64::new(1);

fn next_version() -> u64 {
    VERSIONS.fetch_add(1, Ordering::Relaxed)
}

/// What the loop and the searches reading its rows share.
#[derive(Debug, Default)]
struct Readers {
    /// Set while a write waits: every reader stops at its next check.
    stop: AtomicBool,
    /// Snapshots alive (each holds the rows).
    holding: AtomicUsize,
    /// The newest search's number: an older one stops at its next check.
    newest: AtomicU64,
}

/// The loaded rows of the list; a `Vec` to read and to write.
#[derive(Debug)]
pub struct SharedRows {
    rows: Arc<Vec<MessageSummary>>,
    readers: Arc<Readers>,
    /// Bumped by every write: a search's hits are for the rows of one version.
    version: u64,
}

impl Default for SharedRows {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl SharedRows {
    /// Puts `rows` in place of the rows (a search still reading keeps the old ones).
    pub fn set(&mut self, rows: Vec<MessageSummary>) {
        self.rows = Arc::new(rows);
        self.version = next_version();
    }

    /// Takes the rows out, leaving none (a search reading them is told to let go first).
    pub fn take(&mut self) -> Vec<MessageSummary> {
        self.let_go();
        self.version = next_version();
        let rows = std::mem::take(&mut self.rows);
        Arc::try_unwrap(rows).unwrap_or_else(|shared| shared.as_ref().clone())
    }

    /// Tells the searches reading the rows to stop, and waits (briefly) until they have.
    fn let_go(&mut self) {
        if Arc::get_mut(&mut self.rows).is_some() {
            return;
        }
        self.readers.stop.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + LET_GO_WITHIN;
        while self.readers.holding.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::yield_now();
        }
        self.readers.stop.store(false, Ordering::SeqCst);
    }

    /// Which state of the rows this is (changes with every write).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The rows as they are now, for search number `search` to read elsewhere; an older
    /// search still reading is told to stop.
    pub fn snapshot(&self, search: u64) -> RowsSnapshot {
        self.readers.newest.store(search, Ordering::SeqCst);
        self.readers.holding.fetch_add(1, Ordering::SeqCst);
        RowsSnapshot {
            rows: Some(self.rows.clone()),
            readers: self.readers.clone(),
            version: self.version,
            search,
        }
    }
}

impl From<Vec<MessageSummary>> for SharedRows {
    fn from(rows: Vec<MessageSummary>) -> Self {
        Self {
            rows: Arc::new(rows),
            readers: Arc::default(),
            version: next_version(),
        }
    }
}

impl Clone for SharedRows {
    /// A clone shares nothing with a search: its own readers, the same rows until written.
    fn clone(&self) -> Self {
        Self {
            rows: self.rows.clone(),
            readers: Arc::default(),
            version: self.version,
        }
    }
}

impl PartialEq for SharedRows {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

impl Deref for SharedRows {
    type Target = Vec<MessageSummary>;

    fn deref(&self) -> &Vec<MessageSummary> {
        &self.rows
    }
}

impl<'a> IntoIterator for &'a SharedRows {
    type Item = &'a MessageSummary;
    type IntoIter = std::slice::Iter<'a, MessageSummary>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows.iter()
    }
}

impl DerefMut for SharedRows {
    fn deref_mut(&mut self) -> &mut Vec<MessageSummary> {
        self.let_go();
        self.version = next_version();
        Arc::make_mut(&mut self.rows)
    }
}

/// The rows as one search reads them, off the loop.
#[derive(Debug)]
pub struct RowsSnapshot {
    rows: Option<Arc<Vec<MessageSummary>>>,
    readers: Arc<Readers>,
    version: u64,
    search: u64,
}

impl RowsSnapshot {
    /// The rows (empty once let go).
    pub fn rows(&self) -> &[MessageSummary] {
        self.rows.as_deref().map_or(&[], Vec::as_slice)
    }

    /// The version of the rows it holds.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The loop wants to write, or a newer search started: stop reading.
    pub fn should_stop(&self) -> bool {
        self.readers.stop.load(Ordering::Relaxed)
            || self.readers.newest.load(Ordering::Relaxed) != self.search
    }
}

impl Clone for RowsSnapshot {
    fn clone(&self) -> Self {
        self.readers.holding.fetch_add(1, Ordering::SeqCst);
        Self {
            rows: self.rows.clone(),
            readers: self.readers.clone(),
            version: self.version,
            search: self.search,
        }
    }
}

impl PartialEq for RowsSnapshot {
    /// The same search over the same version of the rows.
    fn eq(&self, other: &Self) -> bool {
        self.search == other.search && self.version == other.version
    }
}

impl Drop for RowsSnapshot {
    fn drop(&mut self) {
        // The rows first, then the count the loop waits on.
        self.rows.take();
        self.readers.holding.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MessageKind, MessageStatus};

    fn row(id: &str) -> MessageSummary {
        MessageSummary {
            id: id.into(),
            subject: String::new().into(),
            status: MessageStatus::Read,
            marked_unread: false,
            service_owner: String::new().into(),
            message_sender: None,
            kind: MessageKind::Correspondence,
            created: None,
            last_changed: None,
            due: None,
            attachment_count: None,
            requires_confirmation: false,
            owner: None,
            seq: 0,
        }
    }

    #[test]
    fn a_write_stops_the_reader_and_the_snapshot_keeps_its_rows() {
        let mut rows = SharedRows::from(vec![row("a1"), row("a2")]);
        let snapshot = rows.snapshot(1);
        assert!(!snapshot.should_stop());
        assert_eq!(snapshot.version(), rows.version());
        let newer = rows.snapshot(2);
        assert!(snapshot.should_stop(), "a newer search stops the older");
        drop(newer);
        rows.push(row("a3"));
        assert_eq!(rows.len(), 3);
        assert_eq!(snapshot.rows().len(), 2, "the reader's rows did not change");
        assert_ne!(snapshot.version(), rows.version());
        drop(snapshot);
        // With nobody reading, a write is in place.
        let before = rows.as_ptr();
        rows[0].subject = "x".into();
        assert_eq!(before, rows.as_ptr());
    }

    #[test]
    fn a_reader_on_another_thread_lets_go_when_the_loop_writes() {
        let mut rows =
            SharedRows::from((0..1000).map(|i| row(&format!("a{i}"))).collect::<Vec<_>>());
        let snapshot = rows.snapshot(1);
        let reader = std::thread::spawn(move || {
            while !snapshot.should_stop() {
                std::thread::yield_now();
            }
            drop(snapshot);
        });
        rows.push(row("new"));
        reader.join().expect("reader");
        assert_eq!(rows.len(), 1001);
        assert_eq!(rows[1000].id, "new");
    }
}
