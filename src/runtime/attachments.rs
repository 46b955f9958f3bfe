//! Saving an attachment: streamed into a new file that never overwrites another, with
//! progress; a failed download leaves no partial file behind.

use crate::i18n::tr;
use std::path::{Path, PathBuf};

use super::Ctx;
use crate::app::Msg;

/// Saves the attachment at `url` into `dir`, and opens it if asked.
pub(super) async fn save(
    ctx: Ctx,
    url: String,
    file_name: String,
    dir: PathBuf,
    open: bool,
) -> Msg {
    match download(&ctx, &url, &file_name, &dir).await {
        Ok(path) => {
            let opened =
                open && crate::auth::browser::open_in_browser(&path.to_string_lossy()).is_ok();
            Msg::AttachmentSaved { path, opened }
        }
        Err(error) => Msg::AttachmentFailed { file_name, error },
    }
}

async fn download(ctx: &Ctx, url: &str, file_name: &str, dir: &Path) -> Result<PathBuf, String> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| tr!("kan ikke lage {dir}: {e}", dir = dir.display(), e))?;
    let (path, file) = crate::paths::create_unique(dir, file_name)
        .map_err(|e| tr!("kan ikke lage filen i {dir}: {e}", dir = dir.display(), e))?;
    let mut file = tokio::fs::File::from_std(file);
    let mut last = 0u64;
    let progress = |bytes: u64| {
        if bytes - last >= 256 * 1024 {
            last = bytes;
            ctx.send(Msg::AttachmentProgress {
                file_name: file_name.to_owned(),
                bytes,
            });
        }
    };
    match ctx.backend.download(url, &mut file, progress).await {
        Ok(downloaded) => {
            drop(file);
            Ok(crate::paths::with_extension_of(
                &path,
                downloaded.file_name.as_deref(),
            ))
        }
        Err(error) => {
            drop(file);
            let _ = std::fs::remove_file(&path);
            Err(error.to_string())
        }
    }
}

/// Downloads the attachment at `url` for `|` into a private directory of its own, and asks
/// for it to be piped to `command` (or says why it could not be fetched).
pub(super) async fn for_pipe(ctx: Ctx, url: String, file_name: String, command: String) -> Msg {
    let dir = std::env::temp_dir().join(format!("innboks-pipe-{}", std::process::id()));
    if let Err(e) = private_dir(&dir) {
        let error = tr!("kan ikke lage {dir}: {e}", dir = dir.display(), e);
        return Msg::Piped {
            command,
            outcome: Err(error),
        };
    }
    match download(&ctx, &url, &file_name, &dir).await {
        Ok(path) => Msg::PipeFetched { command, path },
        Err(error) => Msg::Piped {
            command,
            outcome: Err(error),
        },
    }
}

/// A directory only the user may read (the attachment may be private).
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
