//! The login screen: method choice and the user name/password form, shown full screen or,
//! when a session expired, as an overlay over the kept inbox.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{centered, spinner, Theme};
use crate::app::{App, LoginField, LoginMethod};
use crate::text::{fit, truncate, width};

/// Draws the login form centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let login = &app.login;
    let box_width = area.width.saturating_sub(4).min(74);
    let inner_width = box_width.saturating_sub(4) as usize;
    let focused = login.focused();
    let mut lines = vec![
        Line::styled("innboks – Altinn-innboksen i terminalen", theme.title),
        Line::from(vec![
            Span::styled("Miljø: ", theme.dim),
            Span::styled(format!(" {} ", app.env_label), theme.badge),
        ]),
        Line::raw(""),
        Line::styled("Logg inn med", theme.dim),
    ];
    for (i, method) in LoginMethod::ALL.iter().enumerate() {
        let chosen = i == login.method;
        let radio = if chosen { "◉" } else { "○" };
        let mut spans = vec![Span::raw(format!("  {radio} ")), Span::raw(method.label())];
        if *method != LoginMethod::Password {
            spans.push(Span::styled("  (kommer snart)", theme.dim));
        }
        let mut line = Line::from(spans);
        if chosen && focused == LoginField::Method {
            line = line.style(theme.selected);
        }
        lines.push(line);
    }
    lines.push(Line::raw(""));
    let mut cursor = None;
    if login.method() == LoginMethod::Password {
        let field_width = inner_width.saturating_sub(14).max(8);
        let masked: String = "•".repeat(login.password.chars().count());
        for (label, value, field) in [
            (
                "Brukernavn: ",
                login.username.as_str(),
                LoginField::Username,
            ),
            ("Passord:    ", masked.as_str(), LoginField::Password),
        ] {
            let shown = if width(value) >= field_width {
                let tail: String = value
                    .chars()
                    .rev()
                    .take(field_width.saturating_sub(1))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                tail
            } else {
                value.to_owned()
            };
            let style = if focused == field {
                theme.selected
            } else {
                theme.dim
            };
            if focused == field {
                cursor = Some((lines.len(), 12 + width(&shown)));
            }
            lines.push(Line::from(vec![
                Span::raw(label),
                Span::styled(fit(&shown, field_width), style),
            ]));
        }
    } else {
        lines.push(Line::styled(
            "ID-porten-innlogging kommer i neste versjon.",
            theme.dim,
        ));
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw(""));
    if login.pending.is_some() {
        lines.push(Line::raw(format!(
            "{} Logger inn…  (Esc avbryter)",
            spinner(app.spinner)
        )));
    } else if let Some(error) = &login.error {
        lines.push(Line::styled(truncate(error, inner_width * 2), theme.error));
    } else {
        lines.push(Line::raw(""));
    }
    if let Some(hint) = &app.login_hint {
        lines.push(Line::styled(hint.clone(), theme.key));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Tab neste felt · ↑/↓ velg · Enter logg inn · Esc avslutt",
        theme.dim,
    ));
    let height = (lines.len() as u16 + 4).min(area.height);
    let popup = centered(area, box_width, height);
    frame.render_widget(Clear, popup);
    let title = if login.relogin {
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
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((row, col)) = cursor {
        let x = inner.x + col.min(inner.width.saturating_sub(1) as usize) as u16;
        let y = inner.y + row as u16;
        if y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}
