//! One language at a time: bokmål (the default), nynorsk or English, for every word innboks
//! shows or prints.
//!
//! A text is written where it is used, in bokmål, inside [`tr!`](crate::tr): the bokmål text
//! is the key, so the code reads as the screen does. [`catalogue`] holds each key's nynorsk
//! and English. The key is looked up while the crate compiles (a `const`), so a text without
//! its translations does not build, and so does a `tr!` whose arguments are not the row's
//! `{placeholders}` in all three languages ([`check_arguments`]). A count picks one of two
//! rows, `tr!(one: …, other: …, n)` (1 singular, else plural, in all three). `tests/source_i18n.rs`
//! checks that every entry's placeholders agree, that none is left unused, and that no two
//! rows share an English text but where the test says why.
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
    fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
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

/// Stops the build where a `tr!`'s arguments and its row disagree: each `{name}` in any of
/// the row's three texts needs an argument `name` (else it would be shown as it is), and each
/// argument must be a `{name}` in all three (else a language silently drops it). `tr!` calls
/// it in a `const`, so the error points at the `tr!`, and nothing of it is left at run time.
///
/// Placeholders are read as [`fill`] reads them: from a `{` to the next `}`. The catalogue
/// has no literal braces and no way to escape one.
pub const fn check_arguments(index: usize, names: &[&str]) {
    let row = &ENTRIES[index];
    let mut column = 0;
    while column < row.len() {
        let text = row[column].as_bytes();
        let mut at = 0;
        while let Some((start, end)) = next_placeholder(text, at) {
            if !names_contain(names, text, start, end) {
                let name = match std::str::from_utf8(text.split_at(end).0.split_at(start).1) {
                    Ok(name) => name,
                    Err(_) => "?",
                };
                let message = Message::new()
                    .key(row[0])
                    .push("the ")
                    .push(COLUMN_NAMES[column])
                    .push(" text has {")
                    .push(name)
                    .push("}, but no argument is called ")
                    .push(name);
                panic!("{}", message.as_str());
            }
            at = end + 1;
        }
        let mut i = 0;
        while i < names.len() {
            let name = names[i].as_bytes();
            if !has_placeholder(text, name) {
                let message = Message::new()
                    .key(row[0])
                    .push("the argument ")
                    .push(names[i])
                    .push(" is not {")
                    .push(names[i])
                    .push("} in the ")
                    .push(COLUMN_NAMES[column])
                    .push(" text");
                panic!("{}", message.as_str());
            }
            let mut j = i + 1;
            while j < names.len() {
                if bytes_equal(name, names[j].as_bytes()) {
                    let message = Message::new()
                        .key(row[0])
                        .push("the argument ")
                        .push(names[i])
                        .push(" is given twice");
                    panic!("{}", message.as_str());
                }
                j += 1;
            }
            i += 1;
        }
        column += 1;
    }
}

/// The catalogue's columns, as a build error names them.
const COLUMN_NAMES: [&str; 3] = ["bokmål", "nynorsk", "English"];

/// The next `{name}` in `text` from `at`, as the byte range of `name`.
const fn next_placeholder(text: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut open = at;
    while open < text.len() && text[open] != b'{' {
        open += 1;
    }
    let mut close = open + 1;
    while close < text.len() && text[close] != b'}' {
        close += 1;
    }
    if close < text.len() {
        Some((open + 1, close))
    } else {
        None
    }
}

/// Whether `text[start..end]` is one of `names`.
const fn names_contain(names: &[&str], text: &[u8], start: usize, end: usize) -> bool {
    let mut i = 0;
    while i < names.len() {
        if range_is(text, start, end, names[i].as_bytes()) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `text` has the placeholder `{name}`.
const fn has_placeholder(text: &[u8], name: &[u8]) -> bool {
    let mut at = 0;
    while let Some((start, end)) = next_placeholder(text, at) {
        if range_is(text, start, end, name) {
            return true;
        }
        at = end + 1;
    }
    false
}

/// Whether `text[start..end]` is `name`.
const fn range_is(text: &[u8], start: usize, end: usize, name: &[u8]) -> bool {
    if end - start != name.len() {
        return false;
    }
    let mut k = 0;
    while k < name.len() {
        if text[start + k] != name[k] {
            return false;
        }
        k += 1;
    }
    true
}

/// A build error's text, made while compiling (a `const fn` cannot `format!`).
struct Message {
    bytes: [u8; 512],
    len: usize,
}

impl Message {
    const fn new() -> Self {
        Self {
            bytes: [0; 512],
            len: 0,
        }
    }

    /// The opening naming the `tr!` by its key (a long one cut short).
    const fn key(self, key: &str) -> Self {
        let mut cut = key.len();
        let mut more = "";
        if cut > 120 {
            cut = 120;
            // (Back to the start of a character.)
            while cut > 0 && key.as_bytes()[cut] & 0xC0 == 0x80 {
                cut -= 1;
            }
            more = "…";
        }
        let key = match std::str::from_utf8(key.as_bytes().split_at(cut).0) {
            Ok(key) => key,
            Err(_) => "?",
        };
        self.push("tr!(\"").push(key).push(more).push("\"): ")
    }

    /// `self` and `text` after it (what does not fit is left out, by whole characters).
    const fn push(mut self, text: &str) -> Self {
        let text = text.as_bytes();
        let mut take = self.bytes.len() - self.len;
        if take >= text.len() {
            take = text.len();
        } else {
            while take > 0 && text[take] & 0xC0 == 0x80 {
                take -= 1;
            }
        }
        let mut i = 0;
        while i < take {
            self.bytes[self.len] = text[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    const fn as_str(&self) -> &str {
        match std::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(text) => text,
            Err(_) => "this tr! and its catalogue row disagree",
        }
    }
}

/// The row of a plural's two ([`tr!`](crate::tr)`(one: …, other: …)`) for `count`: in
/// bokmål, nynorsk and English alike 1 is singular, 0 and the rest plural.
pub fn plural(count: usize, one: usize, other: usize) -> usize {
    if count == 1 {
        one
    } else {
        other
    }
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
///
/// A count has two rows, one for 1 and one for the rest:
/// `tr!(one: "{n} ny melding.", other: "{n} nye meldinger.", n = count)`. The first argument
/// is the count (a `usize`): it picks the row and is shown as [`number`](crate::i18n::number)
/// writes it in the language.
///
/// Arguments and placeholders are checked while compiling
/// ([`check_arguments`](crate::i18n::check_arguments)): a wrong name does not build,
///
/// ```compile_fail,E0080
/// let count = 3;
/// let _ = innboks::tr!("{n} nye meldinger.", count);
/// ```
///
/// nor a missing argument,
///
/// ```compile_fail,E0080
/// let (n, text) = (3, "skatt");
/// let _ = innboks::tr!("{n}{more} treff på «{text}».", n, text);
/// ```
///
/// nor one no text shows,
///
/// ```compile_fail,E0080
/// let (n, more) = (3, "+");
/// let _ = innboks::tr!("{n} nye meldinger.", n, more);
/// ```
///
/// nor a text with a placeholder and no arguments at all, nor a plural whose forms disagree:
///
/// ```compile_fail,E0080
/// let _ = innboks::tr!("{n} nye meldinger.");
/// ```
///
/// ```compile_fail,E0080
/// let _ = innboks::tr!(one: "Ingen meldinger.", other: "{n} nye meldinger.", n = 2);
/// ```
///
/// while the right ones do:
///
/// ```
/// let _lang = innboks::i18n::scoped(innboks::i18n::Lang::En);
/// assert_eq!(innboks::tr!("{n} nye meldinger.", n = 3), "3 new messages.");
/// let arrived = |n: usize| innboks::tr!(one: "{n} ny melding.", other: "{n} nye meldinger.", n);
/// assert_eq!(arrived(1), "1 new message.");
/// assert_eq!(arrived(12_345), "12,345 new messages.");
/// ```
#[macro_export]
macro_rules! tr {
    ($key:literal) => {{
        const INDEX: usize = $crate::i18n::index_of($key);
        const _: () = $crate::i18n::check_arguments(INDEX, &[]);
        $crate::i18n::text(INDEX)
    }};
    ($key:literal, $($name:ident $(= $value:expr)?),+ $(,)?) => {{
        const INDEX: usize = $crate::i18n::index_of($key);
        const _: () = $crate::i18n::check_arguments(INDEX, &[$(stringify!($name)),+]);
        $crate::i18n::fill(
            $crate::i18n::text(INDEX),
            &[$((stringify!($name), &$crate::tr!(@value $name $($value)?) as &dyn ::std::fmt::Display)),+],
        )
    }};
    (
        one: $one:literal,
        other: $other:literal,
        $count:ident $(= $count_value:expr)?
        $(, $name:ident $(= $value:expr)?)* $(,)?
    ) => {{
        const ONE: usize = $crate::i18n::index_of($one);
        const OTHER: usize = $crate::i18n::index_of($other);
        const NAMES: &[&str] = &[stringify!($count) $(, stringify!($name))*];
        const _: () = $crate::i18n::check_arguments(ONE, NAMES);
        const _: () = $crate::i18n::check_arguments(OTHER, NAMES);
        let count: usize = $crate::tr!(@value $count $($count_value)?);
        $crate::i18n::fill(
            $crate::i18n::text($crate::i18n::plural(count, ONE, OTHER)),
            &[
                (stringify!($count), &$crate::i18n::number(count) as &dyn ::std::fmt::Display)
                $(, (
                    stringify!($name),
                    &$crate::tr!(@value $name $($value)?) as &dyn ::std::fmt::Display,
                ))*
            ],
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

    /// The header's count as it was written by hand before (`if n == 1`), in each language;
    /// the count is written as `number` writes it.
    #[test]
    fn a_count_of_one_is_singular_and_any_other_plural() {
        let header = |n: usize| {
            tr!(
                one: " {unread} ulest / {loaded}{more} ",
                other: " {unread} uleste / {loaded}{more} ",
                unread = n,
                loaded = 50,
                more = "+"
            )
        };
        let arrived = |n: usize| tr!(one: "{n} ny melding.", other: "{n} nye meldinger.", n);
        for (lang, one, fourteen, none, many) in [
            (
                Lang::Nb,
                " 1 ulest / 50+ ",
                " 14 uleste / 50+ ",
                "0 nye meldinger.",
                "1\u{a0}234 nye meldinger.",
            ),
            (
                Lang::Nn,
                " 1 ulesen / 50+ ",
                " 14 ulesne / 50+ ",
                "0 nye meldingar.",
                "1\u{a0}234 nye meldingar.",
            ),
            (
                Lang::En,
                " 1 unread / 50+ ",
                " 14 unread / 50+ ",
                "0 new messages.",
                "1,234 new messages.",
            ),
        ] {
            let _lang = scoped(lang);
            assert_eq!(header(1), one);
            assert_eq!(header(14), fourteen);
            assert_eq!(arrived(0), none);
            assert_eq!(arrived(1_234), many);
        }
        let _lang = scoped(Lang::Nb);
        assert_eq!(arrived(1), "1 ny melding.");
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
