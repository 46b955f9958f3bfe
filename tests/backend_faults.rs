//! The fault matrix: each fault the simulator can inject (`innboks sim --faults`), on every
//! request, against the client; then a mix of them under a whole-list read. Each ends in the
//! page or in an error that says what happened: never a panic, never a retry storm.

mod common;

use innboks::domain::ApiError;
use innboks::sim::faults::FaultSpec;

fn spec(text: &str) -> FaultSpec {
    text.parse().expect("fault spec")
}

fn requests(sim: &innboks::sim::Simulator) -> u64 {
    sim.stats()
        .requests
        .iter()
        .filter(|(k, _)| k.contains("/messages"))
        .map(|(_, n)| n)
        .sum()
}

/// What the client must make of a fault.
type Outcome = fn(&Result<innboks::domain::MessagePage, ApiError>) -> bool;

#[tokio::test]
async fn each_fault_alone_on_every_request() {
    let sim = common::start(60).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    // (fault, what the client makes of it)
    let matrix: [(&str, Outcome); 7] = [
        (
            "5xx=1",
            |r| matches!(r, Err(ApiError::Server { status, .. }) if *status >= 500),
        ),
        ("reset=1", |r| matches!(r, Err(ApiError::Network { .. }))),
        ("truncate=1", |r| matches!(r, Err(ApiError::Network { .. }))),
        ("malformed=1", |r| {
            matches!(r, Err(ApiError::Malformed { .. }))
        }),
        ("slow=1", |r| {
            r.as_ref().is_ok_and(|p| p.messages.len() == 50)
        }),
        ("content-type=1", |r| {
            r.as_ref().is_ok_and(|p| p.messages.len() == 50)
        }),
        ("latency=20..40", |r| {
            r.as_ref().is_ok_and(|p| p.messages.len() == 50)
        }),
    ];
    for (fault, expected) in matrix {
        sim.set_faults(spec(fault));
        let before = requests(&sim);
        let result = client.messages_page(&session, "my", 0).await;
        let tries = requests(&sim) - before;
        sim.set_faults(FaultSpec::default());
        assert!(expected(&result), "{fault}: {result:?}");
        assert!(tries <= 4, "{fault}: {tries} tries, bounded");
        if let Err(error) = &result {
            assert!(
                !error.to_string().is_empty(),
                "{fault}: the error says something"
            );
        }
    }
}

#[tokio::test]
async fn a_whole_mailbox_is_read_through_a_mix_of_faults() {
    let sim = common::start(600).await;
    let client = common::client(&sim);
    let session = common::login(&client).await;
    sim.set_faults(spec(
        "5xx=0.15,reset=0.05,truncate=0.05,slow=0.05,content-type=0.05,latency=0..20,seed=11",
    ));
    // Read the whole list one page at a time, as a user paging down would, retrying a page
    // that still failed after the client's own retries (the TUI's `r`).
    let mut all = Vec::new();
    let mut skip = 0;
    let mut failures = 0;
    loop {
        match client.messages_page(&session, "my", skip).await {
            Ok(page) => {
                skip += page.messages.len();
                let more = page.has_more;
                all.extend(page.messages);
                if !more {
                    break;
                }
            }
            Err(error) => {
                failures += 1;
                assert!(failures < 20, "too many failures: {error}");
            }
        }
    }
    sim.set_faults(FaultSpec::default());
    let ids: std::collections::HashSet<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "no duplicates");
    let clean = innboks::sync::fetch_all(
        |skip| {
            let (client, session) = (client.clone(), session.clone());
            async move { client.messages_page(&session, "my", skip).await }
        },
        10_000,
        4,
    )
    .await
    .expect("a clean read");
    assert_eq!(all, clean, "the same list as without faults: nothing lost");
}
