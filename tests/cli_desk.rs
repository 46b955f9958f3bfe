//! The accountant's desk from the shell: `sync`, `agenda`, `board`, `count` and `watch` as a
//! user runs them — the real binary against the simulator on Altinn 3, with a private HOME —
//! checked against what the simulator itself holds and was asked.

mod common;

use common::cli::Cli;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use innboks::sim::{SimConfig, Simulator};
use serde_json::{json, Value};

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

/// A request's query: its pairs, as sent.
type Query = Vec<(String, String)>;

/// The dialog searches in `log` (`GET …/enduser/dialogs?…`): their query pairs.
fn searches(log: &[String]) -> Vec<Query> {
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
    let mut by_group: BTreeMap<BTreeSet<String>, Vec<&Query>> = BTreeMap::new();
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

/// What the desk should hold of one dialog, read from the simulator's own search.
#[derive(Debug, Clone)]
struct Truth {
    id: String,
    party: String,
    status: String,
    due: Option<DateTime<Utc>>,
    inbox: bool,
    unread: bool,
}

impl Truth {
    fn of(item: &Value) -> Self {
        let labels: Vec<&str> = item["endUserContext"]["systemLabels"]
            .as_array()
            .map(|l| l.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        Self {
            id: item["id"].as_str().unwrap_or_default().to_owned(),
            party: item["party"].as_str().unwrap_or_default().to_owned(),
            status: item["status"].as_str().unwrap_or_default().to_owned(),
            due: time(&item["dueAt"]),
            inbox: !labels.iter().any(|l| *l == "Archive" || *l == "Bin"),
            unread: item["isContentSeen"] == false || labels.contains(&"MarkedAsUnopened"),
        }
    }

    fn attention(&self) -> bool {
        self.status == "RequiresAttention"
    }

    fn completed(&self) -> bool {
        self.status == "Completed"
    }

    /// Still to be dealt with (domain/desk.rs): not completed, and needing action, a form not
    /// sent, or unread.
    fn pending(&self) -> bool {
        !self.completed()
            && (self.attention()
                || matches!(self.status.as_str(), "InProgress" | "Draft" | "Awaiting")
                || self.unread)
    }

    fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.inbox && self.pending() && self.due.is_some_and(|d| d < now)
    }

    fn due_within(&self, now: DateTime<Utc>, days: i64) -> bool {
        self.inbox
            && !self.completed()
            && self
                .due
                .is_some_and(|d| d >= now && d <= now + chrono::Duration::days(days))
    }
}

/// Every dialog the user's parties have, as the simulator's search gives them (groups of
/// `limit` parties, page after page).
async fn everything(sim: &Simulator, parties: &[String], limit: usize) -> Vec<Truth> {
    let token = token(sim).await;
    let mut all = Vec::new();
    for group in parties.chunks(limit) {
        let mut query: Vec<(String, String)> = group
            .iter()
            .map(|p| ("party".to_owned(), p.clone()))
            .collect();
        query.push(("excludeApiOnly".into(), "true".into()));
        query.push(("limit".into(), "1000".into()));
        let (items, _) = walk(sim, &token, &query).await;
        all.extend(items.iter().map(Truth::of));
    }
    all
}

/// A row's place in the agenda: overdue, within a week, later, no date.
fn agenda_rank(row: &Value, now: DateTime<Utc>) -> (u8, Option<DateTime<Utc>>) {
    let due = time(&row["due"]);
    let group = match due {
        None => 3,
        Some(d) if d < now => 0,
        Some(d) if d <= now + chrono::Duration::days(7) => 1,
        Some(_) => 2,
    };
    (group, due)
}

/// The agenda over every party: what is overdue first (longest overdue first), then what is
/// due soonest, then what needs action without a date; every row with the `list` keys and
/// `overdue` and `requires_attention`; nothing due beyond the days asked for unless it needs
/// action; per party what the simulator holds. The board: a row per party with its counts,
/// most urgent first. The count: the same totals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agenda_board_and_count_say_what_the_simulator_holds() {
    let sim = Simulator::start(desk_config(300, 120, 50))
        .await
        .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    let before = Utc::now();
    let agenda = cli
        .json(&["agenda", "--json", "--reportee", "all", "--days", "14"])
        .await;
    let board = cli.json(&["board", "--json"]).await;
    let count = cli.json(&["count", "--json"]).await;
    let now = Utc::now();
    // A party no one can act for is one plain line and exit 4, in every desk command.
    let out_dir = cli.home.path().join("export");
    let out_dir = out_dir.to_str().expect("a UTF-8 path");
    for args in [
        &["agenda", "--json", "--reportee", "r404"][..],
        &["list", "--json", "--expiring", "30", "--reportee", "r404"],
        &["export", "--json", "--out", out_dir, "--reportee", "r404"],
    ] {
        let (code, out, err) = cli.run(args).await;
        assert_eq!(code, 4, "{args:?}: {out}\n{err}");
        assert!(
            format!("{out}{err}").contains("not-found"),
            "{args:?}: {out}\n{err}"
        );
    }
    let parties: Vec<String> = (board.as_array().expect("rows").iter())
        .filter_map(|r| r["party"].as_str().map(str::to_owned))
        .collect();
    let truth = everything(&sim, &parties, 50).await;
    assert!(truth.len() > 500, "{}", truth.len());
    // A dialog due within a second of a window's edge would be counted by one clock and not
    // the other; the world has none (its times are made in whole minutes).
    let edges = [
        before,
        before + chrono::Duration::days(7),
        before + chrono::Duration::days(14),
    ];
    assert!(
        truth.iter().filter_map(|t| t.due).all(|d| edges
            .iter()
            .all(|e| (d - *e).num_seconds().abs() > (now - before).num_seconds() + 1)),
        "a due date on an edge"
    );

    // The agenda: its rows, its order, its keys.
    let rows = agenda.as_array().expect("rows");
    let list_keys = [
        "id",
        "subject",
        "sender",
        "service_owner",
        "status",
        "unread",
        "type",
        "received",
        "due",
        "requires_confirmation",
        "reportee",
    ];
    for row in rows {
        for key in list_keys.iter().chain(&["overdue", "requires_attention"]) {
            assert!(row.get(*key).is_some(), "{key} in {row}");
        }
        let due = time(&row["due"]);
        assert_eq!(row["overdue"], due.is_some_and(|d| d < now), "{row}");
        assert!(
            row["requires_attention"] == true
                || due.is_some_and(|d| d <= before + chrono::Duration::days(14)),
            "due beyond 14 days without needing action: {row}"
        );
    }
    let ranks: Vec<_> = rows.iter().map(|r| agenda_rank(r, now)).collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "overdue first, soonest first, no date last: {ranks:?}"
    );
    let groups: BTreeSet<u8> = ranks.iter().map(|r| r.0).collect();
    assert!(groups.contains(&0) && groups.contains(&1), "{groups:?}");
    let expected: BTreeSet<&str> = truth
        .iter()
        .filter(|t| t.inbox && (t.attention() || t.overdue(now) || t.due_within(now, 14)))
        .map(|t| t.id.as_str())
        .collect();
    let shown: BTreeSet<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(shown.len(), rows.len(), "each dialog once");
    assert_eq!(
        shown.symmetric_difference(&expected).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "the agenda is what the simulator holds"
    );
    for row in rows {
        let t = truth.iter().find(|t| t.id == row["id"]).expect("known");
        assert_eq!(row["requires_attention"], t.attention(), "{row}");
        assert_eq!(row["reportee"], t.party.as_str());
    }

    // The simulator's own account of each party (sim::due): what asks the party to act,
    // by how pressing it is, against the agenda's rows of those statuses.
    let due = sim.due(now);
    let (mut compared, mut pressing) = (0, 0);
    for party in &due {
        let of = |test: &dyn Fn(&Truth) -> bool| {
            truth
                .iter()
                .filter(|t| t.party == party.party && t.inbox && test(t))
                .count()
        };
        let asks = |t: &Truth| {
            matches!(
                t.status.as_str(),
                "RequiresAttention" | "InProgress" | "Draft"
            )
        };
        let in_archive = truth
            .iter()
            .any(|t| t.party == party.party && !t.inbox && asks(t));
        if in_archive {
            continue;
        }
        compared += 1;
        pressing += party.overdue + party.this_week + party.requires_attention;
        assert_eq!(
            of(&|t| asks(t) && t.overdue(now)),
            party.overdue,
            "{party:?}"
        );
        assert_eq!(
            of(&|t| asks(t) && t.due_within(now, 14)),
            party.this_week + party.next_week,
            "{party:?}"
        );
        assert_eq!(of(&Truth::attention), party.requires_attention, "{party:?}");
    }
    assert!(compared > due.len() / 2, "{compared} of {}", due.len());
    assert!(
        pressing > 10,
        "the parties compared have something pressing: {pressing}"
    );

    // The board: one row per party, its keys, most urgent first, its counts.
    let board_rows = board.as_array().expect("rows");
    let reportees = cli.json(&["reportees", "--json"]).await;
    let listed: BTreeSet<&str> = (reportees.as_array().expect("array").iter())
        .filter_map(|p| p["id"].as_str())
        .collect();
    let on_board: BTreeSet<&str> = board_rows
        .iter()
        .filter_map(|r| r["party"].as_str())
        .collect();
    assert_eq!(on_board, listed, "one row per party");
    assert_eq!(board_rows.len(), listed.len(), "each once");
    assert!(
        due.iter().all(|p| on_board.contains(p.party.as_str())),
        "every party with a mailbox"
    );
    for row in board_rows {
        for key in [
            "party",
            "name",
            "organisation_number",
            "unread",
            "requires_attention",
            "due_14d",
            "overdue",
            "newest",
        ] {
            assert!(row.get(key).is_some(), "{key} in {row}");
        }
    }
    let urgency = |r: &Value| {
        let n = |k: &str| std::cmp::Reverse(r[k].as_u64().unwrap_or(0));
        (
            n("overdue"),
            n("requires_attention"),
            n("due_14d"),
            n("unread"),
            std::cmp::Reverse(time(&r["newest"])),
        )
    };
    assert!(
        board_rows
            .windows(2)
            .all(|w| urgency(&w[0]) <= urgency(&w[1])),
        "most urgent first"
    );
    let sum = |k: &str| board_rows.iter().filter_map(|r| r[k].as_u64()).sum::<u64>();
    assert!(sum("overdue") > 0 && sum("requires_attention") > 0 && sum("due_14d") > 0);
    for row in board_rows {
        let party = row["party"].as_str().expect("party");
        let of = |test: &dyn Fn(&Truth) -> bool| {
            truth
                .iter()
                .filter(|t| t.party == party && t.inbox && test(t))
                .count() as u64
        };
        if let Some(p) = due.iter().find(|p| p.party == party) {
            assert_eq!(row["name"].as_str(), Some(p.name.as_str()), "{row}");
        }
        assert_eq!(row["unread"], of(&|t| t.unread), "{row}");
        assert_eq!(row["requires_attention"], of(&Truth::attention), "{row}");
        assert_eq!(row["due_14d"], of(&|t| t.due_within(now, 14)), "{row}");
        assert_eq!(row["overdue"], of(&|t| t.overdue(now)), "{row}");
    }

    // The count: the same totals, over every party's inbox.
    let total =
        |test: &dyn Fn(&Truth) -> bool| truth.iter().filter(|t| t.inbox && test(t)).count() as u64;
    assert_eq!(
        count,
        json!({
            "unread": total(&|t| t.unread),
            "requires_attention": total(&Truth::attention),
            "due_7d": total(&|t| t.due_within(now, 7)),
            "overdue": total(&|t| t.overdue(now)),
            "expiring_30d": 0,
        }),
        "search tells no expiry"
    );
    assert_eq!(count["overdue"], sum("overdue"));
    assert!(dialog_reads(&sim.request_log()).is_empty());
    assert_eq!(sim.opened_dialogs(), Vec::<String>::new());

    // The count from the cache alone: the simulator stopped, and a home that holds nothing
    // but the cache (no session, no keyring, no config).
    sim.stop().await;
    let bare = Cli {
        home: tempfile::tempdir().expect("home"),
        base: cli.base.clone(),
        issuer: cli.issuer.clone(),
    };
    copy_dir(
        &cli.home.path().join("cache"),
        &bare.home.path().join("cache"),
    );
    let (code, _, _) = bare.run(&["status"]).await;
    assert_eq!(code, 3, "nobody is logged in there");
    for home in [&cli, &bare] {
        assert_eq!(home.json(&["count", "--json"]).await, count);
        let n = |k: &str| count[k].as_u64().expect("a count");
        assert!(
            n("overdue") > 1 && n("due_7d") > 1 && n("requires_attention") > 1 && n("unread") > 1
        );
        let (code, out, err) = home.run(&["count"]).await;
        assert_eq!((code, err.as_str()), (0, ""));
        assert_eq!(
            out,
            format!(
                "{} forfalt · {} frister · {} å handle · {} uleste\n",
                n("overdue"),
                n("due_7d"),
                n("requires_attention"),
                n("unread")
            )
        );
        let (code, out, _) = home
            .run(&[
                "count",
                "--format",
                "{unread} uleste, {overdue} forfalt {x:y} {}",
            ])
            .await;
        assert_eq!(code, 0);
        assert_eq!(
            out,
            format!(
                "{} uleste, {} forfalt {{x:y}} {{}}\n",
                n("unread"),
                n("overdue")
            )
        );
        // A field it does not know: one plain line, the usage exit code, nothing printed.
        let (code, out, err) = home.run(&["count", "--format", "{unread} {unred}"]).await;
        assert_eq!(code, 2, "{err}");
        assert_eq!(out, "");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("innboks: --format: ukjent felt «unred»"),
            "{err}"
        );
        let (code, _, err) = home.run(&["count", "--json", "--format", "{nope}"]).await;
        assert_eq!(code, 2);
        let said: Value = serde_json::from_str(&err).expect("a JSON line");
        assert_eq!(said["code"], "usage");
    }
    // The agenda and the board offline: from the cache, saying how old it is.
    let (code, out, err) = bare.run(&["--offline", "board", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).expect("json"), board);
    assert!(
        err.contains("frakoblet: skrivebordet slik det var"),
        "{err}"
    );
    let (code, out, _) = bare
        .run(&[
            "--offline",
            "agenda",
            "--json",
            "--reportee",
            "all",
            "--days",
            "14",
        ])
        .await;
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<Value>(&out).expect("json"), agenda);
}

/// Copies a directory and everything under it.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// A running `innboks watch`: its stdout and stderr lines as they come. Killed when
/// dropped, if still running.
struct Watching {
    child: Child,
    out: mpsc::Receiver<String>,
    err: mpsc::Receiver<String>,
    said: Vec<String>,
    complained: Vec<String>,
}

impl Watching {
    fn start(cli: &Cli, args: &[&str]) -> Self {
        let mut child = cli
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("watch starts");
        let lines = |read: Box<dyn std::io::Read + Send>| {
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(read).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
            rx
        };
        let out = lines(Box::new(child.stdout.take().expect("stdout")));
        let err = lines(Box::new(child.stderr.take().expect("stderr")));
        Self {
            child,
            out,
            err,
            said: Vec::new(),
            complained: Vec::new(),
        }
    }

    /// Takes what was printed so far.
    fn gather(&mut self) {
        self.said.extend(self.out.try_iter());
        self.complained.extend(self.err.try_iter());
    }

    /// Waits up to `timeout` for a stdout line that `wanted` takes; every line is kept.
    fn wait_out(&mut self, timeout: Duration, wanted: impl Fn(&Value) -> bool) -> Option<Value> {
        let end = Instant::now() + timeout;
        let mut looked = 0;
        loop {
            self.gather();
            for line in &self.said[looked..] {
                let event: Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("a JSON line on stdout: {e}: {line}"));
                if wanted(&event) {
                    return Some(event);
                }
            }
            looked = self.said.len();
            if Instant::now() > end {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits up to `timeout` until stderr has said `text` `times` times.
    fn wait_err(&mut self, timeout: Duration, text: &str, times: usize) -> bool {
        let end = Instant::now() + timeout;
        loop {
            self.gather();
            if self.complained.iter().filter(|l| l.contains(text)).count() >= times {
                return true;
            }
            if Instant::now() > end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The JSON events printed so far.
    fn events(&mut self) -> Vec<Value> {
        self.gather();
        self.said
            .iter()
            .map(|l| serde_json::from_str(l).expect("JSON lines"))
            .collect()
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_none()
    }

    /// Ends it as a service manager would (SIGTERM); its exit code.
    fn stop(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(sent.success());
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Waits until the simulator has answered `n` more dialog searches than `from`.
async fn searched(sim: &Simulator, from: usize, n: usize, timeout: Duration) -> bool {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if searches(&sim.request_log()).len() >= from + n {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// A line of `env`'s output read back: the variables that start with `INNBOKS_`.
fn innboks_env(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| l.starts_with("INNBOKS_"))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// `watch --json` tells a delivered dialog within an interval or two, once, as a JSON line;
/// `--exec` gets it in `INNBOKS_*` variables and nothing of a hostile title reaches a shell
/// line; SIGTERM ends it with 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_tells_a_new_dialog_once_and_gives_exec_its_text_as_environment_only() {
    let sim = Simulator::start(desk_config(100, 20, 100))
        .await
        .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    let dir = tempfile::tempdir().expect("dir");
    let told = dir.path().join("told");
    std::fs::create_dir(&told).expect("mkdir");
    let exec = format!("env > \"{}/$INNBOKS_EVENT-$INNBOKS_ID\"", told.display());
    let mut watch = Watching::start(
        &cli,
        &["watch", "--interval", "1", "--json", "--exec", &exec],
    );
    // The first round is the baseline (nothing in it is new); a second shows it goes on.
    assert!(
        searched(&sim, 0, 2, Duration::from_secs(20)).await,
        "two rounds: {:?}",
        watch.complained
    );
    assert!(
        watch.events().iter().all(|e| e["event"] != "new"),
        "what was there at the start is not new: {:?}",
        watch.said
    );

    let pwned = [dir.path().join("pwned1"), dir.path().join("pwned2")];
    let title = format!(
        "Frist $(touch {}) `touch {}` ; rm -rf \"$HOME\" | cat /etc/passwd \u{1b}[31mRØD\u{1b}[0m \u{1b}]0;tittel\u{7}slutt",
        pwned[0].display(),
        pwned[1].display()
    );
    let party = "urn:altinn:organization:identifier-no:912345678";
    let due = Utc::now() + chrono::Duration::days(2);
    let before = searches(&sim.request_log()).len();
    let id = deliver(
        &sim,
        json!({"party": party, "title": title, "sender": "Arbeidstilsynet",
               "due": due.to_rfc3339()}),
    )
    .await;
    let new = watch
        .wait_out(Duration::from_secs(30), |e| {
            e["event"] == "new" && e["id"] == id.as_str()
        })
        .unwrap_or_else(|| panic!("told: {:?} {:?}", watch.said, watch.complained));
    // Within an interval: told by the first round that began after the delivery (one
    // search a round here: 21 parties, a limit of 100), counted in rounds, not seconds.
    let rounds = searches(&sim.request_log()).len() - before;
    assert!(
        rounds <= 3,
        "told after {rounds} rounds: the one in flight, the next, and one begun since"
    );
    // The escape sequences go whole, as everywhere server text is shown; the shell's
    // characters stay as they came.
    let clean = format!(
        "Frist $(touch {}) `touch {}` ; rm -rf \"$HOME\" | cat /etc/passwd RØD slutt",
        pwned[0].display(),
        pwned[1].display()
    );
    assert_eq!(new["title"], clean.as_str());
    assert!(!clean
        .chars()
        .any(|c| common::forbidden_on_a_terminal(c, false)));
    assert_eq!(new["party"], party);
    assert_eq!(new["party_name"], "NORDMANN BYGG AS");
    assert_eq!(new["sender"], "Arbeidstilsynet");
    assert_eq!(
        time(&new["due"]).map(|d| d.timestamp()),
        Some(due.timestamp())
    );
    assert_eq!(new["requires_attention"], false);
    assert!(new.get("expires").is_some(), "expires in {new}");

    // Three more rounds: nothing told again.
    let from = searches(&sim.request_log()).len();
    assert!(searched(&sim, from, 3, Duration::from_secs(15)).await);
    let events = watch.events();
    let about: Vec<&str> = events
        .iter()
        .filter(|e| e["id"] == id.as_str())
        .filter_map(|e| e["event"].as_str())
        .collect();
    assert_eq!(about, ["new", "due_soon"], "each event once: {events:?}");
    let mut keys = BTreeSet::new();
    for event in &events {
        let key = (event["event"].to_string(), event["id"].to_string());
        assert!(keys.insert(key), "told twice: {event}");
    }

    // --exec: the event in the environment, the title as shown (no escape sequence),
    // nothing run from it.
    let file = told.join(format!("new-{id}"));
    let env = innboks_env(&std::fs::read_to_string(&file).expect("--exec ran for it"));
    assert_eq!(env.get("INNBOKS_EVENT").map(String::as_str), Some("new"));
    assert_eq!(env.get("INNBOKS_ID"), Some(&id));
    assert_eq!(env.get("INNBOKS_PARTY").map(String::as_str), Some(party));
    assert_eq!(env.get("INNBOKS_TITLE"), Some(&clean));
    let due_env = env.get("INNBOKS_DUE").expect("INNBOKS_DUE");
    assert_eq!(
        DateTime::parse_from_rfc3339(due_env).map(|d| d.timestamp()),
        Ok(due.timestamp())
    );
    assert!(told.join(format!("due_soon-{id}")).exists());
    for marker in &pwned {
        assert!(!marker.exists(), "{} was made", marker.display());
    }
    assert!(watch.running());
    assert_eq!(watch.stop(), Some(0), "SIGTERM ends it with 0");
    assert_eq!(sim.opened_dialogs(), Vec::<String>::new());
}

/// `watch` lives through the simulator going away: it says on stderr that it could not
/// update and tries again each interval, and when the server is back on its port it tells
/// what came meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_keeps_going_while_the_server_is_gone_and_resumes_when_it_is_back() {
    let state = tempfile::tempdir().expect("dir");
    let config = SimConfig {
        // The provider's keys and grants kept, so the restarted one knows the session.
        state_file: Some(state.path().join("sim-state.json")),
        ..desk_config(100, 10, 100)
    };
    let sim = Simulator::start(config.clone()).await.expect("sim");
    let port = sim.addr().port();
    let cli = Cli::new(&sim);
    cli.login().await;
    let mut watch = Watching::start(&cli, &["watch", "--interval", "1", "--json"]);
    assert!(searched(&sim, 0, 2, Duration::from_secs(20)).await);
    sim.stop().await;

    let lost = "kunne ikke oppdatere";
    assert!(
        watch.wait_err(Duration::from_secs(40), lost, 3),
        "said each round: {:?}",
        watch.complained
    );
    assert!(watch.running(), "still watching");
    let line = watch
        .complained
        .iter()
        .find(|l| l.contains(lost))
        .cloned()
        .unwrap_or_default();
    assert!(
        line.starts_with("innboks watch: kunne ikke oppdatere (")
            && line.ends_with("); prøver igjen"),
        "{line}"
    );

    let sim = Simulator::start(SimConfig { port, ..config })
        .await
        .expect("the simulator again, on its port");
    let id = deliver(
        &sim,
        json!({"party": "urn:altinn:person:identifier-no:01017012345", "title": "Mens du var borte"}),
    )
    .await;
    let new = watch
        .wait_out(Duration::from_secs(15), |e| {
            e["event"] == "new" && e["id"] == id.as_str()
        })
        .unwrap_or_else(|| panic!("told: {:?} {:?}", watch.said, watch.complained));
    assert_eq!(new["title"], "Mens du var borte");
    assert_eq!(watch.stop(), Some(0));

    // Started with the server gone, it cannot resume the session: at once, exit 5.
    sim.stop().await;
    let (code, out, err) = cli.run(&["watch", "--interval", "1"]).await;
    assert_eq!((code, out.as_str()), (5, ""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// `watch` lives through a session that ends (the grant revoked at ID-porten): it says to
/// log in again and keeps going, and takes the new login made in another terminal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_says_to_log_in_again_and_takes_the_new_login() {
    let sim = Simulator::start(SimConfig {
        token_ttl: Duration::from_secs(2),
        ..desk_config(100, 10, 100)
    })
    .await
    .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    let mut watch = Watching::start(&cli, &["watch", "--interval", "1", "--json"]);
    assert!(searched(&sim, 0, 2, Duration::from_secs(20)).await);
    sim.revoke_grants();

    let again = "logg inn igjen med innboks login";
    assert!(
        watch.wait_err(Duration::from_secs(20), again, 2),
        "said each round: {:?}",
        watch.complained
    );
    assert!(watch.running(), "still watching");
    assert!(
        watch
            .complained
            .iter()
            .all(|l| l.starts_with("innboks watch: ")),
        "{:?}",
        watch.complained
    );

    cli.login().await;
    let id = deliver(
        &sim,
        json!({"party": "urn:altinn:person:identifier-no:01017012345", "title": "Etter ny innlogging"}),
    )
    .await;
    let new = watch
        .wait_out(Duration::from_secs(15), |e| {
            e["event"] == "new" && e["id"] == id.as_str()
        })
        .unwrap_or_else(|| panic!("told: {:?} {:?}", watch.said, watch.complained));
    assert_eq!(new["title"], "Etter ny innlogging");
    assert_eq!(watch.stop(), Some(0));

    // Nobody logged in at the start: at once, exit 3.
    let (code, _, err) = cli.run(&["logout"]).await;
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = cli.run(&["watch", "--interval", "1"]).await;
    assert_eq!((code, out.as_str()), (3, ""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// SIGTERM while a round is under way (its `--exec` running) ends `watch` with 0 at once,
/// as it does between rounds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_ends_on_sigterm_in_the_middle_of_a_round() {
    let sim = Simulator::start(desk_config(50, 5, 100))
        .await
        .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    deliver(
        &sim,
        json!({"party": "urn:altinn:person:identifier-no:01017012345", "title": "I morgen",
               "due": (Utc::now() + chrono::Duration::days(1)).to_rfc3339()}),
    )
    .await;
    let dir = tempfile::tempdir().expect("dir");
    let started = dir.path().join("started");
    let exec = format!("touch \"{}\"; sleep 30", started.display());
    let mut watch = Watching::start(&cli, &["watch", "--interval", "1", "--exec", &exec]);
    let end = Instant::now() + Duration::from_secs(20);
    while !started.exists() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(started.exists(), "--exec ran: {:?}", watch.complained);
    assert!(watch.running());
    let asked = Instant::now();
    assert_eq!(watch.stop(), Some(0));
    // Not after the command's half minute: the watch does not wait for it.
    assert!(
        asked.elapsed() < Duration::from_secs(15),
        "at once, not after --exec"
    );
}

/// On a terminal the sync says on stderr how far it has come, group by group, and erases
/// the line at the end, while stdout (here a file) holds the report alone; the groups go at
/// most `concurrency` (4) at a time, and more than one at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_shows_its_progress_on_a_terminal_and_keeps_to_its_concurrency() {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    use std::io::Read;
    let sim = Simulator::start(SimConfig {
        latency: Duration::from_millis(150),
        ..desk_config(50, 60, 5)
    })
    .await
    .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    let parties = cli.json(&["reportees", "--json"]).await;
    let groups = parties.as_array().expect("array").len().div_ceil(5);
    assert!(groups > 8, "{groups}");

    let report = cli.home.path().join("report.json");
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let template = cli.command(&["sync", "--json"]);
    let mut shell = CommandBuilder::new("sh");
    // stdout to a file, stderr on the terminal.
    shell.args(["-c", "exec \"$0\" \"$@\" > \"$REPORT\""]);
    shell.arg(template.get_program());
    shell.args(template.get_args());
    for (key, value) in template.get_envs() {
        match value {
            Some(value) => shell.env(key, value),
            None => shell.env_remove(key),
        }
    }
    shell.env("REPORT", &report);
    shell.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(shell).expect("spawn");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let screen = std::thread::spawn(move || {
        let _master = pair.master;
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        raw
    });
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "{status:?}");
    let raw = String::from_utf8_lossy(&screen.join().expect("reader")).into_owned();
    assert!(
        raw.contains(&format!(
            "Oppdaterer skrivebordet … gruppe {groups} av {groups}"
        )),
        "{raw:?}"
    );
    assert!(raw.contains("gruppe 1 av"), "{raw:?}");
    assert!(raw.ends_with("\r\u{1b}[2K"), "erased at the end: {raw:?}");
    assert!(!raw.contains('{'), "no JSON on the terminal: {raw:?}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    assert_eq!(report["groups"], groups);
    assert_eq!(report["requests"], groups, "a page each: {report}");
    let in_flight = sim.stats().max_in_flight;
    assert!((2..=4).contains(&in_flight), "{in_flight} at once");
}

/// The desk sync as a library, where a test can change the parties (a client added, as
/// happens to an accountant): the groups (of sorted parties) shift, and a dialog that came meanwhile to a
/// client already on the desk is still news, while the added client's own dialogs are
/// not; the time the desk says it was synced is the latest whole sync's, not that of a
/// grouping no longer in use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dialog_is_news_when_a_client_is_added_and_the_groups_shift() {
    use innboks::cache::{Cache, CacheHandle, DeskScope};
    use innboks::desk::sync::{sync_desk, SyncOptions};
    use innboks::domain::DeskEventKind;
    let sim = Simulator::start(desk_config(50, 30, 10))
        .await
        .expect("sim");
    let backend = common::altinn3_backend(&sim).await;
    let mut parties = backend.parties().await.expect("parties");
    assert!(parties.len() > 30);
    // In the order the groups are made, so that the one added first shifts them all.
    parties.sort_by(|a, b| a.id.cmp(&b.id));
    let dir = tempfile::tempdir().expect("dir");
    let cache_handle =
        CacheHandle::start(Cache::open(&dir.path().join("cache.sqlite3")).expect("cache"));
    let scope = DeskScope {
        env: "local".into(),
        user: "kari".into(),
    };
    // One sync of `parties`, kept as the user's parties first, as every caller does.
    let sync = |parties: Vec<innboks::domain::Party>| {
        let (backend, scope, cache) = (&backend, scope.clone(), cache_handle.clone());
        async move {
            let (kept, whose) = (parties.clone(), scope.clone());
            cache
                .ask(move |c| c.set_parties(&whose.env, &whose.user, &kept))
                .await;
            sync_desk(
                backend,
                &cache,
                &scope,
                &parties,
                SyncOptions::default(),
                |_, _| {},
            )
            .await
            .expect("sync")
        }
    };

    // A single client first, then all but the first: two groupings, both baselines.
    let report = sync(parties[5..6].to_vec()).await;
    assert!(report.events.is_empty());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let whole_began = Utc::now();
    let report = sync(parties[1..].to_vec()).await;
    assert!(report.events.is_empty(), "the first sync is the baseline");
    let synced = |cache: &CacheHandle| {
        let (cache, scope) = (cache.clone(), scope.clone());
        async move {
            cache
                .ask(move |c| c.desk_synced_at(&scope).expect("read"))
                .await
                .flatten()
                .expect("synced")
        }
    };
    let whole = synced(&cache_handle).await;
    // Not the single client's, two seconds before (a second's room for the clocks).
    assert!(
        whole >= whole_began - chrono::Duration::seconds(1),
        "the latest whole sync: {whole}, begun {whole_began}"
    );

    // A letter for a client of the last group; then the first is added, and every group
    // shifts by one.
    let with_mailbox: BTreeSet<String> = sim.due(Utc::now()).into_iter().map(|p| p.party).collect();
    let client = (parties[parties.len() - 10..].iter().rev())
        .find(|p| with_mailbox.contains(&p.id) && p.id.contains("organization"))
        .expect("a client in the last group");
    let id = deliver(
        &sim,
        json!({"party": client.id, "title": "Mens gruppene skiftet"}),
    )
    .await;
    let report = sync(parties.clone()).await;
    let new: Vec<&str> = (report.events.iter())
        .filter(|e| e.kind == DeskEventKind::New)
        .map(|e| e.item.summary.id.as_str())
        .collect();
    assert_eq!(
        new,
        [id.as_str()],
        "news; the added party's own dialogs are not"
    );
}

/// Hostile text (escape sequences, bidi overrides, C1 controls, zero-width marks) in a
/// title and a sender reaches no output of the desk's commands, plain or JSON, nor a plain
/// `watch` line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_stays_harmless_on_the_desk() {
    let sim = Simulator::start(SimConfig {
        hostile: true,
        ..desk_config(60, 5, 100)
    })
    .await
    .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    let kari = "urn:altinn:person:identifier-no:01017012345";
    let hostile = json!({
        "party": kari,
        "title": "Frist\u{1b}]0;pwned\u{7} i dag \u{202e}fdp.exe\u{1b}[2J\u{200b}",
        "sender": "Skatteetaten\u{9b}31m\u{200f}",
        "due": (Utc::now() + chrono::Duration::days(1)).to_rfc3339(),
        "requires_attention": true,
    });
    deliver(&sim, hostile.clone()).await;
    let mut watch = Watching::start(&cli, &["watch", "--interval", "1"]);
    assert!(searched(&sim, 0, 1, Duration::from_secs(20)).await);
    let id = deliver(&sim, hostile).await;
    let harmless = |args: &[&str], out: &str| {
        let bad: Vec<char> = out
            .chars()
            .filter(|c| common::forbidden_on_a_terminal(*c, true))
            .collect();
        assert!(bad.is_empty(), "{args:?} printed {bad:?}: {out:?}");
    };
    let end = Instant::now() + Duration::from_secs(15);
    while Instant::now() < end && !watch.said.iter().any(|l| l.contains(&id)) {
        std::thread::sleep(Duration::from_millis(50));
        watch.gather();
    }
    let line = watch
        .said
        .iter()
        .find(|l| l.contains(&id))
        .cloned()
        .unwrap_or_else(|| panic!("told: {:?} {:?}", watch.said, watch.complained));
    assert!(line.starts_with("ny  "), "{line}");
    assert!(line.contains("Frist i dag"), "{line}");
    for said in &watch.said {
        harmless(&["watch"], said);
    }
    assert_eq!(watch.stop(), Some(0));
    for args in [
        &["agenda"][..],
        &["agenda", "--json"],
        &["board"],
        &["board", "--json"],
        &["count"],
        &["sync", "--json"],
    ] {
        let (code, out, err) = cli.run(args).await;
        assert_eq!(code, 0, "{args:?}: {err}");
        harmless(args, &out);
        harmless(args, &err);
    }
    let (_, out, _) = cli.run(&["agenda"]).await;
    assert!(out.contains("Frist i dag"), "{out}");
    assert!(out.contains(&id));
}

/// Waits until the simulator's log holds `n` requests past `from`, with when each came.
async fn timed_requests(
    sim: &Simulator,
    from: usize,
    n: usize,
    timeout: Duration,
) -> Vec<(String, Instant)> {
    let end = Instant::now() + timeout;
    let mut seen: Vec<(String, Instant)> = Vec::new();
    // The simulator's own times: a test's polling late under load cannot narrow a gap.
    while seen.len() < n && Instant::now() < end {
        seen = sim.timed_request_log().into_iter().skip(from).collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    seen
}

/// Throttled (`429` with `Retry-After: 1`, four times: the request's own three tries
/// again fail too), `watch` waits as asked between tries, says once that it could not
/// update, waits twice its interval before the next round, and goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_honours_retry_after_and_backs_off_when_throttled() {
    let sim = Simulator::start(desk_config(50, 5, 100))
        .await
        .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    let mut watch = Watching::start(&cli, &["watch", "--interval", "1", "--json"]);
    assert!(searched(&sim, 0, 2, Duration::from_secs(20)).await);
    // Between rounds: the next request is the next round's first.
    let rounds = searches(&sim.request_log()).len();
    while searches(&sim.request_log()).len() == rounds {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let from = sim.request_log().len();
    sim.faults().throttle_next(4, 1);
    let mut timed = timed_requests(&sim, from, 5, Duration::from_secs(30)).await;
    assert!(timed.len() >= 5, "{timed:?}");
    timed.truncate(5);
    let throttled = &timed[..4];
    assert!(
        throttled.iter().all(|(line, _)| *line == throttled[0].0),
        "the same request tried again: {timed:?}"
    );
    for pair in throttled.windows(2) {
        let waited = pair[1].1 - pair[0].1;
        assert!(
            waited >= Duration::from_millis(900),
            "Retry-After: 1, waited {waited:?}"
        );
    }
    let backoff = timed[4].1 - timed[3].1;
    assert!(
        backoff >= Duration::from_millis(1900),
        "twice the interval before the next round: {backoff:?}"
    );
    assert!(watch.wait_err(Duration::from_secs(5), "kunne ikke oppdatere", 1));
    assert!(
        watch.complained.iter().any(|l| l.contains("429")),
        "{:?}",
        watch.complained
    );
    let id = deliver(
        &sim,
        json!({"party": "urn:altinn:person:identifier-no:01017012345", "title": "Etter strupingen"}),
    )
    .await;
    assert!(watch
        .wait_out(Duration::from_secs(10), |e| e["id"] == id.as_str()
            && e["event"] == "new")
        .is_some());
    watch.gather();
    assert_eq!(
        (watch.complained.iter())
            .filter(|l| l.contains("kunne ikke oppdatere"))
            .count(),
        1,
        "said once: {:?}",
        watch.complained
    );
    assert_eq!(watch.stop(), Some(0));
}

/// What the user does from the shell shows on the desk at once: an archived dialog leaves
/// the agenda and the counts, one marked read is no longer unread, one restored is back —
/// even though Dialogporten's `updatedAt` (and so the next incremental sync) does not move
/// for a label or a read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_shell_does_to_a_dialog_shows_on_the_desk_at_once() {
    let sim = Simulator::start(desk_config(60, 5, 100))
        .await
        .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    let kari = "urn:altinn:person:identifier-no:01017012345";
    let due = (Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let id = deliver(
        &sim,
        json!({"party": kari, "title": "Bekreft mottak", "due": due, "requires_attention": true}),
    )
    .await;
    let counts = |c: &Value| {
        ["unread", "requires_attention", "due_7d"].map(|k| c[k].as_u64().expect("count"))
    };
    let on_agenda = |agenda: &Value| {
        agenda
            .as_array()
            .is_some_and(|rows| rows.iter().any(|r| r["id"] == id.as_str()))
    };
    cli.json(&["sync", "--json"]).await;
    let before = counts(&cli.json(&["count", "--json"]).await);

    let (code, _, err) = cli.run(&["mark-read", &id]).await;
    assert_eq!(code, 0, "{err}");
    let read = counts(&cli.json(&["count", "--json"]).await);
    assert_eq!(
        read,
        [before[0] - 1, before[1], before[2]],
        "read: {before:?} → {read:?}"
    );

    let (code, _, err) = cli.run(&["archive", &id]).await;
    assert_eq!(code, 0, "{err}");
    let archived = counts(&cli.json(&["count", "--json"]).await);
    assert_eq!(
        archived,
        [before[0] - 1, before[1] - 1, before[2] - 1],
        "archived: {before:?} → {archived:?}"
    );
    assert!(
        !on_agenda(&cli.json(&["agenda", "--json"]).await),
        "off the agenda"
    );
    assert_eq!(
        counts(&cli.json(&["count", "--json"]).await),
        archived,
        "after a sync too"
    );

    let (code, _, err) = cli.run(&["restore", &id]).await;
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cli.run(&["mark-unread", &id]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        counts(&cli.json(&["count", "--json"]).await),
        before,
        "back"
    );
    assert!(
        on_agenda(&cli.json(&["agenda", "--json"]).await),
        "on the agenda again"
    );

    // Opening it (`show`, which on Altinn 3 marks it seen) reads it on the desk too.
    let (code, _, err) = cli.run(&["show", &id]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        counts(&cli.json(&["count", "--json"]).await),
        read,
        "opened is read"
    );
}

/// Search never says when Altinn deletes a dialog; an opened one does, and the desk keeps
/// it: `count`'s `expiring_30d` knows a dialog once `show` has opened it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opened_dialog_tells_the_desk_when_altinn_deletes_it() {
    let sim = Simulator::start(desk_config(600, 60, 100))
        .await
        .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    let now = Utc::now();
    let soon: Vec<(String, String)> = sim
        .expiring_dialogs()
        .into_iter()
        .filter(|(_, _, at)| *at > now + chrono::Duration::hours(1))
        .filter(|(_, _, at)| *at < now + chrono::Duration::days(29))
        .map(|(party, id, _)| (party, id))
        .collect();
    let Some((party, id)) = soon.first() else {
        panic!("the simulator's clients have letters that expire within a month");
    };
    cli.json(&["sync", "--json"]).await;
    let expiring = |c: &Value| c["expiring_30d"].as_u64().expect("a count");
    assert_eq!(
        expiring(&cli.json(&["count", "--json"]).await),
        0,
        "search does not say"
    );
    let (code, _, err) = cli.run(&["show", id, "--reportee", party]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(expiring(&cli.json(&["count", "--json"]).await), 1);
    // A sync after keeps what the open told (a search row comes without it).
    cli.json(&["sync", "--json"]).await;
    assert_eq!(expiring(&cli.json(&["count", "--json"]).await), 1);
}

/// A form the service owner rejects needs action again: the next sync tells
/// `needs_action` for it (and `watch` with it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_that_now_needs_action_is_news() {
    use innboks::cache::{Cache, CacheHandle, DeskScope};
    use innboks::desk::sync::{sync_desk, SyncOptions};
    use innboks::domain::DeskEventKind;
    let sim = Simulator::start(desk_config(300, 30, 100))
        .await
        .expect("sim");
    let backend = common::altinn3_backend(&sim).await;
    let parties = backend.parties().await.expect("parties");
    let dir = tempfile::tempdir().expect("dir");
    let cache = CacheHandle::start(Cache::open(&dir.path().join("cache.sqlite3")).expect("cache"));
    let scope = DeskScope {
        env: "local".into(),
        user: "kari".into(),
    };
    let (kept, whose) = (parties.clone(), scope.clone());
    cache
        .ask(move |c| c.set_parties(&whose.env, &whose.user, &kept))
        .await;
    let sync = || {
        sync_desk(
            &backend,
            &cache,
            &scope,
            &parties,
            SyncOptions::default(),
            |_, _| {},
        )
    };
    let first = sync().await.expect("the first sync");
    assert!(first.events.is_empty(), "the baseline");
    let forms: Vec<String> = {
        let scope = scope.clone();
        let ids: Vec<String> = cache
            .ask(move |c| c.agenda(&scope, Utc::now(), 3650, None))
            .await
            .expect("asked")
            .expect("the agenda")
            .into_iter()
            .filter(|r| {
                !r.item.requires_attention
                    && r.item.summary.kind == innboks::domain::MessageKind::FormTask
            })
            .map(|r| r.item.summary.id.to_string())
            .collect();
        ids
    };
    let form = forms
        .into_iter()
        .find(|id| sim.reject_form(id))
        .expect("a form being filled in");
    let report = sync().await.expect("a sync");
    let told: Vec<_> = report
        .events
        .iter()
        .map(|e| (e.kind, e.item.summary.id.as_str()))
        .collect();
    assert_eq!(told, [(DeskEventKind::NeedsAction, form.as_str())]);
    let again = sync().await.expect("a sync");
    assert!(again.events.is_empty(), "once: {:?}", again.events);
    assert_eq!(sim.opened_dialogs(), Vec::<String>::new());
}

/// `watch` tells a form the service owner rejected (`needs_action`) once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_tells_a_form_that_now_needs_action() {
    let sim = Simulator::start(desk_config(300, 30, 100))
        .await
        .expect("sim");
    let cli = Cli::new(&sim);
    cli.login().await;
    let listed = cli
        .json(&["list", "--json", "--reportee", "all", "--limit", "1000"])
        .await;
    let forms: Vec<String> = listed
        .as_array()
        .expect("a list")
        .iter()
        .filter(|m| m["type"] == "FormTask" && m["requires_confirmation"] == false)
        .filter_map(|m| m["id"].as_str().map(str::to_owned))
        .collect();
    // The watch's own rounds, after the list's searches.
    let from = searches(&sim.request_log()).len();
    let mut watch = Watching::start(&cli, &["watch", "--interval", "1", "--json"]);
    assert!(
        searched(&sim, from, 2, Duration::from_secs(30)).await,
        "two rounds: {:?}",
        watch.complained
    );
    let form = forms
        .into_iter()
        .find(|id| sim.reject_form(id))
        .expect("a form being filled in");
    let told = watch
        .wait_out(Duration::from_secs(30), |e| {
            e["event"] == "needs_action" && e["id"] == form.as_str()
        })
        .unwrap_or_else(|| panic!("told: {:?} {:?}", watch.said, watch.complained));
    assert_eq!(told["requires_attention"], true);
    let seen = searches(&sim.request_log()).len();
    assert!(searched(&sim, seen, 2, Duration::from_secs(30)).await);
    let times = watch
        .events()
        .iter()
        .filter(|e| e["event"] == "needs_action" && e["id"] == form.as_str())
        .count();
    assert_eq!(times, 1, "told once: {:?}", watch.said);
    assert_eq!(watch.stop(), Some(0));
}
