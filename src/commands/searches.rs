//! Saved searches from the shell: `list --saved NAME` lists with a saved search's filters,
//! parties and folder; `searches` prints each saved search with what it matches in the
//! cache's desk (no network).

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;
use serde_json::json;

use super::{fail_as, ListOptions};
use crate::cache::{Cache, DeskScope};
use crate::config::Environment;
use crate::domain::{SavedSearch, SearchCounts, SearchParties};
use crate::i18n::tr;

/// `list --saved`: the search's filters, search text, folder and parties in `options`
/// (`--unread` and `--limit` stay as given).
pub fn apply(options: &mut ListOptions, search: &SavedSearch) {
    let unread = options.filters.unread;
    options.filters = search.filters_at(Utc::now());
    options.filters.unread |= unread;
    options.search = options.filters.search.take();
    options.folder = Some(search.folder);
    (options.reportee, options.only) = match &search.parties {
        SearchParties::All => (Some("all".into()), None),
        SearchParties::Me => (None, None),
        SearchParties::Only(list) => (Some("all".into()), Some(list.clone())),
    };
}

/// Each search's counts on the desk of whoever used `environment` last (none without one).
fn counts_of(
    environment: &Environment,
    searches: &[SavedSearch],
) -> Result<Option<Vec<SearchCounts>>, String> {
    let Some(path) = Cache::default_path().filter(|p| p.exists()) else {
        return Ok(None);
    };
    let cache = Cache::open(&path).map_err(|error| error.to_string())?;
    let Some(user) = cache
        .last_user(&environment.key)
        .map_err(|error| error.to_string())?
    else {
        return Ok(None);
    };
    let scope = DeskScope {
        env: environment.key.clone(),
        user,
    };
    let now = Utc::now();
    searches
        .iter()
        .map(|search| cache.search_counts(&scope, search, now))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
        .map_err(|error| error.to_string())
}

/// `innboks searches`: name, what it shows and its counts from the cache's desk.
pub fn searches(environment: &Environment, searches: &[SavedSearch], as_json: bool) -> ExitCode {
    let counts = match counts_of(environment, searches) {
        Ok(counts) => counts,
        Err(message) => return fail_as(as_json, "local", &message, 1),
    };
    let count = |i: usize| counts.as_ref().and_then(|c| c.get(i).copied());
    if as_json {
        let items: Vec<_> = searches
            .iter()
            .enumerate()
            .map(|(i, s)| {
                json!({
                    "name": s.name,
                    "parties": s.parties.to_config(),
                    "total": count(i).map(|c| c.total),
                    "unread": count(i).map(|c| c.unread),
                })
            })
            .collect();
        say!("{}", serde_json::Value::Array(items));
        return ExitCode::SUCCESS;
    }
    if searches.is_empty() {
        say!(
            "{}",
            tr!("Ingen lagrede søk ennå: :save NAVN lagrer det du ser.")
        );
    }
    for (i, search) in searches.iter().enumerate() {
        let numbers = match count(i) {
            Some(c) => tr!(
                "{total} treff, {unread} uleste",
                total = crate::i18n::number(c.total),
                unread = crate::i18n::number(c.unread)
            ),
            None => "–".into(),
        };
        say!("{}  {numbers}", crate::text::fit(&search.name, 24));
    }
    ExitCode::SUCCESS
}
