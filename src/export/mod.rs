//! The export to disk, before Altinn deletes: dialogs written as a folder tree (`tree`) or a
//! Maildir (`maildir`), with `manifest.json` saying what was written and its checksums. It
//! takes what it is given — metadata, a body from the cache or fetched, attachment bytes —
//! and never touches the network itself, so the CLI (which may fetch) and the TUI (which
//! only uses the cache) share it. Blocking: run it off the UI thread.
//!
//! A rerun writes only what changed (`updatedAt`, or content that was missing); a file the
//! user put where one would go is never overwritten (a new name is picked); every name is
//! made safe (nothing outside the folder); files go through a temporary name and a rename,
//! so an interrupted export leaves no half file taken for done, and resumes.

pub mod json;
mod maildir;
pub mod manifest;
mod tree;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::domain::{Folder, Message, MessageSummary, Stamp};
use crate::i18n::tr;
use manifest::{Entry, Manifest};

/// How the dialogs are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `PARTY/YYYY/YYYY-MM-DD SENDER – TITLE/` with `message.md`, `message.json` and the
    /// attachments.
    #[default]
    Tree,
    /// One RFC 5322 message per dialog in `cur/`, for mail tools.
    Maildir,
}

impl Format {
    /// Its name on the command line and in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Format::Tree => "tree",
            Format::Maildir => "maildir",
        }
    }
}

/// What can go wrong with an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A file or folder could not be read or written.
    #[error("{}", tr!("eksporten: {error}", error = .0))]
    Io(#[from] std::io::Error),
    /// The folder holds an export in the other format.
    #[error("{}", tr!("mappa har allerede en eksport i formatet {format}; velg en annen mappe", format = .0))]
    OtherFormat(String),
}

/// One dialog to export: what the desk knows of it and what content there is.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its list row.
    pub summary: MessageSummary,
    /// The party it belongs to (its id).
    pub party: String,
    /// The party's name, for the folder and the headers.
    pub party_name: String,
    /// The folder it is in at Altinn.
    pub folder: Folder,
    /// Its `updatedAt`: what decides whether a rerun writes it again.
    pub updated: Option<DateTime<Utc>>,
    /// When Altinn deletes it, when known.
    pub expires: Option<DateTime<Utc>>,
    /// Its content, cached or fetched; `None`: only the metadata is exported.
    pub message: Option<Message>,
    /// Attachments fetched: (file name as the server gave it, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// Some of its content could not be fetched: the manifest says it has none, so a
    /// later export with content tries again.
    pub incomplete: bool,
}

/// What happened to one dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not exported before.
    New,
    /// Exported before and changed since (or its content came).
    Updated,
    /// As exported before: nothing written.
    Unchanged,
}

/// What an export did, for `--json` and the status line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Dialogs written for the first time.
    pub new: usize,
    /// Dialogs written again.
    pub updated: usize,
    /// Dialogs left as they were.
    pub unchanged: usize,
    /// Dialogs that could not be exported.
    pub failed: usize,
}

impl Report {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::New => self.new += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// The manifest is written at least this often while an export runs (and at its end).
const SAVE_EVERY: Duration = Duration::from_secs(2);

/// An export folder, open: its manifest read, ready to take dialogs.
#[derive(Debug)]
pub struct Exporter {
    root: PathBuf,
    format: Format,
    manifest: Manifest,
    /// Changes not yet in the manifest file.
    unsaved: usize,
    saved_at: Instant,
    /// Maildir: each message file's unique part (before `:2,`) → its path from the root,
    /// wherever a mail tool has moved it (`new/`, `cur/`, other flags).
    mail_files: HashMap<String, String>,
    /// Tree: the party and year folders made (or found) this run.
    made: std::collections::HashSet<PathBuf>,
}

impl Exporter {
    /// Opens (or makes) the export folder `root` for `format`.
    pub fn open(root: &Path, format: Format) -> Result<Self, ExportError> {
        std::fs::create_dir_all(root)?;
        let manifest = Manifest::load(root, format.name())?;
        let mail_files = match format {
            Format::Maildir => maildir::prepare(root)?,
            Format::Tree => HashMap::new(),
        };
        Ok(Self {
            root: root.to_path_buf(),
            format,
            manifest,
            unsaved: 0,
            saved_at: Instant::now(),
            mail_files,
            made: std::collections::HashSet::new(),
        })
    }

    /// The manifest as it stands.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// What writing dialog `id` would be: `Unchanged` when the manifest has it at the same
    /// `updated`, with its body if one is there now (`content`), with nothing missing if
    /// this export fetches (`fetching`), and its files are still there.
    pub fn outcome(
        &self,
        id: &str,
        updated: Option<DateTime<Utc>>,
        content: bool,
        fetching: bool,
    ) -> Outcome {
        let Some(entry) = self.manifest.dialogs.get(id) else {
            return Outcome::New;
        };
        let same = entry.updated_at == stamp(updated)
            && (entry.content || !content)
            && !(entry.incomplete && fetching);
        if same && self.files_present(entry) {
            Outcome::Unchanged
        } else {
            Outcome::Updated
        }
    }

    /// Every file of `entry` is where it was written, at its size.
    fn files_present(&self, entry: &Entry) -> bool {
        entry.files.iter().all(|(path, sum)| {
            let path = match self.format {
                Format::Maildir => match self.mail_files.get(maildir::unique_of(path)) {
                    Some(now) => now.as_str(),
                    None => return false,
                },
                Format::Tree => path.as_str(),
            };
            std::fs::metadata(self.root.join(path)).is_ok_and(|m| m.len() == sum.size)
        })
    }

    /// Writes `item` unless it is unchanged; what it was. The manifest is saved now and
    /// then ([`SAVE_EVERY`]) and by [`Exporter::finish`].
    pub fn write(&mut self, item: &Item) -> Result<Outcome, ExportError> {
        let id = item.summary.id.as_str();
        let fetching = !item.files.is_empty() || item.incomplete;
        let outcome = self.outcome(id, item.updated, item.message.is_some(), fetching);
        if outcome == Outcome::Unchanged {
            return Ok(outcome);
        }
        let before = self.manifest.dialogs.get(id).cloned();
        let entry = match self.format {
            Format::Tree => tree::write(&self.root, item, before.as_ref(), &mut self.made)?,
            Format::Maildir => {
                let entry = maildir::write(&self.root, item, &self.mail_files)?;
                self.mail_files.insert(
                    maildir::unique_of(&entry.path).to_owned(),
                    entry.path.clone(),
                );
                entry
            }
        };
        self.manifest.dialogs.insert(id.to_string(), entry);
        self.unsaved += 1;
        if self.saved_at.elapsed() >= SAVE_EVERY {
            self.save()?;
        }
        Ok(outcome)
    }

    fn save(&mut self) -> Result<(), ExportError> {
        self.manifest.save(&self.root)?;
        self.unsaved = 0;
        self.saved_at = Instant::now();
        Ok(())
    }

    /// Saves the manifest (when anything changed, or there is none yet).
    pub fn finish(mut self) -> Result<Manifest, ExportError> {
        if self.unsaved > 0 || !self.root.join(manifest::FILE_NAME).exists() {
            self.save()?;
        }
        Ok(self.manifest)
    }
}

/// `updated` as the manifest keeps it.
fn stamp(updated: Option<DateTime<Utc>>) -> Option<String> {
    updated.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename, so a reader
/// (or a rerun after a crash) sees the old file or the new, never half of one.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.innboks-tmp"));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.flush()?;
    drop(file);
    std::fs::rename(&temporary, path)
}

/// Names Windows keeps for devices, whatever the extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// `raw` as one safe path component of at most `max` bytes: the remote text sanitised (no
/// escapes, controls or bidi overrides), no separators or characters Windows refuses, no
/// leading dot, no trailing dot or space, not a Windows device name; `fallback` when
/// nothing is left.
pub fn safe_name(raw: &str, fallback: &str, max: usize) -> String {
    let cleaned: String = crate::text::sanitize_line(raw)
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim_start_matches(['.', ' ']);
    let mut name = shorten(cleaned, max)
        .trim_end_matches(['.', ' '])
        .to_owned();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        name.insert(0, '_');
    }
    name
}

/// `name` cut to at most `max` bytes on a character boundary, keeping a short extension.
fn shorten(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 10 && !ext.contains(' ') => {
            (stem, format!(".{ext}"))
        }
        _ => (name, String::new()),
    };
    let mut end = max.saturating_sub(extension.len()).min(stem.len());
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{extension}", stem[..end].trim_end())
}

/// `name` with ` (n)` before its extension: the n-th other name for it.
fn numbered(name: &str, n: usize) -> String {
    if n == 0 {
        return name.to_owned();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

/// A path relative to the export's folder, with `/` whatever the platform (the manifest's).
fn relative(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// When a dialog is dated: its last change, else its creation, else its `updatedAt`.
fn dated(item: &Item) -> Option<DateTime<Utc>> {
    item.summary
        .last_changed
        .or(item.summary.created)
        .map(Stamp::utc)
        .or(item.updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names_stay_one_component() {
        for hostile in [
            "../../etc/passwd",
            "..",
            ".",
            "/",
            "a/b\\c",
            ".hidden",
            "tittel\r\nBcc: x",
            "\u{202e}fdp.exe",
            "CON",
            "nul.txt",
            "Lpt1 ",
            "navn. ",
            "",
        ] {
            let name = safe_name(hostile, "x", 100);
            assert!(!name.is_empty(), "{hostile:?}");
            assert!(
                !name.contains(['/', '\\', '\r', '\n', '\u{202e}']),
                "{name:?}"
            );
            assert!(!name.starts_with('.'), "{name:?}");
            assert!(!name.ends_with(['.', ' ']), "{name:?}");
            assert!(name != "..", "{name:?}");
            let stem = name.split('.').next().unwrap_or_default().trim();
            assert!(
                !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)),
                "{name:?}"
            );
        }
        let long = "æ".repeat(500) + ".pdf";
        let name = safe_name(&long, "x", 120);
        assert!(name.len() <= 120 && name.ends_with(".pdf"), "{name}");
    }

    #[test]
    fn numbered_names_keep_the_extension() {
        assert_eq!(numbered("a.pdf", 0), "a.pdf");
        assert_eq!(numbered("a.pdf", 2), "a (2).pdf");
        assert_eq!(numbered("mappe", 1), "mappe (1)");
    }
}
