//! The `innboks` binary: parses the command line, sets up error reports and logging (to a
//! file, never the screen), and runs the inbox, the demo or the simulator.

use std::process::ExitCode;
use std::sync::Mutex;

use color_eyre::eyre::{Result, WrapErr};
use innboks::cli::{Cli, Command};
use innboks::config::{self, Overrides};
use innboks::exit::Expected;
use innboks::i18n::Lang;
use innboks::startup::StartupTimes;

use innboks::{commands, launch, paths, tr};

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    // (Whether errors go out as JSON: the flag is the command's, so it is looked for here.)
    let json = std::env::args().any(|a| a == "--json");
    match start(started) {
        Ok(code) => code,
        Err(error) => {
            // Conditions the user can fix are one line and a documented exit code; a report
            // with a backtrace is for bugs.
            let expected = match error.downcast_ref::<config::ConfigError>() {
                Some(config) => Some(Expected {
                    message: config.to_string(),
                    code: "config",
                    exit: innboks::exit::EXIT_USAGE,
                }),
                None => error.downcast_ref::<Expected>().cloned(),
            };
            match expected {
                Some(expected) => {
                    eprintln!("{}", expected.line(json));
                    ExitCode::from(expected.exit)
                }
                None => {
                    eprintln!("Error: {error:?}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn start(started: std::time::Instant) -> Result<ExitCode> {
    color_eyre::install()?;
    innboks::text::quiet_converter_panics();
    // (Before parsing: `--help` and clap's errors are in the language too.)
    let early = EarlyConfig::read();
    innboks::i18n::set(early.language());
    let cli = innboks::cli::parse();
    init_logging();
    let times = StartupTimes::new(started, cli.startuptime.as_deref())
        .wrap_err("opening the --startuptime file")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .wrap_err("starting the async runtime")?;
    runtime.block_on(run(cli, times, early))
}

/// The config file and `--lang` as far as they can be known before the command line is
/// parsed (read from the arguments as they are): the language `--help` is in. The file is
/// read once; [`run`] takes it when clap finds the same path, and reports its errors.
struct EarlyConfig {
    /// `--lang`'s value.
    lang: Option<String>,
    /// `--config`'s path, else the default one; with what reading it gave.
    file: Option<(
        std::path::PathBuf,
        Result<config::ConfigFile, config::ConfigError>,
    )>,
}

impl EarlyConfig {
    fn read() -> Self {
        let args: Vec<String> = std::env::args().collect();
        let value_of = |flag: &str| {
            let prefix = format!("{flag}=");
            args.iter().enumerate().find_map(|(i, arg)| {
                if arg == flag {
                    args.get(i + 1).cloned()
                } else {
                    arg.strip_prefix(&prefix).map(str::to_owned)
                }
            })
        };
        let path = value_of("--config")
            .map(std::path::PathBuf::from)
            .or_else(paths::config_file);
        Self {
            lang: value_of("--lang"),
            file: path.map(|path| {
                let file = config::load(&path);
                (path, file)
            }),
        }
    }

    /// `--lang`, the config's `language`, the locale; a wrong value is said by [`run`].
    fn language(&self) -> Lang {
        let configured = match &self.file {
            Some((_, Ok(file))) => file.language.as_deref(),
            _ => None,
        };
        let var = |name: &str| std::env::var(name).ok();
        innboks::i18n::choose(self.lang.as_deref(), configured, var).unwrap_or_default()
    }

    /// The config file at `path`: the one read already, or read now.
    fn load(self, path: &std::path::Path) -> Result<config::ConfigFile, config::ConfigError> {
        match self.file {
            Some((read, file)) if read == path => file,
            _ => config::load(path),
        }
    }
}

/// Logs to `innboks.log` in the XDG state dir (0600), level from `RUST_LOG` (default info).
/// Logging is best effort: without a writable state dir there is no log, and no failure.
fn init_logging() {
    let Some(path) = paths::log_file() else {
        return;
    };
    let Some(dir) = path.parent() else { return };
    if paths::create_private_dir(dir).is_err() {
        return;
    }
    let Ok(file) = paths::open_private_append(&path) else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("innboks=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}

/// Reads the config and the language, then hands over: a scriptable command to
/// [`commands::dispatch`], the inbox, the demo or the simulator to [`launch`].
async fn run(cli: Cli, times: StartupTimes, early: EarlyConfig) -> Result<ExitCode> {
    let config_path = match &cli.config {
        Some(path) => path.clone(),
        None => paths::config_file().ok_or_else(|| {
            Expected::local(
                tr!("fant ingen hjemmekatalog: oppgi konfigurasjonsfilen med --config").into(),
            )
        })?,
    };
    let file = early.load(&config_path)?;
    let var = |name: &str| std::env::var(name).ok();
    let lang = innboks::i18n::choose(cli.lang.as_deref(), file.language.as_deref(), var)
        .map_err(Expected::usage)?;
    innboks::i18n::set(lang);
    let context = commands::Context {
        usage: commands::CacheUse {
            offline: cli.offline,
            enabled: file.cache.unwrap_or(true),
        },
        file,
        config_path,
        overrides: Overrides {
            env: cli.env.clone(),
            altinn_url: cli.altinn_url.clone(),
            issuer: cli.issuer.clone(),
            client_id: cli.client_id.clone(),
            api_key: cli.api_key.clone(),
            api: cli.api,
        },
    };
    // (The keys and the theme are read for every command: a mistake in them is said
    // whatever is run.)
    let start = launch::Start::read(&context, cli.offline, times)?;
    match cli.command {
        Some(Command::Script(script)) => commands::dispatch(script, &context).await,
        Some(Command::Sim { port, sim }) => launch::simulator(port, &sim).await,
        Some(Command::Demo(sim)) => launch::demo(&sim, cli.api, start).await,
        None => {
            launch::inbox(context.environment()?, start).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
