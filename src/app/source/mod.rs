//! One inbox a list pages through, and where its sync is: [`Source`], its [`Phase`] and
//! [`CacheRead`], and the transitions `update` calls between them. What holds in each phase
//! is said at [`Phase`] and tested per transition below.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::domain::{Inbox, MessagePage, MessageSummary};

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
    pub(super) fn stamp(&self) -> Option<&str> {
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

/// The sync's phases, one transition at a time: each test starts a source in a phase,
/// applies a transition, and checks the phase it lands in and what holds there.
#[cfg(test)]
mod phase_tests;
