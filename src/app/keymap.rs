//! Key bindings: each action has a config name, a description and a group, so the help
//! overlay and the hint bar are generated from the same table that handles keys. Overlays
//! take keys in their own [`Mode`], so they are rebound the same way. The config's `[keys]`
//! table overrides the defaults.

use crate::i18n::tr;
use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::{MessageAction, Needs};

/// Something the user can ask for in the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Next message (or scroll down in the detail pane).
    MoveDown,
    /// Previous message (or scroll up).
    MoveUp,
    /// First message.
    Top,
    /// Last loaded message.
    Bottom,
    /// Half a page down.
    HalfPageDown,
    /// Half a page up.
    HalfPageUp,
    /// A page down.
    PageDown,
    /// A page up.
    PageUp,
    /// Open the selected message (marks it read).
    Open,
    /// Back: close the detail or the overlay.
    Back,
    /// Move focus between list and detail.
    FocusNext,
    /// Show or hide the preview pane.
    TogglePreview,
    /// Reload (or retry what failed).
    Refresh,
    /// The help overlay.
    Help,
    /// Quit (at the top level).
    Quit,
    /// A verb on the selected (or marked) messages: its key, name and help are its row in
    /// the verb table ([`MessageAction::verb`]).
    Verb(MessageAction),
    /// Switch reportee (act for an organisation).
    Reportee,
    /// The agenda: what is due across every party, in the list.
    Agenda,
    /// The board: one row per party, most urgent first.
    Board,
    /// The saved searches, with their counts.
    Searches,
    /// Choose among the open message's attachments.
    Attachments,
    /// Save the chosen attachment (or all of them).
    SaveAttachment,
    /// Open the chosen attachment (saved first).
    OpenAttachment,
    /// Search the loaded messages.
    Search,
    /// Next search match.
    NextMatch,
    /// Previous search match.
    PreviousMatch,
    /// Cycle the sort order.
    Sort,
    /// Copy the message's web link (or id) to the clipboard.
    Copy,
    /// Mark (or unmark) the message for a bulk action, and move down.
    Mark,
    /// Next folder: inbox, archive, trash bin.
    Folder,
    /// The filter menu: unread, type, sender, dates, needs confirmation.
    Filter,
    /// Only the selected message's sender (again: all).
    FilterSender,
    /// Mark every message shown (again: unmark all).
    MarkAll,
    /// Undo the last bulk folder change (Altinn 3), while the session lasts.
    Undo,
    /// The command line (`:trash`, `:all`, …).
    Command,
    /// Copy one of the links in the message body.
    CopyLink,
    /// Pipe the open message's text, or the chosen attachment, to a shell command.
    Pipe,
    /// The shown message's history (Altinn 3's activities), instead of its text.
    History,
    /// Log in again at ID-porten's high level, for a letter that needs it, keeping the
    /// inbox (Altinn 3).
    StepUp,
    /// Filter menu: unread only (again: all).
    FilterUnread,
    /// Filter menu: the next type (letters, forms, …, all).
    FilterKind,
    /// Filter menu: only the selected message's sender (again: all).
    FilterBySender,
    /// Filter menu: the last 7, 30, 90, 365 days, then any date.
    FilterDays,
    /// Filter menu: only what needs a confirmation of receipt.
    FilterNeedsConfirmation,
    /// Filter menu: clear every filter.
    FilterClear,
    /// In a field or a chooser: take what is typed or chosen.
    Submit,
    /// In a field or a chooser: close it.
    Cancel,
    /// In a chooser that takes typing: the next line.
    ChoiceDown,
    /// In a chooser that takes typing: the previous line.
    ChoiceUp,
    /// Say yes to a question (any other key says no).
    Yes,
}

impl Action {
    /// Every action, in help order: moving and general keys, the verbs every backend does,
    /// the rest of the inbox's, the verbs only some do, the overlays'.
    pub fn all() -> Vec<Action> {
        let verbs = |needs: Needs| {
            MessageAction::ALL
                .into_iter()
                .filter(move |action| action.verb().needs == needs)
                .map(Action::Verb)
        };
        Self::FIRST
            .into_iter()
            .chain(verbs(Needs::Nothing))
            .chain(Self::MIDDLE)
            .chain(verbs(Needs::Altinn3))
            .chain(Self::LAST)
            .collect()
    }

    /// The actions before the verbs, in help order.
    const FIRST: [Action; 15] = [
        Action::MoveDown,
        Action::MoveUp,
        Action::Top,
        Action::Bottom,
        Action::HalfPageDown,
        Action::HalfPageUp,
        Action::PageDown,
        Action::PageUp,
        Action::Open,
        Action::Back,
        Action::FocusNext,
        Action::TogglePreview,
        Action::Refresh,
        Action::Help,
        Action::Quit,
    ];

    /// The inbox's actions between the verbs every backend does and the rest.
    const MIDDLE: [Action; 20] = [
        Action::Reportee,
        Action::Agenda,
        Action::Board,
        Action::Searches,
        Action::Attachments,
        Action::SaveAttachment,
        Action::OpenAttachment,
        Action::Search,
        Action::NextMatch,
        Action::PreviousMatch,
        Action::Sort,
        Action::Copy,
        Action::Mark,
        Action::Folder,
        Action::Filter,
        Action::FilterSender,
        Action::MarkAll,
        Action::Command,
        Action::CopyLink,
        Action::Pipe,
    ];

    /// The actions after the verbs.
    const LAST: [Action; 14] = [
        Action::Undo,
        Action::History,
        Action::StepUp,
        Action::FilterUnread,
        Action::FilterKind,
        Action::FilterBySender,
        Action::FilterDays,
        Action::FilterNeedsConfirmation,
        Action::FilterClear,
        Action::Submit,
        Action::Cancel,
        Action::ChoiceDown,
        Action::ChoiceUp,
        Action::Yes,
    ];

    /// The name used in the config's `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            Action::MoveDown => "move_down",
            Action::MoveUp => "move_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::HalfPageDown => "half_page_down",
            Action::HalfPageUp => "half_page_up",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Open => "open",
            Action::Back => "back",
            Action::FocusNext => "focus_next",
            Action::TogglePreview => "toggle_preview",
            Action::Refresh => "refresh",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Verb(action) => action.verb().key_name,
            Action::Reportee => "reportee",
            Action::Agenda => "agenda",
            Action::Board => "board",
            Action::Searches => "searches",
            Action::Attachments => "attachments",
            Action::SaveAttachment => "save_attachment",
            Action::OpenAttachment => "open_attachment",
            Action::Search => "search",
            Action::NextMatch => "next_match",
            Action::PreviousMatch => "previous_match",
            Action::Sort => "sort",
            Action::Copy => "copy",
            Action::Mark => "mark",
            Action::Folder => "folder",
            Action::Filter => "filter",
            Action::FilterSender => "filter_sender",
            Action::MarkAll => "mark_all",
            Action::Undo => "undo",
            Action::Command => "command",
            Action::CopyLink => "copy_link",
            Action::Pipe => "pipe",
            Action::History => "history",
            Action::StepUp => "step_up",
            Action::FilterUnread => "filter_unread",
            Action::FilterKind => "filter_type",
            Action::FilterBySender => "filter_by_sender",
            Action::FilterDays => "filter_days",
            Action::FilterNeedsConfirmation => "filter_needs_confirmation",
            Action::FilterClear => "filter_clear",
            Action::Submit => "submit",
            Action::Cancel => "cancel",
            Action::ChoiceDown => "choice_down",
            Action::ChoiceUp => "choice_up",
            Action::Yes => "yes",
        }
    }

    /// What it does, for the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            Action::MoveDown => tr!("neste melding / rull ned"),
            Action::MoveUp => tr!("forrige melding / rull opp"),
            Action::Top => tr!("første melding"),
            Action::Bottom => tr!("siste lastede melding"),
            Action::HalfPageDown => tr!("en halv side ned"),
            Action::HalfPageUp => tr!("en halv side opp"),
            Action::PageDown => tr!("en side ned"),
            Action::PageUp => tr!("en side opp"),
            Action::Open => tr!("åpne (blir lest)"),
            Action::Back => tr!("tilbake / lukk"),
            Action::FocusNext => tr!("bytt rute"),
            Action::TogglePreview => tr!("forhåndsvisning av/på"),
            Action::Refresh => tr!("oppdater / prøv igjen"),
            Action::Help => tr!("denne hjelpen"),
            Action::Quit => tr!("avslutt"),
            Action::Verb(action) => action.verb().help,
            Action::Reportee => tr!("opptre for (aktør)"),
            Action::Agenda => tr!("frister (agenda)"),
            Action::Board => tr!("oversikt over aktørene"),
            Action::Searches => tr!("lagrede søk (:lagre NAVN)"),
            Action::Attachments => tr!("velg vedlegg"),
            Action::SaveAttachment => tr!("lagre vedlegg"),
            Action::OpenAttachment => tr!("åpne vedlegg"),
            Action::Search => tr!("søk i listen"),
            Action::NextMatch => tr!("neste treff"),
            Action::PreviousMatch => tr!("forrige treff"),
            Action::Sort => tr!("sorter: dato, frist, …"),
            Action::Copy => tr!("kopier nettlenke eller id"),
            Action::Mark => tr!("merk for massehandling"),
            Action::Folder => tr!("innboks, arkiv, papirkurv"),
            Action::Filter => tr!("filtermeny"),
            Action::FilterSender => tr!("bare denne avsenderen"),
            Action::MarkAll => tr!("merk alle viste / ingen"),
            Action::Undo => tr!("angre siste massehandling (Altinn 3)"),
            Action::Command => tr!("kommandolinje (:help)"),
            Action::CopyLink => tr!("kopier en lenke i teksten"),
            Action::Pipe => tr!("send til en kommando"),
            Action::History => tr!("historikk (Altinn 3)"),
            Action::StepUp => tr!("logg inn på høyt nivå (Altinn 3)"),
            Action::FilterUnread => tr!("bare uleste"),
            Action::FilterKind => tr!("type: brev, skjema, …"),
            Action::FilterBySender => tr!("bare denne avsenderen"),
            Action::FilterDays => tr!("siste 7/30/90/365 dager"),
            Action::FilterNeedsConfirmation => tr!("må bekreftes"),
            Action::FilterClear => tr!("fjern alle filtre"),
            Action::Submit => tr!("bruk (kjør, bytt, behold)"),
            Action::Cancel => tr!("lukk"),
            Action::ChoiceDown => tr!("neste linje"),
            Action::ChoiceUp => tr!("forrige linje"),
            Action::Yes => tr!("ja (annen tast: nei)"),
        }
    }

    /// The short word in the hint bar.
    pub fn hint(self) -> &'static str {
        match self {
            Action::MoveDown | Action::MoveUp => tr!("flytt"),
            Action::Open => tr!("åpne"),
            Action::Back => tr!("tilbake"),
            Action::FocusNext => tr!("rute"),
            Action::TogglePreview => tr!("forhåndsvisning"),
            Action::Refresh => tr!("oppdater"),
            Action::Help => tr!("hjelp"),
            Action::Quit => tr!("avslutt"),
            Action::Reportee => tr!("aktør"),
            Action::Search => tr!("søk"),
            _ => "",
        }
    }

    /// The help group it belongs to.
    pub fn group(self) -> &'static str {
        match self {
            Action::MoveDown
            | Action::MoveUp
            | Action::Top
            | Action::Bottom
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::PageDown
            | Action::PageUp
            | Action::Search
            | Action::NextMatch
            | Action::PreviousMatch
            | Action::Sort => tr!("Flytte"),
            Action::Open
            | Action::Back
            | Action::FocusNext
            | Action::TogglePreview
            | Action::Reportee
            | Action::Agenda
            | Action::Board
            | Action::Searches
            | Action::Copy
            | Action::CopyLink
            | Action::Pipe
            | Action::Command
            | Action::Folder
            | Action::Filter
            | Action::FilterSender
            | Action::Attachments
            | Action::SaveAttachment
            | Action::OpenAttachment
            | Action::History
            | Action::StepUp => tr!("Meldinger"),
            Action::Verb(_) | Action::Mark | Action::MarkAll | Action::Undo => tr!("Handlinger"),
            Action::Refresh | Action::Help | Action::Quit => tr!("Generelt"),
            Action::FilterUnread
            | Action::FilterKind
            | Action::FilterBySender
            | Action::FilterDays
            | Action::FilterNeedsConfirmation
            | Action::FilterClear => tr!("Filtermenyen (f)"),
            Action::Submit | Action::Cancel | Action::ChoiceDown | Action::ChoiceUp => {
                tr!("Felt og velgere (/ : R)")
            }
            Action::Yes => tr!("Spørsmål"),
        }
    }
}

/// Who has the keys: the inbox, or the overlay that is open. Each takes only its own
/// actions (see [`Keymap::action_in`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The list and the detail pane.
    Inbox,
    /// The help overlay.
    Help,
    /// The filter menu.
    Filters,
    /// The link chooser.
    Links,
    /// The reportee switcher (typing filters it).
    Switcher,
    /// A line being typed: the command line, the search prompt.
    Text,
    /// A question waiting for `y`.
    Question,
    /// Choosing an attachment (other keys go on to the inbox).
    Attachments,
}

impl Mode {
    /// Whether it takes `action`.
    pub fn takes(self, action: Action) -> bool {
        match self {
            Mode::Inbox => !Mode::OVERLAY_ONLY.contains(&action),
            other => other.actions().contains(&action),
        }
    }

    /// Actions only an overlay takes.
    const OVERLAY_ONLY: [Action; 11] = [
        Action::FilterUnread,
        Action::FilterKind,
        Action::FilterBySender,
        Action::FilterDays,
        Action::FilterNeedsConfirmation,
        Action::FilterClear,
        Action::Submit,
        Action::Cancel,
        Action::ChoiceDown,
        Action::ChoiceUp,
        Action::Yes,
    ];

    /// The actions an overlay takes (the inbox takes every other).
    fn actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            Mode::Inbox => &[],
            Mode::Help => &[
                Help,
                Back,
                Quit,
                MoveDown,
                MoveUp,
                PageDown,
                HalfPageDown,
                PageUp,
                HalfPageUp,
                Top,
            ],
            Mode::Filters => &[
                FilterUnread,
                FilterKind,
                FilterBySender,
                FilterDays,
                FilterNeedsConfirmation,
                FilterClear,
                Back,
                Open,
                Filter,
                Quit,
            ],
            Mode::Links => &[Back, Quit, MoveDown, MoveUp, Open, Copy, CopyLink],
            Mode::Switcher => &[Submit, Cancel, ChoiceDown, ChoiceUp],
            Mode::Text => &[Submit, Cancel],
            Mode::Question => &[Yes],
            Mode::Attachments => &[MoveDown, MoveUp, Open, Back],
        }
    }
}

/// One key, as in the config (`j`, `C-d`, `down`, `enter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl (Shift is part of the character for letters).
    pub ctrl: bool,
}

impl Key {
    /// A plain character key.
    pub const fn char(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: false,
        }
    }

    /// Ctrl plus a character.
    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    /// A special key.
    pub const fn code(code: KeyCode) -> Self {
        Self { code, ctrl: false }
    }

    /// True when the terminal event is this key.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl != self.ctrl {
            return false;
        }
        match (self.code, event.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => a == b,
            (a, b) => a == b,
        }
    }

    /// Parses `j`, `G`, `C-d`, `ctrl-d`, `enter`, `esc`, `tab`, `space`, `up`, `down`,
    /// `left`, `right`, `pgup`, `pgdn`, `home`, `end`, `backspace`, `?`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let lower = text.to_ascii_lowercase();
        let (ctrl, rest) = if let Some(rest) = lower
            .strip_prefix("c-")
            .or_else(|| lower.strip_prefix("ctrl-"))
        {
            (true, &text[text.len() - rest.len()..])
        } else {
            (false, text)
        };
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" => KeyCode::Backspace,
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
                    _ => return Err(tr!("ukjent tast «{text}»", text)),
                }
            }
        };
        Ok(Self { code, ctrl })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("C-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("S-Tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Backspace => f.write_str("Bksp"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The bindings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<(Action, Vec<Key>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        let bindings = vec![
            (Action::MoveDown, vec![Key::char('j'), Key::code(Down)]),
            (Action::MoveUp, vec![Key::char('k'), Key::code(Up)]),
            (Action::Top, vec![Key::char('g'), Key::code(Home)]),
            (Action::Bottom, vec![Key::char('G'), Key::code(End)]),
            (Action::HalfPageDown, vec![Key::ctrl('d')]),
            (Action::HalfPageUp, vec![Key::ctrl('u')]),
            (Action::PageDown, vec![Key::code(PageDown), Key::ctrl('f')]),
            (Action::PageUp, vec![Key::code(PageUp), Key::ctrl('b')]),
            (Action::Open, vec![Key::code(Enter)]),
            (Action::Back, vec![Key::code(Esc)]),
            (Action::FocusNext, vec![Key::code(Tab)]),
            (Action::TogglePreview, vec![Key::char('p')]),
            (Action::Refresh, vec![Key::char('r')]),
            (Action::Help, vec![Key::char('?')]),
            (Action::Quit, vec![Key::char('q'), Key::ctrl('c')]),
            (Action::Reportee, vec![Key::char('R')]),
            (Action::Agenda, vec![Key::char('A')]),
            (Action::Board, vec![Key::char('B')]),
            (Action::Searches, vec![Key::char('\'')]),
            (Action::Attachments, vec![Key::char('v')]),
            (Action::SaveAttachment, vec![Key::char('S')]),
            (Action::OpenAttachment, vec![Key::char('o')]),
            (Action::Search, vec![Key::char('/')]),
            (Action::NextMatch, vec![Key::char('n')]),
            (Action::PreviousMatch, vec![Key::char('N')]),
            (Action::Sort, vec![Key::char('s')]),
            (Action::Copy, vec![Key::char('y')]),
            (Action::Mark, vec![Key::char(' ')]),
            (Action::Folder, vec![Key::char('V')]),
            (Action::Filter, vec![Key::char('f')]),
            (Action::FilterSender, vec![Key::char('F')]),
            (Action::MarkAll, vec![Key::char('*')]),
            (Action::Undo, vec![Key::char('z')]),
            (Action::Command, vec![Key::char(':')]),
            (Action::CopyLink, vec![Key::char('Y')]),
            (Action::Pipe, vec![Key::char('|')]),
            (Action::History, vec![Key::char('H')]),
            (Action::StepUp, vec![Key::char('L')]),
            (Action::FilterUnread, vec![Key::char('u')]),
            (Action::FilterKind, vec![Key::char('t')]),
            (Action::FilterBySender, vec![Key::char('s')]),
            (Action::FilterDays, vec![Key::char('d')]),
            (Action::FilterNeedsConfirmation, vec![Key::char('b')]),
            (Action::FilterClear, vec![Key::char('x')]),
            (Action::Submit, vec![Key::code(Enter)]),
            (Action::Cancel, vec![Key::code(Esc)]),
            (Action::ChoiceDown, vec![Key::code(Down), Key::ctrl('n')]),
            (Action::ChoiceUp, vec![Key::code(Up), Key::ctrl('p')]),
            (Action::Yes, vec![Key::char('y')]),
        ];
        let verbs = MessageAction::ALL.into_iter().map(|action| {
            let keys = action.verb().key.map(Key::char).into_iter().collect();
            (Action::Verb(action), keys)
        });
        Self {
            bindings: bindings.into_iter().chain(verbs).collect(),
        }
    }
}

impl Keymap {
    /// The defaults with the config's overrides applied (action name → keys).
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<Self, String> {
        let mut keymap = Self::default();
        for (name, keys) in overrides {
            let action = Action::all()
                .into_iter()
                .find(|a| a.name() == name)
                .ok_or_else(|| tr!("ukjent handling «{name}»", name))?;
            let keys = keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Result<Vec<_>, _>>()?;
            for (a, existing) in &mut keymap.bindings {
                if *a == action {
                    *existing = keys.clone();
                }
            }
        }
        Ok(keymap)
    }

    /// The inbox's action bound to a key event, if any.
    pub fn action_for(&self, event: &KeyEvent) -> Option<Action> {
        self.action_in(Mode::Inbox, event)
    }

    /// The action of `mode` bound to a key event, if any: only the mode's own actions are
    /// looked at, so a key can mean one thing in the inbox and another in an overlay.
    pub fn action_in(&self, mode: Mode, event: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .filter(|(action, _)| mode.takes(*action))
            .find(|(_, keys)| keys.iter().any(|k| k.matches(event)))
            .map(|(action, _)| *action)
    }

    /// The keys bound to an action.
    pub fn keys_for(&self, action: Action) -> &[Key] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, keys)| keys.as_slice())
            .unwrap_or_default()
    }

    /// `j/k`-style label of an action's keys (at most two).
    pub fn label(&self, action: Action) -> String {
        self.keys_for(action)
            .iter()
            .take(2)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Help rows grouped: (group, [(keys, description)]).
    pub fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        let mut groups: Vec<(&'static str, Vec<(String, &'static str)>)> = Vec::new();
        for action in Action::all() {
            // (A verb with no key, as purge by default, is on the `:` line's help instead.)
            if self.keys_for(action).is_empty() {
                continue;
            }
            let keys = self
                .keys_for(action)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            let row = (keys, action.description());
            match groups.iter_mut().find(|(g, _)| *g == action.group()) {
                Some((_, rows)) => rows.push(row),
                None => groups.push((action.group(), vec![row])),
            }
        }
        groups
    }

    /// The hint bar: `j/k flytt · Enter åpne · …`, from the bindings.
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        let pair = format!(
            "{}/{}",
            self.keys_for(Action::MoveDown)
                .first()
                .map(ToString::to_string)
                .unwrap_or_default(),
            self.keys_for(Action::MoveUp)
                .first()
                .map(ToString::to_string)
                .unwrap_or_default()
        );
        let mut hints = vec![(pair, Action::MoveDown.hint())];
        for action in [
            Action::Open,
            Action::Search,
            Action::Reportee,
            Action::Back,
            Action::FocusNext,
            Action::TogglePreview,
            Action::Refresh,
            Action::Help,
            Action::Quit,
        ] {
            if let Some(key) = self.keys_for(action).first() {
                hints.push((key.to_string(), action.hint()));
            }
        }
        hints
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn defaults_and_shift_letters() {
        let keymap = Keymap::default();
        assert_eq!(
            keymap.action_for(&press(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::MoveDown)
        );
        assert_eq!(
            keymap.action_for(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            keymap.action_for(&press(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::HalfPageDown)
        );
        assert_eq!(
            keymap.action_for(&press(KeyCode::Char('d'), KeyModifiers::NONE)),
            Some(Action::Verb(MessageAction::Delete)),
            "Ctrl makes another key"
        );
        assert_eq!(
            keymap.action_for(&press(KeyCode::Char('Z'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            keymap.action_for(&press(KeyCode::Char('z'), KeyModifiers::NONE)),
            Some(Action::Undo)
        );
    }

    #[test]
    fn overrides_replace_and_show_in_help() {
        let mut overrides = BTreeMap::new();
        overrides.insert(
            "move_down".to_owned(),
            vec!["n".to_owned(), "C-n".to_owned()],
        );
        let keymap = Keymap::with_overrides(&overrides).expect("valid");
        assert_eq!(
            keymap.action_for(&press(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            Some(Action::MoveDown)
        );
        assert_eq!(
            keymap.action_for(&press(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(keymap.label(Action::MoveDown), "n/C-n");
        assert!(keymap.hints()[0].0.starts_with("n/"));
        overrides.insert("fly".to_owned(), vec!["x".to_owned()]);
        assert!(Keymap::with_overrides(&overrides).is_err());
    }
}
