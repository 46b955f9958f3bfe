//! The command line: global options and subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::i18n::tr;

/// A terminal inbox for Altinn.
#[derive(Debug, Parser)]
#[command(name = "innboks", version, about, long_about = None)]
pub struct Cli {
    /// Environment: prod, tt02, or one defined in the config file.
    #[arg(long, global = true, value_name = "NAME")]
    pub env: Option<String>,
    /// Config file (default: the XDG config dir's innboks/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Altinn base URL, overriding the environment's.
    #[arg(long, global = true, value_name = "URL")]
    pub altinn_url: Option<String>,
    /// ID-porten issuer, overriding the environment's.
    #[arg(long, global = true, value_name = "URL")]
    pub issuer: Option<String>,
    /// ID-porten client id, overriding the environment's.
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,
    /// Altinn API key, overriding the config file's.
    #[arg(
        long,
        global = true,
        value_name = "KEY",
        env = "INNBOKS_API_KEY",
        hide_env_values = true
    )]
    pub api_key: Option<String>,
    /// Which Altinn: altinn3 (Dialogporten; prod and tt02) or altinn2 (switched off by Altinn
    /// on 19 June 2026; the demo still simulates it).
    #[arg(long, global = true, value_enum, value_name = "API")]
    pub api: Option<crate::config::Api>,
    /// Read only the local cache: nothing goes to the network (the inbox).
    #[arg(long, global = true)]
    pub offline: bool,
    /// Language: nb (bokmål), nn (nynorsk) or en (English); default: the config's, else the
    /// locale's.
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    /// Write when each phase of the start finished (ms since the process started) to FILE.
    #[arg(long, global = true, value_name = "FILE")]
    pub startuptime: Option<PathBuf>,
    /// What to do (default: open the inbox).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the inbox against the built-in simulator (no account needed; log in with demo/demo).
    Demo(SimArgs),
    /// Log in without the TUI and keep the session (ID-porten) for later runs.
    Login {
        /// How to log in.
        #[arg(long, value_enum, default_value_t = LoginMethodArg::Browser)]
        method: LoginMethodArg,
        /// Never open a browser; print the URL instead.
        #[arg(long)]
        no_browser: bool,
        /// User name for the password method (asked for when missing).
        #[arg(long)]
        username: Option<String>,
    },
    /// Log out: revoke the session at ID-porten and delete it here.
    Logout,
    /// Show who is logged in, where and until when (no secrets).
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List messages (needs a saved ID-porten session: `innboks login`).
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Only unread messages.
        #[arg(long)]
        unread: bool,
        /// Whose inbox: a reportee id (`r…`), or `all` for every reportee's inbox merged
        /// (default: your own).
        #[arg(long, value_name = "ID|all")]
        reportee: Option<String>,
        /// At most this many messages.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// An OData `$filter` for the server, e.g. "ServiceOwner eq 'Skatteetaten'"
        /// (Altinn 2).
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
        /// Search at Altinn: title, sender and search tags, 3 characters or more (Altinn 3).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Only this folder (default: every message).
        #[arg(long, value_enum)]
        folder: Option<FolderArg>,
    },
    /// Show one message (does not mark it read).
    Show {
        /// The message id.
        id: String,
        /// Whose inbox.
        #[arg(long, value_name = "ID")]
        reportee: Option<String>,
        /// Print JSON.
        #[arg(long, conflicts_with = "text")]
        json: bool,
        /// Print plain text (the default).
        #[arg(long)]
        text: bool,
        /// Mark it read, as opening it in the inbox does.
        #[arg(long)]
        mark_read: bool,
    },
    /// Archive messages (they get new `b…` ids).
    Archive(Targets),
    /// Mark messages read.
    MarkRead(Targets),
    /// Move messages to the trash bin.
    Delete(Targets),
    /// Move messages back from the trash bin or the archive to the inbox (Altinn 3).
    Restore(Targets),
    /// Mark messages unread again (Altinn 3).
    MarkUnread(Targets),
    /// Confirm receipt of messages that ask for it.
    Confirm(Targets),
    /// Delete messages in the trash bin for good (Altinn 3; asks first unless `--yes`).
    Purge {
        /// The messages.
        #[command(flatten)]
        targets: Targets,
        /// Do not ask (needed when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// List the parties you can act for.
    Reportees {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Configuration: `innboks config path` prints where the file lives.
    Config {
        /// What to do.
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// The local cache of messages.
    Cache {
        /// What to do.
        #[command(subcommand)]
        action: CacheAction,
    },
    /// Attachments of a message (needs a saved ID-porten session).
    Attachment {
        /// What to do.
        #[command(subcommand)]
        action: AttachmentAction,
    },
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Man,
    /// Run the simulator alone; prints its base URL on the first line.
    Sim {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The simulator's settings.
        #[command(flatten)]
        sim: SimArgs,
    },
}

/// Settings of the simulator.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Messages in the person's mailbox (the organisations get fewer).
    #[arg(long, default_value_t = 300)]
    pub messages: usize,
    /// Make the demo user an accountant with this many client organisations (up to
    /// 100,000), `--messages` spread over them.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub parties: usize,
    /// Seed of the synthetic mailbox: the same seed gives the same mailbox.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Delay added to every request, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency: u64,
    /// The newest message's date (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub anchor: Option<chrono::NaiveDate>,
    /// The ApiKey the simulator requires.
    #[arg(
        long = "sim-api-key",
        default_value = "demo-api-key",
        value_name = "KEY"
    )]
    pub sim_api_key: String,
    /// ID-porten access token lifetime in seconds.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub token_ttl: u64,
    /// ID-porten refresh token inactivity timeout in seconds.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    pub refresh_ttl: u64,
    /// Approve ID-porten logins by themselves after this many seconds (demo: 3; sim: only
    /// on the approval page unless given).
    #[arg(long, value_name = "SECONDS")]
    pub auto_approve: Option<u64>,
    /// Do not offer the device flow (like production ID-porten).
    #[arg(long)]
    pub no_device_flow: bool,
    /// Add a hostile message (escape sequences, path tricks) to test what reaches the screen.
    #[arg(long)]
    pub hostile: bool,
    /// Random faults on the API, e.g. "5xx=0.2,429=0.05,latency=20..200,reset=0.01,
    /// malformed=0.01,truncate=0.01,slow=0.01,content-type=0.01,seed=7".
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<crate::sim::faults::FaultSpec>,
}

impl SimArgs {
    /// The simulator configuration these arguments describe.
    pub fn to_config(&self, port: u16, default_auto_approve: Option<u64>) -> crate::sim::SimConfig {
        let defaults = crate::sim::SimConfig::default();
        crate::sim::SimConfig {
            seed: self.seed,
            messages: self.messages,
            parties: self.parties.min(100_000),
            latency: std::time::Duration::from_millis(self.latency),
            api_key: self.sim_api_key.clone(),
            port,
            anchor: self
                .anchor
                .and_then(|d| d.and_hms_opt(14, 0, 0))
                .unwrap_or(defaults.anchor),
            token_ttl: std::time::Duration::from_secs(self.token_ttl.max(1)),
            refresh_ttl: std::time::Duration::from_secs(self.refresh_ttl.max(1)),
            auto_approve: self
                .auto_approve
                .or(default_auto_approve)
                .map(std::time::Duration::from_secs),
            device_flow: !self.no_device_flow,
            hostile: self.hostile,
            faults: self.faults.clone().unwrap_or_default(),
            ..defaults
        }
    }
}

/// Login methods for `innboks login`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LoginMethodArg {
    /// ID-porten in a browser (loopback redirect, or paste the final URL).
    Browser,
    /// ID-porten device code (when the provider offers it).
    Device,
    /// Altinn user name and password (not kept between runs).
    Password,
}

/// The messages `archive` and `mark-read` act on.
#[derive(Debug, Args)]
pub struct Targets {
    /// Message ids.
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Whose inbox (a reportee id `r…`; default: your own).
    #[arg(long, value_name = "ID")]
    pub reportee: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `innboks cache …`.
#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// Delete the cache file (it is built again on the next start).
    Clear,
    /// Print where the cache file is.
    Path,
}

/// `innboks config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the config file's path.
    Path,
}

/// `innboks attachment …`.
#[derive(Debug, Subcommand)]
pub enum AttachmentAction {
    /// List a message's attachments.
    List {
        /// The message id.
        id: String,
        /// Whose inbox.
        #[arg(long, value_name = "ID")]
        reportee: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Save attachments (never overwriting: `name (1).pdf`).
    Save {
        /// The message id.
        id: String,
        /// The attachment id (see `attachment list`).
        attachment: Option<String>,
        /// Save all of the message's attachments.
        #[arg(long, conflicts_with = "attachment")]
        all: bool,
        /// Where (default: the download directory).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Whose inbox.
        #[arg(long, value_name = "ID")]
        reportee: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A folder, for `list --folder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FolderArg {
    /// The inbox.
    Inbox,
    /// The archive.
    Archive,
    /// The trash bin.
    Trash,
}

impl From<FolderArg> for crate::domain::Folder {
    fn from(folder: FolderArg) -> Self {
        match folder {
            FolderArg::Inbox => Self::Inbox,
            FolderArg::Archive => Self::Archive,
            FolderArg::Trash => Self::Trash,
        }
    }
}

/// The command line in the language in use: clap's help is written in English (the doc
/// comments above), so each text is looked up by its English in the catalogue; clap's own
/// headings and its help and version flags are replaced by ours.
pub fn command() -> clap::Command {
    localize(<Cli as clap::CommandFactory>::command(), "innboks")
}

/// Parses the command line with [`command`]; a mistake or `--help` ends the process, as
/// clap does.
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
}

/// Every help text clap shows (`tests/i18n.rs` checks each has its catalogue row).
pub fn help_texts() -> Vec<String> {
    fn walk(command: &clap::Command, out: &mut Vec<String>) {
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

/// What clap would add after an option's help, `[default: 50]` and `[env: NAME]`, in the
/// language in use.
fn notes(arg: &clap::Arg) -> String {
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
fn value_names(arg: &clap::Arg) -> Vec<String> {
    if !arg.get_action().takes_values() {
        return Vec::new();
    }
    match arg.get_value_names() {
        Some(names) => names.iter().map(ToString::to_string).collect(),
        None => vec![arg.get_id().as_str().to_uppercase()],
    }
}

/// `command` in the language in use; `path` is how it is called (`innboks list`).
fn localize(mut command: clap::Command, path: &str) -> clap::Command {
    let root = !path.contains(' ');
    use clap::{Arg, ArgAction};
    let say = |english: &str| {
        crate::i18n::from_english(english)
            .unwrap_or(english)
            .to_owned()
    };
    if let Some(about) = command.get_about().map(ToString::to_string) {
        command = command.about(say(&about));
    }
    type Found = (
        clap::Id,
        Option<String>,
        &'static str,
        Vec<String>,
        Vec<String>,
        String,
    );
    let ids: Vec<Found> = command
        .get_arguments()
        .map(|arg| {
            let values = if arg.get_action().takes_values() {
                arg.get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_owned())
                    .collect()
            } else {
                Vec::new()
            };
            // Global options under a heading of their own, after the command's.
            let heading = if arg.is_positional() {
                tr!("Argumenter")
            } else if arg.is_global_set() {
                tr!("Felles valg")
            } else {
                tr!("Valg")
            };
            (
                arg.get_id().clone(),
                arg.get_help().map(ToString::to_string),
                heading,
                values,
                value_names(arg),
                notes(arg),
            )
        })
        .collect();
    let order: Vec<String> = command
        .get_positionals()
        .map(|arg| arg.get_id().to_string())
        .collect();
    for (id, help, heading, values, names, notes) in ids {
        let id_name = id.to_string();
        command = command.mut_arg(id, |arg| {
            let mut arg = arg.help_heading(heading);
            // Under a heading of ours clap sorts by display order, then by name: arguments
            // keep the order they are given in.
            if let Some(position) = order.iter().position(|other| *other == id_name) {
                arg = arg.display_order(position);
            }
            // (Every name has its row, `tests/i18n.rs` checks; clap keeps its own otherwise.)
            let translated: Option<Vec<&'static str>> = names
                .iter()
                .map(|name| crate::i18n::from_english(name))
                .collect();
            if let Some(translated) = translated.filter(|t| !t.is_empty()) {
                arg = arg.value_names(translated);
            }
            if let Some(help) = help {
                let mut text = say(&help);
                if !values.is_empty() {
                    // (clap would list them in English, with their help in English: the
                    // names say enough.)
                    text = format!("{text} [{}]", values.join(", "));
                    arg = arg.hide_possible_values(true);
                }
                // clap's `[default: …]` and `[env: …]`, in the language.
                arg = arg.help(format!("{text}{notes}"));
                if arg.get_action().takes_values() {
                    arg = arg.hide_default_value(true);
                }
                if arg.get_env().is_some() {
                    arg = arg.hide_env(true);
                }
            }
            arg
        });
    }
    command = command
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
    if root {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(tr!("Vis versjonen"))
                .help_heading(tr!("Valg")),
        );
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}");
        command = command.mut_subcommand(name, |sub| localize(sub, &sub_path));
    }
    // clap's usage line, with `[OPTIONS]` in the language.
    let usage = command.clone().render_usage().to_string();
    let rest = usage
        .split_once(": ")
        .map_or(usage.as_str(), |(_, line)| line)
        .split_once(' ')
        .map_or("", |(_, rest)| rest)
        .replace("[OPTIONS]", tr!("[VALG]"));
    command.override_usage(format!("{path} {rest}").trim_end().to_owned())
}
