//! The desk's effects: its sync in the background (searches only, on the cache's thread for
//! the writes), and the agenda and the board read from the cache.

use super::Ctx;
use crate::app::Msg;
use crate::desk::sync::{sync_desk, SyncOptions};
use crate::domain::{AgendaGroup, AgendaRow, ApiError, DeskScope, DeskTouch, Party};

/// Brings the desk up to date; says when, or why not.
pub(super) async fn sync(
    ctx: Ctx,
    scope: DeskScope,
    parties: Vec<Party>,
    concurrency: usize,
) -> Msg {
    let Some(cache) = ctx.cache.clone() else {
        return Msg::DeskSynced(Err(ApiError::Local(
            crate::i18n::tr!("hurtigbufferen er slått av").into(),
        )));
    };
    let options = SyncOptions {
        concurrency,
        full: false,
    };
    let result = sync_desk(&ctx.backend, &cache, &scope, &parties, options, |_, _| {}).await;
    if let Err(error) = &result {
        tracing::info!(%error, "desk sync failed");
    }
    Msg::DeskSynced(result.map(|_| chrono::Utc::now()))
}

/// Reads the agenda from the cache's desk.
pub(super) fn agenda(ctx: &Ctx, request: u64, scope: DeskScope, days: i64) {
    agenda_rows(ctx, request, scope, move |c, scope, now| {
        c.agenda(scope, now, days, None)
    });
}

/// Reads from the cache's desk what Altinn deletes within `days`, soonest first, as
/// agenda rows grouped by the deletion's date.
pub(super) fn expiring(ctx: &Ctx, request: u64, scope: DeskScope, days: i64) {
    agenda_rows(ctx, request, scope, move |c, scope, now| {
        let query = crate::cache::DeskQuery {
            expiring: Some((now, days)),
            ..Default::default()
        };
        let mut items = c.desk_rows(scope, &query)?;
        items.sort_by_key(|item| item.expires);
        Ok(items
            .into_iter()
            .map(|item| AgendaRow {
                group: AgendaGroup::of(item.expires, now),
                item,
            })
            .collect())
    });
}

/// Reads rows for the list's agenda view with `read` on the cache's thread and answers
/// `AgendaLoaded` (none without a cache, or on a failure).
fn agenda_rows(
    ctx: &Ctx,
    request: u64,
    scope: DeskScope,
    read: impl FnOnce(
            &crate::cache::Cache,
            &DeskScope,
            chrono::DateTime<chrono::Utc>,
        ) -> Result<Vec<AgendaRow>, crate::cache::CacheError>
        + Send
        + 'static,
) {
    let Some(cache) = ctx.cache.clone() else {
        ctx.send(Msg::AgendaLoaded {
            request,
            rows: Vec::new(),
            synced_at: None,
        });
        return;
    };
    let tx = ctx.tx.clone();
    cache.run(move |c| {
        let rows = read(c, &scope, chrono::Utc::now()).unwrap_or_else(|error| {
            tracing::warn!(%error, "agenda read failed");
            Vec::new()
        });
        let synced_at = c.desk_synced_at(&scope).ok().flatten();
        let _ = tx.send(Msg::AgendaLoaded {
            request,
            rows,
            synced_at,
        });
    });
}

/// Notes on the cache's desk what the user's verbs did.
pub(super) fn touch(ctx: &Ctx, scope: DeskScope, touches: Vec<(String, DeskTouch)>) {
    let Some(cache) = ctx.cache.clone() else {
        return;
    };
    cache.run(move |c| {
        if let Err(error) = c.desk_touch(&scope, &touches) {
            tracing::warn!(%error, "desk write failed");
        }
    });
}

/// Reads the board from the cache's desk.
pub(super) fn board(ctx: &Ctx, request: u64, scope: DeskScope) {
    let Some(cache) = ctx.cache.clone() else {
        ctx.send(Msg::BoardLoaded {
            request,
            rows: Vec::new(),
            synced_at: None,
        });
        return;
    };
    let tx = ctx.tx.clone();
    cache.run(move |c| {
        let rows = c.board(&scope, chrono::Utc::now()).unwrap_or_else(|error| {
            tracing::warn!(%error, "board read failed");
            Vec::new()
        });
        let synced_at = c.desk_synced_at(&scope).ok().flatten();
        let _ = tx.send(Msg::BoardLoaded {
            request,
            rows,
            synced_at,
        });
    });
}
