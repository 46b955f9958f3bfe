//! `innboks export`: the desk brought up to date (searches only: nothing is opened), its
//! dialogs for the chosen parties, folder and dates written to disk by [`crate::export`]
//! with the bodies the cache holds. `--with-content` fetches the rest — which marks those
//! dialogs seen for every colleague at Altinn — so it says how many first and asks, or
//! takes `--yes`; with no terminal to ask on it refuses (exit 2) and fetches nothing.
//! `--offline`, and `--env demo` (the demo's cache), export the cache alone.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::desk::{chosen_party, open_cache, synced_desk, Desk, DeskOptions};
use super::progress::Progress;
use super::{fail_as, EXIT_NETWORK};
use crate::backend::Backend;
use crate::cache::{CacheHandle, DeskQuery, DeskScope, Scope};
use crate::config::Environment;
use crate::desk::sync::SyncOptions;
use crate::domain::{DeskItem, DeskTouch, Folder, Inbox, Message};
use crate::export::{ExportError, Exporter, Format, Item, Outcome, Report};
use crate::i18n::tr;

/// What `export` is asked for besides the desk's options.
#[derive(Debug, Clone)]
pub struct ExportArgs {
    /// The folder to export into.
    pub out: PathBuf,
    /// One party (id or organisation number), or every one.
    pub reportee: Option<String>,
    /// One folder, or every one.
    pub folder: Option<Folder>,
    /// Only dialogs changed at or after this.
    pub since: Option<DateTime<Utc>>,
    /// Tree or Maildir.
    pub format: Format,
    /// Fetch the content the cache lacks.
    pub with_content: bool,
    /// Do not ask before fetching.
    pub yes: bool,
    /// Only dialogs Altinn deletes within this many days.
    pub expiring: Option<i64>,
}

/// Where the dialogs come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Altinn: the desk synced first, content fetched when asked.
    Altinn(Environment),
    /// The cache alone (`--offline`, or the demo's): the environment's key and name.
    Cache {
        /// The environment's key in the cache.
        key: String,
        /// Its name, for messages.
        name: String,
    },
}

/// `innboks export`.
pub async fn export(source: Source, options: DeskOptions, args: ExportArgs) -> ExitCode {
    let json = options.json;
    let (backend, desk) = match desk_for(&source, options, &args).await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    let parties = desk.parties().await;
    let chosen = match chosen_party(&parties, args.reportee.as_deref(), json) {
        Ok(chosen) => chosen.map(|p| vec![p.id.clone()]),
        Err(exit) => return exit,
    };
    let names: HashMap<String, String> = (parties.iter())
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let query = DeskQuery {
        parties: chosen,
        folder: args.folder,
        since: args.since,
        expiring: args.expiring.map(|days| (Utc::now(), days)),
    };
    let (rows, bodies) = match read_desk(&desk, query).await {
        Ok(read) => read,
        Err(message) => return fail_as(json, "local", &message, 1),
    };
    let out = args.out.clone();
    let exporter = match Exporter::open(&out, args.format) {
        Ok(exporter) => exporter,
        Err(error @ ExportError::OtherFormat(_)) => {
            return fail_as(json, "usage", &error.to_string(), crate::exit::EXIT_USAGE)
        }
        Err(error) => return fail_as(json, "local", &error.to_string(), 1),
    };
    let to_fetch = (rows.iter())
        .filter(|row| args.with_content && !bodies.contains_key(row.summary.id.as_str()))
        .filter(|row| {
            exporter.outcome(&row.summary.id, row.updated, true, true) != Outcome::Unchanged
        })
        .count();
    if to_fetch > 0 && !args.yes {
        if let Err(exit) = ask_to_fetch(to_fetch, json) {
            return exit;
        }
    }
    let run = Run {
        backend: backend.as_ref().filter(|_| args.with_content),
        desk: &desk,
        names: &names,
        bodies: &bodies,
    };
    let Done {
        report,
        fetched,
        incomplete,
        failure,
    } = run.all(exporter, &rows).await;
    if json {
        say!(
            "{}",
            json!({"new": report.new, "updated": report.updated, "unchanged": report.unchanged,
                   "failed": report.failed, "fetched": fetched, "incomplete": incomplete,
                   "dialogs": rows.len(),
                   "format": args.format.name(), "out": out.display().to_string()})
        );
    } else {
        say!(
            "{}",
            tr!(
                "Eksportert til {dir}: {new} nye, {updated} endret, {unchanged} uendret, {failed} feilet.",
                dir = out.display(),
                new = report.new,
                updated = report.updated,
                unchanged = report.unchanged,
                failed = report.failed
            )
        );
    }
    match failure {
        Some(exit) => ExitCode::from(exit),
        None => ExitCode::SUCCESS,
    }
}

/// The desk to export from: synced (and the backend kept for fetching), or the cache's
/// alone. On failure the exit code, already reported.
async fn desk_for(
    source: &Source,
    options: DeskOptions,
    args: &ExportArgs,
) -> Result<(Option<Backend>, Desk), ExitCode> {
    let json = options.json;
    match source {
        Source::Altinn(environment) => {
            let sync = SyncOptions {
                concurrency: options.concurrency,
                full: false,
            };
            let (backend, desk, _) =
                synced_desk(environment, json, args.reportee.as_deref(), sync).await?;
            Ok((Some(backend), desk))
        }
        Source::Cache { key, name } => {
            if args.with_content {
                let said = tr!("--with-content henter fra Altinn og virker ikke fra hurtigbufferen alene (--offline, --env demo)");
                return Err(fail_as(json, "usage", said, crate::exit::EXIT_USAGE));
            }
            let none = || {
                let said = tr!(
                    "--offline: ingen hurtigbuffer for «{env}» ennå. Kjør kommandoen uten --offline først.",
                    env = name
                );
                fail_as(json, "offline", &said, EXIT_NETWORK)
            };
            let cache = open_cache().map_err(|message| fail_as(json, "local", &message, 1))?;
            let user = cache.last_user(key).ok().flatten().ok_or_else(none)?;
            Ok((
                None,
                Desk {
                    cache: CacheHandle::start(cache),
                    scope: DeskScope {
                        env: key.clone(),
                        user,
                    },
                },
            ))
        }
    }
}

/// The desk's rows asked for and every body the cache keeps for the user (as JSON).
async fn read_desk(
    desk: &Desk,
    query: DeskQuery,
) -> Result<(Vec<DeskItem>, HashMap<String, String>), String> {
    let scope = desk.scope.clone();
    let read = desk
        .cache
        .ask(move |c| {
            let rows = c.desk_rows(&scope, &query)?;
            let bodies = c.bodies_of(&scope.env, &scope.user)?;
            Ok::<_, crate::cache::CacheError>((rows, bodies))
        })
        .await;
    match read {
        Some(Ok(read)) => Ok(read),
        Some(Err(error)) => Err(error.to_string()),
        None => Err(tr!("hurtigbufferen er slått av").to_owned()),
    }
}

/// Asks on the terminal before fetching `count` dialogs (each marked seen for everyone);
/// without a terminal, refuses in one line. `Err`: the exit code (2), already said.
fn ask_to_fetch(count: usize, json: bool) -> Result<(), ExitCode> {
    use std::io::{BufRead, IsTerminal};
    if !std::io::stdin().is_terminal() {
        let said = tr!(
            "export --with-content vil hente {count} dialoger, og Altinn markerer dem som sett for alle; bruk --yes fra et skript",
            count
        );
        return Err(fail_as(json, "usage", &said, crate::exit::EXIT_USAGE));
    }
    eprint!(
        "{} ",
        tr!(
            one: "Hente innholdet i {count} dialog? Altinn markerer den som sett for alle som deler innboksen. [y/N]",
            other: "Hente innholdet i {count} dialoger? Altinn markerer dem som sett for alle som deler innboksen. [y/N]",
            count
        )
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let yes = std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim(), "y" | "Y" | "j" | "J" | "ja" | "yes");
    if yes {
        return Ok(());
    }
    eprintln!("innboks: {}", tr!("avbrutt"));
    Err(ExitCode::from(crate::exit::EXIT_USAGE))
}

/// One export's run over the rows.
struct Run<'a> {
    /// The backend, when content is to be fetched.
    backend: Option<&'a Backend>,
    desk: &'a Desk,
    names: &'a HashMap<String, String>,
    bodies: &'a HashMap<String, String>,
}

impl Run<'_> {
    /// Exports every row (progress on stderr): the report, how many were fetched, and the
    /// exit code of the first failure.
    async fn all(&self, mut exporter: Exporter, rows: &[DeskItem]) -> Done {
        let progress = Progress::new();
        let total = rows.len();
        let mut report = Report::default();
        let mut fetched = 0;
        let mut incomplete = 0;
        let mut failure = None;
        for (n, row) in rows.iter().enumerate() {
            progress.say(&tr!(
                "Eksporterer … {n} av {total}",
                n = crate::i18n::number(n + 1),
                total = crate::i18n::number(total)
            ));
            let id = row.summary.id.as_str();
            let fetching = self.backend.is_some();
            let wanted = self.bodies.contains_key(id) || fetching;
            if exporter.outcome(id, row.updated, wanted, fetching) == Outcome::Unchanged {
                report.unchanged += 1;
                continue;
            }
            // (Parsed only for what is written: a rerun parses nothing.)
            let cached =
                (self.bodies.get(id)).and_then(|j| serde_json::from_str::<Message>(j).ok());
            let had = cached.is_some();
            let content = match self.backend {
                Some(backend) => self.fetch(backend, row, cached).await,
                None => Content {
                    message: cached,
                    ..Content::default()
                },
            };
            for error in &content.missing {
                eprintln!("{id}: {error}");
            }
            incomplete += usize::from(!content.missing.is_empty());
            fetched += usize::from(!had && content.message.is_some());
            let item = self.item(row, content);
            match exporter.write(&item) {
                Ok(outcome) => report.add(outcome),
                Err(error) => {
                    eprintln!("{id}: {error}");
                    report.failed += 1;
                    failure.get_or_insert(1);
                }
            }
        }
        drop(progress);
        if let Err(error) = exporter.finish() {
            eprintln!("innboks: {error}");
            failure.get_or_insert(1);
        }
        Done {
            report,
            fetched,
            incomplete,
            failure,
        }
    }

    /// The content of `row`: the cached body, or the dialog opened (and kept in the cache,
    /// and noted on the desk as seen); and its attachments downloaded. What could not be
    /// fetched (a letter that needs a higher level, a file only the browser may open) is
    /// said and left out: the dialog is written with what there is, and a later
    /// `--with-content` tries again.
    async fn fetch(&self, backend: &Backend, row: &DeskItem, cached: Option<Message>) -> Content {
        let inbox = Inbox::Party(row.party().to_owned());
        // A file is fetched with the dialog's token, which only an open gives: a cached
        // dialog with files is opened again (it was seen when it was first opened).
        let files = cached
            .as_ref()
            .is_some_and(|m| m.attachments.iter().any(|a| !a.bundle));
        let message = match cached {
            Some(message) if !files => message,
            _ => match backend.open(&inbox, &row.summary.id).await {
                Ok(message) => {
                    self.keep(&inbox, row.folder, &message);
                    message
                }
                Err(error) => {
                    return Content {
                        missing: vec![error.to_string()],
                        ..Content::default()
                    }
                }
            },
        };
        let mut content = Content::default();
        for attachment in message.attachments.iter().filter(|a| !a.bundle) {
            let mut bytes = Vec::new();
            match backend.download(&attachment.url, &mut bytes, |_| {}).await {
                Ok(_) => content.files.push((attachment.file_name.clone(), bytes)),
                Err(error) => content
                    .missing
                    .push(format!("{}: {error}", attachment.file_name)),
            }
        }
        content.message = Some(message);
        content
    }

    /// Keeps an opened dialog's body in the cache and notes on the desk that it is seen.
    fn keep(&self, inbox: &Inbox, folder: Folder, message: &Message) {
        let scope = Scope {
            env: self.desk.scope.env.clone(),
            user: self.desk.scope.user.clone(),
            inbox: inbox.clone(),
            folder,
        };
        let desk = self.desk.scope.clone();
        let message = message.clone();
        self.desk.cache.run(move |c| {
            if let Err(error) = c.store_body(&scope, &message) {
                tracing::warn!(%error, "cache write failed");
            }
            let touch = DeskTouch::opened(&message, true);
            if let Err(error) = c.desk_touch(&desk, &[(message.summary.id.to_string(), touch)]) {
                tracing::warn!(%error, "desk write failed");
            }
        });
    }

    fn item(&self, row: &DeskItem, content: Content) -> Item {
        let party = row.party().to_owned();
        let message = content.message;
        Item {
            summary: row.summary.clone(),
            party_name: self
                .names
                .get(&party)
                .cloned()
                .unwrap_or_else(|| party.clone()),
            party,
            folder: row.folder,
            updated: row.updated,
            expires: row.expires.or(message.as_ref().and_then(|m| m.expires)),
            message,
            files: content.files,
            incomplete: !content.missing.is_empty(),
        }
    }
}

/// What there is of a dialog's content.
#[derive(Debug, Default)]
struct Content {
    /// Its body, cached or fetched.
    message: Option<Message>,
    /// Its attachments fetched: (name, bytes).
    files: Vec<(String, Vec<u8>)>,
    /// What could not be fetched, in words.
    missing: Vec<String>,
}

/// What a run did.
struct Done {
    report: Report,
    /// Dialogs opened for their content.
    fetched: usize,
    /// Dialogs written without some of their content.
    incomplete: usize,
    /// The exit code of the first dialog not written.
    failure: Option<u8>,
}
