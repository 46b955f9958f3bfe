//! The device authorization grant (RFC 8628), offered only when the provider's discovery
//! document advertises it (production ID-porten does not). The user reads a code or scans a
//! QR code on another device; we poll the token endpoint, slowing down when told to.

use crate::i18n::tr;
use std::time::SystemTime;

use oauth2::{DeviceAuthorizationResponse, RequestTokenError, Scope};
use oauth2::{DeviceCodeErrorResponseType, EmptyExtraDeviceAuthorizationFields};

use super::oidc::{token_set, AuthError, IdClaims, Provider, TokenSet};

/// A device login waiting for the user. `Debug` never shows the device code.
pub struct DeviceLogin {
    /// The code the user types.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// The same with the code filled in (for the QR code), when given.
    pub verification_uri_complete: Option<String>,
    /// When the code expires.
    pub expires_at: SystemTime,
    details: DeviceAuthorizationResponse<EmptyExtraDeviceAuthorizationFields>,
}

impl std::fmt::Debug for DeviceLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceLogin")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Asks the provider for a device code.
pub async fn start(provider: &Provider, scopes: &str) -> Result<DeviceLogin, AuthError> {
    start_at(provider, scopes, crate::domain::DEFAULT_ACR).await
}

/// [`start`] at a level of assurance (`acr_values`: `idporten-loa-high` for a step-up).
pub async fn start_at(
    provider: &Provider,
    scopes: &str,
    acr: &str,
) -> Result<DeviceLogin, AuthError> {
    if !provider.device_flow_offered() {
        return Err(AuthError::NotOffered(
            tr!("Denne ID-porten tilbyr ikke innlogging med engangskode. Bruk nettleseren.").into(),
        ));
    }
    let client = provider.oauth_client(None)?;
    let details: DeviceAuthorizationResponse<EmptyExtraDeviceAuthorizationFields> = client
        .exchange_device_code()
        .map_err(|e| AuthError::NotOffered(e.to_string()))?
        .add_scopes(scopes.split(' ').map(|s| Scope::new(s.to_owned())))
        .add_extra_param("acr_values", acr)
        .request_async(provider.http())
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => AuthError::Protocol(r.error().to_string()),
            RequestTokenError::Request(e) => AuthError::Network(e.to_string()),
            other => AuthError::Protocol(other.to_string()),
        })?;
    Ok(DeviceLogin {
        user_code: details.user_code().secret().clone(),
        verification_uri: details.verification_uri().to_string(),
        verification_uri_complete: details
            .verification_uri_complete()
            .map(|u| u.secret().clone()),
        expires_at: SystemTime::now() + details.expires_in(),
        details,
    })
}

/// Polls until the user approves, denies, or the code expires. Cancel by dropping the future
/// (aborting its task).
pub async fn poll(
    provider: &Provider,
    login: &DeviceLogin,
    min_acr: &str,
) -> Result<(TokenSet, Option<IdClaims>), AuthError> {
    let client = provider.oauth_client(None)?;
    let response = client
        .exchange_device_access_token(&login.details)
        .request_async(provider.http(), tokio::time::sleep, None)
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => match r.error() {
                DeviceCodeErrorResponseType::AccessDenied => {
                    AuthError::Denied(tr!("brukeren avviste innloggingen").into())
                }
                DeviceCodeErrorResponseType::ExpiredToken => AuthError::Expired,
                other => AuthError::Protocol(other.to_string()),
            },
            RequestTokenError::Request(e) => AuthError::Network(e.to_string()),
            other => AuthError::Protocol(other.to_string()),
        })?;
    let claims = match &response.extra_fields().id_token {
        Some(id_token) => Some(provider.validate_id_token(id_token, None, min_acr)?),
        None => None,
    };
    Ok((token_set(&response), claims))
}
