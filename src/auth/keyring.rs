//! The OS keyring for the one secret kept, the refresh token: Secret Service over D-Bus on
//! Linux, the Keychain on macOS, the Credential Manager on Windows. Every call has a
//! deadline of about a second — a server reached over SSH has no keyring, or one that
//! never answers — and after one miss the process stops asking (the file takes over).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::Secret;

/// The keyring's service name for innboks's entries.
const SERVICE: &str = "innboks";

/// How long a keyring call may take before the file is used instead.
const DEADLINE: Duration = Duration::from_millis(1_000);

/// A call missed its deadline or found no keyring: the rest of the run uses the file.
static UNAVAILABLE: AtomicBool = AtomicBool::new(false);

/// Runs `call` on a thread of its own (the keyring blocks, and may not run inside the async
/// runtime) and waits at most [`DEADLINE`]. `None`: no keyring answered.
fn within_deadline<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, ::keyring::Error> + Send + 'static,
) -> Option<Result<T, ::keyring::Error>> {
    if UNAVAILABLE.load(Ordering::Relaxed) {
        return None;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            let _ = tx.send(call());
        });
    let answer = spawned.ok().and_then(|_| rx.recv_timeout(DEADLINE).ok());
    match &answer {
        None => {
            tracing::warn!("the keyring did not answer in time; using the session file");
            UNAVAILABLE.store(true, Ordering::Relaxed);
        }
        Some(Err(
            ::keyring::Error::PlatformFailure(error) | ::keyring::Error::NoStorageAccess(error),
        )) => {
            tracing::warn!(%error, "no keyring; using the session file");
            UNAVAILABLE.store(true, Ordering::Relaxed);
        }
        Some(_) => {}
    }
    answer
}

/// Keeps `secret` as `account`'s. False when no keyring took it.
pub fn store(account: &str, secret: &Secret) -> bool {
    let (account, secret) = (account.to_owned(), secret.expose().to_owned());
    matches!(
        within_deadline(move || ::keyring::Entry::new(SERVICE, &account)?.set_password(&secret)),
        Some(Ok(()))
    )
}

/// `account`'s secret, when a keyring answers and has it.
pub fn fetch(account: &str) -> Option<Secret> {
    let account = account.to_owned();
    match within_deadline(move || ::keyring::Entry::new(SERVICE, &account)?.get_password()) {
        Some(Ok(secret)) => Some(Secret::new(secret)),
        Some(Err(error)) => {
            tracing::warn!(%error, "the refresh token is not in the keyring");
            None
        }
        None => None,
    }
}

/// Forgets `account`'s secret, when a keyring answers (a missing one is no error).
pub fn forget(account: &str) {
    let account = account.to_owned();
    if let Some(Err(error)) =
        within_deadline(move || ::keyring::Entry::new(SERVICE, &account)?.delete_credential())
    {
        if !matches!(error, ::keyring::Error::NoEntry) {
            tracing::warn!(%error, "could not delete the keyring entry");
        }
    }
}
