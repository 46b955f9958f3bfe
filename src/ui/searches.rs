//! The saved searches (`'`, `:searches`): one row per search — its name, what it looks
//! for, how many it matches on the desk and how many of those are unread — filtered as you
//! type.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::{spinner, Theme};
use crate::app::{App, Overlay};
use crate::domain::{Folder, SavedSearch, SearchParties};
use crate::i18n::tr;
use crate::text::fit;

/// Width of each count column.
const COUNT: usize = 7;

/// What a search looks for, in a few words: `uleste · fra Skatteetaten · «mva» · alle`.
pub fn describe(search: &SavedSearch) -> String {
    let mut parts: Vec<String> = search
        .filters
        .chips()
        .into_iter()
        .map(|(_, label)| label)
        .collect();
    if let Some(days) = search.days {
        parts.push(tr!(one: "siste {n} dag", other: "siste {n} dager", n = days as usize));
    }
    if let Some(text) = &search.filters.search {
        parts.push(format!("«{text}»"));
    }
    parts.push(match &search.parties {
        SearchParties::All => tr!("alle aktører").into(),
        SearchParties::Me => tr!("din egen").into(),
        SearchParties::Only(list) if list.len() == 1 => list[0].clone(),
        SearchParties::Only(list) => {
            tr!(one: "{n} aktør", other: "{n} aktører", n = list.len())
        }
    });
    if search.folder != Folder::Inbox {
        parts.push(search.folder.title().to_lowercase());
    }
    parts.join(" · ")
}

/// Draws the chooser over most of `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(Overlay::Searches(chooser)) = &app.overlay else {
        return;
    };
    let width = area.width.saturating_sub(2).min(100);
    let inner = width.saturating_sub(2) as usize;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(tr!("Søk: "), theme.dim),
            Span::raw(chooser.filter.split().0.to_owned()),
            Span::styled("▏", theme.key),
            Span::raw(chooser.filter.split().1.to_owned()),
        ]),
        Line::raw(""),
    ];
    let counts = chooser.counts.is_some() || chooser.loading;
    let fixed = if counts { 2 * (COUNT + 1) } else { 0 };
    let rest = inner.saturating_sub(fixed);
    let name_width = (rest / 3).clamp(8, 24);
    let what_width = rest.saturating_sub(name_width + 1);
    let mut heading = format!(
        "{} {}",
        fit(tr!("Navn"), name_width),
        fit(tr!("Viser"), what_width)
    );
    if counts {
        for title in [tr!("Treff"), tr!("Uleste")] {
            heading.push_str(&format!(" {:>COUNT$}", fit(title, COUNT)));
        }
    }
    lines.push(Line::styled(fit(&heading, inner), theme.heading));
    let matches = chooser.matches(&app.searches);
    if matches.is_empty() {
        lines.push(Line::styled(tr!("Ingen treff."), theme.dim));
    }
    // Only the rows that fit, scrolled so the selected one shows.
    let rows = (area.height as usize).saturating_sub(8).max(1);
    let first = (chooser.selected + 1).saturating_sub(rows);
    for (i, search) in matches.iter().enumerate().skip(first).take(rows) {
        let mut spans = vec![
            Span::raw(fit(&search.name, name_width)),
            Span::styled(
                format!(" {}", fit(&describe(search), what_width)),
                theme.dim,
            ),
        ];
        if counts {
            let shown = |n: Option<usize>| match n {
                None if chooser.loading => format!(" {:>COUNT$}", spinner(app.spinner)),
                None => format!(" {:>COUNT$}", "–"),
                Some(n) => format!(" {:>COUNT$}", crate::i18n::number(n)),
            };
            let found = chooser.counts_of(&search.name);
            spans.push(Span::raw(shown(found.map(|c| c.total))));
            let unread = found.map(|c| c.unread);
            let style = if unread.unwrap_or(0) > 0 {
                theme.unread
            } else {
                theme.dim
            };
            spans.push(Span::styled(shown(unread), style));
        }
        let line = Line::from(spans);
        lines.push(if i == chooser.selected {
            line.style(theme.selected)
        } else {
            line
        });
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(counts_note(app), theme.dim));
    lines.push(Line::styled(
        tr!("Skriv for å søke · ↑/↓ velg · Enter vis · Esc lukk"),
        theme.dim,
    ));
    super::popup(frame, area, theme, tr!("Lagrede søk"), width, lines);
}

/// Where the counts come from, and how old they are.
fn counts_note(app: &App) -> String {
    let Some(Overlay::Searches(chooser)) = &app.overlay else {
        return String::new();
    };
    if chooser.counts.is_none() && !chooser.loading {
        return tr!("Antallene kommer fra skrivebordet (Altinn 3 med hurtigbufferen).").into();
    }
    match chooser.synced_at.or(app.desk.synced_at) {
        Some(when) => tr!(
            "Antall fra skrivebordet, oppdatert {when}; søketekst er omtrentlig.",
            when = crate::text::date_text(when)
        ),
        None => {
            tr!("Skrivebordet er ikke hentet ennå: antallene kommer etter første synkronisering.")
                .into()
        }
    }
}
