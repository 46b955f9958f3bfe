//! News about the session, in words the app can show.

use std::time::SystemTime;

/// The level of assurance asked of ID-porten unless the user asks for more.
pub const DEFAULT_ACR: &str = "idporten-loa-substantial";

/// The high level of assurance, which some letters need (Dialogporten answers `403`
/// "Altinn authentication level too low." below it).
pub const HIGH_ACR: &str = "idporten-loa-high";

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
