//! The `?` overlay: every binding, grouped, generated from the keymap.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::{centered, Theme};
use crate::app::App;
use crate::text::fit;

/// Draws the help overlay centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let groups = app.keymap.help();
    let mut lines = Vec::new();
    for (group, rows) in groups {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(group, theme.heading));
        for (keys, description) in rows {
            lines.push(Line::from(vec![
                Span::styled(fit(&keys, 16), theme.key),
                Span::raw(description),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("? eller Esc lukker hjelpen", theme.dim));
    let height = lines.len() as u16 + 2;
    let popup = centered(area, 58, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Hjelp – taster ")
                .border_style(theme.border_focused),
        ),
        popup,
    );
}
