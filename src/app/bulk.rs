//! Changes to many messages at once: the one under way (how far it has come, for the status
//! line) and the last folder change, which `z` puts back while the session lasts.

use crate::domain::{Inbox, Labels, MessageAction, MessageSummary};

/// A bulk change, or its undo, under way.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    /// Its request.
    pub request: u64,
    /// What the status line says it is doing («Arkiverer …»).
    pub doing: &'static str,
    /// Messages done.
    pub done: usize,
    /// Of how many.
    pub total: usize,
}

/// One message of the last bulk folder change, as it was before.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    /// Its id.
    pub id: String,
    /// Its labels before.
    pub before: Labels,
    /// Its row as the list showed it, to bring it back into the list.
    pub row: Option<MessageSummary>,
}

/// The last bulk folder change: what `z` puts back.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    /// What was done.
    pub action: MessageAction,
    /// Whose inbox was shown (its rows come back only there).
    pub whose: Inbox,
    /// The messages.
    pub changed: Vec<Changed>,
}

/// Bulk changes in this session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bulk {
    /// The one under way.
    pub running: Option<Running>,
    /// The last folder change done, while it can be undone.
    pub undo: Option<Undo>,
    /// An undo under way, by its request.
    pub undoing: Option<(u64, Undo)>,
}

impl Bulk {
    /// The change under way is the one `request` answers: it is over.
    pub fn finish(&mut self, request: u64) {
        if self.running.as_ref().is_some_and(|r| r.request == request) {
            self.running = None;
        }
    }
}
