//! The desk sync: the parties' dialogs read into the cache as metadata, a group of parties
//! a search (as many as Dialogporten's limit allows), groups `concurrency` at a time. The
//! first sync of a group reads it in full; later ones ask only for what changed after the
//! newest `updatedAt` seen (`updatedAfter`), and now and then a group is read in full again
//! so that dialogs gone at Altinn (deleted, expired, moved by a colleague) leave the desk.
//! It only searches: a dialog is never fetched (that would mark it seen for everyone).

use std::collections::HashSet;

use chrono::{DateTime, SubsecRound, Utc};
use futures::StreamExt;

use crate::backend::Backend;
use crate::cache::{CacheHandle, DeskScope, GroupMark};
use crate::domain::{events_of, ApiError, DeskEvent, DeskItem, Party, Stamp};

/// A group is read in full again after this long.
pub const RECONCILE_EVERY: chrono::Duration = chrono::Duration::hours(6);

/// What one sync is told.
#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// Searches in flight at once.
    pub concurrency: usize,
    /// Read every group in full (and drop what Altinn no longer lists).
    pub full: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            concurrency: crate::domain::DEFAULT_CONCURRENCY,
            full: false,
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    /// Groups of parties searched.
    pub groups: usize,
    /// Searches sent (a page each).
    pub requests: usize,
    /// Dialogs added or changed on the desk.
    pub changed: usize,
    /// Dialogs dropped (gone at Altinn).
    pub removed: usize,
    /// Groups read in full.
    pub reconciled: usize,
    /// New dialogs and dialogs that now need action (not yet filtered for once-only).
    pub events: Vec<DeskEvent>,
}

/// One group's outcome.
struct GroupDone {
    requests: usize,
    changed: usize,
    removed: usize,
    full: bool,
    events: Vec<DeskEvent>,
}

/// The key a group's mark is kept under: a hash of its parties.
fn group_key(parties: &[String]) -> String {
    let parts: Vec<&str> = parties.iter().map(String::as_str).collect();
    crate::domain::user_key(&parts)
}

/// Brings the desk of `scope` up to date for `parties`; `progress(done, total)` after each
/// group. Groups that fail do not stop the others; the first failure is returned after all
/// have run (what the others brought is kept).
pub async fn sync_desk(
    backend: &Backend,
    cache: &CacheHandle,
    scope: &DeskScope,
    parties: &[Party],
    options: SyncOptions,
    progress: impl Fn(usize, usize),
) -> Result<SyncReport, ApiError> {
    let limit = backend.party_limit().await.max(1);
    // Sorted, so the groups (and their marks) do not change with the order Altinn lists
    // the parties in.
    let mut ids: Vec<String> = parties.iter().map(|p| p.id.clone()).collect();
    ids.sort();
    ids.dedup();
    let groups: Vec<Vec<String>> = ids.chunks(limit).map(<[String]>::to_vec).collect();
    let keys: Vec<String> = groups.iter().map(|g| group_key(g)).collect();
    let total = groups.len();
    let known = {
        let scope = scope.clone();
        cache
            .ask(move |c| c.desk_known_parties(&scope).unwrap_or_default())
            .await
            .unwrap_or_default()
    };
    let mut report = SyncReport {
        groups: total,
        ..SyncReport::default()
    };
    let mut first_error = None;
    let mut done = 0;
    let mut runs = futures::stream::iter(
        groups
            .into_iter()
            .map(|group| sync_group(backend, cache, scope, group, &known, options.full)),
    )
    .buffer_unordered(options.concurrency.max(1));
    while let Some(outcome) = runs.next().await {
        done += 1;
        progress(done, total);
        match outcome {
            Ok(group) => {
                report.requests += group.requests;
                report.changed += group.changed;
                report.removed += group.removed;
                report.reconciled += usize::from(group.full);
                report.events.extend(group.events);
            }
            Err((requests, error)) => {
                report.requests += requests;
                first_error.get_or_insert(error);
            }
        }
    }
    // Every party of the user synced: the marks of an earlier grouping (before the parties
    // changed, or of one party alone) would only make the desk look older than it is.
    let every = {
        let (scope, ids) = (scope.clone(), ids.clone());
        cache
            .ask(move |c| {
                c.parties(&scope.env, &scope.user)
                    .is_ok_and(|kept| kept.iter().all(|p| ids.binary_search(&p.id).is_ok()))
            })
            .await
            .unwrap_or(false)
    };
    if every && first_error.is_none() {
        let scope = scope.clone();
        cache.ask(move |c| c.desk_keep_marks(&scope, &keys)).await;
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(report),
    }
}

/// One group: read (in full, or what changed), compared with what the desk held, written.
async fn sync_group(
    backend: &Backend,
    cache: &CacheHandle,
    scope: &DeskScope,
    group: Vec<String>,
    known: &HashSet<String>,
    force_full: bool,
) -> Result<GroupDone, (usize, ApiError)> {
    let key = group_key(&group);
    let now = Utc::now();
    let mark = {
        let (scope, key) = (scope.clone(), key.clone());
        cache
            .ask(move |c| c.desk_mark(&scope, &key).ok().flatten())
            .await
            .flatten()
    };
    let full = force_full
        || mark.is_none_or(|m| now.signed_duration_since(m.reconciled_at) > RECONCILE_EVERY);
    let since = if full {
        None
    } else {
        mark.and_then(|m| m.since)
    };
    let mut items: Vec<DeskItem> = Vec::new();
    let mut requests = 0;
    let mut cursor = None;
    loop {
        requests += 1;
        let page = backend
            .desk_page(&group, since, cursor)
            .await
            .map_err(|error| (requests, error))?;
        items.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let newest = items
        .iter()
        .filter_map(|i| i.updated)
        .max()
        .max(mark.and_then(|m| m.since));
    // A party the desk never read is the baseline: its dialogs are not news. One it read
    // in another grouping (the parties changed and the groups shifted) is not.
    let baseline: HashSet<String> = if mark.is_none() {
        group
            .iter()
            .filter(|p| !known.contains(*p))
            .cloned()
            .collect()
    } else {
        HashSet::new()
    };
    let done = write_group(cache, scope, &group, items, full, baseline).await;
    let new_mark = GroupMark {
        since: newest,
        synced_at: now,
        reconciled_at: if full {
            now
        } else {
            mark.map_or(now, |m| m.reconciled_at)
        },
    };
    {
        let (scope, key) = (scope.clone(), key);
        cache
            .ask(move |c| c.set_desk_mark(&scope, &key, new_mark))
            .await;
    }
    let (changed, removed, events) = done;
    Ok(GroupDone {
        requests,
        changed,
        removed,
        full,
        events,
    })
}

/// The item with its times as the cache keeps them (whole milliseconds; Dialogporten
/// gives ten-millionths), so a row sent again unchanged compares equal to the kept one.
fn in_milliseconds(mut item: DeskItem) -> DeskItem {
    let ms = |t: &mut Option<DateTime<Utc>>| *t = t.map(|t| t.trunc_subsecs(3));
    let stamp_ms = |t: &mut Option<Stamp>| *t = t.map(Stamp::whole_millis);
    stamp_ms(&mut item.summary.created);
    stamp_ms(&mut item.summary.last_changed);
    stamp_ms(&mut item.summary.due);
    ms(&mut item.updated);
    ms(&mut item.expires);
    item
}

/// Writes a group's rows (and, after a full read, drops those not listed), returning how
/// many changed and were dropped, and the events the changes give (none for a dialog of a
/// party in `baseline`, read for the first time).
async fn write_group(
    cache: &CacheHandle,
    scope: &DeskScope,
    group: &[String],
    items: Vec<DeskItem>,
    full: bool,
    baseline: HashSet<String>,
) -> (usize, usize, Vec<DeskEvent>) {
    let (scope, group) = (scope.clone(), group.to_vec());
    cache
        .ask(move |c| {
            let now: DateTime<Utc> = Utc::now();
            let ids: Vec<String> = items.iter().map(|i| i.summary.id.to_string()).collect();
            let before = c.desk_items(&scope, &ids).unwrap_or_default();
            let mut events = Vec::new();
            let mut changed = Vec::new();
            for item in items {
                let item = in_milliseconds(item);
                let old = before.get(item.summary.id.as_str());
                // Search never tells an expiry; one kept from an opened dialog is no change.
                if old.is_some_and(|o| {
                    o.expires.is_some() && item.expires.is_none() && {
                        let mut same = o.clone();
                        same.expires = None;
                        same == item
                    }
                }) || old == Some(&item)
                {
                    continue;
                }
                let first = baseline.contains(item.party());
                for kind in events_of(&item, old, first, now) {
                    if matches!(
                        kind,
                        crate::domain::DeskEventKind::New
                            | crate::domain::DeskEventKind::NeedsAction
                    ) {
                        events.push(DeskEvent {
                            kind,
                            item: item.clone(),
                        });
                    }
                }
                changed.push(item);
            }
            let remove: Vec<String> = if full {
                let listed: HashSet<&String> = ids.iter().collect();
                c.desk_ids_of(&scope, &group)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|id| !listed.contains(id))
                    .collect()
            } else {
                Vec::new()
            };
            if let Err(error) = c
                .desk_write(&scope, &changed, &remove)
                .and_then(|()| c.desk_note_parties(&scope, &group))
            {
                tracing::warn!(%error, "desk write failed");
            }
            (changed.len(), remove.len(), events)
        })
        .await
        .unwrap_or_default()
}
