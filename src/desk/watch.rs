//! What `watch` reports after each desk sync: new dialogs and dialogs that now need action
//! (from the sync), and dialogs whose due date or deletion comes near as time passes (from
//! the desk) — each event about each dialog once, ever: the cache notes what was told, so a
//! restarted `watch` does not tell it again.

use chrono::{DateTime, Utc};

use crate::cache::{CacheHandle, DeskScope};
use crate::domain::desk::{EVENT_DUE_DAYS, EVENT_EXPIRING_DAYS};
use crate::domain::DeskEvent;

/// The events not told before, from the sync's `found` and the desk at `now`, noted as
/// told. In the order found; the same dialog and kind once.
pub async fn fresh_events(
    cache: &CacheHandle,
    scope: &DeskScope,
    found: Vec<DeskEvent>,
    now: DateTime<Utc>,
) -> Vec<DeskEvent> {
    let scope = scope.clone();
    cache
        .ask(move |c| {
            let coming = c
                .desk_coming(&scope, now, EVENT_DUE_DAYS, EVENT_EXPIRING_DAYS)
                .unwrap_or_else(|error| {
                    tracing::warn!(%error, "desk read failed");
                    Vec::new()
                });
            found
                .into_iter()
                .chain(
                    coming
                        .into_iter()
                        .map(|(kind, item)| DeskEvent { kind, item }),
                )
                .filter(|event| {
                    c.desk_note_event(&scope, &event.item.summary.id, event.kind)
                        .unwrap_or(false)
                })
                .collect()
        })
        .await
        .unwrap_or_default()
}
