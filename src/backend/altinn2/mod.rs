//! The Altinn 2 REST backend (`/api/{who}/messages`; switched off by Altinn on 19 June
//! 2026, kept for the demo and as the original design): HAL documents ([`model`]), the HTTP
//! client ([`client`]), the username/password login ([`password`]), and [`Altinn2`], the
//! client and the session together behind the seam of [`crate::backend`].

pub mod client;
pub mod model;
pub mod password;

pub use client::Client;
pub use password::PasswordLoginError;

use crate::i18n::tr;
use tokio::io::AsyncWrite;

use super::session::with_session;
use crate::auth::{Renewal, Session, SessionHandle};
use crate::domain::{
    ApiError, Cursor, Inbox, Message, MessageAction, MessagePage, Party, Profile, Query,
};
use crate::secret::Secret;

/// The Altinn 2 backend: a client and the session its requests carry.
#[derive(Clone, Debug)]
pub struct Altinn2 {
    client: Client,
    session: SessionHandle,
}

impl Altinn2 {
    /// The backend over `client`, sending `session`.
    pub fn new(client: Client, session: SessionHandle) -> Self {
        Self { client, session }
    }

    /// The session its requests carry.
    pub fn session(&self) -> &SessionHandle {
        &self.session
    }

    /// Logs in with Altinn user name and password; the session is returned, not installed.
    pub async fn password_login(
        &self,
        username: &str,
        password: &Secret,
    ) -> Result<Session, PasswordLoginError> {
        self.client.login_with_password(username, password).await
    }

    /// The parties the user can act for.
    pub async fn parties(&self) -> Result<Vec<Party>, ApiError> {
        with_session(&self.session, |s| {
            let client = self.client.clone();
            async move { client.reportees(&s).await }
        })
        .await
    }

    /// The user's profile.
    pub async fn profile(&self) -> Result<Profile, ApiError> {
        with_session(&self.session, |s| {
            let client = self.client.clone();
            async move { client.profile(&s).await }
        })
        .await
    }

    /// One page of `inbox` (one party, never the merged view) from `cursor`.
    pub async fn page(
        &self,
        inbox: &Inbox,
        query: &Query,
        cursor: &Cursor,
    ) -> Result<MessagePage, ApiError> {
        if query.search.is_some() {
            return Err(ApiError::Unsupported {
                what: tr!("søk hos Altinn finnes bare i Altinn 3").into(),
            });
        }
        let who = inbox.key();
        with_session(&self.session, |s| {
            let client = self.client.clone();
            async move {
                let language = client.language();
                match (cursor, query.folder, &query.raw_filter) {
                    (Cursor::Next(link), ..) => client.messages_page_at(&s, link).await,
                    (Cursor::Offset(skip), Some(folder), None) => {
                        client
                            .folder_page(&s, who, folder, &query.filters, *skip)
                            .await
                    }
                    (Cursor::Offset(skip), folder, raw) => {
                        // A raw `$filter` goes with the folder's own clause and ours.
                        let clause = match folder {
                            Some(folder) => {
                                Some(client::folder_clause(folder, language).ok_or_else(|| {
                                    ApiError::Unsupported {
                                        what: tr!("--filter går ikke sammen med denne mappen")
                                            .into(),
                                    }
                                })?)
                            }
                            None => None,
                        };
                        let parts: Vec<String> = clause
                            .into_iter()
                            .chain(client::odata_filter(&query.filters, language))
                            .chain(raw.iter().map(|r| format!("({r})")))
                            .collect();
                        let filter = (!parts.is_empty()).then(|| parts.join(" and "));
                        client
                            .messages_page_filtered(&s, who, *skip, filter.as_deref())
                            .await
                    }
                }
            }
        })
        .await
    }

    /// A message with its body; `mark_read` lets the server mark it read (an explicit open).
    pub async fn message(
        &self,
        inbox: &Inbox,
        id: &str,
        mark_read: bool,
    ) -> Result<Message, ApiError> {
        let who = inbox.key();
        with_session(&self.session, |s| {
            let client = self.client.clone();
            async move { client.message(&s, who, id, mark_read).await }
        })
        .await
    }

    /// Does `action` to message `id`; archiving gives the message a new (`b…`) id.
    pub async fn act(
        &self,
        inbox: &Inbox,
        id: &str,
        action: MessageAction,
    ) -> Result<Option<String>, ApiError> {
        let who = inbox.key();
        match action {
            MessageAction::MarkUnread | MessageAction::Restore | MessageAction::Purge => {
                Err(ApiError::Unsupported {
                    what: tr!("Altinn 2 kan ikke {verb}", verb = action.infinitive()),
                })
            }
            // Altinn 2 marks a message read when it is fetched without markAsRead=false.
            MessageAction::MarkRead => self.message(inbox, id, true).await.map(|_| None),
            MessageAction::Archive => {
                with_session(&self.session, |s| {
                    let client = self.client.clone();
                    async move { client.archive(&s, who, id).await }
                })
                .await
            }
            MessageAction::Delete => {
                with_session(&self.session, |s| {
                    let client = self.client.clone();
                    async move { client.delete(&s, who, id).await.map(|()| None) }
                })
                .await
            }
            MessageAction::Confirm => {
                with_session(&self.session, |s| {
                    let client = self.client.clone();
                    async move { client.confirm(&s, who, id).await.map(|()| None) }
                })
                .await
            }
        }
    }

    /// Streams the attachment at `url` into `out` (renewing the token once after a 401),
    /// reporting the bytes written so far. Returns the total size.
    pub async fn download<W: AsyncWrite + Unpin>(
        &self,
        url: &str,
        out: &mut W,
        mut progress: impl FnMut(u64),
    ) -> Result<super::download::Downloaded, ApiError> {
        let Some(current) = self.session.get() else {
            return Err(ApiError::SessionExpired);
        };
        let result = self
            .client
            .download_attachment(&current, url, out, &mut progress)
            .await;
        let bytes = match result {
            Err(ApiError::Unauthorized { reason }) => {
                match (self.session.renew(&current).await, self.session.get()) {
                    (Renewal::Renewed, Some(fresh)) => {
                        self.client
                            .download_attachment(&fresh, url, out, &mut progress)
                            .await?
                    }
                    _ => return Err(ApiError::Unauthorized { reason }),
                }
            }
            other => other?,
        };
        // (Altinn 2's file names come with the message.)
        Ok(super::download::Downloaded {
            bytes,
            file_name: None,
        })
    }
}
