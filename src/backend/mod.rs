//! The backend seam: where messages come from, in our own words ([`crate::domain`]). The
//! runtime and the CLI speak to a [`Backend`]; nothing in `app/`, `ui/` or the cache looks
//! behind it. Each backend keeps its session and renews it after a 401 ([`session`]).
//!
//! Enum dispatch, not a trait: the set of backends is closed and small, the methods are
//! `async` (a trait object of async methods needs boxing of every future), and a `match`
//! shows in one place what each backend does.

pub mod altinn2;
pub mod altinn3;
pub mod bulk;
pub mod download;
pub mod session;

use crate::i18n::tr;
use tokio::io::AsyncWrite;

use crate::auth::{Session, SessionHandle};
use crate::domain::{
    ApiError, BulkTarget, Capabilities, Cursor, Inbox, Labels, Message, MessageAction, MessagePage,
    Outcome, Party, Profile, Query,
};
use crate::secret::Secret;

pub use altinn2::PasswordLoginError;

/// A backend. Cheap to clone (clients share their connection pool, sessions are shared).
#[derive(Clone, Debug)]
pub enum Backend {
    /// Altinn 2 REST.
    Altinn2(altinn2::Altinn2),
    /// Altinn 3: Dialogporten and Correspondence.
    Altinn3(altinn3::Altinn3),
    /// The demo: Altinn 3 for ID-porten sessions, and the simulator's Altinn 2 face of the
    /// same mailbox for the password login (which Altinn 3 does not have).
    Demo {
        /// For ID-porten sessions.
        altinn3: altinn3::Altinn3,
        /// For the password login's cookie session.
        altinn2: altinn2::Altinn2,
    },
}

/// The backend a call goes to.
enum Active<'a> {
    Altinn2(&'a altinn2::Altinn2),
    Altinn3(&'a altinn3::Altinn3),
}

impl Backend {
    /// The Altinn 2 backend over `client`, sending `session`.
    pub fn altinn2(client: altinn2::Client, session: SessionHandle) -> Self {
        Backend::Altinn2(altinn2::Altinn2::new(client, session))
    }

    /// The Altinn 3 backend over `client`, sending `session`.
    pub fn altinn3(client: altinn3::Client, session: SessionHandle) -> Self {
        Backend::Altinn3(altinn3::Altinn3::new(client, session))
    }

    /// The demo's backend over one simulator: Altinn 3, and Altinn 2 for password logins.
    pub fn demo(
        altinn3: altinn3::Client,
        altinn2: altinn2::Client,
        session: SessionHandle,
    ) -> Self {
        Backend::Demo {
            altinn3: altinn3::Altinn3::new(altinn3, session.clone()),
            altinn2: altinn2::Altinn2::new(altinn2, session),
        }
    }

    /// What it can do (the demo: Altinn 3's, with the password login).
    pub fn capabilities(&self) -> Capabilities {
        match self {
            Backend::Altinn2(_) => Capabilities::default(),
            Backend::Altinn3(_) => Capabilities::altinn3(),
            Backend::Demo { .. } => Capabilities {
                password_login: true,
                ..Capabilities::altinn3()
            },
        }
    }

    /// The session its requests carry.
    pub fn session(&self) -> &SessionHandle {
        match self {
            Backend::Altinn2(b) => b.session(),
            Backend::Altinn3(b) => b.session(),
            Backend::Demo { altinn3, .. } => altinn3.session(),
        }
    }

    /// The backend this call goes to: the demo's by the kind of session.
    fn active(&self) -> Active<'_> {
        match self {
            Backend::Altinn2(b) => Active::Altinn2(b),
            Backend::Altinn3(b) => Active::Altinn3(b),
            Backend::Demo { altinn3, altinn2 } => match altinn3.session().get() {
                Some(Session::Cookie { .. }) => Active::Altinn2(altinn2),
                _ => Active::Altinn3(altinn3),
            },
        }
    }

    /// Logs in with user name and password, where the backend has such a login; the session
    /// is returned, not installed.
    pub async fn password_login(
        &self,
        username: &str,
        password: &Secret,
    ) -> Result<Session, PasswordLoginError> {
        match self {
            Backend::Altinn2(b) | Backend::Demo { altinn2: b, .. } => {
                b.password_login(username, password).await
            }
            Backend::Altinn3(_) => Err(PasswordLoginError::Rejected(
                tr!("Altinn 3 har ingen innlogging med brukernavn og passord; bruk ID-porten")
                    .into(),
            )),
        }
    }

    /// The parties the user can act for.
    pub async fn parties(&self) -> Result<Vec<Party>, ApiError> {
        match self.active() {
            Active::Altinn2(b) => b.parties().await,
            Active::Altinn3(b) => b.parties().await,
        }
    }

    /// The user's profile (the name in the title bar).
    pub async fn profile(&self) -> Result<Profile, ApiError> {
        match self.active() {
            Active::Altinn2(b) => b.profile().await,
            Active::Altinn3(b) => b.profile().await,
        }
    }

    /// One page of one party's inbox (never [`Inbox::All`]: the merged view is read party by
    /// party) from `cursor`.
    pub async fn page(
        &self,
        inbox: &Inbox,
        query: &Query,
        cursor: &Cursor,
    ) -> Result<MessagePage, ApiError> {
        if inbox.is_all() {
            return Err(ApiError::Local(
                tr!("den samlede innboksen leses aktør for aktør").into(),
            ));
        }
        if matches!(inbox, Inbox::Group { .. }) && self.capabilities().offset_paging {
            return Err(ApiError::Unsupported {
                what: tr!("Altinn 2 søker i én aktørs innboks om gangen").into(),
            });
        }
        match self.active() {
            Active::Altinn2(b) => b.page(inbox, query, cursor).await,
            Active::Altinn3(b) => b.page(inbox, query, cursor).await,
        }
    }

    /// How many parties one search may name: Dialogporten's limit (read once from
    /// `/metadata/limits`); Altinn 2 lists one party at a time.
    pub async fn party_limit(&self) -> usize {
        match self.active() {
            Active::Altinn2(_) => 1,
            Active::Altinn3(b) => b.limits().await.parties,
        }
    }

    /// One page of the desk sync over `parties` (Altinn 3 only: Altinn 2 has no search
    /// over many parties, nor change marks).
    pub async fn desk_page(
        &self,
        parties: &[String],
        updated_after: Option<chrono::DateTime<chrono::Utc>>,
        continuation: Option<String>,
    ) -> Result<crate::domain::desk::DeskPage, ApiError> {
        match self.active() {
            Active::Altinn2(_) => Err(ApiError::Unsupported {
                what: tr!("skrivebordet (frister, oversikt, telling) finnes bare i Altinn 3")
                    .into(),
            }),
            Active::Altinn3(b) => b.desk_page(parties, updated_after, continuation).await,
        }
    }

    /// A message with its body, opened: the server marks it read.
    pub async fn open(&self, inbox: &Inbox, id: &str) -> Result<Message, ApiError> {
        match self.active() {
            Active::Altinn2(b) => b.message(inbox, id, true).await,
            Active::Altinn3(b) => b.open(inbox, id).await,
        }
    }

    /// A message with its body, previewed: nothing changes on the server.
    pub async fn preview(&self, inbox: &Inbox, id: &str) -> Result<Message, ApiError> {
        match self.active() {
            Active::Altinn2(b) => b.message(inbox, id, false).await,
            Active::Altinn3(b) => b.preview(inbox, id).await,
        }
    }

    /// Does `action` to message `id`; returns the message's new id when it gets one.
    pub async fn act(
        &self,
        inbox: &Inbox,
        id: &str,
        action: MessageAction,
    ) -> Result<Option<String>, ApiError> {
        if !self.capabilities().allows(action) {
            return Err(ApiError::Unsupported {
                what: action.infinitive().to_owned(),
            });
        }
        match self.active() {
            Active::Altinn2(b) => b.act(inbox, id, action).await,
            Active::Altinn3(b) => b.act(inbox, id, action).await,
        }
    }

    /// Does `action` to many messages, each outcome in the order of `targets`: on Altinn 3
    /// a folder change or «unread» goes in bulk, [`altinn3::client::BULK_LIMIT`] a
    /// request, and says each dialog's labels before (for [`Backend::put_back`]); anything
    /// else is one request a message. `progress` hears how many are done.
    pub async fn act_many(
        &self,
        targets: &[BulkTarget],
        action: MessageAction,
        mut progress: impl FnMut(usize) + Send,
    ) -> Vec<Outcome> {
        if !self.capabilities().allows(action) {
            let refused = ApiError::Unsupported {
                what: action.infinitive().to_owned(),
            };
            return targets
                .iter()
                .map(|t| Outcome::failed(&t.id, refused.clone()))
                .collect();
        }
        match self.active() {
            Active::Altinn2(b) => {
                let act =
                    |inbox: Inbox, id: String| async move { b.act(&inbox, &id, action).await };
                bulk::one_by_one(targets, act, &mut progress).await
            }
            Active::Altinn3(b) => b.act_many(targets, action, &mut progress).await,
        }
    }

    /// Puts back each message's labels as they were before a bulk change (Altinn 3; Altinn
    /// 2 has no labels to put back).
    pub async fn put_back(
        &self,
        targets: &[(String, Labels)],
        mut progress: impl FnMut(usize) + Send,
    ) -> Vec<Outcome> {
        match self.active() {
            Active::Altinn2(_) => {
                let refused = ApiError::Unsupported {
                    what: tr!("Altinn 2 kan ikke angre").into(),
                };
                targets
                    .iter()
                    .map(|(id, _)| Outcome::failed(id, refused.clone()))
                    .collect()
            }
            Active::Altinn3(b) => b.put_back(targets, &mut progress).await,
        }
    }

    /// Streams the attachment at `url` into `out`, reporting the bytes written so far.
    pub async fn download<W: AsyncWrite + Unpin>(
        &self,
        url: &str,
        out: &mut W,
        progress: impl FnMut(u64),
    ) -> Result<download::Downloaded, ApiError> {
        match self.active() {
            Active::Altinn2(b) => b.download(url, out, progress).await,
            Active::Altinn3(b) => b.download(url, out, progress).await,
        }
    }
}
