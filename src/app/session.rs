//! Who is logged in and how, as far as the inbox knows: what the header, the status line
//! and the cache's scope need of the session (never a token: those stay in `auth`).

/// The session as the screen sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionView {
    /// The logged-in user's cache key (a hash), once known.
    pub user_key: Option<String>,
    /// The user's name, once known.
    pub user_name: Option<String>,
    /// How the user logged in (`passord`, `ID-porten`).
    pub method: Option<&'static str>,
    /// The ID-porten session's state for the status bar.
    pub note: Option<String>,
    /// The status line has said the refresh token is in the session file (said once).
    pub told_kept_in_file: bool,
}
