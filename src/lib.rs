//! innboks: a terminal inbox for Altinn. See `DESIGN.md` in the shared folder for the map.

pub mod app;
pub mod auth;
pub mod backend;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod http;
pub mod paths;
pub mod runtime;
pub mod secret;
pub mod sim;
pub mod startup;
pub mod sync;
pub mod text;
pub mod tui;
pub mod ui;
