//! Asking for a search's hits: the matching itself runs off the loop
//! ([`crate::app::search::SearchJob`]); its answer is taken in `overlays.rs`.

use crate::app::search::{body_words, SearchJob};
use crate::app::{App, Effect};

use super::next_request;

/// Asks for the hits of the query as it is now, off the loop (`Msg::SearchDone` brings
/// them); an empty query has none at once. A query that extends the one the hits answer,
/// over the same rows, looks only at those hits. The words are looked up in the cache's
/// full-text index beside it ([`bodies_found`] takes the answer).
pub(super) fn ask_search(app: &mut App) -> Vec<Effect> {
    let id = next_request(app);
    let version = app.inbox.messages.version();
    let selected = app.inbox.selected;
    let Some(search) = &mut app.search else {
        return Vec::new();
    };
    search.selected_then = selected;
    search.asked_version = version;
    let query = search.query.value().to_owned();
    if query.trim().is_empty() {
        search.hits = Default::default();
        search.pending = None;
        search.answered = query;
        search.version = version;
        return Vec::new();
    }
    let answered = &search.answered;
    let narrowing = search.version == version
        && query.len() > answered.len()
        && query.starts_with(answered.as_str())
        && !answered.trim().is_empty()
        && !query.ends_with(' ')
        && !query.contains('!');
    search.pending = Some(id);
    let mut effects = Vec::new();
    // The words inside the bodies the cache keeps: looked up beside, answered apart.
    let words = body_words(&query);
    if words != search.indexed_words {
        search.indexed = Default::default();
        search.indexed_words = Vec::new();
        search.indexing = None;
        if app.settings.cache_enabled && !words.is_empty() {
            search.indexing = Some(id);
            effects.push(Effect::FindInBodies { search: id, words });
        }
    }
    let job = SearchJob {
        id,
        query,
        rows: app.inbox.messages.snapshot(id),
        within: narrowing.then(|| search.hits.clone()),
        bodies: app.search_texts.clone(),
        indexed: search.indexed.clone(),
    };
    effects.insert(0, Effect::Search(job));
    effects
}

/// The cache's full-text index answered: with messages found, the search is asked again
/// with them (they are hits even where the subject and sender are not).
pub(super) fn bodies_found(
    app: &mut App,
    search: u64,
    words: Vec<String>,
    ids: std::collections::HashSet<String>,
) -> Vec<Effect> {
    let Some(current) = &mut app.search else {
        return Vec::new();
    };
    if current.indexing != Some(search) {
        return Vec::new();
    }
    current.indexing = None;
    current.indexed_words = words;
    if ids.is_empty() {
        return Vec::new();
    }
    current.indexed = std::sync::Arc::new(ids);
    // Not a narrowing: rows outside the hits may be found in their bodies.
    current.answered.clear();
    ask_search(app)
}

/// After every message: when the rows changed under a search (their indices moved), its
/// hits past the end go and it is asked again over the rows as they are.
pub(super) fn follow_rows(app: &mut App) -> Vec<Effect> {
    let version = app.inbox.messages.version();
    let len = app.inbox.messages.len();
    let Some(search) = &mut app.search else {
        return Vec::new();
    };
    if search.asked_version == version || search.query.value().trim().is_empty() {
        return Vec::new();
    }
    if search.hits.last().is_some_and(|h| h.index >= len) {
        let keep = search.hits.partition_point(|h| h.index < len);
        std::sync::Arc::make_mut(&mut search.hits).truncate(keep);
    }
    ask_search(app)
}
