//! The runtime: turns each [`Effect`] that `update` asks for into a tokio task — one named
//! `async fn` per effect, in the file of its concern — that sends a [`Msg`] back. The UI
//! thread never waits on the network or the disk. Only `tui.rs` and the tests drive it.

mod attachments;
mod cache;
mod desk;
mod export;
mod inbox;
mod login;
mod memory;
mod search;
mod searches;

use std::future::Future;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

pub use login::AuthSettings;

use crate::app::{Effect, Msg};
use crate::auth::oidc::Provider;
use crate::backend::Backend;
use crate::cache::CacheHandle;
use crate::domain::{ApiError, Cursor, Outcome, Query};

/// What every effect's task may use. Cheap to clone.
#[derive(Clone, Debug)]
struct Ctx {
    backend: Backend,
    auth: Arc<AuthSettings>,
    /// The provider, once discovered (discovery is done once per run).
    provider: Arc<tokio::sync::Mutex<Option<Provider>>>,
    tx: UnboundedSender<Msg>,
    cache: Option<CacheHandle>,
    offline: bool,
}

impl Ctx {
    /// Sends `msg` to the app (a closed channel means the app is gone: nothing to do).
    fn send(&self, msg: Msg) {
        let _ = self.tx.send(msg);
    }
}

/// Runs effects as tokio tasks against one backend.
#[derive(Debug)]
pub struct Runtime {
    ctx: Ctx,
    /// The pending preview, aborted when a newer one is asked for.
    preview_task: Option<AbortHandle>,
    /// The ID-porten login in progress.
    login_task: Option<AbortHandle>,
    /// Where pasted redirects go while a browser login waits.
    paste_tx: Option<UnboundedSender<String>>,
}

impl Runtime {
    /// A runtime that reports back on `tx`.
    pub fn new(backend: Backend, auth: AuthSettings, tx: UnboundedSender<Msg>) -> Self {
        Self {
            ctx: Ctx {
                backend,
                auth: Arc::new(auth),
                provider: Arc::default(),
                tx,
                cache: None,
                offline: false,
            },
            preview_task: None,
            login_task: None,
            paste_tx: None,
        }
    }

    /// Uses `cache` for lists and bodies; `offline` keeps everything off the network.
    pub fn with_cache(mut self, cache: Option<CacheHandle>, offline: bool) -> Self {
        self.ctx.cache = cache;
        self.ctx.offline = offline;
        self
    }

    /// Starts the effect in the background. Must be called inside a tokio runtime.
    pub fn run(&mut self, effect: Effect) {
        let Some(effect) = self.refuse_offline(effect) else {
            return;
        };
        let ctx = self.ctx.clone();
        match effect {
            Effect::PasswordLogin {
                request,
                username,
                password,
            } => self.spawn(login::password(ctx, request, username, password)),
            Effect::Discover => self.spawn(login::discover(ctx)),
            Effect::RestoreSession => self.spawn(login::restore(ctx)),
            Effect::StartDeviceLogin { request, high } => self.start_device(ctx, request, high),
            Effect::StartBrowserLogin {
                request,
                open_browser,
                high,
            } => self.start_browser(ctx, request, open_browser, high),
            Effect::SubmitRedirect { text } => self.paste(text),
            Effect::CancelLogin => self.cancel_login(),
            // The terminal loop writes OSC 52 itself; nothing to do in the background.
            Effect::CopyToClipboard(_) | Effect::Pipe { .. } => {}
            Effect::FetchForPipe {
                url,
                file_name,
                command,
            } => self.spawn(attachments::for_pipe(ctx, url, file_name, command)),
            Effect::Act {
                request,
                inbox,
                id,
                action,
            } => self.spawn(inbox::act(ctx, request, inbox, id, action)),
            Effect::ActMany {
                request,
                action,
                targets,
            } => self.spawn(inbox::act_many(ctx, request, action, targets)),
            Effect::PutBack { request, targets } => {
                self.spawn(inbox::put_back(ctx, request, targets))
            }
            Effect::SaveAttachment {
                url,
                file_name,
                dir,
                open,
            } => self.spawn(attachments::save(ctx, url, file_name, dir, open)),
            Effect::FetchReportees { cached } => self.spawn(inbox::parties(ctx, cached)),
            Effect::FetchProfile => {
                spawn_quiet(inbox::profile(ctx));
            }
            Effect::FetchPage {
                request,
                inbox,
                skip,
                link,
                folder,
                filters,
                since,
            } => {
                let cursor = link.map_or(Cursor::Offset(skip), Cursor::Next);
                let query = page_query(folder, filters, since);
                self.spawn(inbox::page(ctx, request, inbox, skip, cursor, query))
            }
            Effect::FetchMessage {
                request,
                inbox,
                id,
                mark_as_read,
                debounce,
                cache,
                prefetch,
            } => {
                let fetch = inbox::MessageFetch {
                    request,
                    inbox,
                    id,
                    open: mark_as_read,
                    debounce,
                    scope: cache,
                    prefetch,
                };
                self.fetch_message(ctx, fetch);
            }
            Effect::LoadCache {
                request,
                scope,
                head,
            } => cache::load(&ctx, request, scope, head),
            Effect::WriteCache {
                scope,
                upsert,
                remove,
                complete,
            } => cache::write(&ctx, scope, upsert, remove, complete),
            Effect::RememberUser { env, user } => cache::remember_user(&ctx, env, user),
            Effect::MarkReconciled { scope } => cache::mark_reconciled(&ctx, scope),
            Effect::SyncDesk {
                scope,
                parties,
                concurrency,
            } => self.spawn(desk::sync(ctx, scope, parties, concurrency)),
            Effect::LoadAgenda {
                request,
                scope,
                days,
            } => desk::agenda(&ctx, request, scope, days),
            Effect::LoadBoard { request, scope } => desk::board(&ctx, request, scope),
            Effect::LoadExpiring {
                request,
                scope,
                days,
            } => desk::expiring(&ctx, request, scope, days),
            Effect::Export {
                request,
                dir,
                scope,
                targets,
            } => self.spawn(export::export(ctx, request, dir, scope, targets)),
            Effect::TouchDesk { scope, touches } => desk::touch(&ctx, scope, touches),
            Effect::GiveBackMemory => memory::give_back(),
            Effect::Search(job) => search::run(&ctx, job),
            Effect::FindInBodies { search, words } => search::find_in_bodies(&ctx, search, words),
            Effect::LoadSearchCounts {
                request,
                scope,
                searches,
            } => searches::counts(&ctx, request, scope, searches),
            Effect::SaveSearch {
                path,
                search,
                overwrite,
            } => self.spawn(searches::save(path, search, overwrite)),
        }
    }

    /// The device flow: one login flow at a time, so a new one cancels the last.
    fn start_device(&mut self, ctx: Ctx, request: u64, high: bool) {
        self.cancel_login();
        let acr = login::acr_for(&ctx, high);
        self.login_task = Some(spawn_quiet(login::device(ctx, request, acr)));
    }

    /// The browser flow, with the channel a pasted address reaches it by.
    fn start_browser(&mut self, ctx: Ctx, request: u64, open_browser: bool, high: bool) {
        self.cancel_login();
        let (paste_tx, paste_rx) = tokio::sync::mpsc::unbounded_channel();
        self.paste_tx = Some(paste_tx);
        let acr = login::acr_for(&ctx, high);
        let login = login::browser(ctx, request, open_browser, paste_rx, acr);
        self.login_task = Some(spawn_quiet(login));
    }

    /// The address the browser ended on, pasted, to the browser flow that waits for it.
    fn paste(&self, text: String) {
        if let Some(paste) = &self.paste_tx {
            let _ = paste.send(text);
        }
    }

    /// A message fetched: only previews give way to newer ones; an explicit open always
    /// completes, so the read mark the server sets is never lost to the UI.
    fn fetch_message(&mut self, ctx: Ctx, fetch: inbox::MessageFetch) {
        let debounce = fetch.debounce;
        if debounce {
            if let Some(previous) = self.preview_task.take() {
                previous.abort();
            }
        }
        let task = spawn_quiet(inbox::message(ctx, fetch));
        if debounce {
            self.preview_task = Some(task);
        }
    }

    /// Spawns `task` and sends the `Msg` it ends with.
    fn spawn(&self, task: impl Future<Output = Msg> + Send + 'static) {
        let tx = self.ctx.tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(task.await);
        });
    }

    fn cancel_login(&mut self) {
        if let Some(task) = self.login_task.take() {
            task.abort();
        }
        self.paste_tx = None;
    }

    /// In `--offline` mode, answers an effect that needs the network with a failure and
    /// returns `None`; passes every other effect through.
    fn refuse_offline(&self, effect: Effect) -> Option<Effect> {
        if !self.ctx.offline {
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
            Effect::ActMany {
                request,
                action,
                targets,
            } => Msg::BulkDone {
                request,
                action,
                outcomes: (targets.iter())
                    .map(|t| Outcome::failed(&t.id, ApiError::Offline))
                    .collect(),
            },
            Effect::PutBack { request, targets } => Msg::PutBackDone {
                request,
                outcomes: (targets.iter())
                    .map(|(id, _)| Outcome::failed(id, ApiError::Offline))
                    .collect(),
            },
            Effect::SaveAttachment { file_name, .. } => Msg::AttachmentFailed {
                file_name,
                error: ApiError::Offline.to_string(),
            },
            Effect::FetchForPipe { command, .. } => Msg::Piped {
                command,
                outcome: Err(ApiError::Offline.to_string()),
            },
            Effect::FetchProfile | Effect::Discover | Effect::RestoreSession => return None,
            Effect::SyncDesk { .. } => Msg::DeskSynced(Err(ApiError::Offline)),
            Effect::PasswordLogin { request, .. }
            | Effect::StartDeviceLogin { request, .. }
            | Effect::StartBrowserLogin { request, .. } => Msg::LoginFailed {
                request,
                error: ApiError::Offline.to_string(),
            },
            other => return Some(other),
        };
        self.ctx.send(msg);
        None
    }
}

/// Spawns a task that reports for itself (or not at all), for aborting later.
fn spawn_quiet(task: impl Future<Output = ()> + Send + 'static) -> AbortHandle {
    tokio::spawn(task).abort_handle()
}

/// The query a page of `folder` is asked with: the filters, Altinn 3's search among them,
/// and only what changed since `since` for an incremental sync.
fn page_query(
    folder: crate::domain::Folder,
    filters: crate::domain::Filters,
    since: Option<chrono::DateTime<chrono::Utc>>,
) -> Query {
    Query {
        folder: Some(folder),
        search: filters.search.clone(),
        filters,
        raw_filter: None,
        updated_after: since,
    }
}
