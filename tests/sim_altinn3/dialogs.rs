//! Dialogporten's dialogs: a whole session, paging by continuation token, labels, the dialog token.

use super::*;

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
