//! The persisted ID-porten session: its metadata in a 0600 file in the XDG data dir
//! (directory 0700), written atomically, under a file lock so two instances never refresh the
//! same token; the refresh token in the OS keyring when one answers ([`super::keyring`]),
//! else in that file. Never the password; the access token only when ID-porten gave no
//! refresh token, in the refresh token's place and for its own few minutes.

use crate::i18n::tr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::Secret;
use crate::domain::LoginMethod;
use crate::paths;

/// The file format version.
pub const VERSION: u32 = 1;

/// What is kept between runs.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredSession {
    /// Format version.
    pub version: u32,
    /// Environment name.
    pub env: String,
    /// Issuer.
    pub issuer: String,
    /// Client id.
    pub client_id: String,
    /// Granted scopes.
    pub scopes: String,
    /// How it was made (`browser` or `device` in the file).
    pub method: LoginMethod,
    /// The current (rotated) refresh token; when ID-porten gave none (`refresh` false), the
    /// access token, kept only for its own lifetime.
    pub refresh_token: Secret,
    /// When the kept token expires (the refresh token without use, or the access token),
    /// in seconds since the epoch, if known.
    pub refresh_expires_at: Option<u64>,
    /// ID-porten gave a refresh token: the session renews itself. Without one it lives as
    /// long as its access token.
    #[serde(default = "renews")]
    pub refresh: bool,
    /// The level of assurance of the login (`acr`: `idporten-loa-substantial` or
    /// `idporten-loa-high`), when ID-porten said.
    #[serde(default)]
    pub acr: Option<String>,
    /// When the login happened (seconds since the epoch).
    pub logged_in_at: u64,
    /// The national identity number, masked.
    pub pid_masked: Option<String>,
    /// A hash of issuer and subject that names the user's local cache (never the number).
    #[serde(default)]
    pub user_key: Option<String>,
    /// When this file was last written.
    pub saved_at: u64,
    /// Where the refresh token is: in this file, or in the OS keyring (then the file's
    /// `refresh_token` is empty).
    #[serde(default)]
    pub token_in: TokenPlace,
}

/// Where the refresh token is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenPlace {
    /// The session file (0600): no keyring answered.
    #[default]
    File,
    /// The OS keyring.
    Keyring,
}

impl TokenPlace {
    /// `"file"` or `"keyring"` (`status --json`'s `store`).
    pub fn name(self) -> &'static str {
        match self {
            TokenPlace::File => "file",
            TokenPlace::Keyring => "keyring",
        }
    }
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("env", &self.env)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("method", &self.method)
            .field("refresh_token", &self.refresh_token)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .field("refresh", &self.refresh)
            .finish()
    }
}

fn renews() -> bool {
    true
}

/// Seconds since the epoch.
pub fn epoch(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl StoredSession {
    /// True when the refresh token is known to have expired.
    pub fn expired(&self) -> bool {
        self.refresh_expires_at
            .is_some_and(|at| at <= epoch(SystemTime::now()))
    }
}

/// Where the session of one environment is kept.
#[derive(Debug, Clone)]
pub struct SessionStore {
    path: PathBuf,
    /// The refresh token may go to the OS keyring (the stores the program uses; tests'
    /// stores keep it in the file).
    keyring: bool,
}

/// Held while refreshing; the lock is released when it is dropped.
#[derive(Debug)]
pub struct StoreLock {
    /// The locked file; dropping it releases the lock.
    _file: fs::File,
}

impl SessionStore {
    /// The store for `env` under `dir`.
    pub fn new(dir: &Path, env: &str) -> Self {
        let safe: String = env
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Self {
            path: dir.join(format!("session-{safe}.json")),
            keyring: false,
        }
    }

    /// The store for `env` in the XDG data dir, if there is a home: the refresh token in the
    /// OS keyring when one answers (`INNBOKS_KEYRING=off` keeps it in the file).
    pub fn for_env(env: &str) -> Option<Self> {
        let keyring = std::env::var("INNBOKS_KEYRING").map_or(true, |v| v != "off");
        paths::data_dir().map(|dir| Self::new(&dir, env).with_keyring(keyring))
    }

    /// The same store, with the refresh token in the OS keyring when one answers (`on`).
    fn with_keyring(mut self, on: bool) -> Self {
        self.keyring = on;
        self
    }

    /// The refresh token goes to the OS keyring when one answers.
    pub fn uses_keyring(&self) -> bool {
        self.keyring
    }

    /// The keyring entry's account: the session file's path (one per home and environment).
    fn account(&self) -> String {
        self.path.display().to_string()
    }

    /// The session file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_path(&self) -> PathBuf {
        self.path.with_extension("lock")
    }

    /// Reads the stored session, its refresh token from wherever it is. A missing,
    /// unreadable or old-format file is no session, as is a token in a keyring that does not
    /// answer now.
    pub fn load(&self) -> Option<StoredSession> {
        let mut stored = self.describe()?;
        if stored.token_in == TokenPlace::Keyring {
            let Some(token) = super::keyring::fetch(&self.account()) else {
                tracing::warn!("the session's refresh token is in a keyring that did not answer");
                return None;
            };
            stored.refresh_token = token;
        }
        Some(stored)
    }

    /// The stored session as the file has it, without asking the keyring for the token (for
    /// `status`: who, where, until when).
    pub fn describe(&self) -> Option<StoredSession> {
        let text = fs::read_to_string(&self.path).ok()?;
        match serde_json::from_str::<StoredSession>(&text) {
            Ok(stored) if stored.version == VERSION => Some(stored),
            Ok(_) => None,
            Err(error) => {
                tracing::warn!(%error, path = %self.path.display(), "unreadable session file ignored");
                None
            }
        }
    }

    /// Writes the session atomically (temp file, fsync, rename), mode 0600 in a 0700 dir.
    pub fn save(&self, session: &StoredSession) -> std::io::Result<()> {
        let dir = self
            .path
            .parent()
            .ok_or_else(|| std::io::Error::other(tr!("øktfilen har ingen mappe")))?;
        paths::create_private_dir(dir)?;
        let tmp = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        let mut file = paths::create_private_truncate(&tmp)?;
        let mut stored = session.clone();
        stored.saved_at = epoch(SystemTime::now());
        // The token to the keyring when one takes it; else (no keyring, or it stopped
        // answering) to the file, so moving between the two never loses the session.
        stored.token_in =
            if self.keyring && super::keyring::store(&self.account(), &session.refresh_token) {
                stored.refresh_token = Secret::new(String::new());
                TokenPlace::Keyring
            } else {
                TokenPlace::File
            };
        let text = serde_json::to_vec_pretty(&stored).map_err(std::io::Error::other)?;
        file.write_all(&text)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &self.path)
    }

    /// Deletes the stored session (logout, or a dead grant), from the keyring too.
    pub fn delete(&self) -> std::io::Result<()> {
        if self.keyring
            && self
                .describe()
                .is_some_and(|s| s.token_in == TokenPlace::Keyring)
        {
            super::keyring::forget(&self.account());
        }
        match fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Takes the exclusive lock that guards refreshing (blocks until it is free).
    pub fn lock(&self) -> std::io::Result<StoreLock> {
        if let Some(dir) = self.path.parent() {
            paths::create_private_dir(dir)?;
        }
        let file = paths::open_private_append(&self.lock_path())?;
        file.lock()?;
        Ok(StoreLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StoredSession {
        StoredSession {
            version: VERSION,
            env: "demo".into(),
            issuer: "http://127.0.0.1:1/idporten".into(),
            client_id: "innboks".into(),
            scopes: "openid altinn:enduser".into(),
            method: LoginMethod::IdPortenBrowser,
            refresh_token: Secret::new("rt-secret-value"),
            refresh_expires_at: Some(epoch(SystemTime::now()) + 600),
            refresh: true,
            acr: None,
            logged_in_at: 1,
            pid_masked: Some("010170*****".into()),
            user_key: None,
            saved_at: 0,
            token_in: Default::default(),
        }
    }

    #[test]
    fn round_trip_private_and_redacted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SessionStore::new(&dir.path().join("innboks"), "demo");
        assert!(store.load().is_none());
        store.save(&sample()).expect("save");
        let loaded = store.load().expect("load");
        assert_eq!(loaded.refresh_token, sample().refresh_token);
        assert!(!format!("{loaded:?}").contains("rt-secret-value"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.path())
                .expect("meta")
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o600);
            let dir_mode = fs::metadata(dir.path().join("innboks"))
                .expect("meta")
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(dir_mode, 0o700);
        }
        let _lock = store.lock().expect("lock");
        store.delete().expect("delete");
        assert!(store.load().is_none());
    }

    #[test]
    fn corrupt_files_are_no_session() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SessionStore::new(dir.path(), "x/../y");
        assert!(store.path().starts_with(dir.path()));
        fs::write(store.path(), "{not json").expect("write");
        assert!(store.load().is_none());
    }
}
