//! The verbs' subcommands (`innboks archive ID…`), made from the verb table: each verb's
//! name and about are its row's, and a verb that always asks takes `--yes`.

use clap::error::ErrorKind;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches, Subcommand};

use super::Targets;
use crate::domain::{Asks, MessageAction};

/// `innboks VERB ID… [--reportee ID] [--json] [--yes]`.
#[derive(Debug)]
pub struct VerbCommand {
    /// The verb.
    pub action: MessageAction,
    /// The messages.
    pub targets: Targets,
    /// `--yes`: do not ask (only verbs that always ask take it).
    pub yes: bool,
}

impl FromArgMatches for VerbCommand {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let Some((name, sub)) = matches.subcommand() else {
            return Err(clap::Error::new(ErrorKind::MissingSubcommand));
        };
        let action = MessageAction::from_subcommand(name)
            .ok_or_else(|| clap::Error::new(ErrorKind::InvalidSubcommand))?;
        let yes = matches!(sub.try_get_one::<bool>("yes"), Ok(Some(true)));
        Ok(Self {
            action,
            targets: Targets::from_arg_matches(sub)?,
            yes,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Subcommand for VerbCommand {
    fn augment_subcommands(command: Command) -> Command {
        MessageAction::ALL
            .into_iter()
            .fold(command, |command, action| command.subcommand(of(action)))
    }

    fn augment_subcommands_for_update(command: Command) -> Command {
        Self::augment_subcommands(command)
    }

    fn has_subcommand(name: &str) -> bool {
        MessageAction::from_subcommand(name).is_some()
    }
}

/// One verb's subcommand.
fn of(action: MessageAction) -> Command {
    let verb = action.verb();
    // (The about after the arguments: `augment_args` sets `Targets`' own.)
    let command = Targets::augment_args(Command::new(verb.subcommand)).about(verb.about);
    if verb.asks != Asks::Always {
        return command;
    }
    command.arg(
        Arg::new("yes")
            .long("yes")
            .action(ArgAction::SetTrue)
            .help("Do not ask (needed when stdin is not a terminal)"),
    )
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command, Script};
    use super::*;
    use clap::Parser;

    #[test]
    fn every_verb_is_a_subcommand_and_only_one_that_asks_takes_yes() {
        for action in MessageAction::ALL {
            let verb = action.verb();
            let always = verb.asks == Asks::Always;
            let parsed = Cli::try_parse_from(["innboks", verb.subcommand, "a1", "--yes"]);
            match parsed {
                Ok(cli) => {
                    assert!(always, "{} takes --yes", verb.subcommand);
                    let Some(Command::Script(Script::Verb(command))) = cli.command else {
                        panic!("{} is not a verb", verb.subcommand);
                    };
                    assert_eq!((command.action, command.yes), (action, true));
                    assert_eq!(command.targets.ids, ["a1"]);
                }
                Err(error) => assert!(!always, "{}: {error}", verb.subcommand),
            }
        }
    }
}
