//! Effects on the mailbox: parties, profile, pages, messages (from the cache when a preview
//! allows it), and actions.

use std::time::Duration;

use super::{cache, Ctx};
use crate::app::Msg;
use crate::domain::{
    ApiError, BulkTarget, Cursor, Inbox, Labels, Message, MessageAction, PartiesScope, Query, Scope,
};

/// How long a preview waits for the cursor to stop before it is fetched, so holding `j`
/// fetches only where the cursor stops.
const PREVIEW_DEBOUNCE: Duration = Duration::from_millis(120);

/// The parties the user can act for: those the cache kept first (at once, and offline),
/// then the server's, which the cache keeps for next time.
pub(super) async fn parties(ctx: Ctx, cached: Option<PartiesScope>) -> Msg {
    if let Some(scope) = &cached {
        let kept = cache::parties(&ctx, scope.clone()).await;
        if !kept.is_empty() {
            ctx.send(Msg::CachedReporteesLoaded(kept));
        }
    }
    if ctx.offline {
        return Msg::ReporteesFailed(ApiError::Offline);
    }
    match ctx.backend.parties().await {
        Ok(parties) => {
            if let Some(scope) = cached {
                cache::keep_parties(&ctx, scope, parties.clone());
            }
            ctx.send(Msg::PartyLimit(ctx.backend.party_limit().await));
            Msg::ReporteesLoaded(parties)
        }
        Err(error) => Msg::ReporteesFailed(error),
    }
}

/// The user's profile; a failure is only logged (the title bar goes without a name).
pub(super) async fn profile(ctx: Ctx) {
    match ctx.backend.profile().await {
        Ok(profile) => ctx.send(Msg::ProfileLoaded(profile)),
        Err(error) => tracing::warn!(%error, "profile failed"),
    }
}

/// One page of `inbox`.
pub(super) async fn page(
    ctx: Ctx,
    request: u64,
    inbox: Inbox,
    skip: usize,
    cursor: Cursor,
    query: Query,
) -> Msg {
    match ctx.backend.page(&inbox, &query, &cursor).await {
        Ok(page) => {
            tracing::debug!(skip, count = page.messages.len(), "page loaded");
            Msg::PageLoaded {
                request,
                skip,
                page,
            }
        }
        Err(error) => {
            tracing::warn!(skip, %error, "page failed");
            Msg::PageFailed {
                request,
                skip,
                error,
            }
        }
    }
}

/// Does `action` to message `id`.
pub(super) async fn act(
    ctx: Ctx,
    request: u64,
    inbox: Inbox,
    id: String,
    action: MessageAction,
) -> Msg {
    match ctx.backend.act(&inbox, &id, action).await {
        Ok(new_id) => Msg::ActionDone {
            request,
            id,
            action,
            new_id,
        },
        Err(error) => {
            tracing::warn!(?action, %error, "action refused");
            Msg::ActionFailed {
                request,
                action,
                error,
            }
        }
    }
}

/// Does `action` to many messages at once, saying how far it has come.
pub(super) async fn act_many(
    ctx: Ctx,
    request: u64,
    action: MessageAction,
    targets: Vec<BulkTarget>,
) -> Msg {
    let total = targets.len();
    let tx = ctx.tx.clone();
    let progress = move |done| {
        let _ = tx.send(Msg::BulkProgress {
            request,
            done,
            total,
        });
    };
    let outcomes = ctx.backend.act_many(&targets, action, progress).await;
    Msg::BulkDone {
        request,
        action,
        outcomes,
    }
}

/// Puts back the labels the last bulk change took, saying how far it has come.
pub(super) async fn put_back(ctx: Ctx, request: u64, targets: Vec<(String, Labels)>) -> Msg {
    let total = targets.len();
    let tx = ctx.tx.clone();
    let progress = move |done| {
        let _ = tx.send(Msg::BulkProgress {
            request,
            done,
            total,
        });
    };
    let outcomes = ctx.backend.put_back(&targets, progress).await;
    Msg::PutBackDone { request, outcomes }
}

/// A message's detail to fetch: an explicit open or a preview, with the neighbours to fetch
/// after it.
#[derive(Debug)]
pub(super) struct MessageFetch {
    pub request: u64,
    pub inbox: Inbox,
    pub id: String,
    /// An explicit open: the server marks it read.
    pub open: bool,
    /// A preview: wait [`PREVIEW_DEBOUNCE`] first (the task is aborted by a newer one).
    pub debounce: bool,
    /// The cache to answer previews from and keep the body in.
    pub scope: Option<Scope>,
    /// Neighbours (whose inbox, id) to fetch afterwards as previews.
    pub prefetch: Vec<(Inbox, String)>,
}

/// Fetches a message's detail, then its neighbours as previews.
pub(super) async fn message(ctx: Ctx, fetch: MessageFetch) {
    if fetch.debounce {
        tokio::time::sleep(PREVIEW_DEBOUNCE).await;
    }
    let scope = fetch.scope.as_ref();
    // A body never changes: a preview (or anything offline) is answered from the cache when
    // it has it; opening an unread one must reach the server, which marks it read.
    let msg = match body(&ctx, scope, &fetch.inbox, &fetch.id, fetch.open).await {
        Ok(message) => Msg::MessageLoaded {
            request: fetch.request,
            message: Box::new(message),
            marked_read: fetch.open,
        },
        Err(error) => {
            tracing::warn!(%error, "message failed");
            Msg::MessageFailed {
                request: fetch.request,
                error,
            }
        }
    };
    ctx.send(msg);
    for (inbox, id) in &fetch.prefetch {
        if let Ok(message) = body(&ctx, scope, inbox, id, false).await {
            ctx.send(Msg::MessageLoaded {
                request: 0,
                message: Box::new(message),
                marked_read: false,
            });
        }
    }
}

/// A message's detail: from the cache when allowed (a preview, or offline), else from the
/// server (then kept in the cache).
async fn body(
    ctx: &Ctx,
    scope: Option<&Scope>,
    inbox: &Inbox,
    id: &str,
    open: bool,
) -> Result<Message, ApiError> {
    let local = ctx.cache.as_ref().zip(scope);
    if let Some((cache, scope)) = local {
        if !open || ctx.offline {
            let (scope, key) = (scope.clone(), id.to_owned());
            let cached = cache
                .ask(move |c| c.body(&scope, &key).ok().flatten())
                .await
                .flatten();
            if let Some(message) = cached {
                return Ok(message);
            }
        }
    }
    if ctx.offline {
        return Err(ApiError::Offline);
    }
    let message = if open {
        ctx.backend.open(inbox, id).await?
    } else {
        ctx.backend.preview(inbox, id).await?
    };
    if let Some((cache, scope)) = local {
        let (scope, body) = (scope.clone(), message.clone());
        cache.run(move |c| {
            if let Err(error) = c.store_body(&scope, &body) {
                tracing::warn!(%error, "cache write failed");
            }
        });
    }
    Ok(message)
}
