//! Text from the network made safe for the terminal: control and bidi characters removed,
//! HTML turned into plain text, and truncation by display width (never by byte length).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::i18n::{self, tr, Lang};

/// True for characters that must never reach the terminal from remote text: C0 and C1
/// controls (ESC starts every escape sequence), DEL, bidi embeddings/overrides/isolates,
/// and invisible zero-width characters that can hide text. ZWJ (U+200D) is kept because
/// emoji sequences need it.
fn is_forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{200b}' | '\u{200c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
    )
}

/// Removes whole terminal escape sequences (CSI `ESC [ … final`, OSC and other strings
/// ending in BEL or `ESC \`, and two-character `ESC x`), so that what is left of an attack
/// is not shown as `[31m` after the ESC itself is dropped. Returns the input untouched when
/// it holds no ESC.
fn strip_escapes(input: &str) -> std::borrow::Cow<'_, str> {
    if !input.contains(['\u{1b}', '\u{9b}', '\u{9d}']) {
        return std::borrow::Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        // The one-character C1 introducers CSI and OSC stand for `ESC [` and `ESC ]`.
        let kind = match c {
            '\u{1b}' => chars.next(),
            '\u{9b}' => Some('['),
            '\u{9d}' => Some(']'),
            _ => {
                out.push(c);
                continue;
            }
        };
        match kind {
            // CSI: parameters and intermediates, then one final byte.
            // (Anything else ends it unconsumed: text after a broken one is kept.)
            Some('[') => {
                while let Some(&c) = chars.peek() {
                    if ('\u{20}'..='\u{3f}').contains(&c) {
                        chars.next();
                        continue;
                    }
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        chars.next();
                    }
                    break;
                }
            }
            // OSC, DCS, SOS, PM, APC: a string until BEL or ST (`ESC \`), or until a line
            // ends (an unterminated one does not swallow the rest of a body).
            Some(']' | 'P' | 'X' | '^' | '_') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || c == '\n' {
                        if c == '\n' {
                            out.push(c);
                        }
                        break;
                    }
                    if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            // Any other escape is two characters long.
            _ => {}
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Sanitises a single-line remote string (subject, sender name, file name): every escape
/// sequence and control character goes, line breaks and tabs become spaces, runs of spaces
/// fold to one, and the ends are trimmed.
pub fn sanitize_line(input: &str) -> String {
    let input = strip_escapes(input);
    let mut out = String::with_capacity(input.len());
    let mut last_space = true;
    for c in input.chars() {
        let c = if matches!(c, '\n' | '\r' | '\t') {
            ' '
        } else {
            c
        };
        if is_forbidden(c) {
            continue;
        }
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push(c);
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Sanitises multi-line remote text (a message body already turned into text): line breaks
/// are kept, tabs become four spaces, `\r` is dropped, and everything [`sanitize_line`] would
/// remove is removed.
pub fn sanitize_multiline(input: &str) -> String {
    let input = strip_escapes(input);
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Converts an HTML message body to wrapped plain text (links become numbered references at
/// the end) and sanitises the result. Text that is not valid HTML is still shown, as text.
/// Characters that never reach the screen are removed first; and should the converter still
/// fail on what it is given (it has asserted on some emoji in tables), the tags are dropped
/// and the text shown as it is, rather than the message being lost.
pub fn html_to_text(html: &str, width: usize) -> String {
    let width = width.max(20);
    let cleaned: String = strip_escapes(html)
        .chars()
        .filter(|c| matches!(c, '\n' | '\r' | '\t') || !is_forbidden(*c))
        .collect();
    CONVERTING_HTML.with(|flag| flag.set(true));
    let converted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        html2text::from_read(cleaned.as_bytes(), width)
    }));
    CONVERTING_HTML.with(|flag| flag.set(false));
    let text = match converted {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => cleaned.clone(),
        Err(_) => {
            tracing::warn!("HTML conversion failed; showing the text without tags");
            without_tags(&cleaned)
        }
    };
    let text = sanitize_multiline(&text);
    text.trim_end().to_owned()
}

thread_local! {
    /// Set while [`html_to_text`] runs the converter on this thread.
    static CONVERTING_HTML: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True while this thread converts HTML: a panic then is the converter's, caught and
/// handled, and the panic hook must neither print it nor restore the terminal.
fn converting_html() -> bool {
    CONVERTING_HTML.with(std::cell::Cell::get)
}

/// Wraps the panic hook in force so that panics caught inside [`html_to_text`] pass
/// quietly; every other panic goes to the hook as before. Call after installing hooks.
pub fn quiet_converter_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !converting_html() {
            previous(info);
        }
    }));
}

/// `html` with everything between `<` and `>` dropped (the fallback when conversion fails).
fn without_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Converts a markdown body (Altinn 3's content: GitHub-flavoured, tables, links, and raw
/// HTML it may carry from migrated letters) to wrapped plain text the same way as
/// [`html_to_text`]: headings, emphasis, lists and tables laid out, links numbered at the
/// end, everything sanitised.
pub fn markdown_to_text(markdown: &str, width: usize) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    html_to_text(&out, width)
}

/// The links of a body made by [`html_to_text`]: its numbered references (`[1]: https://…`)
/// in order, web and mail links only (never `javascript:` or `file:`).
pub fn body_links(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix('[')?;
            let (number, url) = rest.split_once("]: ")?;
            number.parse::<usize>().ok()?;
            let url = url.trim();
            let lower = url.to_ascii_lowercase();
            (lower.starts_with("https://")
                || lower.starts_with("http://")
                || lower.starts_with("mailto:"))
            .then(|| url.to_owned())
        })
        .collect()
}

/// Makes a server-given file name safe to create: no path separators, no `..`, no control
/// characters, no leading dots, not empty.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = sanitize_line(name)
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim_start_matches(['.', ' ']).trim().to_owned();
    if cleaned.is_empty() {
        return tr!("vedlegg").to_owned();
    }
    shorten_file_name(&cleaned, MAX_FILE_NAME_BYTES)
}

/// The longest file name made (bytes): file systems allow 255, and ` (12)` may be added.
const MAX_FILE_NAME_BYTES: usize = 200;

/// `name` cut to at most `max` bytes on a character boundary, keeping a short extension.
fn shorten_file_name(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 16 => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    let mut end = max.saturating_sub(extension.len()).min(stem.len());
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{extension}", stem[..end].trim_end())
}

/// A QR code as lines of half blocks (light modules drawn, as `qrencode -t UTF8` does).
pub fn qr_lines(data: &str) -> Vec<String> {
    use qrcode::render::unicode::Dense1x2;
    match qrcode::QrCode::new(data.as_bytes()) {
        Ok(code) => code
            .render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build()
            .lines()
            .map(str::to_owned)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The display width of `s` in terminal columns (wide CJK and emoji count two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` terminal columns, ending with `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Cuts or pads `s` with spaces to exactly `cols` terminal columns.
pub fn fit(s: &str, cols: usize) -> String {
    let mut out = truncate(s, cols);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// A date as the language writes it (`17.11.2026`, `17 Nov 2026`), in Norwegian time
/// whatever the machine's zone, so every user sees the dates Altinn shows.
pub fn date_text(date: impl Into<chrono::DateTime<chrono::Utc>>) -> String {
    oslo(date.into(), "%d.%m.%Y", "%d %b %Y")
}

/// How many columns [`date_text`] takes: a list's date column.
pub fn date_width() -> usize {
    match i18n::current() {
        Lang::En => 11,
        Lang::Nb | Lang::Nn => 10,
    }
}

/// Day and month (`02.12`, `2 Dec`), in Norwegian time: a due date in a row.
pub fn short_date(date: impl Into<chrono::DateTime<chrono::Utc>>) -> String {
    oslo(date.into(), "%d.%m", "%-d %b")
}

/// Date and time (`17.11.2026 14:05`, `17 Nov 2026 14:05`), in Norwegian time.
pub fn date_time_text(date: impl Into<chrono::DateTime<chrono::Utc>>) -> String {
    oslo(date.into(), "%d.%m.%Y %H:%M", "%d %b %Y %H:%M")
}

/// `date` in Norwegian time, in the Norwegian or the English pattern.
fn oslo(date: chrono::DateTime<chrono::Utc>, norwegian: &str, english: &str) -> String {
    let pattern = match i18n::current() {
        Lang::En => english,
        Lang::Nb | Lang::Nn => norwegian,
    };
    date.with_timezone(&chrono_tz::Europe::Oslo)
        .format(pattern)
        .to_string()
}

/// A byte count in the units people read: `34 kB`, `1,2 MB` (`1.2 MB` in English).
pub fn human_size(bytes: u64) -> String {
    if bytes < 1000 {
        format!("{bytes} B")
    } else if bytes < 1_000_000 {
        format!("{} kB", bytes.div_ceil(1000))
    } else {
        let megabytes = format!("{:.1}", bytes as f64 / 1_000_000.0);
        match i18n::current() {
            Lang::En => format!("{megabytes} MB"),
            Lang::Nb | Lang::Nn => format!("{} MB", megabytes.replace('.', ",")),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn escape_sequences_go_whole() {
        assert_eq!(
            sanitize_line("Saken er \u{1b}[31moverført\u{1b}[0m til \u{1b}]8;;https://x.example\u{7}nemnda\u{1b}]8;;\u{1b}\\ i dag\u{1b}c"),
            "Saken er overført til nemnda i dag"
        );
        assert_eq!(sanitize_multiline("a\u{1b}[2J\nb"), "a\nb");
        assert_eq!(sanitize_line("uten escape"), "uten escape");
        assert_eq!(
            sanitize_multiline("a\u{1b}]8;;uavsluttet\nneste linje\u{1b}[æøå"),
            "a\nneste linjeæøå",
            "a broken sequence keeps the text after it"
        );
    }

    use super::*;

    #[test]
    fn removes_escape_sequences_and_bidi() {
        let hostile = "Hei\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J \u{202e}gnp.exe\u{9b}31m";
        let clean = sanitize_line(hostile);
        assert!(!clean.contains('\u{1b}'));
        assert!(!clean.contains('\u{202e}'));
        assert!(!clean.contains('\u{9b}'));
        // Whole sequences go, not just their first byte (no `[2J` left on the screen).
        assert_eq!(clean, "Hei gnp.exe");
    }

    #[test]
    fn folds_whitespace_and_trims() {
        assert_eq!(
            sanitize_line("  Vedr. saksnr\n\t 2013  "),
            "Vedr. saksnr 2013"
        );
    }

    #[test]
    fn multiline_keeps_lines() {
        assert_eq!(sanitize_multiline("a\r\nb\u{1b}[31m\tc"), "a\nb    c");
    }

    #[test]
    fn truncates_by_display_width() {
        assert_eq!(truncate("Brønnøysundregistrene", 8), "Brønnøy…");
        assert_eq!(truncate("日本語です", 5), "日本…");
        assert_eq!(width(&fit("æøå", 6)), 6);
        assert_eq!(fit("abcdef", 3), "ab…");
    }

    #[test]
    fn html_becomes_text() {
        let text = html_to_text("<p>Hei,</p><p>Skattemeldingen er <b>klar</b>.</p>", 80);
        assert!(text.contains("Hei,"));
        assert!(text.contains("Skattemeldingen er klar."));
        assert!(!text.contains('<'));
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(34_000), "34 kB");
        // A decimal comma in Norwegian, a point in English.
        assert_eq!(human_size(1_234_567), "1,2 MB");
        let _english = crate::i18n::scoped(crate::i18n::Lang::En);
        assert_eq!(human_size(1_234_567), "1.2 MB");
    }
}

#[cfg(test)]
mod link_tests {
    use super::*;

    #[test]
    fn body_links_are_the_numbered_references_in_order() {
        let text = html_to_text(
            r#"<p>Se <a href="https://www.altinn.no/">altinn.no</a> og <a href="mailto:post@skatteetaten.no">skriv</a>,
            ikke <a href="javascript:alert(1)">dette</a>.</p>"#,
            80,
        );
        println!("{text}");
        assert_eq!(
            body_links(&text),
            vec!["https://www.altinn.no/", "mailto:post@skatteetaten.no"]
        );
    }
}

#[cfg(test)]
mod file_name_tests {
    use super::*;

    #[test]
    fn long_names_are_cut_and_keep_their_extension() {
        let name = safe_file_name(&format!("{}.pdf", "æ".repeat(3000)));
        assert!(name.len() <= MAX_FILE_NAME_BYTES, "{}", name.len());
        assert!(name.ends_with(".pdf"));
        let no_extension = safe_file_name(&"b".repeat(500));
        assert_eq!(no_extension.len(), MAX_FILE_NAME_BYTES);
        assert_eq!(safe_file_name("kort.pdf"), "kort.pdf");
    }
}

#[cfg(test)]
mod converter_tests {
    use super::*;

    #[test]
    fn emoji_in_a_table_that_once_crashed_the_converter() {
        // Found by tests/text_fuzz.rs: html2text 0.15 asserted on this.
        let text = html_to_text(
            "<table><tr><td>👩\u{200d}👩\u{200d}👧\u{200d}\u{200b}👩\u{200d}👩\u{200d}👧",
            60,
        );
        assert!(text.contains('👩'));
        assert!(!text.contains('\u{200b}'));
    }

    #[test]
    fn without_tags_keeps_the_text() {
        assert_eq!(without_tags("<p>Hei <b>Kari</b></p>").trim(), "Hei  Kari");
    }
}

/// A line of a body made by [`html_to_text`] in pieces, each marked when it is emphasised:
/// a heading (`## Tråd`) whole, `**strong**` and a line in `*emphasis*` without their
/// marks. The screen styles the marked pieces; plain text (`show --text`) joins them.
pub fn body_pieces(line: &str) -> Vec<(bool, String)> {
    let trimmed = line.trim_start();
    let hashes = trimmed.chars().take_while(|c| *c == '#').count();
    if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
        return vec![(true, trimmed[hashes..].trim().to_owned())];
    }
    let inner = trimmed.trim_end();
    if inner.len() > 2
        && inner.starts_with('*')
        && inner.ends_with('*')
        && !inner.starts_with("**")
        && !inner.starts_with("* ")
    {
        return vec![(true, inner[1..inner.len() - 1].to_owned())];
    }
    let pieces: Vec<&str> = line.split("**").collect();
    if pieces.len() < 3 || pieces.len().is_multiple_of(2) {
        return vec![(false, line.to_owned())];
    }
    pieces
        .into_iter()
        .enumerate()
        .filter(|(_, piece)| !piece.is_empty())
        .map(|(i, piece)| (i % 2 == 1, piece.to_owned()))
        .collect()
}

/// `text` made by [`html_to_text`] with its link numbers moved up by `by` (`[…][1]` and
/// `[1]: …` become `[…][4]` and `[4]: …`), so several texts can share one list of links.
pub fn shift_link_numbers(text: &str, by: usize) -> String {
    if by == 0 {
        return text.to_owned();
    }
    let shift = |digits: &str| digits.parse::<usize>().map(|n| (n + by).to_string());
    text.lines()
        .map(|line| {
            // A footnote line: `[n]: url`.
            if let Some((number, rest)) = line.strip_prefix('[').and_then(|r| r.split_once("]: ")) {
                if let Ok(shifted) = shift(number) {
                    return format!("[{shifted}]: {rest}");
                }
            }
            // References: `][n]`.
            let mut out = String::with_capacity(line.len() + 4);
            let mut rest = line;
            while let Some(at) = rest.find("][") {
                out.push_str(&rest[..at + 2]);
                rest = &rest[at + 2..];
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                match (rest[digits.len()..].starts_with(']'), shift(&digits)) {
                    (true, Ok(shifted)) if !digits.is_empty() => {
                        out.push_str(&shifted);
                        rest = &rest[digits.len()..];
                    }
                    _ => {}
                }
            }
            out.push_str(rest);
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A body as plain text, as the screen shows it but without styles (`show --text`).
pub fn plain_body(body: &str) -> String {
    body.lines()
        .map(|line| {
            body_pieces(line)
                .into_iter()
                .map(|(_, text)| text)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod link_numbers {
    use super::*;

    #[test]
    fn a_threads_links_follow_the_bodys() {
        let text = "Se [veiledningen][1] og [skjemaet][2].\n\n[1]: https://a.no/\n[2]: https://b.no/x?y=[1]";
        let shifted = shift_link_numbers(text, 3);
        assert_eq!(
            shifted,
            "Se [veiledningen][4] og [skjemaet][5].\n\n[4]: https://a.no/\n[5]: https://b.no/x?y=[1]"
        );
        assert_eq!(
            body_links(&shifted),
            ["https://a.no/", "https://b.no/x?y=[1]"]
        );
        assert_eq!(shift_link_numbers("[a][b] ][x] [1]", 2), "[a][b] ][x] [1]");
    }
}
