//! The `?` overlay: every binding, grouped, generated from the keymap. In two columns when
//! one would not fit the height.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::{centered, Theme};
use crate::app::App;
use crate::text::fit;

fn group_lines(
    groups: &[(&'static str, Vec<(String, &'static str)>)],
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (group, rows) in groups {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(*group, theme.heading));
        for (keys, description) in rows {
            lines.push(Line::from(vec![
                Span::styled(fit(keys, 12), theme.key),
                Span::raw(*description),
            ]));
        }
    }
    lines
}

/// Draws the help overlay centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let groups = app.keymap.help();
    let one_column = group_lines(&groups, theme);
    let footer = Line::styled("? eller Esc lukker hjelpen", theme.dim);
    let block = Block::bordered()
        .title(" Hjelp – taster ")
        .border_style(theme.border_focused);
    if one_column.len() + 4 <= area.height as usize || area.width < 70 {
        let mut lines = one_column;
        lines.push(Line::raw(""));
        lines.push(footer);
        let popup = centered(area, 58, lines.len() as u16 + 2);
        frame.render_widget(Clear, popup);
        frame.render_widget(Paragraph::new(lines).block(block), popup);
        return;
    }
    // Two columns: each group goes to the shorter one.
    let (mut left_groups, mut right_groups) = (Vec::new(), Vec::new());
    let (mut left_len, mut right_len) = (0, 0);
    for group in groups {
        let len = group.1.len() + 2;
        if left_len <= right_len {
            left_len += len;
            left_groups.push(group);
        } else {
            right_len += len;
            right_groups.push(group);
        }
    }
    let left = group_lines(&left_groups, theme);
    let right = group_lines(&right_groups, theme);
    let height = left.len().max(right.len()) as u16 + 4;
    let popup = centered(area, 100, height);
    frame.render_widget(Clear, popup);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [columns, _, foot] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
        .spacing(2)
        .areas(columns);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right), r);
    frame.render_widget(Paragraph::new(footer), foot);
}
