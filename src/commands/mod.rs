//! The non-interactive commands, for scripts and for a first login over SSH: `login`,
//! `logout` and `status` ([`session`]); `list`, `show`, `archive`, `mark-read` and
//! `reportees` ([`mail`]); `attachment list|save` ([`attachments`]). They share the session
//! store with the TUI, call the backend and auth directly (never the TUI's runtime), print
//! results on stdout (JSON with `--json`), errors as one line with a stable code and exit
//! code, and never a secret.

/// Prints a line on stdout; a closed pipe (`innboks status | head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod attachments;
pub mod desk;
mod dispatch;
pub mod export;
mod local;
mod mail;
mod progress;
mod searches;
mod session;
mod watch;

pub use attachments::{attachment_cat, attachment_list, attachment_save, Which};
pub use dispatch::{dispatch, Context};
pub use local::CacheUse;
pub use mail::{act_on, ask_to_purge, list, reportees, show, ListOptions};
pub use session::{login, logout, status};

use crate::i18n::tr;
use std::process::ExitCode;

use crate::auth::oidc::{self, AuthError, Provider};
use crate::auth::refresh::Refresher;
use crate::auth::store::SessionStore;
use crate::auth::SessionHandle;
use crate::backend::altinn2::Client;
use crate::backend::Backend;
use crate::config::{Api, Environment};
use crate::domain::{ApiError, Inbox};

/// Exit code: not logged in.
pub const EXIT_NOT_LOGGED_IN: u8 = 3;

pub use crate::exit::EXIT_NETWORK;

fn fail(error: &dyn std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("innboks: {error}");
    ExitCode::from(code)
}

async fn discover(environment: &Environment) -> Result<Provider, AuthError> {
    let (Some(issuer), Some(client_id)) = (&environment.issuer, &environment.client_id) else {
        return Err(AuthError::NotOffered(tr!(
            "ID-porten er ikke konfigurert for miljøet «{env}»: sett issuer og client_id (eller --issuer og --client-id).",
            env = environment.name
        )));
    };
    Provider::discover(&oidc::http_client()?, issuer, client_id).await
}

fn store_for(environment: &Environment) -> Option<SessionStore> {
    SessionStore::for_env(&environment.key)
}

/// A stable, kebab-case error code for scripts (`--json` prints it on stderr).
fn error_code(error: &ApiError) -> (&'static str, u8) {
    match error {
        ApiError::SessionExpired
        | ApiError::Unauthorized { .. }
        | ApiError::NeedsIdPorten { .. } => ("not-logged-in", EXIT_NOT_LOGGED_IN),
        ApiError::Server { status: 404, .. } => ("not-found", 4),
        ApiError::Server { status: 400, .. } => ("bad-request", 2),
        ApiError::Network { .. } => ("network", EXIT_NETWORK),
        ApiError::Server { .. } | ApiError::Malformed { .. } => ("server", EXIT_NETWORK),
        ApiError::Local(_) => ("local", 1),
        ApiError::Unsupported { .. } => ("unsupported", 2),
        ApiError::Offline => ("offline", EXIT_NETWORK),
        ApiError::Retired { .. } => ("altinn2-switched-off", EXIT_NETWORK),
        ApiError::LevelTooLow => ("level-too-low", EXIT_NOT_LOGGED_IN),
    }
}

/// Reports an expected condition (one line, JSON with `--json`) and gives its exit code.
fn fail_as(json_errors: bool, code: &'static str, message: &str, exit: u8) -> ExitCode {
    let expected = crate::exit::Expected {
        message: message.to_owned(),
        code,
        exit,
    };
    eprintln!("{}", expected.line(json_errors));
    ExitCode::from(exit)
}

fn fail_api(json_errors: bool, error: &ApiError) -> ExitCode {
    let (code, exit) = error_code(error);
    let message = match error {
        ApiError::LevelTooLow => format!(
            "{error} {}",
            tr!("Logg inn på høyt nivå med: innboks login --level high")
        ),
        other => other.to_string(),
    };
    fail_as(json_errors, code, &message, exit)
}

/// The saved ID-porten session, resumed (a refresh), for the scriptable commands; with the
/// key of the user it names (for the cache).
async fn resume(
    environment: &Environment,
) -> Result<(Backend, Option<String>), (String, &'static str, u8)> {
    let not_logged_in = |why: String| (why, "not-logged-in", EXIT_NOT_LOGGED_IN);
    let store =
        store_for(environment).ok_or_else(|| not_logged_in(tr!("ingen hjemmekatalog").into()))?;
    let stored = store.load().ok_or_else(|| {
        not_logged_in(tr!(
            "ikke innlogget i «{env}»: kjør innboks login",
            env = environment.name
        ))
    })?;
    let user = stored.user_key.clone();
    let provider = discover(environment)
        .await
        .map_err(|e| (e.to_string(), "network", EXIT_NETWORK))?;
    let handle = SessionHandle::default();
    let refresher = Refresher::resume(provider, handle.clone(), Some(store), stored)
        .await
        .map_err(|e| match e {
            AuthError::InvalidGrant(_) => not_logged_in(tr!("{e} Kjør innboks login.", e)),
            other => (other.to_string(), "network", EXIT_NETWORK),
        })?;
    handle.set_refresher(refresher, None);
    let backend = backend_for(environment, handle).map_err(|e| (e.to_string(), "local", 1))?;
    Ok((backend, user))
}

/// The backend an environment speaks, sending `session`.
pub fn backend_for(environment: &Environment, session: SessionHandle) -> Result<Backend, ApiError> {
    Ok(match environment.api {
        Api::Altinn2 => Backend::altinn2(
            Client::new(environment.altinn_url.clone(), environment.api_key.clone())?,
            session,
        ),
        Api::Altinn3 => Backend::altinn3(
            crate::backend::altinn3::Client::new(
                environment.altinn_url.clone(),
                crate::i18n::current().code(),
            )?,
            session,
        ),
    })
}

/// What a scriptable command that reads mail starts with.
struct Started {
    /// The backend, logged in.
    backend: Backend,
    /// Whose inbox (`my` unless `--reportee`).
    inbox: Inbox,
    /// The cache of the user the session names, when it is in use.
    local: Option<local::Local>,
}

/// The start every scriptable command that reads mail shares: the saved session resumed,
/// and whose inbox. On failure, the exit code, already reported.
async fn begin(
    environment: &Environment,
    as_json: bool,
    reportee: Option<String>,
    usage: CacheUse,
) -> Result<Started, ExitCode> {
    match resume(environment).await {
        Ok((backend, user)) => Ok(Started {
            backend,
            inbox: inbox_of(reportee),
            local: local::Local::for_user(environment, user, usage),
        }),
        Err((message, code, exit)) => Err(fail_as(as_json, code, &message, exit)),
    }
}

/// Whose inbox `--reportee` names (`my` without it).
fn inbox_of(reportee: Option<String>) -> Inbox {
    reportee.as_deref().map_or(Inbox::Me, Inbox::from_key)
}

/// `--offline`: the cache alone, or the exit code of why there is none (already reported).
fn begin_offline(environment: &Environment, as_json: bool) -> Result<local::Local, ExitCode> {
    local::Local::offline(environment)
        .map_err(|message| fail_as(as_json, "offline", &message, EXIT_NETWORK))
}

/// A whole message for a command: read quietly where the backend can; where it cannot
/// (Altinn 3 marks a dialog seen when it is fetched) it is opened, and stderr says so once.
async fn read_message(
    backend: &Backend,
    inbox: &Inbox,
    id: &str,
    mark_read: bool,
) -> Result<crate::domain::Message, ApiError> {
    if mark_read {
        return backend.open(inbox, id).await;
    }
    if backend.capabilities().quiet_read {
        return backend.preview(inbox, id).await;
    }
    eprintln!(
        "innboks: {}",
        tr!("Altinn 3 markerer en melding som sett når den hentes.")
    );
    backend.open(inbox, id).await
}
