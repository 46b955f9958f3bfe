//! Effects on the local cache: each runs on the cache's own thread, never the UI's.

use super::Ctx;
use crate::app::Msg;
use crate::domain::{MessageSummary, PartiesScope, Party, Scope};

/// Reads a list from the cache (an empty one when there is no cache or it fails).
pub(super) async fn load(ctx: Ctx, request: u64, scope: Scope) -> Msg {
    let Some(local) = ctx.cache.clone() else {
        return Msg::CacheLoaded {
            request,
            list: Default::default(),
        };
    };
    let list = local
        .ask(move |cache| cache.load(&scope))
        .await
        .and_then(|result| {
            result
                .map_err(|error| tracing::warn!(%error, "cache read failed"))
                .ok()
        })
        .unwrap_or_default();
    Msg::CacheLoaded { request, list }
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
