//! The filter menu (`f`): each filter with its key, whether it is set, and how many of the
//! loaded messages it lets through; says which filters Altinn applies to the whole mailbox
//! and which only to what is loaded.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{centered, Theme};
use crate::app::App;
use crate::domain::FilterKey;
use crate::text::fit;

/// The menu key and the name of each filter when it is not set.
fn entry(key: FilterKey) -> (&'static str, &'static str) {
    match key {
        FilterKey::Unread => ("u", "Uleste"),
        FilterKey::Kind => ("t", "Type (brev, skjema, …)"),
        FilterKey::Sender => ("s", "Avsender (den valgte meldingens)"),
        FilterKey::Dates => ("d", "Dato (siste 7, 30, 90, 365 dager)"),
        FilterKey::NeedsConfirmation => ("b", "Må bekreftes"),
    }
}

/// Draws the menu centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(64);
    let inner = width.saturating_sub(2) as usize;
    let loaded = app.inbox.loaded();
    let mut lines = Vec::new();
    for key in crate::domain::FilterKey::ALL {
        let (letter, name) = entry(key);
        let set = app.filters.is_set(key);
        // Filters with a value say which; on/off ones need only the tick.
        let value = match key {
            FilterKey::Sender => app.filters.sender.clone(),
            FilterKey::Kind | FilterKey::Dates => app.filters.label(key),
            FilterKey::Unread | FilterKey::NeedsConfirmation => None,
        };
        let label = match value {
            Some(value) => format!("{}: {value}", name.split(" (").next().unwrap_or(name)),
            None => name.to_owned(),
        };
        let label = if key.is_local() {
            format!("{label} (lokalt)")
        } else {
            label
        };
        let count = format!("{} av {loaded}", app.inbox.filter_count(key));
        let label_width = inner.saturating_sub(6 + count.len() + 1);
        let style = if set {
            theme.key
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {letter} "), theme.key),
            Span::styled(if set { "✓ " } else { "  " }, style),
            Span::styled(fit(&label, label_width), style),
            Span::styled(format!(" {count}"), theme.dim),
        ]));
    }
    lines.push(Line::from(vec![
        Span::styled(" x ", theme.key),
        Span::raw("  Fjern alle filtre"),
    ]));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Altinn filtrerer hele innboksen; «lokalt» gjelder bare de lastede meldingene. Tallene er lastede meldinger som passer.",
        theme.dim,
    ));
    lines.push(Line::styled("Esc, Enter eller f lukker", theme.dim));
    let height = (lines.len() as u16 + 4).min(area.height);
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(" Filtre ")
                .border_style(theme.border_focused),
        ),
        popup,
    );
}
