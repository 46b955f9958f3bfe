//! The login screen: method choice and the user name/password form, shown full screen or,
//! when a session expired, as an overlay over the kept inbox. On short terminals the
//! decorative lines go first, so the fields, the error and the demo hint always show.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::{centered, spinner, Theme};
use crate::app::{App, LoginField, LoginMethod};
use crate::text::{fit, truncate, width};

/// One line of the form.
struct Row {
    line: Line<'static>,
    /// Kept however short the terminal is.
    essential: bool,
    /// The text cursor goes on this row, at this column.
    cursor: Option<usize>,
}

impl Row {
    fn new(line: impl Into<Line<'static>>, essential: bool) -> Self {
        Self {
            line: line.into(),
            essential,
            cursor: None,
        }
    }
}

/// Greedy word wrap by display width.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        if !current.is_empty() && width(&current) + 1 + width(word) > max {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines.into_iter().map(|l| truncate(&l, max)).collect()
}

/// The text of a field as shown: the end of it when it is longer than the field.
fn field_text(value: &str, field_width: usize) -> String {
    if width(value) < field_width {
        return value.to_owned();
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in value.chars().rev() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w >= field_width {
            break;
        }
        used += w;
        tail.push(c);
    }
    tail.into_iter().rev().collect()
}

fn rows(app: &App, theme: &Theme, inner_width: usize) -> Vec<Row> {
    let login = &app.login;
    let focused = login.focused();
    let mut rows = vec![
        Row::new(
            Line::styled("innboks – Altinn-innboksen i terminalen", theme.title),
            false,
        ),
        Row::new(
            Line::from(vec![
                Span::styled("Miljø: ", theme.dim),
                Span::styled(format!(" {} ", app.env_label), theme.badge),
            ]),
            true,
        ),
        Row::new("", false),
        Row::new(Line::styled("Logg inn med", theme.dim), false),
    ];
    for (i, method) in LoginMethod::ALL.iter().enumerate() {
        let chosen = i == login.method;
        let radio = if chosen { "◉" } else { "○" };
        let mut spans = vec![Span::raw(format!("  {radio} {}", method.label()))];
        if *method != LoginMethod::Password {
            spans.push(Span::styled(" – kommer snart", theme.dim));
        }
        let mut line = Line::from(spans);
        if chosen && focused == LoginField::Method {
            line = line.style(theme.selected);
        }
        rows.push(Row::new(line, true));
    }
    rows.push(Row::new("", false));
    if login.method() == LoginMethod::Password {
        let field_width = inner_width.saturating_sub(13).max(4);
        let masked = "•".repeat(login.password.chars().count());
        for (label, value, field) in [
            (
                "Brukernavn: ",
                login.username.as_str(),
                LoginField::Username,
            ),
            ("Passord:    ", masked.as_str(), LoginField::Password),
        ] {
            let shown = field_text(value, field_width);
            let style = if focused == field {
                theme.selected
            } else {
                theme.dim
            };
            let mut row = Row::new(
                Line::from(vec![
                    Span::raw(label),
                    Span::styled(fit(&shown, field_width), style),
                ]),
                true,
            );
            if focused == field {
                row.cursor = Some(width(label) + width(&shown));
            }
            rows.push(row);
        }
    } else {
        rows.push(Row::new(
            Line::styled("ID-porten-innlogging kommer i neste versjon.", theme.dim),
            true,
        ));
    }
    rows.push(Row::new("", false));
    if login.pending.is_some() {
        rows.push(Row::new(
            format!("{} Logger inn…  (Esc avbryter)", spinner(app.spinner)),
            true,
        ));
    } else if let Some(error) = &login.error {
        for line in wrap(error, inner_width).into_iter().take(3) {
            rows.push(Row::new(Line::styled(line, theme.error), true));
        }
    }
    if let Some(hint) = &app.login_hint {
        for line in wrap(hint, inner_width).into_iter().take(2) {
            rows.push(Row::new(Line::styled(line, theme.key), true));
        }
    }
    rows.push(Row::new("", false));
    rows.push(Row::new(
        Line::styled(
            truncate(
                "Tab neste felt · ↑/↓ velg · Enter logg inn · Esc avslutt",
                inner_width,
            ),
            theme.dim,
        ),
        false,
    ));
    rows
}

/// Draws the login form centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let box_width = area.width.saturating_sub(4).min(74);
    let inner_width = box_width.saturating_sub(4) as usize;
    let mut rows = rows(app, theme, inner_width);
    let max_rows = area.height.saturating_sub(3) as usize;
    while rows.len() > max_rows {
        // Blank lines go first, then the other decorations, then whatever is left at the top.
        let victim = rows
            .iter()
            .position(|r| !r.essential && r.line.width() == 0)
            .or_else(|| rows.iter().position(|r| !r.essential))
            .unwrap_or(0);
        rows.remove(victim);
    }
    let height = (rows.len() as u16 + 3).min(area.height);
    let popup = centered(area, box_width, height);
    frame.render_widget(Clear, popup);
    let title = if app.login.relogin {
        " Logg inn igjen "
    } else {
        " Logg inn "
    };
    let block = Block::bordered()
        .title(title)
        .border_style(theme.border_focused);
    let inner = block.inner(popup);
    let inner = Rect::new(
        inner.x + 1,
        inner.y + 1,
        inner.width.saturating_sub(2),
        inner.height.saturating_sub(1),
    );
    frame.render_widget(block, popup);
    let cursor = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| r.cursor.map(|col| (i, col)));
    frame.render_widget(
        Paragraph::new(rows.into_iter().map(|r| r.line).collect::<Vec<_>>()),
        inner,
    );
    if let Some((row, col)) = cursor {
        let x = inner.x + col.min(inner.width.saturating_sub(1) as usize) as u16;
        let y = inner.y + row as u16;
        if y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}
