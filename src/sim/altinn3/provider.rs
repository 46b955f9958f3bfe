//! What lies behind the URLs a dialog names besides Dialogporten and Correspondence: the
//! service providers' front-channel embeds and files (`/serviceprovider/…`, with query
//! strings as such URLs have), the receipts of app submissions at Storage's Dialogporten
//! adapter (`/storage/dialogporten/api/v1/receipt/…`, for the dialog token only), Altinn
//! Storage's data elements (which do not take a dialog token), and the portal's
//! authentication redirect and pages, Arbeidsflate's included (for a browser, not for a
//! program).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::TimeZone;

use super::correspondence::{dialog_claims, error, no_access};
use super::render;
use super::Request;
use crate::sim::data::SimMessage;
use crate::sim::lock;
use crate::sim::store::{self, DialogState};

/// Routes a GET under `/serviceprovider`, `/storage`, `/authentication` or `/af` (segments
/// lower case, `original` as sent).
pub(crate) fn route(request: &Request<'_>, original: &[&str]) -> (&'static str, Response) {
    let lower: Vec<String> = original.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match lower.as_slice() {
        ["serviceprovider", "fce", dialog, part] => (
            "/serviceprovider/fce/{id}/{id}",
            embed(request, dialog, part, None),
        ),
        ["serviceprovider", "attachment", dialog, part, index] => (
            "/serviceprovider/attachment/{id}/{id}/{n}",
            embed(
                request,
                dialog,
                part,
                Some(index.parse().unwrap_or(usize::MAX)),
            ),
        ),
        ["serviceprovider", "tjeneste", _] => ("/serviceprovider/tjeneste/{id}", page("tjenesten")),
        ["storage", "dialogporten", "api", "v1", "receipt", dialog, transmission] => (
            "/storage/dialogporten/api/v1/receipt/{id}/{id}",
            receipt(request, dialog, transmission),
        ),
        ["storage", "api", "v1", "instances", _, _, "data", _] => (
            "/storage/api/v1/instances/{party}/{id}/data/{id}",
            storage_refuses(),
        ),
        ["authentication", "api", "v1", "authentication"] => {
            ("/authentication/api/v1/authentication", to_login(request))
        }
        ["authentication", "login"] => ("/authentication/login", page("innloggingen")),
        ["af", "inbox", _] => ("/af/inbox/{id}", page("meldingen i Arbeidsflate")),
        _ => ("other", error(404, 1001, "Not found")),
    }
}

/// Answers with `act` on the dialog a dialog token was issued for, when it is `dialog`
/// and still there.
fn with_dialog(
    request: &Request<'_>,
    dialog: &str,
    act: impl FnOnce(&SimMessage, &DialogState) -> Response,
) -> Response {
    let claims = match dialog_claims(request) {
        Ok(claims) => claims,
        Err(response) => return *response,
    };
    if claims.i != dialog {
        return no_access();
    }
    let mut guard = lock(&request.state.world);
    let world = &mut *guard;
    let key = world.dialog_key(dialog);
    let Some((mb, i)) = key.and_then(|k| store::find(&world.mailboxes, &k)) else {
        return error(404, 1001, "Not found");
    };
    let message = &world.mailboxes[mb][i];
    let state = world.altinn3.state(message).clone();
    act(message, &state)
}

fn markdown(body: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `GET /serviceprovider/fce/{dialog}/{transmission|main}`: a transmission's body or, for
/// `main`, the dialog's own content (another service owner's letter); and
/// `…/attachment/{dialog}/{transmission|main}/{n}` their files, for the dialog's token.
fn embed(request: &Request<'_>, dialog: &str, part: &str, attachment: Option<usize>) -> Response {
    with_dialog(request, dialog, |message, state| {
        if part == "main" {
            return match attachment {
                None => markdown(render::body_markdown(message, state, None)),
                Some(index) => match message.attachments.get(index) {
                    Some(file) => file_answer(&file.file_name, file.content_type(), file.bytes()),
                    None => error(404, 2001, "The requested attachment was not found"),
                },
            };
        }
        let Some(t) = state.transmissions.iter().find(|t| t.id == part) else {
            return error(404, 1001, "Not found");
        };
        if !t.authorized {
            return no_access();
        }
        match attachment {
            None => markdown(t.body.clone().unwrap_or_default()),
            Some(index) => match t.attachments.get(index) {
                Some(element) => {
                    let title = format!(
                        "{} ({})",
                        element.file_name,
                        t.title.first().map(|(_, v)| v.as_str()).unwrap_or_default()
                    );
                    file_answer(
                        &element.file_name,
                        element.media_type,
                        crate::sim::data::pdf(&[&title]),
                    )
                }
                None => error(404, 2001, "The requested attachment was not found"),
            },
        }
    })
}

/// A file with its type, named in `Content-Disposition`.
fn file_answer(name: &str, media_type: &str, bytes: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = media_type.parse() {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let name = name.replace(['"', '\r', '\n'], "");
    if let Ok(value) = format!("attachment; filename=\"{name}\"").parse() {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `GET /storage/dialogporten/api/v1/receipt/{dialog}/{transmission}`: a submission's
/// receipt as markdown (a table, then a line), for the dialog's token.
fn receipt(request: &Request<'_>, dialog: &str, transmission: &str) -> Response {
    with_dialog(request, dialog, |message, state| {
        let Some(t) = state
            .transmissions
            .iter()
            .find(|t| t.id == transmission && t.receipt)
        else {
            return error(404, 1001, "Not found");
        };
        let when = chrono_tz::Europe::Oslo
            .from_utc_datetime(&t.at.naive_utc())
            .format("%d.%m.%Y %H:%M");
        let reference = state.id.replace('-', "");
        let reference = &reference[reference.len().saturating_sub(12)..];
        markdown(format!(
            "| | |\n|---|---|\n| Dato sendt | {when} |\n| Avsender | {sender} |\n| Mottaker | {owner} |\n| Referansenummer | {reference} |\n\nDet er gitt melding til {owner} om at skjemaet er mottatt. Kvitteringen er også lagret i Altinn.\n",
            sender = message.last_changed_by,
            owner = message.service_owner,
        ))
    })
}

/// Altinn Storage does not know Dialogporten's dialog tokens: a data element's `Api` URL
/// answers `401` to one (altinn3-production.md §3.4, answered the cautious way here).
fn storage_refuses() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
    )
        .into_response()
}

/// `GET /authentication/api/v1/authentication?goto=…`: the portal sends a browser to log
/// in; a program gets the redirect and no file.
fn to_login(request: &Request<'_>) -> Response {
    let goto: String = request
        .one("goto")
        .map(|g| url::form_urlencoded::byte_serialize(g.as_bytes()).collect())
        .unwrap_or_default();
    (
        StatusCode::FOUND,
        [(
            header::LOCATION,
            format!("{}/authentication/login?goto={goto}", request.base),
        )],
    )
        .into_response()
}

/// A page a browser would show (the simulator has no portal).
fn page(what: &str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!("<!doctype html><meta charset=utf-8><title>Altinn-simulatoren</title><p>Her ville {what} i Altinn ha vært. Simulatoren viser den ikke.</p>"),
    )
        .into_response()
}
