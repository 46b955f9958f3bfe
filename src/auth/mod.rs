//! Who the user is to Altinn: the [`Session`] (a bearer token set or an `.ASPXAUTH` cookie),
//! shared through a [`SessionHandle`]. Nothing here knows about messages.

pub mod password;

use std::fmt;
use std::sync::{Arc, RwLock};

/// A secret string (password, cookie, token). Its `Debug` and `Display` never show the value;
/// use [`Secret::expose`] at the one place it goes on the wire.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the request that needs it. Never log or display it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How the user is logged in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Session {
    /// Altinn username/password login: the `.ASPXAUTH` cookie (security level 1).
    Cookie {
        /// The cookie value.
        aspxauth: Secret,
        /// The user name that logged in (shown, and prefilled on re-login).
        username: String,
    },
    /// ID-porten: the access token sent as `Authorization: Bearer`.
    Bearer {
        /// The access token.
        access_token: Secret,
    },
}

impl Session {
    /// A short description for the status bar, without secrets.
    pub fn method_label(&self) -> &'static str {
        match self {
            Self::Cookie { .. } => "passord",
            Self::Bearer { .. } => "ID-porten",
        }
    }
}

/// The current session, shared by the background tasks that make requests. Cloning shares.
#[derive(Clone, Debug, Default)]
pub struct SessionHandle(Arc<RwLock<Option<Session>>>);

impl SessionHandle {
    /// The current session, if logged in.
    pub fn get(&self) -> Option<Session> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the session (or logs out with `None`).
    pub fn set(&self, session: Option<Session>) {
        match self.0.write() {
            Ok(mut guard) => *guard = session,
            Err(poisoned) => *poisoned.into_inner() = session,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let session = Session::Cookie {
            aspxauth: Secret::new("DEADBEEF"),
            username: "demo".into(),
        };
        let shown = format!("{session:?} {}", Secret::new("pw"));
        assert!(!shown.contains("DEADBEEF"));
        assert!(!shown.contains("pw"));
    }
}
