//! Reading a whole list from the server: pages fetched with bounded concurrency (Altinn 2
//! pages by `$skip`, so page N can be asked for before page N−1 has arrived), newest first,
//! stopping at the first short page. Used by the scriptable CLI and measured by the
//! benchmarks; the TUI pages on demand.

use std::collections::HashSet;
use std::future::Future;

use futures::StreamExt;

use crate::domain::{ApiError, MessagePage, MessageSummary, PAGE_SIZE};

/// Fetches up to `limit` messages with `fetch(skip)`, keeping at most `concurrency` pages in
/// flight; the answers are taken in order and duplicates (a list that shifted while it was
/// read) are dropped. Pages still in flight when the end is found are cancelled.
pub async fn fetch_all<F, Fut>(
    fetch: F,
    limit: usize,
    concurrency: usize,
) -> Result<Vec<MessageSummary>, ApiError>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<MessagePage, ApiError>>,
{
    let pages_needed = limit.div_ceil(PAGE_SIZE).max(1);
    let mut pages = futures::stream::iter((0..pages_needed).map(|n| fetch(n * PAGE_SIZE)))
        .buffered(concurrency.max(1));
    let mut seen = HashSet::new();
    let mut messages = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page?;
        let more = page.has_more && !page.messages.is_empty();
        for message in page.messages {
            if seen.insert(message.id.to_string()) {
                messages.push(message);
            }
        }
        if !more || messages.len() >= limit {
            break;
        }
    }
    messages.truncate(limit);
    Ok(messages)
}
