//! `innboks attachment list`, `attachment save` and `attachment cat`.

use crate::i18n::tr;
use std::io::Write;
use std::process::ExitCode;

use serde_json::json;

use super::mail::fetch_message;
use super::progress::Progress;
use super::{begin, fail_api, fail_as, read_message, CacheUse, Started};
use crate::backend::Backend;
use crate::config::Environment;
use crate::domain::Attachment;

/// `innboks attachment list ID`.
pub async fn attachment_list(
    environment: &Environment,
    id: &str,
    reportee: Option<String>,
    as_json: bool,
    usage: CacheUse,
) -> ExitCode {
    let message = match fetch_message(environment, id, reportee, as_json, false, usage).await {
        Ok(message) => message,
        Err(exit) => return exit,
    };
    if as_json {
        let items: Vec<_> = message
            .attachments
            .iter()
            .map(super::mail::attachment_json)
            .collect();
        say!("{}", serde_json::Value::Array(items));
    } else {
        for a in &message.attachments {
            let size = a.size.map(crate::text::human_size).unwrap_or_default();
            let encrypted = if a.encrypted {
                format!(" {}", tr!(" (kryptert)"))
            } else {
                String::new()
            };
            say!("{:10} {}  {size}{encrypted}", a.id, a.file_name);
        }
    }
    ExitCode::SUCCESS
}

/// Which attachments `attachment save` saves, and where.
#[derive(Debug, Clone, Default)]
pub struct Which {
    /// This one (`ATT_ID`).
    pub attachment: Option<String>,
    /// Every one (`--all`).
    pub all: bool,
    /// Into this directory (`--out`; the download directory without it).
    pub out: Option<std::path::PathBuf>,
}

/// `innboks attachment save ID [ATT_ID|--all] [--out DIR]`: prints where each file went.
pub async fn attachment_save(
    environment: &Environment,
    id: &str,
    which: Which,
    reportee: Option<String>,
    as_json: bool,
    usage: CacheUse,
) -> ExitCode {
    let Which {
        attachment,
        all,
        out,
    } = which;
    let Some(dir) = out.or_else(crate::paths::download_dir) else {
        return fail_as(
            as_json,
            "local",
            tr!("fant ingen nedlastingsmappe: bruk --out"),
            2,
        );
    };
    if usage.offline {
        return fail_api(as_json, &crate::domain::ApiError::Offline);
    }
    let Started { backend, inbox, .. } = match begin(environment, as_json, reportee, usage).await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    let message = match read_message(&backend, &inbox, id, false).await {
        Ok(message) => message,
        Err(error) => return fail_api(as_json, &error),
    };
    let chosen = match choose(&message.attachments, attachment.as_deref(), all) {
        Ok(chosen) => chosen,
        Err((code, said, exit)) => return fail_as(as_json, code, said, exit),
    };
    if chosen.is_empty() {
        // Nothing to save is not an error for `--all`: a script gets an empty result.
        if as_json {
            say!("[]");
        } else {
            eprintln!("{}", tr!("Meldingen har ingen vedlegg."));
        }
        return ExitCode::SUCCESS;
    }
    if let Err(error) = std::fs::create_dir_all(&dir) {
        return fail_as(
            as_json,
            "local",
            &tr!("kan ikke lage {dir}: {e}", dir = dir.display(), e = error),
            1,
        );
    }
    let saved = match save_each(&backend, &chosen, &dir, as_json).await {
        Ok(saved) => saved,
        Err(exit) => return exit,
    };
    if as_json {
        say!("{}", serde_json::Value::Array(saved));
    } else {
        for s in &saved {
            let shown = s["path"].as_str().unwrap_or_default();
            say!("{}", tr!("Lagret {shown}", shown));
        }
    }
    ExitCode::SUCCESS
}

/// `innboks attachment cat ID [ATT_ID]`: the attachment's bytes on stdout, for a pipe; a
/// terminal is refused (exit 2) unless `--force`.
pub async fn attachment_cat(
    environment: &Environment,
    id: &str,
    attachment: Option<String>,
    reportee: Option<String>,
    force: bool,
    usage: CacheUse,
) -> ExitCode {
    use std::io::IsTerminal;
    use tokio::io::AsyncWriteExt;
    if !force && std::io::stdout().is_terminal() {
        let said = tr!("vil ikke skrive et vedlegg til terminalen: send det videre (| less, > fil) eller bruk --force");
        return fail_as(false, "usage", said, 2);
    }
    if usage.offline {
        return fail_api(false, &crate::domain::ApiError::Offline);
    }
    let Started { backend, inbox, .. } = match begin(environment, false, reportee, usage).await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    let message = match read_message(&backend, &inbox, id, false).await {
        Ok(message) => message,
        Err(error) => return fail_api(false, &error),
    };
    let chosen = match choose(&message.attachments, attachment.as_deref(), false) {
        Ok(chosen) => chosen,
        Err((code, said, exit)) => return fail_as(false, code, said, exit),
    };
    let Some(file) = chosen.first() else {
        return fail_as(false, "not-found", tr!("fant ikke vedlegget"), 4);
    };
    let mut out = tokio::io::stdout();
    let result = backend.download(&file.url, &mut out, |_| {}).await;
    let _ = out.flush().await;
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => fail_api(false, &error),
    }
}

/// The attachments asked for: the one named, or every file with `--all` (an empty list
/// when there is none), or the only file; else why not: (error code, text, exit code).
fn choose<'a>(
    attachments: &'a [Attachment],
    wanted: Option<&str>,
    all: bool,
) -> Result<Vec<&'a Attachment>, (&'static str, &'static str, u8)> {
    // Each file once: the letter's own zip of them all is saved only when asked for.
    let files: Vec<_> = attachments.iter().filter(|a| !a.bundle).collect();
    let chosen: Vec<_> = match (wanted, all) {
        (Some(wanted), _) => attachments.iter().filter(|a| a.id == wanted).collect(),
        (None, true) => return Ok(files),
        (None, false) if files.len() == 1 => files,
        (None, false) => {
            let said = tr!("meldingen har flere vedlegg: oppgi et vedlegg-id eller --all");
            return Err(("usage", said, 2));
        }
    };
    if chosen.is_empty() {
        return Err(("not-found", tr!("fant ikke vedlegget"), 4));
    }
    Ok(chosen)
}

/// Downloads each of `chosen` into a new file in `dir`, saying how far it has come; what
/// was saved as JSON (`id`, `path`, `bytes`), or the exit after the first failure.
async fn save_each(
    backend: &Backend,
    chosen: &[&Attachment],
    dir: &std::path::Path,
    as_json: bool,
) -> Result<Vec<serde_json::Value>, ExitCode> {
    let mut saved = Vec::new();
    let progress = Progress::new();
    let count = chosen.len();
    for (n, a) in chosen.iter().enumerate() {
        let (path, file) = crate::paths::create_unique(dir, &a.file_name).map_err(|error| {
            fail_as(
                as_json,
                "local",
                &tr!("kan ikke lage filen: {error}", error),
                1,
            )
        })?;
        let mut file = tokio::fs::File::from_std(file);
        let name = crate::text::fit(&a.file_name, 40);
        let report = |bytes: u64| {
            progress.say(&tr!(
                "Lagrer vedlegg {n} av {count}: {name} ({size})",
                n = n + 1,
                count,
                name,
                size = crate::text::human_size(bytes)
            ));
        };
        match backend.download(&a.url, &mut file, report).await {
            Ok(downloaded) => {
                drop(file);
                let path = crate::paths::with_extension_of(&path, downloaded.file_name.as_deref());
                let path = path.display().to_string();
                saved.push(json!({"id": a.id, "path": path, "bytes": downloaded.bytes}))
            }
            Err(error) => {
                let _ = std::fs::remove_file(&path);
                return Err(fail_api(as_json, &error));
            }
        }
    }
    Ok(saved)
}
