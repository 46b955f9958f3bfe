//! What Dialogporten refuses, and in which order and words it says so; faults on its routes.

use super::*;

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
