//! Effects: what `update` asks the outside world to do. [`EffectRunner`] turns each into a
//! tokio task that sends a [`Msg`] back; the UI thread never waits on the network. Requests
//! to Altinn go through [`with_session`], which on a 401 refreshes an ID-porten token once
//! (single flight) and retries.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::task::AbortHandle;

use super::msg::Msg;
use super::{BrowserView, DeviceView};
use crate::altinn::{ApiError, Client};
use crate::auth::browser::{self, CallbackParams};
use crate::auth::oidc::{AuthError, Provider, TokenSet};
use crate::auth::refresh::{stored_session, Refresher};
use crate::auth::store::SessionStore;
use crate::auth::{device, password, Secret, Session, SessionHandle};
use crate::cache::{CacheHandle, Scope};

/// How long a preview waits for the cursor to stop before it is fetched, so holding `j`
/// fetches only where the cursor stops.
pub const PREVIEW_DEBOUNCE: Duration = Duration::from_millis(120);

/// Work for the background.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Log in with Altinn user name and password.
    PasswordLogin {
        /// Request id.
        request: u64,
        /// User name.
        username: String,
        /// Password (sent once, never stored).
        password: Secret,
    },
    /// Discover the ID-porten provider (which flows it offers).
    Discover,
    /// Resume a stored ID-porten session, if there is one.
    RestoreSession,
    /// Start an ID-porten device login.
    StartDeviceLogin {
        /// Request id.
        request: u64,
    },
    /// Start an ID-porten browser login.
    StartBrowserLogin {
        /// Request id.
        request: u64,
        /// Open the system browser (only with a local display).
        open_browser: bool,
    },
    /// A pasted redirect URL (or query) for the browser login in progress.
    SubmitRedirect {
        /// What was pasted.
        text: String,
    },
    /// Stop the ID-porten login in progress.
    CancelLogin,
    /// Copy text to the clipboard (OSC 52; done by the terminal loop).
    CopyToClipboard(String),
    /// Archive, delete or confirm a message.
    Act {
        /// Request id.
        request: u64,
        /// Whose inbox.
        who: String,
        /// Message id.
        id: String,
        /// What to do.
        action: MessageAction,
    },
    /// Save an attachment into `dir` (never overwriting), and open it if asked.
    SaveAttachment {
        /// Its download link.
        url: String,
        /// The file name to use.
        file_name: String,
        /// Where.
        dir: std::path::PathBuf,
        /// Open it afterwards with the system opener.
        open: bool,
    },
    /// Fetch the parties the user can act for.
    FetchReportees,
    /// Fetch the user's profile (name for the title bar).
    FetchProfile,
    /// Fetch one page of an inbox.
    FetchPage {
        /// Request id.
        request: u64,
        /// `my`, an org number or an `r…` id.
        who: String,
        /// `$skip`.
        skip: usize,
        /// The server's `next` link, followed instead of `$skip` when given.
        link: Option<String>,
        /// Inbox, archive or trash bin.
        folder: crate::domain::Folder,
        /// The filters (the effect sends only the server's part).
        filters: crate::domain::Filters,
    },
    /// Fetch a message's detail.
    FetchMessage {
        /// Request id.
        request: u64,
        /// Whose inbox.
        who: String,
        /// Message id.
        id: String,
        /// An explicit open: let the server mark it read.
        mark_as_read: bool,
        /// A preview: wait [`PREVIEW_DEBOUNCE`] first, and give way to a newer preview.
        debounce: bool,
        /// The cache to answer previews from and keep the body in.
        cache: Option<Scope>,
        /// Neighbours (whose inbox, id) to fetch afterwards as previews, so the next `j` and
        /// `Enter` need no wait; dropped with the preview when the cursor moves on.
        prefetch: Vec<(String, String)>,
    },
    /// Read a list from the local cache.
    LoadCache {
        /// Request id.
        request: u64,
        /// Which list.
        scope: Scope,
    },
    /// Write what a sync step learned to the local cache.
    WriteCache {
        /// Which list.
        scope: Scope,
        /// Messages new or changed.
        upsert: Vec<crate::domain::MessageSummary>,
        /// Ids no longer there.
        remove: Vec<String>,
        /// The list is now known to its end (`Some(true)`), or not (`Some(false)`).
        complete: Option<bool>,
    },
    /// Remember who used this environment last (for `--offline`).
    RememberUser {
        /// Environment.
        env: String,
        /// The user's key.
        user: String,
    },
}

/// Something done to a message on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageAction {
    /// `PUT …/archive`.
    Archive,
    /// `DELETE …`.
    Delete,
    /// `PUT …/confirm`.
    Confirm,
}

impl MessageAction {
    /// The verb for messages to the user ("arkivere").
    pub fn verb(self) -> &'static str {
        match self {
            MessageAction::Archive => "arkivere",
            MessageAction::Delete => "slette",
            MessageAction::Confirm => "bekrefte",
        }
    }
}

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

/// Runs a request with the current session; a 401 on an ID-porten session refreshes the
/// token once (single flight, shared with every other caller) and retries.
pub async fn with_session<T, F, Fut>(session: &SessionHandle, call: F) -> Result<T, ApiError>
where
    F: Fn(Session) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let Some(current) = session.get() else {
        return Err(ApiError::SessionExpired);
    };
    match call(current.clone()).await {
        Err(ApiError::Unauthorized { reason }) if matches!(current, Session::Bearer { .. }) => {
            match session.refresh_after_unauthorized(&current).await {
                Ok(()) => match session.get() {
                    Some(fresh) => call(fresh).await,
                    None => Err(ApiError::SessionExpired),
                },
                Err(AuthError::InvalidGrant(_)) => Err(ApiError::SessionExpired),
                Err(_) => Err(ApiError::Unauthorized { reason }),
            }
        }
        other => other,
    }
}

/// Runs effects as tokio tasks against one Altinn client and session.
#[derive(Debug)]
pub struct EffectRunner {
    client: Client,
    session: SessionHandle,
    auth: Arc<AuthSettings>,
    provider: Arc<tokio::sync::Mutex<Option<Provider>>>,
    tx: UnboundedSender<Msg>,
    /// The pending preview, aborted when a newer one is asked for.
    message_task: Option<AbortHandle>,
    /// The ID-porten login in progress.
    login_task: Option<AbortHandle>,
    /// Where pasted redirects go while a browser login waits.
    paste_tx: Option<UnboundedSender<String>>,
    /// The local cache, when in use.
    cache: Option<CacheHandle>,
    /// `--offline`: network effects fail at once with [`ApiError::Offline`].
    offline: bool,
}

async fn provider_for(
    cache: &tokio::sync::Mutex<Option<Provider>>,
    auth: &AuthSettings,
) -> Result<Provider, AuthError> {
    let mut cached = cache.lock().await;
    if let Some(provider) = cached.as_ref() {
        return Ok(provider.clone());
    }
    let (Some(issuer), Some(client_id)) = (&auth.issuer, &auth.client_id) else {
        return Err(AuthError::NotOffered(
            "ID-porten er ikke konfigurert: sett issuer og client_id for miljøet i config.toml."
                .into(),
        ));
    };
    let http = crate::auth::oidc::http_client()?;
    let provider = Provider::discover(&http, issuer, client_id).await?;
    *cached = Some(provider.clone());
    Ok(provider)
}

/// Hands a fresh token set to a new refresher and starts its schedule.
fn keep_alive(
    session: &SessionHandle,
    auth: &AuthSettings,
    provider: Provider,
    tokens: TokenSet,
    method: &str,
    claims: Option<&crate::auth::oidc::IdClaims>,
    tx: &UnboundedSender<Msg>,
) -> Result<(), AuthError> {
    let stored = stored_session(&auth.env, &provider, method, &tokens, &auth.scopes, claims);
    if let Some(user) = &stored.user_key {
        let _ = tx.send(Msg::UserKnown(user.clone()));
    }
    let refresher = Refresher::start(
        provider,
        session.clone(),
        auth.store.clone(),
        tokens,
        stored,
    )?;
    start_schedule(session, refresher, tx);
    Ok(())
}

/// Streams an attachment into a new file in `dir` (a 401 on an ID-porten session refreshes
/// and retries once); a failed download leaves no partial file behind.
async fn save_attachment(
    client: &Client,
    session: &SessionHandle,
    url: &str,
    file_name: &str,
    dir: &std::path::Path,
    tx: &UnboundedSender<Msg>,
) -> Result<std::path::PathBuf, String> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| format!("kan ikke lage {}: {e}", dir.display()))?;
    let (path, file) = crate::paths::create_unique(dir, file_name)
        .map_err(|e| format!("kan ikke lage filen i {}: {e}", dir.display()))?;
    let mut file = tokio::fs::File::from_std(file);
    let mut last = 0u64;
    let name = file_name.to_owned();
    let mut progress = |bytes: u64| {
        if bytes - last >= 256 * 1024 {
            last = bytes;
            let _ = tx.send(Msg::AttachmentProgress {
                file_name: name.clone(),
                bytes,
            });
        }
    };
    let Some(current) = session.get() else {
        let _ = std::fs::remove_file(&path);
        return Err(ApiError::SessionExpired.to_string());
    };
    let mut result = client
        .download_attachment(&current, url, &mut file, &mut progress)
        .await;
    if let Err(ApiError::Unauthorized { .. }) = &result {
        if session.refresh_after_unauthorized(&current).await.is_ok() {
            if let Some(fresh) = session.get() {
                result = client
                    .download_attachment(&fresh, url, &mut file, &mut progress)
                    .await;
            }
        }
    }
    match result {
        Ok(_) => Ok(path),
        Err(error) => {
            drop(file);
            let _ = std::fs::remove_file(&path);
            Err(error.to_string())
        }
    }
}

/// A message's detail: from the cache when allowed (a preview, or offline), else from the
/// server (then kept in the cache).
async fn fetch_body(
    client: &Client,
    session: &SessionHandle,
    local: Option<&(CacheHandle, Scope)>,
    who: &str,
    id: &str,
    mark_as_read: bool,
    offline: bool,
) -> Result<crate::domain::Message, ApiError> {
    if let Some((cache, scope)) = local {
        if !mark_as_read || offline {
            let (scope, key) = (scope.clone(), id.to_owned());
            let cached = cache
                .ask(move |c| c.body(&scope, &key).ok().flatten())
                .await
                .flatten();
            if let Some(message) = cached {
                return Ok(message);
            }
        }
    }
    if offline {
        return Err(ApiError::Offline);
    }
    let message = with_session(session, |s| {
        let client = client.clone();
        let (who, id) = (who.to_owned(), id.to_owned());
        async move { client.message(&s, &who, &id, mark_as_read).await }
    })
    .await?;
    if let Some((cache, scope)) = local {
        let (scope, body) = (scope.clone(), message.clone());
        cache.run(move |c| {
            if let Err(error) = c.store_body(&scope, &body) {
                tracing::warn!(%error, "cache write failed");
            }
        });
    }
    Ok(message)
}

/// Tells the app how an ID-porten login ended.
fn report_login(
    tx: &UnboundedSender<Msg>,
    request: u64,
    method: &str,
    result: Result<(), AuthError>,
) {
    let msg = match result {
        Ok(()) => {
            tracing::info!(method, "logged in");
            Msg::LoggedIn { request }
        }
        Err(error) => {
            tracing::warn!(method, %error, "login failed");
            Msg::LoginFailed {
                request,
                error: error.to_string(),
            }
        }
    };
    let _ = tx.send(msg);
}

fn start_schedule(session: &SessionHandle, refresher: Arc<Refresher>, tx: &UnboundedSender<Msg>) {
    let events = tx.clone();
    let task = tokio::spawn(refresher.clone().run(move |event| {
        let _ = events.send(Msg::Refresh(event));
    }));
    session.set_refresher(refresher, Some(task.abort_handle()));
}

impl EffectRunner {
    /// A runner that reports back on `tx`.
    pub fn new(
        client: Client,
        session: SessionHandle,
        auth: AuthSettings,
        tx: UnboundedSender<Msg>,
    ) -> Self {
        Self {
            client,
            session,
            auth: Arc::new(auth),
            provider: Arc::default(),
            tx,
            message_task: None,
            login_task: None,
            paste_tx: None,
            cache: None,
            offline: false,
        }
    }

    /// Uses `cache` for lists and bodies; `offline` keeps everything off the network.
    pub fn with_cache(mut self, cache: Option<CacheHandle>, offline: bool) -> Self {
        self.cache = cache;
        self.offline = offline;
        self
    }

    /// In `--offline` mode, answers an effect that needs the network with a failure and
    /// returns `None`; passes every other effect through.
    fn refuse_offline(&self, effect: Effect) -> Option<Effect> {
        if !self.offline {
            return Some(effect);
        }
        let msg = match effect {
            Effect::FetchPage { request, skip, .. } => Msg::PageFailed {
                request,
                skip,
                error: ApiError::Offline,
            },
            Effect::Act {
                request, action, ..
            } => Msg::ActionFailed {
                request,
                action,
                error: ApiError::Offline,
            },
            Effect::FetchReportees => Msg::ReporteesFailed(ApiError::Offline),
            Effect::SaveAttachment { file_name, .. } => Msg::AttachmentFailed {
                file_name,
                error: ApiError::Offline.to_string(),
            },
            Effect::FetchProfile | Effect::Discover | Effect::RestoreSession => return None,
            Effect::PasswordLogin { request, .. }
            | Effect::StartDeviceLogin { request }
            | Effect::StartBrowserLogin { request, .. } => Msg::LoginFailed {
                request,
                error: ApiError::Offline.to_string(),
            },
            other => return Some(other),
        };
        let _ = self.tx.send(msg);
        None
    }

    fn cancel_login(&mut self) {
        if let Some(task) = self.login_task.take() {
            task.abort();
        }
        self.paste_tx = None;
    }

    /// Starts the effect in the background. Must be called inside a tokio runtime.
    pub fn run(&mut self, effect: Effect) {
        let Some(effect) = self.refuse_offline(effect) else {
            return;
        };
        let client = self.client.clone();
        let session = self.session.clone();
        let tx = self.tx.clone();
        let auth = self.auth.clone();
        let cache = self.provider.clone();
        match effect {
            Effect::PasswordLogin {
                request,
                username,
                password,
            } => {
                tokio::spawn(async move {
                    let result = password::login(
                        client.http(),
                        client.base(),
                        client.api_key(),
                        &username,
                        &password,
                    )
                    .await;
                    let msg = match result {
                        Ok(new_session) => {
                            tracing::info!(method = "password", "logged in");
                            session.clear_refresher();
                            session.set(Some(new_session));
                            let user = crate::cache::user_key(&[
                                &auth.env,
                                "password",
                                &username.to_lowercase(),
                            ]);
                            let _ = tx.send(Msg::UserKnown(user));
                            Msg::LoggedIn { request }
                        }
                        Err(error) => {
                            tracing::warn!(%error, "password login failed");
                            Msg::LoginFailed {
                                request,
                                error: error.to_string(),
                            }
                        }
                    };
                    let _ = tx.send(msg);
                });
            }
            Effect::Discover => {
                tokio::spawn(async move {
                    let msg = match provider_for(&cache, &auth).await {
                        Ok(provider) => Msg::ProviderReady {
                            device_offered: provider.device_flow_offered(),
                        },
                        Err(error) => {
                            tracing::warn!(%error, "discovery failed");
                            Msg::ProviderFailed {
                                error: error.to_string(),
                            }
                        }
                    };
                    let _ = tx.send(msg);
                });
            }
            Effect::RestoreSession => {
                tokio::spawn(async move {
                    let stored = auth
                        .store
                        .as_ref()
                        .and_then(SessionStore::load)
                        .filter(|s| {
                            Some(&s.issuer) == auth.issuer.as_ref()
                                && Some(&s.client_id) == auth.client_id.as_ref()
                        });
                    let Some(stored) = stored else {
                        let _ = tx.send(Msg::RestoreFailed { error: None });
                        return;
                    };
                    let method = stored.method.clone();
                    let user = stored.user_key.clone();
                    let result = match provider_for(&cache, &auth).await {
                        Ok(provider) => {
                            Refresher::resume(provider, session.clone(), auth.store.clone(), stored)
                                .await
                        }
                        Err(error) => Err(error),
                    };
                    let msg = match result {
                        Ok(refresher) => {
                            tracing::info!(%method, "session resumed");
                            start_schedule(&session, refresher, &tx);
                            if let Some(user) = user {
                                let _ = tx.send(Msg::UserKnown(user));
                            }
                            Msg::SessionRestored { method }
                        }
                        Err(error) => {
                            tracing::warn!(%error, "session not resumed");
                            Msg::RestoreFailed {
                                error: Some(error.to_string()),
                            }
                        }
                    };
                    let _ = tx.send(msg);
                });
            }
            Effect::StartDeviceLogin { request } => {
                self.cancel_login();
                let task = tokio::spawn(async move {
                    let result: Result<(), AuthError> = async {
                        let provider = provider_for(&cache, &auth).await?;
                        let login = device::start(&provider, &auth.scopes).await?;
                        let _ = tx.send(Msg::DeviceCode {
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
                        let (tokens, claims) = device::poll(&provider, &login, &auth.acr).await?;
                        keep_alive(
                            &session,
                            &auth,
                            provider,
                            tokens,
                            "device",
                            claims.as_ref(),
                            &tx,
                        )
                    }
                    .await;
                    report_login(&tx, request, "device", result);
                });
                self.login_task = Some(task.abort_handle());
            }
            Effect::StartBrowserLogin {
                request,
                open_browser,
            } => {
                self.cancel_login();
                let (paste_tx, mut paste_rx) = mpsc::unbounded_channel::<String>();
                self.paste_tx = Some(paste_tx);
                let task = tokio::spawn(async move {
                    let result: Result<(), AuthError> = async {
                        let provider = provider_for(&cache, &auth).await?;
                        let mut login =
                            browser::start(provider.clone(), auth.loopback_port, &auth.scopes, &auth.acr)
                                .await?;
                        let opened = open_browser && browser::open_in_browser(&login.authorize_url).is_ok();
                        let _ = tx.send(Msg::BrowserReady {
                            request,
                            view: BrowserView {
                                url: login.authorize_url.clone(),
                                port: login.port,
                                fixed_port_busy: login.fixed_port_busy,
                                opened,
                                paste: String::new(),
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
                                            Ok(_) => {
                                                let _ = tx.send(Msg::PasteRejected {
                                                    error: AuthError::StateMismatch.to_string(),
                                                });
                                            }
                                            Err(error) => {
                                                let _ = tx.send(Msg::PasteRejected { error: error.to_string() });
                                            }
                                        }
                                    }
                                }
                            }
                        };
                        let (tokens, claims) = login.finish(params, &auth.acr).await?;
                        keep_alive(&session, &auth, provider, tokens, "browser", Some(&claims), &tx)
                    }
                    .await;
                    report_login(&tx, request, "browser", result);
                });
                self.login_task = Some(task.abort_handle());
            }
            Effect::SubmitRedirect { text } => {
                if let Some(paste) = &self.paste_tx {
                    let _ = paste.send(text);
                }
            }
            Effect::CancelLogin => self.cancel_login(),
            Effect::CopyToClipboard(_) => {
                // The terminal loop writes OSC 52 itself; nothing to do in the background.
            }
            Effect::Act {
                request,
                who,
                id,
                action,
            } => {
                tokio::spawn(async move {
                    let result = with_session(&session, |s| {
                        let client = client.clone();
                        let who = who.clone();
                        let id = id.clone();
                        async move {
                            match action {
                                MessageAction::Archive => client.archive(&s, &who, &id).await,
                                MessageAction::Delete => {
                                    client.delete(&s, &who, &id).await.map(|()| None)
                                }
                                MessageAction::Confirm => {
                                    client.confirm(&s, &who, &id).await.map(|()| None)
                                }
                            }
                        }
                    })
                    .await;
                    let msg = match result {
                        Ok(new_id) => Msg::ActionDone {
                            request,
                            id,
                            action,
                            new_id,
                        },
                        Err(error) => {
                            tracing::warn!(?action, %error, "action refused");
                            Msg::ActionFailed {
                                request,
                                action,
                                error,
                            }
                        }
                    };
                    let _ = tx.send(msg);
                });
            }
            Effect::SaveAttachment {
                url,
                file_name,
                dir,
                open,
            } => {
                tokio::spawn(async move {
                    let msg = match save_attachment(&client, &session, &url, &file_name, &dir, &tx)
                        .await
                    {
                        Ok(path) => {
                            let opened =
                                open && browser::open_in_browser(&path.to_string_lossy()).is_ok();
                            Msg::AttachmentSaved { path, opened }
                        }
                        Err(error) => Msg::AttachmentFailed { file_name, error },
                    };
                    let _ = tx.send(msg);
                });
            }
            Effect::FetchReportees => {
                tokio::spawn(async move {
                    let result = with_session(&session, |s| {
                        let client = client.clone();
                        async move { client.reportees(&s).await }
                    })
                    .await;
                    let _ = tx.send(match result {
                        Ok(parties) => Msg::ReporteesLoaded(parties),
                        Err(error) => Msg::ReporteesFailed(error),
                    });
                });
            }
            Effect::FetchProfile => {
                tokio::spawn(async move {
                    match with_session(&session, |s| {
                        let client = client.clone();
                        async move { client.profile(&s).await }
                    })
                    .await
                    {
                        Ok(profile) => {
                            let _ = tx.send(Msg::ProfileLoaded(profile));
                        }
                        Err(error) => tracing::warn!(%error, "profile failed"),
                    }
                });
            }
            Effect::FetchPage {
                request,
                who,
                skip,
                link,
                folder,
                filters,
            } => {
                tokio::spawn(async move {
                    let result = with_session(&session, |s| {
                        let client = client.clone();
                        let who = who.clone();
                        let link = link.clone();
                        let filters = filters.clone();
                        async move {
                            match link {
                                Some(link) => client.messages_page_at(&s, &link).await,
                                None => client.folder_page(&s, &who, folder, &filters, skip).await,
                            }
                        }
                    })
                    .await;
                    let msg = match result {
                        Ok(page) => {
                            tracing::debug!(skip, count = page.messages.len(), "page loaded");
                            Msg::PageLoaded {
                                request,
                                skip,
                                page,
                            }
                        }
                        Err(error) => {
                            tracing::warn!(skip, %error, "page failed");
                            Msg::PageFailed {
                                request,
                                skip,
                                error,
                            }
                        }
                    };
                    let _ = tx.send(msg);
                });
            }
            Effect::FetchMessage {
                request,
                who,
                id,
                mark_as_read,
                debounce,
                cache: scope,
                prefetch,
            } => {
                if debounce {
                    if let Some(previous) = self.message_task.take() {
                        previous.abort();
                    }
                }
                let local = self.cache.clone().zip(scope);
                let offline = self.offline;
                let task = tokio::spawn(async move {
                    if debounce {
                        tokio::time::sleep(PREVIEW_DEBOUNCE).await;
                    }
                    // A body never changes: a preview (or anything offline) is answered from
                    // the cache when it has it; opening an unread one must reach the server,
                    // which marks it read.
                    let msg = match fetch_body(
                        &client,
                        &session,
                        local.as_ref(),
                        &who,
                        &id,
                        mark_as_read,
                        offline,
                    )
                    .await
                    {
                        Ok(message) => Msg::MessageLoaded {
                            request,
                            message: Box::new(message),
                            marked_read: mark_as_read,
                        },
                        Err(error) => {
                            tracing::warn!(%error, "message failed");
                            Msg::MessageFailed { request, error }
                        }
                    };
                    let _ = tx.send(msg);
                    for (who, id) in prefetch {
                        if let Ok(message) =
                            fetch_body(&client, &session, local.as_ref(), &who, &id, false, offline)
                                .await
                        {
                            let _ = tx.send(Msg::MessageLoaded {
                                request: 0,
                                message: Box::new(message),
                                marked_read: false,
                            });
                        }
                    }
                });
                // Only previews give way to newer ones; an explicit open always completes,
                // so the read mark the server sets is never lost to the UI.
                if debounce {
                    self.message_task = Some(task.abort_handle());
                }
            }
            Effect::LoadCache { request, scope } => {
                let Some(local) = self.cache.clone() else {
                    let _ = tx.send(Msg::CacheLoaded {
                        request,
                        list: Default::default(),
                    });
                    return;
                };
                tokio::spawn(async move {
                    let list = local
                        .ask(move |cache| cache.load(&scope))
                        .await
                        .and_then(|result| {
                            result
                                .map_err(|error| tracing::warn!(%error, "cache read failed"))
                                .ok()
                        })
                        .unwrap_or_default();
                    let _ = tx.send(Msg::CacheLoaded { request, list });
                });
            }
            Effect::WriteCache {
                scope,
                upsert,
                remove,
                complete,
            } => {
                if let Some(local) = &self.cache {
                    local.run(move |cache| {
                        if let Err(error) = cache.write(&scope, &upsert, &remove, complete) {
                            tracing::warn!(%error, "cache write failed");
                        }
                    });
                }
            }
            Effect::RememberUser { env, user } => {
                if let Some(local) = &self.cache {
                    local.run(move |cache| {
                        if let Err(error) = cache.set_last_user(&env, &user) {
                            tracing::warn!(%error, "cache write failed");
                        }
                    });
                }
            }
        }
    }
}
