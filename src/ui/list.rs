//! The message list: one row per message (unread marker, date, sender, subject, attachment
//! count), built only for the visible window. In the agenda the date is the due date, in
//! its group's colour, and the title counts the groups.

use crate::i18n::tr;
use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::{spinner, Theme};
use crate::app::desk::Agenda;
use crate::app::{App, Focus};
use crate::domain::{AgendaGroup, MessageSummary};
use crate::text::{date_text, date_width, fit, short_date};

/// Draws the list pane into `area`.
pub fn draw(app: &App, theme: &Theme, buf: &mut Buffer, area: Rect) {
    let inbox = &app.inbox;
    let title = title(app);
    let focused = app.focus == Focus::List;
    let block = Block::bordered().title(title).border_style(if focused {
        theme.border_focused
    } else {
        theme.border
    });
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    if inbox.messages.is_empty() {
        Paragraph::new(Line::styled(empty_note(app), theme.dim)).render(inner, buf);
        return;
    }
    let rows = inner.height as usize;
    let mut highlighter = app
        .search
        .as_ref()
        .filter(|s| !s.hits.is_empty())
        .map(|s| crate::app::search::Highlighter::new(s.query.value()));
    let merged = app.whose.is_all();
    let end = (inbox.scroll + rows).min(inbox.messages.len());
    let lines: Vec<Line> = inbox.messages[inbox.scroll.min(end)..end]
        .iter()
        .enumerate()
        .map(|(offset, message)| {
            let index = inbox.scroll + offset;
            let hit = app
                .search
                .as_ref()
                .and_then(|s| s.hit(index))
                .and(highlighter.as_mut())
                .map(|h| (h.positions(&message.subject), h.positions(message.sender())));
            let marked = inbox.marked.contains(message.id.as_str());
            // In the merged view every message has its owner; the id stands in for a name
            // not known yet.
            let owner = merged.then(|| {
                let id = message.owner.as_deref().unwrap_or_default();
                app.party_name(id).unwrap_or(id)
            });
            row(
                message,
                &RowState {
                    owner,
                    selected: index == inbox.selected,
                    marked,
                    focused,
                    hit,
                    now: app.now.into(),
                    group: app.desk.agenda.as_ref().and_then(|a| a.group(&message.id)),
                    expires: app
                        .desk
                        .agenda
                        .as_ref()
                        .and_then(|a| a.expires(&message.id)),
                },
                inner.width as usize,
                theme,
            )
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

/// The pane's title: the folder (or the agenda's groups), and how many are marked or that
/// it is loading.
fn title(app: &App) -> String {
    let inbox = &app.inbox;
    let agenda_title = (app.desk.agenda.as_ref()).map(|a| agenda_title(a, &inbox.messages));
    let folder = agenda_title.as_deref().unwrap_or(app.folder.title());
    if inbox.is_loading() {
        let spinner = spinner(app.spinner);
        return tr!(" {folder} · henter {spinner} ", folder, spinner);
    }
    match inbox.marked.len() {
        0 => format!(" {folder} "),
        n => tr!(
            " {folder} · {n} merket ",
            folder,
            n = crate::i18n::number(n)
        ),
    }
}

/// The agenda's title: how many rows in each group that has any (`:expiring`'s: how many
/// Altinn deletes within its days).
fn agenda_title(agenda: &Agenda, rows: &[MessageSummary]) -> String {
    if agenda.expires.is_some() {
        return tr!(
            "Slettes innen {days} dager: {n}",
            days = agenda.days,
            n = crate::i18n::number(rows.len())
        );
    }
    let counts = agenda.counts(rows);
    let [overdue, this_week, later, no_date] = counts.map(crate::i18n::number);
    let mut parts = vec![tr!("Agenda, {days} dager", days = agenda.days)];
    for (count, text) in [
        (counts[0], tr!("{overdue} forfalt", overdue)),
        (counts[1], tr!("{this_week} denne uka", this_week)),
        (counts[2], tr!("{later} senere", later)),
        (counts[3], tr!("{no_date} uten frist", no_date)),
    ] {
        if count > 0 {
            parts.push(text);
        }
    }
    parts.join(" · ")
}

/// What an empty list says: loading, hidden by the filters, or none.
fn empty_note(app: &App) -> String {
    let inbox = &app.inbox;
    if inbox.is_loading() || !inbox.loaded_once {
        let spinner = spinner(app.spinner);
        tr!("{spinner} Henter meldinger…", spinner)
    } else if app
        .desk
        .agenda
        .as_ref()
        .is_some_and(|a| a.expires.is_some())
    {
        tr!("Ingenting Altinn sletter snart, så langt innboks vet (bare åpnede dialoger sier det).")
            .to_owned()
    } else if app.desk.agenda.is_some() {
        tr!("Ingen frister og ingenting som må handles.").to_owned()
    } else if !inbox.hidden.is_empty() {
        let count = crate::i18n::number(inbox.hidden.len());
        tr!(
            "Ingen av de {count} lastede meldingene passer filteret.",
            count
        )
    } else if !app.filters.is_empty() {
        tr!("Ingen meldinger passer filteret (f endrer det).").to_owned()
    } else {
        tr!("Ingen meldinger.").to_owned()
    }
}

/// The mark before a row: marked, unread, or asking for a confirmation.
fn dot(message: &MessageSummary, marked: bool) -> &'static str {
    if marked {
        "✓"
    } else if message.is_unread() {
        "●"
    } else if message.requires_confirmation {
        "!"
    } else {
        " "
    }
}

/// `text` cut to `cols` columns, with the characters at `positions` in `hit` style.
fn with_hits(
    text: &str,
    cols: usize,
    positions: &[u32],
    base: Style,
    hit: Style,
) -> Vec<Span<'static>> {
    let fitted = fit(text, cols);
    if positions.is_empty() {
        return vec![Span::styled(fitted, base)];
    }
    let cut = crate::text::truncate(text, cols) != text;
    let shown = fitted.chars().count();
    let mut spans = Vec::new();
    for (i, c) in fitted.chars().enumerate() {
        let matched = !(cut && i + 1 >= shown) && positions.binary_search(&(i as u32)).is_ok();
        spans.push(Span::styled(
            c.to_string(),
            if matched { hit } else { base },
        ));
    }
    spans
}

/// How one row is to be drawn, besides its message.
struct RowState<'a> {
    /// The party's name, in the merged view.
    owner: Option<&'a str>,
    /// The cursor is on it.
    selected: bool,
    /// Marked for a bulk action.
    marked: bool,
    /// The list has the keys.
    focused: bool,
    /// The search's matched letters in the subject and the sender.
    hit: Option<(Vec<u32>, Vec<u32>)>,
    /// The time as of the last tick (a due date to come stands out; drawing reads no clock).
    now: DateTime<Utc>,
    /// Its group, in the agenda: the date column then shows the due date.
    group: Option<AgendaGroup>,
    /// When Altinn deletes it, in `:expiring`'s list: the date column then shows that.
    expires: Option<DateTime<Utc>>,
}

/// The date column: the last change, or in the agenda the due date in its group's style.
fn date_cell(
    message: &MessageSummary,
    group: Option<AgendaGroup>,
    expires: Option<DateTime<Utc>>,
    base: Style,
    theme: &Theme,
) -> Span<'static> {
    let (text, style) = match group {
        Some(group) if expires.is_some() => {
            let text = expires.map(date_text).unwrap_or_default();
            let style = match group {
                AgendaGroup::Overdue | AgendaGroup::ThisWeek => theme.error,
                AgendaGroup::Later | AgendaGroup::NoDate => theme.key,
            };
            (text, style.patch(base))
        }
        None => (
            message.last_changed.map(date_text).unwrap_or_default(),
            theme.dim.patch(base),
        ),
        Some(group) => {
            let text = match message.due {
                Some(due) => date_text(due),
                None => tr!("uten frist").to_owned(),
            };
            let style = match group {
                AgendaGroup::Overdue => theme.error,
                AgendaGroup::ThisWeek => theme.key,
                AgendaGroup::Later => Style::new(),
                AgendaGroup::NoDate => theme.dim,
            };
            (text, style.patch(base))
        }
    };
    Span::styled(format!("{} ", fit(&text, date_width())), style)
}

fn row(
    message: &MessageSummary,
    state: &RowState<'_>,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let RowState {
        owner,
        selected,
        marked,
        focused,
        ref hit,
        now,
        group,
        expires,
    } = *state;
    let unread = message.is_unread();
    let base = if unread { theme.unread } else { Style::new() };
    let marker = if selected { "▶" } else { " " };
    let dot = dot(message, marked);
    let show_date = width >= 50;
    let attachments = match message.attachment_count {
        Some(n) if n > 0 => format!(" 📎{n}"),
        _ => String::new(),
    };
    let att_width = if attachments.is_empty() { 0 } else { 4 };
    // "frist 02.12" after the subject when there is room: to come stands out, past is dim.
    // (In the agenda the date column is the due date.)
    let due = message
        .due
        .filter(|_| width >= 70 && group.is_none())
        .map(|due| {
            (
                tr!(" frist {date}", date = short_date(due)),
                due.utc() >= now,
            )
        });
    let due_width = due.as_ref().map_or(0, |(text, _)| text.chars().count());
    let owner_width = match owner {
        Some(_) => (width / 7).clamp(6, 16),
        None => 0,
    };
    let fixed = 3
        + if show_date { date_width() + 2 } else { 0 }
        + if owner.is_some() { owner_width + 1 } else { 0 };
    let sender_width = (width / 4).clamp(8, 24);
    let subject_width = width.saturating_sub(fixed + sender_width + 1 + att_width + due_width);
    let mut spans = vec![Span::raw(marker), Span::styled(format!("{dot} "), base)];
    if show_date {
        spans.extend([
            date_cell(message, group, expires, base, theme),
            Span::raw(" "),
        ]);
    }
    if let Some(owner) = owner {
        let owner = format!("{} ", fit(owner, owner_width));
        spans.push(Span::styled(owner, theme.dim.patch(base)));
    }
    let highlight = theme.key.patch(base);
    let (subject_hits, sender_hits) = hit
        .as_ref()
        .map_or((&[][..], &[][..]), |(s, n)| (&s[..], &n[..]));
    let sender = with_hits(message.sender(), sender_width, sender_hits, base, highlight);
    let subject = with_hits(
        &message.subject,
        subject_width,
        subject_hits,
        base,
        highlight,
    );
    spans.extend(sender);
    spans.push(Span::raw(" "));
    spans.extend(subject);
    if let Some((text, to_come)) = due {
        spans.push(Span::styled(
            text,
            if to_come { theme.key } else { theme.dim },
        ));
    }
    if att_width > 0 {
        spans.push(Span::styled(fit(&attachments, att_width), theme.dim));
    }
    let line = Line::from(spans);
    match (selected, focused) {
        (false, _) => line,
        (true, true) => line.style(theme.selected),
        (true, false) => line.style(theme.selected.patch(theme.dim)),
    }
}
