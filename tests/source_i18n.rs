//! The catalogue (`src/i18n/catalogue.rs`): every row has all three languages with the same
//! placeholders, each row is used, and no text is written around it. A `tr!` whose text has
//! no row does not compile (`i18n::index_of` is a `const fn`); these checks cover the rest.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use innboks::i18n::{self, Lang, ENTRIES};

/// Every `tr!("…")` text in `src/` (both of a plural's, `tr!(one: "…", other: "…", …)`),
/// unescaped as the compiler reads it.
fn texts_in_source() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("a readable dir") {
                stack.push(entry.expect("an entry").path());
            }
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let code = std::fs::read_to_string(&path).expect("a readable file");
        let mut rest = code.as_str();
        while let Some(at) = rest.find("tr!(") {
            rest = &rest[at + 4..];
            let args = rest.trim_start();
            if let Some(plural) = args.strip_prefix("one:") {
                let Some((one, after)) = literal(plural) else {
                    continue;
                };
                found.insert(one);
                let after = after.trim_start().trim_start_matches(',').trim_start();
                if let Some((other, _)) = after.strip_prefix("other:").and_then(literal) {
                    found.insert(other);
                }
            } else if let Some((text, _)) = literal(args) {
                found.insert(text);
            }
        }
    }
    found
}

/// The string literal `code` starts with (after blanks), unescaped, and the code after it.
fn literal(code: &str) -> Option<(String, &str)> {
    let body = code.trim_start().strip_prefix('"')?;
    let mut text = String::new();
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((text, &body[at + 1..])),
            '\\' => match chars.next() {
                Some((_, 'n')) => text.push('\n'),
                Some((_, other)) => text.push(other),
                None => break,
            },
            c => text.push(c),
        }
    }
    None
}

#[test]
fn every_row_has_all_three_languages_with_the_same_placeholders() {
    let mut problems = Vec::new();
    for row in ENTRIES {
        let names: Vec<BTreeSet<&str>> = row
            .iter()
            .map(|text| i18n::placeholders(text).into_iter().collect())
            .collect();
        for (lang, text) in Lang::ALL.iter().zip(row) {
            if text.trim().is_empty() || *text == "-" {
                problems.push(format!("{:?}: no {lang}", row[0]));
            }
        }
        if names[1] != names[0] || names[2] != names[0] {
            problems.push(format!("{:?}: placeholders differ: {names:?}", row[0]));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn no_key_twice() {
    let mut seen = HashMap::new();
    let twice: Vec<&str> = ENTRIES
        .iter()
        .filter(|row| seen.insert(row[0], ()).is_some())
        .map(|row| row[0])
        .collect();
    assert!(twice.is_empty(), "rows with the same bokmål: {twice:#?}");
}

/// Two rows whose bokmål differs where English cannot, each with why; every other English
/// text is one row's. (A shared English is a hazard: `i18n::from_english`, which turns
/// clap's English help into the language in use, takes the first row that has it.)
const SAME_ENGLISH: &[(&str, &str, &str)] = &[
    (
        "merk som lest",
        "merke som lest",
        "a key's hint is imperative, the question's verb infinitive (“Merke som lest «…»?”)",
    ),
    (
        "arkiver",
        "arkivere",
        "a key's hint is imperative, the question's verb infinitive (“Arkivere «…»?”)",
    ),
    (
        "Uleste",
        "Ulest",
        "the filter menu's heading is plural (the messages), a message's status singular",
    ),
    (
        "uleste",
        "ulest",
        "the filter chip counts messages (plural); `innboks mark-unread` says one is (singular)",
    ),
    (
        " {unread} ulest / {loaded}{more} ",
        " {unread} uleste / {loaded}{more} ",
        "the two forms of one plural: English “unread” does not inflect",
    ),
    (
        "{n} ulest",
        "{n} uleste",
        "the two forms of `innboks count`'s plural: English “unread” does not inflect",
    ),
];

#[test]
fn no_two_rows_share_an_english_text() {
    let mut rows: HashMap<&str, Vec<&str>> = HashMap::new();
    for row in ENTRIES {
        rows.entry(row[2]).or_default().push(row[0]);
    }
    let allowed = |keys: &[&str]| {
        SAME_ENGLISH
            .iter()
            .any(|(a, b, _)| keys.len() == 2 && keys.contains(a) && keys.contains(b))
    };
    let mut shared: Vec<(&str, &Vec<&str>)> = rows
        .iter()
        .filter(|(_, keys)| keys.len() > 1 && !allowed(keys))
        .map(|(english, keys)| (*english, keys))
        .collect();
    shared.sort();
    assert!(shared.is_empty(), "rows with the same English: {shared:#?}");
    // Each exception is still two rows of one English, and none is clap's help, which is
    // looked up by its English.
    let help: BTreeSet<String> = innboks::cli::help_texts().into_iter().collect();
    for (a, b, why) in SAME_ENGLISH {
        let english = |key: &str| {
            ENTRIES
                .iter()
                .find(|row| row[0] == key)
                .map(|row| row[2])
                .unwrap_or_else(|| panic!("no row {key:?} ({why})"))
        };
        assert_eq!(english(a), english(b), "{a:?} and {b:?}: {why}");
        assert!(!help.contains(english(a)), "{a:?} is clap's help: {why}");
    }
}

#[test]
fn every_row_is_used_and_every_text_has_a_row() {
    let used = texts_in_source();
    let keys: BTreeSet<String> = ENTRIES.iter().map(|row| row[0].to_owned()).collect();
    let help: BTreeSet<String> = innboks::cli::help_texts().into_iter().collect();
    let english: BTreeSet<String> = ENTRIES.iter().map(|row| row[2].to_owned()).collect();
    let unused: Vec<&str> = ENTRIES
        .iter()
        .filter(|row| !used.contains(row[0]) && !help.contains(row[2]))
        .map(|row| row[0])
        .collect();
    assert!(unused.is_empty(), "rows no code uses: {unused:#?}");
    let missing: Vec<&String> = used.difference(&keys).collect();
    assert!(missing.is_empty(), "tr! texts without a row: {missing:#?}");
    let untranslated: Vec<&String> = help.difference(&english).collect();
    assert!(
        untranslated.is_empty(),
        "clap help without a row (match its English exactly): {untranslated:#?}"
    );
}

/// English rows are English: no Norwegian letters, but in names and `bokmål`.
#[test]
fn the_english_column_has_no_norwegian_letters() {
    let allowed = ["bokmål", "Brønnøysund", "Kari Nordmann"];
    let odd: Vec<&str> = ENTRIES
        .iter()
        .map(|row| row[2])
        .filter(|text| {
            let mut text = text.to_string();
            for word in allowed {
                text = text.replace(word, "");
            }
            text.chars().any(|c| "æøåÆØÅ".contains(c))
        })
        .collect();
    assert!(odd.is_empty(), "{odd:#?}");
}

/// The same key in each language, and a date and a number as each writes them.
#[test]
fn a_text_a_date_and_a_number_in_each_language() {
    let date = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z")
        .expect("a date")
        .to_utc();
    let expected = [
        (
            Lang::Nb,
            "Ingen meldinger.",
            "29.11.2026",
            "12\u{a0}345",
            "1,2 MB",
        ),
        (
            Lang::Nn,
            "Ingen meldingar.",
            "29.11.2026",
            "12\u{a0}345",
            "1,2 MB",
        ),
        (Lang::En, "No messages.", "29 Nov 2026", "12,345", "1.2 MB"),
    ];
    for (lang, text, day, number, size) in expected {
        let _lang = i18n::scoped(lang);
        assert_eq!(innboks::tr!("Ingen meldinger."), text);
        assert_eq!(innboks::text::date_text(date), day);
        assert_eq!(i18n::number(12_345), number);
        assert_eq!(innboks::text::human_size(1_200_000), size);
        assert_eq!(
            innboks::tr!("{n} nye meldinger.", n = 3),
            match lang {
                Lang::Nb => "3 nye meldinger.",
                Lang::Nn => "3 nye meldingar.",
                Lang::En => "3 new messages.",
            }
        );
    }
}

/// `innboks --help` in each language: clap's headings and our help texts both.
#[test]
fn the_command_lines_help_is_in_the_language() {
    for (lang, words) in [
        (Lang::Nb, ["Bruk:", "Valg", "Kommandoer", "Vis meldinger"]),
        (Lang::En, ["Usage:", "Options", "Commands", "List messages"]),
    ] {
        let _lang = i18n::scoped(lang);
        let help = innboks::cli::command().render_help().to_string();
        for word in words {
            assert!(help.contains(word), "{lang}: no {word:?} in\n{help}");
        }
    }
    // A command's own help: the usage line, value names, defaults and the global options.
    for (lang, words) in [
        (
            Lang::Nb,
            [
                "Bruk: innboks list [VALG]",
                "--limit <ANTALL>",
                "[standard: 50]",
                "Felles valg",
            ],
        ),
        (
            Lang::En,
            [
                "Usage: innboks list [OPTIONS]",
                "--limit <LIMIT>",
                "[default: 50]",
                "Global options",
            ],
        ),
    ] {
        let _lang = i18n::scoped(lang);
        let mut command = innboks::cli::command();
        // (Built, as clap does before it shows help: the global options reach the commands.)
        command.build();
        let list = command.find_subcommand_mut("list").expect("list");
        let help = list.render_help().to_string();
        for word in words {
            assert!(help.contains(word), "{lang}: no {word:?} in\n{help}");
        }
    }
}
