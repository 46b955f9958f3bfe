//! The filter menu (`f`): each filter with its key, whether it is set, and how many of the
//! loaded messages it lets through; says which filters Altinn applies to the whole mailbox
//! and which only to what is loaded.

use crate::i18n::tr;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{centered, Theme};
use crate::app::{Action, App};
use crate::domain::FilterKey;
use crate::text::fit;

/// The menu's action and the name of each filter when it is not set.
fn entry(key: FilterKey) -> (Action, &'static str) {
    match key {
        FilterKey::Unread => (Action::FilterUnread, tr!("Uleste")),
        FilterKey::Kind => (Action::FilterKind, tr!("Type (brev, skjema, …)")),
        FilterKey::Sender => (
            Action::FilterBySender,
            tr!("Avsender (den valgte meldingens)"),
        ),
        FilterKey::Dates => (Action::FilterDays, tr!("Dato (siste 7, 30, 90, 365 dager)")),
        FilterKey::NeedsConfirmation => (Action::FilterNeedsConfirmation, tr!("Må bekreftes")),
    }
}

/// The first key bound to `action`, as the menu shows it (the keymap decides, so a rebound
/// key shows as bound).
fn key_of(app: &App, action: Action) -> String {
    app.settings
        .keymap
        .keys_for(action)
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// Draws the menu centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(64);
    let inner = width.saturating_sub(2) as usize;
    let loaded = app.inbox.loaded();
    let mut lines = Vec::new();
    for key in crate::domain::FilterKey::ALL {
        let (action, name) = entry(key);
        let letter = key_of(app, action);
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
            tr!("{label} (lokalt)", label)
        } else {
            label
        };
        let count = tr!(
            "{count} av {loaded}",
            count = crate::i18n::number(app.inbox.filter_count(key)),
            loaded
        );
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
        Span::styled(format!(" {} ", key_of(app, Action::FilterClear)), theme.key),
        Span::raw(tr!("  Fjern alle filtre")),
    ]));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        tr!("Altinn filtrerer hele innboksen; «lokalt» gjelder bare de lastede meldingene. Tallene er lastede meldinger som passer."),
        theme.dim,
    ));
    lines.push(Line::styled(
        tr!(
            "{back}, {open} eller {filter} lukker",
            back = key_of(app, Action::Back),
            open = key_of(app, Action::Open),
            filter = key_of(app, Action::Filter)
        ),
        theme.dim,
    ));
    let height = (lines.len() as u16 + 4).min(area.height);
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(tr!(" Filtre "))
                .border_style(theme.border_focused),
        ),
        popup,
    );
}
