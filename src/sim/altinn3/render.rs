//! A message of the synthetic world as Dialogporten writes it: the dialog (as a search hit
//! and in full), its transmissions, activities, seen log and label log. Correspondence's
//! letters get the shape Correspondence gives its dialogs (altinn3-api.md §3.4).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::timestamp;
use crate::sim::data::{Reportee, SimMessage, SimStatus};
use crate::sim::store::{
    self, Activity, ActorRef, DataElement, DialogState, Label, LabelEntry, Origin, SeenEntry,
    Transmission,
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
fn prune<T: Clone>(entries: &[(&str, T)], languages: Option<&[String]>) -> Vec<(String, T)> {
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
fn content_value(entries: &[(&str, String)], media: &str, view: &View<'_>) -> Value {
    json!({"value": localizations(entries, view.languages), "mediaType": media})
}

/// A text in each language it has.
type Localized = Vec<(&'static str, String)>;

/// Title and summary in every language the message has.
fn texts(view: &View<'_>) -> (Localized, Localized) {
    let mut titles = vec![("nb", view.message.subject.to_string())];
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
fn resource_type(state: &DialogState) -> &'static str {
    match state.origin {
        Origin::App => "altinnapp",
        Origin::Letter => "correspondenceservice",
        Origin::Owner => "genericaccessresource",
    }
}

/// The dialog's status: an app's from its process (the adapter's `GetStatus`: a form the
/// user started is a `Draft`, one being filled in or signed `InProgress`, a rejected one
/// `RequiresAttention`, a sent one `Completed`); a letter that asks for a confirmation
/// `RequiresAttention` until it has one; another service owner's as it says.
pub fn status(message: &SimMessage, state: &DialogState) -> &'static str {
    match state.origin {
        Origin::App => match message.status {
            SimStatus::Filling | SimStatus::Signing if state.attention => "RequiresAttention",
            SimStatus::Filling if state.draft => "Draft",
            SimStatus::Filling | SimStatus::Signing => "InProgress",
            _ => "Completed",
        },
        Origin::Letter
            if message.requires_confirmation
                && !state.has_status(store::CorrespondenceStatus::Confirmed) =>
        {
            "RequiresAttention"
        }
        Origin::Owner if state.attention => "RequiresAttention",
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
fn correspondence_url(view: &View<'_>, path: &str) -> String {
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

/// The party's numeric id in Altinn's register (`r50001234` → `50001234`).
fn party_id<'a>(view: &View<'a>) -> &'a str {
    view.party.id.trim_start_matches('r')
}

/// A data element's URL in Altinn Storage (the dialog id stands for the instance's).
fn storage_data_url(view: &View<'_>, element: &str) -> String {
    format!(
        "{}/storage/api/v1/instances/{}/{}/data/{element}",
        view.base,
        party_id(view),
        view.state.id
    )
}

/// The way a person reaches a platform URL in the portal: through the authentication
/// redirect (the adapter's `ToPortalUri`).
fn portal(view: &View<'_>, target: &str) -> String {
    let goto: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    format!(
        "{}/authentication/api/v1/authentication?goto={goto}",
        view.base
    )
}

/// `nb`, `nn` or `en`: the first of them asked for (Bokmål when none was).
fn language_code(view: &View<'_>) -> &'static str {
    view.languages
        .unwrap_or_default()
        .iter()
        .find_map(|l| ["nb", "nn", "en"].into_iter().find(|c| c == l))
        .unwrap_or("nb")
}

/// A file's media type from its extension, as Correspondence's mapper finds it (`None`
/// for one it does not know: the field is then left out).
fn media_type_of(file_name: &str) -> Option<&'static str> {
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        "txt" => "text/plain",
        "zip" => "application/zip",
        "csv" => "text/csv",
        "json" => "application/json",
        _ => return None,
    })
}

/// One attachment: `name` only when given (Correspondence sends none), one URL.
fn attachment_json(
    id: &str,
    display: Value,
    name: Option<&str>,
    url: &str,
    media: Option<&str>,
    consumer: &str,
) -> Value {
    json!({
        "id": id,
        "displayName": display,
        "name": name,
        "urls": [{"id": store::uuid4(&format!("url|{id}")), "url": url, "mediaType": media,
                  "consumerType": consumer}],
    })
}

/// The message's attachments as its dialog's (expired links masked), in the shape of the
/// dialog's maker: a letter's with a display name and a Gui URL to Correspondence, and
/// "all attachments" as a zip first when there are two or more; an app's (the service
/// owner's files that stay on the dialog) by data type with a portal URL; another service
/// owner's on its own host.
fn attachments(view: &View<'_>) -> Value {
    let message = view.message;
    let mut list: Vec<Value> = message
        .attachments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let id = attachment_id(message, i);
            let expired = view.state.expired_attachments.contains(&i);
            let display = localizations(&[("nb", a.name.clone())], view.languages);
            let media = media_type_of(&a.file_name);
            let mut value = match view.state.origin {
                Origin::Letter => {
                    let url = correspondence_url(view, &format!("/attachment/{id}/download"));
                    attachment_json(&id, display, None, &url, media, "Gui")
                }
                Origin::App => {
                    let url = portal(view, &storage_data_url(view, &id));
                    attachment_json(&id, display, Some("tilleggsdokument"), &url, media, "Gui")
                }
                Origin::Owner => {
                    let url = format!(
                        "{}/serviceprovider/attachment/{}/main/{i}?download=true",
                        view.base, view.state.id
                    );
                    attachment_json(&id, display, Some(&a.file_name), &url, media, "Gui")
                }
            };
            if expired {
                value["urls"][0]["url"] = json!("urn:dialogporten:expired");
                value["expiresAt"] = json!(timestamp(view.now - chrono::Duration::days(1)));
            }
            value
        })
        .collect();
    if view.state.origin == Origin::Letter && message.attachments.len() >= 2 {
        let id = store::uuid4(&format!("all|{}", view.state.id));
        let display = localizations(
            &[
                ("nb", "Alle vedlegg".to_owned()),
                ("nn", "Alle vedlegg".to_owned()),
                ("en", "All attachments".to_owned()),
            ],
            view.languages,
        );
        let url = correspondence_url(view, "/attachments/downloadall");
        list.insert(
            0,
            attachment_json(&id, display, None, &url, Some("application/zip"), "Gui"),
        );
    }
    Value::Array(list)
}

/// A transmission's file: an app's data element by its data type (the form as a PDF in the
/// portal, its data in Storage), or a service provider's file on its own host.
fn data_element(t: &Transmission, i: usize, element: &DataElement, view: &View<'_>) -> Value {
    let id = store::uuid4(&format!("tatt|{}|{i}", t.id));
    let display = json!([{"value": element.file_name, "languageCode": "nb"}]);
    let url = match element.data_type {
        _ if !t.authorized => "urn:dialogporten:unauthorized".to_owned(),
        Some(_) if element.api => storage_data_url(view, &id),
        Some(_) => portal(view, &storage_data_url(view, &id)),
        None => format!(
            "{}/serviceprovider/attachment/{}/{}/{i}",
            view.base, view.state.id, t.id
        ),
    };
    let consumer = if element.api { "Api" } else { "Gui" };
    attachment_json(
        &id,
        display,
        element.data_type,
        &url,
        Some(element.media_type),
        consumer,
    )
}

/// A transmission (`search`: the shape of the transmissions list). A submission's content
/// is its receipt at Storage's Dialogporten adapter; a service provider's is on its own
/// host, with a query string as such URLs have.
pub fn transmission(t: &Transmission, view: &View<'_>, search: bool) -> Value {
    let reference = (t.receipt || t.body.is_some()).then(|| {
        let url = if !t.authorized {
            "urn:dialogporten:unauthorized".to_owned()
        } else if t.receipt {
            format!(
                "{}/storage/dialogporten/api/v1/receipt/{}/{}?lang={}",
                view.base,
                view.state.id,
                t.id,
                language_code(view)
            )
        } else {
            format!(
                "{}/serviceprovider/fce/{}/{}?languageCode={}",
                view.base,
                view.state.id,
                t.id,
                language_code(view)
            )
        };
        json!({"value": [{"value": url, "languageCode": "nb"}],
               "mediaType": "application/vnd.dialogporten.frontchannelembed-url;type=text/markdown"})
    });
    let attachments: Vec<Value> = t
        .attachments
        .iter()
        .enumerate()
        .map(|(i, element)| data_element(t, i, element, view))
        .collect();
    let summary = (!t.summary.is_empty()).then(|| {
        content_value(
            &t.summary
                .iter()
                .map(|(l, v)| (*l, v.clone()))
                .collect::<Vec<_>>(),
            "text/plain",
            view,
        )
    });
    let mut value = json!({
        "id": t.id,
        "createdAt": timestamp(t.at),
        "isAuthorized": t.authorized,
        "authorizationAttribute": (!t.authorized).then_some("urn:altinn:subresource:taushetsbelagt"),
        "type": t.kind,
        "sender": actor(&t.by, view),
        "content": {
            "title": content_value(&t.title.iter().map(|(l, v)| (*l, v.clone())).collect::<Vec<_>>(), "text/plain", view),
            "summary": summary,
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
        "serviceResourceType": resource_type(state),
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
            "senderName": sender_name(view),
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
        "senderName": sender_name(view),
    });
    let embed = "application/vnd.dialogporten.frontchannelembed-url;type=text/markdown";
    match state.origin {
        Origin::Letter => {
            let url = correspondence_url(view, "/content");
            let mut languages = vec![("nb", url.clone())];
            for (l, ..) in &state.translations {
                languages.push((l, url.clone()));
            }
            content["mainContentReference"] = json!({
                "value": localizations(&languages, view.languages),
                "mediaType": embed,
                "isAuthorized": true,
            });
        }
        Origin::Owner => {
            let url = format!(
                "{}/serviceprovider/fce/{}/main?languageCode={}",
                view.base,
                state.id,
                language_code(view)
            );
            content["mainContentReference"] = json!({
                "value": [{"value": url, "languageCode": "nb"}],
                "mediaType": embed,
                "isAuthorized": true,
            });
        }
        // An app's dialog has no main content: what was sent is in its transmissions.
        Origin::App => {}
    }
    let _ = message;
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

/// The sender's name: a letter's and another service owner's say it; an app's dialog has
/// none (the service owner's name is looked up by its code).
fn sender_name(view: &View<'_>) -> Value {
    match view.state.origin {
        Origin::App => Value::Null,
        _ => content_value(&[("nb", sender(view.message))], "text/plain", view),
    }
}

/// A GUI action.
fn gui_action(
    view: &View<'_>,
    name: &str,
    (action, priority, method): (&str, &str, &str),
    url: String,
    title: Value,
) -> Value {
    json!({
        "id": store::uuid4(&format!("gui|{}|{name}", view.state.id)), "action": action,
        "priority": priority, "httpMethod": method, "url": url, "isAuthorized": true,
        "isDeleteDialogAction": name == "delete", "title": title,
    })
}

/// A title in Bokmål, Nynorsk and English.
fn titled(nb: &str, nn: &str, en: &str) -> Value {
    json!([{"value": nb, "languageCode": "nb"},
           {"value": nn, "languageCode": "nn"},
           {"value": en, "languageCode": "en"}])
}

/// What a person can do in the browser, as each maker gives it: a letter's confirm (POST)
/// and delete (DELETE) to Correspondence, without prompts; an app's "go to the form" (GET,
/// through the portal) and delete (DELETE, to the adapter); another service owner's GET
/// to its own service.
fn gui_actions(view: &View<'_>) -> Value {
    Value::Array(match view.state.origin {
        Origin::Letter => letter_gui_actions(view),
        Origin::App => app_gui_actions(view),
        Origin::Owner => vec![owner_gui_action(view)],
    })
}

/// A letter's: confirm while it is needed, and delete (purge), both to Correspondence.
fn letter_gui_actions(view: &View<'_>) -> Vec<Value> {
    let mut actions = Vec::new();
    if view.message.requires_confirmation
        && !view
            .state
            .has_status(store::CorrespondenceStatus::Confirmed)
    {
        actions.push(gui_action(
            view,
            "confirm",
            ("read", "Primary", "POST"),
            correspondence_url(view, "/confirm"),
            titled("Bekreft", "Bekreft", "Confirm"),
        ));
    }
    actions.push(gui_action(
        view,
        "delete",
        ("read", "Tertiary", "DELETE"),
        correspondence_url(view, "/purge"),
        titled("Slett", "Slett", "Purge"),
    ));
    actions
}

/// An app's: go to the form (its receipt once sent) through the portal, and delete to the
/// adapter.
fn app_gui_actions(view: &View<'_>) -> Vec<Value> {
    let state = view.state;
    let archived = view.message.status == SimStatus::SentAndArchived;
    let (target, title) = if archived {
        (
            format!("{}/receipt/{}/{}", view.base, party_id(view), state.id),
            titled(
                "Se innsendt skjema",
                "Sjå innsendt skjema",
                "See submitted form",
            ),
        )
    } else {
        (
            format!(
                "{}/apps/{}/#/instance/{}/{}",
                view.base,
                store::org_code(view.message),
                party_id(view),
                state.id
            ),
            titled(
                "Gå til skjemautfylling",
                "Gå til skjemautfylling",
                "Go to form completion",
            ),
        )
    };
    vec![
        gui_action(
            view,
            "goto",
            ("read", "Primary", "GET"),
            portal(view, &target),
            title,
        ),
        gui_action(
            view,
            "delete",
            ("delete", "Secondary", "DELETE"),
            format!(
                "{}/storage/dialogporten/api/v1/instance/{}/{}",
                view.base,
                party_id(view),
                state.id
            ),
            titled("Slett", "Slett", "Delete"),
        ),
    ]
}

/// Another service owner's: go to its own service.
fn owner_gui_action(view: &View<'_>) -> Value {
    let owner = &view.message.service_owner;
    gui_action(
        view,
        "goto",
        ("read", "Primary", "GET"),
        format!(
            "{}/serviceprovider/tjeneste/{}?lang={}",
            view.base,
            view.state.id,
            language_code(view)
        ),
        titled(
            &format!("Gå til {owner}"),
            &format!("Gå til {owner}"),
            &format!("Go to {owner}"),
        ),
    )
}

/// What a program can do: a letter's Correspondence routes by name (the letter, purge,
/// confirm while it is needed, each attachment); an app's one unnamed read of its
/// instance; another service owner's none.
fn api_actions(view: &View<'_>) -> Value {
    let state = view.state;
    let action = |name: Option<&str>, act: &str, method: &str, url: String| {
        let id = store::uuid4(&format!("api|{}|{}|{url}", state.id, name.unwrap_or("-")));
        json!({"id": id, "action": act, "name": name, "isAuthorized": true,
               "endpoints": [{"id": store::uuid4(&format!("ep|{id}")), "httpMethod": method,
                              "url": url, "deprecated": false}]})
    };
    match state.origin {
        Origin::Letter => {
            let mut actions = vec![
                action(
                    Some("getCorrespondence"),
                    "read",
                    "GET",
                    correspondence_url(view, ""),
                ),
                action(
                    Some("purgeCorrespondence"),
                    "write",
                    "DELETE",
                    correspondence_url(view, "/purge"),
                ),
            ];
            if view.message.requires_confirmation
                && !state.has_status(store::CorrespondenceStatus::Confirmed)
            {
                actions.push(action(
                    Some("confirmCorrespondence"),
                    "write",
                    "POST",
                    correspondence_url(view, "/confirm"),
                ));
            }
            for i in 0..view.message.attachments.len() {
                let id = attachment_id(view.message, i);
                actions.push(action(
                    Some("downloadCorrespondenceAttachment"),
                    "read",
                    "GET",
                    correspondence_url(view, &format!("/attachment/{id}/download")),
                ));
            }
            Value::Array(actions)
        }
        Origin::App => json!([action(
            None,
            "read",
            "GET",
            format!(
                "{}/apps/{}/instances/{}/{}",
                view.base,
                store::org_code(view.message),
                party_id(view),
                state.id
            )
        )]),
        Origin::Owner => json!([]),
    }
}
