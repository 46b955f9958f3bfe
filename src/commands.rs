//! The non-interactive commands: `login`, `logout` and `status`. They share the session
//! store with the TUI, print instructions and results on stdout, and never print a secret.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::auth::browser::{self, CallbackParams};
use crate::auth::oidc::{self, AuthError, Provider, DEFAULT_ACR, DEFAULT_SCOPES};
use crate::auth::refresh::{stored_session, Refresher};
use crate::auth::store::SessionStore;
use crate::auth::{device, SessionHandle};
use crate::backend::altinn2::Client;
use crate::backend::Backend;
use crate::cli::{LoginMethodArg, Targets};
use crate::config::Environment;
use crate::domain::{ApiError, Cursor, Inbox, MessageAction, Query};
use crate::secret::Secret;

/// Prints a line on stdout; a closed pipe (`innboks status | head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Exit code: not logged in.
pub const EXIT_NOT_LOGGED_IN: u8 = 3;
/// Exit code: network or server trouble.
pub const EXIT_NETWORK: u8 = 5;

fn fail(error: &dyn std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("innboks: {error}");
    ExitCode::from(code)
}

async fn discover(environment: &Environment) -> Result<Provider, AuthError> {
    let (Some(issuer), Some(client_id)) = (&environment.issuer, &environment.client_id) else {
        return Err(AuthError::NotOffered(format!(
            "ID-porten er ikke konfigurert for miljøet «{}»: sett issuer og client_id (eller --issuer og --client-id).",
            environment.name
        )));
    };
    Provider::discover(&oidc::http_client()?, issuer, client_id).await
}

fn store_for(environment: &Environment) -> Option<SessionStore> {
    SessionStore::for_env(&environment.name)
}

/// `innboks login`.
pub async fn login(
    environment: &Environment,
    method: LoginMethodArg,
    no_browser: bool,
    username: Option<String>,
    loopback_port: u16,
) -> ExitCode {
    if method == LoginMethodArg::Password {
        return password_login(environment, username).await;
    }
    let provider = match discover(environment).await {
        Ok(provider) => provider,
        Err(error) => return fail(&error, EXIT_NETWORK),
    };
    let result = match method {
        LoginMethodArg::Device => device_login(&provider).await,
        _ => browser_login(&provider, no_browser, loopback_port).await,
    };
    let (tokens, claims, method_name) = match result {
        Ok(ok) => ok,
        Err(error) => return fail(&error, EXIT_NOT_LOGGED_IN),
    };
    let store = store_for(environment);
    let stored = stored_session(
        &environment.name,
        &provider,
        method_name,
        &tokens,
        DEFAULT_SCOPES,
        claims.as_ref(),
    );
    let pid = claims.as_ref().and_then(|c| c.masked_pid());
    if let Err(error) = Refresher::start(
        provider,
        SessionHandle::default(),
        store.clone(),
        tokens,
        stored,
    ) {
        return fail(&error, EXIT_NOT_LOGGED_IN);
    }
    let who = pid
        .map(|p| format!(" (fødselsnummer {p})"))
        .unwrap_or_default();
    say!("Innlogget med ID-porten{who}.");
    if let Some(store) = store {
        say!(
            "Økten er lagret i {} (kun lesbar for deg).",
            store.path().display()
        );
    }
    ExitCode::SUCCESS
}

async fn browser_login(
    provider: &Provider,
    no_browser: bool,
    loopback_port: u16,
) -> Result<(oidc::TokenSet, Option<oidc::IdClaims>, &'static str), AuthError> {
    let mut login =
        browser::start(provider.clone(), loopback_port, DEFAULT_SCOPES, DEFAULT_ACR).await?;
    let var = |name: &str| std::env::var(name).ok();
    say!("Åpne denne adressen i en nettleser og logg inn:");
    say!("{}", login.authorize_url);
    if !no_browser
        && browser::local_browser_available(var)
        && browser::open_in_browser(&login.authorize_url).is_ok()
    {
        say!("(Nettleseren er åpnet.)");
    }
    say!("Venter på svar på {} …", login.redirect_uri);
    if login.fixed_port_busy {
        say!(
            "Den faste porten var opptatt, så {} brukes denne gangen.",
            login.port
        );
    }
    if browser::over_ssh(var) {
        say!(
            "Over SSH: koble til med  ssh -L {0}:127.0.0.1:{0} <denne maskinen>  så når nettleseren din hit.",
            login.port
        );
    }
    say!("Eller lim inn adressen nettleseren havnet på, og trykk Enter:");
    let _ = std::io::stdout().flush();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let params = {
        let callback = login.callback();
        tokio::pin!(callback);
        let mut stdin_open = true;
        loop {
            tokio::select! {
                received = &mut callback => break received?,
                line = lines.next_line(), if stdin_open => match line {
                    Ok(Some(text)) if text.trim().is_empty() => {}
                    Ok(Some(text)) => match CallbackParams::parse(&text) {
                        Ok(params) if params.error.is_some() || login.state_matches(&params) => break params,
                        Ok(_) => eprintln!("{}", AuthError::StateMismatch),
                        Err(error) => eprintln!("{error}"),
                    },
                    _ => stdin_open = false,
                },
            }
        }
    };
    let (tokens, claims) = login.finish(params, DEFAULT_ACR).await?;
    Ok((tokens, Some(claims), "browser"))
}

async fn device_login(
    provider: &Provider,
) -> Result<(oidc::TokenSet, Option<oidc::IdClaims>, &'static str), AuthError> {
    let login = device::start(provider, DEFAULT_SCOPES).await?;
    say!("Gå til {} og skriv inn koden", login.verification_uri);
    say!();
    say!("    {}", login.user_code);
    say!();
    if let Some(complete) = &login.verification_uri_complete {
        if std::io::stdout().is_terminal() {
            say!("Eller skann denne med mobilen:");
            for line in crate::text::qr_lines(complete) {
                say!("{line}");
            }
        }
        say!("Direkte lenke: {complete}");
    }
    say!("Venter på godkjenning …");
    let _ = std::io::stdout().flush();
    let (tokens, claims) = device::poll(provider, &login, DEFAULT_ACR).await?;
    Ok((tokens, claims, "device"))
}

/// Reads a password without echo on a terminal, or a line from piped input.
fn read_password(prompt: &str) -> std::io::Result<Secret> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        return Ok(Secret::new(line.trim_end_matches(['\r', '\n'])));
    }
    use crossterm::event::{read, Event, KeyCode, KeyEventKind, KeyModifiers};
    crossterm::terminal::enable_raw_mode()?;
    let mut password = String::new();
    let result = loop {
        match read() {
            Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => match key.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(std::io::Error::other("avbrutt"))
                }
                KeyCode::Backspace => {
                    password.pop();
                }
                KeyCode::Char(c) => password.push(c),
                _ => {}
            },
            Ok(_) => {}
            Err(error) => break Err(error),
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    eprintln!();
    result.map(|()| Secret::new(password))
}

async fn password_login(environment: &Environment, username: Option<String>) -> ExitCode {
    let username = match username {
        Some(name) => name,
        None => {
            eprint!("Brukernavn: ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).is_err() {
                return fail(&"kunne ikke lese brukernavnet", 2);
            }
            line.trim().to_owned()
        }
    };
    let password = match read_password("Passord: ") {
        Ok(password) => password,
        Err(error) => return fail(&error, 2),
    };
    let client = match Client::new(environment.altinn_url.clone(), environment.api_key.clone()) {
        Ok(client) => client,
        Err(error) => return fail(&error, EXIT_NETWORK),
    };
    match client.login_with_password(&username, &password).await {
        Ok(_) => {
            say!("Innlogget som {username} med passord (sikkerhetsnivå 1).");
            say!("Passordøkter lagres ikke mellom kjøringer; bruk ID-porten for det.");
            ExitCode::SUCCESS
        }
        Err(crate::backend::altinn2::PasswordLoginError::Rejected(reason)) => {
            fail(&format!("innlogging feilet: {reason}"), EXIT_NOT_LOGGED_IN)
        }
        Err(error) => fail(&error, EXIT_NETWORK),
    }
}

/// `innboks logout`: revokes at the provider and deletes the stored session.
pub async fn logout(environment: &Environment) -> ExitCode {
    let Some(store) = store_for(environment) else {
        return fail(&"ingen hjemmekatalog", 2);
    };
    let Some(stored) = store.load() else {
        say!("Ikke innlogget i «{}».", environment.name);
        return ExitCode::SUCCESS;
    };
    let revoked = match discover(environment).await {
        Ok(provider) => provider.revoke(&stored.refresh_token).await,
        Err(error) => Err(error),
    };
    if let Err(error) = store.delete() {
        return fail(
            &format!("kunne ikke slette {}: {error}", store.path().display()),
            2,
        );
    }
    match revoked {
        Ok(()) => {
            say!("Logget ut: økten er trukket tilbake hos ID-porten og slettet her.");
            ExitCode::SUCCESS
        }
        Err(error) => {
            say!("Økten er slettet her, men ID-porten kunne ikke nås for å trekke den tilbake: {error}");
            ExitCode::from(EXIT_NETWORK)
        }
    }
}

fn iso(epoch: u64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(epoch as i64, 0)
        .map(|d| d.to_rfc3339())
        .unwrap_or_default()
}

/// `innboks status [--json]`: who, where, how and until when. Exit 3 when not logged in.
pub fn status(environment: &Environment, as_json: bool) -> ExitCode {
    let store = store_for(environment);
    let stored = store
        .as_ref()
        .and_then(SessionStore::load)
        .filter(|s| !s.expired());
    let value = match &stored {
        Some(s) => json!({
            "logged_in": true,
            "env": environment.name,
            "method": s.method,
            "issuer": s.issuer,
            "client_id": s.client_id,
            "scopes": s.scopes,
            "pid": s.pid_masked,
            "logged_in_at": iso(s.logged_in_at),
            "refresh_expires_at": s.refresh_expires_at.map(iso),
            "session_file": store.as_ref().map(|st| st.path().display().to_string()),
        }),
        None => json!({
            "logged_in": false,
            "env": environment.name,
        }),
    };
    if as_json {
        say!("{value}");
    } else if let Some(s) = &stored {
        say!(
            "Innlogget i «{}» med ID-porten ({}).",
            environment.name,
            s.method
        );
        if let Some(pid) = &s.pid_masked {
            say!("Fødselsnummer: {pid}");
        }
        say!("Utsteder: {}  klient: {}", s.issuer, s.client_id);
        say!("Innlogget: {}", iso(s.logged_in_at));
        if let Some(at) = s.refresh_expires_at {
            say!("Økten utløper uten bruk: {}", iso(at));
        }
    } else {
        say!("Ikke innlogget i «{}».", environment.name);
    }
    if stored.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_NOT_LOGGED_IN)
    }
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
    }
}

fn fail_as(json_errors: bool, code: &str, message: &str, exit: u8) -> ExitCode {
    if json_errors {
        eprintln!("{}", json!({"code": code, "message": message}));
    } else {
        eprintln!("innboks: {message}");
    }
    ExitCode::from(exit)
}

fn fail_api(json_errors: bool, error: &ApiError) -> ExitCode {
    let (code, exit) = error_code(error);
    fail_as(json_errors, code, &error.to_string(), exit)
}

/// The saved ID-porten session, resumed (a refresh), for the scriptable commands.
async fn resume(environment: &Environment) -> Result<Backend, (String, &'static str, u8)> {
    let not_logged_in = |why: String| (why, "not-logged-in", EXIT_NOT_LOGGED_IN);
    let store =
        store_for(environment).ok_or_else(|| not_logged_in("ingen hjemmekatalog".into()))?;
    let stored = store.load().ok_or_else(|| {
        not_logged_in(format!(
            "ikke innlogget i «{}»: kjør innboks login",
            environment.name
        ))
    })?;
    let provider = discover(environment)
        .await
        .map_err(|e| (e.to_string(), "network", EXIT_NETWORK))?;
    let handle = SessionHandle::default();
    let refresher = Refresher::resume(provider, handle.clone(), Some(store), stored)
        .await
        .map_err(|e| match e {
            AuthError::InvalidGrant(_) => not_logged_in(format!("{e} Kjør innboks login.")),
            other => (other.to_string(), "network", EXIT_NETWORK),
        })?;
    handle.set_refresher(refresher, None);
    let client = Client::new(environment.altinn_url.clone(), environment.api_key.clone())
        .map_err(|e| (e.to_string(), "local", 1))?;
    Ok(Backend::altinn2(client, handle))
}

/// The start every scriptable command that reads mail shares: the saved session resumed,
/// and whose inbox (`my` unless `--reportee`). On failure, the exit code, already reported.
async fn begin(
    environment: &Environment,
    as_json: bool,
    reportee: Option<String>,
) -> Result<(Backend, Inbox), ExitCode> {
    match resume(environment).await {
        Ok(backend) => Ok((
            backend,
            reportee.as_deref().map_or(Inbox::Me, Inbox::from_key),
        )),
        Err((message, code, exit)) => Err(fail_as(as_json, code, &message, exit)),
    }
}

fn date(d: Option<chrono::DateTime<chrono::Utc>>) -> serde_json::Value {
    d.map_or(serde_json::Value::Null, |d| json!(d.to_rfc3339()))
}

fn summary_json(m: &crate::domain::MessageSummary) -> serde_json::Value {
    json!({
        "id": m.id,
        "subject": m.subject,
        "sender": m.sender(),
        "service_owner": m.service_owner,
        "status": m.status.label(),
        "unread": m.is_unread(),
        "type": m.kind.label(),
        "received": date(m.last_changed),
        "due": date(m.due),
        "requires_confirmation": m.requires_confirmation,
        "reportee": m.owner,
    })
}

/// Up to `limit` messages of `inbox`, newest first, as `query` asks; pages are fetched
/// `concurrency` at a time.
async fn fetch_list(
    backend: &Backend,
    inbox: &Inbox,
    query: &Query,
    limit: usize,
    concurrency: usize,
) -> Result<Vec<crate::domain::MessageSummary>, ApiError> {
    crate::sync::fetch_all(
        |skip| async move { backend.page(inbox, query, &Cursor::Offset(skip)).await },
        limit,
        concurrency,
    )
    .await
}

/// `innboks list`; `--reportee all` merges every reportee's inbox (newest first, each
/// message with its `reportee`).
pub async fn list(
    environment: &Environment,
    as_json: bool,
    unread: bool,
    reportee: Option<String>,
    limit: usize,
    filter: Option<String>,
    concurrency: usize,
) -> ExitCode {
    let (backend, inbox) = match begin(environment, as_json, reportee).await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    // Every message whatever its folder, as Altinn 2's plain list gives them.
    let query = Query {
        folder: None,
        filters: crate::domain::Filters {
            unread,
            ..Default::default()
        },
        raw_filter: filter,
    };
    let mut names = std::collections::HashMap::new();
    let fetched: Result<Vec<crate::domain::MessageSummary>, ApiError> = async {
        if !inbox.is_all() {
            return fetch_list(&backend, &inbox, &query, limit, concurrency).await;
        }
        let parties = backend.parties().await?;
        let mut merged = Vec::new();
        for party in parties {
            let owner = Inbox::Party(party.id.clone());
            let mut messages = fetch_list(&backend, &owner, &query, limit, concurrency).await?;
            for m in &mut messages {
                m.owner = Some(party.id.clone());
            }
            names.insert(party.id.clone(), party.name.clone());
            merged.extend(messages);
        }
        merged.sort_by_key(|m| std::cmp::Reverse(m.last_changed));
        merged.truncate(limit);
        Ok(merged)
    }
    .await;
    let messages = match fetched {
        Ok(messages) => messages,
        Err(error) => return fail_api(as_json, &error),
    };
    if as_json {
        say!(
            "{}",
            serde_json::Value::Array(messages.iter().map(summary_json).collect())
        );
    } else {
        for m in &messages {
            let dot = if m.is_unread() { "●" } else { " " };
            let received = m
                .last_changed
                .map(crate::text::norwegian_date)
                .unwrap_or_default();
            let owner = m
                .owner
                .as_ref()
                .map(|id| {
                    let name = names.get(id).map_or(id.as_str(), String::as_str);
                    format!("{}  ", crate::text::fit(name, 16))
                })
                .unwrap_or_default();
            say!(
                "{dot} {received:10}  {owner}{}  {}  [{}]",
                crate::text::fit(m.sender(), 24),
                m.subject,
                m.id
            );
        }
    }
    ExitCode::SUCCESS
}

/// What `act_on` does to each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bulk {
    /// `innboks archive`.
    Archive,
    /// `innboks mark-read`.
    MarkRead,
}

/// `innboks archive ID…` and `innboks mark-read ID…`: one line (or JSON object) per
/// message; the exit code is the first failure's.
pub async fn act_on(environment: &Environment, targets: &Targets, bulk: Bulk) -> ExitCode {
    let as_json = targets.json;
    let (backend, inbox) = match begin(environment, as_json, targets.reportee.clone()).await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    let mut results = Vec::new();
    let mut first_failure = None;
    for id in &targets.ids {
        let action = match bulk {
            Bulk::Archive => MessageAction::Archive,
            Bulk::MarkRead => MessageAction::MarkRead,
        };
        let outcome = backend.act(&inbox, id, action).await;
        match outcome {
            Ok(new_id) => {
                if as_json {
                    results.push(json!({"id": id, "ok": true, "new_id": new_id}));
                } else {
                    match (bulk, new_id) {
                        (Bulk::Archive, Some(new_id)) => say!("{id}: arkivert som {new_id}"),
                        (Bulk::Archive, None) => say!("{id}: arkivert"),
                        (Bulk::MarkRead, _) => say!("{id}: lest"),
                    }
                }
            }
            Err(error) => {
                let (code, exit) = error_code(&error);
                if as_json {
                    results.push(
                        json!({"id": id, "ok": false, "code": code, "message": error.to_string()}),
                    );
                } else {
                    eprintln!("{id}: {error}");
                }
                first_failure.get_or_insert(exit);
            }
        }
    }
    if as_json {
        say!("{}", serde_json::Value::Array(results));
    }
    match first_failure {
        Some(exit) => ExitCode::from(exit),
        None => ExitCode::SUCCESS,
    }
}

/// `innboks show ID`: marks the message read only with `--mark-read`.
pub async fn show(
    environment: &Environment,
    id: &str,
    reportee: Option<String>,
    as_json: bool,
    mark_read: bool,
) -> ExitCode {
    let (backend, inbox) = match begin(environment, as_json, reportee).await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    let result = if mark_read {
        backend.open(&inbox, id).await
    } else {
        backend.preview(&inbox, id).await
    };
    let message = match result {
        Ok(message) => message,
        Err(error) => return fail_api(as_json, &error),
    };
    if as_json {
        let mut value = summary_json(&message.summary);
        value["body"] = json!(message.body);
        value["summary"] = json!(message.summary_text);
        value["portal_url"] = json!(message.portal_url);
        value["attachments"] = serde_json::Value::Array(
            message
                .attachments
                .iter()
                .map(|a| json!({"id": a.id, "name": a.name, "file_name": a.file_name, "size": a.size, "encrypted": a.encrypted}))
                .collect(),
        );
        say!("{value}");
    } else {
        let s = &message.summary;
        say!("Fra: {}", s.sender());
        if let Some(received) = s.last_changed {
            say!("Mottatt: {}", crate::text::norwegian_datetime(received));
        }
        say!("Status: {}   Type: {}", s.status.label(), s.kind.label());
        say!("Emne: {}", s.subject);
        for (i, a) in message.attachments.iter().enumerate() {
            say!(
                "Vedlegg [{}]: {} ({})",
                i + 1,
                a.file_name,
                a.size.map(crate::text::human_size).unwrap_or_default()
            );
        }
        say!();
        say!("{}", message.body);
    }
    ExitCode::SUCCESS
}

/// `innboks reportees`.
pub async fn reportees(environment: &Environment, as_json: bool) -> ExitCode {
    let backend = match resume(environment).await {
        Ok(backend) => backend,
        Err((message, code, exit)) => return fail_as(as_json, code, &message, exit),
    };
    let result = backend.parties().await;
    let parties = match result {
        Ok(parties) => parties,
        Err(error) => return fail_api(as_json, &error),
    };
    if as_json {
        let items: Vec<_> = parties
            .iter()
            .map(|p| {
                let kind = match &p.kind {
                    crate::domain::PartyKind::Person => "person",
                    crate::domain::PartyKind::Organisation => "organisation",
                    crate::domain::PartyKind::SubUnit => "sub-unit",
                    crate::domain::PartyKind::Other(_) => "other",
                };
                json!({"id": p.id, "name": p.name, "kind": kind, "organisation_number": p.organisation_number})
            })
            .collect();
        say!("{}", serde_json::Value::Array(items));
    } else {
        for p in &parties {
            say!(
                "{:12} {}  {}",
                p.id,
                p.name,
                p.organisation_number.as_deref().unwrap_or("")
            );
        }
    }
    ExitCode::SUCCESS
}

/// `innboks attachment list ID`.
pub async fn attachment_list(
    environment: &Environment,
    id: &str,
    reportee: Option<String>,
    as_json: bool,
) -> ExitCode {
    let (backend, inbox) = match begin(environment, as_json, reportee).await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    let message = match backend.preview(&inbox, id).await {
        Ok(message) => message,
        Err(error) => return fail_api(as_json, &error),
    };
    if as_json {
        let items: Vec<_> = message
            .attachments
            .iter()
            .map(|a| json!({"id": a.id, "name": a.name, "file_name": a.file_name, "size": a.size, "encrypted": a.encrypted}))
            .collect();
        say!("{}", serde_json::Value::Array(items));
    } else {
        for a in &message.attachments {
            let size = a.size.map(crate::text::human_size).unwrap_or_default();
            let encrypted = if a.encrypted { "  (kryptert)" } else { "" };
            say!("{:10} {}  {size}{encrypted}", a.id, a.file_name);
        }
    }
    ExitCode::SUCCESS
}

/// `innboks attachment save ID [ATT_ID|--all] [--out DIR]`: prints where each file went.
pub async fn attachment_save(
    environment: &Environment,
    id: &str,
    attachment: Option<String>,
    all: bool,
    out: Option<std::path::PathBuf>,
    reportee: Option<String>,
    as_json: bool,
) -> ExitCode {
    let Some(dir) = out.or_else(crate::paths::download_dir) else {
        return fail_as(
            as_json,
            "local",
            "fant ingen nedlastingsmappe: bruk --out",
            2,
        );
    };
    let (backend, inbox) = match begin(environment, as_json, reportee).await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    let message = match backend.preview(&inbox, id).await {
        Ok(message) => message,
        Err(error) => return fail_api(as_json, &error),
    };
    let chosen: Vec<_> = match (&attachment, all) {
        (Some(wanted), _) => message
            .attachments
            .iter()
            .filter(|a| &a.id == wanted)
            .collect(),
        (None, true) => message.attachments.iter().collect(),
        (None, false) if message.attachments.len() == 1 => message.attachments.iter().collect(),
        (None, false) => {
            return fail_as(
                as_json,
                "usage",
                "meldingen har flere vedlegg: oppgi et vedlegg-id eller --all",
                2,
            )
        }
    };
    if chosen.is_empty() && all {
        // Nothing to save is not an error for `--all`: a script gets an empty result.
        if as_json {
            say!("[]");
        } else {
            eprintln!("Meldingen har ingen vedlegg.");
        }
        return ExitCode::SUCCESS;
    }
    if chosen.is_empty() {
        return fail_as(as_json, "not-found", "fant ikke vedlegget", 4);
    }
    if let Err(error) = std::fs::create_dir_all(&dir) {
        return fail_as(
            as_json,
            "local",
            &format!("kan ikke lage {}: {error}", dir.display()),
            1,
        );
    }
    let mut saved = Vec::new();
    for a in chosen {
        let (path, file) = match crate::paths::create_unique(&dir, &a.file_name) {
            Ok(ok) => ok,
            Err(error) => {
                return fail_as(
                    as_json,
                    "local",
                    &format!("kan ikke lage filen: {error}"),
                    1,
                )
            }
        };
        let mut file = tokio::fs::File::from_std(file);
        match backend.download(&a.url, &mut file, |_| {}).await {
            Ok(bytes) => {
                saved.push(json!({"id": a.id, "path": path.display().to_string(), "bytes": bytes}))
            }
            Err(error) => {
                let _ = std::fs::remove_file(&path);
                return fail_api(as_json, &error);
            }
        }
    }
    if as_json {
        say!("{}", serde_json::Value::Array(saved));
    } else {
        for s in &saved {
            say!("Lagret {}", s["path"].as_str().unwrap_or_default());
        }
    }
    ExitCode::SUCCESS
}
