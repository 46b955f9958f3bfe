//! A verb done to many messages at once: which ones (and where the list shows them), what
//! came of each, and the labels each had before, so the last folder change can be undone.

use super::{ApiError, Folder, Inbox};

/// Where a message lies and whether it is marked unread: what a folder change alters, and
/// what undo puts back. The folder is one of Altinn 3's three (inbox, archive, trash bin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Labels {
    /// The inbox, the archive or the trash bin.
    pub folder: Folder,
    /// Marked unread (Altinn 3's `MarkedAsUnopened`).
    pub marked_unread: bool,
}

impl Labels {
    /// The labels of a message shown in `folder` (drafts and sent lie in the inbox).
    pub fn shown(folder: Folder, marked_unread: bool) -> Self {
        let folder = match folder {
            Folder::Archive => Folder::Archive,
            Folder::Trash => Folder::Trash,
            Folder::Inbox | Folder::Drafts | Folder::Sent => Folder::Inbox,
        };
        Self {
            folder,
            marked_unread,
        }
    }
}

/// One message of a bulk change.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkTarget {
    /// Whose inbox it is in (for the backends that do one message at a time).
    pub inbox: Inbox,
    /// Its id.
    pub id: String,
    /// Its labels as the list shows them: the labels before, where the backend has not
    /// seen it listed.
    pub shown: Labels,
}

/// What a bulk change did to one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The message.
    pub id: String,
    /// Done (with its new id, where it gets one), or why not.
    pub result: Result<Option<String>, ApiError>,
    /// Its labels before the change, where it was a folder change that was done (Altinn
    /// 3's system labels): what undo puts back.
    pub before: Option<Labels>,
}

impl Outcome {
    /// Done, with `before` for undo.
    pub fn done(id: &str, new_id: Option<String>, before: Option<Labels>) -> Self {
        Self {
            id: id.to_owned(),
            result: Ok(new_id),
            before,
        }
    }

    /// Not done.
    pub fn failed(id: &str, error: ApiError) -> Self {
        Self {
            id: id.to_owned(),
            result: Err(error),
            before: None,
        }
    }
}
