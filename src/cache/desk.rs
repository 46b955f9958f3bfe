//! The desk's tables: every party's dialogs as metadata, per environment and user, with the
//! incremental sync's marks per group of parties and the events `watch` has reported. The
//! agenda, the board and the count are SQL over indexed columns, never a walk over rows in
//! memory, so they answer at once over 100,000 dialogs.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::{
    stamp_from_db, stamp_to_db, status_from_db, status_to_db, time_from_db, time_to_db, Cache,
    CacheError,
};
use crate::domain::desk::{BOARD_DUE_DAYS, COUNT_DUE_DAYS, COUNT_EXPIRING_DAYS};
use crate::domain::{
    AgendaGroup, AgendaRow, BoardRow, DeskCounts, DeskEventKind, DeskItem, DeskScope, DeskTouch,
    Folder, MessageKind, MessageSummary, SavedSearch, SearchCounts, SearchParties, Stamp,
};

/// The desk's tables and indexes, made in place beside the others.
pub(super) const DESK_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS desk (
    env TEXT NOT NULL,
    user TEXT NOT NULL,
    id TEXT NOT NULL,
    party TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    marked_unread INTEGER NOT NULL,
    service_owner TEXT NOT NULL,
    message_sender TEXT,
    kind TEXT NOT NULL,
    folder TEXT NOT NULL,
    unread INTEGER NOT NULL,
    requires_attention INTEGER NOT NULL,
    completed INTEGER NOT NULL,
    pending INTEGER NOT NULL,
    requires_confirmation INTEGER NOT NULL,
    attachment_count INTEGER,
    created INTEGER,
    last_changed INTEGER,
    updated INTEGER,
    due INTEGER,
    expires INTEGER,
    PRIMARY KEY (env, user, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS desk_board
    ON desk (env, user, folder, party, unread, requires_attention, pending, completed, due,
             last_changed);
CREATE INDEX IF NOT EXISTS desk_due ON desk (env, user, folder, completed, due);
CREATE INDEX IF NOT EXISTS desk_overdue ON desk (env, user, folder, pending, due);
CREATE INDEX IF NOT EXISTS desk_attention ON desk (env, user, folder, requires_attention);
CREATE INDEX IF NOT EXISTS desk_unread ON desk (env, user, folder, unread);
CREATE INDEX IF NOT EXISTS desk_expires ON desk (env, user, folder, expires);
CREATE TABLE IF NOT EXISTS desk_groups (
    env TEXT NOT NULL,
    user TEXT NOT NULL,
    parties TEXT NOT NULL,
    since INTEGER,
    synced_at INTEGER NOT NULL,
    reconciled_at INTEGER NOT NULL,
    PRIMARY KEY (env, user, parties)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS desk_parties (
    env TEXT NOT NULL,
    user TEXT NOT NULL,
    party TEXT NOT NULL,
    PRIMARY KEY (env, user, party)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS desk_events (
    env TEXT NOT NULL,
    user TEXT NOT NULL,
    id TEXT NOT NULL,
    event TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (env, user, id, event)
) WITHOUT ROWID;
";

/// The columns a desk row is read from, in [`item_from`]'s order.
const COLUMNS: &str = "id, party, subject, status, marked_unread, service_owner, message_sender,
    kind, folder, requires_attention, completed, pending, requires_confirmation,
    attachment_count, created, last_changed, updated, due, expires";

/// Which of the desk's dialogs [`Cache::desk_rows`] gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeskQuery {
    /// Only these parties' (ids); every party's when `None`.
    pub parties: Option<Vec<String>>,
    /// Only this folder's; every folder's when `None`.
    pub folder: Option<Folder>,
    /// Only those changed at or after this.
    pub since: Option<DateTime<Utc>>,
    /// Only those Altinn deletes between now and this many days on: `(now, days)`.
    pub expiring: Option<(DateTime<Utc>, i64)>,
}

/// Where the incremental sync of one group of parties stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupMark {
    /// The newest `updatedAt` seen in the group: the next sync asks for what changed after.
    pub since: Option<DateTime<Utc>>,
    /// When the group was last synced.
    pub synced_at: DateTime<Utc>,
    /// When the group was last read in full (and dialogs gone at Altinn dropped).
    pub reconciled_at: DateTime<Utc>,
}

fn folder_to_db(folder: Folder) -> &'static str {
    match folder {
        Folder::Inbox => "inbox",
        Folder::Archive => "archive",
        Folder::Trash => "trash",
        Folder::Drafts => "drafts",
        Folder::Sent => "sent",
    }
}

fn folder_from_db(text: &str) -> Folder {
    match text {
        "archive" => Folder::Archive,
        "trash" => Folder::Trash,
        "drafts" => Folder::Drafts,
        "sent" => Folder::Sent,
        _ => Folder::Inbox,
    }
}

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn item_from(row: &Row<'_>) -> rusqlite::Result<DeskItem> {
    Ok(DeskItem {
        summary: MessageSummary {
            id: row.get(0)?,
            owner: Some(row.get(1)?),
            subject: row.get(2)?,
            status: status_from_db(&row.get::<_, String>(3)?),
            marked_unread: row.get(4)?,
            service_owner: row.get(5)?,
            message_sender: row.get(6)?,
            kind: MessageKind::from_text(&row.get::<_, String>(7)?),
            requires_confirmation: row.get(12)?,
            attachment_count: row
                .get::<_, Option<i64>>(13)?
                .and_then(|n| usize::try_from(n).ok())
                .map(MessageSummary::attachment_count_of),
            created: stamp_from_db(row.get(14)?),
            last_changed: stamp_from_db(row.get(15)?),
            due: stamp_from_db(row.get(17)?),
            seq: 0,
        },
        folder: folder_from_db(&row.get::<_, String>(8)?),
        requires_attention: row.get(9)?,
        completed: row.get(10)?,
        pending: row.get(11)?,
        updated: time_from_db(row.get(16)?),
        expires: time_from_db(row.get(18)?),
    })
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl Cache {
    /// Writes what a desk sync learned: dialogs added or changed, ids gone. One
    /// transaction.
    pub fn desk_write(
        &mut self,
        scope: &DeskScope,
        upsert: &[DeskItem],
        remove: &[String],
    ) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        {
            // An expiry only an opened dialog told is kept when a search row comes without.
            let mut insert = tx.prepare_cached(
                "INSERT INTO desk (env, user, id, party, subject, status, marked_unread,
                     service_owner, message_sender, kind, folder, unread, requires_attention,
                     completed, pending, requires_confirmation, attachment_count, created,
                     last_changed, updated, due, expires)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                     ?16, ?17, ?18, ?19, ?20, ?21, ?22)
                 ON CONFLICT(env, user, id) DO UPDATE SET party = excluded.party,
                     subject = excluded.subject, status = excluded.status,
                     marked_unread = excluded.marked_unread,
                     service_owner = excluded.service_owner,
                     message_sender = excluded.message_sender, kind = excluded.kind,
                     folder = excluded.folder, unread = excluded.unread,
                     requires_attention = excluded.requires_attention,
                     completed = excluded.completed, pending = excluded.pending,
                     requires_confirmation = excluded.requires_confirmation,
                     attachment_count = excluded.attachment_count,
                     created = excluded.created, last_changed = excluded.last_changed,
                     updated = excluded.updated, due = excluded.due,
                     expires = coalesce(excluded.expires, expires)",
            )?;
            for item in upsert {
                let m = &item.summary;
                insert.execute(params![
                    scope.env,
                    scope.user,
                    m.id,
                    item.party(),
                    m.subject,
                    status_to_db(&m.status),
                    m.marked_unread,
                    m.service_owner,
                    m.message_sender,
                    m.kind.label(),
                    folder_to_db(item.folder),
                    m.is_unread(),
                    item.requires_attention,
                    item.completed,
                    item.pending,
                    m.requires_confirmation,
                    m.attachment_count.map(i64::from),
                    stamp_to_db(m.created),
                    stamp_to_db(m.last_changed),
                    time_to_db(item.updated),
                    stamp_to_db(m.due),
                    time_to_db(item.expires),
                ])?;
            }
            let mut delete =
                tx.prepare_cached("DELETE FROM desk WHERE env = ?1 AND user = ?2 AND id = ?3")?;
            for id in remove {
                delete.execute(params![scope.env, scope.user, id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The kept rows of these ids (those the desk holds).
    pub fn desk_items(
        &self,
        scope: &DeskScope,
        ids: &[String],
    ) -> Result<HashMap<String, DeskItem>, CacheError> {
        let mut select = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM desk WHERE env = ?1 AND user = ?2 AND id = ?3"
        ))?;
        let mut found = HashMap::new();
        for id in ids {
            if let Some(item) = select
                .query_row(params![scope.env, scope.user, id], item_from)
                .optional()?
            {
                found.insert(id.clone(), item);
            }
        }
        Ok(found)
    }

    /// The desk's dialogs an export or `list --expiring` asks for, newest first: in
    /// `folder` (every folder when `None`), changed at or after `since`, deleted by Altinn
    /// within the `expiring` window (`(now, days)`), of `parties` (every one when `None`).
    pub fn desk_rows(
        &self,
        scope: &DeskScope,
        query: &DeskQuery,
    ) -> Result<Vec<DeskItem>, CacheError> {
        let (now, until) = match query.expiring {
            Some((now, days)) => (
                Some(millis(now)),
                Some(millis(now + Duration::days(days.max(0)))),
            ),
            None => (None, None),
        };
        let mut select = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM desk
             WHERE env = ?1 AND user = ?2 AND (?3 IS NULL OR folder = ?3)
               AND (?4 IS NULL OR coalesce(last_changed, updated) >= ?4)
               AND (?5 IS NULL OR (expires >= ?5 AND expires <= ?6))
             ORDER BY last_changed DESC, id"
        ))?;
        let parties: Option<std::collections::HashSet<&str>> =
            (query.parties.as_ref()).map(|p| p.iter().map(String::as_str).collect());
        let rows = select.query_map(
            params![
                scope.env,
                scope.user,
                query.folder.map(folder_to_db),
                query.since.map(millis),
                now,
                until
            ],
            item_from,
        )?;
        let mut out = Vec::new();
        for item in rows {
            let item = item?;
            if parties.as_ref().is_none_or(|p| p.contains(item.party())) {
                out.push(item);
            }
        }
        Ok(out)
    }

    /// The ids the desk holds for these parties (a reconcile drops those Altinn no longer
    /// lists).
    pub fn desk_ids_of(
        &self,
        scope: &DeskScope,
        parties: &[String],
    ) -> Result<Vec<String>, CacheError> {
        let mut select = self
            .conn
            .prepare_cached("SELECT id FROM desk WHERE env = ?1 AND user = ?2 AND party = ?3")?;
        let mut ids = Vec::new();
        for party in parties {
            let rows = select.query_map(params![scope.env, scope.user, party], |row| row.get(0))?;
            for id in rows {
                ids.push(id?);
            }
        }
        Ok(ids)
    }

    /// Where the sync of the group named `parties` (its key) stands.
    pub fn desk_mark(
        &self,
        scope: &DeskScope,
        parties: &str,
    ) -> Result<Option<GroupMark>, CacheError> {
        Ok(self
            .conn
            .query_row(
                "SELECT since, synced_at, reconciled_at FROM desk_groups
                 WHERE env = ?1 AND user = ?2 AND parties = ?3",
                params![scope.env, scope.user, parties],
                |row| {
                    Ok((
                        time_from_db(row.get(0)?),
                        time_from_db(Some(row.get(1)?)),
                        time_from_db(Some(row.get(2)?)),
                    ))
                },
            )
            .optional()?
            .and_then(|(since, synced, reconciled)| {
                Some(GroupMark {
                    since,
                    synced_at: synced?,
                    reconciled_at: reconciled?,
                })
            }))
    }

    /// Keeps where the sync of a group stands.
    pub fn set_desk_mark(
        &mut self,
        scope: &DeskScope,
        parties: &str,
        mark: GroupMark,
    ) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO desk_groups (env, user, parties, since, synced_at,
                 reconciled_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                scope.env,
                scope.user,
                parties,
                time_to_db(mark.since),
                millis(mark.synced_at),
                millis(mark.reconciled_at)
            ],
        )?;
        Ok(())
    }

    /// Drops the marks of groups other than `keys` (those of a grouping no longer in use,
    /// after the parties changed); how many.
    pub fn desk_keep_marks(
        &mut self,
        scope: &DeskScope,
        keys: &[String],
    ) -> Result<usize, CacheError> {
        let tx = self.conn.transaction()?;
        let mut dropped = 0;
        {
            let stale: Vec<String> = {
                let mut select = tx.prepare_cached(
                    "SELECT parties FROM desk_groups WHERE env = ?1 AND user = ?2",
                )?;
                let rows = select.query_map(params![scope.env, scope.user], |row| row.get(0))?;
                rows.collect::<Result<Vec<String>, _>>()?
                    .into_iter()
                    .filter(|key| !keys.contains(key))
                    .collect()
            };
            let mut delete = tx.prepare_cached(
                "DELETE FROM desk_groups WHERE env = ?1 AND user = ?2 AND parties = ?3",
            )?;
            for key in stale {
                dropped += delete.execute(params![scope.env, scope.user, key])?;
            }
        }
        tx.commit()?;
        Ok(dropped)
    }

    /// The parties whose dialogs the desk has read before (in any grouping).
    pub fn desk_known_parties(
        &self,
        scope: &DeskScope,
    ) -> Result<std::collections::HashSet<String>, CacheError> {
        let mut select = self
            .conn
            .prepare_cached("SELECT party FROM desk_parties WHERE env = ?1 AND user = ?2")?;
        let rows = select.query_map(params![scope.env, scope.user], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Notes that the desk has read these parties' dialogs.
    pub fn desk_note_parties(
        &mut self,
        scope: &DeskScope,
        parties: &[String],
    ) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO desk_parties (env, user, party) VALUES (?1, ?2, ?3)",
            )?;
            for party in parties {
                insert.execute(params![scope.env, scope.user, party])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// When the desk was last brought up to date in full: its oldest group's sync (`None`
    /// when never synced).
    pub fn desk_synced_at(&self, scope: &DeskScope) -> Result<Option<DateTime<Utc>>, CacheError> {
        let oldest: Option<i64> = self.conn.query_row(
            "SELECT min(synced_at) FROM desk_groups WHERE env = ?1 AND user = ?2",
            params![scope.env, scope.user],
            |row| row.get(0),
        )?;
        Ok(time_from_db(oldest))
    }

    /// Notes that `watch` reported `kind` about `id`; false when it had already.
    pub fn desk_note_event(
        &mut self,
        scope: &DeskScope,
        id: &str,
        kind: DeskEventKind,
    ) -> Result<bool, CacheError> {
        let added = self.conn.execute(
            "INSERT OR IGNORE INTO desk_events (env, user, id, event, at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![scope.env, scope.user, id, kind.key(), millis(Utc::now())],
        )?;
        Ok(added > 0)
    }

    /// The dialogs in the inbox due within `due_days` of `now` (not done with) and those
    /// Altinn deletes within `expiring_days`: what `watch` tells of as time passes.
    pub fn desk_coming(
        &self,
        scope: &DeskScope,
        now: DateTime<Utc>,
        due_days: i64,
        expiring_days: i64,
    ) -> Result<Vec<(DeskEventKind, DeskItem)>, CacheError> {
        let at = millis(now);
        let mut coming = Vec::new();
        let mut due = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM desk INDEXED BY desk_due
             WHERE env = ?1 AND user = ?2 AND folder = 'inbox' AND completed = 0
               AND due >= ?3 AND due <= ?4"
        ))?;
        for item in due.query_map(
            params![
                scope.env,
                scope.user,
                at,
                millis(now + Duration::days(due_days))
            ],
            item_from,
        )? {
            coming.push((DeskEventKind::DueSoon, item?));
        }
        let mut expiring = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM desk INDEXED BY desk_expires
             WHERE env = ?1 AND user = ?2 AND folder = 'inbox'
               AND expires >= ?3 AND expires <= ?4"
        ))?;
        for item in expiring.query_map(
            params![
                scope.env,
                scope.user,
                at,
                millis(now + Duration::days(expiring_days))
            ],
            item_from,
        )? {
            coming.push((DeskEventKind::Expiring, item?));
        }
        Ok(coming)
    }

    /// The agenda at `now`: every pending dialog past its due date, every one not done with
    /// that is due within `days`, and every one that needs action; soonest first, grouped.
    /// Only `party`'s when given.
    pub fn agenda(
        &self,
        scope: &DeskScope,
        now: DateTime<Utc>,
        days: i64,
        party: Option<&str>,
    ) -> Result<Vec<AgendaRow>, CacheError> {
        let until = millis(now + Duration::days(days.max(0)));
        let mut rows: Vec<DeskItem> = Vec::new();
        // Two indexed queries (due dates; needs action), not one `OR` that scans.
        let mut due = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM desk INDEXED BY desk_due
             WHERE env = ?1 AND user = ?2 AND folder = 'inbox' AND completed = 0
               AND due <= ?3 AND (due >= ?4 OR pending = 1)
               AND (?5 IS NULL OR party = ?5)"
        ))?;
        for item in due.query_map(
            params![scope.env, scope.user, until, millis(now), party],
            item_from,
        )? {
            rows.push(item?);
        }
        let mut attention = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM desk INDEXED BY desk_attention
             WHERE env = ?1 AND user = ?2 AND folder = 'inbox' AND requires_attention = 1
               AND (?5 IS NULL OR party = ?5)
               AND NOT (completed = 0 AND due IS NOT NULL AND due <= ?3
                        AND (due >= ?4 OR pending = 1))"
        ))?;
        for item in attention.query_map(
            params![scope.env, scope.user, until, millis(now), party],
            item_from,
        )? {
            rows.push(item?);
        }
        let mut agenda: Vec<AgendaRow> = rows
            .into_iter()
            .map(|item| AgendaRow {
                group: AgendaGroup::of(item.summary.due.map(Stamp::utc), now),
                item,
            })
            .collect();
        agenda.sort_by(|a, b| {
            (a.group, a.item.summary.due)
                .cmp(&(b.group, b.item.summary.due))
                .then_with(|| {
                    b.item
                        .summary
                        .last_changed
                        .cmp(&a.item.summary.last_changed)
                })
                .then_with(|| a.item.summary.id.cmp(&b.item.summary.id))
        });
        Ok(agenda)
    }

    /// The board at `now`: one row per party the user can act for (in the order kept),
    /// with its counts; the caller sorts.
    pub fn board(
        &self,
        scope: &DeskScope,
        now: DateTime<Utc>,
    ) -> Result<Vec<BoardRow>, CacheError> {
        let soon = millis(now + Duration::days(BOARD_DUE_DAYS));
        let mut select = self.conn.prepare_cached(
            "SELECT p.id, p.name, p.organisation_number, d.unread, d.attention, d.due_soon,
                    d.overdue, d.newest
             FROM parties p LEFT JOIN (
                 SELECT party, sum(unread) AS unread, sum(requires_attention) AS attention,
                        sum(completed = 0 AND due >= ?3 AND due <= ?4) AS due_soon,
                        sum(pending = 1 AND due < ?3) AS overdue,
                        max(last_changed) AS newest
                 FROM desk INDEXED BY desk_board
                 WHERE env = ?1 AND user = ?2 AND folder = 'inbox'
                 GROUP BY party
             ) d ON d.party = p.id
             WHERE p.env = ?1 AND p.user = ?2
             ORDER BY p.position",
        )?;
        let rows = select.query_map(params![scope.env, scope.user, millis(now), soon], |row| {
            Ok(BoardRow {
                party: row.get(0)?,
                name: row.get(1)?,
                organisation_number: row.get(2)?,
                unread: count(row.get::<_, Option<i64>>(3)?.unwrap_or(0)),
                requires_attention: count(row.get::<_, Option<i64>>(4)?.unwrap_or(0)),
                due_soon: count(row.get::<_, Option<i64>>(5)?.unwrap_or(0)),
                overdue: count(row.get::<_, Option<i64>>(6)?.unwrap_or(0)),
                newest: time_from_db(row.get(7)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The counts a status line shows at `now`, over every party's inbox (or `party`'s).
    pub fn desk_counts(
        &self,
        scope: &DeskScope,
        now: DateTime<Utc>,
        party: Option<&str>,
    ) -> Result<DeskCounts, CacheError> {
        let at = millis(now);
        let due_by = millis(now + Duration::days(COUNT_DUE_DAYS));
        let expires_by = millis(now + Duration::days(COUNT_EXPIRING_DAYS));
        // One count an index answers each, without reading a row: `?3` the party or NULL,
        // `?4` now, `?5` a bound. One party's rows are few: the board's index finds them.
        let one = |index: &str, condition: &str, bound: Option<i64>| -> Result<usize, CacheError> {
            let (index, whose) = match party {
                Some(_) => ("desk_board", "party = ?3"),
                None => (index, "?3 IS NULL"),
            };
            let mut select = self.conn.prepare_cached(&format!(
                "SELECT count(*) FROM desk INDEXED BY {index}
                 WHERE env = ?1 AND user = ?2 AND folder = 'inbox' AND {whose} AND {condition}"
            ))?;
            let n: i64 = match bound {
                Some(bound) => select
                    .query_row(params![scope.env, scope.user, party, at, bound], |row| {
                        row.get(0)
                    })?,
                None => {
                    select.query_row(params![scope.env, scope.user, party, at], |row| row.get(0))?
                }
            };
            Ok(count(n))
        };
        Ok(DeskCounts {
            unread: one("desk_unread", "unread = 1 AND ?4 IS NOT NULL", None)?,
            requires_attention: one(
                "desk_attention",
                "requires_attention = 1 AND ?4 IS NOT NULL",
                None,
            )?,
            due_7d: one(
                "desk_due",
                "completed = 0 AND due >= ?4 AND due <= ?5",
                Some(due_by),
            )?,
            overdue: one("desk_overdue", "pending = 1 AND due < ?4", None)?,
            expiring_30d: one(
                "desk_expires",
                "expires >= ?4 AND expires <= ?5",
                Some(expires_by),
            )?,
        })
    }

    /// What `search` matches on the desk at `now`: how many, and how many unread. One
    /// query over the indexed `(env, user, folder, …)` columns. Parties are matched by id
    /// or organisation number through the kept `parties` table; `me` is its first party
    /// when that is a person. The search text is an approximation: the desk keeps no search
    /// tags, so it is matched as a substring (case-blind for ASCII, as SQLite's `LIKE`)
    /// against the title, the service owner and the sender, where Altinn also searches the
    /// tags.
    pub fn search_counts(
        &self,
        scope: &DeskScope,
        search: &SavedSearch,
        now: DateTime<Utc>,
    ) -> Result<SearchCounts, CacheError> {
        let filters = search.filters_at(now);
        let (all, me, only) = match &search.parties {
            SearchParties::All => (true, false, None),
            SearchParties::Me => (false, true, None),
            SearchParties::Only(list) => (
                false,
                false,
                Some(serde_json::Value::from(list.clone()).to_string()),
            ),
        };
        let like = filters.search.as_ref().map(|text| {
            let escaped = text
                .trim()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        });
        let mut select = self.conn.prepare_cached(
            "SELECT count(*), coalesce(sum(unread), 0) FROM desk INDEXED BY desk_unread
             WHERE env = ?1 AND user = ?2 AND folder = ?3
               AND (?4 = 0 OR unread = 1)
               AND (?5 IS NULL OR kind = ?5)
               AND (?6 IS NULL OR service_owner = ?6 COLLATE NOCASE)
               AND (?7 IS NULL OR last_changed >= ?7)
               AND (?8 = 0 OR requires_confirmation = 1)
               AND (?9 IS NULL OR subject LIKE ?9 ESCAPE '\\'
                    OR service_owner LIKE ?9 ESCAPE '\\'
                    OR message_sender LIKE ?9 ESCAPE '\\')
               AND (?10 = 1
                    OR (?11 = 1 AND party = (SELECT id FROM parties
                        WHERE env = ?1 AND user = ?2 AND position = 0 AND kind = 'person'))
                    OR (?12 IS NOT NULL AND party IN (SELECT p.id FROM parties p, json_each(?12) j
                        WHERE p.env = ?1 AND p.user = ?2
                          AND (p.id = j.value OR p.organisation_number = j.value))))",
        )?;
        let (total, unread): (i64, i64) = select.query_row(
            params![
                scope.env,
                scope.user,
                folder_to_db(search.folder),
                filters.unread,
                filters.kind.as_ref().map(MessageKind::label),
                filters.sender,
                time_to_db(filters.since),
                filters.needs_confirmation,
                like,
                all,
                me,
                only,
            ],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        Ok(SearchCounts {
            total: count(total),
            unread: count(unread),
        })
    }

    /// Notes what the user did to dialogs on the desk at once (a folder change, read or
    /// unread, a receipt confirmed, purged), so the desk's views agree before a sync can;
    /// in one transaction, as a bulk change notes hundreds.
    pub fn desk_touch(
        &mut self,
        scope: &DeskScope,
        touches: &[(String, DeskTouch)],
    ) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        for (id, touch) in touches {
            let key = params![scope.env, scope.user, id];
            if touch.gone {
                tx.prepare_cached("DELETE FROM desk WHERE env = ?1 AND user = ?2 AND id = ?3")?
                    .execute(key)?;
                continue;
            }
            // The status column says the folder and read as a search row would.
            if let Some(folder) = touch.folder {
                tx.prepare_cached(
                    "UPDATE desk SET folder = ?4,
                         status = CASE ?4 WHEN 'archive' THEN 'archived'
                                  WHEN 'trash' THEN 'deleted'
                                  WHEN 'inbox' THEN (CASE WHEN unread THEN 'unread' ELSE 'read' END)
                                  ELSE status END,
                         marked_unread = CASE WHEN ?4 IN ('archive', 'trash') THEN unread ELSE 0 END
                     WHERE env = ?1 AND user = ?2 AND id = ?3",
                )?
                .execute(params![
                    scope.env,
                    scope.user,
                    id,
                    folder_to_db(folder)
                ])?;
            }
            match touch.unread {
                Some(true) => {
                    tx.prepare_cached(
                        "UPDATE desk SET unread = 1, marked_unread = (status != 'unread'),
                             pending = CASE WHEN completed = 0 THEN 1 ELSE pending END
                         WHERE env = ?1 AND user = ?2 AND id = ?3",
                    )?
                    .execute(key)?;
                }
                Some(false) => {
                    // A letter that pressed only for being unread presses no more once read;
                    // a form not sent, or one that needs action, still does.
                    tx.prepare_cached(
                        "UPDATE desk SET unread = 0, marked_unread = 0,
                             status = CASE status WHEN 'unread' THEN 'read' ELSE status END,
                             pending = (pending = 1 AND (requires_attention = 1
                                 OR unread = 0 OR kind != 'Correspondence'))
                         WHERE env = ?1 AND user = ?2 AND id = ?3",
                    )?
                    .execute(key)?;
                }
                None => {}
            }
            if let Some(expires) = touch.expires {
                tx.prepare_cached(
                    "UPDATE desk SET expires = ?4 WHERE env = ?1 AND user = ?2 AND id = ?3",
                )?
                .execute(params![scope.env, scope.user, id, millis(expires)])?;
            }
            if touch.settled {
                tx.prepare_cached(
                    "UPDATE desk SET requires_attention = 0, requires_confirmation = 0, pending = 0
                     WHERE env = ?1 AND user = ?2 AND id = ?3",
                )?
                .execute(key)?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
