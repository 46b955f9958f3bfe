//! Drawing: a pure function of the [`App`] state. No I/O, no mutation; only visible rows
//! are built, so the cost of a frame does not grow with the number of messages.

pub mod board;
mod detail;
pub mod filters;
pub mod help;
pub mod links;
pub mod list;
pub mod login;
pub mod reportees;
pub mod searches;
pub mod status;
pub mod theme;

use crate::i18n::tr;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{App, Overlay, Screen};
pub use theme::Theme;

/// The smallest terminal the inbox is laid out for.
const MIN_SIZE: (u16, u16) = (40, 10);

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The spinner glyph for a frame counter.
pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}

/// Draws the whole screen.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = Paragraph::new(tr!(
            "Terminalen er for liten ({width}×{height}). Gjør vinduet større.",
            width = area.width,
            height = area.height
        ))
        .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(text, area);
        return;
    }
    match app.screen {
        Screen::Login if !app.login.relogin => login::draw(app, theme, frame, area),
        Screen::Login => {
            draw_inbox(app, theme, frame, area);
            login::draw(app, theme, frame, area);
        }
        Screen::Inbox => {
            draw_inbox(app, theme, frame, area);
            // The status line draws the command line and the question; the attachment
            // chooser is drawn in the detail pane.
            match &app.overlay {
                Some(Overlay::Switcher(_)) => reportees::draw(app, theme, frame, area),
                Some(Overlay::Filters) => filters::draw(app, theme, frame, area),
                Some(Overlay::Links { .. }) => links::draw(app, theme, frame, area),
                Some(Overlay::Help { .. }) => help::draw(app, theme, frame, area),
                Some(Overlay::Board(_)) => board::draw(app, theme, frame, area),
                Some(Overlay::Searches(_)) => searches::draw(app, theme, frame, area),
                Some(
                    Overlay::Command(_)
                    | Overlay::Pipe(_)
                    | Overlay::Question(_)
                    | Overlay::Attachments { .. },
                )
                | None => {}
            }
        }
    }
}

fn draw_inbox(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let layout = app.layout_in(area);
    draw_title(app, theme, frame, layout.title);
    if let Some(list_area) = layout.list {
        list::draw(app, theme, frame.buffer_mut(), list_area);
    }
    if let Some(detail_area) = layout.detail {
        detail::draw(app, theme, frame, detail_area);
    }
    status::draw_status(app, theme, frame.buffer_mut(), layout.status);
    status::draw_hints(app, theme, frame.buffer_mut(), layout.hints);
}

fn draw_title(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut left = vec![Span::styled(" innboks ", theme.title), Span::raw("· ")];
    // Offline first: on a narrow terminal the rest of the line is what gets cut.
    if app.settings.offline {
        left.push(Span::styled(tr!(" frakoblet "), theme.error));
        left.push(Span::raw(" "));
    }
    left.push(Span::styled(format!(" {} ", app.env_label), theme.badge));
    if let Some(name) = &app.session.user_name {
        left.push(Span::raw(format!(" · {name}")));
    }
    if let Some(reportee) = &app.reportee_name {
        left.push(Span::raw(tr!(" (for: {reportee})", reportee)));
    }
    let inbox = &app.inbox;
    let more = if app.more_to_come() { "+" } else { "" };
    let right = if inbox.loaded_once {
        tr!(
            one: " {unread} ulest / {loaded}{more} ",
            other: " {unread} uleste / {loaded}{more} ",
            unread = inbox.unread(),
            loaded = crate::i18n::number(inbox.loaded()),
            more
        )
    } else {
        String::new()
    };
    let right_width = u16::try_from(crate::text::width(&right)).unwrap_or(0);
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);
    // (Cut with `…` and a space before the count, never run into it mid-word.)
    let room = usize::from(left_area.width).saturating_sub(1);
    frame.render_widget(Paragraph::new(Line::from(fit_spans(left, room))), left_area);
    frame.render_widget(
        Paragraph::new(Line::styled(right, theme.title)).alignment(Alignment::Right),
        right_area,
    );
}

/// `spans` cut to `width` columns, the span that crosses the edge ending in `…`.
fn fit_spans(spans: Vec<Span<'_>>, width: usize) -> Vec<Span<'_>> {
    let mut used = 0;
    let mut out = Vec::new();
    for span in spans {
        let w = crate::text::width(&span.content);
        if used + w <= width {
            used += w;
            out.push(span);
            continue;
        }
        let rest = width.saturating_sub(used);
        if rest > 0 {
            out.push(Span::styled(
                crate::text::truncate(&span.content, rest),
                span.style,
            ));
        }
        break;
    }
    out
}

/// Draws `lines` in a bordered box titled `title`, at most `width` wide, centred in `area`
/// over whatever is below it (the switcher, the link chooser).
pub fn popup(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: &str,
    width: u16,
    lines: Vec<Line<'_>>,
) {
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, width, height);
    frame.render_widget(ratatui::widgets::Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            ratatui::widgets::Block::bordered()
                .title(format!(" {title} "))
                .border_style(theme.border_focused),
        ),
        rect,
    );
}

/// A rectangle of at most `width`×`height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}
