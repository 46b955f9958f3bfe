//! Where innboks keeps its files (XDG on Linux, the platform's places elsewhere), and helpers
//! that create them private to the user (directories 0700, files 0600).

use crate::i18n::tr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use directories::ProjectDirs;

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("no", "innboks", "innboks")
}

/// The default config file: `~/.config/innboks/config.toml` on Linux.
pub fn config_file() -> Option<PathBuf> {
    dirs().map(|d| d.config_dir().join("config.toml"))
}

/// The directory for logs: the XDG state dir (`~/.local/state/innboks`) where the platform
/// has one, else the local data dir.
fn state_dir() -> Option<PathBuf> {
    dirs().map(|d| {
        d.state_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| d.data_local_dir().to_path_buf())
    })
}

/// The directory for persistent data (the saved session): `~/.local/share/innboks`.
pub fn data_dir() -> Option<PathBuf> {
    dirs().map(|d| d.data_dir().to_path_buf())
}

/// The directory for the message cache: `~/.cache/innboks` (`$XDG_CACHE_HOME`).
pub fn cache_dir() -> Option<PathBuf> {
    dirs().map(|d| d.cache_dir().to_path_buf())
}

/// The log file.
pub fn log_file() -> Option<PathBuf> {
    state_dir().map(|d| d.join("innboks.log"))
}

/// Creates `dir` (and parents) readable only by the user.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Opens `path` for appending, creating it readable only by the user.
pub fn open_private_append(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Creates (or truncates) `path` for writing, readable only by the user.
pub fn create_private_truncate(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.create(true).write(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// Creates a new file for `name` in `dir` without ever overwriting: `name`, then
/// `stem (1).ext`, `stem (2).ext`, … The name is made safe first (no separators, no `..`).
pub fn create_unique(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    let name = crate::text::safe_file_name(name);
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
        _ => (name.clone(), String::new()),
    };
    for i in 0..10_000 {
        let candidate = if i == 0 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem} ({i}){ext}"))
        };
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => return Ok((candidate, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(tr!("for mange filer med det navnet")))
}

/// A saved file without an extension takes the one the server's name for it has
/// (`Content-Disposition`): renamed to a name of its own, never over another file.
/// Returns where it is now.
pub fn with_extension_of(path: &Path, server_name: Option<&str>) -> PathBuf {
    let has_extension = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.rsplit_once('.'))
        .is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty());
    let extension = server_name
        .and_then(|n| n.rsplit_once('.'))
        .filter(|(stem, ext)| !stem.is_empty() && !ext.is_empty() && ext.len() <= 10)
        .map(|(_, ext)| ext.to_owned());
    let (Some(extension), false, Some(dir), Some(name)) = (
        extension,
        has_extension,
        path.parent(),
        path.file_name().and_then(|n| n.to_str()),
    ) else {
        return path.to_path_buf();
    };
    match create_unique(dir, &format!("{name}.{extension}")) {
        Ok((renamed, _)) if fs::rename(path, &renamed).is_ok() => renamed,
        Ok((renamed, _)) => {
            let _ = fs::remove_file(renamed);
            path.to_path_buf()
        }
        Err(_) => path.to_path_buf(),
    }
}

/// Where `:export` writes unless the config says: `Altinn` in the XDG documents dir, else
/// `~/Altinn`.
pub fn export_dir() -> Option<PathBuf> {
    let user = directories::UserDirs::new()?;
    Some(
        user.document_dir()
            .unwrap_or_else(|| user.home_dir())
            .join("Altinn"),
    )
}

/// Where attachments are saved: the XDG download dir, else `~/Downloads`.
pub fn download_dir() -> Option<PathBuf> {
    let user = directories::UserDirs::new()?;
    Some(
        user.download_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| user.home_dir().join("Downloads")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites_and_stays_inside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (first, _) = create_unique(dir.path(), "vedtak.pdf").expect("first");
        let (second, _) = create_unique(dir.path(), "vedtak.pdf").expect("second");
        let (third, _) = create_unique(dir.path(), "vedtak.pdf").expect("third");
        assert_eq!(
            first.file_name().and_then(|n| n.to_str()),
            Some("vedtak.pdf")
        );
        assert_eq!(
            second.file_name().and_then(|n| n.to_str()),
            Some("vedtak (1).pdf")
        );
        assert_eq!(
            third.file_name().and_then(|n| n.to_str()),
            Some("vedtak (2).pdf")
        );
        let (hostile, _) = create_unique(dir.path(), "../../etc/passwd").expect("hostile");
        assert_eq!(hostile.parent(), Some(dir.path()));
        let (escape, _) =
            create_unique(dir.path(), "\u{1b}]52;c;x\u{7}rapport.pdf").expect("escape");
        assert!(!escape.to_string_lossy().contains('\u{1b}'));
    }
}
