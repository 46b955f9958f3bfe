//! Serde types of Altinn 2's HAL+JSON documents and their mapping to [`crate::domain`].
//!
//! Parsing is forgiving: unknown fields are ignored, absent ones are `None`, numbers that
//! arrive as strings (and the reverse) are accepted, one link where an array is expected is
//! accepted, and unknown enum texts are kept raw.

use crate::i18n::tr;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::domain::{
    Attachment, Message, MessageKind, MessagePage, MessageStatus, MessageSummary, Party, PartyKind,
    Profile, Stamp,
};
use crate::text::{html_to_text, safe_file_name, sanitize_line};

/// Width used when turning HTML bodies into text: wide enough that paragraphs stay one line
/// each, so the detail pane wraps them to its own width.
const BODY_WIDTH: usize = 1000;

/// A HAL link.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Link {
    /// Target URL.
    #[serde(default)]
    pub href: String,
}

/// An attachment link in a message's `_links.attachment`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AttachmentLink {
    /// Download URL.
    #[serde(default)]
    pub href: String,
    /// Display name.
    pub name: Option<String>,
    /// File name.
    #[serde(rename = "fileName")]
    pub file_name: Option<String>,
    /// Encrypted content.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub encrypted: bool,
    /// Size in bytes.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub filesize: Option<u64>,
}

/// `_links` of a message.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MessageLinks {
    /// `self`.
    #[serde(rename = "self")]
    pub self_link: Option<Link>,
    /// The web portal's view.
    pub portalview: Option<Link>,
    /// Attachments: an array, or one object.
    #[serde(default, deserialize_with = "one_or_many")]
    pub attachment: Vec<AttachmentLink>,
}

/// A message as in `_embedded.messages[]` and as the detail document.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HalMessage {
    /// Id.
    pub message_id: String,
    /// Subject.
    pub subject: Option<String>,
    /// Localized status text.
    pub status: Option<String>,
    /// Marked unread by the user.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub marked_unread: bool,
    /// Created.
    pub created_date: Option<String>,
    /// Last changed.
    pub last_changed_date_time: Option<String>,
    /// Service owner (agency).
    pub service_owner: Option<String>,
    /// Specific sender.
    pub message_sender: Option<String>,
    /// `Correspondence`, `FormTask`, or other.
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// Due date.
    pub due_date: Option<String>,
    /// Archive reference.
    pub archive_reference: Option<String>,
    /// Short summary.
    pub summary: Option<String>,
    /// HTML body.
    pub body: Option<String>,
    /// `1`: a confirmation of receipt is required (the simulator's decision; see the API
    /// reference). Other values are unknown and ignored.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub available_action: Option<u64>,
    /// Links.
    #[serde(rename = "_links", default)]
    pub links: MessageLinks,
}

/// `_embedded` of a message list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EmbeddedMessages {
    /// The items.
    #[serde(default)]
    pub messages: Vec<HalMessage>,
}

/// `_links` of a message list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListLinks {
    /// A next page, should the server ever send one.
    pub next: Option<Link>,
}

/// A message list document.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MessageList {
    /// Items (absent on an empty page).
    #[serde(rename = "_embedded", default)]
    pub embedded: EmbeddedMessages,
    /// Links.
    #[serde(rename = "_links", default)]
    pub links: ListLinks,
}

/// A reportee.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HalReportee {
    /// `r…` id.
    pub reportee_id: String,
    /// Name.
    pub name: Option<String>,
    /// Localized type text.
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// Organisation number.
    #[serde(default, deserialize_with = "lenient_string")]
    pub organization_number: Option<String>,
}

/// `_embedded` of the reportee list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EmbeddedReportees {
    /// The reportees.
    #[serde(default)]
    pub reportees: Vec<HalReportee>,
}

/// The reportee list document.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReporteeList {
    /// Items.
    #[serde(rename = "_embedded", default)]
    pub embedded: EmbeddedReportees,
}

/// `GET /api/my/profile`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HalProfile {
    /// Full name.
    pub name: Option<String>,
    /// User name.
    pub user_name: Option<String>,
}

/// Parses an Altinn date: with an offset, or local Norwegian time without one, with 0–7
/// fractional digits. `None` for anything else (shown as an empty date, never a failure).
fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
        .ok()?;
    Oslo.from_local_datetime(&naive)
        .earliest()
        .map(|dt| dt.with_timezone(&Utc))
}

/// The longest one-line text kept from the server (subjects, names): a screen has no use
/// for more, and search and drawing stay cheap.
const MAX_LINE_CHARS: usize = 1_000;

/// The largest HTML body converted to text; longer ones are cut, and say so.
const MAX_BODY_BYTES: usize = 1 << 20;

fn clean_opt(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(|text| {
            // Cut before cleaning, so a huge text costs no more than a long one.
            let cut = match text.char_indices().nth(MAX_LINE_CHARS * 4) {
                Some((at, _)) => &text[..at],
                None => text,
            };
            sanitize_line(cut)
                .chars()
                .take(MAX_LINE_CHARS)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
}

/// A body as text: HTML converted (at most [`MAX_BODY_BYTES`] of it), with a line saying
/// so when the rest was cut.
fn body_text(html: &str) -> String {
    if html.len() <= MAX_BODY_BYTES {
        return html_to_text(html, BODY_WIDTH);
    }
    let mut end = MAX_BODY_BYTES;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let mut text = html_to_text(&html[..end], BODY_WIDTH);
    text.push_str(&tr!(
        "\n\n[Meldingen er {size} stor; bare den første megabyten vises her.]",
        size = crate::text::human_size(html.len() as u64)
    ));
    text
}

impl HalMessage {
    /// Maps to the domain summary (sanitising every text).
    pub fn to_summary(&self) -> MessageSummary {
        let attachment_count = (!self.links.attachment.is_empty() || self.body.is_some())
            .then_some(self.links.attachment.len());
        MessageSummary {
            id: sanitize_line(&self.message_id).into(),
            subject: clean_opt(&self.subject).unwrap_or_default().into(),
            status: MessageStatus::from_text(&sanitize_line(
                self.status.as_deref().unwrap_or_default(),
            )),
            marked_unread: self.marked_unread,
            service_owner: clean_opt(&self.service_owner).unwrap_or_default().into(),
            message_sender: clean_opt(&self.message_sender).map(crate::domain::Name::from),
            kind: MessageKind::from_text(&sanitize_line(self.kind.as_deref().unwrap_or_default())),
            created: self
                .created_date
                .as_deref()
                .and_then(parse_date)
                .map(Stamp::from),
            last_changed: self
                .last_changed_date_time
                .as_deref()
                .and_then(parse_date)
                .map(Stamp::from),
            due: self
                .due_date
                .as_deref()
                .and_then(parse_date)
                .map(Stamp::from),
            attachment_count: attachment_count.map(MessageSummary::attachment_count_of),
            requires_confirmation: self.available_action == Some(1),
            owner: None,
            seq: 0,
        }
    }

    /// Maps the detail document to a domain message.
    pub fn to_message(&self) -> Message {
        let summary = self.to_summary();
        let body = match self.body.as_deref() {
            Some(html) if !html.trim().is_empty() => body_text(html),
            _ => String::new(),
        };
        let attachments = self
            .links
            .attachment
            .iter()
            .map(|link| {
                let id = link
                    .href
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or_default();
                let name = clean_opt(&link.name);
                let file_name = safe_file_name(
                    link.file_name
                        .as_deref()
                        .or(name.as_deref())
                        .unwrap_or(tr!("vedlegg")),
                );
                Attachment {
                    id: sanitize_line(id),
                    name: name.unwrap_or_else(|| file_name.clone()),
                    file_name,
                    size: link.filesize,
                    encrypted: link.encrypted,
                    url: link.href.clone(),
                    bundle: false,
                }
            })
            .collect();
        Message {
            history: Vec::new(),
            thread: Vec::new(),
            expires: None,
            summary,
            summary_text: clean_opt(&self.summary),
            links: crate::text::body_links(&body),
            body,
            attachments,
            archive_reference: clean_opt(&self.archive_reference),
            portal_url: self
                .links
                .portalview
                .as_ref()
                .map(|l| sanitize_line(&l.href)),
        }
    }
}

impl MessageList {
    /// Maps a page; a full page (`page_size` items) or a `next` link means more may follow.
    pub fn to_page(&self, page_size: usize, limit_reached: bool) -> MessagePage {
        let messages: Vec<MessageSummary> = self
            .embedded
            .messages
            .iter()
            .map(HalMessage::to_summary)
            .collect();
        let next = self
            .links
            .next
            .as_ref()
            .map(|l| l.href.trim().to_owned())
            .filter(|href| !href.is_empty());
        MessagePage {
            has_more: next.is_some() || messages.len() >= page_size,
            messages,
            limit_reached,
            next,
        }
    }
}

impl HalReportee {
    /// Maps to a domain party.
    pub fn to_party(&self) -> Party {
        let kind_text = sanitize_line(self.kind.as_deref().unwrap_or_default());
        let kind = match kind_text.to_lowercase().as_str() {
            "person" => PartyKind::Person,
            "enterprise" | "foretak" | "føretak" => PartyKind::Organisation,
            "business" | "bedrift" => PartyKind::SubUnit,
            _ => PartyKind::Other(kind_text),
        };
        Party {
            id: sanitize_line(&self.reportee_id),
            name: clean_opt(&self.name).unwrap_or_default(),
            kind,
            organisation_number: clean_opt(&self.organization_number),
        }
    }
}

impl HalProfile {
    /// Maps to the domain profile.
    pub fn to_profile(&self) -> Profile {
        Profile {
            name: clean_opt(&self.name)
                .or_else(|| clean_opt(&self.user_name))
                .unwrap_or_default(),
        }
    }
}

/// The error body shapes Altinn uses: `{"ErrorCode", "ErrorMessage"}` or `{"Message"}`.
pub fn error_message_from_body(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    let text = value
        .get("ErrorMessage")
        .or_else(|| value.get("Message"))
        .or_else(|| value.get("message"))?
        .as_str()?;
    let text = sanitize_line(text);
    (!text.is_empty()).then_some(text)
}

fn one_or_many<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<AttachmentLink>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Many(Vec<AttachmentLink>),
        One(AttachmentLink),
        Null(()),
    }
    Ok(match OneOrMany::deserialize(de)? {
        OneOrMany::Many(v) => v,
        OneOrMany::One(one) => vec![one],
        OneOrMany::Null(()) => Vec::new(),
    })
}

fn lenient_bool<'de, D: Deserializer<'de>>(de: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Bool(b) => b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        Value::Number(n) => n.as_i64().unwrap_or(0) != 0,
        _ => false,
    })
}

fn lenient_u64<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn lenient_string<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};

    #[test]
    fn parses_dates_with_and_without_offset() {
        let winter = parse_date("2013-11-11T13:41:01.703").expect("date");
        assert_eq!(
            winter.hour(),
            12,
            "offset-less is Oslo time (UTC+1 in winter)"
        );
        let summer = parse_date("2025-06-01T12:00:00").expect("date");
        assert_eq!(summer.hour(), 10);
        let seven = parse_date("2025-03-19T10:21:38.3381126+01:00").expect("date");
        assert_eq!(seven.hour(), 9);
        assert_eq!(
            parse_date("2013-11-20T19:50:54.86").map(|d| d.day()),
            Some(20)
        );
        assert!(parse_date("in a while").is_none());
    }

    #[test]
    fn safe_file_names() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("\u{1b}[31mrapport.pdf"), "rapport.pdf");
        assert_eq!(safe_file_name(".."), "vedlegg");
        assert_eq!(
            safe_file_name("skattemelding 2024.pdf"),
            "skattemelding 2024.pdf"
        );
    }

    #[test]
    fn one_attachment_object_is_accepted() {
        let doc = r#"{"MessageId":"a1","Subject":"x","Body":"<p>b</p>",
            "_links":{"attachment":{"href":"https://h/api/my/messages/a1/attachments/7","fileName":"f.pdf","filesize":"12"}}}"#;
        let msg: HalMessage = serde_json::from_str(doc).expect("parse");
        let msg = msg.to_message();
        assert_eq!(msg.attachments.len(), 1);
        assert_eq!(msg.attachments[0].id, "7");
        assert_eq!(msg.attachments[0].size, Some(12));
    }

    #[test]
    fn error_bodies() {
        assert_eq!(
            error_message_from_body(r#"{"ErrorCode":1,"ErrorMessage":"Feil"}"#).as_deref(),
            Some("Feil")
        );
        assert_eq!(
            error_message_from_body(r#"{"Message":"M"}"#).as_deref(),
            Some("M")
        );
        assert_eq!(error_message_from_body(""), None);
    }
}
