//! The simulator's Altinn 3 faces over real HTTP: Dialogporten's end-user API and
//! Correspondence's recipient API, every Dialogporten answer checked against Digdir's own
//! OpenAPI document (`tests/altinn3/`), and the Altinn 2 face agreeing with what was done
//! through them.

mod common;
#[path = "altinn3/openapi.rs"]
mod openapi;

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use innboks::auth::browser::{self, CallbackParams};
use innboks::auth::device;
use innboks::auth::oidc::{self, Provider};
use innboks::sim::{SimConfig, Simulator};
use reqwest::header::{
    HeaderMap, ACCEPT_LANGUAGE, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, IF_MATCH, LOCATION,
};
use reqwest::Method;
use serde_json::{json, Value};

const SCOPES: &str = "openid digdir:dialogporten";
const ME: &str = "urn:altinn:person:identifier-no:01017012345";
const BYGG: &str = "urn:altinn:organization:identifier-no:912345678";
const BERGEN: &str = "urn:altinn:organization:identifier-no:973456789";

fn config(messages: usize) -> SimConfig {
    SimConfig {
        auto_approve: Some(Duration::ZERO),
        device_interval: Duration::from_millis(50),
        ..common::config(messages)
    }
}

/// A Dialogporten and Correspondence client that checks every Dialogporten answer against
/// the OpenAPI document, and that no answer carries a `null` or a timestamp in another form.
struct Altinn3 {
    sim: Simulator,
    http: reqwest::Client,
    spec: openapi::Spec,
    token: String,
}

/// An answer.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
    text: String,
}

async fn provider(sim: &Simulator) -> Provider {
    let http = oidc::http_client().expect("http");
    Provider::discover(&http, &sim.issuer(), "innboks")
        .await
        .expect("discovery")
}

/// Logs in with the device flow, scope `digdir:dialogporten`.
async fn device_token(sim: &Simulator, scopes: &str) -> String {
    let provider = provider(sim).await;
    let login = device::start(&provider, scopes).await.expect("device code");
    let (tokens, _) = device::poll(&provider, &login, oidc::DEFAULT_ACR)
        .await
        .expect("tokens");
    tokens.access_token.expose().to_owned()
}

/// Logs in with the browser flow at level `acr`.
async fn browser_token(sim: &Simulator, acr: &str) -> String {
    let provider = provider(sim).await;
    let login = browser::start(provider, 0, SCOPES, acr)
        .await
        .expect("start");
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(&login.authorize_url)
        .send()
        .await
        .expect("authorize");
    let redirect = response.headers()[LOCATION]
        .to_str()
        .expect("ascii")
        .to_owned();
    let params = CallbackParams::parse(&redirect).expect("params");
    let (tokens, _) = login.finish(params, acr).await.expect("finish");
    tokens.access_token.expose().to_owned()
}

impl Altinn3 {
    async fn start(config: SimConfig) -> Self {
        let sim = Simulator::start(config).await.expect("sim");
        let token = device_token(&sim, SCOPES).await;
        Self {
            sim,
            http: reqwest::Client::new(),
            spec: openapi::Spec::dialogporten(),
            token,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    /// Sends a request; a Dialogporten answer is checked against the document's `template`.
    async fn send(
        &self,
        method: Method,
        template: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.http.request(method.clone(), self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("answer");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("json"));
        let body = if json {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"))
        } else {
            Value::Null
        };
        // Random server faults (5xx) are the gateway's, not Dialogporten's.
        if path.starts_with("/dialogporten/") && status < 500 {
            self.check(method.as_str(), template, status, &body, &text);
        }
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    fn check(&self, method: &str, template: &str, status: u16, body: &Value, text: &str) {
        if let Err(errors) = self.spec.check(method, template, status, body) {
            panic!(
                "{method} {template} {status} does not match the OpenAPI document:\n{}\n{text}",
                errors.join("\n")
            );
        }
        if body.is_null() {
            return;
        }
        let mut found = Vec::new();
        openapi::nulls(body, "$", &mut found);
        assert!(
            found.is_empty(),
            "{template}: nulls on the wire at {found:?}"
        );
        for stamp in timestamps(body) {
            let fraction = stamp.split('.').nth(1).unwrap_or_default();
            assert!(
                fraction.len() == 8 && fraction.ends_with('Z'),
                "{template}: {stamp} is not UTC with seven fractional digits"
            );
        }
    }

    async fn get(&self, template: &str, path: &str) -> Answer {
        self.get_as(template, path, Some(&self.token)).await
    }

    /// A GET with another token (or none).
    async fn get_as(&self, template: &str, path: &str, token: Option<&str>) -> Answer {
        self.send(Method::GET, template, path, token, &[], None)
            .await
    }

    async fn put_labels(
        &self,
        id: &str,
        add: &[&str],
        remove: &[&str],
        if_match: Option<&str>,
    ) -> Answer {
        let token = self.token.clone();
        let headers: Vec<(&str, &str)> = if_match
            .map(|r| vec![(IF_MATCH.as_str(), r)])
            .unwrap_or_default();
        self.send(
            Method::PUT,
            "/api/v1/enduser/dialogs/{dialogId}/context/systemlabels",
            &format!("/dialogporten/api/v1/enduser/dialogs/{id}/context/systemlabels"),
            Some(&token),
            &headers,
            Some(json!({"addLabels": add, "removeLabels": remove})),
        )
        .await
    }

    async fn dialog(&self, id: &str) -> Answer {
        self.get(
            "/api/v1/enduser/dialogs/{dialogId}",
            &format!("/dialogporten/api/v1/enduser/dialogs/{id}"),
        )
        .await
    }

    /// One search page.
    async fn search(&self, query: &str) -> Answer {
        self.get(
            "/api/v1/enduser/dialogs",
            &format!("/dialogporten/api/v1/enduser/dialogs?{query}"),
        )
        .await
    }

    /// Every dialog of a search, walked by continuation tokens; `between` runs after each page.
    async fn walk(&self, query: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..10_000 {
            let mut q = query.to_owned();
            if let Some(t) = &token {
                q.push_str(&format!("&continuationToken={}", urlencode(t)));
            }
            let page = self.search(&q).await;
            assert_eq!(page.status, 200, "{}", page.text);
            items.extend(page.body["items"].as_array().cloned().unwrap_or_default());
            if !page.body["hasNextPage"].as_bool().expect("hasNextPage") {
                return items;
            }
            token = page.body["continuationToken"].as_str().map(str::to_owned);
        }
        panic!("the walk did not end");
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn timestamps(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k.ends_with("At") {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_owned());
                    }
                }
                out.extend(timestamps(v));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| out.extend(timestamps(v))),
        _ => {}
    }
    out
}

fn parties_query(parties: &[&str]) -> String {
    parties
        .iter()
        .map(|p| format!("party={}", urlencode(p)))
        .collect::<Vec<_>>()
        .join("&")
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The main content URL of a dialog.
fn content_url(dialog: &Value) -> String {
    dialog["content"]["mainContentReference"]["value"][0]["value"]
        .as_str()
        .expect("content url")
        .to_owned()
}

/// The path of a simulator URL.
fn path_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.path().to_owned())
        .expect("url")
}

#[tokio::test]
async fn done_when_a_device_login_lists_opens_reads_archives_and_finds_it_archived() {
    let a3 = Altinn3::start(config(60)).await;
    let parties = a3
        .get(
            "/api/v1/enduser/parties",
            "/dialogporten/api/v1/enduser/parties",
        )
        .await;
    assert_eq!(parties.status, 200);
    let all: Vec<&str> = parties.body["authorizedParties"]
        .as_array()
        .expect("parties")
        .iter()
        .flat_map(|p| std::iter::once(p).chain(p["subParties"].as_array().into_iter().flatten()))
        .filter(|p| !p["isDeleted"].as_bool().unwrap_or(false))
        .map(|p| p["party"].as_str().expect("party"))
        .collect();
    assert!(
        all.contains(&ME) && all.contains(&BYGG) && all.contains(&BERGEN),
        "{all:?}"
    );
    let items = a3.walk(&format!("{}&limit=25", parties_query(&all))).await;
    let unique: HashSet<String> = ids(&items).into_iter().collect();
    assert_eq!(unique.len(), items.len(), "no dialog twice");
    assert!(items.len() > 60, "every party's dialogs: {}", items.len());
    let letter = items
        .iter()
        .find(|i| {
            i["serviceResourceType"] == "correspondenceservice"
                && i["party"] == ME
                && i["isContentSeen"] == false
        })
        .expect("an unread letter");
    let id = letter["id"].as_str().expect("id");

    let opened = a3.dialog(id).await;
    assert_eq!(opened.status, 200, "{}", opened.text);
    assert_eq!(
        opened.headers[ETAG].to_str().ok(),
        opened.body["revision"].as_str()
    );
    let token = opened.body["dialogToken"]
        .as_str()
        .expect("a dialogToken")
        .to_owned();
    let content = a3
        .get_as("", &path_of(&content_url(&opened.body)), Some(&token))
        .await;
    assert_eq!(content.status, 200);
    assert!(content.headers[CONTENT_TYPE]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/plain"));
    assert!(
        content.text.contains("| Saksnummer |") && content.text.contains("]("),
        "markdown: {}",
        content.text
    );

    let revision = opened.body["endUserContext"]["revision"]
        .as_str()
        .expect("revision")
        .to_owned();
    let archived = a3.put_labels(id, &["Archive"], &[], Some(&revision)).await;
    assert_eq!(archived.status, 204, "{}", archived.text);
    assert_ne!(
        archived.headers[ETAG].to_str().ok(),
        Some(revision.as_str()),
        "a new revision"
    );
    let archive = a3
        .walk(&format!(
            "party={}&systemLabel=Archive&limit=100",
            urlencode(ME)
        ))
        .await;
    assert!(
        ids(&archive).contains(&id.to_owned()),
        "it is in the archive"
    );
    let inbox = a3
        .walk(&format!(
            "party={}&systemLabel=Default&limit=100",
            urlencode(ME)
        ))
        .await;
    assert!(
        !ids(&inbox).contains(&id.to_owned()),
        "and no longer in the inbox"
    );
    let seen = archive.iter().find(|i| i["id"] == id).expect("archived");
    assert_eq!(seen["isContentSeen"], true, "opening it marked it seen");
}

#[tokio::test]
async fn continuation_tokens_walk_every_dialog_once_for_every_order_and_limit() {
    let a3 = Altinn3::start(config(30)).await;
    let parties = parties_query(&[ME, BYGG, BERGEN]);
    let reference: BTreeSet<String> = ids(&a3.walk(&format!("{parties}&limit=1000")).await)
        .into_iter()
        .collect();
    assert!(reference.len() >= 40, "{}", reference.len());
    for order in [
        "contentUpdatedAt",
        "updatedAt_asc",
        "createdAt_desc",
        "dueAt_asc",
        "dueAt",
        "id_asc",
    ] {
        for limit in [1, 7, 100, 1000] {
            let items = a3
                .walk(&format!("{parties}&orderBy={order}&limit={limit}"))
                .await;
            let got = ids(&items);
            assert_eq!(
                got.len(),
                reference.len(),
                "{order} limit {limit}: each once"
            );
            assert_eq!(
                got.iter().cloned().collect::<BTreeSet<_>>(),
                reference,
                "{order} limit {limit}"
            );
        }
    }
    let page = a3
        .search(&format!("{parties}&orderBy=createdAt_asc,id_desc&limit=3"))
        .await;
    assert_eq!(page.body["orderBy"], "createdat_asc,id_desc");
    let token = page.body["continuationToken"].as_str().expect("token");
    assert!(
        token.starts_with("createdat_") && token.contains(",id_"),
        "{token}"
    );
    let mismatch = a3
        .search(&format!(
            "{parties}&orderBy=dueAt&continuationToken={}",
            urlencode(token)
        ))
        .await;
    assert_eq!(mismatch.status, 400);
    assert!(
        mismatch.text.contains("Missing token keys"),
        "{}",
        mismatch.text
    );

    // A dialog changed mid-walk (archived, opened) neither vanishes nor repeats.
    let mut seen: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    let mut changed = false;
    loop {
        let mut q = format!("{parties}&limit=9");
        if let Some(t) = &token {
            q.push_str(&format!("&continuationToken={}", urlencode(t)));
        }
        let page = a3.search(&q).await;
        let items = page.body["items"].as_array().cloned().unwrap_or_default();
        seen.extend(ids(&items));
        if !changed && seen.len() > 9 {
            let ahead: Vec<&String> = reference
                .iter()
                .filter(|id| !seen.contains(id))
                .take(2)
                .collect();
            assert_eq!(
                a3.put_labels(ahead[0], &["Archive"], &[], None)
                    .await
                    .status,
                204
            );
            assert_eq!(a3.dialog(ahead[1]).await.status, 200);
            assert_eq!(
                a3.put_labels(&seen[0], &["Bin"], &[], None).await.status,
                204
            );
            changed = true;
        }
        if page.body["hasNextPage"] != true {
            break;
        }
        token = page.body["continuationToken"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), reference.len(), "nothing twice");
    assert_eq!(
        seen.into_iter().collect::<BTreeSet<_>>(),
        reference,
        "nothing lost"
    );
}

#[tokio::test]
async fn labels_archive_bin_restore_unopened_bulk_conflicts_and_the_altinn2_face_agrees() {
    let a3 = Altinn3::start(config(300)).await;
    let items = a3
        .walk(&format!(
            "party={}&systemLabel=Default&limit=1000",
            urlencode(ME)
        ))
        .await;
    let letters: Vec<&Value> = items
        .iter()
        .filter(|i| i["serviceResourceType"] == "correspondenceservice")
        .collect();
    let id = letters[0]["id"].as_str().expect("id").to_owned();

    // Bin, then restore to the inbox.
    assert_eq!(a3.put_labels(&id, &["Bin"], &[], None).await.status, 204);
    let bin = a3
        .walk(&format!("party={}&systemLabel=Bin", urlencode(ME)))
        .await;
    assert!(ids(&bin).contains(&id));
    assert_eq!(a3.put_labels(&id, &[], &["Bin"], None).await.status, 204);
    let restored = a3
        .walk(&format!("party={}&systemLabel=Default", urlencode(ME)))
        .await;
    assert!(
        ids(&restored).contains(&id),
        "removing Bin restores to the inbox"
    );
    // The last folder label wins; MarkedAsUnopened is a flag beside it.
    assert_eq!(
        a3.put_labels(&id, &["Bin", "Archive", "MarkedAsUnopened"], &[], None)
            .await
            .status,
        204
    );
    let both = a3
        .search(&format!(
            "party={}&systemLabel=Archive&systemLabel=MarkedAsUnopened",
            urlencode(ME)
        ))
        .await;
    let hit = both.body["items"]
        .as_array()
        .and_then(|l| l.iter().find(|i| i["id"] == id))
        .expect("AND of labels");
    assert_eq!(hit["isContentSeen"], false, "marked unread");
    assert_eq!(
        hit["endUserContext"]["systemLabels"],
        json!(["Archive", "MarkedAsUnopened"])
    );
    let none = a3
        .search(&format!(
            "party={}&systemLabel=Archive&systemLabel=Bin",
            urlencode(ME)
        ))
        .await;
    assert_eq!(none.body["items"], json!([]), "systemLabel is AND");
    // Opening it clears MarkedAsUnopened (and the full dialog never shows it).
    let opened = a3.dialog(&id).await;
    assert_eq!(
        opened.body["endUserContext"]["systemLabels"],
        json!(["Archive"])
    );
    assert_eq!(opened.body["isContentSeen"], true);
    let log = a3
        .get(
            "/api/v1/enduser/dialogs/{dialogId}/context/labellog",
            &format!("/dialogporten/api/v1/enduser/dialogs/{id}/context/labellog"),
        )
        .await;
    let names: Vec<String> = log
        .body
        .as_array()
        .expect("log")
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap_or_default(),
                e["name"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        names.contains(&"set systemlabel:Bin".to_owned())
            && names.contains(&"remove systemlabel:MarkedAsUnopened".to_owned()),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.ends_with(":Default")),
        "Default is never logged"
    );

    // Sent is the service owner's; a stale revision is refused.
    let sent = a3.put_labels(&id, &["Sent"], &[], None).await;
    assert_eq!(sent.status, 400);
    assert!(sent
        .text
        .contains("Cannot manually add or remove system label Sent"));
    let stale = a3
        .put_labels(
            &id,
            &["Default"],
            &[],
            Some("00000000-0000-4000-8000-000000000000"),
        )
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.body["title"], "Precondition failed.");

    // A bulk of 100 to the bin; 101 is refused; a stale revision refuses them all.
    let hundred: Vec<Value> = letters
        .iter()
        .skip(1)
        .take(100)
        .map(|i| json!({"dialogId": i["id"]}))
        .collect();
    assert_eq!(hundred.len(), 100);
    let token = a3.token.clone();
    let bulk = |dialogs: Vec<Value>| {
        a3.send(
            Method::POST,
            "/api/v1/enduser/dialogs/context/systemlabels/actions/bulkset",
            "/dialogporten/api/v1/enduser/dialogs/context/systemlabels/actions/bulkset",
            Some(&token),
            &[],
            Some(json!({"dialogs": dialogs, "addLabels": ["Bin"]})),
        )
    };
    let mut too_many = hundred.clone();
    too_many.push(json!({"dialogId": id}));
    assert_eq!(bulk(too_many).await.status, 400);
    let mut conflicting = hundred[..2].to_vec();
    conflicting[1]["endUserContextRevision"] = json!("00000000-0000-4000-8000-000000000000");
    assert_eq!(bulk(conflicting).await.status, 412);
    assert_eq!(bulk(hundred.clone()).await.status, 204);
    let binned = a3
        .walk(&format!(
            "party={}&systemLabel=Bin&limit=1000",
            urlencode(ME)
        ))
        .await;
    assert_eq!(binned.len(), 100, "all of them, and none of the refused");

    // The Altinn 2 face agrees: archived, in the trash, read.
    let client = common::client(&a3.sim);
    let session = common::login(&client).await;
    let trash = client
        .folder_page(
            &session,
            "my",
            innboks::domain::Folder::Trash,
            &Default::default(),
            0,
        )
        .await
        .expect("trash");
    let binned_titles: HashSet<&str> = binned
        .iter()
        .filter_map(|i| i["content"]["title"]["value"][0]["value"].as_str())
        .collect();
    assert_eq!(
        trash.messages.len(),
        50,
        "Altinn 2's trash bin shows a page of them"
    );
    assert!(trash
        .messages
        .iter()
        .all(|m| binned_titles.contains(m.subject.as_str())));
    let archive = client
        .folder_page(
            &session,
            "my",
            innboks::domain::Folder::Archive,
            &Default::default(),
            0,
        )
        .await
        .expect("archive");
    let subject = letters[0]["content"]["title"]["value"][0]["value"]
        .as_str()
        .expect("title");
    let moved = archive
        .messages
        .iter()
        .find(|m| m.subject == subject)
        .expect("archived in Altinn 2");
    assert!(
        moved.id.starts_with('b'),
        "a b… id, as an Altinn 2 archive gives"
    );
    assert!(!moved.is_unread());
}

#[tokio::test]
async fn dialog_tokens_open_content_and_attachments_and_nothing_else_does() {
    let a3 = Altinn3::start(SimConfig {
        dialog_token_ttl: Duration::from_secs(1),
        ..config(60)
    })
    .await;
    let items = a3
        .walk(&format!("party={}&limit=1000", urlencode(ME)))
        .await;
    let letter = items
        .iter()
        .find(|i| {
            i["serviceResourceType"] == "correspondenceservice"
                && i["guiAttachmentCount"].as_u64().unwrap_or(0) > 0
        })
        .expect("a letter with an attachment");
    let id = letter["id"].as_str().expect("id");
    let dialog = a3.dialog(id).await.body;
    let token = dialog["dialogToken"].as_str().expect("token").to_owned();
    let content = path_of(&content_url(&dialog));
    let attachment = path_of(
        dialog["attachments"][0]["urls"][0]["url"]
            .as_str()
            .expect("attachment url"),
    );

    let file = a3
        .send(Method::GET, "", &attachment, Some(&token), &[], None)
        .await;
    assert_eq!(file.status, 200);
    assert!(file.headers[CONTENT_DISPOSITION]
        .to_str()
        .unwrap_or_default()
        .contains("filename="));
    assert!(file.text.starts_with("%PDF") || !file.text.is_empty());

    // A plain ID-porten token is not enough at Correspondence.
    let plain = a3.token.clone();
    for path in [&content, &attachment] {
        let refused = a3
            .send(Method::GET, "", path, Some(&plain), &[], None)
            .await;
        assert_eq!(refused.status, 401, "{path}");
        assert_eq!(refused.body["errorCode"], 4001);
    }
    // Another dialog's token neither.
    let other = items
        .iter()
        .find(|i| i["id"] != id && i["serviceResourceType"] == "correspondenceservice")
        .expect("another letter");
    let other_token = a3.dialog(other["id"].as_str().expect("id")).await.body["dialogToken"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(
        a3.send(Method::GET, "", &content, Some(&other_token), &[], None)
            .await
            .status,
        401
    );
    // An expired one neither.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = a3
        .send(Method::GET, "", &content, Some(&token), &[], None)
        .await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.body["errorCode"], 4001);
}

#[tokio::test]
async fn correspondence_reads_confirms_and_purges_in_order_and_dialogporten_follows() {
    let a3 = Altinn3::start(config(300)).await;
    a3.sim.deliver_with(0, |m| {
        m.subject = "Vedtak – bekreft mottak".into();
        m.requires_confirmation = true;
    });
    let items = a3
        .walk(&format!(
            "party={}&status=RequiresAttention&isContentSeen=false&limit=1000",
            urlencode(ME)
        ))
        .await;
    let letter = items.first().expect("a letter that needs confirmation");
    assert_eq!(letter["status"], "RequiresAttention");
    let id = letter["id"].as_str().expect("id").to_owned();
    let dialog = a3.dialog(&id).await.body;
    let token = dialog["dialogToken"].as_str().expect("token").to_owned();
    assert!(dialog["guiActions"]
        .as_array()
        .expect("actions")
        .iter()
        .any(|a| a["httpMethod"] == "POST" && a["title"][0]["value"] == "Bekreft"));
    let base = path_of(&content_url(&dialog))
        .trim_end_matches("/content")
        .to_owned();
    let post = |suffix: &str| {
        let path = format!("{base}{suffix}");
        let token = token.clone();
        let a3 = &a3;
        async move {
            a3.send(Method::POST, "", &path, Some(&token), &[], None)
                .await
        }
    };

    let first = post("/confirm").await;
    assert_eq!(
        first.body["errorCode"], 1025,
        "not fetched yet: {} {}",
        first.status, first.text
    );
    assert_eq!(post("/markasread").await.body["errorCode"], 1024);
    let purge_first = a3
        .send(
            Method::DELETE,
            "",
            &format!("{base}/purge"),
            Some(&token),
            &[],
            None,
        )
        .await;
    assert_eq!(purge_first.body["errorCode"], 1026, "confirmation first");
    let overview = a3
        .send(Method::GET, "", &base, Some(&token), &[], None)
        .await;
    assert_eq!(overview.status, 200);
    assert_eq!(overview.body["status"], "Fetched");
    assert_eq!(post("/markasread").await.status, 200);
    assert_eq!(post("/markasread").await.body["errorCode"], 1040);
    assert_eq!(post("/confirm").await.status, 200);
    assert_eq!(post("/confirm").await.body["errorCode"], 1041);
    let after = a3.dialog(&id).await.body;
    assert_eq!(
        after["status"], "NotApplicable",
        "confirmed: nothing needs attention"
    );
    let token = after["dialogToken"].as_str().expect("token").to_owned();
    let purge = |t: String| {
        let path = format!("{base}/purge");
        let a3 = &a3;
        async move {
            a3.send(Method::DELETE, "", &path, Some(&t), &[], None)
                .await
        }
    };
    assert_eq!(purge(token.clone()).await.status, 200);
    let gone = a3.dialog(&id).await;
    assert_eq!(gone.status, 410);
    assert!(gone.text.contains("is removed"));

    // The content read sets Read and clears hasUnopenedContent.
    let unread = a3
        .walk(&format!(
            "party={}&isContentSeen=false&limit=1000",
            urlencode(ME)
        ))
        .await;
    let letter = unread
        .iter()
        .find(|i| {
            i["hasUnopenedContent"] == true && i["serviceResourceType"] == "correspondenceservice"
        })
        .expect("unopened");
    let lid = letter["id"].as_str().expect("id").to_owned();
    let dialog = a3.dialog(&lid).await.body;
    let token = dialog["dialogToken"].as_str().expect("token").to_owned();
    let body = a3
        .get_as("", &path_of(&content_url(&dialog)), Some(&token))
        .await;
    assert_eq!(body.status, 200);
    let again = a3.dialog(&lid).await.body;
    assert_eq!(again["hasUnopenedContent"], false);
    assert!(again["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .any(|a| a["type"] == "CorrespondenceOpened"));
}

#[tokio::test]
async fn the_checks_of_a_dialog_come_in_dialogportens_order() {
    let a3 = Altinn3::start(config(60)).await;
    let unknown = a3.dialog("019a0000-0000-7000-8000-000000000000").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.text.contains("Entity 'DialogEntity'"));
    // Ola may not see Kari's own inbox.
    let items = a3
        .walk(&format!("party={}&limit=1000", urlencode(ME)))
        .await;
    let kari_only = items[0]["id"].as_str().expect("id").to_owned();
    let ola = browser_token_for_ola(&a3.sim).await;
    let forbidden = a3
        .get_as(
            "/api/v1/enduser/dialogs/{dialogId}",
            &format!("/dialogporten/api/v1/enduser/dialogs/{kari_only}"),
            Some(&ola),
        )
        .await;
    assert_eq!(forbidden.status, 403);
    // …and asking for her party in a search finds nothing (silently dropped).
    let dropped = a3
        .send(
            Method::GET,
            "/api/v1/enduser/dialogs",
            &format!(
                "/dialogporten/api/v1/enduser/dialogs?party={}",
                urlencode(ME)
            ),
            Some(&ola),
            &[],
            None,
        )
        .await;
    assert_eq!(dropped.status, 200);
    assert_eq!(dropped.body["items"], json!([]));
    assert_eq!(dropped.body["hasNextPage"], false);

    // A letter that needs level 4: 403 at substantial, opened at high.
    let mut level4 = None;
    for item in &items {
        let id = item["id"].as_str().expect("id");
        let answer = a3.dialog(id).await;
        if answer.status == 403 {
            assert!(answer.text.contains("Altinn authentication level too low."));
            level4 = Some(id.to_owned());
            break;
        }
    }
    let level4 = level4.expect("a level-4 letter");
    let high = browser_token(&a3.sim, "idporten-loa-high").await;
    let opened = a3
        .get_as(
            "/api/v1/enduser/dialogs/{dialogId}",
            &format!("/dialogporten/api/v1/enduser/dialogs/{level4}"),
            Some(&high),
        )
        .await;
    assert_eq!(opened.status, 200);

    // No token, a token without the scope.
    let none = a3
        .get_as(
            "/api/v1/enduser/parties",
            "/dialogporten/api/v1/enduser/parties",
            None,
        )
        .await;
    assert_eq!(none.status, 401);
    assert!(none.text.is_empty(), "401 has no body");
    let altinn2_token = device_token(&a3.sim, "openid altinn:enduser").await;
    let wrong_scope = a3
        .get_as(
            "/api/v1/enduser/parties",
            "/dialogporten/api/v1/enduser/parties",
            Some(&altinn2_token),
        )
        .await;
    assert_eq!(wrong_scope.status, 403);
}

/// Ola Nordmann's token (he acts for himself and Nordmann Bygg AS).
async fn browser_token_for_ola(sim: &Simulator) -> String {
    let provider = provider(sim).await;
    let login = browser::start(provider, 0, SCOPES, oidc::DEFAULT_ACR)
        .await
        .expect("start");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let url = format!("{}&login_hint=ola", login.authorize_url);
    let response = http.get(&url).send().await.expect("authorize");
    let redirect = response.headers()[LOCATION]
        .to_str()
        .expect("ascii")
        .to_owned();
    let params = CallbackParams::parse(&redirect).expect("params");
    let (tokens, _) = login
        .finish(params, oidc::DEFAULT_ACR)
        .await
        .expect("finish");
    tokens.access_token.expose().to_owned()
}

#[tokio::test]
async fn bad_searches_are_refused_in_dialogportens_words() {
    let a3 = Altinn3::start(config(30)).await;
    let me = urlencode(ME);
    let many: Vec<String> = (0..101)
        .map(|i| {
            format!(
                "urn:altinn:organization:identifier-no:{:09}",
                900_000_000 + i
            )
        })
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    for (query, words) in [
        ("limit=10".to_owned(), "Either ServiceResource or Party"),
        (parties_query(&many), "Maximum 100"),
        (format!("party={me}&limit=0"), "between 1 and 1000"),
        (format!("party={me}&limit=1001"), "between 1 and 1000"),
        (format!("party={me}&search=sk"), "at least 3"),
        (
            format!(
                "party={me}&createdAfter=2026-02-01T00:00:00Z&createdBefore=2026-01-01T00:00:00Z"
            ),
            "less than or equal",
        ),
        (
            format!("party={me}&createdAfter=2026-02-01T00:00:00"),
            "explicit time zone",
        ),
        (
            "party=urn:altinn:person:identifier-no:123".to_owned(),
            "not a valid party",
        ),
        (format!("party={me}&searchLanguageCode=no"), "'nb'"),
        (format!("party={me}&status=Unread"), "DialogStatus"),
        (
            format!("party={me}&continuationToken=garbage"),
            "continuation token",
        ),
    ] {
        let answer = a3.search(&query).await;
        assert_eq!(answer.status, 400, "{query}: {}", answer.text);
        assert_eq!(
            answer.body["title"],
            "One or more validation errors occurred."
        );
        assert!(answer.text.contains(words), "{query}: {}", answer.text);
        assert!(answer.headers[CONTENT_TYPE]
            .to_str()
            .unwrap_or_default()
            .starts_with("application/problem+json"));
    }
    // Search over titles, senders and translations; org and isContentSeen filters.
    let found = a3.walk(&format!("party={me}&search=skattemelding")).await;
    assert!(!found.is_empty() && found.iter().all(|i| i["org"] == "skd"));
    let english = a3.walk(&format!("party={me}&search=tax%20return")).await;
    assert_eq!(
        ids(&english),
        ids(&found),
        "the English title is searched too"
    );
    let nav = a3.walk(&format!("party={me}&org=nav")).await;
    assert!(!nav.is_empty() && nav.iter().all(|i| i["org"] == "nav"));
    let unread = a3.walk(&format!("party={me}&isContentSeen=false")).await;
    assert!(unread.iter().all(|i| i["isContentSeen"] == false));
}

#[tokio::test]
async fn accept_language_prunes_every_localization_to_one() {
    let a3 = Altinn3::start(config(60)).await;
    let token = a3.token.clone();
    let path = format!(
        "/dialogporten/api/v1/enduser/dialogs?party={}&search=skattemelding",
        urlencode(ME)
    );
    let search = |language: &'static str| {
        let (path, token) = (path.clone(), token.clone());
        let a3 = &a3;
        async move {
            let headers = [(ACCEPT_LANGUAGE.as_str(), language)];
            a3.send(
                Method::GET,
                "/api/v1/enduser/dialogs",
                &path,
                Some(&token),
                &headers,
                None,
            )
            .await
        }
    };
    let title = |answer: &Answer| answer.body["items"][0]["content"]["title"]["value"].clone();
    let all = a3
        .search(&format!("party={}&search=skattemelding", urlencode(ME)))
        .await;
    assert_eq!(
        title(&all).as_array().map(Vec::len),
        Some(3),
        "nb, nn and en without the header"
    );
    let english = search("en-US,nb;q=0.5").await;
    assert_eq!(title(&english)[0]["languageCode"], "en");
    assert_eq!(title(&english).as_array().map(Vec::len), Some(1));
    let nynorsk = search("nn").await;
    assert_eq!(title(&nynorsk)[0]["languageCode"], "nn");
    let swedish = search("sv").await;
    assert_eq!(
        title(&swedish)[0]["languageCode"],
        "nb",
        "Swedish falls back to Bokmål first"
    );
    let german = search("de").await;
    assert_eq!(
        title(&german)[0]["languageCode"],
        "en",
        "others to English first"
    );
}

#[tokio::test]
async fn parties_transmissions_logs_lookup_limits_and_expired_dialogs() {
    let a3 = Altinn3::start(config(300)).await;
    let parties = a3
        .get(
            "/api/v1/enduser/parties",
            "/dialogporten/api/v1/enduser/parties",
        )
        .await
        .body;
    let list = parties["authorizedParties"].as_array().expect("list");
    assert!(
        list.iter().any(|p| p["isDeleted"] == true),
        "a deleted organisation"
    );
    assert!(list.iter().any(|p| p["hasOnlyAccessToSubParties"] == true
        && p["subParties"].as_array().is_some_and(|s| !s.is_empty())));
    let bygg = list
        .iter()
        .find(|p| p["party"] == BYGG)
        .expect("Nordmann Bygg");
    assert_eq!(
        bygg["subParties"][0]["party"], BERGEN,
        "the sub-unit under its parent"
    );
    assert!(list
        .iter()
        .any(|p| p["party"] == ME && p["isCurrentEndUser"] == true));

    let limits = a3
        .get_as(
            "/api/v1/metadata/limits",
            "/dialogporten/api/v1/metadata/limits",
            None,
        )
        .await;
    assert_eq!(limits.body["endUserSearch"]["maxPartyFilterValues"], 100);

    // The app dialog: transmissions as a thread, one the user may not read; Sent.
    let sent = a3
        .walk(&format!("party={}&systemLabel=Sent", urlencode(BYGG)))
        .await;
    let app = sent.first().expect("an app dialog the party sent to");
    assert_eq!(app["serviceResourceType"], "altinnapp");
    let id = app["id"].as_str().expect("id");
    let dialog = a3.dialog(id).await.body;
    let transmissions = dialog["transmissions"].as_array().expect("transmissions");
    assert_eq!(transmissions.len(), 3);
    let types: Vec<&str> = transmissions
        .iter()
        .filter_map(|t| t["type"].as_str())
        .collect();
    assert_eq!(types, ["Information", "Submission", "Decision"]);
    let secret = &transmissions[2];
    assert_eq!(secret["isAuthorized"], false);
    assert_eq!(
        secret["content"]["contentReference"]["value"][0]["value"],
        "urn:dialogporten:unauthorized"
    );
    assert_eq!(
        secret["attachments"][0]["urls"][0]["url"],
        "urn:dialogporten:unauthorized"
    );
    let list = a3
        .get(
            "/api/v1/enduser/dialogs/{dialogId}/transmissions",
            &format!("/dialogporten/api/v1/enduser/dialogs/{id}/transmissions"),
        )
        .await;
    assert_eq!(list.body.as_array().map(Vec::len), Some(3));
    let tid = transmissions[0]["id"].as_str().expect("tid");
    let one = a3
        .get(
            "/api/v1/enduser/dialogs/{dialogId}/transmissions/{transmissionId}",
            &format!("/dialogporten/api/v1/enduser/dialogs/{id}/transmissions/{tid}"),
        )
        .await;
    assert_eq!(one.body["id"], tid);
    let embed = path_of(
        transmissions[0]["content"]["contentReference"]["value"][0]["value"]
            .as_str()
            .expect("embed"),
    );
    let token = dialog["dialogToken"].as_str().expect("token");
    let body = a3
        .send(Method::GET, "", &embed, Some(token), &[], None)
        .await;
    assert!(body.text.starts_with("## Informasjon"), "{}", body.text);

    let activities = a3
        .get(
            "/api/v1/enduser/dialogs/{dialogId}/activities",
            &format!("/dialogporten/api/v1/enduser/dialogs/{id}/activities"),
        )
        .await;
    let first = activities.body[0]["id"]
        .as_str()
        .expect("activity")
        .to_owned();
    assert!(
        activities.body[0].get("performedBy").is_none(),
        "the list leaves the actor out"
    );
    let activity = a3
        .get(
            "/api/v1/enduser/dialogs/{dialogId}/activities/{activityId}",
            &format!("/dialogporten/api/v1/enduser/dialogs/{id}/activities/{first}"),
        )
        .await;
    assert!(activity.body.get("performedBy").is_some());
    let seen = a3
        .get(
            "/api/v1/enduser/dialogs/{dialogId}/seenlog",
            &format!("/dialogporten/api/v1/enduser/dialogs/{id}/seenlog"),
        )
        .await;
    let entry = &seen.body[0];
    assert_eq!(entry["isCurrentEndUser"], true);
    assert!(
        entry["seenBy"]["actorId"]
            .as_str()
            .unwrap_or_default()
            .starts_with("urn:altinn:person:identifier-ephemeral:"),
        "masked"
    );
    let sid = entry["id"].as_str().expect("sid");
    let one = a3
        .get(
            "/api/v1/enduser/dialogs/{dialogId}/seenlog/{seenLogId}",
            &format!("/dialogporten/api/v1/enduser/dialogs/{id}/seenlog/{sid}"),
        )
        .await;
    assert_eq!(one.status, 200);
    // Opening again writes no second entry.
    a3.dialog(id).await;
    let again = a3
        .get(
            "/api/v1/enduser/dialogs/{dialogId}/seenlog",
            &format!("/dialogporten/api/v1/enduser/dialogs/{id}/seenlog"),
        )
        .await;
    assert_eq!(again.body.as_array().map(Vec::len), Some(1));

    // The lookup from a correspondence id.
    let letters = a3
        .walk(&format!(
            "party={}&serviceResource=urn%3Aaltinn%3Aresource%3Askd-melding-4503",
            urlencode(ME)
        ))
        .await;
    let letter = a3.dialog(letters[0]["id"].as_str().expect("id")).await.body;
    let cid = content_url(&letter)
        .split('/')
        .rev()
        .nth(1)
        .expect("cid")
        .to_owned();
    let lookup = a3.get("/api/v1/enduser/dialoglookup", &format!("/dialogporten/api/v1/enduser/dialoglookup?instanceRef=urn:altinn:correspondence-id:{cid}")).await;
    assert_eq!(lookup.status, 200, "{}", lookup.text);
    assert_eq!(lookup.body["dialogId"], letter["id"]);

    // API-only dialogs are left out on request; an expired attachment is masked; an expired
    // dialog is gone from searches and answers 404 "Dialog expired at …".
    let org_all = a3.walk(&format!("party={}", urlencode(BYGG))).await;
    let org_gui = a3
        .walk(&format!("party={}&excludeApiOnly=true", urlencode(BYGG)))
        .await;
    assert_eq!(org_all.len(), org_gui.len() + 1);
    let api_only = org_all
        .iter()
        .find(|i| i["isApiOnly"] == true)
        .expect("api-only");
    assert!(
        api_only.get("content").is_none(),
        "an API-only dialog has no content"
    );
    let mut masked = false;
    for item in org_all
        .iter()
        .filter(|i| i["guiAttachmentCount"].as_u64().unwrap_or(0) > 0)
        .take(5)
    {
        let d = a3.dialog(item["id"].as_str().expect("id")).await.body;
        masked |= d["attachments"].as_array().is_some_and(|a| {
            a.iter()
                .any(|x| x["urls"][0]["url"] == "urn:dialogporten:expired")
        });
    }
    assert!(masked, "an expired attachment link");
    let expired_id = expired_dialog(&a3.sim);
    let expired = a3.dialog(&expired_id).await;
    assert_eq!(expired.status, 404);
    assert!(
        expired.text.contains("Dialog expired at"),
        "{}",
        expired.text
    );
    let everything = a3
        .walk(&format!("party={}&limit=1000", urlencode(ME)))
        .await;
    assert!(!ids(&everything).contains(&expired_id));
}

/// The id of the dialog the seed made expire already.
fn expired_dialog(sim: &Simulator) -> String {
    sim.altinn3_dialogs()
        .into_iter()
        .find(|(_, expired)| *expired)
        .map(|(id, _)| id)
        .expect("an expired dialog")
}

#[tokio::test]
async fn faults_reach_the_altinn3_routes_too() {
    let a3 = Altinn3::start(config(30)).await;
    a3.sim.set_faults("too-broad=1".parse().expect("spec"));
    let broad = a3
        .search(&format!("party={}&search=melding", urlencode(ME)))
        .await;
    assert_eq!(broad.status, 422);
    assert!(broad.text.contains("contentUpdatedAfter"));
    a3.sim.set_faults("conflict=1".parse().expect("spec"));
    let item = a3
        .search(&format!("party={}&limit=1", urlencode(ME)))
        .await
        .body["items"][0]
        .clone();
    let revision = item["endUserContext"]["revision"]
        .as_str()
        .expect("revision");
    let id = item["id"].as_str().expect("id");
    assert_eq!(
        a3.put_labels(id, &["Archive"], &[], Some(revision))
            .await
            .status,
        412,
        "changed elsewhere"
    );
    a3.sim.set_faults("gone=1".parse().expect("spec"));
    assert_eq!(a3.dialog(id).await.status, 410);
    a3.sim.set_faults("maintenance=1".parse().expect("spec"));
    let down = a3.dialog(id).await;
    assert_eq!(down.status, 503);
    assert_eq!(down.headers[CONTENT_TYPE], "text/plain");
    a3.sim.set_faults("5xx=1".parse().expect("spec"));
    assert!(matches!(a3.dialog(id).await.status, 500 | 502 | 503));
    a3.sim.set_faults(Default::default());
    let stats = a3.sim.stats();
    assert!(
        stats
            .requests
            .keys()
            .any(|k| k.starts_with("GET /api/v1/enduser/dialogs/{id} ")),
        "{:?}",
        stats.requests.keys().collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn an_accountant_with_many_clients_searches_them_in_chunks_of_a_hundred() {
    let a3 = Altinn3::start(SimConfig {
        parties: 250,
        ..config(500)
    })
    .await;
    let parties = a3
        .get(
            "/api/v1/enduser/parties",
            "/dialogporten/api/v1/enduser/parties",
        )
        .await
        .body;
    let all: Vec<String> = parties["authorizedParties"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|p| p["isDeleted"] == false && p["hasOnlyAccessToSubParties"] == false)
        .map(|p| p["party"].as_str().expect("party").to_owned())
        .collect();
    assert!(all.len() >= 252, "{}", all.len());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    assert_eq!(
        a3.search(&parties_query(&refs[..101])).await.status,
        400,
        "over 100 parties"
    );
    let mut found = 0;
    for chunk in refs.chunks(100) {
        found += a3
            .walk(&format!("{}&limit=1000", parties_query(chunk)))
            .await
            .len();
    }
    assert!(found >= 500 + 250 + 100, "every client's letters: {found}");
}

#[test]
fn the_checker_refuses_unknown_fields_wrong_types_and_wrong_enum_values() {
    let spec = openapi::Spec::dialogporten();
    let good =
        json!({"items": [], "hasNextPage": false, "orderBy": "contentupdatedat_desc,id_desc"});
    assert!(spec
        .check("GET", "/api/v1/enduser/dialogs", 200, &good)
        .is_ok());
    let mut unknown = good.clone();
    unknown["extra"] = json!(1);
    let mut wrong_type = good.clone();
    wrong_type["hasNextPage"] = json!("no");
    let wrong_enum = json!({"id": "0199ffff-0000-7000-8000-000000000000", "revision": "0199ffff-0000-4000-8000-000000000000",
        "status": "Unread", "content": {"title": {"value": [], "mediaType": "text/plain"}}});
    for (bad, words) in [
        (unknown, "not in the schema"),
        (wrong_type, "not a boolean"),
    ] {
        let errors = spec
            .check("GET", "/api/v1/enduser/dialogs", 200, &bad)
            .expect_err("refused");
        assert!(errors.iter().any(|e| e.contains(words)), "{errors:?}");
    }
    let errors = spec
        .check(
            "GET",
            "/api/v1/enduser/dialogs/{dialogId}",
            200,
            &wrong_enum,
        )
        .expect_err("refused");
    assert!(errors.iter().any(|e| e.contains("status")), "{errors:?}");
}

/// The three kinds of dialog production has, as their makers make them, each checked
/// against the OpenAPI document: a letter (display names and no file names, `apiActions` by
/// name, POST and DELETE GUI actions), a form (no main content, a submission whose receipt
/// takes the dialog token only, files by data type id), a draft, another service owner's
/// dialog (its own host, GET only), and `excludeApiOnly`.
#[tokio::test]
async fn every_kind_of_dialog_is_shaped_as_its_maker_makes_it() {
    let a3 = Altinn3::start(config(300)).await;
    let mut items = a3
        .walk(&format!("party={}&limit=1000", urlencode(ME)))
        .await;
    items.extend(
        a3.walk(&format!("party={}&limit=1000", urlencode(BYGG)))
            .await,
    );
    let of = |kind: &str| {
        items
            .iter()
            .filter(|i| i["serviceResourceType"] == kind)
            .collect::<Vec<_>>()
    };

    // A letter.
    let letter = of("correspondenceservice")
        .into_iter()
        .find(|i| i["guiAttachmentCount"].as_u64().unwrap_or(0) > 0)
        .expect("a letter with an attachment");
    let dialog = a3.dialog(letter["id"].as_str().expect("id")).await.body;
    let attachment = &dialog["attachments"][0];
    assert!(attachment.get("name").is_none(), "{attachment}");
    assert_eq!(attachment["urls"][0]["consumerType"], "Gui");
    let names: Vec<&str> = dialog["apiActions"]
        .as_array()
        .expect("apiActions")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert!(
        names.contains(&"getCorrespondence") && names.contains(&"purgeCorrespondence"),
        "{names:?}"
    );
    assert!(dialog["guiActions"]
        .as_array()
        .expect("guiActions")
        .iter()
        .all(|a| a.get("prompt").is_none()));

    // A sent form and its receipt.
    let form = of("altinnapp")
        .into_iter()
        .find(|i| i["status"] == "Completed")
        .expect("a sent form");
    let dialog = a3.dialog(form["id"].as_str().expect("id")).await.body;
    assert!(dialog["content"].get("mainContentReference").is_none());
    assert!(dialog["content"].get("senderName").is_none());
    let submission = dialog["transmissions"]
        .as_array()
        .expect("transmissions")
        .iter()
        .find(|t| t["type"] == "Submission")
        .expect("a submission");
    let receipt = path_of(
        submission["content"]["contentReference"]["value"][0]["value"]
            .as_str()
            .expect("a content reference"),
    );
    assert!(
        receipt.starts_with("/storage/dialogporten/api/v1/receipt/"),
        "{receipt}"
    );
    let token = dialog["dialogToken"].as_str().expect("token").to_owned();
    let answer = a3
        .send(Method::GET, "", &receipt, Some(&token), &[], None)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(answer.text.contains("Referansenummer"), "{}", answer.text);
    let plain = a3.token.clone();
    let refused = a3
        .send(Method::GET, "", &receipt, Some(&plain), &[], None)
        .await;
    assert_eq!(
        refused.status, 401,
        "the receipt takes the dialog token only"
    );
    let files = submission["attachments"].as_array().expect("files");
    assert!(files.iter().any(|f| f["name"] == "ref-data-as-pdf"));
    assert!(files
        .iter()
        .all(|f| f["urls"][0]["mediaType"].as_str().is_some()));
    assert!(dialog["endUserContext"]["systemLabels"]
        .as_array()
        .expect("labels")
        .iter()
        .any(|l| l == "Sent"));

    // A draft.
    assert!(
        of("altinnapp").iter().any(|i| i["status"] == "Draft"),
        "a draft among the forms"
    );

    // Another service owner's dialog.
    let other = of("genericaccessresource")
        .into_iter()
        .next()
        .expect("another service owner's dialog");
    let dialog = a3.dialog(other["id"].as_str().expect("id")).await.body;
    let content = content_url(&dialog);
    assert!(
        content.contains("/serviceprovider/") && content.contains('?'),
        "{content}"
    );
    assert!(dialog["apiActions"].as_array().is_none_or(Vec::is_empty));
    assert!(dialog["guiActions"]
        .as_array()
        .expect("guiActions")
        .iter()
        .all(|a| a["httpMethod"] == "GET"));

    // API-only dialogs stay out when asked to.
    let all_org = a3
        .walk(&format!("party={}&limit=1000", urlencode(BYGG)))
        .await;
    let without = a3
        .walk(&format!(
            "party={}&limit=1000&excludeApiOnly=true",
            urlencode(BYGG)
        ))
        .await;
    assert!(all_org.iter().any(|i| i["isApiOnly"] == true));
    assert!(without.iter().all(|i| i["isApiOnly"] == false));
    assert_eq!(all_org.len(), without.len() + 1);
}
