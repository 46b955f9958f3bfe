//! Dialogporten's end-user API (altinn3-api.md §2): parties, the dialog search with keyset
//! paging, a dialog (which marks it seen and carries a `dialogToken`), system labels one at
//! a time and in bulk, transmissions, activities, the seen and label logs, the lookup, and
//! the limits. Answers follow the OpenAPI document beside altinn3-api.md.

use std::cmp::Ordering;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::render::{self, View};
use super::token::DialogClaims;
use super::{dialogporten_json, end_user, problem, timestamp, EndUser, Request};
use crate::sim::data::{Reportee, ReporteeKind, SimMessage, World};
use crate::sim::lock;
use crate::sim::store::{self, Label, Place};

/// At most this many values of `party` (`/api/v1/metadata/limits`).
pub const MAX_PARTIES: usize = 100;
/// At most this many values of `serviceResource`, `org` and `extendedStatus`.
pub const MAX_OTHER: usize = 20;

/// Routes a request under `/dialogporten` (segments after it).
pub(crate) fn route(
    request: &Request<'_>,
    seg: &[&str],
    original: &[&str],
) -> (&'static str, Response) {
    let get = request.method == axum::http::Method::GET;
    match seg {
        ["api", "v1", "metadata", "limits"] if get => {
            ("/dialogporten/api/v1/metadata/limits", limits())
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

/// `GET /api/v1/metadata/limits` (no authentication).
fn limits() -> Response {
    dialogporten_json(
        StatusCode::OK,
        json!({
            "endUserSearch": {"maxPartyFilterValues": MAX_PARTIES, "maxServiceResourceFilterValues": MAX_OTHER,
                              "maxOrgFilterValues": MAX_OTHER, "maxExtendedStatusFilterValues": MAX_OTHER},
            "serviceOwnerSearch": {"maxPartyFilterValues": MAX_PARTIES, "maxServiceResourceFilterValues": MAX_OTHER,
                                   "maxExtendedStatusFilterValues": MAX_OTHER},
        }),
    )
}

/// The simulated users' names, by index.
fn names(world: &World) -> Vec<String> {
    world.users.iter().map(|u| u.name.clone()).collect()
}

/// The parties `user` may see, as (URN, mailbox index).
fn authorized(world: &World, user: usize) -> Vec<(String, usize)> {
    world
        .users
        .get(user)
        .map(|u| {
            u.reportees
                .iter()
                .filter_map(|&r| world.reportees.get(r).map(|p| (store::party_urn(p), r)))
                .collect()
        })
        .unwrap_or_default()
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
    let mut list: Vec<Value> = Vec::new();
    for (i, party) in own.iter().enumerate() {
        if party
            .parent_org_number
            .as_ref()
            .is_some_and(|p| own.iter().any(|o| o.org_number.as_ref() == Some(p)))
        {
            continue;
        }
        let mut value = party_json(party, i == 0, false, false);
        let subs: Vec<Value> = own
            .iter()
            .filter(|s| s.parent_org_number.is_some() && s.parent_org_number == party.org_number)
            .map(|s| party_json(s, false, false, false))
            .collect();
        if !subs.is_empty() {
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

/// An order key of the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    ContentUpdatedAt,
    UpdatedAt,
    CreatedAt,
    DueAt,
    Id,
}

impl Key {
    fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "contentupdatedat" => Some(Key::ContentUpdatedAt),
            "updatedat" => Some(Key::UpdatedAt),
            "createdat" => Some(Key::CreatedAt),
            "dueat" => Some(Key::DueAt),
            "id" => Some(Key::Id),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Key::ContentUpdatedAt => "contentupdatedat",
            Key::UpdatedAt => "updatedat",
            Key::CreatedAt => "createdat",
            Key::DueAt => "dueat",
            Key::Id => "id",
        }
    }
}

/// A value of an order key: a time (none sorts as the largest, as PostgreSQL's NULLS LAST
/// for ascending order) or the id.
#[derive(Debug, Clone, PartialEq, Eq)]
enum KeyValue {
    Time(Option<DateTime<Utc>>),
    Id(String),
}

impl KeyValue {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (KeyValue::Time(a), KeyValue::Time(b)) => match (a, b) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            },
            (KeyValue::Id(a), KeyValue::Id(b)) => a.cmp(b),
            _ => Ordering::Equal,
        }
    }

    fn token(&self) -> String {
        match self {
            KeyValue::Time(Some(t)) => timestamp(*t),
            KeyValue::Time(None) => String::new(),
            KeyValue::Id(id) => id.clone(),
        }
    }
}

/// A search hit with its sort values.
struct Hit {
    place: Place,
    values: Vec<KeyValue>,
}

fn key_value(key: Key, message: &SimMessage, state: &store::DialogState) -> KeyValue {
    let id = state.id.as_str();
    match key {
        Key::ContentUpdatedAt | Key::UpdatedAt => {
            KeyValue::Time(Some(store::utc(message.last_changed)))
        }
        Key::CreatedAt => KeyValue::Time(Some(store::utc(message.created))),
        Key::DueAt => KeyValue::Time(render::due(message, state)),
        Key::Id => KeyValue::Id(id.to_owned()),
    }
}

fn compare(order: &[(Key, bool)], a: &[KeyValue], b: &[KeyValue]) -> Ordering {
    for ((_, descending), (x, y)) in order.iter().zip(a.iter().zip(b)) {
        let ordering = x.cmp(y);
        let ordering = if *descending {
            ordering.reverse()
        } else {
            ordering
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    Ordering::Equal
}

/// A date parameter: ISO 8601 with an explicit offset.
fn date(
    request: &Request<'_>,
    name: &str,
    errors: &mut Vec<(&'static str, String)>,
    key: &'static str,
) -> Option<DateTime<Utc>> {
    let text = request.one(name)?;
    match DateTime::parse_from_rfc3339(text) {
        Ok(at) => Some(at.with_timezone(&Utc)),
        Err(_) => {
            errors.push((key, format!("'{key}' must be a date and time with an explicit time zone, e.g. 2026-01-31T12:00:00Z.")));
            None
        }
    }
}

/// A date range: (after, before).
type Range = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The search's criteria, validated.
struct Criteria {
    parties: Vec<String>,
    resources: Vec<String>,
    orgs: Vec<String>,
    statuses: Vec<String>,
    labels: Vec<Label>,
    seen: Option<bool>,
    /// Created, updated, content updated and due: (after, before).
    ranges: [Range; 4],
    search: Option<String>,
    exclude_api_only: bool,
    order: Vec<(Key, bool)>,
    after: Option<Vec<KeyValue>>,
    token: Option<String>,
    limit: usize,
}

const STATUSES: [&str; 6] = [
    "InProgress",
    "Draft",
    "RequiresAttention",
    "Completed",
    "NotApplicable",
    "Awaiting",
];
const LANGUAGES: [&str; 6] = ["nb", "nn", "en", "se", "sv", "da"];

fn parse_criteria(request: &Request<'_>) -> Result<Criteria, Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let parties: Vec<String> = request
        .all("party")
        .iter()
        .map(|p| p.to_ascii_lowercase())
        .collect();
    let resources: Vec<String> = request
        .all("serviceresource")
        .iter()
        .map(|p| p.to_ascii_lowercase())
        .collect();
    if parties.is_empty() && resources.is_empty() {
        errors.push((
            "",
            "Either ServiceResource or Party must be specified.".into(),
        ));
    }
    if parties.len() > MAX_PARTIES {
        errors.push((
            "Party",
            format!("Maximum {MAX_PARTIES} unique party values allowed."),
        ));
    }
    for party in &parties {
        if !valid_party(party) {
            errors.push((
                "Party",
                format!("'{party}' is not a valid party identifier."),
            ));
        }
    }
    if resources.len() > MAX_OTHER {
        errors.push((
            "ServiceResource",
            format!("Maximum {MAX_OTHER} unique service resource values allowed."),
        ));
    }
    let orgs: Vec<String> = request
        .all("org")
        .iter()
        .map(|o| o.to_ascii_lowercase())
        .collect();
    if orgs.len() > MAX_OTHER {
        errors.push((
            "Org",
            format!("Maximum {MAX_OTHER} unique org values allowed."),
        ));
    }
    let mut statuses = Vec::new();
    for status in request.all("status") {
        match STATUSES.iter().find(|s| s.eq_ignore_ascii_case(status)) {
            Some(s) => statuses.push((*s).to_owned()),
            None => errors.push(("Status", format!("'{status}' is not a valid DialogStatus."))),
        }
    }
    let mut labels = Vec::new();
    for label in request.all("systemlabel") {
        match Label::parse(label) {
            Some(l) => labels.push(l),
            None => errors.push((
                "SystemLabel",
                format!("'{label}' is not a valid SystemLabel."),
            )),
        }
    }
    let seen = match request.one("iscontentseen") {
        None => None,
        Some(v) if v.eq_ignore_ascii_case("true") => Some(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Some(false),
        Some(v) => {
            errors.push(("IsContentSeen", format!("'{v}' is not a boolean.")));
            None
        }
    };
    let mut ranges = [(None, None); 4];
    for (i, (name, after, before)) in [
        ("created", "CreatedAfter", "CreatedBefore"),
        ("updated", "UpdatedAfter", "UpdatedBefore"),
        (
            "contentupdated",
            "ContentUpdatedAfter",
            "ContentUpdatedBefore",
        ),
        ("due", "DueAfter", "DueBefore"),
    ]
    .into_iter()
    .enumerate()
    {
        let a = date(request, &format!("{name}after"), &mut errors, after);
        let b = date(request, &format!("{name}before"), &mut errors, before);
        if let (Some(a), Some(b)) = (a, b) {
            if a > b {
                errors.push((
                    after,
                    format!("'{after}' must be less than or equal to '{before}'."),
                ));
            }
        }
        ranges[i] = (a, b);
    }
    let search = request.one("search").map(str::to_owned);
    if search
        .as_ref()
        .is_some_and(|s| s.trim().chars().count() < 3)
    {
        errors.push((
            "Search",
            "'Search' must be at least 3 characters long.".into(),
        ));
    }
    if let Some(code) = request.one("searchlanguagecode") {
        let code = code.to_ascii_lowercase();
        if code == "no" {
            errors.push(("SearchLanguageCode", "'no' is not a valid language code. Use 'nb' (Norwegian Bokmål) or 'nn' (Norwegian Nynorsk).".into()));
        } else if !LANGUAGES.contains(&code.split('-').next().unwrap_or_default()) {
            errors.push((
                "SearchLanguageCode",
                format!("'{code}' is not a valid language code."),
            ));
        }
    }
    let exclude_api_only = request
        .one("excludeapionly")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let mut order: Vec<(Key, bool)> = Vec::new();
    if let Some(text) = request.one("orderby") {
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, direction) = match part.rsplit_once('_') {
                Some((n, d)) if d.eq_ignore_ascii_case("asc") || d.eq_ignore_ascii_case("desc") => {
                    (n, d)
                }
                _ => (part, "desc"),
            };
            match Key::parse(name) {
                Some(key) if !order.iter().any(|(k, _)| *k == key) => {
                    order.push((key, direction.eq_ignore_ascii_case("desc")))
                }
                Some(_) => {}
                None => errors.push(("OrderBy", format!("'{part}' is not a valid order option."))),
            }
        }
    }
    if order.is_empty() {
        order.push((Key::ContentUpdatedAt, true));
    }
    if !order.iter().any(|(k, _)| *k == Key::Id) {
        order.push((Key::Id, true));
    }
    let limit = match request.one("limit") {
        None => 100,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                errors.push(("Limit", "'Limit' must be between 1 and 1000.".into()));
                100
            }
        },
    };
    let token = request.one("continuationtoken").map(str::to_owned);
    let after = match &token {
        None => None,
        Some(text) => match parse_token(text, &order) {
            Ok(values) => Some(values),
            Err(message) => {
                errors.push(("ContinuationToken", message));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Criteria {
        parties,
        resources,
        orgs,
        statuses,
        labels,
        seen,
        ranges,
        search,
        exclude_api_only,
        order,
        after,
        token,
        limit,
    })
}

/// A person (11 digits) or organisation (9 digits) URN.
fn valid_party(urn: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
    urn.strip_prefix("urn:altinn:person:identifier-no:")
        .is_some_and(|s| digits(s, 11))
        || urn
            .strip_prefix("urn:altinn:organization:identifier-no:")
            .is_some_and(|s| digits(s, 9))
}

/// Reads a continuation token (`key_value,key_value`) for `order`.
fn parse_token(text: &str, order: &[(Key, bool)]) -> Result<Vec<KeyValue>, String> {
    let mut found: Vec<(Key, String)> = Vec::new();
    for part in text.split(',') {
        let (key, value) = part
            .split_once('_')
            .ok_or_else(|| format!("'{text}' is not a valid continuation token."))?;
        let key = Key::parse(key)
            .ok_or_else(|| format!("'{text}' is not a valid continuation token."))?;
        found.push((key, value.to_owned()));
    }
    let missing: Vec<&str> = order
        .iter()
        .filter(|(k, _)| !found.iter().any(|(f, _)| f == k))
        .map(|(k, _)| k.name())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "ContinuationToken does not match OrderBy. Missing token keys: [{}]",
            missing.join(", ")
        ));
    }
    order
        .iter()
        .map(|(key, _)| {
            let value = found
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default();
            match key {
                Key::Id => Ok(KeyValue::Id(value.to_ascii_lowercase())),
                _ if value.is_empty() => Ok(KeyValue::Time(None)),
                _ => DateTime::parse_from_rfc3339(value)
                    .map(|t| KeyValue::Time(Some(t.with_timezone(&Utc))))
                    .map_err(|_| format!("'{text}' is not a valid continuation token.")),
            }
        })
        .collect()
}

/// Whether a dialog passes the criteria (other than party).
/// The created, updated and content-updated ranges, which depend on the message alone
/// (checked before its state is looked up; `passes` checks the due range).
fn message_times_pass(criteria: &Criteria, message: &SimMessage) -> bool {
    let times = [
        store::utc(message.created),
        store::utc(message.last_changed),
        store::utc(message.last_changed),
    ];
    criteria
        .ranges
        .iter()
        .zip(times)
        .all(|((after, before), time)| {
            !after.is_some_and(|a| time < a) && !before.is_some_and(|b| time > b)
        })
}

fn passes(
    criteria: &Criteria,
    message: &SimMessage,
    state: &store::DialogState,
    now: DateTime<Utc>,
) -> bool {
    if state.deleted || state.expires_at.is_some_and(|t| t <= now) {
        return false;
    }
    if criteria.exclude_api_only && state.api_only {
        return false;
    }
    if !criteria.resources.is_empty()
        && !criteria
            .resources
            .contains(&render::service_resource(message).to_ascii_lowercase())
    {
        return false;
    }
    if !criteria.orgs.is_empty() && !criteria.orgs.iter().any(|o| o == store::org_code(message)) {
        return false;
    }
    let labels = render::labels(message, state, true);
    if !criteria.labels.iter().all(|l| labels.contains(l)) {
        return false;
    }
    if criteria
        .seen
        .is_some_and(|seen| seen != render::is_content_seen(message, state))
    {
        return false;
    }
    // The message's own dates were checked first (`message_times_pass`); the due date
    // needs the state, and a dialog without one fails a due range.
    let (after, before) = criteria.ranges[3];
    if after.is_some() || before.is_some() {
        let Some(due) = render::due(message, state) else {
            return false;
        };
        if after.is_some_and(|a| due < a) || before.is_some_and(|b| due > b) {
            return false;
        }
    }
    if let Some(search) = &criteria.search {
        let needle = search.trim().to_lowercase();
        let mut haystack = vec![
            message.subject.to_lowercase(),
            message.summary.to_lowercase(),
            message.service_owner.to_lowercase(),
            message
                .message_sender
                .clone()
                .unwrap_or_default()
                .to_lowercase(),
            store::org_code(message).to_owned(),
        ];
        for (_, title, summary, _) in &state.translations {
            haystack.push(title.to_lowercase());
            haystack.push(summary.to_lowercase());
        }
        if !haystack.iter().any(|h| h.contains(&needle)) {
            return false;
        }
    }
    true
}

/// `GET /dialogs`: every parameter of altinn3-api.md §2.3, keyset paging.
fn search(request: &Request<'_>, user: &EndUser) -> Response {
    let criteria = match parse_criteria(request) {
        Ok(criteria) => criteria,
        Err(errors) => return problem(request, 400, &errors),
    };
    if criteria.search.is_some() && request.state.dice.too_broad() {
        return problem(request, 422, &[("Search", "The search matched too many dialogs to complete. Narrow it with a date range (contentUpdatedAfter), fewer parties, or a service resource.".into())]);
    }
    let now = Utc::now();
    let mut guard = lock(&request.state.world);
    let world = &mut *guard;
    let parties: Vec<(String, usize)> = authorized(world, user.user)
        .into_iter()
        .filter(|(urn, _)| criteria.parties.is_empty() || criteria.parties.contains(urn))
        .collect();
    let mut hits: Vec<Hit> = Vec::new();
    for (_, mailbox) in &parties {
        let Some(messages) = world.mailboxes.get(*mailbox) else {
            continue;
        };
        for (i, message) in messages.iter().enumerate() {
            // The date ranges that need only the message first: an incremental sync over
            // 100,000 dialogs looks up the state of the few that changed.
            if !message_times_pass(&criteria, message) {
                continue;
            }
            let state = world.altinn3.state(message);
            store::reconcile(message, state);
            if !passes(&criteria, message, state, now)
                || !criteria.statuses.is_empty() && !status_in(&criteria, message, state)
            {
                continue;
            }
            let values = criteria
                .order
                .iter()
                .map(|(k, _)| key_value(*k, message, state))
                .collect();
            hits.push(Hit {
                place: (*mailbox, i),
                values,
            });
        }
    }
    hits.sort_by(|a, b| compare(&criteria.order, &a.values, &b.values));
    let start = match &criteria.after {
        Some(after) => hits
            .partition_point(|h| compare(&criteria.order, &h.values, after) != Ordering::Greater),
        None => 0,
    };
    let page: Vec<&Hit> = hits.iter().skip(start).take(criteria.limit + 1).collect();
    let has_next = page.len() > criteria.limit;
    let page = &page[..page.len().min(criteria.limit)];
    let token = match page.last() {
        Some(last) => Some(
            criteria
                .order
                .iter()
                .zip(&last.values)
                .map(|((k, _), v)| format!("{}_{}", k.name(), v.token()))
                .collect::<Vec<_>>()
                .join(","),
        ),
        None => criteria.token.clone(),
    };
    let names = names(world);
    let languages = request.languages();
    let items: Vec<Value> = page
        .iter()
        .filter_map(|hit| {
            let (mb, i) = hit.place;
            let message = world.mailboxes.get(mb)?.get(i)?;
            let party = world.reportees.get(mb)?;
            let state = world.altinn3.state(message).clone();
            Some(render::list_item(&View {
                message,
                state: &state,
                party,
                user: user.user,
                names: &names,
                base: request.base,
                languages: languages.as_deref(),
                now,
            }))
        })
        .collect();
    let order = criteria
        .order
        .iter()
        .map(|(k, d)| format!("{}_{}", k.name(), if *d { "desc" } else { "asc" }))
        .collect::<Vec<_>>()
        .join(",");
    dialogporten_json(
        StatusCode::OK,
        json!({"items": items, "hasNextPage": has_next, "continuationToken": token, "orderBy": order}),
    )
}

fn status_in(criteria: &Criteria, message: &SimMessage, state: &store::DialogState) -> bool {
    let value = render::status(message, state);
    criteria.statuses.iter().any(|s| s == value)
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
    let dialogs: Vec<(String, Option<String>)> = body
        .get("dialogs")
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
        .unwrap_or_default();
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
    let mut places = Vec::new();
    for (id, revision) in &dialogs {
        let place = match locate(request, world, user, id) {
            Ok(place) => place,
            Err(_) => {
                return problem(
                    request,
                    404,
                    &[(
                        "DialogEntity",
                        format!(
                        "Entity 'DialogEntity' with the following key(s) was not found: ({id})."
                    ),
                    )],
                )
            }
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
            return problem(request, 412, &[]);
        }
        places.push(place);
    }
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
