//! The list and its sources: starting a list (cache first, then the server), pages as they
//! arrive (merged into the list, the cache told what changed), paging further, and failures.

use crate::app::{App, Effect, Screen, Status};
use crate::app::{HeldPage, InboxState, Phase, Source};
use crate::domain::{ApiError, CachedList, Inbox};
use crate::domain::{MessagePage, Stamp};
use crate::i18n::tr;

use super::detail::follow_selection;
use super::view::{keep_selection_visible, resort};
use super::{failure, next_request};

/// Rows before the end of the loaded list at which the next page is fetched.
pub(super) const PREFETCH_MARGIN: usize = 10;

/// The inboxes the list is made of: every reportee's in the merged view (once the parties
/// are known), else the one shown.
pub(super) fn sources_for(app: &App) -> Vec<Source> {
    if !app.whose.is_all() {
        return vec![Source::new(app.whose.clone())];
    }
    if app.settings.capabilities.offset_paging {
        // Altinn 2 lists one party's inbox at a time.
        return app
            .parties
            .merged()
            .into_iter()
            .map(|p| Source::new(Inbox::Party(p.id.clone())))
            .collect();
    }
    // Altinn 3 searches as many parties at once as Dialogporten allows (100): the merged
    // view is a few such groups (of a saved search's parties, when it names some).
    app.parties
        .merged()
        .chunks(app.parties.limit.max(1))
        .map(|chunk| Source::new(Inbox::group(chunk.iter().map(|p| p.id.clone()).collect())))
        .collect()
}

/// Asks for the first page of sources that have none yet, keeping at most
/// [`App::concurrency`] requests in flight (the merged view over many parties starts a few
/// at a time and goes on as they answer).
pub(super) fn fetch_unloaded(app: &mut App) -> Vec<Effect> {
    if app.settings.offline || app.login.restoring {
        return Vec::new();
    }
    let room = app
        .settings
        .concurrency
        .max(1)
        .saturating_sub(app.inbox.sources_in_flight());
    let waiting: Vec<usize> = app
        .inbox
        .sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.wants_first_page())
        .map(|(i, _)| i)
        .take(room)
        .collect();
    waiting
        .into_iter()
        .flat_map(|index| {
            let source = &mut app.inbox.sources[index];
            let refresh = source.take_refresh();
            if refresh || recently_reconciled(source, app.now) {
                sync_from_top(app, index)
            } else {
                fetch_page(app, index, 0)
            }
        })
        .collect()
}

/// A first page from the server reconciles a cached list at least this often; a start in
/// between asks only for what changed since the newest cached row (Altinn 3).
const RECONCILE_EVERY: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

/// The source shows a cached list (not yet synced this run) that a first page reconciled
/// less than [`RECONCILE_EVERY`] ago: its sync may start with only what changed.
fn recently_reconciled(source: &Source, now: std::time::SystemTime) -> bool {
    let now = crate::domain::epoch_seconds(now);
    source.shows_only_cache()
        && source
            .reconciled_at
            .is_some_and(|at| now.saturating_sub(at) < RECONCILE_EVERY.as_secs() as i64)
}

/// "Alle: 3 av 10 har svart …" while the merged view's sources answer for the first time,
/// when there are more of them than are asked at once; "… alle 10 har svart." at the end.
fn note_answers(app: &mut App) {
    let sources = &app.inbox.sources;
    if sources.len() <= app.settings.concurrency.max(1) {
        return;
    }
    let answered = sources.iter().filter(|s| s.has_answered()).count();
    let all = tr!("Alle");
    let waiting = matches!(&app.status, Some(Status::Info(t)) if t.starts_with(&format!("{all}: ")) && t.ends_with('…'));
    if answered < sources.len() {
        app.status = Some(Status::Info(tr!(
            "{all}: {answered} av {total} har svart …",
            all,
            answered,
            total = sources.len()
        )));
    } else if waiting {
        app.status = Some(Status::Info(tr!(
            "{all}: alle {total} har svart.",
            all,
            total = sources.len()
        )));
    }
}

/// Starts the list over from the top (a new inbox, folder or filter): each source's cached
/// list is read (drawn at once when it comes) while its first page is fetched.
pub(super) fn start_list(app: &mut App) -> Vec<Effect> {
    // A new list is never the agenda.
    app.desk.agenda = None;
    app.inbox = InboxState::new(sources_for(app));
    app.detail = Default::default();
    // A search's hits point into the old list.
    app.search = None;
    if app.inbox.sources.is_empty() {
        // The merged view needs the parties first (the cache's will do offline);
        // `ReporteesLoaded` goes on from here.
        return vec![app.fetch_reportees()];
    }
    let mut effects = Vec::new();
    // The first part of each cached list is what the screen needs (and a margin); the rest
    // follows in the background.
    let head = (app.layout().list_rows() + PREFETCH_MARGIN).max(50) * 2;
    for index in 0..app.inbox.sources.len() {
        let who = app.inbox.sources[index].inbox.clone();
        if let Some(scope) = app.cache_scope(&who) {
            let request = next_request(app);
            app.inbox.sources[index].start_cache_read(request);
            effects.push(Effect::LoadCache {
                request,
                scope,
                head,
            });
        }
        if app.settings.offline {
            app.inbox.sources[index].work_offline();
        }
    }
    // (While a stored session is resumed, the pages wait for it.)
    effects.extend(fetch_unloaded(app));
    effects
}

/// A part of a source's cached list arrived: drawn at once, unless the server was faster.
/// The first part is what the screen needs; the later ones (`more` until the last) add
/// older rows in the background. Rows the server filters would not pass are left out; the
/// sync from the top starts (or goes on).
pub(super) fn cache_loaded(
    app: &mut App,
    request: u64,
    list: CachedList,
    more: bool,
) -> Vec<Effect> {
    let Some(index) = app
        .inbox
        .sources
        .iter()
        .position(|s| s.cache_request() == Some(request))
    else {
        return Vec::new();
    };
    let merged = app.whose.is_all();
    let source = &mut app.inbox.sources[index];
    // (A later part: the first one already drew, told and started what it had to.)
    let later_part = source.reads_rest_of_cache();
    // (The server's page that waited for the last part is merged after it.)
    let held = source.cache_part_arrived(more);
    let server_done = matches!(source.phase, Phase::Exhausted { .. }) && !app.settings.offline;
    if app.settings.offline {
        source.work_offline();
    }
    if list.messages.is_empty() || server_done {
        let mut effects = Vec::new();
        if !more {
            effects.extend(list_read_whole(app));
        }
        if app.settings.offline {
            app.inbox.loaded_once = true;
        }
        if !more && go_to_end_if_asked(app) && app.preview {
            effects.extend(follow_selection(app));
        }
        // (The stored session failed before the cache answered, and it had nothing.)
        super::login_alone_over_nothing(app);
        effects.extend(release_held_pages(app, held));
        return effects;
    }
    let server_first = source.has_answered() && !app.settings.offline;
    if !later_part {
        source.reconciled_at = list.reconciled_at;
    }
    source.cache_part_drawn();
    let source = app.inbox.sources[index].clone();
    if let Some(total) = list.total {
        let room = total.saturating_sub(app.inbox.messages.len());
        app.inbox.messages.reserve(room);
    }
    let cached = app.inbox.merge_cached(
        list.messages,
        source.rows(merged),
        server_first,
        &app.filters,
    );
    let mut effects = Vec::new();
    if !more {
        effects.extend(list_read_whole(app));
    }
    let inbox = &mut app.inbox;
    // The server's page shared nothing with the cache: more changed than one page, so the
    // sync from the top goes on.
    if server_first
        && !later_part
        && !cached.overlap
        && !app.settings.offline
        && !inbox.is_loading()
    {
        inbox.sources[index].keep_syncing();
        let next = inbox.sources[index].next_skip;
        effects.extend(fetch_page(app, index, next));
    }
    let inbox = &mut app.inbox;
    let first = !inbox.loaded_once;
    inbox.loaded_once = true;
    if !app.settings.offline && inbox.is_loading() {
        // Tell how many new ones the sync finds.
        inbox.arrivals.get_or_insert(0);
    }
    if !later_part {
        say_cached_list(app, server_first, cached.new_on_server, list.synced_at);
    }
    resort(app);
    if first {
        app.inbox.selected = 0;
        app.inbox.scroll = 0;
    }
    keep_selection_visible(app);
    let moved = !more && go_to_end_if_asked(app);
    if app.preview && (app.detail.id.is_none() || moved) {
        effects.extend(follow_selection(app));
    }
    effects.extend(release_held_pages(app, held));
    effects
}

/// A source's cached list is read. Once every source's is, the list, which grew a part at a
/// time, gives back the room it kept to grow (a million rows: up to half again their size),
/// and the allocator the pages the parts were read into, which it would otherwise keep.
/// (Once, not once a source: «Alle» may read a thousand.)
fn list_read_whole(app: &mut App) -> Option<Effect> {
    if app.inbox.sources.iter().any(Source::is_reading_cache) {
        return None;
    }
    app.inbox.messages.shrink_to_fit();
    Some(Effect::GiveBackMemory)
}

/// What the status line says when a cached list's first part is drawn: the new rows the
/// server had first, or from when the cache is (and, online, that the sync goes on).
fn say_cached_list(
    app: &mut App,
    server_first: bool,
    new_on_server: usize,
    synced_at: Option<i64>,
) {
    if server_first {
        // The server's rows the cache did not have are the new ones.
        app.status = Some(Status::Info(arrivals_note(new_on_server)));
    } else if let Some(synced) =
        synced_at.and_then(|t| chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0))
    {
        let when = crate::text::date_time_text(synced);
        app.status = Some(Status::Info(if app.settings.offline {
            tr!(
                "Frakoblet: viser hurtigbufferen fra {when}. Ingenting hentes eller sendes.",
                when
            )
        } else {
            tr!("Viser hurtigbufferen fra {when} – henter det nye …", when)
        }));
    }
}

/// The server's pages that waited for the rest of a source's cached list, merged now.
fn release_held_pages(app: &mut App, held: Vec<HeldPage>) -> Vec<Effect> {
    held.into_iter()
        .flat_map(|held| page_loaded(app, held.request, held.skip, held.page))
        .collect()
}

/// `G` pressed while the cached list was still being read: now that it all is, the last
/// row. True when the cursor moved.
fn go_to_end_if_asked(app: &mut App) -> bool {
    let reading = app.inbox.sources.iter().any(Source::is_reading_cache);
    if !app.inbox.end_asked || reading {
        return false;
    }
    app.inbox.end_asked = false;
    app.inbox.selected = app.inbox.messages.len().saturating_sub(1);
    keep_selection_visible(app);
    if matches!(&app.status, Some(Status::Info(t)) if t == tr!("Leser resten av listen fra hurtigbufferen – går til bunnen når den er lest …"))
    {
        app.status = None;
    }
    true
}

/// Incremental syncs in a row before the next refresh is a full one from the top.
const FULL_SYNC_EVERY: u32 = 5;

/// A refresh of source `index` from the top: on Altinn 3, with rows here and no server
/// filter, only what changed since the newest row (one short request when nothing did);
/// after [`FULL_SYNC_EVERY`] of those, and elsewhere, the first page again.
pub(super) fn sync_from_top(app: &mut App, index: usize) -> Vec<Effect> {
    let merged = app.whose.is_all();
    let Some(source) = app.inbox.sources.get(index) else {
        return Vec::new();
    };
    let eligible = !app.settings.capabilities.offset_paging
        && app.filters.server().is_empty()
        && source.has_started()
        && source.quick_syncs < FULL_SYNC_EVERY;
    let rows = source.rows(merged);
    let newest = eligible
        .then(|| {
            app.inbox
                .all_loaded()
                .filter(|m| rows.owns(m))
                .filter_map(|m| m.last_changed)
                .max()
        })
        .flatten();
    let Some(since) = newest else {
        if let Some(source) = app.inbox.sources.get_mut(index) {
            source.quick_syncs = 0;
        }
        return fetch_page(app, index, 0);
    };
    let request = next_request(app);
    let source = &mut app.inbox.sources[index];
    source.changes_asked(request);
    vec![Effect::FetchPage {
        request,
        inbox: source.inbox.clone(),
        skip: 0,
        link: None,
        folder: app.folder,
        filters: app.filters.server(),
        since: Some(since.utc()),
    }]
}

pub(super) fn fetch_page(app: &mut App, index: usize, skip: usize) -> Vec<Effect> {
    let request = next_request(app);
    let Some(source) = app.inbox.sources.get_mut(index) else {
        return Vec::new();
    };
    source.page_asked(request, skip);
    let link = if skip == 0 {
        None
    } else {
        source.next_link.clone()
    };
    vec![Effect::FetchPage {
        request,
        inbox: source.inbox.clone(),
        skip,
        link,
        folder: app.folder,
        filters: app.filters.server(),
        since: None,
    }]
}

/// After rows were merged: the chosen order again, the selection on the message it was on
/// (`None`: the top), in view, and the search's hits found again.
fn settle_rows(app: &mut App, selected_id: Option<String>) {
    resort(app);
    match selected_id {
        Some(id) => {
            if let Some(index) = app.inbox.messages.iter().position(|m| m.id == id) {
                app.inbox.selected = index;
            }
        }
        None => {
            app.inbox.selected = 0;
            app.inbox.scroll = 0;
        }
    }
    keep_selection_visible(app);
}

/// An incremental sync's answer: what changed is merged in place and new dialogs go on
/// top; nothing is dropped (the page is no span of the list) and the cursor stays. More
/// changes than a page hold: the first page again, in full.
fn changes_loaded(app: &mut App, index: usize, request: u64, page: MessagePage) -> Vec<Effect> {
    let merged = app.whose.is_all();
    let selected_id = app.inbox.selected_message().map(|m| m.id.to_string());
    let source = app.inbox.sources[index].clone();
    let who = source.inbox.clone();
    let rows = source.rows(merged);
    let too_many = page.has_more;
    let merge = app
        .inbox
        .merge_page(page.messages, rows, true, &app.filters);
    app.inbox.sources[index].changes_arrived(request, merge.arrived);
    report_arrivals(app, merge.arrived, true, too_many);
    settle_rows(app, selected_id);
    let mut effects = Vec::new();
    if let Some(scope) = app.cache_scope(&who) {
        effects.push(Effect::WriteCache {
            scope,
            upsert: merge.upsert,
            remove: Vec::new(),
            complete: None,
        });
    }
    if too_many {
        app.inbox.sources[index].quick_syncs = 0;
        effects.extend(fetch_page(app, index, 0));
    }
    effects.extend(fetch_unloaded(app));
    effects
}

/// A page arrived: merged into the list (rows it no longer holds dropped), the source's
/// cursor moved, the status told what is new, the cache told what changed; the sync goes on,
/// the preview follows, and more pages come when the screen wants them.
pub(super) fn page_loaded(
    app: &mut App,
    request: u64,
    skip: usize,
    page: MessagePage,
) -> Vec<Effect> {
    let Some(index) = app.inbox.source_of(request) else {
        return Vec::new();
    };
    note_senders(app, &page);
    let source = &mut app.inbox.sources[index];
    if source.reads_rest_of_cache() {
        // The rest of the cached list is still being read: the page waits for it, so it is
        // compared with all of it (not counted as new where it only reaches past the part
        // drawn first).
        source.hold_page(HeldPage {
            request,
            skip,
            page,
        });
        return Vec::new();
    }
    if source.is_changes_answer(request) {
        return changes_loaded(app, index, request, page);
    }
    let selected_id = app.inbox.selected_message().map(|m| m.id.to_string());
    let at_top = app.inbox.selected == 0 && app.inbox.scroll == 0;
    let first_page = !app.inbox.loaded_once;
    let unfiltered = app.filters.server().is_empty();
    let source = &mut app.inbox.sources[index];
    source.answered(request);
    // A page from the top over rows already here (a refresh, or the sync over the cache)
    // updates them in place and puts new ones on top.
    let from_top_again = skip == 0 && source.has_started();
    let who = source.inbox.clone();
    let merged = app.whose.is_all();
    let source = app.inbox.sources[index].clone();
    let rows = source.rows(merged);
    let (received, has_more) = (page.messages.len(), page.has_more);
    let oldest = page.messages.iter().filter_map(|m| m.last_changed).min();
    // Rows the server no longer lists leave the view; the cache forgets them only without
    // server filters (with a filter, a row may just no longer match it).
    let removed = app.inbox.drop_missing(&page, skip, rows);
    let MessagePage {
        messages,
        next,
        limit_reached,
        ..
    } = page;
    let merge = app
        .inbox
        .merge_page(messages, rows, from_top_again, &app.filters);
    let source = &mut app.inbox.sources[index];
    source.lower_floor(skip, from_top_again, oldest.map(Stamp::utc));
    source.page_arrived(
        skip,
        received,
        has_more,
        next,
        from_top_again,
        merge.arrived,
    );
    // The sync over the cache goes on while a page brings nothing the cache already had.
    let sync_more = source.sync_goes_on(merge.unchanged, has_more);
    report_arrivals(app, merge.arrived, from_top_again, sync_more);
    app.inbox.loaded_once = true;
    if limit_reached {
        app.status = Some(Status::Info(
            tr!("Altinn nådde sin grense for antall treff: begrens datoområdet for å se eldre meldinger.")
                .into(),
        ));
    }
    // The top of the list stays the top while pages arrive (the merged view fills in from
    // several inboxes), unless the user has moved.
    let top = first_page || (at_top && !from_top_again);
    settle_rows(app, if top { None } else { selected_id });
    let complete = unfiltered && !has_more && (skip == 0 || !from_top_again);
    let written = PageWrite {
        upsert: merge.upsert,
        removed,
        reconciles: skip == 0 && unfiltered,
        unfiltered,
        complete,
    };
    let mut effects = cache_page(app, &who, written);
    if sync_more {
        let want = app.settings.concurrency;
        effects.extend(fetch_ahead(app, index, want));
    }
    effects.extend(fetch_unloaded(app));
    note_answers(app);
    if app.preview && (app.detail.id.is_none() || (at_top && !app.detail.open)) {
        effects.extend(follow_selection(app));
    }
    effects.extend(maybe_fetch_more(app));
    effects
}

/// Every sender a page shows, in Altinn's spelling (for `:sender`).
fn note_senders(app: &mut App, page: &MessagePage) {
    for message in &page.messages {
        if !app.known_senders.contains(message.service_owner.as_str()) {
            app.known_senders.insert(message.service_owner.to_string());
        }
    }
}

/// What a page leaves in the cache.
struct PageWrite {
    /// Its rows, new or changed.
    upsert: Vec<crate::domain::MessageSummary>,
    /// The rows the server no longer lists.
    removed: Vec<String>,
    /// A first page, whole: what changed elsewhere at the top is reconciled.
    reconciles: bool,
    /// Asked without server filters: rows missing from it are gone (with a filter they may
    /// only no longer match it).
    unfiltered: bool,
    /// The last page of the whole list.
    complete: bool,
}

/// The cache follows a page of `who`'s inbox (when the cache is used).
fn cache_page(app: &App, who: &Inbox, written: PageWrite) -> Vec<Effect> {
    let Some(scope) = app.cache_scope(who) else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    if written.reconciles {
        effects.push(Effect::MarkReconciled {
            scope: scope.clone(),
        });
    }
    effects.push(Effect::WriteCache {
        scope,
        upsert: written.upsert,
        remove: if written.unfiltered {
            written.removed
        } else {
            Vec::new()
        },
        complete: written.complete.then_some(true),
    });
    effects
}

/// Counts what a refresh (or the sync) found, and says so once every page of it is here; a
/// page that arrives ends the error of pages that are no longer failed.
fn report_arrivals(app: &mut App, arrived: usize, from_top_again: bool, sync_more: bool) {
    let inbox = &mut app.inbox;
    if let Some(total) = &mut inbox.arrivals {
        *total += arrived;
    }
    if inbox.arrivals.is_some() && !inbox.is_loading() && !sync_more {
        let total = inbox.arrivals.take().unwrap_or(0);
        // A search at Altinn says what it found, not what is new since the last look.
        let note = match &app.filters.search {
            Some(text) => hits_note(inbox.loaded(), !inbox.exhausted(), text),
            None => arrivals_note(total),
        };
        app.status = Some(Status::Info(note));
    } else if !from_top_again && matches!(app.status, Some(Status::Error(_))) && !app.inbox.failed()
    {
        app.status = None;
    }
}

/// "N treff på «skatt»." (with `+` when more pages may hold more).
fn hits_note(count: usize, more: bool, text: &str) -> String {
    let more = if more { "+" } else { "" };
    match count {
        0 => tr!("Ingen treff på «{text}».", text),
        n => tr!(
            "{n}{more} treff på «{text}».",
            n = crate::i18n::number(n),
            more,
            text
        ),
    }
}

/// "N nye meldinger."
fn arrivals_note(count: usize) -> String {
    match count {
        0 => tr!("Ingen nye meldinger.").to_owned(),
        n => tr!(one: "{n} ny melding.", other: "{n} nye meldinger.", n),
    }
}

/// The source whose next page extends the list: in the merged view, the one whose oldest
/// loaded message is the newest, since everything above that date is complete (the k-way
/// merge: each source gave a short first page, and more is asked of one at a time, where
/// the list needs it).
pub(super) fn next_source(app: &App) -> Option<usize> {
    let inbox = &app.inbox;
    let candidates = inbox
        .sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_paging());
    if inbox.sources.len() == 1 {
        return candidates.map(|(i, _)| i).next();
    }
    candidates.max_by_key(|(_, s)| s.floor).map(|(i, _)| i)
}

pub(super) fn maybe_fetch_more(app: &mut App) -> Vec<Effect> {
    let inbox = &app.inbox;
    let rows = app.layout().list_rows().max(PREFETCH_MARGIN);
    // Over a cached list, the rows the server has confirmed end where its pages end.
    // (A cached list whose sync started with only what changed, within the reconcile
    // window, is taken as it is until the user nears its end.)
    let trusted = inbox.sources.len() == 1 && inbox.sources[0].takes_cache_as_is();
    let mut confirmed = if inbox.sources.iter().any(Source::has_unconfirmed_rows) && !trusted {
        let pages: usize = inbox.sources.iter().map(|s| s.next_skip).sum();
        pages.min(inbox.messages.len())
    } else {
        inbox.messages.len()
    };
    // In the merged view newest first, rows below the line where a source may still add
    // some are not settled either: scrolling near it asks that source for more.
    if inbox.sources.len() > 1 {
        confirmed = confirmed.min(inbox.settled);
    }
    if app.screen != Screen::Inbox
        || app.settings.offline
        || !inbox.loaded_once
        || inbox.failed()
        || inbox.selected + rows < confirmed
    {
        return Vec::new();
    }
    if inbox.sources.len() == 1 {
        // One inbox: at the very end of the list, or with a local filter that shows few
        // rows, several pages are fetched at once; otherwise the next one.
        let at_end = inbox.selected + 1 >= inbox.messages.len();
        let want = if at_end || app.filters.needs_confirmation {
            app.settings.concurrency
        } else {
            1
        };
        return fetch_ahead(app, 0, want);
    }
    if inbox.is_loading() {
        return Vec::new();
    }
    match next_source(app) {
        Some(index) => {
            let skip = app.inbox.sources[index].next_skip;
            fetch_page(app, index, skip)
        }
        None => Vec::new(),
    }
}

/// Asks for the pages after `next_skip` that are neither here nor on their way, until
/// `want` (at most [`App::concurrency`]) are in flight; one at a time when the server gives
/// `next` links (they cannot be fetched ahead), and never past a page that ended the list.
pub(super) fn fetch_ahead(app: &mut App, index: usize, want: usize) -> Vec<Effect> {
    let Some(source) = app.inbox.sources.get(index) else {
        return Vec::new();
    };
    if !source.can_page() {
        return Vec::new();
    }
    let want = if source.next_link.is_some() {
        1
    } else {
        want.clamp(1, app.settings.concurrency.max(1))
    };
    let end = source
        .ahead
        .iter()
        .find(|(_, (_, more))| !more)
        .map(|(skip, _)| *skip);
    // The page offsets from the cursor on, up to the end when it is known, less those on
    // their way or already here (finitely many, so the walk ends).
    let skips: Vec<usize> = (0..)
        .map(|n| source.next_skip + n * crate::domain::PAGE_SIZE)
        .take_while(|skip| end.is_none_or(|end| *skip <= end))
        .filter(|skip| {
            !source.requests.iter().any(|(_, s)| s == skip) && !source.ahead.contains_key(skip)
        })
        .take(want.saturating_sub(source.requests.len()))
        .collect();
    skips
        .into_iter()
        .flat_map(|skip| fetch_page(app, index, skip))
        .collect()
}

/// A page could not be fetched: `r` retries it.
pub(super) fn page_failed(
    app: &mut App,
    request: u64,
    skip: usize,
    error: ApiError,
) -> Vec<Effect> {
    let Some(source) = app
        .inbox
        .source_of(request)
        .and_then(|i| app.inbox.sources.get_mut(i))
    else {
        return Vec::new();
    };
    source.page_failed(request, skip);
    let who = source.inbox.clone();
    app.inbox.arrivals = None;
    // A 401 on the list itself means the cookie session is no good any more.
    let error = match error {
        ApiError::NeedsIdPorten { .. } => ApiError::SessionExpired,
        other => other,
    };
    if app.whose.is_all() && error != ApiError::SessionExpired {
        let name = app.party_name(who.key()).unwrap_or(who.key()).to_owned();
        app.status = Some(Status::Error(tr!(
            "{name}: {error} (r prøver igjen)",
            name,
            error
        )));
        return Vec::new();
    }
    failure(app, error)
}
