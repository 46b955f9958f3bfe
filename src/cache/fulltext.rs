//! The cache's full-text index over every body it holds (SQLite FTS5), so `/` finds words
//! inside letters already read, offline. Kept beside `bodies`: a body stored is indexed in
//! the same call; a cache made before the index gets it, from its bodies, when first opened.

use std::collections::HashSet;

use rusqlite::{params, Connection};

use super::{Cache, CacheError};
use crate::domain::Message;

/// `unicode61` folds case and diacritics (å as a, é as e), so a query typed either way finds
/// the word; ø and æ are letters of their own and stay.
const INDEX: &str = "CREATE VIRTUAL TABLE bodies_text USING fts5(
    scope UNINDEXED, id UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2'
);";

/// Makes the index when the file has none, from the bodies already kept.
pub(super) fn ensure(conn: &Connection) -> Result<(), CacheError> {
    let exists: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'bodies_text'",
        [],
        |row| row.get(0),
    )?;
    if exists {
        return Ok(());
    }
    conn.execute_batch(INDEX)?;
    let mut select = conn.prepare("SELECT scope, id, message FROM bodies")?;
    let rows = select.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    let mut insert =
        conn.prepare("INSERT INTO bodies_text (scope, id, text) VALUES (?1, ?2, ?3)")?;
    for row in rows {
        let (scope, id, json) = row?;
        // A body that no longer parses is not searched (as it is not shown).
        if let Ok(message) = serde_json::from_str::<Message>(&json) {
            insert.execute(params![scope, id, message.searchable_text()])?;
        }
    }
    Ok(())
}

/// Indexes a body just kept under `scope` (replacing what it had).
pub(super) fn index(conn: &Connection, scope: &str, message: &Message) -> Result<(), CacheError> {
    let id = &message.summary.id;
    conn.execute(
        "DELETE FROM bodies_text WHERE scope = ?1 AND id = ?2",
        params![scope, id],
    )?;
    conn.execute(
        "INSERT INTO bodies_text (scope, id, text) VALUES (?1, ?2, ?3)",
        params![scope, id, message.searchable_text()],
    )?;
    Ok(())
}

impl Cache {
    /// The ids of the messages whose kept body has every one of `words` (each as the start
    /// of a word), in any list. Empty for no words.
    pub fn search_bodies(&self, words: &[String]) -> Result<HashSet<String>, CacheError> {
        if words.is_empty() {
            return Ok(HashSet::new());
        }
        // Each word quoted (a quote in it doubled), as a prefix: no FTS syntax gets through.
        let query = words
            .iter()
            .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ");
        let mut select = self
            .conn
            .prepare_cached("SELECT DISTINCT id FROM bodies_text WHERE bodies_text MATCH ?1")?;
        let ids = select.query_map(params![query], |row| row.get::<_, String>(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }
}
