//! The message list as data: the loaded rows (shown, or hidden by a local filter) and the
//! sources they come from, each with its own paging cursor. Pages and cached lists are merged
//! here, by methods that need no `App` and are tested on their own; `update` decides when.
//!
//! The invariants: no message is loaded twice; `seq` orders rows the way the server listed
//! them (refreshes add above `first_seq`, pages below `next_seq`); a source's `next_skip` is
//! the server offset of the next page not yet merged, and pages that arrive ahead of it wait
//! in `ahead`; rows a source has from the cache but the server has not confirmed yet lie below
//! its `next_skip` (see [`super::source::Phase`] for where each source's sync is, and what holds there).

use std::collections::{BTreeSet, HashMap, HashSet};

use super::rows::SharedRows;
use super::source::{Rows, Source};
use crate::domain::{FilterKey, Filters, MessagePage, MessageSummary, Stamp};

/// The message list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboxState {
    /// Loaded messages that pass the filters, in the chosen order, no duplicates.
    pub messages: SharedRows,
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
    pub next_seq: i32,
    /// The lowest [`MessageSummary::seq`] so far (refreshes add above it).
    pub first_seq: i32,
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
                .partition_point(|m| m.last_changed.is_some_and(|t| t >= Stamp::from(line))),
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
                    removed.push(m.id.to_string());
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
        let count = i32::try_from(messages.len()).unwrap_or(i32::MAX);
        // One shared name for every row of the source.
        let owner = rows.stamp().map(crate::domain::Name::from);
        // (A page that lists a message twice adds it once.)
        let mut seen: HashSet<String> = HashSet::with_capacity(messages.len());
        for (position, (mut message, place)) in messages.into_iter().zip(placed).enumerate() {
            if !seen.insert(message.id.to_string()) {
                continue;
            }
            if let Some(owner) = &owner {
                message.owner = Some(owner.clone());
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
                self.first_seq
                    .saturating_sub(count)
                    .saturating_add(position as i32)
            } else {
                self.next_seq.saturating_add(position as i32)
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
            self.first_seq = self.first_seq.saturating_sub(count);
        } else {
            self.next_seq = self.next_seq.saturating_add(count);
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
        // One shared name for every row of the source.
        let owner = rows.stamp().map(crate::domain::Name::from);
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
                    oldest = Some(oldest.map_or(t, |o: Stamp| o.min(t)));
                }
                if floor.is_none_or(|f| m.last_changed.is_none_or(|t| t >= f)) {
                    present.insert(m.id.to_string(), m.clone());
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
        let mut counts: Vec<(String, u16)> = Vec::new();
        let (mut low, mut high) = (self.first_seq, self.next_seq);
        for mut message in cached {
            if let Some(owner) = &owner {
                message.owner = Some(owner.clone());
            } else if rows == Rows::All {
                message.owner = None;
            }
            if server_first {
                if let Some(known) = present.get(message.id.as_str()) {
                    let mut same = message.clone();
                    same.seq = known.seq;
                    same.attachment_count = known.attachment_count;
                    overlap |= same == *known;
                    matched += 1;
                    if let (None, Some(count)) = (known.attachment_count, message.attachment_count)
                    {
                        counts.push((message.id.to_string(), count));
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
            high = high.max(message.seq.saturating_add(1));
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
            let counts: HashMap<String, u16> = counts.into_iter().collect();
            for row in self.messages.iter_mut().chain(self.hidden.iter_mut()) {
                if let Some(&count) = counts.get(row.id.as_str()) {
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
    use crate::domain::{Inbox, MessageKind, MessageStatus};
    use chrono::{TimeZone, Utc};

    fn row(i: i64) -> MessageSummary {
        MessageSummary {
            id: format!("a{i}").into(),
            subject: format!("Melding {i}").into(),
            status: MessageStatus::Unread,
            marked_unread: false,
            service_owner: "Skatteetaten".into(),
            message_sender: None,
            kind: MessageKind::Correspondence,
            created: None,
            // Newer for smaller i, as the server lists them.
            last_changed: Utc
                .timestamp_opt(2_000_000_000 - i * 60, 0)
                .single()
                .map(crate::domain::Stamp::from),
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
