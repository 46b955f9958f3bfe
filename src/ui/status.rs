//! The status line (loading, errors, notices) and the key-hint bar generated from the
//! keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{spinner, Theme};
use crate::app::{App, Status};
use crate::text::truncate;

/// Draws the status line.
pub fn draw_status(app: &App, theme: &Theme, buf: &mut Buffer, area: Rect) {
    let width = area.width as usize;
    let line = if let Some(skip) = app.inbox.loading_skip {
        let page = skip / crate::altinn::client::PAGE_SIZE + 1;
        Line::styled(
            truncate(&format!(" {} Henter side {page}…", spinner(app.spinner)), width),
            theme.dim,
        )
    } else {
        match &app.status {
            Some(Status::Error(text)) => Line::styled(truncate(&format!(" ✗ {text}"), width), theme.error),
            Some(Status::Info(text)) => Line::raw(truncate(&format!(" {text}"), width)),
            None => Line::raw(""),
        }
    };
    Paragraph::new(line).render(area, buf);
    if let Some(method) = app.session_method {
        if width > 70 {
            Paragraph::new(Line::styled(format!("innlogget med {method} "), theme.dim))
                .alignment(Alignment::Right)
                .render(area, buf);
        }
    }
}

/// Draws the key hints: `j/k move · Enter open · … · ? help · q quit`, as many as fit.
pub fn draw_hints(app: &App, theme: &Theme, buf: &mut Buffer, area: Rect) {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (i, (keys, hint)) in app.keymap.hints().into_iter().enumerate() {
        let sep = if i == 0 { "" } else { " · " };
        let cost = sep.chars().count() + keys.chars().count() + 1 + hint.chars().count();
        if used + cost > area.width as usize {
            break;
        }
        used += cost;
        spans.push(Span::styled(sep, theme.dim));
        spans.push(Span::styled(keys, theme.key));
        spans.push(Span::raw(format!(" {hint}")));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}
