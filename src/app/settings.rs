//! What the inbox starts with and keeps: the config file's and the command line's choices,
//! what the machine allows, and what the backend can do. Nothing here changes while it runs;
//! the rest of [`super::App`] is live state.

use std::path::PathBuf;

use super::Keymap;
use crate::domain::{Capabilities, SavedSearch};

/// The inbox's settings: [`super::App::new`] takes them whole.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Environment label in the title (`demo`, `prod`, `tt02`, …), before a login says more.
    pub env_label: String,
    /// Environment name (the cache is kept per environment).
    pub env: String,
    /// The embedded simulator's demo, whose label says which Altinn the session is on.
    pub demo: bool,
    /// The demo, where ID-porten logins reach Altinn 3 and the password login Altinn 2: the
    /// login screen says which method uses which.
    pub demo_apis: bool,
    /// A line shown on the login screen (e.g. demo credentials).
    pub login_hint: Option<String>,
    /// Key bindings.
    pub keymap: Keymap,
    /// ID-porten is configured (issuer and client id).
    pub idporten_configured: bool,
    /// A browser can be opened here (local display, not SSH).
    pub can_open_browser: bool,
    /// Running over SSH (show the `ssh -L` hint).
    pub over_ssh: bool,
    /// Where attachments are saved.
    pub download_dir: Option<PathBuf>,
    /// Where `:export` writes (config `export_dir`).
    pub export_dir: Option<PathBuf>,
    /// Mouse clicks and the wheel are taken (config `mouse = true`).
    pub mouse: bool,
    /// Pages of one inbox fetched at once when more than the next is wanted (config
    /// `concurrency`, default 4).
    pub concurrency: usize,
    /// The local cache is used (config `cache = true`, the default).
    pub cache_enabled: bool,
    /// Started with `--offline`: only the cache, nothing from the network.
    pub offline: bool,
    /// What the backend can do (what it cannot is greyed out and explained).
    pub capabilities: Capabilities,
    /// The config file, where `:save` writes a search (none: nowhere to write).
    pub config_path: Option<PathBuf>,
    /// The saved searches the config file had at the start.
    pub searches: Vec<SavedSearch>,
}

impl Settings {
    /// The defaults for environment `env_label`: Altinn 2's capabilities, default keys, no
    /// cache, no browser, no ID-porten.
    pub fn new(env_label: impl Into<String>) -> Self {
        let env_label = env_label.into();
        Self {
            env: env_label.clone(),
            env_label,
            demo: false,
            demo_apis: false,
            login_hint: None,
            keymap: Keymap::default(),
            idporten_configured: false,
            can_open_browser: false,
            over_ssh: false,
            download_dir: None,
            export_dir: None,
            mouse: false,
            concurrency: crate::domain::DEFAULT_CONCURRENCY,
            cache_enabled: false,
            offline: false,
            capabilities: Capabilities::default(),
            config_path: None,
            searches: Vec::new(),
        }
    }
}
