//! OpenID Connect plumbing shared by the login flows: discovery (issuer checked to the exact
//! string), the JWKS, id_token validation (signature, `iss`, `aud`, `exp`, `nonce`, `acr`),
//! the `oauth2` client configured from the metadata, token refresh and revocation.

use crate::i18n::tr;
use std::time::{Duration, SystemTime};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthUrl, ClientId, DeviceAuthorizationUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    ExtraTokenFields, RedirectUrl, RefreshToken, RequestTokenError, RevocationUrl,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use super::Secret;

pub use crate::domain::{DEFAULT_ACR, HIGH_ACR};

/// What can go wrong logging in with OpenID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The provider could not be reached.
    #[error("{}", tr!("Får ikke kontakt med ID-porten ({detail}).", detail = .0))]
    Network(String),
    /// The provider answered something we cannot use.
    #[error("{}", tr!("Uventet svar fra ID-porten: {detail}", detail = .0))]
    Protocol(String),
    /// Discovery named another issuer than configured.
    #[error("{}", tr!("ID-porten oppga utsteder «{got}», men «{expected}» er konfigurert.", got = .got, expected = .expected))]
    IssuerMismatch {
        /// Configured.
        expected: String,
        /// Announced.
        got: String,
    },
    /// The redirect's `state` is not ours (a forged or stale redirect).
    #[error("{}", tr!("Svaret fra ID-porten hører ikke til denne innloggingen (state stemmer ikke)."))]
    StateMismatch,
    /// The redirect's `iss` is missing or not our issuer (RFC 9207 mix-up defence).
    #[error("{}", tr!("Svaret fra ID-porten kom fra feil utsteder (iss stemmer ikke)."))]
    WrongIssuer,
    /// The user or the provider said no.
    #[error("{}", tr!("Innloggingen ble avvist: {reason}", reason = .0))]
    Denied(String),
    /// The device code expired before it was used.
    #[error("{}", tr!("Koden gikk ut før innloggingen ble fullført. Prøv igjen."))]
    Expired,
    /// The refresh token or grant is dead (revoked, expired or reused): log in again.
    #[error("{}", tr!("Økten hos ID-porten er avsluttet ({reason}). Logg inn igjen.", reason = .0))]
    InvalidGrant(String),
    /// The id_token failed validation.
    #[error("{}", tr!("ID-token ble avvist: {reason}", reason = .0))]
    IdToken(String),
    /// The provider does not offer this flow.
    #[error("{0}")]
    NotOffered(String),
    /// Something local (a port, a file).
    #[error("{0}")]
    Local(String),
}

/// The parts of the discovery document we use.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    /// Issuer.
    pub issuer: String,
    /// Authorization endpoint.
    pub authorization_endpoint: String,
    /// Token endpoint.
    pub token_endpoint: String,
    /// JWKS.
    pub jwks_uri: String,
    /// Revocation endpoint.
    pub revocation_endpoint: Option<String>,
    /// Device authorization endpoint (absent in production ID-porten).
    pub device_authorization_endpoint: Option<String>,
    /// PAR endpoint.
    pub pushed_authorization_request_endpoint: Option<String>,
    /// Userinfo.
    pub userinfo_endpoint: Option<String>,
    /// The provider sends `iss` in authorization responses.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// Levels of assurance the provider knows.
    #[serde(default)]
    pub acr_values_supported: Vec<String>,
}

/// Non-standard fields of ID-porten's token response.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct IdPortenFields {
    /// The id_token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The refresh token's inactivity timeout, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<u64>,
}

impl ExtraTokenFields for IdPortenFields {}

/// The token response type.
type IdPortenTokenResponse = StandardTokenResponse<IdPortenFields, BasicTokenType>;

/// The `oauth2` client for a discovered provider.
type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    IdPortenTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointMaybeSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointSet,
>;

/// Tokens from a token response. Secrets stay wrapped.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// The access token (a bearer for Altinn).
    pub access_token: Secret,
    /// When it expires.
    pub expires_at: SystemTime,
    /// Its lifetime as given.
    pub lifetime: Duration,
    /// The (rotated) refresh token.
    pub refresh_token: Option<Secret>,
    /// When the refresh token expires without use, if the provider said.
    pub refresh_expires_at: Option<SystemTime>,
    /// Granted scopes.
    pub scope: Option<String>,
}

/// Claims of a validated id_token that we keep.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    /// Subject.
    pub sub: String,
    /// National identity number, when given (ID-porten).
    #[serde(default)]
    pub pid: Option<String>,
    /// Level of assurance.
    #[serde(default)]
    pub acr: Option<String>,
    /// Nonce.
    #[serde(default)]
    pub nonce: Option<String>,
}

impl IdClaims {
    /// The national identity number masked for display: `010170*****`.
    pub fn masked_pid(&self) -> Option<String> {
        self.pid.as_ref().map(|pid| {
            let shown: String = pid.chars().take(6).collect();
            format!(
                "{shown}{}",
                "*".repeat(pid.chars().count().saturating_sub(6))
            )
        })
    }
}

/// A discovered provider with its keys, for one client id.
#[derive(Debug, Clone)]
pub struct Provider {
    /// The discovery document.
    pub metadata: Metadata,
    /// The client id.
    pub client_id: String,
    keys: JwkSet,
    http: reqwest::Client,
}

fn network(error: &reqwest::Error) -> AuthError {
    AuthError::Network(crate::http::describe_reqwest_error(error))
}

/// An HTTP client fit for OAuth: no redirects followed, sane timeouts.
pub fn http_client() -> Result<reqwest::Client, AuthError> {
    crate::http::client_builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| AuthError::Local(tr!("HTTP-klienten kunne ikke lages: {e}", e)))
}

fn map_token_error<RE: std::error::Error>(
    error: RequestTokenError<RE, BasicErrorResponse>,
) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(response) => {
            let description = response
                .error_description()
                .cloned()
                .unwrap_or_else(|| response.error().to_string());
            match response.error() {
                BasicErrorResponseType::InvalidGrant => AuthError::InvalidGrant(description),
                _ => AuthError::Protocol(format!("{}: {description}", response.error())),
            }
        }
        RequestTokenError::Request(e) => AuthError::Network(e.to_string()),
        RequestTokenError::Parse(e, _) => AuthError::Protocol(e.to_string()),
        RequestTokenError::Other(e) => AuthError::Protocol(e),
    }
}

/// Turns a token response into a [`TokenSet`].
pub fn token_set(response: &IdPortenTokenResponse) -> TokenSet {
    let lifetime = response.expires_in().unwrap_or(Duration::from_secs(120));
    let now = SystemTime::now();
    TokenSet {
        access_token: Secret::new(response.access_token().secret().clone()),
        expires_at: now + lifetime,
        lifetime,
        refresh_token: response
            .refresh_token()
            .map(|t| Secret::new(t.secret().clone())),
        refresh_expires_at: response
            .extra_fields()
            .refresh_token_expires_in
            .map(|s| now + Duration::from_secs(s)),
        scope: response.scopes().map(|scopes| {
            scopes
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        }),
    }
}

fn acr_rank(acr: &str) -> u8 {
    match acr {
        "idporten-loa-low" => 1,
        "idporten-loa-substantial" => 3,
        "idporten-loa-high" => 4,
        _ => 0,
    }
}

impl Provider {
    /// Fetches `{issuer}/.well-known/openid-configuration` and the JWKS. The document's
    /// `issuer` must be exactly the configured one.
    pub async fn discover(
        http: &reqwest::Client,
        issuer: &str,
        client_id: &str,
    ) -> Result<Self, AuthError> {
        let url = format!("{issuer}/.well-known/openid-configuration");
        let response = http.get(&url).send().await.map_err(|e| network(&e))?;
        if !response.status().is_success() {
            return Err(AuthError::Protocol(tr!(
                "discovery svarte {status}",
                status = response.status()
            )));
        }
        let metadata: Metadata = response
            .json()
            .await
            .map_err(|e| AuthError::Protocol(tr!("discovery-dokumentet: {e}", e)))?;
        if metadata.issuer != issuer {
            return Err(AuthError::IssuerMismatch {
                expected: issuer.to_owned(),
                got: metadata.issuer,
            });
        }
        let keys: JwkSet = http
            .get(&metadata.jwks_uri)
            .send()
            .await
            .map_err(|e| network(&e))?
            .json()
            .await
            .map_err(|e| AuthError::Protocol(format!("JWKS: {e}")))?;
        Ok(Self {
            metadata,
            client_id: client_id.to_owned(),
            keys,
            http: http.clone(),
        })
    }

    /// The HTTP client used for the provider.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The issuer.
    pub fn issuer(&self) -> &str {
        &self.metadata.issuer
    }

    /// True when the provider advertises the device flow.
    pub fn device_flow_offered(&self) -> bool {
        self.metadata.device_authorization_endpoint.is_some()
    }

    /// The `oauth2` client, with `redirect` when the flow has one.
    pub fn oauth_client(&self, redirect: Option<&str>) -> Result<OAuthClient, AuthError> {
        let bad = |what: &str, e: oauth2::url::ParseError| {
            AuthError::Protocol(tr!("{what} i discovery: {e}", what, e))
        };
        let mut client = oauth2::Client::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri(
                AuthUrl::new(self.metadata.authorization_endpoint.clone())
                    .map_err(|e| bad("authorization_endpoint", e))?,
            )
            .set_token_uri(
                TokenUrl::new(self.metadata.token_endpoint.clone())
                    .map_err(|e| bad("token_endpoint", e))?,
            )
            .set_device_authorization_url_option(
                self.metadata
                    .device_authorization_endpoint
                    .clone()
                    .map(DeviceAuthorizationUrl::new)
                    .transpose()
                    .map_err(|e| bad("device_authorization_endpoint", e))?,
            )
            .set_revocation_url_option(
                self.metadata
                    .revocation_endpoint
                    .clone()
                    .map(RevocationUrl::new)
                    .transpose()
                    .map_err(|e| bad("revocation_endpoint", e))?,
            );
        if let Some(redirect) = redirect {
            client = client.set_redirect_uri(
                RedirectUrl::new(redirect.to_owned()).map_err(|e| bad("redirect_uri", e))?,
            );
        }
        Ok(client)
    }

    /// Validates an id_token: RS256 signature by a JWKS key, `iss`, `aud`, `exp`, the nonce
    /// when one was sent, and `acr` at least `min_acr` when the provider knows that level.
    pub fn validate_id_token(
        &self,
        token: &str,
        nonce: Option<&str>,
        min_acr: &str,
    ) -> Result<IdClaims, AuthError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| AuthError::IdToken(format!("header: {e}")))?;
        if header.alg != Algorithm::RS256 {
            return Err(AuthError::IdToken(format!("algorithm {:?}", header.alg)));
        }
        let jwk = match &header.kid {
            Some(kid) => self.keys.find(kid),
            None => self.keys.keys.first(),
        }
        .ok_or_else(|| AuthError::IdToken(tr!("ingen passende nøkkel i JWKS").into()))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|e| AuthError::IdToken(e.to_string()))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[self.issuer()]);
        validation.set_audience(&[&self.client_id]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        let claims = jsonwebtoken::decode::<IdClaims>(token, &key, &validation)
            .map_err(|e| AuthError::IdToken(e.to_string()))?
            .claims;
        if let Some(expected) = nonce {
            if claims.nonce.as_deref() != Some(expected) {
                return Err(AuthError::IdToken(tr!("nonce stemmer ikke").into()));
            }
        }
        if self
            .metadata
            .acr_values_supported
            .iter()
            .any(|a| a == min_acr)
        {
            let got = claims.acr.as_deref().unwrap_or_default();
            if acr_rank(got) < acr_rank(min_acr) {
                return Err(AuthError::IdToken(tr!(
                    "nivået «{got}» er under {min_acr}",
                    got,
                    min_acr
                )));
            }
        }
        Ok(claims)
    }

    /// Exchanges a refresh token for new tokens (the old refresh token is dead afterwards).
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet, AuthError> {
        let client = self.oauth_client(None)?;
        let token = RefreshToken::new(refresh_token.expose().to_owned());
        let response = client
            .exchange_refresh_token(&token)
            .request_async(&self.http)
            .await
            .map_err(map_token_error)?;
        let mut set = token_set(&response);
        if set.refresh_token.is_none() {
            // Providers that do not rotate keep the old one valid.
            set.refresh_token = Some(refresh_token.clone());
        }
        Ok(set)
    }

    /// Revokes the grant behind a refresh token (logout), as RFC 7009 describes. Sent by
    /// hand because `oauth2` refuses revocation endpoints that are not HTTPS, and the
    /// simulator and interop provider on loopback are plain HTTP. A provider without a
    /// revocation endpoint has nothing to revoke.
    pub async fn revoke(&self, refresh_token: &Secret) -> Result<(), AuthError> {
        let Some(endpoint) = &self.metadata.revocation_endpoint else {
            return Ok(());
        };
        let form = [
            ("token", refresh_token.expose()),
            ("token_type_hint", "refresh_token"),
            ("client_id", self.client_id.as_str()),
        ];
        let response = self
            .http
            .post(endpoint)
            .form(&form)
            .send()
            .await
            .map_err(|e| network(&e))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(AuthError::Protocol(tr!(
                "tilbakekallingen svarte {status}",
                status = response.status()
            )))
        }
    }
}

/// Maps the errors of the code and device exchanges.
pub(crate) fn map_code_error<RE: std::error::Error>(
    error: RequestTokenError<RE, BasicErrorResponse>,
) -> AuthError {
    map_token_error(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_the_identity_number() {
        let claims = IdClaims {
            sub: "s".into(),
            pid: Some("01017012345".into()),
            acr: None,
            nonce: None,
        };
        assert_eq!(claims.masked_pid().as_deref(), Some("010170*****"));
    }

    #[test]
    fn acr_levels_are_ordered() {
        assert!(acr_rank("idporten-loa-high") > acr_rank("idporten-loa-substantial"));
        assert_eq!(acr_rank("something-else"), 0);
    }
}
