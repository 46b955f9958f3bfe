//! What the benchmarks share: a simulator with a logged-in demo user, and reading its whole
//! inbox the way `innboks list` does.

use std::time::Duration;

use innboks::auth::Session;
use innboks::backend::altinn2::Client;
use innboks::domain::MessageSummary;
use innboks::secret::Secret;
use innboks::sim::{SimConfig, Simulator};

/// A simulator with `messages` in the demo inbox, `latency` on every request, and a client
/// logged in as the demo user.
pub fn simulator(
    runtime: &tokio::runtime::Runtime,
    messages: usize,
    latency: Duration,
) -> (Simulator, Client, Session) {
    let sim = runtime
        .block_on(Simulator::start(SimConfig {
            messages,
            latency,
            ..Default::default()
        }))
        .expect("sim");
    let client = Client::new(
        url::Url::parse(&sim.base_url()).expect("url"),
        Secret::new(sim.api_key()),
    )
    .expect("client");
    let session = runtime
        .block_on(client.login_with_password("demo", &Secret::new("demo")))
        .expect("login");
    (sim, client, session)
}

/// Up to `limit` messages of the demo inbox, four pages in flight.
pub fn read_all(
    runtime: &tokio::runtime::Runtime,
    client: &Client,
    session: &Session,
    limit: usize,
) -> Vec<MessageSummary> {
    runtime
        .block_on(innboks::sync::fetch_all(
            |skip| {
                let (client, session) = (client.clone(), session.clone());
                async move { client.messages_page(&session, "my", skip).await }
            },
            limit,
            4,
        ))
        .expect("sync")
}
