//! What takes over the keys on top of the inbox, and the state each overlay keeps.

use super::{App, Mode, TextInput};
use crate::domain::{MessageAction, Party};
use crate::i18n::tr;

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
        let all = self.parties.list.len() > 1
            && (filter.is_empty()
                || tr!("alle samlet").contains(filter.as_str())
                || "all".contains(filter.as_str()));
        let matches = |i: usize| {
            filter.is_empty()
                || self
                    .parties
                    .keys
                    .get(i)
                    .is_some_and(|k| k.contains(&filter))
        };
        all.then_some(SwitcherEntry::All)
            .into_iter()
            .chain(
                self.parties
                    .list
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| matches(*i))
                    .map(|(_, p)| SwitcherEntry::Party(p)),
            )
            .collect()
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

/// The `|` prompt: the command the open message's text, or attachment `attachment`, is
/// piped to (it starts with the last one, as neomutt's does).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipeLine {
    /// What was typed.
    pub text: TextInput,
    /// The attachment chooser's choice when `|` was pressed in it; else the message.
    pub attachment: Option<usize>,
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
    /// The board: one row per party, most urgent first (`B`, `:board`).
    Board(super::desk::Board),
    /// The saved searches, with their counts (`'`, `:searches`).
    Searches(super::searches::SearchChooser),
    /// The command to pipe the message or an attachment to (`|`).
    Pipe(PipeLine),
}

impl Overlay {
    /// The key mode it puts the keymap in.
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::Help { .. } => Mode::Help,
            Overlay::Filters => Mode::Filters,
            Overlay::Command(_) | Overlay::Pipe(_) => Mode::Text,
            Overlay::Links { .. } => Mode::Links,
            Overlay::Switcher(_) => Mode::Switcher,
            Overlay::Question(_) => Mode::Question,
            Overlay::Attachments { .. } => Mode::Attachments,
            // Typing filters, arrows choose, Enter opens: the switcher's keys.
            Overlay::Board(_) | Overlay::Searches(_) => Mode::Switcher,
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

    /// The `|` prompt, when open.
    pub fn pipe_line(&self) -> Option<&PipeLine> {
        match &self.overlay {
            Some(Overlay::Pipe(line)) => Some(line),
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
