//! The application state and its one way of changing: [`update::update`]. Nothing here
//! does I/O or knows about the terminal; background work is requested as [`Effect`]s, which
//! the runtime carries out.

pub mod effect;
pub mod inbox;
pub mod input;
pub mod keymap;
pub mod msg;
pub mod search;
pub mod update;

use std::collections::HashMap;
use std::fmt;
use std::time::SystemTime;

use ratatui::layout::{Constraint, Layout, Rect};

pub use effect::Effect;
pub use inbox::{InboxState, Merge, Source};
pub use input::TextInput;
pub use keymap::{Action, Keymap, Mode};
pub use msg::Msg;

use crate::domain::{Capabilities, Inbox, Message, MessageAction, MessageSummary, Party, Scope};

/// Which screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The login screen (also shown over the inbox when the session ends).
    Login,
    /// The inbox.
    Inbox,
}

/// The ways to log in, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMethod {
    /// ID-porten device authorization grant.
    IdPortenDevice,
    /// ID-porten in a browser (authorization code + PKCE).
    IdPortenBrowser,
    /// Altinn user name and password.
    Password,
}

impl LoginMethod {
    /// All methods, in screen order.
    pub const ALL: [LoginMethod; 3] = [
        LoginMethod::IdPortenDevice,
        LoginMethod::IdPortenBrowser,
        LoginMethod::Password,
    ];

    /// The label on the login screen.
    pub fn label(self) -> &'static str {
        match self {
            LoginMethod::IdPortenDevice => "ID-porten med engangskode",
            LoginMethod::IdPortenBrowser => "ID-porten i nettleseren",
            LoginMethod::Password => "Altinn-brukernavn og passord",
        }
    }
}

/// The focused element on the login screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginField {
    /// The method list.
    Method,
    /// The user name field.
    Username,
    /// The password field.
    Password,
}

/// The login form. The password is kept only until it is submitted.
#[derive(Clone, Default, PartialEq)]
pub struct LoginState {
    /// Index into [`LoginMethod::ALL`].
    pub method: usize,
    /// Focused element.
    pub focus: Option<LoginField>,
    /// User name as typed.
    pub username: TextInput,
    /// Password as typed (cleared on submit and on failure).
    pub password: TextInput,
    /// The last error.
    pub error: Option<String>,
    /// The login request in flight.
    pub pending: Option<u64>,
    /// The session expired: the form is an overlay over a kept inbox.
    pub relogin: bool,
    /// An ID-porten flow in progress.
    pub flow: LoginFlow,
    /// Whether the provider offers the device flow (`None` until discovery answers).
    pub device_offered: Option<bool>,
    /// Discovery failed: why.
    pub provider_error: Option<String>,
    /// A stored session is being resumed.
    pub restoring: bool,
}

/// An ID-porten login in progress.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum LoginFlow {
    /// None.
    #[default]
    Idle,
    /// Waiting for the provider (discovery, device code, PAR).
    Starting,
    /// The device code is shown; polling.
    Device(DeviceView),
    /// The authorize URL is shown; the loopback listener waits, a URL can be pasted.
    Browser(BrowserView),
}

/// What the device-code screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceView {
    /// The code to type.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// The URL with the code in it.
    pub verification_uri_complete: Option<String>,
    /// Its QR code as lines of text, made once when the code arrives (not per frame);
    /// empty without a complete URL.
    pub qr: Vec<String>,
    /// When the code expires.
    pub expires_at: SystemTime,
}

/// What the browser-login screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct BrowserView {
    /// The URL to open.
    pub url: String,
    /// The loopback port waiting for the redirect.
    pub port: u16,
    /// The preferred fixed port was taken.
    pub fixed_port_busy: bool,
    /// The browser was opened automatically.
    pub opened: bool,
    /// The paste field.
    pub paste: TextInput,
    /// The paste field has the keys (else `y` copies the URL).
    pub paste_focused: bool,
    /// Why the last paste was refused.
    pub paste_error: Option<String>,
}

impl fmt::Debug for LoginState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginState")
            .field("method", &self.method)
            .field("focus", &self.focus)
            .field("username", &self.username)
            .field("password", &"***")
            .field("error", &self.error)
            .field("pending", &self.pending)
            .field("relogin", &self.relogin)
            .field("flow", &self.flow)
            .finish()
    }
}

impl LoginState {
    /// The selected method.
    pub fn method(&self) -> LoginMethod {
        LoginMethod::ALL
            .get(self.method)
            .copied()
            .unwrap_or(LoginMethod::Password)
    }

    /// The focused element (user name by default).
    pub fn focused(&self) -> LoginField {
        self.focus.unwrap_or(LoginField::Username)
    }
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
    /// Environment label in the title (`demo`, `prod`, `tt02`, …).
    pub env_label: String,
    /// Environment name (the cache is kept per environment).
    pub env: String,
    /// The logged-in user's cache key (a hash), once known.
    pub user_key: Option<String>,
    /// The local cache is used (config `cache = true`, the default).
    pub cache_enabled: bool,
    /// Started with `--offline`: only the cache, nothing from the network.
    pub offline: bool,
    /// Bodies asked for ahead of the cursor and not arrived yet.
    pub prefetching: std::collections::HashSet<String>,
    /// A line shown on the login screen (e.g. demo credentials).
    pub login_hint: Option<String>,
    /// The screen.
    pub screen: Screen,
    /// The login form.
    pub login: LoginState,
    /// The user's name, once known.
    pub user_name: Option<String>,
    /// How the user logged in (`passord`, `ID-porten`).
    pub session_method: Option<&'static str>,
    /// Whose inbox is shown: the user's own, a party's, or all merged.
    pub whose: Inbox,
    /// What the backend can do (what it cannot is greyed out and explained).
    pub capabilities: Capabilities,
    /// The reportee's name, when acting for someone else.
    pub reportee_name: Option<String>,
    /// The list.
    pub inbox: InboxState,
    /// The detail pane.
    pub detail: DetailState,
    /// Fetched messages by id.
    pub bodies: HashMap<String, Message>,
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
    /// Key bindings.
    pub keymap: Keymap,
    /// Terminal size.
    pub size: (u16, u16),
    /// Set when the app should exit.
    pub should_quit: bool,
    /// The next request id.
    pub next_request: u64,
    /// ID-porten is configured (issuer and client id).
    pub idporten_configured: bool,
    /// A browser can be opened here (local display, not SSH).
    pub can_open_browser: bool,
    /// Running over SSH (show the `ssh -L` hint).
    pub over_ssh: bool,
    /// The time, as of the last tick (for countdowns; drawing never reads the clock).
    pub now: SystemTime,
    /// The ID-porten session's state for the status bar.
    pub session_note: Option<String>,
    /// The parties the user can act for, once fetched.
    pub reportees: Vec<Party>,
    /// Where attachments are saved.
    pub download_dir: Option<std::path::PathBuf>,
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
    /// Mouse clicks and the wheel are taken (config `mouse = true`).
    pub mouse: bool,
    /// Pages of one inbox fetched at once when more than the next is wanted (config
    /// `concurrency`, default 4).
    pub concurrency: usize,
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
}

impl SortOrder {
    /// The next order for `s`.
    pub fn next(self) -> Self {
        match self {
            SortOrder::NewestFirst => SortOrder::OldestFirst,
            SortOrder::OldestFirst => SortOrder::Sender,
            SortOrder::Sender => SortOrder::Status,
            SortOrder::Status => SortOrder::NewestFirst,
        }
    }

    /// Its name in the status line.
    pub fn label(self) -> &'static str {
        match self {
            SortOrder::NewestFirst => "nyeste først",
            SortOrder::OldestFirst => "eldste først",
            SortOrder::Sender => "avsender",
            SortOrder::Status => "status (ulest først)",
        }
    }

    /// Sorts `messages`; equal keys keep the server's order ([`MessageSummary::seq`]).
    pub fn apply(self, messages: &mut [MessageSummary]) {
        match self {
            SortOrder::NewestFirst => {
                messages.sort_by_key(|m| (std::cmp::Reverse(m.last_changed), m.seq))
            }
            SortOrder::OldestFirst => {
                messages.sort_by_key(|m| (m.last_changed, std::cmp::Reverse(m.seq)))
            }
            SortOrder::Sender => messages.sort_by(|a, b| {
                a.sender()
                    .to_lowercase()
                    .cmp(&b.sender().to_lowercase())
                    .then(b.last_changed.cmp(&a.last_changed))
                    .then(a.seq.cmp(&b.seq))
            }),
            SortOrder::Status => messages.sort_by(|a, b| {
                b.is_unread()
                    .cmp(&a.is_unread())
                    .then(a.status.label().cmp(b.status.label()))
                    .then(b.last_changed.cmp(&a.last_changed))
                    .then(a.seq.cmp(&b.seq))
            }),
        }
    }
}

/// The reportee switcher: type to filter, arrows to choose, Enter to switch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Switcher {
    /// What was typed.
    pub filter: TextInput,
    /// Index into the filtered list.
    pub selected: usize,
    /// Waiting for the list.
    pub loading: bool,
}

/// A line in the reportee switcher.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SwitcherEntry<'a> {
    /// Every reportee's inbox merged into one list.
    All,
    /// One party's inbox.
    Party(&'a Party),
}

impl App {
    /// The switcher's lines matching its filter (name, org number or id): the merged view
    /// first when there is more than one party, then the parties.
    pub fn switcher_matches(&self) -> Vec<SwitcherEntry<'_>> {
        let filter = self
            .switcher()
            .map(|s| s.filter.value().to_lowercase())
            .unwrap_or_default();
        let all = self.reportees.len() > 1
            && (filter.is_empty() || "alle samlet all".contains(filter.as_str()));
        all.then_some(SwitcherEntry::All)
            .into_iter()
            .chain(
                self.reportees
                    .iter()
                    .filter(|p| {
                        filter.is_empty()
                            || p.name.to_lowercase().contains(&filter)
                            || p.organisation_number
                                .as_deref()
                                .is_some_and(|n| n.contains(&filter))
                            || p.id.to_lowercase().contains(&filter)
                    })
                    .map(SwitcherEntry::Party),
            )
            .collect()
    }

    /// Whose inbox a loaded message is in: its owner in the merged view, else the one shown.
    pub fn owner_of(&self, message: &MessageSummary) -> Inbox {
        match &message.owner {
            Some(party) => Inbox::Party(party.clone()),
            None => self.whose.clone(),
        }
    }

    /// The name of the party with reportee id `id`, when known.
    pub fn party_name(&self, id: &str) -> Option<&str> {
        self.reportees
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.as_str())
    }
}

/// The command line: what is typed after `:`, and why the last command was refused (the
/// text stays, so a typo is fixed, not retyped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandLine {
    /// What was typed.
    pub text: TextInput,
    /// Why the last command was refused.
    pub error: Option<String>,
}

/// An action that asks first ("Slette …? y/n").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAction {
    /// What.
    pub action: MessageAction,
    /// On which messages.
    pub ids: Vec<String>,
    /// What to call them in the question: «subject», or "5 meldinger".
    pub subject: String,
}

/// What takes over the keys on top of the inbox: at most one at a time, by its type. The
/// search prompt is not one of them: its hits outlive the typing (`n`/`N`), so it lives in
/// [`App::search`].
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// The help (`?`), scrolled this many lines.
    Help {
        /// Lines scrolled.
        scroll: u16,
    },
    /// The filter menu (`f`).
    Filters,
    /// The command line (`:`).
    Command(CommandLine),
    /// The link chooser (`Y`), on the chosen body link.
    Links {
        /// Index of the chosen link.
        selected: usize,
    },
    /// The reportee switcher (`R`).
    Switcher(Switcher),
    /// A question before an action ("Slette …? y/n").
    Question(PendingAction),
    /// Choosing among the open message's attachments (`v`).
    Attachments {
        /// Index of the chosen attachment.
        selected: usize,
    },
}

impl Overlay {
    /// The key mode it puts the keymap in.
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::Help { .. } => Mode::Help,
            Overlay::Filters => Mode::Filters,
            Overlay::Command(_) => Mode::Text,
            Overlay::Links { .. } => Mode::Links,
            Overlay::Switcher(_) => Mode::Switcher,
            Overlay::Question(_) => Mode::Question,
            Overlay::Attachments { .. } => Mode::Attachments,
        }
    }
}

impl App {
    /// How far the help is scrolled, when it is open.
    pub fn help_scroll(&self) -> Option<u16> {
        match &self.overlay {
            Some(Overlay::Help { scroll }) => Some(*scroll),
            _ => None,
        }
    }

    /// The reportee switcher, when open.
    pub fn switcher(&self) -> Option<&Switcher> {
        match &self.overlay {
            Some(Overlay::Switcher(switcher)) => Some(switcher),
            _ => None,
        }
    }

    /// The command line, when open.
    pub fn command_line(&self) -> Option<&CommandLine> {
        match &self.overlay {
            Some(Overlay::Command(line)) => Some(line),
            _ => None,
        }
    }

    /// The filter menu is open.
    pub fn filter_menu_open(&self) -> bool {
        self.overlay == Some(Overlay::Filters)
    }

    /// The chosen link, when the link chooser is open.
    pub fn link_choice(&self) -> Option<usize> {
        match &self.overlay {
            Some(Overlay::Links { selected }) => Some(*selected),
            _ => None,
        }
    }

    /// The question waiting for `y`, when one is asked.
    pub fn question(&self) -> Option<&PendingAction> {
        match &self.overlay {
            Some(Overlay::Question(pending)) => Some(pending),
            _ => None,
        }
    }

    /// The chosen attachment, when choosing one.
    pub fn attachment_choice(&self) -> Option<usize> {
        match &self.overlay {
            Some(Overlay::Attachments { selected }) => Some(*selected),
            _ => None,
        }
    }
}

impl App {
    /// A fresh app on the login screen.
    pub fn new(env_label: impl Into<String>, keymap: Keymap) -> Self {
        let env_label = env_label.into();
        Self {
            env: env_label.clone(),
            env_label,
            user_key: None,
            cache_enabled: false,
            offline: false,
            prefetching: Default::default(),
            login_hint: None,
            screen: Screen::Login,
            login: LoginState {
                method: 2,
                ..LoginState::default()
            },
            user_name: None,
            session_method: None,
            whose: Inbox::Me,
            capabilities: Capabilities::default(),
            reportee_name: None,
            inbox: InboxState::default(),
            detail: DetailState::default(),
            bodies: HashMap::new(),
            focus: Focus::List,
            preview: true,
            overlay: None,
            status: None,
            spinner: 0,
            keymap,
            size: (80, 24),
            should_quit: false,
            next_request: 1,
            idporten_configured: false,
            can_open_browser: false,
            over_ssh: false,
            now: SystemTime::UNIX_EPOCH,
            session_note: None,
            reportees: Vec::new(),
            download_dir: None,
            search: None,
            sort: SortOrder::NewestFirst,
            folder: crate::domain::Folder::Inbox,
            filters: crate::domain::Filters::default(),
            known_senders: Default::default(),
            mouse: false,
            concurrency: crate::domain::DEFAULT_CONCURRENCY,
        }
    }

    /// True while something is loading (the spinner ticks only then).
    pub fn is_busy(&self) -> bool {
        self.login.pending.is_some()
            || self.login.restoring
            || self.inbox.is_loading()
            || self.detail.request.is_some()
    }

    /// The message shown in the detail pane, when fetched.
    pub fn detail_message(&self) -> Option<&Message> {
        self.detail.id.as_ref().and_then(|id| self.bodies.get(id))
    }

    /// The cache scope of `inbox`'s list in the folder shown, when the cache is in use.
    pub fn cache_scope(&self, inbox: &Inbox) -> Option<Scope> {
        let user = self.user_key.clone().filter(|_| self.cache_enabled)?;
        Some(Scope {
            env: self.env.clone(),
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

/// Where each part of the inbox screen goes. Shared by `update` (page sizes) and `ui`
/// (drawing), so the two always agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneLayout {
    /// Title bar.
    pub title: Rect,
    /// The message list (with its border), if shown.
    pub list: Option<Rect>,
    /// The detail pane (with its border), if shown.
    pub detail: Option<Rect>,
    /// Status line.
    pub status: Rect,
    /// Key hints.
    pub hints: Rect,
}

impl PaneLayout {
    /// Splits `area`: title, panes, status and hints. Wide terminals put the detail beside
    /// the list, others below it; `detail_only` gives the detail the whole pane area.
    pub fn new(area: Rect, show_detail: bool, detail_only: bool) -> Self {
        let [title, body, status, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let (list, detail) = if detail_only {
            (None, Some(body))
        } else if !show_detail {
            (Some(body), None)
        } else if area.width >= 160 {
            let [list, detail] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(body);
            (Some(list), Some(detail))
        } else {
            // Short terminals give the list the larger share: it is where triage happens.
            let list_share = if body.height < 20 { 60 } else { 45 };
            let [list, detail] = Layout::vertical([
                Constraint::Percentage(list_share),
                Constraint::Percentage(100 - list_share),
            ])
            .areas(body);
            (Some(list), Some(detail))
        };
        Self {
            title,
            list,
            detail,
            status,
            hints,
        }
    }

    /// Rows of messages visible in the list (inside its border).
    pub fn list_rows(&self) -> usize {
        self.list.map_or(0, |r| r.height.saturating_sub(2) as usize)
    }

    /// Rows of text visible in the detail pane (inside its border).
    pub fn detail_rows(&self) -> usize {
        self.detail
            .map_or(0, |r| r.height.saturating_sub(2) as usize)
    }
}
