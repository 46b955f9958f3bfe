//! The `:` command line: its keys, the commands (and their help rows), and running one.

use crate::i18n::tr;
use crossterm::event::{KeyCode, KeyEvent};

use crate::app::input::Edit;
use crate::app::{Action, App, Effect, Overlay, Status, Switcher, TextInput};
use crate::domain::{Filters, Folder, MessageAction, MessageKind};

use super::actions::ask_or_act;
use super::filters::set_filters;
use super::list::reload;
use super::reportees::{show_all_reportees, show_own_inbox, switch_reportee};
use super::view::{keep_selection_visible, resort};

/// Keys on the command line: Enter runs, Esc closes, Backspace on an empty line closes;
/// the rest edit the line.
pub(super) fn command_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Command(line)) = &mut app.overlay else {
        return Vec::new();
    };
    match action {
        Some(Action::Cancel) => app.overlay = None,
        Some(Action::Submit) => {
            let text = line.text.value().to_owned();
            return match run_command(app, text.trim()) {
                Ok(effects) => {
                    if app.command_line().is_some() {
                        app.overlay = None;
                    }
                    effects
                }
                Err(error) => {
                    if let Some(Overlay::Command(line)) = &mut app.overlay {
                        line.error = Some(error);
                    }
                    Vec::new()
                }
            };
        }
        _ if key.code == KeyCode::Backspace && line.text.is_empty() => app.overlay = None,
        _ => {
            if line.text.handle(&key) == Edit::Changed {
                line.error = None;
            }
        }
    }
    Vec::new()
}

/// The commands of the command line, for the help overlay: (command, what it does); the
/// verbs' rows come from the verb table.
pub fn commands() -> Vec<(String, &'static str)> {
    let verbs = MessageAction::ALL.into_iter().filter_map(|action| {
        let verb = action.verb();
        let name = verb.commands.first()?;
        Some((format!(":{name}"), verb.help))
    });
    let fixed = [
        (":inbox", tr!("innboksen")),
        (":archive", tr!("arkivet")),
        (":trash", tr!("papirkurven")),
        (":drafts / :sent", tr!("utkast, sendt (Altinn 3)")),
        (":all", tr!("alle innbokser samlet")),
        (tr!(":agenda [DAGER]"), tr!("frister hos alle aktørene")),
        (":board", tr!("én linje per aktør")),
        (tr!(":expiring [DAGER]"), tr!("det Altinn sletter snart")),
        (":export", tr!("merkede/viste til disk")),
        (tr!(":lagre[!] NAVN"), tr!("lagre visningen som søk")),
        (":searches", tr!("lagrede søk med antall")),
        (":me", tr!("din egen innboks")),
        (tr!(":for NAVN"), tr!("opptre for NAVN / org.nr.")),
        (":unread", tr!("bare uleste")),
        (tr!(":type brev|skjema"), tr!("bare brev eller skjema")),
        (tr!(":sender NAVN"), tr!("bare fra NAVN")),
        (tr!(":since / :until DATO"), tr!("datoer (ÅÅÅÅ-MM-DD)")),
        (":confirm-needed", tr!("må bekreftes (lokalt)")),
        (":nofilter", tr!("fjern alle filtre")),
        (
            tr!(":search TEKST"),
            tr!("søk hos Altinn; :nosearch (Altinn 3)"),
        ),
    ];
    let sort = (":sort date|oldest|…", tr!("sortering; :q avslutter"));
    let owned = |(name, help): (&str, &'static str)| (name.to_owned(), help);
    fixed
        .into_iter()
        .map(owned)
        .chain(verbs)
        .chain([owned(sort)])
        .collect()
}

/// Runs a command line; an error keeps the line open with the text as typed.
pub(super) fn run_command(app: &mut App, text: &str) -> Result<Vec<Effect>, String> {
    let (name, arg) = match text.split_once(char::is_whitespace) {
        Some((name, arg)) => (name, arg.trim()),
        None => (text, ""),
    };
    let name = name.to_lowercase();
    if let Some(result) = view_command(app, &name, arg) {
        return result;
    }
    if let Some(result) = filter_command(app, &name, arg) {
        return result;
    }
    match name.as_str() {
        "" => Ok(Vec::new()),
        "q" | "quit" | "avslutt" => {
            app.should_quit = true;
            Ok(Vec::new())
        }
        "help" | "hjelp" | "?" => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Ok(Vec::new())
        }
        "filter" => {
            app.overlay = Some(Overlay::Filters);
            Ok(Vec::new())
        }
        "sort" => sort_by(app, arg),
        other => match MessageAction::from_command(other) {
            Some(action) => Ok(ask_or_act(app, action)),
            None => Err(tr!("Ukjent kommando «{other}». Prøv :help.", other)),
        },
    }
}

/// The commands that choose what is shown: a folder, whose inbox; `None` for another name.
fn view_command(app: &mut App, name: &str, arg: &str) -> Option<Result<Vec<Effect>, String>> {
    Some(match name {
        "inbox" | "innboks" => Ok(open_folder(app, Folder::Inbox)),
        "archive" | "arkiv" => Ok(open_folder(app, Folder::Archive)),
        "trash" | "papirkurv" => Ok(open_folder(app, Folder::Trash)),
        "drafts" | "utkast" if app.settings.capabilities.views => {
            Ok(open_folder(app, Folder::Drafts))
        }
        "sent" | "sendt" if app.settings.capabilities.views => Ok(open_folder(app, Folder::Sent)),
        "drafts" | "utkast" | "sent" | "sendt" => {
            Err(tr!("Utkast og sendt finnes bare i Altinn 3.").into())
        }
        "all" | "alle" => {
            if app.parties.list.len() == 1 {
                return Some(Err(tr!("Du representerer bare deg selv.").into()));
            }
            Ok(show_all_reportees(app))
        }
        "me" | "meg" => Ok(show_own_inbox(app)),
        "for" | "reportee" => act_for(app, arg),
        "agenda" | "frister" => match arg {
            "" => Ok(super::desk::open_agenda(app, None)),
            days => match days.parse::<i64>() {
                Ok(days) if (0..=366).contains(&days) => {
                    Ok(super::desk::open_agenda(app, Some(days)))
                }
                _ => Err(tr!("Skriv dager fram som et tall: :agenda 30.").into()),
            },
        },
        "board" | "oversikt" => Ok(super::desk::open_board(app)),
        "expiring" | "slettes" => match arg {
            "" => Ok(super::desk::open_expiring(app, None)),
            days => match days.parse::<i64>() {
                Ok(days) if (0..=3660).contains(&days) => {
                    Ok(super::desk::open_expiring(app, Some(days)))
                }
                _ => Err(tr!("Skriv dager fram som et tall: :expiring 30.").into()),
            },
        },
        "export" | "eksporter" => Ok(super::export::start(app)),
        "save" | "lagre" => super::searches::save(app, arg, false),
        "save!" | "lagre!" => super::searches::save(app, arg, true),
        "searches" | "søk-liste" | "lagrede" => Ok(super::searches::open_searches(app)),
        _ => return None,
    })
}

/// `:for NAVN`: acts for the party whose name, organisation number or id it is.
fn act_for(app: &mut App, arg: &str) -> Result<Vec<Effect>, String> {
    if arg.is_empty() {
        return Err(tr!("Skriv hvem: :for NAVN eller organisasjonsnummer.").into());
    }
    if app.parties.list.is_empty() {
        app.overlay = Some(Overlay::Switcher(Switcher {
            filter: TextInput::new(arg),
            loading: true,
            selected: 0,
        }));
        return Ok(vec![app.fetch_reportees()]);
    }
    let needle = arg.to_lowercase().replace(' ', "");
    let party = app
        .parties
        .list
        .iter()
        .find(|p| {
            p.name.to_lowercase().contains(&arg.to_lowercase())
                || p.organisation_number.as_deref() == Some(needle.as_str())
                || p.id == arg
        })
        .cloned()
        .ok_or_else(|| tr!("Fant ingen du kan representere som passer «{arg}».", arg))?;
    Ok(switch_reportee(app, &party))
}

/// The commands that set a filter; `None` for another name.
fn filter_command(app: &mut App, name: &str, arg: &str) -> Option<Result<Vec<Effect>, String>> {
    let mut filters = app.filters.clone();
    match name {
        "unread" | "ulest" | "uleste" => filters.unread = true,
        "type" => filters.kind = kind_named(arg),
        "sender" | "fra" | "avsender" => {
            // Altinn's own spelling, when a loaded page has shown it.
            filters.sender = (!arg.is_empty()).then(|| {
                app.known_senders
                    .iter()
                    .find(|owner| owner.to_lowercase() == arg.to_lowercase())
                    .cloned()
                    .unwrap_or_else(|| arg.to_owned())
            });
        }
        "since" | "siden" | "fra-dato" => match optional_date(arg) {
            Ok(day) => filters.since = day,
            Err(error) => return Some(Err(error)),
        },
        "until" | "til" | "til-dato" => match optional_date(arg) {
            Ok(day) => {
                let end_of_day = chrono::Duration::days(1) - chrono::Duration::seconds(1);
                filters.until = day.map(|day| day + end_of_day);
            }
            Err(error) => return Some(Err(error)),
        },
        "confirm-needed" | "må-bekreftes" | "ma-bekreftes" => filters.needs_confirmation = true,
        "nofilter" | "ingen-filter" | "clear" => filters = Filters::default(),
        "search" | "søk" => return Some(search_at_altinn(app, filters, arg)),
        "nosearch" | "ingen-søk" => filters.search = None,
        _ => return None,
    }
    Some(Ok(set_filters(app, filters)))
}

/// `:type brev|skjema|…`: the kind named (none for an empty name).
fn kind_named(arg: &str) -> Option<MessageKind> {
    match arg.to_lowercase().as_str() {
        "" => None,
        "brev" | "letter" | "letters" | "correspondence" => Some(MessageKind::Correspondence),
        "skjema" | "form" | "forms" | "formtask" => Some(MessageKind::FormTask),
        _ => Some(MessageKind::from_text(arg)),
    }
}

/// A day typed as ÅÅÅÅ-MM-DD or DD.MM.ÅÅÅÅ, at its start; none for an empty argument.
fn optional_date(arg: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
    if arg.is_empty() {
        return Ok(None);
    }
    let day = chrono::NaiveDate::parse_from_str(arg, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(arg, "%d.%m.%Y"))
        .map_err(|_| tr!("«{arg}» er ikke en dato: skriv ÅÅÅÅ-MM-DD.", arg))?;
    Ok(Some(chrono::DateTime::from_naive_utc_and_offset(
        day.and_hms_opt(0, 0, 0).unwrap_or_default(),
        chrono::Utc,
    )))
}

/// `:search TEKST`: Altinn 3 searches title, sender and search tags.
fn search_at_altinn(app: &mut App, mut filters: Filters, arg: &str) -> Result<Vec<Effect>, String> {
    if !app.settings.capabilities.server_search {
        return Err(
            tr!("Søk hos Altinn finnes bare i Altinn 3; / søker i det som er lastet.").into(),
        );
    }
    if arg.chars().count() < 3 {
        return Err(tr!("Skriv minst tre tegn: :search TEKST").into());
    }
    filters.search = Some(arg.to_owned());
    let effects = set_filters(app, filters);
    // Its first answer is said as hits (`report_arrivals` in pages.rs).
    app.inbox.arrivals = Some(0);
    Ok(effects)
}

/// `:sort date|oldest|sender|status|due`.
fn sort_by(app: &mut App, arg: &str) -> Result<Vec<Effect>, String> {
    app.sort = match arg.to_lowercase().as_str() {
        "date" | "dato" | "newest" | "nyeste" => crate::app::SortOrder::NewestFirst,
        "oldest" | "eldste" => crate::app::SortOrder::OldestFirst,
        "sender" | "avsender" => crate::app::SortOrder::Sender,
        "status" => crate::app::SortOrder::Status,
        "due" | "frist" => crate::app::SortOrder::Due,
        _ => return Err(tr!("Sorter etter date, oldest, sender, status eller due.").into()),
    };
    resort(app);
    keep_selection_visible(app);
    let order = app.sort.label();
    app.status = Some(Status::Info(tr!("Sortert: {order}.", order)));
    Ok(Vec::new())
}

/// Shows `folder` (inbox, archive or trash bin) from the top.
pub(super) fn open_folder(app: &mut App, folder: Folder) -> Vec<Effect> {
    app.folder = folder;
    let note = tr!("Viser {folder}.", folder = folder.title().to_lowercase());
    reload(app, note)
}
