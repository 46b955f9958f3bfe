//! The strings a list row holds, made small for a list of a million: [`Text`] is a slice of
//! a buffer shared by many rows (the cache reads a part's ids and subjects into one, with no
//! allocation a row), [`Name`] one shared string (a sender or a party, the same for
//! thousands of rows). Both read as `&str` and compare with `str` and `String`.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use arcstr::{ArcStr, Substr};

/// The string behaviour both types share, by their `&str`.
macro_rules! string_like {
    ($name:ident) => {
        impl $name {
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self.as_str(), f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $name {}

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.as_str()
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.as_str()
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == other.as_str()
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.into())
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                Self(text.into())
            }
        }

        impl From<&String> for $name {
            fn from(text: &String) -> Self {
                Self(text.as_str().into())
            }
        }

        impl From<$name> for String {
            fn from(text: $name) -> Self {
                text.as_str().to_owned()
            }
        }

        impl From<&$name> for String {
            fn from(text: &$name) -> Self {
                text.as_str().to_owned()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(Self::from)
            }
        }
    };
}

/// A row's text: a slice of a shared buffer, or a string of its own (16 bytes).
#[derive(Clone, Default)]
pub struct Text(Substr);

string_like!(Text);

impl Text {
    /// `range` of `buffer`, sharing it (`None` when the range is not on character
    /// boundaries inside it).
    pub fn slice(buffer: &ArcStr, range: std::ops::Range<usize>) -> Option<Self> {
        buffer.get(range.clone())?;
        Some(Self(buffer.substr(range)))
    }
}

/// A name many rows share: a sender, a party (8 bytes; a clone shares the string).
#[derive(Clone, Default)]
pub struct Name(ArcStr);

string_like!(Name);

/// Gives the same [`Name`] for the same text, so the rows of a list share one string per
/// sender and party.
#[derive(Debug, Default)]
pub struct Names(std::collections::HashSet<Name>);

impl Names {
    /// The shared name for `text`.
    pub fn get(&mut self, text: &str) -> Name {
        if let Some(name) = self.0.get(text) {
            return name.clone();
        }
        let name = Name::from(text);
        self.0.insert(name.clone());
        name
    }
}

/// Makes [`Text`]s that share one buffer: the texts are written first, then sliced.
#[derive(Debug, Default)]
pub struct TextBuffer {
    buffer: String,
}

impl TextBuffer {
    /// A buffer with room for `bytes` (it grows past them if it must).
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            buffer: String::with_capacity(bytes),
        }
    }

    /// Adds `text`; the range to slice it by in what [`TextBuffer::share`] gives.
    pub fn push(&mut self, text: &str) -> std::ops::Range<usize> {
        let start = self.buffer.len();
        self.buffer.push_str(text);
        start..self.buffer.len()
    }

    /// The texts pushed, as one shared buffer to slice by the ranges `push` gave; this one
    /// is emptied, its room kept for the next texts.
    pub fn share(&mut self) -> ArcStr {
        let shared = ArcStr::from(self.buffer.as_str());
        self.buffer.clear();
        shared
    }
}

/// How many distinct unknown values are kept; past that they all read as `UNKNOWN_PAST`
/// (a server sending endless new statuses costs no more than this).
const MOST_UNKNOWN: usize = 254;

/// What an unknown value reads as once `MOST_UNKNOWN` are kept.
const UNKNOWN_PAST: &str = "?";

/// The unknown values seen, each kept once for the life of the process.
static UNKNOWN: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

/// A value the server sent that we have no word for (a status, a type), kept as sent: one
/// byte in a row, the text in a table of the process (the values are few).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Unknown(std::num::NonZeroU8);

impl Unknown {
    /// The value for `text`.
    pub fn new(text: &str) -> Self {
        let mut table = UNKNOWN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let place = match table.iter().position(|known| *known == text) {
            Some(place) => place,
            None if table.len() < MOST_UNKNOWN => {
                table.push(Box::leak(text.to_owned().into_boxed_str()));
                table.len() - 1
            }
            None => MOST_UNKNOWN,
        };
        // Places count from one (zero is no place); past the table is `UNKNOWN_PAST`.
        let number = u8::try_from(place + 1).unwrap_or(u8::MAX);
        Self(std::num::NonZeroU8::MIN.saturating_add(number - 1))
    }

    /// The text as the server sent it.
    pub fn as_str(&self) -> &'static str {
        let table = UNKNOWN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        table
            .get(usize::from(self.0.get()) - 1)
            .copied()
            .unwrap_or(UNKNOWN_PAST)
    }
}

impl From<&str> for Unknown {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Unknown {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl fmt::Debug for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Unknown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Unknown {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|text| Self::new(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_share_a_buffer_and_compare_as_strings() {
        let mut buffer = TextBuffer::default();
        let id = buffer.push("a1");
        let subject = buffer.push("Skattemelding – 2025");
        let shared = buffer.share();
        let id = Text::slice(&shared, id).expect("id");
        let subject = Text::slice(&shared, subject).expect("subject");
        assert_eq!(id, "a1");
        assert_eq!(subject, "Skattemelding – 2025".to_owned());
        assert_eq!(String::from(&subject), "Skattemelding – 2025");
        assert!(Text::slice(&shared, 17..19).is_none(), "inside the dash");
        assert_eq!(std::mem::size_of::<Text>(), 16);
        assert_eq!(std::mem::size_of::<Option<Name>>(), 8);
        // A list row: what a million of them cost, before their text (BENCHMARKS.md).
        assert!(std::mem::size_of::<super::super::MessageSummary>() <= 96);
        let notice = Unknown::new("Notice");
        assert_eq!(notice, Unknown::from("Notice"), "one place for one text");
        assert_eq!(notice.as_str(), "Notice");
        assert_ne!(Unknown::new("Other"), notice);
        assert_eq!(std::mem::size_of::<super::super::MessageKind>(), 2);
        assert_eq!(std::mem::size_of::<super::super::MessageStatus>(), 2);
        let mut names = Names::default();
        let a = names.get("NAV");
        let b = names.get("NAV");
        assert_eq!(a.as_ptr(), b.as_ptr(), "one string for both");
        assert_eq!(serde_json::to_string(&a).expect("json"), "\"NAV\"");
    }
}
