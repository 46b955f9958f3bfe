//! innboks: a terminal inbox for Altinn. See `DESIGN.md` in the shared folder for the map.

pub mod altinn;
pub mod auth;
pub mod domain;
pub mod sim;
pub mod text;
