//! Correspondence's recipient API (altinn3-api.md §4): a letter's overview and details, its
//! content as markdown (the first read sets `Read` and opens the dialog), mark as read,
//! confirm, purge, and attachment download. It accepts the dialog's `dialogToken` and
//! refuses a plain ID-porten token (`401`, error code 4001), as the real service does.
//! "All attachments" as one zip.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{json, Value};

use super::render;
use super::token::DialogClaims;
use super::{bearer, timestamp, Request};
use crate::sim::data::{SimMessage, World};
use crate::sim::lock;
use crate::sim::store::{self, ActorRef, CorrespondenceStatus, DialogState, Place};

/// Routes a request under `/correspondence` (segments after it).
pub(crate) fn route(
    request: &Request<'_>,
    seg: &[&str],
    original: &[&str],
) -> (&'static str, Response) {
    use axum::http::Method;
    let id = original.get(3).copied().unwrap_or_default();
    match (request.method.clone(), seg) {
        (Method::GET, ["api", "v1", "correspondence", _]) => (
            "/correspondence/api/v1/correspondence/{id}",
            overview(request, id, false),
        ),
        (Method::GET, ["api", "v1", "correspondence", _, "details"]) => (
            "/correspondence/api/v1/correspondence/{id}/details",
            overview(request, id, true),
        ),
        (Method::GET, ["api", "v1", "correspondence", _, "content"]) => (
            "/correspondence/api/v1/correspondence/{id}/content",
            content(request, id),
        ),
        (Method::POST, ["api", "v1", "correspondence", _, "markasread"]) => (
            "/correspondence/api/v1/correspondence/{id}/markasread",
            mark_as_read(request, id),
        ),
        (Method::POST, ["api", "v1", "correspondence", _, "confirm"]) => (
            "/correspondence/api/v1/correspondence/{id}/confirm",
            confirm(request, id),
        ),
        (Method::DELETE, ["api", "v1", "correspondence", _, "purge"]) => (
            "/correspondence/api/v1/correspondence/{id}/purge",
            purge(request, id),
        ),
        (Method::GET, ["api", "v1", "correspondence", _, "attachments", "downloadall"]) => (
            "/correspondence/api/v1/correspondence/{id}/attachments/downloadall",
            download_all(request, id),
        ),
        (Method::GET, ["api", "v1", "correspondence", _, "attachment", _, "download"]) => (
            "/correspondence/api/v1/correspondence/{id}/attachment/{id}/download",
            download(request, id, original.get(5).copied().unwrap_or_default()),
        ),
        _ => (
            "other",
            error(404, 1001, "The requested correspondence was not found"),
        ),
    }
}

/// A Correspondence error: ProblemDetails with the service's `errorCode`.
pub(crate) fn error(status: u16, code: u16, detail: &str) -> Response {
    let (section, title) = match status {
        401 => ("15.5.2", "Unauthorized"),
        404 => ("15.5.5", "Not Found"),
        _ => ("15.5.1", "Bad Request"),
    };
    let body = json!({
        "type": format!("https://tools.ietf.org/html/rfc9110#section-{section}"),
        "title": title,
        "status": status,
        "detail": detail,
        "traceId": format!("00-{}-{}-00", crate::sim::random_hex(16).to_ascii_lowercase(), crate::sim::random_hex(8).to_ascii_lowercase()),
        "errorCode": code,
        "code": format!("CORR-{code}"),
    });
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(
            header::CONTENT_TYPE,
            "application/problem+json; charset=utf-8",
        )],
        body.to_string(),
    )
        .into_response()
}

pub(crate) fn no_access() -> Response {
    error(401, 4001, "You must use an Altinn token, DialogToken or log in to IDPorten as the reciever of the correspondence")
}

/// The dialog token of the request, verified: Dialogporten's signature, not expired, `read`.
pub(crate) fn dialog_claims(request: &Request<'_>) -> Result<DialogClaims, Box<Response>> {
    let token = bearer(request.headers).ok_or_else(|| Box::new(no_access()))?;
    let issuer = format!("{}/api/v1", request.dialogporten());
    let claims = request
        .state
        .dialog_keys
        .verify(token, &issuer)
        .map_err(|_| Box::new(no_access()))?;
    if !claims.a.split(';').any(|a| a == "read") {
        return Err(Box::new(no_access()));
    }
    Ok(claims)
}

/// The letter with correspondence id `id`, when the token is for its dialog.
fn locate(request: &Request<'_>, world: &mut World, id: &str) -> Result<Place, Box<Response>> {
    let claims = dialog_claims(request)?;
    let not_found = || {
        Box::new(error(
            404,
            1001,
            "The requested correspondence was not found",
        ))
    };
    let key = world.correspondence_key(id).ok_or_else(not_found)?;
    let place = store::find(&world.mailboxes, &key).ok_or_else(not_found)?;
    let message = &world.mailboxes[place.0][place.1];
    let state = world.altinn3.state(message);
    if state.id != claims.i {
        return Err(Box::new(no_access()));
    }
    if state.deleted {
        return Err(not_found());
    }
    Ok(place)
}

/// Runs `act` on the letter `id` (its message and state) under the world's lock.
fn with_letter(
    request: &Request<'_>,
    id: &str,
    act: impl FnOnce(&mut SimMessage, &mut DialogState, &str) -> Response,
) -> Response {
    let mut guard = lock(&request.state.world);
    let world = &mut *guard;
    let (mb, i) = match locate(request, world, id) {
        Ok(place) => place,
        Err(response) => return *response,
    };
    let party = world
        .reportees
        .get(mb)
        .map(|r| {
            r.org_number
                .as_ref()
                .map_or_else(|| store::party_urn(r), |n| format!("0192:{n}"))
        })
        .unwrap_or_default();
    let World {
        mailboxes, altinn3, ..
    } = world;
    let message = &mut mailboxes[mb][i];
    let state = altinn3.state(message);
    act(message, state, &party)
}

fn add_status(state: &mut DialogState, status: CorrespondenceStatus) {
    state.statuses.push((status, Utc::now()));
}

fn fetched(state: &mut DialogState) {
    if !state.has_status(CorrespondenceStatus::Fetched) {
        add_status(state, CorrespondenceStatus::Fetched);
    }
}

/// `GET /{id}` and `/{id}/details`: the letter (nulls included, as Correspondence writes).
fn overview(request: &Request<'_>, id: &str, details: bool) -> Response {
    let base = request.base.to_owned();
    with_letter(request, id, |message, state, recipient| {
        fetched(state);
        let mut value = letter(message, state, recipient, &base);
        if details {
            value["statusHistory"] = Value::Array(
                state.statuses.iter().map(|(s, at)| json!({"status": s.name(), "statusText": s.name(), "statusChanged": timestamp(*at)})).collect(),
            );
            value["notifications"] = json!([]);
        }
        (StatusCode::OK, axum::Json(value)).into_response()
    })
}

fn letter(message: &SimMessage, state: &DialogState, recipient: &str, base: &str) -> Value {
    let status = state.correspondence_status();
    let changed = state
        .statuses
        .iter()
        .map(|(_, at)| *at)
        .max()
        .unwrap_or_else(Utc::now);
    let attachments: Vec<Value> = message.attachments.iter().enumerate().map(|(i, a)| {
        let expired = state.expired_attachments.contains(&i);
        json!({
            "id": render::attachment_id(message, i), "fileName": a.file_name, "displayName": a.name,
            "isEncrypted": false, "checksum": null, "sendersReference": format!("att-{}", a.id),
            "expirationInDays": null, "dataLocationType": "AltinnCorrespondenceAttachment",
            "created": timestamp(store::utc(message.created)),
            "status": if expired { "Expired" } else { "Published" }, "statusText": if expired { "Expired" } else { "Published" },
            "statusChanged": timestamp(store::utc(message.created)),
            "dataType": a.content_type().split(';').next().unwrap_or_default(), "expirationTime": null,
        })
    }).collect();
    json!({
        "correspondenceId": state.correspondence,
        "status": status.name(), "statusText": status.name(), "statusChanged": timestamp(changed),
        "resourceId": render::service_resource(message).trim_start_matches("urn:altinn:resource:"),
        "sender": "0192:974761076", "sendersReference": message.id, "messageSender": message.message_sender.clone().unwrap_or_else(|| message.service_owner.clone()),
        "created": timestamp(store::utc(message.created)), "recipient": recipient,
        "content": {"language": "nb", "messageTitle": message.subject, "messageSummary": message.summary,
                    "messageBody": store::markdown(&message.body), "attachments": attachments},
        "notifications": [], "replyOptions": [], "externalReferences": [], "propertyList": {},
        "requestedPublishTime": null, "dueDateTime": message.due.map(|d| timestamp(store::utc(d))),
        "ignoreReservation": null, "published": timestamp(store::utc(message.created)),
        "read": state.statuses.iter().find(|(s, _)| *s == CorrespondenceStatus::Read).map(|(_, at)| timestamp(*at)),
        "isConfirmationNeeded": message.requires_confirmation || state.has_status(CorrespondenceStatus::Confirmed),
        "isConfidential": false, "allowForwarding": true, "altinn2CorrespondenceId": null, "notification": null,
        "links": format!("{base}/correspondence/api/v1/correspondence/{}", state.correspondence.as_deref().unwrap_or_default()),
    })
}

/// `GET /{id}/content`: the body as markdown (`text/plain`); the first read sets `Read`,
/// adds a `CorrespondenceOpened` activity (the dialog's `hasUnopenedContent` clears) and
/// shows as «Lest» in Altinn 2.
fn content(request: &Request<'_>, id: &str) -> Response {
    let language = request.languages().and_then(|l| l.first().cloned());
    with_letter(request, id, |message, state, _| {
        fetched(state);
        if !state.has_status(CorrespondenceStatus::Read) {
            let now = Utc::now();
            add_status(state, CorrespondenceStatus::Read);
            state.activities.push(store::Activity {
                id: store::uuid7(now, &format!("act|opened|{}", state.id)),
                at: now,
                kind: "CorrespondenceOpened",
                by: ActorRef::ServiceOwner,
                transmission: None,
                description: None,
            });
            store::mark_read(message);
        }
        let body = render::body_markdown(message, state, language.as_deref());
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            body,
        )
            .into_response()
    })
}

/// A string answer, as Correspondence gives the id back.
fn id_answer(state: &DialogState) -> Response {
    (StatusCode::OK, axum::Json(json!(state.correspondence))).into_response()
}

/// `POST /{id}/markasread`: only after `Fetched` (1024), once (1040).
fn mark_as_read(request: &Request<'_>, id: &str) -> Response {
    with_letter(request, id, |message, state, _| {
        if !state.has_status(CorrespondenceStatus::Fetched) {
            return error(
                400,
                1024,
                "Correspondence must be fetched before it can be marked as read",
            );
        }
        if state.has_status(CorrespondenceStatus::Read) {
            return error(
                400,
                1040,
                "The correspondence has already been marked as read",
            );
        }
        add_status(state, CorrespondenceStatus::Read);
        store::mark_read(message);
        id_answer(state)
    })
}

/// `POST /{id}/confirm`: only after `Fetched` (1025), once (1041); the dialog no longer asks
/// for attention, and Altinn 2 no longer asks for a confirmation.
fn confirm(request: &Request<'_>, id: &str) -> Response {
    with_letter(request, id, |message, state, _| {
        if !state.has_status(CorrespondenceStatus::Fetched) {
            return error(
                400,
                1025,
                "Correspondence must be fetched before it can be confirmed",
            );
        }
        if state.has_status(CorrespondenceStatus::Confirmed) {
            return error(400, 1041, "The correspondence has already been confirmed");
        }
        let now = Utc::now();
        add_status(state, CorrespondenceStatus::Confirmed);
        state.activities.push(store::Activity {
            id: store::uuid7(now, &format!("act|confirmed|{}", state.id)),
            at: now,
            kind: "CorrespondenceConfirmed",
            by: ActorRef::ServiceOwner,
            transmission: None,
            description: None,
        });
        message.requires_confirmation = false;
        store::mark_read(message);
        id_answer(state)
    })
}

/// `DELETE /{id}/purge`: gone for good (the dialog then answers `410`); not twice (1014),
/// not before a required confirmation (1026).
fn purge(request: &Request<'_>, id: &str) -> Response {
    with_letter(request, id, |message, state, _| {
        if state.has_status(CorrespondenceStatus::PurgedByRecipient) {
            return error(400, 1014, "The correspondence has already been purged");
        }
        if message.requires_confirmation && !state.has_status(CorrespondenceStatus::Confirmed) {
            return error(
                400,
                1026,
                "Correspondence must be confirmed before it can be archived or deleted",
            );
        }
        add_status(state, CorrespondenceStatus::PurgedByRecipient);
        state.deleted = true;
        message.status = crate::sim::data::SimStatus::Deleted;
        id_answer(state)
    })
}

/// `GET /{id}/attachment/{aid}/download`: the bytes, `Content-Disposition` inline for
/// images and PDFs, else as an attachment with the file name.
fn download(request: &Request<'_>, id: &str, attachment: &str) -> Response {
    let attachment = attachment.to_ascii_lowercase();
    with_letter(request, id, |message, state, _| {
        let Some(index) = (0..message.attachments.len())
            .find(|i| render::attachment_id(message, *i) == attachment)
        else {
            return error(404, 2001, "The requested attachment was not found");
        };
        if state.expired_attachments.contains(&index) {
            return error(400, 2020, "The attachment has expired");
        }
        let Some(file) = message.attachments.get(index) else {
            return error(404, 2001, "The requested attachment was not found");
        };
        add_status(state, CorrespondenceStatus::AttachmentsDownloaded);
        let name = file.file_name.replace(['"', '\r', '\n'], "");
        let inline = [".pdf", ".png", ".jpg", ".jpeg", ".gif", ".bmp"]
            .iter()
            .any(|e| name.to_ascii_lowercase().ends_with(e));
        let disposition = if inline {
            format!("inline; filename=\"{name}\"")
        } else {
            format!("attachment; filename=\"{name}\"")
        };
        let mut response = (StatusCode::OK, file.bytes()).into_response();
        let headers = response.headers_mut();
        if let Ok(value) = file.content_type().parse() {
            headers.insert(header::CONTENT_TYPE, value);
        }
        if let Ok(value) = disposition.parse() {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        response
    })
}

/// `GET /{id}/attachments/downloadall`: every attachment that has not expired, in one zip
/// named after the title (Correspondence's `DownloadAll`).
fn download_all(request: &Request<'_>, id: &str) -> Response {
    with_letter(request, id, |message, state, _| {
        let files: Vec<(String, Vec<u8>)> = message
            .attachments
            .iter()
            .enumerate()
            .filter(|(i, _)| !state.expired_attachments.contains(i))
            .map(|(_, a)| (a.file_name.clone(), a.bytes()))
            .collect();
        if message.attachments.len() < 2 {
            return error(404, 2001, "The requested attachment was not found");
        }
        add_status(state, CorrespondenceStatus::AttachmentsDownloaded);
        let slug: String = message
            .subject
            .to_lowercase()
            .replace(' ', "-")
            .chars()
            .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
            .take(100)
            .collect();
        let name = if slug.is_empty() {
            "correspondence-attachments".to_owned()
        } else {
            slug
        };
        let mut response = (StatusCode::OK, super::zip::stored(&files)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/zip"),
        );
        if let Ok(value) = format!("attachment; filename*=UTF-8''{name}.zip").parse() {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        response
    })
}
