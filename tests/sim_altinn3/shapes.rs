//! The shapes of what is answered: languages, parties, transmissions, limits, the three makers' dialogs, many clients.

use super::*;

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
