//! HTTP plumbing shared by every server we talk to (the backends and ID-porten): one client
//! builder, the retry policy for GETs, `Retry-After`, and transport errors in the user's words.

use crate::i18n::tr;
use std::time::Duration;

use reqwest::{Response, StatusCode};

/// A `reqwest` client builder with what every caller wants: redirects never followed (a 3xx
/// means a lost session or a misconfigured URL, never something to chase with credentials),
/// a 10 s connect timeout and our user agent. Callers add their own read and total timeouts.
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("innboks/", env!("CARGO_PKG_VERSION")))
}

/// How a GET that failed on the way (connection, timeout, a cut body, or a 500, 502, 503
/// or 504) is tried again: at most `retries` more times, waiting `base`, then twice that,
/// and so on up to `cap`, each wait with up to half again of random jitter, so many clients
/// never retry in step. Only GETs are retried: they change nothing on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries after the first.
    pub retries: u32,
    /// The first wait.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retries: 3,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(4),
        }
    }
}

impl RetryPolicy {
    /// The wait before try `attempt` (1 for the first retry), jitter included.
    pub fn wait(&self, attempt: u32) -> Duration {
        use rand::Rng;
        let exponential = self
            .base
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.cap);
        let jitter = rand::thread_rng().gen_range(0.0..=0.5);
        exponential.mul_f64(1.0 + jitter)
    }
}

/// True for the statuses a GET is tried again after.
pub fn retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 500 | 502 | 503 | 504)
}

/// How often a throttled (`429`) GET is retried.
pub const THROTTLE_RETRIES: u32 = 3;

/// The longest `Retry-After` waited out; a longer one is cut to this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// The wait a `Retry-After` header asks for: seconds, or an HTTP date; one second when it
/// is missing or unreadable.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Duration {
    let Some(value) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
    else {
        return Duration::from_secs(1);
    };
    if let Ok(seconds) = value.trim().parse::<u64>() {
        return Duration::from_secs(seconds);
    }
    chrono::DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .and_then(|at| {
            (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .ok()
        })
        .unwrap_or(Duration::from_secs(1))
}

/// The non-canonical HTTP reason phrase when the server sent one, else the canonical one.
pub fn reason_phrase(response: &Response) -> String {
    response
        .extensions()
        .get::<hyper::ext::ReasonPhrase>()
        .map(|r| crate::text::sanitize_line(&String::from_utf8_lossy(r.as_bytes())))
        .or_else(|| response.status().canonical_reason().map(str::to_owned))
        .unwrap_or_default()
}

/// A short description of a transport error, without URLs' query strings or secrets.
pub fn describe_reqwest_error(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        tr!("tidsavbrudd").to_owned()
    } else if error.is_connect() {
        tr!("tilkobling feilet").to_owned()
    } else if error.is_decode() || error.is_body() {
        tr!("avbrutt svar").to_owned()
    } else {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        text
    }
}
