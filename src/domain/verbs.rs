//! The message verbs, each said once: what it is called on a key, on the `:` line and on the
//! command line, what it says while it works and when it is done, whether it asks first,
//! and what it does to the list. The keymap, the `:` parser and its help, the CLI's
//! subcommands and the bulk path are all made from [`MessageAction::verb`].
//!
//! Adding a verb: a variant here with its row (and its place in [`MessageAction::ALL`]:
//! the test below fails to build until it has one), an arm in each backend's `act` (a
//! backend that cannot do it says `Unsupported`), and the catalogue rows for its texts. No
//! other code decides by a verb's name what it does; the inbox names one, mark read, only to
//! read by fetching, as Altinn does.

use super::{Folder, MessageSummary};
use crate::i18n::tr;

/// Something done to a message on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageAction {
    /// Mark read (Altinn 2: open it without `markAsRead=false`).
    MarkRead,
    /// To the archive.
    Archive,
    /// To the trash bin.
    Delete,
    /// Confirm receipt.
    Confirm,
    /// Back from the trash bin (not on Altinn 2).
    Restore,
    /// Mark unread again (not on Altinn 2).
    MarkUnread,
    /// Gone for good, from the trash bin only (Correspondence's purge; not on Altinn 2).
    Purge,
}

/// One verb's row in the table.
#[derive(Debug, Clone, Copy)]
pub struct Verb {
    /// The verb it describes.
    pub action: MessageAction,
    /// Its name in the config's `[keys]` table.
    pub key_name: &'static str,
    /// Its key in the inbox unless the config says otherwise.
    pub key: Option<char>,
    /// Its names on the `:` line, English first (shown in `:help`); empty: not a command
    /// there (`:archive` is the folder).
    pub commands: &'static [&'static str],
    /// Its CLI subcommand (`innboks mark-read ID…`).
    pub subcommand: &'static str,
    /// The subcommand's about, in English like every clap text (`cli/localized.rs` finds
    /// its row by the English).
    pub about: &'static str,
    /// A line in the key help and `:help`.
    pub help: &'static str,
    /// The infinitive, for "could not …" («arkivere»).
    pub infinitive: &'static str,
    /// The status line while it is under way («Arkiverer …»).
    pub doing: &'static str,
    /// The status line when it is done («Arkivert.»).
    pub done: &'static str,
    /// The CLI's word for a message it was done to («arkivert»).
    pub done_short: &'static str,
    /// It may be done to many messages at once (the marked ones; several CLI ids).
    pub bulk: bool,
    /// When it asks before it is done.
    pub asks: Asks,
    /// What it needs of a backend.
    pub needs: Needs,
    /// In the trash bin it means another verb (delete there is for good).
    pub in_trash: Option<MessageAction>,
    /// It is done only in these folders; elsewhere, this is said (purge outside the trash
    /// bin, restore in the inbox).
    pub only_in: Option<(&'static [Folder], &'static str)>,
    /// It is done only to the messages that want it.
    pub wanted: Option<Wanted>,
    /// What it does to the row in the list.
    pub then: Then,
}

/// When a verb asks first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asks {
    /// Only when it is done to several messages at once (the inbox asks then).
    Never,
    /// Always in the inbox (`d`: a message leaves the list); the CLI just does it.
    InInbox,
    /// Always, in the inbox and on the command line (`--yes` says yes for a script).
    Always,
}

/// What a verb needs of a backend: [`super::Capabilities::allows`] reads it, so a verb a
/// backend cannot do is refused before any request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Every backend does it.
    Nothing,
    /// Altinn 3's system labels or Correspondence (not Altinn 2).
    Altinn3,
}

/// The messages a verb is for, and what is said when none of the targets is.
#[derive(Debug, Clone, Copy)]
pub struct Wanted {
    /// Whether a message wants it.
    pub by: fn(&MessageSummary) -> bool,
    /// Said when none of the marked messages wants it.
    pub none_marked: &'static str,
    /// Said when the selected message does not want it.
    pub not_this: &'static str,
}

/// What a verb does to its row in the list once the server said yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// The row leaves the folder shown.
    Leaves,
    /// It moved to the archive: out of the inbox, marked archived elsewhere.
    Archived,
    /// Receipt confirmed (and so read).
    Confirmed,
    /// Read.
    Read,
    /// Marked unread.
    Unread,
}

impl MessageAction {
    /// Every verb, in the table's order: the help lists them in it.
    pub const ALL: [MessageAction; 7] = [
        MessageAction::MarkRead,
        MessageAction::Archive,
        MessageAction::Delete,
        MessageAction::Confirm,
        MessageAction::Restore,
        MessageAction::MarkUnread,
        MessageAction::Purge,
    ];

    /// The verb's row (its texts in the language in use).
    pub fn verb(self) -> Verb {
        match self {
            MessageAction::MarkRead => Verb::mark_read(),
            MessageAction::Archive => Verb::archive(),
            MessageAction::Delete => Verb::delete(),
            MessageAction::Confirm => Verb::confirm(),
            MessageAction::Restore => Verb::restore(),
            MessageAction::MarkUnread => Verb::mark_unread(),
            MessageAction::Purge => Verb::purge(),
        }
    }

    /// The verb a `:` command names (`:restore`, `:gjenopprett`), if any.
    pub fn from_command(name: &str) -> Option<MessageAction> {
        Self::ALL
            .into_iter()
            .find(|action| action.verb().commands.contains(&name))
    }

    /// The verb whose CLI subcommand is `name`, if any.
    pub fn from_subcommand(name: &str) -> Option<MessageAction> {
        Self::ALL
            .into_iter()
            .find(|action| action.verb().subcommand == name)
    }

    /// The infinitive, for "could not …" («arkivere»).
    pub fn infinitive(self) -> &'static str {
        self.verb().infinitive
    }
}

impl Verb {
    /// The row's defaults: no key, no `:` name, no question, every backend, the row leaves.
    fn plain(action: MessageAction) -> Self {
        Verb {
            action,
            key_name: "",
            key: None,
            commands: &[],
            subcommand: "",
            about: "",
            help: "",
            infinitive: "",
            doing: "",
            done: "",
            done_short: "",
            bulk: true,
            asks: Asks::Never,
            needs: Needs::Nothing,
            in_trash: None,
            only_in: None,
            wanted: None,
            then: Then::Leaves,
        }
    }

    /// [`MessageAction::MarkRead`].
    fn mark_read() -> Self {
        Verb {
            key_name: "mark_read",
            key: Some('m'),
            subcommand: "mark-read",
            about: "Mark messages read",
            help: tr!("merk som lest"),
            infinitive: tr!("merke som lest"),
            doing: tr!("Markerer som lest …"),
            done: tr!("Markert som lest."),
            done_short: tr!("lest"),
            then: Then::Read,
            ..Verb::plain(MessageAction::MarkRead)
        }
    }

    /// [`MessageAction::Archive`].
    fn archive() -> Self {
        Verb {
            key_name: "archive",
            key: Some('a'),
            subcommand: "archive",
            about: "Archive messages (they get new `b…` ids)",
            help: tr!("arkiver"),
            infinitive: tr!("arkivere"),
            doing: tr!("Arkiverer …"),
            done: tr!("Arkivert."),
            done_short: tr!("arkivert"),
            then: Then::Archived,
            ..Verb::plain(MessageAction::Archive)
        }
    }

    /// [`MessageAction::Delete`].
    fn delete() -> Self {
        Verb {
            key_name: "delete",
            key: Some('d'),
            subcommand: "delete",
            about: "Move messages to the trash bin",
            help: tr!("slett (i papirkurven: for godt)"),
            infinitive: tr!("slette"),
            doing: tr!("Sletter …"),
            done: tr!("Slettet: meldingen ligger i papirkurven."),
            done_short: tr!("i papirkurven"),
            asks: Asks::InInbox,
            in_trash: Some(MessageAction::Purge),
            ..Verb::plain(MessageAction::Delete)
        }
    }

    /// [`MessageAction::Confirm`].
    fn confirm() -> Self {
        Verb {
            key_name: "confirm_receipt",
            key: Some('c'),
            subcommand: "confirm",
            about: "Confirm receipt of messages that ask for it",
            help: tr!("bekreft mottak"),
            infinitive: tr!("bekrefte"),
            doing: tr!("Bekrefter mottak …"),
            done: tr!("Mottaket er bekreftet."),
            done_short: tr!("mottak bekreftet"),
            wanted: Some(Wanted {
                by: |message| message.requires_confirmation,
                none_marked: tr!("Ingen av de merkede meldingene ber om bekreftelse."),
                not_this: tr!("Denne meldingen ber ikke om bekreftelse."),
            }),
            then: Then::Confirmed,
            ..Verb::plain(MessageAction::Confirm)
        }
    }

    /// [`MessageAction::Restore`].
    fn restore() -> Self {
        Verb {
            key_name: "restore",
            key: Some('u'),
            commands: &["restore", "gjenopprett"],
            subcommand: "restore",
            about: "Move messages back from the trash bin or the archive to the inbox (Altinn 3)",
            help: tr!("tilbake til innboksen (Altinn 3)"),
            infinitive: tr!("gjenopprette"),
            doing: tr!("Gjenoppretter …"),
            done: tr!("Gjenopprettet: meldingen er tilbake i innboksen."),
            done_short: tr!("tilbake i innboksen"),
            needs: Needs::Altinn3,
            only_in: Some((
                &[Folder::Archive, Folder::Trash],
                tr!("Meldingen er allerede i innboksen: u henter tilbake fra arkivet og papirkurven."),
            )),
            ..Verb::plain(MessageAction::Restore)
        }
    }

    /// [`MessageAction::MarkUnread`].
    fn mark_unread() -> Self {
        Verb {
            key_name: "mark_unread",
            key: Some('U'),
            commands: &["mark-unread", "ulest!", "merk-ulest"],
            subcommand: "mark-unread",
            about: "Mark messages unread again (Altinn 3)",
            help: tr!("merk som ulest (Altinn 3)"),
            infinitive: tr!("merke som ulest"),
            doing: tr!("Markerer som ulest …"),
            done: tr!("Markert som ulest."),
            done_short: tr!("ulest"),
            needs: Needs::Altinn3,
            then: Then::Unread,
            ..Verb::plain(MessageAction::MarkUnread)
        }
    }

    /// [`MessageAction::Purge`].
    fn purge() -> Self {
        Verb {
            key_name: "purge",
            commands: &["purge", "slett-for-godt"],
            subcommand: "purge",
            about:
                "Delete messages in the trash bin for good (Altinn 3; asks first unless `--yes`)",
            help: tr!("slett for godt, i papirkurven (Altinn 3)"),
            infinitive: tr!("slette for godt"),
            doing: tr!("Sletter for godt …"),
            done: tr!("Slettet for godt."),
            done_short: tr!("slettet for godt"),
            asks: Asks::Always,
            needs: Needs::Altinn3,
            only_in: Some((
                &[Folder::Trash],
                tr!("Bare meldinger i papirkurven kan slettes for godt: slett den først (d)."),
            )),
            ..Verb::plain(MessageAction::Purge)
        }
    }

    /// What is said where it is not done: outside the folders it is done in.
    pub fn refused_in(&self, folder: Folder) -> Option<&'static str> {
        let (folders, said) = self.only_in?;
        (!folders.contains(&folder)).then_some(said)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A verb's place in [`MessageAction::ALL`]; a new variant fails to build here until
    /// it is given one.
    fn place(action: MessageAction) -> usize {
        match action {
            MessageAction::MarkRead => 0,
            MessageAction::Archive => 1,
            MessageAction::Delete => 2,
            MessageAction::Confirm => 3,
            MessageAction::Restore => 4,
            MessageAction::MarkUnread => 5,
            MessageAction::Purge => 6,
        }
    }

    #[test]
    fn all_holds_every_verb_once() {
        for (i, action) in MessageAction::ALL.into_iter().enumerate() {
            assert_eq!(place(action), i, "{action:?}");
        }
    }

    #[test]
    fn every_name_is_said_once() {
        let mut names = Vec::new();
        for action in MessageAction::ALL {
            let verb = action.verb();
            assert_eq!(verb.action, action);
            assert!(!verb.key_name.is_empty() && !verb.subcommand.is_empty());
            names.push(format!("key {}", verb.key_name));
            names.push(format!("cli {}", verb.subcommand));
            names.extend(verb.commands.iter().map(|c| format!(": {c}")));
        }
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "a name is used twice");
    }
}
