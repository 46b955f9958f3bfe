//! ID-porten in a browser: authorization code with PKCE S256, `state` and `nonce`, PAR when
//! the provider offers it, and a loopback listener on 127.0.0.1 (a fixed port by default, so
//! `ssh -L PORT:127.0.0.1:PORT` works; any free port when it is taken). When no browser can
//! reach the loopback, the final redirect URL (or just its query) can be pasted instead.

use crate::i18n::tr;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use oauth2::{AuthorizationCode, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, Scope};
use tokio::sync::oneshot;

use super::oidc::{map_code_error, token_set, AuthError, IdClaims, Provider, TokenSet};

/// The default loopback port: fixed, so it can be forwarded over SSH.
pub const DEFAULT_PORT: u16 = 49_411;

/// The parameters of the final redirect. `Debug` hides the code.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallbackParams {
    /// The authorization code.
    pub code: Option<String>,
    /// Our state, echoed.
    pub state: Option<String>,
    /// The issuer (RFC 9207).
    pub iss: Option<String>,
    /// An error code instead of a code.
    pub error: Option<String>,
    /// The error's description.
    pub error_description: Option<String>,
}

impl std::fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackParams")
            .field("code", &self.code.as_ref().map(|_| "***"))
            .field("state", &self.state.as_ref().map(|_| "***"))
            .field("iss", &self.iss)
            .field("error", &self.error)
            .field("error_description", &self.error_description)
            .finish()
    }
}

impl CallbackParams {
    fn from_pairs<'a>(
        pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
    ) -> Self {
        let mut params = Self::default();
        for (key, value) in pairs {
            let value = Some(value.into_owned());
            match key.as_ref() {
                "code" => params.code = value,
                "state" => params.state = value,
                "iss" => params.iss = value,
                "error" => params.error = value,
                "error_description" => params.error_description = value,
                _ => {}
            }
        }
        params
    }

    /// Parses what a user pasted: the whole redirect URL, or just its query (with or
    /// without the leading `?`).
    pub fn parse(pasted: &str) -> Result<Self, AuthError> {
        let text = pasted.trim();
        let query = match url::Url::parse(text) {
            Ok(url) => url.query().unwrap_or_default().to_owned(),
            Err(_) => text.trim_start_matches('?').to_owned(),
        };
        let params = Self::from_pairs(url::form_urlencoded::parse(query.as_bytes()));
        if params.code.is_none() && params.error.is_none() {
            return Err(AuthError::Protocol(
                tr!("fant verken code eller error i adressen som ble limt inn").into(),
            ));
        }
        Ok(params)
    }
}

/// A browser login in progress. `Debug` shows where it listens, never its state, nonce or
/// PKCE verifier.
pub struct BrowserLogin {
    provider: Provider,
    /// The URL to open in a browser.
    pub authorize_url: String,
    /// The loopback redirect URI.
    pub redirect_uri: String,
    /// The loopback port in use.
    pub port: u16,
    /// The preferred fixed port was taken, so another was used.
    pub fixed_port_busy: bool,
    state: String,
    nonce: String,
    verifier: String,
    listener: Option<tokio::net::TcpListener>,
}

impl std::fmt::Debug for BrowserLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserLogin")
            .field("redirect_uri", &self.redirect_uri)
            .field("port", &self.port)
            .field("fixed_port_busy", &self.fixed_port_busy)
            .finish_non_exhaustive()
    }
}

/// Starts a browser login: binds the loopback listener and prepares the authorize URL
/// (pushed with PAR when the provider has it).
pub async fn start(
    provider: Provider,
    preferred_port: u16,
    scopes: &str,
    acr: &str,
) -> Result<BrowserLogin, AuthError> {
    let (listener, fixed_port_busy) =
        match tokio::net::TcpListener::bind(("127.0.0.1", preferred_port)).await {
            Ok(listener) => (listener, false),
            Err(_) => (
                tokio::net::TcpListener::bind(("127.0.0.1", 0))
                    .await
                    .map_err(|e| AuthError::Local(tr!("kan ikke lytte på 127.0.0.1: {e}", e)))?,
                preferred_port != 0,
            ),
        };
    let port = listener
        .local_addr()
        .map_err(|e| AuthError::Local(e.to_string()))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state = CsrfToken::new_random().secret().clone();
    let nonce = CsrfToken::new_random().secret().clone();
    let authorize_url = match &provider.metadata.pushed_authorization_request_endpoint {
        Some(par) => {
            let form = [
                ("client_id", provider.client_id.as_str()),
                ("response_type", "code"),
                ("redirect_uri", redirect_uri.as_str()),
                ("scope", scopes),
                ("state", state.as_str()),
                ("nonce", nonce.as_str()),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
                ("acr_values", acr),
                ("ui_locales", crate::i18n::current().code()),
            ];
            let response = provider
                .http()
                .post(par)
                .form(&form)
                .send()
                .await
                .map_err(|e| AuthError::Network(crate::http::describe_reqwest_error(&e)))?;
            let status = response.status();
            let body: serde_json::Value = response
                .json()
                .await
                .map_err(|e| AuthError::Protocol(format!("PAR: {e}")))?;
            let Some(request_uri) = body.get("request_uri").and_then(|v| v.as_str()) else {
                return Err(AuthError::Protocol(tr!(
                    "PAR svarte {status}: {body}",
                    status,
                    body
                )));
            };
            let mut url = url::Url::parse(&provider.metadata.authorization_endpoint)
                .map_err(|e| AuthError::Protocol(format!("authorization_endpoint: {e}")))?;
            url.query_pairs_mut()
                .append_pair("client_id", &provider.client_id)
                .append_pair("request_uri", request_uri);
            url.to_string()
        }
        None => {
            let client = provider.oauth_client(Some(&redirect_uri))?;
            let state_for_url = state.clone();
            let (url, _) = client
                .authorize_url(move || CsrfToken::new(state_for_url))
                .add_scopes(scopes.split(' ').map(|s| Scope::new(s.to_owned())))
                .set_pkce_challenge(challenge)
                .add_extra_param("nonce", &nonce)
                .add_extra_param("acr_values", acr)
                .add_extra_param("ui_locales", crate::i18n::current().code())
                .url();
            url.to_string()
        }
    };
    Ok(BrowserLogin {
        provider,
        authorize_url,
        redirect_uri,
        port,
        fixed_port_busy,
        state,
        nonce,
        verifier: verifier.secret().clone(),
        listener: Some(listener),
    })
}

async fn serve_one_callback(
    listener: tokio::net::TcpListener,
    expected: String,
) -> Result<CallbackParams, AuthError> {
    let (tx, rx) = oneshot::channel::<CallbackParams>();
    let slot = Arc::new(Mutex::new(Some(tx)));
    let app = axum::Router::new().route(
        "/callback",
        get(move |Query(query): Query<HashMap<String, String>>| {
            let slot = slot.clone();
            let expected = expected.clone();
            async move {
                let params = CallbackParams::from_pairs(
                    query
                        .iter()
                        .map(|(k, v)| (k.as_str().into(), v.as_str().into())),
                );
                if params.state.as_deref() != Some(expected.as_str()) {
                    return (
                        StatusCode::BAD_REQUEST,
                        Html(format!("<h1>{}</h1>", tr!("Ugyldig state"))),
                    )
                        .into_response();
                }
                let sender = slot.lock().ok().and_then(|mut s| s.take());
                match sender {
                    Some(sender) => {
                        let _ = sender.send(params);
                        Html(done_page()).into_response()
                    }
                    None => (
                        StatusCode::GONE,
                        Html(format!("<h1>{}</h1>", tr!("Allerede mottatt"))),
                    )
                        .into_response(),
                }
            }
        }),
    );
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let result = rx
        .await
        .map_err(|_| AuthError::Local(tr!("lytteren stoppet").into()));
    // Give the browser its page, then close the port.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    server.abort();
    result
}

/// True when a browser can be opened on this machine for the user: a local display
/// (macOS, or `DISPLAY`/`WAYLAND_DISPLAY`), not over SSH, and `$BROWSER` not a text browser
/// (which would fight the TUI for the terminal).
pub fn local_browser_available(var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    if set("SSH_CONNECTION") || set("SSH_TTY") || set("SSH_CLIENT") {
        return false;
    }
    let text_browser = var("BROWSER").is_some_and(|b| {
        [
            "lynx",
            "w3m",
            "links",
            "elinks",
            "www-browser",
            "browsh",
            "carbonyl",
        ]
        .iter()
        .any(|t| b.contains(t))
    });
    let display = cfg!(target_os = "macos") || set("DISPLAY") || set("WAYLAND_DISPLAY");
    display && !text_browser
}

/// True when running over SSH (show the `ssh -L` hint).
pub fn over_ssh(var: impl Fn(&str) -> Option<String>) -> bool {
    ["SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"]
        .iter()
        .any(|name| var(name).is_some_and(|v| !v.is_empty()))
}

/// Opens `url` with the system opener, detached and silent, so the terminal is untouched.
pub fn open_in_browser(url: &str) -> std::io::Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

/// The page the browser lands on, in the language in use.
fn done_page() -> String {
    format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>innboks</title>\
<body style=\"font-family:sans-serif;margin:3em\"><h1>{}</h1><p>{}</p></body></html>",
        crate::i18n::current().code(),
        tr!("Innlogging mottatt"),
        tr!("Du kan lukke denne fanen og gå tilbake til terminalen."),
    )
}

impl BrowserLogin {
    /// The loopback server as a future of its own (it owns the listener): resolves with the
    /// first callback that carries our `state`, then closes the port. Callbacks with another
    /// state are refused and the wait goes on. Can be taken once.
    pub fn callback(
        &mut self,
    ) -> impl std::future::Future<Output = Result<CallbackParams, AuthError>> + Send + 'static {
        let listener = self.listener.take();
        let expected = self.state.clone();
        async move {
            let listener = listener
                .ok_or_else(|| AuthError::Local(tr!("lytteren er allerede brukt").into()))?;
            serve_one_callback(listener, expected).await
        }
    }

    /// Waits for the browser's redirect on the loopback listener (see [`Self::callback`]).
    pub async fn wait_for_callback(&mut self) -> Result<CallbackParams, AuthError> {
        self.callback().await
    }

    /// True when pasted or received parameters carry our `state`.
    pub fn state_matches(&self, params: &CallbackParams) -> bool {
        params.state.as_deref() == Some(self.state.as_str())
    }

    /// Checks the redirect (error, `state`, `iss`), exchanges the code with the PKCE
    /// verifier and validates the id_token.
    pub async fn finish(
        &self,
        params: CallbackParams,
        min_acr: &str,
    ) -> Result<(TokenSet, IdClaims), AuthError> {
        if let Some(error) = params.error {
            let description = params.error_description.unwrap_or_default();
            return Err(AuthError::Denied(
                format!("{error} {description}").trim().to_owned(),
            ));
        }
        if params.state.as_deref() != Some(self.state.as_str()) {
            return Err(AuthError::StateMismatch);
        }
        match params.iss.as_deref() {
            Some(iss) if iss != self.provider.issuer() => return Err(AuthError::WrongIssuer),
            None if self
                .provider
                .metadata
                .authorization_response_iss_parameter_supported =>
            {
                return Err(AuthError::WrongIssuer)
            }
            _ => {}
        }
        let code = params
            .code
            .ok_or_else(|| AuthError::Protocol(tr!("ingen code i svaret").into()))?;
        let client = self.provider.oauth_client(Some(&self.redirect_uri))?;
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(self.verifier.clone()))
            .request_async(self.provider.http())
            .await
            .map_err(map_code_error)?;
        let raw_id = response
            .extra_fields()
            .id_token
            .clone()
            .ok_or_else(|| AuthError::IdToken(tr!("tokensvaret har ingen id_token").into()))?;
        let claims = self
            .provider
            .validate_id_token(&raw_id, Some(&self.nonce), min_acr)?;
        Ok((token_set(&response), claims))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_urls_and_queries() {
        let full = CallbackParams::parse(
            "http://127.0.0.1:49411/callback?code=abc&state=xyz&iss=https%3A%2F%2Fidporten.no",
        )
        .expect("url");
        assert_eq!(full.code.as_deref(), Some("abc"));
        assert_eq!(full.iss.as_deref(), Some("https://idporten.no"));
        let query = CallbackParams::parse("?code=abc&state=xyz").expect("query");
        assert_eq!(query.state.as_deref(), Some("xyz"));
        let bare = CallbackParams::parse(" code=abc&state=xyz \n").expect("bare");
        assert_eq!(bare.code.as_deref(), Some("abc"));
        let error = CallbackParams::parse("error=access_denied&state=s").expect("error");
        assert_eq!(error.error.as_deref(), Some("access_denied"));
        assert!(CallbackParams::parse("hello").is_err());
    }

    #[test]
    fn browser_only_with_a_local_display_and_not_over_ssh() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let linux_desktop = env(&[("DISPLAY", ":0")]);
        assert!(local_browser_available(linux_desktop));
        assert!(!local_browser_available(env(&[
            ("DISPLAY", ":0"),
            ("SSH_CONNECTION", "1 2 3 4")
        ])));
        assert!(!local_browser_available(env(&[
            ("DISPLAY", ":0"),
            ("BROWSER", "w3m")
        ])));
        assert!(over_ssh(env(&[("SSH_TTY", "/dev/pts/1")])));
        assert!(!over_ssh(env(&[])));
    }
}
