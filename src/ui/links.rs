//! The link chooser (`Y`): the body's numbered links; the chosen one is copied.

use crate::i18n::tr;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::Theme;
use crate::app::App;
use crate::text::fit;

/// Draws the chooser centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (Some(chosen), Some(message)) = (app.link_choice(), app.detail_message()) else {
        return;
    };
    let width = area.width.saturating_sub(4).min(90);
    let inner = width.saturating_sub(2) as usize;
    let rows = area.height.saturating_sub(6).max(1) as usize;
    let first = chosen.saturating_sub(rows.saturating_sub(1));
    let mut lines: Vec<Line> = message
        .links
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, link)| {
            let line = Line::raw(fit(&format!("[{}] {link}", i + 1), inner));
            if i == chosen {
                line.style(theme.selected)
            } else {
                line
            }
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        tr!("↑/↓ velg · Enter eller tall kopierer · Esc lukk"),
        theme.dim,
    ));
    super::popup(frame, area, theme, tr!("Kopier lenke"), width, lines);
}
