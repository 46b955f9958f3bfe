//! An ID-porten-like OpenID provider, under `/idporten` of the simulator: discovery, JWKS
//! (an RS256 key made at start), authorization code with PKCE S256 (state, nonce and `iss`
//! in the response), PAR, the device authorization grant, rotating one-time refresh tokens
//! (reuse revokes the whole grant), revocation and userinfo. Logins are approved on a small
//! HTML page, or automatically after `--auto-approve` seconds.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{lock, random_hex, SimState};

/// The device grant's type URN.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Client ids the provider knows (public native clients, loopback redirect).
const CLIENTS: &[&str] = &["innboks", "innboks-demo"];

/// Claims of the access and id tokens the simulator issues.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Subject (pairwise id).
    pub sub: String,
    /// Audience: the client id for id tokens, `altinn` for access tokens.
    pub aud: String,
    /// Expiry (seconds since the epoch).
    pub exp: u64,
    /// Issued at.
    pub iat: u64,
    /// National identity number.
    pub pid: String,
    /// Level of assurance.
    pub acr: String,
    /// Authentication methods.
    #[serde(default)]
    pub amr: Vec<String>,
    /// Scopes (access tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Nonce (id tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Client id.
    pub client_id: String,
    /// The grant (session) id.
    pub sid: String,
    /// A unique token id.
    #[serde(default)]
    pub jti: String,
}

/// The signing key and its public half.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    kid: String,
    n: String,
    e: String,
    der: Vec<u8>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").field("kid", &self.kid).finish()
    }
}

impl Keys {
    /// A fresh 2048-bit RSA key.
    pub fn generate() -> Result<Self, String> {
        let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
            .map_err(|e| format!("RSA key generation failed: {e}"))?;
        Self::from_private(private, format!("sim-{}", &random_hex(4)))
    }

    /// The key saved in a state file (PKCS#1 DER).
    fn from_der(der: &[u8], kid: String) -> Result<Self, String> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        let private =
            rsa::RsaPrivateKey::from_pkcs1_der(der).map_err(|e| format!("saved RSA key: {e}"))?;
        Self::from_private(private, kid)
    }

    fn from_private(private: rsa::RsaPrivateKey, kid: String) -> Result<Self, String> {
        let der = private
            .to_pkcs1_der()
            .map_err(|e| format!("RSA key encoding failed: {e}"))?;
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
        let decoding =
            DecodingKey::from_rsa_components(&n, &e).map_err(|e| format!("RSA public key: {e}"))?;
        Ok(Self {
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            decoding,
            kid,
            n,
            e,
            der: der.as_bytes().to_vec(),
        })
    }

    fn sign(&self, claims: &Claims) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap_or_default()
    }

    /// Verifies an access token the simulator issued.
    pub fn verify(&self, token: &str, issuer: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&["altinn"]);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map(|d| d.claims)
    }
}

/// The parameters of an authorization request.
#[derive(Debug, Clone, Default)]
struct AuthRequest {
    client_id: String,
    redirect_uri: String,
    state: String,
    nonce: String,
    code_challenge: String,
    scope: String,
    acr: String,
}

#[derive(Debug, Clone)]
struct CodeGrant {
    request: AuthRequest,
    user: usize,
    expires: Instant,
}

#[derive(Debug, Clone, PartialEq)]
enum DeviceStatus {
    Pending,
    Approved(usize),
    Denied,
}

#[derive(Debug, Clone)]
struct Device {
    user_code: String,
    client_id: String,
    scope: String,
    /// The level asked for (`acr_values`).
    acr: String,
    created: Instant,
    expires: Instant,
    interval: Duration,
    last_poll: Option<Instant>,
    status: DeviceStatus,
}

#[derive(Debug, Clone)]
struct Grant {
    user: usize,
    client_id: String,
    scope: String,
    acr: String,
    revoked: bool,
    ends: Instant,
}

#[derive(Debug, Clone)]
struct RefreshRecord {
    grant: String,
    expires: Instant,
    used: bool,
}

/// Everything the provider remembers.
#[derive(Debug, Default)]
pub struct OidcStore {
    pending: HashMap<String, (AuthRequest, Instant)>,
    par: HashMap<String, (AuthRequest, Instant)>,
    codes: HashMap<String, CodeGrant>,
    devices: HashMap<String, Device>,
    grants: HashMap<String, Grant>,
    refresh_tokens: HashMap<String, RefreshRecord>,
}

/// What a state file keeps, so `innboks demo` can be restarted without losing its logins:
/// the signing key, the grants and the refresh tokens (times as seconds since the epoch).
#[derive(Serialize, Deserialize)]
struct Saved {
    key_der: String,
    kid: String,
    grants: Vec<(String, SavedGrant)>,
    refresh_tokens: Vec<(String, SavedRefresh)>,
}

#[derive(Serialize, Deserialize)]
struct SavedGrant {
    user: usize,
    client_id: String,
    scope: String,
    acr: String,
    revoked: bool,
    ends: u64,
}

#[derive(Serialize, Deserialize)]
struct SavedRefresh {
    grant: String,
    expires: u64,
    used: bool,
}

fn to_epoch(at: Instant) -> u64 {
    let now = Instant::now();
    let secs = now_secs();
    if at >= now {
        secs + (at - now).as_secs()
    } else {
        secs.saturating_sub((now - at).as_secs())
    }
}

fn from_epoch(at: u64) -> Instant {
    let now = Instant::now();
    let secs = now_secs();
    if at >= secs {
        now + Duration::from_secs(at - secs)
    } else {
        now.checked_sub(Duration::from_secs(secs - at))
            .unwrap_or(now)
    }
}

/// Loads the keys and store from a state file, or makes new ones when there is none (or it
/// cannot be read).
pub fn load_or_generate(path: Option<&std::path::Path>) -> Result<(Keys, OidcStore), String> {
    let saved = path
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|bytes| serde_json::from_slice::<Saved>(&bytes).ok());
    let Some(saved) = saved else {
        return Ok((Keys::generate()?, OidcStore::default()));
    };
    let der = base64::engine::general_purpose::STANDARD
        .decode(saved.key_der)
        .map_err(|e| e.to_string())?;
    let keys = Keys::from_der(&der, saved.kid)?;
    let mut store = OidcStore::default();
    for (id, g) in saved.grants {
        store.grants.insert(
            id,
            Grant {
                user: g.user,
                client_id: g.client_id,
                scope: g.scope,
                acr: g.acr,
                revoked: g.revoked,
                ends: from_epoch(g.ends),
            },
        );
    }
    for (token, r) in saved.refresh_tokens {
        store.refresh_tokens.insert(
            token,
            RefreshRecord {
                grant: r.grant,
                expires: from_epoch(r.expires),
                used: r.used,
            },
        );
    }
    Ok((keys, store))
}

/// Writes the state file (0600), if the simulator has one.
fn persist(state: &SimState) {
    let Some(path) = &state.config.state_file else {
        return;
    };
    let saved = {
        let store = lock(&state.oidc);
        Saved {
            key_der: base64::engine::general_purpose::STANDARD.encode(&state.keys.der),
            kid: state.keys.kid.clone(),
            grants: store
                .grants
                .iter()
                .map(|(id, g)| {
                    (
                        id.clone(),
                        SavedGrant {
                            user: g.user,
                            client_id: g.client_id.clone(),
                            scope: g.scope.clone(),
                            acr: g.acr.clone(),
                            revoked: g.revoked,
                            ends: to_epoch(g.ends),
                        },
                    )
                })
                .collect(),
            refresh_tokens: store
                .refresh_tokens
                .iter()
                .filter(|(_, r)| r.expires > Instant::now())
                .map(|(t, r)| {
                    (
                        t.clone(),
                        SavedRefresh {
                            grant: r.grant.clone(),
                            expires: to_epoch(r.expires),
                            used: r.used,
                        },
                    )
                })
                .collect(),
        }
    };
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            crate::paths::create_private_dir(dir)?;
        }
        let text = serde_json::to_vec(&saved).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
        }
        std::fs::rename(&tmp, path)
    };
    if let Err(error) = write() {
        tracing::warn!(%error, "simulator state not saved");
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>{}</title>\
             <style>body{{font-family:sans-serif;max-width:36em;margin:3em auto}}button{{font-size:1.1em;margin:.3em}}</style>\
             </head><body><h1>{}</h1>{body}</body></html>",
            escape(title),
            escape(title)
        )),
    )
        .into_response()
}

fn is_loopback_callback(uri: &str) -> bool {
    match url::Url::parse(uri) {
        Ok(url) => {
            url.scheme() == "http"
                && matches!(
                    url.host_str(),
                    Some("127.0.0.1") | Some("localhost") | Some("[::1]")
                )
                && url.path() == "/callback"
        }
        Err(_) => false,
    }
}

fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut url = match url::Url::parse(redirect_uri) {
        Ok(url) => url,
        Err(_) => return page(StatusCode::BAD_REQUEST, "Ugyldig redirect_uri", ""),
    };
    {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in params {
            pairs.append_pair(k, v);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

/// The provider's issuer: `http://127.0.0.1:PORT/idporten`.
pub fn issuer(state: &SimState) -> String {
    format!("{}/idporten", state.base_url)
}

/// Handles a request under `/idporten`; returns the route name for the stats and the answer.
pub fn dispatch(
    state: &SimState,
    method: &Method,
    rest: &[&str],
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> (&'static str, Response) {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let params = if method == Method::POST { &form } else { query };
    match (method.clone(), rest) {
        (Method::GET, [".well-known", "openid-configuration"]) => {
            ("/idporten/discovery", discovery(state))
        }
        (Method::GET, ["jwks"]) => ("/idporten/jwks", jwks(state)),
        (Method::GET, ["authorize"]) => ("/idporten/authorize", authorize(state, params)),
        (_, ["approve"]) => ("/idporten/approve", approve(state, params)),
        (Method::POST, ["par"]) => ("/idporten/par", par(state, params)),
        (Method::POST, ["token"]) => ("/idporten/token", token(state, params)),
        (Method::POST, ["device_authorization"]) => (
            "/idporten/device_authorization",
            device_authorization(state, params),
        ),
        (_, ["device"]) => (
            "/idporten/device",
            device_page(state, params, method == Method::POST),
        ),
        (Method::POST, ["revoke"]) => ("/idporten/revoke", revoke(state, params)),
        (Method::GET, ["userinfo"]) => ("/idporten/userinfo", userinfo(state, headers)),
        _ => (
            "/idporten/other",
            page(StatusCode::NOT_FOUND, "Finnes ikke", ""),
        ),
    }
}

fn discovery(state: &SimState) -> Response {
    let iss = issuer(state);
    let mut doc = json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/authorize"),
        "token_endpoint": format!("{iss}/token"),
        "jwks_uri": format!("{iss}/jwks"),
        "userinfo_endpoint": format!("{iss}/userinfo"),
        "revocation_endpoint": format!("{iss}/revoke"),
        "pushed_authorization_request_endpoint": format!("{iss}/par"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": ["openid", "profile", "digdir:dialogporten", "digdir:dialogporten.noconsent", "altinn:enduser", "altinn:instances.meta",
            "altinn:instances.read", "altinn:instances.write", "altinn:reportees", "altinn:profiles.read"],
        "acr_values_supported": ["idporten-loa-substantial", "idporten-loa-high"],
        "ui_locales_supported": ["nb", "nn", "en", "se"],
        "authorization_response_iss_parameter_supported": true,
        "request_uri_parameter_supported": true,
    });
    if state.config.device_flow {
        doc["device_authorization_endpoint"] = json!(format!("{iss}/device_authorization"));
        doc["grant_types_supported"] = json!(["authorization_code", "refresh_token", DEVICE_GRANT]);
    }
    axum::Json(doc).into_response()
}

fn jwks(state: &SimState) -> Response {
    let keys = &state.keys;
    axum::Json(json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": keys.kid, "n": keys.n, "e": keys.e
    }]}))
    .into_response()
}

/// Validates client and redirect: failures here are never redirected (RFC 6749 §4.1.2.1).
fn check_client(params: &HashMap<String, String>) -> Result<(String, String), String> {
    let client_id = params.get("client_id").cloned().unwrap_or_default();
    if !CLIENTS.contains(&client_id.as_str()) {
        return Err(format!("Ukjent klient «{client_id}»."));
    }
    let redirect_uri = params.get("redirect_uri").cloned().unwrap_or_default();
    if !is_loopback_callback(&redirect_uri) {
        return Err(format!(
            "redirect_uri «{redirect_uri}» er ikke registrert for klienten."
        ));
    }
    Ok((client_id, redirect_uri))
}

/// Validates the rest of an authorization request; `Err` is (error, description).
fn check_request(
    params: &HashMap<String, String>,
    client_id: String,
    redirect_uri: String,
) -> Result<AuthRequest, (&'static str, &'static str)> {
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    if get("response_type") != "code" {
        return Err(("unsupported_response_type", "response_type must be code"));
    }
    if get("code_challenge").is_empty() || get("code_challenge_method") != "S256" {
        return Err((
            "invalid_request",
            "PKCE with code_challenge_method=S256 is required",
        ));
    }
    if get("state").is_empty() {
        return Err(("invalid_request", "state is required"));
    }
    if get("nonce").is_empty() {
        return Err(("invalid_request", "nonce is required"));
    }
    let scope = get("scope");
    if !scope.split(' ').any(|s| s == "openid") {
        return Err(("invalid_scope", "scope must include openid"));
    }
    let acr = match get("acr_values").as_str() {
        "" | "idporten-loa-substantial" => "idporten-loa-substantial",
        "idporten-loa-high" => "idporten-loa-high",
        _ => return Err(("invalid_request", "unsupported acr_values")),
    };
    Ok(AuthRequest {
        client_id,
        redirect_uri,
        state: get("state"),
        nonce: get("nonce"),
        code_challenge: get("code_challenge"),
        scope,
        acr: acr.to_owned(),
    })
}

fn authorize(state: &SimState, params: &HashMap<String, String>) -> Response {
    let iss = issuer(state);
    let request = if let Some(request_uri) = params.get("request_uri") {
        let stored = lock(&state.oidc).par.remove(request_uri);
        match stored {
            Some((request, expires))
                if expires > Instant::now()
                    && params.get("client_id") == Some(&request.client_id) =>
            {
                request
            }
            _ => {
                return page(
                    StatusCode::BAD_REQUEST,
                    "Ugyldig eller utløpt request_uri",
                    "",
                )
            }
        }
    } else {
        let (client_id, redirect_uri) = match check_client(params) {
            Ok(ok) => ok,
            Err(message) => {
                return page(
                    StatusCode::BAD_REQUEST,
                    "Ugyldig innloggingsforespørsel",
                    &format!("<p>{}</p>", escape(&message)),
                )
            }
        };
        match check_request(params, client_id, redirect_uri.clone()) {
            Ok(request) => request,
            Err((error, description)) => {
                let state_param = params.get("state").cloned().unwrap_or_default();
                let mut out = vec![
                    ("error", error),
                    ("error_description", description),
                    ("iss", iss.as_str()),
                ];
                if !state_param.is_empty() {
                    out.push(("state", state_param.as_str()));
                }
                return redirect_with(&redirect_uri, &out);
            }
        }
    };
    let id = random_hex(16);
    lock(&state.oidc)
        .pending
        .insert(id.clone(), (request.clone(), Instant::now()));
    match state.config.auto_approve {
        // Approved at once: as the user a `login_hint` names (demo or ola), else the demo user.
        Some(delay) if delay.is_zero() => {
            let user = params
                .get("login_hint")
                .and_then(|hint| user_index(hint))
                .unwrap_or(0);
            finish_authorization(state, &id, Some(user))
        }
        auto => {
            let refresh = auto
                .map(|d| format!("<meta http-equiv=\"refresh\" content=\"{};url={iss}/approve?id={id}&amp;user=demo\">", d.as_secs()))
                .unwrap_or_default();
            let body = format!(
                "{refresh}<p>Klienten <b>{}</b> ber om tilgang til <code>{}</code> på nivå {}.</p>\
                 <form method=\"post\" action=\"{iss}/approve\"><input type=\"hidden\" name=\"id\" value=\"{id}\">\
                 <button name=\"user\" value=\"demo\">Logg inn som Kari Nordmann</button>\
                 <button name=\"user\" value=\"ola\">Logg inn som Ola Nordmann</button>\
                 <button name=\"user\" value=\"deny\">Avbryt</button></form>",
                escape(&request.client_id),
                escape(&request.scope),
                escape(&request.acr)
            );
            page(StatusCode::OK, "ID-porten (simulator)", &body)
        }
    }
}

fn user_index(name: &str) -> Option<usize> {
    match name {
        "demo" => Some(0),
        "ola" => Some(1),
        _ => None,
    }
}

fn approve(state: &SimState, params: &HashMap<String, String>) -> Response {
    let id = params.get("id").cloned().unwrap_or_default();
    let user = params.get("user").and_then(|u| user_index(u));
    finish_authorization(state, &id, user)
}

/// Ends a pending authorization: a code for `user`, or `access_denied` for `None`.
fn finish_authorization(state: &SimState, id: &str, user: Option<usize>) -> Response {
    let iss = issuer(state);
    let Some((request, _)) = lock(&state.oidc).pending.remove(id) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Innloggingen finnes ikke eller er allerede brukt",
            "",
        );
    };
    let Some(user) = user else {
        return redirect_with(
            &request.redirect_uri,
            &[
                ("error", "access_denied"),
                ("state", &request.state),
                ("iss", &iss),
            ],
        );
    };
    let code = random_hex(24);
    lock(&state.oidc).codes.insert(
        code.clone(),
        CodeGrant {
            request: request.clone(),
            user,
            expires: Instant::now() + Duration::from_secs(60),
        },
    );
    redirect_with(
        &request.redirect_uri,
        &[("code", &code), ("state", &request.state), ("iss", &iss)],
    )
}

fn par(state: &SimState, params: &HashMap<String, String>) -> Response {
    let (client_id, redirect_uri) = match check_client(params) {
        Ok(ok) => ok,
        Err(message) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &message),
    };
    match check_request(params, client_id, redirect_uri) {
        Ok(request) => {
            let request_uri = format!("urn:ietf:params:oauth:request_uri:{}", random_hex(16));
            lock(&state.oidc).par.insert(
                request_uri.clone(),
                (request, Instant::now() + Duration::from_secs(120)),
            );
            (
                StatusCode::CREATED,
                axum::Json(json!({"request_uri": request_uri, "expires_in": 120})),
            )
                .into_response()
        }
        Err((error, description)) => oauth_error(StatusCode::BAD_REQUEST, error, description),
    }
}

fn pid_of(state: &SimState, user: usize) -> String {
    let world = lock(&state.world);
    world
        .users
        .get(user)
        .and_then(|u| u.reportees.first())
        .and_then(|&r| world.reportees.get(r))
        .and_then(|r| r.ssn.clone())
        .unwrap_or_default()
}

fn count_grant(state: &SimState, kind: &str) {
    *lock(&state.stats)
        .grants
        .entry(kind.to_owned())
        .or_default() += 1;
}

fn count_error(state: &SimState, error: &str) {
    *lock(&state.stats)
        .token_errors
        .entry(error.to_owned())
        .or_default() += 1;
}

/// Issues an access token (and, on a new grant, an id token) plus a fresh refresh token
/// unless the simulator issues none.
fn issue_tokens(state: &SimState, grant_id: &str, nonce: Option<&str>) -> Response {
    let grant = match lock(&state.oidc).grants.get(grant_id) {
        Some(grant) => grant.clone(),
        None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "unknown grant"),
    };
    let iss = issuer(state);
    let now = now_secs();
    let pid = pid_of(state, grant.user);
    let base = Claims {
        iss: iss.clone(),
        sub: format!(
            "sub-{}",
            URL_SAFE_NO_PAD.encode(Sha256::digest(pid.as_bytes()))[..16].to_owned()
        ),
        aud: "altinn".into(),
        exp: now + state.config.token_ttl.as_secs(),
        iat: now,
        pid,
        acr: grant.acr.clone(),
        amr: vec!["BankID".into()],
        scope: Some(grant.scope.clone()),
        nonce: None,
        client_id: grant.client_id.clone(),
        sid: grant_id.to_owned(),
        jti: random_hex(8),
    };
    let access_token = state.keys.sign(&base);
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": state.config.token_ttl.as_secs(),
        "scope": grant.scope,
    });
    // A public client may get no refresh token (`--no-refresh-tokens`): the session then
    // lives as long as the access token.
    if state.config.refresh_tokens {
        let refresh_token = random_hex(32);
        let refresh_expires = (Instant::now() + state.config.refresh_ttl).min(grant.ends);
        lock(&state.oidc).refresh_tokens.insert(
            refresh_token.clone(),
            RefreshRecord {
                grant: grant_id.to_owned(),
                expires: refresh_expires,
                used: false,
            },
        );
        body["refresh_token"] = json!(refresh_token);
        body["refresh_token_expires_in"] = json!(state.config.refresh_ttl.as_secs());
    }
    if let Some(nonce) = nonce {
        let id_claims = Claims {
            aud: grant.client_id.clone(),
            exp: now + 120,
            scope: None,
            nonce: Some(nonce.to_owned()),
            jti: random_hex(8),
            ..base
        };
        body["id_token"] = json!(state.keys.sign(&id_claims));
    }
    ([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response()
}

fn new_grant(state: &SimState, user: usize, client_id: &str, scope: &str, acr: &str) -> String {
    let id = random_hex(12);
    lock(&state.oidc).grants.insert(
        id.clone(),
        Grant {
            user,
            client_id: client_id.to_owned(),
            scope: scope.to_owned(),
            acr: acr.to_owned(),
            revoked: false,
            ends: Instant::now() + state.config.authorization_lifetime,
        },
    );
    id
}

fn token(state: &SimState, params: &HashMap<String, String>) -> Response {
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    let client_id = get("client_id");
    if !CLIENTS.contains(&client_id.as_str()) {
        count_error(state, "invalid_client");
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    }
    let result = match get("grant_type").as_str() {
        "authorization_code" => code_grant(
            state,
            &client_id,
            &get("code"),
            &get("redirect_uri"),
            &get("code_verifier"),
        ),
        "refresh_token" => refresh_grant(state, &client_id, &get("refresh_token")),
        DEVICE_GRANT => device_grant(state, &client_id, &get("device_code")),
        _ => Err((
            "unsupported_grant_type",
            "grant_type not supported".to_owned(),
        )),
    };
    match result {
        Ok(response) => {
            persist(state);
            response
        }
        Err((error, description)) => {
            count_error(state, error);
            // Only a refused refresh can change what is kept (reuse revokes the grant);
            // device polls (`authorization_pending`) must not rewrite the state file.
            if error == "invalid_grant" {
                persist(state);
            }
            oauth_error(StatusCode::BAD_REQUEST, error, &description)
        }
    }
}

type GrantResult = Result<Response, (&'static str, String)>;

fn code_grant(
    state: &SimState,
    client_id: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> GrantResult {
    let grant = lock(&state.oidc).codes.remove(code);
    let Some(grant) = grant.filter(|g| g.expires > Instant::now()) else {
        return Err(("invalid_grant", "unknown, used or expired code".into()));
    };
    if grant.request.client_id != client_id || grant.request.redirect_uri != redirect_uri {
        return Err((
            "invalid_grant",
            "client_id or redirect_uri does not match the authorization".into(),
        ));
    }
    if !(43..=128).contains(&verifier.len()) {
        return Err((
            "invalid_grant",
            "code_verifier must be 43 to 128 characters".into(),
        ));
    }
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if challenge != grant.request.code_challenge {
        return Err(("invalid_grant", "PKCE verification failed".into()));
    }
    let id = new_grant(
        state,
        grant.user,
        client_id,
        &grant.request.scope,
        &grant.request.acr,
    );
    count_grant(state, "authorization_code");
    Ok(issue_tokens(state, &id, Some(&grant.request.nonce)))
}

fn refresh_grant(state: &SimState, client_id: &str, token: &str) -> GrantResult {
    let mut store = lock(&state.oidc);
    let Some(record) = store.refresh_tokens.get(token).cloned() else {
        return Err(("invalid_grant", "unknown refresh token".into()));
    };
    let Some(grant) = store.grants.get(&record.grant).cloned() else {
        return Err(("invalid_grant", "unknown grant".into()));
    };
    if grant.client_id != client_id {
        return Err((
            "invalid_grant",
            "refresh token belongs to another client".into(),
        ));
    }
    if record.used {
        if let Some(grant) = store.grants.get_mut(&record.grant) {
            grant.revoked = true;
        }
        drop(store);
        lock(&state.stats).reuse_detections += 1;
        return Err((
            "invalid_grant",
            "refresh token reuse detected: the grant is revoked".into(),
        ));
    }
    if grant.revoked {
        return Err(("invalid_grant", "the grant is revoked".into()));
    }
    if record.expires <= Instant::now() || grant.ends <= Instant::now() {
        return Err(("invalid_grant", "the refresh token has expired".into()));
    }
    if let Some(record) = store.refresh_tokens.get_mut(token) {
        record.used = true;
    }
    drop(store);
    lock(&state.stats).refreshes += 1;
    count_grant(state, "refresh_token");
    Ok(issue_tokens(state, &record.grant, None))
}

fn device_grant(state: &SimState, client_id: &str, device_code: &str) -> GrantResult {
    let now = Instant::now();
    let mut store = lock(&state.oidc);
    let Some(device) = store.devices.get_mut(device_code) else {
        return Err(("invalid_grant", "unknown device code".into()));
    };
    if device.client_id != client_id {
        return Err((
            "invalid_grant",
            "device code belongs to another client".into(),
        ));
    }
    if device.expires <= now {
        store.devices.remove(device_code);
        return Err(("expired_token", "the device code has expired".into()));
    }
    if device.status == DeviceStatus::Pending {
        if let Some(delay) = state.config.auto_approve {
            if now >= device.created + delay {
                device.status = DeviceStatus::Approved(0);
            }
        }
    }
    let too_fast = device
        .last_poll
        .is_some_and(|last| now < last + device.interval);
    device.last_poll = Some(now);
    match device.status.clone() {
        DeviceStatus::Denied => {
            store.devices.remove(device_code);
            Err(("access_denied", "the user denied the request".into()))
        }
        DeviceStatus::Pending if too_fast => {
            device.interval += Duration::from_secs(5);
            Err(("slow_down", "polling too fast".into()))
        }
        DeviceStatus::Pending => Err(("authorization_pending", "waiting for the user".into())),
        DeviceStatus::Approved(user) => {
            let (scope, acr) = (device.scope.clone(), device.acr.clone());
            store.devices.remove(device_code);
            drop(store);
            let id = new_grant(state, user, client_id, &scope, &acr);
            count_grant(state, DEVICE_GRANT);
            Ok(issue_tokens(state, &id, Some("")))
        }
    }
}

fn device_authorization(state: &SimState, params: &HashMap<String, String>) -> Response {
    if !state.config.device_flow {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "no device flow here",
        );
    }
    let client_id = params.get("client_id").cloned().unwrap_or_default();
    if !CLIENTS.contains(&client_id.as_str()) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    }
    let scope = params
        .get("scope")
        .cloned()
        .unwrap_or_else(|| "openid".into());
    let acr = match params.get("acr_values").map(String::as_str) {
        None | Some("") | Some("idporten-loa-substantial") => "idporten-loa-substantial",
        Some("idporten-loa-high") => "idporten-loa-high",
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "unsupported acr_values",
            )
        }
    };
    let letters: Vec<char> = "BCDFGHJKLMNPQRSTVWXZ".chars().collect();
    let raw = random_hex(8);
    let user_code: String = raw
        .bytes()
        .take(8)
        .enumerate()
        .flat_map(|(i, b)| {
            let c = letters[b as usize % letters.len()];
            if i == 4 {
                vec!['-', c]
            } else {
                vec![c]
            }
        })
        .collect();
    let device_code = random_hex(32);
    let iss = issuer(state);
    let ttl = state.config.device_ttl;
    lock(&state.oidc).devices.insert(
        device_code.clone(),
        Device {
            user_code: user_code.clone(),
            client_id,
            scope,
            acr: acr.to_owned(),
            created: Instant::now(),
            expires: Instant::now() + ttl,
            interval: state.config.device_interval,
            last_poll: None,
            status: DeviceStatus::Pending,
        },
    );
    axum::Json(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": format!("{iss}/device"),
        "verification_uri_complete": format!("{iss}/device?user_code={user_code}"),
        "expires_in": ttl.as_secs(),
        "interval": state.config.device_interval.as_secs().max(1),
    }))
    .into_response()
}

fn device_page(state: &SimState, params: &HashMap<String, String>, post: bool) -> Response {
    let iss = issuer(state);
    let code = params
        .get("user_code")
        .map(|c| c.trim().to_uppercase())
        .unwrap_or_default();
    if post {
        let decision = params.get("user").cloned().unwrap_or_default();
        let mut store = lock(&state.oidc);
        let Some(device) = store
            .devices
            .values_mut()
            .find(|d| d.user_code == code && d.status == DeviceStatus::Pending)
        else {
            return page(StatusCode::BAD_REQUEST, "Ukjent eller utløpt kode", "");
        };
        device.status = match user_index(&decision) {
            Some(user) => DeviceStatus::Approved(user),
            None => DeviceStatus::Denied,
        };
        let done = if matches!(device.status, DeviceStatus::Denied) {
            "Innloggingen ble avvist."
        } else {
            "Du er logget inn. Gå tilbake til terminalen."
        };
        return page(
            StatusCode::OK,
            "ID-porten (simulator)",
            &format!("<p>{done}</p>"),
        );
    }
    let body = format!(
        "<form method=\"post\" action=\"{iss}/device\"><p>Kode: <input name=\"user_code\" value=\"{}\"></p>\
         <button name=\"user\" value=\"demo\">Logg inn som Kari Nordmann</button>\
         <button name=\"user\" value=\"ola\">Logg inn som Ola Nordmann</button>\
         <button name=\"user\" value=\"deny\">Avvis</button></form>",
        escape(&code)
    );
    page(
        StatusCode::OK,
        "ID-porten (simulator): bekreft innlogging",
        &body,
    )
}

/// Revokes every grant, as if the user logged out everywhere (a test hook): the next
/// refresh gets `invalid_grant`, and access tokens already out are refused.
pub(crate) fn revoke_all(state: &SimState) {
    let mut store = lock(&state.oidc);
    let count = store.grants.values_mut().map(|g| g.revoked = true).count();
    drop(store);
    lock(&state.stats).revocations += count as u64;
    persist(state);
}

fn revoke(state: &SimState, params: &HashMap<String, String>) -> Response {
    let token = params.get("token").cloned().unwrap_or_default();
    let mut store = lock(&state.oidc);
    let grant = store
        .refresh_tokens
        .get(&token)
        .map(|r| r.grant.clone())
        .or_else(|| {
            state
                .keys
                .verify(&token, &issuer(state))
                .ok()
                .map(|c| c.sid)
        });
    if let Some(grant) = grant.and_then(|g| store.grants.get_mut(&g)) {
        grant.revoked = true;
        drop(store);
        lock(&state.stats).revocations += 1;
        persist(state);
    }
    StatusCode::OK.into_response()
}

fn userinfo(state: &SimState, headers: &HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match state.keys.verify(token, &issuer(state)) {
        Ok(claims) => axum::Json(json!({"sub": claims.sub, "pid": claims.pid, "acr": claims.acr}))
            .into_response(),
        Err(_) => oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the access token is not valid",
        ),
    }
}

/// What a valid bearer token gives on the Altinn API: the user, the security level and the
/// scopes; or the 401 reason phrase Altinn would send.
pub fn bearer_auth(state: &SimState, token: &str) -> Result<(usize, u8, String), &'static str> {
    let claims = match state.keys.verify(token, &issuer(state)) {
        Ok(claims) => claims,
        Err(error)
            if matches!(
                error.kind(),
                jsonwebtoken::errors::ErrorKind::ExpiredSignature
            ) =>
        {
            return Err("IDX10223: Lifetime validation failed. The token is expired.")
        }
        Err(_) => return Err("IDX10503: Signature validation failed."),
    };
    let world = lock(&state.world);
    let user = world
        .users
        .iter()
        .position(|u| {
            u.reportees
                .first()
                .and_then(|&r| world.reportees.get(r))
                .and_then(|r| r.ssn.as_deref())
                == Some(claims.pid.as_str())
        })
        .ok_or("IDX10503: Signature validation failed.")?;
    let level = if claims.acr == "idporten-loa-high" {
        4
    } else {
        3
    };
    Ok((user, level, claims.scope.unwrap_or_default()))
}
