//! Whose inbox: the reportee switcher, switching, the merged view over every party, and the
//! parties as they arrive.

use crate::i18n::tr;
use crossterm::event::KeyEvent;

use crate::app::input::Edit;
use crate::app::{Action, App, Effect, Focus, Overlay, Status, SwitcherEntry};
use crate::domain::{ApiError, Inbox};
use crate::domain::{Party, PartyKind};

use super::failure;
use super::pages::start_list;

/// Keys in the reportee switcher: typing filters, ↑/↓ (or C-p/C-n) move, Enter switches,
/// Esc closes.
pub(super) fn switcher_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let count = app.switcher_matches().len();
    let Some(Overlay::Switcher(switcher)) = &mut app.overlay else {
        return Vec::new();
    };
    match action {
        Some(Action::Cancel) => app.overlay = None,
        Some(Action::ChoiceUp) => switcher.selected = switcher.selected.saturating_sub(1),
        Some(Action::ChoiceDown) => {
            switcher.selected = (switcher.selected + 1).min(count.saturating_sub(1))
        }
        Some(Action::Submit) => {
            let selected = switcher.selected;
            let chosen = app.switcher_matches().get(selected).map(|e| match e {
                SwitcherEntry::All => None,
                SwitcherEntry::Party(p) => Some((*p).clone()),
            });
            app.overlay = None;
            match chosen {
                Some(Some(party)) => return switch_reportee(app, &party),
                Some(None) => return show_all_reportees(app),
                None => {}
            }
        }
        _ => {
            if switcher.filter.handle(&key) == Edit::Changed {
                switcher.selected = 0;
            }
        }
    }
    Vec::new()
}

/// The switcher line of the inbox shown (the switcher starts there).
pub(super) fn current_reportee(app: &App) -> usize {
    app.switcher_matches()
        .iter()
        .position(|entry| match entry {
            SwitcherEntry::All => app.whose.is_all(),
            SwitcherEntry::Party(p) => {
                app.whose == Inbox::Party(p.id.clone())
                    || (app.whose == Inbox::Me && p.kind == PartyKind::Person)
            }
        })
        .unwrap_or(0)
}

/// Shows `party`'s inbox: the list starts over from the top.
pub(super) fn switch_reportee(app: &mut App, party: &Party) -> Vec<Effect> {
    let own = party.kind == PartyKind::Person
        && app.parties.list.iter().position(|p| p.id == party.id) == Some(0);
    app.whose = if own {
        Inbox::Me
    } else {
        Inbox::Party(party.id.clone())
    };
    app.reportee_name = (!own).then(|| party.name.clone());
    app.focus = Focus::List;
    app.status = Some(Status::Info(tr!(
        "Viser innboksen til {name}.",
        name = party.name
    )));
    start_list(app)
}

/// Shows every reportee's inbox merged into one list, with a column saying whose.
pub(super) fn show_all_reportees(app: &mut App) -> Vec<Effect> {
    app.whose = Inbox::All;
    app.parties.only = None;
    app.reportee_name = Some(tr!("alle").into());
    app.focus = Focus::List;
    app.status = Some(Status::Info(
        tr!("Viser innboksene til alle du representerer, samlet; en kolonne sier hvem.").into(),
    ));
    start_list(app)
}

/// Shows the user's own inbox.
pub(super) fn show_own_inbox(app: &mut App) -> Vec<Effect> {
    app.whose = Inbox::Me;
    app.reportee_name = None;
    app.focus = Focus::List;
    app.status = Some(Status::Info(tr!("Viser din egen innboks.").into()));
    start_list(app)
}

/// Shows the merged view over `parties` only (a saved search's several parties).
pub(super) fn show_some_reportees(app: &mut App, parties: Vec<String>) -> Vec<Effect> {
    let n = parties.len();
    app.whose = Inbox::All;
    app.parties.only = Some(parties);
    app.reportee_name = Some(tr!(one: "{n} aktør", other: "{n} aktører", n));
    app.focus = Focus::List;
    start_list(app)
}

/// The parties the cache kept arrived: shown and used until the server's come (unless they
/// came first).
pub(super) fn cached_reportees_loaded(app: &mut App, parties: Vec<Party>) -> Vec<Effect> {
    if !app.parties.list.is_empty() || parties.is_empty() {
        return Vec::new();
    }
    let effects = reportees_loaded(app, parties);
    app.parties.cached = true;
    effects
}

/// The parties arrived: the switcher shows them; the merged view can start — or, when it
/// started from the cache's parties and they changed, start over with the server's.
pub(super) fn reportees_loaded(app: &mut App, parties: Vec<Party>) -> Vec<Effect> {
    let changed = app.parties.cached && app.parties.list != parties;
    app.parties.cached = false;
    app.parties.set(parties);
    if changed && app.whose.is_all() && app.desk.agenda.is_none() {
        return start_list(app);
    }
    let current = current_reportee(app);
    if let Some(Overlay::Switcher(switcher)) = &mut app.overlay {
        switcher.loading = false;
        switcher.selected = current;
    }
    if app.whose.is_all() && app.inbox.sources.is_empty() && app.desk.agenda.is_none() {
        return start_list(app);
    }
    Vec::new()
}

/// The parties could not be fetched: the cache's stay in use when there are any (offline,
/// quietly), else the merged view gives way to the own inbox.
pub(super) fn reportees_failed(app: &mut App, error: ApiError) -> Vec<Effect> {
    if app.parties.cached && error != ApiError::SessionExpired {
        if error != ApiError::Offline {
            app.status = Some(Status::Error(tr!("Kunne ikke hente hvem du kan representere, bruker listen fra hurtigbufferen: {error}", error)));
        }
        return Vec::new();
    }
    if app.switcher().is_some() {
        app.overlay = None;
    }
    if error == ApiError::SessionExpired {
        return failure(app, error);
    }
    if app.whose.is_all() && app.inbox.sources.is_empty() {
        // The merged view cannot start without the parties: show the own inbox.
        app.whose = Inbox::Me;
        app.reportee_name = None;
        let effects = start_list(app);
        app.status = Some(Status::Error(tr!(
            "Kunne ikke hente hvem du kan representere, viser din egen innboks: {error}",
            error
        )));
        return effects;
    }
    app.status = Some(Status::Error(tr!(
        "Kunne ikke hente hvem du kan representere: {error}",
        error
    )));
    Vec::new()
}
