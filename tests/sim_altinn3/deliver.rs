//! `POST /__sim/deliver`: a letter delivered now shows at once in Dialogporten's search
//! (first, and to `updatedAfter`) and in Altinn 2's message list; unknown parties and bad
//! bodies are refused.

use super::*;

/// Posts `body` to `/__sim/deliver`: (status, JSON answer).
async fn deliver(a3: &Altinn3, body: Value) -> (u16, Value) {
    let response = a3
        .http
        .post(a3.url("/__sim/deliver"))
        .json(&body)
        .send()
        .await
        .expect("answer");
    let status = response.status().as_u16();
    let json = response.json().await.expect("a JSON answer");
    (status, json)
}

/// The newest dialog of `party` changed after `after` (RFC 3339), if any.
async fn newest(a3: &Altinn3, party: &str, after: Option<&str>) -> Vec<Value> {
    let mut query = format!("party={}&limit=5", urlencode(party));
    if let Some(after) = after {
        query.push_str(&format!("&updatedAfter={}", urlencode(after)));
    }
    let page = a3.search(&query).await;
    assert_eq!(page.status, 200, "{}", page.text);
    page.body["items"].as_array().cloned().unwrap_or_default()
}

fn title(item: &Value) -> &str {
    item["content"]["title"]["value"][0]["value"]
        .as_str()
        .expect("title")
}

/// The subjects and ids of the first page of `who`'s Altinn 2 inbox.
async fn altinn2_inbox(a3: &Altinn3, who: &str) -> Vec<(String, String, bool)> {
    let client = common::client(&a3.sim);
    let session = common::login(&client).await;
    let page = client
        .folder_page(
            &session,
            who,
            innboks::domain::Folder::Inbox,
            &Default::default(),
            0,
        )
        .await
        .expect("inbox");
    page.messages
        .iter()
        .map(|m| (m.id.to_string(), m.subject.to_string(), m.is_unread()))
        .collect()
}

#[tokio::test]
async fn a_delivered_letter_shows_at_once_in_both_faces() {
    let a3 = Altinn3::start(config(60)).await;
    let before = (chrono::Utc::now() - chrono::Duration::seconds(2))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    assert!(newest(&a3, ME, Some(&before)).await.is_empty());

    let (status, answer) = deliver(
        &a3,
        json!({"party": ME, "title": "Ny melding fra simulatoren", "requires_attention": true}),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let id = answer["id"].as_str().expect("id").to_owned();
    let altinn2_id = answer["altinn2_id"]
        .as_str()
        .expect("altinn2_id")
        .to_owned();
    assert!(altinn2_id.starts_with('a'));

    let items = newest(&a3, ME, None).await;
    assert_eq!(ids(&items).first(), Some(&id), "newest first");
    assert_eq!(title(&items[0]), "Ny melding fra simulatoren");
    assert_eq!(items[0]["status"], "RequiresAttention");
    assert_eq!(items[0]["isContentSeen"], false);
    assert_eq!(ids(&newest(&a3, ME, Some(&before)).await), vec![id.clone()]);

    let inbox = altinn2_inbox(&a3, "my").await;
    assert_eq!(
        inbox.first(),
        Some(&(altinn2_id, "Ny melding fra simulatoren".to_owned(), true)),
        "on top of Altinn 2's list, unread"
    );
    assert_eq!(a3.dialog(&id).await.status, 200, "it opens");
}

#[tokio::test]
async fn an_organisation_gets_a_letter_by_number_with_its_sender_and_due_date() {
    let a3 = Altinn3::start(config(60)).await;
    let (status, answer) = deliver(
        &a3,
        json!({"party": "912345678", "title": "Varsel om tilsyn", "sender": "Arbeidstilsynet",
               "due": "2027-01-15T12:00:00+01:00"}),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let id = answer["id"].as_str().expect("id").to_owned();
    let items = newest(&a3, BYGG, None).await;
    assert_eq!(ids(&items).first(), Some(&id));
    assert_eq!(items[0]["org"], "at");
    assert_eq!(items[0]["dueAt"], "2027-01-15T11:00:00.0000000Z");
    assert!(
        !ids(&newest(&a3, ME, None).await).contains(&id),
        "not in the person's inbox"
    );
    let inbox = altinn2_inbox(&a3, "r50020002").await;
    assert_eq!(
        inbox.first().map(|m| m.1.as_str()),
        Some("Varsel om tilsyn")
    );

    // By reportee id and by URN too, each with an id of its own, hostile text as given.
    let hostile = "Tre\u{1b}]0;pwned\u{7}\u{202e}";
    let (_, second) = deliver(&a3, json!({"party": "R50020002", "title": "To"})).await;
    let (_, third) = deliver(&a3, json!({"party": BYGG, "title": hostile})).await;
    let items = newest(&a3, BYGG, None).await;
    let expected: Vec<Value> = vec![third["id"].clone(), second["id"].clone(), json!(id)];
    let found: Vec<Value> = items.iter().take(3).map(|i| i["id"].clone()).collect();
    assert_eq!(found, expected, "newest first");
    assert_eq!(title(&items[0]), hostile, "stored as given");
    assert_ne!(second["altinn2_id"], third["altinn2_id"]);
}

#[tokio::test]
async fn unknown_parties_and_bad_bodies_are_refused() {
    let a3 = Altinn3::start(config(20)).await;
    let (status, answer) = deliver(&a3, json!({"party": "999999999", "title": "x"})).await;
    assert_eq!(status, 404);
    assert!(answer["error"].is_string());
    for body in [
        json!({"title": "no party"}),
        json!({"party": ME}),
        json!({"party": ME, "title": ""}),
        json!({"party": ME, "title": "x", "due": "tomorrow"}),
        json!({"party": ME, "title": "x", "colour": "red"}),
        json!([1, 2]),
    ] {
        let (status, answer) = deliver(&a3, body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer["error"].is_string());
    }
    let response = a3
        .http
        .post(a3.url("/__sim/deliver"))
        .body("{not json")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 400);
}
