//! Effects: what `update` asks the outside world to do, as plain data. The runtime
//! turns each into a background task that answers with a
//! [`super::Msg`]; nothing here runs anything.

use crate::domain::{
    BulkTarget, Filters, Folder, Inbox, Labels, MessageAction, MessageSummary, Scope,
};
use crate::secret::Secret;

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
        /// At the high level of assurance (a step-up).
        high: bool,
    },
    /// Start an ID-porten browser login.
    StartBrowserLogin {
        /// Request id.
        request: u64,
        /// Open the system browser (only with a local display).
        open_browser: bool,
        /// At the high level of assurance (a step-up).
        high: bool,
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
        inbox: Inbox,
        /// Message id.
        id: String,
        /// What to do.
        action: MessageAction,
    },
    /// Do a verb to many messages at once (the marked ones): one effect for them all.
    ActMany {
        /// Request id.
        request: u64,
        /// What to do.
        action: MessageAction,
        /// The messages.
        targets: Vec<BulkTarget>,
    },
    /// Put back the labels the last bulk change took (`z`): each message's id and labels.
    PutBack {
        /// Request id.
        request: u64,
        /// The messages and their labels before.
        targets: Vec<(String, Labels)>,
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
    /// Download an attachment into a file of its own for `|` (the runtime; then
    /// [`Effect::Pipe`] with the file).
    FetchForPipe {
        /// Its download link.
        url: String,
        /// The file name to use.
        file_name: String,
        /// The command it goes to.
        command: String,
    },
    /// Hand the terminal to `sh -c command` with `input` on its stdin, wait for it and take
    /// the terminal back (done by the terminal loop). The command is the user's as typed;
    /// the server's text goes only to its stdin.
    Pipe {
        /// The command line, as typed.
        command: String,
        /// What goes to its stdin.
        input: PipeInput,
    },
    /// Fetch the parties the user can act for; those the cache kept (`cached`) come first.
    FetchReportees {
        /// Where the cache keeps them, when it is in use.
        cached: Option<crate::domain::PartiesScope>,
    },
    /// Fetch the user's profile (name for the title bar).
    FetchProfile,
    /// Fetch one page of an inbox.
    FetchPage {
        /// Request id.
        request: u64,
        /// Whose inbox (one party, never the merged view).
        inbox: Inbox,
        /// `$skip`.
        skip: usize,
        /// The server's `next` link, followed instead of `$skip` when given.
        link: Option<String>,
        /// Inbox, archive or trash bin.
        folder: Folder,
        /// The filters (the effect sends only the server's part).
        filters: Filters,
        /// Only what changed after this (an incremental sync from the top; Altinn 3).
        since: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Fetch a message's detail.
    FetchMessage {
        /// Request id.
        request: u64,
        /// Whose inbox.
        inbox: Inbox,
        /// Message id.
        id: String,
        /// An explicit open: let the server mark it read.
        mark_as_read: bool,
        /// A preview: wait a moment first (the cursor may move on), and give way to a newer
        /// preview.
        debounce: bool,
        /// The cache to answer previews from and keep the body in.
        cache: Option<Scope>,
        /// Neighbours (whose inbox, id) to fetch afterwards as previews, so the next `j` and
        /// `Enter` need no wait; dropped with the preview when the cursor moves on.
        prefetch: Vec<(Inbox, String)>,
    },
    /// Read a list from the local cache.
    LoadCache {
        /// Request id.
        request: u64,
        /// Which list.
        scope: Scope,
        /// Rows in the first part (what the screen needs); the rest follows in parts.
        head: usize,
    },
    /// Write what a sync step learned to the local cache.
    WriteCache {
        /// Which list.
        scope: Scope,
        /// Messages new or changed.
        upsert: Vec<MessageSummary>,
        /// Ids no longer there.
        remove: Vec<String>,
        /// The list is now known to its end (`Some(true)`), or not (`Some(false)`).
        complete: Option<bool>,
    },
    /// Note in the cache that a first page from the server has reconciled a list.
    MarkReconciled {
        /// Which list.
        scope: Scope,
    },
    /// Remember who used this environment last (for `--offline`).
    RememberUser {
        /// Environment.
        env: String,
        /// The user's key.
        user: String,
    },
    /// Bring the desk up to date for `parties` (a background sync; never opens a dialog).
    SyncDesk {
        /// Whose desk.
        scope: crate::domain::DeskScope,
        /// The parties it spans.
        parties: Vec<crate::domain::Party>,
        /// Searches in flight at once (the config's `concurrency`).
        concurrency: usize,
    },
    /// Read the agenda from the desk.
    LoadAgenda {
        /// Request id.
        request: u64,
        /// Whose desk.
        scope: crate::domain::DeskScope,
        /// Days ahead.
        days: i64,
    },
    /// Read from the desk what Altinn deletes within `days` (`:expiring`): answered as
    /// [`crate::app::Msg::AgendaLoaded`], grouped by the deletion's date.
    LoadExpiring {
        /// Request id.
        request: u64,
        /// Whose desk.
        scope: crate::domain::DeskScope,
        /// Days ahead.
        days: i64,
    },
    /// Export dialogs to `dir` from the cache alone (never a request: opening would mark
    /// them seen), with progress (`:export`).
    Export {
        /// Request id.
        request: u64,
        /// The folder (the config's `export_dir`).
        dir: std::path::PathBuf,
        /// Whose cache.
        scope: crate::domain::DeskScope,
        /// The dialogs.
        targets: Vec<ExportTarget>,
    },
    /// Note on the desk what the user's verbs did, at once (a label change or a read does
    /// not move `updatedAt`, so the desk sync would not see it for hours).
    TouchDesk {
        /// Whose desk.
        scope: crate::domain::DeskScope,
        /// Each dialog and what changed.
        touches: Vec<(String, crate::domain::DeskTouch)>,
    },
    /// Read the board from the desk.
    LoadBoard {
        /// Request id.
        request: u64,
        /// Whose desk.
        scope: crate::domain::DeskScope,
    },
    /// Give the allocator's free pages back to the system: the whole cached list is read,
    /// and what its parts were read into is free.
    GiveBackMemory,
    /// Match the list against a search, off the loop (and the cache's full-text index).
    Search(crate::app::search::SearchJob),
    /// Look the words up in the cache's full-text index over the bodies it keeps.
    FindInBodies {
        /// The search it is for (`Search::indexing`).
        search: u64,
        /// The words, each the start of a word in the body.
        words: Vec<String>,
    },
    /// Count what each saved search matches on the desk.
    LoadSearchCounts {
        /// Request id.
        request: u64,
        /// Whose desk.
        scope: crate::domain::DeskScope,
        /// The searches.
        searches: Vec<crate::domain::SavedSearch>,
    },
    /// Write a saved search into the config file (keeping the rest of it).
    SaveSearch {
        /// The config file.
        path: std::path::PathBuf,
        /// The search.
        search: crate::domain::SavedSearch,
        /// Put it in place of one of the same name (`:save!`).
        overwrite: bool,
    },
}

/// One dialog for [`Effect::Export`]: its row and whose it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportTarget {
    /// The row.
    pub summary: MessageSummary,
    /// The party's id.
    pub party: String,
    /// The party's name.
    pub party_name: String,
    /// The folder it was listed in.
    pub folder: crate::domain::Folder,
}

/// What an `:export` did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExportDone {
    /// Where.
    pub dir: std::path::PathBuf,
    /// Dialogs written for the first time.
    pub new: usize,
    /// Dialogs written again (changed, or their content came).
    pub updated: usize,
    /// Dialogs as exported before.
    pub unchanged: usize,
    /// Dialogs that could not be written.
    pub failed: usize,
    /// Dialogs written without content (never opened here: only their metadata).
    pub without_content: usize,
}

/// What `|` sends to a command's stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipeInput {
    /// The open message's text, as `show --text` prints it.
    Text(String),
    /// An attachment, downloaded into this file (removed after the command ends).
    File(std::path::PathBuf),
}
