//! The detail pane: headers, attachments, and the body as wrapped text.

use crate::i18n::tr;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{spinner, Theme};
use crate::app::{App, Focus};
use crate::domain::{Message, MessageSummary};
use crate::text::{date_text, date_time_text, human_size};

/// Draws the detail pane into `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let loading = app.detail.request.is_some();
    let title = if loading {
        tr!(
            " Melding · henter {spinner} ",
            spinner = spinner(app.spinner)
        )
    } else {
        tr!(" Melding ").to_owned()
    };
    let block = Block::bordered()
        .title(title)
        .border_style(if app.focus == Focus::Detail {
            theme.border_focused
        } else {
            theme.border
        });
    let summary = app
        .detail
        .id
        .as_ref()
        .and_then(|id| app.inbox.messages.iter().find(|m| &m.id == id));
    // Only the lines from the scroll position that fit are built: a long body costs a
    // frame no more than a short one.
    let window = (app.detail.scroll as usize, area.height as usize);
    let lines = match (app.detail_message(), summary) {
        (Some(message), _) if app.detail.history => history_lines(message, theme, window),
        (Some(message), _) => message_lines(message, app.attachment_choice(), theme, window),
        (None, Some(summary)) => {
            let mut lines = header_lines(summary, theme);
            lines.push(Line::raw(""));
            match &app.detail.error {
                Some(error) => {
                    lines.push(Line::styled(error.clone(), theme.error));
                    lines.push(Line::styled(tr!("Trykk r for å prøve igjen."), theme.dim));
                }
                None => lines.push(Line::styled(
                    tr!(
                        "{spinner} Henter meldingen…",
                        spinner = spinner(app.spinner)
                    ),
                    theme.dim,
                )),
            }
            lines
        }
        (None, None) => vec![Line::styled(
            tr!("Velg en melding med j/k, og åpne den med Enter."),
            theme.dim,
        )],
    };
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false });
    frame.render_widget(paragraph, area);
}

fn label(text: &'static str, theme: &Theme) -> Span<'static> {
    Span::styled(text, theme.dim)
}

fn header_lines(summary: &MessageSummary, theme: &Theme) -> Vec<Line<'static>> {
    let mut first = vec![
        label(tr!("Fra: "), theme),
        Span::raw(summary.sender().to_owned()),
    ];
    if let Some(date) = summary.last_changed {
        first.push(label(tr!("   Mottatt: "), theme));
        first.push(Span::raw(date_time_text(date)));
    }
    let mut second = vec![
        label(tr!("Type: "), theme),
        Span::raw(summary.kind.display().to_owned()),
        label(tr!("   Status: "), theme),
        Span::raw(summary.status.shown().to_owned()),
    ];
    if let Some(due) = summary.due {
        second.push(label(tr!("   Frist: "), theme));
        second.push(Span::raw(date_text(due)));
    }
    if summary.requires_confirmation {
        second.push(Span::styled(tr!("   Krever bekreftelse (c)"), theme.key));
    }
    let mut lines = vec![Line::from(first), Line::from(second)];
    if summary.message_sender.is_some() && summary.sender() != summary.service_owner {
        lines.push(Line::from(vec![
            label(tr!("Tjenesteeier: "), theme),
            Span::raw(summary.service_owner.to_string()),
        ]));
    }
    lines.push(Line::styled(summary.subject.to_string(), theme.title));
    lines
}

fn message_lines(
    message: &Message,
    chosen: Option<usize>,
    theme: &Theme,
    (skip, rows): (usize, usize),
) -> Vec<Line<'static>> {
    let mut lines = header_lines(&message.summary, theme);
    lines.extend(attachment_lines(message, chosen, theme));
    if let Some(reference) = &message.archive_reference {
        lines.push(Line::from(vec![
            label(tr!("Arkivreferanse: "), theme),
            Span::raw(reference.clone()),
        ]));
    }
    lines.push(Line::raw(""));
    if message.body.is_empty() {
        let text = message
            .summary_text
            .clone()
            .unwrap_or_else(|| tr!("(ingen tekst)").to_owned());
        lines.push(Line::raw(text));
    } else {
        let header = lines.len();
        let body_skip = skip.saturating_sub(header);
        let before = lines.len();
        lines.extend(
            message
                .body
                .lines()
                .skip(body_skip)
                .take(rows)
                .map(|l| body_line(l, theme)),
        );
        let shown = lines.len() - before;
        if shown < rows && !message.thread.is_empty() {
            let thread_skip = body_skip.saturating_sub(message.body.lines().count());
            lines.extend(
                thread_lines(message, theme)
                    .into_iter()
                    .skip(thread_skip)
                    .take(rows - shown),
            );
        }
        return lines
            .into_iter()
            .skip(skip.min(header))
            .take(rows)
            .collect();
    }
    lines.into_iter().skip(skip).take(rows).collect()
}

/// The attachments: on one line, or one a line with the chosen one marked while choosing
/// (`v`).
fn attachment_lines(message: &Message, chosen: Option<usize>, theme: &Theme) -> Vec<Line<'static>> {
    let describe = |i: usize, attachment: &crate::domain::Attachment| {
        // `#n`, so an attachment is not taken for the body's link `[n]`.
        let mut text = format!("#{} {}", i + 1, attachment.file_name);
        if let Some(size) = attachment.size {
            text.push_str(&format!(" ({})", human_size(size)));
        }
        if attachment.encrypted {
            text.push_str(tr!(" (kryptert)"));
        }
        text
    };
    let mut lines = Vec::new();
    match chosen {
        // Choosing (`v`): one attachment a line, the chosen one marked.
        Some(chosen) if !message.attachments.is_empty() => {
            lines.push(
                label(
                    tr!("Vedlegg (j/k velg · S lagre · o åpne · Esc tilbake):"),
                    theme,
                )
                .into(),
            );
            for (i, attachment) in message.attachments.iter().enumerate() {
                let text = describe(i, attachment);
                lines.push(if i == chosen {
                    Line::styled(format!("▶ {text}"), theme.selected)
                } else {
                    Line::raw(format!("  {text}"))
                });
            }
        }
        _ if !message.attachments.is_empty() => {
            let mut spans = vec![label(tr!("Vedlegg: "), theme)];
            for (i, attachment) in message.attachments.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::raw("  "));
                }
                spans.push(Span::raw(describe(i, attachment)));
            }
            lines.push(Line::from(spans));
        }
        _ => {}
    }
    lines
}

/// The header and the message's history (`H`), oldest first.
fn history_lines(
    message: &Message,
    theme: &Theme,
    (skip, rows): (usize, usize),
) -> Vec<Line<'static>> {
    let mut lines = header_lines(&message.summary, theme);
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(tr!("Historikk"), theme.title),
        label(tr!("  (H viser teksten igjen)"), theme),
    ]));
    for entry in &message.history {
        let mut spans = vec![
            Span::styled(
                entry
                    .at
                    .map(date_time_text)
                    .unwrap_or_else(|| "–".repeat(16)),
                theme.dim,
            ),
            Span::raw("  "),
            Span::raw(entry.what.clone()),
        ];
        if let Some(by) = &entry.by {
            spans.push(label(" · ", theme));
            spans.push(Span::raw(by.clone()));
        }
        lines.push(Line::from(spans));
    }
    lines.into_iter().skip(skip).take(rows).collect()
}

/// The thread after the body: its heading, and each message with when, who and what.
fn thread_lines(message: &Message, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::raw(""), Line::styled(tr!("Tråd"), theme.title)];
    for entry in &message.thread {
        out.push(Line::raw(""));
        out.push(Line::styled(entry.heading(), theme.title));
        if !entry.readable {
            out.push(Line::styled(
                tr!("Du har ikke tilgang til denne."),
                theme.dim,
            ));
        } else if !entry.text.is_empty() {
            out.push(Line::raw(""));
            out.extend(entry.text.lines().map(|l| body_line(l, theme)));
        }
    }
    out
}

/// A line of a body as text converters write it, styled: a heading (`## Tråd`) without its
/// marks, and `**strong**` text in bold; everything else as it is.
fn body_line(line: &str, theme: &Theme) -> Line<'static> {
    Line::from(
        crate::text::body_pieces(line)
            .into_iter()
            .map(|(strong, text)| {
                if strong {
                    Span::styled(text, theme.title)
                } else {
                    Span::raw(text)
                }
            })
            .collect::<Vec<_>>(),
    )
}
