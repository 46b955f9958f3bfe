//! Keys in the inbox: the overlay that is open takes them first; otherwise the keymap's
//! action, by the focused pane.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::search::Search;
use crate::app::Switcher;
use crate::app::{Action, App, Effect, Focus, Status};
use crate::domain::MessageAction;

use super::actions::{act, ask_or_act, mark_read, save_attachments};
use super::command::{command_key, open_folder};
use super::detail::{follow_selection, open_selected, scroll_detail};
use super::filters::set_filters;
use super::list::{refresh, select};
use super::overlays::{copy_link, filter_menu_key, link_picker_key, search_key};
use super::reportees::{current_reportee, switcher_key};
use super::view::{keep_selection_visible, refresh_search, resort};

pub(super) fn inbox_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if app.switcher.is_some() {
        return switcher_key(app, key);
    }
    if app.command.is_some() {
        return command_key(app, key);
    }
    if app.filter_menu {
        return filter_menu_key(app, key);
    }
    if app.link_picker.is_some() {
        return link_picker_key(app, key);
    }
    if app.search.as_ref().is_some_and(|s| s.editing) {
        return search_key(app, key);
    }
    if let Some(chosen) = app.detail.attachment {
        let count = app.detail_message().map_or(0, |m| m.attachments.len());
        match key.code {
            KeyCode::Esc => {
                app.detail.attachment = None;
                app.status = None;
                return Vec::new();
            }
            KeyCode::Char('j') | KeyCode::Down => {
                app.detail.attachment = Some((chosen + 1).min(count.saturating_sub(1)));
                return Vec::new();
            }
            KeyCode::Char('k') | KeyCode::Up => {
                app.detail.attachment = Some(chosen.saturating_sub(1));
                return Vec::new();
            }
            KeyCode::Enter => return save_attachments(app, Some(chosen), true),
            _ => {}
        }
    }
    if let Some(pending) = app.confirm.take() {
        // Only `y` says yes (not `j` for «ja»: that is "down" to a fast hand).
        if key.code == KeyCode::Char('y') {
            app.inbox.marked.clear();
            return pending
                .ids
                .into_iter()
                .flat_map(|id| act(app, id, pending.action))
                .collect();
        }
        app.status = Some(Status::Info("Avbrutt.".into()));
        return Vec::new();
    }
    let action = app.keymap.action_for(&key);
    if app.show_help {
        match action {
            Some(Action::Help | Action::Back | Action::Quit) => {
                app.show_help = false;
                app.help_scroll = 0;
            }
            Some(Action::MoveDown) => app.help_scroll = app.help_scroll.saturating_add(1),
            Some(Action::MoveUp) => app.help_scroll = app.help_scroll.saturating_sub(1),
            Some(Action::PageDown | Action::HalfPageDown) => {
                app.help_scroll = app.help_scroll.saturating_add(10)
            }
            Some(Action::PageUp | Action::HalfPageUp) => {
                app.help_scroll = app.help_scroll.saturating_sub(10)
            }
            Some(Action::Top) => app.help_scroll = 0,
            _ => {}
        }
        return Vec::new();
    }
    let Some(action) = action else {
        return Vec::new();
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        app.should_quit = true;
        return Vec::new();
    }
    let list_rows = app.layout().list_rows().max(1);
    let detail_rows = app.layout().detail_rows().max(1) as isize;
    let selected = app.inbox.selected;
    match (app.focus, action) {
        (_, Action::Help) => {
            app.show_help = true;
            Vec::new()
        }
        (_, Action::Reportee) => {
            app.switcher = Some(Switcher {
                loading: app.reportees.is_empty(),
                selected: current_reportee(app),
                ..Switcher::default()
            });
            if app.reportees.is_empty() {
                vec![Effect::FetchReportees]
            } else {
                Vec::new()
            }
        }
        (_, Action::Attachments) => {
            match app.detail_message().map(|m| m.attachments.len()) {
                Some(0) => app.status = Some(Status::Info("Meldingen har ingen vedlegg.".into())),
                Some(_) => {
                    app.detail.attachment = Some(
                        app.detail.attachment.map_or(0, |i| i + 1)
                            % app
                                .detail_message()
                                .map_or(1, |m| m.attachments.len().max(1)),
                    );
                    app.status = Some(Status::Info(
                        "Vedlegg: j/k velg · S lagre · o eller Enter åpne · Esc tilbake".into(),
                    ));
                }
                None => app.status = Some(Status::Info("Åpne en melding først.".into())),
            }
            Vec::new()
        }
        (_, Action::SaveAttachment) => save_attachments(app, app.detail.attachment, false),
        (_, Action::OpenAttachment) => {
            save_attachments(app, Some(app.detail.attachment.unwrap_or(0)), true)
        }
        (_, Action::Copy) => {
            let Some(summary) = app.inbox.selected_message() else {
                return Vec::new();
            };
            let link = app
                .bodies
                .get(&summary.id)
                .and_then(|m| m.portal_url.clone());
            let (text, what) = match link {
                Some(url) => (url, "lenken til meldingen"),
                None => (summary.id.clone(), "meldingens id"),
            };
            app.status = Some(Status::Info(format!("Kopierte {what}.")));
            vec![Effect::CopyToClipboard(text)]
        }
        (_, Action::Sort) => {
            app.sort = app.sort.next();
            resort(app);
            keep_selection_visible(app);
            refresh_search(app);
            app.status = Some(Status::Info(format!("Sortert: {}.", app.sort.label())));
            Vec::new()
        }
        (_, Action::Search) => {
            app.search = Some(Search {
                editing: true,
                ..Search::default()
            });
            Vec::new()
        }
        (_, Action::NextMatch | Action::PreviousMatch) => {
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
        (Focus::List, Action::Back) if app.search.is_some() => {
            app.search = None;
            Vec::new()
        }
        (_, Action::Refresh) => refresh(app),
        (_, Action::MarkRead) => mark_read(app),
        (_, Action::Folder) => {
            let next = app.folder.next();
            open_folder(app, next)
        }
        (_, Action::Filter) => {
            app.filter_menu = true;
            Vec::new()
        }
        (_, Action::FilterSender) => {
            let sender = app
                .inbox
                .selected_message()
                .map(|m| m.service_owner.clone());
            let mut filters = app.filters.clone();
            filters.sender = match (&filters.sender, sender) {
                (Some(_), _) | (_, None) => None,
                (None, Some(sender)) => Some(sender),
            };
            set_filters(app, filters)
        }
        (_, Action::MarkAll) => {
            let all_marked = !app.inbox.messages.is_empty()
                && app
                    .inbox
                    .messages
                    .iter()
                    .all(|m| app.inbox.marked.contains(&m.id));
            if all_marked {
                app.inbox.marked.clear();
                app.status = Some(Status::Info("Ingen merket.".into()));
            } else {
                let ids: Vec<String> = app.inbox.messages.iter().map(|m| m.id.clone()).collect();
                app.inbox.marked.extend(ids);
                app.status = Some(Status::Info(format!(
                    "{} merket: a arkiverer, m markerer lest, d sletter. * fjerner merkingen.",
                    app.inbox.marked.len()
                )));
            }
            Vec::new()
        }
        (_, Action::Command) => {
            app.command = Some(Default::default());
            Vec::new()
        }
        (_, Action::CopyLink) => {
            match app.detail_message().map(|m| m.links.len()) {
                None => app.status = Some(Status::Info("Åpne en melding først.".into())),
                Some(0) => app.status = Some(Status::Info("Meldingen har ingen lenker.".into())),
                Some(1) => return copy_link(app, 0),
                Some(_) => app.link_picker = Some(0),
            }
            Vec::new()
        }
        (_, Action::Mark) => {
            if let Some(id) = app.inbox.selected_message().map(|m| m.id.clone()) {
                if !app.inbox.marked.remove(&id) {
                    app.inbox.marked.insert(id);
                }
            }
            let next = app.inbox.selected + 1;
            select(app, next)
        }
        (_, Action::Archive) => ask_or_act(app, MessageAction::Archive),
        (_, Action::Delete) => ask_or_act(app, MessageAction::Delete),
        (_, Action::ConfirmReceipt) => ask_or_act(app, MessageAction::Confirm),
        (_, Action::TogglePreview) => {
            app.preview = !app.preview;
            if app.preview {
                follow_selection(app)
            } else {
                if !app.detail.open {
                    app.focus = Focus::List;
                }
                Vec::new()
            }
        }
        (Focus::List, Action::MoveDown) => select(app, selected + 1),
        (Focus::List, Action::MoveUp) => select(app, selected.saturating_sub(1)),
        (Focus::List, Action::Top) => select(app, 0),
        (Focus::List, Action::Bottom) => select(app, usize::MAX),
        (Focus::List, Action::HalfPageDown) => select(app, selected + list_rows / 2),
        (Focus::List, Action::HalfPageUp) => select(app, selected.saturating_sub(list_rows / 2)),
        (Focus::List, Action::PageDown) => select(app, selected + list_rows),
        (Focus::List, Action::PageUp) => select(app, selected.saturating_sub(list_rows)),
        (Focus::List, Action::Open) => open_selected(app),
        (Focus::List, Action::FocusNext) => {
            if app.layout().detail.is_some() && app.detail.id.is_some() {
                app.focus = Focus::Detail;
            }
            Vec::new()
        }
        (Focus::List, Action::Back) => {
            app.status = None;
            Vec::new()
        }
        (Focus::List, Action::Quit) => {
            app.should_quit = true;
            Vec::new()
        }
        (Focus::Detail, Action::MoveDown) => {
            scroll_detail(app, 1);
            Vec::new()
        }
        (Focus::Detail, Action::MoveUp) => {
            scroll_detail(app, -1);
            Vec::new()
        }
        (Focus::Detail, Action::HalfPageDown) => {
            scroll_detail(app, detail_rows / 2);
            Vec::new()
        }
        (Focus::Detail, Action::HalfPageUp) => {
            scroll_detail(app, -(detail_rows / 2));
            Vec::new()
        }
        (Focus::Detail, Action::PageDown) => {
            scroll_detail(app, detail_rows);
            Vec::new()
        }
        (Focus::Detail, Action::PageUp) => {
            scroll_detail(app, -detail_rows);
            Vec::new()
        }
        (Focus::Detail, Action::Top) => {
            app.detail.scroll = 0;
            Vec::new()
        }
        (Focus::Detail, Action::Bottom) => {
            scroll_detail(app, isize::MAX / 2);
            Vec::new()
        }
        (Focus::Detail, Action::Open) => Vec::new(),
        (Focus::Detail, Action::FocusNext | Action::Back | Action::Quit) => {
            app.focus = Focus::List;
            app.detail.open = false;
            Vec::new()
        }
    }
}
