//! Effects on the local cache: each runs on the cache's own thread, never the UI's.

use super::Ctx;
use crate::app::Msg;
use crate::domain::{MessageSummary, PartiesScope, Party, Scope};

/// Rows in each part after the first: the whole list never sits in memory twice.
const CACHE_PART: usize = 50_000;

/// Reads a list from the cache in parts, on the cache's thread: the first `head` rows at
/// once (the first frame), then the rest (an empty list when there is no cache or it
/// fails).
pub(super) fn load(ctx: &Ctx, request: u64, scope: Scope, head: usize) {
    let Some(local) = ctx.cache.clone() else {
        ctx.send(Msg::CacheLoaded {
            request,
            list: Default::default(),
            more: false,
        });
        return;
    };
    let tx = ctx.tx.clone();
    local.run(move |cache| {
        let mut ended = false;
        let result = cache.load_in_parts(&scope, head, CACHE_PART, |list, more| {
            ended = !more;
            let _ = tx.send(Msg::CacheLoaded {
                request,
                list,
                more,
            });
        });
        if let Err(error) = result {
            tracing::warn!(%error, "cache read failed");
        }
        if !ended {
            // (A failure part way: the list ends where it got to.)
            let _ = tx.send(Msg::CacheLoaded {
                request,
                list: Default::default(),
                more: false,
            });
        }
    });
}

/// Writes what a sync step learned.
pub(super) fn write(
    ctx: &Ctx,
    scope: Scope,
    upsert: Vec<MessageSummary>,
    remove: Vec<String>,
    complete: Option<bool>,
) {
    if let Some(local) = &ctx.cache {
        local.run(move |cache| {
            if let Err(error) = cache.write(&scope, &upsert, &remove, complete) {
                tracing::warn!(%error, "cache write failed");
            }
        });
    }
}

/// Remembers who used `env` last (for `--offline`).
pub(super) fn remember_user(ctx: &Ctx, env: String, user: String) {
    if let Some(local) = &ctx.cache {
        local.run(move |cache| {
            if let Err(error) = cache.set_last_user(&env, &user) {
                tracing::warn!(%error, "cache write failed");
            }
        });
    }
}

/// The parties the cache kept for `scope` (none when there is no cache or it fails).
pub(super) async fn parties(ctx: &Ctx, scope: PartiesScope) -> Vec<Party> {
    let Some(local) = ctx.cache.clone() else {
        return Vec::new();
    };
    local
        .ask(move |cache| cache.parties(&scope.env, &scope.user))
        .await
        .and_then(|result| {
            result
                .map_err(|error| tracing::warn!(%error, "cache read failed"))
                .ok()
        })
        .unwrap_or_default()
}

/// Keeps the server's parties for next time.
pub(super) fn keep_parties(ctx: &Ctx, scope: PartiesScope, parties: Vec<Party>) {
    if let Some(local) = &ctx.cache {
        local.run(move |cache| {
            if let Err(error) = cache.set_parties(&scope.env, &scope.user, &parties) {
                tracing::warn!(%error, "cache write failed");
            }
        });
    }
}

/// Notes that a first page from the server has reconciled `scope`'s list.
pub(super) fn mark_reconciled(ctx: &Ctx, scope: Scope) {
    if let Some(local) = &ctx.cache {
        local.run(move |cache| {
            if let Err(error) = cache.mark_reconciled(&scope) {
                tracing::warn!(%error, "cache write failed");
            }
        });
    }
}
