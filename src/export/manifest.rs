//! `manifest.json`: what an export wrote, per dialog — where, its `updatedAt`, whether its
//! content was there, and a SHA-256 of every file — so a rerun writes only what changed and
//! anyone can check the files. Written whole to a temporary file and renamed over the old
//! one, so an interrupted export never leaves half a manifest.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ExportError;

/// The manifest's file name in the export's folder.
pub const FILE_NAME: &str = "manifest.json";

/// Everything one export folder holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The manifest's own version.
    pub version: u32,
    /// `tree` or `maildir`.
    pub format: String,
    /// Every exported dialog by its id.
    pub dialogs: BTreeMap<String, Entry>,
}

/// One exported dialog.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Where it is, relative to the export's folder: the dialog's folder (tree) or its
    /// message file (maildir).
    pub path: String,
    /// The party it belongs to.
    pub party: String,
    /// Its `updatedAt` when written (RFC 3339).
    #[serde(rename = "updatedAt")]
    pub updated_at: Option<String>,
    /// Its body was there (cached or fetched), not only its metadata.
    pub content: bool,
    /// Some of its content could not be fetched (a file refused, say): an export that
    /// fetches tries again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
    /// Every file written for it, relative to the export's folder.
    pub files: BTreeMap<String, FileSum>,
}

/// A file's checksum and size.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
}

impl FileSum {
    /// The sum of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self {
            sha256: hex(&Sha256::digest(bytes)),
            size: bytes.len() as u64,
        }
    }

    /// The sum of the file at `path`, read in pieces.
    pub fn of_file(path: &Path) -> std::io::Result<Self> {
        let mut file = std::fs::File::open(path)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = file.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            size += n as u64;
        }
        Ok(Self {
            sha256: hex(&hasher.finalize()),
            size,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Manifest {
    /// The manifest in `root`, or an empty one for `format` when there is none. One that
    /// cannot be read (edited by hand, say) is started over: the dialogs' folders are known
    /// again by the id in their `message.json`, and maildir files by their names.
    pub fn load(root: &Path, format: &str) -> Result<Self, ExportError> {
        let empty = || Self {
            version: 1,
            format: format.to_owned(),
            dialogs: BTreeMap::new(),
        };
        let text = match std::fs::read(root.join(FILE_NAME)) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(empty()),
            Err(error) => return Err(ExportError::Io(error)),
        };
        let Ok(manifest) = serde_json::from_slice::<Manifest>(&text) else {
            tracing::warn!("unreadable export manifest: starting it over");
            return Ok(empty());
        };
        if manifest.format != format {
            return Err(ExportError::OtherFormat(manifest.format));
        }
        Ok(manifest)
    }

    /// Writes it into `root` at once: a temporary file, then renamed over the old.
    pub fn save(&self, root: &Path) -> Result<(), ExportError> {
        let text = serde_json::to_vec_pretty(self)
            .map_err(|error| ExportError::Io(std::io::Error::other(error)))?;
        super::write_atomic(&root.join(FILE_NAME), &text)?;
        Ok(())
    }
}
