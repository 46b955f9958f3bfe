//! Effects: what `update` asks the outside world to do. [`EffectRunner`] turns each into a
//! tokio task that sends a [`Msg`] back; the UI thread never waits on the network.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::msg::Msg;
use crate::altinn::{ApiError, Client};
use crate::auth::{password, Secret, SessionHandle};

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
    },
}

/// Runs effects as tokio tasks against one Altinn client and session.
#[derive(Debug)]
pub struct EffectRunner {
    client: Client,
    session: SessionHandle,
    tx: UnboundedSender<Msg>,
    /// The pending preview, aborted when a newer one is asked for.
    message_task: Option<AbortHandle>,
}

impl EffectRunner {
    /// A runner that reports back on `tx`.
    pub fn new(client: Client, session: SessionHandle, tx: UnboundedSender<Msg>) -> Self {
        Self {
            client,
            session,
            tx,
            message_task: None,
        }
    }

    /// Starts the effect in the background. Must be called inside a tokio runtime.
    pub fn run(&mut self, effect: Effect) {
        let client = self.client.clone();
        let session = self.session.clone();
        let tx = self.tx.clone();
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
                            session.set(Some(new_session));
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
            Effect::FetchProfile => {
                tokio::spawn(async move {
                    let Some(current) = session.get() else { return };
                    match client.profile(&current).await {
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
            } => {
                tokio::spawn(async move {
                    let result = match (session.get(), link) {
                        (Some(current), Some(link)) => {
                            client.messages_page_at(&current, &link).await
                        }
                        (Some(current), None) => client.messages_page(&current, &who, skip).await,
                        (None, _) => Err(ApiError::SessionExpired),
                    };
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
            } => {
                if let Some(previous) = self.message_task.take() {
                    previous.abort();
                }
                let task = tokio::spawn(async move {
                    if debounce {
                        tokio::time::sleep(PREVIEW_DEBOUNCE).await;
                    }
                    let result = match session.get() {
                        Some(current) => client.message(&current, &who, &id, mark_as_read).await,
                        None => Err(ApiError::SessionExpired),
                    };
                    let msg = match result {
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
                });
                // Only previews give way to newer ones; an explicit open always completes,
                // so the read mark the server sets is never lost to the UI.
                if debounce {
                    self.message_task = Some(task.abort_handle());
                }
            }
        }
    }
}
