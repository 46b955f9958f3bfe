//! Who the user is to Altinn: the [`Session`] (a bearer token set or an `.ASPXAUTH` cookie),
//! shared through a [`SessionHandle`]. Nothing here knows about messages.

pub mod browser;
pub mod device;
pub mod oidc;
pub mod password;
pub mod refresh;
pub mod store;

use std::fmt;
use std::sync::{Arc, Mutex, RwLock};

/// A secret string (password, cookie, token). Its `Debug` and `Display` never show the value;
/// use [`Secret::expose`] at the one place it goes on the wire. It serialises as its value:
/// only the session store ([`store`]) serialises one, into a 0600 file.
#[derive(Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
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

/// The current session, shared by the background tasks that make requests, and the
/// refresher that keeps an ID-porten session alive. Cloning shares.
#[derive(Clone, Debug, Default)]
pub struct SessionHandle {
    session: Arc<RwLock<Option<Session>>>,
    keeper: Arc<Mutex<Option<Keeper>>>,
}

/// A running refresher and its background task.
#[derive(Debug)]
struct Keeper {
    refresher: Arc<refresh::Refresher>,
    task: Option<tokio::task::AbortHandle>,
}

fn read<T: Clone>(lock: &RwLock<T>) -> T {
    match lock.read() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

impl SessionHandle {
    /// The current session, if logged in.
    pub fn get(&self) -> Option<Session> {
        read(&self.session)
    }

    /// Replaces the session (or logs out with `None`).
    pub fn set(&self, session: Option<Session>) {
        match self.session.write() {
            Ok(mut guard) => *guard = session,
            Err(poisoned) => *poisoned.into_inner() = session,
        }
    }

    fn keeper(&self) -> std::sync::MutexGuard<'_, Option<Keeper>> {
        self.keeper.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Installs the refresher of a new ID-porten session (stopping any previous one) and its
    /// background task, if one was started.
    pub fn set_refresher(
        &self,
        refresher: Arc<refresh::Refresher>,
        task: Option<tokio::task::AbortHandle>,
    ) {
        if let Some(old) = self.keeper().replace(Keeper { refresher, task }) {
            if let Some(task) = old.task {
                task.abort();
            }
        }
    }

    /// The refresher, when the session is an ID-porten one.
    pub fn refresher(&self) -> Option<Arc<refresh::Refresher>> {
        self.keeper().as_ref().map(|k| k.refresher.clone())
    }

    /// Stops the refresher (password login, logout).
    pub fn clear_refresher(&self) {
        if let Some(old) = self.keeper().take() {
            if let Some(task) = old.task {
                task.abort();
            }
        }
    }

    /// After a 401 on `rejected`: refreshes once (single flight) when it is a bearer session.
    /// `Ok` means a new token is in place and the request may be retried.
    pub async fn refresh_after_unauthorized(
        &self,
        rejected: &Session,
    ) -> Result<(), oidc::AuthError> {
        let Session::Bearer { access_token } = rejected else {
            return Err(oidc::AuthError::InvalidGrant("not a bearer session".into()));
        };
        let refresher = self
            .refresher()
            .ok_or_else(|| oidc::AuthError::InvalidGrant("no refresh token".into()))?;
        refresher.refresh(Some(access_token)).await.map(|_| ())
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
