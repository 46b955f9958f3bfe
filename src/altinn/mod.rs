//! The Altinn 2 REST backend: HAL documents ([`model`]) and the HTTP client ([`client`]).

pub mod client;
pub mod model;

pub use client::{ApiError, Client};
