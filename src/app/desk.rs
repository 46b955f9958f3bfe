//! The desk in the inbox: the background sync's state, the agenda (the list showing what is
//! due, across every party) and the board (an overlay with one row per party). The rows
//! come from the cache's desk ([`crate::cache`]), never from opening a dialog.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};

use super::TextInput;
use crate::domain::{AgendaGroup, BoardRow, MessageSummary};

/// The desk is synced again this long after the last sync started.
pub const DESK_EVERY: Duration = Duration::from_secs(300);

/// The desk's state in the inbox.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeskView {
    /// A sync is running.
    pub syncing: bool,
    /// The parties were asked for so that a sync can start (it needs them).
    pub awaiting_parties: bool,
    /// When the last sync started (the next waits [`DESK_EVERY`]).
    pub started: Option<SystemTime>,
    /// When the desk was last brought up to date (the cache's, until a sync ends).
    pub synced_at: Option<DateTime<Utc>>,
    /// The agenda, while the list shows it.
    pub agenda: Option<Agenda>,
    /// The agenda or board load in flight.
    pub request: Option<u64>,
    /// The days ahead the agenda in flight was asked for.
    pub days: Option<i64>,
    /// The load in flight is `:expiring`'s: what Altinn deletes soon, not what is due.
    pub expiring: bool,
}

/// The agenda the list shows: each row's group, and how many are in each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Agenda {
    /// Each row's group, by id.
    pub groups: HashMap<String, AgendaGroup>,
    /// Days ahead.
    pub days: i64,
    /// When Altinn deletes each row, by id: set for `:expiring`'s list (its date column
    /// and groups are the deletion's, not the due date's).
    pub expires: Option<HashMap<String, DateTime<Utc>>>,
}

impl DeskView {
    /// Being brought up to date: a sync running, or the parties it needs on their way.
    pub fn updating(&self) -> bool {
        self.syncing || self.awaiting_parties
    }
}

impl Agenda {
    /// When Altinn deletes message `id`, in `:expiring`'s list.
    pub fn expires(&self, id: &str) -> Option<DateTime<Utc>> {
        self.expires.as_ref()?.get(id).copied()
    }

    /// The group of message `id`, when it is on the agenda.
    pub fn group(&self, id: &str) -> Option<AgendaGroup> {
        self.groups.get(id).copied()
    }

    /// How many of `rows` are in each group, in [`AgendaGroup`] order: the rows still
    /// shown, so a row archived from the agenda is no longer counted.
    pub fn counts(&self, rows: &[MessageSummary]) -> [usize; 4] {
        let mut counts = [0; 4];
        for group in rows.iter().filter_map(|m| self.group(&m.id)) {
            counts[group as usize] += 1;
        }
        counts
    }
}

/// The board overlay: one row per party, most urgent first, filtered as you type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Board {
    /// What was typed.
    pub filter: TextInput,
    /// Index into the filtered rows.
    pub selected: usize,
    /// Every party's row, most urgent first (set with [`Board::set_rows`]).
    pub rows: Vec<BoardRow>,
    /// Each row's name and organisation number in lower case, made once when the rows
    /// come, so a keystroke over 100,000 parties lowercases nothing (as the switcher's).
    keys: Vec<String>,
    /// Waiting for the rows.
    pub loading: bool,
}

impl Board {
    /// A board waiting for its rows.
    pub fn loading() -> Self {
        Self {
            loading: true,
            ..Self::default()
        }
    }

    /// The rows, most urgent first, and their search keys.
    pub fn set_rows(&mut self, rows: Vec<BoardRow>) {
        self.keys = (rows.iter())
            .map(|row| {
                let number = row.organisation_number.as_deref().unwrap_or_default();
                format!("{} {number}", row.name.to_lowercase())
            })
            .collect();
        self.rows = rows;
    }

    /// The rows matching the filter (name or organisation number).
    pub fn matches(&self) -> Vec<&BoardRow> {
        let filter = self.filter.value().to_lowercase();
        (self.rows.iter().zip(&self.keys))
            .filter(|(_, key)| filter.is_empty() || key.contains(&filter))
            .map(|(row, _)| row)
            .collect()
    }
}
