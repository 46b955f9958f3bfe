//! What an accountant's clients have due, as the simulator spreads it around its anchor: over
//! 300 clients a few overdue, some due within two weeks, most nothing pressing; the same for
//! the same seed; the fixed parties untouched; every open dialog's `status` and `dueAt` in
//! the search items, found by `dueAfter`/`dueBefore` and sorted by `dueAt`; `expiresAt` on
//! the dialog and not in the search.

use super::*;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use innboks::sim::data::{World, WorldOptions};
use innboks::sim::due::{self, PartyDue, Urgency};
use innboks::sim::store::utc;

/// The statuses that ask the party to act.
const OPEN: &str = "status=RequiresAttention&status=InProgress&status=Draft";

fn world(seed: u64, parties: usize) -> World {
    World::generate(&WorldOptions {
        seed,
        messages: 300,
        parties,
        anchor: common::anchor(),
    })
}

/// The demo user's parties at the anchor; the first three are Kari, her company and its
/// sub-unit, the rest her clients.
fn due_at_anchor(world: &mut World) -> Vec<PartyDue> {
    due::parties(world, 0, utc(common::anchor()))
}

fn share(parties: &[PartyDue], test: impl Fn(&PartyDue) -> bool) -> f64 {
    parties.iter().filter(|p| test(p)).count() as f64 / parties.len() as f64
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn due_at(item: &Value) -> Option<DateTime<Utc>> {
    item["dueAt"].as_str().map(|t| {
        DateTime::parse_from_rfc3339(t)
            .expect("dueAt")
            .with_timezone(&Utc)
    })
}

#[test]
fn three_hundred_clients_have_a_few_overdue_some_due_soon_and_most_nothing_pressing() {
    for seed in [42, 2026, 7] {
        let mut world = world(seed, 300);
        let all = due_at_anchor(&mut world);
        assert_eq!(all.len(), 303);
        let clients = &all[3..];
        let overdue = share(clients, |p| p.overdue > 0);
        let soon = share(clients, PartyDue::due_within_two_weeks);
        let this_week = share(clients, |p| p.this_week > 0);
        let attention = share(clients, |p| p.requires_attention > 0);
        let calm = share(clients, |p| p.most().is_none_or(|u| u == Urgency::Later));
        let report = format!(
            "seed {seed}: overdue {overdue:.3}, within 14 days {soon:.3}, this week \
             {this_week:.3}, RequiresAttention {attention:.3}, nothing pressing {calm:.3}"
        );
        assert!((0.05..=0.15).contains(&overdue), "{report}");
        assert!((0.20..=0.40).contains(&soon), "{report}");
        assert!((0.08..=0.30).contains(&this_week), "{report}");
        assert!((0.10..=0.45).contains(&attention), "{report}");
        assert!(calm >= 0.55, "{report}");
    }
}

#[test]
fn the_same_seed_gives_the_same_agenda_and_the_fixed_parties_keep_their_mailboxes() {
    let mut a = world(42, 300);
    let mut b = world(42, 300);
    assert_eq!(due_at_anchor(&mut a), due_at_anchor(&mut b));
    let shape = |w: &World| {
        w.mailboxes
            .iter()
            .flatten()
            .map(|m| (m.id.to_string(), m.subject.to_string(), m.due, m.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&a), shape(&b));
    let mut other = world(43, 300);
    assert_ne!(due_at_anchor(&mut a), due_at_anchor(&mut other));

    // Kari, her company, its sub-unit and Ola have what they had without clients.
    let alone = world(42, 0);
    for index in 0..4 {
        let mailbox = |w: &World| {
            w.mailboxes[index]
                .iter()
                .map(|m| (m.id.to_string(), m.subject.to_string(), m.due, m.status))
                .collect::<Vec<_>>()
        };
        assert_eq!(mailbox(&a), mailbox(&alone), "mailbox {index}");
    }
    let mut alone = alone;
    assert_eq!(due_at_anchor(&mut a)[..3], due_at_anchor(&mut alone)[..]);
}

#[tokio::test]
async fn open_dialogs_show_status_and_due_in_the_search_by_due_range_and_order() {
    let a3 = Altinn3::start(SimConfig {
        parties: 300,
        ..config(300)
    })
    .await;
    let anchor = a3.sim.anchor();
    let expected = a3.sim.due(anchor);
    let clients: Vec<&str> = expected[3..].iter().map(|p| p.party.as_str()).collect();
    let mut open: Vec<Value> = Vec::new();
    for chunk in clients.chunks(100) {
        let query = format!(
            "{}&{OPEN}&excludeApiOnly=true&limit=1000",
            parties_query(chunk)
        );
        open.extend(a3.walk(&query).await);
    }
    // Every open dialog of a client has a due date; the search counts what `due` counts.
    assert!(
        open.iter().all(|i| due_at(i).is_some()),
        "an open dialog without dueAt"
    );
    for party in &expected[3..] {
        let of_party: Vec<&Value> = open.iter().filter(|i| i["party"] == party.party).collect();
        let mut counted = PartyDue {
            party: party.party.clone(),
            name: party.name.clone(),
            ..PartyDue::default()
        };
        for item in &of_party {
            let status = item["status"].as_str().expect("status");
            match due::urgency(status, due_at(item), anchor) {
                Some(Urgency::Overdue) => counted.overdue += 1,
                Some(Urgency::ThisWeek) => counted.this_week += 1,
                Some(Urgency::NextWeek) => counted.next_week += 1,
                Some(Urgency::Later) => counted.later += 1,
                None => {}
            }
            counted.requires_attention += usize::from(status == "RequiresAttention");
        }
        counted.next_due = of_party.iter().filter_map(|i| due_at(i)).min();
        assert_eq!(&counted, party);
    }
    let overdue_parties = expected[3..].iter().filter(|p| p.overdue > 0).count();
    assert!(overdue_parties >= 10, "{overdue_parties}");

    // dueBefore the anchor: the overdue ones, earliest first.
    let mut overdue: Vec<Value> = Vec::new();
    for chunk in clients.chunks(100) {
        let query = format!(
            "{}&{OPEN}&dueBefore={}&orderBy=dueAt_asc&limit=1000",
            parties_query(chunk),
            stamp(anchor)
        );
        let page = a3.search(&query).await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert_eq!(page.body["orderBy"], "dueat_asc,id_desc");
        let items = page.body["items"].as_array().cloned().unwrap_or_default();
        let dues: Vec<DateTime<Utc>> = items.iter().filter_map(due_at).collect();
        assert_eq!(dues.len(), items.len());
        assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
        assert!(dues.iter().all(|d| *d < anchor));
        overdue.extend(items);
    }
    let with_overdue: BTreeSet<&str> = overdue.iter().filter_map(|i| i["party"].as_str()).collect();
    assert_eq!(with_overdue.len(), overdue_parties);

    // This week, from the anchor: dueAfter and dueBefore, latest first.
    let (from, to) = (anchor, anchor + Duration::days(7));
    let mut week = 0;
    for chunk in clients.chunks(100) {
        let query = format!(
            "{}&{OPEN}&dueAfter={}&dueBefore={}&orderBy=dueAt_desc&limit=1000",
            parties_query(chunk),
            stamp(from),
            stamp(to)
        );
        let items = a3.walk(&query).await;
        let dues: Vec<DateTime<Utc>> = items.iter().filter_map(due_at).collect();
        assert_eq!(dues.len(), items.len());
        assert!(dues.windows(2).all(|w| w[0] >= w[1]), "{dues:?}");
        assert!(dues.iter().all(|d| (from..=to).contains(d)));
        week += items.len();
    }
    let expected_week: usize = expected[3..].iter().map(|p| p.this_week).sum();
    assert_eq!(week, expected_week);
    assert!(week > 0);
}

#[tokio::test]
async fn expires_at_is_on_the_dialog_and_not_in_the_search() {
    let a3 = Altinn3::start(SimConfig {
        parties: 300,
        ..config(300)
    })
    .await;
    let now = Utc::now();
    let expiring = a3.sim.expiring_dialogs();
    let (party, id, at) = expiring
        .iter()
        .find(|(_, _, at)| *at > now + Duration::minutes(5))
        .expect("a dialog that expires later");
    let dialog = a3.dialog(id).await;
    assert_eq!(dialog.status, 200, "{}", dialog.text);
    let shown = DateTime::parse_from_rfc3339(dialog.body["expiresAt"].as_str().expect("expiresAt"))
        .expect("a time");
    assert_eq!(shown, *at);
    let items = a3
        .walk(&format!("party={}&limit=1000", urlencode(party)))
        .await;
    let item = items
        .iter()
        .find(|i| i["id"] == *id)
        .expect("in the search");
    assert!(item.get("expiresAt").is_none(), "{item}");
    assert!(items.iter().all(|i| i.get("expiresAt").is_none()));

    // One that has expired: gone from the search, 404 on its own.
    let (party, id, _) = expiring
        .iter()
        .find(|(party, _, at)| *at < now && party.contains("organization"))
        .expect("a client's letter that has expired");
    assert_eq!(a3.dialog(id).await.status, 404);
    let items = a3
        .walk(&format!("party={}&limit=1000", urlencode(party)))
        .await;
    assert!(!ids(&items).contains(id));
}
