//! Altinn 2 REST as the simulator serves it (see `altinn-api.md`): password login, message
//! lists with HAL links and `$skip`/`$top` paging (no `next` link), `$filter`, `language`,
//! detail with `markAsRead` semantics, attachments, reportees and profile. Paths match
//! case-insensitively. Errors carry their text in the HTTP reason phrase.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use serde_json::{json, Value};

use super::data::{Reportee, ReporteeKind, SimMessage, SimStatus};
use super::filter::{self, Record};
use super::{lock, random_hex, CookieSession, SimState};

const HAL: &str = "application/hal+json; charset=utf-8";
const PAGE_MAX: usize = 50;

/// The router: `/__sim/stats`, `/__sim/deliver` and everything under `/api/`.
pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/__sim/stats", get(stats))
        .route("/__sim/deliver", post(super::deliver::handle))
        .fallback(dispatch)
        .with_state(state)
}

async fn stats(State(state): State<Arc<SimState>>) -> Response {
    let stats = lock(&state.stats).clone();
    axum::Json(stats).into_response()
}

/// A response with a custom reason phrase and no body.
fn status_with_reason(status: StatusCode, reason: &str) -> Response {
    let mut response = (status, Body::empty()).into_response();
    if let Ok(phrase) = hyper::ext::ReasonPhrase::try_from(reason.to_owned()) {
        response.extensions_mut().insert(phrase);
    }
    response
}

fn hal(value: &Value, state: &SimState) -> Response {
    let mut body = value.to_string();
    if state.faults.take_malformed() {
        body.truncate(body.len() / 2);
    }
    ([(header::CONTENT_TYPE, HAL)], body).into_response()
}

fn redirect_to_login() -> Response {
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, "/ui/Authentication?ReturnUrl=%2f"),
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        ],
        "<html><body>Object moved to <a href=\"/ui/Authentication\">here</a>.</body></html>",
    )
        .into_response()
}

struct Ctx<'a> {
    state: &'a SimState,
    base: String,
    /// Query with lower-cased keys (Altinn matches them case-insensitively).
    query: HashMap<String, String>,
    /// Query as sent (OAuth parameters are case-sensitive).
    query_raw: HashMap<String, String>,
    language: u16,
}

impl<'a> Ctx<'a> {
    /// The context of a request with query string `raw_query`; `language` picks the
    /// Altinn 2 language code (Bokmål unless Nynorsk or English is asked for).
    fn new(state: &'a SimState, base: String, raw_query: &str) -> Self {
        let query_raw: HashMap<String, String> = url::form_urlencoded::parse(raw_query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let query: HashMap<String, String> = query_raw
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        let language = match query.get("language").map(String::as_str) {
            Some("2068") => 2068,
            Some("1033") => 1033,
            _ => 1044,
        };
        Ctx {
            state,
            base,
            query,
            query_raw,
            language,
        }
    }
}

/// A request being answered: counted in `in_flight` from [`Leaving::enter`] until dropped.
struct Leaving<'a>(&'a std::sync::atomic::AtomicU64);

impl<'a> Leaving<'a> {
    /// Counts a request in, and the highest number at once in the stats (for the
    /// concurrency tests).
    fn enter(state: &'a SimState) -> Self {
        let now = state
            .in_flight
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        {
            let mut stats = lock(&state.stats);
            stats.max_in_flight = stats.max_in_flight.max(now);
        }
        Leaving(&state.in_flight)
    }
}

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// `http://` and the `Host` header (empty without one).
fn base_url(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"))
        .unwrap_or_default()
}

/// Whether a path (lower-cased segments) belongs to an Altinn 3 service.
fn is_altinn3(segments: &[&str]) -> bool {
    matches!(
        segments.first(),
        Some(
            &"dialogporten"
                | &"correspondence"
                | &"serviceprovider"
                | &"storage"
                | &"authentication"
                | &"af"
        )
    )
}

/// Every request but `/__sim/stats`: latency, faults for the APIs, then Altinn 3's routes or
/// [`route`]; the answer is counted in the stats by its route pattern and status.
async fn dispatch(State(state): State<Arc<SimState>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let raw_query = request.uri().query().unwrap_or_default().to_owned();
    let headers = request.headers().clone();
    let base = base_url(&headers);
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    // Counted while the answer is made, latency included (for the concurrency tests).
    let _leaving = Leaving::enter(&state);
    if !state.config.latency.is_zero() {
        tokio::time::sleep(state.config.latency).await;
    }
    state.note(method.as_str(), &path, &raw_query);
    let ctx = Ctx::new(&state, base, &raw_query);
    let lower = path.to_ascii_lowercase();
    let segments: Vec<&str> = lower.trim_matches('/').split('/').collect();
    let original: Vec<&str> = path.trim_matches('/').split('/').collect();
    let altinn3 = is_altinn3(&segments);
    let api = segments.first() == Some(&"api") || altinn3;
    let (route, response) = if api {
        random_fault(&state).await
    } else {
        None
    }
    .unwrap_or_else(|| {
        if altinn3 {
            let request = super::altinn3::Request {
                state: &state,
                method: &method,
                path: &path,
                query: url::form_urlencoded::parse(raw_query.as_bytes())
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
                    .collect(),
                headers: &headers,
                body: &body,
                base: &ctx.base,
            };
            return super::altinn3::dispatch(&request, &segments, &original);
        }
        route(&ctx, &method, &segments, &original, &headers, &body)
    });
    let key = format!("{method} {route} {}", response.status().as_u16());
    *lock(&state.stats).requests.entry(key).or_default() += 1;
    if api && response.status() == StatusCode::OK {
        if let Some(fault) = state.dice.body() {
            return body_fault(response, fault).await;
        }
    }
    response
}

/// `--faults`: extra latency, and a random error status instead of the answer.
async fn random_fault(state: &SimState) -> Option<(&'static str, Response)> {
    let extra = state.dice.latency();
    if !extra.is_zero() {
        tokio::time::sleep(extra).await;
    }
    let status = state.dice.status()?;
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = status_with_reason(code, "Simulated failure");
    if status == 429 {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    }
    Some(("random fault", response))
}

/// `--faults`: spoils the body of a successful answer.
async fn body_fault(response: Response, fault: super::faults::BodyFault) -> Response {
    use super::faults::BodyFault;
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return status_with_reason(StatusCode::INTERNAL_SERVER_ERROR, "Simulated failure");
    };
    let half = bytes.slice(..bytes.len() / 2);
    let body = match fault {
        BodyFault::Malformed => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Body::from(half)
        }
        BodyFault::WrongType => {
            parts.headers.insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            Body::from(bytes)
        }
        BodyFault::Truncate | BodyFault::Reset => {
            // Announce the whole length, send half, then fail: the connection is cut.
            if let Ok(length) = bytes.len().to_string().parse() {
                parts.headers.insert(header::CONTENT_LENGTH, length);
            }
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "simulated reset",
                )),
            ];
            Body::from_stream(futures::stream::iter(chunks))
        }
        BodyFault::Slow => {
            parts.headers.remove(header::CONTENT_LENGTH);
            let pieces: Vec<Bytes> = bytes.chunks(512).map(Bytes::copy_from_slice).collect();
            let stream = futures::stream::unfold(pieces.into_iter(), |mut rest| async move {
                let piece = rest.next()?;
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                Some((Ok::<_, std::io::Error>(piece), rest))
            });
            Body::from_stream(stream)
        }
    };
    Response::from_parts(parts, body)
}

/// Altinn 2's REST API and ID-porten (which the simulator serves beside it): the checks
/// every API call passes (faults, the API key, a login), then the routes.
fn route(
    ctx: &Ctx<'_>,
    method: &Method,
    seg: &[&str],
    original: &[&str],
    headers: &HeaderMap,
    body: &Bytes,
) -> (&'static str, Response) {
    if seg.first() == Some(&"idporten") {
        let rest: Vec<&str> = original.iter().skip(1).copied().collect();
        return super::idporten::dispatch(ctx.state, method, &rest, &ctx.query_raw, headers, body);
    }
    if seg.first() != Some(&"api") {
        return (
            "other",
            status_with_reason(StatusCode::NOT_FOUND, "Not Found"),
        );
    }
    if let Some(refused) = injected_fault(ctx).or_else(|| api_key_refused(ctx, headers)) {
        return refused;
    }
    if seg == ["api", "authentication", "authenticatewithpassword"] {
        if method != Method::POST {
            return ("login", method_not_allowed());
        }
        return ("login", password_login(ctx, body));
    }
    let auth = match authenticate(ctx, headers) {
        Ok(auth) => auth,
        Err(response) => return ("unauthenticated", *response),
    };
    if !auth.allows(scope_needed(seg)) {
        return ("scope", missing_scope());
    }
    if method == Method::PUT || method == Method::DELETE {
        return write_route(ctx, method, seg, original, &auth);
    }
    if method != Method::GET {
        return ("other", method_not_allowed());
    }
    read_route(ctx, seg, original, &auth)
}

fn method_not_allowed() -> Response {
    status_with_reason(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

fn missing_scope() -> Response {
    status_with_reason(
        StatusCode::UNAUTHORIZED,
        "Claims Authorization failed: Missing required scope",
    )
}

/// A throttle or an error status the tests asked for (`faults`), taken once.
fn injected_fault(ctx: &Ctx<'_>) -> Option<(&'static str, Response)> {
    if let Some(seconds) = ctx.state.faults.take_throttle() {
        let mut response = status_with_reason(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
        if let Ok(value) = seconds.to_string().parse() {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Some(("throttled", response));
    }
    let status = ctx.state.faults.take_error()?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Some(("fault", status_with_reason(status, "Simulated failure")))
}

/// The `ApiKey` header: missing (400) or not the configured key (403).
fn api_key_refused(ctx: &Ctx<'_>, headers: &HeaderMap) -> Option<(&'static str, Response)> {
    let (status, reason) = match headers.get("ApiKey").and_then(|v| v.to_str().ok()) {
        None | Some("") => (
            StatusCode::BAD_REQUEST,
            "Required header 'ApiKey' is missing.",
        ),
        Some(key) if key != ctx.state.config.api_key => (
            StatusCode::FORBIDDEN,
            "The API key is not authorized for this operation",
        ),
        Some(_) => return None,
    };
    Some(("apikey", status_with_reason(status, reason)))
}

/// The narrow scope a path needs (`altinn:enduser` covers them all).
fn scope_needed(seg: &[&str]) -> &'static str {
    match seg {
        ["api", "reportees"] => "altinn:reportees",
        ["api", "my", "profile"] => "altinn:profiles.read",
        ["api", _, "messages"] | ["api", _, "messages", "trashbin"] => "altinn:instances.meta",
        _ => "altinn:instances.read",
    }
}

/// `PUT` and `DELETE`: archive, confirm and delete a message (they need
/// `altinn:instances.write` too).
fn write_route(
    ctx: &Ctx<'_>,
    method: &Method,
    seg: &[&str],
    original: &[&str],
    auth: &Auth,
) -> (&'static str, Response) {
    if !auth.allows("altinn:instances.write") {
        return ("scope", missing_scope());
    }
    match (method.clone(), seg) {
        (Method::PUT, ["api", who, "messages", id, "archive"]) => (
            "/api/{who}/messages/{id}/archive",
            with_mailbox(ctx, auth, who, |m, _, _| {
                archive(ctx, m, original_who(original), id, auth)
            }),
        ),
        (Method::PUT, ["api", who, "messages", id, "confirm"]) => (
            "/api/{who}/messages/{id}/confirm",
            with_mailbox(ctx, auth, who, |m, _, _| confirm(m, id, auth)),
        ),
        (Method::DELETE, ["api", who, "messages", id]) => (
            "/api/{who}/messages/{id}",
            with_mailbox(ctx, auth, who, |m, _, organisation| {
                delete(m, id, auth, organisation)
            }),
        ),
        _ => ("other", method_not_allowed()),
    }
}

/// `GET`: reportees, the profile, the message lists, a message and its attachments.
fn read_route(
    ctx: &Ctx<'_>,
    seg: &[&str],
    original: &[&str],
    auth: &Auth,
) -> (&'static str, Response) {
    match seg {
        ["api", "reportees"] => ("/api/reportees", reportees(ctx, auth)),
        ["api", "my", "profile"] => ("/api/my/profile", profile(ctx, auth)),
        ["api", who, "messages"] => (
            "/api/{who}/messages",
            with_mailbox(ctx, auth, who, |m, who, _| list(ctx, m, who)),
        ),
        ["api", who, "messages", "trashbin"] => (
            "/api/{who}/messages/trashbin",
            with_mailbox(ctx, auth, who, |m, who, _| trashbin(ctx, m, who)),
        ),
        ["api", who, "messages", id] => (
            "/api/{who}/messages/{id}",
            with_mailbox(ctx, auth, who, |m, _, _| {
                detail(ctx, m, original_who(original), id, auth)
            }),
        ),
        ["api", who, "messages", id, "attachments"] => (
            "/api/{who}/messages/{id}/attachments",
            with_mailbox(ctx, auth, who, |m, _, _| {
                attachment_list(ctx, m, original_who(original), id, auth)
            }),
        ),
        ["api", who, "messages", id, "attachments", att] => (
            "/api/{who}/messages/{id}/attachments/{att}",
            with_mailbox(ctx, auth, who, |m, _, _| attachment(m, id, att, auth)),
        ),
        _ => (
            "other",
            status_with_reason(StatusCode::NOT_FOUND, "Not Found"),
        ),
    }
}

fn original_who<'a>(original: &[&'a str]) -> &'a str {
    original.get(1).copied().unwrap_or("my")
}

/// Who is asking, at which security level, with which scopes (`None`: a cookie session,
/// which has no scopes).
#[derive(Debug, Clone)]
struct Auth {
    user: usize,
    level: u8,
    scopes: Option<String>,
}

impl Auth {
    /// `altinn:enduser` covers everything; otherwise the narrow scope must be there.
    fn allows(&self, scope: &str) -> bool {
        self.scopes.as_deref().is_none_or(|granted| {
            granted
                .split(' ')
                .any(|s| s == "altinn:enduser" || s == scope)
        })
    }
}

fn authenticate(ctx: &Ctx<'_>, headers: &HeaderMap) -> Result<Auth, Box<Response>> {
    if let Some(authz) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(token) = authz.strip_prefix("Bearer ") {
            return match super::idporten::bearer_auth(ctx.state, token.trim()) {
                Ok((user, level, scopes)) => Ok(Auth {
                    user,
                    level,
                    scopes: Some(scopes),
                }),
                Err(reason) => Err(Box::new(status_with_reason(
                    StatusCode::UNAUTHORIZED,
                    reason,
                ))),
            };
        }
    }
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == ".ASPXAUTH").then(|| value.to_owned())
        });
    let Some(cookie) = cookie else {
        return Err(Box::new(redirect_to_login()));
    };
    let mut cookies = lock(&ctx.state.cookies);
    let now = Instant::now();
    match cookies.get_mut(&cookie) {
        Some(session) if session.expires > now => {
            session.expires = now + ctx.state.config.cookie_ttl;
            Ok(Auth {
                user: session.user,
                level: 1,
                scopes: None,
            })
        }
        Some(_) => {
            cookies.remove(&cookie);
            Err(Box::new(redirect_to_login()))
        }
        None => Err(Box::new(redirect_to_login())),
    }
}

fn password_login(ctx: &Ctx<'_>, body: &Bytes) -> Response {
    let parsed: Option<(String, String)> =
        serde_json::from_slice::<Value>(body).ok().and_then(|v| {
            Some((
                v.get("UserName")?.as_str()?.to_owned(),
                v.get("UserPassword")?.as_str()?.to_owned(),
            ))
        });
    let user = parsed.and_then(|(name, password)| {
        let world = lock(&ctx.state.world);
        world
            .users
            .iter()
            .position(|u| u.username.eq_ignore_ascii_case(name.trim()) && u.password == password)
    });
    let Some(user) = user else {
        lock(&ctx.state.stats).logins_failed += 1;
        return status_with_reason(StatusCode::UNAUTHORIZED, "Authentication failed");
    };
    lock(&ctx.state.stats).logins_ok += 1;
    let value = random_hex(64);
    lock(&ctx.state.cookies).insert(
        value.clone(),
        CookieSession {
            user,
            expires: Instant::now() + ctx.state.config.cookie_ttl,
        },
    );
    (
        StatusCode::OK,
        [
            (
                header::SET_COOKIE,
                format!(".ASPXAUTH={value}; path=/; secure; HttpOnly; SameSite=None"),
            ),
            (header::CONTENT_TYPE, HAL.to_owned()),
        ],
        "{}",
    )
        .into_response()
}

fn reportee_type(reportee: &Reportee, language: u16) -> &'static str {
    match (reportee.kind, language) {
        (ReporteeKind::Person, _) => "Person",
        (ReporteeKind::Enterprise, 1033) => "Enterprise",
        (ReporteeKind::Enterprise, 2068) => "Føretak",
        (ReporteeKind::Enterprise, _) => "Foretak",
        (ReporteeKind::Business, 1033) => "Business",
        (ReporteeKind::Business, _) => "Bedrift",
    }
}

fn reportees(ctx: &Ctx<'_>, auth: &Auth) -> Response {
    let world = lock(&ctx.state.world);
    let Some(user) = world.users.get(auth.user) else {
        return redirect_to_login();
    };
    let items: Vec<Value> = user
        .reportees
        .iter()
        .filter_map(|&i| world.reportees.get(i))
        .map(|r| {
            let mut item = json!({
                "ReporteeId": r.id,
                "Name": r.name,
                "Type": reportee_type(r, ctx.language),
                "Status": "Active",
                "_links": {
                    "self": {"href": format!("{}/api/reportees/{}", ctx.base, r.id)},
                    "messages": {"href": format!("{}/api/{}/messages", ctx.base, r.id)}
                }
            });
            let fields = [
                ("SocialSecurityNumber", &r.ssn),
                ("OrganizationNumber", &r.org_number),
                ("ParentOrganizationNumber", &r.parent_org_number),
                ("OrganizationForm", &r.org_form),
            ];
            for (name, value) in fields {
                if let Some(value) = value {
                    item[name] = json!(value);
                }
            }
            item
        })
        .collect();
    hal(
        &json!({
            "_links": {
                "self": {"href": format!("{}/api/reportees", ctx.base)},
                "find": {"href": format!("{}/api/reportees/{{reporteeId}}", ctx.base), "isTemplated": true}
            },
            "_embedded": {"reportees": items}
        }),
        ctx.state,
    )
}

fn profile(ctx: &Ctx<'_>, auth: &Auth) -> Response {
    let world = lock(&ctx.state.world);
    let Some(user) = world.users.get(auth.user) else {
        return redirect_to_login();
    };
    hal(
        &json!({
            "Name": user.name,
            "UserName": user.username,
            "PreferredLanguage": 1044,
            "_links": {"self": {"href": format!("{}/api/my/profile", ctx.base)}}
        }),
        ctx.state,
    )
}

/// Resolves `who` for the user and runs `f` on that mailbox.
fn with_mailbox(
    ctx: &Ctx<'_>,
    auth: &Auth,
    who: &str,
    f: impl FnOnce(&mut Vec<SimMessage>, &str, bool) -> Response,
) -> Response {
    let mut world = lock(&ctx.state.world);
    let Some(user) = world.users.get(auth.user) else {
        return redirect_to_login();
    };
    let index = if who == "my" {
        user.reportees.first().copied()
    } else {
        user.reportees.iter().copied().find(|&i| {
            world.reportees.get(i).is_some_and(|r| {
                r.id.eq_ignore_ascii_case(who) || r.org_number.as_deref() == Some(who)
            })
        })
    };
    let Some(index) = index else {
        return status_with_reason(
            StatusCode::FORBIDDEN,
            "The user has no access to this reportee",
        );
    };
    let organisation = world
        .reportees
        .get(index)
        .is_some_and(|r| r.kind != ReporteeKind::Person);
    match world.mailboxes.get_mut(index) {
        Some(mailbox) => f(mailbox, who, organisation),
        None => status_with_reason(StatusCode::NOT_FOUND, "Reportee not found"),
    }
}

fn fmt_date(date: chrono::NaiveDateTime) -> String {
    date.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
}

impl Record for SimMessage {
    fn field(&self, name: &str, language: u16) -> Option<filter::Value> {
        use filter::Value::{Date, Num, Str};
        Some(match name {
            "ServiceOwner" => Str(self.service_owner.clone()),
            "Status" => Str(self.status.text(language).to_owned()),
            "Type" => Str(self.kind.to_owned()),
            "ServiceCode" => Str(self.service_code.clone()),
            "ServiceEdition" => Num(self.service_edition),
            "CreatedDate" => Date(self.created),
            "LastChangedDateTime" => Date(self.last_changed),
            "Subject" => Str(self.subject.clone()),
            "Summary" => Str(self.summary.clone()),
            _ => return None,
        })
    }
}

fn message_json(ctx: &Ctx<'_>, m: &SimMessage, who: &str, detail: bool) -> Value {
    let self_href = format!("{}/api/{who}/messages/{}", ctx.base, m.id);
    let mut links = json!({
        "self": {"href": self_href},
        "metadata": {"href": format!("{}/api/metadata/{}/{}/{}", ctx.base, m.kind.to_lowercase(), m.service_code, m.service_edition)},
        "portalview": {"href": format!("{}/ui/messagebox?id={}", ctx.base, m.id)}
    });
    if m.kind == "FormTask" {
        links["print"] =
            json!({"href": format!("{self_href}/print"), "mime-type": "application/pdf"});
    }
    let mut item = json!({
        "MessageId": m.id,
        "Subject": m.subject,
        "Status": m.status.text(ctx.language),
        "MarkedUnread": m.marked_unread,
        "LastChangedDateTime": fmt_date(m.last_changed),
        "CreatedDate": fmt_date(m.created),
        "LastChangedBy": m.last_changed_by,
        "ServiceOwner": m.service_owner,
        "Type": m.kind,
        "ServiceCode": m.service_code,
        "ServiceEdition": m.service_edition,
    });
    if let Some(original) = &m.original_id {
        item["OriginalId"] = json!(original);
    }
    if let Some(sender) = &m.message_sender {
        item["MessageSender"] = json!(sender);
    }
    if let Some(due) = m.due {
        item["DueDate"] = json!(fmt_date(due));
    }
    if let Some(reference) = &m.archive_reference {
        item["ArchiveReference"] = json!(reference);
    }
    if m.requires_confirmation {
        item["AvailableAction"] = json!(1);
    }
    if detail {
        item["Summary"] = json!(m.summary);
        item["Body"] = json!(m.body);
        links["attachment"] = Value::Array(
            m.attachments
                .iter()
                .map(|a| {
                    json!({
                        "href": format!("{self_href}/attachments/{}", a.id),
                        "name": a.name,
                        "fileName": a.file_name,
                        "encrypted": false,
                        "signinglocked": false,
                        "signedbydefault": false,
                        "filesize": a.size
                    })
                })
                .collect(),
        );
    }
    item["_links"] = links;
    item
}

fn parse_day(text: &str) -> Option<chrono::NaiveDateTime> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(chrono::NaiveTime::MIN))
}

fn list(ctx: &Ctx<'_>, mailbox: &mut [SimMessage], who: &str) -> Response {
    let number = |key: &str, default: usize| -> Result<usize, String> {
        match ctx.query.get(key) {
            None => Ok(default),
            Some(text) => text
                .trim()
                .parse()
                .map_err(|_| format!("Invalid value for {key}")),
        }
    };
    let (skip, top) = match (number("$skip", 0), number("$top", PAGE_MAX)) {
        (Ok(skip), Ok(top)) => (skip, top.min(PAGE_MAX)),
        (Err(reason), _) | (_, Err(reason)) => {
            return status_with_reason(StatusCode::BAD_REQUEST, &reason)
        }
    };
    let filter = match ctx.query.get("$filter").map(|f| filter::parse(f)) {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err(reason)) => return status_with_reason(StatusCode::BAD_REQUEST, &reason),
    };
    let mut range = (None, None);
    for (key, slot) in [("datefrom", &mut range.0), ("dateto", &mut range.1)] {
        if let Some(text) = ctx.query.get(key) {
            match parse_day(text) {
                Some(day) => *slot = Some(day),
                None => {
                    return status_with_reason(
                        StatusCode::BAD_REQUEST,
                        &format!("Invalid {key}, expected yyyy-MM-dd"),
                    )
                }
            }
        }
    }
    let mut page = Vec::with_capacity(top);
    let mut matched = 0usize;
    for m in mailbox.iter().filter(|m| m.status != SimStatus::Deleted) {
        if range.0.is_some_and(|from| m.last_changed < from)
            || range
                .1
                .is_some_and(|to| m.last_changed >= to + chrono::Duration::days(1))
        {
            continue;
        }
        if let Some(filter) = &filter {
            match filter.matches(m, ctx.language) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(reason) => return status_with_reason(StatusCode::BAD_REQUEST, &reason),
            }
        }
        if matched >= skip && page.len() < top {
            page.push(message_json(ctx, m, who, false));
        }
        matched += 1;
        if page.len() == top && filter.is_none() {
            break;
        }
    }
    hal(
        &json!({
            "_links": {
                "self": {"href": format!("{}/api/{who}/messages", ctx.base)},
                "find": {"href": format!("{}/api/{who}/messages/{{MessageId}}", ctx.base), "isTemplated": true},
                "portalview": {"href": format!("{}/ui/messagebox", ctx.base)}
            },
            "_embedded": {"messages": page}
        }),
        ctx.state,
    )
}

fn find<'m>(mailbox: &'m mut [SimMessage], id: &str) -> Option<&'m mut SimMessage> {
    mailbox.iter_mut().find(|m| m.id.eq_ignore_ascii_case(id))
}

/// The message `id`, if it exists and the session's security level may open it; else the
/// answer Altinn gives (404, or 401 for a level too low).
fn accessible<'m>(
    mailbox: &'m mut [SimMessage],
    id: &str,
    auth: &Auth,
) -> Result<&'m mut SimMessage, Box<Response>> {
    let m = find(mailbox, id).ok_or_else(|| {
        Box::new(status_with_reason(
            StatusCode::NOT_FOUND,
            "Message not found",
        ))
    })?;
    match level_denied(m, auth) {
        Some(denied) => Err(Box::new(denied)),
        None => Ok(m),
    }
}

fn level_denied(m: &SimMessage, auth: &Auth) -> Option<Response> {
    (m.required_level > auth.level).then(|| {
        status_with_reason(
            StatusCode::UNAUTHORIZED,
            &format!(
                "Insufficient authentication level. Level {} is required.",
                m.required_level
            ),
        )
    })
}

fn detail(ctx: &Ctx<'_>, mailbox: &mut [SimMessage], who: &str, id: &str, auth: &Auth) -> Response {
    let m = match accessible(mailbox, id, auth) {
        Ok(m) => m,
        Err(response) => return *response,
    };
    let document = message_json(ctx, m, who, true);
    let mark = !ctx
        .query
        .get("markasread")
        .is_some_and(|v| v.eq_ignore_ascii_case("false"));
    if mark && m.kind == "Correspondence" && m.status == SimStatus::Unread {
        m.status = SimStatus::Read;
    }
    hal(&document, ctx.state)
}

fn attachment_list(
    ctx: &Ctx<'_>,
    mailbox: &mut [SimMessage],
    who: &str,
    id: &str,
    auth: &Auth,
) -> Response {
    let m = match accessible(mailbox, id, auth) {
        Ok(m) => m,
        Err(response) => return *response,
    };
    let base = format!("{}/api/{who}/messages/{}/attachments", ctx.base, m.id);
    let items: Vec<Value> = m
        .attachments
        .iter()
        .map(|a| {
            let href = format!("{base}/{}", a.id);
            json!({
                "FileName": a.file_name,
                "Name": a.name,
                "AttachmentLink": href,
                "AttachmentType": a.file_name.rsplit('.').next().unwrap_or_default(),
                "Encrypted": false,
                "SigningLocked": false,
                "SignedByDefault": false,
                "FileSize": a.size,
                "_links": {"self": {"href": href}}
            })
        })
        .collect();
    hal(
        &json!({"_links": {"self": {"href": base}}, "_embedded": {"attachments": items}}),
        ctx.state,
    )
}

fn attachment(mailbox: &mut [SimMessage], id: &str, att: &str, auth: &Auth) -> Response {
    let m = match accessible(mailbox, id, auth) {
        Ok(m) => m,
        Err(response) => return *response,
    };
    let Some(a) = m.attachments.iter().find(|a| a.id.to_string() == att) else {
        return status_with_reason(StatusCode::NOT_FOUND, "Attachment not found");
    };
    // A plain ASCII fallback and the exact name percent-encoded (RFC 6266 / 5987), so any
    // name makes a valid header.
    let ascii: String = a
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(a.file_name.as_bytes()).collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encoded.replace('+', "%20")
    );
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, a.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        a.bytes(),
    )
        .into_response()
}

fn trashbin(ctx: &Ctx<'_>, mailbox: &mut [SimMessage], who: &str) -> Response {
    let items: Vec<Value> = mailbox
        .iter()
        .filter(|m| m.status == SimStatus::Deleted)
        .take(PAGE_MAX)
        .map(|m| message_json(ctx, m, who, false))
        .collect();
    hal(
        &json!({
            "_links": {"self": {"href": format!("{}/api/{who}/messages/trashbin", ctx.base)}},
            "_embedded": {"messages": items}
        }),
        ctx.state,
    )
}

/// `PUT …/archive`: the message gets a `b…` id; one that needs a confirmation is refused.
fn archive(
    ctx: &Ctx<'_>,
    mailbox: &mut [SimMessage],
    who: &str,
    id: &str,
    auth: &Auth,
) -> Response {
    let m = match accessible(mailbox, id, auth) {
        Ok(m) => m,
        Err(response) => return *response,
    };
    if m.requires_confirmation {
        return status_with_reason(
            StatusCode::BAD_REQUEST,
            "The correspondence requires confirmation and cannot be archived",
        );
    }
    if matches!(m.status, SimStatus::Archived | SimStatus::Deleted) {
        return status_with_reason(StatusCode::BAD_REQUEST, "The message is already archived");
    }
    let number =
        m.id.trim_start_matches(['a', 'b', 'c'])
            .parse::<u64>()
            .unwrap_or_default();
    m.original_id = Some(m.id.to_string());
    m.id = format!("b{}", number + 500_000);
    m.status = SimStatus::Archived;
    let location = format!("{}/api/{who}/messages/{}", ctx.base, m.id);
    let mut response = status_with_reason(StatusCode::NO_CONTENT, "Message has been archived");
    if let Ok(value) = location.parse() {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// `PUT …/confirm`: only for correspondence that requires it.
fn confirm(mailbox: &mut [SimMessage], id: &str, auth: &Auth) -> Response {
    let m = match accessible(mailbox, id, auth) {
        Ok(m) => m,
        Err(response) => return *response,
    };
    if !m.requires_confirmation {
        return status_with_reason(
            StatusCode::BAD_REQUEST,
            "The message does not require confirmation",
        );
    }
    m.requires_confirmation = false;
    if m.status == SimStatus::Unread {
        m.status = SimStatus::Read;
    }
    status_with_reason(StatusCode::NO_CONTENT, "Message has been confirmed")
}

/// `DELETE …/{id}`: to the trash bin; correspondence to organisations cannot be deleted.
fn delete(mailbox: &mut [SimMessage], id: &str, auth: &Auth, organisation: bool) -> Response {
    let m = match accessible(mailbox, id, auth) {
        Ok(m) => m,
        Err(response) => return *response,
    };
    if organisation && m.kind == "Correspondence" {
        return status_with_reason(
            StatusCode::FORBIDDEN,
            "Correspondence to organisations cannot be deleted",
        );
    }
    if m.status == SimStatus::Deleted {
        return status_with_reason(StatusCode::NOT_FOUND, "Message not found");
    }
    m.status = SimStatus::Deleted;
    status_with_reason(StatusCode::NO_CONTENT, "Message has been deleted")
}
