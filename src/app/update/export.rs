//! `:export`: the marked dialogs, or the shown ones when none are marked, written into the
//! config's `export_dir` from the cache alone — none is opened, so none is marked seen for
//! a colleague — by the runtime, with its progress in the status line.

use crate::app::{App, Effect, ExportDone, ExportTarget, Status};
use crate::domain::{DeskScope, Inbox, MessageSummary};
use crate::i18n::tr;

use super::next_request;

/// `:export`.
pub(super) fn start(app: &mut App) -> Vec<Effect> {
    if app.exporting.is_some() {
        app.status = Some(Status::Info(tr!("En eksport pågår allerede.").into()));
        return Vec::new();
    }
    let Some(dir) = app.settings.export_dir.clone() else {
        let said = tr!("Ingen mappe å eksportere til: sett export_dir i konfigurasjonsfila.");
        app.status = Some(Status::Error(said.into()));
        return Vec::new();
    };
    let Some(scope) = scope(app) else {
        let said =
            tr!("Eksporten tar innholdet fra hurtigbufferen, og den er slått av (cache = true).");
        app.status = Some(Status::Error(said.into()));
        return Vec::new();
    };
    let marked = &app.inbox.marked;
    let rows: Vec<&MessageSummary> = if marked.is_empty() {
        app.inbox.messages.iter().collect()
    } else {
        (app.inbox.messages.iter())
            .filter(|m| marked.contains(m.id.as_str()))
            .collect()
    };
    if rows.is_empty() {
        app.status = Some(Status::Info(tr!("Ingen dialoger å eksportere.").into()));
        return Vec::new();
    }
    let targets: Vec<ExportTarget> = rows.into_iter().map(|m| target(app, m)).collect();
    let request = next_request(app);
    app.exporting = Some(request);
    app.status = Some(Status::Info(tr!(
        one: "Eksporterer {count} dialog til {dir} …",
        other: "Eksporterer {count} dialoger til {dir} …",
        count = targets.len(),
        dir = dir.display()
    )));
    vec![Effect::Export {
        request,
        dir,
        scope,
        targets,
    }]
}

/// Whose cache the export reads: the user's in this environment, when the cache is on.
fn scope(app: &App) -> Option<DeskScope> {
    let user = (app.session.user_key.clone()).filter(|_| app.settings.cache_enabled)?;
    Some(DeskScope {
        env: app.settings.env.clone(),
        user,
    })
}

/// A row as the export takes it: the party it is listed for (its own in the merged view).
fn target(app: &App, message: &MessageSummary) -> ExportTarget {
    let party: String = (message.owner.as_ref().map(|o| o.to_string()))
        .or_else(|| match &app.whose {
            Inbox::Party(id) => Some(id.clone()),
            _ => None,
        })
        .or_else(|| app.parties.list.first().map(|p| p.id.clone()))
        .unwrap_or_else(|| Inbox::Me.key().to_owned());
    let party_name = (app.party_name(&party).map(str::to_owned))
        .or_else(|| {
            app.reportee_name
                .clone()
                .filter(|_| message.owner.is_none())
        })
        .unwrap_or_else(|| party.clone());
    ExportTarget {
        summary: message.clone(),
        party,
        party_name,
        folder: app.folder,
    }
}

/// How far the export has come, in the status line.
pub(super) fn progress(app: &mut App, request: u64, done: usize, total: usize) -> Vec<Effect> {
    if app.exporting == Some(request) {
        app.status = Some(Status::Info(tr!(
            "Eksporterer … {n} av {total}",
            n = crate::i18n::number(done),
            total = crate::i18n::number(total)
        )));
    }
    Vec::new()
}

/// The export ended: what it wrote, and that it took only what the cache holds.
pub(super) fn exported(
    app: &mut App,
    request: u64,
    result: Result<ExportDone, String>,
) -> Vec<Effect> {
    if app.exporting != Some(request) {
        return Vec::new();
    }
    app.exporting = None;
    app.status = Some(match result {
        Ok(done) => Status::Info(tr!(
            "Eksportert til {dir}: {new} nye, {updated} endret, {unchanged} uendret, {failed} feilet; {without} uten innhold (bare hurtigbufferen er brukt: ingenting er åpnet eller markert som sett).",
            dir = done.dir.display(),
            new = done.new,
            updated = done.updated,
            unchanged = done.unchanged,
            failed = done.failed,
            without = done.without_content
        )),
        Err(error) => Status::Error(tr!("Eksporten feilet: {error}", error)),
    });
    Vec::new()
}
