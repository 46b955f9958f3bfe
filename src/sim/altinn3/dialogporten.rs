//! Dialogporten's end-user API (altinn3-api.md §2): the routes, parties, a dialog (which
//! marks it seen and carries a `dialogToken`), system labels one at a time and in bulk,
//! transmissions, activities, the seen and label logs, the lookup, and the limits; the
//! dialog search is in `search.rs`. Answers follow the OpenAPI document beside
//! altinn3-api.md.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{json, Value};

use super::render::{self, View};
use super::search::{search, MAX_OTHER};
use super::token::DialogClaims;
use super::{dialogporten_json, end_user, problem, timestamp, EndUser, Request};
use crate::sim::data::{Reportee, ReporteeKind, World};
use crate::sim::lock;
use crate::sim::store::{self, authorized, names, Label, Place};

/// Routes a request under `/dialogporten` (segments after it).
pub(crate) fn route(
    request: &Request<'_>,
    seg: &[&str],
    original: &[&str],
) -> (&'static str, Response) {
    let get = request.method == axum::http::Method::GET;
    match seg {
        ["api", "v1", "metadata", "limits"] if get => {
            ("/dialogporten/api/v1/metadata/limits", limits(request))
        }
        ["api", "v1", ".well-known", "jwks.json"] if get => (
            "/dialogporten/api/v1/.well-known/jwks.json",
            dialogporten_json(StatusCode::OK, request.state.dialog_keys.jwks()),
        ),
        ["api", "v1", "enduser", rest @ ..] => {
            let user = match end_user(request) {
                Ok(user) => user,
                Err(response) => return ("unauthenticated", *response),
            };
            let ids: Vec<&str> = original.iter().skip(3).copied().collect();
            enduser(request, &user, rest, &ids)
        }
        _ => ("other", problem(request, 404, &[])),
    }
}

fn enduser(
    request: &Request<'_>,
    user: &EndUser,
    seg: &[&str],
    ids: &[&str],
) -> (&'static str, Response) {
    use axum::http::Method;
    let id = |i: usize| ids.get(i).copied().unwrap_or_default();
    match (request.method.clone(), seg) {
        (Method::GET, ["parties"]) => ("/api/v1/enduser/parties", parties(request, user)),
        (Method::GET, ["dialogs"]) => ("/api/v1/enduser/dialogs", search(request, user)),
        (Method::GET, ["dialoglookup"]) => ("/api/v1/enduser/dialoglookup", lookup(request, user)),
        (Method::POST, ["dialogs", "context", "systemlabels", "actions", "bulkset"]) => (
            "/api/v1/enduser/dialogs/context/systemlabels/actions/bulkset",
            bulk_labels(request, user),
        ),
        (Method::GET, ["dialogs", _]) => (
            "/api/v1/enduser/dialogs/{id}",
            get_dialog(request, user, id(1)),
        ),
        (Method::PUT, ["dialogs", _, "context", "systemlabels"]) => (
            "/api/v1/enduser/dialogs/{id}/context/systemlabels",
            set_labels(request, user, id(1)),
        ),
        (Method::GET, ["dialogs", _, "context", "labellog"]) => (
            "/api/v1/enduser/dialogs/{id}/context/labellog",
            sub_list(request, user, id(1), Sub::LabelLog),
        ),
        (Method::GET, ["dialogs", _, "transmissions"]) => (
            "/api/v1/enduser/dialogs/{id}/transmissions",
            sub_list(request, user, id(1), Sub::Transmissions),
        ),
        (Method::GET, ["dialogs", _, "transmissions", _]) => (
            "/api/v1/enduser/dialogs/{id}/transmissions/{id}",
            sub_one(request, user, id(1), Sub::Transmissions, id(3)),
        ),
        (Method::GET, ["dialogs", _, "activities"]) => (
            "/api/v1/enduser/dialogs/{id}/activities",
            sub_list(request, user, id(1), Sub::Activities),
        ),
        (Method::GET, ["dialogs", _, "activities", _]) => (
            "/api/v1/enduser/dialogs/{id}/activities/{id}",
            sub_one(request, user, id(1), Sub::Activities, id(3)),
        ),
        (Method::GET, ["dialogs", _, "seenlog"]) => (
            "/api/v1/enduser/dialogs/{id}/seenlog",
            sub_list(request, user, id(1), Sub::SeenLog),
        ),
        (Method::GET, ["dialogs", _, "seenlog", _]) => (
            "/api/v1/enduser/dialogs/{id}/seenlog/{id}",
            sub_one(request, user, id(1), Sub::SeenLog, id(3)),
        ),
        _ => ("other", problem(request, 404, &[])),
    }
}

/// `GET /api/v1/metadata/limits` (no authentication): the limits the search enforces.
fn limits(request: &Request<'_>) -> Response {
    let max_parties = request.state.config.party_limit;
    dialogporten_json(
        StatusCode::OK,
        json!({
            "endUserSearch": {"maxPartyFilterValues": max_parties, "maxServiceResourceFilterValues": MAX_OTHER,
                              "maxOrgFilterValues": MAX_OTHER, "maxExtendedStatusFilterValues": MAX_OTHER},
            "serviceOwnerSearch": {"maxPartyFilterValues": MAX_OTHER, "maxServiceResourceFilterValues": MAX_OTHER,
                                   "maxExtendedStatusFilterValues": MAX_OTHER},
        }),
    )
}

/// A numeric party id, as Altinn's register gives one.
fn party_id(reportee: &Reportee) -> u64 {
    reportee
        .id
        .trim_start_matches('r')
        .parse()
        .unwrap_or_default()
}

fn party_json(reportee: &Reportee, current: bool, only_subs: bool, deleted: bool) -> Value {
    json!({
        "party": store::party_urn(reportee),
        "partyUuid": store::uuid4(&format!("party|{}", reportee.id)),
        "partyId": party_id(reportee),
        "name": reportee.name,
        "dateOfBirth": reportee.ssn.as_ref().map(|ssn| {
            let (d, m, y) = (&ssn[0..2], &ssn[2..4], &ssn[4..6]);
            let century = if y.parse::<u32>().unwrap_or(0) > 26 { "19" } else { "20" };
            format!("{century}{y}-{m}-{d}")
        }),
        "partyType": store::party_type(reportee),
        "isDeleted": deleted,
        "hasKeyRole": reportee.kind == ReporteeKind::Enterprise,
        "isCurrentEndUser": current,
        "isMainAdministrator": false,
        "isAccessManager": reportee.kind == ReporteeKind::Enterprise,
        "hasOnlyAccessToSubParties": only_subs,
    })
}

/// `GET /parties`: the user, the organisations with their sub-units nested, and for the demo
/// user also a deleted organisation and a parent seen only through its sub-unit (as
/// Altinn's register has such).
fn parties(request: &Request<'_>, user: &EndUser) -> Response {
    let delay = request.state.dice.parties_latency();
    if !delay.is_zero() {
        std::thread::sleep(delay);
    }
    let world = lock(&request.state.world);
    let Some(u) = world.users.get(user.user) else {
        return problem(request, 403, &[("Forbidden", "Forbidden".into())]);
    };
    let own: Vec<&Reportee> = u
        .reportees
        .iter()
        .filter_map(|&r| world.reportees.get(r))
        .collect();
    // Sub-units under their parent when the user has the parent too (by maps: an
    // accountant's 100,000 parties are one walk, not one walk each).
    let orgs: std::collections::HashSet<&str> =
        own.iter().filter_map(|o| o.org_number.as_deref()).collect();
    let mut subs_of: std::collections::HashMap<&str, Vec<Value>> = Default::default();
    for sub in &own {
        if let Some(parent) = sub.parent_org_number.as_deref() {
            subs_of
                .entry(parent)
                .or_default()
                .push(party_json(sub, false, false, false));
        }
    }
    let mut list: Vec<Value> = Vec::new();
    for (i, party) in own.iter().enumerate() {
        if party
            .parent_org_number
            .as_deref()
            .is_some_and(|p| orgs.contains(p))
        {
            continue;
        }
        let mut value = party_json(party, i == 0, false, false);
        if let Some(subs) = party.org_number.as_deref().and_then(|o| subs_of.remove(o)) {
            value["subParties"] = Value::Array(subs);
        }
        list.push(value);
    }
    if user.user == 0 {
        list.extend(extra_parties());
    }
    dialogporten_json(StatusCode::OK, json!({"authorizedParties": list}))
}

/// Two parties the demo user sees in Altinn 3 only, without mail: a deleted organisation,
/// and a parent organisation the user reaches only through its sub-unit.
fn extra_parties() -> Vec<Value> {
    let org = |id: &str, name: &str, number: &str, parent: Option<&str>| Reportee {
        id: id.into(),
        name: name.into(),
        kind: if parent.is_some() {
            ReporteeKind::Business
        } else {
            ReporteeKind::Enterprise
        },
        ssn: None,
        org_number: Some(number.into()),
        parent_org_number: parent.map(str::to_owned),
        org_form: None,
    };
    let deleted = org(
        "r50020004",
        "NORDMANN EIENDOM AS (SLETTET)",
        "998877665",
        None,
    );
    let parent = org("r50020005", "NORDMANN HOLDING AS", "987654321", None);
    let sub = org(
        "r50020006",
        "NORDMANN HOLDING AS AVD TRONDHEIM",
        "976543210",
        Some("987654321"),
    );
    let mut holding = party_json(&parent, false, true, false);
    holding["subParties"] = json!([party_json(&sub, false, false, false)]);
    vec![party_json(&deleted, false, false, true), holding]
}

/// Finds dialog `id` and checks that `user` may see it; the error answers follow the order
/// of altinn3-api.md §2.4 (unknown, no access, deleted).
fn locate(
    request: &Request<'_>,
    world: &mut World,
    user: &EndUser,
    id: &str,
) -> Result<Place, Box<Response>> {
    let not_found = || {
        Box::new(problem(
            request,
            404,
            &[(
                "DialogEntity",
                format!("Entity 'DialogEntity' with the following key(s) was not found: ({id})."),
            )],
        ))
    };
    let key = world.dialog_key(id).ok_or_else(not_found)?;
    let place = store::find(&world.mailboxes, &key).ok_or_else(not_found)?;
    if !authorized(world, user.user)
        .iter()
        .any(|(_, mb)| *mb == place.0)
    {
        return Err(Box::new(problem(
            request,
            403,
            &[("Forbidden", "Forbidden".into())],
        )));
    }
    let message = &world.mailboxes[place.0][place.1];
    if world.altinn3.state(message).deleted || request.state.dice.gone() {
        return Err(Box::new(problem(
            request,
            410,
            &[(
                "DialogEntity",
                format!("Entity 'DialogEntity' with the following key(s) is removed: ({id})."),
            )],
        )));
    }
    Ok(place)
}

/// A fresh dialog token for `user` on the dialog at `place`.
fn dialog_token(request: &Request<'_>, world: &mut World, user: &EndUser, place: Place) -> String {
    let message = &world.mailboxes[place.0][place.1];
    let party = world
        .reportees
        .get(place.0)
        .map(store::party_urn)
        .unwrap_or_default();
    let resource = render::service_resource(message);
    let id = world.altinn3.state(message).id.clone();
    let now = Utc::now().timestamp().max(0) as u64;
    request.state.dialog_keys.sign(&DialogClaims {
        jti: store::new_revision("jti"),
        c: user.urn.clone(),
        l: user.level,
        p: party,
        s: resource,
        i: id,
        a: "read".into(),
        iss: format!("{}/api/v1", request.dialogporten()),
        iat: now,
        nbf: now,
        exp: now + request.state.config.dialog_token_ttl.as_secs(),
    })
}

/// `GET /dialogs/{id}`: the checks of §2.4 in order, then the seen log (§2.6), the dialog
/// with a fresh `dialogToken` and `ETag: <revision>`.
fn get_dialog(request: &Request<'_>, user: &EndUser, id: &str) -> Response {
    let now = Utc::now();
    let mut guard = lock(&request.state.world);
    let world = &mut *guard;
    let place = match locate(request, world, user, id) {
        Ok(place) => place,
        Err(response) => return *response,
    };
    let (mb, i) = place;
    let state = world.altinn3.state(&world.mailboxes[mb][i]).clone();
    if user.level < state.min_level {
        return problem(
            request,
            403,
            &[("Forbidden", "Altinn authentication level too low.".into())],
        );
    }
    if let Some(expired) = state.expires_at.filter(|t| *t <= now) {
        return problem(
            request,
            404,
            &[(
                "DialogEntity",
                format!("Dialog expired at {}.", timestamp(expired)),
            )],
        );
    }
    let token = dialog_token(request, world, user, place);
    {
        let World {
            mailboxes, altinn3, ..
        } = world;
        let message = &mut mailboxes[mb][i];
        let state = altinn3.state(message);
        store::reconcile(message, state);
        store::open(message, state, user.user, now);
    }
    let names = names(world);
    let message = &world.mailboxes[mb][i];
    let state = world.altinn3.state(message).clone();
    let Some(party) = world.reportees.get(mb) else {
        return problem(request, 404, &[]);
    };
    let languages = request.languages();
    let value = render::dialog(
        &View {
            message,
            state: &state,
            party,
            user: user.user,
            names: &names,
            base: request.base,
            languages: languages.as_deref(),
            now,
        },
        &state.revision,
        token,
    );
    let mut response = dialogporten_json(StatusCode::OK, value);
    if let Ok(etag) = HeaderValue::from_str(&state.revision) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// The labels of a label request body.
fn labels_of(request: &Request<'_>, body: &Value, name: &str) -> Result<Vec<Label>, Box<Response>> {
    let Some(list) = body.get(name) else {
        return Ok(Vec::new());
    };
    let Some(items) = list.as_array() else {
        return Err(Box::new(problem(
            request,
            400,
            &[(label_key(name), format!("'{name}' must be a list."))],
        )));
    };
    items
        .iter()
        .map(|v| {
            v.as_str().and_then(Label::parse).ok_or_else(|| {
                Box::new(problem(
                    request,
                    400,
                    &[(
                        label_key(name),
                        format!("'{v}' is not a valid SystemLabel."),
                    )],
                ))
            })
        })
        .collect()
}

fn label_key(name: &str) -> &'static str {
    match name {
        "removeLabels" => "RemoveLabels",
        "systemLabels" => "SystemLabels",
        _ => "AddLabels",
    }
}

/// The add and remove lists of a body (`systemLabels` is the obsolete name of the adds).
fn label_change(
    request: &Request<'_>,
    body: &Value,
) -> Result<(Vec<Label>, Vec<Label>), Box<Response>> {
    let mut add = labels_of(request, body, "addLabels")?;
    add.extend(labels_of(request, body, "systemLabels")?);
    let remove = labels_of(request, body, "removeLabels")?;
    Ok((add, remove))
}

fn sent_refused(request: &Request<'_>) -> Response {
    problem(request, 400, &[("AddLabels", "Cannot manually add or remove system label Sent. It is added automatically when a transmissions of type 'Submission or 'Correction' is added to the dialog.".into())])
}

/// `PUT /dialogs/{id}/context/systemlabels`, with `If-Match: <endUserContext.revision>`.
fn set_labels(request: &Request<'_>, user: &EndUser, id: &str) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(request.body) else {
        return problem(
            request,
            400,
            &[("", "The request body is not valid JSON.".into())],
        );
    };
    let (add, remove) = match label_change(request, &body) {
        Ok(change) => change,
        Err(response) => return *response,
    };
    let now = Utc::now();
    let mut guard = lock(&request.state.world);
    let world = &mut *guard;
    let (mb, i) = match locate(request, world, user, id) {
        Ok(place) => place,
        Err(response) => return *response,
    };
    let World {
        mailboxes, altinn3, ..
    } = world;
    let message = &mut mailboxes[mb][i];
    let state = altinn3.state(message);
    if request.state.dice.conflict() {
        // Someone changed the labels elsewhere a moment ago.
        state.context_revision = store::new_revision(&state.id);
    }
    if let Some(expected) = request
        .headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        if !expected
            .trim()
            .eq_ignore_ascii_case(&state.context_revision)
        {
            return problem(request, 412, &[]);
        }
    }
    store::reconcile(message, state);
    if store::set_labels(message, state, &add, &remove, user.user, now).is_err() {
        return sent_refused(request);
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(etag) = HeaderValue::from_str(&state.context_revision) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// `POST /dialogs/context/systemlabels/actions/bulkset`: 1 to 100 dialogs, all or nothing.
fn bulk_labels(request: &Request<'_>, user: &EndUser) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(request.body) else {
        return problem(
            request,
            400,
            &[("", "The request body is not valid JSON.".into())],
        );
    };
    let (add, remove) = match label_change(request, &body) {
        Ok(change) => change,
        Err(response) => return *response,
    };
    if add.contains(&Label::Sent) || remove.contains(&Label::Sent) {
        return sent_refused(request);
    }
    let dialogs = bulk_dialogs(&body);
    let unique: std::collections::HashSet<&str> = dialogs.iter().map(|(d, _)| d.as_str()).collect();
    if dialogs.is_empty() || dialogs.len() > 100 || unique.len() != dialogs.len() {
        return problem(
            request,
            400,
            &[(
                "Dialogs",
                "Must supply between 1 and 100 dialogs to update".into(),
            )],
        );
    }
    let now = Utc::now();
    let mut guard = lock(&request.state.world);
    let world = &mut *guard;
    let places = match bulk_places(request, world, user, &dialogs) {
        Ok(places) => places,
        Err(response) => return *response,
    };
    let World {
        mailboxes, altinn3, ..
    } = world;
    for (mb, i) in places {
        let message = &mut mailboxes[mb][i];
        let state = altinn3.state(message);
        store::reconcile(message, state);
        let _ = store::set_labels(message, state, &add, &remove, user.user, now);
    }
    StatusCode::NO_CONTENT.into_response()
}

/// The bulk request's dialogs: (id in lower case, the context revision it expects, if any).
fn bulk_dialogs(body: &Value) -> Vec<(String, Option<String>)> {
    body.get("dialogs")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|d| {
                    (
                        d.get("dialogId")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_ascii_lowercase(),
                        d.get("endUserContextRevision")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Where each dialog of a bulk change is, checked before any is changed: the first one
/// not found (404) or changed since its expected revision (412) refuses them all.
fn bulk_places(
    request: &Request<'_>,
    world: &mut World,
    user: &EndUser,
    dialogs: &[(String, Option<String>)],
) -> Result<Vec<Place>, Box<Response>> {
    let mut places = Vec::new();
    for (id, revision) in dialogs {
        let Ok(place) = locate(request, world, user, id) else {
            return Err(Box::new(problem(
                request,
                404,
                &[(
                    "DialogEntity",
                    format!(
                        "Entity 'DialogEntity' with the following key(s) was not found: ({id})."
                    ),
                )],
            )));
        };
        let current = world
            .altinn3
            .state(&world.mailboxes[place.0][place.1])
            .context_revision
            .clone();
        if revision
            .as_ref()
            .is_some_and(|r| !r.eq_ignore_ascii_case(&current))
        {
            return Err(Box::new(problem(request, 412, &[])));
        }
        places.push(place);
    }
    Ok(places)
}

/// The lists under a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sub {
    Transmissions,
    Activities,
    SeenLog,
    LabelLog,
}

/// The dialog at `id` made ready for rendering its lists.
fn with_view<T>(
    request: &Request<'_>,
    user: &EndUser,
    id: &str,
    render: impl FnOnce(&View<'_>) -> T,
) -> Result<T, Box<Response>> {
    let now = Utc::now();
    let mut guard = lock(&request.state.world);
    let world = &mut *guard;
    let (mb, i) = locate(request, world, user, id)?;
    let names = names(world);
    let message = &world.mailboxes[mb][i];
    let state = world.altinn3.state(message).clone();
    let party = world
        .reportees
        .get(mb)
        .ok_or_else(|| Box::new(problem(request, 404, &[])))?;
    let languages = request.languages();
    Ok(render(&View {
        message,
        state: &state,
        party,
        user: user.user,
        names: &names,
        base: request.base,
        languages: languages.as_deref(),
        now,
    }))
}

fn sub_list(request: &Request<'_>, user: &EndUser, id: &str, sub: Sub) -> Response {
    let listed = with_view(request, user, id, |view| match sub {
        Sub::Transmissions => view
            .state
            .transmissions
            .iter()
            .map(|t| render::transmission(t, view, true))
            .collect::<Vec<_>>(),
        Sub::Activities => view
            .state
            .activities
            .iter()
            .map(|a| render::activity(a, view, false))
            .collect(),
        Sub::SeenLog => view
            .state
            .seen_log
            .iter()
            .map(|s| render::seen(s, view))
            .collect(),
        Sub::LabelLog => view
            .state
            .label_log
            .iter()
            .map(|l| render::label_log(l, view))
            .collect(),
    });
    match listed {
        Ok(items) => dialogporten_json(StatusCode::OK, Value::Array(items)),
        Err(response) => *response,
    }
}

fn sub_one(request: &Request<'_>, user: &EndUser, id: &str, sub: Sub, item: &str) -> Response {
    let item = item.to_ascii_lowercase();
    let found = with_view(request, user, id, |view| match sub {
        Sub::Transmissions => view
            .state
            .transmissions
            .iter()
            .find(|t| t.id == item)
            .map(|t| render::transmission(t, view, true)),
        Sub::Activities => view
            .state
            .activities
            .iter()
            .find(|a| a.id == item)
            .map(|a| render::activity(a, view, true)),
        Sub::SeenLog => view
            .state
            .seen_log
            .iter()
            .find(|s| s.id == item)
            .map(|s| render::seen(s, view)),
        Sub::LabelLog => None,
    });
    let entity = match sub {
        Sub::Transmissions => "DialogTransmission",
        Sub::Activities => "DialogActivity",
        _ => "DialogSeenLog",
    };
    match found {
        Ok(Some(value)) => dialogporten_json(StatusCode::OK, value),
        Ok(None) => problem(
            request,
            404,
            &[(
                entity,
                format!("Entity '{entity}' with the following key(s) was not found: ({item})."),
            )],
        ),
        Err(response) => *response,
    }
}

/// `GET /dialoglookup?instanceRef=…`: a correspondence, dialog or app instance reference to
/// the dialog's id.
fn lookup(request: &Request<'_>, user: &EndUser) -> Response {
    let Some(reference) = request.one("instanceref") else {
        return problem(
            request,
            400,
            &[("InstanceRef", "'Instance Ref' must not be empty.".into())],
        );
    };
    let lower = reference.to_ascii_lowercase();
    let mut guard = lock(&request.state.world);
    let world = &mut *guard;
    let key = if let Some(id) = lower.strip_prefix("urn:altinn:correspondence-id:") {
        world.correspondence_key(id)
    } else if let Some(id) = lower.strip_prefix("urn:altinn:dialog-id:") {
        world.dialog_key(id)
    } else if let Some(rest) = lower.strip_prefix("urn:altinn:instance-id:") {
        rest.split('/').nth(1).and_then(|id| world.dialog_key(id))
    } else {
        return problem(
            request,
            400,
            &[(
                "InstanceRef",
                format!("'{reference}' is not a valid instance reference."),
            )],
        );
    };
    let Some(place) = key.and_then(|k| store::find(&world.mailboxes, &k)) else {
        return problem(
            request,
            404,
            &[(
                "InstanceRef",
                format!("No dialog was found for '{reference}'."),
            )],
        );
    };
    if !authorized(world, user.user)
        .iter()
        .any(|(_, mb)| *mb == place.0)
    {
        return problem(request, 403, &[("Forbidden", "Forbidden".into())]);
    }
    let message = &world.mailboxes[place.0][place.1];
    let party = world
        .reportees
        .get(place.0)
        .map(store::party_urn)
        .unwrap_or_default();
    let state = world.altinn3.state(message).clone();
    let owner = message.service_owner.clone();
    dialogporten_json(
        StatusCode::OK,
        json!({
            "dialogId": state.id,
            "instanceRef": reference,
            "party": party,
            "title": [{"value": message.subject, "languageCode": "nb"}],
            "serviceResource": {"id": render::service_resource(message), "isDelegable": true,
                                "minimumAuthenticationLevel": state.min_level,
                                "name": [{"value": format!("{owner}: {}", message.service_code), "languageCode": "nb"}]},
            "serviceOwner": {"code": store::org_code(message), "orgNumber": "974761076",
                             "name": [{"value": owner, "languageCode": "nb"}]},
            "authorizationEvidence": {"currentAuthenticationLevel": user.level, "viaRole": true,
                                      "viaAccessPackage": false, "viaResourceDelegation": false,
                                      "viaInstanceDelegation": false, "evidence": []},
        }),
    )
}
