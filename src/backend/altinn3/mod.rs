//! The Altinn 3 backend: Dialogporten's end-user API for parties, lists, dialogs and system
//! labels, and Correspondence for letters' content, confirmations and attachments, with
//! each dialog's `dialogToken` (altinn3-api.md). [`Altinn3`] keeps what the seam's calls do
//! not carry: the user's own party, the last list items (for previews, which must not open a
//! dialog, and for label revisions) and the dialog tokens.

pub mod client;
pub mod model;
mod orgs;

use crate::i18n::tr;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use reqwest::Method;
use tokio::io::AsyncWrite;

pub use client::Client;

use super::download::Downloaded;
use super::session::with_session;
use crate::auth::SessionHandle;
use crate::domain::{
    ApiError, BulkTarget, Cursor, Folder, Inbox, Labels, Message, MessageAction, MessagePage,
    Outcome, Party, Profile, Query,
};
use model::{DialogListItem, DialogTexts};

/// Items in a first page, and in any page until pages answer quickly (Arbeidsflate asks
/// for 100; a heavy search can time out in production, Altinn/dialogporten#4128).
const PAGE_LIMIT: usize = 100;

/// Items a page once the last one answered within [`FAST_PAGE`] (Dialogporten's most).
const LARGE_PAGE_LIMIT: usize = 1000;

/// A page that answers within this earns a larger next one.
const FAST_PAGE: std::time::Duration = std::time::Duration::from_secs(2);

/// Items in the first page of a group of «Alle»: enough for a screen (50 rows) once the
/// groups are merged, few enough that every group answers fast and 1,000 groups stay light
/// to merge; the next pages, asked for where the list needs them, are as large as
/// [`PAGE_LIMIT`] or, once pages answer quickly, [`LARGE_PAGE_LIMIT`].
const GROUP_FIRST_PAGE_LIMIT: usize = 50;

/// The statuses Arbeidsflate's inbox asks for (everything but drafts).
const INBOX_STATUSES: [&str; 5] = [
    "NotApplicable",
    "InProgress",
    "Awaiting",
    "RequiresAttention",
    "Completed",
];

/// What the backend remembers between calls.
#[derive(Debug, Default)]
struct Memory {
    /// The user's own party URN.
    me: Option<String>,
    /// The user's name.
    name: Option<String>,
    /// The last list item of each dialog seen.
    items: HashMap<String, DialogListItem>,
    /// Dialog tokens by dialog id, with their expiry (seconds since the epoch).
    tokens: HashMap<String, (String, u64)>,
    /// The dialog each attachment or content URL belongs to.
    urls: HashMap<String, String>,
    /// An attachment's other URLs, to try when its first does not take the dialog token.
    alternatives: HashMap<String, Vec<String>>,
    /// The service owners' codes seen under each sender name (lower case), so a sender
    /// filter can be asked of Dialogporten (`org`) rather than applied to every page.
    sender_orgs: HashMap<String, BTreeSet<String>>,
    /// The last page answered quickly: the next may be large.
    fast: bool,
    /// What one search may name, once Dialogporten has said.
    limits: Option<client::Limits>,
}

/// The Altinn 3 backend. Cheap to clone (the memory is shared).
#[derive(Clone, Debug)]
pub struct Altinn3 {
    client: Client,
    session: SessionHandle,
    memory: Arc<Mutex<Memory>>,
}

fn expiry_of(token: &str) -> u64 {
    use base64::Engine;
    token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get("exp").and_then(serde_json::Value::as_u64))
        .unwrap_or(0)
}

fn now_secs() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

impl Altinn3 {
    /// The backend over `client`, sending `session`.
    pub fn new(client: Client, session: SessionHandle) -> Self {
        Self {
            client,
            session,
            memory: Arc::default(),
        }
    }

    /// The session its requests carry.
    pub fn session(&self) -> &SessionHandle {
        &self.session
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The parties the user can act for (the user first, sub-units after their parent).
    pub async fn parties(&self) -> Result<Vec<Party>, ApiError> {
        let parties = with_session(&self.session, |s| {
            let client = self.client.clone();
            async move { client.parties(&s).await }
        })
        .await?;
        let (list, me) = parties.to_parties();
        let mut memory = self.memory();
        memory.me = me.clone();
        memory.name = list
            .iter()
            .find(|p| Some(&p.id) == me.as_ref())
            .map(|p| p.name.clone());
        Ok(list)
    }

    /// What one search may name: Dialogporten's `/metadata/limits`, asked once; its
    /// defaults when it does not answer.
    pub async fn limits(&self) -> client::Limits {
        if let Some(limits) = self.memory().limits {
            return limits;
        }
        match self.client.limits().await {
            Ok(limits) => {
                self.memory().limits = Some(limits);
                limits
            }
            Err(error) => {
                tracing::info!(%error, "no search limits from Dialogporten; using its defaults");
                client::Limits::default()
            }
        }
    }

    /// The user's name (from the parties).
    pub async fn profile(&self) -> Result<Profile, ApiError> {
        if self.memory().name.is_none() {
            self.parties().await?;
        }
        let name = self.memory().name.clone().unwrap_or_default();
        Ok(Profile {
            name: title_case(&name),
        })
    }

    /// The party URNs an inbox names.
    async fn parties_of(&self, inbox: &Inbox) -> Result<Vec<String>, ApiError> {
        match inbox {
            Inbox::Party(urn) => Ok(vec![urn.clone()]),
            Inbox::Group { parties, .. } => Ok(parties.clone()),
            Inbox::Me => {
                if self.memory().me.is_none() {
                    self.parties().await?;
                }
                self.memory()
                    .me
                    .clone()
                    .map(|me| vec![me])
                    .ok_or_else(|| ApiError::Malformed {
                        detail: tr!("Dialogporten sa ikke hvem du er").into(),
                    })
            }
            Inbox::All => Err(ApiError::Local(
                tr!("den samlede innboksen leses aktør for aktør").into(),
            )),
        }
    }

    /// One page of `inbox` from `cursor`: folders are system labels; unread, dates and a
    /// sender seen before (by its service owners' codes) go to Dialogporten; type and
    /// sender are also applied to what comes back.
    pub async fn page(
        &self,
        inbox: &Inbox,
        query: &Query,
        cursor: &Cursor,
    ) -> Result<MessagePage, ApiError> {
        if query.raw_filter.is_some() {
            return Err(ApiError::Unsupported {
                what: tr!(
                    "OData-filtre (--filter) finnes bare i Altinn 2; bruk --unread eller --search"
                )
                .into(),
            });
        }
        let continuation = match cursor {
            Cursor::Offset(0) => None,
            Cursor::Next(token) => Some(token.clone()),
            Cursor::Offset(_) => {
                return Err(ApiError::Unsupported {
                    what: tr!("Dialogporten blar med fortsettelsesnøkler, ikke med forskyvning")
                        .into(),
                })
            }
        };
        let search = self.search_for(inbox, query, continuation).await?;
        let page = self.ask(search).await.map_err(|error| match error {
            ApiError::Server { status: 422, .. } => ApiError::Server {
                status: 422,
                reason: tr!(
                    "søket traff for mye; snevre det inn med en dato (:since) eller en annen aktør"
                )
                .into(),
            },
            other => other,
        })?;
        let languages = self.client.languages();
        let mut mapped = page.to_page(&languages);
        if matches!(inbox, Inbox::Group { .. }) {
            // A group's rows each say whose they are.
            for (summary, item) in mapped.messages.iter_mut().zip(&page.items) {
                summary.owner = Some(crate::text::sanitize_line(&item.party).into());
            }
        }
        {
            let mut memory = self.memory();
            for (summary, item) in mapped.messages.iter().zip(&page.items) {
                if !item.org.is_empty() {
                    memory
                        .sender_orgs
                        .entry(summary.sender().to_lowercase())
                        .or_default()
                        .insert(item.org.clone());
                }
            }
            for item in page.items {
                memory.items.insert(item.id.to_ascii_lowercase(), item);
            }
        }
        let filters = &query.filters;
        mapped.messages.retain(|m| {
            filters.kind.as_ref().is_none_or(|k| &m.kind == k)
                && filters.sender.as_ref().is_none_or(|s| {
                    m.sender().eq_ignore_ascii_case(s) || m.service_owner.eq_ignore_ascii_case(s)
                })
        });
        Ok(mapped)
    }

    /// What to ask Dialogporten for one page of `inbox`: the filters it applies, a folder as
    /// its system label (drafts by status), what the web inbox leaves out, and a page as
    /// large as the last answer's speed allows.
    async fn search_for(
        &self,
        inbox: &Inbox,
        query: &Query,
        continuation: Option<String>,
    ) -> Result<client::Search, ApiError> {
        // A sender seen before is asked for by its service owners' codes; the rows are
        // still checked by name below (a sender never seen is filtered here only).
        let orgs: Vec<String> = query
            .filters
            .sender
            .as_ref()
            .and_then(|name| self.memory().sender_orgs.get(&name.to_lowercase()).cloned())
            .filter(|orgs| orgs.len() <= self.memory().limits.unwrap_or_default().orgs)
            .map(|orgs| orgs.into_iter().collect())
            .unwrap_or_default();
        Ok(client::Search {
            orgs,
            parties: self.parties_of(inbox).await?,
            label: query.folder.and_then(|f| match f {
                Folder::Inbox => Some("Default"),
                Folder::Archive => Some("Archive"),
                Folder::Trash => Some("Bin"),
                Folder::Sent => Some("Sent"),
                Folder::Drafts => None,
            }),
            unread: query.filters.unread,
            after: query.filters.since,
            before: query.filters.until,
            updated_after: query.updated_after,
            text: query.search.clone(),
            limit: match (&continuation, inbox) {
                (None, Inbox::Group { .. }) => GROUP_FIRST_PAGE_LIMIT,
                (Some(_), _) if self.memory().fast => LARGE_PAGE_LIMIT,
                _ => PAGE_LIMIT,
            },
            continuation,
            // What the web inbox asks for: no dialogs for programs only, and in the inbox
            // no drafts (they have a view of their own).
            exclude_api_only: true,
            statuses: match query.folder {
                Some(Folder::Inbox) => INBOX_STATUSES.to_vec(),
                Some(Folder::Drafts) => vec!["Draft"],
                _ => Vec::new(),
            },
        })
    }

    /// One page of the desk: every dialog of `parties` (any folder, any status, none for
    /// programs only), changed after `updated_after` when given, from `continuation`. Never
    /// opens a dialog. Pages are large: the desk reads everything.
    pub async fn desk_page(
        &self,
        parties: &[String],
        updated_after: Option<chrono::DateTime<chrono::Utc>>,
        continuation: Option<String>,
    ) -> Result<crate::domain::desk::DeskPage, ApiError> {
        let search = client::Search {
            parties: parties.to_vec(),
            updated_after,
            limit: LARGE_PAGE_LIMIT,
            continuation,
            exclude_api_only: true,
            ..client::Search::default()
        };
        let page = self.ask(search).await?;
        let languages = self.client.languages();
        let items = page
            .items
            .iter()
            .map(|item| item.to_desk_item(&languages))
            .collect();
        Ok(crate::domain::desk::DeskPage {
            items,
            next: page
                .has_next_page
                .then_some(page.continuation_token)
                .flatten(),
        })
    }

    /// One search, with a large page that failed on the server asked again smaller; how
    /// quickly it answered decides the next page's size.
    async fn ask(&self, search: client::Search) -> Result<model::DialogPage, ApiError> {
        let started = std::time::Instant::now();
        let ask = |search: client::Search| {
            with_session(&self.session, move |s| {
                let (client, search) = (self.client.clone(), search.clone());
                async move { client.dialogs(&s, &search).await }
            })
        };
        let page = match ask(search.clone()).await {
            // A large page that failed on the server is asked again smaller.
            Err(ApiError::Server {
                status: 500 | 504, ..
            }) if search.limit > PAGE_LIMIT => {
                tracing::info!(
                    limit = search.limit,
                    "a large page failed; asking for a smaller one"
                );
                self.memory().fast = false;
                ask(client::Search {
                    limit: PAGE_LIMIT,
                    ..search
                })
                .await
            }
            other => other,
        };
        self.memory().fast = page.is_ok() && started.elapsed() < FAST_PAGE;
        page
    }

    /// A preview from the last list item: title, sender, summary — never a request, since
    /// opening a dialog marks it seen for everyone who shares the inbox.
    pub async fn preview(&self, _inbox: &Inbox, id: &str) -> Result<Message, ApiError> {
        let languages = self.client.languages();
        let memory = self.memory();
        let item = memory.items.get(&id.to_ascii_lowercase()).ok_or_else(|| {
            ApiError::Local(
                tr!("ingen forhåndsvisning ennå; trykk Enter for å åpne meldingen").into(),
            )
        })?;
        let summary = item.to_summary(&languages);
        let text = item
            .content
            .as_ref()
            .and_then(|c| c.summary.as_ref())
            .and_then(|s| s.line(&languages));
        let body = tr!(
            "{text}\n\n(Forhåndsvisning. Enter åpner meldingen og henter innholdet; da er den lest for alle som ser denne innboksen.)",
            text = text.clone().unwrap_or_default()
        );
        Ok(Message {
            summary,
            summary_text: text,
            body,
            attachments: Vec::new(),
            archive_reference: None,
            portal_url: None,
            links: Vec::new(),
            history: Vec::new(),
            thread: Vec::new(),
            expires: None,
        })
    }

    /// Opens a dialog: `GET` it (which marks it seen), then its main content and each
    /// transmission's body with the dialog's token (a body that cannot be fetched says so
    /// in its place).
    pub async fn open(&self, _inbox: &Inbox, id: &str) -> Result<Message, ApiError> {
        let (dialog, texts) = self.fetch_dialog(id).await.map_err(|error| match error {
            ApiError::Server {
                status: 404,
                reason,
            } if reason.contains("expired") => ApiError::Server {
                status: 404,
                reason: tr!(
                    "meldingen er utløpt og finnes ikke lenger ({reason})",
                    reason
                ),
            },
            ApiError::Server { status: 410, .. } => ApiError::Server {
                status: 410,
                reason: tr!("meldingen er slettet").into(),
            },
            other => other,
        })?;
        let languages = self.client.languages();
        let token = dialog.dialog_token.clone().unwrap_or_default();
        let body = match model::main_content_url(&texts, &languages) {
            Some(embed) if !token.is_empty() => Some(self.embedded(embed, &token).await),
            _ => None,
        };
        // The transmissions' bodies at once: each is a request of its own.
        let transmissions = futures::future::join_all(dialog.transmissions.iter().map(|t| {
            let embed = t
                .content
                .content_reference
                .as_ref()
                .filter(|_| t.is_authorized && !token.is_empty())
                .and_then(|r| model::embed_url(r, &languages));
            let token = &token;
            async move {
                match embed {
                    Some(embed) => Some(self.embedded(embed, token).await),
                    None => None,
                }
            }
        }))
        .await;
        let fetched = model::Fetched {
            body,
            transmissions,
            web_address: self.client.web_address(&dialog.item.id),
        };
        Ok(dialog.to_message(&texts, &fetched, &languages))
    }

    /// A front-channel embed fetched with the dialog's token, as markdown for the message
    /// (in words when it could not be fetched).
    async fn embedded(&self, (url, kind): (String, model::Embed), token: &str) -> String {
        match self.client.content(&url, token).await {
            Ok(text) => model::embed_markdown(Some(kind), &text),
            Err(error) => {
                tracing::warn!(%error, "content failed");
                tr!("*Innholdet kunne ikke hentes: {error}*", error)
            }
        }
    }

    /// `GET /dialogs/{id}`, remembering its token and the URLs it names.
    async fn fetch_dialog(&self, id: &str) -> Result<(model::Dialog, DialogTexts), ApiError> {
        let (dialog, texts) = with_session(&self.session, |s| {
            let client = self.client.clone();
            async move { client.dialog(&s, id).await }
        })
        .await?;
        let key = id.to_ascii_lowercase();
        let mut memory = self.memory();
        if let Some(token) = &dialog.dialog_token {
            memory
                .tokens
                .insert(key.clone(), (token.clone(), expiry_of(token)));
        }
        for attachment in dialog.all_attachments() {
            let urls: Vec<String> = attachment
                .urls_to_try()
                .into_iter()
                .map(|u| u.url.clone())
                .collect();
            for url in &urls {
                memory.urls.insert(url.clone(), key.clone());
            }
            if let [first, others @ ..] = urls.as_slice() {
                if !others.is_empty() {
                    memory.alternatives.insert(first.clone(), others.to_vec());
                }
            }
        }
        if let Some((url, _)) = model::main_content_url(&texts, &self.client.languages()) {
            memory.urls.insert(url, key.clone());
        }
        memory.items.insert(key, dialog.item.clone());
        Ok((dialog, texts))
    }

    /// A dialog token for `id` with at least half a minute left (a new one fetched when not).
    async fn token(&self, id: &str) -> Result<String, ApiError> {
        let key = id.to_ascii_lowercase();
        if let Some((token, exp)) = self.memory().tokens.get(&key).cloned() {
            if exp > now_secs() + 30 {
                return Ok(token);
            }
        }
        let (dialog, _) = self.fetch_dialog(id).await?;
        dialog.dialog_token.ok_or_else(|| ApiError::Malformed {
            detail: tr!("Dialogporten ga ingen dialogToken").into(),
        })
    }

    /// Does `action` to dialog `id`: folders and «unread» are system labels (with the
    /// revision last seen as `If-Match`); «read» opens it; confirm goes to Correspondence.
    pub async fn act(
        &self,
        inbox: &Inbox,
        id: &str,
        action: MessageAction,
    ) -> Result<Option<String>, ApiError> {
        match way(action) {
            Way::Labels(add, remove) => self.set_labels(id, add, remove).await.map(|()| None),
            Way::Open => self.fetch_dialog(id).await.map(|_| None),
            Way::Confirm => self.confirm(inbox, id).await.map(|()| None),
            Way::Purge => self.purge(id).await.map(|()| None),
        }
    }

    /// One dialog's system labels changed (`If-Match`: the revision last seen).
    async fn set_labels(&self, id: &str, add: &[&str], remove: &[&str]) -> Result<(), ApiError> {
        let key = id.to_ascii_lowercase();
        let revision = self
            .memory()
            .items
            .get(&key)
            .and_then(|i| i.end_user_context.as_ref().map(|c| c.revision.clone()))
            .filter(|r| !r.is_empty());
        let result = with_session(&self.session, |s| {
            let (client, revision) = (self.client.clone(), revision.clone());
            async move {
                client
                    .set_labels(&s, id, add, remove, revision.as_deref())
                    .await
            }
        })
        .await;
        match result {
            Ok(new_revision) => {
                let mut memory = self.memory();
                if let Some(context) = memory
                    .items
                    .get_mut(&key)
                    .and_then(|item| item.end_user_context.as_mut())
                {
                    relabel(&mut context.system_labels, add, remove);
                    context.revision = new_revision.unwrap_or_default();
                }
                Ok(())
            }
            Err(ApiError::Server { status: 412, .. }) => {
                // Someone changed it elsewhere: forget the old revision so a retry works.
                self.memory().items.remove(&key);
                Err(ApiError::Server {
                    status: 412,
                    reason: tr!(
                        "Meldingen ble endret et annet sted; last listen på nytt (r) og prøv igjen"
                    )
                    .into(),
                })
            }
            Err(error) => Err(error),
        }
    }

    /// Does `action` to many dialogs: a folder change or «unread» as Dialogporten's bulk
    /// label change, [`client::BULK_LIMIT`] dialogs a request, each outcome with the labels
    /// the dialog had before (the last list item's, else those shown); the other verbs one
    /// dialog at a time. A refused request fails its own dialogs only.
    pub async fn act_many(
        &self,
        targets: &[BulkTarget],
        action: MessageAction,
        progress: &mut (impl FnMut(usize) + Send),
    ) -> Vec<Outcome> {
        let (add, remove) = match way(action) {
            Way::Labels(add, remove) => (add, remove),
            Way::Open | Way::Confirm | Way::Purge => {
                let act =
                    |inbox: Inbox, id: String| async move { self.act(&inbox, &id, action).await };
                return super::bulk::one_by_one(targets, act, progress).await;
            }
        };
        let before: Vec<Labels> = {
            let memory = self.memory();
            targets
                .iter()
                .map(|t| {
                    memory
                        .items
                        .get(&t.id.to_ascii_lowercase())
                        .and_then(|item| item.end_user_context.as_ref())
                        .map_or(t.shown, |c| labels_of(&c.system_labels))
                })
                .collect()
        };
        let ids: Vec<&str> = targets.iter().map(|t| t.id.as_str()).collect();
        let mut results = HashMap::new();
        self.bulk(&ids, add, remove, &mut results, progress).await;
        targets
            .iter()
            .zip(before)
            .map(|(t, before)| outcome(&t.id, &results, Some(before)))
            .collect()
    }

    /// Puts back each dialog's labels as they were: one bulk change for each set of labels
    /// (folder, and marked unread or not), [`client::BULK_LIMIT`] dialogs a request.
    pub async fn put_back(
        &self,
        targets: &[(String, Labels)],
        progress: &mut (impl FnMut(usize) + Send),
    ) -> Vec<Outcome> {
        let mut groups: Vec<(Labels, Vec<&str>)> = Vec::new();
        for (id, labels) in targets {
            match groups.iter_mut().find(|(l, _)| l == labels) {
                Some((_, ids)) => ids.push(id),
                None => groups.push((*labels, vec![id])),
            }
        }
        let mut results = HashMap::new();
        for (labels, ids) in groups {
            let folder = folder_label(labels.folder);
            let (add, remove): (&[&str], &[&str]) = if labels.marked_unread {
                (&[folder, UNOPENED], &[])
            } else {
                (&[folder], &[UNOPENED])
            };
            self.bulk(&ids, add, remove, &mut results, progress).await;
        }
        targets
            .iter()
            .map(|(id, _)| outcome(id, &results, None))
            .collect()
    }

    /// One label change to `ids` in requests of [`client::BULK_LIMIT`] (each dialog once:
    /// Dialogporten refuses one named twice), each request's result kept for its dialogs
    /// by lower-case id; `progress` hears how many of `results` are in after each.
    async fn bulk(
        &self,
        ids: &[&str],
        add: &[&str],
        remove: &[&str],
        results: &mut HashMap<String, Result<(), ApiError>>,
        progress: &mut (impl FnMut(usize) + Send),
    ) {
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<(&str, String)> = ids
            .iter()
            .map(|id| (*id, id.to_ascii_lowercase()))
            .filter(|(_, key)| !results.contains_key(key) && seen.insert(key.clone()))
            .collect();
        for chunk in unique.chunks(client::BULK_LIMIT) {
            let result = with_session(&self.session, |s| {
                let client = self.client.clone();
                let chunk: Vec<&str> = chunk.iter().map(|(id, _)| *id).collect();
                async move { client.bulk_labels(&s, &chunk, add, remove).await }
            })
            .await;
            match &result {
                Ok(()) => {
                    let mut memory = self.memory();
                    for (_, key) in chunk {
                        if let Some(context) = memory
                            .items
                            .get_mut(key)
                            .and_then(|item| item.end_user_context.as_mut())
                        {
                            relabel(&mut context.system_labels, add, remove);
                            // The bulk change gives no new revision: none is sent next time.
                            context.revision.clear();
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, count = chunk.len(), "a bulk label change was refused")
                }
            }
            for (_, key) in chunk {
                results.insert(key.clone(), result.clone());
            }
            progress(results.len());
        }
    }

    /// Deletes a letter for good with the dialog's own `purgeCorrespondence` action, and
    /// only from the trash bin: a purge cannot be undone, so it must have been deleted
    /// first.
    async fn purge(&self, id: &str) -> Result<(), ApiError> {
        let (dialog, _) = self.fetch_dialog(id).await?;
        let url = dialog.offered(
            "purgeCorrespondence",
            "DELETE",
            tr!("denne meldingen kan ikke slettes for godt herfra (den tilbyr det ikke)"),
        )?;
        let in_bin = dialog
            .item
            .end_user_context
            .as_ref()
            .is_some_and(|c| c.system_labels.iter().any(|l| l == "Bin"));
        if !in_bin {
            return Err(ApiError::Unsupported {
                what: tr!("bare meldinger i papirkurven kan slettes for godt; slett den først (d)")
                    .into(),
            });
        }
        let token = self.token(id).await?;
        self.client.action(Method::DELETE, &url, &token).await?;
        self.memory().items.remove(&id.to_ascii_lowercase());
        Ok(())
    }

    /// Confirms receipt with the dialog's own `confirmCorrespondence` action; the letter is
    /// fetched first through its `getCorrespondence` action (Correspondence requires it).
    async fn confirm(&self, _inbox: &Inbox, id: &str) -> Result<(), ApiError> {
        let (dialog, _) = self.fetch_dialog(id).await?;
        let confirm = dialog.offered(
            "confirmCorrespondence",
            "POST",
            tr!("denne meldingen ber ikke om bekreftelse av mottak (eller den er gitt)"),
        )?;
        let letter = dialog
            .api_endpoint("getCorrespondence", "GET")
            .map(str::to_owned);
        let token = self.token(id).await?;
        if let Some(letter) = letter {
            self.client.action(Method::GET, &letter, &token).await?;
        }
        self.client.action(Method::POST, &confirm, &token).await
    }

    /// Streams an attachment with its dialog's token (a fresh one when needed): its first
    /// URL, then the others it has; when none takes the token, says to open it in the
    /// browser.
    pub async fn download<W: AsyncWrite + Unpin>(
        &self,
        url: &str,
        out: &mut W,
        mut progress: impl FnMut(u64),
    ) -> Result<Downloaded, ApiError> {
        if url.starts_with("urn:dialogporten:") {
            return Err(ApiError::Local(if url.ends_with("expired") {
                tr!("vedlegget er utløpt").into()
            } else {
                tr!("du har ikke tilgang til dette vedlegget").into()
            }));
        }
        let (dialog, others) = {
            let memory = self.memory();
            (
                memory.urls.get(url).cloned(),
                memory.alternatives.get(url).cloned().unwrap_or_default(),
            )
        };
        let dialog = dialog.ok_or_else(|| {
            ApiError::Local(tr!("åpne meldingen først, så hentes vedlegget med dens nøkkel").into())
        })?;
        let token = self.token(&dialog).await?;
        for candidate in std::iter::once(url.to_owned()).chain(others) {
            match self
                .client
                .download(&candidate, &token, out, &mut progress)
                .await
            {
                Ok(downloaded) => return Ok(downloaded),
                Err(client::FileRefusal::Refused) => {
                    tracing::info!("an attachment URL refused the dialog token; trying the next");
                }
                Err(client::FileRefusal::Failed(error)) => return Err(error),
            }
        }
        let address = self
            .client
            .web_address(&dialog)
            .unwrap_or_else(|| crate::text::sanitize_line(url));
        Err(ApiError::Local(tr!(
            "dette vedlegget kan bare åpnes i nettleseren: {address}",
            address
        )))
    }
}

/// What a verb is on Altinn 3.
#[derive(Debug, Clone, Copy)]
enum Way {
    /// A change of system labels: these added, these removed.
    Labels(&'static [&'static str], &'static [&'static str]),
    /// Open the dialog (which marks it seen).
    Open,
    /// Correspondence's confirmation.
    Confirm,
    /// Correspondence's purge.
    Purge,
}

/// The label that marks a dialog unread.
const UNOPENED: &str = "MarkedAsUnopened";

/// How Altinn 3 does `action` (Arbeidsflate's labels for the folders and «unread»).
fn way(action: MessageAction) -> Way {
    match action {
        MessageAction::Archive => Way::Labels(&["Archive"], &[]),
        MessageAction::Delete => Way::Labels(&["Bin"], &[]),
        MessageAction::Restore => Way::Labels(&["Default"], &[]),
        MessageAction::MarkUnread => Way::Labels(&[UNOPENED], &[]),
        MessageAction::MarkRead => Way::Open,
        MessageAction::Confirm => Way::Confirm,
        MessageAction::Purge => Way::Purge,
    }
}

/// A folder's system label.
fn folder_label(folder: Folder) -> &'static str {
    match folder {
        Folder::Archive => "Archive",
        Folder::Trash => "Bin",
        Folder::Inbox | Folder::Drafts | Folder::Sent => "Default",
    }
}

/// A dialog's labels in our words.
fn labels_of(system_labels: &[String]) -> Labels {
    let has = |label: &str| system_labels.iter().any(|l| l.eq_ignore_ascii_case(label));
    let folder = if has("Bin") {
        Folder::Trash
    } else if has("Archive") {
        Folder::Archive
    } else {
        Folder::Inbox
    };
    Labels {
        folder,
        marked_unread: has(UNOPENED),
    }
}

/// `labels` after a change, as Dialogporten makes it (altinn3-api.md §2.7): removals first,
/// then additions; the folders are one group of which a dialog has one, `Default` when
/// none is left.
fn relabel(labels: &mut Vec<String>, add: &[&str], remove: &[&str]) {
    const FOLDERS: [&str; 3] = ["Default", "Archive", "Bin"];
    let is = |label: &str, name: &str| label.eq_ignore_ascii_case(name);
    labels.retain(|l| !remove.iter().any(|r| is(l, r)));
    for label in add {
        if FOLDERS.iter().any(|f| is(label, f)) {
            labels.retain(|l| !FOLDERS.iter().any(|f| is(l, f)));
        }
        if !labels.iter().any(|l| is(l, label)) {
            labels.push((*label).to_owned());
        }
    }
    if !labels.iter().any(|l| FOLDERS.iter().any(|f| is(l, f))) {
        labels.push("Default".to_owned());
    }
}

/// The outcome for `id` of a bulk change whose results are kept by lower-case id.
fn outcome(
    id: &str,
    results: &HashMap<String, Result<(), ApiError>>,
    before: Option<Labels>,
) -> Outcome {
    match results.get(&id.to_ascii_lowercase()) {
        Some(Ok(())) => Outcome::done(id, None, before),
        Some(Err(error)) => Outcome::failed(id, error.clone()),
        None => Outcome::failed(id, ApiError::Local(tr!("ikke sendt").into())),
    }
}

/// `KARI NORDMANN` → `Kari Nordmann` (the register writes names in capitals).
fn title_case(name: &str) -> String {
    name.split(' ')
        .map(|w| {
            let lower = w.to_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}
