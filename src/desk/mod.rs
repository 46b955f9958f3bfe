//! The accountant's desk: every party's dialogs kept in the cache as metadata by a sync
//! that never opens a dialog ([`sync`]), and what `watch` makes of each sync ([`watch`]).
//! The views over it (agenda, board, count) are SQL in [`crate::cache`]; the TUI's are in
//! `app/` and `ui/`, the CLI's in `commands/desk.rs`.

pub mod sync;
pub mod watch;
