//! The Altinn client against the simulator over real HTTP on loopback.

mod common;

use innboks::domain::ApiError;
use innboks::domain::{MessageKind, MessageStatus, PartyKind};
use innboks::secret::Secret;
use innboks::sim::data::{World, WorldOptions};

#[tokio::test]
async fn login_then_page_to_the_end() {
    let sim = common::start(120).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    let mut all = Vec::new();
    let mut skip = 0;
    loop {
        let page = client
            .messages_page(&session, "my", skip)
            .await
            .expect("page");
        assert!(page.messages.len() <= 50);
        skip += page.messages.len();
        all.extend(page.messages);
        if !page.has_more {
            break;
        }
    }
    assert_eq!(all.len(), 120, "three pages: 50 + 50 + 20");
    let mut ids: Vec<_> = all.iter().map(|m| m.id.to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 120, "no duplicates across pages");
    assert!(
        all.windows(2)
            .all(|w| w[0].last_changed >= w[1].last_changed),
        "newest first"
    );
    assert!(all
        .iter()
        .all(|m| !m.service_owner.is_empty() && !m.subject.is_empty()));
    let stats = sim.stats();
    assert_eq!(stats.logins_ok, 1);
    assert_eq!(stats.requests.get("GET /api/{who}/messages 200"), Some(&3));
}

#[tokio::test]
async fn exact_multiple_of_fifty_ends_with_an_empty_page() {
    let sim = common::start(100).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    let second = client
        .messages_page(&session, "my", 50)
        .await
        .expect("page");
    assert_eq!(second.messages.len(), 50);
    assert!(second.has_more, "a full page may have more behind it");
    let third = client
        .messages_page(&session, "my", 100)
        .await
        .expect("page");
    assert!(third.messages.is_empty());
    assert!(!third.has_more);
}

#[tokio::test]
async fn preview_does_not_mark_read_but_open_does() {
    let sim = common::start(60).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    let page = client.messages_page(&session, "my", 0).await.expect("page");
    let mut checked = false;
    for summary in page
        .messages
        .iter()
        .filter(|m| m.status == MessageStatus::Unread && m.kind == MessageKind::Correspondence)
    {
        let preview = match client.message(&session, "my", &summary.id, false).await {
            Ok(message) => message,
            Err(ApiError::NeedsIdPorten { .. }) => continue,
            Err(other) => panic!("unexpected error {other}"),
        };
        assert_eq!(preview.summary.status, MessageStatus::Unread);
        assert!(!preview.body.is_empty(), "detail has a body");
        assert!(!preview.body.contains('<'), "HTML was turned into text");
        let still = client.messages_page(&session, "my", 0).await.expect("page");
        let row = still
            .messages
            .iter()
            .find(|m| m.id == summary.id)
            .expect("still listed");
        assert_eq!(
            row.status,
            MessageStatus::Unread,
            "preview leaves it unread"
        );
        let opened = client
            .message(&session, "my", &summary.id, true)
            .await
            .expect("open");
        assert_eq!(
            opened.summary.status,
            MessageStatus::Unread,
            "response shows the status from before"
        );
        let after = client.messages_page(&session, "my", 0).await.expect("page");
        let row = after
            .messages
            .iter()
            .find(|m| m.id == summary.id)
            .expect("still listed");
        assert_eq!(
            row.status,
            MessageStatus::Read,
            "an explicit open marks it read"
        );
        checked = true;
        break;
    }
    assert!(
        checked,
        "the mailbox has an unread correspondence at level 1"
    );
}

#[tokio::test]
async fn attachment_bytes_are_the_servers() {
    let sim = common::start(80).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    let world = World::generate(&WorldOptions {
        seed: 42,
        messages: 80,
        parties: 0,
        anchor: common::anchor(),
    });
    let expected = world.mailboxes[0]
        .iter()
        .find(|m| m.required_level == 1 && !m.attachments.is_empty())
        .expect("a message with an attachment");
    let message = client
        .message(&session, "my", &expected.id, false)
        .await
        .expect("detail");
    assert_eq!(message.attachments.len(), expected.attachments.len());
    let attachment = &message.attachments[0];
    assert_eq!(attachment.file_name, expected.attachments[0].file_name);
    let mut bytes = Vec::new();
    let mut progress_calls = 0;
    let size = client
        .download_attachment(&session, &attachment.url, &mut bytes, |_| {
            progress_calls += 1
        })
        .await
        .expect("download");
    let server_bytes = expected.attachments[0].bytes();
    assert_eq!(bytes, server_bytes);
    assert_eq!(size, server_bytes.len() as u64);
    assert_eq!(attachment.size, Some(size));
    assert!(progress_calls >= 1);
    if attachment.file_name.ends_with(".pdf") {
        assert!(bytes.starts_with(b"%PDF-"));
    }
}

#[tokio::test]
async fn reportees_and_their_inboxes() {
    let sim = common::start(50).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    let parties = client.reportees(&session).await.expect("reportees");
    assert_eq!(parties.len(), 3);
    assert_eq!(parties[0].kind, PartyKind::Person);
    assert_eq!(parties[1].kind, PartyKind::Organisation);
    assert_eq!(parties[1].organisation_number.as_deref(), Some("912345678"));
    assert_eq!(parties[2].kind, PartyKind::SubUnit);
    let by_id = client
        .messages_page(&session, &parties[1].id, 0)
        .await
        .expect("org inbox");
    let by_number = client
        .messages_page(&session, "912345678", 0)
        .await
        .expect("org inbox by number");
    assert_eq!(by_id.messages, by_number.messages);
    assert!(!by_id.messages.is_empty());
    let mine = client
        .messages_page(&session, "my", 0)
        .await
        .expect("own inbox");
    assert_ne!(
        mine.messages[0].id, by_id.messages[0].id,
        "each reportee has its own mailbox"
    );
    let profile = client.profile(&session).await.expect("profile");
    assert_eq!(profile.name, "Kari Nordmann");
    let denied = client
        .messages_page(&session, "r50010004", 0)
        .await
        .expect_err("not Kari's");
    assert!(matches!(denied, ApiError::Server { status: 403, .. }));
}

#[tokio::test]
async fn api_key_missing_or_wrong_is_explained() {
    let sim = common::start(20).await;
    let good = common::client(&sim);
    let session = common::login(&good).await;
    let missing = common::client_with_key(&sim, "");
    let error = missing
        .messages_page(&session, "my", 0)
        .await
        .expect_err("no key");
    assert_eq!(
        error,
        ApiError::Server {
            status: 400,
            reason: "Required header 'ApiKey' is missing.".into()
        }
    );
    let login_error = missing
        .login_with_password("demo", &Secret::new("demo"))
        .await
        .expect_err("no key, no login");
    assert!(login_error
        .to_string()
        .contains("Required header 'ApiKey' is missing."));
    let wrong = common::client_with_key(&sim, "not-the-key");
    let error = wrong
        .messages_page(&session, "my", 0)
        .await
        .expect_err("wrong key");
    assert_eq!(
        error,
        ApiError::Server {
            status: 403,
            reason: "The API key is not authorized for this operation".into()
        }
    );
}

#[tokio::test]
async fn bad_password_is_rejected_with_the_reason_phrase() {
    let sim = common::start(20).await;
    let client = common::client(&sim);
    let error = client
        .login_with_password("demo", &Secret::new("wrong"))
        .await
        .expect_err("wrong password");
    assert!(
        matches!(&error, innboks::backend::altinn2::PasswordLoginError::Rejected(reason) if reason == "Authentication failed")
    );
    assert_eq!(sim.stats().logins_failed, 1);
    let other = client
        .login_with_password("ola", &Secret::new("ola"))
        .await
        .expect("the second user logs in");
    let parties = client.reportees(&other).await.expect("reportees");
    assert_eq!(parties[0].name, "OLA NORDMANN");
}

#[tokio::test]
async fn server_errors_and_malformed_json_are_errors_not_panics() {
    let sim = common::start(20).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    // One failure on the way is retried without a word.
    sim.faults().fail_next(2, 503);
    let page = client
        .messages_page(&session, "my", 0)
        .await
        .expect("retried past two 503s");
    assert_eq!(page.messages.len(), 20);
    // A failure that persists is an error after 1 + 3 tries, not a storm.
    let before: u64 = sim.stats().requests.values().sum();
    sim.faults().fail_next(10, 503);
    let error = client
        .messages_page(&session, "my", 0)
        .await
        .expect_err("503");
    let after: u64 = sim.stats().requests.values().sum();
    assert_eq!(after - before, 4, "four tries, then the error");
    sim.faults().fail_next(0, 503);
    assert_eq!(
        error,
        ApiError::Server {
            status: 503,
            reason: "Simulated failure".into()
        }
    );
    assert!(
        client.messages_page(&session, "my", 0).await.is_ok(),
        "recovers after the fault"
    );
    sim.faults().malformed_next(1);
    let error = client
        .messages_page(&session, "my", 0)
        .await
        .expect_err("malformed");
    assert!(matches!(error, ApiError::Malformed { .. }));
}

#[tokio::test]
async fn expired_cookie_means_session_expired() {
    let sim = common::start(20).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    sim.expire_sessions();
    let error = client
        .messages_page(&session, "my", 0)
        .await
        .expect_err("expired");
    assert_eq!(error, ApiError::SessionExpired);
}

#[tokio::test]
async fn password_session_cannot_open_level_three_messages() {
    let sim = common::start(200).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    let world = World::generate(&WorldOptions {
        seed: 42,
        messages: 200,
        parties: 0,
        anchor: common::anchor(),
    });
    let secret = world.mailboxes[0]
        .iter()
        .find(|m| m.required_level > 1)
        .expect("a level 3 message");
    let error = client
        .message(&session, "my", &secret.id, false)
        .await
        .expect_err("level 3");
    assert!(matches!(error, ApiError::NeedsIdPorten { .. }));
    assert!(error.to_string().contains("ID-porten"));
}

#[tokio::test]
async fn unreachable_server_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let client = innboks::backend::altinn2::Client::new(
        url::Url::parse(&format!("http://{addr}")).expect("url"),
        Secret::new("k"),
    )
    .expect("client");
    let session = innboks::auth::Session::Cookie {
        aspxauth: Secret::new("x"),
        username: "demo".into(),
    };
    let error = client
        .messages_page(&session, "my", 0)
        .await
        .expect_err("nothing listens");
    assert!(matches!(error, ApiError::Network { .. }));
}

#[tokio::test]
async fn a_next_link_is_followed_if_a_server_ever_sends_one() {
    use axum::routing::get;
    let app = axum::Router::new()
        .route(
            "/api/my/messages",
            get(|| async {
                (
                    [("content-type", "application/hal+json")],
                    r#"{"_links":{"next":{"href":"https://elsewhere.example/custom/page2?token=abc"}},
                        "_embedded":{"messages":[{"MessageId":"a1","Subject":"Første"}]}}"#,
                )
            }),
        )
        .route(
            "/custom/page2",
            get(|| async {
                (
                    [("content-type", "application/hal+json")],
                    r#"{"_embedded":{"messages":[{"MessageId":"a2","Subject":"Andre"}]}}"#,
                )
            }),
        );
    let client = serve(app).await;
    let session = innboks::auth::Session::Cookie {
        aspxauth: Secret::new("x"),
        username: "demo".into(),
    };
    let first = client
        .messages_page(&session, "my", 0)
        .await
        .expect("first page");
    assert_eq!(first.messages.len(), 1);
    assert!(
        first.has_more,
        "a next link means more, even on a short page"
    );
    let link = first.next.expect("the next link");
    let second = client
        .messages_page_at(&session, &link)
        .await
        .expect("the link is followed on our own host, not elsewhere.example");
    assert_eq!(second.messages[0].id, "a2");
    assert!(!second.has_more);
}

#[tokio::test]
async fn archive_confirm_and_delete_with_the_servers_refusals() {
    let sim = common::start(300).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    let world = World::generate(&WorldOptions {
        seed: 42,
        messages: 300,
        parties: 0,
        anchor: common::anchor(),
    });
    let person = &world.mailboxes[0];
    let plain = person
        .iter()
        .find(|m| m.required_level == 1 && !m.requires_confirmation && m.id.starts_with('a'))
        .expect("a plain message");
    let new_id = client
        .archive(&session, "my", &plain.id)
        .await
        .expect("archived")
        .expect("a new id");
    assert!(
        new_id.starts_with('b'),
        "archived messages get a b… id, got {new_id}"
    );
    let archived = client
        .message(&session, "my", &new_id, false)
        .await
        .expect("found under its new id");
    assert_eq!(archived.summary.status, MessageStatus::Archived);

    let needs = person
        .iter()
        .find(|m| m.required_level == 1 && m.requires_confirmation)
        .expect("a message that needs confirmation");
    let listed = client
        .message(&session, "my", &needs.id, false)
        .await
        .expect("detail");
    assert!(
        listed.summary.requires_confirmation,
        "AvailableAction 1 is understood"
    );
    let refused = client
        .archive(&session, "my", &needs.id)
        .await
        .expect_err("must confirm first");
    assert!(
        matches!(&refused, ApiError::Server { status: 400, reason } if reason.contains("requires confirmation"))
    );
    client
        .confirm(&session, "my", &needs.id)
        .await
        .expect("confirmed");
    client
        .archive(&session, "my", &needs.id)
        .await
        .expect("now it can be archived");
    let again = client
        .confirm(&session, "my", &plain.id)
        .await
        .expect_err("nothing to confirm");
    assert!(matches!(
        again,
        ApiError::Server {
            status: 400 | 404,
            ..
        }
    ));

    let doomed = person
        .iter()
        .find(|m| {
            m.required_level == 1 && m.id.starts_with('a') && m.id != plain.id && m.id != needs.id
        })
        .expect("another message");
    client
        .delete(&session, "my", &doomed.id)
        .await
        .expect("deleted");
    let mut all = Vec::new();
    let mut skip = 0;
    loop {
        let page = client
            .messages_page(&session, "my", skip)
            .await
            .expect("page");
        skip += page.messages.len();
        let more = page.has_more;
        all.extend(page.messages.into_iter().map(|m| m.id.to_string()));
        if !more {
            break;
        }
    }
    assert!(
        !all.contains(&doomed.id.to_string()),
        "deleted messages leave the inbox"
    );

    let org_letter = world.mailboxes[1]
        .iter()
        .find(|m| m.kind == "Correspondence" && m.required_level == 1)
        .expect("an organisation's letter");
    let refused = client
        .delete(&session, "r50020002", &org_letter.id)
        .await
        .expect_err("cannot delete");
    assert!(
        matches!(&refused, ApiError::Server { status: 403, reason } if reason.contains("organisations"))
    );
}

#[tokio::test]
async fn a_whole_list_is_read_with_at_most_n_pages_in_flight() {
    let sim = innboks::sim::Simulator::start(innboks::sim::SimConfig {
        latency: std::time::Duration::from_millis(40),
        ..common::config(1000)
    })
    .await
    .expect("sim");
    let client = common::client(&sim);
    let session = common::login(&client).await;
    let base = sim.stats().max_in_flight;
    assert!(base <= 1);
    let all = innboks::sync::fetch_all(
        |skip| {
            let (client, session) = (client.clone(), session.clone());
            async move { client.messages_page(&session, "my", skip).await }
        },
        5000,
        3,
    )
    .await
    .expect("all");
    let stats = sim.stats();
    assert!(
        stats.max_in_flight <= 3,
        "at most 3 in flight: {}",
        stats.max_in_flight
    );
    assert!(
        stats.max_in_flight >= 2,
        "pages overlap: {}",
        stats.max_in_flight
    );
    let ids: std::collections::HashSet<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "no duplicates");
    assert_eq!(all.len(), 1000, "the whole mailbox");
    let dates: Vec<_> = all.iter().map(|m| m.last_changed).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let limited = innboks::sync::fetch_all(
        |skip| {
            let (client, session) = (client.clone(), session.clone());
            async move { client.messages_page(&session, "my", skip).await }
        },
        120,
        4,
    )
    .await
    .expect("limited");
    assert_eq!(limited.len(), 120);
    assert_eq!(limited[..], all[..120]);
}

#[tokio::test]
async fn too_many_requests_is_waited_out_as_retry_after_says() {
    let sim = common::start(60).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    sim.faults().throttle_next(1, 1);
    let started = std::time::Instant::now();
    let page = client
        .messages_page(&session, "my", 0)
        .await
        .expect("the page after the wait");
    assert_eq!(page.messages.len(), 50);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(900),
        "Retry-After: 1 was honoured"
    );
    let throttled: u64 = sim
        .stats()
        .requests
        .iter()
        .filter(|(k, _)| k.contains(" 429"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(throttled, 1);
    // A server that keeps saying 429 is not asked forever.
    sim.faults().throttle_next(10, 0);
    let error = client
        .messages_page(&session, "my", 0)
        .await
        .expect_err("gives up");
    assert!(
        matches!(error, innboks::domain::ApiError::Server { status: 429, .. }),
        "{error:?}"
    );
}

/// A host where Altinn 2 is gone (switched off on 19 June 2026): lists answer 404 or a web
/// page, and both the inbox and the password login say so in words, with the way out.
#[tokio::test]
async fn a_switched_off_altinn2_host_is_explained() {
    use axum::http::{header, StatusCode};
    use axum::routing::{get, post};
    let page = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    let app = axum::Router::new()
        .route(
            "/api/reportees",
            get(move || async move { (page, "<html>Altinn 3</html>") }),
        )
        .route(
            "/api/authentication/authenticatewithpassword",
            post(|| async { StatusCode::NOT_FOUND }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "Not Found") });
    let client = serve(app).await;
    let bearer = innboks::auth::Session::Bearer {
        access_token: Secret::new("t"),
    };
    let list = client
        .messages_page(&bearer, "my", 0)
        .await
        .expect_err("no Altinn 2 here");
    assert!(matches!(list, ApiError::Retired { .. }), "{list:?}");
    let words = list.to_string();
    assert!(words.contains("19. juni 2026"), "{words}");
    assert!(words.contains("--env prod"), "{words}");
    let parties = client.reportees(&bearer).await.expect_err("a web page");
    assert!(matches!(parties, ApiError::Retired { .. }), "{parties:?}");
    // A single message's 404 still means that message is gone.
    let one = client
        .message(&bearer, "my", "a1", false)
        .await
        .expect_err("gone");
    assert!(
        matches!(one, ApiError::Server { status: 404, .. }),
        "{one:?}"
    );
    let login = client
        .login_with_password("demo", &Secret::new("pw"))
        .await
        .expect_err("no password login here");
    assert!(login.to_string().contains("19. juni 2026"), "{login}");
}

/// Serves `app` on an ephemeral loopback port, with an Altinn 2 client pointed at it.
async fn serve(app: axum::Router) -> innboks::backend::altinn2::Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    innboks::backend::altinn2::Client::new(
        url::Url::parse(&format!("http://{addr}")).expect("url"),
        Secret::new("k"),
    )
    .expect("client")
}
