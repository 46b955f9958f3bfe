//! A message of the synthetic world as Dialogporten writes it: the dialog (as a search hit
//! and in full), its transmissions, activities, seen log and label log. Correspondence's
//! letters get the shape Correspondence gives its dialogs (altinn3-api.md §3.4).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::timestamp;
use crate::sim::data::{Reportee, SimMessage, SimStatus};
use crate::sim::store::{
    self, Activity, ActorRef, DialogState, Label, LabelEntry, SeenEntry, Transmission,
};

/// What a dialog is rendered with.
pub struct View<'a> {
    pub message: &'a SimMessage,
    pub state: &'a DialogState,
    pub party: &'a Reportee,
    /// The user who asks (for `isCurrentEndUser`).
    pub user: usize,
    /// Names of the simulated users, by index.
    pub names: &'a [String],
    /// `http://127.0.0.1:PORT`.
    pub base: &'a str,
    /// `Accept-Language`, best first.
    pub languages: Option<&'a [String]>,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Keeps the best entry for the asked languages: the best weighted match, else `en`, then
/// `nb` (`nb` first when a Scandinavian language was asked); all when nothing matches or
/// nothing was asked (altinn3-api.md §2.1).
pub fn prune<T: Clone>(entries: &[(&str, T)], languages: Option<&[String]>) -> Vec<(String, T)> {
    let all = || {
        entries
            .iter()
            .map(|(l, v)| ((*l).to_owned(), v.clone()))
            .collect()
    };
    let Some(wanted) = languages.filter(|w| !w.is_empty()) else {
        return all();
    };
    let scandinavian = wanted.iter().any(|l| l == "sv" || l == "da");
    let fallback: &[&str] = if scandinavian {
        &["nb", "en"]
    } else {
        &["en", "nb"]
    };
    let pick = wanted
        .iter()
        .map(String::as_str)
        .chain(fallback.iter().copied())
        .find_map(|l| entries.iter().find(|(code, _)| *code == l));
    match pick {
        Some((l, v)) => vec![((*l).to_owned(), v.clone())],
        None => all(),
    }
}

/// A list of localizations.
pub fn localizations(entries: &[(&str, String)], languages: Option<&[String]>) -> Value {
    Value::Array(
        prune(entries, languages)
            .into_iter()
            .map(|(l, v)| json!({"value": v, "languageCode": l}))
            .collect(),
    )
}

/// A `ContentValue`.
pub fn content_value(entries: &[(&str, String)], media: &str, view: &View<'_>) -> Value {
    json!({"value": localizations(entries, view.languages), "mediaType": media})
}

/// A text in each language it has.
type Localized = Vec<(&'static str, String)>;

/// Title and summary in every language the message has.
fn texts(view: &View<'_>) -> (Localized, Localized) {
    let mut titles = vec![("nb", view.message.subject.clone())];
    let mut summaries = vec![("nb", view.message.summary.clone())];
    for (language, title, summary, _) in &view.state.translations {
        titles.push((language, title.clone()));
        summaries.push((language, summary.clone()));
    }
    (titles, summaries)
}

/// The message's body in `language` as markdown (Bokmål when it has none in that language).
pub fn body_markdown(message: &SimMessage, state: &DialogState, language: Option<&str>) -> String {
    state
        .translations
        .iter()
        .find(|(l, ..)| Some(*l) == language)
        .map(|(_, _, _, body)| body.clone())
        .unwrap_or_else(|| store::markdown(&message.body))
}

/// The sender's name.
fn sender(message: &SimMessage) -> String {
    message
        .message_sender
        .clone()
        .unwrap_or_else(|| message.service_owner.clone())
}

/// The service resource: `urn:altinn:resource:<org>-<service>`.
pub fn service_resource(message: &SimMessage) -> String {
    let kind = if message.kind == "FormTask" {
        "skjema"
    } else {
        "melding"
    };
    format!(
        "urn:altinn:resource:{}-{kind}-{}",
        store::org_code(message),
        message.service_code
    )
}

/// The resource's type in the resource registry (lower case on the wire).
fn resource_type(message: &SimMessage) -> &'static str {
    if message.kind == "FormTask" {
        "altinnapp"
    } else {
        "correspondenceservice"
    }
}

/// The dialog's status.
pub fn status(message: &SimMessage, state: &DialogState) -> &'static str {
    match (message.kind, message.status) {
        ("FormTask", SimStatus::Filling) => "InProgress",
        ("FormTask", SimStatus::Signing) => "Awaiting",
        ("FormTask", _) => "Completed",
        _ if message.requires_confirmation
            && !state.has_status(store::CorrespondenceStatus::Confirmed) =>
        {
            "RequiresAttention"
        }
        _ => "NotApplicable",
    }
}

/// When an answer is due: the message's own date, or — for a letter that asks for a
/// confirmation — two weeks after it came.
pub fn due(message: &SimMessage, state: &DialogState) -> Option<DateTime<Utc>> {
    message.due.map(store::utc).or_else(|| {
        (status(message, state) == "RequiresAttention")
            .then(|| store::utc(message.created) + chrono::Duration::days(14))
    })
}

/// The labels the dialog carries: its folder, `Sent`, and — in searches only —
/// `MarkedAsUnopened`.
pub fn labels(message: &SimMessage, state: &DialogState, with_unopened: bool) -> Vec<Label> {
    let mut labels = vec![store::folder_of(message.status)];
    if state.sent {
        labels.push(Label::Sent);
    }
    if with_unopened && message.marked_unread {
        labels.push(Label::MarkedAsUnopened);
    }
    labels
}

/// Seen by someone since the last content update, and not marked unread.
pub fn is_content_seen(message: &SimMessage, state: &DialogState) -> bool {
    state.seen && !message.marked_unread
}

/// Some content from the service owner has not been opened.
fn has_unopened_content(message: &SimMessage, state: &DialogState) -> bool {
    match &state.correspondence {
        Some(_) => !state.has_status(store::CorrespondenceStatus::Read),
        None => {
            state
                .transmissions
                .iter()
                .filter(|t| t.by == ActorRef::ServiceOwner)
                .any(|t| {
                    !state.activities.iter().any(|a| {
                        a.kind == "TransmissionOpened" && a.transmission.as_ref() == Some(&t.id)
                    })
                })
                && message.kind == "FormTask"
        }
    }
}

/// A person's id in logs: masked, stable within a run.
fn masked(user: usize) -> String {
    format!(
        "urn:altinn:person:identifier-ephemeral:{}",
        &store::uuid4(&format!("mask|{user}")).replace('-', "")[..10]
    )
}

/// An actor.
pub fn actor(by: &ActorRef, view: &View<'_>) -> Value {
    match by {
        ActorRef::Person(user) => json!({
            "actorType": "PartyRepresentative",
            "actorId": masked(*user),
            "actorName": view.names.get(*user).cloned().unwrap_or_default().to_uppercase(),
        }),
        ActorRef::ServiceOwner => json!({"actorType": "ServiceOwner"}),
    }
}

/// A seen-log entry.
pub fn seen(entry: &SeenEntry, view: &View<'_>) -> Value {
    json!({
        "id": entry.id,
        "seenAt": timestamp(entry.at),
        "seenBy": actor(&ActorRef::Person(entry.by), view),
        "isViaServiceOwner": false,
        "isCurrentEndUser": entry.by == view.user,
    })
}

/// A label-log entry.
pub fn label_log(entry: &LabelEntry, view: &View<'_>) -> Value {
    json!({
        "createdAt": timestamp(entry.at),
        "name": entry.name,
        "action": entry.action,
        "performedBy": actor(&ActorRef::Person(entry.by), view),
    })
}

/// An activity (`with_actor`: in full; the search list leaves the actor out).
pub fn activity(entry: &Activity, view: &View<'_>, with_actor: bool) -> Value {
    let mut value = json!({
        "id": entry.id,
        "createdAt": timestamp(entry.at),
        "type": entry.kind,
        "transmissionId": entry.transmission,
        "description": entry.description.as_ref().map(|d| json!([{"value": d, "languageCode": "nb"}])),
    });
    if with_actor {
        value["performedBy"] = actor(&entry.by, view);
    }
    value
}

/// The URL of a correspondence route.
pub fn correspondence_url(view: &View<'_>, path: &str) -> String {
    format!(
        "{}/correspondence/api/v1/correspondence/{}{path}",
        view.base,
        view.state.correspondence.as_deref().unwrap_or_default()
    )
}

/// The id of an attachment on the Altinn 3 side.
pub fn attachment_id(message: &SimMessage, index: usize) -> String {
    let numeric = message.attachments.get(index).map_or(0, |a| a.id);
    store::uuid4(&format!("att|{}|{numeric}", store::message_key(message)))
}

/// The message's attachments as dialog attachments (expired links masked).
fn attachments(view: &View<'_>) -> Value {
    let message = view.message;
    Value::Array(
        message
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let id = attachment_id(message, i);
                let expired = view.state.expired_attachments.contains(&i);
                let url = if expired {
                    "urn:dialogporten:expired".to_owned()
                } else {
                    correspondence_url(view, &format!("/attachment/{id}/download"))
                };
                json!({
                    "id": id,
                    "displayName": [{"value": a.name, "languageCode": "nb"}],
                    "name": a.file_name,
                    "urls": [{"id": store::uuid4(&format!("url|{id}")), "url": url,
                              "mediaType": a.content_type().split(';').next().unwrap_or_default(),
                              "consumerType": "Gui"}],
                    "expiresAt": expired.then(|| timestamp(view.now - chrono::Duration::days(1))),
                })
            })
            .collect(),
    )
}

/// A transmission (`search`: the shape of the transmissions list).
pub fn transmission(t: &Transmission, view: &View<'_>, search: bool) -> Value {
    let reference = t.body.as_ref().map(|_| {
        let url = if t.authorized {
            format!(
                "{}/serviceprovider/fce/{}/{}",
                view.base, view.state.id, t.id
            )
        } else {
            "urn:dialogporten:unauthorized".to_owned()
        };
        json!({"value": [{"value": url, "languageCode": "nb"}],
               "mediaType": "application/vnd.dialogporten.frontchannelembed-url;type=text/markdown",
               "isAuthorized": t.authorized})
    });
    let attachments: Vec<Value> = t
        .attachments
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let id = store::uuid4(&format!("tatt|{}|{i}", t.id));
            let url = if t.authorized {
                format!(
                    "{}/serviceprovider/attachment/{}/{}/{i}",
                    view.base, view.state.id, t.id
                )
            } else {
                "urn:dialogporten:unauthorized".to_owned()
            };
            json!({"id": id, "displayName": [{"value": name, "languageCode": "nb"}],
                   "name": name,
                   "urls": [{"id": store::uuid4(&format!("turl|{id}")), "url": url,
                             "mediaType": "application/pdf", "consumerType": "Gui"}]})
        })
        .collect();
    let mut value = json!({
        "id": t.id,
        "createdAt": timestamp(t.at),
        "isAuthorized": t.authorized,
        "authorizationAttribute": (!t.authorized).then_some("urn:altinn:subresource:taushetsbelagt"),
        "type": t.kind,
        "sender": actor(&t.by, view),
        "content": {
            "title": content_value(&t.title.iter().map(|(l, v)| (*l, v.clone())).collect::<Vec<_>>(), "text/plain", view),
            "summary": content_value(&t.summary.iter().map(|(l, v)| (*l, v.clone())).collect::<Vec<_>>(), "text/plain", view),
            "contentReference": reference,
        },
        "attachments": (!attachments.is_empty()).then_some(attachments),
    });
    if !search {
        let opened = view
            .state
            .activities
            .iter()
            .any(|a| a.kind == "TransmissionOpened" && a.transmission.as_ref() == Some(&t.id));
        value["isOpened"] = json!(opened || t.by != ActorRef::ServiceOwner);
    }
    value
}

/// The seen log entries since the last content update.
fn seen_since(view: &View<'_>) -> Value {
    Value::Array(view.state.seen_log.iter().map(|s| seen(s, view)).collect())
}

/// The fields a search hit and the full dialog share.
fn common(view: &View<'_>, in_search: bool) -> Value {
    let message = view.message;
    let state = view.state;
    let from_owner = state
        .transmissions
        .iter()
        .filter(|t| t.by == ActorRef::ServiceOwner)
        .count();
    let names: Vec<&str> = labels(message, state, in_search)
        .iter()
        .map(|l| l.name())
        .collect();
    json!({
        "id": state.id,
        "org": store::org_code(message),
        "serviceResource": service_resource(message),
        "serviceResourceType": resource_type(message),
        "party": store::party_urn(view.party),
        "externalReference": message.archive_reference,
        "createdAt": timestamp(store::utc(message.created)),
        "updatedAt": timestamp(store::utc(message.last_changed)),
        "contentUpdatedAt": timestamp(store::utc(message.last_changed)),
        "dueAt": due(message, state).map(timestamp),
        "status": status(message, state),
        "systemLabel": store::folder_of(message.status).name(),
        "endUserContext": {"revision": state.context_revision, "systemLabels": names},
        "isApiOnly": state.api_only,
        "hasUnopenedContent": has_unopened_content(message, state),
        "isContentSeen": is_content_seen(message, state),
        "fromServiceOwnerTransmissionsCount": from_owner,
        "fromPartyTransmissionsCount": state.transmissions.len() - from_owner,
        "seenSinceLastUpdate": seen_since(view),
        "seenSinceLastContentUpdate": seen_since(view),
    })
}

/// The dialog as a search hit (`DialogListItem`).
pub fn list_item(view: &View<'_>) -> Value {
    let mut value = common(view, true);
    let (titles, summaries) = texts(view);
    if !view.state.api_only {
        value["content"] = json!({
            "title": content_value(&titles, "text/plain", view),
            "summary": content_value(&summaries, "text/plain", view),
            "senderName": content_value(&[("nb", sender(view.message))], "text/plain", view),
        });
    }
    value["guiAttachmentCount"] = json!(view.message.attachments.len());
    value["latestActivity"] = view
        .state
        .activities
        .iter()
        .max_by_key(|a| a.at)
        .map_or(Value::Null, |a| activity(a, view, true));
    value
}

/// The whole dialog (`Dialog`), with its `dialogToken`.
pub fn dialog(view: &View<'_>, revision: &str, token: String) -> Value {
    let mut value = common(view, false);
    let message = view.message;
    let state = view.state;
    let (titles, summaries) = texts(view);
    let mut content = json!({
        "title": content_value(&titles, "text/plain", view),
        "summary": content_value(&summaries, "text/plain", view),
        "senderName": content_value(&[("nb", sender(message))], "text/plain", view),
    });
    if state.correspondence.is_some() {
        let url = correspondence_url(view, "/content");
        let mut languages = vec![("nb", url.clone())];
        for (l, ..) in &state.translations {
            languages.push((l, url.clone()));
        }
        content["mainContentReference"] = json!({
            "value": localizations(&languages, view.languages),
            "mediaType": "application/vnd.dialogporten.frontchannelembed-url;type=text/markdown",
            "isAuthorized": true,
        });
    } else {
        content["additionalInfo"] = content_value(
            &[("nb", store::markdown(&message.body))],
            "text/markdown",
            view,
        );
    }
    value["revision"] = json!(revision);
    value["content"] = content;
    value["dialogToken"] = json!(token);
    value["expiresAt"] = json!(state.expires_at.map(timestamp));
    value["attachments"] = attachments(view);
    value["transmissions"] = Value::Array(
        state
            .transmissions
            .iter()
            .map(|t| transmission(t, view, false))
            .collect(),
    );
    value["activities"] = Value::Array(
        state
            .activities
            .iter()
            .map(|a| activity(a, view, true))
            .collect(),
    );
    value["guiActions"] = gui_actions(view);
    value["apiActions"] = api_actions(view);
    value
}

/// What a person can do in the browser: confirm and purge a letter, open a form.
fn gui_actions(view: &View<'_>) -> Value {
    let message = view.message;
    let state = view.state;
    let id = |name: &str| store::uuid4(&format!("gui|{}|{name}", state.id));
    let title = |nb: &str, en: &str| json!([{"value": nb, "languageCode": "nb"}, {"value": en, "languageCode": "en"}]);
    let mut actions = Vec::new();
    if state.correspondence.is_none() {
        actions.push(json!({
            "id": id("open"), "action": "read", "priority": "Primary", "httpMethod": "GET",
            "url": format!("{}/apps/{}/instances/{}", view.base, store::org_code(message), state.id),
            "isAuthorized": true, "isDeleteDialogAction": false,
            "title": title("Gå til skjemaet", "Go to the form"),
        }));
        return Value::Array(actions);
    }
    if message.requires_confirmation && !state.has_status(store::CorrespondenceStatus::Confirmed) {
        actions.push(json!({
            "id": id("confirm"), "action": "read", "priority": "Primary", "httpMethod": "POST",
            "url": correspondence_url(view, "/confirm"), "isAuthorized": true,
            "isDeleteDialogAction": false, "title": title("Bekreft", "Confirm"),
        }));
    }
    actions.push(json!({
        "id": id("purge"), "action": "read", "priority": "Tertiary", "httpMethod": "DELETE",
        "url": correspondence_url(view, "/purge"), "isAuthorized": true,
        "isDeleteDialogAction": true, "title": title("Slett", "Purge"),
        "prompt": title("Vil du slette meldingen for godt?", "Delete the message for good?"),
    }));
    Value::Array(actions)
}

/// What a program can do: Correspondence's routes for this letter.
fn api_actions(view: &View<'_>) -> Value {
    if view.state.correspondence.is_none() {
        return json!([]);
    }
    let state = view.state;
    let action = |name: &str, act: &str, method: &str, path: &str| {
        let id = store::uuid4(&format!("api|{}|{name}", state.id));
        json!({"id": id, "action": act, "name": name, "isAuthorized": true,
               "endpoints": [{"id": store::uuid4(&format!("ep|{id}")), "httpMethod": method,
                              "url": correspondence_url(view, path), "deprecated": false}]})
    };
    let mut actions = vec![
        action("getCorrespondence", "read", "GET", ""),
        action("purgeCorrespondence", "write", "DELETE", "/purge"),
    ];
    if view.message.requires_confirmation
        && !state.has_status(store::CorrespondenceStatus::Confirmed)
    {
        actions.push(action("confirmCorrespondence", "write", "POST", "/confirm"));
    }
    Value::Array(actions)
}
