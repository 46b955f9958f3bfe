//! Everything that can happen to the app: input, ticks, and results of background work.
//! Results carry the id of the request they answer, so stale ones can be dropped.

use crossterm::event::KeyEvent;

use crate::altinn::ApiError;
use crate::domain::{Message, MessagePage, Profile};

/// An input or a result, fed to [`crate::app::update::update`].
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key press.
    Key(KeyEvent),
    /// Pasted text (bracketed paste).
    Paste(String),
    /// The terminal has a new size.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// Animation tick (only while something is loading).
    Tick,
    /// A login succeeded.
    LoggedIn {
        /// The request it answers.
        request: u64,
    },
    /// A login failed; the text says why.
    LoginFailed {
        /// The request it answers.
        request: u64,
        /// What to show.
        error: String,
    },
    /// The user's profile arrived.
    ProfileLoaded(Profile),
    /// A page of the inbox arrived.
    PageLoaded {
        /// The request it answers.
        request: u64,
        /// The `$skip` it was fetched at.
        skip: usize,
        /// The page.
        page: MessagePage,
    },
    /// A page could not be fetched.
    PageFailed {
        /// The request it answers.
        request: u64,
        /// The `$skip` it was fetched at.
        skip: usize,
        /// Why.
        error: ApiError,
    },
    /// A message's detail arrived.
    MessageLoaded {
        /// The request it answers.
        request: u64,
        /// The message.
        message: Box<Message>,
        /// It was fetched without `markAsRead=false`, so the server marked it read.
        marked_read: bool,
    },
    /// A message's detail could not be fetched.
    MessageFailed {
        /// The request it answers.
        request: u64,
        /// Why.
        error: ApiError,
    },
}
