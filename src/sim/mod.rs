//! The embedded simulator on 127.0.0.1: one deterministic synthetic mailbox served through
//! Altinn 2 REST ([`altinn`]) and Altinn 3's Dialogporten and Correspondence ([`altinn3`]),
//! with an ID-porten-like OIDC provider ([`idporten`]). `innboks demo` runs it in-process;
//! `innboks sim` runs it alone; the tests start it on an ephemeral port.

pub mod altinn;
pub mod altinn3;
pub mod data;
pub mod deliver;
pub mod due;
pub mod faults;
pub mod filter;
pub mod idporten;
pub mod store;
pub mod world;

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use data::{World, WorldOptions};

/// How to run the simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Seed of the synthetic mailbox.
    pub seed: u64,
    /// Messages in the person's mailbox.
    pub messages: usize,
    /// Client organisations of the demo user (0: none; an accountant's 100,000 at most).
    pub parties: usize,
    /// Delay added to every request.
    pub latency: Duration,
    /// The ApiKey every request must carry.
    pub api_key: String,
    /// Port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// The newest message's time.
    pub anchor: NaiveDateTime,
    /// How long an `.ASPXAUTH` cookie lives without use.
    pub cookie_ttl: Duration,
    /// Access token lifetime (ID-porten: 120 s).
    pub token_ttl: Duration,
    /// Refresh token inactivity timeout (ID-porten: 600 s).
    pub refresh_ttl: Duration,
    /// How long a whole grant lives (ID-porten: 7200 s).
    pub authorization_lifetime: Duration,
    /// Approve ID-porten logins by themselves after this delay (`None`: on the page only).
    pub auto_approve: Option<Duration>,
    /// The device flow's polling interval.
    pub device_interval: Duration,
    /// How long a device code lives.
    pub device_ttl: Duration,
    /// Advertise and serve the device flow (production ID-porten does not).
    pub device_flow: bool,
    /// Put a hostile message (escape sequences, path tricks) second in the person's inbox.
    pub hostile: bool,
    /// Keep the OpenID provider's key and grants in this file (0600), so a restarted
    /// simulator on the same port still knows its refresh tokens (`innboks demo`).
    pub state_file: Option<std::path::PathBuf>,
    /// Random faults on the Altinn API (`--faults`).
    pub faults: faults::FaultSpec,
    /// How long a Dialogporten `dialogToken` lives (Dialogporten: 600 s).
    pub dialog_token_ttl: Duration,
    /// Issue refresh tokens to public clients (`--no-refresh-tokens`: none, as Digdir's
    /// token documentation describes for clients without a secret).
    pub refresh_tokens: bool,
    /// Parties one Dialogporten search may name (`maxPartyFilterValues`, answered by
    /// `/api/v1/metadata/limits`).
    pub party_limit: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 2026,
            messages: 300,
            parties: 0,
            latency: Duration::ZERO,
            api_key: "demo-api-key".into(),
            port: 0,
            anchor: data::default_anchor(),
            cookie_ttl: Duration::from_secs(30 * 60),
            token_ttl: Duration::from_secs(120),
            refresh_ttl: Duration::from_secs(600),
            authorization_lifetime: Duration::from_secs(7200),
            auto_approve: None,
            device_interval: Duration::from_secs(5),
            device_ttl: Duration::from_secs(600),
            device_flow: true,
            state_file: None,
            hostile: false,
            faults: faults::FaultSpec::default(),
            dialog_token_ttl: Duration::from_secs(altinn3::token::LIFETIME_SECS),
            refresh_tokens: true,
            party_limit: 100,
        }
    }
}

/// Faults to inject, shared with the running server (the per-test API).
#[derive(Debug, Default)]
pub struct Faults {
    error_next: AtomicU32,
    error_status: AtomicU16,
    malformed_next: AtomicU32,
    throttle_next: AtomicU32,
    retry_after: AtomicU32,
}

impl Faults {
    /// The next `count` API requests answer `status` with no body.
    pub fn fail_next(&self, count: u32, status: u16) {
        self.error_status.store(status, Ordering::SeqCst);
        self.error_next.store(count, Ordering::SeqCst);
    }

    /// The next `count` API requests answer `429 Too Many Requests` with `Retry-After:
    /// seconds`.
    pub fn throttle_next(&self, count: u32, seconds: u32) {
        self.retry_after.store(seconds, Ordering::SeqCst);
        self.throttle_next.store(count, Ordering::SeqCst);
    }

    /// A `Retry-After` to answer 429 with now, if one is due.
    pub(crate) fn take_throttle(&self) -> Option<u32> {
        Self::take(&self.throttle_next).then(|| self.retry_after.load(Ordering::SeqCst))
    }

    /// The next `count` API JSON answers are cut in half (malformed JSON).
    pub fn malformed_next(&self, count: u32) {
        self.malformed_next.store(count, Ordering::SeqCst);
    }

    fn take(counter: &AtomicU32) -> bool {
        counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    /// An error status to answer now, if one is due.
    pub(crate) fn take_error(&self) -> Option<u16> {
        Self::take(&self.error_next).then(|| self.error_status.load(Ordering::SeqCst))
    }

    /// True when this answer should be malformed.
    pub(crate) fn take_malformed(&self) -> bool {
        Self::take(&self.malformed_next)
    }
}

/// Counters reported by `GET /__sim/stats`.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    /// Requests by `METHOD route status`.
    pub requests: BTreeMap<String, u64>,
    /// Successful password logins.
    pub logins_ok: u64,
    /// Failed password logins.
    pub logins_failed: u64,
    /// Tokens issued, by grant type.
    pub grants: BTreeMap<String, u64>,
    /// Token endpoint errors, by error code.
    pub token_errors: BTreeMap<String, u64>,
    /// Successful refreshes.
    pub refreshes: u64,
    /// Reused refresh tokens (each revoked its grant).
    pub reuse_detections: u64,
    /// Revocations.
    pub revocations: u64,
    /// The most requests that were being answered at the same time.
    pub max_in_flight: u64,
}

/// A cookie session in the simulator.
#[derive(Debug, Clone)]
pub(crate) struct CookieSession {
    pub user: usize,
    pub expires: Instant,
}

/// Everything the running simulator holds.
#[derive(Debug)]
pub struct SimState {
    pub(crate) config: SimConfig,
    pub(crate) world: Mutex<World>,
    pub(crate) cookies: Mutex<HashMap<String, CookieSession>>,
    pub(crate) stats: Mutex<Stats>,
    pub(crate) faults: Faults,
    /// The random faults' dice.
    pub(crate) dice: faults::FaultDice,
    /// Requests being answered now.
    pub(crate) in_flight: std::sync::atomic::AtomicU64,
    pub(crate) keys: idporten::Keys,
    /// Dialogporten's key for dialog tokens.
    pub(crate) dialog_keys: altinn3::token::DialogKeys,
    pub(crate) oidc: Mutex<idporten::OidcStore>,
    /// `http://127.0.0.1:PORT`.
    pub(crate) base_url: String,
    /// Every request's method, path and query with when it came, oldest first (for tests
    /// that ask what was sent and how far apart, not only how often); the oldest half
    /// dropped past [`LOG_LIMIT`].
    pub(crate) log: Mutex<Vec<(std::time::Instant, String)>>,
}

/// The most requests [`SimState::log`] keeps.
const LOG_LIMIT: usize = 50_000;

impl SimState {
    /// Notes a request in the log.
    pub(crate) fn note(&self, method: &str, path: &str, query: &str) {
        let mut log = lock(&self.log);
        if log.len() >= LOG_LIMIT {
            log.drain(..LOG_LIMIT / 2);
        }
        let line = if query.is_empty() {
            format!("{method} {path}")
        } else {
            format!("{method} {path}?{query}")
        };
        log.push((std::time::Instant::now(), line));
    }
}

/// Locks a mutex, recovering the data if a handler panicked while holding it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A fresh random hex token (for cookies).
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut out = String::new();
    while out.len() < bytes * 2 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_usize(out.len());
        out.push_str(&format!("{:016X}", hasher.finish()));
    }
    out.truncate(bytes * 2);
    out
}

/// A running simulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Simulator {
    addr: SocketAddr,
    state: Arc<SimState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Generates the world and starts serving on `127.0.0.1:config.port`.
    pub async fn start(config: SimConfig) -> std::io::Result<Self> {
        let mut world = World::generate(&WorldOptions {
            seed: config.seed,
            messages: config.messages,
            parties: config.parties,
            anchor: config.anchor,
        });
        if config.hostile {
            data::add_hostile(&mut world);
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let state_file = config.state_file.clone();
        let (keys, oidc) =
            tokio::task::spawn_blocking(move || idporten::load_or_generate(state_file.as_deref()))
                .await
                .map_err(std::io::Error::other)?
                .map_err(std::io::Error::other)?;
        let dice = faults::FaultDice::new(config.faults.clone());
        let state = Arc::new(SimState {
            config,
            world: Mutex::new(world),
            cookies: Mutex::new(HashMap::new()),
            stats: Mutex::new(Stats::default()),
            faults: Faults::default(),
            in_flight: Default::default(),
            dice,
            keys,
            dialog_keys: altinn3::token::DialogKeys::generate(),
            oidc: Mutex::new(oidc),
            base_url: format!("http://{addr}"),
            log: Mutex::new(Vec::new()),
        });
        let router = altinn::router(state.clone());
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
                let _ = signal.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "simulator stopped");
            }
        });
        Ok(Self {
            addr,
            state,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The OpenID issuer: `http://127.0.0.1:PORT/idporten`.
    pub fn issuer(&self) -> String {
        idporten::issuer(&self.state)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The ApiKey it expects.
    pub fn api_key(&self) -> &str {
        &self.state.config.api_key
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        lock(&self.state.stats).clone()
    }

    /// Every request so far as `METHOD /path?query`, oldest first (the newest 50,000 at
    /// most), for tests that check what was asked.
    pub fn request_log(&self) -> Vec<String> {
        lock(&self.state.log)
            .iter()
            .map(|(_, line)| line.clone())
            .collect()
    }

    /// [`Simulator::request_log`] with when each request came: the gaps a client leaves.
    pub fn timed_request_log(&self) -> Vec<(String, std::time::Instant)> {
        lock(&self.state.log)
            .iter()
            .map(|(at, line)| (line.clone(), *at))
            .collect()
    }

    /// The dialogs someone has opened here (`GET /dialogs/{id}`: a seen-log entry), by id:
    /// what a client that must never open one is tested against.
    pub fn opened_dialogs(&self) -> Vec<String> {
        let mut world = lock(&self.state.world);
        let world = &mut *world;
        let mut opened = Vec::new();
        for message in world.mailboxes.iter().flatten() {
            let state = world.altinn3.state(message);
            if !state.seen_log.is_empty() {
                opened.push(state.id.clone());
            }
        }
        opened
    }

    /// Fault injection for tests.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Delivers a new unread letter on top of reportee `reportee`'s mailbox (0: the demo
    /// person); returns its id.
    pub fn deliver(&self, reportee: usize, subject: &str) -> Option<String> {
        data::deliver(&mut lock(&self.state.world), reportee, subject)
    }

    /// Delivers a new message on top of reportee `reportee`'s mailbox, shaped by `shape`
    /// (see [`data::deliver_with`]); returns its id.
    pub fn deliver_with(
        &self,
        reportee: usize,
        shape: impl FnOnce(&mut data::SimMessage),
    ) -> Option<String> {
        data::deliver_with(&mut lock(&self.state.world), reportee, shape)
    }

    /// Every dialog of the Altinn 3 face and whether it has expired (for tests).
    pub fn altinn3_dialogs(&self) -> Vec<(String, bool)> {
        let mut world = lock(&self.state.world);
        let world = &mut *world;
        let now = chrono::Utc::now();
        world
            .mailboxes
            .iter()
            .flatten()
            .map(|m| {
                let state = world.altinn3.state(m);
                (state.id.clone(), state.expires_at.is_some_and(|t| t <= now))
            })
            .collect()
    }

    /// The time the data is made around (the anchor, in UTC): the `now` at which
    /// [`Simulator::due`] gives the spread as made.
    pub fn anchor(&self) -> chrono::DateTime<chrono::Utc> {
        store::utc(self.state.config.anchor)
    }

    /// Every party of the demo user with its open dialogs at `now`, counted by how pressing
    /// they are (see [`due::parties`]).
    pub fn due(&self, now: chrono::DateTime<chrono::Utc>) -> Vec<due::PartyDue> {
        due::parties(&mut lock(&self.state.world), 0, now)
    }

    /// Every dialog with an `expiresAt`: (its party's URN, its id, when), in the world's
    /// order (for tests).
    pub fn expiring_dialogs(&self) -> Vec<(String, String, chrono::DateTime<chrono::Utc>)> {
        let mut world = lock(&self.state.world);
        let world = &mut *world;
        let mut out = Vec::new();
        for (mailbox, party) in world.mailboxes.iter().zip(&world.reportees) {
            for message in mailbox {
                let state = world.altinn3.state(message);
                if let Some(at) = state.expires_at {
                    out.push((store::party_urn(party), state.id.clone(), at));
                }
            }
        }
        out
    }

    /// The service owner rejects the form in dialog `id` (one being filled in or signed):
    /// it needs action now (`RequiresAttention`) and has changed (`updatedAt`), as the
    /// app's process would make it. False when `id` is no such form.
    pub fn reject_form(&self, id: &str) -> bool {
        let mut world = lock(&self.state.world);
        let Some(key) = world.dialog_key(id) else {
            return false;
        };
        let Some((mailbox, index)) = store::find(&world.mailboxes, &key) else {
            return false;
        };
        let world = &mut *world;
        let message = &mut world.mailboxes[mailbox][index];
        let open = matches!(
            message.status,
            world::SimStatus::Filling | world::SimStatus::Signing
        );
        let state = world.altinn3.state(message);
        if !open || state.origin != world::Origin::App {
            return false;
        }
        state.attention = true;
        let now = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Oslo);
        message.last_changed = now.naive_local().max(message.last_changed);
        // The mailbox stays newest first, as the searches read it.
        let mailbox = &mut world.mailboxes[mailbox];
        let message = mailbox.remove(index);
        let at = mailbox.partition_point(|m| m.last_changed > message.last_changed);
        mailbox.insert(at, message);
        true
    }

    /// Puts random faults in force on the API from now on (see [`faults::FaultSpec`]).
    pub fn set_faults(&self, spec: faults::FaultSpec) {
        self.state.dice.set(spec);
    }

    /// Revokes every ID-porten grant mid-session (see [`idporten::revoke_all`]).
    pub fn revoke_grants(&self) {
        idporten::revoke_all(&self.state);
    }

    /// Ends every cookie session (as if they all expired).
    pub fn expire_sessions(&self) {
        lock(&self.state.cookies).clear();
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
