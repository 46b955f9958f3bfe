//! News about the session, in words the app can show.

use std::time::SystemTime;

use crate::i18n::tr;

/// The level of assurance asked of ID-porten unless the user asks for more.
pub const DEFAULT_ACR: &str = "idporten-loa-substantial";

/// The high level of assurance, which some letters need (Dialogporten answers `403`
/// "Altinn authentication level too low." below it).
pub const HIGH_ACR: &str = "idporten-loa-high";

/// The ways to log in, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum LoginMethod {
    /// ID-porten device authorization grant (the first on the screen).
    #[default]
    #[serde(rename = "device")]
    IdPortenDevice,
    /// ID-porten in a browser (authorization code + PKCE).
    #[serde(rename = "browser")]
    IdPortenBrowser,
    /// Altinn user name and password.
    #[serde(rename = "password")]
    Password,
}

impl LoginMethod {
    /// All methods, in screen order.
    pub const ALL: [LoginMethod; 3] = [
        LoginMethod::IdPortenDevice,
        LoginMethod::IdPortenBrowser,
        LoginMethod::Password,
    ];

    /// Its name in the session file, the log and `status` (`device`, `browser`, `password`).
    pub fn code(self) -> &'static str {
        match self {
            LoginMethod::IdPortenDevice => "device",
            LoginMethod::IdPortenBrowser => "browser",
            LoginMethod::Password => "password",
        }
    }

    /// The method `steps` places down the screen's list (up for a negative), at its ends
    /// staying there.
    pub fn moved(self, steps: isize) -> Self {
        let here = Self::ALL.iter().position(|m| *m == self).unwrap_or(0);
        let there = here.saturating_add_signed(steps).min(Self::ALL.len() - 1);
        Self::ALL[there]
    }

    /// The label on the login screen.
    pub fn label(self) -> &'static str {
        match self {
            LoginMethod::IdPortenDevice => tr!("ID-porten med engangskode"),
            LoginMethod::IdPortenBrowser => tr!("ID-porten i nettleseren"),
            LoginMethod::Password => tr!("Altinn-brukernavn og passord"),
        }
    }
}

impl std::fmt::Display for LoginMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// What the refresher reports to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshEvent {
    /// New tokens; the access token lives until this time.
    Refreshed {
        /// Expiry of the new access token.
        expires_at: SystemTime,
    },
    /// A refresh failed for a passing reason (network); it is retried.
    Retrying {
        /// What failed.
        error: String,
    },
    /// ID-porten gave no refresh token: the session ends with its access token, at this
    /// time, and the login comes back.
    WithoutRefresh {
        /// When the access token (and so the session) expires.
        expires_at: SystemTime,
    },
    /// No keyring answered: the refresh token is kept in the session file (0600).
    KeptInFile,
    /// The grant is dead (revoked, expired, reused): the user must log in again.
    Ended {
        /// Why.
        reason: String,
    },
}
