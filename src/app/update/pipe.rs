//! `|`: the prompt for a command, and what it is given — the open message's text, or the
//! chosen attachment once downloaded. The terminal loop runs it; the command is the user's
//! as typed, and the server's text goes only to its stdin.

use crate::i18n::tr;
use crossterm::event::{KeyCode, KeyEvent};

use crate::app::{Action, App, Effect, Overlay, PipeInput, PipeLine, Status, TextInput};

/// `|`: the prompt, on the last command; for the chosen attachment when choosing one.
pub(super) fn open_pipe(app: &mut App) -> Vec<Effect> {
    if app.detail_message().is_none() {
        app.status = Some(Status::Info(tr!("Åpne en melding først.").into()));
        return Vec::new();
    }
    app.overlay = Some(Overlay::Pipe(PipeLine {
        text: TextInput::new(app.pipe_command.clone()),
        attachment: app.attachment_choice(),
    }));
    Vec::new()
}

/// Keys in the prompt: Enter pipes, Esc (or Backspace on an empty line) cancels; the rest
/// edit the line.
pub(super) fn pipe_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Pipe(line)) = &mut app.overlay else {
        return Vec::new();
    };
    match action {
        Some(Action::Cancel) => app.overlay = None,
        Some(Action::Submit) => {
            let command = line.text.value().trim().to_owned();
            let attachment = line.attachment;
            app.overlay = None;
            if command.is_empty() {
                return Vec::new();
            }
            app.pipe_command = command.clone();
            return pipe(app, command, attachment);
        }
        _ if key.code == KeyCode::Backspace && line.text.is_empty() => app.overlay = None,
        _ => {
            line.text.handle(&key);
        }
    }
    Vec::new()
}

/// The effect that pipes the message's text, or fetches the attachment first.
fn pipe(app: &mut App, command: String, attachment: Option<usize>) -> Vec<Effect> {
    let Some(message) = app.detail_message() else {
        app.status = Some(Status::Info(tr!("Åpne en melding først.").into()));
        return Vec::new();
    };
    match attachment.and_then(|i| message.attachments.get(i)) {
        Some(file) => {
            let effect = Effect::FetchForPipe {
                url: file.url.clone(),
                file_name: file.file_name.clone(),
                command: command.clone(),
            };
            app.status = Some(Status::Info(tr!(
                "Henter {name} til «{command}» …",
                name = file.file_name,
                command
            )));
            vec![effect]
        }
        None => {
            let input = PipeInput::Text(message.plain_text());
            vec![Effect::Pipe { command, input }]
        }
    }
}

/// The attachment is in its file: pipe it.
pub(super) fn pipe_fetched(command: String, path: std::path::PathBuf) -> Vec<Effect> {
    vec![Effect::Pipe {
        command,
        input: PipeInput::File(path),
    }]
}

/// The command ended: how, on the status line.
pub(super) fn piped(
    app: &mut App,
    command: String,
    outcome: Result<Option<i32>, String>,
) -> Vec<Effect> {
    app.status = Some(match outcome {
        Ok(Some(0)) => Status::Info(tr!("«{command}» er ferdig.", command)),
        Ok(Some(code)) => Status::Info(tr!("«{command}» endte med status {code}.", command, code)),
        Ok(None) => Status::Info(tr!("«{command}» ble stoppet av et signal.", command)),
        Err(error) => Status::Error(tr!("Kunne ikke kjøre «{command}»: {error}", command, error)),
    });
    Vec::new()
}
