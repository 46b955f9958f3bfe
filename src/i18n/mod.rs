//! One language at a time: bokmål (the default), nynorsk or English, for every word innboks
//! shows or prints.
//!
//! A text is written where it is used, in bokmål, inside [`tr!`](crate::tr): the bokmål text
//! is the key, so the code reads as the screen does. [`catalogue`] holds each key's nynorsk
//! and English. The key is looked up while the crate compiles (a `const`), so a text without
//! its translations does not build; `tests/i18n.rs` checks that every entry's placeholders
//! agree and that none is left unused.
//!
//! The language is chosen once at start ([`choose`]), from `--lang`, the config's `language`
//! or the locale; a test picks one for its own thread with [`scoped`].

mod catalogue;
mod number;

use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

pub use catalogue::ENTRIES;
pub use number::number;

/// A language innboks speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Bokmål.
    #[default]
    Nb,
    /// Nynorsk.
    Nn,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the catalogue's column order.
    pub const ALL: [Lang; 3] = [Lang::Nb, Lang::Nn, Lang::En];

    /// The language's code: what the config and `--lang` take, and what Dialogporten is
    /// asked for (`Accept-Language`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::En => "en",
        }
    }

    /// Altinn 2's number for the language (its `language` query parameter).
    pub fn altinn2_code(self) -> u16 {
        match self {
            Lang::Nb => 1044,
            Lang::Nn => 2068,
            Lang::En => 1033,
        }
    }

    /// `nb`, `nn` or `en` (also `no` for bokmål); `None` for anything else.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nb" | "no" | "bokmål" | "bokmal" => Some(Lang::Nb),
            "nn" | "nynorsk" => Some(Lang::Nn),
            "en" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a POSIX locale asks for: the first set of `LC_ALL`, `LC_MESSAGES` and
    /// `LANG` decides; `en*` is English, `nn*` nynorsk, and anything else bokmål.
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(var)
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        if locale.starts_with("en") {
            Lang::En
        } else if locale.starts_with("nn") {
            Lang::Nn
        } else {
            Lang::Nb
        }
    }

    fn column(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The process's language, as [`Lang::column`].
static CURRENT: AtomicU8 = AtomicU8::new(0);

thread_local! {
    /// A test's own language, over the process's.
    static SCOPED: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// The language in use.
pub fn current() -> Lang {
    if let Some(lang) = SCOPED.with(Cell::get) {
        return lang;
    }
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::Nn,
        2 => Lang::En,
        _ => Lang::Nb,
    }
}

/// Sets the process's language (once, at start).
pub fn set(lang: Lang) {
    CURRENT.store(lang.column() as u8, Ordering::Relaxed);
}

/// The language to use: `--lang`, else the config's `language`, else the locale. A code
/// that is none of ours is an error naming where it came from.
pub fn choose(
    flag: Option<&str>,
    config: Option<&str>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Lang, String> {
    if let Some(code) = flag {
        return Lang::parse(code)
            .ok_or_else(|| crate::tr!("--lang tar nb, nn eller en, ikke «{code}».", code));
    }
    if let Some(code) = config {
        return Lang::parse(code)
            .ok_or_else(|| crate::tr!("language tar nb, nn eller en, ikke «{code}».", code));
    }
    Ok(Lang::from_locale(var))
}

/// Until dropped, this thread speaks `lang` (tests: a snapshot in each language).
pub fn scoped(lang: Lang) -> Scoped {
    let before = SCOPED.with(|cell| cell.replace(Some(lang)));
    Scoped { before }
}

/// What [`scoped`] returns: dropping it gives the thread back its earlier language.
pub struct Scoped {
    before: Option<Lang>,
}

impl Drop for Scoped {
    fn drop(&mut self) {
        SCOPED.with(|cell| cell.set(self.before));
    }
}

/// The catalogue row whose bokmål is `key`, found while compiling: a key without a row
/// stops the build at the `tr!` that uses it.
pub const fn index_of(key: &str) -> usize {
    let key = key.as_bytes();
    let mut i = 0;
    while i < ENTRIES.len() {
        if bytes_equal(ENTRIES[i][0].as_bytes(), key) {
            return i;
        }
        i += 1;
    }
    panic!("this tr! text has no row in src/i18n/catalogue.rs: add its nynorsk and English")
}

const fn bytes_equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Row `index` in the language in use.
pub fn text(index: usize) -> &'static str {
    ENTRIES[index][current().column()]
}

/// The text in the language in use for a text given in English (clap's help, written in
/// English doc comments); `None` when the catalogue has no such row.
pub fn from_english(english: &str) -> Option<&'static str> {
    let column = current().column();
    ENTRIES
        .iter()
        .find(|row| row[2] == english)
        .map(|row| row[column])
}

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &dyn fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => {
                use fmt::Write;
                let _ = write!(out, "{value}");
            }
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The names of the `{placeholders}` in a text, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

/// A text in the language in use: `tr!("Ingen meldinger.")` is a `&'static str`;
/// `tr!("{n} nye meldinger.", n = count)` (or just `n` for `n = n`) is a `String`.
/// The bokmål text is the key; `src/i18n/catalogue.rs` holds the row.
#[macro_export]
macro_rules! tr {
    ($key:literal) => {{
        const INDEX: usize = $crate::i18n::index_of($key);
        $crate::i18n::text(INDEX)
    }};
    ($key:literal, $($name:ident $(= $value:expr)?),+ $(,)?) => {{
        const INDEX: usize = $crate::i18n::index_of($key);
        $crate::i18n::fill(
            $crate::i18n::text(INDEX),
            &[$((stringify!($name), &$crate::tr!(@value $name $($value)?) as &dyn ::std::fmt::Display)),+],
        )
    }};
    (@value $name:ident) => { $name };
    (@value $name:ident $value:expr) => { $value };
}

pub use crate::tr;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_picks_english_nynorsk_or_else_bokmal() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_locale(env(&[("LANG", "en_GB.UTF-8")])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[("LANG", "nn_NO.UTF-8")])), Lang::Nn);
        assert_eq!(Lang::from_locale(env(&[("LANG", "C.UTF-8")])), Lang::Nb);
        assert_eq!(Lang::from_locale(env(&[])), Lang::Nb);
        // LC_ALL over LC_MESSAGES over LANG; an empty one does not count.
        assert_eq!(
            Lang::from_locale(env(&[
                ("LC_ALL", ""),
                ("LC_MESSAGES", "nn_NO"),
                ("LANG", "en_US")
            ])),
            Lang::Nn
        );
        assert_eq!(
            Lang::from_locale(env(&[("LC_ALL", "en_US"), ("LANG", "nb_NO")])),
            Lang::En
        );
    }

    #[test]
    fn the_flag_wins_over_the_config_and_the_config_over_the_locale() {
        let english = |name: &str| (name == "LANG").then(|| "en_US.UTF-8".to_string());
        assert_eq!(choose(Some("nn"), Some("en"), english), Ok(Lang::Nn));
        assert_eq!(choose(None, Some("nb"), english), Ok(Lang::Nb));
        assert_eq!(choose(None, None, english), Ok(Lang::En));
        assert!(choose(Some("de"), None, english).is_err());
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        assert_eq!(
            fill("{a} av {b}, {a}", &[("a", &1), ("b", &"to")]),
            "1 av to, 1"
        );
        assert_eq!(fill("ingen {x}", &[]), "ingen {x}");
        assert_eq!(placeholders("{n} nye, {m}"), vec!["n", "m"]);
    }

    #[test]
    fn a_scoped_language_is_the_threads_until_dropped() {
        let _outer = scoped(Lang::Nb);
        {
            let _inner = scoped(Lang::En);
            assert_eq!(tr!("Ingen meldinger."), "No messages.");
        }
        assert_eq!(tr!("Ingen meldinger."), "Ingen meldinger.");
    }
}
