//! A message as JSON with the keys `show --json` prints, shared by `show`, `list` and the
//! export's `message.json`, so the three never drift apart.

use serde_json::json;

use crate::domain::{Attachment, Message, MessageSummary, Stamp};

fn date(d: Option<chrono::DateTime<chrono::Utc>>) -> serde_json::Value {
    d.map_or(serde_json::Value::Null, |d| json!(d.to_rfc3339()))
}

/// An attachment as `show --json` and `attachment list --json` print it.
pub fn attachment_json(a: &Attachment) -> serde_json::Value {
    json!({"id": a.id, "name": a.name, "file_name": a.file_name, "size": a.size,
           "encrypted": a.encrypted, "all_attachments": a.bundle})
}

/// A list row as `list --json` prints it.
pub fn summary_json(m: &MessageSummary) -> serde_json::Value {
    json!({
        "id": m.id,
        "subject": m.subject,
        "sender": m.sender(),
        "service_owner": m.service_owner,
        "status": m.status.label(),
        "unread": m.is_unread(),
        "type": m.kind.label(),
        "received": date(m.last_changed.map(Stamp::utc)),
        "due": date(m.due.map(Stamp::utc)),
        "requires_confirmation": m.requires_confirmation,
        "reportee": m.owner,
    })
}

/// A whole message as `show --json` prints it.
pub fn message_json(message: &Message) -> serde_json::Value {
    let mut value = summary_json(&message.summary);
    value["body"] = json!(message.body);
    value["summary"] = json!(message.summary_text);
    value["portal_url"] = json!(message.portal_url);
    value["attachments"] =
        serde_json::Value::Array(message.attachments.iter().map(attachment_json).collect());
    value["thread"] = serde_json::Value::Array(
        message
            .thread
            .iter()
            .map(|e| json!({"at": date(e.at), "from": e.from, "title": e.title, "text": e.text, "readable": e.readable}))
            .collect(),
    );
    value["history"] = serde_json::Value::Array(
        message
            .history
            .iter()
            .map(|e| json!({"at": date(e.at), "what": e.what, "by": e.by}))
            .collect(),
    );
    value
}

/// The `show --json` keys of a dialog whose content was not fetched: the list's, with the
/// content's keys empty (`body` null), so a script reads both alike.
pub fn metadata_json(summary: &MessageSummary) -> serde_json::Value {
    let mut value = summary_json(summary);
    value["body"] = serde_json::Value::Null;
    value["summary"] = serde_json::Value::Null;
    value["portal_url"] = serde_json::Value::Null;
    value["attachments"] = json!([]);
    value["thread"] = json!([]);
    value["history"] = json!([]);
    value
}
