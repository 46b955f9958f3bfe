//! The simulator's Altinn 3 faces over real HTTP: Dialogporten's end-user API and
//! Correspondence's recipient API, every Dialogporten answer checked against Digdir's own
//! OpenAPI document (`tests/altinn3/`), and the Altinn 2 face agreeing with what was done
//! through them.

#[path = "../common/mod.rs"]
mod common;
#[path = "../altinn3/openapi.rs"]
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

/// The id of the dialog the seed made expire already.
fn expired_dialog(sim: &Simulator) -> String {
    sim.altinn3_dialogs()
        .into_iter()
        .find(|(_, expired)| *expired)
        .map(|(id, _)| id)
        .expect("an expired dialog")
}

mod agenda;
mod correspondence;
mod deliver;
mod dialogs;
mod refusals;
mod shapes;
