//! The Altinn 3 HTTP client: Dialogporten's end-user API with the ID-porten access token,
//! and Correspondence (and other service providers' content) with a dialog's
//! `dialogToken`. `Accept-Language` on every call; GETs retried like Altinn 2's; errors in
//! words the UI can show (ProblemDetails read for their message).

use crate::i18n::tr;
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, ETAG, IF_MATCH};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::json;
use tokio::io::AsyncWrite;
use url::Url;

use super::model::{problem_text, Dialog, DialogPage, DialogTexts, Parties};
use crate::auth::Session;
use crate::domain::ApiError;
use crate::http::{
    describe_reqwest_error, retry_after, retryable, RetryPolicy, MAX_RETRY_AFTER, THROTTLE_RETRIES,
};

/// Dialogporten's answers are at most this many items a page.
const MAX_LIMIT: usize = 1000;

/// Service owners one search may name (`org`, DP-limits).
const MAX_ORGS: usize = 20;

/// Dialogs one bulk label change may name (DP-labels: "between 1 and 100").
pub const BULK_LIMIT: usize = 100;

/// The Altinn 3 client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    /// For files: no total timeout (a large file on a slow line takes as long as it takes),
    /// a read timeout instead, and no redirects (a redirect is a page for a browser).
    files: reqwest::Client,
    /// The platform: `https://platform.altinn.no/` (Dialogporten and Correspondence below).
    base: Url,
    /// `Accept-Language`.
    language: String,
    retry: RetryPolicy,
}

/// What a search asks Dialogporten for (the query string's parts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    /// Party URNs (at most 100).
    pub parties: Vec<String>,
    /// A folder: `Default`, `Archive` or `Bin`.
    pub label: Option<&'static str>,
    /// Only unread (`isContentSeen=false`).
    pub unread: bool,
    /// Content updated after and before.
    pub after: Option<chrono::DateTime<chrono::Utc>>,
    /// See `after`.
    pub before: Option<chrono::DateTime<chrono::Utc>>,
    /// Only dialogs changed in any way after this (an incremental sync).
    pub updated_after: Option<chrono::DateTime<chrono::Utc>>,
    /// Free text (3 characters or more).
    pub text: Option<String>,
    /// Only these service owners (org codes, at most 20).
    pub orgs: Vec<String>,
    /// Items a page.
    pub limit: usize,
    /// Where the page starts.
    pub continuation: Option<String>,
    /// Leave out dialogs meant for programs only (`isApiOnly`), as the web inbox does.
    pub exclude_api_only: bool,
    /// Only dialogs with one of these statuses (none: any).
    pub statuses: Vec<&'static str>,
}

/// What Dialogporten's end-user search may name at most (`/api/v1/metadata/limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Parties one search may name (`maxPartyFilterValues`).
    pub parties: usize,
    /// Service owners one search may name (`maxOrgFilterValues`).
    pub orgs: usize,
}

impl Default for Limits {
    /// Dialogporten's defaults, for when it does not say.
    fn default() -> Self {
        Self {
            parties: crate::domain::MAX_PARTIES_PER_SEARCH,
            orgs: MAX_ORGS,
        }
    }
}

/// Why a file could not be fetched with the dialog's token.
#[derive(Debug)]
pub enum FileRefusal {
    /// The URL does not take the dialog's token (`401`, `403`) or sends a browser
    /// elsewhere (a redirect): another URL, or the browser, must do.
    Refused,
    /// Anything else.
    Failed(ApiError),
}

fn token_of(session: &Session) -> Result<&str, ApiError> {
    match session {
        Session::Bearer { access_token } => Ok(access_token.expose()),
        Session::Cookie { .. } => Err(ApiError::Unsupported {
            what: tr!("Altinn 3 tar ikke imot passordinnlogging; logg inn med ID-porten").into(),
        }),
    }
}

impl Client {
    /// A client for the platform at `base` (`https://platform.altinn.no/`), asking for texts
    /// in `language` (`nb`, `nn`, `en`).
    pub fn new(base: Url, language: &str) -> Result<Self, ApiError> {
        let http = crate::http::client_builder()
            .read_timeout(std::time::Duration::from_secs(20))
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| ApiError::Local(tr!("HTTP-klienten kunne ikke lages: {e}", e)))?;
        let files = crate::http::client_builder()
            .read_timeout(std::time::Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::Local(tr!("HTTP-klienten kunne ikke lages: {e}", e)))?;
        let base = if base.path().ends_with('/') {
            base
        } else {
            let mut b = base;
            let path = format!("{}/", b.path());
            b.set_path(&path);
            b
        };
        Ok(Self {
            http,
            files,
            base,
            language: language.to_owned(),
            retry: RetryPolicy::default(),
        })
    }

    /// Uses `policy` for GETs that fail on the way (tests use short waits).
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The languages texts are picked in, best first.
    pub fn languages(&self) -> Vec<&str> {
        vec![self.language.as_str()]
    }

    fn enduser(&self, path: &str) -> Result<Url, ApiError> {
        self.base
            .join(&format!("dialogporten/api/v1/enduser/{path}"))
            .map_err(|e| ApiError::Local(tr!("ugyldig adresse {path}: {e}", path, e)))
    }

    /// A request for JSON (Dialogporten's API).
    fn request(&self, method: Method, url: Url, bearer: &str) -> RequestBuilder {
        self.plain_request(method, url, bearer)
            .header(ACCEPT, "application/json")
    }

    /// A request for whatever the URL serves (content, a file, an action's answer).
    fn plain_request(&self, method: Method, url: Url, bearer: &str) -> RequestBuilder {
        self.http
            .request(method, url)
            .bearer_auth(bearer)
            .header(ACCEPT_LANGUAGE, &self.language)
    }

    /// Where a dialog is in Altinn's web inbox (Arbeidsflate), for production and TT02 and
    /// for the simulator on this machine; `None` for other platforms.
    pub fn web_address(&self, dialog: &str) -> Option<String> {
        let inbox = match self.base.host_str()? {
            "platform.altinn.no" => "https://af.altinn.no/inbox/".to_owned(),
            "platform.tt02.altinn.no" => "https://af.tt.altinn.no/inbox/".to_owned(),
            "127.0.0.1" | "localhost" => format!("{}af/inbox/", self.base),
            _ => return None,
        };
        Some(format!("{inbox}{dialog}"))
    }

    /// `GET /api/v1/metadata/limits` (no token): what one search may name.
    pub async fn limits(&self) -> Result<Limits, ApiError> {
        let url = self
            .base
            .join("dialogporten/api/v1/metadata/limits")
            .map_err(|e| ApiError::Local(e.to_string()))?;
        let (status, _, body) = self
            .send(
                || {
                    self.http
                        .get(url.clone())
                        .header(ACCEPT, "application/json")
                },
                true,
            )
            .await?;
        Self::check(status, &body)?;
        let value: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| ApiError::Malformed {
                detail: e.to_string(),
            })?;
        let search = &value["endUserSearch"];
        let read = |key: &str, fallback: usize| {
            search[key]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| (1..=1000).contains(n))
                .unwrap_or(fallback)
        };
        let defaults = Limits::default();
        Ok(Limits {
            parties: read("maxPartyFilterValues", defaults.parties),
            orgs: read("maxOrgFilterValues", defaults.orgs),
        })
    }

    /// A URL a document names, for a `dialogToken`: only `https`, or the platform's own
    /// scheme and host (the simulator's `http`).
    fn foreign(&self, url: &str) -> Result<Url, ApiError> {
        let parsed = Url::parse(url).map_err(|_| {
            ApiError::Local(tr!(
                "ugyldig adresse i dialogen: {url}",
                url = crate::text::sanitize_line(url)
            ))
        })?;
        let own =
            parsed.scheme() == self.base.scheme() && parsed.host_str() == self.base.host_str();
        if parsed.scheme() == "https" || own {
            Ok(parsed)
        } else {
            Err(ApiError::Local(
                tr!("dialogen viser til en adresse uten https; den hentes ikke").into(),
            ))
        }
    }

    /// Sends, retrying a GET that failed on the way and waiting out `429`; any other answer
    /// is returned as it is.
    async fn send(
        &self,
        build: impl Fn() -> RequestBuilder,
        get: bool,
    ) -> Result<(StatusCode, reqwest::header::HeaderMap, Vec<u8>), ApiError> {
        let (mut throttled, mut failed) = (0, 0);
        loop {
            let retry = match build().send().await {
                Ok(response)
                    if response.status() == StatusCode::TOO_MANY_REQUESTS
                        && throttled < THROTTLE_RETRIES =>
                {
                    throttled += 1;
                    let wait = retry_after(response.headers()).min(MAX_RETRY_AFTER);
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Ok(response)
                    if get && retryable(response.status()) && failed < self.retry.retries =>
                {
                    format!("status {}", response.status().as_u16())
                }
                Ok(response) => {
                    let (status, headers) = (response.status(), response.headers().clone());
                    match response.bytes().await {
                        Ok(bytes) => return Ok((status, headers, bytes.to_vec())),
                        Err(error) if get && failed < self.retry.retries => {
                            describe_reqwest_error(&error)
                        }
                        Err(error) => {
                            return Err(ApiError::Network {
                                detail: describe_reqwest_error(&error),
                            })
                        }
                    }
                }
                Err(error) if get && failed < self.retry.retries => describe_reqwest_error(&error),
                Err(error) => {
                    return Err(ApiError::Network {
                        detail: describe_reqwest_error(&error),
                    })
                }
            };
            failed += 1;
            let wait = self.retry.wait(failed);
            tracing::info!(%retry, ?wait, failed, "Altinn 3 request failed on the way, trying again");
            tokio::time::sleep(wait).await;
        }
    }

    /// Turns a non-success answer into an [`ApiError`] with the server's words.
    fn check(status: StatusCode, body: &[u8]) -> Result<(), ApiError> {
        if status.is_success() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(body);
        let reason = problem_text(&text)
            .or_else(|| status.canonical_reason().map(str::to_owned))
            .unwrap_or_default();
        Err(match status {
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized { reason },
            StatusCode::FORBIDDEN if reason.contains("authentication level too low") => {
                ApiError::LevelTooLow
            }
            _ => ApiError::Server {
                status: status.as_u16(),
                reason,
            },
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: Url,
        bearer: &str,
    ) -> Result<(T, Vec<u8>, reqwest::header::HeaderMap), ApiError> {
        let (status, headers, body) = self
            .send(|| self.request(Method::GET, url.clone(), bearer), true)
            .await?;
        Self::check(status, &body)?;
        let value = serde_json::from_slice(&body).map_err(|e| ApiError::Malformed {
            detail: e.to_string(),
        })?;
        Ok((value, body, headers))
    }

    /// `GET /parties`.
    pub async fn parties(&self, session: &Session) -> Result<Parties, ApiError> {
        let url = self.enduser("parties")?;
        Ok(self.get_json(url, token_of(session)?).await?.0)
    }

    /// `GET /dialogs`, one page.
    pub async fn dialogs(
        &self,
        session: &Session,
        search: &Search,
    ) -> Result<DialogPage, ApiError> {
        let mut url = self.enduser("dialogs")?;
        {
            let mut q = url.query_pairs_mut();
            for party in &search.parties {
                q.append_pair("party", party);
            }
            if let Some(label) = search.label {
                q.append_pair("systemLabel", label);
            }
            for org in &search.orgs {
                q.append_pair("org", org);
            }
            if search.unread {
                q.append_pair("isContentSeen", "false");
            }
            let stamp = |t: chrono::DateTime<chrono::Utc>| {
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            };
            if let Some(after) = search.after {
                q.append_pair("contentUpdatedAfter", &stamp(after));
            }
            if let Some(before) = search.before {
                q.append_pair("contentUpdatedBefore", &stamp(before));
            }
            if let Some(after) = search.updated_after {
                // Whole seconds, rounded down: a dialog changed in the same second comes
                // again and is merged, rather than missed.
                q.append_pair("updatedAfter", &stamp(after));
            }
            for status in &search.statuses {
                q.append_pair("status", status);
            }
            if search.exclude_api_only {
                q.append_pair("excludeApiOnly", "true");
            }
            if let Some(text) = &search.text {
                q.append_pair("search", text);
                q.append_pair("searchLanguageCode", &self.language);
            }
            q.append_pair("orderBy", "contentUpdatedAt_desc");
            q.append_pair("limit", &search.limit.clamp(1, MAX_LIMIT).to_string());
            if let Some(token) = &search.continuation {
                q.append_pair("continuationToken", token);
            }
        }
        Ok(self.get_json(url, token_of(session)?).await?.0)
    }

    /// `GET /dialogs/{id}`: the dialog (this marks it seen) with its texts.
    pub async fn dialog(
        &self,
        session: &Session,
        id: &str,
    ) -> Result<(Dialog, DialogTexts), ApiError> {
        let url = self.enduser(&format!("dialogs/{id}"))?;
        let (dialog, body, _): (Dialog, _, _) = self.get_json(url, token_of(session)?).await?;
        let texts = serde_json::from_slice(&body).map_err(|e| ApiError::Malformed {
            detail: e.to_string(),
        })?;
        Ok((dialog, texts))
    }

    /// `PUT /dialogs/{id}/context/systemlabels` (with `If-Match` when a revision is known);
    /// returns the new revision.
    pub async fn set_labels(
        &self,
        session: &Session,
        id: &str,
        add: &[&str],
        remove: &[&str],
        revision: Option<&str>,
    ) -> Result<Option<String>, ApiError> {
        let url = self.enduser(&format!("dialogs/{id}/context/systemlabels"))?;
        let bearer = token_of(session)?;
        let body = json!({"addLabels": add, "removeLabels": remove});
        let (status, headers, answer) = self
            .send(
                || {
                    let request = self.request(Method::PUT, url.clone(), bearer).json(&body);
                    match revision {
                        Some(r) => request.header(IF_MATCH, r),
                        None => request,
                    }
                },
                false,
            )
            .await?;
        Self::check(status, &answer)?;
        Ok(headers
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned))
    }

    /// `POST /dialogs/context/systemlabels/actions/bulkset`: one change to at most
    /// [`BULK_LIMIT`] dialogs, all or none. No revisions are sent, as Arbeidsflate sends none.
    pub async fn bulk_labels(
        &self,
        session: &Session,
        ids: &[&str],
        add: &[&str],
        remove: &[&str],
    ) -> Result<(), ApiError> {
        let url = self.enduser("dialogs/context/systemlabels/actions/bulkset")?;
        let bearer = token_of(session)?;
        let dialogs: Vec<serde_json::Value> =
            ids.iter().map(|id| json!({"dialogId": id})).collect();
        let body = json!({"dialogs": dialogs, "addLabels": add, "removeLabels": remove});
        let (status, _, answer) = self
            .send(
                || self.request(Method::POST, url.clone(), bearer).json(&body),
                false,
            )
            .await?;
        Self::check(status, &answer)
    }

    /// A dialog's content or a transmission's (markdown or HTML) from the URL the dialog
    /// gives, with its token.
    pub async fn content(&self, url: &str, dialog_token: &str) -> Result<String, ApiError> {
        let url = self.foreign(url)?;
        let (status, _, body) = self
            .send(
                || self.plain_request(Method::GET, url.clone(), dialog_token),
                true,
            )
            .await?;
        Self::check(status, &body)?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// An API action the dialog offers, with its token: its URL and method as the dialog
    /// names them (`GET` the letter, `POST` to confirm, `DELETE` to purge).
    pub async fn action(
        &self,
        method: Method,
        url: &str,
        dialog_token: &str,
    ) -> Result<(), ApiError> {
        let url = self.foreign(url)?;
        let get = method == Method::GET;
        let (status, _, body) = self
            .send(
                || self.plain_request(method.clone(), url.clone(), dialog_token),
                get,
            )
            .await?;
        Self::check(status, &body)
    }

    /// Streams an attachment into `out` with a dialog's token. Returns the total size; a
    /// URL that does not take the token is [`FileRefusal::Refused`], so another can be
    /// tried. Waits as long as bytes keep coming (a read timeout, no total one).
    pub async fn download<W: AsyncWrite + Unpin>(
        &self,
        url: &str,
        dialog_token: &str,
        out: &mut W,
        progress: impl FnMut(u64),
    ) -> Result<crate::backend::download::Downloaded, FileRefusal> {
        let url = self.foreign(url).map_err(FileRefusal::Failed)?;
        let response = self
            .files
            .get(url)
            .bearer_auth(dialog_token)
            .header(ACCEPT_LANGUAGE, &self.language)
            .send()
            .await
            .map_err(|e| {
                FileRefusal::Failed(ApiError::Network {
                    detail: describe_reqwest_error(&e),
                })
            })?;
        let status = response.status();
        if status.is_redirection()
            || status == StatusCode::UNAUTHORIZED
            || status == StatusCode::FORBIDDEN
        {
            return Err(FileRefusal::Refused);
        }
        if !status.is_success() {
            let body = response.bytes().await.unwrap_or_default();
            return Err(FileRefusal::Failed(
                Self::check(status, &body)
                    .err()
                    .unwrap_or(ApiError::Server {
                        status: status.as_u16(),
                        reason: String::new(),
                    }),
            ));
        }
        let file_name = response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::backend::download::disposition_name);
        let bytes = crate::backend::download::stream_into(response, out, progress)
            .await
            .map_err(FileRefusal::Failed)?;
        Ok(crate::backend::download::Downloaded { bytes, file_name })
    }
}
