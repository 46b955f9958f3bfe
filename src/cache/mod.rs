//! The local cache: message headers and fetched bodies in SQLite under the XDG cache dir
//! (directory 0700, file 0600), kept per environment, user, inbox and folder. The inbox is
//! drawn from it at once at start and then brought up to date from the server. The schema
//! is versioned; an old, foreign or corrupt file is deleted and built again, never a crash.
//! Blocking: call it from a blocking task, never from the UI thread.

mod desk;
mod fulltext;

pub use crate::domain::DeskScope;
pub use desk::{DeskQuery, GroupMark};

use crate::i18n::tr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

pub use crate::domain::{CachedList, Scope};
use crate::domain::{
    Message, MessageKind, MessageStatus, MessageSummary, Name, Names, Party, PartyKind, Stamp,
    Text, TextBuffer,
};

/// The row strings go into SQLite as text and come out as text.
macro_rules! sql_text {
    ($name:ident) => {
        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                value.as_str().map($name::from)
            }
        }
    };
}

sql_text!(Text);
sql_text!(Name);

/// The schema's version, kept in SQLite's `user_version`. A file with another version is
/// rebuilt.
pub const SCHEMA_VERSION: i64 = 1;

/// The cache file's name in [`crate::paths::cache_dir`].
const FILE_NAME: &str = "cache.sqlite3";

/// What can go wrong with the cache (the app then goes on without it).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// SQLite said no.
    #[error("{}", tr!("hurtigbufferen: {error}", error = .0))]
    Sqlite(#[from] rusqlite::Error),
    /// The file or its directory.
    #[error("{}", tr!("hurtigbufferen: {error}", error = .0))]
    Io(#[from] std::io::Error),
    /// A file that is not ours or of another schema version.
    #[error("{}", tr!("hurtigbufferen har feil format (versjon {version})", version = .0))]
    Version(i64),
}

/// A part of a list being read: its rows, and where their id and subject are in the
/// part's text buffer. The buffers are kept from part to part (a part of a million-row list
/// leaves no memory behind); only the rows handed over are new.
struct PartRows {
    texts: TextBuffer,
    rows: Vec<MessageSummary>,
    places: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

impl PartRows {
    /// Room for `rows` rows, so a part is not copied as it grows.
    fn with_room(rows: usize) -> Self {
        let rows = rows.min(65_536);
        Self {
            texts: TextBuffer::with_capacity(rows * 64),
            rows: Vec::with_capacity(rows),
            places: Vec::with_capacity(rows),
        }
    }

    /// Rows so far.
    fn len(&self) -> usize {
        self.rows.len()
    }

    /// The rows, their ids and subjects slices of one shared buffer; room is made for
    /// `next` rows of the next part.
    fn hand_over(&mut self, next: usize) -> Vec<MessageSummary> {
        let shared = self.texts.share();
        let mut rows = std::mem::replace(&mut self.rows, Vec::with_capacity(next.min(65_536)));
        for (row, (id, subject)) in rows.iter_mut().zip(self.places.drain(..)) {
            row.id = Text::slice(&shared, id).unwrap_or_default();
            row.subject = Text::slice(&shared, subject).unwrap_or_default();
        }
        rows
    }
}

/// Column `i` of `row` as text (an error for another type; empty for NULL).
fn text_at<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    Ok(row.get_ref(i)?.as_str_or_null()?.unwrap_or_default())
}

/// The row key of a scope.
fn scope_key(scope: &Scope) -> String {
    format!(
        "{}|{}|{}|{}",
        scope.env,
        scope.user,
        scope.inbox.key(),
        scope.folder.label()
    )
}

/// An open cache file.
#[derive(Debug)]
pub struct Cache {
    conn: Connection,
    path: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS lists (
    scope TEXT PRIMARY KEY,
    complete INTEGER NOT NULL DEFAULT 0,
    synced_at INTEGER
);
CREATE TABLE IF NOT EXISTS messages (
    scope TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    marked_unread INTEGER NOT NULL,
    service_owner TEXT NOT NULL,
    message_sender TEXT,
    kind TEXT NOT NULL,
    created INTEGER,
    last_changed INTEGER,
    due INTEGER,
    attachment_count INTEGER,
    requires_confirmation INTEGER NOT NULL,
    owner TEXT,
    PRIMARY KEY (scope, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bodies (
    scope TEXT NOT NULL,
    id TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (scope, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS users (
    env TEXT PRIMARY KEY,
    user TEXT NOT NULL
);
";

/// Tables and indexes added after version 1 without changing what the others hold: made in
/// place, so an older file keeps its lists. The index gives the newest rows of a list at
/// once, for the first frame.
const ADDED: &str = "
CREATE INDEX IF NOT EXISTS messages_newest ON messages (scope, last_changed DESC, seq);
CREATE TABLE IF NOT EXISTS reconciled (
    scope TEXT PRIMARY KEY,
    at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS parties (
    env TEXT NOT NULL,
    user TEXT NOT NULL,
    position INTEGER NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    organisation_number TEXT,
    PRIMARY KEY (env, user, position)
) WITHOUT ROWID;
";

impl Cache {
    /// The default file: `~/.cache/innboks/cache.sqlite3`.
    pub fn default_path() -> Option<PathBuf> {
        crate::paths::cache_dir().map(|d| d.join(FILE_NAME))
    }

    /// Opens (or creates) the cache at `path`. A file that cannot be used (corrupt, another
    /// version, not SQLite) is deleted and made again.
    pub fn open(path: &Path) -> Result<Self, CacheError> {
        if let Some(dir) = path.parent() {
            crate::paths::create_private_dir(dir)?;
        }
        match Self::try_open(path) {
            Ok(cache) => Ok(cache),
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "cache unusable, rebuilding it");
                remove_files(path)?;
                Self::try_open(path)
            }
        }
    }

    fn try_open(path: &Path) -> Result<Self, CacheError> {
        if !path.exists() {
            // Made by us first, so SQLite (and its journal, which copies the mode) keep 0600.
            drop(crate::paths::create_private_truncate(path)?);
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        conn.pragma_update(None, "journal_mode", "TRUNCATE")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let has_tables: bool = conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table'",
            [],
            |row| row.get(0),
        )?;
        match (version, has_tables) {
            (v, _) if v == SCHEMA_VERSION => {}
            (0, false) => {
                conn.execute_batch(SCHEMA)?;
                conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            }
            (other, _) => return Err(CacheError::Version(other)),
        }
        conn.execute_batch(ADDED)?;
        conn.execute_batch(desk::DESK_SCHEMA)?;
        fulltext::ensure(&conn)?;
        // A quick check that the pages are readable; a corrupt file fails here or above.
        conn.query_row("SELECT count(*) FROM lists", [], |row| row.get::<_, i64>(0))?;
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// The file at `path` opened only to read, for a status line every few seconds: no
    /// write, no lock taken, no schema made. `None` when it is not (yet) a cache of this
    /// version with the desk's indexes: then [`Cache::open`] makes it one.
    pub fn open_to_read(path: &Path) -> Result<Option<Self>, CacheError> {
        if !path.exists() {
            return Ok(None);
        }
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let indexes: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN
                 ('desk_due', 'desk_overdue', 'desk_attention', 'desk_unread', 'desk_expires',
                  'desk_board')",
            [],
            |row| row.get(0),
        )?;
        if version != SCHEMA_VERSION || indexes != 6 {
            return Ok(None);
        }
        Ok(Some(Self {
            conn,
            path: path.to_owned(),
        }))
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Deletes the cache file at `path` (and its journal). True when there was one.
    pub fn clear(path: &Path) -> std::io::Result<bool> {
        let existed = path.exists();
        remove_files(path)?;
        Ok(existed)
    }

    /// The scope's cached list (empty when there is none).
    pub fn load(&self, scope: &Scope) -> Result<CachedList, CacheError> {
        let mut whole = CachedList::default();
        self.load_in_parts(scope, usize::MAX, usize::MAX, |part, _| {
            whole.complete = part.complete;
            whole.synced_at = part.synced_at;
            whole.reconciled_at = part.reconciled_at;
            whole.messages.extend(part.messages);
        })?;
        Ok(whole)
    }

    /// The scope's cached list, newest first, handed to `each` in parts as one ordered
    /// query reads it (`more`: another part follows): the first `head` rows (a screen's
    /// worth, read from the index at once, so the first frame waits for nothing else), then
    /// parts of `part` rows, so the whole list never sits in memory twice. One query, so a
    /// write waits for it and no row is seen twice. A scope never written is one empty part.
    pub fn load_in_parts(
        &self,
        scope: &Scope,
        head: usize,
        part: usize,
        mut each: impl FnMut(CachedList, bool),
    ) -> Result<(), CacheError> {
        let key = scope_key(scope);
        let meta: Option<(bool, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT complete, synced_at FROM lists WHERE scope = ?1",
                [&key],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((complete, synced_at)) = meta else {
            each(CachedList::default(), false);
            return Ok(());
        };
        let reconciled_at: Option<i64> = self
            .conn
            .query_row(
                "SELECT at FROM reconciled WHERE scope = ?1",
                [&key],
                |row| row.get(0),
            )
            .optional()?;
        let mut statement = self.conn.prepare_cached(
            "SELECT id, seq, subject, status, marked_unread, service_owner, message_sender, kind,
                    created, last_changed, due, attachment_count, requires_confirmation, owner
             FROM messages WHERE scope = ?1 ORDER BY last_changed DESC, seq ASC",
        )?;
        let part_of = |messages, total| CachedList {
            messages,
            complete,
            synced_at,
            reconciled_at,
            total,
        };
        // A part's ids and subjects go into one shared buffer and its senders and parties
        // are shared names: a row costs what it holds, not an allocation a string.
        let mut names = Names::default();
        let mut size = head.max(1);
        let mut part_rows = PartRows::with_room(size);
        let mut parts_sent = 0;
        let mut rows = statement.query([&key])?;
        while let Some(row) = rows.next()? {
            let id = part_rows.texts.push(text_at(row, 0)?);
            let subject = part_rows.texts.push(text_at(row, 2)?);
            let mut name_at = |i| -> rusqlite::Result<Option<Name>> {
                Ok(row.get_ref(i)?.as_str_or_null()?.map(|t| names.get(t)))
            };
            let summary = MessageSummary {
                id: Text::default(),
                seq: seq_from_db(row.get(1)?),
                subject: Text::default(),
                status: status_from_db(text_at(row, 3)?),
                marked_unread: row.get(4)?,
                service_owner: name_at(5)?.unwrap_or_default(),
                message_sender: name_at(6)?,
                kind: MessageKind::from_text(text_at(row, 7)?),
                created: stamp_from_db(row.get(8)?),
                last_changed: stamp_from_db(row.get(9)?),
                due: stamp_from_db(row.get(10)?),
                attachment_count: row
                    .get::<_, Option<i64>>(11)?
                    .and_then(|n| usize::try_from(n).ok())
                    .map(MessageSummary::attachment_count_of),
                requires_confirmation: row.get(12)?,
                owner: name_at(13)?,
            };
            part_rows.rows.push(summary);
            part_rows.places.push((id, subject));
            if part_rows.len() >= size {
                // The first part (a screen) goes at once; the second says how long the list
                // is.
                let total = match parts_sent {
                    1 => Some(self.count_rows(&key)?),
                    _ => None,
                };
                parts_sent += 1;
                size = part.max(1);
                each(part_of(part_rows.hand_over(size), total), true);
            }
        }
        each(part_of(part_rows.hand_over(0), None), false);
        Ok(())
    }

    /// How many rows the list of scope key `key` holds.
    fn count_rows(&self, key: &str) -> Result<usize, CacheError> {
        let count: i64 = self.conn.query_row(
            "SELECT count(*) FROM messages WHERE scope = ?1",
            [key],
            |row| row.get(0),
        )?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Writes what a sync step learned: messages added or changed, ids gone, and whether the
    /// list is now known to its end. One transaction.
    pub fn write(
        &mut self,
        scope: &Scope,
        upsert: &[MessageSummary],
        remove: &[String],
        complete: Option<bool>,
    ) -> Result<(), CacheError> {
        let key = scope_key(scope);
        let now = Utc::now().timestamp();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO lists (scope, complete, synced_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(scope) DO UPDATE SET synced_at = ?3,
                 complete = coalesce(?4, complete)",
            params![key, complete.unwrap_or(false), now, complete],
        )?;
        {
            // An attachment count only a preview told (Altinn 2's list has none) is kept when
            // the row comes again without one.
            let mut insert = tx.prepare_cached(
                "INSERT INTO messages (scope, id, seq, subject, status, marked_unread,
                     service_owner, message_sender, kind, created, last_changed, due,
                     attachment_count, requires_confirmation, owner)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                 ON CONFLICT(scope, id) DO UPDATE SET seq = excluded.seq,
                     subject = excluded.subject, status = excluded.status,
                     marked_unread = excluded.marked_unread,
                     service_owner = excluded.service_owner,
                     message_sender = excluded.message_sender, kind = excluded.kind,
                     created = excluded.created, last_changed = excluded.last_changed,
                     due = excluded.due,
                     attachment_count = coalesce(excluded.attachment_count, attachment_count),
                     requires_confirmation = excluded.requires_confirmation,
                     owner = excluded.owner",
            )?;
            for m in upsert {
                insert.execute(params![
                    key,
                    m.id,
                    m.seq,
                    m.subject,
                    status_to_db(&m.status),
                    m.marked_unread,
                    m.service_owner,
                    m.message_sender,
                    m.kind.label(),
                    stamp_to_db(m.created),
                    stamp_to_db(m.last_changed),
                    stamp_to_db(m.due),
                    m.attachment_count.map(i64::from),
                    m.requires_confirmation,
                    m.owner,
                ])?;
            }
            let mut delete =
                tx.prepare_cached("DELETE FROM messages WHERE scope = ?1 AND id = ?2")?;
            for id in remove {
                delete.execute(params![key, id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Notes that a first page from the server has just reconciled the scope's list.
    pub fn mark_reconciled(&mut self, scope: &Scope) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO reconciled (scope, at) VALUES (?1, ?2)",
            params![scope_key(scope), Utc::now().timestamp()],
        )?;
        Ok(())
    }

    /// Keeps a fetched message's body (bodies do not change; their headers come with the list).
    pub fn store_body(&mut self, scope: &Scope, message: &Message) -> Result<(), CacheError> {
        let json = serde_json::to_string(message).unwrap_or_default();
        let key = scope_key(scope);
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO bodies (scope, id, message) VALUES (?1, ?2, ?3)",
            params![key, message.summary.id, json],
        )?;
        fulltext::index(&tx, &key, message)?;
        tx.commit()?;
        Ok(())
    }

    /// A cached body, when there is one (and it still parses).
    pub fn body(&self, scope: &Scope, id: &str) -> Result<Option<Message>, CacheError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT message FROM bodies WHERE scope = ?1 AND id = ?2",
                params![scope_key(scope), id],
                |row| row.get(0),
            )
            .optional()?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Every body kept for `user` in `env`, whatever the list it was opened from, as the
    /// JSON it is kept as, by message id (an export takes what is there without a request).
    pub fn bodies_of(
        &self,
        env: &str,
        user: &str,
    ) -> Result<std::collections::HashMap<String, String>, CacheError> {
        // The scopes of one user are the keys from `env|user|` up to (not with) `env|user}`.
        let from = format!("{env}|{user}|");
        let to = format!("{env}|{user}}}");
        let mut select = self
            .conn
            .prepare_cached("SELECT id, message FROM bodies WHERE scope >= ?1 AND scope < ?2")?;
        let rows = select.query_map(params![from, to], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut bodies = std::collections::HashMap::new();
        for row in rows {
            let (id, message) = row?;
            bodies.insert(id, message);
        }
        Ok(bodies)
    }

    /// The parties `user` could act for in `env` when last asked, in the server's order
    /// (empty when never asked).
    pub fn parties(&self, env: &str, user: &str) -> Result<Vec<Party>, CacheError> {
        let mut select = self.conn.prepare_cached(
            "SELECT id, name, kind, organisation_number FROM parties
             WHERE env = ?1 AND user = ?2 ORDER BY position",
        )?;
        let rows = select.query_map(params![env, user], |row| {
            Ok(Party {
                id: row.get(0)?,
                name: row.get(1)?,
                kind: kind_from_db(&row.get::<_, String>(2)?),
                organisation_number: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Keeps the parties the server just gave, in place of those kept before. One
    /// transaction.
    pub fn set_parties(
        &mut self,
        env: &str,
        user: &str,
        parties: &[Party],
    ) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM parties WHERE env = ?1 AND user = ?2",
            params![env, user],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO parties (env, user, position, id, name, kind, organisation_number)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (position, party) in parties.iter().enumerate() {
                insert.execute(params![
                    env,
                    user,
                    i64::try_from(position).unwrap_or(i64::MAX),
                    party.id,
                    party.name,
                    kind_to_db(&party.kind),
                    party.organisation_number,
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Remembers who used `env` last (for `--offline`).
    pub fn set_last_user(&mut self, env: &str, user: &str) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO users (env, user) VALUES (?1, ?2)",
            params![env, user],
        )?;
        Ok(())
    }

    /// Who used `env` last.
    pub fn last_user(&self, env: &str) -> Result<Option<String>, CacheError> {
        Ok(self
            .conn
            .query_row("SELECT user FROM users WHERE env = ?1", [env], |row| {
                row.get(0)
            })
            .optional()?)
    }
}

fn remove_files(path: &Path) -> std::io::Result<()> {
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    for file in [path.to_path_buf(), PathBuf::from(journal)] {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn time_to_db(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_millis())
}

fn time_from_db(t: Option<i64>) -> Option<DateTime<Utc>> {
    t.and_then(DateTime::from_timestamp_millis)
}

/// A row's place as the cache keeps it (an older cache's wider number is held at the ends).
fn seq_from_db(seq: i64) -> i32 {
    i32::try_from(seq).unwrap_or(if seq < 0 { i32::MIN } else { i32::MAX })
}

/// A row's date as the cache keeps it: milliseconds since 1970.
fn stamp_to_db(t: Option<Stamp>) -> Option<i64> {
    t.map(Stamp::millis)
}

fn stamp_from_db(t: Option<i64>) -> Option<Stamp> {
    t.and_then(Stamp::from_millis)
}

fn kind_to_db(kind: &PartyKind) -> &str {
    match kind {
        PartyKind::Person => "person",
        PartyKind::Organisation => "organisation",
        PartyKind::SubUnit => "subunit",
        PartyKind::Other(raw) => raw,
    }
}

fn kind_from_db(text: &str) -> PartyKind {
    match text {
        "person" => PartyKind::Person,
        "organisation" => PartyKind::Organisation,
        "subunit" => PartyKind::SubUnit,
        raw => PartyKind::Other(raw.to_owned()),
    }
}

fn status_to_db(status: &MessageStatus) -> String {
    match status {
        MessageStatus::Unread => "unread".into(),
        MessageStatus::Read => "read".into(),
        MessageStatus::Filling => "filling".into(),
        MessageStatus::Signing => "signing".into(),
        MessageStatus::SentAndArchived => "sent-and-archived".into(),
        MessageStatus::Archived => "archived".into(),
        MessageStatus::Deleted => "deleted".into(),
        MessageStatus::Other(text) => format!("other:{text}"),
    }
}

fn status_from_db(text: &str) -> MessageStatus {
    match text {
        "unread" => MessageStatus::Unread,
        "read" => MessageStatus::Read,
        "filling" => MessageStatus::Filling,
        "signing" => MessageStatus::Signing,
        "sent-and-archived" => MessageStatus::SentAndArchived,
        "archived" => MessageStatus::Archived,
        "deleted" => MessageStatus::Deleted,
        other => MessageStatus::Other(other.strip_prefix("other:").unwrap_or(other).into()),
    }
}

/// A job for the cache thread.
type Job = Box<dyn FnOnce(&mut Cache) + Send>;

/// The cache on a thread of its own: jobs run one at a time, in the order sent, so the
/// async tasks and the UI never block on the disk. Cloning shares the thread; it ends when
/// the last handle is dropped.
#[derive(Debug, Clone)]
pub struct CacheHandle {
    jobs: std::sync::mpsc::Sender<Job>,
}

impl CacheHandle {
    /// Moves `cache` onto its thread.
    pub fn start(mut cache: Cache) -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("innboks-cache".into())
            .spawn(move || {
                while let Ok(job) = queue.recv() {
                    job(&mut cache);
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "no cache thread; going on without the cache");
        }
        Self { jobs }
    }

    /// Runs `job` on the cache thread, not waiting for it.
    pub fn run(&self, job: impl FnOnce(&mut Cache) + Send + 'static) {
        let _ = self.jobs.send(Box::new(job));
    }

    /// Waits until every job sent so far has run.
    pub async fn flush(&self) {
        let _ = self.ask(|_| ()).await;
    }

    /// Runs `job` on the cache thread and waits (asynchronously) for its answer; `None`
    /// when the thread is gone.
    pub async fn ask<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Cache) -> T + Send + 'static,
    ) -> Option<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.run(move |cache| {
            let _ = tx.send(job(cache));
        });
        rx.await.ok()
    }
}
