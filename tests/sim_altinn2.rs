//! The simulator speaks Altinn 2 REST as `altinn-api.md` describes it, checked over raw HTTP.

mod common;

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::Value;

struct Raw {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Raw {
    async fn new(sim: &innboks::sim::Simulator) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let response = http
            .post(format!(
                "{}/api/authentication/authenticatewithpassword",
                sim.base_url()
            ))
            .header("ApiKey", sim.api_key())
            .header(CONTENT_TYPE, "application/hal+json")
            .body(r#"{"UserName":"demo","UserPassword":"demo"}"#)
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), StatusCode::OK);
        let set_cookie = response.headers()[SET_COOKIE]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(set_cookie.starts_with(".ASPXAUTH="));
        assert!(set_cookie.contains("HttpOnly"));
        let cookie = set_cookie.split(';').next().expect("pair").to_owned();
        Self {
            http,
            base: sim.base_url(),
            cookie,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header("ApiKey", "demo-api-key")
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .expect("request")
    }

    async fn json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(content_type.starts_with("application/hal+json"));
        response.json().await.expect("json")
    }
}

fn messages(doc: &Value) -> &Vec<Value> {
    doc["_embedded"]["messages"]
        .as_array()
        .expect("messages array")
}

fn reason(response: &reqwest::Response) -> String {
    response
        .extensions()
        .get::<hyper::ext::ReasonPhrase>()
        .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn list_document_has_the_documented_shape() {
    let sim = common::start(120).await;
    let raw = Raw::new(&sim).await;
    let doc = raw.json("/api/my/messages").await;
    assert!(doc["_links"]["self"]["href"].as_str().is_some());
    assert_eq!(doc["_links"]["find"]["isTemplated"], Value::Bool(true));
    assert!(
        doc["_links"].get("next").is_none(),
        "no next link, as in Altinn"
    );
    let items = messages(&doc);
    assert_eq!(items.len(), 50);
    let first = &items[0];
    assert!(first["MessageId"]
        .as_str()
        .expect("id")
        .starts_with(['a', 'b']));
    assert!(first["ServiceCode"].is_string(), "ServiceCode is a string");
    assert!(
        first["ServiceEdition"].is_i64(),
        "ServiceEdition is an integer"
    );
    assert!(first.get("Body").is_none(), "list items carry no body");
    let date = first["LastChangedDateTime"].as_str().expect("date");
    assert!(
        !date.contains('+') && !date.ends_with('Z'),
        "local time without offset"
    );
    let capped = raw.json("/api/my/messages?$top=500&$skip=100").await;
    assert_eq!(
        messages(&capped).len(),
        20,
        "$top is capped at 50 and $skip works"
    );
}

#[tokio::test]
async fn paths_match_case_insensitively() {
    let sim = common::start(20).await;
    let raw = Raw::new(&sim).await;
    let upper = raw.json("/api/my/Messages?$top=5").await;
    let lower = raw.json("/api/my/messages?$top=5").await;
    assert_eq!(messages(&upper), messages(&lower));
    let reportee = raw.json("/api/R50020002/Messages?$top=1").await;
    assert_eq!(messages(&reportee).len(), 1);
}

#[tokio::test]
async fn filter_subset_and_language() {
    let sim = common::start(200).await;
    let raw = Raw::new(&sim).await;
    let unread = raw
        .json("/api/my/messages?$filter=Status%20eq%20'Ulest'")
        .await;
    assert!(!messages(&unread).is_empty());
    assert!(messages(&unread).iter().all(|m| m["Status"] == "Ulest"));
    let english = raw
        .json("/api/my/messages?language=1033&$filter=Status%20eq%20'Unread'")
        .await;
    assert_eq!(messages(&english).len(), messages(&unread).len());
    assert!(messages(&english).iter().all(|m| m["Status"] == "Unread"));
    let search = raw
        .json("/api/my/messages?$filter=substringof('skatt',tolower(Subject))%20and%20LastChangedDateTime%20gt%20DateTime'2025-01-01T00:00:00'")
        .await;
    assert!(messages(&search).iter().all(|m| m["Subject"]
        .as_str()
        .expect("subject")
        .to_lowercase()
        .contains("skatt")));
    let response = raw.get("/api/my/messages?$filter=Sender%20eq%20'x'").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(reason(&response), "Unknown field 'Sender' in $filter");
    let ranged = raw
        .json("/api/my/messages?dateFrom=2026-11-01&dateTo=2026-11-20")
        .await;
    assert!(messages(&ranged)
        .iter()
        .all(|m| m["LastChangedDateTime"].as_str().expect("date") >= "2026-11-01"));
}

#[tokio::test]
async fn no_cookie_is_a_redirect_and_no_api_key_a_400() {
    let sim = common::start(20).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = http
        .get(format!("{}/api/my/messages", sim.base_url()))
        .header("ApiKey", "demo-api-key")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::FOUND);
    assert!(response.headers().contains_key(LOCATION));
    let response = http
        .get(format!("{}/api/my/messages", sim.base_url()))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(reason(&response), "Required header 'ApiKey' is missing.");
    let stats: Value = http
        .get(format!("{}/__sim/stats", sim.base_url()))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert_eq!(stats["requests"]["GET unauthenticated 302"], 1);
    assert_eq!(stats["requests"]["GET apikey 400"], 1);
}

#[tokio::test]
async fn attachment_download_headers() {
    let sim = common::start(60).await;
    let raw = Raw::new(&sim).await;
    let list = raw.json("/api/my/messages").await;
    for item in messages(&list) {
        let id = item["MessageId"].as_str().expect("id");
        let response = raw
            .get(&format!("/api/my/messages/{id}?markAsRead=false"))
            .await;
        if response.status() != StatusCode::OK {
            continue;
        }
        let detail: Value = response.json().await.expect("json");
        let Some(link) = detail["_links"]["attachment"]
            .as_array()
            .and_then(|a| a.first())
        else {
            continue;
        };
        let href = link["href"].as_str().expect("href");
        let path = href.trim_start_matches(&raw.base);
        let file = raw.get(path).await;
        assert_eq!(file.status(), StatusCode::OK);
        let disposition = file.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(disposition.starts_with("attachment; filename=\""));
        let content_type = file.headers()[CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .to_owned();
        let bytes = file.bytes().await.expect("bytes");
        assert_eq!(bytes.len() as u64, link["filesize"].as_u64().expect("size"));
        if content_type == "application/pdf" {
            assert!(bytes.starts_with(b"%PDF-"));
        }
        let list = raw
            .json(&format!("/api/my/messages/{id}/attachments"))
            .await;
        assert_eq!(
            list["_embedded"]["attachments"][0]["AttachmentLink"],
            link["href"]
        );
        return;
    }
    panic!("no message with an attachment found");
}
