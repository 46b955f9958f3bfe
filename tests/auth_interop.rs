//! Interop with a real, certified OpenID provider: panva's `oidc-provider` (npm), configured
//! like ID-porten in `tests/interop/provider.mjs`. Runs discovery, the browser flow (driving
//! the provider's own login and consent pages over HTTP with a cookie jar, ending on our
//! loopback listener), the device flow, refresh rotation with reuse detection, and revocation,
//! all with the product's own `auth` module. Installs the provider with `npm ci` when
//! `tests/interop/node_modules` is missing. Without Node it skips loudly, except under
//! `CI=true`, where it fails.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use innboks::auth::browser;
use innboks::auth::device;
use innboks::auth::oidc::{self, AuthError, Provider, DEFAULT_ACR};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

/// The scopes innboks asks ID-porten for (Dialogporten's).
const SCOPES: &str = "openid digdir:dialogporten";

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The provider process; killed when dropped.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_provider() -> Option<(Node, String)> {
    if !have("node") || !have("npm") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "Node.js and npm are required for the interop test in CI"
        );
        eprintln!("\n*** SKIPPED: the oidc-provider interop test needs Node.js and npm, which are not installed. ***\n");
        return None;
    }
    let dir = interop_dir();
    if !dir.join("node_modules/oidc-provider").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("run npm ci");
        assert!(status.success(), "npm ci in tests/interop failed");
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut child = Command::new("node")
        .arg("provider.mjs")
        .arg(port.to_string())
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start node");
    let stdout = child.stdout.take().expect("stdout");
    let node = Node(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let issuer = loop {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => {
                if let Some(issuer) = line.strip_prefix("READY ") {
                    break issuer.trim().to_owned();
                }
            }
            Err(_) => panic!("oidc-provider did not start"),
        }
    };
    Some((node, issuer))
}

/// A browser stand-in: follows redirects by hand, keeps cookies, and submits the provider's
/// own forms (any login, then consent).
struct Browser {
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

struct Form {
    action: String,
    fields: Vec<(String, String)>,
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].replace("&amp;", "&"))
}

fn first_form(html: &str) -> Option<Form> {
    let start = html.find("<form")?;
    let end = html[start..].find("</form>")? + start;
    let form = &html[start..end];
    let action = attribute(&form[..form.find('>')?], "action")?;
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find("<input") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        let tag = &rest[at..tag_end];
        if let Some(name) = attribute(tag, "name") {
            let value = attribute(tag, "value").unwrap_or_default();
            fields.push((name, value));
        }
        rest = &rest[tag_end..];
    }
    Some(Form { action, fields })
}

impl Browser {
    fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: BTreeMap::new(),
        }
    }

    fn remember(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all(SET_COOKIE) {
            if let Some((pair, _)) = value.to_str().unwrap_or_default().split_once(';') {
                if let Some((name, value)) = pair.split_once('=') {
                    self.cookies
                        .insert(name.trim().to_owned(), value.trim().to_owned());
                }
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Walks from `url` through redirects and forms until a redirect to `stop_prefix`
    /// (returned), or a page without a form (returned as `Err` with its text).
    async fn walk(
        &mut self,
        url: &str,
        stop_prefix: &str,
        user_code: Option<&str>,
    ) -> Result<String, String> {
        let mut request = self.http.get(url);
        let mut current = url.to_owned();
        for _ in 0..20 {
            let response = request
                .header(COOKIE, self.cookie_header())
                .send()
                .await
                .map_err(|e| e.to_string())?;
            self.remember(&response);
            if response.status().is_redirection() {
                let location = response.headers()[LOCATION]
                    .to_str()
                    .unwrap_or_default()
                    .to_owned();
                let next = url::Url::parse(&current)
                    .and_then(|base| base.join(&location))
                    .map_err(|e| e.to_string())?
                    .to_string();
                if next.starts_with(stop_prefix) {
                    return Ok(next);
                }
                current = next;
                request = self.http.get(&current);
                continue;
            }
            let html = response.text().await.map_err(|e| e.to_string())?;
            let Some(form) = first_form(&html) else {
                return Err(html);
            };
            let fields: Vec<(String, String)> = form
                .fields
                .into_iter()
                .map(|(name, value)| match name.as_str() {
                    "login" => (name, "kari".to_owned()),
                    "password" => (name, "any".to_owned()),
                    "user_code" if value.is_empty() => {
                        (name, user_code.unwrap_or_default().to_owned())
                    }
                    _ => (name, value),
                })
                .collect();
            current = form.action.clone();
            request = self.http.post(&form.action).form(&fields);
        }
        Err("too many steps".into())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_provider_interop() {
    let Some((_node, issuer)) = start_provider() else {
        return;
    };
    let http = oidc::http_client().expect("http");
    let provider = Provider::discover(&http, &issuer, "innboks")
        .await
        .expect("discovery");
    assert!(provider.device_flow_offered());
    assert!(provider
        .metadata
        .pushed_authorization_request_endpoint
        .is_some());

    // Browser flow: PAR, the provider's login and consent, back to our loopback listener.
    let mut login = browser::start(provider.clone(), 0, SCOPES, DEFAULT_ACR)
        .await
        .expect("start");
    assert!(login.authorize_url.contains("request_uri="), "PAR is used");
    let callback = tokio::spawn(login.callback());
    let mut browser = Browser::new();
    let redirect = browser
        .walk(&login.authorize_url, &login.redirect_uri, None)
        .await
        .expect("the provider redirects back");
    let page = reqwest::get(&redirect)
        .await
        .expect("deliver the callback")
        .text()
        .await
        .expect("page");
    assert!(page.contains("Innlogging mottatt"));
    let params = callback.await.expect("join").expect("callback params");
    assert_eq!(params.iss.as_deref(), Some(issuer.as_str()), "RFC 9207 iss");
    let (tokens, claims) = login
        .finish(params, DEFAULT_ACR)
        .await
        .expect("code exchange and id_token");
    assert_eq!(claims.sub, "kari");
    let first = tokens.refresh_token.clone().expect("a refresh token");

    // Rotation: the old refresh token is dead after use; reusing it revokes the grant.
    let second = provider.refresh(&first).await.expect("refresh");
    let second_rt = second.refresh_token.clone().expect("rotated");
    assert_ne!(second_rt, first);
    assert!(matches!(
        provider.refresh(&first).await,
        Err(AuthError::InvalidGrant(_))
    ));
    assert!(
        matches!(
            provider.refresh(&second_rt).await,
            Err(AuthError::InvalidGrant(_))
        ),
        "reuse detection revoked the newer token too"
    );

    // Device flow: the user enters the code on the provider's page; we poll.
    let device_login = device::start(&provider, SCOPES).await.expect("device code");
    let verify = device_login
        .verification_uri_complete
        .clone()
        .unwrap_or_else(|| device_login.verification_uri.clone());
    let poller = {
        let provider = provider.clone();
        tokio::spawn(async move { device::poll(&provider, &device_login, DEFAULT_ACR).await })
    };
    let mut phone = Browser::new();
    let end = phone.walk(&verify, "http://never.example", None).await;
    let done_page = end.expect_err("the device flow ends on a page, not a redirect");
    assert!(
        done_page.to_lowercase().contains("sign-in")
            || done_page.to_lowercase().contains("success"),
        "{done_page}"
    );
    let (device_tokens, _) = tokio::time::timeout(Duration::from_secs(30), poller)
        .await
        .expect("polling ends")
        .expect("join")
        .expect("device tokens");
    let device_rt = device_tokens.refresh_token.clone().expect("refresh token");
    let refreshed = provider
        .refresh(&device_rt)
        .await
        .expect("refresh after device login");

    // Logout: revocation, after which the refresh token is dead.
    let rt = refreshed.refresh_token.expect("rotated");
    provider.revoke(&rt).await.expect("revoke");
    assert!(matches!(
        provider.refresh(&rt).await,
        Err(AuthError::InvalidGrant(_))
    ));
}
