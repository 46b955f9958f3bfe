//! The commands and the local cache: an online `list`, `show` or `reportees` leaves what it
//! fetched there (so `innboks --offline` shows what a script fetched), and `--offline`
//! answers `list`, `show`, `attachment list` and `reportees` from it without the network.
//! The scopes are the TUI's: environment, user, inbox and folder.

use crate::cache::{Cache, CacheError, Scope};
use crate::config::Environment;
use crate::domain::{
    DeskScope, DeskTouch, Folder, Inbox, Message, MessageAction, MessageStatus, MessageSummary,
    Party,
};
use crate::i18n::tr;

/// How a command uses the cache: `--offline` answers from it alone; otherwise what is
/// fetched is kept there, unless the config says `cache = false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheUse {
    /// `--offline`: nothing is fetched or sent.
    pub offline: bool,
    /// The cache is on (`cache = true`, the default).
    pub enabled: bool,
}

/// The cache file, opened for one user of one environment.
pub(super) struct Local {
    cache: Cache,
    env: String,
    user: String,
}

/// The folder a message is in, as its status says (a list without `--folder` holds all).
fn folder_of(message: &MessageSummary) -> Folder {
    match message.status {
        MessageStatus::Archived => Folder::Archive,
        MessageStatus::Deleted => Folder::Trash,
        _ => Folder::Inbox,
    }
}

fn open() -> Result<Cache, CacheError> {
    let path = Cache::default_path().ok_or_else(|| {
        CacheError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            tr!("ingen hjemmekatalog"),
        ))
    })?;
    Cache::open(&path)
}

impl Local {
    /// For an online command: the cache of the user the session names, when it is on (a
    /// cache that cannot be opened is only logged: the command goes on without it).
    pub(super) fn for_user(
        environment: &Environment,
        user: Option<String>,
        usage: CacheUse,
    ) -> Option<Self> {
        let user = user.filter(|_| usage.enabled)?;
        let mut cache = open()
            .map_err(|error| tracing::warn!(%error, "cache not used"))
            .ok()?;
        if let Err(error) = cache.set_last_user(&environment.key, &user) {
            tracing::warn!(%error, "cache write failed");
        }
        Some(Self {
            cache,
            env: environment.key.clone(),
            user,
        })
    }

    /// For `--offline`: the cache of whoever used the environment last; `Err` says why
    /// there is none.
    pub(super) fn offline(environment: &Environment) -> Result<Self, String> {
        let none = || {
            tr!(
                "--offline: ingen hurtigbuffer for «{env}» ennå. Kjør kommandoen uten --offline først.",
                env = environment.name
            )
        };
        let cache = open().map_err(|error| format!("--offline: {error}"))?;
        let user = cache
            .last_user(&environment.key)
            .map_err(|error| format!("--offline: {error}"))?
            .ok_or_else(none)?;
        Ok(Self {
            cache,
            env: environment.key.clone(),
            user,
        })
    }

    /// Notes on the desk what `action` did to these dialogs, at once (a label change or a
    /// read does not move `updatedAt`, so a sync would not see it for hours).
    pub(super) fn touch_desk(&mut self, ids: &[String], action: MessageAction) {
        let touches: Vec<(String, DeskTouch)> = (ids.iter())
            .map(|id| (id.clone(), DeskTouch::of(action)))
            .collect();
        self.note_on_desk(&touches);
    }

    /// Notes on the desk what an open told: seen, and when Altinn deletes it.
    pub(super) fn touch_opened(&mut self, message: &Message, seen: bool) {
        let touch = DeskTouch::opened(message, seen);
        self.note_on_desk(&[(message.summary.id.to_string(), touch)]);
    }

    fn note_on_desk(&mut self, touches: &[(String, DeskTouch)]) {
        let scope = DeskScope {
            env: self.env.clone(),
            user: self.user.clone(),
        };
        if let Err(error) = self.cache.desk_touch(&scope, touches) {
            tracing::warn!(%error, "desk write failed");
        }
    }

    fn scope(&self, inbox: &Inbox, folder: Folder) -> Scope {
        Scope {
            env: self.env.clone(),
            user: self.user.clone(),
            inbox: inbox.clone(),
            folder,
        }
    }

    /// Keeps a listed page of `inbox` (in the merged view, each row under its party), each
    /// row in the folder its status names. Rows are added or updated, never removed: a
    /// command's list may be filtered or cut short.
    pub(super) fn keep_list(&mut self, inbox: &Inbox, messages: &[MessageSummary]) {
        let mut scopes: std::collections::HashMap<Scope, Vec<MessageSummary>> =
            std::collections::HashMap::new();
        for message in messages {
            let whose = match (&message.owner, inbox.is_all()) {
                (Some(party), true) => Inbox::Party(party.to_string()),
                _ => inbox.clone(),
            };
            scopes
                .entry(self.scope(&whose, folder_of(message)))
                .or_default()
                .push(message.clone());
        }
        for (scope, rows) in scopes {
            if let Err(error) = self.cache.write(&scope, &rows, &[], None) {
                tracing::warn!(%error, "cache write failed");
            }
        }
    }

    /// The kept rows of `inbox` in `folder` (every folder when `None`), newest first.
    pub(super) fn list(&self, inbox: &Inbox, folder: Option<Folder>) -> Vec<MessageSummary> {
        let folders = match folder {
            Some(folder) => vec![folder],
            None => vec![Folder::Inbox, Folder::Archive, Folder::Trash],
        };
        let mut rows: Vec<MessageSummary> = folders
            .into_iter()
            .flat_map(|folder| {
                self.cache
                    .load(&self.scope(inbox, folder))
                    .map(|list| list.messages)
                    .unwrap_or_default()
            })
            .collect();
        rows.sort_by_key(|m| (std::cmp::Reverse(m.last_changed), m.seq));
        rows
    }

    /// Keeps a fetched message's body.
    pub(super) fn keep_body(&mut self, inbox: &Inbox, message: &Message) {
        let scope = self.scope(inbox, folder_of(&message.summary));
        if let Err(error) = self.cache.store_body(&scope, message) {
            tracing::warn!(%error, "cache write failed");
        }
    }

    /// A kept body of message `id` in `inbox`, whichever folder it was in.
    pub(super) fn body(&self, inbox: &Inbox, id: &str) -> Option<Message> {
        [Folder::Inbox, Folder::Archive, Folder::Trash]
            .into_iter()
            .find_map(|folder| {
                self.cache
                    .body(&self.scope(inbox, folder), id)
                    .ok()
                    .flatten()
            })
    }

    /// The parties kept at the last fetch.
    pub(super) fn parties(&self) -> Vec<Party> {
        self.cache
            .parties(&self.env, &self.user)
            .unwrap_or_default()
    }

    /// Keeps the parties the server gave.
    pub(super) fn keep_parties(&mut self, parties: &[Party]) {
        if let Err(error) = self.cache.set_parties(&self.env, &self.user, parties) {
            tracing::warn!(%error, "cache write failed");
        }
    }
}
