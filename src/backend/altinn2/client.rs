//! The Altinn 2 REST client: one connection-reusing `reqwest::Client`, `ApiKey` and
//! `Accept: application/hal+json` on every call, the session injected per request, redirects
//! never followed (a 3xx or an HTML answer means the session is gone), and the server's reason
//! phrase kept in errors.

use crate::i18n::tr;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use tokio::io::AsyncWrite;
use url::Url;

use super::model::{error_message_from_body, HalMessage, HalProfile, MessageList, ReporteeList};
use crate::auth::Session;
use crate::domain::{ApiError, Message, MessagePage, Party, Profile, PAGE_SIZE};
use crate::http::{
    describe_reqwest_error, reason_phrase, retry_after, retryable, RetryPolicy, MAX_RETRY_AFTER,
    THROTTLE_RETRIES,
};
use crate::secret::Secret;

/// The Altinn 2 REST client. Cheap to clone (the connection pool is shared).
#[derive(Clone, Debug)]
pub struct Client {
    pub(super) http: reqwest::Client,
    pub(super) base: Url,
    pub(super) api_key: Secret,
    language: u16,
    retry: RetryPolicy,
    /// The base is one of Altinn's own hosts, where Altinn 2 no longer answers: no answer
    /// at all is then best explained by the switch-off.
    on_altinn_host: bool,
}

/// A status as Altinn 2 writes it in `language`: `$filter` compares the localized text
/// (`Ulest` in bokmål and nynorsk, `Unread` in English).
fn status_text(status: crate::domain::MessageStatus, language: u16) -> &'static str {
    use crate::domain::MessageStatus;
    match (status, language == 1033) {
        (MessageStatus::Unread, false) => "Ulest",
        (MessageStatus::Unread, true) => "Unread",
        (MessageStatus::Archived, true) => "Archived",
        _ => "Arkivert",
    }
}

/// The server's part of the filters as an OData `$filter` clause (statuses in the
/// `language` the list is asked in); `None` when there is nothing for the server to filter.
pub fn odata_filter(filters: &crate::domain::Filters, language: u16) -> Option<String> {
    let quote = |text: &str| format!("'{}'", text.replace('\'', "''"));
    let at = |t: chrono::DateTime<chrono::Utc>| {
        let local = t.with_timezone(&chrono_tz::Europe::Oslo);
        format!("DateTime'{}'", local.format("%Y-%m-%dT%H:%M:%S"))
    };
    let mut clauses = Vec::new();
    if filters.unread {
        let unread = status_text(crate::domain::MessageStatus::Unread, language);
        clauses.push(format!("Status eq '{unread}'"));
    }
    if let Some(kind) = &filters.kind {
        clauses.push(format!("Type eq {}", quote(kind.label())));
    }
    if let Some(sender) = &filters.sender {
        clauses.push(format!("ServiceOwner eq {}", quote(sender)));
    }
    if let Some(since) = filters.since {
        clauses.push(format!("LastChangedDateTime ge {}", at(since)));
    }
    if let Some(until) = filters.until {
        clauses.push(format!("LastChangedDateTime le {}", at(until)));
    }
    (!clauses.is_empty()).then(|| clauses.join(" and "))
}

/// The `$filter` clause that makes the message list a folder (the inbox: not archived; the
/// archive: archived), in the language asked in; `None` for a folder that is not one.
pub fn folder_clause(folder: crate::domain::Folder, language: u16) -> Option<String> {
    use crate::domain::Folder;
    let archived = status_text(crate::domain::MessageStatus::Archived, language);
    match folder {
        Folder::Inbox => Some(format!("Status ne '{archived}'")),
        Folder::Archive => Some(format!("Status eq '{archived}'")),
        Folder::Trash | Folder::Drafts | Folder::Sent => None,
    }
}

impl Client {
    /// Altinn 2's number for the language the client asks in (1044, 2068 or 1033).
    pub fn language(&self) -> u16 {
        self.language
    }

    /// A client for the Altinn instance at `base` (e.g. `https://www.altinn.no/`), asking in
    /// the language in use.
    pub fn new(base: Url, api_key: Secret) -> Result<Self, ApiError> {
        let http = crate::http::client_builder()
            // A server that stops sending mid-answer is given up on (and the GET retried).
            .read_timeout(Duration::from_secs(20))
            .timeout(Duration::from_secs(60))
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
        let on_altinn_host = base
            .host_str()
            .is_some_and(|host| host == "altinn.no" || host.ends_with(".altinn.no"));
        Ok(Self {
            http,
            base,
            api_key,
            language: crate::i18n::current().altinn2_code(),
            retry: RetryPolicy::default(),
            on_altinn_host,
        })
    }

    fn url(&self, path: &str) -> Result<Url, ApiError> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|e| ApiError::Local(tr!("ugyldig adresse {path}: {e}", path, e)))
    }

    /// Resolves a link from a document against our own base: only its path and query are
    /// used, so credentials are never sent to another host named in a document.
    fn same_origin(&self, href: &str) -> Result<Url, ApiError> {
        let (path, query) = match Url::parse(href) {
            Ok(u) => (u.path().to_owned(), u.query().map(str::to_owned)),
            Err(_) => match href.split_once('?') {
                Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
                None => (href.to_owned(), None),
            },
        };
        let mut url = self.url(&path)?;
        url.set_query(query.as_deref());
        Ok(url)
    }

    fn request(&self, method: Method, url: Url, session: &Session) -> RequestBuilder {
        let builder = self
            .http
            .request(method, url)
            .header("ApiKey", self.api_key.expose())
            .header(ACCEPT, "application/hal+json");
        match session {
            Session::Cookie { aspxauth, .. } => {
                builder.header(COOKIE, format!(".ASPXAUTH={}", aspxauth.expose()))
            }
            Session::Bearer { access_token } => {
                builder.header(AUTHORIZATION, format!("Bearer {}", access_token.expose()))
            }
        }
    }

    /// Sends and turns every non-success answer into an [`ApiError`].
    async fn send(&self, builder: RequestBuilder, session: &Session) -> Result<Response, ApiError> {
        let response = self.send_raw(builder).await?;
        self.check(response, session).await
    }

    async fn send_raw(&self, builder: RequestBuilder) -> Result<Response, ApiError> {
        builder.send().await.map_err(|e| ApiError::Network {
            detail: describe_reqwest_error(&e),
        })
    }

    /// Turns every non-success answer into an [`ApiError`].
    async fn check(&self, response: Response, session: &Session) -> Result<Response, ApiError> {
        let status = response.status();
        if status.is_redirection() {
            return Err(ApiError::SessionExpired);
        }
        let is_html = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/html"));
        if status.is_success() && is_html {
            return Err(ApiError::SessionExpired);
        }
        if status.is_success() {
            return Ok(response);
        }
        let phrase = reason_phrase(&response);
        let body = response.text().await.unwrap_or_default();
        let reason = match error_message_from_body(&body) {
            Some(message)
                if phrase.is_empty() || phrase == status.canonical_reason().unwrap_or("") =>
            {
                message
            }
            _ => phrase,
        };
        Err(match (status, session) {
            (StatusCode::UNAUTHORIZED, Session::Cookie { .. }) => {
                ApiError::NeedsIdPorten { reason }
            }
            (StatusCode::UNAUTHORIZED, Session::Bearer { .. }) => ApiError::Unauthorized { reason },
            _ => ApiError::Server {
                status: status.as_u16(),
                reason,
            },
        })
    }

    /// Uses `policy` for GETs that fail on the way (tests use short waits).
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends a GET and reads its body. A `429 Too Many Requests` is waited out (its
    /// `Retry-After`, at most [`MAX_RETRY_AFTER`]) and retried, at most [`THROTTLE_RETRIES`]
    /// times; a failure on the way is retried as [`RetryPolicy`] says. Anything else is
    /// answered at once.
    async fn get(
        &self,
        url: Url,
        session: &Session,
    ) -> Result<(reqwest::header::HeaderMap, Vec<u8>), ApiError> {
        let (mut throttled, mut failed) = (0, 0);
        loop {
            let sent = self
                .send_raw(self.request(Method::GET, url.clone(), session))
                .await;
            let retry = match sent {
                Ok(response)
                    if response.status() == StatusCode::TOO_MANY_REQUESTS
                        && throttled < THROTTLE_RETRIES =>
                {
                    throttled += 1;
                    let wait = retry_after(response.headers()).min(MAX_RETRY_AFTER);
                    tracing::info!(?wait, throttled, "throttled by the server, waiting");
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Ok(response) if retryable(response.status()) && failed < self.retry.retries => {
                    format!("status {}", response.status().as_u16())
                }
                Ok(response) => {
                    let response = self.check(response, session).await?;
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(bytes) => return Ok((headers, bytes.to_vec())),
                        Err(error) if failed < self.retry.retries => describe_reqwest_error(&error),
                        Err(error) => {
                            return Err(ApiError::Network {
                                detail: describe_reqwest_error(&error),
                            })
                        }
                    }
                }
                Err(error) if failed < self.retry.retries => error.to_string(),
                Err(error) => return Err(error),
            };
            failed += 1;
            let wait = self.retry.wait(failed);
            tracing::info!(%retry, ?wait, failed, "GET failed on the way, trying again");
            tokio::time::sleep(wait).await;
        }
    }

    /// What a failed list or reportee request means when the host no longer serves
    /// Altinn 2: a 404 on a list, a web page where a bearer token should get JSON, or (on
    /// Altinn's own hosts) no answer at all. A single message's 404 is not mapped: that
    /// message is gone.
    pub(super) fn explain_switch_off(&self, session: &Session, error: ApiError) -> ApiError {
        match error {
            ApiError::Server { status: 404, .. } => ApiError::Retired {
                detail: tr!("{host} svarte 404", host = self.host()),
            },
            ApiError::SessionExpired if matches!(session, Session::Bearer { .. }) => {
                ApiError::Retired {
                    detail: tr!("{host} svarte med en nettside", host = self.host()),
                }
            }
            ApiError::Network { detail } if self.on_altinn_host => ApiError::Retired { detail },
            other => other,
        }
    }

    /// The base's host, for messages.
    pub(super) fn host(&self) -> String {
        self.base.host_str().unwrap_or("serveren").to_owned()
    }

    /// Whether the base is one of Altinn's own hosts.
    pub(super) fn on_altinn_host(&self) -> bool {
        self.on_altinn_host
    }

    /// A GET of a list (messages, trash, reportees), with its failures explained by
    /// [`Client::explain_switch_off`].
    async fn get_list<T: serde::de::DeserializeOwned>(
        &self,
        url: Url,
        session: &Session,
    ) -> Result<(T, reqwest::header::HeaderMap), ApiError> {
        self.get_json(url, session)
            .await
            .map_err(|error| self.explain_switch_off(session, error))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: Url,
        session: &Session,
    ) -> Result<(T, reqwest::header::HeaderMap), ApiError> {
        let (headers, bytes) = self.get(url, session).await?;
        let value = serde_json::from_slice(&bytes).map_err(|e| ApiError::Malformed {
            detail: e.to_string(),
        })?;
        Ok((value, headers))
    }

    /// One page of `who`'s inbox (`my`, an organisation number or an `r…` reportee id),
    /// starting at `skip` (a multiple of 50).
    pub async fn messages_page(
        &self,
        session: &Session,
        who: &str,
        skip: usize,
    ) -> Result<MessagePage, ApiError> {
        self.messages_page_filtered(session, who, skip, None).await
    }

    /// Like [`Client::messages_page`], with an OData `$filter` the server evaluates.
    pub async fn messages_page_filtered(
        &self,
        session: &Session,
        who: &str,
        skip: usize,
        filter: Option<&str>,
    ) -> Result<MessagePage, ApiError> {
        let mut url = self.url(&format!("api/{who}/messages"))?;
        url.query_pairs_mut()
            .append_pair("$skip", &skip.to_string())
            .append_pair("$top", &PAGE_SIZE.to_string())
            .append_pair("language", &self.language.to_string());
        if let Some(filter) = filter {
            url.query_pairs_mut().append_pair("$filter", filter);
        }
        let (list, headers): (MessageList, _) = self.get_list(url, session).await?;
        Ok(list.to_page(PAGE_SIZE, headers.contains_key("X-Warning-LimitReached")))
    }

    /// One page of a folder: the inbox and the archive are the message list filtered on the
    /// (Bokmål) status, the trash bin has its own endpoint and no paging.
    pub async fn folder_page(
        &self,
        session: &Session,
        who: &str,
        folder: crate::domain::Folder,
        filters: &crate::domain::Filters,
        skip: usize,
    ) -> Result<MessagePage, ApiError> {
        use crate::domain::Folder;
        let with_preset = |base: &str| match odata_filter(filters, self.language) {
            Some(extra) => format!("{base} and {extra}"),
            None => base.to_owned(),
        };
        match folder {
            Folder::Inbox | Folder::Archive => {
                let clause = folder_clause(folder, self.language).unwrap_or_default();
                let filter = with_preset(&clause);
                self.messages_page_filtered(session, who, skip, Some(&filter))
                    .await
            }
            Folder::Drafts | Folder::Sent => Err(ApiError::Unsupported {
                what: tr!("utkast og sendt finnes bare i Altinn 3").into(),
            }),
            Folder::Trash => {
                let mut url = self.url(&format!("api/{who}/messages/trashbin"))?;
                url.query_pairs_mut()
                    .append_pair("language", &self.language.to_string());
                let (list, _): (MessageList, _) = self.get_list(url, session).await?;
                let mut page = list.to_page(usize::MAX, false);
                page.has_more = false;
                Ok(page)
            }
        }
    }

    /// The page a server-given `next` link points at (resolved against our own base, so
    /// credentials never go to another host).
    pub async fn messages_page_at(
        &self,
        session: &Session,
        link: &str,
    ) -> Result<MessagePage, ApiError> {
        let url = self.same_origin(link)?;
        let (list, headers): (MessageList, _) = self.get_list(url, session).await?;
        Ok(list.to_page(PAGE_SIZE, headers.contains_key("X-Warning-LimitReached")))
    }

    /// One message with body and attachment links. `mark_as_read = false` for previews and
    /// prefetches; only an explicit open marks a correspondence as read.
    pub async fn message(
        &self,
        session: &Session,
        who: &str,
        id: &str,
        mark_as_read: bool,
    ) -> Result<Message, ApiError> {
        let mut url = self.url(&format!("api/{who}/messages/{id}"))?;
        url.query_pairs_mut()
            .append_pair("language", &self.language.to_string());
        if !mark_as_read {
            url.query_pairs_mut().append_pair("markAsRead", "false");
        }
        let (message, _): (HalMessage, _) = self.get_json(url, session).await?;
        Ok(message.to_message())
    }

    /// Archives a message (`PUT …/archive`). Returns its new `b…` id from the `Location`
    /// header, when the server gives one.
    pub async fn archive(
        &self,
        session: &Session,
        who: &str,
        id: &str,
    ) -> Result<Option<String>, ApiError> {
        let url = self.url(&format!("api/{who}/messages/{id}/archive"))?;
        let response = self
            .send(
                self.request(Method::PUT, url, session)
                    .header(reqwest::header::CONTENT_LENGTH, "0"),
                session,
            )
            .await?;
        Ok(response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| l.trim_end_matches('/').rsplit('/').next())
            .map(crate::text::sanitize_line)
            .filter(|id| !id.is_empty()))
    }

    /// Confirms receipt (`PUT …/confirm`), for correspondence that requires it.
    pub async fn confirm(&self, session: &Session, who: &str, id: &str) -> Result<(), ApiError> {
        let url = self.url(&format!("api/{who}/messages/{id}/confirm"))?;
        self.send(
            self.request(Method::PUT, url, session)
                .header(reqwest::header::CONTENT_LENGTH, "0"),
            session,
        )
        .await
        .map(|_| ())
    }

    /// Deletes a message (`DELETE …/{id}`): most go to the trash bin.
    pub async fn delete(&self, session: &Session, who: &str, id: &str) -> Result<(), ApiError> {
        let url = self.url(&format!("api/{who}/messages/{id}"))?;
        self.send(self.request(Method::DELETE, url, session), session)
            .await
            .map(|_| ())
    }

    /// The parties the user can act for.
    pub async fn reportees(&self, session: &Session) -> Result<Vec<Party>, ApiError> {
        let mut url = self.url("api/reportees")?;
        url.query_pairs_mut()
            .append_pair("language", &self.language.to_string());
        let (list, _): (ReporteeList, _) = self.get_list(url, session).await?;
        Ok(list
            .embedded
            .reportees
            .iter()
            .map(|r| r.to_party())
            .collect())
    }

    /// The logged-in user's profile.
    pub async fn profile(&self, session: &Session) -> Result<Profile, ApiError> {
        let url = self.url("api/my/profile")?;
        let (profile, _): (HalProfile, _) = self.get_json(url, session).await?;
        Ok(profile.to_profile())
    }

    /// Streams an attachment (its `href` from the message) into `out`, reporting the bytes
    /// written so far to `progress`. Returns the total size.
    pub async fn download_attachment<W: AsyncWrite + Unpin>(
        &self,
        session: &Session,
        href: &str,
        out: &mut W,
        progress: impl FnMut(u64),
    ) -> Result<u64, ApiError> {
        let url = self.same_origin(href)?;
        let response = self
            .send(self.request(Method::GET, url, session), session)
            .await?;
        crate::backend::download::stream_into(response, out, progress).await
    }
}
