//! Colours: the 16 ANSI colours by default (so the user's terminal theme decides the actual
//! shades), and no colour at all when `NO_COLOR` is set.

use crate::i18n::tr;
use ratatui::style::{Color, Modifier, Style};

/// The styles the UI draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Title bar.
    pub title: Style,
    /// The environment badge in the title (`demo` stands out).
    pub badge: Style,
    /// Border of the focused pane.
    pub border_focused: Style,
    /// Border of other panes.
    pub border: Style,
    /// The selected row.
    pub selected: Style,
    /// Unread rows.
    pub unread: Style,
    /// Secondary text (dates, labels).
    pub dim: Style,
    /// Errors.
    pub error: Style,
    /// Key names in hints and help.
    pub key: Style,
    /// Headings.
    pub heading: Style,
}

impl Theme {
    /// The default theme on the ANSI palette.
    pub fn ansi() -> Self {
        Self {
            title: Style::new().add_modifier(Modifier::BOLD),
            badge: Style::new().fg(Color::Black).bg(Color::Yellow),
            border_focused: Style::new().fg(Color::Cyan),
            border: Style::new().fg(Color::DarkGray),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            unread: Style::new().add_modifier(Modifier::BOLD),
            dim: Style::new().fg(Color::DarkGray),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            heading: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    /// For light terminal backgrounds: darker accents that stay readable on white.
    pub fn light() -> Self {
        Self {
            border_focused: Style::new().fg(Color::Blue),
            border: Style::new().fg(Color::Gray),
            dim: Style::new().fg(Color::DarkGray),
            key: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ..Self::ansi()
        }
    }

    /// The theme named in the config (`ansi`, `light`, `none`), unless `NO_COLOR` is set,
    /// which always wins.
    pub fn named(name: Option<&str>) -> Result<Self, String> {
        let theme = match name.unwrap_or("ansi") {
            "ansi" | "dark" | "default" => Self::ansi(),
            "light" => Self::light(),
            "none" | "mono" | "monochrome" => Self::monochrome(),
            other => {
                return Err(tr!(
                    "ukjent tema «{other}»: bruk ansi, light eller none",
                    other
                ))
            }
        };
        Ok(match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Self::monochrome(),
            _ => theme,
        })
    }

    /// No colours: only bold, reverse and underline.
    fn monochrome() -> Self {
        Self {
            title: Style::new().add_modifier(Modifier::BOLD),
            badge: Style::new().add_modifier(Modifier::REVERSED),
            border_focused: Style::new().add_modifier(Modifier::BOLD),
            border: Style::new(),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            unread: Style::new().add_modifier(Modifier::BOLD),
            dim: Style::new(),
            error: Style::new().add_modifier(Modifier::BOLD),
            key: Style::new().add_modifier(Modifier::BOLD),
            heading: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_themes() {
        assert!(Theme::named(Some("light")).is_ok());
        assert!(Theme::named(Some("none")).is_ok());
        assert!(Theme::named(Some("purple")).is_err());
        assert_ne!(Theme::light(), Theme::ansi());
        assert_eq!(Theme::monochrome().dim.fg, None, "no colour at all");
    }
}
