//! The desk's commands: `sync` (every party's dialogs into the cache as metadata), `agenda`
//! (what is due, soonest first), `board` (one row per party, most urgent first) and `count`
//! (for a status line: the cache only — no network, no keyring, no lock). `agenda` and
//! `board` sync first unless `--offline`, and then say how old the data is.

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;
use serde_json::json;

use super::progress::Progress;
use super::{fail_api, fail_as, resume, EXIT_NETWORK};
use crate::backend::Backend;
use crate::cache::{Cache, CacheHandle, DeskQuery, DeskScope};
use crate::config::Environment;
use crate::desk::sync::{sync_desk, SyncOptions, SyncReport};
use crate::domain::desk::AGENDA_DAYS;
use crate::domain::{AgendaGroup, AgendaRow, BoardRow, DeskCounts, Party};
use crate::i18n::tr;

/// The desk of the user a command works for: the cache on its thread, whose it is, and the
/// parties kept.
pub(super) struct Desk {
    pub(super) cache: CacheHandle,
    pub(super) scope: DeskScope,
}

/// What a desk command is told besides its own flags.
#[derive(Debug, Clone, Copy)]
pub struct DeskOptions {
    /// `--json`.
    pub json: bool,
    /// `--offline`: the cache alone.
    pub offline: bool,
    /// Searches in flight at once.
    pub concurrency: usize,
}

pub(super) fn open_cache() -> Result<Cache, String> {
    let path = Cache::default_path().ok_or_else(|| tr!("ingen hjemmekatalog").to_owned())?;
    Cache::open(&path).map_err(|error| error.to_string())
}

impl Desk {
    /// The desk of whoever used `environment` last, from the cache alone (`count`,
    /// `--offline`); `None` when there is none yet.
    fn last(environment: &Environment) -> Result<Option<Self>, String> {
        let cache = open_cache()?;
        let Some(user) = cache
            .last_user(&environment.key)
            .map_err(|error| error.to_string())?
        else {
            return Ok(None);
        };
        Ok(Some(Self {
            cache: CacheHandle::start(cache),
            scope: DeskScope {
                env: environment.key.clone(),
                user,
            },
        }))
    }

    pub(super) async fn parties(&self) -> Vec<Party> {
        let scope = self.scope.clone();
        self.cache
            .ask(move |c| c.parties(&scope.env, &scope.user).unwrap_or_default())
            .await
            .unwrap_or_default()
    }
}

/// The saved session resumed, its desk opened, the parties fetched and kept, and the desk
/// brought up to date (progress on stderr). On failure the exit code, already reported.
pub(super) async fn synced_desk(
    environment: &Environment,
    as_json: bool,
    reportee: Option<&str>,
    options: SyncOptions,
) -> Result<(Backend, Desk, SyncReport), ExitCode> {
    let (backend, user) = resume(environment)
        .await
        .map_err(|(message, code, exit)| fail_as(as_json, code, &message, exit))?;
    let Some(user) = user else {
        return Err(fail_as(
            as_json,
            "local",
            tr!("økten sier ikke hvem du er; logg inn igjen: innboks login"),
            1,
        ));
    };
    let mut cache = open_cache().map_err(|message| fail_as(as_json, "local", &message, 1))?;
    let _ = cache.set_last_user(&environment.key, &user);
    let desk = Desk {
        cache: CacheHandle::start(cache),
        scope: DeskScope {
            env: environment.key.clone(),
            user,
        },
    };
    let report = sync_into(&backend, &desk, as_json, reportee, options).await?;
    Ok((backend, desk, report))
}

/// The party `--reportee` names (by reportee id or organisation number), or `None` for
/// every party (not given, or `all`); a name no party has fails in one line (exit 4).
pub(super) fn chosen_party<'a>(
    parties: &'a [Party],
    reportee: Option<&str>,
    as_json: bool,
) -> Result<Option<&'a Party>, ExitCode> {
    let Some(wanted) = reportee.filter(|r| *r != "all") else {
        return Ok(None);
    };
    match parties.iter().find(|p| p.is_named(wanted)) {
        Some(party) => Ok(Some(party)),
        None => Err(fail_as(
            as_json,
            "not-found",
            &tr!(
                "ingen aktør «{wanted}» blant dem du kan representere",
                wanted
            ),
            4,
        )),
    }
}

/// One desk sync of every party (or `reportee` alone), the parties kept for the board.
pub(super) async fn sync_into(
    backend: &Backend,
    desk: &Desk,
    as_json: bool,
    reportee: Option<&str>,
    options: SyncOptions,
) -> Result<SyncReport, ExitCode> {
    let progress = Progress::new();
    progress.say(tr!("Henter aktørene …"));
    let parties = backend
        .parties()
        .await
        .map_err(|error| fail_api(as_json, &error))?;
    {
        let (scope, kept) = (desk.scope.clone(), parties.clone());
        desk.cache
            .ask(move |c| c.set_parties(&scope.env, &scope.user, &kept))
            .await;
    }
    let chosen: Vec<Party> = match chosen_party(&parties, reportee, as_json)? {
        None => parties,
        Some(one) => vec![one.clone()],
    };
    let report = sync_desk(
        backend,
        &desk.cache,
        &desk.scope,
        &chosen,
        options,
        |done, total| {
            progress.say(&tr!(
                "Oppdaterer skrivebordet … gruppe {done} av {total}",
                done,
                total
            ));
        },
    )
    .await
    .map_err(|error| fail_api(as_json, &error))?;
    Ok(report)
}

/// `innboks sync [--reportee ID|all] [--full]`.
pub async fn sync(
    environment: &Environment,
    options: DeskOptions,
    reportee: Option<String>,
    full: bool,
) -> ExitCode {
    if options.offline {
        return fail_api(options.json, &crate::domain::ApiError::Offline);
    }
    let sync = SyncOptions {
        concurrency: options.concurrency,
        full,
    };
    let report = match synced_desk(environment, options.json, reportee.as_deref(), sync).await {
        Ok((_, _, report)) => report,
        Err(exit) => return exit,
    };
    if options.json {
        say!(
            "{}",
            json!({"groups": report.groups, "requests": report.requests,
                   "changed": report.changed, "removed": report.removed,
                   "reconciled": report.reconciled})
        );
    } else {
        say!(
            "{}",
            tr!(
                "Skrivebordet er oppdatert: {changed} endret, {removed} borte, {requests} søk.",
                changed = report.changed,
                removed = report.removed,
                requests = report.requests
            )
        );
    }
    ExitCode::SUCCESS
}

/// The desk for a view: synced first, or with `--offline` the cache alone with a line on
/// stderr saying how old it is. On failure the exit code, already reported.
async fn desk_for_view(environment: &Environment, options: DeskOptions) -> Result<Desk, ExitCode> {
    if !options.offline {
        let sync = SyncOptions {
            concurrency: options.concurrency,
            full: false,
        };
        return synced_desk(environment, options.json, None, sync)
            .await
            .map(|(_, desk, _)| desk);
    }
    let none = || {
        fail_as(
            options.json,
            "offline",
            &tr!(
                "--offline: ingen hurtigbuffer for «{env}» ennå. Kjør kommandoen uten --offline først.",
                env = environment.name
            ),
            EXIT_NETWORK,
        )
    };
    let desk = Desk::last(environment)
        .map_err(|message| fail_as(options.json, "local", &message, 1))?
        .ok_or_else(none)?;
    let scope = desk.scope.clone();
    let synced = desk
        .cache
        .ask(move |c| c.desk_synced_at(&scope).ok().flatten())
        .await
        .flatten();
    match synced {
        Some(at) => eprintln!(
            "innboks: {}",
            tr!(
                "frakoblet: skrivebordet slik det var {when}",
                when = crate::text::date_text(at)
            )
        ),
        None => return Err(none()),
    }
    Ok(desk)
}

/// `innboks agenda [--reportee ID|all] [--days N]`.
pub async fn agenda(
    environment: &Environment,
    options: DeskOptions,
    reportee: Option<String>,
    days: Option<i64>,
) -> ExitCode {
    let desk = match desk_for_view(environment, options).await {
        Ok(desk) => desk,
        Err(exit) => return exit,
    };
    let parties = desk.parties().await;
    let party = match chosen_party(&parties, reportee.as_deref(), options.json) {
        Ok(chosen) => chosen.map(|p| p.id.clone()),
        Err(exit) => return exit,
    };
    let now = Utc::now();
    let days = days.unwrap_or(AGENDA_DAYS);
    let scope = desk.scope.clone();
    let rows = match desk
        .cache
        .ask(move |c| c.agenda(&scope, now, days, party.as_deref()))
        .await
    {
        Some(Ok(rows)) => rows,
        Some(Err(error)) => return fail_as(options.json, "local", &error.to_string(), 1),
        None => Vec::new(),
    };
    let names: std::collections::HashMap<&str, &str> = parties
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    if options.json {
        let rows: Vec<serde_json::Value> = rows.iter().map(|row| agenda_json(row, now)).collect();
        say!("{}", serde_json::Value::Array(rows));
    } else {
        print_agenda(&rows, &names);
    }
    ExitCode::SUCCESS
}

/// `innboks list --expiring DAYS`: the desk's dialogs Altinn deletes within `days`,
/// soonest first (synced first unless `--offline`). Dialogporten's search does not say
/// when a dialog is deleted, only an opened dialog does: the rest are not known.
pub async fn expiring(
    environment: &Environment,
    options: DeskOptions,
    reportee: Option<String>,
    folder: Option<crate::domain::Folder>,
    days: i64,
) -> ExitCode {
    let desk = match desk_for_view(environment, options).await {
        Ok(desk) => desk,
        Err(exit) => return exit,
    };
    let parties = desk.parties().await;
    let chosen = match chosen_party(&parties, reportee.as_deref(), options.json) {
        Ok(chosen) => chosen.map(|p| vec![p.id.clone()]),
        Err(exit) => return exit,
    };
    let query = DeskQuery {
        parties: chosen,
        folder,
        since: None,
        expiring: Some((Utc::now(), days)),
    };
    let scope = desk.scope.clone();
    let mut rows = match desk.cache.ask(move |c| c.desk_rows(&scope, &query)).await {
        Some(Ok(rows)) => rows,
        Some(Err(error)) => return fail_as(options.json, "local", &error.to_string(), 1),
        None => Vec::new(),
    };
    rows.sort_by_key(|row| row.expires);
    if options.json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| {
                let mut value = super::mail::summary_json(&row.summary);
                value["expires"] = json!(row.expires.map(|t| t.to_rfc3339()));
                value
            })
            .collect();
        say!("{}", serde_json::Value::Array(rows));
        return ExitCode::SUCCESS;
    }
    if rows.is_empty() {
        say!(
            "{}",
            tr!(
                "Ingen dialoger som Altinn sletter innen {days} dager (det vet innboks bare for dialoger som er åpnet).",
                days
            )
        );
    }
    let names: std::collections::HashMap<&str, &str> = parties
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    for row in &rows {
        let m = &row.summary;
        let party = names.get(row.party()).copied().unwrap_or(row.party());
        say!(
            "  {:width$}  {}  {}  {}  [{}]",
            row.expires.map(crate::text::date_text).unwrap_or_default(),
            crate::text::fit(party, 24),
            crate::text::fit(m.sender(), 20),
            m.subject,
            m.id,
            width = crate::text::date_width()
        );
    }
    ExitCode::SUCCESS
}

fn agenda_json(row: &AgendaRow, now: chrono::DateTime<Utc>) -> serde_json::Value {
    let mut value = super::mail::summary_json(&row.item.summary);
    value["overdue"] =
        json!(row.group == AgendaGroup::Overdue && row.item.summary.due < Some(now.into()));
    value["requires_attention"] = json!(row.item.requires_attention);
    value["group"] = json!(row.group.key());
    value
}

/// A group's heading on screen and in the agenda's text.
pub fn group_title(group: AgendaGroup) -> &'static str {
    match group {
        AgendaGroup::Overdue => tr!("Forfalt"),
        AgendaGroup::ThisWeek => tr!("Denne uka"),
        AgendaGroup::Later => tr!("Senere"),
        AgendaGroup::NoDate => tr!("Må handles, uten frist"),
    }
}

fn print_agenda(rows: &[AgendaRow], names: &std::collections::HashMap<&str, &str>) {
    if rows.is_empty() {
        say!("{}", tr!("Ingen frister og ingenting som må handles."));
        return;
    }
    let mut shown = None;
    for row in rows {
        if shown != Some(row.group) {
            say!("{}", group_title(row.group));
            shown = Some(row.group);
        }
        let m = &row.item.summary;
        let due = m.due.map(crate::text::date_text).unwrap_or_default();
        let party = names
            .get(row.item.party())
            .copied()
            .unwrap_or(row.item.party());
        say!(
            "  {due:width$}  {}  {}  {}  [{}]",
            crate::text::fit(party, 24),
            crate::text::fit(m.sender(), 20),
            m.subject,
            m.id,
            width = crate::text::date_width()
        );
    }
}

/// `innboks board`.
pub async fn board(environment: &Environment, options: DeskOptions) -> ExitCode {
    let desk = match desk_for_view(environment, options).await {
        Ok(desk) => desk,
        Err(exit) => return exit,
    };
    let now = Utc::now();
    let scope = desk.scope.clone();
    let mut rows = match desk.cache.ask(move |c| c.board(&scope, now)).await {
        Some(Ok(rows)) => rows,
        Some(Err(error)) => return fail_as(options.json, "local", &error.to_string(), 1),
        None => Vec::new(),
    };
    rows.sort_by_key(BoardRow::urgency);
    if options.json {
        let rows: Vec<serde_json::Value> = rows.iter().map(board_json).collect();
        say!("{}", serde_json::Value::Array(rows));
    } else {
        print_board(&rows);
    }
    ExitCode::SUCCESS
}

fn board_json(row: &BoardRow) -> serde_json::Value {
    json!({
        "party": row.party,
        "name": row.name,
        "organisation_number": row.organisation_number,
        "unread": row.unread,
        "requires_attention": row.requires_attention,
        "due_14d": row.due_soon,
        "overdue": row.overdue,
        "newest": row.newest.map(|t| t.to_rfc3339()),
    })
}

fn print_board(rows: &[BoardRow]) {
    say!(
        "{:<32}  {:<9}  {:>6}  {:>6}  {:>6}  {:>6}  {}",
        tr!("Aktør"),
        tr!("Org.nr."),
        tr!("Uleste"),
        tr!("Handle"),
        tr!("14 d"),
        tr!("Forfalt"),
        tr!("Nyeste")
    );
    for row in rows {
        say!(
            "{}  {:<9}  {:>6}  {:>6}  {:>6}  {:>6}  {}",
            crate::text::fit(&row.name, 32),
            row.organisation_number.as_deref().unwrap_or(""),
            row.unread,
            row.requires_attention,
            row.due_soon,
            row.overdue,
            row.newest.map(crate::text::date_text).unwrap_or_default()
        );
    }
}

/// `innboks count [--format TEMPLATE]`: from the cache alone, never the network, the
/// keyring or the session's lock (it runs in a status line every few seconds). Nothing
/// cached yet prints nothing (JSON: zeros).
pub fn count(env_key: &str, as_json: bool, format: Option<&str>) -> ExitCode {
    if let Some(unknown) = format.and_then(unknown_placeholder) {
        return fail_as(
            as_json,
            "usage",
            &tr!(
                "--format: ukjent felt «{unknown}»; kjente felt er unread, requires_attention, due_7d, overdue og expiring_30d",
                unknown
            ),
            crate::exit::EXIT_USAGE,
        );
    }
    let counts = match count_of(env_key) {
        Ok(counts) => counts,
        Err(message) => return fail_as(as_json, "local", &message, 1),
    };
    if as_json {
        say!("{}", json!(counts));
    } else if let Some(template) = format {
        say!("{}", fill(template, &counts));
    } else {
        say!("{}", count_line(&counts));
    }
    ExitCode::SUCCESS
}

/// The counts of whoever used `environment` last, read straight from the file.
fn count_of(env_key: &str) -> Result<DeskCounts, String> {
    let Some(path) = Cache::default_path() else {
        return Ok(DeskCounts::default());
    };
    if !path.exists() {
        return Ok(DeskCounts::default());
    }
    // Read-only when it can be (a status line asks every few seconds, maybe while innboks
    // writes); made current first when it is older.
    let cache = match Cache::open_to_read(&path) {
        Ok(Some(cache)) => cache,
        Ok(None) | Err(_) => Cache::open(&path).map_err(|error| error.to_string())?,
    };
    let Some(user) = cache
        .last_user(env_key)
        .map_err(|error| error.to_string())?
    else {
        return Ok(DeskCounts::default());
    };
    let scope = DeskScope {
        env: env_key.to_owned(),
        user,
    };
    cache
        .desk_counts(&scope, Utc::now(), None)
        .map_err(|error| error.to_string())
}

/// `3 uleste · 1 frist`: the counts that are not zero.
pub fn count_line(counts: &DeskCounts) -> String {
    let number = crate::i18n::number;
    let parts = [
        (
            counts.overdue,
            tr!("{n} forfalt", n = number(counts.overdue)),
        ),
        (
            counts.due_7d,
            tr!(one: "{n} frist", other: "{n} frister", n = counts.due_7d),
        ),
        (
            counts.requires_attention,
            tr!("{n} å handle", n = number(counts.requires_attention)),
        ),
        (
            counts.unread,
            tr!(one: "{n} ulest", other: "{n} uleste", n = counts.unread),
        ),
        (
            counts.expiring_30d,
            tr!("{n} slettes snart", n = number(counts.expiring_30d)),
        ),
    ];
    parts
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The fields `--format` knows.
const FIELDS: [&str; 5] = [
    "unread",
    "requires_attention",
    "due_7d",
    "overdue",
    "expiring_30d",
];

/// The first `{name}` in `template` that is none of [`FIELDS`] (a typo would otherwise
/// show in the status line as written). Braces around anything but a name (JSON for
/// waybar, say) are not placeholders.
pub fn unknown_placeholder(template: &str) -> Option<&str> {
    template.split('{').skip(1).find_map(|after| {
        let name = after.split_once('}')?.0;
        let is_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        (is_name && !FIELDS.contains(&name)).then_some(name)
    })
}

/// `--format`: `{unread}`, `{requires_attention}`, `{due_7d}`, `{overdue}` and
/// `{expiring_30d}` replaced by their counts; other text kept as written.
pub fn fill(template: &str, counts: &DeskCounts) -> String {
    [
        ("{unread}", counts.unread),
        ("{requires_attention}", counts.requires_attention),
        ("{due_7d}", counts.due_7d),
        ("{overdue}", counts.overdue),
        ("{expiring_30d}", counts.expiring_30d),
    ]
    .into_iter()
    .fold(template.to_owned(), |text, (key, n)| {
        text.replace(key, &n.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PartyKind;

    #[test]
    fn the_reportee_is_named_by_id_or_organisation_number() {
        let party = |id: &str, number: Option<&str>| Party {
            id: id.into(),
            name: format!("PART {id}"),
            kind: PartyKind::Organisation,
            organisation_number: number.map(str::to_owned),
        };
        let parties = [party("r1", None), party("r2", Some("910000002"))];
        let chosen =
            |reportee| chosen_party(&parties, reportee, true).map(|p| p.map(|p| p.id.clone()));
        assert_eq!(chosen(None).ok(), Some(None), "every party");
        assert_eq!(chosen(Some("all")).ok(), Some(None), "every party");
        assert_eq!(chosen(Some("r1")).ok(), Some(Some("r1".into())));
        assert_eq!(chosen(Some("910000002")).ok(), Some(Some("r2".into())));
        assert!(chosen(Some("r3")).is_err(), "no such party");
    }
}
