//! Everything that can happen to the app: input, ticks, and results of background work.
//! Results carry the id of the request they answer, so stale ones can be dropped.

use std::time::SystemTime;

use crossterm::event::{KeyEvent, MouseEvent};

use super::{BrowserView, DeviceView, LoginMethod};
use crate::domain::{
    ApiError, CachedList, Message, MessageAction, MessagePage, Outcome, Party, Profile,
    RefreshEvent,
};

/// An input or a result, fed to [`crate::app::update::update`].
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key press.
    Key(KeyEvent),
    /// Pasted text (bracketed paste).
    Paste(String),
    /// A click or the wheel (only when the `mouse` setting is on).
    Mouse(MouseEvent),
    /// The terminal has a new size.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// Animation tick (only while something is loading), with the time.
    Tick(SystemTime),
    /// The loop has started: kick off discovery and session restore.
    Start,
    /// Discovery answered: whether the device flow is offered.
    ProviderReady {
        /// The provider advertises the device flow.
        device_offered: bool,
    },
    /// Discovery failed.
    ProviderFailed {
        /// Why.
        error: String,
    },
    /// A device code to show.
    DeviceCode {
        /// The request it answers.
        request: u64,
        /// What to show.
        view: DeviceView,
    },
    /// The browser login is ready: show the URL.
    BrowserReady {
        /// The request it answers.
        request: u64,
        /// What to show.
        view: BrowserView,
    },
    /// A pasted redirect was not usable; the login goes on.
    PasteRejected {
        /// Why.
        error: String,
    },
    /// A stored session was resumed: straight to the inbox.
    SessionRestored {
        /// `browser` or `device`.
        method: LoginMethod,
    },
    /// No stored session, or it could not be resumed.
    RestoreFailed {
        /// Why, when there was a session to resume.
        error: Option<String>,
        /// How that session was made (`browser` or `device`), to offer the same again.
        method: Option<LoginMethod>,
    },
    /// News from the background refresher.
    Refresh(RefreshEvent),
    /// Who logged in, as a key for the local cache (a hash; sent before `LoggedIn` or
    /// `SessionRestored`).
    UserKnown(String),
    /// A cached list arrived from the local cache.
    CacheLoaded {
        /// The request it answers.
        request: u64,
        /// The list, or the next part of it (newest first, each part older than the last).
        list: CachedList,
        /// Another part follows.
        more: bool,
    },
    /// A login succeeded.
    LoggedIn {
        /// The request it answers.
        request: u64,
    },
    /// A login failed; the text says why.
    LoginFailed {
        /// The request it answers.
        request: u64,
        /// What to show.
        error: String,
    },
    /// The user's profile arrived.
    ProfileLoaded(Profile),
    /// The parties the user can act for.
    ReporteesLoaded(Vec<Party>),
    /// The parties the cache kept from the last time (the server's come after).
    CachedReporteesLoaded(Vec<Party>),
    /// How many parties one search may name (Dialogporten's `/metadata/limits`).
    PartyLimit(usize),
    /// The reportee list could not be fetched.
    ReporteesFailed(ApiError),
    /// A page of the inbox arrived.
    PageLoaded {
        /// The request it answers.
        request: u64,
        /// The `$skip` it was fetched at.
        skip: usize,
        /// The page.
        page: MessagePage,
    },
    /// A page could not be fetched.
    PageFailed {
        /// The request it answers.
        request: u64,
        /// The `$skip` it was fetched at.
        skip: usize,
        /// Why.
        error: ApiError,
    },
    /// A message's detail arrived.
    MessageLoaded {
        /// The request it answers.
        request: u64,
        /// The message.
        message: Box<Message>,
        /// It was fetched without `markAsRead=false`, so the server marked it read.
        marked_read: bool,
    },
    /// An action on a message succeeded.
    ActionDone {
        /// The request it answers.
        request: u64,
        /// The message.
        id: String,
        /// What was done.
        action: MessageAction,
        /// The new id (archiving gives a `b…` id).
        new_id: Option<String>,
    },
    /// The server refused an action.
    ActionFailed {
        /// The request it answers.
        request: u64,
        /// What was tried.
        action: MessageAction,
        /// Why.
        error: ApiError,
    },
    /// How far a bulk change (or its undo) has come.
    BulkProgress {
        /// The request it answers.
        request: u64,
        /// Messages done.
        done: usize,
        /// Of how many.
        total: usize,
    },
    /// A bulk change is over: what came of each message.
    BulkDone {
        /// The request it answers.
        request: u64,
        /// What was done.
        action: MessageAction,
        /// Each message's outcome.
        outcomes: Vec<Outcome>,
    },
    /// An undo (`z`) is over: what came of each message.
    PutBackDone {
        /// The request it answers.
        request: u64,
        /// Each message's outcome.
        outcomes: Vec<Outcome>,
    },
    /// Bytes of an attachment written so far.
    AttachmentProgress {
        /// The file name.
        file_name: String,
        /// Bytes written.
        bytes: u64,
    },
    /// An attachment was saved (and opened, when asked and possible).
    AttachmentSaved {
        /// Where.
        path: std::path::PathBuf,
        /// Opened with the system opener.
        opened: bool,
    },
    /// An attachment could not be saved.
    AttachmentFailed {
        /// The file name.
        file_name: String,
        /// Why.
        error: String,
    },
    /// An attachment for `|` is in its file: pipe it.
    PipeFetched {
        /// The command it goes to.
        command: String,
        /// The file.
        path: std::path::PathBuf,
    },
    /// A `|` command ended (`Ok(Some(code))`), was ended by a signal (`Ok(None)`), or could
    /// not start or be given its input (`Err`, in words).
    Piped {
        /// The command, as typed.
        command: String,
        /// How it ended.
        outcome: Result<Option<i32>, String>,
    },
    /// A message's detail could not be fetched.
    MessageFailed {
        /// The request it answers.
        request: u64,
        /// Why.
        error: ApiError,
    },
    /// A desk sync ended: when the desk was brought up to date, or why not.
    DeskSynced(Result<chrono::DateTime<chrono::Utc>, ApiError>),
    /// The agenda arrived from the desk.
    AgendaLoaded {
        /// The request it answers.
        request: u64,
        /// Its rows, grouped, soonest first.
        rows: Vec<crate::domain::AgendaRow>,
        /// When the desk was last brought up to date.
        synced_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// An export has written `done` of `total` dialogs.
    ExportProgress {
        /// The request it answers.
        request: u64,
        /// Dialogs done.
        done: usize,
        /// Dialogs in all.
        total: usize,
    },
    /// An export ended: what it did, or why it could not.
    Exported {
        /// The request it answers.
        request: u64,
        /// The counts, or the reason in words.
        result: Result<crate::app::ExportDone, String>,
    },
    /// The board arrived from the desk.
    BoardLoaded {
        /// The request it answers.
        request: u64,
        /// One row per party, in the order kept.
        rows: Vec<crate::domain::BoardRow>,
        /// When the desk was last brought up to date.
        synced_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// A search run off the loop answered.
    SearchDone {
        /// Which search (`Search::pending`).
        id: u64,
        /// The version of the rows it read (its indices are into those).
        version: u64,
        /// The hits, in list order; `None`: it stopped before the end.
        hits: Option<Vec<crate::app::search::Hit>>,
    },
    /// The cache's full-text index answered a search's words.
    BodiesFound {
        /// The search it is for.
        search: u64,
        /// The words looked up.
        words: Vec<String>,
        /// The messages whose kept body has them all.
        ids: std::collections::HashSet<String>,
    },
    /// The saved searches' counts arrived from the desk.
    SearchCountsLoaded {
        /// The request it answers.
        request: u64,
        /// Each search's counts, by name.
        counts: Vec<(String, crate::domain::SearchCounts)>,
        /// When the desk was last brought up to date (`None`: never).
        synced_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// A search was written into the config file, or why not.
    SearchSaved {
        /// The search as saved, or the reason in words.
        result: Result<crate::domain::SavedSearch, String>,
    },
}
