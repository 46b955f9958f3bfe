//! The application state and its one way of changing: [`update::update`]. Nothing here
//! does I/O or knows about the terminal; background work is requested as [`Effect`]s, which
//! the runtime carries out.

pub mod bulk;
pub mod desk;
pub mod effect;
pub mod inbox;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod login;
pub mod msg;
pub mod overlay;
pub mod parties;
pub mod rows;
pub mod search;
pub mod searches;
pub mod session;
pub mod settings;
pub mod source;
pub mod update;

use crate::i18n::tr;
use std::collections::HashMap;
use std::time::SystemTime;

use ratatui::layout::Rect;

pub use bulk::Bulk;
pub use effect::{Effect, ExportDone, ExportTarget, PipeInput};
pub use inbox::{InboxState, Merge};
pub use input::TextInput;
pub use keymap::{Action, Keymap, Mode};
pub use layout::PaneLayout;
pub use login::{BrowserView, DeviceView, LoginField, LoginFlow, LoginMethod, LoginState};
pub use msg::Msg;
pub use overlay::{CommandLine, Overlay, PendingAction, PipeLine, Switcher, SwitcherEntry};
pub use parties::Parties;
pub use rows::{RowsSnapshot, SharedRows};
pub use session::SessionView;
pub use settings::Settings;
pub use source::{CacheRead, CachedRows, HeldPage, Phase, Rows, Source};

use crate::domain::{Inbox, Message, MessageSummary, PartiesScope, Scope};

/// Which screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The login screen (also shown over the inbox when the session ends).
    Login,
    /// The inbox.
    Inbox,
}

/// The detail pane.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DetailState {
    /// The message shown (or being fetched).
    pub id: Option<String>,
    /// The request in flight.
    pub request: Option<u64>,
    /// The last error fetching it.
    pub error: Option<String>,
    /// Lines scrolled.
    pub scroll: u16,
    /// Opened with Enter (full pane when the preview is off).
    pub open: bool,
    /// The history (`H`) is shown instead of the text.
    pub history: bool,
}

/// Which pane has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// The list.
    #[default]
    List,
    /// The detail pane.
    Detail,
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Information.
    Info(String),
    /// An error: what happened and what to do.
    Error(String),
}

/// The whole application state.
#[derive(Debug, Clone)]
pub struct App {
    /// What it was started with (the config, the command line, the backend).
    pub settings: Settings,
    /// The title's environment label (the demo's says which Altinn once logged in).
    pub env_label: String,
    /// Who is logged in and how, as far as the inbox knows.
    pub session: SessionView,
    /// Bodies asked for ahead of the cursor and not arrived yet.
    pub prefetching: std::collections::HashSet<String>,
    /// The screen.
    pub screen: Screen,
    /// The login form.
    pub login: LoginState,
    /// Whose inbox is shown: the user's own, a party's, or all merged.
    pub whose: Inbox,
    /// The reportee's name, when acting for someone else.
    pub reportee_name: Option<String>,
    /// The list.
    pub inbox: InboxState,
    /// The detail pane.
    pub detail: DetailState,
    /// Fetched messages by id.
    pub bodies: HashMap<String, Message>,
    /// The fetched messages' text a search looks in, by id: shared with a search running
    /// off the loop, so a keystroke does not copy the bodies.
    pub search_texts: std::sync::Arc<HashMap<String, String>>,
    /// Messages opened in full this session (where a preview shows less than an open, as on
    /// Altinn 3, Enter fetches the rest).
    pub opened: std::collections::HashSet<String>,
    /// Focused pane.
    pub focus: Focus,
    /// The preview pane is shown.
    pub preview: bool,
    /// The overlay that has the keys, if one is open.
    pub overlay: Option<Overlay>,
    /// The status line.
    pub status: Option<Status>,
    /// Spinner frame.
    pub spinner: usize,
    /// Terminal size.
    pub size: (u16, u16),
    /// Set when the app should exit.
    pub should_quit: bool,
    /// The next request id.
    pub next_request: u64,
    /// The time, as of the last tick (for countdowns; drawing never reads the clock).
    pub now: SystemTime,
    /// The parties the user can act for, and what is looked up in them.
    pub parties: Parties,
    /// The desk: its background sync, and the agenda when the list shows it.
    pub desk: desk::DeskView,
    /// The search, when one is active.
    pub search: Option<search::Search>,
    /// How the list is sorted (kept for the session).
    pub sort: SortOrder,
    /// Inbox, archive or trash bin.
    pub folder: crate::domain::Folder,
    /// The filters on the list.
    pub filters: crate::domain::Filters,
    /// Every sender (service owner) seen in a loaded page, in Altinn's spelling.
    pub known_senders: std::collections::BTreeSet<String>,
    /// The bulk change under way, and the last one, for `z`.
    pub bulk: Bulk,
    /// The saved searches (the config's, and those `:save` added).
    pub searches: Vec<crate::domain::SavedSearch>,
    /// The last command `|` piped to, the prompt's default (as neomutt's).
    pub pipe_command: String,
    /// The `:export` under way (its request), if one is.
    pub exporting: Option<u64>,
}

/// Orders of the message list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Newest first (the server's order).
    #[default]
    NewestFirst,
    /// Oldest first.
    OldestFirst,
    /// By sender, then newest first.
    Sender,
    /// Unread first, then by status, then newest first.
    Status,
    /// By due date (soonest first; those without one last), then newest first.
    Due,
}

impl SortOrder {
    /// The next order for `s`.
    pub fn next(self) -> Self {
        match self {
            SortOrder::NewestFirst => SortOrder::OldestFirst,
            SortOrder::OldestFirst => SortOrder::Sender,
            SortOrder::Sender => SortOrder::Status,
            SortOrder::Status => SortOrder::Due,
            SortOrder::Due => SortOrder::NewestFirst,
        }
    }

    /// Its name in the status line.
    pub fn label(self) -> &'static str {
        match self {
            SortOrder::NewestFirst => tr!("nyeste først"),
            SortOrder::OldestFirst => tr!("eldste først"),
            SortOrder::Sender => tr!("avsender"),
            SortOrder::Status => tr!("status (ulest først)"),
            SortOrder::Due => tr!("frist (nærmeste først)"),
        }
    }

    /// Sorts `messages`; equal keys keep the server's order ([`MessageSummary::seq`]).
    pub fn apply(self, messages: &mut [MessageSummary]) {
        // In place, with no room to borrow (a stable sort of a million rows takes half their
        // size again): the order is total, the id last, so nothing depends on the order before.
        match self {
            SortOrder::NewestFirst => messages.sort_unstable_by(|a, b| {
                b.last_changed
                    .cmp(&a.last_changed)
                    .then(a.seq.cmp(&b.seq))
                    .then_with(|| a.id.cmp(&b.id))
            }),
            SortOrder::OldestFirst => messages.sort_unstable_by(|a, b| {
                a.last_changed
                    .cmp(&b.last_changed)
                    .then(b.seq.cmp(&a.seq))
                    .then_with(|| a.id.cmp(&b.id))
            }),
            SortOrder::Sender => messages.sort_unstable_by(|a, b| {
                a.sender()
                    .to_lowercase()
                    .cmp(&b.sender().to_lowercase())
                    .then(b.last_changed.cmp(&a.last_changed))
                    .then(a.seq.cmp(&b.seq))
                    .then_with(|| a.id.cmp(&b.id))
            }),
            SortOrder::Due => messages.sort_unstable_by(|a, b| {
                let due = |m: &MessageSummary| (m.due.is_none(), m.due);
                due(a)
                    .cmp(&due(b))
                    .then(b.last_changed.cmp(&a.last_changed))
                    .then(a.seq.cmp(&b.seq))
                    .then_with(|| a.id.cmp(&b.id))
            }),
            SortOrder::Status => messages.sort_unstable_by(|a, b| {
                b.is_unread()
                    .cmp(&a.is_unread())
                    .then(a.status.label().cmp(b.status.label()))
                    .then(b.last_changed.cmp(&a.last_changed))
                    .then(a.seq.cmp(&b.seq))
                    .then_with(|| a.id.cmp(&b.id))
            }),
        }
    }
}

impl App {
    /// A fresh app on the login screen.
    pub fn new(settings: Settings) -> Self {
        // Altinn 3 has no password login, and the demo shows Altinn 3 first: the first
        // ID-porten method is chosen then (the demo's password login is two steps down).
        let method = if !settings.capabilities.password_login || settings.demo_apis {
            LoginMethod::IdPortenDevice
        } else {
            LoginMethod::Password
        };
        Self {
            env_label: settings.env_label.clone(),
            session: SessionView::default(),
            prefetching: Default::default(),
            screen: Screen::Login,
            login: LoginState {
                method,
                ..LoginState::default()
            },
            whose: Inbox::Me,
            reportee_name: None,
            inbox: InboxState::default(),
            detail: DetailState::default(),
            bodies: HashMap::new(),
            search_texts: Default::default(),
            opened: Default::default(),
            focus: Focus::List,
            preview: true,
            overlay: None,
            status: None,
            spinner: 0,
            size: (80, 24),
            should_quit: false,
            next_request: 1,
            now: SystemTime::UNIX_EPOCH,
            parties: Parties::default(),
            desk: desk::DeskView::default(),
            search: None,
            sort: SortOrder::NewestFirst,
            folder: crate::domain::Folder::Inbox,
            filters: crate::domain::Filters::default(),
            known_senders: Default::default(),
            bulk: Bulk::default(),
            exporting: None,
            searches: settings.searches.clone(),
            pipe_command: String::new(),
            settings,
        }
    }

    /// Whose inbox a loaded message is in: its owner in the merged view, else the one shown.
    pub fn owner_of(&self, message: &MessageSummary) -> Inbox {
        match &message.owner {
            Some(party) => Inbox::Party(party.to_string()),
            None => self.whose.clone(),
        }
    }

    /// More may come than the list holds: a page not yet fetched (the agenda is whole).
    pub fn more_to_come(&self) -> bool {
        self.desk.agenda.is_none() && !self.inbox.exhausted()
    }

    /// The name of the party with reportee id `id`, when known.
    pub fn party_name(&self, id: &str) -> Option<&str> {
        self.parties.name_of(id)
    }

    /// True while something is loading (the spinner ticks only then).
    pub fn is_busy(&self) -> bool {
        self.login.pending.is_some()
            || self.login.restoring
            || self.inbox.is_loading()
            || self.detail.request.is_some()
            || self.bulk.running.is_some()
    }

    /// The message shown in the detail pane, when fetched.
    pub fn detail_message(&self) -> Option<&Message> {
        self.detail.id.as_ref().and_then(|id| self.bodies.get(id))
    }

    /// Asks for the parties: the cache's first, when it is in use.
    pub fn fetch_reportees(&self) -> Effect {
        let cached = self
            .session
            .user_key
            .clone()
            .filter(|_| self.settings.cache_enabled)
            .map(|user| PartiesScope {
                env: self.settings.env.clone(),
                user,
            });
        Effect::FetchReportees { cached }
    }

    /// Whose desk, when there is one: the cache in use, a user known, and Altinn 3.
    pub fn desk_scope(&self) -> Option<crate::domain::DeskScope> {
        let user =
            self.session.user_key.clone().filter(|_| {
                self.settings.cache_enabled && self.settings.capabilities.altinn3_verbs
            })?;
        Some(crate::domain::DeskScope {
            env: self.settings.env.clone(),
            user,
        })
    }

    /// The cache scope of `inbox`'s list in the folder shown, when the cache is in use.
    pub fn cache_scope(&self, inbox: &Inbox) -> Option<Scope> {
        let user = self
            .session
            .user_key
            .clone()
            .filter(|_| self.settings.cache_enabled)?;
        Some(Scope {
            env: self.settings.env.clone(),
            user,
            inbox: inbox.clone(),
            folder: self.folder,
        })
    }

    /// The pane layout for the current size and state.
    pub fn layout(&self) -> PaneLayout {
        self.layout_in(Rect::new(0, 0, self.size.0, self.size.1))
    }

    /// The pane layout of `area` for the current state (the one place that decides which
    /// panes show).
    pub fn layout_in(&self, area: Rect) -> PaneLayout {
        PaneLayout::new(
            area,
            self.preview || self.detail.open,
            !self.preview && self.detail.open,
        )
    }
}
