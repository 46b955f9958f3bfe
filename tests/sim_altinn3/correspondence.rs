//! Correspondence's recipient API, and Dialogporten following what it does.

use super::*;

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
