//! The login screen: method choice and the user name/password form, shown full screen or,
//! when a session expired, as an overlay over the kept inbox. On short terminals the
//! decorative lines go first, so the fields, the error and the demo hint always show.

use crate::i18n::tr;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::{centered, spinner, Theme};
use crate::app::{App, BrowserView, DeviceView, LoginField, LoginFlow, LoginMethod};
use crate::text::{fit, truncate, width};

/// One line of the form.
struct Row {
    line: Line<'static>,
    /// Kept however short the terminal is.
    essential: bool,
    /// The text cursor goes on this row, at this column.
    cursor: Option<usize>,
}

impl Row {
    fn new(line: impl Into<Line<'static>>, essential: bool) -> Self {
        Self {
            line: line.into(),
            essential,
            cursor: None,
        }
    }
}

/// Greedy word wrap by display width.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        if !current.is_empty() && width(&current) + 1 + width(word) > max {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines.into_iter().map(|l| truncate(&l, max)).collect()
}

fn rows(app: &App, theme: &Theme, inner_width: usize) -> Vec<Row> {
    let login = &app.login;
    let mut rows = vec![
        Row::new(
            Line::styled(tr!("innboks – Altinn-innboksen i terminalen"), theme.title),
            false,
        ),
        Row::new(
            Line::from(vec![
                Span::styled(tr!("Miljø: "), theme.dim),
                Span::styled(format!(" {} ", app.env_label), theme.badge),
            ]),
            true,
        ),
        Row::new("", false),
        Row::new(Line::styled(tr!("Logg inn med"), theme.dim), false),
    ];
    rows.extend(method_rows(app, theme));
    rows.push(Row::new("", false));
    rows.extend(form_rows(app, theme, inner_width));
    rows.push(Row::new("", false));
    if login.restoring {
        rows.push(Row::new(
            tr!(
                "{spinner} Gjenoppretter den lagrede økten…",
                spinner = spinner(app.spinner)
            ),
            true,
        ));
    } else if login.pending.is_some() {
        rows.push(Row::new(
            tr!(
                "{spinner} Logger inn…  (Esc avbryter)",
                spinner = spinner(app.spinner)
            ),
            true,
        ));
    } else if let Some(error) = &login.error {
        for line in wrap(error, inner_width).into_iter().take(3) {
            rows.push(Row::new(Line::styled(line, theme.error), true));
        }
    }
    if let Some(hint) = &app.settings.login_hint {
        for line in wrap(hint, inner_width).into_iter().take(2) {
            rows.push(Row::new(Line::styled(line, theme.key), true));
        }
    }
    rows.push(Row::new("", false));
    rows.push(Row::new(
        Line::styled(
            truncate(
                tr!("Tab neste felt · ↑/↓ velg · Enter logg inn · Esc avslutt"),
                inner_width,
            ),
            theme.dim,
        ),
        false,
    ));
    rows
}

/// The methods, the chosen one marked (and selected while the list has the keys).
fn method_rows(app: &App, theme: &Theme) -> Vec<Row> {
    let login = &app.login;
    let focused = login.focused();
    let mut rows = Vec::new();
    for method in LoginMethod::ALL.iter() {
        let chosen = *method == login.method;
        let radio = if chosen { "◉" } else { "○" };
        let unavailable =
            *method == LoginMethod::Password && !app.settings.capabilities.password_login;
        let label = Span::raw(format!("  {radio} {}", method.label()));
        let mut spans = vec![if unavailable {
            label.style(theme.dim)
        } else {
            label
        }];
        if let Some(note) = method_note(app, *method) {
            spans.push(Span::styled(format!(" – {note}"), theme.dim));
        }
        let mut line = Line::from(spans);
        if chosen && focused == LoginField::Method {
            line = line.style(theme.selected);
        }
        rows.push(Row::new(line, true));
    }
    rows
}

/// The password form's fields, or what Enter does for an ID-porten method.
fn form_rows(app: &App, theme: &Theme, inner_width: usize) -> Vec<Row> {
    let login = &app.login;
    let focused = login.focused();
    let mut rows = Vec::new();
    if login.method == LoginMethod::Password {
        let field_width = inner_width.saturating_sub(13).max(4);
        for (label, input, mask, field) in [
            (
                tr!("Brukernavn: "),
                &login.username,
                None,
                LoginField::Username,
            ),
            (
                tr!("Passord:    "),
                &login.password,
                Some('•'),
                LoginField::Password,
            ),
        ] {
            let (shown, cursor) = input.view(field_width, mask);
            let style = if focused == field {
                theme.selected
            } else {
                theme.dim
            };
            let mut row = Row::new(
                Line::from(vec![
                    Span::raw(label),
                    Span::styled(fit(&shown, field_width), style),
                ]),
                true,
            );
            if focused == field {
                row.cursor = Some(width(label) + cursor);
            }
            rows.push(row);
        }
    } else {
        let text = match (login.method, app.settings.can_open_browser) {
            (LoginMethod::IdPortenDevice, _) => {
                tr!("Enter viser en kode du taster inn (eller skanner) på mobil eller PC.")
            }
            (_, true) => tr!("Enter åpner innloggingen i nettleseren."),
            (_, false) => tr!("Enter viser adressen du åpner i en nettleser."),
        };
        for line in wrap(text, inner_width) {
            rows.push(Row::new(Line::styled(line, theme.dim), true));
        }
    }
    rows
}

/// Why an ID-porten method cannot be used, or that it is still being checked.
fn method_note(app: &App, method: LoginMethod) -> Option<&'static str> {
    match method {
        LoginMethod::Password if !app.settings.capabilities.password_login => {
            Some(tr!("finnes ikke i Altinn 3"))
        }
        LoginMethod::Password if app.settings.demo_apis => Some("Altinn 2"),
        LoginMethod::Password => None,
        _ if !app.settings.idporten_configured => Some(tr!("ikke konfigurert")),
        LoginMethod::IdPortenDevice => {
            match (app.login.device_offered, &app.login.provider_error) {
                (Some(true), _) if app.settings.demo_apis => Some("Altinn 3"),
                (Some(true), _) => None,
                (Some(false), _) => Some(tr!("ikke tilbudt av denne ID-porten")),
                (None, Some(_)) => Some(tr!("ID-porten svarer ikke")),
                (None, None) => Some(tr!("sjekker …")),
            }
        }
        LoginMethod::IdPortenBrowser => match &app.login.provider_error {
            Some(_) => Some(tr!("ID-porten svarer ikke")),
            None if app.settings.demo_apis => Some("Altinn 3"),
            None => None,
        },
    }
}

/// Chops `text` into pieces of at most `max` columns (for URLs, which have no spaces).
fn chop(text: &str, max: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for c in text.chars() {
        let last = lines.last_mut().map(|l| width(l)).unwrap_or(0);
        if last + width(c.encode_utf8(&mut [0; 4])) > max.max(1) {
            lines.push(String::new());
        }
        if let Some(line) = lines.last_mut() {
            line.push(c);
        }
    }
    lines
}

fn flow_rows(app: &App, theme: &Theme, inner_width: usize, room: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    match &app.login.flow {
        LoginFlow::Idle => {}
        LoginFlow::Starting => rows.push(Row::new(
            tr!(
                "{spinner} Kontakter ID-porten…  (Esc avbryter)",
                spinner = spinner(app.spinner)
            ),
            true,
        )),
        LoginFlow::Device(view) => rows.extend(device_rows(app, theme, view, inner_width, room)),
        LoginFlow::Browser(view) => rows.extend(browser_rows(app, theme, view, inner_width)),
    }
    rows
}

/// The device flow: where to go, the code, how long it lasts, the QR code when it fits.
fn device_rows(
    app: &App,
    theme: &Theme,
    view: &DeviceView,
    inner_width: usize,
    room: usize,
) -> Vec<Row> {
    let mut rows = Vec::new();
    rows.push(Row::new(Line::styled(tr!("Gå til"), theme.dim), true));
    for line in chop(&view.verification_uri, inner_width) {
        rows.push(Row::new(Line::styled(line, theme.key), true));
    }
    rows.push(Row::new(
        Line::styled(tr!("og skriv inn koden"), theme.dim),
        true,
    ));
    rows.push(Row::new("", false));
    let spaced: String = view
        .user_code
        .chars()
        .map(|c| format!("{c} "))
        .collect::<String>();
    rows.push(Row::new(
        Line::styled(
            format!("   {}  ", spaced.trim_end()),
            theme.selected.patch(theme.title),
        ),
        true,
    ));
    rows.push(Row::new("", false));
    let left = view
        .expires_at
        .duration_since(app.now)
        .unwrap_or_default()
        .as_secs();
    rows.push(Row::new(
        Line::styled(
            tr!(
                "Koden gjelder i {time} til.",
                time = format!("{}:{:02}", left / 60, left % 60)
            ),
            theme.dim,
        ),
        true,
    ));
    {
        let qr = &view.qr;
        // The QR code only when it fits whole; a cut one cannot be scanned.
        if !qr.is_empty() && qr.len() + 8 <= room && qr.iter().all(|l| width(l) <= inner_width) {
            rows.push(Row::new(
                Line::styled(tr!("Eller skann med mobilen:"), theme.dim),
                true,
            ));
            for line in qr {
                rows.push(Row::new(line.clone(), true));
            }
        }
    }
    rows.push(Row::new(
        tr!(
            "{spinner} Venter på godkjenning …   Esc avbryter",
            spinner = spinner(app.spinner)
        ),
        true,
    ));
    rows
}

/// The browser flow: the address, the loopback port (and SSH's tunnel), the paste field.
fn browser_rows(app: &App, theme: &Theme, view: &BrowserView, inner_width: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let opened = if view.opened {
        tr!("Nettleseren er åpnet. Fullfør innloggingen der, eller åpne adressen selv:")
    } else {
        tr!("Åpne denne adressen i en nettleser og logg inn:")
    };
    for line in wrap(opened, inner_width) {
        rows.push(Row::new(Line::styled(line, theme.dim), true));
    }
    for line in chop(&view.url, inner_width) {
        rows.push(Row::new(Line::styled(line, theme.key), true));
    }
    rows.push(Row::new(
        Line::styled(
            tr!("y kopierer adressen · Tab går til limefeltet"),
            theme.dim,
        ),
        true,
    ));
    rows.push(Row::new("", false));
    let waiting = tr!(
        "Venter på svar på http://127.0.0.1:{port}/callback",
        port = view.port
    );
    rows.push(Row::new(
        format!("{} {waiting}", spinner(app.spinner)),
        true,
    ));
    if view.fixed_port_busy {
        for line in wrap(
            &tr!(
                "Den faste porten var opptatt, så {port} brukes denne gangen.",
                port = view.port
            ),
            inner_width,
        ) {
            rows.push(Row::new(Line::styled(line, theme.dim), true));
        }
    }
    if app.settings.over_ssh {
        for line in wrap(
                &tr!("Over SSH: koble til med  ssh -L {port}:127.0.0.1:{port} <denne maskinen>  så når nettleseren din hit.", port = view.port),
                inner_width,
            ) {
                rows.push(Row::new(line, true));
            }
    }
    rows.push(Row::new("", false));
    rows.push(Row::new(
        Line::styled(
            tr!("Eller lim inn adressen nettleseren havnet på:"),
            theme.dim,
        ),
        true,
    ));
    rows.extend(paste_rows(theme, view, inner_width));
    rows
}

/// The field the browser's final address is pasted into, and what it said of the last one.
fn paste_rows(theme: &Theme, view: &BrowserView, inner_width: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let field_width = inner_width.saturating_sub(2).max(4);
    let (shown, cursor) = view.paste.view(field_width, None);
    let style = if view.paste_focused {
        theme.selected
    } else {
        theme.dim
    };
    let mut field = Row::new(
        Line::from(vec![
            Span::raw("> "),
            Span::styled(fit(&shown, field_width), style),
        ]),
        true,
    );
    if view.paste_focused {
        field.cursor = Some(2 + cursor);
    }
    rows.push(field);
    if let Some(error) = &view.paste_error {
        for line in wrap(error, inner_width).into_iter().take(2) {
            rows.push(Row::new(Line::styled(line, theme.error), true));
        }
    }
    rows.push(Row::new(
        Line::styled(tr!("Enter sender · Esc avbryter"), theme.dim),
        false,
    ));
    rows
}

/// Draws the login form centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let in_flow = app.login.flow != LoginFlow::Idle;
    let box_width = if in_flow {
        area.width.saturating_sub(2).min(100)
    } else {
        area.width.saturating_sub(4).min(74)
    };
    let inner_width = box_width.saturating_sub(4) as usize;
    let room = area.height.saturating_sub(3) as usize;
    let mut rows = if in_flow {
        let mut rows = vec![Row::new(
            Line::styled(
                match app.login.method {
                    LoginMethod::IdPortenDevice => tr!("ID-porten – innlogging med kode"),
                    _ => tr!("ID-porten – innlogging i nettleseren"),
                },
                theme.title,
            ),
            false,
        )];
        rows.extend(flow_rows(app, theme, inner_width, room));
        rows
    } else {
        rows(app, theme, inner_width)
    };
    let max_rows = area.height.saturating_sub(3) as usize;
    while rows.len() > max_rows {
        // Blank lines go first, then the other decorations, then whatever is left at the top.
        let victim = rows
            .iter()
            .position(|r| !r.essential && r.line.width() == 0)
            .or_else(|| rows.iter().position(|r| !r.essential))
            .unwrap_or(0);
        rows.remove(victim);
    }
    let height = (rows.len() as u16 + 3).min(area.height);
    let popup = centered(area, box_width, height);
    frame.render_widget(Clear, popup);
    let title = if app.login.relogin {
        tr!(" Logg inn igjen ")
    } else {
        tr!(" Logg inn ")
    };
    // The flow screens have no side borders, so the URL can be selected without them.
    let block = if in_flow {
        Block::new().borders(Borders::TOP | Borders::BOTTOM)
    } else {
        Block::bordered()
    }
    .title(title)
    .border_style(theme.border_focused);
    let inner = block.inner(popup);
    let inner = Rect::new(
        inner.x + 1,
        inner.y + 1,
        inner.width.saturating_sub(2),
        inner.height.saturating_sub(1),
    );
    frame.render_widget(block, popup);
    let cursor = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| r.cursor.map(|col| (i, col)));
    frame.render_widget(
        Paragraph::new(rows.into_iter().map(|r| r.line).collect::<Vec<_>>()),
        inner,
    );
    if let Some((row, col)) = cursor {
        let x = inner.x + col.min(inner.width.saturating_sub(1) as usize) as u16;
        let y = inner.y + row as u16;
        if y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}
