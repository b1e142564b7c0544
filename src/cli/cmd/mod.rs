//! One file per command.

pub mod pull;
pub mod push;
pub mod version;
