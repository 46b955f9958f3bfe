//! `:export`'s effect: the rows' desk entries and cached bodies read on the cache's thread,
//! then written by [`crate::export`] on a blocking thread, with progress now and then. It
//! never asks the server for anything: what the cache lacks is exported as metadata.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Ctx;
use crate::app::{ExportDone, ExportTarget, Msg};
use crate::domain::{DeskItem, DeskScope, Message, Stamp};
use crate::export::{Exporter, Format, Item, Outcome};
use crate::i18n::tr;

/// Progress is told at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Exports `targets` into `dir` as a tree; says what it did.
pub(super) async fn export(
    ctx: Ctx,
    request: u64,
    dir: PathBuf,
    scope: DeskScope,
    targets: Vec<ExportTarget>,
) -> Msg {
    let failed = |error: String| Msg::Exported {
        request,
        result: Err(error),
    };
    let Some(cache) = ctx.cache.clone() else {
        return failed(tr!("hurtigbufferen er slått av").into());
    };
    let ids: Vec<String> = targets.iter().map(|t| t.summary.id.to_string()).collect();
    let read = cache
        .ask(move |c| {
            let desk = c.desk_items(&scope, &ids).unwrap_or_default();
            let bodies = c.bodies_of(&scope.env, &scope.user).unwrap_or_default();
            (desk, bodies)
        })
        .await;
    let Some((desk, bodies)) = read else {
        return failed(tr!("hurtigbufferen er slått av").into());
    };
    let tx = ctx.tx.clone();
    let written = tokio::task::spawn_blocking(move || {
        write_all(&dir, targets, &desk, &bodies, |done, total| {
            let _ = tx.send(Msg::ExportProgress {
                request,
                done,
                total,
            });
        })
    })
    .await;
    match written {
        Ok(result) => Msg::Exported { request, result },
        Err(error) => failed(error.to_string()),
    }
}

/// Writes every target (a tree in `dir`), each with its desk entry's `updatedAt` and its
/// cached body when there is one.
fn write_all(
    dir: &Path,
    targets: Vec<ExportTarget>,
    desk: &HashMap<String, DeskItem>,
    bodies: &HashMap<String, String>,
    progress: impl Fn(usize, usize),
) -> Result<ExportDone, String> {
    let mut exporter = Exporter::open(dir, Format::Tree).map_err(|e| e.to_string())?;
    let mut done = ExportDone {
        dir: dir.to_path_buf(),
        ..ExportDone::default()
    };
    let total = targets.len();
    let mut told = Instant::now();
    for (n, target) in targets.into_iter().enumerate() {
        if told.elapsed() >= PROGRESS_EVERY {
            progress(n, total);
            told = Instant::now();
        }
        let id = target.summary.id.clone();
        let kept = desk.get(id.as_str());
        let cached = bodies.contains_key(id.as_str());
        done.without_content += usize::from(!cached);
        let updated =
            (kept.and_then(|k| k.updated)).or(target.summary.last_changed.map(Stamp::utc));
        if exporter.outcome(&id, updated, cached, false) == Outcome::Unchanged {
            done.unchanged += 1;
            continue;
        }
        let message =
            (bodies.get(id.as_str())).and_then(|j| serde_json::from_str::<Message>(j).ok());
        let mut summary = target.summary;
        summary.owner = Some(target.party.as_str().into());
        let item = Item {
            updated,
            expires: kept
                .and_then(|k| k.expires)
                .or(message.as_ref().and_then(|m| m.expires)),
            folder: kept.map_or(target.folder, |k| k.folder),
            summary,
            party: target.party,
            party_name: target.party_name,
            message,
            files: Vec::new(),
            incomplete: false,
        };
        match exporter.write(&item) {
            Ok(Outcome::New) => done.new += 1,
            Ok(Outcome::Updated) => done.updated += 1,
            Ok(Outcome::Unchanged) => done.unchanged += 1,
            Err(error) => {
                tracing::warn!(%error, "export of a dialog failed");
                done.failed += 1;
            }
        }
    }
    exporter.finish().map_err(|e| e.to_string())?;
    Ok(done)
}
