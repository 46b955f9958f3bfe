//! The accountant's desk from the shell: `sync`, `agenda`, `board`, `count` and `watch` as a
//! user runs them — the real binary against the simulator on Altinn 3, with a private HOME —
//! checked against what the simulator itself holds and was asked.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use innboks::sim::{SimConfig, Simulator};
use serde_json::{json, Value};

/// The real binary with a private HOME, pointed at a simulator's Altinn 3 face.
struct Cli {
    home: tempfile::TempDir,
    base: String,
    issuer: String,
}

impl Cli {
    fn new(sim: &Simulator) -> Self {
        Self {
            home: tempfile::tempdir().expect("home"),
            base: sim.base_url(),
            issuer: sim.issuer(),
        }
    }

    /// `innboks` with the environment's flags, then `args`, in the private HOME.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_innboks"));
        command
            .envs(common::home_env(self.home.path()))
            .args(["--env", "local", "--api", "altinn3"])
            .args(["--altinn-url", &self.base, "--issuer", &self.issuer])
            .args(["--client-id", "innboks"])
            .args(args)
            // (A developer's own keyring is not for tests.)
            .env("INNBOKS_KEYRING", "off")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("INNBOKS_API_KEY");
        command
    }

    /// Runs to the end: (exit code, stdout, stderr).
    async fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut command = self.command(args);
        let output = tokio::task::spawn_blocking(move || command.stdin(Stdio::null()).output())
            .await
            .expect("join")
            .expect("run innboks");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Runs and reads stdout as JSON, the exit code 0.
    async fn json(&self, args: &[&str]) -> Value {
        let (code, out, err) = self.run(args).await;
        assert_eq!(code, 0, "innboks {args:?}: {out}\n{err}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    }

    async fn login(&self) {
        let (code, out, err) = self.run(&["login", "--method", "device"]).await;
        assert_eq!(code, 0, "login: {out}\n{err}");
    }
}

/// A world of `parties` clients around now (so what is due is due from today), searches of
/// `limit` parties at most, logins approved at once.
fn desk_config(messages: usize, parties: usize, limit: usize) -> SimConfig {
    SimConfig {
        parties,
        party_limit: limit,
        anchor: Utc::now()
            .with_timezone(&chrono_tz::Europe::Oslo)
            .naive_local(),
        auto_approve: Some(Duration::ZERO),
        device_interval: Duration::from_millis(50),
        ..common::config(messages)
    }
}

/// An access token for the demo user, for asking the simulator what a search gives.
async fn token(sim: &Simulator) -> String {
    use innboks::auth::device;
    use innboks::auth::oidc::{self, Provider};
    let http = oidc::http_client().expect("http");
    let provider = Provider::discover(&http, &sim.issuer(), "innboks")
        .await
        .expect("discovery");
    let login = device::start(&provider, "openid digdir:dialogporten")
        .await
        .expect("device code");
    let (tokens, _) = device::poll(&provider, &login, oidc::DEFAULT_ACR)
        .await
        .expect("tokens");
    tokens.access_token.expose().to_owned()
}

/// The dialog searches in `log` (`GET …/enduser/dialogs?…`): their query pairs.
fn searches(log: &[String]) -> Vec<Vec<(String, String)>> {
    log.iter()
        .filter_map(|line| line.strip_prefix("GET "))
        .filter_map(|url| url.split_once('?'))
        .filter(|(path, _)| path.ends_with("/enduser/dialogs"))
        .map(|(_, query)| {
            url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .collect()
}

/// The parties a search names.
fn parties_of(query: &[(String, String)]) -> BTreeSet<String> {
    query
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("party"))
        .map(|(_, v)| v.clone())
        .collect()
}

fn has(query: &[(String, String)], key: &str) -> bool {
    query.iter().any(|(k, _)| k.eq_ignore_ascii_case(key))
}

/// Any request that reads one dialog (or anything under it): what marks it seen.
fn dialog_reads(log: &[String]) -> Vec<&String> {
    log.iter()
        .filter(|line| {
            let path = line.split('?').next().unwrap_or_default();
            path.contains("/enduser/dialogs/")
        })
        .collect()
}

/// Walks a search the way a client should: `query` (a first page's), then page after page
/// by continuation token. Every item, and how many pages it took.
async fn walk(sim: &Simulator, token: &str, query: &[(String, String)]) -> (Vec<Value>, usize) {
    let http = reqwest::Client::new();
    let url = format!("{}/dialogporten/api/v1/enduser/dialogs", sim.base_url());
    let mut items = Vec::new();
    let mut pages = 0;
    let mut continuation: Option<String> = None;
    loop {
        let mut pairs: Vec<(String, String)> = query
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("continuationToken"))
            .cloned()
            .collect();
        if let Some(token) = &continuation {
            pairs.push(("continuationToken".into(), token.clone()));
        }
        let page: Value = http
            .get(&url)
            .query(&pairs)
            .bearer_auth(token)
            .send()
            .await
            .expect("search")
            .json()
            .await
            .expect("json");
        pages += 1;
        items.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["continuationToken"].as_str() {
            Some(next) if page["hasNextPage"] == true => continuation = Some(next.to_owned()),
            _ => return (items, pages),
        }
    }
}

/// Delivers a letter through `POST /__sim/deliver`; its dialog id.
async fn deliver(sim: &Simulator, body: Value) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/__sim/deliver", sim.base_url()))
        .json(&body)
        .send()
        .await
        .expect("deliver");
    assert_eq!(response.status().as_u16(), 201);
    let answer: Value = response.json().await.expect("json");
    answer["id"].as_str().expect("id").to_owned()
}

fn time(value: &Value) -> Option<DateTime<Utc>> {
    value
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// The first sync reads every party in groups of the server's limit, page by page as a
/// group needs; progress never reaches stdout; nothing is opened. The next sync with
/// nothing changed asks once a group, each with `updatedAfter`; a delivered dialog is
/// picked up and counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_sync_asks_once_a_group_and_never_opens_a_dialog() {
    // Kari's own mailbox of 1,200 makes her group page; 250 clients and a few of her own in
    // searches of 100: three groups.
    let sim = Simulator::start(desk_config(1200, 250, 100))
        .await
        .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    let reportees = cli.json(&["reportees", "--json"]).await;
    let all: BTreeSet<String> = reportees
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|p| p["id"].as_str().map(str::to_owned))
        .collect();
    assert!(
        (251..=300).contains(&all.len()),
        "the 250 clients and Kari's own"
    );
    let groups = all.len().div_ceil(100);

    let start = sim.request_log().len();
    let (code, out, err) = cli.run(&["sync", "--reportee", "all", "--json"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).expect("stdout is the report alone");
    let log = sim.request_log()[start..].to_vec();
    let first = searches(&log);
    let mut by_group: BTreeMap<BTreeSet<String>, Vec<&Vec<(String, String)>>> = BTreeMap::new();
    for query in &first {
        by_group.entry(parties_of(query)).or_default().push(query);
    }
    assert_eq!(by_group.len(), groups, "⌈{} ÷ 100⌉ groups", all.len());
    let named: Vec<&String> = by_group.keys().flatten().collect();
    assert_eq!(named.len(), all.len(), "no party in two groups");
    assert_eq!(
        named.into_iter().cloned().collect::<BTreeSet<_>>(),
        all,
        "every party in one"
    );
    assert!(by_group.keys().all(|g| g.len() <= 100));
    assert!(
        first.iter().all(|q| !has(q, "updatedAfter")),
        "the first sync reads in full"
    );
    // Each group as many requests as its search has pages, walked as a client should.
    let token = token(&sim).await;
    let mut expected = 0;
    let mut dialogs = 0;
    let mut paged = false;
    for (group, queries) in &by_group {
        let opening = queries
            .iter()
            .find(|q| !has(q, "continuationToken"))
            .expect("a group's first page");
        let (items, pages) = walk(&sim, &token, opening).await;
        assert_eq!(
            queries.len(),
            pages,
            "{} parties: {pages} pages",
            group.len()
        );
        paged |= pages > 1;
        expected += pages;
        dialogs += items.len();
    }
    assert!(paged, "a group of more than a page pages");
    assert_eq!(report["groups"], groups);
    assert_eq!(report["requests"], expected, "{report}");
    assert_eq!(first.len(), expected);
    assert_eq!(
        report["changed"], dialogs,
        "every dialog on the desk: {report}"
    );
    assert!(
        !err.contains("gruppe"),
        "progress only on a terminal, never in a pipe: {err}"
    );
    assert!(dialog_reads(&log).is_empty(), "{:?}", dialog_reads(&log));
    assert_eq!(sim.opened_dialogs(), Vec::<String>::new(), "nothing seen");

    // Nothing changed: once a group, each asking for what changed since.
    let count_before = cli.json(&["count", "--json"]).await;
    let start = sim.request_log().len();
    let report = cli.json(&["sync", "--reportee", "all", "--json"]).await;
    let log = sim.request_log()[start..].to_vec();
    let second = searches(&log);
    assert_eq!(second.len(), groups, "{second:?}");
    assert!(second.iter().all(|q| has(q, "updatedAfter")), "{second:?}");
    assert_eq!(
        second
            .iter()
            .map(|q| parties_of(q))
            .collect::<BTreeSet<_>>(),
        by_group.keys().cloned().collect::<BTreeSet<_>>(),
        "the same groups"
    );
    assert_eq!(report["requests"], groups);
    assert_eq!(report["changed"], 0, "{report}");
    assert_eq!(cli.json(&["count", "--json"]).await, count_before);

    // A letter for a client, due in three days and asking for a confirmation (the board
    // syncs first: taken before it comes).
    let board_before = cli.json(&["board", "--json"]).await;
    let client = reportees
        .as_array()
        .and_then(|p| p.get(10))
        .and_then(|p| p["id"].as_str())
        .expect("a client")
        .to_owned();
    let due = (Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let id = deliver(
        &sim,
        json!({"party": client, "title": "Varsel om tvangsmulkt", "sender": "Skatteetaten",
               "due": due, "requires_attention": true}),
    )
    .await;
    let row_of = |board: &Value| {
        board
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["party"] == client.as_str()))
            .cloned()
            .expect("the client's row")
    };
    let start = sim.request_log().len();
    let report = cli.json(&["sync", "--json"]).await;
    assert_eq!(report["changed"], 1, "{report}");
    assert_eq!(searches(&sim.request_log()[start..]).len(), groups);
    let count_after = cli.json(&["count", "--json"]).await;
    for key in ["unread", "requires_attention", "due_7d"] {
        assert_eq!(
            count_after[key].as_u64(),
            count_before[key].as_u64().map(|n| n + 1),
            "{key}: {count_before} → {count_after}"
        );
    }
    let agenda = cli
        .json(&["agenda", "--json", "--reportee", "all", "--days", "14"])
        .await;
    let item = agenda
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["id"] == id.as_str()))
        .expect("on the agenda");
    assert_eq!(item["requires_attention"], true);
    assert_eq!(item["overdue"], false);
    assert_eq!(item["subject"], "Varsel om tvangsmulkt");
    assert_eq!(item["reportee"], client.as_str());
    let board_after = cli.json(&["board", "--json"]).await;
    let (before, after) = (row_of(&board_before), row_of(&board_after));
    for key in ["unread", "requires_attention", "due_14d"] {
        assert_eq!(
            after[key].as_u64(),
            before[key].as_u64().map(|n| n + 1),
            "{key}: {before} → {after}"
        );
    }
    assert!(time(&after["newest"]) >= time(&before["newest"]));
    assert!(
        dialog_reads(&sim.request_log()).is_empty(),
        "sync, agenda, board and count open nothing"
    );
    assert_eq!(sim.opened_dialogs(), Vec::<String>::new());
}
