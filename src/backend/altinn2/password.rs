//! Altinn username/password login: `POST /api/authentication/authenticatewithpassword`,
//! which answers with an `.ASPXAUTH` cookie (security level 1). The password is sent once
//! and never stored.

use crate::i18n::tr;
use reqwest::header::{ACCEPT, CONTENT_TYPE, SET_COOKIE};

use super::Client;
use crate::auth::Session;
use crate::domain::ApiError;
use crate::http::{describe_reqwest_error, reason_phrase};
use crate::secret::Secret;

/// Why a password login failed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordLoginError {
    /// Wrong user name or password (the server's reason phrase).
    #[error("{}", tr!("Innlogging feilet: {reason}", reason = .0))]
    Rejected(String),
    /// The server answered, but not with a session cookie.
    #[error("{}", tr!("Serveren svarte {status} uten innloggingscookie: {reason}", status = .status, reason = .reason))]
    NoCookie {
        /// HTTP status.
        status: u16,
        /// Reason phrase.
        reason: String,
    },
    /// The host no longer serves Altinn 2 (switched off on 19 June 2026).
    #[error(transparent)]
    SwitchedOff(crate::domain::ApiError),
    /// The server could not be reached.
    #[error("{}", tr!("Får ikke kontakt med {url}: {detail}", url = .url, detail = .detail))]
    Network {
        /// Where we tried.
        url: String,
        /// What went wrong.
        detail: String,
    },
}

impl Client {
    /// Logs in with user name and password and returns the cookie session.
    pub async fn login_with_password(
        &self,
        username: &str,
        password: &Secret,
    ) -> Result<Session, PasswordLoginError> {
        let url = self
            .base
            .join("api/authentication/authenticatewithpassword")
            .map_err(|e| PasswordLoginError::Network {
                url: self.base.to_string(),
                detail: e.to_string(),
            })?;
        let body = serde_json::json!({ "UserName": username, "UserPassword": password.expose() });
        let response = self
            .http
            .post(url.clone())
            .header("ApiKey", self.api_key.expose())
            .header(ACCEPT, "application/hal+json")
            .header(CONTENT_TYPE, "application/hal+json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| {
                let detail = describe_reqwest_error(&e);
                if self.on_altinn_host() {
                    PasswordLoginError::SwitchedOff(ApiError::Retired { detail })
                } else {
                    PasswordLoginError::Network {
                        url: url.to_string(),
                        detail,
                    }
                }
            })?;
        let status = response.status();
        let is_html = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/html"));
        if status == reqwest::StatusCode::NOT_FOUND || (status.is_success() && is_html) {
            let answer = if is_html {
                tr!("med en nettside")
            } else {
                "404"
            };
            return Err(PasswordLoginError::SwitchedOff(ApiError::Retired {
                detail: tr!("{host} svarte {answer}", host = self.host(), answer),
            }));
        }
        let reason = reason_phrase(&response);
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(PasswordLoginError::Rejected(reason));
        }
        let cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                let first = v.split(';').next()?.trim();
                let (name, value) = first.split_once('=')?;
                (name.trim() == ".ASPXAUTH" && !value.trim().is_empty())
                    .then(|| value.trim().to_owned())
            });
        match (status.is_success(), cookie) {
            (true, Some(value)) => Ok(Session::Cookie {
                aspxauth: Secret::new(value),
                username: username.to_owned(),
            }),
            _ => Err(PasswordLoginError::NoCookie {
                status: status.as_u16(),
                reason,
            }),
        }
    }
}
