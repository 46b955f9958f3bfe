//! `update` driven directly, without a terminal or a network: one module per concern, all
//! starting from the same harness (`harness.rs`).

mod harness;

mod desk;
mod detail;
mod export;
mod filters;
mod list;
mod login;
mod merged;
mod overlays;
mod pipe;
mod search;
mod searches;
mod sync;
mod verbs;
