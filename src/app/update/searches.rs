//! Saved searches in the inbox: `:save NAME` keeps the view shown (filters, search text,
//! whose inbox, folder) in the config file, `'` and `:searches` open the chooser with each
//! one's counts from the desk, and Enter there shows it.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::app::input::Edit;
use crate::app::searches::SearchChooser;
use crate::app::{Action, App, Effect, Overlay, Status};
use crate::domain::{Filters, Folder, Inbox, Party, SavedSearch, SearchCounts, SearchParties};
use crate::i18n::tr;

use super::filters::filter_note;
use super::next_request;
use super::reportees::{show_all_reportees, show_own_inbox, show_some_reportees, switch_reportee};

fn now(app: &App) -> DateTime<Utc> {
    DateTime::<Utc>::from(app.now)
}

/// What a party is called in a saved search: its organisation number, else its id.
fn party_name(party: Option<&Party>, id: &str) -> String {
    party
        .and_then(|p| p.organisation_number.clone())
        .unwrap_or_else(|| id.to_owned())
}

/// The view shown as a saved search named `name`, or why it cannot be one.
fn current_view(app: &App, name: &str) -> Result<SavedSearch, String> {
    if app.desk.agenda.is_some() {
        return Err(tr!("Agendaen er ikke et søk som kan lagres; :inbox går tilbake.").into());
    }
    if app.filters.until.is_some() {
        return Err(tr!(
            "Et lagret søk husker «siste N dager», ikke en sluttdato: fjern den med :until først."
        )
        .into());
    }
    // `since` becomes the days back from now, so the search stays "the last 30 days".
    let days = app.filters.since.map(|since| {
        let hours = (now(app) - since).num_hours().max(1);
        u32::try_from((hours + 23) / 24)
            .unwrap_or(u32::MAX)
            .clamp(1, 3650)
    });
    let known = |id: &str| {
        app.parties
            .index
            .get(id)
            .and_then(|&i| app.parties.list.get(i))
    };
    let parties = match &app.whose {
        Inbox::Me => SearchParties::Me,
        Inbox::Party(id) => SearchParties::Only(vec![party_name(known(id), id)]),
        Inbox::All | Inbox::Group { .. } => match &app.parties.only {
            None => SearchParties::All,
            Some(ids) => {
                SearchParties::Only(ids.iter().map(|id| party_name(known(id), id)).collect())
            }
        },
    };
    Ok(SavedSearch {
        name: name.to_owned(),
        filters: Filters {
            since: None,
            until: None,
            ..app.filters.clone()
        },
        days,
        parties,
        folder: app.folder,
    })
}

/// `:save NAME` (`:save! NAME` overwrites): the view shown goes into the config file's
/// `[searches]` in the background; the status line says how it went.
pub(super) fn save(app: &mut App, name: &str, overwrite: bool) -> Result<Vec<Effect>, String> {
    if name.is_empty() {
        return Err(tr!("Skriv et navn: :save NAVN").into());
    }
    if !SavedSearch::valid_name(name) {
        return Err(tr!("navnet må ha 1 til 40 tegn, ingen kontrolltegn").into());
    }
    let Some(path) = app.settings.config_path.clone() else {
        return Err(tr!("Ingen konfigurasjonsfil å lagre søket i.").into());
    };
    if !overwrite && app.searches.iter().any(|s| s.name == name) {
        return Err(tr!(
            "Det finnes alt et lagret søk som heter «{name}»: :save! {name} skriver over det.",
            name
        ));
    }
    let search = current_view(app, name)?;
    app.status = Some(Status::Info(tr!("Lagrer søket «{name}» …", name)));
    Ok(vec![Effect::SaveSearch {
        path,
        search,
        overwrite,
    }])
}

/// The config file has the search, or could not take it.
pub(super) fn search_saved(app: &mut App, result: Result<SavedSearch, String>) -> Vec<Effect> {
    match result {
        Ok(search) => {
            let name = search.name.clone();
            match app.searches.iter_mut().find(|s| s.name == name) {
                Some(kept) => *kept = search,
                None => {
                    app.searches.push(search);
                    app.searches.sort_by(|a, b| a.name.cmp(&b.name));
                }
            }
            let key = app.settings.keymap.label(Action::Searches);
            app.status = Some(Status::Info(tr!(
                "Lagret søket «{name}»; {key} eller :searches viser de lagrede.",
                name,
                key
            )));
        }
        Err(why) => app.status = Some(Status::Error(why)),
    }
    Vec::new()
}

/// `'`, `:searches`: the chooser, its counts read from the desk (when there is one).
pub(super) fn open_searches(app: &mut App) -> Vec<Effect> {
    if app.searches.is_empty() {
        app.status = Some(Status::Info(
            tr!("Ingen lagrede søk ennå: :save NAVN lagrer det du ser.").into(),
        ));
        return Vec::new();
    }
    let scope = app
        .desk_scope()
        .filter(|_| super::desk::no_desk(app).is_none());
    let mut chooser = SearchChooser::default();
    let mut effects = Vec::new();
    if let Some(scope) = scope {
        let request = next_request(app);
        chooser.loading = true;
        chooser.request = Some(request);
        effects.push(Effect::LoadSearchCounts {
            request,
            scope,
            searches: app.searches.clone(),
        });
        if app.desk.synced_at.is_none() {
            effects.extend(super::desk::sync_now(app));
        }
    }
    app.overlay = Some(Overlay::Searches(chooser));
    effects
}

/// The counts arrived: each row shows them.
pub(super) fn counts_loaded(
    app: &mut App,
    request: u64,
    counts: Vec<(String, SearchCounts)>,
    synced_at: Option<DateTime<Utc>>,
) -> Vec<Effect> {
    if let Some(Overlay::Searches(chooser)) = &mut app.overlay {
        if chooser.request == Some(request) {
            chooser.request = None;
            chooser.loading = false;
            chooser.counts = Some(counts);
            chooser.synced_at = synced_at;
        }
    }
    Vec::new()
}

/// Keys in the chooser: typing filters, ↑/↓ move, Enter shows the search, Esc closes.
pub(super) fn chooser_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Searches(chooser)) = &mut app.overlay else {
        return Vec::new();
    };
    let count = chooser.matches(&app.searches).len();
    match action {
        Some(Action::Cancel) => app.overlay = None,
        Some(Action::ChoiceUp) => chooser.selected = chooser.selected.saturating_sub(1),
        Some(Action::ChoiceDown) => {
            chooser.selected = (chooser.selected + 1).min(count.saturating_sub(1));
        }
        Some(Action::Submit) => {
            let chosen = chooser
                .matches(&app.searches)
                .get(chooser.selected)
                .map(|s| (*s).clone());
            app.overlay = None;
            if let Some(search) = chosen {
                return apply(app, &search);
            }
        }
        _ => {
            if chooser.filter.handle(&key) == Edit::Changed {
                chooser.selected = 0;
            }
        }
    }
    Vec::new()
}

/// Shows `search`: its folder, filters and search text, in its parties' inboxes, from the
/// top — by the same steps as `:for`, `:all` and `:me`.
pub(super) fn apply(app: &mut App, search: &SavedSearch) -> Vec<Effect> {
    let name = &search.name;
    if matches!(search.folder, Folder::Drafts | Folder::Sent) && !app.settings.capabilities.views {
        app.status = Some(Status::Error(
            tr!("Utkast og sendt finnes bare i Altinn 3.").into(),
        ));
        return Vec::new();
    }
    let mut filters = search.filters_at(now(app));
    if !app.settings.capabilities.server_search {
        filters.search = None;
    }
    let chosen: Option<Vec<Party>> = search
        .parties
        .resolve(&app.parties.list)
        .map(|parties| parties.into_iter().cloned().collect());
    if chosen.as_ref().is_some_and(Vec::is_empty) && search.parties != SearchParties::Me {
        app.status = Some(Status::Error(tr!(
            "Du kan ikke representere noen av aktørene i «{name}».",
            name
        )));
        return Vec::new();
    }
    app.folder = search.folder;
    app.filters = filters;
    let effects = match chosen {
        _ if search.parties == SearchParties::Me => show_own_inbox(app),
        // (With only the user's own inbox there is nothing to merge.)
        None if app.parties.list.len() == 1 => show_own_inbox(app),
        None => show_all_reportees(app),
        Some(one) if one.len() == 1 => switch_reportee(app, &one[0]),
        Some(several) => show_some_reportees(app, several.into_iter().map(|p| p.id).collect()),
    };
    if app.filters.search.is_some() {
        // Its first answer is said as hits (`report_arrivals` in pages.rs).
        app.inbox.arrivals = Some(0);
    }
    let note = filter_note(&app.filters);
    let folder = app.folder.title().to_lowercase();
    app.status = Some(Status::Info(tr!(
        "Lagret søk «{name}» ({folder}): {note}",
        name,
        folder,
        note
    )));
    effects
}
