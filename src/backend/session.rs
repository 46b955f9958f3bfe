//! The session policy every backend call follows: send with the current session; on a 401
//! of an ID-porten session, renew the token once (single flight, shared with every other
//! caller) and send again.

use std::future::Future;

use crate::auth::{Renewal, Session, SessionHandle};
use crate::domain::ApiError;

/// Runs `call` with the current session, renewing the token once after a 401.
pub async fn with_session<T, F, Fut>(session: &SessionHandle, call: F) -> Result<T, ApiError>
where
    F: Fn(Session) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let Some(current) = session.get() else {
        return Err(ApiError::SessionExpired);
    };
    match call(current.clone()).await {
        Err(ApiError::Unauthorized { reason }) if matches!(current, Session::Bearer { .. }) => {
            match session.renew(&current).await {
                Renewal::Renewed => match session.get() {
                    Some(fresh) => call(fresh).await,
                    None => Err(ApiError::SessionExpired),
                },
                Renewal::Ended => Err(ApiError::SessionExpired),
                Renewal::Failed => Err(ApiError::Unauthorized { reason }),
            }
        }
        other => other,
    }
}
