//! The import rule of ARCHITECTURE.md, checked: each module of `src/` names only the modules
//! (and, for `app/`, the crates) its layer may. Reads every file's `crate::…` paths, outside
//! comments; a new edge across a line fails here with the file and the path.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a top-level module may name, by module: `crate::X` for each X listed.
const ALLOWED: &[(&str, &[&str])] = &[
    // The bottom: words, text and plumbing. `i18n` (the catalogue) is below everything that
    // says something.
    ("i18n", &[]),
    ("secret", &[]),
    ("text", &["i18n"]),
    ("exit", &["i18n"]),
    ("paths", &["i18n", "text"]),
    ("domain", &["i18n", "text"]),
    ("http", &["i18n", "text"]),
    // Services: each talks to one outside thing.
    (
        "auth",
        &["domain", "http", "i18n", "paths", "secret", "text"],
    ),
    (
        "backend",
        &["auth", "domain", "http", "i18n", "secret", "text"],
    ),
    ("cache", &["domain", "i18n", "paths"]),
    ("sync", &["domain"]),
    // The desk sync keeps the cache's desk in step with the backend.
    ("desk", &["backend", "cache", "domain"]),
    ("config", &["domain", "i18n", "paths", "secret", "text"]),
    // The export writes what it is given to disk: no network, no cache.
    ("export", &["domain", "i18n", "text"]),
    // State and drawing: no I/O, no services.
    ("app", &["domain", "i18n", "secret", "text"]),
    ("ui", &["app", "domain", "i18n", "text"]),
    // The runtime carries out the app's effects with the services (and writes a saved
    // search into the config file).
    (
        "runtime",
        &[
            "app", "auth", "backend", "cache", "config", "desk", "domain", "export", "i18n",
            "paths", "secret", "text",
        ],
    ),
    // The top: the loop and the commands.
    ("tui", &["app", "runtime", "startup", "text", "ui"]),
    (
        "commands",
        &[
            "auth", "backend", "cache", "cli", "config", "desk", "domain", "exit", "export",
            "i18n", "paths", "secret", "sync", "text",
        ],
    ),
    ("cli", &["config", "domain", "i18n", "sim"]),
    // What main starts besides the scripts: the inbox, the demo, the simulator.
    (
        "launch",
        &[
            "app", "auth", "backend", "cache", "cli", "commands", "config", "domain", "exit",
            "i18n", "paths", "runtime", "secret", "sim", "startup", "tui", "ui",
        ],
    ),
    // main parses and hands over (it names the library as `innboks::`).
    (
        "main",
        &[
            "cli", "commands", "config", "exit", "i18n", "launch", "paths", "startup", "text",
        ],
    ),
    ("startup", &[]),
    // The simulator stands apart: only `main` and the tests start it.
    ("sim", &["paths"]),
];

/// Crates `app/` may not name: the state machine never does I/O.
const NOT_IN_APP: &[&str] = &["tokio", "reqwest", "rusqlite", "hyper", "axum"];

/// What a backend may take from `auth`: the session, nothing of the login flows.
const BACKEND_FROM_AUTH: &[&str] = &["Session", "SessionHandle", "Renewal"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's text without comments (line comments and doc comments).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                ""
            } else {
                line.split(" // ").next().unwrap_or(line)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b…` path in `code`, as its segments, plus the names in a `{…}` group
/// right after it (`crate::auth::{Session, Renewal}`).
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    paths_after(code, "crate::")
}

/// Every path after `prefix` (`crate::`, or `innboks::` in the binary).
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().last();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `innboks_crate::` and the like
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let mut segments: Vec<String> = rest[..end]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if rest[end..].starts_with('{') {
            let group = rest[end + 1..].split('}').next().unwrap_or_default();
            for name in group.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                let mut with = segments.clone();
                with.extend(name.split("::").map(str::to_owned));
                paths.push(with);
            }
            segments.clear();
        }
        if !segments.is_empty() {
            paths.push(segments);
        }
    }
    paths
}

/// The top-level module a file of `src/` belongs to.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs").to_owned();
    (name != "lib").then_some(name)
}

#[test]
fn every_module_names_only_what_its_layer_may() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut broken = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        seen.insert(module.clone());
        let allowed = ALLOWED
            .iter()
            .find(|(m, _)| *m == module)
            .map(|(_, a)| *a)
            .unwrap_or_else(|| panic!("{module} has no place in the import rule: add it"));
        let code = code_of(&std::fs::read_to_string(file).expect("readable"));
        let name = file
            .strip_prefix(&src)
            .unwrap_or(file)
            .display()
            .to_string();
        let prefix = if module == "main" {
            "innboks::"
        } else {
            "crate::"
        };
        for path in paths_after(&code, prefix) {
            let Some(target) = path.first() else { continue };
            // `tr!` is i18n's macro; Rust puts an exported macro at the crate's root.
            let target = if target == "tr" {
                "i18n"
            } else {
                target.as_str()
            };
            if target == module {
                continue;
            }
            if !allowed.contains(&target) {
                broken.insert(format!("{name}: crate::{}", path.join("::")));
            } else if module == "backend" && target == "auth" {
                let item = path.get(1).map(String::as_str).unwrap_or_default();
                if !BACKEND_FROM_AUTH.contains(&item) {
                    broken.insert(format!(
                        "{name}: crate::{} (a backend takes only the session from auth)",
                        path.join("::")
                    ));
                }
            }
        }
        if module == "app" {
            for krate in NOT_IN_APP {
                if code.contains(&format!("{krate}::")) {
                    broken.insert(format!("{name}: {krate} (app/ does no I/O)"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports that cross the rule of ARCHITECTURE.md:\n{}",
        broken.into_iter().collect::<Vec<_>>().join("\n")
    );
    for required in ["app", "ui", "backend", "runtime", "domain"] {
        assert!(
            seen.contains(required),
            "no module {required}: the rule reads the wrong tree"
        );
    }
}

#[test]
fn the_reader_finds_paths_groups_and_skips_comments() {
    let code = code_of(
        "use crate::auth::{Session, SessionHandle};\n// crate::tui::x\nlet a = crate::domain::Inbox::Me; // crate::ui",
    );
    let paths: Vec<String> = crate_paths(&code).iter().map(|p| p.join("::")).collect();
    assert_eq!(
        paths,
        ["auth::Session", "auth::SessionHandle", "domain::Inbox::Me"]
    );
}

/// Every path the module map of ARCHITECTURE.md names, from `src/`: an entry (`app/`,
/// `cache_sqlite.rs`) at the start of a line opens its folder for what follows on its lines
/// (`mod.rs`, `inbox.rs` …), and an entry indented under a folder is inside it.
fn mapped_paths(doc: &str) -> BTreeSet<String> {
    let map = doc
        .split("## Module map")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .expect("ARCHITECTURE.md has a module map in a code block");
    let mut paths = BTreeSet::new();
    // (indent, folder) of the entries the current line is inside.
    let mut folders: Vec<(usize, String)> = Vec::new();
    let mut here = String::new();
    for line in map.lines().skip(1) {
        let indent = line.len() - line.trim_start().len();
        let first = line.split_whitespace().next().unwrap_or_default();
        let entry = (first.ends_with('/') || first.ends_with(".rs"))
            && line.trim_start()[first.len()..].starts_with("  ");
        if entry {
            while folders.last().is_some_and(|(i, _)| *i >= indent) {
                folders.pop();
            }
            let parent: String = folders.iter().map(|(_, f)| f.as_str()).collect();
            if let Some(folder) = first.strip_suffix('/') {
                folders.push((indent, format!("{folder}/")));
                here = format!("{parent}{folder}/");
            } else {
                here = parent;
            }
        }
        for word in line.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '/'))
        {
            let word = word.trim_end_matches('.');
            if word.ends_with(".rs") || (word.ends_with('/') && word.len() > 1) {
                paths.insert(format!("{here}{word}"));
            }
        }
    }
    paths
}

#[test]
fn architecture_md_maps_every_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mapped = mapped_paths(&doc);
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut missing = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let path = relative.to_string_lossy().replace('\\', "/");
        if !mapped.contains(&path) {
            missing.push(path);
        }
    }
    assert!(
        missing.is_empty(),
        "not on the map in ARCHITECTURE.md (by its path): {missing:?}"
    );
}

#[test]
fn the_map_reader_follows_folders() {
    let doc = "## Module map\n```\nsrc/\n  main.rs        the start\n  app/           state: mod.rs, inbox.rs\n                 (more), input.rs\n    update/      update(): mod.rs, pages.rs\n  cache.rs       sqlite; paths.rs: XDG\n```\n";
    let mapped = mapped_paths(doc);
    for path in [
        "main.rs",
        "app/mod.rs",
        "app/inbox.rs",
        "app/input.rs",
        "app/update/pages.rs",
        "cache.rs",
        "paths.rs",
    ] {
        assert!(mapped.contains(path), "{path} in {mapped:?}");
    }
    assert!(!mapped.contains("app/cache.rs"));
}
