//! The command line: global options and subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod localized;
mod verbs;

pub use localized::{command, help_texts, parse};
pub use verbs::VerbCommand;

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
    /// The commands for scripts (and a first login over SSH): `main` hands them to
    /// `commands::dispatch`.
    #[command(flatten)]
    Script(Script),
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

/// The commands that run without the inbox's screen.
#[derive(Debug, Subcommand)]
pub enum Script {
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
        /// Level of assurance: high opens letters that need it (BankID and the like).
        #[arg(long, value_enum, default_value_t = LevelArg::Substantial)]
        level: LevelArg,
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
        /// Which folder: the inbox unless another (or all) is asked for.
        #[arg(long, value_enum, default_value_t = FolderArg::Inbox)]
        folder: FolderArg,
        /// A saved search from the config's [searches]: its filters, search text, parties
        /// and folder.
        #[arg(long, value_name = "NAME", conflicts_with_all = ["reportee", "search", "folder", "filter"])]
        saved: Option<String>,
        /// Only dialogs Altinn deletes within DAYS days, from the desk (known only for
        /// dialogs opened in innboks: Altinn's search does not say).
        #[arg(long, value_name = "DAYS", conflicts_with_all = ["saved", "search", "filter"])]
        expiring: Option<i64>,
    },
    /// The saved searches of the config, with what each matches in the cache's desk.
    Searches {
        /// Print JSON.
        #[arg(long)]
        json: bool,
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
    /// The verbs on messages (`archive`, `mark-read`, `delete`, …), from the verb table.
    #[command(flatten)]
    Verb(VerbCommand),
    /// Bring the desk up to date: every party's dialogs into the cache as metadata, never
    /// opening one (Altinn 3).
    Sync {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Only this party (its id or organisation number), or all (the default).
        #[arg(long, value_name = "ID|all")]
        reportee: Option<String>,
        /// Read every party in full, dropping what Altinn no longer lists.
        #[arg(long)]
        full: bool,
    },
    /// What is due across your parties, overdue first, and what needs action (syncs the
    /// desk first unless --offline).
    Agenda {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Only this party (its id or organisation number), or all (the default).
        #[arg(long, value_name = "ID|all")]
        reportee: Option<String>,
        /// Days ahead (default 14).
        #[arg(long, value_name = "N")]
        days: Option<i64>,
    },
    /// One row per party: unread, needs action, due within 14 days, overdue, newest; most
    /// urgent first (syncs the desk first unless --offline).
    Board {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Counts for a status line, from the cache alone: no network, no keyring.
    Count {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// A template: {unread}, {requires_attention}, {due_7d}, {overdue}, {expiring_30d}.
        #[arg(long, value_name = "TEMPLATE")]
        format: Option<String>,
    },
    /// Keep the desk up to date and report each new event once: a new dialog, one that
    /// needs action, a due date within 3 days, a deletion within 14 days.
    Watch {
        /// Seconds between syncs.
        #[arg(long, default_value_t = 300, value_name = "SECONDS")]
        interval: u64,
        /// Print JSON lines.
        #[arg(long)]
        json: bool,
        /// Run this command for each event, with the event in INNBOKS_* environment variables.
        #[arg(long, value_name = "COMMAND")]
        exec: Option<String>,
    },
    /// Export dialogs to a folder before Altinn deletes them: a folder tree or a Maildir,
    /// with a manifest of checksums; a rerun writes only what changed.
    Export {
        /// The folder to export into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Only this party (its id or organisation number), or all (the default).
        #[arg(long, value_name = "ID|all")]
        reportee: Option<String>,
        /// Which folder (default: every folder).
        #[arg(long, value_enum, default_value_t = FolderArg::All)]
        folder: FolderArg,
        /// Only dialogs changed on or after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: Option<chrono::NaiveDate>,
        /// How the dialogs are laid out.
        #[arg(long, value_enum, default_value_t = ExportFormatArg::Tree)]
        format: ExportFormatArg,
        /// Fetch the content and attachments the cache lacks: Altinn marks those dialogs
        /// seen for everyone, so it asks first.
        #[arg(long)]
        with_content: bool,
        /// Do not ask before fetching (for scripts).
        #[arg(long)]
        yes: bool,
        /// Only dialogs Altinn deletes within DAYS days (known only for dialogs opened in
        /// innboks).
        #[arg(long, value_name = "DAYS")]
        expiring: Option<i64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
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
    /// Issue no refresh tokens to public clients (as ID-porten may do for a client
    /// without a secret): a session then lives as long as its access token.
    #[arg(long)]
    pub no_refresh_tokens: bool,
    /// Parties one Dialogporten search may name (told by /api/v1/metadata/limits).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub party_limit: usize,
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
            refresh_tokens: !self.no_refresh_tokens,
            party_limit: self.party_limit.clamp(1, 1000),
            ..defaults
        }
    }
}

/// ID-porten's levels of assurance for `innboks login --level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LevelArg {
    /// Substantial (idporten-loa-substantial), what most mail needs.
    Substantial,
    /// High (idporten-loa-high), for letters that need it.
    High,
}

impl LevelArg {
    /// The `acr_values` ID-porten is asked for.
    pub fn acr(self) -> &'static str {
        match self {
            LevelArg::Substantial => crate::domain::DEFAULT_ACR,
            LevelArg::High => crate::domain::HIGH_ACR,
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

impl LoginMethodArg {
    /// The method it names: the same enum the login screen and the session file use.
    pub fn method(self) -> crate::domain::LoginMethod {
        match self {
            LoginMethodArg::Browser => crate::domain::LoginMethod::IdPortenBrowser,
            LoginMethodArg::Device => crate::domain::LoginMethod::IdPortenDevice,
            LoginMethodArg::Password => crate::domain::LoginMethod::Password,
        }
    }
}

/// The messages a verb (`archive`, `mark-read`, …) is done to.
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
    /// Write one attachment's bytes to stdout, for a pipe (`| pdftotext - -`).
    Cat {
        /// The message id.
        id: String,
        /// The attachment id (see `attachment list`; not needed when there is one).
        attachment: Option<String>,
        /// Whose inbox.
        #[arg(long, value_name = "ID")]
        reportee: Option<String>,
        /// Write to a terminal too.
        #[arg(long)]
        force: bool,
    },
}

/// How `export` lays the dialogs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    /// A folder per dialog with message.md, message.json and the attachments.
    Tree,
    /// One e-mail message per dialog in a Maildir, for neomutt, notmuch and mu.
    Maildir,
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
    /// Forms started and not sent (Altinn 3).
    Drafts,
    /// What you have sent something in (Altinn 3).
    Sent,
    /// Every folder.
    All,
}

impl FolderArg {
    /// The folder it names; `None` for every folder.
    pub fn folder(self) -> Option<crate::domain::Folder> {
        use crate::domain::Folder;
        match self {
            FolderArg::Inbox => Some(Folder::Inbox),
            FolderArg::Archive => Some(Folder::Archive),
            FolderArg::Trash => Some(Folder::Trash),
            FolderArg::Drafts => Some(Folder::Drafts),
            FolderArg::Sent => Some(Folder::Sent),
            FolderArg::All => None,
        }
    }
}
