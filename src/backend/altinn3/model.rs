//! Dialogporten's documents as we read them: forgiving (a missing field is `None`, an enum
//! value we do not know is kept as its text), and mapped to our domain types at this edge,
//! every text sanitised, localized values picked by language (altinn3-api.md §2.1).

use crate::i18n::tr;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::domain::{
    ApiError, Attachment, DeskItem, Folder, Message, MessageKind, MessagePage, MessageStatus,
    MessageSummary, Party, PartyKind, Stamp, ThreadEntry,
};
use crate::text::{markdown_to_text, safe_file_name, sanitize_line, sanitize_multiline};

/// Width the body is wrapped at (as for Altinn 2's).
const BODY_WIDTH: usize = 100;

/// A localized text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Localization {
    /// The text.
    pub value: String,
    /// `nb`, `nn`, `en`, …
    pub language_code: String,
}

/// A text in several languages with its media type.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContentValue {
    /// The languages.
    pub(crate) value: Vec<Localization>,
    /// `text/plain`, `text/markdown`, or a front-channel embed.
    pub media_type: String,
}

/// The best of several localizations for `languages` (best first): a match, else Bokmål,
/// then Nynorsk, then English, then the first.
pub(crate) fn pick<'a>(values: &'a [Localization], languages: &[&str]) -> Option<&'a str> {
    languages
        .iter()
        .chain(["nb", "nn", "en"].iter())
        .find_map(|l| {
            values
                .iter()
                .find(|v| v.language_code.eq_ignore_ascii_case(l))
        })
        .or_else(|| values.first())
        .map(|v| v.value.as_str())
}

impl ContentValue {
    /// The text for `languages`, sanitised to one line.
    pub fn line(&self, languages: &[&str]) -> Option<String> {
        pick(&self.value, languages)
            .map(sanitize_line)
            .filter(|t| !t.is_empty())
    }
}

/// The content of a search hit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct ContentSummary {
    /// Title.
    pub title: Option<ContentValue>,
    /// Summary.
    pub summary: Option<ContentValue>,
    /// Sender's name.
    pub sender_name: Option<ContentValue>,
}

/// The end user's context: labels and their revision.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct EndUserContext {
    /// For `If-Match`.
    pub revision: String,
    /// `Default`, `Bin`, `Archive`, `MarkedAsUnopened`, `Sent`.
    pub system_labels: Vec<String>,
}

/// A search hit (`DialogListItem`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DialogListItem {
    /// Dialog id.
    pub id: String,
    /// Service owner code.
    pub org: String,
    /// Party URN.
    pub party: String,
    /// `correspondenceservice`, `altinnapp`, …
    pub service_resource_type: String,
    /// `RequiresAttention`, `NotApplicable`, …
    pub status: String,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// The content last changed (the inbox's order).
    pub content_updated_at: Option<DateTime<Utc>>,
    /// Anything about it last changed (the desk's incremental sync asks after this).
    pub updated_at: Option<DateTime<Utc>>,
    /// Due.
    pub due_at: Option<DateTime<Utc>>,
    /// Labels.
    pub(crate) end_user_context: Option<EndUserContext>,
    /// Seen since the last content update (and not marked unread).
    pub is_content_seen: Option<bool>,
    /// Attachments for people.
    pub gui_attachment_count: Option<usize>,
    /// Texts (none for API-only dialogs).
    pub(crate) content: Option<ContentSummary>,
}

/// A page of search hits.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DialogPage {
    /// The hits.
    pub items: Vec<DialogListItem>,
    /// More follow.
    pub has_next_page: bool,
    /// Where the next page starts.
    pub continuation_token: Option<String>,
}

impl DialogListItem {
    /// The labels, as sent.
    fn labels(&self) -> &[String] {
        self.end_user_context
            .as_ref()
            .map_or(&[][..], |c| c.system_labels.as_slice())
    }

    fn has_label(&self, label: &str) -> bool {
        self.labels().iter().any(|l| l.eq_ignore_ascii_case(label))
    }

    /// Maps to the domain summary.
    pub fn to_summary(&self, languages: &[&str]) -> MessageSummary {
        let content = self.content.clone().unwrap_or_default();
        let seen = self.is_content_seen.unwrap_or(true);
        let status = if self.has_label("Archive") {
            MessageStatus::Archived
        } else if self.has_label("Bin") {
            MessageStatus::Deleted
        } else if seen {
            MessageStatus::Read
        } else {
            MessageStatus::Unread
        };
        let marked_unread =
            self.has_label("MarkedAsUnopened") || (!seen && status != MessageStatus::Unread);
        let sender = content
            .sender_name
            .as_ref()
            .and_then(|s| s.line(languages))
            .or_else(|| {
                let language = languages.first().copied().unwrap_or("nb");
                super::orgs::name(&self.org, language).map(str::to_owned)
            })
            .unwrap_or_else(|| sanitize_line(&self.org));
        MessageSummary {
            id: sanitize_line(&self.id).into(),
            subject: content
                .title
                .as_ref()
                .and_then(|t| t.line(languages))
                .unwrap_or_default()
                .into(),
            status,
            marked_unread,
            service_owner: sender.into(),
            message_sender: None,
            kind: match self.service_resource_type.as_str() {
                "correspondenceservice" => MessageKind::Correspondence,
                "altinnapp" => MessageKind::FormTask,
                "genericaccessresource" => MessageKind::Dialog,
                other => MessageKind::Other(sanitize_line(other).into()),
            },
            created: self.created_at.map(Stamp::from),
            last_changed: self.content_updated_at.or(self.created_at).map(Stamp::from),
            due: self.due_at.map(Stamp::from),
            attachment_count: self
                .gui_attachment_count
                .map(MessageSummary::attachment_count_of),
            requires_confirmation: self.status == "RequiresAttention"
                && self.service_resource_type == "correspondenceservice",
            owner: None,
            seq: 0,
        }
    }
}

impl DialogListItem {
    /// Maps to the desk's row: the inbox's row under its party, with what the desk sorts
    /// and counts by (search says nothing of `expiresAt`).
    pub fn to_desk_item(&self, languages: &[&str]) -> DeskItem {
        let mut summary = self.to_summary(languages);
        summary.owner = Some(sanitize_line(&self.party).into());
        let folder = if self.has_label("Archive") {
            Folder::Archive
        } else if self.has_label("Bin") {
            Folder::Trash
        } else {
            Folder::Inbox
        };
        let requires_attention = self.status == "RequiresAttention";
        let completed = self.status == "Completed";
        let unfinished = matches!(self.status.as_str(), "InProgress" | "Draft" | "Awaiting");
        DeskItem {
            pending: !completed && (requires_attention || unfinished || summary.is_unread()),
            summary,
            folder,
            requires_attention,
            completed,
            expires: None,
            updated: self.updated_at,
        }
    }
}

impl DialogPage {
    /// Maps to a domain page; the continuation token is the next page's cursor.
    pub fn to_page(&self, languages: &[&str]) -> MessagePage {
        MessagePage {
            messages: self.items.iter().map(|i| i.to_summary(languages)).collect(),
            has_more: self.has_next_page,
            limit_reached: false,
            next: self
                .has_next_page
                .then(|| self.continuation_token.clone())
                .flatten(),
        }
    }
}

/// An attachment's link.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct AttachmentUrl {
    /// Where (or `urn:dialogporten:unauthorized|expired`).
    pub url: String,
    /// `Gui` or `Api`.
    pub consumer_type: String,
    /// The file's media type, when the sender said.
    pub media_type: Option<String>,
}

/// An attachment.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct DialogAttachment {
    /// Id.
    pub id: String,
    /// Name to show.
    pub(crate) display_name: Vec<Localization>,
    /// A logical name, not a file name: Correspondence sends none, the app adapter the
    /// data type id (`ref-data-as-pdf`).
    pub name: Option<String>,
    /// Links.
    pub(crate) urls: Vec<AttachmentUrl>,
}

/// A browser action.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct GuiAction {
    /// Where it leads.
    pub url: String,
    /// `GET`, `POST`, …
    pub http_method: String,
    /// What it is called.
    pub(crate) title: Vec<Localization>,
    /// The user may do it.
    pub is_authorized: bool,
    /// It deletes the dialog (Correspondence's purge, an app's delete).
    pub is_delete_dialog_action: bool,
}

/// An action for a program: what it is called and where to send it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct ApiAction {
    /// `read`, `write`, …
    pub action: String,
    /// Its name (`confirmCorrespondence`, `purgeCorrespondence`, …), when it has one.
    pub name: Option<String>,
    /// The user may do it.
    pub is_authorized: bool,
    /// Where, by method and version.
    pub(crate) endpoints: Vec<ApiEndpoint>,
}

/// One endpoint of an API action.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct ApiEndpoint {
    /// Where (`urn:dialogporten:unauthorized` when the user may not).
    pub url: String,
    /// `GET`, `POST`, `DELETE`, …
    pub http_method: String,
    /// Going away: used only when no other endpoint does the same.
    pub deprecated: bool,
}

impl Dialog {
    /// The URL of the API action named `name` for `method`, when the dialog offers it to
    /// this user (an endpoint not deprecated first).
    pub fn api_endpoint(&self, name: &str, method: &str) -> Option<&str> {
        let action = self
            .api_actions
            .iter()
            .find(|a| a.is_authorized && a.name.as_deref() == Some(name))?;
        let mut endpoints: Vec<&ApiEndpoint> = action
            .endpoints
            .iter()
            .filter(|e| e.http_method.eq_ignore_ascii_case(method) && e.url.starts_with("http"))
            .collect();
        endpoints.sort_by_key(|e| e.deprecated);
        endpoints.first().map(|e| e.url.as_str())
    }
}

/// A party in a transmission or log.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Actor {
    /// `ServiceOwner` or `PartyRepresentative`.
    pub actor_type: String,
    /// A name.
    pub actor_name: Option<String>,
}

/// A transmission's content.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct TransmissionContent {
    /// Title.
    pub title: Option<ContentValue>,
    /// Summary.
    pub summary: Option<ContentValue>,
    /// Where its body is (a front-channel embed: markdown or HTML), fetched with the
    /// dialog's token.
    pub content_reference: Option<ContentValue>,
}

/// A transmission (a message within the dialog).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Transmission {
    /// When.
    pub created_at: Option<DateTime<Utc>>,
    /// `Information`, `Submission`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Who.
    pub(crate) sender: Actor,
    /// The user may read it.
    pub is_authorized: bool,
    /// Texts.
    pub(crate) content: TransmissionContent,
    /// Files.
    pub(crate) attachments: Vec<DialogAttachment>,
}

/// The dialog's texts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Content {
    /// Title.
    pub title: Option<ContentValue>,
    /// Summary.
    pub summary: Option<ContentValue>,
    /// Sender's name.
    pub sender_name: Option<ContentValue>,
    /// More text (plain or markdown).
    pub additional_info: Option<ContentValue>,
    /// The main content's URL (a front-channel embed).
    pub main_content_reference: Option<ContentValue>,
}

/// A whole dialog.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Dialog {
    /// The fields of a search hit.
    #[serde(flatten)]
    pub item: DialogListItem,
    /// The token for content, attachments and actions.
    pub dialog_token: Option<String>,
    /// Files.
    pub(crate) attachments: Vec<DialogAttachment>,
    /// The conversation.
    pub transmissions: Vec<Transmission>,
    /// What a person can do in a browser.
    pub(crate) gui_actions: Vec<GuiAction>,
    /// What a program can do (by name, with URL and method).
    pub(crate) api_actions: Vec<ApiAction>,
    /// What happened to it.
    pub activities: Vec<Activity>,
    /// When Altinn deletes it.
    pub expires_at: Option<DateTime<Utc>>,
}

/// An entry of a dialog's activity log.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Activity {
    /// When.
    pub created_at: Option<DateTime<Utc>>,
    /// `DialogCreated`, `CorrespondenceOpened`, … (unknown ones kept as sent).
    #[serde(rename = "type")]
    pub kind: String,
    /// Who.
    pub(crate) performed_by: Actor,
    /// Free text, for `Information`.
    pub(crate) description: Vec<Localization>,
}

impl Activity {
    /// The entry in words: the type in Norwegian (an unknown one as sent), and the
    /// description after it; the service owner's actions name `owner`.
    fn to_entry(&self, owner: &str, languages: &[&str]) -> crate::domain::HistoryEntry {
        let kind = match self.kind.as_str() {
            "DialogCreated" => tr!("Opprettet"),
            "DialogClosed" => tr!("Avsluttet"),
            "Information" => tr!("Informasjon"),
            "TransmissionOpened" => tr!("Forsendelse åpnet"),
            "PaymentMade" => tr!("Betalt"),
            "SignatureProvided" => tr!("Signert"),
            "DialogOpened" => tr!("Åpnet"),
            "DialogDeleted" => tr!("Slettet"),
            "DialogRestored" => tr!("Gjenopprettet"),
            "SentToSigning" => tr!("Sendt til signering"),
            "SentToFormFill" => tr!("Sendt til utfylling"),
            "SentToSendIn" => tr!("Sendt til innsending"),
            "SentToPayment" => tr!("Sendt til betaling"),
            "FormSubmitted" => tr!("Skjema sendt inn"),
            "FormSaved" => tr!("Skjema lagret"),
            "CorrespondenceOpened" => tr!("Brevet er åpnet"),
            "CorrespondenceConfirmed" => tr!("Mottak bekreftet"),
            other => other,
        };
        let mut what = sanitize_line(kind);
        if let Some(text) = pick(&self.description, languages) {
            what.push_str(": ");
            what.push_str(&sanitize_line(text));
        }
        let by = match self.performed_by.actor_type.as_str() {
            "ServiceOwner" => Some(owner.to_owned()),
            _ => self.performed_by.actor_name.as_deref().map(sanitize_line),
        }
        .filter(|b| !b.is_empty());
        crate::domain::HistoryEntry {
            at: self.created_at,
            what,
            by,
        }
    }
}

/// The texts of a whole dialog (`content` in the document, read apart from the search hit's
/// summary of it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DialogTexts {
    /// Texts.
    pub content: Content,
}

/// What a front-channel embed holds, by its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embed {
    /// Markdown (`…;type=text/markdown`, `…+json;type=markdown`).
    Markdown,
    /// HTML (`…;type=text/html`).
    Html,
}

/// The URL of a front-channel embed and what it holds, when it is markdown or HTML we can
/// show and an address we may fetch.
pub fn embed_url(reference: &ContentValue, languages: &[&str]) -> Option<(String, Embed)> {
    let media = reference.media_type.to_ascii_lowercase();
    if !media.contains("frontchannelembed") {
        return None;
    }
    let kind = if media.contains("markdown") {
        Embed::Markdown
    } else if media.contains("html") {
        Embed::Html
    } else {
        return None;
    };
    pick(&reference.value, languages)
        .filter(|u| u.starts_with("http"))
        .map(|u| (u.to_owned(), kind))
}

/// The URL the main content is fetched from, when it is markdown or HTML we can show.
pub fn main_content_url(texts: &DialogTexts, languages: &[&str]) -> Option<(String, Embed)> {
    embed_url(texts.content.main_content_reference.as_ref()?, languages)
}

/// A fetched embed as part of the markdown a message is made of: markdown as it is, HTML as
/// a block of its own (both end in the one sanitiser), plain text escaped.
pub fn embed_markdown(kind: Option<Embed>, text: &str) -> String {
    match kind {
        Some(Embed::Markdown) => text.to_owned(),
        Some(Embed::Html) => format!("<div>\n{text}\n</div>"),
        None => text
            .lines()
            .map(|line| {
                let mut out = String::with_capacity(line.len());
                for c in line.chars() {
                    if "\\`*_{}[]()#+-.!<>|~".contains(c) {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out
            })
            .collect::<Vec<_>>()
            .join("  \n"),
    }
}

/// The extension a media type's files have (`application/pdf` → `pdf`), for the ones
/// letters and forms carry.
fn extension_for(media_type: &str) -> Option<&'static str> {
    let media = media_type.split(';').next()?.trim().to_ascii_lowercase();
    Some(match media.as_str() {
        "application/pdf" => "pdf",
        "application/xml" | "text/xml" => "xml",
        "application/json" => "json",
        "application/zip" | "application/x-zip-compressed" => "zip",
        "text/plain" => "txt",
        "text/csv" => "csv",
        "text/html" => "html",
        "text/markdown" => "md",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/bmp" => "bmp",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "application/vnd.ms-powerpoint" => "ppt",
        _ => return None,
    })
}

/// A file name for an attachment: its display name (else its logical name), with the
/// extension its media type has when the name does not end in it already.
fn file_name_for(display: Option<&str>, name: Option<&str>, media_type: Option<&str>) -> String {
    let base = display
        .filter(|d| !d.trim().is_empty())
        .or(name)
        .unwrap_or(tr!("vedlegg"));
    let base = safe_file_name(base);
    match media_type.and_then(extension_for) {
        Some(extension)
            if !base
                .to_ascii_lowercase()
                .ends_with(&format!(".{extension}")) =>
        {
            safe_file_name(&format!("{base}.{extension}"))
        }
        _ => base,
    }
}

impl DialogAttachment {
    /// Its URLs in the order to try them: `Gui` first (Correspondence's take the dialog
    /// token), then `Api`.
    pub(crate) fn urls_to_try(&self) -> Vec<&AttachmentUrl> {
        let mut urls: Vec<&AttachmentUrl> = self.urls.iter().collect();
        urls.sort_by_key(|u| !u.consumer_type.eq_ignore_ascii_case("Gui"));
        urls
    }
}

/// A dialog's attachment, named from its display name and media type, at the first of its
/// URLs to try; Correspondence's "all attachments" zip is marked as the bundle it is.
fn attachment(a: &DialogAttachment, languages: &[&str]) -> Attachment {
    let urls = a.urls_to_try();
    let url = urls.first().map(|u| u.url.clone()).unwrap_or_default();
    let media = urls.iter().find_map(|u| u.media_type.as_deref());
    let display = pick(&a.display_name, languages).map(sanitize_line);
    let file_name = file_name_for(display.as_deref(), a.name.as_deref(), media);
    let note = match url.as_str() {
        "urn:dialogporten:unauthorized" => tr!(" (ingen tilgang)"),
        "urn:dialogporten:expired" => tr!(" (utløpt)"),
        _ => "",
    };
    let bundle = media.is_some_and(|m| m.eq_ignore_ascii_case("application/zip"))
        && url.ends_with("/attachments/downloadall");
    Attachment {
        id: sanitize_line(&a.id),
        name: format!("{}{note}", display.unwrap_or_else(|| file_name.clone())),
        file_name,
        size: None,
        encrypted: false,
        url,
        bundle,
    }
}

/// What a dialog's GUI actions become on the screen: GET ones are links; the POST and
/// DELETE ones innboks does itself are named with their key; the rest can only be done in
/// the browser.
#[derive(Debug, Default)]
struct Actions {
    links: Vec<(String, String)>,
    by_key: Vec<(String, &'static str)>,
    browser_only: Vec<String>,
}

impl Dialog {
    fn actions(&self, languages: &[&str]) -> Actions {
        let mut out = Actions::default();
        for a in self.gui_actions.iter().filter(|a| a.is_authorized) {
            let title = pick(&a.title, languages)
                .map(sanitize_line)
                .unwrap_or_else(|| sanitize_line(&a.http_method));
            let method = a.http_method.to_ascii_uppercase();
            if method == "GET" || method.is_empty() {
                if a.url.starts_with("http") {
                    out.links.push((title, a.url.clone()));
                }
            } else if a.is_delete_dialog_action {
                out.by_key
                    .push((title, tr!("d (slett; i papirkurven: for godt)")));
            } else if method == "POST"
                && self
                    .api_endpoint("confirmCorrespondence", "POST")
                    .is_some_and(|u| u == a.url)
            {
                out.by_key.push((title, tr!("c (bekreft mottak)")));
            } else {
                out.browser_only.push(title);
            }
        }
        out
    }
}

impl Transmission {
    /// The entry of a message's thread: who, when, what, and its text (the summary, then
    /// the content fetched from its reference), as text.
    fn to_entry(&self, owner: &str, fetched: Option<&str>, languages: &[&str]) -> ThreadEntry {
        let from = match self.sender.actor_type.as_str() {
            "ServiceOwner" => Some(owner.to_owned()),
            _ => self.sender.actor_name.as_deref().map(sanitize_line),
        };
        let title = self
            .content
            .title
            .as_ref()
            .and_then(|v| v.line(languages))
            .unwrap_or_default();
        let mut markdown = String::new();
        if self.is_authorized {
            if let Some(text) = self
                .content
                .summary
                .as_ref()
                .and_then(|v| v.line(languages))
            {
                markdown.push_str(&embed_markdown(None, &text));
                markdown.push_str("\n\n");
            }
            if let Some(body) = fetched {
                markdown.push_str(body);
            }
        }
        ThreadEntry {
            at: self.created_at,
            from,
            title,
            text: markdown_to_text(&markdown, BODY_WIDTH)
                .trim_end()
                .to_owned(),
            readable: self.is_authorized,
        }
    }
}

/// A list under its heading, when it has items.
fn push_list(markdown: &mut String, heading: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        return;
    }
    markdown.push_str(&format!("## {heading}\n\n"));
    for item in items {
        markdown.push_str(&format!("- {item}\n"));
    }
    markdown.push('\n');
}

/// What opening a dialog fetched besides the dialog: its main content and each
/// transmission's body (in the transmissions' order), as markdown fragments, and the
/// dialog's address in the web inbox.
#[derive(Debug, Default)]
pub struct Fetched {
    /// The main content.
    pub body: Option<String>,
    /// Each transmission's body, when it has one and it was fetched.
    pub transmissions: Vec<Option<String>>,
    /// The dialog in Altinn's web inbox (Arbeidsflate).
    pub web_address: Option<String>,
}

impl Dialog {
    /// Every attachment as the dialog sends it: the dialog's, then each transmission's.
    pub(crate) fn all_attachments(&self) -> impl Iterator<Item = &DialogAttachment> {
        self.attachments
            .iter()
            .chain(self.transmissions.iter().flat_map(|t| t.attachments.iter()))
    }

    /// The URL of the API action named `name` for `method`, or `refusal` in words when
    /// the dialog does not offer it to this user.
    pub fn offered(&self, name: &str, method: &str, refusal: &str) -> Result<String, ApiError> {
        self.api_endpoint(name, method)
            .map(str::to_owned)
            .ok_or_else(|| ApiError::Unsupported {
                what: refusal.to_owned(),
            })
    }

    /// Maps to a whole message: the body (the main content, markdown made text) with the
    /// actions after it (browser links numbered, what innboks does itself, what only the
    /// browser can), and the transmissions as its thread, apart (each with its fetched
    /// body, its links numbered after the body's).
    pub fn to_message(
        &self,
        texts: &DialogTexts,
        fetched: &Fetched,
        languages: &[&str],
    ) -> Message {
        let summary = self.item.to_summary(languages);
        let summary_owner = sanitize_line(&summary.service_owner);
        let content = &texts.content;
        let mut markdown = String::new();
        if let Some(body) = &fetched.body {
            markdown.push_str(body);
            markdown.push_str("\n\n");
        } else if let Some(info) = content.additional_info.as_ref() {
            if let Some(text) = pick(&info.value, languages) {
                let kind = info
                    .media_type
                    .to_ascii_lowercase()
                    .contains("markdown")
                    .then_some(Embed::Markdown);
                markdown.push_str(&embed_markdown(kind, text));
                markdown.push_str("\n\n");
            }
        }
        let actions = self.actions(languages);
        let plain = |text: &str| embed_markdown(None, text);
        push_list(
            &mut markdown,
            tr!("Handlinger (åpnes i nettleseren)"),
            actions
                .links
                .iter()
                .map(|(title, url)| format!("[{}]({url})", plain(title))),
        );
        push_list(
            &mut markdown,
            tr!("Handlinger i innboks"),
            actions
                .by_key
                .iter()
                .map(|(title, key)| format!("{}: {}", plain(title), plain(key))),
        );
        push_list(
            &mut markdown,
            tr!("Bare i nettleseren"),
            actions.browser_only.iter().map(|title| plain(title)),
        );
        if let (false, Some(address)) = (actions.browser_only.is_empty(), &fetched.web_address) {
            markdown.push_str(&format!(
                "{} <{address}>\n",
                tr!("Åpne meldingen i Altinn:")
            ));
        }
        let text = markdown_to_text(&markdown, BODY_WIDTH);
        let mut links = crate::text::body_links(&text);
        let thread = self
            .transmissions
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let body = fetched.transmissions.get(i).and_then(Option::as_deref);
                let entry = t.to_entry(&summary_owner, body, languages);
                let entry = ThreadEntry {
                    text: crate::text::shift_link_numbers(&entry.text, links.len()),
                    ..entry
                };
                links.extend(crate::text::body_links(&entry.text));
                entry
            })
            .collect();
        let attachments = self
            .all_attachments()
            .map(|a| attachment(a, languages))
            .collect();
        Message {
            summary,
            summary_text: content
                .summary
                .as_ref()
                .and_then(|s| pick(&s.value, languages))
                .map(sanitize_multiline),
            links,
            body: text,
            attachments,
            archive_reference: None,
            portal_url: fetched.web_address.clone(),
            thread,
            expires: self.expires_at,
            history: {
                let mut history: Vec<_> = self
                    .activities
                    .iter()
                    .map(|a| a.to_entry(&summary_owner, languages))
                    .collect();
                history.sort_by_key(|e| e.at);
                history
            },
        }
    }
}

/// `/parties`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Parties {
    /// The parties.
    pub(crate) authorized_parties: Vec<AuthorizedParty>,
}

/// A party the user may act for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct AuthorizedParty {
    /// URN.
    pub party: String,
    /// Name.
    pub name: String,
    /// `Person` or `Organization`.
    pub party_type: String,
    /// Deleted in the register.
    pub is_deleted: bool,
    /// The user.
    pub is_current_end_user: bool,
    /// Listed only for its sub-units.
    pub has_only_access_to_sub_parties: bool,
    /// Sub-units.
    pub(crate) sub_parties: Vec<AuthorizedParty>,
}

impl Parties {
    /// The parties in order: the user first, then each organisation with its sub-units
    /// right after it; deleted ones marked; parents the user reaches only through their
    /// sub-units left out. Returns them with the user's own URN.
    pub fn to_parties(&self) -> (Vec<Party>, Option<String>) {
        let mut out = Vec::new();
        let mut me = None;
        let mut ordered: Vec<&AuthorizedParty> = self.authorized_parties.iter().collect();
        ordered.sort_by_key(|p| !p.is_current_end_user);
        for party in ordered {
            if party.is_current_end_user {
                me = Some(sanitize_line(&party.party));
            }
            if !party.has_only_access_to_sub_parties {
                out.push(to_party(party, false));
            }
            out.extend(party.sub_parties.iter().map(|s| to_party(s, true)));
        }
        (out, me)
    }
}

fn to_party(p: &AuthorizedParty, sub: bool) -> Party {
    let urn = sanitize_line(&p.party);
    let number = urn
        .strip_prefix("urn:altinn:organization:identifier-no:")
        .map(str::to_owned);
    let name = sanitize_line(&p.name);
    Party {
        id: urn,
        // The register may already say so in capitals: said once, in the language in use.
        name: if p.is_deleted {
            let bare = name
                .strip_suffix("(SLETTET)")
                .map_or(name.as_str(), str::trim_end);
            tr!("{name} (slettet)", name = bare)
        } else {
            name
        },
        kind: match (p.party_type.as_str(), sub) {
            ("Person", _) => PartyKind::Person,
            (_, true) => PartyKind::SubUnit,
            ("Organization", false) => PartyKind::Organisation,
            (other, _) => PartyKind::Other(sanitize_line(other)),
        },
        organisation_number: number,
    }
}

/// A Correspondence or Dialogporten error's words, for the status line.
pub fn problem_text(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    if let Some(words) = value
        .get("errorCode")
        .and_then(serde_json::Value::as_u64)
        .and_then(correspondence_error)
    {
        return Some(words.to_owned());
    }
    let from_errors = value
        .get("errors")
        .and_then(|e| e.as_object())
        .and_then(|map| {
            map.values()
                .filter_map(|v| v.as_array())
                .flatten()
                .filter_map(|m| m.as_str())
                .next()
                .map(str::to_owned)
        });
    from_errors
        .or_else(|| {
            value
                .get("detail")
                .and_then(|d| d.as_str())
                .map(str::to_owned)
        })
        .or_else(|| {
            value
                .get("title")
                .and_then(|d| d.as_str())
                .map(str::to_owned)
        })
        .map(|t| sanitize_line(&t))
}

/// Correspondence's recipient-side error codes (`Errors.cs`), in the user's words; the rest
/// keep the server's own `detail`.
fn correspondence_error(code: u64) -> Option<&'static str> {
    Some(match code {
        1014 => tr!("meldingen er allerede slettet for godt"),
        1024 | 1025 => tr!("meldingen må åpnes først"),
        1026 => tr!("mottaket må bekreftes (b) før meldingen kan slettes for godt"),
        1040 => tr!("meldingen er allerede lest"),
        1041 => tr!("mottaket er allerede bekreftet"),
        1043 => tr!("meldingen hører til en forsendelse og kan ikke slettes for seg"),
        2019 => tr!("vedlegget er slettet"),
        2020 => tr!("vedlegget er utløpt"),
        _ => return None,
    })
}
