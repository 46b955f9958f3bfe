//! The `tree` layout: `PARTY/YYYY/YYYY-MM-DD SENDER – TITLE/` per dialog, with
//! `message.md` (the text and the thread), `message.json` (the `show --json` keys and the
//! export's own) and the attachments under their names, made safe. A folder is the
//! dialog's when the manifest says so or its `message.json` names the dialog (an
//! interrupted export left it); any other folder or file there is the user's and is left
//! alone: a new name is taken instead.

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde_json::json;

use super::manifest::{Entry, FileSum};
use super::{dated, numbered, relative, safe_name, stamp, write_atomic, ExportError, Item};
use crate::i18n::tr;

/// The longest folder or file name made (bytes): room for ` (12)` under 255.
const MAX_NAME: usize = 150;

/// Writes `item` into its folder under `root` (the one `before` names, or a new one).
/// `made`: the party and year folders known to be there (each made once a run).
pub(super) fn write(
    root: &Path,
    item: &Item,
    before: Option<&Entry>,
    made: &mut HashSet<PathBuf>,
) -> Result<Entry, ExportError> {
    let kept = before.and_then(|entry| inside(root, &entry.path));
    let (dir, folder) = match kept {
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            (dir, Folder::Kept)
        }
        None => new_folder(root, item, made)?,
    };
    let ours = folder != Folder::Fresh;
    let mut files = BTreeMap::new();
    let mut taken = HashSet::new();
    for (name, bytes) in contents(item) {
        if folder == Folder::Fresh {
            // A folder just made holds nothing of anyone's: each file is made new (never
            // through a link), `message.json` first, so an interrupted export finds the
            // folder again and writes the rest over whatever it left.
            let target = dir.join(&name);
            write_new(&target, &bytes)?;
            files.insert(relative(root, &target), FileSum::of(&bytes));
            continue;
        }
        let mut n = 0;
        let target = loop {
            let candidate = dir.join(numbered(&name, n));
            n += 1;
            let file_name = candidate.file_name().map(|n| n.to_os_string());
            if file_name.is_some_and(|f| !taken.insert(f)) {
                continue;
            }
            if mine(root, &candidate, before, ours && n == 1)? {
                break candidate;
            }
        };
        write_atomic(&target, &bytes)?;
        files.insert(relative(root, &target), FileSum::of(&bytes));
    }
    Ok(Entry {
        path: relative(root, &dir),
        party: item.party.clone(),
        updated_at: stamp(item.updated),
        content: item.message.is_some(),
        incomplete: item.incomplete,
        files,
    })
}

/// `relative` under `root`, when it stays there (a manifest edited by hand may say
/// anything).
fn inside(root: &Path, relative: &str) -> Option<PathBuf> {
    let path = Path::new(relative);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && !relative.is_empty()).then(|| root.join(path))
}

/// Whether the export may write `path`: nothing is there, or what is there is its own —
/// the file it wrote last time, unchanged (by the manifest's checksum), or, in a folder
/// an interrupted export left, a file of the name it writes.
fn mine(root: &Path, path: &Path, before: Option<&Entry>, own_name: bool) -> std::io::Result<bool> {
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(error) => return Err(error),
    };
    if !metadata.is_file() {
        return Ok(false);
    }
    match before.and_then(|entry| entry.files.get(&relative(root, path))) {
        Some(sum) => Ok(FileSum::of_file(path)? == *sum),
        None => Ok(before.is_none() && own_name),
    }
}

/// Whose a dialog's folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folder {
    /// The manifest's: written before.
    Kept,
    /// Made just now: empty.
    Fresh,
    /// Left by an interrupted export of this dialog (its `message.json` says so).
    Left,
}

/// Creates `path` and writes `bytes` into it; an existing file or link there is an error.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)
}

/// A folder for a dialog exported for the first time: `PARTY/YYYY/DATE SENDER – TITLE`,
/// or with ` (n)` when that name is taken by something not this dialog's.
fn new_folder(
    root: &Path,
    item: &Item,
    made: &mut HashSet<PathBuf>,
) -> Result<(PathBuf, Folder), ExportError> {
    let party = safe_name(&item.party_name, &safe_name(&item.party, "party", 60), 100);
    let date = dated(item).map(|t| t.with_timezone(&chrono_tz::Europe::Oslo));
    let year = date.map_or_else(|| "0000".to_owned(), |d| d.format("%Y").to_string());
    let day = date.map_or_else(
        || "0000-00-00".to_owned(),
        |d| d.format("%Y-%m-%d").to_string(),
    );
    let parent = root.join(party).join(year);
    if !made.contains(&parent) {
        std::fs::create_dir_all(&parent)?;
        made.insert(parent.clone());
    }
    let summary = &item.summary;
    let title = format!("{day} {} – {}", summary.sender(), summary.subject);
    let base = safe_name(&title, &day, MAX_NAME);
    for n in 0..10_000 {
        let candidate = match n {
            0 => parent.join(&base),
            n => parent.join(format!("{base} ({n})")),
        };
        match std::fs::create_dir(&candidate) {
            Ok(()) => return Ok((candidate, Folder::Fresh)),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                if names_dialog(&candidate, &summary.id) {
                    return Ok((candidate, Folder::Left));
                }
            }
            Err(error) => return Err(ExportError::Io(error)),
        }
    }
    Err(ExportError::Io(std::io::Error::other(tr!(
        "for mange filer med det navnet"
    ))))
}

/// `dir` is a real folder whose `message.json` is dialog `id`'s.
fn names_dialog(dir: &Path, id: &str) -> bool {
    let real_dir = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    real_dir
        && std::fs::read(dir.join("message.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .is_some_and(|value| value["id"] == id)
}

/// The files of a dialog's folder: (name, bytes), the attachments' names made safe and
/// told apart.
fn contents(item: &Item) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![
        ("message.json".to_owned(), message_json(item)),
        ("message.md".to_owned(), text(item).into_bytes()),
    ];
    let mut used: HashSet<String> = out.iter().map(|(n, _)| n.to_lowercase()).collect();
    for (name, bytes) in &item.files {
        let safe = safe_name(name, tr!("vedlegg"), MAX_NAME);
        let name = (0..)
            .map(|n| numbered(&safe, n))
            .find(|n| used.insert(n.to_lowercase()))
            .unwrap_or(safe);
        out.push((name, bytes.clone()));
    }
    out
}

/// `message.json`: the `show --json` keys (the list row as the desk has it now), and the
/// export's own: `party`, `party_name`, `folder`, `updatedAt`, `expires`, `content`.
fn message_json(item: &Item) -> Vec<u8> {
    let mut value = match &item.message {
        Some(message) => super::json::message_json(message),
        None => super::json::metadata_json(&item.summary),
    };
    if let (Some(object), serde_json::Value::Object(row)) = (
        value.as_object_mut(),
        super::json::summary_json(&item.summary),
    ) {
        object.extend(row);
    }
    value["party"] = json!(item.party);
    value["party_name"] = json!(item.party_name);
    value["folder"] = json!(item.folder.label());
    value["updatedAt"] = json!(stamp(item.updated));
    value["expires"] = json!(item.expires.map(|t| t.to_rfc3339()));
    value["content"] = json!(item.message.is_some());
    let mut bytes = serde_json::to_vec_pretty(&value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The dialog as text (`message.md`, and the maildir message's body): a heading, who and
/// when, the body — or a line saying it was not fetched —, the attachments and the thread.
pub(super) fn text(item: &Item) -> String {
    let s = &item.summary;
    let mut lines = vec![format!("# {}", s.subject), String::new()];
    lines.push(format!("- {}", tr!("Fra: {sender}", sender = s.sender())));
    lines.push(format!(
        "- {}",
        tr!("Aktør: {party}", party = item.party_name)
    ));
    if let Some(at) = dated(item) {
        let at = crate::text::date_time_text(at);
        lines.push(format!("- {}", tr!("Mottatt: {at}", at)));
    }
    if let Some(due) = s.due {
        let at = crate::text::date_time_text(due);
        lines.push(format!("- {}", tr!("Frist: {at}", at)));
    }
    if let Some(expires) = item
        .expires
        .or(item.message.as_ref().and_then(|m| m.expires))
    {
        let at = crate::text::date_text(expires);
        lines.push(format!("- {}", tr!("Altinn sletter den: {at}", at)));
    }
    lines.push(format!(
        "- {}",
        tr!(
            "Status: {status}   Type: {kind}",
            status = s.status.shown(),
            kind = s.kind.display()
        )
    ));
    lines.push(format!("- Id: {}", s.id));
    lines.push(String::new());
    let Some(message) = &item.message else {
        lines.push(
            tr!("Innholdet er ikke hentet (det markerer dialogen som sett for alle): kjør innboks export --with-content, eller åpne den i innboks først.")
                .to_owned(),
        );
        lines.push(String::new());
        return lines.join("\n");
    };
    if let Some(url) = &message.portal_url {
        lines.push(format!("<{url}>"));
        lines.push(String::new());
    }
    lines.push(message.body.trim_end().to_owned());
    if !message.attachments.is_empty() {
        lines.push(String::new());
        lines.push(format!("## {}", tr!("Vedlegg")));
        lines.push(String::new());
        for a in message.attachments.iter().filter(|a| !a.bundle) {
            let size = a.size.map(crate::text::human_size).unwrap_or_default();
            lines.push(format!("- {} {size}", a.file_name).trim_end().to_owned());
        }
    }
    if !message.thread.is_empty() {
        lines.push(String::new());
        lines.push(format!("## {}", tr!("Tråd")));
        for entry in &message.thread {
            lines.push(String::new());
            lines.push(format!("### {}", entry.heading()));
            lines.push(String::new());
            if !entry.readable {
                lines.push(tr!("Du har ikke tilgang til denne.").to_owned());
            } else if !entry.text.is_empty() {
                lines.push(entry.text.trim_end().to_owned());
            }
        }
    }
    lines.push(String::new());
    lines.join("\n")
}
