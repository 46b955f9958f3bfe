//! The command line in the language in use. clap's help is written in English (the doc
//! comments in `mod.rs`), so each text is looked up by its English in the catalogue;
//! clap's own words (headings, `[OPTIONS]`, `[default: …]`, the help and version flags)
//! are replaced by ours.

use clap::{Arg, ArgAction, Command};

use super::Cli;
use crate::i18n::{self, tr};

/// The whole command line, in the language in use.
pub fn command() -> Command {
    localize(<Cli as clap::CommandFactory>::command(), "innboks")
}

/// Parses the command line; a mistake, `--help` or `--version` ends the process, as clap
/// does, in the language in use. Most starts print nothing of clap's, so the command is
/// made in the language (every usage line rendered, every text looked up) only when clap
/// is to speak: the same arguments are then parsed again by [`command`].
pub fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(_) => command().get_matches(),
    };
    Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
}

/// Every English text clap would show of ours: abouts, helps, value names (`tests/source_i18n.rs`
/// checks each has its catalogue row).
pub fn help_texts() -> Vec<String> {
    fn walk(command: &Command, out: &mut Vec<String>) {
        out.extend(command.get_about().map(ToString::to_string));
        for arg in command.get_arguments() {
            out.extend(arg.get_help().map(ToString::to_string));
            out.extend(value_names(arg));
        }
        for sub in command.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&<Cli as clap::CommandFactory>::command(), &mut out);
    out.sort();
    out.dedup();
    out
}

/// An English text in the language in use (as it is, where the catalogue has no row).
fn say(english: &str) -> String {
    i18n::from_english(english).unwrap_or(english).to_owned()
}

/// `command` in the language in use, and its subcommands; `path` is how it is called
/// (`innboks list`).
fn localize(mut command: Command, path: &str) -> Command {
    if let Some(about) = command.get_about().map(ToString::to_string) {
        command = command.about(say(&about));
    }
    let positionals: Vec<String> = command
        .get_positionals()
        .map(|arg| arg.get_id().to_string())
        .collect();
    let texts: Vec<ArgText> = command
        .get_arguments()
        .map(|arg| ArgText::of(arg, &positionals))
        .collect();
    for text in texts {
        command = command.mut_arg(text.id.clone(), |arg| text.apply(arg));
    }
    command = with_our_words(command, !path.contains(' '));
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}");
        command = command.mut_subcommand(name, |sub| localize(sub, &sub_path));
    }
    let usage = usage_line(&command, path);
    command.override_usage(usage)
}

/// clap's headings, and help and version flags of ours (clap's say "Print help").
fn with_our_words(command: Command, root: bool) -> Command {
    let command = command
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            tr!("Bruk:")
        ))
        .subcommand_help_heading(tr!("Kommandoer"))
        .subcommand_value_name(tr!("KOMMANDO"))
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(tr!("Vis hjelpen"))
                .help_heading(tr!("Valg")),
        );
    if !root {
        return command;
    }
    command.disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help(tr!("Vis versjonen"))
            .help_heading(tr!("Valg")),
    )
}

/// clap's usage line (`innboks list [OPTIONS]`), with `[OPTIONS]` in the language.
fn usage_line(command: &Command, path: &str) -> String {
    let usage = command.clone().render_usage().to_string();
    // ("Usage: list [OPTIONS] <ID>": after the heading and the command's own name.)
    let rest = usage
        .split_once(": ")
        .map_or(usage.as_str(), |(_, line)| line)
        .split_once(' ')
        .map_or("", |(_, rest)| rest)
        .replace("[OPTIONS]", tr!("[VALG]"));
    format!("{path} {rest}").trim_end().to_owned()
}

/// What one argument shows in `--help`, in the language in use.
struct ArgText {
    id: clap::Id,
    /// Its help, translated, with what clap would add (values, default, variable).
    help: Option<String>,
    heading: &'static str,
    /// Its place among the positional arguments, if it is one.
    position: Option<usize>,
    /// The names its values are shown by (`<ANTALL>`), when each has its row.
    value_names: Option<Vec<&'static str>>,
    /// Whether clap's own lists of values, default and variable are to be hidden.
    hide_values: bool,
}

impl ArgText {
    fn of(arg: &Arg, positionals: &[String]) -> Self {
        let takes_values = arg.get_action().takes_values();
        let values: Vec<String> = if takes_values {
            arg.get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_owned())
                .collect()
        } else {
            Vec::new()
        };
        let help = arg.get_help().map(|help| {
            let mut text = say(&help.to_string());
            // (clap would list them in English, with their help in English: the names say
            // enough.)
            if !values.is_empty() {
                text = format!("{text} [{}]", values.join(", "));
            }
            text + &notes(arg)
        });
        // Global options under a heading of their own, after the command's.
        let heading = if arg.is_positional() {
            tr!("Argumenter")
        } else if arg.is_global_set() {
            tr!("Felles valg")
        } else {
            tr!("Valg")
        };
        let id = arg.get_id().clone();
        Self {
            position: positionals.iter().position(|p| *p == id.as_str()),
            id,
            help,
            heading,
            // (Every name has its row, `tests/source_i18n.rs` checks; clap keeps its own otherwise.)
            value_names: value_names(arg)
                .iter()
                .map(|name| i18n::from_english(name))
                .collect::<Option<Vec<_>>>()
                .filter(|names| !names.is_empty()),
            hide_values: takes_values,
        }
    }

    fn apply(&self, arg: Arg) -> Arg {
        let mut arg = arg.help_heading(self.heading);
        // Under a heading of ours clap sorts by display order, then by name: arguments keep
        // the order they are given in.
        if let Some(position) = self.position {
            arg = arg.display_order(position);
        }
        if let Some(names) = &self.value_names {
            arg = arg.value_names(names.clone());
        }
        if let Some(help) = &self.help {
            arg = arg.help(help.clone());
            if self.hide_values {
                arg = arg.hide_possible_values(true).hide_default_value(true);
            }
            if arg.get_env().is_some() {
                arg = arg.hide_env(true);
            }
        }
        arg
    }
}

/// What clap would add after an option's help, `[default: 50]` and `[env: NAME]`, in the
/// language in use.
fn notes(arg: &Arg) -> String {
    let mut notes = String::new();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    // (A flag's `false` is no news.)
    if !defaults.is_empty() && arg.get_action().takes_values() {
        notes.push_str(&tr!(" [standard: {value}]", value = defaults.join(", ")));
    }
    if let Some(name) = arg.get_env() {
        notes.push_str(&tr!(
            " [miljøvariabel: {name}]",
            name = name.to_string_lossy()
        ));
    }
    notes
}

/// The names an option's values are shown by (`<NAME>`): given, or clap's from the field.
fn value_names(arg: &Arg) -> Vec<String> {
    if !arg.get_action().takes_values() {
        return Vec::new();
    }
    match arg.get_value_names() {
        Some(names) => names.iter().map(ToString::to_string).collect(),
        None => vec![arg.get_id().as_str().to_uppercase()],
    }
}
