//! A search's effects: the rows scored on a blocking thread (never the UI's), and its words
//! looked up in the cache's full-text index on the cache's thread.

use super::Ctx;
use crate::app::search::SearchJob;
use crate::app::Msg;

/// Scores the rows off the loop; the answer (or that it stopped) goes back as a `Msg`.
pub(super) fn run(ctx: &Ctx, job: SearchJob) {
    let tx = ctx.tx.clone();
    tokio::task::spawn_blocking(move || {
        let _ = tx.send(job.run());
    });
}

/// Looks `words` up in the bodies the cache keeps (none without a cache, or on a failure).
pub(super) fn find_in_bodies(ctx: &Ctx, search: u64, words: Vec<String>) {
    let answer = |ids| Msg::BodiesFound {
        search,
        words: words.clone(),
        ids,
    };
    let Some(cache) = ctx.cache.clone() else {
        ctx.send(answer(Default::default()));
        return;
    };
    let tx = ctx.tx.clone();
    cache.run(move |c| {
        let ids = c.search_bodies(&words).unwrap_or_else(|error| {
            tracing::warn!(%error, "full-text search failed");
            Default::default()
        });
        let _ = tx.send(Msg::BodiesFound { search, words, ids });
    });
}
