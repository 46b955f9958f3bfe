//! News about the session, in words the app can show.

use std::time::SystemTime;

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
    /// No keyring answered: the refresh token is kept in the session file (0600).
    KeptInFile,
    /// The grant is dead (revoked, expired, reused): the user must log in again.
    Ended {
        /// Why.
        reason: String,
    },
}
