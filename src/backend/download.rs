//! Writing a download's body to its file as it arrives, for every backend: the bytes so far
//! go to `progress`, a broken stream is a network error and a failed write a local one.

use crate::i18n::tr;
use futures::StreamExt;
use reqwest::Response;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::domain::ApiError;
use crate::http::describe_reqwest_error;

/// What a download wrote: its size, and the file name the server gave
/// (`Content-Disposition`), made safe, when it gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// Bytes written.
    pub bytes: u64,
    /// The server's file name for it.
    pub file_name: Option<String>,
}

/// The file name of a `Content-Disposition` header: `filename*=UTF-8''…` (percent-encoded)
/// before `filename="…"`; made safe for the disk.
pub fn disposition_name(header: &str) -> Option<String> {
    let parts: Vec<&str> = header.split(';').map(str::trim).collect();
    let extended = parts.iter().find_map(|p| {
        let value = p.strip_prefix("filename*=")?;
        let encoded = value.split_once("''").map_or(value, |(_, v)| v);
        let bytes: Vec<u8> = url::form_urlencoded::parse(format!("x={encoded}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned().into_bytes())?;
        String::from_utf8(bytes).ok()
    });
    let plain = || {
        parts.iter().find_map(|p| {
            let value = p.strip_prefix("filename=")?;
            Some(value.trim_matches('"').to_owned())
        })
    };
    extended
        .or_else(plain)
        .filter(|name| !name.trim().is_empty())
        .map(|name| crate::text::safe_file_name(&name))
}

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
