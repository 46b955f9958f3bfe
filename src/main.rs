//! The `innboks` binary: parses the command line, sets up error reports and logging (to a
//! file, never the screen), and runs the inbox, the demo or the simulator.

use std::process::ExitCode;
use std::sync::Mutex;

use color_eyre::eyre::{Result, WrapErr};
use innboks::app::{App, Keymap};
use innboks::auth::browser;
use innboks::auth::oidc::DEFAULT_ACR;
use innboks::auth::store::SessionStore;
use innboks::auth::SessionHandle;
use innboks::cli::{AttachmentAction, CacheAction, Cli, Command, ConfigAction};
use innboks::config::{self, Environment, Overrides};
use innboks::exit::Expected;
use innboks::i18n::Lang;
use innboks::runtime::{AuthSettings, Runtime};
use innboks::sim::{self, Simulator};
use innboks::startup::StartupTimes;

use innboks::{commands, paths, tr, tui};

/// The demo simulator's port: fixed, so the issuer (and a saved session) survive a relaunch.
const DEMO_PORT: u16 = 48_749;

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

async fn run(cli: Cli, mut times: StartupTimes, early: EarlyConfig) -> Result<ExitCode> {
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
    let keymap =
        Keymap::with_overrides(&file.keys).map_err(|message| config::ConfigError::Parse {
            path: config_path.clone(),
            message: format!("[keys]: {message}"),
        })?;
    let loopback_port = file.loopback_port.unwrap_or(browser::DEFAULT_PORT);
    let download_dir = file.download_dir.clone().or_else(paths::download_dir);
    let theme = innboks::ui::Theme::named(file.theme.as_deref()).map_err(|message| {
        config::ConfigError::Parse {
            path: config_path.clone(),
            message,
        }
    })?;
    times.mark(innboks::startup::phase::CONFIG);
    // What the inbox takes from the config file and the command line (used by the TUI only).
    let mut tui = TuiSettings {
        keymap,
        hint: None,
        loopback_port,
        download_dir,
        theme,
        mouse: file.mouse,
        cache: file.cache.unwrap_or(true),
        concurrency: file
            .concurrency
            .unwrap_or(innboks::domain::DEFAULT_CONCURRENCY)
            .clamp(1, 16),
        offline: cli.offline,
        times,
        demo: false,
    };
    // How the scriptable commands use the cache.
    let usage = commands::CacheUse {
        offline: cli.offline,
        enabled: file.cache.unwrap_or(true),
    };
    match &cli.command {
        Some(Command::Sim { port, sim }) => {
            let simulator = Simulator::start(sim.to_config(*port, None))
                .await
                .wrap_err("starting the simulator")?;
            println!("{}", simulator.base_url());
            println!("ApiKey: {}", simulator.api_key());
            println!(
                "{}",
                tr!("Brukere: demo/demo (Kari Nordmann), ola/ola (Ola Nordmann)")
            );
            println!("ID-porten (issuer): {}", simulator.issuer());
            println!(
                "{}",
                tr!("Statistikk: {url}/__sim/stats", url = simulator.base_url())
            );
            println!("{}", tr!("Ctrl-C stopper simulatoren."));
            tokio::signal::ctrl_c()
                .await
                .wrap_err("waiting for Ctrl-C")?;
            simulator.stop().await;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Demo(sim)) => {
            let mut config = sim.to_config(DEMO_PORT, Some(3));
            // The demo keeps its provider's key and grants, so a relaunch on the same port
            // resumes the ID-porten session like a real one would.
            config.state_file = paths::data_dir().map(|d| d.join("demo-simulator.json"));
            let simulator = match Simulator::start(config.clone()).await {
                Ok(simulator) => simulator,
                Err(error) => {
                    tracing::info!(%error, "demo port busy, using another");
                    Simulator::start(sim::SimConfig { port: 0, ..config })
                        .await
                        .wrap_err("starting the simulator")?
                }
            };
            let environment = Environment {
                name: "demo".into(),
                altinn_url: url::Url::parse(&simulator.base_url())?,
                issuer: Some(simulator.issuer()),
                api_key: innboks::secret::Secret::new(simulator.api_key()),
                client_id: Some("innboks-demo".into()),
                api: cli.api.unwrap_or(config::Api::Altinn3),
                scopes: cli
                    .api
                    .unwrap_or(config::Api::Altinn3)
                    .default_scopes()
                    .to_owned(),
                key: match cli.api {
                    Some(config::Api::Altinn2) => "demo+altinn2".into(),
                    _ => "demo".into(),
                },
            };
            tui.times.mark(innboks::startup::phase::SIMULATOR);
            let hint = tr!(
                "{how} · simulator på {url}",
                how = if environment.api == config::Api::Altinn3 {
                    tr!("Demo: ID-porten (Altinn 3) godkjennes av seg selv; eller brukernavn demo, passord demo (Altinn 2)")
                } else {
                    tr!("Demo: brukernavn demo, passord demo")
                },
                url = simulator.base_url()
            );
            let result = run_tui(
                environment,
                TuiSettings {
                    hint: Some(hint),
                    demo: true,
                    ..tui
                },
            )
            .await;
            simulator.stop().await;
            result.map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Login {
            method,
            no_browser,
            username,
            level,
        }) => {
            let environment = environment(&cli, &file, &config_path)?;
            Ok(commands::login(
                &environment,
                *method,
                *no_browser,
                username.clone(),
                loopback_port,
                level.acr(),
            )
            .await)
        }
        Some(Command::List {
            json,
            unread,
            reportee,
            limit,
            filter,
            search,
            folder,
        }) => {
            let environment = environment(&cli, &file, &config_path)?;
            let options = commands::ListOptions {
                unread: *unread,
                reportee: reportee.clone(),
                limit: *limit,
                filter: filter.clone(),
                search: search.clone(),
                folder: folder.folder(),
                concurrency: file
                    .concurrency
                    .unwrap_or(innboks::domain::DEFAULT_CONCURRENCY)
                    .clamp(1, 16),
                cache: usage,
            };
            Ok(commands::list(&environment, *json, options).await)
        }
        Some(Command::Show {
            id,
            reportee,
            json,
            mark_read,
            ..
        }) => {
            let environment = environment(&cli, &file, &config_path)?;
            Ok(commands::show(&environment, id, reportee.clone(), *json, *mark_read, usage).await)
        }
        Some(Command::Verb(verb)) => {
            let asks = verb.action.verb().asks == innboks::domain::Asks::Always;
            if asks && !verb.yes && !commands::ask_to_purge(verb.targets.ids.len()) {
                return Ok(ExitCode::from(2));
            }
            let environment = environment(&cli, &file, &config_path)?;
            Ok(commands::act_on(&environment, &verb.targets, verb.action, usage).await)
        }
        Some(Command::Reportees { json }) => {
            let environment = environment(&cli, &file, &config_path)?;
            Ok(commands::reportees(&environment, *json, usage).await)
        }
        Some(Command::Cache { action }) => {
            let Some(path) = innboks::cache::Cache::default_path() else {
                return Err(Expected::local(
                    tr!("fant ingen hjemmekatalog for hurtigbufferen").into(),
                )
                .into());
            };
            match action {
                CacheAction::Path => println!("{}", path.display()),
                CacheAction::Clear => match innboks::cache::Cache::clear(&path) {
                    Ok(true) => println!("{}", tr!("Slettet {path}.", path = path.display())),
                    Ok(false) => println!(
                        "{}",
                        tr!(
                            "Ingen hurtigbuffer å slette ({path}).",
                            path = path.display()
                        )
                    ),
                    Err(error) => {
                        return Err(Expected::local(tr!(
                            "kunne ikke slette {path}: {error}",
                            path = path.display(),
                            error
                        ))
                        .into())
                    }
                },
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Config {
            action: ConfigAction::Path,
        }) => {
            println!("{}", config_path.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Attachment { action }) => {
            let environment = environment(&cli, &file, &config_path)?;
            Ok(match action {
                AttachmentAction::List { id, reportee, json } => {
                    commands::attachment_list(&environment, id, reportee.clone(), *json, usage)
                        .await
                }
                AttachmentAction::Save {
                    id,
                    attachment,
                    all,
                    out,
                    reportee,
                    json,
                } => {
                    let which = commands::Which {
                        attachment: attachment.clone(),
                        all: *all,
                        out: out.clone(),
                    };
                    commands::attachment_save(
                        &environment,
                        id,
                        which,
                        reportee.clone(),
                        *json,
                        usage,
                    )
                    .await
                }
            })
        }
        Some(Command::Completions { shell }) => {
            let mut command = innboks::cli::command();
            clap_complete::generate(*shell, &mut command, "innboks", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            let command = innboks::cli::command();
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .wrap_err("rendering the manual page")?;
            // A closed pipe (`innboks man | head`) is not an error.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), &page);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Logout) => {
            let environment = environment(&cli, &file, &config_path)?;
            Ok(commands::logout(&environment).await)
        }
        Some(Command::Status { json }) => {
            let environment = environment(&cli, &file, &config_path)?;
            Ok(commands::status(&environment, *json))
        }
        None => {
            let environment = environment(&cli, &file, &config_path)?;
            run_tui(environment, tui).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The environment from the config file and the command line.
fn environment(
    cli: &Cli,
    file: &config::ConfigFile,
    config_path: &std::path::Path,
) -> Result<Environment> {
    let overrides = Overrides {
        env: cli.env.clone(),
        altinn_url: cli.altinn_url.clone(),
        issuer: cli.issuer.clone(),
        client_id: cli.client_id.clone(),
        api_key: cli.api_key.clone(),
        api: cli.api,
    };
    Ok(config::resolve(file, &overrides, config_path)?)
}

/// What the inbox takes from the config file and the command.
struct TuiSettings {
    keymap: Keymap,
    /// A line for the login screen (the demo's credentials).
    hint: Option<String>,
    loopback_port: u16,
    download_dir: Option<std::path::PathBuf>,
    theme: innboks::ui::Theme,
    mouse: bool,
    /// Use the local cache.
    cache: bool,
    /// Pages fetched at once.
    concurrency: usize,
    /// `--offline`: only the cache.
    offline: bool,
    /// `--startuptime`.
    times: StartupTimes,
    /// The demo: Altinn 3 for ID-porten logins, the simulator's Altinn 2 face for the
    /// password login.
    demo: bool,
}

async fn run_tui(environment: Environment, settings: TuiSettings) -> Result<()> {
    let TuiSettings {
        keymap,
        hint,
        loopback_port,
        download_dir,
        theme,
        mouse,
        cache,
        concurrency,
        offline,
        mut times,
        demo,
    } = settings;
    tracing::info!(env = %environment.name, url = %environment.altinn_url, "starting the inbox");
    let backend = if demo && environment.api == config::Api::Altinn3 {
        innboks::backend::Backend::demo(
            innboks::backend::altinn3::Client::new(
                environment.altinn_url.clone(),
                innboks::i18n::current().code(),
            )?,
            innboks::backend::altinn2::Client::new(
                environment.altinn_url.clone(),
                environment.api_key.clone(),
            )?,
            SessionHandle::default(),
        )
    } else {
        commands::backend_for(&environment, SessionHandle::default())?
    };
    let label = if environment.name == "demo" && environment.api == config::Api::Altinn3 {
        tr!("demo · simulert Altinn 3").to_owned()
    } else if environment.name == "demo" {
        tr!("demo · simulert Altinn").to_owned()
    } else {
        environment.label()
    };
    let mut app = App::new(label, keymap);
    app.demo = environment.name == "demo" && environment.api == config::Api::Altinn3;
    app.login_hint = hint;
    app.idporten_configured = environment.issuer.is_some() && environment.client_id.is_some();
    let var = |name: &str| std::env::var(name).ok();
    app.can_open_browser = browser::local_browser_available(var);
    app.over_ssh = browser::over_ssh(var);
    app.download_dir = download_dir;
    app.mouse = mouse;
    app.concurrency = concurrency;
    app.env = environment.key.clone();
    let cache = if cache || offline { open_cache() } else { None };
    app.cache_enabled = cache.is_some();
    // A stored ID-porten session names its cache, so the inbox can be drawn before the
    // session is resumed.
    app.user_key = SessionStore::for_env(&environment.key)
        // (What the file says: the token, perhaps in a keyring, is not needed for this.)
        .and_then(|store| store.describe())
        .filter(|stored| {
            Some(&stored.issuer) == environment.issuer.as_ref()
                && Some(&stored.client_id) == environment.client_id.as_ref()
                && stored.scopes == environment.scopes
        })
        .and_then(|stored| stored.user_key);
    if offline {
        let last = cache
            .as_ref()
            .and_then(|(c, _)| c.last_user(&environment.key).ok().flatten());
        let Some(user) = last else {
            return Err(Expected::offline(tr!(
                "--offline: ingen hurtigbuffer for «{env}» ennå. Start innboks uten --offline og logg inn først.",
                env = environment.name
            ))
            .into());
        };
        app.user_key = Some(user);
        app.offline = true;
    }
    let cache = cache.map(|(cache, _)| innboks::cache::CacheHandle::start(cache));
    times.mark(innboks::startup::phase::CACHE);
    let auth = AuthSettings {
        env: environment.key.clone(),
        issuer: environment.issuer.clone(),
        client_id: environment.client_id.clone(),
        loopback_port,
        store: SessionStore::for_env(&environment.key),
        scopes: environment.scopes.clone(),
        acr: DEFAULT_ACR.to_owned(),
    };
    app.capabilities = backend.capabilities();
    app.demo_apis = matches!(backend, innboks::backend::Backend::Demo { .. });
    if !app.capabilities.password_login || app.demo_apis {
        // Altinn 3 has no password login, and the demo shows Altinn 3 first: the first
        // ID-porten method is chosen (the demo's password login is two steps down).
        app.login.method = 0;
    }
    {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
            return Err(Expected::no_terminal().into());
        }
    }
    tui::run(app, theme, times, move |tx| {
        Runtime::new(backend, auth, tx).with_cache(cache, offline)
    })
    .await
}

/// Opens the local cache, or says why not in the log and goes on without it.
fn open_cache() -> Option<(innboks::cache::Cache, std::path::PathBuf)> {
    let path = innboks::cache::Cache::default_path()?;
    match innboks::cache::Cache::open(&path) {
        Ok(cache) => Some((cache, path)),
        Err(error) => {
            tracing::warn!(%error, "no cache this time");
            None
        }
    }
}
