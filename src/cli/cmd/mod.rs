//! One file per command (the `manifest`, `blob` and `repo` groups one file
//! per group).

pub mod airgap;
pub mod attach;
pub mod backup;
pub mod blob;
pub mod completion;
pub mod copy;
pub mod discover;
pub mod index;
pub mod login;
pub mod logout;
pub mod manifest;
pub mod pull;
pub mod push;
pub mod repo;
pub mod resolve;
pub mod restore;
pub mod tag;
pub mod version;
