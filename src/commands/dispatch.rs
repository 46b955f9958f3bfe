//! The scriptable commands by name: `main` hands each here with what they share, and each
//! arm calls the one function that does it.

use std::path::PathBuf;
use std::process::ExitCode;

use color_eyre::eyre::{Result, WrapErr};

use crate::cli::{
    AttachmentAction, CacheAction, ConfigAction, ExportFormatArg, Script, VerbCommand,
};
use crate::config::{self, ConfigFile, Environment, Overrides};
use crate::domain::Asks;
use crate::exit::Expected;
use crate::i18n::tr;

use super::{CacheUse, ListOptions, Which};

/// What every command shares: the config file, the command line's overrides of it, and how
/// the cache is used.
#[derive(Debug, Clone)]
pub struct Context {
    /// The config file as read.
    pub file: ConfigFile,
    /// Where it is (or would be).
    pub config_path: PathBuf,
    /// The command line's `--env`, `--altinn-url` and the like.
    pub overrides: Overrides,
    /// `--offline` and the config's `cache`.
    pub usage: CacheUse,
}

impl Context {
    /// The environment the config file and the command line name.
    pub fn environment(&self) -> Result<Environment> {
        Ok(config::resolve(
            &self.file,
            &self.overrides,
            &self.config_path,
        )?)
    }

    /// Pages fetched at once (the config's `concurrency`, 1 to 16).
    pub fn concurrency(&self) -> usize {
        self.file
            .concurrency
            .unwrap_or(crate::domain::DEFAULT_CONCURRENCY)
            .clamp(1, 16)
    }

    /// The loopback port of the browser login.
    pub fn loopback_port(&self) -> u16 {
        self.file
            .loopback_port
            .unwrap_or(crate::auth::browser::DEFAULT_PORT)
    }
}

/// Runs `script`.
pub async fn dispatch(script: Script, context: &Context) -> Result<ExitCode> {
    let usage = context.usage;
    match script {
        Script::Login {
            method,
            no_browser,
            username,
            level,
        } => {
            let environment = context.environment()?;
            let port = context.loopback_port();
            Ok(super::login(
                &environment,
                method.method(),
                no_browser,
                username,
                port,
                level.acr(),
            )
            .await)
        }
        Script::Logout => Ok(super::logout(&context.environment()?).await),
        Script::Status { json } => Ok(super::status(&context.environment()?, json)),
        Script::List {
            json,
            unread,
            reportee,
            limit,
            filter,
            search,
            folder,
            saved,
            expiring,
        } => {
            if let Some(days) = expiring {
                let options = desk_options(context, json);
                let environment = context.environment()?;
                let folder = folder.folder();
                return Ok(
                    super::desk::expiring(&environment, options, reportee, folder, days).await,
                );
            }
            let options = ListOptions {
                filters: crate::domain::Filters {
                    unread,
                    ..Default::default()
                },
                reportee,
                only: None,
                limit,
                filter,
                search,
                folder: folder.folder(),
                concurrency: context.concurrency(),
                cache: usage,
            };
            list(context, json, options, saved).await
        }
        Script::Searches { json } => {
            let searches = config::saved_searches(&context.file, &context.config_path)?;
            Ok(super::searches::searches(
                &context.environment()?,
                &searches,
                json,
            ))
        }
        Script::Show {
            id,
            reportee,
            json,
            mark_read,
            ..
        } => {
            let environment = context.environment()?;
            Ok(super::show(&environment, &id, reportee, json, mark_read, usage).await)
        }
        Script::Verb(verb) => verb_on(verb, context).await,
        Script::Export {
            out,
            reportee,
            folder,
            since,
            format,
            with_content,
            yes,
            expiring,
            json,
        } => {
            let args = super::export::ExportArgs {
                out,
                reportee,
                folder: folder.folder(),
                since: since.map(oslo_midnight),
                format: match format {
                    ExportFormatArg::Tree => crate::export::Format::Tree,
                    ExportFormatArg::Maildir => crate::export::Format::Maildir,
                },
                with_content,
                yes,
                expiring,
            };
            let source = export_source(context)?;
            Ok(super::export::export(source, desk_options(context, json), args).await)
        }
        Script::Reportees { json } => {
            Ok(super::reportees(&context.environment()?, json, usage).await)
        }
        Script::Sync {
            json,
            reportee,
            full,
        } => {
            let options = desk_options(context, json);
            Ok(super::desk::sync(&context.environment()?, options, reportee, full).await)
        }
        Script::Agenda {
            json,
            reportee,
            days,
        } => {
            let options = desk_options(context, json);
            Ok(super::desk::agenda(&context.environment()?, options, reportee, days).await)
        }
        Script::Board { json } => {
            Ok(super::desk::board(&context.environment()?, desk_options(context, json)).await)
        }
        Script::Count { json, format } => Ok(super::desk::count(
            &count_key(context)?,
            json,
            format.as_deref(),
        )),
        Script::Watch {
            interval,
            json,
            exec,
        } => {
            let options = desk_options(context, json);
            Ok(super::watch::watch(&context.environment()?, options, interval, exec).await)
        }
        Script::Cache { action } => cache(action),
        Script::Config {
            action: ConfigAction::Path,
        } => {
            println!("{}", context.config_path.display());
            Ok(ExitCode::SUCCESS)
        }
        Script::Attachment { action } => attachment(action, context).await,
        Script::Completions { shell } => {
            let mut command = crate::cli::command();
            clap_complete::generate(shell, &mut command, "innboks", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Script::Man => man(),
    }
}

/// `list`, with a saved search's filters, parties and folder when one is named.
async fn list(
    context: &Context,
    json: bool,
    mut options: ListOptions,
    saved: Option<String>,
) -> Result<ExitCode> {
    if let Some(name) = saved {
        match saved_search(context, &name)? {
            Ok(search) => super::searches::apply(&mut options, &search),
            Err(unknown) => {
                let exit = crate::exit::EXIT_USAGE;
                return Ok(super::fail_as(json, "usage", &unknown, exit));
            }
        }
    }
    Ok(super::list(&context.environment()?, json, options).await)
}

/// Whose desk `count` reads: the environment's, or with `--env demo` the one the demo's
/// inbox kept (its simulator is gone, its cache is not).
fn count_key(context: &Context) -> Result<String> {
    Ok(match context.overrides.env.as_deref() {
        Some("demo") => "demo".to_owned(),
        _ => context.environment()?.key,
    })
}

/// Where `export` reads from: Altinn, or the cache alone with `--offline` and for the
/// demo (`--env demo`: its simulator is gone, its cache is not).
fn export_source(context: &Context) -> Result<super::export::Source> {
    use super::export::Source;
    if context.overrides.env.as_deref() == Some("demo") {
        let key = count_key(context)?;
        return Ok(Source::Cache {
            name: key.clone(),
            key,
        });
    }
    let environment = context.environment()?;
    Ok(if context.usage.offline {
        Source::Cache {
            key: environment.key,
            name: environment.name,
        }
    } else {
        Source::Altinn(environment)
    })
}

/// Midnight of `date` in Norway, where Altinn's dates are.
fn oslo_midnight(date: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    chrono_tz::Europe::Oslo
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&chrono::Utc))
}

/// The saved search named `name`, or the line that says it is unknown and names those
/// there are.
fn saved_search(
    context: &Context,
    name: &str,
) -> Result<Result<crate::domain::SavedSearch, String>> {
    let searches = config::saved_searches(&context.file, &context.config_path)?;
    if let Some(search) = searches.iter().find(|s| s.name == name) {
        return Ok(Ok(search.clone()));
    }
    let path = context.config_path.display();
    Ok(Err(if searches.is_empty() {
        tr!("ingen lagrede søk i {path}: legg til [searches.{name}] der, eller lagre et med :save i innboksen", path, name)
    } else {
        let known = searches
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        tr!(
            "ingen lagret søk heter «{name}»; de lagrede er: {known}",
            name,
            known
        )
    }))
}

/// What the desk's commands share.
fn desk_options(context: &Context, json: bool) -> super::desk::DeskOptions {
    super::desk::DeskOptions {
        json,
        offline: context.usage.offline,
        concurrency: context.concurrency(),
    }
}

/// `innboks archive ID…` and the other verbs: a verb that always asks asks first.
async fn verb_on(verb: VerbCommand, context: &Context) -> Result<ExitCode> {
    let asks = verb.action.verb().asks == Asks::Always;
    if asks && !verb.yes && !super::ask_to_purge(verb.targets.ids.len()) {
        return Ok(ExitCode::from(2));
    }
    let environment = context.environment()?;
    Ok(super::act_on(&environment, &verb.targets, verb.action, context.usage).await)
}

/// `innboks attachment list|save`.
async fn attachment(action: AttachmentAction, context: &Context) -> Result<ExitCode> {
    let environment = context.environment()?;
    let usage = context.usage;
    Ok(match action {
        AttachmentAction::List { id, reportee, json } => {
            super::attachment_list(&environment, &id, reportee, json, usage).await
        }
        AttachmentAction::Save {
            id,
            attachment,
            all,
            out,
            reportee,
            json,
        } => {
            let which = Which {
                attachment,
                all,
                out,
            };
            super::attachment_save(&environment, &id, which, reportee, json, usage).await
        }
        AttachmentAction::Cat {
            id,
            attachment,
            reportee,
            force,
        } => super::attachment_cat(&environment, &id, attachment, reportee, force, usage).await,
    })
}

/// `innboks cache path|clear`.
fn cache(action: CacheAction) -> Result<ExitCode> {
    let Some(path) = crate::cache::Cache::default_path() else {
        let error = Expected::local(tr!("fant ingen hjemmekatalog for hurtigbufferen").into());
        return Err(error.into());
    };
    match action {
        CacheAction::Path => println!("{}", path.display()),
        CacheAction::Clear => match crate::cache::Cache::clear(&path) {
            Ok(true) => println!("{}", tr!("Slettet {path}.", path = path.display())),
            Ok(false) => println!(
                "{}",
                tr!(
                    "Ingen hurtigbuffer å slette ({path}).",
                    path = path.display()
                )
            ),
            Err(error) => {
                let path = path.display();
                let said = tr!("kunne ikke slette {path}: {error}", path, error);
                return Err(Expected::local(said).into());
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// `innboks man`: the manual page in roff.
fn man() -> Result<ExitCode> {
    let mut page = Vec::new();
    clap_mangen::Man::new(crate::cli::command())
        .render(&mut page)
        .wrap_err("rendering the manual page")?;
    // A closed pipe (`innboks man | head`) is not an error.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), &page);
    Ok(ExitCode::SUCCESS)
}
