//! Altinn 3 as the simulator serves it, over the same mailbox as the Altinn 2 face:
//! Dialogporten's end-user API under `/dialogporten/api/v1/` ([`dialogporten`]),
//! Correspondence's recipient API under `/correspondence/api/v1/correspondence/`
//! ([`correspondence`]), as altinn3-api.md describes them, and what other URLs in a
//! dialog lead to ([`provider`]: service providers, app receipts, Storage, the portal). This file holds what both
//! share: routing, the wire rules (camelCase, nulls omitted, UTC timestamps with seven
//! fractional digits, `Accept-Language` pruning, ProblemDetails), and the end user.

pub mod correspondence;
pub mod dialogporten;
mod provider;
pub(crate) mod render;
mod search;
pub mod token;
mod zip;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::{lock, SimState};

/// The request, as the handlers need it.
pub(crate) struct Request<'a> {
    pub state: &'a SimState,
    pub method: &'a Method,
    /// The path as sent (for `instance`).
    pub path: &'a str,
    /// Query parameters with lower-cased names, repeated keys kept.
    pub query: Vec<(String, String)>,
    pub headers: &'a HeaderMap,
    pub body: &'a Bytes,
    /// `http://127.0.0.1:PORT`.
    pub base: &'a str,
}

impl Request<'_> {
    /// Every value of query parameter `name` (lower case).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of query parameter `name`.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The language preferences of `Accept-Language`, best first.
    pub fn languages(&self) -> Option<Vec<String>> {
        let header = self
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())?;
        let mut weighted: Vec<(String, f32)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok())
                    .unwrap_or(1.0);
                let language = tag.split('-').next()?.to_owned();
                (!language.is_empty()).then_some((language, q))
            })
            .collect();
        weighted.sort_by(|a, b| b.1.total_cmp(&a.1));
        Some(weighted.into_iter().map(|(l, _)| l).collect())
    }

    /// The Dialogporten base URL: `http://127.0.0.1:PORT/dialogporten`.
    pub fn dialogporten(&self) -> String {
        format!("{}/dialogporten", self.base)
    }
}

/// Routes a request under `/dialogporten` or `/correspondence` (segments lower-cased, the
/// first being that prefix); returns the route template for the counters and the answer.
pub(crate) fn dispatch(
    request: &Request<'_>,
    segments: &[&str],
    original: &[&str],
) -> (&'static str, Response) {
    if let Some(answer) = fault(request.state, segments) {
        return answer;
    }
    match segments.first() {
        Some(&"dialogporten") => dialogporten::route(request, &segments[1..], &original[1..]),
        Some(&"correspondence") => correspondence::route(request, &segments[1..], &original[1..]),
        Some(&"serviceprovider" | &"storage" | &"authentication" | &"af")
            if request.method == Method::GET =>
        {
            provider::route(request, original)
        }
        _ => ("other", StatusCode::NOT_FOUND.into_response()),
    }
}

/// Altinn 3's own faults (`--faults maintenance=…,parties-latency=…`): a maintenance
/// `503 text/plain` on any route; and a test's (`Faults::fail_next`, `throttle_next`).
fn fault(state: &SimState, _segments: &[&str]) -> Option<(&'static str, Response)> {
    if let Some(seconds) = state.faults.take_throttle() {
        return Some((
            "throttled",
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, seconds.to_string())],
            )
                .into_response(),
        ));
    }
    if let Some(status) = state.faults.take_error() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Some(("fault", (status, "Simulated failure").into_response()));
    }
    state.dice.maintenance().then(|| {
        (
            "maintenance",
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain")],
                "Service Unavailable",
            )
                .into_response(),
        )
    })
}

/// A timestamp as Dialogporten writes it: UTC, seven fractional digits, `Z`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    format!(
        "{}.{:07}Z",
        at.format("%Y-%m-%dT%H:%M:%S"),
        at.timestamp_subsec_nanos() / 100
    )
}

/// Removes every `null` (Dialogporten writes none).
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// A Dialogporten JSON answer: nulls omitted.
pub fn dialogporten_json(status: StatusCode, value: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        without_nulls(value).to_string(),
    )
        .into_response()
}

/// A ProblemDetails answer as Dialogporten writes it (altinn3-api.md §2.8): `type` and
/// `title` by status, the request path as `instance`, a `traceId`, and `errors` (not for
/// 412).
pub(crate) fn problem(request: &Request<'_>, status: u16, errors: &[(&str, String)]) -> Response {
    let (kind, title) = match status {
        400 => (
            "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1",
            "One or more validation errors occurred.",
        ),
        403 => (
            "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.3",
            "Forbidden.",
        ),
        404 => (
            "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.4",
            "Resource not found.",
        ),
        409 => (
            "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.8",
            "Conflict.",
        ),
        410 => (
            "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.9",
            "Resource no longer available.",
        ),
        412 => (
            "https://datatracker.ietf.org/doc/html/rfc7232#section-4.2",
            "Precondition failed.",
        ),
        422 => (
            "https://datatracker.ietf.org/doc/html/rfc4918#section-11.2",
            "Unprocessable request.",
        ),
        _ => (
            "https://datatracker.ietf.org/doc/html/rfc7231#section-6.6.1",
            "An error occurred while processing the request.",
        ),
    };
    let mut body = json!({
        "type": kind,
        "title": title,
        "status": status,
        "instance": request.path,
        "traceId": format!("00-{}-{}-00", super::random_hex(16).to_ascii_lowercase(), super::random_hex(8).to_ascii_lowercase()),
    });
    if status != 412 {
        let mut map = Map::new();
        for (key, message) in errors {
            let entry = map.entry((*key).to_owned()).or_insert_with(|| json!([]));
            if let Value::Array(list) = entry {
                list.push(json!(message));
            }
        }
        body["errors"] = Value::Object(map);
    }
    if status >= 500 {
        body["detail"] = json!("Something went wrong during the request.");
    }
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        code,
        [(
            header::CONTENT_TYPE,
            "application/problem+json; charset=utf-8",
        )],
        body.to_string(),
    )
        .into_response()
}

/// The bearer token of the request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The person an ID-porten token speaks for.
#[derive(Debug, Clone)]
pub struct EndUser {
    /// Index of the simulated user.
    pub user: usize,
    /// Authentication level (3 substantial, 4 high).
    pub level: u8,
    /// `urn:altinn:person:identifier-no:…`.
    pub urn: String,
}

/// An empty `401` with the bearer challenge, as ASP.NET's JWT handler answers.
pub fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
    )
        .into_response()
}

/// The end user of a Dialogporten request: a valid ID-porten token with the scope
/// `digdir:dialogporten` (or `.noconsent`), a `pid` and a level (altinn3-api.md §3.1).
pub(crate) fn end_user(request: &Request<'_>) -> Result<EndUser, Box<Response>> {
    let token = bearer(request.headers).ok_or_else(|| Box::new(unauthorized()))?;
    let claims = request
        .state
        .keys
        .verify(token, &super::idporten::issuer(request.state))
        .map_err(|_| Box::new(unauthorized()))?;
    let scopes = claims.scope.unwrap_or_default();
    if !scopes
        .split(' ')
        .any(|s| s == "digdir:dialogporten" || s == "digdir:dialogporten.noconsent")
    {
        return Err(Box::new(problem(
            request,
            403,
            &[("Forbidden", "Forbidden".to_owned())],
        )));
    }
    if claims.pid.is_empty() {
        return Err(Box::new(problem(request, 403, &[("Type", "The request was authenticated, but we were unable to determine valid user type (person or system user) in order to authorize the request.".to_owned())])));
    }
    let world = lock(&request.state.world);
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
        .ok_or_else(|| Box::new(unauthorized()))?;
    let level = match claims.acr.as_str() {
        "idporten-loa-high" => 4,
        "idporten-loa-substantial" => 3,
        _ => 0,
    };
    Ok(EndUser {
        user,
        level,
        urn: format!("urn:altinn:person:identifier-no:{}", claims.pid),
    })
}
