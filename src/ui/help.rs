//! The `?` overlay: every binding, grouped, generated from the keymap, and the commands of
//! the command line. In two columns when one would not fit the height; scrolled with j/k
//! when even two do not.

use crate::i18n::tr;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::{centered, Theme};
use crate::app::update::commands;
use crate::app::App;
use crate::text::fit;

type Group = (&'static str, Vec<(String, &'static str)>);

fn group_lines(groups: &[Group], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (group, rows) in groups {
        // Keys get 12 columns; the commands' longer names up to 22.
        let key_width = rows
            .iter()
            .map(|(keys, _)| crate::text::width(keys) + 2)
            .max()
            .unwrap_or(0)
            .clamp(12, 22);
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(*group, theme.heading));
        for (keys, description) in rows {
            lines.push(Line::from(vec![
                Span::styled(fit(keys, key_width), theme.key),
                Span::raw(*description),
            ]));
        }
    }
    lines
}

/// The bindings' groups, then the commands.
fn groups(app: &App) -> Vec<Group> {
    let mut groups = app.settings.keymap.help();
    groups.push((tr!("Kommandoer (:)"), commands()));
    groups
}

/// Draws the help overlay centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let groups = groups(app);
    let block = Block::bordered()
        .title(tr!(" Hjelp – taster "))
        .border_style(theme.border_focused);
    let one_column = group_lines(&groups, theme);
    // Room for the text: the popup's borders, a blank line and the footer take four rows.
    let room = area.height.saturating_sub(4) as usize;
    let (columns, content_height): (Vec<Vec<Line>>, usize) =
        if one_column.len() <= room || area.width < 70 {
            let height = one_column.len();
            (vec![one_column], height)
        } else {
            // Two columns: each group goes to the shorter one.
            let (mut left, mut right): (Vec<Group>, Vec<Group>) = (Vec::new(), Vec::new());
            let (mut left_len, mut right_len) = (0, 0);
            for group in groups {
                let len = group.1.len() + 2;
                if left_len <= right_len {
                    left_len += len;
                    left.push(group);
                } else {
                    right_len += len;
                    right.push(group);
                }
            }
            let left = group_lines(&left, theme);
            let right = group_lines(&right, theme);
            let height = left.len().max(right.len());
            (vec![left, right], height)
        };
    let scrollable = content_height > room;
    let max_scroll = content_height.saturating_sub(room);
    let scroll = (app.help_scroll().unwrap_or(0) as usize).min(max_scroll);
    let footer = Line::styled(
        if scrollable {
            tr!(
                "j/k blar ({at}/{of}) · ? eller Esc lukker hjelpen",
                at = scroll + room.min(content_height),
                of = content_height
            )
        } else {
            tr!("? eller Esc lukker hjelpen").to_owned()
        },
        theme.dim,
    );
    let width = if columns.len() == 2 { 100 } else { 58 };
    let height = content_height.min(room) as u16 + 4;
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [body, _, foot] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let constraints = vec![Constraint::Ratio(1, columns.len() as u32); columns.len()];
    let areas = Layout::horizontal(constraints).spacing(2).split(body);
    let offset = u16::try_from(scroll).unwrap_or(u16::MAX);
    for (lines, column) in columns.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(lines).scroll((offset, 0)), *column);
    }
    frame.render_widget(Paragraph::new(footer), foot);
}
