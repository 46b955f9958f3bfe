//! Filters: what goes to the server, what is applied to what is loaded, and what the status
//! line says about it.

use crate::app::{App, Effect, Status};
use crate::domain::{Filters, MessageKind};
use crate::i18n::tr;

use super::detail::follow_selection;
use super::list::reload;
use super::pages::maybe_fetch_more;
use super::view::keep_selection_visible;

/// Sets the filters: a change Altinn can apply reloads the list from the server; a change
/// to the local filters only re-sorts what is loaded.
pub(super) fn set_filters(app: &mut App, filters: Filters) -> Vec<Effect> {
    let server_changed = filters.server() != app.filters.server();
    app.filters = filters;
    let note = filter_note(&app.filters);
    if server_changed {
        return reload(app, note);
    }
    apply_local_filters(app);
    app.inbox.recount(&app.filters);
    app.status = Some(Status::Info(note));
    let mut effects = Vec::new();
    if app.preview {
        effects.extend(follow_selection(app));
    }
    effects.extend(maybe_fetch_more(app));
    effects
}

/// The status line after a filter change: what is set, and where it applies.
pub(super) fn filter_note(filters: &Filters) -> String {
    let chips = filters.chips();
    let searching = filters
        .search
        .as_ref()
        .map(|text| tr!("Søk hos Altinn: «{text}». ", text))
        .unwrap_or_default();
    if chips.is_empty() {
        return if searching.is_empty() {
            tr!("Ingen filtre.").into()
        } else {
            tr!("{searching}:nosearch viser alt igjen.", searching)
        };
    }
    let names: Vec<&str> = chips.iter().map(|(_, label)| label.as_str()).collect();
    let local: Vec<&str> = chips
        .iter()
        .filter(|(key, _)| key.is_local())
        .map(|(_, label)| label.as_str())
        .collect();
    let server = chips.len() - local.len();
    let whence = match (server, local.is_empty()) {
        (0, _) => tr!(
            "«{names}» gjelder bare de lastede meldingene (Altinn kan ikke filtrere på det)",
            names = local.join(tr!("», «"))
        ),
        (_, true) => tr!("Altinn filtrerer hele innboksen").into(),
        (_, false) => tr!(
            "Altinn filtrerer hele innboksen, «{names}» bare de lastede",
            names = local.join(tr!("», «"))
        ),
    };
    tr!(
        "{searching}Filter: {names} – {whence}.",
        searching,
        names = names.join(", "),
        whence
    )
}

/// Splits the loaded messages into shown and hidden by the local filters, keeping the
/// selection on the same message when it is still shown.
pub(super) fn apply_local_filters(app: &mut App) {
    let selected = app.inbox.selected_message().map(|m| m.id.to_string());
    let mut all = app.inbox.messages.take();
    all.append(&mut app.inbox.hidden);
    let filters = &app.filters;
    let (mut shown, hidden): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|m| filters.passes_local(m));
    app.sort.apply(&mut shown);
    app.inbox.messages.set(shown);
    app.inbox.hidden = hidden;
    let inbox = &mut app.inbox;
    let visible: std::collections::HashSet<&str> =
        inbox.messages.iter().map(|m| m.id.as_str()).collect();
    inbox.marked.retain(|id| visible.contains(id.as_str()));
    inbox.selected = selected
        .and_then(|id| inbox.messages.iter().position(|m| m.id == id))
        .unwrap_or(0);
    keep_selection_visible(app);
}

/// The day counts `d` cycles through in the filter menu.
pub(super) const DATE_STEPS: [i64; 4] = [7, 30, 90, 365];

/// The next "last N days" after the current date filter (`None` after the last).
pub(super) fn next_days(filters: &Filters, now: chrono::DateTime<chrono::Utc>) -> Option<i64> {
    let current = match (filters.since, filters.until) {
        (None, None) => return Some(DATE_STEPS[0]),
        (Some(since), None) => (now - since).num_hours().div_euclid(24) + 1,
        _ => return Some(DATE_STEPS[0]),
    };
    DATE_STEPS.iter().copied().find(|days| *days > current)
}

/// The next type for `t`: letters, forms, then other types seen in what is loaded, then
/// none.
pub(super) fn next_kind(app: &App) -> Option<MessageKind> {
    let mut kinds = vec![MessageKind::Correspondence, MessageKind::FormTask];
    for message in app.inbox.all_loaded() {
        if !kinds.contains(&message.kind) {
            kinds.push(message.kind.clone());
        }
    }
    match &app.filters.kind {
        None => kinds.first().cloned(),
        Some(current) => kinds
            .iter()
            .position(|k| k == current)
            .and_then(|i| kinds.get(i + 1))
            .cloned(),
    }
}
