//! The scriptable mail commands: `list`, `show`, `archive`, `mark-read`, `reportees`.

use crate::i18n::tr;
use std::io::Write;
use std::process::ExitCode;

use serde_json::json;

use super::progress::Progress;
use super::{begin, begin_offline, error_code, fail_api, fail_as, inbox_of, read_message, resume};
use super::{CacheUse, Started};
use crate::backend::Backend;
use crate::cli::Targets;
use crate::config::Environment;
use crate::domain::{
    ApiError, BulkTarget, Cursor, Folder, Inbox, Labels, MessageAction, Outcome, Query,
};

pub(super) use crate::export::json::{attachment_json, summary_json};

/// Up to `limit` messages of `inbox`, newest first, as `query` asks: by offset, pages
/// `concurrency` at a time (Altinn 2), or page after page by continuation token (Altinn 3).
async fn fetch_list(
    backend: &Backend,
    inbox: &Inbox,
    query: &Query,
    limit: usize,
    concurrency: usize,
    progress: &Progress,
) -> Result<Vec<crate::domain::MessageSummary>, ApiError> {
    let fetched = std::cell::Cell::new(0usize);
    let note = |count: usize| {
        fetched.set(fetched.get() + count);
        progress.say(&tr!(
            "Henter meldinger … {count} så langt",
            count = crate::i18n::number(fetched.get())
        ));
    };
    if backend.capabilities().offset_paging {
        return crate::sync::fetch_all(
            |skip| {
                let note = &note;
                async move {
                    let page = backend.page(inbox, query, &Cursor::Offset(skip)).await?;
                    note(page.messages.len());
                    Ok(page)
                }
            },
            limit,
            concurrency,
        )
        .await;
    }
    let mut messages = Vec::new();
    let mut cursor = Cursor::Offset(0);
    loop {
        let page = backend.page(inbox, query, &cursor).await?;
        note(page.messages.len());
        messages.extend(page.messages);
        match page.next {
            Some(next) if page.has_more && messages.len() < limit => cursor = Cursor::Next(next),
            _ => break,
        }
    }
    messages.truncate(limit);
    Ok(messages)
}

/// What `innboks list` lists.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// The filters (`--unread`, or a saved search's); the search text is `search`.
    pub filters: crate::domain::Filters,
    /// Whose inbox (`all` for every one).
    pub reportee: Option<String>,
    /// With `all`: only these parties (ids or organisation numbers; a saved search's).
    pub only: Option<Vec<String>>,
    /// At most this many.
    pub limit: usize,
    /// An OData filter (Altinn 2).
    pub filter: Option<String>,
    /// Search at Altinn (Altinn 3).
    pub search: Option<String>,
    /// Only this folder.
    pub folder: Option<crate::domain::Folder>,
    /// Pages at once.
    pub concurrency: usize,
    /// `--offline`, and whether the cache is on.
    pub cache: CacheUse,
}

/// `innboks list`; `--reportee all` merges every reportee's inbox (newest first, each
/// message with its `reportee`). What it fetches is kept in the cache; `--offline` lists
/// what the cache holds.
pub async fn list(environment: &Environment, as_json: bool, options: ListOptions) -> ExitCode {
    if options
        .search
        .as_ref()
        .is_some_and(|s| s.trim().chars().count() < 3)
    {
        return fail_as(as_json, "usage", tr!("søket må ha minst tre tegn"), 2);
    }
    if options.cache.offline {
        return list_offline(environment, as_json, &options);
    }
    let ListOptions {
        filters,
        reportee,
        only,
        limit,
        filter,
        search,
        folder,
        concurrency,
        cache,
    } = options;
    let Started {
        backend,
        inbox,
        mut local,
    } = match begin(environment, as_json, reportee, cache).await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    // Every message whatever its folder unless one is asked for, as Altinn 2's plain list.
    let query = Query {
        updated_after: None,
        folder,
        filters: filters.server(),
        raw_filter: filter,
        search,
    };
    let mut names = std::collections::HashMap::new();
    let progress = Progress::new();
    let fetched: Result<Vec<crate::domain::MessageSummary>, ApiError> = async {
        if !inbox.is_all() {
            return fetch_list(&backend, &inbox, &query, limit, concurrency, &progress).await;
        }
        let mut parties = backend.parties().await?;
        if let Some(local) = &mut local {
            local.keep_parties(&parties);
        }
        if let Some(only) = &only {
            parties.retain(|p| only_names(only, p));
        }
        let mut merged = Vec::new();
        let count = parties.len();
        names.extend(parties.iter().map(|p| (p.id.clone(), p.name.clone())));
        // Altinn 3 searches as many parties at once as Dialogporten allows; Altinn 2 one.
        let group = backend.party_limit().await.max(1);
        for (n, chunk) in parties.chunks(group).enumerate() {
            progress.say(&tr!(
                "Henter meldinger … aktør {n} av {count}",
                n = (n * group + chunk.len()).min(count),
                count
            ));
            let owner = match chunk {
                [one] => Inbox::Party(one.id.clone()),
                many => Inbox::group(many.iter().map(|p| p.id.clone()).collect()),
            };
            let mut messages =
                fetch_list(&backend, &owner, &query, limit, concurrency, &progress).await?;
            for m in &mut messages {
                // A group's rows say whose they are; a single party's are that party's.
                if m.owner.is_none() || matches!(owner, Inbox::Party(_)) {
                    m.owner = Some(owner.key().into());
                }
            }
            merged.extend(messages);
        }
        merged.sort_by_key(|m| std::cmp::Reverse(m.last_changed));
        merged.truncate(limit);
        Ok(merged)
    }
    .await;
    drop(progress);
    let mut messages = match fetched {
        Ok(messages) => messages,
        Err(error) => return fail_api(as_json, &error),
    };
    if let Some(local) = &mut local {
        local.keep_list(&inbox, &messages);
    }
    // (What Altinn cannot filter: a needed confirmation.)
    messages.retain(|m| filters.passes_local(m));
    print_list(&messages, &names, as_json);
    ExitCode::SUCCESS
}

/// `innboks list --offline`: what the cache holds, filtered as the server would have.
fn list_offline(environment: &Environment, as_json: bool, options: &ListOptions) -> ExitCode {
    if options.filter.is_some() {
        return fail_as(
            as_json,
            "usage",
            tr!("--filter er et OData-filter hos Altinn og virker ikke med --offline"),
            2,
        );
    }
    let local = match begin_offline(environment, as_json) {
        Ok(local) => local,
        Err(exit) => return exit,
    };
    let inbox = inbox_of(options.reportee.clone());
    let filters = crate::domain::Filters {
        search: options.search.clone(),
        ..options.filters.clone()
    };
    let mut names = std::collections::HashMap::new();
    let mut messages = if inbox.is_all() {
        let mut merged = Vec::new();
        let mut parties = local.parties();
        if let Some(only) = &options.only {
            parties.retain(|p| only_names(only, p));
        }
        for party in parties {
            let owner = Inbox::Party(party.id.clone());
            merged.extend(local.list(&owner, options.folder).into_iter().map(|mut m| {
                m.owner = Some(party.id.as_str().into());
                m
            }));
            names.insert(party.id.clone(), party.name.clone());
        }
        merged.sort_by_key(|m| std::cmp::Reverse(m.last_changed));
        merged
    } else {
        local.list(&inbox, options.folder)
    };
    messages.retain(|m| {
        crate::domain::FilterKey::ALL
            .iter()
            .all(|key| filters.passes(*key, m))
            && filters.passes_search(m)
    });
    messages.truncate(options.limit);
    print_list(&messages, &names, as_json);
    ExitCode::SUCCESS
}

/// Whether `party` is one of `only` (by id or organisation number).
fn only_names(only: &[String], party: &crate::domain::Party) -> bool {
    only.iter().any(|n| party.is_named(n))
}

/// The list on stdout: a JSON array, or a line a message.
fn print_list(
    messages: &[crate::domain::MessageSummary],
    names: &std::collections::HashMap<String, String>,
    as_json: bool,
) {
    if as_json {
        say!(
            "{}",
            serde_json::Value::Array(messages.iter().map(summary_json).collect())
        );
        return;
    }
    for m in messages {
        let dot = if m.is_unread() { "●" } else { " " };
        let received = m
            .last_changed
            .map(crate::text::date_text)
            .unwrap_or_default();
        let owner = m
            .owner
            .as_ref()
            .map(|id| {
                let name = names.get(id.as_str()).map_or(id.as_str(), String::as_str);
                format!("{}  ", crate::text::fit(name, 16))
            })
            .unwrap_or_default();
        say!(
            "{dot} {received:width$}  {owner}{}  {}  [{}]",
            crate::text::fit(m.sender(), 24),
            m.subject,
            m.id,
            width = crate::text::date_width()
        );
    }
}

/// Asks on the terminal before deleting `count` messages for good; without a terminal to
/// ask on, says to pass `--yes`. True for a yes.
pub fn ask_to_purge(count: usize) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "innboks: {}",
            tr!("purge sletter for godt og spør først; bruk --yes fra et skript")
        );
        return false;
    }
    eprint!(
        "{} ",
        tr!(
            one: "Slette {count} melding for godt? Det kan ikke angres. [y/N]",
            other: "Slette {count} meldinger for godt? Det kan ikke angres. [y/N]",
            count
        )
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let yes = std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim(), "y" | "Y" | "j" | "J" | "ja" | "yes");
    if !yes {
        eprintln!("innboks: {}", tr!("avbrutt"));
    }
    yes
}

/// `innboks archive ID…`, `innboks mark-read ID…` and the other verbs: one line (or JSON
/// object) per message; the exit code is the first failure's.
pub async fn act_on(
    environment: &Environment,
    targets: &Targets,
    action: MessageAction,
    usage: CacheUse,
) -> ExitCode {
    let as_json = targets.json;
    if usage.offline {
        return fail_api(as_json, &ApiError::Offline);
    }
    let Started {
        backend,
        inbox,
        mut local,
    } = match begin(environment, as_json, targets.reportee.clone(), usage).await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    let mut done = Vec::new();
    let mut results = Vec::new();
    let mut first_failure = None;
    // All at once: on Altinn 3 a folder change goes in bulk (100 a request); the list the
    // ids were seen in is not known here, so each counts as in the inbox.
    let many: Vec<BulkTarget> = (targets.ids.iter())
        .map(|id| BulkTarget {
            inbox: inbox.clone(),
            id: id.clone(),
            shown: Labels::shown(Folder::Inbox, false),
        })
        .collect();
    for Outcome { id, result, .. } in backend.act_many(&many, action, |_| {}).await {
        match result {
            Ok(new_id) => {
                done.push(id.clone());
                if as_json {
                    results.push(json!({"id": id, "ok": true, "new_id": new_id}));
                } else {
                    let done = action.verb().done_short;
                    match new_id {
                        Some(new_id) => say!("{id}: {}", tr!("{done} som {new_id}", done, new_id)),
                        None => say!("{id}: {done}"),
                    }
                }
            }
            Err(error) => {
                let (code, exit) = error_code(&error);
                if as_json {
                    results.push(
                        json!({"id": id, "ok": false, "code": code, "message": error.to_string()}),
                    );
                } else {
                    eprintln!("{id}: {error}");
                }
                first_failure.get_or_insert(exit);
            }
        }
    }
    if let Some(local) = &mut local {
        local.touch_desk(&done, action);
    }
    if as_json {
        say!("{}", serde_json::Value::Array(results));
    }
    match first_failure {
        Some(exit) => ExitCode::from(exit),
        None => ExitCode::SUCCESS,
    }
}

/// `innboks show ID`: marks the message read only with `--mark-read`.
pub async fn show(
    environment: &Environment,
    id: &str,
    reportee: Option<String>,
    as_json: bool,
    mark_read: bool,
    usage: CacheUse,
) -> ExitCode {
    let message = match fetch_message(environment, id, reportee, as_json, mark_read, usage).await {
        Ok(message) => message,
        Err(exit) => return exit,
    };
    print_message(&message, as_json);
    ExitCode::SUCCESS
}

/// A whole message for `show` and `attachment list`: fetched (and kept in the cache), or
/// with `--offline` the one the cache kept. On failure, the exit code, already reported.
pub(super) async fn fetch_message(
    environment: &Environment,
    id: &str,
    reportee: Option<String>,
    as_json: bool,
    mark_read: bool,
    usage: CacheUse,
) -> Result<crate::domain::Message, ExitCode> {
    if usage.offline {
        let local = begin_offline(environment, as_json)?;
        return local.body(&inbox_of(reportee), id).ok_or_else(|| {
            fail_as(
                as_json,
                "offline",
                &tr!(
                    "--offline: {id} er ikke i hurtigbufferen (den er aldri åpnet her)",
                    id
                ),
                super::EXIT_NETWORK,
            )
        });
    }
    let Started {
        backend,
        inbox,
        mut local,
    } = begin(environment, as_json, reportee, usage).await?;
    let message = read_message(&backend, &inbox, id, mark_read)
        .await
        .map_err(|error| fail_api(as_json, &error))?;
    if let Some(local) = &mut local {
        local.keep_body(&inbox, &message);
        // Opening a dialog marks it seen on Altinn 3, and says when Altinn deletes it; on
        // Altinn 2 only --mark-read reads.
        local.touch_opened(
            &message,
            mark_read || environment.api == crate::config::Api::Altinn3,
        );
    }
    Ok(message)
}

/// A message on stdout: a JSON object, or its header lines and body.
fn print_message(message: &crate::domain::Message, as_json: bool) {
    if as_json {
        let value = crate::export::json::message_json(message);
        say!("{value}");
    } else {
        let mut out = std::io::stdout();
        let _ = out.write_all(message.plain_text().as_bytes());
        let _ = out.flush();
    }
}

/// `innboks reportees`.
pub async fn reportees(environment: &Environment, as_json: bool, usage: CacheUse) -> ExitCode {
    let parties = if usage.offline {
        match begin_offline(environment, as_json) {
            Ok(local) => local.parties(),
            Err(exit) => return exit,
        }
    } else {
        let (backend, user) = match resume(environment).await {
            Ok(started) => started,
            Err((message, code, exit)) => return fail_as(as_json, code, &message, exit),
        };
        match backend.parties().await {
            Ok(parties) => {
                if let Some(mut local) = super::local::Local::for_user(environment, user, usage) {
                    local.keep_parties(&parties);
                }
                parties
            }
            Err(error) => return fail_api(as_json, &error),
        }
    };
    if as_json {
        let items: Vec<_> = parties
            .iter()
            .map(|p| {
                let kind = match &p.kind {
                    crate::domain::PartyKind::Person => "person",
                    crate::domain::PartyKind::Organisation => "organisation",
                    crate::domain::PartyKind::SubUnit => "sub-unit",
                    crate::domain::PartyKind::Other(_) => "other",
                };
                json!({"id": p.id, "name": p.name, "kind": kind, "organisation_number": p.organisation_number})
            })
            .collect();
        say!("{}", serde_json::Value::Array(items));
    } else {
        for p in &parties {
            say!(
                "{:12} {}  {}",
                p.id,
                p.name,
                p.organisation_number.as_deref().unwrap_or("")
            );
        }
    }
    ExitCode::SUCCESS
}
