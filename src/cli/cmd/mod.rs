//! One file per command.

pub mod login;
pub mod logout;
pub mod pull;
pub mod push;
pub mod version;
