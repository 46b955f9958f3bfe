//! Whose inbox, which list of it, and what can be done to its messages: the words the app,
//! the runtime, the cache and every backend share.

use std::fmt;

use super::verbs::{MessageAction, Needs};
use super::{Filters, Folder, MessageSummary};

/// Whose inbox a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Inbox {
    /// The logged-in person's own.
    #[default]
    Me,
    /// A party the user acts for, by the backend's party id (an `r…` reportee id or an
    /// organisation number for Altinn 2).
    Party(String),
    /// Every party's inbox merged into one list (`:all`, «Alle» in the switcher).
    All,
    /// Several parties' inboxes searched together (a part of the merged view on Altinn 3,
    /// where one search takes up to 100 parties).
    Group {
        /// A key that names the group (for the cache).
        key: String,
        /// The parties' ids, sorted (made by [`Inbox::group`]).
        parties: Vec<String>,
    },
}

impl Inbox {
    /// Its key: `my`, `all` or the party id. The cache keys lists by it, Altinn 2 puts it in
    /// paths, and the CLI takes it as `--reportee`.
    pub fn key(&self) -> &str {
        match self {
            Inbox::Me => "my",
            Inbox::Party(id) => id,
            Inbox::All => "all",
            Inbox::Group { key, .. } => key,
        }
    }

    /// A group of `parties`, kept sorted (so whether a row is the group's is a binary
    /// search) and keyed by a hash of their ids (so a cached group list is found again when
    /// the same parties are grouped again).
    pub fn group(mut parties: Vec<String>) -> Self {
        parties.sort_unstable();
        parties.dedup();
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for party in &parties {
            hasher.update(party.as_bytes());
            hasher.update([0]);
        }
        let hash: String = hasher
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        Inbox::Group {
            key: format!("group-{hash}"),
            parties,
        }
    }

    /// The inbox a key names (the reverse of [`Inbox::key`]).
    pub fn from_key(key: &str) -> Self {
        match key {
            "my" => Inbox::Me,
            "all" => Inbox::All,
            id => Inbox::Party(id.to_owned()),
        }
    }

    /// The merged view over every party.
    pub fn is_all(&self) -> bool {
        matches!(self, Inbox::All)
    }
}

impl fmt::Display for Inbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Which cached list a set of messages belongs to: environment, user, inbox and folder.
/// `user` is a hash ([`super::user_key`]), never a name or an identity number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    /// Environment name.
    pub env: String,
    /// The user's key.
    pub user: String,
    /// Whose inbox.
    pub inbox: Inbox,
    /// Inbox, archive or trash bin.
    pub folder: Folder,
}

/// Whose parties the cache keeps: an environment and a user's key (as in [`Scope`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartiesScope {
    /// Environment name.
    pub env: String,
    /// The user's key.
    pub user: String,
}

/// A scope's cached list, as the cache gives it back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CachedList {
    /// The messages, newest first (ties in the server's order).
    pub messages: Vec<MessageSummary>,
    /// The list was read to its end at the last sync.
    pub complete: bool,
    /// When the server last confirmed it (seconds since the epoch).
    pub synced_at: Option<i64>,
    /// When a first page from the server last reconciled it (seconds since the epoch):
    /// labels changed and dialogs deleted elsewhere are seen only then.
    pub reconciled_at: Option<i64>,
    /// How many rows the whole list holds, told with the part after the first, so the
    /// list makes room for them once (growing a part at a time leaves the memory of every
    /// smaller size behind).
    pub total: Option<usize>,
}

/// Where a page starts. Opaque to the app beyond what [`Capabilities::offset_paging`] says:
/// Altinn 2 pages by offset (so several pages can be asked for at once), or follows a link
/// the server gave; Dialogporten by continuation token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// The item offset from the top (`$skip`).
    Offset(usize),
    /// A link or token the server gave for the next page.
    Next(String),
}

/// What a list asks the backend for: the folder (or every message, for the CLI), the
/// filters the server can apply, and a backend-specific filter a script passed through.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// Inbox, archive or trash; `None` for every message whatever its folder.
    pub folder: Option<Folder>,
    /// The filters (each backend sends the part its server understands).
    pub filters: Filters,
    /// A filter in the server's own language (`innboks list --filter`, Altinn 2's OData).
    pub raw_filter: Option<String>,
    /// Free text the server searches (Altinn 3: title, sender and search tags; 3 characters
    /// or more).
    pub search: Option<String>,
    /// Only what changed after this (Altinn 3's `updatedAfter`): an incremental sync.
    pub updated_after: Option<chrono::DateTime<chrono::Utc>>,
}

/// What a backend can do, so the UI can grey out and explain the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Altinn username/password login.
    pub password_login: bool,
    /// Pages are addressed by offset, so several can be fetched at once.
    pub offset_paging: bool,
    /// The verbs only Altinn 3 does ([`Needs::Altinn3`]: restore, mark unread, purge).
    pub altinn3_verbs: bool,
    /// A message's history (Altinn 3's activities) comes with it when it is opened.
    pub history: bool,
    /// Free-text search at the server.
    pub server_search: bool,
    /// A whole message can be read without marking it read (Altinn 2's `markAsRead=false`;
    /// Altinn 3 marks a dialog seen when it is fetched).
    pub quiet_read: bool,
    /// Drafts and sent are views of their own ([`super::Folder::Drafts`], `Sent`).
    pub views: bool,
}

impl Capabilities {
    /// Whether `action` can be done: what its row in the verb table needs.
    pub fn allows(&self, action: MessageAction) -> bool {
        match action.verb().needs {
            Needs::Nothing => true,
            Needs::Altinn3 => self.altinn3_verbs,
        }
    }
}

impl Default for Capabilities {
    /// Altinn 2's, the first backend's.
    fn default() -> Self {
        Self {
            password_login: true,
            offset_paging: true,
            altinn3_verbs: false,
            history: false,
            server_search: false,
            quiet_read: true,
            views: false,
        }
    }
}

impl Capabilities {
    /// Altinn 3's: no password login, continuation tokens, unread and restore, search.
    pub fn altinn3() -> Self {
        Self {
            password_login: false,
            offset_paging: false,
            altinn3_verbs: true,
            history: true,
            server_search: true,
            quiet_read: false,
            views: true,
        }
    }
}
