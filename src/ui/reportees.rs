//! The reportee switcher (`R`): who the user can act for, filtered as they type.

use crate::i18n::tr;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::{spinner, Theme};
use crate::app::{App, SwitcherEntry};
use crate::domain::{Party, PartyKind};
use crate::text::fit;

/// `912345678` → `912 345 678`.
fn spaced(number: &str) -> String {
    let digits: Vec<char> = number.chars().collect();
    digits
        .chunks(3)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn kind(party: &Party) -> &str {
    match &party.kind {
        PartyKind::Person => tr!("person"),
        PartyKind::Organisation => tr!("virksomhet"),
        PartyKind::SubUnit => tr!("underenhet"),
        PartyKind::Other(text) => text,
    }
}

/// Draws the switcher centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(switcher) = app.switcher() else {
        return;
    };
    let width = area.width.saturating_sub(4).min(76);
    let inner = width.saturating_sub(2) as usize;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(tr!("Søk: "), theme.dim),
            Span::raw(switcher.filter.split().0.to_owned()),
            Span::styled("▏", theme.key),
            Span::raw(switcher.filter.split().1.to_owned()),
        ]),
        Line::raw(""),
    ];
    if switcher.loading {
        lines.push(Line::styled(
            tr!(
                "{spinner} Henter hvem du kan representere …",
                spinner = spinner(app.spinner)
            ),
            theme.dim,
        ));
    } else {
        let matches = app.switcher_matches();
        if matches.is_empty() {
            lines.push(Line::styled(tr!("Ingen treff."), theme.dim));
        }
        // Only the lines that fit, scrolled so the selected one shows: a keystroke over
        // 100,000 parties formats a screenful, not the whole list.
        let rows = (area.height as usize).saturating_sub(6).max(1);
        let first = (switcher.selected + 1).saturating_sub(rows);
        // The kind column is as wide as the language's longest word for one.
        let kind_width = [tr!("person"), tr!("virksomhet"), tr!("underenhet")]
            .iter()
            .map(|word| crate::text::width(word))
            .max()
            .unwrap_or(10);
        let name_width = inner.saturating_sub(24 + kind_width).max(10);
        for (i, entry) in matches.iter().enumerate().skip(first).take(rows) {
            let text = match entry {
                SwitcherEntry::All => format!(
                    "{} {}",
                    fit(tr!("Alle"), name_width),
                    tr!(
                        "samlet innboks for {count} parter",
                        count = crate::i18n::number(app.parties.list.len())
                    )
                ),
                SwitcherEntry::Party(party) => {
                    let number = party
                        .organisation_number
                        .as_deref()
                        .map(|n| tr!("org.nr. {number}", number = spaced(n)))
                        .unwrap_or_default();
                    format!(
                        "{} {}  {}",
                        fit(&party.name, name_width),
                        fit(kind(party), kind_width),
                        number
                    )
                }
            };
            let line = Line::raw(fit(&text, inner));
            lines.push(if i == switcher.selected {
                line.style(theme.selected)
            } else {
                line
            });
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        tr!("Skriv for å søke · ↑/↓ velg · Enter bytt · Esc lukk"),
        theme.dim,
    ));
    super::popup(frame, area, theme, tr!("Representer"), width, lines);
}
