//! ID-porten flows against the simulator's OpenID provider, over real HTTP on loopback:
//! browser (loopback and paste-back), device, refresh rotation, reuse detection, single
//! flight, long sessions, relaunch from the store, logout.

mod common;

use std::sync::Arc;
use std::time::Duration;

use innboks::auth::browser::{self, CallbackParams};
use innboks::auth::oidc::{self, AuthError, Provider, DEFAULT_ACR};
use innboks::auth::refresh::{stored_session, Refresher};
use innboks::auth::store::SessionStore;
use innboks::auth::{device, Session, SessionHandle};
use innboks::domain::ApiError;
use innboks::secret::Secret;
use innboks::sim::{SimConfig, Simulator};
use reqwest::header::LOCATION;

/// The scopes of an ID-porten login to Altinn 2's API (these tests use the Altinn 2 face
/// to see a token work).
const SCOPES: &str = "openid altinn:enduser";

fn config(auto_approve: Option<u64>) -> SimConfig {
    SimConfig {
        auto_approve: auto_approve.map(Duration::from_secs),
        device_interval: Duration::from_secs(1),
        ..common::config(60)
    }
}

async fn provider(sim: &Simulator) -> Provider {
    let http = oidc::http_client().expect("http");
    Provider::discover(&http, &sim.issuer(), "innboks")
        .await
        .expect("discovery")
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Plays the browser: opens the authorize URL; with auto-approve 0 the provider redirects at
/// once. Returns the final redirect URL.
async fn browser_redirect(url: &str) -> String {
    let response = no_redirects().get(url).send().await.expect("authorize");
    assert_eq!(response.status(), 302, "{:?}", response.text().await);
    response.headers()[LOCATION]
        .to_str()
        .expect("ascii")
        .to_owned()
}

/// Logs in with the browser flow via paste-back and returns the tokens.
async fn browser_login(sim: &Simulator) -> (Provider, oidc::TokenSet) {
    let provider = provider(sim).await;
    let login = browser::start(provider.clone(), 0, SCOPES, DEFAULT_ACR)
        .await
        .expect("start");
    let redirect = browser_redirect(&login.authorize_url).await;
    let params = CallbackParams::parse(&redirect).expect("params");
    let (tokens, _) = login.finish(params, DEFAULT_ACR).await.expect("finish");
    (provider, tokens)
}

fn bearer(tokens: &oidc::TokenSet) -> Session {
    Session::Bearer {
        access_token: tokens.access_token.clone(),
    }
}

#[tokio::test]
async fn discovery_checks_the_exact_issuer() {
    let sim = Simulator::start(config(Some(0))).await.expect("sim");
    let provider = provider(&sim).await;
    assert!(provider.device_flow_offered());
    assert!(provider
        .metadata
        .pushed_authorization_request_endpoint
        .is_some());
    let http = oidc::http_client().expect("http");
    let error = Provider::discover(&http, &format!("{}/", sim.issuer()), "innboks")
        .await
        .expect_err("a trailing slash is another issuer");
    assert!(matches!(
        error,
        AuthError::IssuerMismatch { .. } | AuthError::Protocol(_)
    ));
    let without = Simulator::start(SimConfig {
        device_flow: false,
        ..config(Some(0))
    })
    .await
    .expect("sim");
    let provider = self::provider(&without).await;
    assert!(!provider.device_flow_offered());
    let error = device::start(&provider, SCOPES)
        .await
        .expect_err("not offered");
    assert!(matches!(error, AuthError::NotOffered(_)));
    assert!(error.to_string().contains("nettleseren"));
}

#[tokio::test]
async fn browser_flow_through_the_loopback_listener() {
    let sim = Simulator::start(config(Some(0))).await.expect("sim");
    let provider = provider(&sim).await;
    let mut login = browser::start(provider, 0, SCOPES, DEFAULT_ACR)
        .await
        .expect("start");
    assert!(
        login.authorize_url.contains("request_uri="),
        "PAR is used when advertised"
    );
    assert!(login.redirect_uri.starts_with("http://127.0.0.1:"));
    let redirect = browser_redirect(&login.authorize_url).await;
    assert!(redirect.starts_with(&login.redirect_uri));
    let again = redirect.clone();
    let browser = tokio::spawn(async move {
        // A forged callback with another state is refused and does not end the wait.
        let forged = redirect.replace("state=", "state=x");
        let status = reqwest::get(&forged).await.expect("forged").status();
        assert_eq!(status, 400);
        reqwest::get(&redirect)
            .await
            .expect("callback")
            .text()
            .await
            .expect("page")
    });
    let params = login.wait_for_callback().await.expect("callback");
    let page = browser.await.expect("browser");
    assert!(page.contains("Innlogging mottatt"));
    assert!(
        reqwest::get(&again).await.is_err(),
        "one callback only: the listener is closed after it"
    );
    let shown = format!("{login:?} {params:?}");
    assert!(
        !shown.contains(params.code.as_deref().unwrap_or("?")) && !shown.contains("verifier"),
        "Debug hides the code and the PKCE verifier: {shown}"
    );
    let (tokens, claims) = login.finish(params, DEFAULT_ACR).await.expect("tokens");
    assert_eq!(claims.masked_pid().as_deref(), Some("010170*****"));
    assert!(tokens.refresh_token.is_some());
    assert_eq!(tokens.lifetime, Duration::from_secs(120));
    assert!(
        tokens.refresh_expires_at.is_some(),
        "refresh_token_expires_in is parsed"
    );
    let client = common::client(&sim);
    let session = bearer(&tokens);
    let page = client
        .messages_page(&session, "my", 0)
        .await
        .expect("Altinn accepts the token");
    assert_eq!(page.messages.len(), 50);
    let opened = client
        .message(&session, "my", &page.messages[0].id, false)
        .await
        .expect("detail");
    assert!(!opened.body.is_empty());
    assert_eq!(sim.stats().grants.get("authorization_code"), Some(&1));
}

#[tokio::test]
async fn paste_back_state_and_iss_are_checked() {
    let sim = Simulator::start(config(Some(0))).await.expect("sim");
    let provider = provider(&sim).await;
    let login = browser::start(provider.clone(), 0, SCOPES, DEFAULT_ACR)
        .await
        .expect("start");
    let redirect = browser_redirect(&login.authorize_url).await;
    let mut params = CallbackParams::parse(&redirect).expect("params");
    params.state = Some("not-ours".into());
    assert_eq!(
        login.finish(params, DEFAULT_ACR).await.expect_err("state"),
        AuthError::StateMismatch
    );

    let login = browser::start(provider.clone(), 0, SCOPES, DEFAULT_ACR)
        .await
        .expect("start");
    let redirect = browser_redirect(&login.authorize_url).await;
    let mut params = CallbackParams::parse(&redirect).expect("params");
    params.iss = Some("https://evil.example".into());
    assert_eq!(
        login
            .finish(params.clone(), DEFAULT_ACR)
            .await
            .expect_err("iss"),
        AuthError::WrongIssuer
    );
    params.iss = None;
    assert_eq!(
        login.finish(params, DEFAULT_ACR).await.expect_err("no iss"),
        AuthError::WrongIssuer
    );

    let login = browser::start(provider, 0, SCOPES, DEFAULT_ACR)
        .await
        .expect("start");
    let redirect = browser_redirect(&login.authorize_url).await;
    let query = redirect
        .split_once('?')
        .map(|(_, q)| q.to_owned())
        .expect("query");
    let params = CallbackParams::parse(&query).expect("just the query works too");
    login.finish(params, DEFAULT_ACR).await.expect("tokens");
}

#[tokio::test]
async fn denied_on_the_approval_page() {
    let sim = Simulator::start(config(None)).await.expect("sim");
    let provider = provider(&sim).await;
    let login = browser::start(provider, 0, SCOPES, DEFAULT_ACR)
        .await
        .expect("start");
    let page = no_redirects()
        .get(&login.authorize_url)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    let id = html
        .split("name=\"id\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("pending id");
    let response = no_redirects()
        .post(format!("{}/approve", sim.issuer()))
        .form(&[("id", id), ("user", "deny")])
        .send()
        .await
        .expect("deny");
    let location = response.headers()[LOCATION]
        .to_str()
        .expect("ascii")
        .to_owned();
    let params = CallbackParams::parse(&location).expect("params");
    let error = login.finish(params, DEFAULT_ACR).await.expect_err("denied");
    assert!(matches!(error, AuthError::Denied(ref e) if e.contains("access_denied")));
}

#[tokio::test]
async fn provider_rejects_bad_pkce_and_bad_requests() {
    let sim = Simulator::start(config(Some(0))).await.expect("sim");
    let iss = sim.issuer();
    let http = no_redirects();
    let authorize = |challenge: Option<&str>| {
        let mut url = url::Url::parse(&format!("{iss}/authorize")).expect("url");
        url.query_pairs_mut()
            .append_pair("client_id", "innboks")
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", "http://127.0.0.1:9/callback")
            .append_pair("scope", "openid altinn:enduser")
            .append_pair("state", "s1")
            .append_pair("nonce", "n1");
        if let Some(challenge) = challenge {
            url.query_pairs_mut()
                .append_pair("code_challenge", challenge)
                .append_pair("code_challenge_method", "S256");
        }
        url.to_string()
    };
    let location =
        |r: &reqwest::Response| r.headers()[LOCATION].to_str().expect("ascii").to_owned();
    let missing = http.get(authorize(None)).send().await.expect("authorize");
    let params = CallbackParams::parse(&location(&missing)).expect("params");
    assert_eq!(params.error.as_deref(), Some("invalid_request"));
    assert_eq!(params.state.as_deref(), Some("s1"));
    assert_eq!(params.iss.as_deref(), Some(iss.as_str()));
    let unknown_redirect = http
        .get(authorize(Some("abc")).replace("127.0.0.1%3A9%2Fcallback", "evil.example%2Fcallback"))
        .send()
        .await
        .expect("authorize");
    assert_eq!(
        unknown_redirect.status(),
        400,
        "never redirects to an unregistered URI"
    );
    // A challenge for one verifier, redeemed with another.
    let ok = http
        .get(authorize(Some(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        )))
        .send()
        .await
        .expect("authorize");
    let code = CallbackParams::parse(&location(&ok))
        .expect("params")
        .code
        .expect("code");
    let token = http
        .post(format!("{iss}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "innboks"),
            ("code", code.as_str()),
            ("redirect_uri", "http://127.0.0.1:9/callback"),
            (
                "code_verifier",
                "wrong-verifier-wrong-verifier-wrong-verifier-0000",
            ),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(token.status(), 400);
    let body: serde_json::Value = token.json().await.expect("json");
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn device_flow_approved_automatically() {
    let sim = Simulator::start(config(Some(1))).await.expect("sim");
    let provider = provider(&sim).await;
    let login = device::start(&provider, SCOPES).await.expect("device code");
    assert_eq!(login.user_code.len(), 9, "XXXX-XXXX");
    assert!(login
        .verification_uri_complete
        .as_deref()
        .is_some_and(|u| u.contains(&login.user_code)));
    let (tokens, _) = device::poll(&provider, &login, DEFAULT_ACR)
        .await
        .expect("tokens");
    let page = common::client(&sim)
        .messages_page(&bearer(&tokens), "my", 0)
        .await
        .expect("list");
    assert!(!page.messages.is_empty());
    assert!(sim
        .stats()
        .token_errors
        .get("authorization_pending")
        .is_some_and(|n| *n >= 1));
}

#[tokio::test]
async fn device_flow_denied_expired_and_slow_down() {
    let sim = Simulator::start(SimConfig {
        device_ttl: Duration::from_secs(2),
        ..config(None)
    })
    .await
    .expect("sim");
    let provider = provider(&sim).await;
    let login = device::start(&provider, SCOPES).await.expect("device code");
    let deny = no_redirects()
        .post(format!("{}/device", sim.issuer()))
        .form(&[("user_code", login.user_code.as_str()), ("user", "deny")])
        .send()
        .await
        .expect("deny");
    assert_eq!(deny.status(), 200);
    let error = device::poll(&provider, &login, DEFAULT_ACR)
        .await
        .expect_err("denied");
    assert!(matches!(error, AuthError::Denied(_)));

    let login = device::start(&provider, SCOPES).await.expect("device code");
    let error = device::poll(&provider, &login, DEFAULT_ACR)
        .await
        .expect_err("expires");
    assert_eq!(error, AuthError::Expired);

    // Polling faster than the interval is told to slow down.
    let raw = no_redirects();
    let start: serde_json::Value = raw
        .post(format!("{}/device_authorization", sim.issuer()))
        .form(&[("client_id", "innboks"), ("scope", "openid")])
        .send()
        .await
        .expect("start")
        .json()
        .await
        .expect("json");
    let device_code = start["device_code"].as_str().expect("code").to_owned();
    let mut errors = Vec::new();
    for _ in 0..2 {
        let body: serde_json::Value = raw
            .post(format!("{}/token", sim.issuer()))
            .form(&[
                ("grant_type", innboks::sim::idporten::DEVICE_GRANT),
                ("client_id", "innboks"),
                ("device_code", device_code.as_str()),
            ])
            .send()
            .await
            .expect("poll")
            .json()
            .await
            .expect("json");
        errors.push(body["error"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(errors, ["authorization_pending", "slow_down"]);
}

#[tokio::test]
async fn rotation_and_reuse_detection() {
    let sim = Simulator::start(config(Some(0))).await.expect("sim");
    let (provider, tokens) = browser_login(&sim).await;
    let first = tokens.refresh_token.clone().expect("refresh token");
    let second = provider.refresh(&first).await.expect("refresh");
    let second_rt = second.refresh_token.clone().expect("rotated");
    assert_ne!(second_rt, first, "the refresh token rotates");
    let error = provider
        .refresh(&first)
        .await
        .expect_err("the old one is dead");
    assert!(matches!(error, AuthError::InvalidGrant(_)));
    let error = provider
        .refresh(&second_rt)
        .await
        .expect_err("reuse revoked the whole grant");
    assert!(matches!(error, AuthError::InvalidGrant(_)));
    let stats = sim.stats();
    assert_eq!(stats.reuse_detections, 1);
    assert_eq!(stats.refreshes, 1);
}

#[tokio::test]
async fn concurrent_401s_cause_exactly_one_refresh() {
    let sim = Simulator::start(config(Some(0))).await.expect("sim");
    let (provider, tokens) = browser_login(&sim).await;
    let handle = SessionHandle::default();
    let stored = stored_session(
        "test",
        &provider,
        innboks::domain::LoginMethod::IdPortenBrowser,
        &tokens,
        SCOPES,
        None,
    );
    let refresher =
        Refresher::start(provider, handle.clone(), None, tokens, stored).expect("refresher");
    handle.set_refresher(refresher, None);
    let rejected = handle.get().expect("session");
    let calls = (0..8).map(|_| {
        let handle = handle.clone();
        let rejected = rejected.clone();
        tokio::spawn(async move { handle.refresh_after_unauthorized(&rejected).await })
    });
    for call in calls {
        call.await.expect("task").expect("refresh ok");
    }
    assert_eq!(sim.stats().refreshes, 1, "single flight");
    assert_ne!(
        handle.get(),
        Some(rejected),
        "a new access token is in place"
    );
}

#[tokio::test]
async fn expired_access_token_gets_401_then_refresh_and_retry_works() {
    let sim = Simulator::start(SimConfig {
        token_ttl: Duration::from_secs(1),
        ..config(Some(0))
    })
    .await
    .expect("sim");
    let (provider, tokens) = browser_login(&sim).await;
    let handle = SessionHandle::default();
    let stored = stored_session(
        "test",
        &provider,
        innboks::domain::LoginMethod::IdPortenBrowser,
        &tokens,
        SCOPES,
        None,
    );
    let refresher =
        Refresher::start(provider, handle.clone(), None, tokens, stored).expect("refresher");
    handle.set_refresher(refresher, None);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let client = common::client(&sim);
    let session = handle.get().expect("session");
    let error = client
        .messages_page(&session, "my", 0)
        .await
        .expect_err("expired");
    assert!(matches!(&error, ApiError::Unauthorized { reason } if reason.contains("IDX10223")));
    handle
        .refresh_after_unauthorized(&session)
        .await
        .expect("refresh");
    let fresh = handle.get().expect("session");
    client
        .messages_page(&fresh, "my", 0)
        .await
        .expect("retried request works");
}

#[tokio::test]
async fn a_session_outlives_many_token_lifetimes() {
    let sim = Simulator::start(SimConfig {
        token_ttl: Duration::from_secs(2),
        refresh_ttl: Duration::from_secs(4),
        ..config(Some(0))
    })
    .await
    .expect("sim");
    let (provider, tokens) = browser_login(&sim).await;
    let handle = SessionHandle::default();
    let stored = stored_session(
        "test",
        &provider,
        innboks::domain::LoginMethod::IdPortenBrowser,
        &tokens,
        SCOPES,
        None,
    );
    let refresher =
        Refresher::start(provider, handle.clone(), None, tokens, stored).expect("refresher");
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(refresher.clone().run(move |event| {
        let _ = tx.send(event);
    }));
    handle.set_refresher(refresher, Some(task.abort_handle()));
    let client = common::client(&sim);
    let started = tokio::time::Instant::now();
    let mut requests = 0;
    while started.elapsed() < Duration::from_secs(9) {
        let session = handle.get().expect("always a session");
        client
            .messages_page(&session, "my", 0)
            .await
            .expect("no request fails");
        requests += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(requests > 20);
    handle.clear_refresher();
    let refreshes = sim.stats().refreshes;
    assert!(
        (4..=9).contains(&refreshes),
        "refreshed once per token lifetime, got {refreshes}"
    );
    let mut refreshed = 0;
    while let Ok(event) = events.try_recv() {
        assert!(
            matches!(
                event,
                innboks::auth::refresh::RefreshEvent::Refreshed { .. }
            ),
            "{event:?}"
        );
        refreshed += 1;
    }
    // The task is aborted above; at most one refresh can have finished unreported.
    assert!(
        refreshed == refreshes || refreshed + 1 == refreshes,
        "{refreshed} events for {refreshes} refreshes"
    );
}

#[tokio::test]
async fn relaunch_resumes_from_the_store_and_logout_revokes() {
    let sim = Simulator::start(config(Some(0))).await.expect("sim");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SessionStore::new(dir.path(), "demo");
    let (provider, tokens) = browser_login(&sim).await;
    let stored = stored_session(
        "demo",
        &provider,
        innboks::domain::LoginMethod::IdPortenBrowser,
        &tokens,
        SCOPES,
        Some(&innboks::auth::oidc::IdClaims {
            sub: "sub-1".into(),
            pid: Some("01017012345".into()),
            acr: None,
            nonce: None,
        }),
    );
    assert_eq!(stored.pid_masked.as_deref(), Some("010170*****"));
    assert!(
        stored
            .user_key
            .as_deref()
            .is_some_and(|k| !k.contains("01017012345") && k.len() == 24),
        "the cache key is a hash"
    );
    let first = SessionHandle::default();
    let refresher = Refresher::start(
        provider.clone(),
        first.clone(),
        Some(store.clone()),
        tokens,
        stored,
    )
    .expect("start");
    drop(refresher);
    let on_disk = store.load().expect("saved");
    assert_eq!(on_disk.method.code(), "browser");
    let text = std::fs::read_to_string(store.path()).expect("file");
    let access = match first.get() {
        Some(Session::Bearer { access_token }) => access_token,
        other => panic!("bearer expected, got {other:?}"),
    };
    assert!(
        !text.contains(access.expose()),
        "the access token is never stored"
    );

    // A new process: only the store.
    let second = SessionHandle::default();
    let provider2 = self::provider(&sim).await;
    let resumed = Refresher::resume(
        provider2,
        second.clone(),
        Some(store.clone()),
        on_disk.clone(),
    )
    .await
    .expect("resumed without a login");
    let session = second.get().expect("a session");
    common::client(&sim)
        .messages_page(&session, "my", 0)
        .await
        .expect("works");
    assert_ne!(
        store.load().expect("saved").refresh_token,
        on_disk.refresh_token,
        "rotated token persisted"
    );

    resumed.logout().await.expect("logout");
    assert!(store.load().is_none(), "deleted locally");
    assert_eq!(sim.stats().revocations, 1, "revoked at the provider");
    let error = Refresher::resume(provider, SessionHandle::default(), Some(store), on_disk)
        .await
        .expect_err("dead after logout");
    assert!(matches!(error, AuthError::InvalidGrant(_)));
    let _ = Arc::new(());
    let _ = Secret::default();
}

#[tokio::test]
async fn a_restarted_simulator_with_a_state_file_keeps_its_grants() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let settings = SimConfig {
        port,
        state_file: Some(dir.path().join("sim.json")),
        ..config(Some(0))
    };
    let sim = Simulator::start(settings.clone()).await.expect("sim");
    let (provider, tokens) = browser_login(&sim).await;
    let store = SessionStore::new(dir.path(), "demo");
    let stored = stored_session(
        "demo",
        &provider,
        innboks::domain::LoginMethod::IdPortenBrowser,
        &tokens,
        SCOPES,
        None,
    );
    Refresher::start(
        provider,
        SessionHandle::default(),
        Some(store.clone()),
        tokens,
        stored,
    )
    .expect("start");
    sim.stop().await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("sim.json"))
            .expect("state")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }

    let again = Simulator::start(settings).await.expect("restarted");
    let handle = SessionHandle::default();
    let provider = self::provider(&again).await;
    Refresher::resume(
        provider,
        handle.clone(),
        Some(store.clone()),
        store.load().expect("stored"),
    )
    .await
    .expect("the restarted provider knows the refresh token");
    let session = handle.get().expect("session");
    common::client(&again)
        .messages_page(&session, "my", 0)
        .await
        .expect("its key signs valid tokens");
}

#[tokio::test]
async fn without_a_refresh_token_the_session_lives_as_long_as_its_access_token() {
    let sim = Simulator::start(SimConfig {
        refresh_tokens: false,
        token_ttl: Duration::from_secs(2),
        ..config(Some(0))
    })
    .await
    .expect("sim");
    let (provider, tokens) = browser_login(&sim).await;
    assert!(
        tokens.refresh_token.is_none(),
        "a public client may get none"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SessionStore::new(dir.path(), "demo");
    let handle = SessionHandle::default();
    let stored = stored_session(
        "demo",
        &provider,
        innboks::domain::LoginMethod::IdPortenBrowser,
        &tokens,
        SCOPES,
        None,
    );
    let refresher = Refresher::start(
        provider.clone(),
        handle.clone(),
        Some(store.clone()),
        tokens,
        stored,
    )
    .expect("the login succeeds without one");
    assert!(!refresher.renews().await);
    let kept = store.load().expect("kept for its lifetime");
    assert!(!kept.refresh && kept.refresh_expires_at.is_some());
    // A second run takes the kept access token while it lives.
    let again = SessionHandle::default();
    Refresher::resume(provider.clone(), again.clone(), Some(store.clone()), kept)
        .await
        .expect("resumed from the kept token");
    common::client(&sim)
        .messages_page(&again.get().expect("a session"), "my", 0)
        .await
        .expect("the kept token works");
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(refresher.clone().run(move |event| {
        let _ = tx.send(event);
    }));
    let first = events.recv().await.expect("told once");
    assert!(
        matches!(
            first,
            innboks::auth::refresh::RefreshEvent::WithoutRefresh { .. }
        ),
        "{first:?}"
    );
    let ended = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("ends with the token")
        .expect("an event");
    match ended {
        innboks::auth::refresh::RefreshEvent::Ended { reason } => {
            assert!(reason.contains("fornyelsesnøkkel"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    task.await.expect("the schedule stops");
    assert!(handle.get().is_none(), "the session is gone");
    assert!(store.load().is_none(), "and so is the kept token");
    assert_eq!(sim.stats().refreshes, 0, "no refresh was tried");
}
