//! The message list as data: the loaded rows (shown, or hidden by a local filter) and the
//! sources they come from, each with its own paging cursor. Pages and cached lists are merged
//! here, by methods that need no `App` and are tested on their own; `update` decides when.
//!
//! The invariants: no message is loaded twice; `seq` orders rows the way the server listed
//! them (refreshes add above `first_seq`, pages below `next_seq`); a source's `next_skip` is
//! the server offset of the next page not yet merged, and pages that arrive ahead of it wait
//! in `ahead`; rows a source has from the cache but the server has not confirmed yet lie below
//! its `next_skip` (see [`Phase`] for where each source's sync is, and what holds there).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::domain::{FilterKey, Filters, Inbox, MessagePage, MessageSummary};

/// One inbox the list pages through: the user's own, a reportee's, or one of several in
/// the merged view. Each keeps its own `$skip` cursor.
///
/// Where its sync is lies in two parts that run side by side: `phase`, the server's side
/// (nothing yet, the cache's rows only, paging, the end), and `cache_read`, the cached
/// list being read in parts — it is drawn at once while the first page is fetched, so the
/// read may still be on its way in any phase. The other fields are not phase: the requests in
/// flight (pages, and the incremental sync's) and a failure happen in every phase and leave
/// it as it was; the cursor, the floor, the counters and the dates are data the phases
/// share. They change through the transitions below, which `update` calls; what holds in
/// each phase is said at [`Phase`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    /// Whose inbox (one party: the merged view has a source per party).
    pub inbox: Inbox,
    /// Where the sync with the server is.
    pub phase: Phase,
    /// The cached list being read, if it is.
    pub cache_read: CacheRead,
    /// The page requests in flight: (request id, `$skip`). Several at once, in any phase
    /// but [`Phase::Offline`] (the first page, pages ahead, a refresh, the incremental sync).
    pub requests: Vec<(u64, usize)>,
    /// The incremental sync in flight (only what changed since the newest row; Altinn 3),
    /// also in `requests`. Not a phase: pages further down may be on their way beside it,
    /// and it may start in [`Phase::Cached`], [`Phase::Paging`] or [`Phase::Exhausted`].
    pub changes_request: Option<u64>,
    /// The lowest `$skip` of a page that failed (retried with `r`). Not a phase: a page
    /// fails in any of them (the first, one of several ahead, a refresh of a list that had
    /// ended), and the source keeps its place while it waits.
    pub failed_skip: Option<usize>,
    /// A refresh waits for room (at most `concurrency` sources ask at once). Not a phase:
    /// `r` asks it of every source, whatever its phase.
    pub refresh_pending: bool,
    /// Pages that arrived before the one at `next_skip` (several are fetched at once):
    /// `$skip` → (messages received, more pages follow).
    pub ahead: BTreeMap<usize, (usize, bool)>,
    /// The server offset of the next page (grows by 50 a page, and by the new arrivals a
    /// refresh finds, since they shift the server's offsets).
    pub next_skip: usize,
    /// The server's link to the next page, when it gives one.
    pub next_link: Option<String>,
    /// Incremental syncs since the last full one from the top (which reconciles what they
    /// cannot see: labels changed and dialogs deleted elsewhere).
    pub quick_syncs: u32,
    /// When a first page last reconciled the cached list (seconds since the epoch), as the
    /// cache said.
    pub reconciled_at: Option<i64>,
    /// The oldest row of the pages the server gave in order: where its next page goes on
    /// (rows of its own older than this may still come). See [`Source::page_arrived`].
    pub floor: Option<DateTime<Utc>>,
}

/// Where a source's sync with the server is. The cache's rows and the server's pages meet
/// here: a list started from the cache is drawn at once, and the server's pages then
/// confirm it from the top.
///
/// ```text
///             cache part drawn
///  Unstarted ─────────────────▶ Cached { by_changes }
///      │                           │ what changed, or a page (more to come)
///      │ a page (more to come)     ▼
///      └─────────────────────▶ Paging { rows, syncing } ◀──┐ a page in order from the top
///                                  │ the page that          │ (the list had been empty)
///                                  ▼ ends the list          │
///                              Exhausted { syncing } ───────┘
///  (a one-page list ends from Unstarted or Cached at once; offline, every source is Offline)
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Phase {
    /// The server has not answered and none of the cache's rows are drawn. `next_skip` is 0,
    /// `ahead` is empty, `floor` and `next_link` are none. A first page may be on its way
    /// (or have failed: `failed_skip` 0).
    #[default]
    Unstarted,
    /// The cache's rows are drawn and the server has not answered yet. `next_skip` is 0,
    /// `ahead` is empty, `floor` is none; the rows are not confirmed. The first page from the
    /// top is compared with them, and the sync goes on while pages hold nothing the cache had.
    Cached {
        /// The sync started with only what changed (within the reconcile window): the rows
        /// are taken as they are until a first page starts the paging.
        by_changes: bool,
    },
    /// The server has answered: pages go on from `next_skip` (0 until a page from the top
    /// has come in order), those that came early wait in `ahead`.
    Paging {
        /// Whether the source's rows past `next_skip` came from the cache.
        rows: CachedRows,
        /// The sync from the top over the cache goes on while pages hold nothing the cache
        /// already had.
        syncing: bool,
    },
    /// The server has no more pages: `next_skip` is its whole list, every cached row is
    /// confirmed (or gone), `ahead` was emptied, and nothing further down is asked for. A
    /// refresh still comes from the top.
    Exhausted {
        /// The sync over the cache was still going on when the list ended (the page before
        /// the end came last, after one that had ended the sync; or a late cached list set
        /// it going again): a next page from the top goes on with it, as before the phases.
        syncing: bool,
    },
    /// Offline: nothing is asked of the server; the cached list is all there is, and it
    /// counts as ended.
    Offline,
}

/// Where a paging source's rows below `next_skip` came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CachedRows {
    /// All from the server's pages (or none below the cursor): nothing waits to be confirmed.
    #[default]
    Confirmed,
    /// From the cache: the server has not confirmed them yet, and the list counts only the
    /// rows above `next_skip` as shown for sure (`update` pages on before the user reaches
    /// the rest).
    Unconfirmed,
    /// From the cache, taken as they are: the sync started with only what changed, and no
    /// page has come in order yet (`next_skip` is 0).
    TakenAsIs,
}

/// The cached list being read, in parts: a screen's worth first, then the rest. It runs
/// beside the server's first pages, whatever the [`Phase`].
#[derive(Debug, Clone, Default, PartialEq)]
pub enum CacheRead {
    /// No read on its way: none was asked (no cache), or every part is here.
    #[default]
    Idle,
    /// Asked, and no row of it drawn yet: a server page that comes now is merged at once (and
    /// the cached rows later only below it).
    Head {
        /// The cache read's request id.
        request: u64,
    },
    /// Rows of it are drawn and more parts come: a server page waits for them, so it is
    /// compared with the whole list (not counted as new where it reaches past the first
    /// part).
    Rest {
        /// The cache read's request id.
        request: u64,
        /// The server's pages that came meanwhile, merged when the last part is here (`G`
        /// may have asked for several).
        held_pages: Vec<HeldPage>,
    },
}

/// A server page that waits for the rest of the cached list.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldPage {
    /// The page request it answers.
    pub request: u64,
    /// The `$skip` it was fetched at.
    pub skip: usize,
    /// The page.
    pub page: MessagePage,
}

impl Source {
    /// A source for `inbox`, nothing loaded yet.
    pub fn new(inbox: Inbox) -> Self {
        Self {
            inbox,
            ..Self::default()
        }
    }

    /// A page request (or the incremental sync) is in flight.
    pub fn is_loading(&self) -> bool {
        !self.requests.is_empty()
    }

    /// The server has answered this source at least once (a page, or what changed).
    pub fn has_answered(&self) -> bool {
        matches!(self.phase, Phase::Paging { .. } | Phase::Exhausted { .. })
    }

    /// Waits for the server's first answer (none yet, nor a failure, nor offline).
    fn awaits_first_answer(&self) -> bool {
        matches!(self.phase, Phase::Unstarted | Phase::Cached { .. })
    }

    /// The server has answered or the cache's rows are drawn: a page from the top goes over
    /// rows that are here already.
    pub fn has_started(&self) -> bool {
        matches!(
            self.phase,
            Phase::Cached { .. } | Phase::Paging { .. } | Phase::Exhausted { .. }
        )
    }

    /// Only the cache's rows are drawn: the server has not answered yet.
    pub fn shows_only_cache(&self) -> bool {
        matches!(self.phase, Phase::Cached { .. })
    }

    /// Pages go on from the cursor, after a first answer (the merged view asks such a
    /// source for its next page).
    pub fn is_paging(&self) -> bool {
        matches!(self.phase, Phase::Paging { .. })
    }

    /// Pages past the cursor may be asked for (also over the cache's rows before the server
    /// has answered).
    pub fn can_page(&self) -> bool {
        matches!(self.phase, Phase::Cached { .. } | Phase::Paging { .. })
    }

    /// No more pages: the list ended, or nothing is asked offline.
    pub fn is_exhausted(&self) -> bool {
        matches!(self.phase, Phase::Exhausted { .. } | Phase::Offline)
    }

    /// The sync from the top over the cache goes on while pages hold nothing it had.
    pub fn is_syncing(&self) -> bool {
        match self.phase {
            Phase::Cached { .. } => true,
            Phase::Paging { syncing, .. } | Phase::Exhausted { syncing } => syncing,
            Phase::Unstarted | Phase::Offline => false,
        }
    }

    /// Rows from the cache lie past `next_skip` that the server has not confirmed.
    pub fn has_unconfirmed_rows(&self) -> bool {
        matches!(
            self.phase,
            Phase::Cached { .. }
                | Phase::Paging {
                    rows: CachedRows::Unconfirmed | CachedRows::TakenAsIs,
                    ..
                }
        )
    }

    /// The cached rows are taken as they are (the sync started with only what changed) until
    /// a page from the top starts the paging.
    pub fn takes_cache_as_is(&self) -> bool {
        matches!(
            self.phase,
            Phase::Cached { by_changes: true }
                | Phase::Paging {
                    rows: CachedRows::TakenAsIs,
                    ..
                }
        )
    }

    /// The cache read's request, while the cached list is being read.
    pub fn cache_request(&self) -> Option<u64> {
        match self.cache_read {
            CacheRead::Idle => None,
            CacheRead::Head { request } | CacheRead::Rest { request, .. } => Some(request),
        }
    }

    /// The cached list is being read.
    pub fn is_reading_cache(&self) -> bool {
        self.cache_read != CacheRead::Idle
    }

    /// Rows of the cached list are drawn and the rest is being read: a server page waits for
    /// it, and `G` for the last row.
    pub fn reads_rest_of_cache(&self) -> bool {
        matches!(self.cache_read, CacheRead::Rest { .. })
    }

    /// Page request `request` is the incremental sync.
    pub fn is_changes_answer(&self, request: u64) -> bool {
        self.changes_request == Some(request)
    }

    /// The source asks for a first page (or a refresh) when there is room: it has nothing in
    /// flight, and a refresh waits or the server has not answered (nor failed).
    pub fn wants_first_page(&self) -> bool {
        !self.is_loading()
            && (self.refresh_pending || self.awaits_first_answer() && self.failed_skip.is_none())
    }

    /// The failed page `r` asks for again: none when it is on its way already.
    pub fn retry_skip(&self) -> Option<usize> {
        self.failed_skip
            .filter(|skip| !self.requests.iter().any(|(_, s)| s == skip))
    }
}

/// The transitions: what each event does to the phase and to the fields beside it.
impl Source {
    /// Offline at the start: nothing will be asked of the server.
    pub fn work_offline(&mut self) {
        self.phase = Phase::Offline;
    }

    /// The cached list is asked for (`request`).
    pub fn start_cache_read(&mut self, request: u64) {
        self.cache_read = CacheRead::Head { request };
    }

    /// A part of the cached list arrived (`more`: others follow). The last one ends the
    /// read, and gives back the server pages that waited for it, from the top down.
    pub fn cache_part_arrived(&mut self, more: bool) -> Vec<HeldPage> {
        if more {
            return Vec::new();
        }
        match std::mem::take(&mut self.cache_read) {
            CacheRead::Rest { mut held_pages, .. } => {
                held_pages.sort_by_key(|held| held.skip);
                held_pages
            }
            CacheRead::Idle | CacheRead::Head { .. } => Vec::new(),
        }
    }

    /// A part's rows were merged into the list: the source shows the cache's rows (not
    /// confirmed by the server yet), and while more parts come, a server page waits for
    /// them. Over pages that came first, the sync does not go on (unless
    /// [`Source::keep_syncing`] says so).
    pub fn cache_part_drawn(&mut self) {
        self.phase = match std::mem::take(&mut self.phase) {
            Phase::Unstarted | Phase::Cached { by_changes: false } => {
                Phase::Cached { by_changes: false }
            }
            Phase::Paging { rows, .. } => Phase::Paging {
                rows: match rows {
                    CachedRows::Confirmed => CachedRows::Unconfirmed,
                    other => other,
                },
                syncing: false,
            },
            other => other,
        };
        if let CacheRead::Head { request } = self.cache_read {
            self.cache_read = CacheRead::Rest {
                request,
                held_pages: Vec::new(),
            };
        }
    }

    /// The server's first page shared nothing with the cached list that came after it: more
    /// changed than a page holds, so the sync from the top goes on.
    pub fn keep_syncing(&mut self) {
        if let Phase::Paging { syncing, .. } | Phase::Exhausted { syncing } = &mut self.phase {
            *syncing = true;
        }
    }

    /// A server page came while the rest of the cached list is read: it waits for it,
    /// beside any other that came meanwhile.
    pub fn hold_page(&mut self, held: HeldPage) {
        if let CacheRead::Rest { held_pages, .. } = &mut self.cache_read {
            held_pages.push(held);
        }
    }

    /// A page is asked for at `skip` (`request`); asking again for the failed one ends its
    /// failure.
    pub fn page_asked(&mut self, request: u64, skip: usize) {
        self.requests.push((request, skip));
        if self.failed_skip == Some(skip) {
            self.failed_skip = None;
        }
    }

    /// Only what changed since the newest row is asked for (`request`). Before the server
    /// has answered, the cached rows are then taken as they are.
    pub fn changes_asked(&mut self, request: u64) {
        self.requests.push((request, 0));
        self.changes_request = Some(request);
        if let Phase::Cached { by_changes } = &mut self.phase {
            *by_changes = true;
        }
        self.quick_syncs += 1;
    }

    /// The incremental sync's answer (`request`) was merged, `arrived` of its rows new: they
    /// went on top, so the offsets of the pages still to come shift by them (once paging has
    /// begun); the cursor stays.
    pub fn changes_arrived(&mut self, request: u64, arrived: usize) {
        self.answered(request);
        self.changes_request = None;
        self.phase = match std::mem::take(&mut self.phase) {
            Phase::Unstarted => Phase::Paging {
                rows: CachedRows::Confirmed,
                syncing: false,
            },
            Phase::Cached { by_changes } => Phase::Paging {
                rows: if by_changes {
                    CachedRows::TakenAsIs
                } else {
                    CachedRows::Unconfirmed
                },
                syncing: true,
            },
            other => other,
        };
        if arrived > 0 && self.next_skip > 0 {
            self.next_skip += arrived;
        }
    }

    /// Page request `request` is answered (merged, held no more, or failed).
    pub fn answered(&mut self, request: u64) {
        self.requests.retain(|(r, _)| *r != request);
    }

    /// Moves the cursor for a page of `received` messages fetched at `skip` (`has_more`:
    /// more follow; `next`: the server's link to them), and the phase with it: the server
    /// has answered, a page in order from the top ends taking the cache as it is, and the
    /// page that leaves nothing to come ends the list. A page from the top over rows here
    /// already (`from_top_again`) shifts the offsets of the pages still to come by what
    /// `arrived`; a page ahead of the cursor waits until the ones before it are here.
    pub fn page_arrived(
        &mut self,
        skip: usize,
        received: usize,
        has_more: bool,
        next: Option<String>,
        from_top_again: bool,
        arrived: usize,
    ) {
        // (With nothing paged yet, e.g. after an incremental sync over the cache, a page
        // from the top starts the cursor instead.)
        let ended = if from_top_again && self.has_answered() && self.next_skip > 0 {
            self.next_skip += arrived;
            None
        } else if skip <= self.next_skip {
            self.next_skip = skip + received;
            self.next_link = next;
            let mut more = has_more;
            while more {
                match self.ahead.remove(&self.next_skip) {
                    Some((count, after)) => {
                        self.next_skip += count;
                        more = after;
                    }
                    None => break,
                }
            }
            let cursor = self.next_skip;
            self.ahead.retain(|skip, _| *skip > cursor);
            if !more {
                self.ahead.clear();
            }
            Some(!more)
        } else {
            self.ahead.insert(skip, (received, has_more));
            None
        };
        let (rows, syncing) = match std::mem::take(&mut self.phase) {
            Phase::Offline => {
                self.phase = Phase::Offline;
                return;
            }
            Phase::Exhausted { syncing } if ended.is_none() => {
                self.phase = Phase::Exhausted { syncing };
                return;
            }
            Phase::Unstarted => (CachedRows::Confirmed, false),
            Phase::Cached { by_changes: true } => (CachedRows::TakenAsIs, true),
            Phase::Cached { by_changes: false } => (CachedRows::Unconfirmed, true),
            Phase::Paging { rows, syncing } => (rows, syncing),
            Phase::Exhausted { syncing } => (CachedRows::Confirmed, syncing),
        };
        self.phase = if ended == Some(true) {
            Phase::Exhausted { syncing }
        } else {
            Phase::Paging {
                // The paging cursor starts at a page from the top: rows below it are
                // confirmed as pages come.
                rows: match rows {
                    CachedRows::TakenAsIs if skip == 0 => CachedRows::Unconfirmed,
                    rows => rows,
                },
                syncing,
            }
        };
    }

    /// After a page was merged (`unchanged`: its rows the list had as they are; `has_more`:
    /// more follow): the sync over the cache goes on while pages bring nothing the cache
    /// already had. True when it does.
    pub fn sync_goes_on(&mut self, unchanged: usize, has_more: bool) -> bool {
        let goes_on = self.is_syncing() && unchanged == 0 && has_more;
        if !goes_on {
            if let Phase::Paging { syncing, .. } | Phase::Exhausted { syncing } = &mut self.phase {
                *syncing = false;
            }
        }
        goes_on
    }

    /// Page request `request` at `skip` failed: it waits for `r` (the lowest of the failed
    /// pages does). The phase stays.
    pub fn page_failed(&mut self, request: u64, skip: usize) {
        self.answered(request);
        if self.changes_request == Some(request) {
            self.changes_request = None;
        }
        self.failed_skip = Some(self.failed_skip.map_or(skip, |f| f.min(skip)));
    }

    /// `r`: the source refreshes from the top when there is room.
    pub fn ask_refresh(&mut self) {
        self.refresh_pending = true;
    }

    /// The refresh that waited for room starts now. True when one waited.
    pub fn take_refresh(&mut self) -> bool {
        std::mem::take(&mut self.refresh_pending)
    }
}

/// The message list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboxState {
    /// Loaded messages that pass the filters, in the chosen order, no duplicates.
    pub messages: Vec<MessageSummary>,
    /// Loaded messages that a local-only filter hides (kept, so clearing it costs nothing).
    pub hidden: Vec<MessageSummary>,
    /// Index of the selected message.
    pub selected: usize,
    /// Index of the first visible row.
    pub scroll: usize,
    /// The inboxes the list is made of (one, or one per reportee in the merged view).
    pub sources: Vec<Source>,
    /// At least one page has arrived.
    pub loaded_once: bool,
    /// Messages marked with Space; actions apply to them when there are any.
    pub marked: BTreeSet<String>,
    /// New messages found by the refresh in progress (summed over the sources).
    pub arrivals: Option<usize>,
    /// The next [`MessageSummary::seq`] for a message added at the end.
    pub next_seq: i64,
    /// The lowest [`MessageSummary::seq`] so far (refreshes add above it).
    pub first_seq: i64,
    /// `G` was pressed while a cached list was still being read: the last row when it is.
    pub end_asked: bool,
    /// Rows at the top no source can add to any more ([`InboxState::settled_rows`]), as
    /// of the last change to the rows.
    pub settled: usize,
    /// Unread messages loaded (see [`InboxState::unread`]).
    pub unread_count: usize,
    /// Loaded messages each filter lets through, in [`FilterKey::ALL`] order (see
    /// [`InboxState::filter_count`]).
    pub filter_counts: [usize; FilterKey::ALL.len()],
}

impl InboxState {
    /// A list over `sources`, nothing loaded yet.
    pub fn new(sources: Vec<Source>) -> Self {
        Self {
            sources,
            ..Self::default()
        }
    }

    /// The selected message.
    pub fn selected_message(&self) -> Option<&MessageSummary> {
        self.messages.get(self.selected)
    }

    /// Loaded unread messages (shown or hidden by a local filter), as last counted by
    /// [`InboxState::recount`] (`update` recounts after every change to the list or the
    /// filters, so a frame does not walk 100,000 rows).
    pub fn unread(&self) -> usize {
        self.unread_count
    }

    /// Loaded messages that filter `key` of the filters in force lets through, as last
    /// counted by [`InboxState::recount`] (for the chips and the filter menu).
    pub fn filter_count(&self, key: FilterKey) -> usize {
        FilterKey::ALL
            .iter()
            .position(|k| *k == key)
            .and_then(|i| self.filter_counts.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Every loaded message, shown or hidden: how many.
    pub fn loaded(&self) -> usize {
        self.messages.len() + self.hidden.len()
    }

    /// Counts the unread messages, and those each of `filters` lets through, again: one
    /// walk over the loaded rows.
    pub fn recount(&mut self, filters: &Filters) {
        let mut unread = 0;
        let mut counts = [0; FilterKey::ALL.len()];
        for message in self.all_loaded() {
            unread += usize::from(message.is_unread());
            for (count, key) in counts.iter_mut().zip(FilterKey::ALL) {
                *count += usize::from(filters.passes(key, message));
            }
        }
        self.unread_count = unread;
        self.filter_counts = counts;
    }

    /// Every loaded message, shown or hidden.
    pub fn all_loaded(&self) -> impl Iterator<Item = &MessageSummary> {
        self.messages.iter().chain(self.hidden.iter())
    }

    /// The index of the source that asked for page request `request`.
    pub fn source_of(&self, request: u64) -> Option<usize> {
        self.sources
            .iter()
            .position(|s| s.requests.iter().any(|(r, _)| *r == request))
    }

    /// A page request is in flight.
    pub fn is_loading(&self) -> bool {
        self.sources.iter().any(Source::is_loading)
    }

    /// How many sources have a page request in flight (at most `concurrency`).
    pub fn sources_in_flight(&self) -> usize {
        self.sources.iter().filter(|s| s.is_loading()).count()
    }

    /// Every source has been read to its end.
    pub fn exhausted(&self) -> bool {
        !self.sources.is_empty() && self.sources.iter().all(Source::is_exhausted)
    }

    /// The `$skip` of a page in flight (for "fetching page N").
    pub fn loading_skip(&self) -> Option<usize> {
        self.sources
            .iter()
            .filter_map(|s| s.requests.iter().map(|(_, skip)| *skip).min())
            .min()
    }

    /// A page failed and waits for `r`.
    pub fn failed(&self) -> bool {
        self.sources.iter().any(|s| s.failed_skip.is_some())
    }

    /// How many rows at the top of the merged list, newest first, no source can add to:
    /// those no older than the newest of the oldest rows of the sources that have more.
    /// Below that line another page of that source may belong in between — the k-way merge
    /// asks it next (see `next_source` in `update`).
    pub fn settled_rows(&self) -> usize {
        let line = self
            .sources
            .iter()
            .filter(|s| !s.is_exhausted())
            .filter_map(|s| s.floor)
            .max();
        match line {
            None => self.messages.len(),
            Some(line) => self
                .messages
                .partition_point(|m| m.last_changed.is_some_and(|t| t >= line)),
        }
    }
}

/// Whose rows a source's page holds, as the merge needs to know: every row (one inbox
/// shown), one party's (stamped with it in the merged view), or the rows of a group of
/// parties (stamped by the backend with each one's party).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows<'a> {
    /// The list shows one inbox: every row is this source's.
    All,
    /// One party's inbox in the merged view.
    Party(&'a str),
    /// Several parties' inboxes in the merged view (sorted, as [`Inbox::group`] keeps them).
    Parties(&'a [String]),
}

impl Rows<'_> {
    /// Whether row `m` is this source's.
    pub fn owns(&self, m: &MessageSummary) -> bool {
        match self {
            Rows::All => true,
            Rows::Party(owner) => m.owner.as_deref() == Some(owner),
            Rows::Parties(parties) => m
                .owner
                .as_deref()
                .is_some_and(|o| parties.binary_search_by(|p| p.as_str().cmp(o)).is_ok()),
        }
    }

    /// The owner to stamp on this source's rows, when the source decides it.
    fn stamp(&self) -> Option<&str> {
        match self {
            Rows::Party(owner) => Some(owner),
            _ => None,
        }
    }
}

impl Source {
    /// Whose rows this source's pages hold (`merged`: the list is the merged view).
    pub fn rows(&self, merged: bool) -> Rows<'_> {
        match (&self.inbox, merged) {
            (_, false) => Rows::All,
            (Inbox::Group { parties, .. }, true) => Rows::Parties(parties),
            (inbox, true) => Rows::Party(inbox.key()),
        }
    }
}

/// What merging a page did to the list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merge {
    /// Messages not loaded before.
    pub arrived: usize,
    /// Messages loaded before and the same now.
    pub unchanged: usize,
    /// Messages new or changed (for the cache).
    pub upsert: Vec<MessageSummary>,
}

/// What merging a cached list did to the list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CacheMerge {
    /// A cached row was the same as the server's: the sync from the top has met the cache.
    pub overlap: bool,
    /// Rows of the server's first page the cache did not have (the new ones).
    pub new_on_server: usize,
}

impl Source {
    /// Lowers the floor to the oldest row (`oldest`) of a page fetched at `skip`, before
    /// [`Source::page_arrived`] moves the cursor. It moves down with pages in order (a page
    /// from the top sets it only when there is none); one that came ahead of its turn does
    /// not move it, so the floor errs high — rows then count as unsettled a little early,
    /// never the reverse.
    pub fn lower_floor(
        &mut self,
        skip: usize,
        from_top_again: bool,
        oldest: Option<DateTime<Utc>>,
    ) {
        if skip <= self.next_skip && (!from_top_again || self.floor.is_none()) {
            self.floor = match (self.floor, oldest) {
                (Some(floor), Some(t)) => Some(floor.min(t)),
                (floor, t) => floor.or(t),
            };
        }
    }
}

impl InboxState {
    /// Drops the rows of the source (`rows`) that the server no longer lists:
    /// those inside the span of dates `page` covers (from the top for the first page, to the
    /// end for the last) that it does not hold. Returns their ids.
    pub fn drop_missing(&mut self, page: &MessagePage, skip: usize, rows: Rows<'_>) -> Vec<String> {
        let mut removed = Vec::new();
        if page.messages.is_empty() && (skip != 0 || page.has_more) {
            return removed;
        }
        let ids: HashSet<&str> = page.messages.iter().map(|m| m.id.as_str()).collect();
        let newest = page.messages.iter().filter_map(|m| m.last_changed).max();
        let oldest = page.messages.iter().filter_map(|m| m.last_changed).min();
        let upper = if skip == 0 { None } else { newest };
        let lower = if page.has_more { oldest } else { None };
        // (The cheap tests first: most rows of a long merged list lie outside the span.)
        let gone = |m: &MessageSummary| {
            let inside = m
                .last_changed
                .is_some_and(|t| upper.is_none_or(|u| t < u) && lower.is_none_or(|l| t > l));
            inside && !ids.contains(m.id.as_str()) && rows.owns(m)
        };
        for list in [&mut self.messages, &mut self.hidden] {
            list.retain(|m| {
                if gone(m) {
                    removed.push(m.id.clone());
                    false
                } else {
                    true
                }
            });
        }
        for id in &removed {
            self.marked.remove(id);
        }
        removed
    }

    /// Merges a page's messages: known ones are updated in place (keeping what only a
    /// preview told, the attachment count), new ones go below the list — or above it, for a
    /// page from the top over rows here already (`from_top`) — shown or hidden by the local
    /// filters. The source's party is set on each in the merged view (a group's rows come
    /// with theirs).
    pub fn merge_page(
        &mut self,
        messages: Vec<MessageSummary>,
        rows: Rows<'_>,
        from_top: bool,
        filters: &Filters,
    ) -> Merge {
        // Where each of the page's messages is loaded already (shown or hidden), to update
        // known ones in place and never add one twice: one walk over the rows, looking each
        // up among the page's few (not an index of 100,000 rows made for every page).
        let placed: Vec<Option<(bool, usize)>> = {
            let mut wanted: HashMap<&str, usize> = HashMap::with_capacity(messages.len());
            for (position, m) in messages.iter().enumerate() {
                wanted.entry(m.id.as_str()).or_insert(position);
            }
            let mut placed = vec![None; messages.len()];
            let rows = (self.messages.iter().enumerate()).map(|(i, m)| (m, (false, i)));
            let hidden = (self.hidden.iter().enumerate()).map(|(i, m)| (m, (true, i)));
            for (m, place) in rows.chain(hidden) {
                if let Some(slot) = wanted.get(m.id.as_str()).and_then(|&p| placed.get_mut(p)) {
                    *slot = Some(place);
                }
            }
            placed
        };
        let mut merge = Merge {
            upsert: Vec::with_capacity(messages.len()),
            ..Merge::default()
        };
        let (mut top_shown, mut top_hidden) = (Vec::new(), Vec::new());
        let count = messages.len() as i64;
        let owner = rows.stamp();
        // (A page that lists a message twice adds it once.)
        let mut seen: HashSet<String> = HashSet::with_capacity(messages.len());
        for (position, (mut message, place)) in messages.into_iter().zip(placed).enumerate() {
            if !seen.insert(message.id.clone()) {
                continue;
            }
            if let Some(owner) = owner {
                message.owner = Some(owner.to_owned());
            }
            if let Some((hidden, i)) = place {
                let existing = if hidden {
                    &mut self.hidden[i]
                } else {
                    &mut self.messages[i]
                };
                message.attachment_count = message.attachment_count.or(existing.attachment_count);
                message.seq = existing.seq;
                if *existing == message {
                    merge.unchanged += 1;
                } else {
                    merge.upsert.push(message.clone());
                    *existing = message;
                }
                continue;
            }
            merge.arrived += 1;
            message.seq = if from_top {
                self.first_seq - count + position as i64
            } else {
                self.next_seq + position as i64
            };
            merge.upsert.push(message.clone());
            match (from_top, filters.passes_local(&message)) {
                (true, true) => top_shown.push(message),
                (true, false) => top_hidden.push(message),
                (false, true) => self.messages.push(message),
                (false, false) => self.hidden.push(message),
            }
        }
        if from_top {
            self.first_seq -= count;
        } else {
            self.next_seq += count;
        }
        self.messages.splice(0..0, top_shown);
        self.hidden.splice(0..0, top_hidden);
        merge
    }

    /// Adds a source's cached list. When the server's first page came first
    /// (`server_first`), only the cached rows below it are added (those within its span that
    /// it does not hold are gone), and the rows of that page are compared with the cache.
    /// Rows the server's filters would not pass are left out.
    pub fn merge_cached(
        &mut self,
        cached: Vec<MessageSummary>,
        rows: Rows<'_>,
        server_first: bool,
        filters: &Filters,
    ) -> CacheMerge {
        let server = filters.server();
        let owner = rows.stamp();
        let mine = |m: &MessageSummary| rows.owns(m);
        // The source's rows here that a cached row could be (no older than the oldest of
        // this part: a part of a long list is compared with its own span, not all of it),
        // and the oldest of all its rows here.
        let (present, below): (HashMap<String, MessageSummary>, _) = if server_first {
            let floor = cached.iter().filter_map(|m| m.last_changed).min();
            let mut present = HashMap::new();
            let mut oldest = None;
            for m in self.all_loaded().filter(|m| mine(m)) {
                if let Some(t) = m.last_changed {
                    oldest = Some(oldest.map_or(t, |o: chrono::DateTime<Utc>| o.min(t)));
                }
                if floor.is_none_or(|f| m.last_changed.is_none_or(|t| t >= f)) {
                    present.insert(m.id.clone(), m.clone());
                }
            }
            (present, oldest)
        } else {
            (HashMap::new(), None)
        };
        let mut overlap = false;
        let mut matched = 0;
        // Attachment counts the cache knew (from a preview) for rows the server listed
        // without one: given back to those rows after the walk.
        let mut counts: Vec<(String, usize)> = Vec::new();
        let (mut low, mut high) = (self.first_seq, self.next_seq);
        for mut message in cached {
            if let Some(owner) = owner {
                message.owner = Some(owner.to_owned());
            } else if rows == Rows::All {
                message.owner = None;
            }
            if server_first {
                if let Some(known) = present.get(&message.id) {
                    let mut same = message.clone();
                    same.seq = known.seq;
                    same.attachment_count = known.attachment_count;
                    overlap |= same == *known;
                    matched += 1;
                    if let (None, Some(count)) = (known.attachment_count, message.attachment_count)
                    {
                        counts.push((message.id.clone(), count));
                    }
                    continue;
                }
                let older =
                    below.is_some_and(|oldest| message.last_changed.is_some_and(|t| t < oldest));
                if !older {
                    continue;
                }
            }
            low = low.min(message.seq);
            high = high.max(message.seq + 1);
            if !FilterKey::ALL
                .iter()
                .filter(|k| !k.is_local())
                .all(|k| server.passes(*k, &message))
                || !server.passes_search(&message)
            {
                continue;
            }
            if filters.passes_local(&message) {
                self.messages.push(message);
            } else {
                self.hidden.push(message);
            }
        }
        if !counts.is_empty() {
            let counts: HashMap<String, usize> = counts.into_iter().collect();
            for row in self.messages.iter_mut().chain(self.hidden.iter_mut()) {
                if let Some(&count) = counts.get(&row.id) {
                    row.attachment_count = Some(count);
                }
            }
        }
        self.first_seq = low;
        self.next_seq = high;
        CacheMerge {
            overlap,
            new_on_server: present.len() - matched,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MessageKind, MessageStatus};
    use chrono::{TimeZone, Utc};

    fn row(i: i64) -> MessageSummary {
        MessageSummary {
            id: format!("a{i}"),
            subject: format!("Melding {i}"),
            status: MessageStatus::Unread,
            marked_unread: false,
            service_owner: "Skatteetaten".into(),
            message_sender: None,
            kind: MessageKind::Correspondence,
            created: None,
            // Newer for smaller i, as the server lists them.
            last_changed: Utc.timestamp_opt(2_000_000_000 - i * 60, 0).single(),
            due: None,
            attachment_count: None,
            requires_confirmation: false,
            owner: None,
            seq: 0,
        }
    }

    fn page(range: std::ops::Range<i64>, has_more: bool) -> MessagePage {
        MessagePage {
            messages: range.map(row).collect(),
            has_more,
            limit_reached: false,
            next: None,
        }
    }

    #[test]
    fn pages_merge_without_duplicates_and_a_refresh_goes_on_top() {
        let mut inbox = InboxState::default();
        let filters = Filters::default();
        let merge = inbox.merge_page(page(10..20, true).messages, Rows::All, false, &filters);
        assert_eq!((merge.arrived, merge.unchanged), (10, 0));
        let merge = inbox.merge_page(page(15..25, false).messages, Rows::All, false, &filters);
        assert_eq!(
            (merge.arrived, merge.unchanged),
            (5, 5),
            "the overlap is not added twice"
        );
        let merge = inbox.merge_page(page(8..12, true).messages, Rows::All, true, &filters);
        assert_eq!(merge.arrived, 2);
        let ids: Vec<&str> = inbox.messages.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(
            &ids[..3],
            ["a8", "a9", "a10"],
            "new ones on top, in the server's order"
        );
        assert!(inbox.messages.windows(2).all(|w| w[0].seq < w[1].seq));
        // A page that lists a message twice, new or known, adds it once.
        let mut twice = page(30..32, true).messages;
        twice.extend(page(30..32, true).messages);
        twice.extend(page(20..21, true).messages);
        twice.extend(page(20..21, true).messages);
        let merge = inbox.merge_page(twice, Rows::All, false, &filters);
        assert_eq!((merge.arrived, merge.unchanged), (2, 1));
        let mut ids: Vec<&str> = inbox.messages.iter().map(|m| m.id.as_str()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "no row twice");
    }

    #[test]
    fn rows_the_server_no_longer_lists_in_the_pages_span_are_dropped() {
        let mut inbox = InboxState::default();
        let filters = Filters::default();
        inbox.merge_page(page(0..10, true).messages, Rows::All, false, &filters);
        let mut fresh = page(0..10, true);
        fresh.messages.retain(|m| m.id != "a3");
        assert_eq!(inbox.drop_missing(&fresh, 0, Rows::All), ["a3"]);
        assert_eq!(inbox.messages.len(), 9);
        assert!(inbox
            .drop_missing(&page(0..0, true), 50, Rows::All)
            .is_empty());
    }

    #[test]
    fn the_cursor_moves_over_pages_that_arrived_ahead() {
        let mut source = Source::new(Inbox::Me);
        source.page_arrived(100, 50, true, None, false, 50);
        assert_eq!(source.next_skip, 0, "a page ahead waits");
        source.page_arrived(50, 50, true, None, false, 50);
        source.page_arrived(0, 50, true, None, false, 50);
        assert_eq!(source.next_skip, 150);
        source.page_arrived(150, 20, false, None, false, 20);
        assert!(source.is_exhausted());
    }

    #[test]
    fn a_cached_list_under_a_first_server_page_adds_only_what_is_older() {
        let mut inbox = InboxState::default();
        let filters = Filters::default();
        inbox.merge_page(page(0..5, true).messages, Rows::All, false, &filters);
        let merge = inbox.merge_cached(page(3..10, false).messages, Rows::All, true, &filters);
        assert!(merge.overlap);
        assert_eq!(
            merge.new_on_server, 3,
            "a0, a1 and a2 were not in the cache"
        );
        assert_eq!(inbox.messages.len(), 10);
    }

    #[test]
    fn an_attachment_count_the_cache_knew_survives_a_server_page_that_came_first() {
        let mut inbox = InboxState::default();
        let filters = Filters::default();
        // Altinn 2's list says nothing of attachments.
        let mut server = page(0..5, true).messages;
        server.iter_mut().for_each(|m| m.attachment_count = None);
        inbox.merge_page(server, Rows::All, false, &filters);
        // A preview had told the cache a1 has two.
        let mut cached = page(0..5, true).messages;
        cached.iter_mut().for_each(|m| m.attachment_count = None);
        cached[1].attachment_count = Some(2);
        inbox.merge_cached(cached, Rows::All, true, &filters);
        let a1 = inbox.messages.iter().find(|m| m.id == "a1").expect("a1");
        assert_eq!(a1.attachment_count, Some(2));
    }
}

/// The sync's phases, one transition at a time: each test starts a source in a phase,
/// applies a transition, and checks the phase it lands in and what holds there.
#[cfg(test)]
mod phase_tests {
    use super::*;
    use chrono::TimeZone;

    fn in_phase(phase: Phase) -> Source {
        Source {
            phase,
            ..Source::new(Inbox::Me)
        }
    }

    fn paging(rows: CachedRows, syncing: bool, next_skip: usize) -> Source {
        Source {
            next_skip,
            ..in_phase(Phase::Paging { rows, syncing })
        }
    }

    fn held(request: u64) -> HeldPage {
        HeldPage {
            request,
            skip: 0,
            page: MessagePage {
                messages: Vec::new(),
                has_more: true,
                limit_reached: false,
                next: None,
            },
        }
    }

    /// What [`Phase`]'s comments promise of the other fields, and what holds beside them.
    fn assert_invariants(source: &Source) {
        match source.phase {
            Phase::Unstarted => {
                assert_eq!(source.next_skip, 0, "{source:?}");
                assert!(source.ahead.is_empty(), "{source:?}");
                assert!(
                    source.floor.is_none() && source.next_link.is_none(),
                    "{source:?}"
                );
            }
            Phase::Cached { .. } => {
                assert_eq!(source.next_skip, 0, "{source:?}");
                assert!(source.ahead.is_empty(), "{source:?}");
                assert!(source.floor.is_none(), "{source:?}");
                assert!(source.has_unconfirmed_rows() && source.is_syncing());
            }
            Phase::Paging {
                rows: CachedRows::TakenAsIs,
                ..
            } => assert_eq!(source.next_skip, 0, "{source:?}"),
            Phase::Paging { .. } | Phase::Exhausted { .. } | Phase::Offline => {}
        }
        if let Some(request) = source.changes_request {
            assert!(
                source.requests.iter().any(|(r, _)| *r == request),
                "the incremental sync is a request in flight: {source:?}"
            );
        }
        if source.reads_rest_of_cache() {
            assert!(
                source.has_unconfirmed_rows() || source.phase == Phase::Offline,
                "rows of the cache are drawn: {source:?}"
            );
        }
        if source.takes_cache_as_is() {
            assert!(source.has_unconfirmed_rows(), "{source:?}");
        }
        assert!(
            !(source.is_exhausted() && source.can_page()),
            "nothing is asked past the end: {source:?}"
        );
    }

    #[test]
    fn offline_a_source_asks_nothing_and_counts_as_ended() {
        let mut source = in_phase(Phase::Unstarted);
        source.work_offline();
        assert_eq!(source.phase, Phase::Offline);
        assert!(source.is_exhausted() && !source.can_page() && !source.has_started());
        assert!(!source.wants_first_page(), "no first page offline");
        assert_invariants(&source);
    }

    #[test]
    fn the_cache_read_starts_with_nothing_drawn() {
        let mut source = in_phase(Phase::Unstarted);
        source.start_cache_read(7);
        assert_eq!(source.cache_read, CacheRead::Head { request: 7 });
        assert_eq!(source.cache_request(), Some(7));
        assert!(source.is_reading_cache() && !source.reads_rest_of_cache());
        assert_eq!(source.phase, Phase::Unstarted);
        assert!(source.wants_first_page(), "the first page goes beside it");
        assert_invariants(&source);
    }

    #[test]
    fn the_first_cached_rows_drawn_make_an_unstarted_source_cached() {
        let mut source = in_phase(Phase::Unstarted);
        source.start_cache_read(7);
        assert_eq!(source.cache_part_arrived(true), []);
        source.cache_part_drawn();
        assert_eq!(source.phase, Phase::Cached { by_changes: false });
        assert_eq!(
            source.cache_read,
            CacheRead::Rest {
                request: 7,
                held_pages: Vec::new()
            }
        );
        assert!(source.is_syncing() && source.can_page() && !source.has_answered());
        assert!(source.has_started() && source.shows_only_cache());
        assert_invariants(&source);
    }

    #[test]
    fn a_later_cache_part_keeps_the_phase_and_the_held_page() {
        let mut source = in_phase(Phase::Cached { by_changes: true });
        source.cache_read = CacheRead::Rest {
            request: 7,
            held_pages: vec![held(3)],
        };
        source.requests = vec![(3, 0)];
        source.changes_request = Some(3);
        assert_eq!(source.cache_part_arrived(true), []);
        source.cache_part_drawn();
        assert_eq!(source.phase, Phase::Cached { by_changes: true });
        let CacheRead::Rest { held_pages, .. } = &source.cache_read else {
            panic!("still reading: {:?}", source.cache_read);
        };
        let held: Vec<u64> = held_pages.iter().map(|page| page.request).collect();
        assert_eq!(held, [3], "the held page stays");
        assert_invariants(&source);
    }

    #[test]
    fn the_last_cache_part_ends_the_read_and_gives_back_the_held_page() {
        let mut source = in_phase(Phase::Cached { by_changes: false });
        source.cache_read = CacheRead::Rest {
            request: 7,
            held_pages: Vec::new(),
        };
        source.requests = vec![(3, 0)];
        source.hold_page(held(3));
        assert_eq!(source.cache_part_arrived(false), [held(3)]);
        assert_eq!(source.cache_read, CacheRead::Idle);
        assert_eq!(source.cache_request(), None);
        assert_eq!(source.phase, Phase::Cached { by_changes: false });
        assert_eq!(source.requests, [(3, 0)], "the held page is still owed");
        assert_invariants(&source);
    }

    #[test]
    fn a_page_is_held_only_while_the_rest_of_the_cache_is_read() {
        let mut source = in_phase(Phase::Unstarted);
        source.start_cache_read(7);
        source.hold_page(held(3));
        assert_eq!(source.cache_read, CacheRead::Head { request: 7 });
        assert_eq!(source.cache_part_arrived(false), []);
        assert_invariants(&source);
    }

    #[test]
    fn cached_rows_under_pages_that_came_first_are_unconfirmed_and_stop_the_sync() {
        let mut source = paging(CachedRows::Confirmed, true, 50);
        source.start_cache_read(7);
        source.cache_part_drawn();
        assert_eq!(
            source.phase,
            Phase::Paging {
                rows: CachedRows::Unconfirmed,
                syncing: false
            }
        );
        assert!(source.has_unconfirmed_rows() && source.reads_rest_of_cache());
        assert_eq!(source.next_skip, 50, "the cursor stays");
        assert_invariants(&source);
    }

    #[test]
    fn a_cached_list_that_shares_nothing_with_the_first_page_keeps_the_sync_going() {
        let mut source = paging(CachedRows::Unconfirmed, false, 50);
        source.keep_syncing();
        assert_eq!(
            source.phase,
            Phase::Paging {
                rows: CachedRows::Unconfirmed,
                syncing: true
            }
        );
        assert_invariants(&source);
    }

    #[test]
    fn asking_for_the_failed_page_again_ends_its_failure() {
        let mut source = paging(CachedRows::Confirmed, false, 50);
        source.failed_skip = Some(50);
        source.page_asked(4, 100);
        assert_eq!(source.failed_skip, Some(50), "another page leaves it");
        assert_eq!(source.retry_skip(), Some(50));
        source.page_asked(5, 50);
        assert_eq!(source.failed_skip, None);
        assert_eq!(source.requests, [(4, 100), (5, 50)]);
        assert!(source.is_loading() && source.is_paging());
        assert_invariants(&source);
    }

    #[test]
    fn a_failed_page_waits_for_r_and_the_phase_stays() {
        let mut source = in_phase(Phase::Exhausted { syncing: false });
        source.next_skip = 120;
        source.changes_asked(4);
        source.page_asked(5, 0);
        source.page_failed(4, 0);
        assert_eq!(source.phase, Phase::Exhausted { syncing: false });
        assert_eq!(source.failed_skip, Some(0));
        assert_eq!(source.changes_request, None);
        assert_eq!(source.requests, [(5, 0)]);
        assert_eq!(source.retry_skip(), None, "the same page is on its way");
        source.page_failed(5, 0);
        assert_eq!(source.retry_skip(), Some(0));
        // The lowest failed page is the one `r` asks for.
        let mut source = paging(CachedRows::Confirmed, false, 50);
        source.page_asked(6, 100);
        source.page_asked(7, 50);
        source.page_failed(6, 100);
        source.page_failed(7, 50);
        assert_eq!(source.failed_skip, Some(50));
        assert!(!source.is_loading() && !source.wants_first_page());
        assert_invariants(&source);
    }

    #[test]
    fn asking_for_what_changed_over_the_cache_takes_its_rows_as_they_are() {
        let mut source = in_phase(Phase::Cached { by_changes: false });
        source.changes_asked(4);
        assert_eq!(source.phase, Phase::Cached { by_changes: true });
        assert_eq!(source.requests, [(4, 0)]);
        assert!(source.is_changes_answer(4) && source.takes_cache_as_is());
        assert_eq!(source.quick_syncs, 1);
        assert_invariants(&source);
        // Once paging, it changes only the requests and the count.
        let mut source = paging(CachedRows::Confirmed, false, 50);
        source.changes_asked(5);
        assert_eq!(
            source.phase,
            Phase::Paging {
                rows: CachedRows::Confirmed,
                syncing: false
            }
        );
        assert!(!source.takes_cache_as_is());
        assert_invariants(&source);
    }

    #[test]
    fn what_changed_answers_the_cached_source_and_the_cursor_waits_for_a_first_page() {
        let mut source = in_phase(Phase::Cached { by_changes: false });
        source.changes_asked(4);
        source.changes_arrived(4, 2);
        assert_eq!(
            source.phase,
            Phase::Paging {
                rows: CachedRows::TakenAsIs,
                syncing: true
            }
        );
        assert_eq!(
            source.next_skip, 0,
            "no page yet: the cursor has not started"
        );
        assert!(source.has_answered() && source.takes_cache_as_is());
        assert!(!source.is_loading() && source.changes_request.is_none());
        assert_invariants(&source);
        // Over pages, the new ones on top shift the offsets still to come.
        let mut source = paging(CachedRows::Confirmed, false, 50);
        source.changes_asked(5);
        source.changes_arrived(5, 3);
        assert_eq!(source.next_skip, 53);
        assert!(source.is_paging());
        assert_invariants(&source);
    }

    #[test]
    fn a_first_page_starts_the_paging() {
        let mut source = in_phase(Phase::Unstarted);
        source.page_asked(1, 0);
        source.answered(1);
        source.page_arrived(0, 50, true, None, false, 50);
        assert_eq!(
            source.phase,
            Phase::Paging {
                rows: CachedRows::Confirmed,
                syncing: false
            }
        );
        assert_eq!(source.next_skip, 50);
        assert!(!source.sync_goes_on(0, true), "no sync without a cache");
        assert_invariants(&source);
    }

    #[test]
    fn a_first_page_over_the_cache_syncs_on_while_it_holds_nothing_the_cache_had() {
        let mut source = in_phase(Phase::Cached { by_changes: false });
        source.page_arrived(0, 50, true, None, true, 50);
        assert_eq!(
            source.phase,
            Phase::Paging {
                rows: CachedRows::Unconfirmed,
                syncing: true
            }
        );
        assert!(source.sync_goes_on(0, true), "all new: on");
        assert!(source.is_syncing());
        assert!(!source.sync_goes_on(4, true), "it met the cache");
        assert_eq!(
            source.phase,
            Phase::Paging {
                rows: CachedRows::Unconfirmed,
                syncing: false
            }
        );
        assert_invariants(&source);
    }

    #[test]
    fn a_page_ahead_answers_a_source_taken_as_it_is_and_a_first_page_ends_that() {
        let mut source = in_phase(Phase::Cached { by_changes: true });
        source.page_arrived(50, 50, true, None, false, 50);
        assert_eq!(
            source.phase,
            Phase::Paging {
                rows: CachedRows::TakenAsIs,
                syncing: true
            }
        );
        assert_eq!(source.next_skip, 0);
        assert_eq!(source.ahead.get(&50), Some(&(50, true)));
        assert_invariants(&source);
        source.page_arrived(0, 50, true, None, true, 0);
        assert_eq!(
            source.phase,
            Phase::Paging {
                rows: CachedRows::Unconfirmed,
                syncing: true
            }
        );
        assert_eq!(source.next_skip, 100, "over the page that waited");
        assert!(source.ahead.is_empty());
        assert_invariants(&source);
    }

    #[test]
    fn the_page_that_leaves_nothing_to_come_ends_the_list() {
        let mut source = paging(CachedRows::Unconfirmed, false, 50);
        source.ahead.insert(100, (20, false));
        source.page_arrived(50, 50, true, None, false, 50);
        assert_eq!(source.phase, Phase::Exhausted { syncing: false });
        assert_eq!(source.next_skip, 120);
        assert!(source.ahead.is_empty());
        assert!(
            !source.has_unconfirmed_rows(),
            "every cached row is confirmed"
        );
        assert!(source.is_exhausted() && !source.can_page() && !source.is_paging());
        assert_invariants(&source);
        // A one-page list ends at once, cached or not.
        for phase in [Phase::Unstarted, Phase::Cached { by_changes: true }] {
            let mut source = in_phase(phase);
            source.page_arrived(0, 10, false, None, source.has_started(), 10);
            assert!(
                matches!(source.phase, Phase::Exhausted { .. }),
                "{source:?}"
            );
            assert!(!source.takes_cache_as_is());
            assert_invariants(&source);
        }
    }

    #[test]
    fn a_page_from_the_top_of_an_ended_list_shifts_it_and_it_stays_ended() {
        let mut source = in_phase(Phase::Exhausted { syncing: false });
        source.next_skip = 120;
        source.page_arrived(0, 50, true, None, true, 3);
        assert_eq!(source.phase, Phase::Exhausted { syncing: false });
        assert_eq!(source.next_skip, 123);
        assert!(!source.sync_goes_on(0, true));
        assert_invariants(&source);
    }

    #[test]
    fn an_empty_list_that_ended_pages_again_when_the_top_brings_more() {
        let mut source = in_phase(Phase::Exhausted { syncing: false });
        source.page_arrived(0, 50, true, None, true, 50);
        assert_eq!(
            source.phase,
            Phase::Paging {
                rows: CachedRows::Confirmed,
                syncing: false
            }
        );
        assert_eq!(source.next_skip, 50);
        assert_invariants(&source);
    }

    #[test]
    fn a_refresh_waits_for_room_in_any_phase() {
        for phase in [
            Phase::Unstarted,
            Phase::Cached { by_changes: false },
            Phase::Paging {
                rows: CachedRows::Confirmed,
                syncing: false,
            },
            Phase::Exhausted { syncing: false },
        ] {
            let mut source = in_phase(phase.clone());
            source.ask_refresh();
            assert!(source.wants_first_page(), "{phase:?}");
            assert!(source.take_refresh());
            assert!(!source.take_refresh(), "once");
            assert_eq!(source.phase, phase);
            assert_invariants(&source);
        }
        let mut source = paging(CachedRows::Confirmed, false, 50);
        source.page_asked(1, 50);
        source.ask_refresh();
        assert!(!source.wants_first_page(), "not while it asks");
    }

    #[test]
    fn the_floor_moves_down_with_pages_in_order_only() {
        let at = |minutes: i64| Utc.timestamp_opt(2_000_000_000 - minutes * 60, 0).single();
        let mut source = in_phase(Phase::Unstarted);
        source.lower_floor(0, false, at(10));
        source.page_arrived(0, 50, true, None, false, 50);
        source.lower_floor(100, false, at(30));
        assert_eq!(source.floor, at(10), "a page ahead leaves it");
        source.lower_floor(50, false, at(20));
        assert_eq!(source.floor, at(20));
        source.lower_floor(0, true, at(1));
        assert_eq!(source.floor, at(20), "a page from the top leaves it");
        assert_invariants(&source);
    }
}
