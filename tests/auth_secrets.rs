//! The secrets audit, in parts: `Debug` of every type that holds a secret shows none of
//! it. (The log and panic output of a whole session are checked in `pty_demo.rs`; file
//! modes in `cache_sqlite.rs`, `cli_auth.rs`, `auth_idporten.rs` and `auth::store`.)

use std::time::{Duration, SystemTime};

use innboks::app::Effect;
use innboks::app::{App, Msg};
use innboks::auth::oidc::TokenSet;
use innboks::auth::store::StoredSession;
use innboks::auth::Session;
use innboks::secret::Secret;

const PASSWORD: &str = "passord-som-aldri-vises-1";
const COOKIE: &str = "C0FFEE00DEADBEEF0123456789ABCDEF";
const ACCESS: &str = "eyJhbGciOiJSUzI1NiJ9.access-token-value.sig";
const REFRESH: &str = "refresh-token-value-that-must-stay-hidden";

fn assert_hidden(what: &str, shown: &str) {
    for secret in [PASSWORD, COOKIE, ACCESS, REFRESH] {
        assert!(!shown.contains(secret), "{what} shows a secret: {shown}");
    }
}

#[test]
fn debug_of_every_secret_holder_is_redacted() {
    assert_hidden(
        "Secret",
        &format!("{:?} {}", Secret::new(PASSWORD), Secret::new(PASSWORD)),
    );
    assert_hidden(
        "Session::Cookie",
        &format!(
            "{:?}",
            Session::Cookie {
                aspxauth: Secret::new(COOKIE),
                username: "kari".into(),
            }
        ),
    );
    assert_hidden(
        "Session::Bearer",
        &format!(
            "{:?}",
            Session::Bearer {
                access_token: Secret::new(ACCESS)
            }
        ),
    );
    let tokens = TokenSet {
        access_token: Secret::new(ACCESS),
        expires_at: SystemTime::now(),
        lifetime: Duration::from_secs(120),
        refresh_token: Some(Secret::new(REFRESH)),
        refresh_expires_at: None,
        scope: Some("openid".into()),
    };
    assert_hidden("TokenSet", &format!("{tokens:?}"));
    let stored = StoredSession {
        version: 1,
        env: "prod".into(),
        issuer: "https://idporten.no".into(),
        client_id: "c".into(),
        scopes: "openid".into(),
        method: innboks::domain::LoginMethod::IdPortenBrowser,
        refresh_token: Secret::new(REFRESH),
        refresh_expires_at: None,
        refresh: true,
        acr: None,
        logged_in_at: 0,
        pid_masked: Some("010170*****".into()),
        user_key: Some("abc".into()),
        saved_at: 0,
        token_in: Default::default(),
    };
    assert_hidden("StoredSession", &format!("{stored:?}"));

    // The login form while the password is typed, and the effect that sends it.
    let mut app = App::new(innboks::app::Settings::new("test"));
    for c in "kari".chars() {
        innboks::app::update::update(&mut app, key(c));
    }
    innboks::app::update::update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Tab,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    for c in PASSWORD.chars() {
        innboks::app::update::update(&mut app, key(c));
    }
    assert_hidden("App", &format!("{app:?}"));
    let effects = innboks::app::update::update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert!(matches!(effects.as_slice(), [Effect::PasswordLogin { .. }]));
    assert_hidden("Effect::PasswordLogin", &format!("{effects:?}"));
    assert!(
        app.login.password.is_empty(),
        "the password is not kept after sending"
    );
}

fn key(c: char) -> Msg {
    Msg::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    ))
}
