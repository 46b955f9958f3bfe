//! Saved searches' effects: a search written into the config file (off the UI thread),
//! and every search's counts read from the desk on the cache's thread.

use super::Ctx;
use crate::app::Msg;
use crate::domain::{DeskScope, SavedSearch};

/// Writes `search` into the config file at `path`; says how it went.
pub(super) async fn save(path: std::path::PathBuf, search: SavedSearch, overwrite: bool) -> Msg {
    let result = tokio::task::spawn_blocking(move || {
        crate::config::save_search(&path, &search, overwrite)
            .map(|()| search)
            .map_err(|error| error.to_string())
    })
    .await
    .unwrap_or_else(|error| Err(error.to_string()));
    Msg::SearchSaved { result }
}

/// Counts what each search matches on the desk (none where the read fails).
pub(super) fn counts(ctx: &Ctx, request: u64, scope: DeskScope, searches: Vec<SavedSearch>) {
    let Some(cache) = ctx.cache.clone() else {
        ctx.send(Msg::SearchCountsLoaded {
            request,
            counts: Vec::new(),
            synced_at: None,
        });
        return;
    };
    let tx = ctx.tx.clone();
    cache.run(move |c| {
        let now = chrono::Utc::now();
        let counts = searches
            .iter()
            .filter_map(|search| match c.search_counts(&scope, search, now) {
                Ok(counts) => Some((search.name.clone(), counts)),
                Err(error) => {
                    tracing::warn!(%error, "saved search count failed");
                    None
                }
            })
            .collect();
        let synced_at = c.desk_synced_at(&scope).ok().flatten();
        let _ = tx.send(Msg::SearchCountsLoaded {
            request,
            counts,
            synced_at,
        });
    });
}
