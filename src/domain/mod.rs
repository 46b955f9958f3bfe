//! The inbox in our own words. `app/` and `ui/` speak only these types; each backend
//! (Altinn 2 REST today, Dialogporten later) maps its documents to them at its edge.
//! All text in these types has been sanitised already.

mod bulk;
pub mod desk;
mod error;
mod inbox;
mod searches;
mod session;
mod stamp;
pub mod strings;
mod verbs;

pub use bulk::{BulkTarget, Labels, Outcome};
pub use desk::{
    events_of, on_desk, AgendaGroup, AgendaRow, BoardRow, DeskCounts, DeskEvent, DeskEventKind,
    DeskItem, DeskPage, DeskScope, DeskTouch,
};
pub use error::ApiError;
pub use inbox::{CachedList, Capabilities, Cursor, Inbox, PartiesScope, Query, Scope};
pub use searches::{SavedSearch, SearchCounts, SearchParties};
pub use session::{LoginMethod, RefreshEvent, DEFAULT_ACR, HIGH_ACR};
pub use stamp::Stamp;
pub use strings::{Name, Names, Text, TextBuffer, Unknown};
pub use verbs::{Asks, MessageAction, Needs, Then, Verb, Wanted};

use crate::i18n::tr;
use chrono::{DateTime, Utc};

/// The page size the list asks for: Altinn 2 gives at most 50 items a response.
pub const PAGE_SIZE: usize = 50;

/// Parties one search takes at most (Dialogporten's `maxPartyFilterValues`).
pub const MAX_PARTIES_PER_SEARCH: usize = 100;

/// Pages in flight at once unless the config says otherwise (`concurrency`).
pub const DEFAULT_CONCURRENCY: usize = 4;

/// A key for a user that says nothing about them: a hash of where and who (the cache and the
/// session store keep it, never a name or an identity number).
pub fn user_key(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where a message stands, mapped from the localized status text of the server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MessageStatus {
    /// Not opened yet.
    Unread,
    /// Opened.
    Read,
    /// A form being filled in.
    Filling,
    /// A form waiting for signatures.
    Signing,
    /// A form that was sent and archived.
    SentAndArchived,
    /// Moved to the archive.
    Archived,
    /// In the trash bin.
    Deleted,
    /// A status text we do not know, kept as the server sent it.
    Other(Unknown),
}

impl MessageStatus {
    /// Maps a localized Altinn status text (Bokmål, Nynorsk or English) to a status.
    pub fn from_text(text: &str) -> Self {
        match text.trim().to_lowercase().as_str() {
            "ulest" | "unread" => Self::Unread,
            "lest" | "read" => Self::Read,
            "utfylling" | "completion" => Self::Filling,
            "signering" | "signing" => Self::Signing,
            "sendt og arkivert" | "sent and archived" => Self::SentAndArchived,
            "arkivert" | "archived" => Self::Archived,
            "slettet" | "deleted" => Self::Deleted,
            _ => Self::Other(text.trim().into()),
        }
    }

    /// The status in the language in use, for the screen.
    pub fn shown(&self) -> &str {
        match self {
            Self::Unread => tr!("Ulest"),
            Self::Read => tr!("Lest"),
            Self::Filling => tr!("Utfylling"),
            Self::Signing => tr!("Signering"),
            Self::SentAndArchived => tr!("Sendt og arkivert"),
            Self::Archived => tr!("Arkivert"),
            Self::Deleted => tr!("Slettet"),
            Self::Other(text) => text.as_str(),
        }
    }

    /// The Norwegian (bokmål) label whatever the language: stable for scripts (`--json`).
    pub fn label(&self) -> &str {
        match self {
            Self::Unread => "Ulest",
            Self::Read => "Lest",
            Self::Filling => "Utfylling",
            Self::Signing => "Signering",
            Self::SentAndArchived => "Sendt og arkivert",
            Self::Archived => "Arkivert",
            Self::Deleted => "Slettet",
            Self::Other(text) => text.as_str(),
        }
    }
}

/// What kind of item a message is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MessageKind {
    /// A letter from an agency.
    Correspondence,
    /// A form to fill in or that was submitted.
    FormTask,
    /// A service owner's own dialog (Altinn 3: neither a Correspondence letter nor an app).
    Dialog,
    /// A type we do not know, kept raw.
    Other(Unknown),
}

impl MessageKind {
    /// Maps the API's `Type` value.
    pub fn from_text(text: &str) -> Self {
        match text {
            "Correspondence" => Self::Correspondence,
            "FormTask" => Self::FormTask,
            "Dialog" => Self::Dialog,
            other => Self::Other(other.into()),
        }
    }

    /// The server's name for it (Altinn 2's `Type`; the cache and `--json` keep it).
    pub fn label(&self) -> &str {
        match self {
            Self::Correspondence => "Correspondence",
            Self::FormTask => "FormTask",
            Self::Dialog => "Dialog",
            Self::Other(text) => text.as_str(),
        }
    }

    /// The word shown on the screen (`Brev`, `Skjema`, or an unknown type as sent).
    pub fn display(&self) -> &str {
        match self {
            Self::Correspondence => tr!("Brev"),
            Self::FormTask => tr!("Skjema"),
            Self::Dialog => tr!("Melding"),
            Self::Other(text) => text.as_str(),
        }
    }
}

/// One row of the inbox.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MessageSummary {
    /// The server's id (`a…` active, `b…` archived).
    pub id: Text,
    /// Subject line.
    pub subject: Text,
    /// Status.
    pub status: MessageStatus,
    /// The user marked it unread in the portal.
    pub marked_unread: bool,
    /// The agency that owns the service (shown as sender).
    pub service_owner: Name,
    /// A more specific sender, e.g. a municipality, when given.
    pub message_sender: Option<Name>,
    /// Correspondence, form task or other.
    pub kind: MessageKind,
    /// When it was created, if known.
    pub created: Option<Stamp>,
    /// When it last changed; the inbox is ordered by this.
    pub last_changed: Option<Stamp>,
    /// Due date, when the item has one.
    pub due: Option<Stamp>,
    /// Number of attachments, when known (the list endpoint does not say).
    pub attachment_count: Option<u16>,
    /// The sender asks for a confirmation of receipt (such mail cannot be archived first).
    pub requires_confirmation: bool,
    /// Whose inbox it came from (a reportee id), set by the app in the merged view over
    /// every reportee; `None` means the inbox being shown.
    pub owner: Option<Name>,
    /// Where the server listed it among the loaded messages (set by the app when it
    /// arrives); sorting breaks ties with it, so the server's order survives re-sorting.
    pub seq: i32,
}

impl MessageSummary {
    /// `n` attachments as a row keeps the count: in two bytes, held at the most past them.
    pub fn attachment_count_of(n: usize) -> u16 {
        u16::try_from(n).unwrap_or(u16::MAX)
    }

    /// True when the message counts as unread.
    pub fn is_unread(&self) -> bool {
        self.status == MessageStatus::Unread || self.marked_unread
    }

    /// The name shown in the sender column: the specific sender when given, else the
    /// service owner.
    pub fn sender(&self) -> &str {
        match &self.message_sender {
            Some(s) if !s.is_empty() => s,
            _ => &self.service_owner,
        }
    }
}

/// A whole message: its summary plus body and attachments.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// The summary fields.
    pub summary: MessageSummary,
    /// Short summary text, when given.
    pub summary_text: Option<String>,
    /// The body as plain text (converted from HTML).
    pub body: String,
    /// Attachments, in server order.
    pub attachments: Vec<Attachment>,
    /// Archive reference, when given.
    pub archive_reference: Option<String>,
    /// Link to the message in the web portal, when given.
    pub portal_url: Option<String>,
    /// The web and mail links in the body, numbered from 1 as the body shows them.
    pub links: Vec<String>,
    /// What happened to it, oldest first (Altinn 3's activities; empty on Altinn 2).
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// The messages within it, oldest first (Altinn 3's transmissions), apart from the
    /// body: their headings are the screen's, in the language in use.
    #[serde(default)]
    pub thread: Vec<ThreadEntry>,
    /// When Altinn deletes it (Altinn 3's `expiresAt`): only an opened dialog says, search
    /// does not.
    #[serde(default)]
    pub expires: Option<chrono::DateTime<chrono::Utc>>,
}

impl Message {
    /// The text a search looks in (the cache's full-text index, `/`): the summary, the
    /// body, the thread and the attachments' names.
    pub fn searchable_text(&self) -> String {
        let mut text = String::new();
        for part in self
            .summary_text
            .iter()
            .chain(std::iter::once(&self.body))
            .chain(self.thread.iter().flat_map(|t| [&t.title, &t.text]))
            .chain(self.attachments.iter().map(|a| &a.file_name))
        {
            text.push_str(part);
            text.push('\n');
        }
        text
    }

    /// The message as plain text, as `show --text` prints it and `|` pipes it: the header
    /// lines, the body without its marks (`## `, `**`), then the thread.
    pub fn plain_text(&self) -> String {
        let s = &self.summary;
        let mut lines = vec![tr!("Fra: {sender}", sender = s.sender())];
        if let Some(received) = s.last_changed {
            lines.push(tr!(
                "Mottatt: {at}",
                at = crate::text::date_time_text(received)
            ));
        }
        lines.push(tr!(
            "Status: {status}   Type: {kind}",
            status = s.status.shown(),
            kind = s.kind.display()
        ));
        lines.push(tr!("Emne: {subject}", subject = s.subject));
        // Attachments are `#n`, so they are not taken for the body's links (`[n]`).
        for (i, a) in self.attachments.iter().enumerate() {
            let line = tr!("Vedlegg #{n}: {name}", n = i + 1, name = a.file_name);
            lines.push(match a.size {
                Some(size) => format!("{line} ({})", crate::text::human_size(size)),
                None => line,
            });
        }
        lines.push(String::new());
        lines.push(crate::text::plain_body(&self.body));
        if !self.thread.is_empty() {
            lines.push(String::new());
            lines.push(tr!("Tråd").to_owned());
            for entry in &self.thread {
                lines.push(String::new());
                lines.push(entry.heading());
                if !entry.readable {
                    lines.push(tr!("Du har ikke tilgang til denne.").to_owned());
                } else if !entry.text.is_empty() {
                    lines.push(String::new());
                    lines.push(crate::text::plain_body(&entry.text));
                }
            }
        }
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }
}

/// One message within a dialog (an Altinn 3 transmission).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ThreadEntry {
    /// When it was sent.
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    /// Who sent it (sanitised); `None`: the user.
    pub from: Option<String>,
    /// Its title (sanitised).
    pub title: String,
    /// Its text (summary and fetched content, as text; links numbered after the body's).
    pub text: String,
    /// The user may read it.
    pub readable: bool,
}

impl ThreadEntry {
    /// Its heading, in the language in use: `18.11.2026 08:12 · Skatteetaten · Varsel sendt`.
    pub fn heading(&self) -> String {
        let when = self.at.map(crate::text::date_time_text).unwrap_or_default();
        let from = self.from.clone().unwrap_or_else(|| tr!("Du").to_owned());
        format!("{when} · {from} · {}", self.title)
    }

    /// Lines it takes on the screen: a blank, its heading, and a blank and its text (or a
    /// line saying it may not be read).
    pub fn line_count(&self) -> usize {
        match (self.readable, self.text.is_empty()) {
            (false, _) => 3,
            (true, true) => 2,
            (true, false) => 3 + self.text.lines().count(),
        }
    }
}

/// One event in a message's history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HistoryEntry {
    /// When.
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    /// What happened, in words (sanitised).
    pub what: String,
    /// Who did it, when said (sanitised).
    pub by: Option<String>,
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    /// Id (the last segment of the download link).
    pub id: String,
    /// Display name.
    pub name: String,
    /// File name, sanitised (no path separators, no control characters).
    pub file_name: String,
    /// Size in bytes, when given.
    pub size: Option<u64>,
    /// Encrypted: the bytes are opaque.
    pub encrypted: bool,
    /// Where to download it.
    pub url: String,
    /// Every other attachment in one file (Correspondence's "all attachments" zip): one
    /// choice of its own, never saved again beside them.
    #[serde(default)]
    pub bundle: bool,
}

/// What kind of party a reportee is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyKind {
    /// A person.
    Person,
    /// An enterprise (hovedenhet).
    Organisation,
    /// A sub-unit (underenhet / bedrift).
    SubUnit,
    /// Unknown type text, kept raw.
    Other(String),
}

/// Seconds since the epoch (0 for a time before it), as the cache keeps times.
pub fn epoch_seconds(time: std::time::SystemTime) -> i64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Someone the user can act for (a reportee): themself or an organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// `r…` reportee id, used in API paths.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Person, organisation or sub-unit.
    pub kind: PartyKind,
    /// Organisation number, for organisations.
    pub organisation_number: Option<String>,
}

impl Party {
    /// Whether `wanted` names this party: its reportee id or its organisation number.
    pub fn is_named(&self, wanted: &str) -> bool {
        self.id == wanted || self.organisation_number.as_deref() == Some(wanted)
    }
}

/// Which messages a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Folder {
    /// Everything not archived or deleted.
    #[default]
    Inbox,
    /// The archive.
    Archive,
    /// The trash bin.
    Trash,
    /// Forms the user started and has not sent (Altinn 3's status `Draft`).
    Drafts,
    /// Dialogs the user has sent something in (Altinn 3's label `Sent`).
    Sent,
}

impl Folder {
    /// The next folder for the view key (`views`: the backend has drafts and sent).
    pub fn next(self, views: bool) -> Self {
        match self {
            Folder::Inbox => Folder::Archive,
            Folder::Archive => Folder::Trash,
            Folder::Trash if views => Folder::Drafts,
            Folder::Drafts => Folder::Sent,
            Folder::Trash | Folder::Sent => Folder::Inbox,
        }
    }

    /// Its name on screen, in the language in use.
    pub fn title(self) -> &'static str {
        match self {
            Folder::Inbox => tr!("Innboks"),
            Folder::Archive => tr!("Arkiv"),
            Folder::Trash => tr!("Papirkurv"),
            Folder::Drafts => tr!("Utkast"),
            Folder::Sent => tr!("Sendt"),
        }
    }

    /// Its Norwegian name whatever the language: part of a cache key, so never translated.
    pub fn label(self) -> &'static str {
        match self {
            Folder::Inbox => "Innboks",
            Folder::Archive => "Arkiv",
            Folder::Trash => "Papirkurv",
            Folder::Drafts => "Utkast",
            Folder::Sent => "Sendt",
        }
    }
}

/// The filters on the list. Altinn applies all but one of them to the whole mailbox
/// (OData `$filter`); it cannot filter on a needed confirmation of receipt, so that one
/// applies only to the messages loaded, and the UI says so.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    /// Only unread messages.
    pub unread: bool,
    /// Only this type (`Correspondence`, `FormTask`, or another the server sends).
    pub kind: Option<MessageKind>,
    /// Only this sender (service owner).
    pub sender: Option<String>,
    /// Only messages changed at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only messages changed at or before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only messages that ask for a confirmation of receipt (local: applies to what is loaded).
    pub needs_confirmation: bool,
    /// Free text Altinn searches for (Altinn 3: title, sender and search tags).
    pub search: Option<String>,
}

/// One of the filters, as a chip in the status bar and a line in the filter menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    /// [`Filters::unread`].
    Unread,
    /// [`Filters::kind`].
    Kind,
    /// [`Filters::sender`].
    Sender,
    /// [`Filters::since`] and [`Filters::until`].
    Dates,
    /// [`Filters::needs_confirmation`].
    NeedsConfirmation,
}

impl FilterKey {
    /// Every filter, in menu order.
    pub const ALL: [FilterKey; 5] = [
        FilterKey::Unread,
        FilterKey::Kind,
        FilterKey::Sender,
        FilterKey::Dates,
        FilterKey::NeedsConfirmation,
    ];

    /// True when the server cannot apply it: it filters only what is loaded.
    pub fn is_local(self) -> bool {
        self == FilterKey::NeedsConfirmation
    }
}

impl Filters {
    /// No filter at all.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The part the server applies (everything but the local filters).
    pub fn server(&self) -> Filters {
        Filters {
            needs_confirmation: false,
            ..self.clone()
        }
    }

    /// Whether `message` could be a hit of the server's search (its words in the subject or
    /// the sender): for rows from the cache while a search is in force.
    pub fn passes_search(&self, message: &MessageSummary) -> bool {
        self.search.as_ref().is_none_or(|text| {
            let needle = text.trim().to_lowercase();
            message.subject.to_lowercase().contains(&needle)
                || message.sender().to_lowercase().contains(&needle)
                || message.service_owner.to_lowercase().contains(&needle)
        })
    }

    /// Whether `key` is set.
    pub fn is_set(&self, key: FilterKey) -> bool {
        match key {
            FilterKey::Unread => self.unread,
            FilterKey::Kind => self.kind.is_some(),
            FilterKey::Sender => self.sender.is_some(),
            FilterKey::Dates => self.since.is_some() || self.until.is_some(),
            FilterKey::NeedsConfirmation => self.needs_confirmation,
        }
    }

    /// Whether `message` passes filter `key` (true when `key` is not set).
    pub fn passes(&self, key: FilterKey, message: &MessageSummary) -> bool {
        match key {
            FilterKey::Unread => !self.unread || message.is_unread(),
            FilterKey::Kind => self.kind.as_ref().is_none_or(|k| *k == message.kind),
            FilterKey::Sender => self
                .sender
                .as_ref()
                .is_none_or(|s| s.eq_ignore_ascii_case(&message.service_owner)),
            FilterKey::Dates => {
                let at = message.last_changed;
                self.since
                    .is_none_or(|since| at.is_some_and(|t| t >= Stamp::from(since)))
                    && self
                        .until
                        .is_none_or(|until| at.is_some_and(|t| t <= Stamp::from(until)))
            }
            FilterKey::NeedsConfirmation => {
                !self.needs_confirmation || message.requires_confirmation
            }
        }
    }

    /// Whether `message` passes the local filters (the server has applied the others).
    pub fn passes_local(&self, message: &MessageSummary) -> bool {
        FilterKey::ALL
            .iter()
            .filter(|k| k.is_local())
            .all(|k| self.passes(*k, message))
    }

    /// The chip text for `key` when it is set, e.g. `uleste`, `fra Skatteetaten`.
    pub fn label(&self, key: FilterKey) -> Option<String> {
        if !self.is_set(key) {
            return None;
        }
        Some(match key {
            FilterKey::Unread => tr!("uleste").into(),
            FilterKey::Kind => match self.kind.as_ref()? {
                MessageKind::Correspondence => tr!("brev").into(),
                MessageKind::FormTask => tr!("skjema").into(),
                MessageKind::Dialog => tr!("melding").into(),
                MessageKind::Other(text) => text.to_string(),
            },
            FilterKey::Sender => tr!("fra {sender}", sender = self.sender.as_deref()?),
            FilterKey::Dates => {
                let day = |t: DateTime<Utc>| crate::text::date_text(t);
                match (self.since, self.until) {
                    (Some(since), Some(until)) => format!("{}–{}", day(since), day(until)),
                    (Some(since), None) => tr!("siden {date}", date = day(since)),
                    (None, Some(until)) => tr!("til {date}", date = day(until)),
                    (None, None) => return None,
                }
            }
            FilterKey::NeedsConfirmation => tr!("må bekreftes").into(),
        })
    }

    /// The chips of the filters that are set, in menu order.
    pub fn chips(&self) -> Vec<(FilterKey, String)> {
        FilterKey::ALL
            .iter()
            .filter_map(|k| self.label(*k).map(|label| (*k, label)))
            .collect()
    }
}

/// One page of the inbox as fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct MessagePage {
    /// The messages on this page, newest first.
    pub messages: Vec<MessageSummary>,
    /// True when more pages may follow.
    pub has_more: bool,
    /// The server said its own limit was reached (narrow the date range for more).
    pub limit_reached: bool,
    /// A link to the next page, when the server gives one (Altinn 2 does not, today);
    /// followed instead of counting `$skip`.
    pub next: Option<String>,
}

/// The profile of the logged-in user.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Full name.
    pub name: String,
}
