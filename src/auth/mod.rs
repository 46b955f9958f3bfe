//! Who the user is to Altinn: the [`Session`] (a bearer token set or an `.ASPXAUTH` cookie),
//! shared through a [`SessionHandle`]. Nothing here knows about messages.

pub mod browser;
pub mod device;
pub mod keyring;
pub mod oidc;
pub mod refresh;
pub mod store;

use crate::i18n::tr;
use crate::secret::Secret;

use std::sync::{Arc, Mutex, RwLock};

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
            return Err(oidc::AuthError::InvalidGrant(
                tr!("ikke en bearer-økt").into(),
            ));
        };
        let refresher = self
            .refresher()
            .ok_or_else(|| oidc::AuthError::InvalidGrant(tr!("ingen fornyelsesnøkkel").into()))?;
        refresher.refresh(Some(access_token)).await.map(|_| ())
    }
}

/// How a try to renew a rejected token ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// A new token is in place: retry the request.
    Renewed,
    /// The session is over (no refresh token, or the provider no longer knows it).
    Ended,
    /// The provider could not be asked (network); the session may still be good.
    Failed,
}

impl SessionHandle {
    /// After a 401 on `rejected`: tries to renew the token once (single flight) and says how
    /// it went, in the words a backend needs to decide between retrying and giving up.
    pub async fn renew(&self, rejected: &Session) -> Renewal {
        if !matches!(rejected, Session::Bearer { .. }) {
            return Renewal::Failed;
        }
        match self.refresh_after_unauthorized(rejected).await {
            Ok(()) => Renewal::Renewed,
            Err(oidc::AuthError::InvalidGrant(_)) => Renewal::Ended,
            Err(_) => Renewal::Failed,
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
        let shown = format!("{session:?}");
        assert!(!shown.contains("DEADBEEF"));
    }
}
