//! `POST /__sim/deliver`: a service owner sends a party a new letter now, so tests and the
//! demo can watch a dialog arrive through both faces. The generator is not touched (no
//! random draws), so the seeded mailboxes stay as they were; the text is stored as given,
//! hostile or not, since sanitising is the client's work.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDateTime, Timelike, Utc};
use serde::Deserialize;
use serde_json::json;

use super::store::party_urn;
use super::world::{Reportee, SimMessage, SimStatus, World};
use super::{lock, SimState};

/// The sender when the body names none.
const DEFAULT_SENDER: &str = "Skatteetaten";

/// The service code of delivered letters (none of the generator's, so they are told apart).
const SERVICE_CODE: &str = "4500";

/// The body of `POST /__sim/deliver`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Delivery {
    /// A reportee id (`r…`), an organisation or national identity number, or a party URN.
    party: String,
    /// The letter's title (also its summary).
    title: String,
    /// The service owner's name.
    sender: Option<String>,
    /// When an answer is due (RFC 3339).
    due: Option<String>,
    /// Asks for a confirmation of receipt (Dialogporten's `RequiresAttention`).
    requires_attention: Option<bool>,
}

/// Adds the letter on top of the party's mailbox: `201 {"id", "altinn2_id"}`, `400` for a
/// body it cannot read, `404` for a party it does not know.
pub async fn handle(State(state): State<Arc<SimState>>, body: Bytes) -> Response {
    let delivery = match serde_json::from_slice::<Delivery>(&body) {
        Ok(delivery) => delivery,
        Err(error) => return error_json(StatusCode::BAD_REQUEST, &error.to_string()),
    };
    if delivery.title.is_empty() {
        return error_json(StatusCode::BAD_REQUEST, "title must not be empty");
    }
    let due = match delivery.due.as_deref().map(DateTime::parse_from_rfc3339) {
        None => None,
        Some(Ok(due)) => Some(oslo(due.with_timezone(&Utc))),
        Some(Err(error)) => {
            return error_json(StatusCode::BAD_REQUEST, &format!("due: {error}"));
        }
    };
    let mut world = lock(&state.world);
    let Some(index) = party_index(&world.reportees, &delivery.party) else {
        return error_json(StatusCode::NOT_FOUND, "no such party");
    };
    let (id, altinn2_id) = deliver(&mut world, index, &delivery, due);
    (
        StatusCode::CREATED,
        axum::Json(json!({"id": id, "altinn2_id": altinn2_id})),
    )
        .into_response()
}

/// `{"error": message}` with `status`.
fn error_json(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({"error": message}))).into_response()
}

/// The reportee that `party` names, by id, number or URN (case-insensitively).
fn party_index(reportees: &[Reportee], party: &str) -> Option<usize> {
    let party = party.trim();
    reportees.iter().position(|r| {
        r.id.eq_ignore_ascii_case(party)
            || r.org_number.as_deref() == Some(party)
            || r.ssn.as_deref() == Some(party)
            || party_urn(r).eq_ignore_ascii_case(party)
    })
}

/// Puts the letter on top of mailbox `index` and makes its dialog; (dialog id, `a…` id).
fn deliver(
    world: &mut World,
    index: usize,
    delivery: &Delivery,
    due: Option<NaiveDateTime>,
) -> (String, String) {
    let altinn2_id = super::data::next_message_id(&world.mailboxes);
    let at = world
        .mailboxes
        .get(index)
        .map(|m| arrival(m, Utc::now()))
        .unwrap_or_else(|| oslo(Utc::now()));
    let message = letter(delivery, altinn2_id.clone(), at, due);
    let id = world.altinn3.state(&message).id.clone();
    if let Some(mailbox) = world.mailboxes.get_mut(index) {
        mailbox.insert(0, message);
    }
    (id, altinn2_id)
}

/// When the letter arrives: now on the wall clock (Oslo local, whole milliseconds), or just
/// after the mailbox's newest message when the anchor lies ahead of the clock, so the new
/// letter is always the newest (first in both faces' lists).
fn arrival(mailbox: &[SimMessage], now: DateTime<Utc>) -> NaiveDateTime {
    let wall = oslo(now);
    let wall = wall
        .with_nanosecond(wall.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(wall);
    match mailbox.iter().map(|m| m.last_changed.max(m.created)).max() {
        Some(newest) if newest >= wall => newest + Duration::seconds(1),
        _ => wall,
    }
}

/// Oslo local time, as the simulator's messages keep it.
fn oslo(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&chrono_tz::Europe::Oslo).naive_local()
}

/// The new unread letter, its text as given.
fn letter(
    delivery: &Delivery,
    id: String,
    at: NaiveDateTime,
    due: Option<NaiveDateTime>,
) -> SimMessage {
    let owner = delivery
        .sender
        .clone()
        .unwrap_or_else(|| DEFAULT_SENDER.to_owned());
    SimMessage {
        id,
        original_id: None,
        subject: delivery.title.clone(),
        summary: delivery.title.clone(),
        status: SimStatus::Unread,
        created: at,
        last_changed: at,
        last_changed_by: owner.clone(),
        service_owner: owner,
        message_sender: None,
        kind: "Correspondence",
        service_code: SERVICE_CODE.to_owned(),
        service_edition: 1,
        due,
        archive_reference: None,
        required_level: 1,
        requires_confirmation: delivery.requires_attention.unwrap_or(false),
        marked_unread: false,
        attachments: Vec::new(),
        body: format!("<p>{}</p>", delivery.title),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn message(at: NaiveDateTime) -> SimMessage {
        letter(
            &Delivery {
                party: "r1".into(),
                title: "t".into(),
                sender: None,
                due: None,
                requires_attention: None,
            },
            "a1".into(),
            at,
            None,
        )
    }

    #[test]
    fn arrives_after_the_newest_when_the_anchor_is_ahead() {
        let now = Utc::now();
        assert_eq!(arrival(&[], now).nanosecond() % 1_000_000, 0);
        let ahead = oslo(now) + Duration::hours(3);
        assert_eq!(
            arrival(&[message(ahead)], now),
            ahead + Duration::seconds(1)
        );
        let behind = NaiveDate::from_ymd_opt(2020, 1, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap_or_default();
        assert!(arrival(&[message(behind)], now) > behind + Duration::days(365));
    }
}
