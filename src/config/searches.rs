//! The config's `[searches]` table: each entry read into a [`SavedSearch`] (a wrong one
//! named in one line), and a search written back into the file with `toml_edit`, so the
//! user's comments, order and other settings stay as they were.

use std::path::Path;

use serde::Deserialize;

use super::{ConfigError, ConfigFile};
use crate::domain::{Filters, Folder, MessageKind, SavedSearch, SearchParties};
use crate::i18n::tr;

/// Days a saved search may look back at most (ten years).
const MAX_DAYS: u32 = 3650;

/// One entry of `[searches]` as written; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchFile {
    #[serde(default)]
    unread: bool,
    kind: Option<String>,
    sender: Option<String>,
    days: Option<u32>,
    #[serde(default)]
    needs_confirmation: bool,
    search: Option<String>,
    parties: Option<Vec<String>>,
    folder: Option<String>,
}

/// The config's name of a kind (`letter`, `form`, `dialog`); `None` for one it cannot name.
fn kind_name(kind: &MessageKind) -> Option<&'static str> {
    match kind {
        MessageKind::Correspondence => Some("letter"),
        MessageKind::FormTask => Some("form"),
        MessageKind::Dialog => Some("dialog"),
        MessageKind::Other(_) => None,
    }
}

fn kind_named(name: &str) -> Option<MessageKind> {
    match name.to_lowercase().as_str() {
        "letter" | "brev" | "correspondence" => Some(MessageKind::Correspondence),
        "form" | "skjema" | "formtask" => Some(MessageKind::FormTask),
        "dialog" | "melding" => Some(MessageKind::Dialog),
        _ => None,
    }
}

fn folder_name(folder: Folder) -> &'static str {
    match folder {
        Folder::Inbox => "inbox",
        Folder::Archive => "archive",
        Folder::Trash => "trash",
        Folder::Drafts => "drafts",
        Folder::Sent => "sent",
    }
}

fn folder_named(name: &str) -> Option<Folder> {
    [
        Folder::Inbox,
        Folder::Archive,
        Folder::Trash,
        Folder::Drafts,
        Folder::Sent,
    ]
    .into_iter()
    .find(|f| folder_name(*f) == name.to_lowercase())
}

/// One entry read, or why not (without its name: the caller adds it).
fn read_one(value: &toml::Value) -> Result<SavedSearch, String> {
    if !value.is_table() {
        return Err(tr!(
            "skriv søket som en tabell: [searches.NAVN] med unread = true og så videre"
        )
        .into());
    }
    let file: SearchFile = value.clone().try_into().map_err(|e: toml::de::Error| {
        let message = e.message().trim().to_owned();
        // serde does not say which key had the wrong type: the one that fails alone does.
        let alone = |key: &String, v: &toml::Value| {
            let mut one = toml::Table::new();
            one.insert(key.clone(), v.clone());
            toml::Value::Table(one).try_into::<SearchFile>().is_err()
        };
        match value
            .as_table()
            .and_then(|t| t.iter().find(|(k, v)| alone(k, v)))
        {
            Some((key, _)) if !message.contains(key.as_str()) => format!("{key}: {message}"),
            _ => message,
        }
    })?;
    let kind = match &file.kind {
        None => None,
        Some(text) => Some(kind_named(text).ok_or_else(|| {
            tr!(
                "kind må være letter, form eller dialog, ikke «{text}»",
                text
            )
        })?),
    };
    let folder = match &file.folder {
        None => Folder::Inbox,
        Some(text) => folder_named(text).ok_or_else(|| {
            tr!(
                "folder må være inbox, archive, trash, drafts eller sent, ikke «{text}»",
                text
            )
        })?,
    };
    if file.days.is_some_and(|d| d == 0 || d > MAX_DAYS) {
        return Err(tr!("days må være fra 1 til 3650").into());
    }
    // (Drawn on the screen: no escape sequences, even from one's own file.)
    let search = file.search.map(|s| crate::text::sanitize_line(s.trim()));
    if search.as_ref().is_some_and(|s| s.chars().count() < 3) {
        return Err(tr!("search må ha minst tre tegn").into());
    }
    let sender = file.sender.map(|s| crate::text::sanitize_line(s.trim()));
    let parties = match file.parties.as_deref() {
        None => SearchParties::All,
        Some([]) => {
            return Err(
                tr!("parties er tom: skriv [\"all\"], [\"me\"] eller organisasjonsnumre").into(),
            )
        }
        Some(list) if list.iter().any(|p| p.trim() == "all") => SearchParties::All,
        Some([one]) if one.trim() == "me" => SearchParties::Me,
        Some(list) => SearchParties::Only(list.iter().map(|p| p.trim().to_owned()).collect()),
    };
    Ok(SavedSearch {
        name: String::new(),
        filters: Filters {
            unread: file.unread,
            kind,
            sender: sender.filter(|s| !s.is_empty()),
            needs_confirmation: file.needs_confirmation,
            search,
            ..Filters::default()
        },
        days: file.days,
        parties,
        folder,
    })
}

/// The saved searches of `file`, in the order of their names; the first wrong one is an
/// error that names it.
pub fn saved_searches(file: &ConfigFile, path: &Path) -> Result<Vec<SavedSearch>, ConfigError> {
    file.searches
        .iter()
        .map(|(name, value)| {
            let wrong = |message: String| ConfigError::Search {
                path: path.to_owned(),
                name: name.clone(),
                message,
            };
            if !SavedSearch::valid_name(name) {
                return Err(wrong(
                    tr!("navnet må ha 1 til 40 tegn, ingen kontrolltegn").into(),
                ));
            }
            let mut search = read_one(value).map_err(wrong)?;
            search.name = name.clone();
            Ok(search)
        })
        .collect()
}

/// `search` as the config writes it: only what is set, then its parties and folder.
fn search_table(search: &SavedSearch) -> Result<toml_edit::Table, ConfigError> {
    let mut table = toml_edit::Table::new();
    let f = &search.filters;
    if f.unread {
        table["unread"] = toml_edit::value(true);
    }
    if let Some(kind) = &f.kind {
        let name = kind_name(kind).ok_or_else(|| ConfigError::Unsaveable {
            name: search.name.clone(),
            message: tr!("typen «{kind}» kan ikke lagres", kind = kind.display()),
        })?;
        table["kind"] = toml_edit::value(name);
    }
    if let Some(sender) = &f.sender {
        table["sender"] = toml_edit::value(sender.as_str());
    }
    if let Some(days) = search.days {
        table["days"] = toml_edit::value(i64::from(days));
    }
    if f.needs_confirmation {
        table["needs_confirmation"] = toml_edit::value(true);
    }
    if let Some(text) = &f.search {
        table["search"] = toml_edit::value(text.as_str());
    }
    let parties: toml_edit::Array = search.parties.to_config().into_iter().collect();
    table["parties"] = toml_edit::value(parties);
    table["folder"] = toml_edit::value(folder_name(search.folder));
    Ok(table)
}

/// `text` (a config file) with `search` added to its `[searches]` — or put in place of
/// the one of that name when `overwrite` — and nothing else changed. A name already
/// there without `overwrite` is [`ConfigError::SearchTaken`].
pub fn with_search(
    text: &str,
    path: &Path,
    search: &SavedSearch,
    overwrite: bool,
) -> Result<String, ConfigError> {
    let wrong = |message: String| ConfigError::Parse {
        path: path.to_owned(),
        message,
    };
    let mut document: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| wrong(e.message().trim().to_owned()))?;
    let searches = document
        .entry("searches")
        .or_insert_with(|| {
            let mut table = toml_edit::Table::new();
            table.set_implicit(true);
            toml_edit::Item::Table(table)
        })
        .as_table_like_mut()
        .ok_or_else(|| wrong(tr!("searches må være en tabell").into()))?;
    if searches.contains_key(&search.name) && !overwrite {
        return Err(ConfigError::SearchTaken {
            name: search.name.clone(),
        });
    }
    let table = search_table(search)?;
    match searches.get_mut(&search.name) {
        // An inline entry (`name = { … }`) stays inline, in its place.
        Some(item) if item.is_inline_table() => {
            *item = toml_edit::value(table.into_inline_table());
        }
        Some(item) => *item = toml_edit::Item::Table(table),
        None => {
            searches.insert(&search.name, toml_edit::Item::Table(table));
        }
    }
    let written = document.to_string();
    // Never write what cannot be read back.
    let file: ConfigFile = toml::from_str(&written).map_err(|e| wrong(e.message().to_owned()))?;
    saved_searches(&file, path)?;
    Ok(written)
}

/// Adds `search` to the config file at `path` (made when missing), keeping its comments
/// and the rest; the file is replaced in one step, with its permissions.
pub fn save_search(path: &Path, search: &SavedSearch, overwrite: bool) -> Result<(), ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_owned(),
                source,
            })
        }
    };
    let written = with_search(&text, path, search, overwrite)?;
    let failed = |source: std::io::Error| ConfigError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            crate::paths::create_private_dir(dir).map_err(failed)?;
        }
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".innboks-new");
    let temporary = std::path::PathBuf::from(temporary);
    std::fs::write(&temporary, written).map_err(failed)?;
    if let Ok(metadata) = std::fs::metadata(path) {
        std::fs::set_permissions(&temporary, metadata.permissions()).map_err(failed)?;
    }
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        failed(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<SavedSearch>, ConfigError> {
        let file: ConfigFile = toml::from_str(text).expect("toml");
        saved_searches(&file, Path::new("/x/config.toml"))
    }

    #[test]
    fn every_field_is_read() {
        let searches = parse(
            "[searches]\nmva = { unread = true, kind = \"form\", sender = \"Skatteetaten\", \
             days = 30, needs_confirmation = true, search = \"mva\", \
             parties = [\"313367002\", \"310000000\"], folder = \"archive\" }\n\
             [searches.alt]\n",
        )
        .expect("valid");
        assert_eq!(searches.len(), 2);
        let all = &searches[0];
        assert_eq!(all.name, "alt");
        assert_eq!(all.parties, SearchParties::All);
        assert_eq!(all.folder, Folder::Inbox);
        assert!(all.filters.is_empty());
        let mva = &searches[1];
        assert_eq!(mva.name, "mva");
        assert!(mva.filters.unread && mva.filters.needs_confirmation);
        assert_eq!(mva.filters.kind, Some(MessageKind::FormTask));
        assert_eq!(mva.filters.sender.as_deref(), Some("Skatteetaten"));
        assert_eq!(mva.filters.search.as_deref(), Some("mva"));
        assert_eq!(mva.days, Some(30));
        assert_eq!(
            mva.parties,
            SearchParties::Only(vec!["313367002".into(), "310000000".into()])
        );
        assert_eq!(mva.folder, Folder::Archive);
        let me = parse("[searches.meg]\nparties = [\"me\"]\nkind = \"letter\"\n").expect("valid");
        assert_eq!(me[0].parties, SearchParties::Me);
        assert_eq!(me[0].filters.kind, Some(MessageKind::Correspondence));
    }

    #[test]
    fn a_wrong_entry_is_one_line_naming_it() {
        for (text, says) in [
            ("[searches.a]\nkind = \"fax\"\n", "fax"),
            ("[searches.a]\nfolder = \"spam\"\n", "spam"),
            ("[searches.a]\ncolour = \"red\"\n", "colour"),
            ("[searches.a]\ndays = 0\n", "3650"),
            ("[searches.a]\nsearch = \"ab\"\n", "search"),
            ("[searches.a]\nparties = []\n", "parties"),
            ("[searches]\na = 3\n", "a"),
            ("[searches.a]\nunread = \"yes\"\n", "unread"),
        ] {
            let _english = crate::i18n::scoped(crate::i18n::Lang::En);
            let error = parse(text).expect_err(text).to_string();
            assert!(!error.contains('\n'), "{error}");
            assert!(error.contains("«a»"), "{error}");
            assert!(error.contains("/x/config.toml"), "{error}");
            assert!(error.contains(says), "{text}: {error}");
        }
    }

    fn search(name: &str) -> SavedSearch {
        SavedSearch {
            name: name.into(),
            filters: Filters {
                unread: true,
                sender: Some("Skatteetaten".into()),
                kind: Some(MessageKind::Correspondence),
                ..Filters::default()
            },
            days: Some(7),
            parties: SearchParties::Only(vec!["313367002".into()]),
            folder: Folder::Inbox,
        }
    }

    #[test]
    fn saving_keeps_comments_and_the_rest() {
        let text = "# Mine innstillinger\nenv = \"tt02\" # testmiljøet\n\n[keys]\n# move_down = [\"j\"]\nquit = [\"q\"]\n";
        let path = Path::new("c.toml");
        let written = with_search(text, path, &search("skatt"), false).expect("saved");
        assert!(written.starts_with(text), "{written}");
        let file: ConfigFile = toml::from_str(&written).expect("reads back");
        let read = saved_searches(&file, path).expect("valid");
        assert_eq!(read, vec![search("skatt")]);
        assert_eq!(file.env.as_deref(), Some("tt02"));
        // A second is added; the same name is refused, then overwritten when asked.
        let two = with_search(&written, path, &search("mer skatt"), false).expect("saved");
        assert!(two.contains("[searches.\"mer skatt\"]"), "{two}");
        assert!(matches!(
            with_search(&two, path, &search("skatt"), false),
            Err(ConfigError::SearchTaken { .. })
        ));
        let mut other = search("skatt");
        other.filters.unread = false;
        let three = with_search(&two, path, &other, true).expect("overwritten");
        let file: ConfigFile = toml::from_str(&three).expect("reads back");
        let read = saved_searches(&file, path).expect("valid");
        assert_eq!(read.len(), 2);
        assert!(read.iter().any(|s| s.name == "skatt" && !s.filters.unread));
    }

    #[test]
    fn an_inline_entry_is_overwritten_in_place() {
        let text = "[searches]\nskatt = { unread = true } # mine\nandre = { days = 3 }\n";
        let written =
            with_search(text, Path::new("c"), &search("skatt"), true).expect("overwritten");
        assert!(written.contains("andre = { days = 3 }"), "{written}");
        let file: ConfigFile = toml::from_str(&written).expect("reads back");
        assert_eq!(
            saved_searches(&file, Path::new("c")).expect("valid")[1],
            search("skatt")
        );
    }

    #[test]
    fn saving_to_a_file_keeps_its_permissions() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("innboks").join("config.toml");
        save_search(&path, &search("a"), false).expect("made");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
            save_search(&path, &search("b"), false).expect("added");
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let file = super::super::load(&path).expect("loads");
        assert_eq!(saved_searches(&file, &path).expect("valid").len(), 2);
    }
}
