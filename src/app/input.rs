//! One editable line of text, for every field that takes typing: the login fields, the
//! browser login's paste field, the search prompt, the command line and the switcher's
//! filter. Cursor movement, word delete, paste and display width are written here once.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthChar;

/// A line of text and a cursor in it (a char index: never inside a character).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    cursor: usize,
}

impl std::fmt::Debug for TextInput {
    // The password is a TextInput too: never shown in Debug (the owner decides what to show).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TextInput({} chars)", self.text.chars().count())
    }
}

impl From<&str> for TextInput {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// Only the cursor moved.
    Moved,
    /// The key is not an editing key, or had nothing to do (Backspace at the start): the
    /// caller may use it.
    Ignored,
}

impl TextInput {
    /// A field holding `text`, the cursor at its end.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.chars().count();
        Self { text, cursor }
    }

    /// The text.
    pub fn value(&self) -> &str {
        &self.text
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// The text before the cursor and after it.
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.byte_at(self.cursor))
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Inserts `text` at the cursor, leaving out control characters (a paste, or typing).
    pub fn insert(&mut self, text: &str) {
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    /// Applies an editing key: characters, Backspace, Delete, ←/→, Home/End (and C-a/C-e),
    /// C-w (word before the cursor), C-u (to the start), C-k (to the end).
    pub fn handle(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt => {
                let mut buf = [0; 4];
                self.insert(c.encode_utf8(&mut buf));
                Edit::Changed
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.remove(self.cursor - 1, self.cursor);
                Edit::Changed
            }
            KeyCode::Delete if self.cursor < self.len() => {
                self.remove(self.cursor, self.cursor + 1);
                Edit::Changed
            }
            KeyCode::Char('w') if ctrl && self.cursor > 0 => {
                let start = self.word_start();
                self.remove(start, self.cursor);
                Edit::Changed
            }
            KeyCode::Char('u') if ctrl => {
                self.remove(0, self.cursor);
                Edit::Changed
            }
            KeyCode::Char('k') if ctrl => {
                self.remove(self.cursor, self.len());
                Edit::Changed
            }
            KeyCode::Left => self.move_to(self.cursor.saturating_sub(1)),
            KeyCode::Right => self.move_to((self.cursor + 1).min(self.len())),
            KeyCode::Home => self.move_to(0),
            KeyCode::Char('a') if ctrl => self.move_to(0),
            KeyCode::End => self.move_to(self.len()),
            KeyCode::Char('e') if ctrl => self.move_to(self.len()),
            _ => Edit::Ignored,
        }
    }

    fn move_to(&mut self, cursor: usize) -> Edit {
        self.cursor = cursor;
        Edit::Moved
    }

    fn remove(&mut self, from: usize, to: usize) {
        let (start, end) = (self.byte_at(from), self.byte_at(to));
        self.text.replace_range(start..end, "");
        self.cursor = from;
    }

    /// Where the word before the cursor starts (spaces before it go with it).
    fn word_start(&self) -> usize {
        let before: Vec<char> = self.text.chars().take(self.cursor).collect();
        let mut at = before.len();
        while at > 0 && before[at - 1].is_whitespace() {
            at -= 1;
        }
        while at > 0 && !before[at - 1].is_whitespace() {
            at -= 1;
        }
        at
    }

    /// What fits in `width` columns around the cursor, and the cursor's column in it: the
    /// text up to the cursor (its tail, when it is too wide), then what follows while it fits.
    /// With `mask`, every character shows as that one (a password).
    pub fn view(&self, width: usize, mask: Option<char>) -> (String, usize) {
        let shown = |c: char| mask.unwrap_or(c);
        let column = |c: char| shown(c).width().unwrap_or(0);
        let (before, after) = self.split();
        let mut head: Vec<char> = Vec::new();
        let mut used = 0;
        for c in before.chars().rev() {
            if used + column(c) >= width {
                break;
            }
            used += column(c);
            head.push(shown(c));
        }
        head.reverse();
        let cursor = used;
        for c in after.chars() {
            if used + column(c) >= width {
                break;
            }
            used += column(c);
            head.push(shown(c));
        }
        (head.into_iter().collect(), cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(text: &str) -> TextInput {
        let mut input = TextInput::default();
        for c in text.chars() {
            input.handle(&key(KeyCode::Char(c)));
        }
        input
    }

    #[test]
    fn typing_moving_and_deleting_by_character_and_word() {
        let mut input = typed("skatt melding");
        assert_eq!(input.handle(&ctrl('w')), Edit::Changed);
        assert_eq!(input.value(), "skatt ");
        input.handle(&key(KeyCode::Home));
        input.handle(&key(KeyCode::Right));
        input.handle(&key(KeyCode::Delete));
        assert_eq!(input.value(), "satt ");
        input.insert("k");
        assert_eq!((input.value(), input.cursor()), ("skatt ", 2));
        input.handle(&ctrl('k'));
        assert_eq!(input.value(), "sk");
        input.handle(&ctrl('u'));
        assert!(input.is_empty());
        assert_eq!(input.handle(&key(KeyCode::Enter)), Edit::Ignored);
    }

    #[test]
    fn wide_and_combined_characters_are_never_split() {
        let mut input = typed("a😀ø");
        input.handle(&key(KeyCode::Left));
        input.handle(&key(KeyCode::Backspace));
        assert_eq!(input.value(), "aø");
        assert_eq!(input.split(), ("a", "ø"));
    }

    #[test]
    fn the_view_keeps_the_cursor_in_sight_and_masks_passwords() {
        let input = typed("abcdefghij");
        assert_eq!(input.view(5, None), ("ghij".to_owned(), 4));
        assert_eq!(input.view(20, Some('•')), ("••••••••••".to_owned(), 10));
        let mut start = input.clone();
        start.handle(&key(KeyCode::Home));
        assert_eq!(start.view(5, None), ("abcd".to_owned(), 0));
        assert_eq!(format!("{:?}", typed("hemmelig")), "TextInput(8 chars)");
    }
}
