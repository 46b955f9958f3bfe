//! The status line (loading, errors, notices) and the key-hint bar generated from the
//! keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{spinner, Theme};
use crate::app::{App, Status};
use crate::text::{truncate, width};

/// Draws the status line.
pub fn draw_status(app: &App, theme: &Theme, buf: &mut Buffer, area: Rect) {
    let width = area.width as usize;
    let line = if let Some(pending) = &app.confirm {
        let question = format!(
            " {} {}? y = ja, annen tast = nei",
            match pending.action {
                crate::app::effects::MessageAction::Delete => "Slette",
                crate::app::effects::MessageAction::Archive => "Arkivere",
                crate::app::effects::MessageAction::Confirm => "Bekrefte",
            },
            truncate(&pending.subject, width.saturating_sub(40).max(10))
        );
        Line::styled(truncate(&question, width), theme.error)
    } else if let Some(search) = &app.search {
        let count = search.hits.len();
        let tail = if search.editing {
            "Enter beholder · Esc avbryter".to_owned()
        } else {
            "n/N neste/forrige · Esc fjerner".to_owned()
        };
        let text = format!(
            " /{}{}  {count} treff · {tail}",
            search.query,
            if search.editing { "▏" } else { "" }
        );
        Line::styled(truncate(&text, width), theme.key)
    } else if let Some(skip) = app.inbox.loading_skip {
        let page = skip / crate::altinn::client::PAGE_SIZE + 1;
        Line::styled(
            truncate(
                &format!(" {} Henter side {page}…", spinner(app.spinner)),
                width,
            ),
            theme.dim,
        )
    } else {
        match &app.status {
            Some(Status::Error(text)) => {
                Line::styled(truncate(&format!(" ✗ {text}"), width), theme.error)
            }
            Some(Status::Info(text)) => Line::raw(truncate(&format!(" {text}"), width)),
            None => Line::raw(""),
        }
    };
    Paragraph::new(line).render(area, buf);
    let note = match (&app.session_note, app.session_method) {
        (Some(note), _) => Some(note.clone()),
        (None, Some(method)) => Some(format!("innlogget med {method}")),
        (None, None) => None,
    };
    if let Some(note) = note {
        if width > 70 {
            Paragraph::new(Line::styled(format!("{note} "), theme.dim))
                .alignment(Alignment::Right)
                .render(area, buf);
        }
    }
}

/// Draws the key hints: `j/k move · Enter open · … · ? help · q quit`. When they do not all
/// fit, the least needed go first, so `? help` and `q quit` stay visible.
pub fn draw_hints(app: &App, theme: &Theme, buf: &mut Buffer, area: Rect) {
    const DROP_FIRST: [&str; 5] = ["pane", "back", "preview", "refresh", "open"];
    let mut hints = app.keymap.hints();
    let cost = |hints: &[(String, &str)]| -> usize {
        hints
            .iter()
            .map(|(keys, hint)| width(keys) + 1 + width(hint) + 3)
            .sum::<usize>()
    };
    for name in DROP_FIRST {
        if cost(&hints) <= area.width as usize {
            break;
        }
        hints.retain(|(_, hint)| *hint != name);
    }
    let mut spans = vec![Span::raw(" ")];
    for (i, (keys, hint)) in hints.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim));
        }
        spans.push(Span::styled(keys, theme.key));
        spans.push(Span::raw(format!(" {hint}")));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}
