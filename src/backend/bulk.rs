//! A verb done to many messages where there is no bulk call for it (Altinn 2, and the verbs
//! on Altinn 3 that are not labels): one request a message, a few at once, each outcome in
//! the order asked.

use std::future::Future;

use futures::StreamExt;

use crate::domain::{ApiError, BulkTarget, Inbox, Outcome, DEFAULT_CONCURRENCY};

/// Does `act` to each target (whose inbox, which message), [`DEFAULT_CONCURRENCY`] at a
/// time; `progress` hears how many are done after each one.
pub async fn one_by_one<F, Fut>(
    targets: &[BulkTarget],
    act: F,
    progress: &mut (impl FnMut(usize) + Send),
) -> Vec<Outcome>
where
    F: Fn(Inbox, String) -> Fut,
    Fut: Future<Output = Result<Option<String>, ApiError>>,
{
    let mut outcomes = Vec::with_capacity(targets.len());
    // (Made before the stream, so it holds no closure over borrowed targets: a task that
    // runs it must be `Send` for every lifetime.)
    let calls: Vec<_> = (targets.iter())
        .map(|target| {
            (
                target.id.clone(),
                act(target.inbox.clone(), target.id.clone()),
            )
        })
        .collect();
    let mut each = futures::stream::iter(calls)
        .map(|(id, done)| async move { (id, done.await) })
        .buffered(DEFAULT_CONCURRENCY);
    while let Some((id, result)) = each.next().await {
        outcomes.push(match result {
            Ok(new_id) => Outcome::done(&id, new_id, None),
            Err(error) => Outcome::failed(&id, error),
        });
        progress(outcomes.len());
    }
    outcomes
}
