//! The accountant's desk in our own words: every party's dialogs as metadata (what a search
//! says of them, never their content), and what the desk's views make of them — the agenda
//! (what is due, soonest first), the board (one row per party, most urgent first), the
//! counts a status line shows, and the events `watch` reports once.

use chrono::{DateTime, Duration, Utc};

use super::{Folder, Labels, MessageAction, MessageSummary, PartiesScope, Stamp};

/// Whose desk: an environment and a user's key, as for the parties it spans.
pub type DeskScope = PartiesScope;

/// Days ahead the agenda looks unless told otherwise.
pub const AGENDA_DAYS: i64 = 14;

/// The board's "due soon": within this many days.
pub const BOARD_DUE_DAYS: i64 = 14;

/// The count's "due soon": within this many days.
pub const COUNT_DUE_DAYS: i64 = 7;

/// The count's "expiring": within this many days.
pub const COUNT_EXPIRING_DAYS: i64 = 30;

/// `watch` says a due date is near within this many days.
pub const EVENT_DUE_DAYS: i64 = 3;

/// `watch` says a dialog is expiring within this many days.
pub const EVENT_EXPIRING_DAYS: i64 = 14;

/// One dialog as the desk keeps it: the list row (its `owner` is the party) and what the
/// desk's views sort and count by.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskItem {
    /// The row as the inbox shows it; `owner` names the party.
    pub summary: MessageSummary,
    /// The folder its system label puts it in.
    pub folder: Folder,
    /// Dialogporten's status is `RequiresAttention`: the party must do something.
    pub requires_attention: bool,
    /// The dialog is done with (`Completed`): a due date no longer presses.
    pub completed: bool,
    /// Still to be dealt with: not done with, and needing action, unread, or a form not
    /// sent (`InProgress`, `Draft`, `Awaiting`). A past due date counts as overdue only
    /// then: a letter read long ago whose date has passed is history, not a task.
    pub pending: bool,
    /// When Altinn deletes it, when known (search does not say; an opened dialog does).
    pub expires: Option<DateTime<Utc>>,
    /// When anything about it last changed (`updatedAt`): the incremental sync's mark.
    pub updated: Option<DateTime<Utc>>,
}

impl DeskItem {
    /// The party it belongs to.
    pub fn party(&self) -> &str {
        self.summary.owner.as_deref().unwrap_or_default()
    }
}

/// One page of a desk sync: dialogs as metadata, and where the next page starts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeskPage {
    /// The dialogs.
    pub items: Vec<DeskItem>,
    /// The next page's cursor, when there is one.
    pub next: Option<String>,
}

/// The agenda's groups, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgendaGroup {
    /// Due before now and still pending.
    Overdue,
    /// Due within seven days.
    ThisWeek,
    /// Due later, within the agenda's days.
    Later,
    /// Needs action and has no due date.
    NoDate,
}

impl AgendaGroup {
    /// Where a row with `due` falls, seen at `now`.
    pub fn of(due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        match due {
            None => AgendaGroup::NoDate,
            Some(due) if due < now => AgendaGroup::Overdue,
            Some(due) if due <= now + Duration::days(7) => AgendaGroup::ThisWeek,
            Some(_) => AgendaGroup::Later,
        }
    }

    /// Its name for scripts.
    pub fn key(self) -> &'static str {
        match self {
            AgendaGroup::Overdue => "overdue",
            AgendaGroup::ThisWeek => "this_week",
            AgendaGroup::Later => "later",
            AgendaGroup::NoDate => "no_date",
        }
    }
}

/// One agenda row: the dialog, and the group it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct AgendaRow {
    /// The group.
    pub group: AgendaGroup,
    /// The dialog.
    pub item: DeskItem,
}

/// One party's row on the board.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BoardRow {
    /// The party's id (as the inbox names it).
    pub party: String,
    /// Its name.
    pub name: String,
    /// Its organisation number, for organisations.
    pub organisation_number: Option<String>,
    /// Unread dialogs in its inbox.
    pub unread: usize,
    /// Dialogs that need action.
    pub requires_attention: usize,
    /// Dialogs due within [`BOARD_DUE_DAYS`] (not yet overdue).
    pub due_soon: usize,
    /// Dialogs past their due date and still pending.
    pub overdue: usize,
    /// When its newest dialog came.
    pub newest: Option<DateTime<Utc>>,
}

impl BoardRow {
    /// Sorts most urgent first: overdue, then needs action, then due soon, then unread,
    /// then newest.
    pub fn urgency(&self) -> impl Ord {
        (
            std::cmp::Reverse(self.overdue),
            std::cmp::Reverse(self.requires_attention),
            std::cmp::Reverse(self.due_soon),
            std::cmp::Reverse(self.unread),
            std::cmp::Reverse(self.newest),
        )
    }

    /// Nothing on this party's desk.
    pub fn is_quiet(&self) -> bool {
        self.overdue + self.requires_attention + self.due_soon + self.unread == 0
    }
}

/// What a status line shows: counts over every party's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct DeskCounts {
    /// Unread.
    pub unread: usize,
    /// Needs action.
    pub requires_attention: usize,
    /// Due within [`COUNT_DUE_DAYS`] (not yet overdue).
    pub due_7d: usize,
    /// Past their due date and still pending.
    pub overdue: usize,
    /// Altinn deletes them within [`COUNT_EXPIRING_DAYS`] (where known).
    pub expiring_30d: usize,
}

/// What `watch` reports, once a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeskEventKind {
    /// A dialog the desk had not seen.
    New,
    /// Its status became `RequiresAttention`.
    NeedsAction,
    /// Due within [`EVENT_DUE_DAYS`].
    DueSoon,
    /// Altinn deletes it within [`EVENT_EXPIRING_DAYS`].
    Expiring,
}

impl DeskEventKind {
    /// Its name for scripts (`INNBOKS_EVENT`, `--json`'s `event`).
    pub fn key(self) -> &'static str {
        match self {
            DeskEventKind::New => "new",
            DeskEventKind::NeedsAction => "needs_action",
            DeskEventKind::DueSoon => "due_soon",
            DeskEventKind::Expiring => "expiring",
        }
    }

    /// From [`Self::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        [
            DeskEventKind::New,
            DeskEventKind::NeedsAction,
            DeskEventKind::DueSoon,
            DeskEventKind::Expiring,
        ]
        .into_iter()
        .find(|kind| kind.key() == key)
    }
}

/// One event about one dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskEvent {
    /// What happened.
    pub kind: DeskEventKind,
    /// To which dialog.
    pub item: DeskItem,
}

/// What a verb the user did changes on the desk at once: a label change or a read does not
/// move Dialogporten's `updatedAt`, so the incremental sync would not see it for hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeskTouch {
    /// The folder it is in now.
    pub folder: Option<Folder>,
    /// Read (`false`) or unread (`true`) now.
    pub unread: Option<bool>,
    /// Receipt confirmed: no longer needs action, nor overdue.
    pub settled: bool,
    /// Gone for good.
    pub gone: bool,
    /// When Altinn deletes it, as an opened dialog says (search never does).
    pub expires: Option<DateTime<Utc>>,
}

impl DeskTouch {
    /// What `action`, done, changes on the desk.
    pub fn of(action: MessageAction) -> Self {
        let none = Self::default();
        match action {
            MessageAction::MarkRead => Self {
                unread: Some(false),
                ..none
            },
            MessageAction::MarkUnread => Self {
                unread: Some(true),
                ..none
            },
            MessageAction::Archive => Self {
                folder: Some(Folder::Archive),
                ..none
            },
            MessageAction::Delete => Self {
                folder: Some(Folder::Trash),
                ..none
            },
            MessageAction::Restore => Self {
                folder: Some(Folder::Inbox),
                ..none
            },
            MessageAction::Confirm => Self {
                unread: Some(false),
                settled: true,
                ..none
            },
            MessageAction::Purge => Self { gone: true, ..none },
        }
    }

    /// Opened: seen (on Altinn 3 an open marks it so), and when Altinn deletes it, where
    /// the dialog said.
    pub fn opened(message: &super::Message, seen: bool) -> Self {
        Self {
            unread: seen.then_some(false),
            expires: message.expires,
            ..Self::default()
        }
    }

    /// Given back `labels` (an undo): the folder it was in, and unread if it was marked so.
    pub fn back(labels: Labels) -> Self {
        Self {
            folder: Some(labels.folder),
            unread: labels.marked_unread.then_some(true),
            ..Self::default()
        }
    }
}

/// Which dialogs a desk view counts: those in the inbox (not archived, not in the bin).
pub fn on_desk(item: &DeskItem) -> bool {
    item.folder == Folder::Inbox
}

/// The events `item` gives at `now`, seen against what the desk held before (`before`:
/// `None` for a dialog it had not seen; `first`: the desk was empty, so nothing is new).
pub fn events_of(
    item: &DeskItem,
    before: Option<&DeskItem>,
    first: bool,
    now: DateTime<Utc>,
) -> Vec<DeskEventKind> {
    let mut kinds = Vec::new();
    if !on_desk(item) {
        return kinds;
    }
    if before.is_none() && !first {
        kinds.push(DeskEventKind::New);
    }
    if item.requires_attention && before.is_some_and(|b| !b.requires_attention) {
        kinds.push(DeskEventKind::NeedsAction);
    }
    if !item.completed
        && item
            .summary
            .due
            .map(Stamp::utc)
            .is_some_and(|due| due >= now && due <= now + Duration::days(EVENT_DUE_DAYS))
    {
        kinds.push(DeskEventKind::DueSoon);
    }
    if item
        .expires
        .is_some_and(|at| at >= now && at <= now + Duration::days(EVENT_EXPIRING_DAYS))
    {
        kinds.push(DeskEventKind::Expiring);
    }
    kinds
}
