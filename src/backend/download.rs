//! Writing a download's body to its file as it arrives, for every backend: the bytes so far
//! go to `progress`, a broken stream is a network error and a failed write a local one.

use crate::i18n::tr;
use futures::StreamExt;
use reqwest::Response;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::domain::ApiError;
use crate::http::describe_reqwest_error;

/// Streams the body of a successful `response` into `out`. Returns the total size.
pub async fn stream_into<W: AsyncWrite + Unpin>(
    response: Response,
    out: &mut W,
    mut progress: impl FnMut(u64),
) -> Result<u64, ApiError> {
    let write_failed =
        |e: std::io::Error| ApiError::Local(tr!("kunne ikke skrive vedlegget: {e}", e));
    let mut stream = response.bytes_stream();
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::Network {
            detail: describe_reqwest_error(&e),
        })?;
        out.write_all(&chunk).await.map_err(write_failed)?;
        written += chunk.len() as u64;
        progress(written);
    }
    out.flush().await.map_err(write_failed)?;
    Ok(written)
}
