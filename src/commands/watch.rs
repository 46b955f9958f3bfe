//! `innboks watch`: the desk synced on an interval, each event told once — a line, a JSON
//! line, or a command run with the event in `INNBOKS_*` environment variables (server text
//! never becomes part of a shell line). It keeps going through a lost network and a
//! session that needs a new login, saying so on stderr; it ends on Ctrl-C or SIGTERM with
//! exit code 0 (also in the middle of a round), and at once with 3 when nobody is logged in
//! at the start, 5 when ID-porten cannot be reached then.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use super::desk::{Desk, DeskOptions};
use super::{fail_as, resume, EXIT_NOT_LOGGED_IN};
use crate::backend::Backend;
use crate::cache::{Cache, CacheHandle, DeskScope};
use crate::config::Environment;
use crate::desk::sync::SyncOptions;
use crate::desk::watch::fresh_events;
use crate::domain::{ApiError, DeskEvent, DeskEventKind};
use crate::i18n::tr;

/// The shortest interval taken (a status line's refresh is not a reason to hammer Altinn);
/// against a simulator on this machine (`innboks demo`, the tests) one second.
const MIN_INTERVAL: u64 = 10;

/// The shortest interval against an Altinn on the loopback interface.
const MIN_LOCAL_INTERVAL: u64 = 1;

/// Whether `environment`'s Altinn is on this machine (the simulator), not Altinn itself.
fn is_local(environment: &Environment) -> bool {
    match environment.altinn_url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// After a 429 the wait doubles, up to this.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// `innboks watch [--interval SECONDS] [--json] [--exec CMD]`.
pub async fn watch(
    environment: &Environment,
    options: DeskOptions,
    interval: u64,
    exec: Option<String>,
) -> ExitCode {
    // Listened for from the start and through every round: a signal that came while a
    // round ran would otherwise be taken by tokio's handler and heard by nobody.
    tokio::select! {
        code = watching(environment, options, interval, exec) => code,
        () = stopped() => ExitCode::SUCCESS,
    }
}

/// The watch itself: it returns only when it cannot start.
async fn watching(
    environment: &Environment,
    options: DeskOptions,
    interval: u64,
    exec: Option<String>,
) -> ExitCode {
    if options.offline {
        return fail_as(
            options.json,
            "usage",
            tr!("watch henter fra Altinn og virker ikke med --offline"),
            2,
        );
    }
    let floor = if is_local(environment) {
        MIN_LOCAL_INTERVAL
    } else {
        MIN_INTERVAL
    };
    let interval = Duration::from_secs(interval.max(floor));
    let (mut backend, user) = match resume(environment).await {
        Ok(resumed) => resumed,
        Err((message, code, exit)) => return fail_as(options.json, code, &message, exit),
    };
    let Some(user) = user else {
        return fail_as(
            options.json,
            "not-logged-in",
            tr!("økten sier ikke hvem du er; logg inn igjen: innboks login"),
            EXIT_NOT_LOGGED_IN,
        );
    };
    let cache = match Cache::default_path().map(|path| Cache::open(&path)) {
        Some(Ok(mut cache)) => {
            let _ = cache.set_last_user(&environment.key, &user);
            cache
        }
        Some(Err(error)) => return fail_as(options.json, "local", &error.to_string(), 1),
        None => return fail_as(options.json, "local", tr!("ingen hjemmekatalog"), 1),
    };
    let desk = Desk {
        cache: CacheHandle::start(cache),
        scope: DeskScope {
            env: environment.key.clone(),
            user,
        },
    };
    let sync = SyncOptions {
        concurrency: options.concurrency,
        full: false,
    };
    let mut wait = interval;
    loop {
        match round(&backend, &desk, options, sync, exec.as_deref()).await {
            Ok(()) => wait = interval,
            Err(Trouble::Throttled) => wait = (wait * 2).min(MAX_BACKOFF).max(interval),
            Err(Trouble::Session) => {
                // A login in another terminal (`innboks login`) is picked up here.
                if let Ok((resumed, _)) = resume(environment).await {
                    backend = resumed;
                }
                wait = interval;
            }
            Err(Trouble::Other) => wait = interval,
        }
        tokio::time::sleep(wait).await;
    }
}

/// Why a round did not finish.
enum Trouble {
    /// Altinn said to slow down.
    Throttled,
    /// The session needs a new login.
    Session,
    /// The network or the server; tried again next round.
    Other,
}

/// One sync and its events told. Trouble is said on stderr, once a round.
async fn round(
    backend: &Backend,
    desk: &Desk,
    options: DeskOptions,
    sync: SyncOptions,
    exec: Option<&str>,
) -> Result<(), Trouble> {
    // Errors are said here, not by the sync's reporting, so a round never exits.
    let report = match quiet_sync(backend, desk, sync).await {
        Ok(report) => report,
        Err(error) => {
            let trouble = match &error {
                ApiError::Server { status: 429, .. } => Trouble::Throttled,
                ApiError::SessionExpired
                | ApiError::Unauthorized { .. }
                | ApiError::NeedsIdPorten { .. } => Trouble::Session,
                _ => Trouble::Other,
            };
            let said = match trouble {
                Trouble::Session => tr!(
                    "økten er slutt: logg inn igjen med innboks login; prøver igjen ({error})",
                    error
                ),
                _ => tr!("kunne ikke oppdatere ({error}); prøver igjen", error),
            };
            eprintln!("innboks watch: {said}");
            return Err(trouble);
        }
    };
    let events = fresh_events(&desk.cache, &desk.scope, report.events, Utc::now()).await;
    let names = names_of(desk).await;
    for event in &events {
        tell(event, &names, options.json);
        if let Some(command) = exec {
            run_for(command, event, &names).await;
        }
    }
    Ok(())
}

/// The sync without the command's own error lines (a watch says its own).
async fn quiet_sync(
    backend: &Backend,
    desk: &Desk,
    sync: SyncOptions,
) -> Result<crate::desk::sync::SyncReport, ApiError> {
    let parties = backend.parties().await?;
    {
        let (scope, kept) = (desk.scope.clone(), parties.clone());
        desk.cache
            .ask(move |c| c.set_parties(&scope.env, &scope.user, &kept))
            .await;
    }
    crate::desk::sync::sync_desk(backend, &desk.cache, &desk.scope, &parties, sync, |_, _| {}).await
}

async fn names_of(desk: &Desk) -> std::collections::HashMap<String, String> {
    let scope = desk.scope.clone();
    desk.cache
        .ask(move |c| {
            c.parties(&scope.env, &scope.user)
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect()
        })
        .await
        .unwrap_or_default()
}

/// An event's word on a line.
fn event_word(kind: DeskEventKind) -> &'static str {
    match kind {
        DeskEventKind::New => tr!("ny"),
        DeskEventKind::NeedsAction => tr!("må handles"),
        DeskEventKind::DueSoon => tr!("frist snart"),
        DeskEventKind::Expiring => tr!("slettes snart"),
    }
}

/// Prints one event: a line, or a JSON line.
fn tell(event: &DeskEvent, names: &std::collections::HashMap<String, String>, as_json: bool) {
    let m = &event.item.summary;
    let party = event.item.party();
    let name = names.get(party).map_or(party, String::as_str);
    if as_json {
        say!(
            "{}",
            json!({
                "event": event.kind.key(),
                "id": m.id,
                "party": party,
                "party_name": name,
                "title": m.subject,
                "sender": m.sender(),
                "due": m.due.map(|t| t.utc().to_rfc3339()),
                "expires": event.item.expires.map(|t| t.to_rfc3339()),
                "requires_attention": event.item.requires_attention,
            })
        );
    } else {
        let due = m
            .due
            .map(|t| {
                format!(
                    " ({})",
                    tr!("frist {date}", date = crate::text::date_text(t))
                )
            })
            .unwrap_or_default();
        say!(
            "{}  {}  {}: {}{due}  [{}]",
            event_word(event.kind),
            name,
            m.sender(),
            m.subject,
            m.id
        );
    }
}

/// Runs the user's command for an event, through the shell, with the event in the
/// environment only: `INNBOKS_EVENT`, `INNBOKS_ID`, `INNBOKS_PARTY`, `INNBOKS_PARTY_NAME`,
/// `INNBOKS_TITLE`, `INNBOKS_SENDER`, `INNBOKS_DUE`. A command that fails is said on
/// stderr; the watch goes on.
async fn run_for(
    command: &str,
    event: &DeskEvent,
    names: &std::collections::HashMap<String, String>,
) {
    let m = &event.item.summary;
    let party = event.item.party();
    let mut shell = if cfg!(windows) {
        let mut c = tokio::process::Command::new("cmd");
        c.arg("/C").arg(command);
        c
    } else {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    shell
        .env("INNBOKS_EVENT", event.kind.key())
        .env("INNBOKS_ID", m.id.as_str())
        .env("INNBOKS_PARTY", party)
        .env(
            "INNBOKS_PARTY_NAME",
            names.get(party).map_or(party, String::as_str),
        )
        .env("INNBOKS_TITLE", m.subject.as_str())
        .env("INNBOKS_SENDER", m.sender())
        .env(
            "INNBOKS_DUE",
            m.due.map(|t| t.utc().to_rfc3339()).unwrap_or_default(),
        )
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    match shell.status().await {
        Ok(status) if status.success() => {}
        Ok(status) => eprintln!(
            "innboks watch: {}",
            tr!("--exec endte med {status}", status)
        ),
        Err(error) => eprintln!(
            "innboks watch: {}",
            tr!("--exec kunne ikke startes: {error}", error)
        ),
    }
}

/// Ctrl-C, or SIGTERM where there is one.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
