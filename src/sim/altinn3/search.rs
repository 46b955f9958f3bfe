//! Dialogporten's dialog search (`GET /api/v1/enduser/dialogs`, altinn3-api.md §2.3): the
//! parameters and their validators, the filters, the order and its keyset continuation
//! token, and the page of list items.

use std::cmp::Ordering;

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::render::{self, View};
use super::{dialogporten_json, problem, timestamp, EndUser, Request};
use crate::sim::data::{SimMessage, World};
use crate::sim::lock;
use crate::sim::store::{self, authorized_among, names, Label, Place};

/// At most this many values of `serviceResource`, `org` and `extendedStatus`.
pub const MAX_OTHER: usize = 20;

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

/// Validation errors: (parameter, message), in the order the parameters are checked.
type Errors = Vec<(&'static str, String)>;

/// A date parameter: ISO 8601 with an explicit offset.
fn date(
    request: &Request<'_>,
    name: &str,
    errors: &mut Errors,
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

/// Reads and validates every parameter; all errors at once, in Dialogporten's order.
fn parse_criteria(request: &Request<'_>) -> Result<Criteria, Errors> {
    let mut errors: Errors = Vec::new();
    let parties = lowercased(request, "party");
    let resources = lowercased(request, "serviceresource");
    check_scope(request, &parties, &resources, &mut errors);
    let orgs = orgs(request, &mut errors);
    let statuses = statuses(request, &mut errors);
    let labels = labels(request, &mut errors);
    let seen = seen(request, &mut errors);
    let ranges = ranges(request, &mut errors);
    let search = search_text(request, &mut errors);
    check_language(request, &mut errors);
    let exclude_api_only = request
        .one("excludeapionly")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let order = order(request, &mut errors);
    let limit = limit(request, &mut errors);
    let token = request.one("continuationtoken").map(str::to_owned);
    let after = continuation(token.as_deref(), &order, &mut errors);
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

/// Every value of parameter `name`, lower-cased (parties, resources and orgs match
/// case-insensitively).
fn lowercased(request: &Request<'_>, name: &str) -> Vec<String> {
    request
        .all(name)
        .iter()
        .map(|v| v.to_ascii_lowercase())
        .collect()
}

/// `Party` and `ServiceResource`: one of them is needed, each within its limit, and every
/// party a valid URN.
fn check_scope(
    request: &Request<'_>,
    parties: &[String],
    resources: &[String],
    errors: &mut Errors,
) {
    if parties.is_empty() && resources.is_empty() {
        errors.push((
            "",
            "Either ServiceResource or Party must be specified.".into(),
        ));
    }
    let max_parties = request.state.config.party_limit;
    if parties.len() > max_parties {
        errors.push((
            "Party",
            format!("Maximum {max_parties} unique party values allowed."),
        ));
    }
    for party in parties {
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
}

/// `Org`: service owner codes, at most [`MAX_OTHER`].
fn orgs(request: &Request<'_>, errors: &mut Errors) -> Vec<String> {
    let orgs = lowercased(request, "org");
    if orgs.len() > MAX_OTHER {
        errors.push((
            "Org",
            format!("Maximum {MAX_OTHER} unique org values allowed."),
        ));
    }
    orgs
}

/// `Status`: dialog statuses, spelled as Dialogporten spells them.
fn statuses(request: &Request<'_>, errors: &mut Errors) -> Vec<String> {
    let mut statuses = Vec::new();
    for status in request.all("status") {
        match STATUSES.iter().find(|s| s.eq_ignore_ascii_case(status)) {
            Some(s) => statuses.push((*s).to_owned()),
            None => errors.push(("Status", format!("'{status}' is not a valid DialogStatus."))),
        }
    }
    statuses
}

/// `SystemLabel`: the labels a dialog must all have.
fn labels(request: &Request<'_>, errors: &mut Errors) -> Vec<Label> {
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
    labels
}

/// `IsContentSeen`: a boolean, or no filter.
fn seen(request: &Request<'_>, errors: &mut Errors) -> Option<bool> {
    match request.one("iscontentseen") {
        None => None,
        Some(v) if v.eq_ignore_ascii_case("true") => Some(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Some(false),
        Some(v) => {
            errors.push(("IsContentSeen", format!("'{v}' is not a boolean.")));
            None
        }
    }
}

/// The four date ranges (created, updated, content updated, due), each with its end not
/// before its start.
fn ranges(request: &Request<'_>, errors: &mut Errors) -> [Range; 4] {
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
        let a = date(request, &format!("{name}after"), errors, after);
        let b = date(request, &format!("{name}before"), errors, before);
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
    ranges
}

/// `Search`: free text of at least three characters.
fn search_text(request: &Request<'_>, errors: &mut Errors) -> Option<String> {
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
    search
}

/// `SearchLanguageCode`: checked only (the search looks in every language); `no` gets
/// Dialogporten's hint to say `nb` or `nn`.
fn check_language(request: &Request<'_>, errors: &mut Errors) {
    let Some(code) = request.one("searchlanguagecode") else {
        return;
    };
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

/// `OrderBy`: `key_asc|key_desc` (descending when unsaid), a key once; content updated
/// descending when none is given, and the id always last as the tie-breaker.
fn order(request: &Request<'_>, errors: &mut Errors) -> Vec<(Key, bool)> {
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
    order
}

/// `Limit`: 1 to 1000, 100 when unsaid (or wrong).
fn limit(request: &Request<'_>, errors: &mut Errors) -> usize {
    match request.one("limit") {
        None => 100,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                errors.push(("Limit", "'Limit' must be between 1 and 1000.".into()));
                100
            }
        },
    }
}

/// `ContinuationToken`: the sort values of the last dialog of the previous page, read for
/// `order` (so it is checked after `OrderBy`).
fn continuation(
    token: Option<&str>,
    order: &[(Key, bool)],
    errors: &mut Errors,
) -> Option<Vec<KeyValue>> {
    match parse_token(token?, order) {
        Ok(values) => Some(values),
        Err(message) => {
            errors.push(("ContinuationToken", message));
            None
        }
    }
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
pub(super) fn search(request: &Request<'_>, user: &EndUser) -> Response {
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
    let hits = hits(world, user.user, &criteria, now);
    let (page, has_next) = page(&hits, &criteria);
    let token = match page.last() {
        Some(last) => Some(continuation_token(&criteria.order, last)),
        None => criteria.token.clone(),
    };
    let items = items(request, world, user, &page, now);
    let order = order_by(&criteria.order);
    dialogporten_json(
        StatusCode::OK,
        json!({"items": items, "hasNextPage": has_next, "continuationToken": token, "orderBy": order}),
    )
}

/// Every dialog of the user's parties that passes the criteria, in the asked order.
fn hits(world: &mut World, user: usize, criteria: &Criteria, now: DateTime<Utc>) -> Vec<Hit> {
    let parties = authorized_among(world, user, &criteria.parties);
    let mut hits: Vec<Hit> = Vec::new();
    for (_, mailbox) in &parties {
        let Some(messages) = world.mailboxes.get(*mailbox) else {
            continue;
        };
        for (i, message) in messages.iter().enumerate() {
            // The date ranges that need only the message first: an incremental sync over
            // 100,000 dialogs looks up the state of the few that changed.
            if !message_times_pass(criteria, message) {
                continue;
            }
            let state = world.altinn3.state(message);
            store::reconcile(message, state);
            if !passes(criteria, message, state, now)
                || !criteria.statuses.is_empty() && !status_in(criteria, message, state)
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
    hits
}

/// The page after the continuation token's dialog, and whether another follows it.
fn page<'h>(hits: &'h [Hit], criteria: &Criteria) -> (Vec<&'h Hit>, bool) {
    let start = match &criteria.after {
        Some(after) => hits
            .partition_point(|h| compare(&criteria.order, &h.values, after) != Ordering::Greater),
        None => 0,
    };
    let mut page: Vec<&Hit> = hits.iter().skip(start).take(criteria.limit + 1).collect();
    let has_next = page.len() > criteria.limit;
    page.truncate(criteria.limit);
    (page, has_next)
}

/// The token that continues after `last`: its sort values, `key_value,key_value`.
fn continuation_token(order: &[(Key, bool)], last: &Hit) -> String {
    order
        .iter()
        .zip(&last.values)
        .map(|((k, _), v)| format!("{}_{}", k.name(), v.token()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The page's dialogs as list items.
fn items(
    request: &Request<'_>,
    world: &mut World,
    user: &EndUser,
    page: &[&Hit],
    now: DateTime<Utc>,
) -> Vec<Value> {
    let names = names(world);
    let languages = request.languages();
    page.iter()
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
        .collect()
}

/// The order used, as `orderBy` echoes it: `key_desc,key_asc`.
fn order_by(order: &[(Key, bool)]) -> String {
    order
        .iter()
        .map(|(k, d)| format!("{}_{}", k.name(), if *d { "desc" } else { "asc" }))
        .collect::<Vec<_>>()
        .join(",")
}

fn status_in(criteria: &Criteria, message: &SimMessage, state: &store::DialogState) -> bool {
    let value = render::status(message, state);
    criteria.statuses.iter().any(|s| s == value)
}
