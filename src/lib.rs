//! innboks: a terminal inbox for Altinn.
//!
//! `ARCHITECTURE.md` at the root of the repository is the map: the data flow (key → `Msg` →
//! `app::update` → `Effect` → `runtime` → `Msg` → `ui::draw`), where each concern lives, the
//! import rule (checked by `tests/source_architecture.rs`), and how to add a screen, an effect, a
//! command or a backend. In short: `app/` is state and its one way of changing, `ui/` draws
//! it, `runtime/` carries out what `update` asks for through a `backend::Backend`, `auth` and
//! the `cache`; `commands/` are the scriptable commands; `sim/` is the simulator.

pub mod app;
pub mod auth;
pub mod backend;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod desk;
pub mod domain;
pub mod exit;
pub mod export;
pub mod http;
pub mod i18n;
pub mod launch;
pub mod paths;
pub mod runtime;
pub mod secret;
pub mod sim;
pub mod startup;
pub mod sync;
pub mod text;
pub mod tui;
pub mod ui;
