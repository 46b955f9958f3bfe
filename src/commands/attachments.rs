//! `innboks attachment list` and `attachment save`.

use crate::i18n::tr;
use std::io::Write;
use std::process::ExitCode;

use serde_json::json;

use super::mail::fetch_message;
use super::progress::Progress;
use super::{begin, fail_api, fail_as, read_message, CacheUse, Started};
use crate::config::Environment;

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
    // Each file once: the letter's own zip of them all is saved only when asked for.
    let files: Vec<_> = message.attachments.iter().filter(|a| !a.bundle).collect();
    let chosen: Vec<_> = match (&attachment, all) {
        (Some(wanted), _) => message
            .attachments
            .iter()
            .filter(|a| &a.id == wanted)
            .collect(),
        (None, true) => files,
        (None, false) if files.len() == 1 => files,
        (None, false) => {
            return fail_as(
                as_json,
                "usage",
                tr!("meldingen har flere vedlegg: oppgi et vedlegg-id eller --all"),
                2,
            )
        }
    };
    if chosen.is_empty() && all {
        // Nothing to save is not an error for `--all`: a script gets an empty result.
        if as_json {
            say!("[]");
        } else {
            eprintln!("{}", tr!("Meldingen har ingen vedlegg."));
        }
        return ExitCode::SUCCESS;
    }
    if chosen.is_empty() {
        return fail_as(as_json, "not-found", tr!("fant ikke vedlegget"), 4);
    }
    if let Err(error) = std::fs::create_dir_all(&dir) {
        return fail_as(
            as_json,
            "local",
            &tr!("kan ikke lage {dir}: {e}", dir = dir.display(), e = error),
            1,
        );
    }
    let mut saved = Vec::new();
    let progress = Progress::new();
    let count = chosen.len();
    for (n, a) in chosen.into_iter().enumerate() {
        let (path, file) = match crate::paths::create_unique(&dir, &a.file_name) {
            Ok(ok) => ok,
            Err(error) => {
                return fail_as(
                    as_json,
                    "local",
                    &tr!("kan ikke lage filen: {error}", error),
                    1,
                )
            }
        };
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
                saved.push(json!({"id": a.id, "path": path.display().to_string(), "bytes": downloaded.bytes}))
            }
            Err(error) => {
                let _ = std::fs::remove_file(&path);
                return fail_api(as_json, &error);
            }
        }
    }
    drop(progress);
    if as_json {
        say!("{}", serde_json::Value::Array(saved));
    } else {
        for s in &saved {
            say!(
                "{}",
                tr!(
                    "Lagret {shown}",
                    shown = s["path"].as_str().unwrap_or_default()
                )
            );
        }
    }
    ExitCode::SUCCESS
}
