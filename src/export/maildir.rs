//! The `maildir` layout: one RFC 5322 message per dialog, written into `tmp/` and renamed
//! into `cur/` (the Maildir rule, so a mail tool never reads half a message), for neomutt,
//! notmuch and mu. Every header made of Altinn's text is an RFC 2047 encoded word and every
//! part is base64, so a line break in a title can never start a header of its own; file
//! names go as RFC 2231 parameters. Lines end in CRLF and stay within 78 columns.
//!
//! A message file is named `SECONDS.ID.innboks:2,FLAGS`; the part before `:2,` is the
//! dialog's for good, so a file a mail tool moved to `new/` or gave other flags is found
//! again and written in place.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256};

use super::manifest::{Entry, FileSum};
use super::{dated, relative, safe_name, stamp, ExportError, Item};
use crate::i18n::tr;

/// The three folders of a Maildir.
const FOLDERS: [&str; 3] = ["cur", "new", "tmp"];

/// Makes `cur/`, `new/` and `tmp/`, drops what an interrupted export left in `tmp/`, and
/// finds every message file of ours: unique part → path from `root`.
pub(super) fn prepare(root: &Path) -> Result<HashMap<String, String>, ExportError> {
    for folder in FOLDERS {
        std::fs::create_dir_all(root.join(folder))?;
    }
    for entry in std::fs::read_dir(root.join("tmp"))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".innboks") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let mut found = HashMap::new();
    for folder in ["new", "cur"] {
        for entry in std::fs::read_dir(root.join(folder))?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let unique = unique_of(&name);
            if unique.ends_with(".innboks") {
                found.insert(unique.to_owned(), format!("{folder}/{name}"));
            }
        }
    }
    Ok(found)
}

/// The unique part of a message file's path: its name before `:2,`.
pub(super) fn unique_of(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split(':').next().unwrap_or(name)
}

/// Writes `item`'s message: through `tmp/`, then renamed to where it is (`found`) or into
/// `cur/` (seen when Altinn says it is read).
pub(super) fn write(
    root: &Path,
    item: &Item,
    found: &HashMap<String, String>,
) -> Result<Entry, ExportError> {
    let seconds = dated(item).map_or(0, |t| t.timestamp().max(0));
    let unique = format!("{seconds}.{}.innboks", token(&item.summary.id));
    let target = match found.get(&unique) {
        Some(path) => root.join(path),
        None => {
            let flags = if item.summary.is_unread() { "" } else { "S" };
            root.join("cur").join(format!("{unique}:2,{flags}"))
        }
    };
    let bytes = message(item);
    let temporary = root.join("tmp").join(&unique);
    std::fs::write(&temporary, &bytes)?;
    std::fs::rename(&temporary, &target)?;
    let path = relative(root, &target);
    let mut files = BTreeMap::new();
    files.insert(path.clone(), FileSum::of(&bytes));
    Ok(Entry {
        path,
        party: item.party.clone(),
        updated_at: stamp(item.updated),
        content: item.message.is_some(),
        incomplete: item.incomplete,
        files,
    })
}

/// `raw` as a token for a file name, a Message-ID or a header: itself when it is short and
/// made of letters, digits, `-`, `_` and `.`; else a hash of it.
fn token(raw: &str) -> String {
    let plain = !raw.is_empty()
        && raw.len() <= 80
        && !raw.starts_with('.')
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain {
        return raw.to_owned();
    }
    Sha256::digest(raw.as_bytes())
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The dialog as an RFC 5322 message: headers, and a text part (and the attachments as
/// parts of a `multipart/mixed`).
pub(super) fn message(item: &Item) -> Vec<u8> {
    let s = &item.summary;
    let date = dated(item)
        .unwrap_or_default()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .to_rfc2822();
    let id = token(&s.id);
    let party = token(&item.party);
    let mut out = String::new();
    out.push_str(&format!(
        "From: {}\r\n <noreply@altinn.invalid>\r\n",
        encoded_words(s.sender(), 6)
    ));
    out.push_str(&format!(
        "To: {}\r\n <{party}@altinn.invalid>\r\n",
        encoded_words(&item.party_name, 4)
    ));
    out.push_str(&format!("Date: {date}\r\n"));
    out.push_str(&format!("Subject: {}\r\n", encoded_words(&s.subject, 9)));
    out.push_str(&format!("Message-ID: <{id}@innboks.invalid>\r\n"));
    out.push_str(&format!("X-Innboks-Id: {id}\r\n"));
    out.push_str(&format!("X-Altinn-Party: {party}\r\n"));
    out.push_str("MIME-Version: 1.0\r\n");
    let text = super::tree::text(item);
    if item.files.is_empty() {
        out.push_str(TEXT_PART);
        out.push_str(&base64_lines(text.as_bytes()));
        return out.into_bytes();
    }
    let boundary = format!("innboks-{id}-{}", item.files.len());
    out.push_str(&format!(
        "Content-Type: multipart/mixed;\r\n boundary=\"{boundary}\"\r\n\r\n"
    ));
    out.push_str(tr!("Dette er en MIME-melding."));
    out.push_str(&format!("\r\n--{boundary}\r\n{TEXT_PART}"));
    out.push_str(&base64_lines(text.as_bytes()));
    for (name, bytes) in &item.files {
        let name = safe_name(name, tr!("vedlegg"), 150);
        out.push_str(&format!("--{boundary}\r\n"));
        out.push_str(&format!(
            "Content-Type: {};\r\n name=\"{}\"\r\n",
            media_type(&name),
            encoded_words(&name, 6)
        ));
        out.push_str(&format!(
            "Content-Disposition: attachment;{}\r\n",
            rfc2231("filename", &name)
        ));
        out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
        out.push_str(&base64_lines(bytes));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out.into_bytes()
}

/// The text part's headers (and the blank line after them).
const TEXT_PART: &str =
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";

/// `bytes` in base64, 76 characters a line, each line ending in CRLF.
fn base64_lines(bytes: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38 + 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push_str("\r\n");
    }
    out
}

/// `text` as RFC 2047 encoded words (`=?UTF-8?B?…?=`), folded so no line passes 78
/// columns (`used`: columns the header's name takes on the first line). Whitespace between
/// encoded words is not part of the text, so a word may end anywhere between characters.
/// Control characters are dropped first: nothing of Altinn's becomes a header's structure.
fn encoded_words(text: &str, used: usize) -> String {
    let clean = crate::text::sanitize_line(text);
    if clean.is_empty() {
        return "=?UTF-8?B??=".to_owned();
    }
    // 39 bytes are 52 base64 characters: 64 with the word's frame, within 78 after
    // `Subject: ` or a folded line's space.
    let max = if used > 12 { 30 } else { 39 };
    let mut words = Vec::new();
    let mut start = 0;
    while start < clean.len() {
        let mut end = (start + max).min(clean.len());
        while !clean.is_char_boundary(end) {
            end -= 1;
        }
        let chunk = &clean.as_bytes()[start..end];
        words.push(format!(
            "=?UTF-8?B?{}?=",
            base64::engine::general_purpose::STANDARD.encode(chunk)
        ));
        start = end;
    }
    words.join("\r\n ")
}

/// An RFC 2231 parameter `name*0*=UTF-8''…; name*1*=…`, each piece on a line of its own
/// (percent-encoded, never splitting an escape), for a file name in any script.
fn rfc2231(name: &str, value: &str) -> String {
    let mut encoded = Vec::new();
    for byte in value.bytes() {
        let plain = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if plain {
            encoded.push(char::from(byte).to_string());
        } else {
            encoded.push(format!("%{byte:02X}"));
        }
    }
    let mut pieces = vec![String::new()];
    for unit in encoded {
        if pieces.last().is_some_and(|p| p.len() + unit.len() > 54) {
            pieces.push(String::new());
        }
        if let Some(last) = pieces.last_mut() {
            last.push_str(&unit);
        }
    }
    pieces
        .iter()
        .enumerate()
        .map(|(n, piece)| {
            let charset = if n == 0 { "UTF-8''" } else { "" };
            format!("\r\n {name}*{n}*={charset}{piece}")
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The media type of a file by its extension (`application/octet-stream` when unknown).
fn media_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("html" | "htm") => "text/html",
        Some("xml") => "application/xml",
        Some("json") => "application/json",
        Some("zip") => "application/zip",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("csv") => "text/csv",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_fold_within_78_columns() {
        let title = "Skattemelding for 2025 – æøå ÆØÅ ".repeat(8);
        let folded = format!("Subject: {}", encoded_words(&title, 9));
        assert!(
            folded.split("\r\n").all(|line| line.len() <= 78),
            "{folded}"
        );
        assert!(!encoded_words("a\r\nBcc: x", 9).contains('\n'));
    }

    #[test]
    fn rfc2231_pieces_stay_short() {
        let value = rfc2231("filename", &"blåbær ".repeat(20));
        assert!(value.split("\r\n").all(|line| line.len() <= 78), "{value}");
        assert!(value.starts_with("\r\n filename*0*=UTF-8''bl%C3%A5b"));
    }
}
