//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod cli;

use chrono::{NaiveDate, NaiveDateTime};
use innboks::auth::Session;
use innboks::backend::altinn2::Client;
use innboks::secret::Secret;
use innboks::sim::{SimConfig, Simulator};

/// The anchor every test world uses, so mailboxes are the same on every day.
pub fn anchor() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(14, 0, 0))
        .expect("valid date")
}

/// The simulator configuration for `messages` messages.
pub fn config(messages: usize) -> SimConfig {
    SimConfig {
        seed: 42,
        messages,
        anchor: anchor(),
        ..SimConfig::default()
    }
}

/// Starts a simulator on an ephemeral loopback port.
pub async fn start(messages: usize) -> Simulator {
    Simulator::start(config(messages))
        .await
        .expect("simulator starts")
}

/// A client for the simulator with the right API key.
pub fn client(sim: &Simulator) -> Client {
    client_with_key(sim, sim.api_key())
}

/// A client for the simulator with a given API key.
pub fn client_with_key(sim: &Simulator, key: &str) -> Client {
    Client::new(
        url::Url::parse(&sim.base_url()).expect("url"),
        Secret::new(key),
    )
    .expect("client")
    .with_retry(FAST_RETRY)
}

/// Retries as in production, with short waits so tests stay quick.
pub const FAST_RETRY: innboks::http::RetryPolicy = innboks::http::RetryPolicy {
    retries: 3,
    base: std::time::Duration::from_millis(5),
    cap: std::time::Duration::from_millis(40),
};

/// Logs in as the demo user.
pub async fn login(client: &Client) -> Session {
    client
        .login_with_password("demo", &Secret::new("demo"))
        .await
        .expect("demo login works")
}

/// Characters that must never reach a terminal from the network: C0 controls (but line
/// breaks in multi-line output), DEL and C1 controls, bidi embeddings, overrides and
/// isolates, zero-width marks other than the joiner emoji need, and the BOM. Written out here
/// on its own, so the tests do not trust the sanitiser's own list.
pub fn forbidden_on_a_terminal(c: char, multiline: bool) -> bool {
    if multiline && c == '\n' {
        return false;
    }
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{200b}' | '\u{200c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}'
    )
}

/// A simulator for `messages` messages that approves ID-porten codes at once, for the
/// Altinn 3 backend.
pub async fn start_altinn3(messages: usize) -> Simulator {
    Simulator::start(SimConfig {
        auto_approve: Some(std::time::Duration::ZERO),
        device_interval: std::time::Duration::from_millis(20),
        ..config(messages)
    })
    .await
    .expect("the simulator starts")
}

/// The Altinn 3 backend logged in to `sim` with ID-porten's device flow (`openid
/// digdir:dialogporten`), retrying as [`FAST_RETRY`] does.
pub async fn altinn3_backend(sim: &Simulator) -> innboks::backend::Backend {
    altinn3_backend_at(sim, innboks::auth::oidc::DEFAULT_ACR).await
}

/// [`altinn3_backend`] logged in at the level of assurance `acr`.
#[allow(dead_code)]
pub async fn altinn3_backend_at(sim: &Simulator, acr: &str) -> innboks::backend::Backend {
    use innboks::auth::oidc::{self, Provider};
    use innboks::auth::{device, SessionHandle};
    let http = oidc::http_client().expect("http");
    let provider = Provider::discover(&http, &sim.issuer(), "innboks")
        .await
        .expect("discovery");
    let login = device::start_at(&provider, "openid digdir:dialogporten", acr)
        .await
        .expect("code");
    let (tokens, _) = device::poll(&provider, &login, acr).await.expect("tokens");
    let session = SessionHandle::default();
    session.set(Some(Session::Bearer {
        access_token: tokens.access_token,
    }));
    let client = innboks::backend::altinn3::Client::new(
        url::Url::parse(&sim.base_url()).expect("url"),
        "nb",
    )
    .expect("client")
    .with_retry(FAST_RETRY);
    innboks::backend::Backend::altinn3(client, session)
}

/// The environment of a private home for the real binary: `HOME` and the XDG directories
/// under it, so nothing of the machine's own config, session, cache or log is touched.
pub fn home_env(home: &std::path::Path) -> Vec<(&'static str, String)> {
    let locale = LOCALE.iter().map(|(k, v)| (*k, v.to_string()));
    [
        ("HOME", home.to_path_buf()),
        ("XDG_CONFIG_HOME", home.join("config")),
        ("XDG_DATA_HOME", home.join("data")),
        ("XDG_STATE_HOME", home.join("state")),
        ("XDG_CACHE_HOME", home.join("cache")),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.display().to_string()))
    .chain(locale)
    .collect()
}

/// The locale every run of the binary gets: bokmål, whatever the machine's own (the tests
/// read its Norwegian; an empty variable counts as unset).
pub const LOCALE: [(&str, &str); 3] =
    [("LANG", "nb_NO.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")];

/// A query for one folder.
pub fn query(folder: innboks::domain::Folder) -> innboks::domain::Query {
    innboks::domain::Query {
        folder: Some(folder),
        ..innboks::domain::Query::default()
    }
}

/// Every message of an inbox and folder, page after page (by continuation token).
pub async fn all(
    backend: &innboks::backend::Backend,
    inbox: &innboks::domain::Inbox,
    query: &innboks::domain::Query,
) -> Vec<innboks::domain::MessageSummary> {
    use innboks::domain::Cursor;
    let mut out = Vec::new();
    let mut cursor = Cursor::Offset(0);
    loop {
        let page = backend.page(inbox, query, &cursor).await.expect("page");
        out.extend(page.messages);
        match page.next {
            Some(next) if page.has_more => cursor = Cursor::Next(next),
            _ => return out,
        }
    }
}
