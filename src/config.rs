//! Configuration: a TOML file at the XDG config path, environment presets (`prod`, `tt02`)
//! plus custom ones, and command-line overrides.

use crate::i18n::tr;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

use crate::secret::Secret;

mod searches;

pub use searches::{save_search, saved_searches, with_search};

/// Which Altinn an environment speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    /// Altinn 2 REST (`/api/my/messages`; switched off by Altinn on 19 June 2026).
    Altinn2,
    /// Altinn 3: Dialogporten and Correspondence.
    Altinn3,
}

impl Api {
    /// Its name in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Api::Altinn2 => "altinn2",
            Api::Altinn3 => "altinn3",
        }
    }

    /// The ID-porten scopes asked for by default.
    pub fn default_scopes(self) -> &'static str {
        match self {
            Api::Altinn2 => "openid altinn:enduser",
            Api::Altinn3 => "openid digdir:dialogporten",
        }
    }
}

/// The config file as written by the user.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The environment used when `--env` is not given (default `prod`).
    pub env: Option<String>,
    /// Settings per environment; `prod` and `tt02` have built-in defaults.
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentFile>,
    /// Key binding overrides: action name → keys (`move_down = ["j", "down"]`).
    #[serde(default)]
    pub keys: BTreeMap<String, Vec<String>>,
    /// The fixed loopback port for the ID-porten browser login (forward it with `ssh -L`).
    pub loopback_port: Option<u16>,
    /// Where attachments are saved (default: the XDG download dir).
    pub download_dir: Option<std::path::PathBuf>,
    /// Where `:export` writes (default: `Altinn` in the XDG documents dir, else `~/Altinn`).
    pub export_dir: Option<std::path::PathBuf>,
    /// The language on screen and asked of the servers: `nb` (default), `nn` or `en`;
    /// without it, the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`) decides.
    pub language: Option<String>,
    /// Colours: `ansi` (default, follows your terminal's palette), `light`, or `none`.
    /// `NO_COLOR` always means none.
    pub theme: Option<String>,
    /// Take mouse clicks and the wheel (off by default: the terminal's own selection and
    /// copy then keep working).
    #[serde(default)]
    pub mouse: bool,
    /// Keep message headers and bodies in the local cache (default true).
    pub cache: Option<bool>,
    /// Pages fetched at once when a whole list is read (default 4, at most 16).
    pub concurrency: Option<usize>,
    /// Saved searches: name → filters, search text, parties, folder (read by
    /// [`saved_searches`], which names a wrong one).
    #[serde(default)]
    pub searches: BTreeMap<String, toml::Value>,
}

/// One environment's settings in the config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentFile {
    /// Altinn base URL, e.g. `https://www.altinn.no`.
    pub altinn_url: Option<String>,
    /// ID-porten issuer, e.g. `https://idporten.no`.
    pub issuer: Option<String>,
    /// The Altinn API key for this environment.
    pub api_key: Option<String>,
    /// The ID-porten client id.
    pub client_id: Option<String>,
    /// `altinn3` (Dialogporten; the default for `prod` and `tt02`) or `altinn2`. A custom
    /// environment without it is Altinn 2 when it has an `api_key`, else Altinn 3.
    pub api: Option<Api>,
    /// ID-porten scopes, space-separated (default: the API's).
    pub scopes: Option<String>,
}

/// A resolved environment, ready to use.
#[derive(Debug, Clone)]
pub struct Environment {
    /// Its name (`prod`, `tt02`, `demo`, or a custom one).
    pub name: String,
    /// Altinn base URL.
    pub altinn_url: Url,
    /// ID-porten issuer, when configured: the exact string, without a trailing slash.
    pub issuer: Option<String>,
    /// The API key.
    pub api_key: Secret,
    /// The ID-porten client id, when configured.
    pub client_id: Option<String>,
    /// Which Altinn.
    pub api: Api,
    /// The ID-porten scopes to ask for.
    pub scopes: String,
    /// What the session store and the cache are kept under: the name, with the API added
    /// when `--api` chose another than the environment's own (so the two never mix).
    pub key: String,
}

/// Settings from the command line that win over the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--env`.
    pub env: Option<String>,
    /// `--altinn-url`.
    pub altinn_url: Option<String>,
    /// `--issuer`.
    pub issuer: Option<String>,
    /// `--client-id`.
    pub client_id: Option<String>,
    /// `--api-key` or `INNBOKS_API_KEY`.
    pub api_key: Option<String>,
    /// `--api`.
    pub api: Option<Api>,
}

/// What can be wrong with the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("{}", tr!("kan ikke lese {path}: {source}", path = .path.display(), source = .source))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys.
    #[error("{}", tr!("{path} er ikke gyldig: {message}", path = .path.display(), message = .message))]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// No such environment.
    #[error("{}", tr!("ukjent miljø «{name}»: bruk prod, tt02, eller legg til [environments.{name}] i {path}", name = .name, path = .path))]
    UnknownEnvironment {
        /// The name asked for.
        name: String,
        /// The config file.
        path: String,
    },
    /// A URL that does not parse.
    #[error("{}", tr!("ugyldig {what} «{value}»: {message}", what = .what, value = .value, message = .message))]
    BadUrl {
        /// Which setting.
        what: &'static str,
        /// The value.
        value: String,
        /// Why.
        message: String,
    },
    /// A saved search in `[searches]` that cannot be read.
    #[error("{}", tr!("{path}: det lagrede søket «{name}» er ikke gyldig: {message}", path = .path.display(), name = .name, message = .message))]
    Search {
        /// The file.
        path: PathBuf,
        /// The search's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A search is saved under a name already taken.
    #[error("{}", tr!("Det finnes alt et lagret søk som heter «{name}»: :save! {name} skriver over det.", name = .name))]
    SearchTaken {
        /// The name.
        name: String,
    },
    /// A view the config cannot hold as a saved search.
    #[error("{}", tr!("Kan ikke lagre søket «{name}»: {message}", name = .name, message = .message))]
    Unsaveable {
        /// The name.
        name: String,
        /// Why.
        message: String,
    },
    /// The file cannot be written.
    #[error("{}", tr!("kan ikke skrive {path}: {source}", path = .path.display(), source = .source))]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No API key for this environment.
    #[error("{}", tr!("API-nøkkel mangler for miljøet «{env}»: sett api_key under [environments.{env}] i {path}, eller sett INNBOKS_API_KEY, eller bruk --api-key", env = .env, path = .path))]
    MissingApiKey {
        /// The environment.
        env: String,
        /// The config file.
        path: String,
    },
}

/// The built-in presets: `prod` and `tt02` are Altinn 3 (the platform, where Dialogporten
/// and Correspondence live); `altinn2-prod` and `altinn2-tt02` the Altinn 2 they replaced.
fn preset(name: &str) -> Option<EnvironmentFile> {
    let (altinn, issuer, api) = match name {
        "prod" => (
            "https://platform.altinn.no",
            "https://idporten.no",
            Api::Altinn3,
        ),
        "tt02" => (
            "https://platform.tt02.altinn.no",
            "https://test.idporten.no",
            Api::Altinn3,
        ),
        "altinn2-prod" => ("https://www.altinn.no", "https://idporten.no", Api::Altinn2),
        "altinn2-tt02" => (
            "https://tt02.altinn.no",
            "https://test.idporten.no",
            Api::Altinn2,
        ),
        _ => return None,
    };
    Some(EnvironmentFile {
        altinn_url: Some(altinn.into()),
        issuer: Some(issuer.into()),
        api_key: None,
        client_id: None,
        api: Some(api),
        scopes: None,
    })
}

impl Environment {
    /// What the header calls it: the name, and the host when the URL is not the one a
    /// preset of that name has (`prod · 127.0.0.1:8080`), so an overridden `prod` never
    /// passes for the real one.
    pub fn label(&self) -> String {
        let preset = preset(&self.name)
            .and_then(|p| p.altinn_url)
            .and_then(|u| Url::parse(&u).ok());
        if preset
            .as_ref()
            .is_none_or(|p| p.host_str() == self.altinn_url.host_str())
        {
            return self.name.clone();
        }
        let host = self.altinn_url.host_str().unwrap_or("?");
        match self.altinn_url.port() {
            Some(port) => format!("{} · {host}:{port}", self.name),
            None => format!("{} · {host}", self.name),
        }
    }
}

/// Reads the config file; a missing file is an empty config.
pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.message().to_owned(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(source) => Err(ConfigError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

fn parse_url(what: &'static str, value: &str) -> Result<Url, ConfigError> {
    Url::parse(value).map_err(|e| ConfigError::BadUrl {
        what,
        value: value.to_owned(),
        message: e.to_string(),
    })
}

/// Resolves the environment to use: preset, then file, then overrides.
pub fn resolve(
    file: &ConfigFile,
    overrides: &Overrides,
    config_path: &Path,
) -> Result<Environment, ConfigError> {
    let name = overrides
        .env
        .clone()
        .or_else(|| file.env.clone())
        .unwrap_or_else(|| "prod".to_owned());
    let from_file = file.environments.get(&name);
    let base = preset(&name);
    let has_override_url = overrides.altinn_url.is_some();
    if base.is_none() && from_file.is_none() && !has_override_url {
        return Err(ConfigError::UnknownEnvironment {
            name,
            path: config_path.display().to_string(),
        });
    }
    let pick = |f: fn(&EnvironmentFile) -> Option<String>| {
        from_file.and_then(f).or_else(|| base.as_ref().and_then(f))
    };
    let altinn = overrides
        .altinn_url
        .clone()
        .or_else(|| pick(|e| e.altinn_url.clone()))
        .ok_or_else(|| ConfigError::UnknownEnvironment {
            name: name.clone(),
            path: config_path.display().to_string(),
        })?;
    let issuer = overrides
        .issuer
        .clone()
        .or_else(|| pick(|e| e.issuer.clone()));
    let api_key = overrides
        .api_key
        .clone()
        .filter(|k| !k.is_empty())
        .or_else(|| pick(|e| e.api_key.clone()))
        .filter(|k| !k.is_empty());
    let api = overrides
        .api
        .or_else(|| from_file.and_then(|e| e.api))
        .or_else(|| base.as_ref().and_then(|e| e.api))
        .unwrap_or(if api_key.is_some() {
            Api::Altinn2
        } else {
            Api::Altinn3
        });
    let own_api = from_file
        .and_then(|e| e.api)
        .or_else(|| base.as_ref().and_then(|e| e.api));
    let key = match (overrides.api, own_api) {
        (Some(chosen), Some(own)) if chosen != own => format!("{name}+{}", chosen.name()),
        (Some(chosen), None) if chosen == Api::Altinn3 && api_key.is_some() => {
            format!("{name}+{}", chosen.name())
        }
        _ => name.clone(),
    };
    // Altinn 2 needs an API key; Altinn 3 does not.
    let api_key = match (api, api_key) {
        (_, Some(key)) => key,
        (Api::Altinn3, None) => String::new(),
        (Api::Altinn2, None) => {
            return Err(ConfigError::MissingApiKey {
                env: name.clone(),
                path: config_path.display().to_string(),
            })
        }
    };
    let scopes = pick(|e| e.scopes.clone()).unwrap_or_else(|| api.default_scopes().to_owned());
    Ok(Environment {
        altinn_url: parse_url("altinn_url", &altinn)?,
        issuer: issuer
            .as_deref()
            .map(|i| parse_url("issuer", i).map(|_| i.trim_end_matches('/').to_owned()))
            .transpose()?,
        api_key: Secret::new(api_key),
        client_id: overrides
            .client_id
            .clone()
            .or_else(|| pick(|e| e.client_id.clone())),
        name,
        api,
        scopes,
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn altinn2_without_key_names_the_file_and_variable() {
        let overrides = Overrides {
            env: Some("altinn2-prod".into()),
            ..Overrides::default()
        };
        let error = resolve(
            &ConfigFile::default(),
            &overrides,
            Path::new("/x/config.toml"),
        )
        .expect_err("no key");
        let text = error.to_string();
        assert!(text.contains("/x/config.toml"));
        assert!(text.contains("INNBOKS_API_KEY"));
        assert!(text.contains("[environments.altinn2-prod]"));
    }

    #[test]
    fn the_label_names_the_host_when_a_presets_url_is_overridden() {
        let path = Path::new("c");
        let prod = resolve(&ConfigFile::default(), &Overrides::default(), path).expect("prod");
        assert_eq!(prod.label(), "prod");
        let elsewhere = Overrides {
            altinn_url: Some("http://127.0.0.1:8080".into()),
            ..Overrides::default()
        };
        let moved = resolve(&ConfigFile::default(), &elsewhere, path).expect("prod elsewhere");
        assert_eq!(moved.label(), "prod · 127.0.0.1:8080");
        let tt02 = Overrides {
            env: Some("tt02".into()),
            altinn_url: Some("https://altinn.example.no/".into()),
            ..Overrides::default()
        };
        let moved = resolve(&ConfigFile::default(), &tt02, path).expect("tt02 elsewhere");
        assert_eq!(moved.label(), "tt02 · altinn.example.no");
        let file: ConfigFile =
            toml::from_str("[environments.local]\naltinn_url = \"http://127.0.0.1:9\"\n")
                .expect("toml");
        let local = Overrides {
            env: Some("local".into()),
            ..Overrides::default()
        };
        let env = resolve(&file, &local, path).expect("local");
        assert_eq!(
            env.label(),
            "local",
            "an environment of its own is its name"
        );
    }

    #[test]
    fn prod_is_altinn3_on_the_platform_and_needs_no_key() {
        let env = resolve(
            &ConfigFile::default(),
            &Overrides::default(),
            Path::new("c"),
        )
        .expect("prod");
        assert_eq!(env.api, Api::Altinn3);
        assert_eq!(env.altinn_url.as_str(), "https://platform.altinn.no/");
        assert_eq!(env.scopes, "openid digdir:dialogporten");
        let file: ConfigFile = toml::from_str(
            "[environments.local]\naltinn_url = \"http://127.0.0.1:9\"\napi_key = \"k\"\n",
        )
        .expect("toml");
        let local = Overrides {
            env: Some("local".into()),
            ..Overrides::default()
        };
        let env = resolve(&file, &local, Path::new("c")).expect("local");
        assert_eq!(
            env.api,
            Api::Altinn2,
            "a key and no api: Altinn 2, as before"
        );
    }

    #[test]
    fn overrides_win() {
        let file: ConfigFile = toml::from_str(
            "env = \"tt02\"\n[environments.tt02]\napi_key = \"k\"\nclient_id = \"c\"\n",
        )
        .expect("toml");
        let env = resolve(&file, &Overrides::default(), Path::new("c.toml")).expect("env");
        assert_eq!(env.name, "tt02");
        assert_eq!(env.altinn_url.as_str(), "https://platform.tt02.altinn.no/");
        assert_eq!(env.issuer.as_deref(), Some("https://test.idporten.no"));
        let overrides = Overrides {
            altinn_url: Some("http://127.0.0.1:9".into()),
            api_key: Some("demo-api-key".into()),
            ..Overrides::default()
        };
        let env = resolve(&file, &overrides, Path::new("c.toml")).expect("env");
        assert_eq!(env.altinn_url.as_str(), "http://127.0.0.1:9/");
        assert_eq!(env.api_key.expose(), "demo-api-key");
    }

    #[test]
    fn unknown_environment() {
        let overrides = Overrides {
            env: Some("nope".into()),
            ..Overrides::default()
        };
        assert!(matches!(
            resolve(&ConfigFile::default(), &overrides, Path::new("c")),
            Err(ConfigError::UnknownEnvironment { .. })
        ));
    }
}
