//! How pressing a dialog is, read from what Dialogporten's search gives for it (`status`
//! and `dueAt`), and each party's count: what an accountant's desk shows, so tests can say
//! what it should show. The simulator's data is made around its anchor (`data::agenda`);
//! give the anchor as `now` for the spread it was made with.

use chrono::{DateTime, Duration, Utc};

use super::altinn3::render;
use super::store::{self, authorized, Label};
use super::world::World;

/// How pressing an open dialog is, the most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    /// Due before now.
    Overdue,
    /// Due within seven days.
    ThisWeek,
    /// Due within fourteen days, after the first seven.
    NextWeek,
    /// Due later.
    Later,
}

/// The dialog asks the party to act: `RequiresAttention`, `InProgress` or `Draft`. Not
/// `Awaiting` (the service owner's turn), `NotApplicable` or `Completed`.
pub fn asks(status: &str) -> bool {
    matches!(status, "RequiresAttention" | "InProgress" | "Draft")
}

/// How pressing a dialog of `status` due at `due` is at `now`; `None` when it asks nothing
/// or has no due date. Exactly what a search item's `status` and `dueAt` say.
pub fn urgency(status: &str, due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<Urgency> {
    let due = due.filter(|_| asks(status))?;
    Some(if due < now {
        Urgency::Overdue
    } else if due < now + Duration::days(7) {
        Urgency::ThisWeek
    } else if due < now + Duration::days(14) {
        Urgency::NextWeek
    } else {
        Urgency::Later
    })
}

/// One party's open dialogs at a time, counted by how pressing they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyDue {
    /// The party's URN.
    pub party: String,
    /// Its name.
    pub name: String,
    /// Open and due before now.
    pub overdue: usize,
    /// Open and due within seven days.
    pub this_week: usize,
    /// Open and due within fourteen days, after the first seven.
    pub next_week: usize,
    /// Open and due later.
    pub later: usize,
    /// With the status `RequiresAttention` (due or not).
    pub requires_attention: usize,
    /// The earliest due date of an open dialog.
    pub next_due: Option<DateTime<Utc>>,
}

impl PartyDue {
    /// The most pressing of its open dialogs; `None` when none is due.
    pub fn most(&self) -> Option<Urgency> {
        [
            (self.overdue, Urgency::Overdue),
            (self.this_week, Urgency::ThisWeek),
            (self.next_week, Urgency::NextWeek),
            (self.later, Urgency::Later),
        ]
        .into_iter()
        .find(|(n, _)| *n > 0)
        .map(|(_, u)| u)
    }

    /// Something open is due within fourteen days, or overdue.
    pub fn due_within_two_weeks(&self) -> bool {
        self.most().is_some_and(|u| u <= Urgency::NextWeek)
    }

    fn count(&mut self, status: &str, due: Option<DateTime<Utc>>, now: DateTime<Utc>) {
        if status == "RequiresAttention" {
            self.requires_attention += 1;
        }
        let (Some(urgency), Some(at)) = (urgency(status, due, now), due) else {
            return;
        };
        *match urgency {
            Urgency::Overdue => &mut self.overdue,
            Urgency::ThisWeek => &mut self.this_week,
            Urgency::NextWeek => &mut self.next_week,
            Urgency::Later => &mut self.later,
        } += 1;
        self.next_due = Some(self.next_due.map_or(at, |d| d.min(at)));
    }
}

/// Every party `user` acts for, in the user's order, with its open dialogs at `now` (the
/// anchor for the data as made): those a search with `excludeApiOnly=true` finds then
/// (not deleted, not expired) that are not in the bin.
pub fn parties(world: &mut World, user: usize, now: DateTime<Utc>) -> Vec<PartyDue> {
    let mut out = Vec::new();
    for (party, index) in authorized(world, user) {
        let mut due = PartyDue {
            party,
            name: world
                .reportees
                .get(index)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            ..PartyDue::default()
        };
        for message in world.mailboxes.get(index).into_iter().flatten() {
            let state = world.altinn3.state(message);
            store::reconcile(message, state);
            let gone =
                state.deleted || state.api_only || state.expires_at.is_some_and(|t| t <= now);
            if gone || store::folder_of(message.status) == Label::Bin {
                continue;
            }
            due.count(
                render::status(message, state),
                render::due(message, state),
                now,
            );
        }
        out.push(due);
    }
    out
}
