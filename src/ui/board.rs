//! The board (`B`, `:board`): one row per party — name, organisation number, unread, needs
//! action, due within 14 days, overdue, newest — most urgent first, filtered as you type.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::{spinner, Theme};
use crate::app::{App, Overlay};
use crate::domain::BoardRow;
use crate::i18n::tr;
use crate::text::{fit, short_date};

/// Width of each count column.
const COUNT: usize = 7;

/// Draws the board over most of `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(Overlay::Board(board)) = &app.overlay else {
        return;
    };
    let width = area.width.saturating_sub(2).min(110);
    let inner = width.saturating_sub(2) as usize;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(tr!("Søk: "), theme.dim),
            Span::raw(board.filter.split().0.to_owned()),
            Span::styled("▏", theme.key),
            Span::raw(board.filter.split().1.to_owned()),
        ]),
        Line::raw(""),
    ];
    // Narrow screens drop the organisation number and the newest date first.
    let wide = inner >= 70;
    let counts = [tr!("Uleste"), tr!("Handle"), tr!("14 d"), tr!("Forfalt")];
    let fixed = counts.len() * (COUNT + 1) + if wide { 11 + 7 } else { 0 };
    let name_width = inner.saturating_sub(fixed).max(8);
    let mut heading = fit(tr!("Aktør"), name_width);
    if wide {
        heading.push_str(&format!(" {}", fit(tr!("Org.nr."), 10)));
    }
    for title in counts {
        heading.push_str(&format!(" {:>COUNT$}", fit(title, COUNT)));
    }
    if wide {
        heading.push_str(&format!(" {}", fit(tr!("Nyeste"), 6)));
    }
    lines.push(Line::styled(fit(&heading, inner), theme.heading));
    if board.loading && board.rows.is_empty() {
        lines.push(Line::styled(
            tr!(
                "{spinner} Henter oversikten …",
                spinner = spinner(app.spinner)
            ),
            theme.dim,
        ));
    } else {
        let matches = board.matches();
        if matches.is_empty() {
            lines.push(Line::styled(tr!("Ingen treff."), theme.dim));
        }
        // Only the rows that fit, scrolled so the selected one shows.
        let rows = (area.height as usize).saturating_sub(8).max(1);
        let first = (board.selected + 1).saturating_sub(rows);
        for (i, row) in matches.iter().enumerate().skip(first).take(rows) {
            let line = board_line(row, name_width, wide, theme);
            lines.push(if i == board.selected {
                line.style(theme.selected)
            } else {
                line
            });
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(status_note(app), theme.dim));
    lines.push(Line::styled(
        tr!("Skriv for å søke · ↑/↓ velg · Enter innboksen · Esc lukk"),
        theme.dim,
    ));
    super::popup(frame, area, theme, tr!("Oversikt"), width, lines);
}

/// One party's row: its counts stand out where they call for action.
fn board_line(row: &BoardRow, name_width: usize, wide: bool, theme: &Theme) -> Line<'static> {
    let count = |n: usize, style: Style| {
        let text = if n == 0 {
            format!(" {:>COUNT$}", "·")
        } else {
            format!(" {:>COUNT$}", crate::i18n::number(n))
        };
        Span::styled(text, if n == 0 { theme.dim } else { style })
    };
    let mut spans = vec![Span::raw(fit(&row.name, name_width))];
    if wide {
        let number = row.organisation_number.as_deref().unwrap_or("");
        spans.push(Span::styled(format!(" {}", fit(number, 10)), theme.dim));
    }
    spans.extend([
        count(row.unread, theme.unread),
        count(row.requires_attention, theme.key),
        count(row.due_soon, theme.key),
        count(row.overdue, theme.error),
    ]);
    if wide {
        let newest = row.newest.map(short_date).unwrap_or_default();
        spans.push(Span::styled(format!(" {}", fit(&newest, 6)), theme.dim));
    }
    Line::from(spans)
}

/// How old the board is, and whether it is being brought up to date.
fn status_note(app: &App) -> String {
    let when = app
        .desk
        .synced_at
        .map(crate::text::date_text)
        .unwrap_or_else(|| tr!("aldri").into());
    if app.desk.updating() {
        tr!(
            "Oppdatert {when}; oppdaterer {spinner}",
            when,
            spinner = spinner(app.spinner)
        )
    } else {
        tr!("Oppdatert {when}", when)
    }
}
