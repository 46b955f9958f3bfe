//! Keys in the inbox, routed in one place: a search being typed takes them first, then the
//! overlay that is open (in its own key mode); otherwise the keymap's action goes to the
//! whole screen, the list or the detail pane.

use crate::i18n::tr;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::search::Search;
use crate::app::{
    Action, App, CommandLine, Effect, Focus, LoginFlow, Mode, Overlay, Screen, Source, Status,
    Switcher, TextInput,
};

use super::actions::{answer, ask_or_act, save_attachments};
use super::command::{command_key, open_folder};
use super::detail::{follow_selection, open_selected, scroll_detail};
use super::filters::set_filters;
use super::list::{refresh, select};
use super::login::login_field_mut;
use super::overlays::{
    attachment_key, copy_link, filter_menu_key, help_key, link_key, search_changed, search_key,
};
use super::reportees::{current_reportee, switcher_key};
use super::view::{keep_selection_visible, resort};

/// Routes a key: the search prompt, the open overlay, or the inbox.
pub(super) fn inbox_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if app.search.as_ref().is_some_and(|s| s.editing) {
        let action = app.settings.keymap.action_in(Mode::Text, &key);
        return search_key(app, action, key);
    }
    if let Some(mode) = app.overlay.as_ref().map(Overlay::mode) {
        let action = app.settings.keymap.action_in(mode, &key);
        let handled = match mode {
            Mode::Help => Some(help_key(app, action)),
            Mode::Filters => Some(filter_menu_key(app, action)),
            Mode::Links => Some(link_key(app, action, key)),
            Mode::Switcher if matches!(app.overlay, Some(Overlay::Board(_))) => {
                Some(super::desk::board_key(app, action, key))
            }
            Mode::Switcher if matches!(app.overlay, Some(Overlay::Searches(_))) => {
                Some(super::searches::chooser_key(app, action, key))
            }
            Mode::Switcher => Some(switcher_key(app, action, key)),
            Mode::Text if matches!(app.overlay, Some(Overlay::Pipe(_))) => {
                Some(super::pipe::pipe_key(app, action, key))
            }
            Mode::Text => Some(command_key(app, action, key)),
            Mode::Question => Some(answer(app, action)),
            // Choosing an attachment takes a few keys; the rest work as in the inbox.
            Mode::Attachments => attachment_key(app, action),
            Mode::Inbox => None,
        };
        if let Some(effects) = handled {
            return effects;
        }
    }
    let Some(action) = app.settings.keymap.action_for(&key) else {
        return Vec::new();
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        app.should_quit = true;
        return Vec::new();
    }
    match (app.focus, action) {
        (Focus::List, Action::Back) if app.search.is_some() => {
            app.search = None;
            Vec::new()
        }
        (Focus::List, _) if is_movement(action) || is_pane(action) => list_action(app, action),
        (Focus::Detail, _) if is_movement(action) || is_pane(action) => detail_action(app, action),
        _ => screen_action(app, action),
    }
}

/// Moves the cursor or scrolls.
fn is_movement(action: Action) -> bool {
    matches!(
        action,
        Action::MoveDown
            | Action::MoveUp
            | Action::Top
            | Action::Bottom
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::PageDown
            | Action::PageUp
    )
}

/// Means something different in the list and in the detail pane.
fn is_pane(action: Action) -> bool {
    matches!(
        action,
        Action::Open | Action::FocusNext | Action::Back | Action::Quit
    )
}

/// `G`: the last row — or, while the rest of a cached list is still being read, the last
/// row once it is all here (the status says so meanwhile).
fn to_the_end(app: &mut App) -> Vec<Effect> {
    if app.inbox.sources.iter().any(Source::reads_rest_of_cache) {
        app.inbox.end_asked = true;
        app.status = Some(Status::Info(
            tr!("Leser resten av listen fra hurtigbufferen – går til bunnen når den er lest …")
                .into(),
        ));
    }
    select(app, usize::MAX)
}

/// An action in the list: move the cursor, open, switch pane, quit.
fn list_action(app: &mut App, action: Action) -> Vec<Effect> {
    let rows = app.layout().list_rows().max(1);
    let selected = app.inbox.selected;
    match action {
        Action::MoveDown => select(app, selected + 1),
        Action::MoveUp => select(app, selected.saturating_sub(1)),
        Action::Top => select(app, 0),
        Action::Bottom => to_the_end(app),
        Action::HalfPageDown => select(app, selected + rows / 2),
        Action::HalfPageUp => select(app, selected.saturating_sub(rows / 2)),
        Action::PageDown => select(app, selected + rows),
        Action::PageUp => select(app, selected.saturating_sub(rows)),
        Action::Open => open_selected(app),
        Action::FocusNext => {
            if app.layout().detail.is_some() && app.detail.id.is_some() {
                app.focus = Focus::Detail;
            }
            Vec::new()
        }
        Action::Back => {
            app.status = None;
            Vec::new()
        }
        Action::Quit => {
            app.should_quit = true;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// An action in the detail pane: scroll, or back to the list.
fn detail_action(app: &mut App, action: Action) -> Vec<Effect> {
    let rows = app.layout().detail_rows().max(1) as isize;
    match action {
        Action::MoveDown => scroll_detail(app, 1),
        Action::MoveUp => scroll_detail(app, -1),
        Action::HalfPageDown => scroll_detail(app, rows / 2),
        Action::HalfPageUp => scroll_detail(app, -(rows / 2)),
        Action::PageDown => scroll_detail(app, rows),
        Action::PageUp => scroll_detail(app, -rows),
        Action::Top => app.detail.scroll = 0,
        Action::Bottom => scroll_detail(app, isize::MAX / 2),
        Action::FocusNext | Action::Back | Action::Quit => {
            app.focus = Focus::List;
            app.detail.open = false;
        }
        _ => {}
    }
    Vec::new()
}

/// An action that means the same in either pane.
fn screen_action(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Help => open(app, Overlay::Help { scroll: 0 }),
        Action::Reportee => open_switcher(app),
        Action::Agenda => super::desk::open_agenda(app, None),
        Action::Board => super::desk::open_board(app),
        Action::Searches => super::searches::open_searches(app),
        Action::Attachments => choose_attachment(app),
        Action::SaveAttachment => save_attachments(app, app.attachment_choice(), false),
        Action::OpenAttachment => {
            save_attachments(app, Some(app.attachment_choice().unwrap_or(0)), true)
        }
        Action::Copy => copy_reference(app),
        Action::Sort => sort(app),
        Action::Search => {
            app.search = Some(Search {
                editing: true,
                ..Search::default()
            });
            Vec::new()
        }
        Action::NextMatch | Action::PreviousMatch => next_match(app, action),
        Action::Refresh if app.desk.agenda.is_some() => super::desk::refresh_agenda(app),
        Action::Refresh => refresh(app),
        Action::Folder => {
            let next = app.folder.next(app.settings.capabilities.views);
            open_folder(app, next)
        }
        Action::Filter => open(app, Overlay::Filters),
        Action::FilterSender => {
            let sender = app
                .inbox
                .selected_message()
                .map(|m| m.service_owner.clone());
            let mut filters = app.filters.clone();
            filters.sender = match (&filters.sender, sender) {
                (Some(_), _) | (_, None) => None,
                (None, Some(sender)) => Some(sender.to_string()),
            };
            set_filters(app, filters)
        }
        Action::MarkAll => mark_all(app),
        Action::Command => open(app, Overlay::Command(CommandLine::default())),
        Action::CopyLink => choose_link(app),
        Action::Pipe => super::pipe::open_pipe(app),
        Action::Mark => {
            if let Some(id) = app.inbox.selected_message().map(|m| m.id.to_string()) {
                if !app.inbox.marked.remove(id.as_str()) {
                    app.inbox.marked.insert(id.to_string());
                }
            }
            let next = app.inbox.selected + 1;
            select(app, next)
        }
        Action::Verb(action) => ask_or_act(app, action),
        Action::Undo => super::bulk::undo(app),
        Action::History => super::detail::toggle_history(app),
        Action::StepUp => super::login::step_up(app),
        Action::TogglePreview => {
            app.preview = !app.preview;
            if app.preview {
                return follow_selection(app);
            }
            if !app.detail.open {
                app.focus = Focus::List;
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Opens `overlay` over the inbox.
fn open(app: &mut App, overlay: Overlay) -> Vec<Effect> {
    app.overlay = Some(overlay);
    Vec::new()
}

/// `R`: the switcher, on the inbox shown; the parties are fetched the first time.
fn open_switcher(app: &mut App) -> Vec<Effect> {
    let switcher = Switcher {
        loading: app.parties.list.is_empty(),
        selected: current_reportee(app),
        ..Switcher::default()
    };
    app.overlay = Some(Overlay::Switcher(switcher));
    if app.parties.list.is_empty() {
        vec![app.fetch_reportees()]
    } else {
        Vec::new()
    }
}

/// `v`: choose among the open message's attachments (again: the next one).
fn choose_attachment(app: &mut App) -> Vec<Effect> {
    match app.detail_message().map(|m| m.attachments.len()) {
        Some(0) => app.status = Some(Status::Info(tr!("Meldingen har ingen vedlegg.").into())),
        Some(count) => {
            let selected = app.attachment_choice().map_or(0, |i| i + 1) % count.max(1);
            app.overlay = Some(Overlay::Attachments { selected });
            app.status = Some(Status::Info(
                tr!("Vedlegg: j/k velg · S lagre · o eller Enter åpne · Esc tilbake").into(),
            ));
        }
        None => app.status = Some(Status::Info(tr!("Åpne en melding først.").into())),
    }
    Vec::new()
}

/// `Y`: copy the body's only link, or choose among them.
fn choose_link(app: &mut App) -> Vec<Effect> {
    match app.detail_message().map(|m| m.links.len()) {
        None => app.status = Some(Status::Info(tr!("Åpne en melding først.").into())),
        Some(0) => app.status = Some(Status::Info(tr!("Meldingen har ingen lenker.").into())),
        Some(1) => return copy_link(app, 0),
        Some(_) => app.overlay = Some(Overlay::Links { selected: 0 }),
    }
    Vec::new()
}

/// `y`: copy the message's web link, or its id when it has none.
fn copy_reference(app: &mut App) -> Vec<Effect> {
    let Some(summary) = app.inbox.selected_message() else {
        return Vec::new();
    };
    let link = app
        .bodies
        .get(summary.id.as_str())
        .and_then(|m| m.portal_url.clone());
    let (text, what) = match link {
        Some(url) => (url, tr!("lenken til meldingen")),
        None => (summary.id.to_string(), tr!("meldingens id")),
    };
    app.status = Some(Status::Info(tr!("Kopierte {what}.", what)));
    vec![Effect::CopyToClipboard(text)]
}

/// `s`: the next sort order, the selection kept.
fn sort(app: &mut App) -> Vec<Effect> {
    app.sort = app.sort.next();
    resort(app);
    keep_selection_visible(app);
    app.status = Some(Status::Info(tr!(
        "Sortert: {order}.",
        order = app.sort.label()
    )));
    Vec::new()
}

/// `n`/`N`: the next or previous search hit.
fn next_match(app: &mut App, action: Action) -> Vec<Effect> {
    let selected = app.inbox.selected;
    let target = app.search.as_ref().and_then(|s| {
        if action == Action::NextMatch {
            s.next_after(selected)
        } else {
            s.previous_before(selected)
        }
    });
    match target {
        Some(index) => select(app, index),
        None => Vec::new(),
    }
}

/// `*`: mark every message shown, or none when all are marked.
fn mark_all(app: &mut App) -> Vec<Effect> {
    let all_marked = !app.inbox.messages.is_empty()
        && app
            .inbox
            .messages
            .iter()
            .all(|m| app.inbox.marked.contains(m.id.as_str()));
    if all_marked {
        app.inbox.marked.clear();
        app.status = Some(Status::Info(tr!("Ingen merket.").into()));
    } else {
        let ids: Vec<String> = app
            .inbox
            .messages
            .iter()
            .map(|m| m.id.to_string())
            .collect();
        app.inbox.marked.extend(ids);
        app.status = Some(Status::Info(tr!(
            "{count} merket: a arkiverer, m markerer lest, d sletter. * fjerner merkingen.",
            count = crate::i18n::number(app.inbox.marked.len())
        )));
    }
    Vec::new()
}

/// Bracketed paste: into the field that has the keys — the browser login's paste field
/// (replaced), a login field, the search prompt, the command line or the switcher's filter.
pub(super) fn paste(app: &mut App, text: String) -> Vec<Effect> {
    if let LoginFlow::Browser(view) = &mut app.login.flow {
        view.paste = TextInput::default();
        view.paste.insert(&text);
        view.paste_focused = true;
        view.paste_error = None;
        return Vec::new();
    }
    if app.screen == Screen::Login {
        if let Some(field) = login_field_mut(app) {
            field.insert(&text);
        }
        return Vec::new();
    }
    if let Some(search) = app.search.as_mut().filter(|s| s.editing) {
        search.query.insert(&text);
        return search_changed(app);
    }
    match &mut app.overlay {
        Some(Overlay::Command(line)) => {
            line.text.insert(&text);
            line.error = None;
        }
        Some(Overlay::Pipe(line)) => line.text.insert(&text),
        Some(Overlay::Switcher(switcher)) => {
            switcher.filter.insert(&text);
            switcher.selected = 0;
        }
        Some(Overlay::Searches(chooser)) => {
            chooser.filter.insert(&text);
            chooser.selected = 0;
        }
        _ => {}
    }
    Vec::new()
}
