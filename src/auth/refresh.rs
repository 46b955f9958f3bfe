//! The background refresher: the one owner of an ID-porten token set. It refreshes at about
//! 75% of the access token's lifetime and on a 401 (once), as a single flight: concurrent
//! callers wait for the refresh in progress instead of starting another. The rotated refresh
//! token is persisted (atomically, under the store's file lock) before the new access token
//! is used, and the stored token is re-read under that lock, so two instances never use the
//! same refresh token twice.

use crate::i18n::tr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Mutex;

use super::oidc::{AuthError, Provider, TokenSet};
use super::store::{epoch, SessionStore, StoredSession};
use super::{Secret, Session, SessionHandle};

pub use crate::domain::RefreshEvent;

#[derive(Debug)]
struct Tokens {
    /// `None` when ID-porten gave no refresh token: the session then ends with the access
    /// token.
    refresh_token: Option<Secret>,
    access_token: Secret,
    expires_at: SystemTime,
    lifetime: Duration,
    stored: StoredSession,
}

/// Owns the tokens of one ID-porten session.
#[derive(Debug)]
pub struct Refresher {
    provider: Provider,
    session: SessionHandle,
    store: Option<SessionStore>,
    tokens: Mutex<Tokens>,
}

/// When to refresh a token that lives `lifetime` and expires at `expires_at`: at 75% of its
/// life, and at least 5 seconds ahead of expiry unless that is more than half its life
/// (short test lifetimes refresh at half-life).
fn refresh_due(expires_at: SystemTime, lifetime: Duration) -> SystemTime {
    let early = (lifetime / 4).max(Duration::from_secs(5).min(lifetime / 2));
    expires_at.checked_sub(early).unwrap_or(expires_at)
}

/// The shortest pause between two scheduled refreshes, whatever the provider says.
const MIN_PAUSE: Duration = Duration::from_secs(1);

impl Refresher {
    /// Takes over a fresh token set from a login, persists the refresh token (or, when
    /// ID-porten gave none, the access token for its own lifetime), and puts the access
    /// token into the shared session.
    pub fn start(
        provider: Provider,
        session: SessionHandle,
        store: Option<SessionStore>,
        tokens: TokenSet,
        stored: StoredSession,
    ) -> Result<Arc<Self>, AuthError> {
        let mut stored = stored;
        match &tokens.refresh_token {
            Some(refresh_token) => {
                stored.refresh_token = refresh_token.clone();
                stored.refresh_expires_at = tokens.refresh_expires_at.map(epoch);
                stored.refresh = true;
            }
            None => {
                tracing::info!("no refresh token: the session lasts as long as the access token");
                stored.refresh_token = tokens.access_token.clone();
                stored.refresh_expires_at = Some(epoch(tokens.expires_at));
                stored.refresh = false;
            }
        }
        if let Some(store) = &store {
            if let Err(error) = store.save(&stored) {
                tracing::warn!(%error, "session not saved; it will not survive a restart");
            }
        }
        session.set(Some(Session::Bearer {
            access_token: tokens.access_token.clone(),
        }));
        Ok(Arc::new(Self {
            provider,
            session,
            store,
            tokens: Mutex::new(Tokens {
                refresh_token: tokens.refresh_token,
                access_token: tokens.access_token,
                expires_at: tokens.expires_at,
                lifetime: tokens.lifetime,
                stored,
            }),
        }))
    }

    /// Resumes a stored session: refreshes at once to get an access token (or, for a
    /// session without a refresh token, takes the kept access token while it lives).
    pub async fn resume(
        provider: Provider,
        session: SessionHandle,
        store: Option<SessionStore>,
        stored: StoredSession,
    ) -> Result<Arc<Self>, AuthError> {
        if stored.expired() {
            if let Some(store) = &store {
                let _ = store.delete();
            }
            return Err(AuthError::InvalidGrant(if stored.refresh {
                tr!("fornyelsesnøkkelen er utløpt").into()
            } else {
                ended_without_refresh().into()
            }));
        }
        let renews = stored.refresh;
        // A session without a refresh token kept its access token, for as long as it lives.
        let (refresh_token, access_token, expires_at) = if renews {
            let kept = stored.refresh_token.clone();
            (Some(kept), Secret::default(), SystemTime::now())
        } else {
            let until = stored
                .refresh_expires_at
                .map_or_else(SystemTime::now, |at| {
                    std::time::UNIX_EPOCH + Duration::from_secs(at)
                });
            session.set(Some(Session::Bearer {
                access_token: stored.refresh_token.clone(),
            }));
            (None, stored.refresh_token.clone(), until)
        };
        let lifetime = if renews {
            Duration::from_secs(120)
        } else {
            expires_at
                .duration_since(SystemTime::now())
                .unwrap_or_default()
        };
        let refresher = Arc::new(Self {
            provider,
            session,
            store,
            tokens: Mutex::new(Tokens {
                refresh_token,
                access_token,
                expires_at,
                lifetime,
                stored,
            }),
        });
        if renews {
            refresher.refresh(None).await?;
        }
        Ok(refresher)
    }

    /// The session renews itself (ID-porten gave a refresh token).
    pub async fn renews(&self) -> bool {
        self.tokens.lock().await.refresh_token.is_some()
    }

    /// Ends a session that cannot be renewed: forgets it here and in the store.
    fn end(&self) {
        if let Some(store) = &self.store {
            let _ = store.delete();
        }
        self.session.set(None);
    }

    /// The provider.
    pub fn provider(&self) -> &Provider {
        &self.provider
    }

    /// When the current access token should be refreshed.
    async fn next_due(&self) -> SystemTime {
        let tokens = self.tokens.lock().await;
        refresh_due(tokens.expires_at, tokens.lifetime)
    }

    /// Refreshes, unless `seen` (the access token a caller found rejected) is no longer the
    /// current one, which means another caller refreshed meanwhile. Returns the new expiry.
    pub async fn refresh(&self, seen: Option<&Secret>) -> Result<SystemTime, AuthError> {
        let mut tokens = self.tokens.lock().await;
        if let Some(seen) = seen {
            if *seen != tokens.access_token {
                return Ok(tokens.expires_at);
            }
        }
        let Some(mut current) = tokens.refresh_token.clone() else {
            // Nothing to renew with: the session ends with its access token.
            self.end();
            return Err(AuthError::InvalidGrant(ended_without_refresh().into()));
        };
        let _lock = match &self.store {
            Some(store) => {
                let store = store.clone();
                let lock = tokio::task::spawn_blocking(move || store.lock())
                    .await
                    .map_err(|e| AuthError::Local(e.to_string()))?;
                match lock {
                    Ok(lock) => Some(lock),
                    Err(error) => {
                        tracing::warn!(%error, "session lock unavailable");
                        None
                    }
                }
            }
            None => None,
        };
        // (The store may ask the OS keyring, which blocks: not on the runtime's threads.)
        let store = self.store.clone();
        let latest =
            tokio::task::spawn_blocking(move || store.as_ref().and_then(SessionStore::load))
                .await
                .ok()
                .flatten();
        if let Some(stored) = latest {
            if stored.issuer == tokens.stored.issuer
                && stored.refresh
                && stored.refresh_token != current
            {
                // Another instance rotated it: continue from the newest token.
                current = stored.refresh_token;
            }
        }
        match self.provider.refresh(&current).await {
            Ok(set) => {
                let rotated = set.refresh_token.clone().unwrap_or_else(|| current.clone());
                tokens.stored.refresh_token = rotated.clone();
                tokens.stored.refresh_expires_at = set.refresh_expires_at.map(epoch);
                // Saved before the new access token is used (and off the runtime's threads).
                if let Some(store) = self.store.clone() {
                    let stored = tokens.stored.clone();
                    let saved = tokio::task::spawn_blocking(move || store.save(&stored)).await;
                    if let Ok(Err(error)) = saved {
                        tracing::warn!(%error, "rotated refresh token not saved");
                    }
                }
                tokens.refresh_token = Some(rotated);
                tokens.access_token = set.access_token.clone();
                tokens.expires_at = set.expires_at;
                tokens.lifetime = set.lifetime;
                self.session.set(Some(Session::Bearer {
                    access_token: set.access_token,
                }));
                tracing::info!("access token refreshed");
                Ok(set.expires_at)
            }
            Err(AuthError::InvalidGrant(reason)) => {
                tracing::warn!(%reason, "refresh token rejected: session ended");
                self.end();
                Err(AuthError::InvalidGrant(reason))
            }
            Err(error) => Err(error),
        }
    }

    /// Logs out: revokes the grant at the provider and forgets the session here.
    pub async fn logout(&self) -> Result<(), AuthError> {
        let tokens = self.tokens.lock().await;
        let result = match &tokens.refresh_token {
            Some(refresh_token) => self.provider.revoke(refresh_token).await,
            None => Ok(()),
        };
        self.end();
        result
    }

    /// Runs the refresh schedule until the grant ends, reporting to `events`. Network
    /// failures are retried with growing pauses (2 s doubling up to 30 s).
    pub async fn run(self: Arc<Self>, events: impl Fn(RefreshEvent) + Send + 'static) {
        let (renews, expires_at) = {
            let tokens = self.tokens.lock().await;
            (tokens.refresh_token.is_some(), tokens.expires_at)
        };
        if !renews {
            // Said once; then the session ends when its access token does.
            events(RefreshEvent::WithoutRefresh { expires_at });
            let wait = expires_at
                .duration_since(SystemTime::now())
                .unwrap_or_default();
            tokio::time::sleep(wait).await;
            self.end();
            events(RefreshEvent::Ended {
                reason: ended_without_refresh().into(),
            });
            return;
        }
        let mut backoff = Duration::from_secs(2);
        loop {
            let due = self.next_due().await;
            let wait = due.duration_since(SystemTime::now()).unwrap_or_default();
            tokio::time::sleep(wait.max(MIN_PAUSE)).await;
            match self.refresh(None).await {
                Ok(expires_at) => {
                    backoff = Duration::from_secs(2);
                    events(RefreshEvent::Refreshed { expires_at });
                }
                Err(AuthError::InvalidGrant(reason)) => {
                    events(RefreshEvent::Ended { reason });
                    return;
                }
                Err(error) => {
                    events(RefreshEvent::Retrying {
                        error: error.to_string(),
                    });
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                }
            }
        }
    }
}

/// Why a session without a refresh token ended.
fn ended_without_refresh() -> &'static str {
    tr!("ID-porten ga ingen fornyelsesnøkkel, så økten varte så lenge tilgangsnøkkelen")
}

/// The stored-session template for a fresh login.
pub fn stored_session(
    env: &str,
    provider: &Provider,
    method: crate::domain::LoginMethod,
    tokens: &TokenSet,
    scopes: &str,
    claims: Option<&super::oidc::IdClaims>,
) -> StoredSession {
    StoredSession {
        version: super::store::VERSION,
        env: env.to_owned(),
        issuer: provider.issuer().to_owned(),
        client_id: provider.client_id.clone(),
        scopes: tokens.scope.clone().unwrap_or_else(|| scopes.to_owned()),
        method,
        refresh_token: tokens.refresh_token.clone().unwrap_or_default(),
        refresh_expires_at: tokens.refresh_expires_at.map(epoch),
        refresh: tokens.refresh_token.is_some(),
        acr: claims.and_then(|c| c.acr.clone()),
        logged_in_at: epoch(SystemTime::now()),
        pid_masked: claims.and_then(|c| c.masked_pid()),
        user_key: claims.map(|c| crate::domain::user_key(&[env, provider.issuer(), &c.sub])),
        saved_at: 0,
        token_in: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_at_three_quarters_of_the_lifetime() {
        let now = SystemTime::now();
        let expires = now + Duration::from_secs(120);
        let due = refresh_due(expires, Duration::from_secs(120));
        assert_eq!(
            expires.duration_since(due).ok(),
            Some(Duration::from_secs(30))
        );
        let short = refresh_due(now + Duration::from_secs(8), Duration::from_secs(8));
        assert_eq!(
            (now + Duration::from_secs(8)).duration_since(short).ok(),
            Some(Duration::from_secs(4))
        );
        let minute = refresh_due(now + Duration::from_secs(12), Duration::from_secs(12));
        assert_eq!(
            (now + Duration::from_secs(12)).duration_since(minute).ok(),
            Some(Duration::from_secs(5))
        );
    }
}
