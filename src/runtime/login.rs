//! Effects of logging in: the password login, ID-porten discovery, the device and browser
//! flows, resuming a stored session, and keeping a session alive afterwards.

use crate::i18n::tr;
use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::Ctx;
use crate::app::{BrowserView, DeviceView, Msg};
use crate::auth::browser::{self, CallbackParams};
use crate::auth::device;
use crate::auth::oidc::{AuthError, IdClaims, Provider, TokenSet};
use crate::auth::refresh::{stored_session, Refresher};
use crate::auth::store::SessionStore;
use crate::auth::SessionHandle;
use crate::domain::LoginMethod;
use crate::secret::Secret;

/// How to reach ID-porten for this environment.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    /// Environment name (the session store is per environment).
    pub env: String,
    /// Issuer, when configured.
    pub issuer: Option<String>,
    /// Client id, when configured.
    pub client_id: Option<String>,
    /// The preferred loopback port.
    pub loopback_port: u16,
    /// Where the session is kept between runs.
    pub store: Option<SessionStore>,
    /// Scopes to ask for.
    pub scopes: String,
    /// Level of assurance to ask for.
    pub acr: String,
}

/// The provider, discovered once per run.
async fn provider_for(ctx: &Ctx) -> Result<Provider, AuthError> {
    let mut cached = ctx.provider.lock().await;
    if let Some(provider) = cached.as_ref() {
        return Ok(provider.clone());
    }
    let auth = &ctx.auth;
    let (Some(issuer), Some(client_id)) = (&auth.issuer, &auth.client_id) else {
        return Err(AuthError::NotOffered(
            tr!("ID-porten er ikke konfigurert: sett issuer og client_id for miljøet i config.toml.")
                .into(),
        ));
    };
    let http = crate::auth::oidc::http_client()?;
    let provider = Provider::discover(&http, issuer, client_id).await?;
    *cached = Some(provider.clone());
    Ok(provider)
}

/// Logs in with Altinn user name and password.
pub(super) async fn password(ctx: Ctx, request: u64, username: String, password: Secret) -> Msg {
    match ctx.backend.password_login(&username, &password).await {
        Ok(new_session) => {
            tracing::info!(method = "password", "logged in");
            let session = ctx.backend.session();
            session.clear_refresher();
            session.set(Some(new_session));
            let user =
                crate::domain::user_key(&[&ctx.auth.env, "password", &username.to_lowercase()]);
            ctx.send(Msg::UserKnown(user));
            Msg::LoggedIn { request }
        }
        Err(error) => {
            tracing::warn!(%error, "password login failed");
            Msg::LoginFailed {
                request,
                error: error.to_string(),
            }
        }
    }
}

/// Discovers the provider: which flows it offers.
pub(super) async fn discover(ctx: Ctx) -> Msg {
    match provider_for(&ctx).await {
        Ok(provider) => Msg::ProviderReady {
            device_offered: provider.device_flow_offered(),
        },
        Err(error) => {
            tracing::warn!(%error, "discovery failed");
            Msg::ProviderFailed {
                error: error.to_string(),
            }
        }
    }
}

/// Resumes the stored ID-porten session of this environment, if there is one.
pub(super) async fn restore(ctx: Ctx) -> Msg {
    let auth = &ctx.auth;
    // (The keyring blocks for up to its deadline: not on the runtime's threads.)
    let store = auth.store.clone();
    let stored = tokio::task::spawn_blocking(move || store.as_ref().and_then(SessionStore::load))
        .await
        .ok()
        .flatten()
        .filter(|s| {
            // A session for other scopes (another API) is not this one.
            Some(&s.issuer) == auth.issuer.as_ref()
                && Some(&s.client_id) == auth.client_id.as_ref()
                && s.scopes == auth.scopes
        });
    let Some(stored) = stored else {
        return Msg::RestoreFailed {
            error: None,
            method: None,
        };
    };
    let method = stored.method;
    let user = stored.user_key.clone();
    let session = ctx.backend.session().clone();
    let result = match provider_for(&ctx).await {
        Ok(provider) => {
            Refresher::resume(provider, session.clone(), auth.store.clone(), stored).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(refresher) => {
            tracing::info!(%method, "session resumed");
            tell_where_kept(&ctx);
            start_schedule(&session, refresher, &ctx.tx);
            if let Some(user) = user {
                ctx.send(Msg::UserKnown(user));
            }
            Msg::SessionRestored { method }
        }
        Err(error) => {
            tracing::warn!(%error, "session not resumed");
            Msg::RestoreFailed {
                error: Some(error.to_string()),
                method: Some(method),
            }
        }
    }
}

/// The level of assurance a login asks for: the environment's, or the high one for a
/// step-up.
pub(super) fn acr_for(ctx: &Ctx, high: bool) -> String {
    if high {
        crate::domain::HIGH_ACR.to_owned()
    } else {
        ctx.auth.acr.clone()
    }
}

/// The device flow: shows the code, polls until approved, then keeps the session alive.
pub(super) async fn device(ctx: Ctx, request: u64, acr: String) {
    let result: Result<(), AuthError> = async {
        let provider = provider_for(&ctx).await?;
        let login = device::start_at(&provider, &ctx.auth.scopes, &acr).await?;
        ctx.send(Msg::DeviceCode {
            request,
            view: DeviceView {
                user_code: login.user_code.clone(),
                verification_uri: login.verification_uri.clone(),
                verification_uri_complete: login.verification_uri_complete.clone(),
                qr: login
                    .verification_uri_complete
                    .as_deref()
                    .map(crate::text::qr_lines)
                    .unwrap_or_default(),
                expires_at: login.expires_at,
            },
        });
        let (tokens, claims) = device::poll(&provider, &login, &acr).await?;
        keep_alive(
            &ctx,
            provider,
            tokens,
            LoginMethod::IdPortenDevice,
            claims.as_ref(),
        )
    }
    .await;
    report_login(&ctx, request, LoginMethod::IdPortenDevice, result);
}

/// The browser flow: shows the URL (and opens it when asked), then waits for the redirect
/// on the loopback listener or pasted by the user, whichever comes first.
pub(super) async fn browser(
    ctx: Ctx,
    request: u64,
    open_browser: bool,
    mut paste_rx: UnboundedReceiver<String>,
    acr: String,
) {
    let result: Result<(), AuthError> = async {
        let auth = &ctx.auth;
        let provider = provider_for(&ctx).await?;
        let mut login =
            browser::start(provider.clone(), auth.loopback_port, &auth.scopes, &acr).await?;
        let opened = open_browser && browser::open_in_browser(&login.authorize_url).is_ok();
        ctx.send(Msg::BrowserReady {
            request,
            view: BrowserView {
                url: login.authorize_url.clone(),
                port: login.port,
                fixed_port_busy: login.fixed_port_busy,
                opened,
                paste: Default::default(),
                paste_focused: false,
                paste_error: None,
            },
        });
        let params = {
            let callback = login.callback();
            tokio::pin!(callback);
            loop {
                tokio::select! {
                    received = &mut callback => break received?,
                    Some(text) = paste_rx.recv() => {
                        match CallbackParams::parse(&text) {
                            Ok(params) if params.error.is_some() || login.state_matches(&params) => break params,
                            Ok(_) => ctx.send(Msg::PasteRejected {
                                error: AuthError::StateMismatch.to_string(),
                            }),
                            Err(error) => ctx.send(Msg::PasteRejected { error: error.to_string() }),
                        }
                    }
                }
            }
        };
        let (tokens, claims) = login.finish(params, &acr).await?;
        keep_alive(&ctx, provider, tokens, LoginMethod::IdPortenBrowser, Some(&claims))
    }
    .await;
    report_login(&ctx, request, LoginMethod::IdPortenBrowser, result);
}

/// Hands a fresh token set to a new refresher and starts its schedule.
fn keep_alive(
    ctx: &Ctx,
    provider: Provider,
    tokens: TokenSet,
    method: LoginMethod,
    claims: Option<&IdClaims>,
) -> Result<(), AuthError> {
    let auth = &ctx.auth;
    let stored = stored_session(&auth.env, &provider, method, &tokens, &auth.scopes, claims);
    if let Some(user) = &stored.user_key {
        ctx.send(Msg::UserKnown(user.clone()));
    }
    let session = ctx.backend.session();
    let refresher = Refresher::start(
        provider,
        session.clone(),
        auth.store.clone(),
        tokens,
        stored,
    )?;
    start_schedule(session, refresher, &ctx.tx);
    Ok(())
}

/// Tells the app how an ID-porten login ended.
fn report_login(ctx: &Ctx, request: u64, method: LoginMethod, result: Result<(), AuthError>) {
    let msg = match result {
        Ok(()) => {
            tracing::info!(%method, "logged in");
            tell_where_kept(ctx);
            Msg::LoggedIn { request }
        }
        Err(error) => {
            tracing::warn!(%method, %error, "login failed");
            Msg::LoginFailed {
                request,
                error: error.to_string(),
            }
        }
    };
    ctx.send(msg);
}

/// Says (once a run; the app decides) when the refresh token went to the session file
/// because no keyring answered.
fn tell_where_kept(ctx: &Ctx) {
    let in_file = ctx.auth.store.as_ref().is_some_and(|store| {
        store.uses_keyring()
            && store
                .describe()
                .is_some_and(|s| s.token_in == crate::auth::store::TokenPlace::File)
    });
    if in_file {
        ctx.send(Msg::Refresh(crate::domain::RefreshEvent::KeptInFile));
    }
}

/// Runs the refresher's schedule in the background, reporting its news to the app.
fn start_schedule(session: &SessionHandle, refresher: Arc<Refresher>, tx: &UnboundedSender<Msg>) {
    let events = tx.clone();
    let task = tokio::spawn(refresher.clone().run(move |event| {
        let _ = events.send(Msg::Refresh(event));
    }));
    session.set_refresher(refresher, Some(task.abort_handle()));
}
