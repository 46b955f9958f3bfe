//! The status line (loading, errors, notices) and the key-hint bar generated from the
//! keymap.

use crate::i18n::tr;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{spinner, Theme};
use crate::app::{App, Status};
use crate::text::{truncate, width};

/// Draws the status line: the question, search, command line, progress or message on
/// the left; the filter chips (or the session's state) on the right.
pub fn draw_status(app: &App, theme: &Theme, buf: &mut Buffer, area: Rect) {
    let chips = if app.command_line().is_some() || app.pipe_line().is_some() {
        Vec::new()
    } else {
        chips(app, theme)
    };
    let chips_width: usize = chips.iter().map(|s| width(&s.content)).sum();
    let right = if !chips.is_empty() && chips_width + 20 <= area.width as usize {
        Line::from(chips)
    } else {
        session_line(app, theme, area.width)
    };
    let right_width = u16::try_from(right.width()).unwrap_or(0);
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);
    let width = left_area.width as usize;
    let line = left_line(app, theme, width);
    Paragraph::new(line).render(left_area, buf);
    Paragraph::new(right)
        .alignment(Alignment::Right)
        .render(right_area, buf);
}

/// The right of the status line when there are no chips: how the session stands.
fn session_line(app: &App, theme: &Theme, area_width: u16) -> Line<'static> {
    let note = match (&app.session.note, app.session.method) {
        (Some(note), _) => Some(note.clone()),
        (None, Some(method)) => Some(tr!("innlogget med {method}", method)),
        (None, None) => None,
    };
    match note {
        Some(note) if area_width > 70 && app.command_line().is_none() => {
            Line::styled(format!("{note} "), theme.dim)
        }
        _ => Line::raw(""),
    }
}

/// The left of the status line, `width` columns: the question, the command line, the
/// search, a page being fetched, or the status.
fn left_line(app: &App, theme: &Theme, width: usize) -> Line<'static> {
    if let Some(pending) = app.question() {
        let question = tr!(
            " {verb} {subject}? y = ja, annen tast = nei",
            verb = capitalized(pending.action.infinitive()),
            subject = truncate(&pending.subject, width.saturating_sub(40).max(10))
        );
        Line::styled(truncate(&question, width), theme.error)
    } else if let Some(command) = app.command_line() {
        let (before, after) = command.text.split();
        let mut spans = vec![
            Span::styled(" :", theme.key),
            Span::raw(before.to_owned()),
            Span::styled("▏", theme.key),
            Span::raw(after.to_owned()),
        ];
        if let Some(error) = &command.error {
            spans.push(Span::styled(format!("  ✗ {error}"), theme.error));
        } else if command.text.is_empty() {
            spans.push(Span::styled(
                tr!("  :help viser kommandoene · Esc avbryter"),
                theme.dim,
            ));
        }
        Line::from(spans)
    } else if let Some(pipe) = app.pipe_line() {
        let (before, after) = pipe.text.split();
        let mut spans = vec![
            Span::styled(tr!(" Send til kommando: "), theme.key),
            Span::raw(before.to_owned()),
            Span::styled("▏", theme.key),
            Span::raw(after.to_owned()),
        ];
        if pipe.text.is_empty() {
            spans.push(Span::styled(tr!("  f.eks. less · Esc avbryter"), theme.dim));
        }
        Line::from(spans)
    } else if let Some(search) = &app.search {
        let count = search.hits.len();
        let tail = if search.editing {
            tr!("Enter beholder · Esc avbryter").to_owned()
        } else {
            tr!("n/N neste/forrige · Esc fjerner").to_owned()
        };
        let (before, after) = search.query.split();
        let cursor = if search.editing { "▏" } else { "" };
        // Until the search off the loop answers, the count is not yet known.
        let text = if search.pending.is_some() {
            tr!(
                " /{before}{cursor}{after}  søker… · {tail}",
                before,
                cursor,
                after,
                tail
            )
        } else {
            tr!(
                " /{before}{cursor}{after}  {count} treff · {tail}",
                before,
                cursor,
                after,
                count,
                tail
            )
        };
        Line::styled(truncate(&text, width), theme.key)
    } else if let Some(skip) = app.inbox.loading_skip() {
        let page = skip / crate::domain::PAGE_SIZE + 1;
        Line::styled(
            truncate(
                &tr!(
                    " {spinner} Henter side {page}…",
                    spinner = spinner(app.spinner),
                    page
                ),
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
    }
}

/// The filters that are set, as chips with the number of loaded messages each lets
/// through: `uleste 12+` (Altinn filters, more may come), `må bekreftes 3 lokalt`.
pub fn chips(app: &App, theme: &Theme) -> Vec<Span<'static>> {
    let more = if app.more_to_come() { "+" } else { "" };
    let mut spans = Vec::new();
    for (key, label) in app.filters.chips() {
        let count = app.inbox.filter_count(key);
        let text = if key.is_local() {
            tr!(
                " {label} {count} lokalt ",
                label,
                count = crate::i18n::number(count)
            )
        } else {
            format!(" {label} {}{more} ", crate::i18n::number(count))
        };
        spans.push(Span::styled(text, theme.badge));
        spans.push(Span::raw(" "));
    }
    spans
}

/// Draws the key hints: `j/k flytt · Enter åpne · … · ? hjelp · q avslutt`. When they do not all
/// fit, the least needed go first, so `? hjelp` and `q avslutt` stay visible.
pub fn draw_hints(app: &App, theme: &Theme, buf: &mut Buffer, area: Rect) {
    use crate::app::Action;
    let drop_first = [
        Action::FocusNext,
        Action::Back,
        Action::TogglePreview,
        Action::Refresh,
        Action::Open,
    ]
    .map(Action::hint);
    let mut hints = app.settings.keymap.hints();
    let cost = |hints: &[(String, &str)]| -> usize {
        hints
            .iter()
            .map(|(keys, hint)| width(keys) + 1 + width(hint) + 3)
            .sum::<usize>()
    };
    for name in drop_first {
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

/// `verb` with its first letter in upper case, to start a question.
fn capitalized(verb: &str) -> String {
    let mut chars = verb.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
