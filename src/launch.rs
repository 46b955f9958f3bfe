//! What `main` starts besides the scriptable commands: the inbox on an environment, the
//! demo (the inbox on the embedded simulator), and the simulator alone. Each builds what
//! the TUI needs (backend, cache, the app's [`Settings`]) and hands over to [`tui::run`].

use std::path::PathBuf;
use std::process::ExitCode;

use color_eyre::eyre::{Result, WrapErr};

use crate::app::{App, Keymap, Settings};
use crate::auth::store::SessionStore;
use crate::auth::{browser, SessionHandle};
use crate::backend::Backend;
use crate::cache::{Cache, CacheHandle};
use crate::cli::SimArgs;
use crate::commands::Context;
use crate::config::{self, Api, Environment};
use crate::domain::DEFAULT_ACR;
use crate::exit::Expected;
use crate::i18n::tr;
use crate::runtime::{AuthSettings, Runtime};
use crate::sim::{SimConfig, Simulator};
use crate::startup::{phase, StartupTimes};
use crate::ui::Theme;
use crate::{paths, tui};

/// The demo simulator's port: fixed, so the issuer (and a saved session) survive a relaunch.
const DEMO_PORT: u16 = 48_749;

/// What the inbox takes from the config file and the command line.
pub struct Start {
    keymap: Keymap,
    theme: Theme,
    /// A line for the login screen (the demo's credentials).
    hint: Option<String>,
    loopback_port: u16,
    download_dir: Option<PathBuf>,
    /// Where `:export` writes.
    export_dir: Option<PathBuf>,
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
    /// The config file (`:save` writes there).
    config_path: PathBuf,
    /// Its saved searches.
    searches: Vec<crate::domain::SavedSearch>,
}

impl Start {
    /// Reads the keys and the theme (a mistake in either is the config's), and the rest.
    pub fn read(context: &Context, offline: bool, mut times: StartupTimes) -> Result<Self> {
        let file = &context.file;
        let wrong = |message: String| config::ConfigError::Parse {
            path: context.config_path.clone(),
            message,
        };
        let keymap = Keymap::with_overrides(&file.keys)
            .map_err(|message| wrong(format!("[keys]: {message}")))?;
        let theme = Theme::named(file.theme.as_deref()).map_err(wrong)?;
        let searches = config::saved_searches(file, &context.config_path)?;
        times.mark(phase::CONFIG);
        Ok(Self {
            keymap,
            theme,
            hint: None,
            loopback_port: context.loopback_port(),
            download_dir: file.download_dir.clone().or_else(paths::download_dir),
            export_dir: file.export_dir.clone().or_else(paths::export_dir),
            mouse: file.mouse,
            cache: file.cache.unwrap_or(true),
            concurrency: context.concurrency(),
            offline,
            times,
            demo: false,
            config_path: context.config_path.clone(),
            searches,
        })
    }
}

/// `innboks sim`: the simulator alone, until Ctrl-C.
pub async fn simulator(port: u16, sim: &SimArgs) -> Result<ExitCode> {
    let simulator = Simulator::start(sim.to_config(port, None))
        .await
        .wrap_err("starting the simulator")?;
    println!("{}", simulator.base_url());
    println!("ApiKey: {}", simulator.api_key());
    println!(
        "{}",
        tr!("Brukere: demo/demo (Kari Nordmann), ola/ola (Ola Nordmann)")
    );
    println!("ID-porten (issuer): {}", simulator.issuer());
    let url = simulator.base_url();
    println!("{}", tr!("Statistikk: {url}/__sim/stats", url));
    println!("{}", tr!("Ctrl-C stopper simulatoren."));
    tokio::signal::ctrl_c()
        .await
        .wrap_err("waiting for Ctrl-C")?;
    simulator.stop().await;
    Ok(ExitCode::SUCCESS)
}

/// `innboks demo`: the inbox on the embedded simulator, which is stopped afterwards.
pub async fn demo(sim: &SimArgs, api: Option<Api>, mut start: Start) -> Result<ExitCode> {
    let simulator = demo_simulator(sim).await?;
    let environment = demo_environment(&simulator, api)?;
    start.times.mark(phase::SIMULATOR);
    let how = if environment.api == Api::Altinn3 {
        tr!("Demo: ID-porten (Altinn 3) godkjennes av seg selv; eller brukernavn demo, passord demo (Altinn 2)")
    } else {
        tr!("Demo: brukernavn demo, passord demo")
    };
    let url = simulator.base_url();
    let hint = tr!("{how} · simulator på {url}", how, url);
    let start = Start {
        hint: Some(hint),
        demo: true,
        ..start
    };
    let result = inbox(environment, start).await;
    simulator.stop().await;
    result.map(|()| ExitCode::SUCCESS)
}

/// The demo's simulator, on its fixed port if it is free.
async fn demo_simulator(sim: &SimArgs) -> Result<Simulator> {
    let mut config = sim.to_config(DEMO_PORT, Some(3));
    // The demo keeps its provider's key and grants, so a relaunch on the same port
    // resumes the ID-porten session like a real one would.
    config.state_file = paths::data_dir().map(|d| d.join("demo-simulator.json"));
    match Simulator::start(config.clone()).await {
        Ok(simulator) => Ok(simulator),
        Err(error) => {
            tracing::info!(%error, "demo port busy, using another");
            Simulator::start(SimConfig { port: 0, ..config })
                .await
                .wrap_err("starting the simulator")
        }
    }
}

/// The environment of the demo's simulator (Altinn 3 unless `--api altinn2`).
fn demo_environment(simulator: &Simulator, api: Option<Api>) -> Result<Environment> {
    let chosen = api.unwrap_or(Api::Altinn3);
    Ok(Environment {
        name: "demo".into(),
        altinn_url: url::Url::parse(&simulator.base_url())?,
        issuer: Some(simulator.issuer()),
        api_key: crate::secret::Secret::new(simulator.api_key()),
        client_id: Some("innboks-demo".into()),
        api: chosen,
        scopes: chosen.default_scopes().to_owned(),
        key: match api {
            Some(Api::Altinn2) => "demo+altinn2".into(),
            _ => "demo".into(),
        },
    })
}

/// The inbox on `environment` until the user quits.
pub async fn inbox(environment: Environment, start: Start) -> Result<()> {
    tracing::info!(env = %environment.name, url = %environment.altinn_url, "starting the inbox");
    let backend = backend(&environment, start.demo)?;
    let cache = if start.cache || start.offline {
        open_cache()
    } else {
        None
    };
    let mut app = App::new(settings(&environment, &start, &backend, cache.is_some()));
    app.session.user_key = stored_user(&environment);
    if start.offline {
        app.session.user_key = Some(offline_user(&environment, cache.as_ref())?);
    }
    let cache = cache.map(CacheHandle::start);
    let mut times = start.times;
    times.mark(phase::CACHE);
    let auth = AuthSettings {
        env: environment.key.clone(),
        issuer: environment.issuer.clone(),
        client_id: environment.client_id.clone(),
        loopback_port: start.loopback_port,
        store: SessionStore::for_env(&environment.key),
        scopes: environment.scopes.clone(),
        acr: DEFAULT_ACR.to_owned(),
    };
    {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
            return Err(Expected::no_terminal().into());
        }
    }
    let offline = start.offline;
    tui::run(app, start.theme, times, move |tx| {
        Runtime::new(backend, auth, tx).with_cache(cache, offline)
    })
    .await
}

/// The backend for `environment`: the demo's two faces, or the environment's API.
fn backend(environment: &Environment, demo: bool) -> Result<Backend> {
    if !(demo && environment.api == Api::Altinn3) {
        return Ok(crate::commands::backend_for(
            environment,
            SessionHandle::default(),
        )?);
    }
    let url = environment.altinn_url.clone();
    Ok(Backend::demo(
        crate::backend::altinn3::Client::new(url.clone(), crate::i18n::current().code())?,
        crate::backend::altinn2::Client::new(url, environment.api_key.clone())?,
        SessionHandle::default(),
    ))
}

/// The app's settings from the environment, the start, the backend and the machine.
fn settings(environment: &Environment, start: &Start, backend: &Backend, cache: bool) -> Settings {
    let demo = environment.name == "demo";
    let env_label = match (demo, environment.api) {
        (true, Api::Altinn3) => tr!("demo · simulert Altinn 3").to_owned(),
        (true, Api::Altinn2) => tr!("demo · simulert Altinn").to_owned(),
        (false, _) => environment.label(),
    };
    let var = |name: &str| std::env::var(name).ok();
    Settings {
        env_label,
        env: environment.key.clone(),
        demo: demo && environment.api == Api::Altinn3,
        demo_apis: matches!(backend, Backend::Demo { .. }),
        login_hint: start.hint.clone(),
        keymap: start.keymap.clone(),
        idporten_configured: environment.issuer.is_some() && environment.client_id.is_some(),
        can_open_browser: browser::local_browser_available(var),
        over_ssh: browser::over_ssh(var),
        download_dir: start.download_dir.clone(),
        export_dir: start.export_dir.clone(),
        mouse: start.mouse,
        concurrency: start.concurrency,
        cache_enabled: cache,
        offline: start.offline,
        capabilities: backend.capabilities(),
        config_path: Some(start.config_path.clone()),
        searches: start.searches.clone(),
    }
}

/// The user a stored ID-porten session names, so the inbox can be drawn from the cache
/// before the session is resumed (what the file says: the token is not needed for this).
fn stored_user(environment: &Environment) -> Option<String> {
    SessionStore::for_env(&environment.key)
        .and_then(|store| store.describe())
        .filter(|stored| {
            Some(&stored.issuer) == environment.issuer.as_ref()
                && Some(&stored.client_id) == environment.client_id.as_ref()
                && stored.scopes == environment.scopes
        })
        .and_then(|stored| stored.user_key)
}

/// `--offline`: the last user the cache saw here, or why there is none.
fn offline_user(environment: &Environment, cache: Option<&Cache>) -> Result<String> {
    let last = cache.and_then(|c| c.last_user(&environment.key).ok().flatten());
    last.ok_or_else(|| {
        Expected::offline(tr!(
            "--offline: ingen hurtigbuffer for «{env}» ennå. Start innboks uten --offline og logg inn først.",
            env = environment.name
        ))
        .into()
    })
}

/// Opens the local cache, or says why not in the log and goes on without it.
fn open_cache() -> Option<Cache> {
    let path = Cache::default_path()?;
    match Cache::open(&path) {
        Ok(cache) => Some(cache),
        Err(error) => {
            tracing::warn!(%error, "no cache this time");
            None
        }
    }
}
