//! `innboks login`, `logout` and `status`: the session, kept in the store the TUI uses.

use crate::i18n::tr;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::{discover, fail, store_for, EXIT_NETWORK, EXIT_NOT_LOGGED_IN};
use crate::auth::browser::{self, CallbackParams};
use crate::auth::oidc::{self, AuthError, Provider};
use crate::auth::refresh::{stored_session, Refresher};
use crate::auth::store::SessionStore;
use crate::auth::{device, SessionHandle};
use crate::backend::altinn2::Client;
use crate::config::Environment;
use crate::domain::LoginMethod;
use crate::secret::Secret;

/// `innboks login`.
pub async fn login(
    environment: &Environment,
    method: LoginMethod,
    no_browser: bool,
    username: Option<String>,
    loopback_port: u16,
    acr: &str,
) -> ExitCode {
    if method == LoginMethod::Password {
        return password_login(environment, username).await;
    }
    let provider = match discover(environment).await {
        Ok(provider) => provider,
        Err(error) => return fail(&error, EXIT_NETWORK),
    };
    let result = match method {
        LoginMethod::IdPortenDevice => device_login(&provider, &environment.scopes, acr).await,
        LoginMethod::IdPortenBrowser | LoginMethod::Password => {
            browser_login(
                &provider,
                no_browser,
                loopback_port,
                &environment.scopes,
                acr,
            )
            .await
        }
    };
    let (tokens, claims, method_name) = match result {
        Ok(ok) => ok,
        Err(error) => return fail(&error, EXIT_NOT_LOGGED_IN),
    };
    let store = store_for(environment);
    let stored = stored_session(
        &environment.key,
        &provider,
        method_name,
        &tokens,
        &environment.scopes,
        claims.as_ref(),
    );
    let pid = claims.as_ref().and_then(|c| c.masked_pid());
    let renews = tokens.refresh_token.is_some();
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
        .map(|p| tr!(" (fødselsnummer {p})", p))
        .unwrap_or_default();
    say!("{}", tr!("Innlogget med ID-porten{who}.", who));
    if !renews {
        say!(
            "{}",
            tr!("ID-porten ga ingen fornyelsesnøkkel: økten varer bare så lenge tilgangsnøkkelen (noen minutter), så må du logge inn igjen.")
        );
    }
    if let Some(store) = store {
        say!(
            "{}",
            tr!(
                "Økten er lagret i {path} (kun lesbar for deg).",
                path = store.path().display()
            )
        );
    }
    ExitCode::SUCCESS
}

async fn browser_login(
    provider: &Provider,
    no_browser: bool,
    loopback_port: u16,
    scopes: &str,
    acr: &str,
) -> Result<(oidc::TokenSet, Option<oidc::IdClaims>, LoginMethod), AuthError> {
    let mut login = browser::start(provider.clone(), loopback_port, scopes, acr).await?;
    let var = |name: &str| std::env::var(name).ok();
    say!("{}", tr!("Åpne denne adressen i en nettleser og logg inn:"));
    say!("{}", login.authorize_url);
    if !no_browser
        && browser::local_browser_available(var)
        && browser::open_in_browser(&login.authorize_url).is_ok()
    {
        say!("{}", tr!("(Nettleseren er åpnet.)"));
    }
    say!(
        "{}",
        tr!("Venter på svar på {uri} …", uri = login.redirect_uri)
    );
    if login.fixed_port_busy {
        say!(
            "{}",
            tr!(
                "Den faste porten var opptatt, så {port} brukes denne gangen.",
                port = login.port
            )
        );
    }
    if browser::over_ssh(var) {
        say!(
            "{}",
            tr!("Over SSH: koble til med  ssh -L {port}:127.0.0.1:{port} <denne maskinen>  så når nettleseren din hit.", port = login.port)
        );
    }
    say!(
        "{}",
        tr!("Eller lim inn adressen nettleseren havnet på, og trykk Enter:")
    );
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
    let (tokens, claims) = login.finish(params, acr).await?;
    Ok((tokens, Some(claims), LoginMethod::IdPortenBrowser))
}

async fn device_login(
    provider: &Provider,
    scopes: &str,
    acr: &str,
) -> Result<(oidc::TokenSet, Option<oidc::IdClaims>, LoginMethod), AuthError> {
    let login = device::start_at(provider, scopes, acr).await?;
    say!(
        "{}",
        tr!(
            "Gå til {uri} og skriv inn koden",
            uri = login.verification_uri
        )
    );
    say!();
    say!("    {}", login.user_code);
    say!();
    if let Some(complete) = &login.verification_uri_complete {
        if std::io::stdout().is_terminal() {
            say!("{}", tr!("Eller skann denne med mobilen:"));
            for line in crate::text::qr_lines(complete) {
                say!("{line}");
            }
        }
        say!("{}", tr!("Direkte lenke: {complete}", complete));
    }
    say!("{}", tr!("Venter på godkjenning …"));
    let _ = std::io::stdout().flush();
    let (tokens, claims) = device::poll(provider, &login, acr).await?;
    Ok((tokens, claims, LoginMethod::IdPortenDevice))
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
                    break Err(std::io::Error::other(tr!("avbrutt")))
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
            eprint!("{} ", tr!("Brukernavn: ").trim_end());
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).is_err() {
                return fail(&tr!("kunne ikke lese brukernavnet"), 2);
            }
            line.trim().to_owned()
        }
    };
    let password = match read_password(&format!("{} ", tr!("Passord:    ").trim_end())) {
        Ok(password) => password,
        Err(error) => return fail(&error, 2),
    };
    let client = match Client::new(environment.altinn_url.clone(), environment.api_key.clone()) {
        Ok(client) => client,
        Err(error) => return fail(&error, EXIT_NETWORK),
    };
    match client.login_with_password(&username, &password).await {
        Ok(_) => {
            say!(
                "{}",
                tr!(
                    "Innlogget som {username} med passord (sikkerhetsnivå 1).",
                    username
                )
            );
            say!(
                "{}",
                tr!("Passordøkter lagres ikke mellom kjøringer; bruk ID-porten for det.")
            );
            ExitCode::SUCCESS
        }
        Err(crate::backend::altinn2::PasswordLoginError::Rejected(reason)) => fail(
            &tr!("innlogging feilet: {reason}", reason),
            EXIT_NOT_LOGGED_IN,
        ),
        Err(error) => fail(&error, EXIT_NETWORK),
    }
}

/// `innboks logout`: revokes at the provider and deletes the stored session.
pub async fn logout(environment: &Environment) -> ExitCode {
    let Some(store) = store_for(environment) else {
        return fail(&tr!("ingen hjemmekatalog"), 2);
    };
    if store.describe().is_none() {
        say!(
            "{}",
            tr!("Ikke innlogget i «{env}».", env = environment.name)
        );
        return ExitCode::SUCCESS;
    }
    // The token to revoke; a keyring that holds it but does not answer now still lets the
    // session be deleted here.
    let revoked = match (store.load(), discover(environment).await) {
        (Some(stored), Ok(provider)) => provider.revoke(&stored.refresh_token).await,
        (None, _) => Err(crate::auth::oidc::AuthError::NotOffered(
            tr!("nøkkelringen svarte ikke, så fornyelsesnøkkelen kunne ikke leses").into(),
        )),
        (_, Err(error)) => Err(error),
    };
    if let Err(error) = store.delete() {
        return fail(
            &tr!(
                "kunne ikke slette {path}: {error}",
                path = store.path().display(),
                error
            ),
            2,
        );
    }
    match revoked {
        Ok(()) => {
            say!(
                "{}",
                tr!("Logget ut: økten er trukket tilbake hos ID-porten og slettet her.")
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            say!("{}", tr!("Økten er slettet her, men den kunne ikke trekkes tilbake hos ID-porten: {error}", error));
            ExitCode::from(EXIT_NETWORK)
        }
    }
}

fn iso(epoch: u64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(epoch as i64, 0)
        .map(|d| d.to_rfc3339())
        .unwrap_or_default()
}

/// `substantial` or `high` (`status --json`'s `level`), or the `acr` as ID-porten sent it.
fn level_name(acr: &str) -> &str {
    match acr {
        "idporten-loa-high" => "high",
        "idporten-loa-substantial" => "substantial",
        other => other,
    }
}

/// `innboks status [--json]`: who, where, how and until when. Exit 3 when not logged in.
pub fn status(environment: &Environment, as_json: bool) -> ExitCode {
    let store = store_for(environment);
    let stored = store
        .as_ref()
        .and_then(SessionStore::describe)
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
            "refresh": s.refresh,
            "level": s.acr.as_deref().map(level_name),
            "session_file": store.as_ref().map(|st| st.path().display().to_string()),
            "store": s.token_in.name(),
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
            "{}",
            tr!(
                "Innlogget i «{env}» med ID-porten ({method}).",
                env = environment.name,
                method = s.method
            )
        );
        if let Some(pid) = &s.pid_masked {
            say!("{}", tr!("Fødselsnummer: {pid}", pid));
        }
        say!(
            "{}",
            tr!(
                "Utsteder: {issuer}  klient: {client}",
                issuer = s.issuer,
                client = s.client_id
            )
        );
        say!("{}", tr!("Innlogget: {at}", at = iso(s.logged_in_at)));
        if let Some(level) = s.acr.as_deref().map(level_name) {
            say!("{}", tr!("Sikkerhetsnivå: {level}", level));
        }
        match (s.refresh, s.refresh_expires_at) {
            (true, Some(at)) => say!("{}", tr!("Økten utløper uten bruk: {at}", at = iso(at))),
            (false, at) => say!(
                "{}",
                tr!(
                    "ID-porten ga ingen fornyelsesnøkkel: økten varer til {at}, så må du logge inn igjen.",
                    at = at.map(iso).unwrap_or_default()
                )
            ),
            (true, None) => {}
        }
        let path = store
            .as_ref()
            .map(|st| format!(": {}", st.path().display()))
            .unwrap_or_default();
        say!(
            "{}",
            match s.token_in {
                crate::auth::store::TokenPlace::Keyring =>
                    tr!("Fornyelsesnøkkelen ligger i nøkkelringen.").to_owned(),
                crate::auth::store::TokenPlace::File => tr!(
                    "Fornyelsesnøkkelen ligger i øktfilen (0600; fant ingen nøkkelring){path}.",
                    path
                ),
            }
        );
    } else {
        say!(
            "{}",
            tr!("Ikke innlogget i «{env}».", env = environment.name)
        );
    }
    if stored.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_NOT_LOGGED_IN)
    }
}
