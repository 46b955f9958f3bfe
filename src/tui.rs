//! The terminal and the event loop: the one place that knows `app/`, `ui/` and the runtime.
//! A `tokio::select!` over terminal events, background results and a spinner tick (only
//! while something loads); drawing happens after each batch, only when something changed,
//! inside synchronized output.

use std::io::{stdout, Write};
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{Event, EventStream};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use crossterm::{event, execute};
use futures::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;

use crate::app::update::update;
use crate::app::{App, Effect, Msg, PipeInput, Screen};
use crate::runtime::Runtime;
use crate::startup::{phase, StartupTimes};
use crate::ui::{self, Theme};

/// How often the spinner moves while something loads (at most 10 fps).
const TICK: Duration = Duration::from_millis(100);

/// How often the clock is read when nothing moves on the screen.
const CLOCK: Duration = Duration::from_secs(30);

/// Sets up the terminal, runs the app until it quits, and restores the terminal (also on
/// error; the panic hook installed by `ratatui::init` restores it on panic).
pub async fn run(
    app: App,
    theme: Theme,
    mut times: StartupTimes,
    effects_for: impl FnOnce(mpsc::UnboundedSender<Msg>) -> Runtime,
) -> Result<()> {
    let mouse = app.settings.mouse;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), event::DisableBracketedPaste);
        if mouse {
            let _ = execute!(stdout(), event::DisableMouseCapture);
        }
        previous(info);
    }));
    // `init` wraps the hook above with one that restores the terminal first; a panic the
    // HTML converter raises (and `text` catches) must not reach it.
    let mut terminal = ratatui::init();
    crate::text::quiet_converter_panics();
    let _ = execute!(stdout(), event::EnableBracketedPaste);
    if mouse {
        let _ = execute!(stdout(), event::EnableMouseCapture);
    }
    times.mark(phase::TERMINAL);
    let result = event_loop(&mut terminal, app, theme, times, effects_for).await;
    if mouse {
        let _ = execute!(stdout(), event::DisableMouseCapture);
    }
    let _ = execute!(stdout(), event::DisableBracketedPaste);
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    mut app: App,
    theme: Theme,
    mut times: StartupTimes,
    effects_for: impl FnOnce(mpsc::UnboundedSender<Msg>) -> Runtime,
) -> Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let own = tx.clone();
    let mut effects = effects_for(tx);
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // The clock moves when idle too, slowly: the desk's sync in the background is timed by it.
    let mut clock = tokio::time::interval(CLOCK);
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = terminal.size().wrap_err("reading the terminal size")?;
    let startup = [
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
        Msg::Tick(std::time::SystemTime::now()),
        Msg::Start,
    ];
    for msg in startup {
        for effect in update(&mut app, msg) {
            perform(&mut effects, effect);
        }
    }
    // A test hook: with INNBOKS_TEST_PANIC set, F12 panics inside the running loop, so the
    // tests can check that a panic leaves the terminal as it found it.
    let panic_on_f12 = std::env::var_os("INNBOKS_TEST_PANIC").is_some();
    let mut dirty = true;
    loop {
        if dirty {
            draw(terminal, &app, &theme)?;
            dirty = false;
            note_startup(&mut times, &app);
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => match to_msg(event) {
                    Some(msg) => msg,
                    None => continue,
                },
                Some(Err(error)) => return Err(error).wrap_err("reading terminal input"),
                None => break,
            },
            Some(msg) = rx.recv() => msg,
            _ = tick.tick(), if app.is_busy() => Msg::Tick(std::time::SystemTime::now()),
            _ = clock.tick() => Msg::Tick(std::time::SystemTime::now()),
        };
        if panic_on_f12 {
            if let Msg::Key(key) = &msg {
                if key.code == crossterm::event::KeyCode::F(12) {
                    panic!("test panic on F12 (INNBOKS_TEST_PANIC)");
                }
            }
        }
        let mut batch = vec![msg];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        let mut pipes = Vec::new();
        for msg in batch {
            for effect in update(&mut app, msg) {
                match effect {
                    Effect::Pipe { command, input } => pipes.push((command, input)),
                    other => perform(&mut effects, other),
                }
            }
        }
        for (command, input) in pipes {
            // The old stream's reader thread stops, so it takes no key meant for the command.
            events = EventStream::new();
            let outcome = hand_over(terminal, app.settings.mouse, &command, input)?;
            let _ = own.send(Msg::Piped { command, outcome });
        }
        dirty = true;
        if app.should_quit {
            break;
        }
    }
    Ok(())
}

/// Notes the start's phases that the frame just drawn shows.
fn note_startup(times: &mut StartupTimes, app: &App) {
    if times.has(phase::FIRST_NETWORK_PAGE) {
        return;
    }
    if app.screen == Screen::Inbox {
        if app.session.method.is_some() && !app.login.restoring {
            times.mark(phase::SESSION);
        }
        if !app.inbox.messages.is_empty() {
            times.mark(phase::FIRST_INBOX_FRAME);
        }
        if app.inbox.sources.iter().any(|s| s.has_answered()) && !app.settings.offline {
            times.mark(phase::FIRST_NETWORK_PAGE);
        }
    }
}

/// Runs an effect: terminal effects here, everything else in the background.
fn perform(runtime: &mut Runtime, effect: Effect) {
    match effect {
        Effect::CopyToClipboard(text) => copy_osc52(&text),
        other => runtime.run(other),
    }
}

/// `|`: gives the terminal to `sh -c command` with `input` on its stdin, waits for it, and
/// takes the terminal back (redrawn whole). Ctrl-C meanwhile is the command's, not ours.
fn hand_over(
    terminal: &mut DefaultTerminal,
    mouse: bool,
    command: &str,
    input: PipeInput,
) -> Result<Result<Option<i32>, String>> {
    let bytes = match &input {
        PipeInput::Text(text) => Ok(text.as_bytes().to_vec()),
        PipeInput::File(path) => std::fs::read(path),
    };
    if let PipeInput::File(path) = &input {
        let _ = std::fs::remove_file(path);
    }
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) => return Ok(Err(error.to_string())),
    };
    #[cfg(unix)]
    let _interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
    if mouse {
        let _ = execute!(stdout(), event::DisableMouseCapture);
    }
    let _ = execute!(stdout(), event::DisableBracketedPaste);
    let _ = terminal.show_cursor();
    ratatui::restore();
    let status = run_piped(command, &bytes);
    crossterm::terminal::enable_raw_mode().wrap_err("taking the terminal back")?;
    execute!(stdout(), crossterm::terminal::EnterAlternateScreen)
        .wrap_err("taking the terminal back")?;
    let _ = execute!(stdout(), event::EnableBracketedPaste);
    if mouse {
        let _ = execute!(stdout(), event::EnableMouseCapture);
    }
    // The screen is blank now: an empty frame makes the next one draw every cell (without
    // `Terminal::clear`, which asks the terminal where its cursor is).
    let _ = execute!(
        stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    );
    terminal
        .draw(|frame| frame.render_widget(ratatui::widgets::Clear, frame.area()))
        .wrap_err("taking the terminal back")?;
    Ok(status
        .map(|status| status.code())
        .map_err(|error| error.to_string()))
}

/// Runs `sh -c command` with `input` on its stdin and the terminal's stdout and stderr, and
/// waits for it. The command line is the user's as typed; `input` (the server's text) goes
/// only to the stdin, never into the command. A command that stops reading early (`head`)
/// is no error.
pub fn run_piped(command: &str, input: &[u8]) -> std::io::Result<std::process::ExitStatus> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .spawn()?;
    let stdin = child.stdin.take();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            if let Some(mut stdin) = stdin {
                let _ = stdin.write_all(input);
            }
        });
        child.wait()
    })
}

/// Copies through the terminal with OSC 52, which works over SSH; inside tmux the sequence
/// is wrapped for passthrough.
fn copy_osc52(text: &str) {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let sequence = format!("\x1b]52;c;{encoded}\x07");
    let sequence = if std::env::var_os("TMUX").is_some() {
        format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"))
    } else {
        sequence
    };
    let mut out = stdout();
    let _ = out.write_all(sequence.as_bytes());
    let _ = out.flush();
}

fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        _ => None,
    }
}

fn draw(terminal: &mut DefaultTerminal, app: &App, theme: &Theme) -> Result<()> {
    let mut out = stdout();
    let _ = execute!(out, BeginSynchronizedUpdate);
    let result = terminal.draw(|frame| ui::draw(app, theme, frame));
    let _ = execute!(out, EndSynchronizedUpdate);
    let _ = out.flush();
    result.map(|_| ()).wrap_err("drawing the screen")
}

#[cfg(test)]
mod tests {
    use super::run_piped;

    /// The server's text goes only to the command's stdin: a `$(…)`, backticks or quotes in
    /// it are never run by the shell.
    #[test]
    fn hostile_text_goes_only_to_stdin() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let out = dir.path().join("out.txt");
        let marker = dir.path().join("MARKER");
        let marker_text = marker.display();
        let input = format!(
            "Emne: $(touch {marker_text}) `touch {marker_text}` '; touch {marker_text}; '\n\
             \"$(touch {marker_text})\"\n"
        );
        let command = format!("cat > '{}'", out.display());
        let status = run_piped(&command, input.as_bytes()).expect("sh runs");
        assert!(status.success());
        assert_eq!(std::fs::read_to_string(&out).expect("written"), input);
        assert!(!marker.exists(), "nothing in the text was run");
    }

    /// The exit status comes back; a command that stops reading early is no error, and
    /// one that cannot be found is the shell's 127.
    #[test]
    fn the_status_comes_back() {
        let big = vec![b'x'; 1 << 20];
        let status = run_piped("head -c 1 >/dev/null; exit 3", &big).expect("sh runs");
        assert_eq!(status.code(), Some(3));
        let status = run_piped("innboks-no-such-command-here 2>/dev/null", b"").expect("sh runs");
        assert_eq!(status.code(), Some(127));
    }
}
